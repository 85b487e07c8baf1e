"""The custom actions against a small knowledge base (mechanism, not content)."""
import asyncio
import shutil
from pathlib import Path

import pytest

import actions.knowledge.store as store_module
from actions.answer import ActionAnswer
from actions.crisis import ActionCrisis
from actions.fallback import ActionFallback
from actions.followup import (ActionFollowupAnonymous, ActionFollowupOrganisation,
                              ActionFollowupPopulation, ActionSource)
from actions.help import ActionHelp
from actions.knowledge.store import KnowledgeStore
from tests.helpers import run_action

MINI = Path(__file__).parent / "data" / "mini_knowledge"


@pytest.fixture
def mini(monkeypatch):
    store = KnowledgeStore(MINI)
    monkeypatch.setattr(store_module, "_default", store)
    return store.get().kb


def run(action, text, intent, **kwargs):
    return asyncio.run(run_action(action, text, intent, **kwargs))


def joined(texts):
    return "\n".join(t for t in texts if t)


def test_figure_answer_carries_text_source_and_period(mini):
    texts, _, events, _ = run(ActionAnswer(), "Hoeveel jongens maken seksueel geweld mee?", "ask_knowledge")
    out = joined(texts)
    assert mini.entries["t_jongens"].text in out
    assert "Bron: testbron (2020)" in out and "ca. 2020" in out
    assert {"event": "slot", "name": "last_entry", "value": "t_jongens", "timestamp": None} in events


def test_neighbouring_figure_is_never_given(mini):
    texts, _, _, _ = run(ActionAnswer(), "Hoeveel jongens zijn slachtoffer van mensenhandel?", "ask_knowledge")
    out = joined(texts)
    for entry in mini.entries.values():
        assert entry.text not in out
    assert "utter_no_answer" in texts or "utter_clarify" in texts


def test_newest_figure_first_then_the_older_one(mini):
    texts, _, _, _ = run(ActionAnswer(), "Hoeveel slachtoffers van mensenhandel zijn er per jaar?", "ask_knowledge")
    out = joined(texts)
    newer, older = mini.entries["t_mh_slachtoffers_nieuw"].text, mini.entries["t_mh_slachtoffers"].text
    assert newer in out and older in out and out.index(newer) < out.index(older)


def test_needs_review_entry_is_never_served(mini):
    texts, buttons, _, _ = run(ActionAnswer(), "hoeveel ongecontroleerde slachtoffers zijn er", "ask_knowledge")
    assert "999" not in joined(texts) and all("t_mh_review" not in b["payload"] for b in buttons)
    texts, _, _, _ = run(ActionAnswer(), "/ask_knowledge", "ask_knowledge",
                         entities=[{"entity": "entry_id", "value": "t_mh_review"}])
    assert "999" not in joined(texts)


def test_unknown_question_says_so_and_offers_help(mini):
    texts, buttons, _, _ = run(ActionAnswer(), "hoeveel kost een brood in parijs", "ask_knowledge")
    assert texts[0] == "utter_no_answer" and "utter_help_pointer" in texts


def test_crisis_inside_any_action_comes_first(mini):
    for action, intent in ((ActionAnswer(), "ask_knowledge"), (ActionHelp(), "ask_help"),
                           (ActionFallback(), "nlu_fallback"), (ActionSource(), "ask_source")):
        texts, _, _, _ = run(action, "hij slaat me en ik kan niet weg", intent)
        assert texts[0].startswith("Ben je nu in gevaar? Bel meteen 112."), (action.name(), texts)


def test_crisis_action_by_intent_uses_the_right_number(mini):
    texts, _, _, _ = run(ActionCrisis(), "alles is zwart", "crisis_suicide")
    assert "113" in texts[0]
    texts, _, _, _ = run(ActionCrisis(), "help", "crisis_danger")
    assert "112" in texts[0]


def test_followup_population_gives_the_counterpart(mini):
    texts, _, _, _ = run(ActionFollowupPopulation(), "en meisjes?", "followup_population",
                         slots={"last_entry": "t_jongens"})
    assert mini.entries["t_meisjes"].text in joined(texts)


def test_followup_population_without_counterpart_is_honest(mini):
    texts, _, _, _ = run(ActionFollowupPopulation(), "en meisjes?", "followup_population",
                         slots={"last_entry": "t_mh_slachtoffers"})
    assert texts[0] == "utter_no_counterpart"
    assert not any(e.text in joined(texts) for e in mini.entries.values())


def test_source_followup_names_publication_publisher_and_link(mini):
    texts, _, _, _ = run(ActionSource(), "wat is de bron?", "ask_source", slots={"last_entry": "t_jongens"})
    out = joined(texts)
    assert "testbron (2020)" in out and "Testuitgever" in out and "https://example.org/bron" in out


def test_source_without_previous_answer(mini):
    texts, _, _, _ = run(ActionSource(), "wat is de bron?", "ask_source")
    assert texts == ["utter_no_previous_figure"]


def test_help_by_role_button_gives_contact_card(mini):
    texts, _, events, _ = run(ActionHelp(), '/ask_help{"role": "kind"}', "ask_help",
                              entities=[{"entity": "role", "value": "kind"}])
    out = joined(texts)
    assert "Het is niet jouw schuld" in out
    assert "0800-0432" in out and "11:00 tot 21:00" in out and "Anoniem: Ja." in out
    assert "gecontroleerd op 1 november 2026" in out
    assert any(e.get("name") == "last_organisation" and e.get("value") == "org_kindertelefoon" for e in events)


def test_help_without_a_clue_asks_one_question_with_buttons(mini):
    texts, _, _, _ = run(ActionHelp(), "/ask_help", "ask_help")
    assert texts == ["utter_ask_role"]


def test_followup_anonymous_uses_the_last_organisation(mini):
    texts, _, _, _ = run(ActionFollowupAnonymous(), "kan dat anoniem?", "followup_anonymous",
                         slots={"last_organisation": "org_113"})
    assert texts == ["Zelfmoordpreventie: Ja, je hoeft je naam niet te zeggen."]


def test_followup_organisation_by_entity(mini):
    texts, _, _, _ = run(ActionFollowupOrganisation(), "en van de kindertelefoon?", "followup_organisation",
                         entities=[{"entity": "organisation", "value": "org_kindertelefoon"}])
    assert "0800-0432" in joined(texts)


def test_fallback_is_short_honest_and_points_to_help(mini):
    texts, _, _, _ = run(ActionFallback(), "asdfgh", "nlu_fallback")
    assert texts == ["utter_no_answer", "utter_help_pointer"]
    texts, _, events, _ = run(ActionFallback(), "what is the weather in paris today", "out_of_scope")
    assert texts == ["utter_out_of_scope", "utter_help_pointer"]  # the English variation via the language slot
    assert {"event": "slot", "name": "language", "value": "en", "timestamp": None} in events


def test_live_edit_is_served_and_broken_edit_is_refused(tmp_path, caplog):
    directory = tmp_path / "knowledge"
    shutil.copytree(MINI, directory)
    store = KnowledgeStore(directory, check_interval=0)
    assert store.get().kb.organisations["org_kindertelefoon"].phone == "0800-0432"
    help_file = directory / "help.yml"
    help_file.write_text(help_file.read_text().replace('"0800-0432"', '"0800-0433"'))
    import os, time
    os.utime(help_file, (time.time() + 5, time.time() + 5))
    assert store.get().kb.organisations["org_kindertelefoon"].phone == "0800-0433"
    help_file.write_text(help_file.read_text().replace('phone: "0800-0433"', 'phone: "nul acht"'))
    os.utime(help_file, (time.time() + 10, time.time() + 10))
    with caplog.at_level("ERROR"):
        assert store.get().kb.organisations["org_kindertelefoon"].phone == "0800-0433"
    assert "org_kindertelefoon" in caplog.text and "geweigerd" in caplog.text


def test_background_reload_keeps_answering_from_the_last_version(tmp_path):
    import os, time
    directory = tmp_path / "knowledge"
    shutil.copytree(MINI, directory)
    store = KnowledgeStore(directory, check_interval=0, background=True)
    first = store.get()
    help_file = directory / "help.yml"
    help_file.write_text(help_file.read_text().replace('"0800-0432"', '"0800-0433"'))
    os.utime(help_file, (time.time() + 5, time.time() + 5))
    assert store.get() is first  # the reload runs beside the request, not in it
    deadline = time.monotonic() + 30
    while store.get().kb.organisations["org_kindertelefoon"].phone != "0800-0433":
        assert time.monotonic() < deadline, "reload did not finish"
        time.sleep(0.05)


def test_an_action_that_fails_still_answers_honestly_and_logs_no_text(mini, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr("actions.common.decide_turn", broken)
    with caplog.at_level("ERROR"):
        texts, _, events, _ = run(ActionAnswer(), "geheime vraag over mijn oom", "ask_knowledge")
    assert texts == ["utter_no_answer", "utter_help_pointer"] and events == []
    assert "action_answer" in caplog.text and "geheime vraag" not in caplog.text
