"""Route people to help by their situation and by who is asking."""
from typing import Text


from actions import common
from actions.answer import answer_by_decision


class ActionHelp(common.VraagbaakAction):
    def name(self) -> Text:
        return "action_help"

    def respond(self, dispatcher, tracker, snap):
        kb = snap.kb
        chosen = common.first_entity(tracker, "entry_id")
        if chosen and kb.item(chosen) is not None and kb.item(chosen).vetted:
            return common.serve(dispatcher, snap, kb.item(chosen), self.lang)
        intent = common.intent_of(tracker)
        role = "mens_spreken" if intent == "request_human" else common.first_entity(tracker, "role")
        text = common.message_text(tracker)
        # A button or a bare "ik ben een ouder" says who is asking, not what happened.
        if role and len(snap.retriever.text.terms(text)) <= 3:
            return route_by_role(self, dispatcher, snap, role)
        if text:
            events = answer_by_decision(self, dispatcher, tracker, snap, prefer="help")
            if events is not None:
                return events
        if role:
            return route_by_role(self, dispatcher, snap, role)
        if text:  # a knowledge question filed as a help request ("is 48% van de jongens misbruikt")
            events = answer_by_decision(self, dispatcher, tracker, snap, prefer="entry", clarify=False)
            if events is not None:
                return events
        common.utter(dispatcher, "utter_ask_role", self.lang, self.domain)
        return []


def situations_for_role(kb, role: str):
    return [s for s in kb.situations.values() if s.role == role and s.vetted]


def situation_for_role(kb, role: str):
    return next(iter(situations_for_role(kb, role)), None)


def route_by_role(action, dispatcher, snap, role: str):
    """One situation for this role: answer it. Several: one short question with buttons."""
    situations = situations_for_role(snap.kb, role)
    if len(situations) == 1:
        return common.serve(dispatcher, snap, situations[0], action.lang)
    if situations:
        common.offer_choices(dispatcher, "utter_ask_situation", situations, "ask_help",
                             action.lang, action.domain, snap.kb)
        return []
    common.utter(dispatcher, "utter_ask_role", action.lang, action.domain)
    return []
