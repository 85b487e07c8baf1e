"""Delete stored conversations older than a number of days (production profile).

    python -m bot.retention --days 30                 # uses bot/endpoints.production.yml
    python -m bot.retention --days 30 --dry-run       # only count
    python -m bot.retention --days 30 --db-url postgresql://user:pw@host:5432/rasa

Every event whose timestamp is older than `--days` days is deleted, so after a run no
stored message, reply or slot is older than that. Conversations live in the `events`
table of Rasa's SQL tracker store (one row per event, with the conversation id and a
Unix timestamp); a conversation whose events are all old disappears entirely.

The database is found, in this order: `--db-url`, the environment variable
VRAAGBAAK_DB_URL, or the `tracker_store` section of the endpoints file (default
bot/endpoints.production.yml) with its ${VARIABLES} filled in from the environment,
exactly as the Rasa server reads it. The Redis lock store holds no conversation content
(only short-lived locks) and needs no clean-up. The default profile (in memory) needs no
retention run: conversations are gone 30 minutes after the last message.

Run it daily, e.g. from cron or a scheduled container:
`docker compose run --rm retention` (see docker-compose.yml, docs/deploy.md).
Exit codes: 0 done, 2 bad arguments or configuration, 1 database error.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import Dict, Optional

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ENDPOINTS = REPO_ROOT / "bot" / "endpoints.production.yml"
_VARIABLE = re.compile(r"\$\{(\w+)\}")


class ConfigError(Exception):
    pass


def expand(value):
    """Fill in ${VAR} from the environment; a missing variable is an error (as in Rasa)."""
    if isinstance(value, str):
        missing = [name for name in _VARIABLE.findall(value) if name not in os.environ]
        if missing:
            raise ConfigError(f"Omgevingsvariabele(n) niet gezet: {', '.join(missing)}")
        return _VARIABLE.sub(lambda m: os.environ[m.group(1)], value)
    if isinstance(value, dict):
        return {key: expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item) for item in value]
    return value


def db_url_from_endpoints(path: Path):
    """The database URL (an SQLAlchemy URL object, so passwords need no escaping)."""
    import sqlalchemy as sa

    try:
        config = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise ConfigError(f"Endpoints-bestand niet leesbaar: {error}")
    store: Dict = config.get("tracker_store") or {}
    if "SQL" not in str(store.get("type", "")).upper():
        raise ConfigError(f"{path} heeft geen SQL tracker store; er is niets te wissen.")
    missing = sorted({name for name in _VARIABLE.findall(yaml.safe_dump(store)) if name not in os.environ})
    if missing:
        raise ConfigError(f"Omgevingsvariabele(n) niet gezet: {', '.join(missing)}")
    store = expand(store)
    port = store.get("port")
    return sa.engine.url.URL.create(
        store.get("dialect", "postgresql"), username=store.get("username") or None,
        password=store.get("password") or None, host=store.get("url") or None,
        port=int(port) if port not in (None, "") else None, database=store.get("db", "rasa"),
    )


def purge(db_url, days: float, dry_run: bool = False, now: Optional[float] = None) -> Dict[str, int]:
    """Delete (or count) events older than `days`; return counts."""
    import sqlalchemy as sa

    cutoff = (now if now is not None else time.time()) - days * 86400
    engine = sa.create_engine(db_url, hide_parameters=True)
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return {"events": 0, "conversations": 0, "conversations_left": 0}
            old_events = connection.execute(
                sa.text("SELECT count(*) FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff}
            ).scalar()
            gone = connection.execute(sa.text(
                "SELECT count(DISTINCT sender_id) FROM events WHERE sender_id NOT IN "
                "(SELECT sender_id FROM events WHERE timestamp >= :cutoff)"), {"cutoff": cutoff}
            ).scalar()
            if not dry_run:
                connection.execute(sa.text("DELETE FROM events WHERE timestamp < :cutoff"),
                                   {"cutoff": cutoff})
            left = connection.execute(sa.text("SELECT count(DISTINCT sender_id) FROM events")).scalar()
    finally:
        engine.dispose()
    return {"events": int(old_events), "conversations": int(gone), "conversations_left": int(left)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.retention",
        description="Wis opgeslagen gesprekken die ouder zijn dan een aantal dagen.")
    parser.add_argument("--days", type=float, default=None,
                        help="bewaartermijn in dagen (of VRAAGBAAK_RETENTION_DAYS)")
    parser.add_argument("--endpoints", type=Path, default=DEFAULT_ENDPOINTS,
                        help="endpoints-bestand met de tracker store (standaard: %(default)s)")
    parser.add_argument("--db-url", default=os.environ.get("VRAAGBAAK_DB_URL"),
                        help="database-URL; gaat voor het endpoints-bestand")
    parser.add_argument("--dry-run", action="store_true", help="alleen tellen, niets wissen")
    args = parser.parse_args(argv)

    days = args.days
    if days is None and os.environ.get("VRAAGBAAK_RETENTION_DAYS"):
        try:
            days = float(os.environ["VRAAGBAAK_RETENTION_DAYS"])
        except ValueError:
            days = -1
    if days is None or days <= 0:
        print("Geef een bewaartermijn groter dan 0: --days N (of VRAAGBAAK_RETENTION_DAYS).",
              file=sys.stderr)
        return 2
    try:
        db_url = args.db_url or db_url_from_endpoints(args.endpoints)
        counts = purge(db_url, days, dry_run=args.dry_run)
    except ConfigError as error:
        print(f"Configuratiefout: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # database unreachable, wrong password, ...
        print(f"Databasefout: {type(error).__name__}: {str(error).splitlines()[0][:300]}",
              file=sys.stderr)
        return 1
    verb = "zou wissen" if args.dry_run else "gewist"
    print(f"Bewaartermijn {days:g} dagen: {counts['events']} gebeurtenissen {verb}; "
          f"{counts['conversations']} gesprekken helemaal; {counts['conversations_left']} "
          f"gesprekken blijven (jonger dan {days:g} dagen).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
