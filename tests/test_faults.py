"""Faults in the default profile, end to end: what does a user get?

- the action server is down (and comes back);
- a knowledge file becomes invalid while the assistant runs.

PostgreSQL and Redis outages (production profile) are in tests/test_scale_out.py.
"""
from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO_ROOT, free_port
from test_scale_out import BOYS_QUESTION, GIRLS_FOLLOWUP, expected_followup, post, texts

pytestmark = pytest.mark.slow

MARK = "STORINGSMARKER"


def post_website(port: int, message: str, sender: str):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/website/message",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The default profile on a copy of knowledge/ that the tests may break."""
    from bot.serve import DEFAULT_MODEL, Stack

    if not DEFAULT_MODEL.exists():
        pytest.fail("Geen getraind model: draai eerst `make train`.")
    knowledge = tmp_path_factory.mktemp("kennis") / "knowledge"
    shutil.copytree(REPO_ROOT / "knowledge", knowledge)
    log_dir = tmp_path_factory.mktemp("logs-storingen")
    running = Stack(rasa_port=free_port(), action_port=free_port(), log_dir=log_dir,
                    env={"VRAAGBAAK_KNOWLEDGE_DIR": str(knowledge), "VRAAGBAAK_RATE_LIMIT_FACTOR": "1000"})
    with running:
        running.knowledge = knowledge
        yield running


def action_process(stack):
    return next(p for p in stack.processes if p.name == "acties")


def restart_actions(stack) -> None:
    from bot.serve import Process, action_server_command

    old = action_process(stack)
    stack.processes.remove(old)
    stack.processes.insert(0, Process("acties", action_server_command(stack.action_port),
                                      stack.log_dir / f"action-server-{stack.action_port}.log", stack.env))


def test_action_server_down_gives_help_numbers_and_recovers(stack):
    from bot import settings

    help_reply = [settings.text("technical_problem_text")]
    _, normal = post(stack.rasa_port, BOYS_QUESTION, "actie-normaal")
    assert normal and texts(normal) != help_reply

    action_process(stack).stop()
    began = time.monotonic()
    status, reply = post(stack.rasa_port, f"{BOYS_QUESTION} {MARK}", "actie-weg")
    seconds = time.monotonic() - began
    assert status == 200 and texts(reply) == help_reply
    assert seconds < 30  # a guard against hanging until a client time-out, not a speed target
    status, web = post_website(stack.rasa_port, f"{BOYS_QUESTION} {MARK}", "actie-weg-web")
    assert status == 200 and [m["text"] for m in web["messages"]] == help_reply
    for text in texts(reply) + [m["text"] for m in web["messages"]]:
        assert "Traceback" not in text and "Exception" not in text
    # something that needs no action (a response from the domain) still works normally
    status, greeting = post(stack.rasa_port, "hallo", "actie-weg-groet")
    assert status == 200 and greeting

    restart_actions(stack)
    restarted = time.monotonic()
    recovered = None
    while time.monotonic() - restarted < 120:
        status, again = post(stack.rasa_port, BOYS_QUESTION, "actie-terug")
        if status == 200 and texts(again) == texts(normal):
            recovered = time.monotonic() - restarted
            break
        time.sleep(0.25)
    print(f"\n[actieserver] antwoord zonder actieserver in {seconds:.2f} s: {texts(reply)}; "
          f"weer normaal {recovered:.1f} s na herstart (inclusief opstarten)")
    assert recovered is not None
    # the conversation that saw the fault goes on normally
    status, followup = post(stack.rasa_port, BOYS_QUESTION, "actie-weg")
    assert status == 200 and texts(followup) == texts(normal)
    status, followup = post(stack.rasa_port, GIRLS_FOLLOWUP, "actie-weg")
    assert texts(followup) == expected_followup(texts(normal), "meisjes")


def wait_for_action_log(stack, text, sender, timeout=30.0) -> bool:
    """The store reloads in a background thread after a request notices the change, so
    keep asking (each request lets it look) until the log line appears."""
    log = stack.log_dir / f"action-server-{stack.action_port}.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return True
        post(stack.rasa_port, BOYS_QUESTION, sender)
        time.sleep(0.5)
    return False


def test_invalid_knowledge_file_keeps_last_good_version(stack):
    sender = "kennis-kapot"
    _, before = post(stack.rasa_port, BOYS_QUESTION, sender)
    target = stack.knowledge / "seksueel_geweld.yml"
    good = target.read_text(encoding="utf-8")
    target.write_text(good + "\n  - id: [kapot\n    tekst: : :\n", encoding="utf-8")
    time.sleep(1.5)  # the store looks at modification times at most once a second
    try:
        for message in (BOYS_QUESTION, GIRLS_FOLLOWUP):
            status, reply = post(stack.rasa_port, message, sender)
            assert status == 200
        assert texts(post(stack.rasa_port, BOYS_QUESTION, sender)[1]) == texts(before)
        assert texts(reply) == expected_followup(texts(before), "meisjes")
        assert wait_for_action_log(stack, "Wijziging in knowledge/ geweigerd; de laatste goede versie blijft actief.", sender)
        assert wait_for_action_log(stack, "Kennisbank niet geladen: ", sender)
        assert texts(post(stack.rasa_port, BOYS_QUESTION, sender)[1]) == texts(before)
    finally:
        target.write_text(good + "\n# hersteld\n", encoding="utf-8")
    time.sleep(1.5)
    assert wait_for_action_log(stack, "Kennisbank opnieuw geladen", sender)
    assert texts(post(stack.rasa_port, BOYS_QUESTION, sender)[1]) == texts(before)


def test_faults_leave_no_user_text_in_logs(stack):
    """Its own traffic, so it holds alone and in any order: conversations on both channels
    while the action server is down and after it is back; then both servers' logs."""
    import uuid

    mark = f"{MARK}{uuid.uuid4().hex[:8]}"
    senders = [f"storing-log-{mark}-{n}" for n in range(3)]
    post(stack.rasa_port, f"{BOYS_QUESTION} {mark}", senders[0])
    action_process(stack).stop()
    try:
        post(stack.rasa_port, f"{GIRLS_FOLLOWUP} {mark}", senders[0])
        post(stack.rasa_port, f"ik wil dood {mark}", senders[1])
        post_website(stack.rasa_port, f"{BOYS_QUESTION} {mark}", senders[2])
    finally:
        restart_actions(stack)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and post(stack.rasa_port, BOYS_QUESTION, "na-herstart")[0] != 200:
        time.sleep(0.5)
    post(stack.rasa_port, f"wat is de bron? {mark}", senders[0])
    logs = list(stack.log_dir.glob("*.log"))
    assert {p.name.split("-")[0] for p in logs} >= {"rasa", "action"}
    for path in logs:
        log = path.read_text(errors="replace")
        for secret in [mark] + senders:
            assert secret not in log, f"{secret!r} staat in {path.name}"
