"""Crisis first: 112 for acute danger, 113 for thoughts of suicide."""
from typing import Text

from actions import common
from actions.answer import answer_by_decision
from actions.knowledge import formatting
from actions.knowledge.language import DEFAULT

KIND_BY_INTENT = {"crisis_danger": "danger", "crisis_suicide": "suicide"}


class ActionCrisis(common.VraagbaakAction):
    """Reached through the crisis intents. When the patterns matched, the base class has
    already answered (they know the kind best); otherwise the classifier's intent decides.

    The classifier learned from Dutch only: for a message in another language without a
    crisis pattern, a clear help route answers first ("my boss took my passport" is no
    suicide). Without one, the crisis text goes out anyway: a needless 112 does less harm
    than a missed one.
    """

    def name(self) -> Text:
        return "action_crisis"

    def respond(self, dispatcher, tracker, snap):
        if self.lang != DEFAULT and common.message_text(tracker):
            events = answer_by_decision(self, dispatcher, tracker, snap, prefer="help", clarify=False)
            if events is not None:
                return events
        rule = snap.crisis.rule(KIND_BY_INTENT.get(common.intent_of(tracker), "danger"))
        for text in formatting.crisis_texts(snap.kb, rule, lang=self.lang):
            dispatcher.utter_message(text=text)
        return []
