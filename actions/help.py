"""Help by situation and by who is asking (intents ask_help, request_human)."""
from actions import common


class ActionHelp(common.VraagbaakAction):
    def name(self) -> str:
        return "action_help"
