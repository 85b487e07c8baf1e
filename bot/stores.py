"""Tracker stores that keep as little as possible.

ExpiringInMemoryTrackerStore is the default: conversations live only in this process's
memory and are dropped after `max_idle_minutes` without a message, matching the session
expiry in the domain. Nothing is written to disk.

RedactingSQLTrackerStore is for the production profile (several Rasa servers sharing one
PostgreSQL database): user text is redacted before it is written. ReportingRedisLockStore
is Rasa's Redis lock store with a clear error in the log when Redis is gone.
"""
from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any, Dict, Iterable, Optional, Text

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (sa.orm.session)
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.utils.endpoints import EndpointConfig
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redaction import redact_event

logger = logging.getLogger(__name__)

# The stores of this process that can drop one conversation at once ("wis gesprek").
# Rasa wraps the configured store in its own classes; the website channel finds ours here
# instead of looking inside Rasa's wrapper.
_FORGETTING: "weakref.WeakSet" = weakref.WeakSet()


def forgetting_stores() -> list:
    return list(_FORGETTING)


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    def __init__(
        self,
        domain: Domain,
        event_broker: Optional[EventBroker] = None,
        max_idle_minutes: float = 30,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.max_idle_seconds = float(max_idle_minutes) * 60
        self._last_seen: Dict[Text, float] = {}
        # Also purge when nobody is chatting, so "gone after 30 minutes" holds at night too.
        self._sweeper = threading.Thread(target=self._sweep, name="gesprekken-opruimen", daemon=True)
        self._sweeper.start()
        _FORGETTING.add(self)

    def _sweep(self) -> None:
        interval = min(60.0, max(1.0, self.max_idle_seconds / 10))
        while True:
            time.sleep(interval)
            try:
                self._purge()
            except Exception:  # noqa: BLE001 - the sweeper must keep running
                logger.exception("Opruimen van verlopen gesprekken mislukt.")

    def _purge(self) -> None:
        cutoff = time.monotonic() - self.max_idle_seconds
        expired = [key for key, seen in list(self._last_seen.items()) if seen < cutoff]
        for key in expired:
            self.store.pop(key, None)
            self._last_seen.pop(key, None)
        if expired:
            logger.debug("Verlopen gesprekken gewist: %d", len(expired))

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._purge()
        await super().save(tracker)
        self._last_seen[tracker.sender_id] = time.monotonic()

    async def _retrieve(self, sender_id: Text, fetch_all_sessions: bool):
        self._purge()
        return await super()._retrieve(sender_id, fetch_all_sessions)

    async def keys(self) -> Iterable[Text]:
        self._purge()
        return list(self.store.keys())

    def forget(self, sender_id: Text) -> None:
        """Drop one conversation at once (the chat page's 'wis gesprek')."""
        self.store.pop(sender_id, None)
        self._last_seen.pop(sender_id, None)


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store (PostgreSQL in production) that never writes what a user typed
    unredacted.

    The assistant works on the full text during the turn itself (NLU and the actions run
    before the tracker is saved). When the tracker is saved, new events are written as
    usual, except that `user` events pass through `bot.redaction.redact_event` first: the
    text, `parse_data.text`, entity values and metadata lose phone numbers, e-mail
    addresses, postcodes, BSN-like numbers, IBANs and introduced names. A later turn (on
    this server or another one behind the load balancer) reads the redacted version.

    The database engine is created with `hide_parameters=True`, so database errors in the
    log never show conversation ids or stored text, and with `pool_pre_ping=True`, so the
    store recovers by itself after the database restarts.

    Use it in endpoints.yml as `tracker_store: type: bot.stores.RedactingSQLTrackerStore`
    with the options of Rasa's SQL tracker store (dialect, url, port, db, username,
    password); see bot/endpoints.production.yml.
    """

    def __init__(self, domain: Optional[Domain] = None, dialect: Text = "postgresql",
                 host: Optional[Text] = None, port: Optional[int] = None, db: Text = "rasa",
                 username: Optional[Text] = None, password: Optional[Text] = None,
                 event_broker: Optional[EventBroker] = None, login_db: Optional[Text] = None,
                 query: Optional[Dict] = None, **kwargs: Any) -> None:
        super().__init__(domain, dialect, host, port, db, username, password, event_broker,
                         login_db, query, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, hide_parameters=True, pool_pre_ping=True,
                                       **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        _FORGETTING.add(self)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Write the tracker's new events, with user text redacted: Rasa's own `save`
        gets a copy of the conversation whose user events are redacted."""
        events = [redact_event(event.as_dict()) for event in tracker.events]
        redacted = DialogueStateTracker.from_dict(tracker.sender_id, events, self.domain.slots)
        await super().save(redacted)

    def forget(self, sender_id: Text) -> None:
        """Delete one conversation at once, all its sessions (the chat page's 'wis gesprek')."""
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(
                synchronize_session=False)
            session.commit()


class ReportingRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store, with a clear log line when Redis cannot be reached.

    Without a lock no message is processed (two servers must never work on the same
    conversation at once); the channel then answers with the help numbers
    (settings.yml: technical_problem_text). Rasa itself only raises `LockError`; this
    class logs which service is missing. Options as for `type: redis` (url, port,
    password, db, key_prefix, socket_timeout, use_ssl, ...).
    """

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {**endpoint_config.kwargs, **kwargs}
            kwargs.setdefault("host", endpoint_config.url or "localhost")
        kwargs.pop("type", None)
        super().__init__(**kwargs)
        self._address = f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}"

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return super().issue_ticket(conversation_id, lock_lifetime)
        except LockError as error:
            cause = error.__context__ or error
            logger.error("Lock store (Redis op %s) niet bereikbaar: %s: %s. Berichten krijgen het "
                         "antwoord met hulpnummers tot Redis terug is.", self._address,
                         type(cause).__name__, str(cause).splitlines()[0][:200] if str(cause) else "")
            raise
