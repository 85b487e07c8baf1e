"""Answer questions about facts, figures and explanations from vetted knowledge."""
from typing import Text


from actions import common
from actions.knowledge.model import Entry
from actions.knowledge.text import QUESTION_WORDS

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
                return common.serve(dispatcher, snap, item)
        menu = common.first_entity(tracker, "menu")
        if menu in MENU_KINDS:
            kind, response = MENU_KINDS[menu]
            common.offer_choices(dispatcher, response, menu_items(snap.kb, kind), "ask_knowledge")
            return []
        return answer_or_say_so(dispatcher, tracker, snap)


def menu_items(kb, kind: str):
    """One vetted entry per question (the newest), in the order of the knowledge files."""
    seen, items = set(), []
    for entry in kb.vetted_entries():
        key = (entry.group, entry.population) if entry.group else entry.id
        if entry.kind == kind and key not in seen:
            seen.add(key)
            items.append(kb.same_question(entry)[0])
    return items[:MENU_SIZE]


def counterpart_for_ellipsis(snap, text: str, entities, previous):
    """'hoeveel is dat bij meisjes?' right after a figure about boys: the same question
    for the group named, when the message adds nothing else of substance."""
    if not isinstance(previous, Entry):
        return None
    retriever = snap.retriever
    wanted = retriever.mentions(text, entities)["population"]
    if not wanted or previous.population in wanted:
        return None
    rest = [t for t in retriever.text.terms(text)
            if t not in wanted and t not in QUESTION_WORDS and t not in retriever.populations]
    if len(rest) > 1:
        return None
    return next((c for p in sorted(wanted) if (c := snap.kb.counterpart(previous, p))), None)


def answer_or_say_so(dispatcher, tracker, snap):
    """Answer a knowledge question, or say plainly that there is no answer and offer help."""
    events = answer_by_retrieval(dispatcher, tracker, snap, prefer="entry")
    if events is None:
        common.no_answer(dispatcher)
        return []
    return events


def answer_by_retrieval(dispatcher, tracker, snap, prefer: str):
    """Serve the best vetted item, or offer choices; None when nothing fits well enough."""
    text = common.message_text(tracker)
    if common.looks_english(text):
        dispatcher.utter_message(response="utter_english_note")
    entities = common.entity_values(tracker)
    context = common.served_item(tracker, snap)
    counterpart = counterpart_for_ellipsis(snap, text, entities, context)
    if counterpart is not None:
        return common.serve(dispatcher, snap, counterpart)
    retriever = snap.retriever
    decision = retriever.decide(retriever.rank(text, entities, prefer=prefer, context=context))
    if decision.kind == "answer":
        return common.serve(dispatcher, snap, decision.best.item)
    best = decision.best
    if (decision.kind == "clarify" and prefer == "help" and not isinstance(best.item, Entry)
            and best.score >= retriever.help_threshold):
        # Help is low-risk to give: answer the best route and offer the close ones.
        events = common.serve(dispatcher, snap, best.item)
        others = [m.item for m in decision.matches[1:] if not isinstance(m.item, Entry)]
        if others:
            common.offer_choices(dispatcher, "utter_other_help", others, "ask_help")
        return events
    if decision.kind == "clarify":
        intent = "ask_help" if prefer == "help" else "ask_knowledge"
        common.offer_choices(dispatcher, "utter_clarify", [m.item for m in decision.matches], intent)
        return []
    return None  # caller decides what "no answer" looks like

