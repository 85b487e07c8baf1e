"""Crisis first: 112 for acute danger, 113 for thoughts of suicide."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.knowledge import formatting

KIND_BY_INTENT = {"crisis_danger": "danger", "crisis_suicide": "suicide"}


class ActionCrisis(Action):
    def name(self) -> Text:
        return "action_crisis"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        snap = common.snapshot()
        if common.crisis_first(dispatcher, tracker, snap):  # the patterns know the kind best
            return []
        intent = (tracker.latest_message or {}).get("intent", {}).get("name")
        rule = snap.crisis.rule(KIND_BY_INTENT.get(intent, "danger"))
        for text in formatting.crisis_texts(snap.kb, rule):
            dispatcher.utter_message(text=text)
        return []
