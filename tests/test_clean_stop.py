"""`make run` stops cleanly: TERM or INT to its process group, once or twice, as a service
manager or Ctrl-C sends it, stops both servers; nothing is left and both ports are free,
so the next `make run` starts.

`-o train`: the model is trained by `make test` before the slow tests; here only the
running and the stopping are tested, not a retraining.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Set

import pytest

from bot.serve import DEFAULT_MODEL, ask
from tests.conftest import free_port

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]


def _children() -> dict:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), set()).add(int(stat.parent.name))
    return parents


def _descendants(pid: int) -> Set[int]:
    children, found, todo = _children(), set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _port_free(port: int) -> bool:
    with socket.socket() as probe:  # nobody answers...
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as server:  # ...and a new server can listen there (as Sanic does)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            server.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.mark.parametrize("signals", [(signal.SIGTERM, signal.SIGTERM), (signal.SIGINT,)],
                         ids=["TERM twice", "INT once"])
def test_make_run_stops_both_servers(tmp_path, signals):
    if not DEFAULT_MODEL.exists():
        pytest.fail("Geen getraind model: draai eerst `make train` (make test doet dat zelf).")
    rasa_port, action_port = free_port(), free_port()
    env = dict(os.environ, VRAAGBAAK_RASA_PORT=str(rasa_port), VRAAGBAAK_ACTION_PORT=str(action_port))
    with open(tmp_path / "make-run.log", "wb") as log:
        make = subprocess.Popen(["make", "--no-print-directory", "-o", "train", "run"], cwd=REPO_ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    started: Set[int] = set()
    try:
        deadline, reply = time.monotonic() + 240, None
        while reply is None and time.monotonic() < deadline:
            assert make.poll() is None, (tmp_path / "make-run.log").read_text()
            try:
                reply = ask(rasa_port, "hallo", sender="schoonstoppen", timeout=10)
            except OSError:
                time.sleep(0.5)
        assert reply, "geen eerste antwoord binnen 240 s"
        assert _port_free(action_port) is False
        started = _descendants(make.pid)
        assert len(started) >= 3  # scripts/run.py, the action server, the Rasa server

        for number in signals:
            os.killpg(make.pid, number)
            time.sleep(0.3)
        make.wait(timeout=60)
        time.sleep(0.5)
        left = sorted(pid for pid in started if _running(pid))
        assert left == [], f"still running after {[s.name for s in signals]}: {left}"
        assert _port_free(rasa_port) and _port_free(action_port)
    finally:  # whatever the outcome, leave nothing running
        started |= _descendants(make.pid)
        for pid in sorted(started) + [make.pid]:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        make.wait()
