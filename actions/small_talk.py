"""Greeting, thanks, "are you a person?", "do you store this?" in the visitor's language."""
from actions import common


class ActionSmallTalk(common.VraagbaakAction):
    def name(self) -> str:
        return "action_small_talk"
