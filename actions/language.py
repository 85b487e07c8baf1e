"""Switch the conversation's language on request (the page's language switch, "English please")."""
from actions import common


class ActionSetLanguage(common.VraagbaakAction):
    def name(self) -> str:
        return "action_set_language"
