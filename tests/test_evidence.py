"""'Wat zegt de bron precies?': the quoted evidence of the last answer."""
import asyncio
from pathlib import Path

import pytest

import actions.knowledge.store as store_module
from actions.evidence import ActionEvidence
from actions.knowledge import formatting
from actions.knowledge.loader import load
from actions.knowledge.store import KnowledgeStore
from tests.helpers import run_action

MINI = Path(__file__).parent / "data" / "mini_knowledge"
REPO_KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"


def use_store(monkeypatch, directory):
    store = KnowledgeStore(directory)
    monkeypatch.setattr(store_module, "_default", store)
    return store.get().kb


def ask(slots=None, text="wat zegt de bron precies?"):
    texts, _, events, _ = asyncio.run(run_action(ActionEvidence(), text, "ask_evidence", slots=slots or {}))
    return texts, events


def test_evidence_follow_up_quotes_the_source_with_where_and_date(monkeypatch):
    kb = use_store(monkeypatch, MINI)
    texts, events = ask({"last_entry": "t_jongens"})
    quote = kb.entries["t_jongens"].evidence[0].quote
    assert texts == [f"Letterlijk uit testbron (2020), p. 2 (gelezen op 1 november 2026): “{quote}”"]
    assert not [e for e in events if e.get("name") in ("last_entry", "last_organisation")]


def test_evidence_follow_up_in_english(monkeypatch):
    use_store(monkeypatch, MINI)
    texts, _ = ask({"last_entry": "t_jongens", "language": "en"}, "what does the source say exactly?")
    assert texts[0].startswith("Word for word from testbron (2020), p. 2 (read on 1 November 2026): “17%")


def test_evidence_of_an_organisation_is_its_own_words(monkeypatch):
    use_store(monkeypatch, MINI)
    texts, _ = ask({"last_entry": "sit_kind", "last_organisation": "org_kindertelefoon"})
    assert texts[0] == ('Letterlijk uit De Kindertelefoon, https://example.org/kindertelefoon '
                        '(gelezen op 1 november 2026): “Bel gratis naar de Kindertelefoon: "0800-0432".”')
    assert len(texts) == 2 and "21:00" in texts[1]


def test_without_a_previous_answer_it_says_so(monkeypatch):
    kb = use_store(monkeypatch, MINI)
    texts, _ = ask()
    assert texts == [formatting.word(kb, "evidence_no_item")]


def test_an_item_without_evidence_is_answered_honestly(monkeypatch, tmp_path):
    import shutil
    target = tmp_path / "knowledge"
    shutil.copytree(MINI, target)
    kb = use_store(monkeypatch, target)
    # an explanation-like entry: no values, no evidence
    texts, _ = ask({"last_entry": "t_mh_review"})  # not vetted: never shown, so no quote either
    assert texts == [formatting.word(kb, "evidence_no_item")]


def test_needs_review_entry_has_no_quote_shown(monkeypatch):
    use_store(monkeypatch, MINI)
    texts, _ = ask({"last_entry": "t_mh_review"})
    assert "999" not in "\n".join(texts)


def test_crisis_comes_first_in_the_evidence_action(monkeypatch):
    use_store(monkeypatch, MINI)
    texts, _ = ask({"last_entry": "t_jongens"}, "hij slaat me en ik kan niet weg")
    assert texts[0].startswith("Ben je nu in gevaar? Bel meteen 112.")


def shipped_figures():
    kb, _ = load(REPO_KNOWLEDGE)
    return [e.id for e in kb.vetted_entries() if e.values]


@pytest.mark.parametrize("entry_id", shipped_figures())
def test_every_vetted_figure_returns_its_quote(monkeypatch, entry_id):
    kb = use_store(monkeypatch, REPO_KNOWLEDGE)
    entry = kb.entries[entry_id]
    assert entry.evidence, f"{entry_id} has no evidence"
    texts, _ = ask({"last_entry": entry_id})
    out = "\n".join(t for t in texts if t)
    for piece in entry.evidence:
        assert f"“{piece.quote}”" in out


def test_a_figure_answer_offers_the_evidence_button(monkeypatch):
    from rasa_sdk.executor import CollectingDispatcher
    from actions import common

    kb = use_store(monkeypatch, MINI)
    dispatcher = CollectingDispatcher()
    common.serve(dispatcher, store_module._default.get(), kb.entries["t_mh_slachtoffers"])
    buttons = [m.get("buttons") or [] for m in dispatcher.messages]
    assert buttons[-1] == [{"title": "Wat zegt de bron precies?", "payload": "/ask_evidence"}]
    assert not any(buttons[:-1])
    dispatcher = CollectingDispatcher()
    common.serve(dispatcher, store_module._default.get(), kb.entries["t_jongens"], lang="en")
    assert dispatcher.messages[-1]["buttons"][0]["title"] == "What does the source say exactly?"
