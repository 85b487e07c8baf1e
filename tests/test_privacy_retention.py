"""`python -m bot.retention --days N` deletes conversations older than N days."""
import asyncio
import sqlite3
import subprocess
import sys
import time

import pytest

from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import retention
from bot.stores import RedactingSQLTrackerStore
from conftest import REPO_ROOT
from test_stores import DOMAIN

DAY = 86400


def fill(db_path, now):
    """Three conversations: 40 days old, 10 days old, and one spanning both."""
    store = RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db_path))
    for sender, ages in (("oud", [40]), ("recent", [10]), ("beide", [40, 1])):
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        for age in ages:
            stamp = now - age * DAY
            for event in (SessionStarted(timestamp=stamp), ActionExecuted("action_listen", timestamp=stamp),
                          UserUttered("hallo", timestamp=stamp)):
                tracker.update(event)
        asyncio.new_event_loop().run_until_complete(store.save(tracker))
    store.engine.dispose()


def senders(db_path):
    with sqlite3.connect(db_path) as db:
        return {row[0]: row[1] for row in db.execute(
            "SELECT sender_id, count(*) FROM events GROUP BY sender_id")}


def test_purge_deletes_only_older_events(tmp_path):
    db = tmp_path / "rasa.db"
    now = time.time()
    fill(db, now)
    before = senders(db)
    counts = retention.purge(f"sqlite:///{db}", days=30, now=now)
    after = senders(db)
    assert "oud" not in after
    assert after["recent"] == before["recent"]
    assert after["beide"] == before["beide"] - 3
    assert counts == {"events": 6, "conversations": 1, "conversations_left": 2}


def test_dry_run_deletes_nothing(tmp_path):
    db = tmp_path / "rasa.db"
    fill(db, time.time())
    before = senders(db)
    counts = retention.purge(f"sqlite:///{db}", days=30, dry_run=True)
    assert counts["events"] == 6 and senders(db) == before


def test_empty_database_is_fine(tmp_path):
    assert retention.purge(f"sqlite:///{tmp_path / 'leeg.db'}", days=1)["events"] == 0


def test_command_line(tmp_path):
    db = tmp_path / "rasa.db"
    fill(db, time.time())
    done = subprocess.run([sys.executable, "-m", "bot.retention", "--days", "30", "--db-url", f"sqlite:///{db}"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "6 gebeurtenissen gewist" in done.stdout
    assert "oud" not in senders(db)


@pytest.mark.parametrize("argv", [[], ["--days", "0"], ["--days", "-3"]])
def test_command_needs_a_positive_number_of_days(argv, monkeypatch, capsys):
    monkeypatch.delenv("VRAAGBAAK_RETENTION_DAYS", raising=False)
    assert retention.main(argv + ["--db-url", "sqlite://"]) == 2
    assert "--days" in capsys.readouterr().err


def test_database_url_from_production_endpoints(monkeypatch):
    for name, value in {"DB_HOST": "db.intern", "DB_PORT": "5433", "DB_NAME": "vraagbaak",
                        "DB_USER": "rasa", "DB_PASSWORD": "g3h@im:/pw", "REDIS_HOST": "redis",
                        "REDIS_PORT": "6379", "REDIS_PASSWORD": "x", "ACTION_SERVER_URL": "http://a/webhook"}.items():
        monkeypatch.setenv(name, value)
    url = retention.db_url_from_endpoints(REPO_ROOT / "bot" / "endpoints.production.yml")
    assert (url.drivername, url.host, url.port, url.database, url.username, url.password) == \
        ("postgresql", "db.intern", 5433, "vraagbaak", "rasa", "g3h@im:/pw")


def test_missing_environment_variable_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.delenv("DB_PASSWORD", raising=False)
    monkeypatch.delenv("VRAAGBAAK_DB_URL", raising=False)
    assert retention.main(["--days", "30"]) == 2
    assert "DB_PASSWORD" in capsys.readouterr().err


def test_unreachable_database_exit_code(capsys):
    assert retention.main(["--days", "30", "--db-url", "postgresql://u:p@127.0.0.1:1/rasa"]) == 1
    assert "Databasefout" in capsys.readouterr().err
