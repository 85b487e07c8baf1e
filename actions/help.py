"""Route people to help by their situation and by who is asking."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.answer import answer_by_retrieval


class ActionHelp(Action):
    def name(self) -> Text:
        return "action_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        snap = common.snapshot()
        if common.crisis_first(dispatcher, tracker, snap):
            return []
        kb = snap.kb
        chosen = common.first_entity(tracker, "entry_id")
        if chosen and kb.item(chosen) is not None and kb.item(chosen).vetted:
            return common.serve(dispatcher, snap, kb.item(chosen))
        intent = (tracker.latest_message or {}).get("intent", {}).get("name")
        role = "mens_spreken" if intent == "request_human" else common.first_entity(tracker, "role")
        situation = situation_for_role(kb, role) if role else None
        if situation is not None:
            return common.serve(dispatcher, snap, situation)
        if common.message_text(tracker):
            events = answer_by_retrieval(dispatcher, tracker, snap, prefer="help")
            if events is not None:
                return events
        dispatcher.utter_message(response="utter_ask_role")
        return []


def situation_for_role(kb, role: str):
    return next((s for s in kb.situations.values() if s.role == role and s.vetted), None)
