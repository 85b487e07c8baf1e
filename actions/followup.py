"""Follow-ups that lean on what was said before (kept in slots): source, another group,
anonymity, another organisation."""
from actions import common


class ActionSource(common.VraagbaakAction):
    def name(self) -> str:
        return "action_source"


class ActionFollowupPopulation(common.VraagbaakAction):
    def name(self) -> str:
        return "action_followup_population"


class ActionFollowupAnonymous(common.VraagbaakAction):
    def name(self) -> str:
        return "action_followup_anonymous"


class ActionFollowupOrganisation(common.VraagbaakAction):
    def name(self) -> str:
        return "action_followup_organisation"
