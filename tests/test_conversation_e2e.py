"""Whole conversations against the real servers (trained model, action server, REST).

Expected texts are read from knowledge/, never written here.
"""
import uuid

import pytest

from bot.serve import ask

pytestmark = pytest.mark.slow


def talk(bot, *turns):
    sender = f"e2e-{uuid.uuid4().hex[:8]}"
    replies = [ask(bot.rasa_port, turn, sender=sender) for turn in turns]
    return [[m.get("text") or "" for m in reply] for reply in replies], replies


def test_definition_is_answered_in_dutch_with_its_source(running_bot, kb):
    (texts,), _ = talk(running_bot, "Wat is mensenhandel?")
    reply = "\n".join(texts)
    entry = kb.entries["mh_definitie"]
    assert entry.text in reply
    assert f"Bron: {kb.sources[entry.source].citation}" in reply


def test_greeting_says_it_is_a_bot_and_offers_quick_options(running_bot):
    _, (reply,) = talk(running_bot, "hoi")
    assert "chatbot" in reply[0]["text"] and "geen mens" in reply[0]["text"]
    assert [b["title"] for b in reply[0]["buttons"]] == ["Cijfers", "Uitleg", "Hulp zoeken"]


def test_bot_challenge_says_it_is_a_bot(running_bot):
    (texts,), _ = talk(running_bot, "praat ik met een echt mens?")
    assert "chatbot, geen mens" in texts[0]


def test_crisis_mid_conversation_comes_first(running_bot, kb):
    texts, _ = talk(running_bot, "hoeveel slachtoffers van mensenhandel zijn er", "hij slaat me nu")
    assert kb.organisations["org_112"].phone in texts[1][0]
    texts, _ = talk(running_bot, "hoi", "ik wil niet meer leven")
    assert kb.organisations["org_113"].phone in texts[1][0]


def test_boys_then_girls_then_source(running_bot, kb):
    texts, _ = talk(running_bot, "hoeveel jongens maken voor hun 18e lichamelijk seksueel geweld mee",
                    "en meisjes?", "wat is de bron?")
    assert kb.entries["sgk_jongens_fysiek_voor_18"].text in "\n".join(texts[0])
    assert kb.entries["sgk_meisjes_fysiek_voor_18"].text in "\n".join(texts[1])
    source = kb.sources[kb.entries["sgk_meisjes_fysiek_voor_18"].source]
    assert source.citation in texts[2][0] and source.publisher in texts[2][0]


def test_description_without_key_words_reaches_help(running_bot, kb):
    (texts,), _ = talk(running_bot, "mijn baas houdt mijn paspoort in")
    assert kb.organisations["org_arbeidsinspectie"].phone in "\n".join(texts)
    (texts,), _ = talk(running_bot, "mijn dochter heeft een veel oudere vriend die haar cadeaus geeft")
    reply = "\n".join(texts)
    assert kb.organisations["org_veilig_thuis"].phone in reply or kb.organisations["org_fier"].name in reply


def test_neighbouring_figure_is_not_given(running_bot, kb):
    (texts,), _ = talk(running_bot, "hoeveel jongens zijn slachtoffer van mensenhandel?")
    reply = "\n".join(texts)
    for entry in kb.vetted_entries():
        if entry.kind == "figure":
            assert entry.text not in reply, entry.id


def test_out_of_scope_is_honest(running_bot, kb):
    (texts,), _ = talk(running_bot, "wat voor weer wordt het morgen in Utrecht?")
    reply = "\n".join(texts)
    assert "Daar kan ik je niet mee helpen" in reply or "Dat weet ik niet" in reply
    assert not any(e.text in reply for e in kb.vetted_entries())
