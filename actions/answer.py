"""Answer questions about facts, figures and explanations from vetted knowledge."""
from typing import Text


from actions import common
from actions.knowledge.model import Entry
from actions.knowledge.decision import decide

MENU_KINDS = {"cijfers": ("figure", "utter_menu_figures"), "uitleg": ("explanation", "utter_menu_explanations")}
MENU_SIZE = 8


class ActionAnswer(common.VraagbaakAction):
    def name(self) -> Text:
        return "action_answer"

    def respond(self, dispatcher, tracker, snap):
        chosen = common.first_entity(tracker, "entry_id")
        if chosen:
            item = snap.kb.item(chosen)
            if item is not None and item.vetted:
                return common.serve(dispatcher, snap, item, self.lang)
        menu = common.first_entity(tracker, "menu")
        if menu in MENU_KINDS:
            kind, response = MENU_KINDS[menu]
            common.offer_choices(dispatcher, response, menu_items(snap.kb, kind), "ask_knowledge",
                                 self.lang, self.domain, snap.kb)
            return []
        return answer_or_say_so(self, dispatcher, tracker, snap)


def menu_items(kb, kind: str):
    """One vetted entry per question (the newest), in the order of the knowledge files."""
    seen, items = set(), []
    for entry in kb.vetted_entries():
        key = (entry.group, entry.population) if entry.group else entry.id
        if entry.kind == kind and key not in seen:
            seen.add(key)
            items.append(kb.same_question(entry)[0])
    return items[:MENU_SIZE]


def answer_or_say_so(action, dispatcher, tracker, snap):
    """Answer a knowledge question, or say plainly that there is no answer and offer help."""
    events = answer_by_decision(action, dispatcher, tracker, snap, prefer="entry")
    if events is None:
        common.no_answer(dispatcher, action.lang, action.domain)
        return []
    return events


def answer_by_decision(action, dispatcher, tracker, snap, prefer: str, clarify: bool = True):
    """Serve what decide() chose, or offer choices; None when nothing fits well enough."""
    text = common.message_text(tracker)
    intent = common.intent_of(tracker)
    decision = decide(
        snap, text, intent=intent, confidence=common.intent_confidence(tracker),
        entities=common.entity_values(tracker), context=common.served_item(tracker, snap),
        conversation_language=common.conversation_language(tracker), prefer=prefer)
    lang = action.lang
    if decision.kind in ("answer", "help"):
        events = common.serve(dispatcher, snap, decision.best, lang)
        others = decision.items[1:]
        if others:
            common.offer_choices(dispatcher, "utter_other_help", others, "ask_help", lang, action.domain, snap.kb)
        return events
    if decision.kind == "clarify" and clarify:
        target = "ask_help" if prefer == "help" else "ask_knowledge"
        common.offer_choices(dispatcher, "utter_clarify", decision.items, target, lang, action.domain, snap.kb)
        return []
    return None  # caller decides what "no answer" looks like
