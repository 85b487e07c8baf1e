"""The conversation's language, for the chat page's `lang` attributes (WCAG 3.1.2).

After a message is handled, the channel reads the `language` slot (set by the actions
from the language of each message, or by the page's language switch) from the agent's
tracker store and returns it with the reply; the page marks each message with it.
"""
from __future__ import annotations

import logging
from typing import Any

from actions.knowledge.language import DEFAULT, SUPPORTED

logger = logging.getLogger(__name__)


async def conversation_language(app: Any, sender: str) -> str:
    """The `language` slot of `sender`'s conversation; Dutch when unknown or unreadable."""
    store = getattr(getattr(getattr(app, "ctx", None), "agent", None), "tracker_store", None)
    if store is None:
        return DEFAULT
    try:
        tracker = await store.retrieve(sender)
        slot = tracker.slots.get("language") if tracker is not None else None
        value = slot.value if slot is not None else None
    except Exception as error:  # the reply itself must never fail over this
        logger.error("Taal van het gesprek niet gelezen: %s", type(error).__name__)
        return DEFAULT
    return value if value in SUPPORTED else DEFAULT
