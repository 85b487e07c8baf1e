"""Tracker stores that keep as little as possible.

ExpiringInMemoryTrackerStore is the default: conversations live only in this process's
memory and are dropped after `max_idle_minutes` without a message, matching the session
expiry in the domain. Nothing is written to disk.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Dict, Iterable, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


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

    def _purge(self) -> None:
        cutoff = time.monotonic() - self.max_idle_seconds
        expired = [key for key, seen in self._last_seen.items() if seen < cutoff]
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
