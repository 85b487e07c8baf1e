"""Crisis first: 112 for acute danger, 113 for thoughts of suicide (intents crisis_*)."""
from actions import common


class ActionCrisis(common.VraagbaakAction):
    def name(self) -> str:
        return "action_crisis"
