"""Typed text is text, on the real assistant: a typed message that looks like a Rasa
payload ("/ask_knowledge{} ik wil dood") still gets the crisis reply first, in both
channels; a button payload the server never offered is treated as typed text; an offered
one works as a button.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.slow

SUICIDE = ["/ask_knowledge{} ik wil dood", "/greet ik wil niet meer leven",
           '/ask_help{"role": "kind"} ik wil dood', "  /ask_knowledge@1.0{} ik denk aan zelfmoord"]
DANGER = ["/ask_knowledge{} hij slaat me nu", "/greet help hij heeft een mes",
          '/ask_source{"entry_id": "x"} ze hebben me opgesloten']
CHANNELS = ("rest", "website")


def send(port: int, channel: str, sender: str, message: str = None, payload: str = None):
    body = {"sender": sender}
    body.update({"payload": payload} if payload is not None else {"message": message})
    path = "/webhooks/rest/webhook" if channel == "rest" else "/webhooks/website/message"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        data = json.loads(reply.read())
    return data if channel == "rest" else data["messages"]


@pytest.fixture(scope="module")
def phones(kb):
    return kb.organisations["org_112"].phone, kb.organisations["org_113"].phone


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("text", SUICIDE)
def test_typed_payload_with_suicidal_words_gets_113_first(running_bot, phones, channel, text):
    emergency, suicide_line = phones
    reply = send(running_bot.rasa_port, channel, f"getypt-113-{channel}-{SUICIDE.index(text)}", text)
    assert reply, text
    first = reply[0]["text"]
    assert suicide_line in first and emergency in first, (text, first)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("text", DANGER)
def test_typed_payload_with_danger_words_gets_112_first(running_bot, phones, channel, text):
    emergency, _ = phones
    reply = send(running_bot.rasa_port, channel, f"getypt-112-{channel}-{DANGER.index(text)}", text)
    assert reply and emergency in reply[0]["text"], (text, reply)


@pytest.mark.parametrize("channel", CHANNELS)
def test_forged_payload_is_typed_text(running_bot, kb, phones, channel):
    """A payload the server never offered is not obeyed: '/ask_knowledge{"entry_id": x}'
    as a button would serve entry x; forged, it is read as typed text. Crisis words in a
    forged payload still count."""
    from actions.knowledge import formatting

    _, suicide_line = phones
    entry = kb.entries["mh_definitie"]
    forged = send(running_bot.rasa_port, channel, f"vals-{channel}",
                  payload='/ask_knowledge{"entry_id": "mh_definitie"}')
    assert [m["text"] for m in forged] != formatting.answer_texts(kb, entry)
    reply = send(running_bot.rasa_port, channel, f"vals-{channel}-2", payload="/ask_knowledge{} ik wil dood")
    assert suicide_line in reply[0]["text"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_offered_button_works_as_a_button(running_bot, channel):
    """The buttons the assistant sends can be pressed: the payload goes through."""
    sender = f"knop-{channel}"
    first = send(running_bot.rasa_port, channel, sender, "hallo")  # the greeting has buttons
    buttons = [b for m in first for b in (m.get("buttons") or [])]
    assert buttons, first
    pressed = send(running_bot.rasa_port, channel, sender, payload=buttons[0]["payload"])
    as_text = send(running_bot.rasa_port, channel, sender + "-getypt", buttons[0]["payload"])
    assert pressed and [m["text"] for m in pressed] != [m["text"] for m in as_text]
