"""Follow-up questions that lean on what was said before (kept in slots)."""
from typing import Text


from actions import common
from actions.answer import answer_or_say_so
from actions.knowledge.decision import decide
from actions.help import situation_for_role
from actions.knowledge import formatting
from actions.knowledge.model import Entry, Organisation, Situation


class ActionSource(common.VraagbaakAction):
    """'Wat is de bron?' after any answer: publication, publisher, year, link."""

    def name(self) -> Text:
        return "action_source"

    def respond(self, dispatcher, tracker, snap):
        item = common.served_item(tracker, snap)
        if isinstance(item, Situation):
            item = common.served_item(tracker, snap, "last_organisation")
        if not isinstance(item, (Entry, Organisation)):
            common.utter(dispatcher, "utter_no_previous_figure", self.lang, self.domain)
            return []
        dispatcher.utter_message(text=formatting.source_details(snap.kb, item, lang=self.lang))
        return []


class ActionFollowupPopulation(common.VraagbaakAction):
    """'En meisjes?' after a figure about boys: the same question for another group."""

    def name(self) -> Text:
        return "action_followup_population"

    def respond(self, dispatcher, tracker, snap):
        # The counterpart itself ("en meisjes?") is served before respond() by the base
        # class (common.context_followup); here only what remains.
        previous = common.served_item(tracker, snap)
        text = common.message_text(tracker)
        entities = common.entity_values(tracker)
        wanted = snap.retriever.mentions(text, entities)["population"]
        if isinstance(previous, Entry) and wanted and len(snap.retriever.text.terms(text)) <= 3:
            common.utter(dispatcher, "utter_no_counterpart", self.lang, self.domain)
            common.utter(dispatcher, "utter_help_pointer", self.lang, self.domain)
            return []
        return answer_or_say_so(self, dispatcher, tracker, snap)


class ActionFollowupAnonymous(common.VraagbaakAction):
    """'Kan dat anoniem?' after a help answer."""

    def name(self) -> Text:
        return "action_followup_anonymous"

    def respond(self, dispatcher, tracker, snap):
        previous = common.served_item(tracker, snap)
        if isinstance(previous, Situation):  # answer for every organisation just shown
            orgs = [snap.kb.organisations[o] for o in previous.organisations[:3] if o in snap.kb.organisations]
        else:
            orgs = [common.served_item(tracker, snap, "last_organisation")]
        orgs = [o for o in orgs if isinstance(o, Organisation) and o.vetted]
        if orgs:
            dispatcher.utter_message(text="\n".join(formatting.anonymity_text(o, lang=self.lang, kb=snap.kb) for o in orgs))
            return []
        situation = situation_for_role(snap.kb, "anoniem")
        if situation is None:
            common.no_answer(dispatcher, self.lang, self.domain)
            return []
        return common.serve(dispatcher, snap, situation, self.lang)


class ActionFollowupOrganisation(common.VraagbaakAction):
    """'En van Veilig Thuis?' after a phone number: the same details for another organisation."""

    def name(self) -> Text:
        return "action_followup_organisation"

    def respond(self, dispatcher, tracker, snap):
        org = organisation_named(snap, tracker)
        if org is None:
            common.utter(dispatcher, "utter_ask_which_organisation", self.lang, self.domain)
            return []
        return common.serve(dispatcher, snap, org, self.lang)


def organisation_named(snap, tracker):
    kb = snap.kb
    for org_id in sorted(common.entity_values(tracker).get("organisation", ())):
        org = kb.organisations.get(org_id)
        if org is not None and org.vetted:
            return org
    text = common.message_text(tracker)
    decision = decide(snap, text, prefer="help", check_crisis=False)
    return next((i for i in decision.items if isinstance(i, Organisation)), None) if decision.kind in ("answer", "help") else None
