"""Contact cards and tappable numbers for the website channel.

The actions send every contact card as text (`formatting.organisation_card`), and the
REST channel passes that text on whole. The website channel recognises such a text (it
is exactly one of the knowledge base's card texts) and sends the card as data as well:
`formatting.organisation_card_data` plus the card's words in its language (`website.cards`
in bot/settings.yml). chat.js draws it with call and chat buttons, and the details (hours,
anonymity, checked date) in a <details> element.

The directory's phone numbers (`known_phone_numbers`) go to the page in the config, so
chat.js makes every number in any text a tel: link (the crisis texts, the notice).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from actions.knowledge import formatting

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "nl"
CARD_WORDS = ("call", "chat", "website", "more", "new_tab")


def _knowledge():
    """The current knowledge base, or None when it cannot be loaded (then no cards: the
    text still goes out)."""
    try:
        from actions.knowledge.store import default_store

        return default_store().get().kb
    except Exception as exc:  # the text reply must go out whatever happens here
        logger.error("Kaarten niet gemaakt: %s", type(exc).__name__)
        return None


def card_words(config: Dict[str, Any], lang: str) -> Dict[str, str]:
    """The words on a card in `lang` (Dutch per word where missing)."""
    cards = config.get("cards") or {}
    dutch, own = cards.get(DEFAULT_LANGUAGE) or {}, cards.get(lang) or {}
    words = {}
    for key in CARD_WORDS:
        value = own.get(key) if isinstance(own.get(key), str) else dutch.get(key)
        words[key] = value if isinstance(value, str) else ""
    if "{phone}" not in words["call"]:
        words["call"] = "{phone}"
    return words


def card_for(text: str, config: Dict[str, Any], prefer: Optional[str] = None, kb=None) -> Optional[Dict[str, Any]]:
    """The card as data when `text` is a contact card's text, else None."""
    kb = kb if kb is not None else _knowledge()
    if kb is None or not text:
        return None
    try:
        found = formatting.card_for_text(kb, text, prefer)
        if found is None:
            return None
        org, lang = found
        card = formatting.organisation_card_data(org, lang, kb)
    except Exception as exc:  # a card is a nicety; the text is the answer
        logger.error("Kaart niet gemaakt: %s", type(exc).__name__)
        return None
    card["words"] = card_words(config, lang)
    return card


def with_cards(messages: List[Dict[str, Any]], config: Dict[str, Any], prefer: Optional[str] = None) -> List[Dict[str, Any]]:
    """The widget's messages, a contact card's message with its `card` added."""
    kb = _knowledge() if any(not m.get("buttons") for m in messages) else None
    out = []
    for message in messages:
        card = None if message.get("buttons") else card_for(message.get("text") or "", config, prefer, kb)
        out.append(dict(message, card=card) if card else message)
    return out


def phone_links() -> List[Dict[str, str]]:
    """Every directory phone number with its tel: address, longest first."""
    kb = _knowledge()
    if kb is None:
        return []
    try:
        return formatting.known_phone_numbers(kb)
    except Exception as exc:
        logger.error("Telefoonnummers niet gelezen: %s", type(exc).__name__)
        return []
