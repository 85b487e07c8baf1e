"""Tracker stores: the in-memory default forgets, the SQL store writes redacted text only."""
import asyncio
import json
import sqlite3
import time

import pytest

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores import ExpiringInMemoryTrackerStore, RedactingSQLTrackerStore

DOMAIN = Domain.from_dict({"intents": ["ask_help"], "slots": {
    "last_entry": {"type": "any", "influence_conversation": False, "mappings": [{"type": "custom"}]}}})
SECRET_TEXT = "ik heet Sanne, bel 06-12345678 of mail sanne@example.nl, postcode 1234 AB"
SECRETS = ("Sanne", "12345678", "sanne@example.nl", "1234 AB")


def run(coro):
    return asyncio.new_event_loop().run_until_complete(coro)


def user_event(text: str, timestamp: float = None) -> UserUttered:
    return UserUttered(
        text, intent={"name": "ask_help", "confidence": 0.9},
        entities=[{"entity": "topic", "value": "Sanne", "start": 8, "end": 13}],
        parse_data={"text": text, "intent": {"name": "ask_help", "confidence": 0.9},
                    "entities": [{"entity": "topic", "value": "Sanne", "start": 8, "end": 13}]},
        timestamp=timestamp,
    )


def conversation(sender: str, text: str = SECRET_TEXT) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  ActionExecuted("action_listen"), user_event(text),
                  BotUttered("Bel 0800-0432 (De Kindertelefoon)."),
                  SlotSet("last_entry", "sg_jongens"), ActionExecuted("action_listen")):
        tracker.update(event)
    return tracker


# --- default: in memory, expiring ----------------------------------------------------

def test_in_memory_store_keeps_a_conversation_while_active():
    store = ExpiringInMemoryTrackerStore(DOMAIN, max_idle_minutes=30)
    run(store.save(conversation("a")))
    assert run(store.retrieve("a")) is not None
    assert list(run(store.keys())) == ["a"]


def test_in_memory_store_drops_idle_conversations(monkeypatch):
    store = ExpiringInMemoryTrackerStore(DOMAIN, max_idle_minutes=30)
    run(store.save(conversation("old")))
    later = time.monotonic() + 31 * 60
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert run(store.retrieve("old")) is None
    assert list(run(store.keys())) == []
    assert store.store == {}


def test_in_memory_store_forget():
    store = ExpiringInMemoryTrackerStore(DOMAIN)
    run(store.save(conversation("a")))
    run(store.save(conversation("b")))
    store.forget("a")
    assert run(store.retrieve("a")) is None
    assert run(store.retrieve("b")) is not None


def test_default_endpoints_keep_conversations_in_memory_for_the_session_length():
    import yaml
    from conftest import REPO_ROOT

    endpoints = yaml.safe_load((REPO_ROOT / "bot" / "endpoints.yml").read_text())
    domain = yaml.safe_load((REPO_ROOT / "bot" / "domain.yml").read_text())
    assert endpoints["tracker_store"]["type"] == "bot.stores.ExpiringInMemoryTrackerStore"
    assert endpoints["tracker_store"]["max_idle_minutes"] == \
        domain["session_config"]["session_expiration_time"]
    assert "lock_store" not in endpoints  # one process: Rasa's in-memory lock store


# --- production: SQL, redacted --------------------------------------------------------

@pytest.fixture
def sql_store(tmp_path):
    return RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db")), tmp_path / "t.db"


def stored_rows(path):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT sender_id, type_name, intent_name, data FROM events ORDER BY id").fetchall()


def test_sql_store_writes_redacted_user_text_only(sql_store):
    store, path = sql_store
    tracker = conversation("gesprek-1")
    run(store.save(tracker))
    rows = stored_rows(path)
    blob = json.dumps(rows)
    for secret in SECRETS:
        assert secret not in blob
    user = [json.loads(row[3]) for row in rows if row[1] == "user"]
    assert len(user) == 1
    assert user[0]["text"].startswith("ik heet [NAAM]")
    assert "[TELEFOON]" in user[0]["parse_data"]["text"]
    assert [row[2] for row in rows if row[1] == "user"] == ["ask_help"]
    # the bot's reply (from the knowledge base) and slots are kept as they are
    assert any("0800-0432" in json.loads(row[3]).get("text", "") for row in rows if row[1] == "bot")
    # the tracker the assistant is still working with keeps the original text
    assert tracker.latest_message.text == SECRET_TEXT


def test_sql_store_reads_back_the_conversation_redacted(sql_store):
    store, _ = sql_store
    run(store.save(conversation("gesprek-2")))
    again = run(store.retrieve("gesprek-2"))
    assert again.get_slot("last_entry") == "sg_jongens"
    assert "[TELEFOON]" in again.latest_message.text
    assert again.latest_message.intent["name"] == "ask_help"


def test_sql_store_appends_only_new_events(sql_store):
    store, path = sql_store
    run(store.save(conversation("gesprek-3")))
    count = len(stored_rows(path))
    tracker = run(store.retrieve("gesprek-3"))  # the next turn, maybe on another server
    tracker.update(user_event("en meisjes? mail kim@example.nl"))
    run(store.save(tracker))
    rows = stored_rows(path)
    assert len(rows) == count + 1
    assert "kim@example.nl" not in rows[-1][3]


def test_sql_errors_in_logs_hide_parameters(sql_store):
    store, _ = sql_store
    assert store.engine.hide_parameters


def test_sql_store_forget(sql_store):
    store, path = sql_store
    run(store.save(conversation("weg")))
    run(store.save(conversation("blijft")))
    store.forget("weg")
    assert {row[0] for row in stored_rows(path)} == {"blijft"}
    assert run(store.retrieve("weg")) is None


def test_idle_conversations_are_dropped_without_any_new_traffic():
    import asyncio
    import time as _time

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.stores import ExpiringInMemoryTrackerStore

    store = ExpiringInMemoryTrackerStore(Domain.empty(), max_idle_minutes=0.02)  # 1.2 s
    tracker = DialogueStateTracker.from_events("stil", [UserUttered("hallo")])
    asyncio.run(store.save(tracker))
    assert "stil" in store.store
    deadline = _time.monotonic() + 10
    while "stil" in store.store and _time.monotonic() < deadline:
        _time.sleep(0.2)  # no save, retrieve or keys call: only the sweeper runs
    assert "stil" not in store.store
