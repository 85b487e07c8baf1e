"""Honest fallback: say plainly what is not known, what the bot can do, and where help is."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import common


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        snap = common.snapshot()
        if common.crisis_first(dispatcher, tracker, snap):
            return []
        intent = (tracker.latest_message or {}).get("intent", {}).get("name")
        if common.looks_english(common.message_text(tracker)):
            dispatcher.utter_message(response="utter_english_note")
        if intent == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response="utter_no_answer")
        dispatcher.utter_message(response="utter_help_pointer")
        return []
