"""Crisis first: 112 for acute danger, 113 for thoughts of suicide."""
from typing import Text

from actions import common
from actions.knowledge import formatting

KIND_BY_INTENT = {"crisis_danger": "danger", "crisis_suicide": "suicide"}


class ActionCrisis(common.VraagbaakAction):
    """Reached through the crisis intents. When the patterns matched, the base class has
    already answered (they know the kind best); otherwise the classifier's intent decides."""

    def name(self) -> Text:
        return "action_crisis"

    def respond(self, dispatcher, tracker, snap):
        rule = snap.crisis.rule(KIND_BY_INTENT.get(common.intent_of(tracker), "danger"))
        for text in formatting.crisis_texts(snap.kb, rule):
            dispatcher.utter_message(text=text)
        return []
