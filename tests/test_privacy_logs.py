"""No message text, sender id or personal data in the logs of the running assistant.

Every kind of conversation the assistant has (questions, follow-ups, help, crisis,
buttons, personal data, English, nonsense, wiping a conversation) is sent with a
distinctive marker, on both channels, to the shared `running_bot` of the end-to-end
tests; then every log file of that run is searched for the markers. The production
profile, the fault tests and the fuzz test check their own logs the same way.
"""
import json
import urllib.error
import urllib.request

import pytest
import yaml

from conftest import REPO_ROOT

pytestmark = pytest.mark.slow

MARK = "LOGMARKER"
SENDER = "logcontrole-afzender"
PERSONAL = ("Marloes", "06-98765432", "marloes.test@example.nl", "9876 ZX", "NL20INGB0001234567")


def crisis_examples():
    path = REPO_ROOT / "tests" / "data" / "crisis_messages.yml"
    if not path.exists():
        return ["hij slaat me", "ik wil niet meer leven"]
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [messages[0] for key, messages in data.items() if key.startswith("crisis") and messages]


def messages():
    n = iter(range(1000))
    plain = [
        "hallo", "Wat is mensenhandel?", "Hoeveel jongens maken seksueel geweld mee voor hun 18e?",
        "en meisjes?", "wat is de bron?", "ik wil hulp", "kan dat anoniem?", "ben jij een robot?",
        "wat kun je?", "what is human trafficking?", "asdf qwerty zxcv", "dank je", "doei",
        "/ask_help{\"role\": \"kind\"}", "/greet",
        f"ik heet {PERSONAL[0]}, bel {PERSONAL[1]}, mail {PERSONAL[2]}, postcode {PERSONAL[3]}, "
        f"rekening {PERSONAL[4]}",
    ] + crisis_examples()
    # a unique marker per message, so a hit in the log says which one leaked
    marked = [f"{text} {MARK}{next(n):03d}" if not text.startswith("/") else text for text in plain]
    # messages that look like "/intent{...}" but are not: Rasa warns about them
    return marked + [f"/{MARK}{next(n):03d}", f"/greet{{kapot {MARK}{next(n):03d}",
                     f"/ask_help{{\"role\": \"{MARK}{next(n):03d}\"}}", f"/greet@2 {MARK}{next(n):03d}"]


def post(port, path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def test_logs_hold_no_message_text_or_sender(running_bot):
    port = running_bot.rasa_port
    for channel, path in (("rest", "/webhooks/rest/webhook"), ("web", "/webhooks/website/message")):
        sender = f"{SENDER}-{channel}"
        for text in messages():
            assert post(port, path, {"sender": sender, "message": text}) in (200, 429)
    post(port, "/webhooks/website/forget", {"sender": f"{SENDER}-web"})
    # invalid input is refused without being logged either
    post(port, "/webhooks/rest/webhook", {"sender": SENDER, "message": f"{MARK}-te-lang " * 500})
    post(port, "/webhooks/rest/webhook", {"sender": f"{SENDER}\n{MARK}", "message": "hallo"})

    logs = {p.name: p.read_text(errors="replace") for p in running_bot.log_dir.glob("*.log")}
    assert logs, "geen logbestanden gevonden"
    leaks = [f"{name}: {secret!r}" for name, log in logs.items()
             for secret in (MARK, SENDER) + PERSONAL if secret in log]
    assert not leaks, "Gevonden in de logs:\n" + "\n".join(leaks)
