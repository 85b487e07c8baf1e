"""Questions about facts, figures and explanations (intent ask_knowledge, menus, buttons)."""
from actions import common


class ActionAnswer(common.VraagbaakAction):
    def name(self) -> str:
        return "action_answer"
