"""Honest fallback: say plainly what is not known, what the bot can do, and where help is.

Out-of-scope and not-understood messages go through the same decision as questions first:
the Dutch intent classifier often files an English or Polish question as out_of_scope, and
such a question should still get its answer.
"""
from typing import Text


from actions import common
from actions.answer import answer_by_decision


class ActionFallback(common.VraagbaakAction):
    def name(self) -> Text:
        return "action_fallback"

    def respond(self, dispatcher, tracker, snap):
        intent = common.intent_of(tracker)
        if common.message_text(tracker):
            events = answer_by_decision(self, dispatcher, tracker, snap, prefer="entry", clarify=False)
            if events is not None:
                return events
        if intent == "out_of_scope":
            common.utter(dispatcher, "utter_out_of_scope", self.lang, self.domain)
        else:
            common.utter(dispatcher, "utter_no_answer", self.lang, self.domain)
        common.utter(dispatcher, "utter_help_pointer", self.lang, self.domain)
        return []
