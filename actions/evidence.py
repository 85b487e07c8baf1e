"""'Wat zegt de bron precies?' after an answer: the source's own words, where and when read."""
from typing import Text

from actions import common
from actions.knowledge import formatting
from actions.knowledge.model import HOME_LANGUAGE, Entry, Organisation, Situation


def reply_language(action, tracker) -> str:
    """The language decided for this message by the base action, else the conversation's."""
    return getattr(action, "lang", None) or tracker.get_slot("language") or HOME_LANGUAGE


class ActionEvidence(common.VraagbaakAction):
    """Shows each quote of the last served item: 'Letterlijk uit <bron>, <waar> (gelezen op <datum>): “...”'."""

    def name(self) -> Text:
        return "action_evidence"

    def respond(self, dispatcher, tracker, snap):
        kb = snap.kb
        lang = reply_language(self, tracker)
        item = common.served_item(tracker, snap)
        if isinstance(item, Situation):  # a help route: the first organisation shown
            item = common.served_item(tracker, snap, "last_organisation")
        if not isinstance(item, (Entry, Organisation)) or not item.vetted:
            dispatcher.utter_message(text=formatting.word(kb, "evidence_no_item", lang))
            return []
        lines = formatting.evidence_texts(kb, item, lang)
        if not lines:
            dispatcher.utter_message(text=formatting.word(kb, "evidence_none", lang))
            return []
        for line in lines:
            dispatcher.utter_message(text=line)
        return []
