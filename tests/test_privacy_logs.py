"""No message text, sender id or personal data in the logs of either server.

Each test sends its own marked traffic, through both channels, to a stack of its own
module (Rasa server + action server, logs in a folder of their own), then reads the log
files of both servers itself and fails on any of its markers. So a test run alone
(`pytest tests/test_privacy_logs.py::name`) does exactly what it does in the full run, in
any order. The traffic covers every kind of conversation (questions, follow-ups, help,
crisis, buttons, typed "/…" text, forged payloads, personal data, English, nonsense,
wiping), bad input (too long, invalid JSON, bad sender ids, wrong types) and a failing
action (the action server stopped under a running conversation).
"""
from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from conftest import REPO_ROOT, free_port

pytestmark = pytest.mark.slow

PERSONAL = ("Marloes", "06-98765432", "marloes.test@example.nl", "9876 ZX", "NL20INGB0001234567")
CHANNELS = {"rest": "/webhooks/rest/webhook", "web": "/webhooks/website/message"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from bot.serve import DEFAULT_MODEL, Stack

    if not DEFAULT_MODEL.exists():
        pytest.fail("Geen getraind model: draai eerst `make train`.")
    running = Stack(rasa_port=free_port(), action_port=free_port(),
                    log_dir=tmp_path_factory.mktemp("logs-privacy"),
                    env={"VRAAGBAAK_RATE_LIMIT_FACTOR": "1000"})
    with running:
        yield running


def new_marker(name: str) -> str:
    """A marker of this test only: a hit in a log says which test leaked."""
    return f"LOGMARKER{name.upper()}{uuid.uuid4().hex[:8]}"


def crisis_examples() -> List[str]:
    path = REPO_ROOT / "tests" / "data" / "crisis_messages.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [messages[0] for key, messages in data.items() if key.startswith("crisis") and messages]


def post(port: int, path: str, body=None, raw: bytes = None) -> int:
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            reply.read()
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def log_texts(stack) -> Dict[str, str]:
    """Every log file of both servers, read now."""
    logs = {p.name: p.read_text(errors="replace") for p in Path(stack.log_dir).glob("*.log")}
    assert any(n.startswith("rasa-server") for n in logs) and any(n.startswith("action-server") for n in logs)
    return logs


def assert_no_leaks(stack, secrets) -> None:
    leaks = [f"{name}: {secret!r}" for name, log in log_texts(stack).items()
             for secret in secrets if secret in log]
    assert not leaks, "Gevonden in de logs:\n" + "\n".join(leaks)


def conversation(marker: str) -> List[str]:
    plain = [
        "hallo", "Wat is mensenhandel?", "Hoeveel jongens maken seksueel geweld mee voor hun 18e?",
        "en meisjes?", "wat is de bron?", "ik wil hulp", "kan dat anoniem?", "ben jij een robot?",
        "wat kun je?", "what is human trafficking?", "asdf qwerty zxcv", "dank je", "doei",
        f"ik heet {PERSONAL[0]}, bel {PERSONAL[1]}, mail {PERSONAL[2]}, postcode {PERSONAL[3]}, "
        f"rekening {PERSONAL[4]}",
    ] + crisis_examples()
    typed_payloads = ["/ask_knowledge{} ik wil dood", '/ask_help{"role": "kind"}', "/greet",
                      "/", "/greet{kapot", "/greet@2", '/ask_help{"role": "x"} hij slaat me']
    return ([f"{text} {marker}{i:03d}" for i, text in enumerate(plain)]
            + [f"{text} {marker}t{i}" if i % 2 else f"{text}{marker}t{i}" for i, text in enumerate(typed_payloads)])


def test_conversations_leave_no_text_in_either_log(stack):
    marker = new_marker("gesprek")
    sender = f"logcontrole-{marker}"
    port = stack.rasa_port
    for channel, path in CHANNELS.items():
        for text in conversation(marker):
            assert post(port, path, {"sender": f"{sender}-{channel}", "message": text}) == 200, text
        # a forged button payload, with words in it
        assert post(port, path, {"sender": f"{sender}-{channel}",
                                 "payload": f'/ask_help{{"role": "{marker}"}}'}) == 200
    assert post(port, "/webhooks/website/forget", {"sender": f"{sender}-web"}) == 200
    assert_no_leaks(stack, (marker, sender) + PERSONAL)


def test_crisis_messages_leave_no_text_in_either_log(stack):
    marker = new_marker("crisis")
    for channel, path in CHANNELS.items():
        for i, text in enumerate(crisis_examples()):
            sender = f"crisis-{marker}-{channel}-{i}"
            assert post(stack.rasa_port, path, {"sender": sender, "message": f"{text} {marker}"}) == 200
    assert_no_leaks(stack, (marker,))


def test_bad_input_leaves_no_text_in_either_log(stack):
    marker = new_marker("invoer")
    port = stack.rasa_port
    for path in CHANNELS.values():
        bad = [
            (None, json.dumps({"sender": f"s-{marker}", "message": f"{marker} " * 400}).encode()),
            (None, json.dumps({"sender": f"s-{marker}", "message": f"{marker} " * 4000}).encode()),
            ({"sender": f"{marker}\n", "message": "hallo"}, None),
            ({"sender": marker * 20, "message": "hallo"}, None),
            ({"sender": f"s-{marker}", "message": {"text": marker}}, None),
            ({"sender": f"s-{marker}", "payload": ["/greet", marker]}, None),
            (None, f'{{"sender": "s-{marker}", "message": "{marker}'.encode()),
            (None, b'{"sender": "s", "message": "\xff' + marker.encode() + b'"}'),
        ]
        for body, raw in bad:
            assert 400 <= post(port, path, body, raw) < 500
    assert 400 <= post(port, "/webhooks/website/forget", {"sender": f"{marker}\t"}) < 500
    assert_no_leaks(stack, (marker,))


def restart_actions(stack) -> None:
    from bot.serve import Process, action_server_command, http_ok

    old = next(p for p in stack.processes if p.name == "acties")
    old.stop()
    stack.processes.remove(old)
    stack.processes.insert(0, Process("acties", action_server_command(stack.action_port),
                                      stack.log_dir / f"action-server-{stack.action_port}.log", stack.env))
    deadline = time.monotonic() + 180
    while not http_ok(f"http://127.0.0.1:{stack.action_port}/health") and time.monotonic() < deadline:
        time.sleep(0.25)


def test_failing_action_leaves_no_text_in_either_log(stack):
    """The action server stops under running conversations: Rasa logs the failed action
    call, without what was typed; then it comes back."""
    marker = new_marker("actie")
    port = stack.rasa_port
    for channel, path in CHANNELS.items():  # conversations with context in the tracker
        post(port, path, {"sender": f"actie-{marker}-{channel}", "message": f"Wat is mensenhandel? {marker}"})
    next(p for p in stack.processes if p.name == "acties").stop()
    try:
        for channel, path in CHANNELS.items():
            for text in ("Hoeveel jongens maken seksueel geweld mee?", "ik wil dood", "ik wil hulp"):
                assert post(port, path, {"sender": f"actie-{marker}-{channel}",
                                         "message": f"{text} {marker}"}) == 200
    finally:
        restart_actions(stack)
    for channel, path in CHANNELS.items():
        assert post(port, path, {"sender": f"actie-{marker}-{channel}", "message": f"en meisjes? {marker}"}) == 200
    log = "".join(log_texts(stack).values())
    assert re.search(r"(?i)error|fout|mislukt|failed", log)  # the failure itself is logged
    assert_no_leaks(stack, (marker,))
