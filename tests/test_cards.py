"""Contact cards a person in trouble can use (issue 18, part 5).

The text card (REST channel, integrations) keeps every known fact and leaves out what the
directory does not know; the website channel sends the same card as data (tel: numbers,
https links, details one tap away) with its words in the card's language.
"""
from __future__ import annotations

import dataclasses
import json
import re

import pytest

from actions.knowledge import formatting
from bot import settings
from bot.website.cards import CARD_WORDS, card_words, with_cards
from bot.website.config import website_settings
from bot.website.pages import tappable

LANGUAGES = ("nl", "en", "pl", "ro", "bg", "uk")


def vetted(kb):
    return [o for o in kb.organisations.values() if o.vetted]


def unknown_texts(kb, lang):
    """The interface's 'not checked' / 'not sure' lines in `lang`, without their places."""
    return [kb.interface[key][lang].split("{")[0] for key in ("hours_unknown", "anonymous_unknown")
            if key in kb.interface and lang in kb.interface[key]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_card_leaves_unknown_facts_out_and_keeps_the_known_ones(kb, lang):
    without_hours = [o for o in vetted(kb) if not o.hours and not o.emergency]
    without_anonymity = [o for o in vetted(kb) if not o.anonymous and not o.emergency]
    assert without_hours and without_anonymity  # the directory has such organisations
    for org in vetted(kb):
        text = formatting.organisation_card(org, lang, kb)
        for unknown in unknown_texts(kb, lang):
            assert unknown not in text, (org.id, lang)
        assert text.startswith(org.name)
        for phone in formatting.phone_numbers(org):
            assert phone in text
        if org.web:
            assert org.web in text
        if org.hours:
            assert org.localized("hours", lang) in text
        if org.anonymous:
            assert org.localized("anonymous", lang) in text
        assert formatting.local_date(org.checked, lang, kb) in text


def test_phone_numbers_become_tel_addresses_with_digits_only():
    assert formatting.tel_href("0800-2000") == "tel:08002000"
    assert formatting.tel_href("033 448 11 86") == "tel:0334481186"
    assert formatting.tel_href("+31 20 261 52 75") == "tel:+31202615275"
    assert formatting.tel_href("112") == "tel:112"
    assert formatting.tel_href("nul acht") is None and formatting.tel_href("") is None


@pytest.mark.parametrize("url,expected", [
    ("https://www.113.nl", "https://www.113.nl"),
    ("http://www.113.nl", None),
    ("javascript:alert(1)", None),
    ("https://user:pw@www.113.nl", None),
    ("www.113.nl", None),
    (None, None),
])
def test_only_https_addresses_become_links(url, expected):
    assert formatting.https_url(url) == expected


def test_card_data_has_name_purpose_buttons_and_details(kb):
    org = kb.organisations["org_veilig_thuis"]
    card = formatting.organisation_card_data(org, "pl", kb)
    assert card["name"] == org.name and card["lang"] == "pl"
    purpose, rest = formatting.first_sentence(org.localized("for_whom", "pl"))
    assert card["purpose"] == purpose and purpose.endswith(".") and rest  # one sentence on top
    assert card["phones"] == [{"number": org.phone, "href": formatting.tel_href(org.phone)}]
    assert card["phone_note"] == org.localized("phone_note", "pl")
    assert card["web_url"] == org.web and card["chat_url"] == org.web  # "czat na veiligthuis.nl"
    details = "\n".join(card["details"])
    assert rest in details
    assert org.localized("hours", "pl") in details and org.localized("anonymous", "pl") in details
    assert org.localized("chat", "pl") in details
    assert formatting.local_date(org.checked, "pl", kb) in details
    json.dumps(card)  # it travels as JSON


def test_chat_button_goes_to_the_site_the_chat_text_names(kb):
    assert formatting.chat_url(kb.organisations["org_fier"]) == "https://chatmetfier.nl"
    assert formatting.chat_url(kb.organisations["org_113"]) == kb.organisations["org_113"].web
    assert formatting.chat_url(kb.organisations["org_112"]) is None  # an app, not a site
    own = dataclasses.replace(kb.organisations["org_112"])
    object.__setattr__(own, "chat_url", "https://www.112.nl/chat")  # a field the directory may add
    assert formatting.chat_url(own) == "https://www.112.nl/chat"
    object.__setattr__(own, "chat_url", "javascript:alert(1)")
    assert formatting.chat_url(own) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_card_data_never_carries_an_unknown_fact(kb, lang):
    for org in vetted(kb):
        card = formatting.organisation_card_data(org, lang, kb)
        shown = " ".join([card["name"], card["purpose"] or ""] + card["details"])
        for unknown in unknown_texts(kb, lang):
            assert unknown not in shown, (org.id, lang)
        assert all(re.fullmatch(r"tel:\+?\d{3,15}", p["href"]) for p in card["phones"])
        assert len(card["phones"]) == len(formatting.phone_numbers(org))
        for url in (card["chat_url"], card["web_url"]):
            assert url is None or url.startswith("https://")


def test_every_card_text_is_recognised_with_its_language(kb):
    for org in vetted(kb):
        for lang in LANGUAGES:
            text = formatting.organisation_card(org, lang, kb)
            found_org, found_lang = formatting.card_for_text(kb, text, prefer=lang)
            assert found_org.id == org.id
            assert found_lang == lang or formatting.organisation_card(org, found_lang, kb) == text
    some = formatting.organisation_card(kb.organisations["org_csg"], "nl", kb)
    assert formatting.card_for_text(kb, some + " ") is None
    assert formatting.card_for_text(kb, "Wat is mensenhandel?") is None


def test_known_numbers_longest_first_so_a_number_inside_another_stays_whole(kb):
    numbers = [p["number"] for p in formatting.known_phone_numbers(kb)]
    org = kb.organisations["org_113"]
    assert org.phone in numbers and org.phone_alt in numbers
    assert numbers.index(org.phone_alt) < numbers.index(org.phone)
    assert [len(n) for n in numbers] == sorted((len(n) for n in numbers), reverse=True)


def test_notice_numbers_are_tel_links_and_markup_stays_text(kb):
    phones = formatting.known_phone_numbers(kb)
    emergency, suicide = kb.organisations["org_112"], kb.organisations["org_113"]
    html = tappable(f"Bel {emergency.phone}. Of {suicide.phone_alt} <b>nu</b>", phones)
    assert f'<a class="tel" href="{formatting.tel_href(emergency.phone)}">{emergency.phone}</a>' in html
    assert f'<a class="tel" href="{formatting.tel_href(suicide.phone_alt)}">{suicide.phone_alt}</a>' in html
    assert html.count("<a ") == 2  # the short number inside the long one is not a second link
    assert "&lt;b&gt;nu&lt;/b&gt;" in html
    assert tappable(f"In 2{emergency.phone}4 waren er", phones) == f"In 2{emergency.phone}4 waren er"


def test_card_words_exist_in_every_language():
    config = website_settings()
    for lang in LANGUAGES:
        words = card_words(config, lang)
        assert set(words) == set(CARD_WORDS) and all(words.values()), lang
        assert "{phone}" in words["call"]
        assert lang == "nl" or words["more"] != card_words(config, "nl")["more"]  # translated
    assert set(settings.settings()["website"]["cards"]) == set(LANGUAGES)


def test_website_messages_get_the_card_the_text_stays(kb):
    config = website_settings()
    org = kb.organisations["org_kindertelefoon"]
    text = formatting.organisation_card(org, "en", kb)
    messages = [{"text": "Good that you are telling this.", "buttons": []}, {"text": text, "buttons": []}]
    shown = with_cards(messages, config, prefer="en")
    assert shown[0] == messages[0]  # an ordinary message stays as it was
    assert shown[1]["text"] == text  # the full text too, for a page without cards
    card = shown[1]["card"]
    assert card["id"] == org.id and card["lang"] == "en"
    assert card["words"] == card_words(config, "en")


# ------------------------------------------------------- over HTTP: website and REST

class CardAgent:
    """Sends what the actions send for a help route: the route's text, then a card."""

    def __init__(self, kb, base):
        self.kb, self.base = kb, base
        self.tracker_store, self.lock_store = base.tracker_store, None

    async def handle_message(self, message):
        org = self.kb.organisations["org_veilig_thuis"]
        out = message.output_channel
        await out.send_text_message(message.sender_id, "Goed dat je dit vertelt.")
        await out.send_text_message(message.sender_id, formatting.organisation_card(org, "pl", self.kb))


@pytest.fixture(scope="module")
def card_site(kb):
    from tests.test_website_channel import RunningApp, build_app, free_port

    big = {"per_minute": 100000, "burst": 100000}
    app, website = build_app(door_overrides={"rate_limits": {k: big for k in ("message", "page", "forget")}})
    app.ctx.agent = CardAgent(kb, app.ctx.agent)
    running = RunningApp(app, free_port()).start()
    yield running
    running.stop()


def test_website_sends_the_card_as_data_and_rest_the_full_text(card_site, kb):
    org = kb.organisations["org_veilig_thuis"]
    text = formatting.organisation_card(org, "pl", kb)
    status, _, body = card_site.request("/webhooks/website/message", {"sender": "web-kaart", "message": "pomoc"})
    assert status == 200
    route, card_message = json.loads(body)["messages"]
    assert "card" not in route
    card = card_message["card"]
    assert card_message["text"] == text
    assert card["name"] == org.name and card["lang"] == "pl"
    assert card["phones"][0]["href"] == formatting.tel_href(org.phone)
    assert card["words"]["call"] == settings.settings()["website"]["cards"]["pl"]["call"]

    status, _, body = card_site.request("/webhooks/rest/webhook", {"sender": "rest-kaart", "message": "pomoc"})
    assert status == 200
    replies = json.loads(body)
    assert [r["text"] for r in replies] == ["Goed dat je dit vertelt.", text]  # REST: the whole text
    assert all("card" not in r for r in replies)
    assert org.phone in text and org.name in text and org.localized("hours", "pl") in text


def test_config_gives_the_page_every_directory_number(card_site, kb):
    status, _, body = card_site.request("/webhooks/website/config")
    assert status == 200
    phones = json.loads(body)["phones"]
    assert phones == formatting.known_phone_numbers(kb)
    assert {"number": kb.organisations["org_112"].phone, "href": "tel:112"} in phones
