"""The chat page's languages: its texts, greeting and starters from the server, the page
template, the language switch's action, and the language returned with each reply."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from tests.helpers import make_tracker

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def public():
    from bot.website.config import public_config, website_settings

    return public_config(website_settings())


def test_page_texts_exist_in_dutch_and_english_with_the_same_keys(public):
    languages = public["languages"]
    assert list(languages) == ["nl", "en"] and public["default_language"] == "nl"
    assert set(languages["nl"]) == set(languages["en"])
    for lang, texts in languages.items():
        for key, value in texts.items():
            assert value, (lang, key)
    assert languages["en"]["exit"] == "Leave this site"
    assert languages["nl"]["notice"] == public["notice"]
    assert "112" in languages["en"]["notice"]  # filled in from knowledge/help.yml
    assert "Bron:" in public["source_prefixes"] and "Source:" in public["source_prefixes"]


def test_starters_are_figures_explanation_help_and_the_other_language(public):
    for lang, other in (("nl", "en"), ("en", "nl")):
        starters = public["languages"][lang]["starters"]
        assert len(starters) == 4
        payloads = [s["payload"] for s in starters]
        assert payloads[:3] == ['/ask_knowledge{"menu": "cijfers"}', '/ask_knowledge{"menu": "uitleg"}', "/ask_help"]
        assert starters[3]["language"] == other
        assert payloads[3] == public["languages"][other]["switch_payload"]
        for payload in payloads:  # every starter is an intent the assistant knows
            assert re.match(r"/(\w+)", payload).group(1) in DOMAIN["intents"]


def test_the_channel_accepts_the_starters_like_offered_buttons(public):
    from bot.website.config import starter_payloads, website_settings

    accepted = starter_payloads(website_settings())
    for texts in public["languages"].values():
        assert {s["payload"] for s in texts["starters"]} <= accepted
    assert '/set_language{"language": "en"}' in accepted
    assert "/crisis_danger" not in accepted and "/ask_help{" not in accepted


def test_page_template_is_filled_in_dutch_with_a_language_switch():
    from bot.website.config import website_settings
    from bot.website.pages import render_page

    page = render_page(website_settings())
    assert "{{" not in page and '<html lang="nl">' in page
    assert '<button type="button" class="language" data-lang="en" lang="en" aria-pressed="false">English</button>' in page
    assert ">Verlaat deze site</a>" in page and ">Typ je vraag</label>" in page
    assert "Esc" in page


@pytest.mark.parametrize("entities,text,expected", [
    ([{"entity": "language", "value": "en"}], '/set_language{"language": "en"}', "en"),
    ([{"entity": "language", "value": "nl"}], "Nederlands graag", "nl"),
    ([], "Can you please answer me in English from now on?", "en"),
])
def test_set_language_sets_the_slot_and_greets_in_that_language(entities, text, expected):
    from actions.language import ActionSetLanguage

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, "set_language", entities=entities,
                           slots={"language": "nl" if expected == "en" else "en"})
    events = asyncio.run(ActionSetLanguage().run(dispatcher, tracker, DOMAIN))
    assert events[-1] == {"event": "slot", "name": "language", "value": expected, "timestamp": None}
    greeting = dispatcher.messages[0]
    assert greeting["text"].startswith({"en": "Hi!", "nl": "Hoi!"}[expected])
    payloads = [b["payload"] for b in greeting["buttons"]]
    assert '/ask_knowledge{"menu": "cijfers"}' in payloads  # literal braces, as Rasa sends them


def test_reply_language_is_the_conversation_slot():
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet

    from bot.website.language import conversation_language

    domain = Domain.from_dict({"slots": {"language": {"type": "categorical", "values": ["nl", "en", "pl"],
                                                      "mappings": [{"type": "custom"}]}}})
    store = InMemoryTrackerStore(domain)

    class App:
        class ctx:
            class agent:
                tracker_store = store

    async def check():
        tracker = await store.get_or_create_tracker("pl-sender")
        tracker.update(SlotSet("language", "pl"))
        await store.save(tracker)
        return (await conversation_language(App, "pl-sender"), await conversation_language(App, "new"),
                await conversation_language(object(), "x"))

    assert asyncio.run(check()) == ("pl", "nl", "nl")


def test_english_buttons_from_the_domain_carry_payloads_as_rasa_sends_them():
    """The role buttons after "Find help" in English: '/ask_help{"role": "kind"}', not the
    domain's escaped '{{...}}' (which Rasa cannot read, so the same question came back)."""
    from actions import common

    dispatcher = CollectingDispatcher()
    common.utter(dispatcher, "utter_ask_role", "en", DOMAIN)
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert '/ask_help{"role": "kind"}' in payloads
    assert not any("{{" in p or "}}" in p for p in payloads)
