"""Switch the conversation's language on request (the chat page's language switch, its
"English" starter button, or "English please").

The `language` slot is otherwise set by every action from the language of each message
(actions.common); this action sets it on purpose and greets in the new language, so
buttons (which carry no words to detect) are answered in it from then on.
"""
from __future__ import annotations

from typing import Optional, Text

from rasa_sdk.events import SlotSet

from actions import common
from actions.knowledge import language


def requested_language(tracker) -> Optional[str]:
    """The language asked for: the `language` entity (button payload or lookup), if it is
    one we answer in."""
    for value in sorted(common.entity_values(tracker).get("language", ())):
        value = value.strip().lower()
        if value in language.SUPPORTED:
            return value
    return None


class ActionSetLanguage(common.VraagbaakAction):
    def name(self) -> Text:
        return "action_set_language"

    def respond(self, dispatcher, tracker, snap):
        chosen = requested_language(tracker) or self.lang
        greeting = _variation(self.domain, "utter_greet", chosen)
        if greeting:
            dispatcher.utter_message(**greeting)
        else:
            common.utter(dispatcher, "utter_greet", chosen, self.domain)
        return [SlotSet("language", chosen)]


def _variation(domain, name: str, lang: str):
    """The response's text and buttons for `lang`: the variation conditioned on that
    language, or for Dutch the one without a language condition. Rasa itself would pick
    by the slot as it was before this action, i.e. the old language."""
    for variation in ((domain or {}).get("responses") or {}).get(name) or []:
        languages = [c.get("value") for c in variation.get("condition") or [] if c.get("name") == "language"]
        if languages == [lang] or (not languages and lang == language.DEFAULT):
            return {"text": _unescape(variation.get("text") or ""),
                    "buttons": [{**b, "payload": _unescape(b.get("payload") or "")}
                                for b in variation.get("buttons") or []]}
    return None


def _unescape(template: str) -> str:
    """A response template as Rasa would send it: "{{" and "}}" are literal braces."""
    return template.replace("{{", "{").replace("}}", "}")
