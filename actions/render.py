"""One renderer: a Decision (actions/knowledge/decision.py) becomes messages and slot events."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.knowledge import formatting
from actions.knowledge.decision import Decision
from actions.knowledge.model import Situation
from actions.knowledge.ranker import item_kind
from actions.knowledge.store import Snapshot


def render(dispatcher: CollectingDispatcher, snap: Snapshot, decision: Decision, domain) -> List[Dict[str, Any]]:
    kb, lang, kind = snap.kb, decision.language, decision.kind
    if kind == "crisis":
        for line in formatting.crisis_texts(kb, decision.crisis, lang=lang):
            dispatcher.utter_message(text=line)
        if isinstance(decision.best, Situation):  # after the emergency number: the route
            for line in formatting.situation_texts(kb, decision.best, lang=lang)[1:]:
                dispatcher.utter_message(text=line)
        elif decision.best is not None:  # a match by meaning keeps the answer it would get
            return common.serve(dispatcher, snap, decision.best, lang)
        return []
    if kind in ("answer", "help"):
        events = common.serve(dispatcher, snap, decision.best, lang)
        if decision.items[1:]:
            common.offer_choices(dispatcher, "utter_other_help", decision.items[1:], "ask_help", lang, domain, kb)
        return events
    if kind == "clarify":
        target = "ask_help" if all(item_kind(i) == "help" for i in decision.items) else "ask_knowledge"
        common.offer_choices(dispatcher, "utter_clarify", decision.items, target, lang, domain, kb)
        return []
    if kind == "choose":
        common.offer_choices(dispatcher, "utter_ask_situation", decision.items, "ask_help", lang, domain, kb)
        return []
    if kind == "menu":
        common.offer_choices(dispatcher, decision.response, decision.items, "ask_knowledge", lang, domain, kb)
        return []
    if kind == "say":
        response = decision.response
        if kb.is_help_language(lang) and not common.has_variation(domain, response, lang):
            response = "utter_help_pointer"  # what can be said in this language
        common.utter(dispatcher, response, lang, domain)
        return []
    if kind == "source":
        dispatcher.utter_message(text=formatting.source_details(kb, decision.best, lang=lang))
        return []
    if kind == "evidence":
        if decision.best is None:
            dispatcher.utter_message(text=formatting.word(kb, "evidence_no_item", lang))
            return []
        lines = formatting.evidence_texts(kb, decision.best, lang) or [formatting.word(kb, "evidence_none", lang)]
        for line in lines:
            dispatcher.utter_message(text=line)
        return []
    if kind == "anonymity":
        dispatcher.utter_message(text="\n".join(formatting.anonymity_text(o, lang=lang, kb=kb) for o in decision.items))
        return []
    if kind == "language":
        common.greet_in(dispatcher, domain, lang)
        return [SlotSet("language", lang)]
    common.utter(dispatcher, decision.response or "utter_no_answer", lang, domain)
    common.utter(dispatcher, "utter_help_pointer", lang, domain)
    return []
