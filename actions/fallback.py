"""Honest fallback: say plainly what is not known, what the bot can do, and where help is."""
from typing import Text


from actions import common


class ActionFallback(common.VraagbaakAction):
    def name(self) -> Text:
        return "action_fallback"

    def respond(self, dispatcher, tracker, snap):
        intent = common.intent_of(tracker)
        if common.looks_english(common.message_text(tracker)):
            dispatcher.utter_message(response="utter_english_note")
        if intent == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response="utter_no_answer")
        dispatcher.utter_message(response="utter_help_pointer")
        return []
