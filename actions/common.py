"""Helpers shared by the actions: reading the tracker into a Turn, serving items, the base action."""
from __future__ import annotations

import abc
import logging
import re
from typing import Any, Dict, List, Optional, Set

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import formatting, language
from actions.knowledge.decision import Turn, decide_turn, read_turn
from actions.knowledge.model import Entry, Organisation, Situation
from actions.knowledge.store import KnowledgeError, Snapshot, default_store

logger = logging.getLogger(__name__)

def snapshot() -> Snapshot:
    return default_store().get()


# A whole button payload: "/intent", optionally "@confidence" and a JSON object (Rasa's
# "/intent{entities}" form). The channels pass such text on only for buttons they offered;
# typed text that starts with "/" reaches the actions with more words (or an invisible
# guard character in front) and is kept, so the crisis check sees it.
_PAYLOAD = re.compile(r"/[\w.-]+(?:@[\d.]+)?(?:\{.*\})?", re.DOTALL)


def message_text(tracker: Tracker) -> str:
    """The user's words; empty for a button payload such as /ask_help{...}."""
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if _PAYLOAD.fullmatch(text.strip()) else text


def entity_values(tracker: Tracker) -> Dict[str, Set[str]]:
    found: Dict[str, Set[str]] = {}
    for entity in (tracker.latest_message or {}).get("entities", []) or []:
        value = entity.get("value")
        if isinstance(value, str):
            found.setdefault(entity.get("entity"), set()).add(value)
    return found


def first_entity(tracker: Tracker, name: str) -> Optional[str]:
    values = sorted(entity_values(tracker).get(name, ()))
    return values[0] if values else None


def conversation_language(tracker: Tracker) -> Optional[str]:
    return tracker.get_slot("language")


def message_language(tracker: Tracker) -> str:
    """The language of this message (short messages keep the conversation's)."""
    return language.detect(message_text(tracker), conversation_language(tracker))


def _variation(domain, name: str, lang: str) -> Optional[Dict[str, Any]]:
    """The domain response's variation with condition language == lang, or None."""
    for variation in ((domain or {}).get("responses") or {}).get(name) or []:
        if any(c.get("name") == "language" and c.get("value") == lang
               for c in variation.get("condition") or []):
            return variation
    return None


def has_variation(domain, name: str, lang: str) -> bool:
    """True when the domain response `name` has a variation for `lang` (Dutch always)."""
    return lang == language.DEFAULT or _variation(domain, name, lang) is not None


def utter(dispatcher: CollectingDispatcher, name: str, lang: str = "nl", domain=None, **kwargs) -> None:
    """A domain response in `lang`.

    Rasa renders a custom action's responses with the slots as they were before the
    action ran, so a `language` slot set in this turn would not yet choose the variation.
    When the domain has a variation with condition language == lang, its text is sent
    directly; otherwise the response by name (Rasa picks the variation).
    """
    variation = _variation(domain, name, lang) if lang != language.DEFAULT else None
    if variation is not None:
        message = _as_rasa_sends({k: v for k, v in variation.items() if k in ("text", "buttons")})
        if kwargs.get("buttons"):
            message["buttons"] = kwargs["buttons"]
        dispatcher.utter_message(**message)
        return
    dispatcher.utter_message(response=name, **kwargs)


def _as_rasa_sends(message: Dict[str, Any]) -> Dict[str, Any]:
    """A response variation as Rasa renders it: "{{" and "}}" in the domain are literal
    braces (button payloads such as '/ask_help{{"role": "kind"}}')."""
    def unescape(text):
        return text.replace("{{", "{").replace("}}", "}") if isinstance(text, str) else text

    out = dict(message, text=unescape(message.get("text")))
    if message.get("buttons"):
        out["buttons"] = [dict(b, payload=unescape(b.get("payload"))) if isinstance(b, dict) else b
                          for b in message["buttons"]]
    return out


def serve(dispatcher: CollectingDispatcher, snap: Snapshot, item, lang: str = "nl") -> List[Dict[str, Any]]:
    """Utter a knowledge item and remember it for follow-up questions."""
    kb = snap.kb
    if isinstance(item, Entry):
        texts = formatting.answer_texts(kb, item, lang=lang)
        evidence = formatting.evidence_button(kb, item, lang)  # "Wat zegt de bron precies?"
        for number, text in enumerate(texts, 1):
            last = number == len(texts)
            dispatcher.utter_message(text=text, buttons=[evidence] if evidence and last else None)
        return [SlotSet("last_entry", item.id)]
    if isinstance(item, Organisation):
        dispatcher.utter_message(text=formatting.organisation_card(item, lang=lang, kb=kb))
        return [SlotSet("last_entry", item.id), SlotSet("last_organisation", item.id)]
    if isinstance(item, Situation):
        for text in formatting.situation_texts(kb, item, lang=lang):
            dispatcher.utter_message(text=text)
        first = next((o for o in item.organisations if o in kb.organisations), None)
        return [SlotSet("last_entry", item.id), SlotSet("last_organisation", first)]
    raise TypeError(type(item))


def offer_choices(dispatcher: CollectingDispatcher, response: str, items, intent: str,
                  lang: str = "nl", domain=None, kb=None) -> None:
    buttons = [
        {"title": formatting.button_title(item, lang=lang, kb=kb), "payload": f'/{intent}{{"entry_id": "{item.id}"}}'}
        for item in items
    ]
    utter(dispatcher, response, lang, domain, buttons=buttons)


def no_answer(dispatcher: CollectingDispatcher, lang: str = "nl", domain=None) -> None:
    utter(dispatcher, "utter_no_answer", lang, domain)
    utter(dispatcher, "utter_help_pointer", lang, domain)


def served_item(tracker: Tracker, snap: Snapshot, slot: str = "last_entry"):
    item_id = tracker.get_slot(slot)
    return snap.kb.item(item_id) if item_id else None


def greet_in(dispatcher: CollectingDispatcher, domain, lang: str) -> None:
    """The greeting in `lang`: the variation conditioned on that language, or for Dutch the
    one without a language condition (Rasa would pick by the slot as it was before)."""
    for variation in ((domain or {}).get("responses") or {}).get("utter_greet") or []:
        languages = [c.get("value") for c in variation.get("condition") or [] if c.get("name") == "language"]
        if languages == [lang] or (not languages and lang == language.DEFAULT):
            dispatcher.utter_message(**_as_rasa_sends({k: v for k, v in variation.items() if k in ("text", "buttons")}))
            return
    utter(dispatcher, "utter_greet", lang, domain)


def read(tracker: Tracker, snap: Snapshot) -> Turn:
    """The latest message as a Turn: read once, used by every rule in decide()."""
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    return read_turn(snap, message_text(tracker), intent.get("name"), float(intent.get("confidence") or 0.0),
                     entity_values(tracker), served_item(tracker, snap),
                     served_item(tracker, snap, "last_organisation"), conversation_language(tracker))


class VraagbaakAction(Action, metaclass=abc.ABCMeta):
    """Every action: read the message into a Turn, decide, render. The actions differ only
    in their names (the rules in data/ name them per intent); what to reply is decided in
    one place, decide(), whatever the intent.

    Never a failed action call: rasa-sdk would send the whole conversation back in an
    error body (which Rasa then logs) and leave the visitor without a reply. Instead the
    visitor gets an honest "dat weet ik niet" with the help options, and the log gets the
    error type.
    """

    @abc.abstractmethod  # abstract: rasa-sdk registers only concrete Action subclasses
    def name(self) -> str:
        """The action's name in the domain."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]):
        from actions.render import render

        try:
            snap = snapshot()
            turn = read(tracker, snap)
            decision = decide_turn(snap, turn)
            events = render(dispatcher, snap, decision, domain)
            if decision.language != conversation_language(tracker) and decision.kind != "language":
                events = [SlotSet("language", decision.language)] + events
            return events
        except Exception as error:  # noqa: BLE001 - see the docstring
            reason = "kennisbank laadt niet" if isinstance(error, KnowledgeError) else type(error).__name__
            logger.error("Actie %s mislukt (%s); de bezoeker krijgt de hulpopties.", self.name(), reason)
            dispatcher.messages.clear()
            no_answer(dispatcher)
            return []
