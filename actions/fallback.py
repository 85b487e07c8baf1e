"""Out of scope and not understood: the same decision, then an honest "dat weet ik niet"."""
from actions import common


class ActionFallback(common.VraagbaakAction):
    def name(self) -> str:
        return "action_fallback"
