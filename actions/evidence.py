"""'Wat zegt de bron precies?' after an answer: the source's own words, where and when read."""
from actions import common


class ActionEvidence(common.VraagbaakAction):
    def name(self) -> str:
        return "action_evidence"
