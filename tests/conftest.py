"""Shared fixtures: the real knowledge base, rasa-sdk trackers, and a running assistant."""
from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def snapshot():
    from actions.knowledge.store import KnowledgeStore

    return KnowledgeStore(REPO_ROOT / "knowledge").get()


@pytest.fixture(scope="session")
def kb(snapshot):
    return snapshot.kb


@pytest.fixture(scope="session")
def running_bot(tmp_path_factory):
    """The trained assistant (action server + Rasa server) on free ports, for slow tests."""
    from bot.serve import DEFAULT_MODEL, Stack

    if not DEFAULT_MODEL.exists():
        pytest.fail("Geen getraind model: draai eerst `make train` (make test doet dat zelf).")
    log_dir = tmp_path_factory.mktemp("logs")
    # many messages from one address: the front door's limits raised for the tests
    stack = Stack(rasa_port=free_port(), action_port=free_port(), log_dir=log_dir,
                  env={"VRAAGBAAK_RATE_LIMIT_FACTOR": "1000"})
    with stack:
        yield stack
