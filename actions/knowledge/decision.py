"""One decision for every message: crisis / answer / ask which / no answer / help.

`decide()` is used by the actions, `vraagbaak ask`, scripts/train_ranker.py and (through
the actions) `make eval`, so what the tools show is what the assistant does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from actions.knowledge import language as languages
from actions.knowledge.model import Entry, Organisation, Situation
from actions.knowledge.ranker import Scored, for_snapshot, item_kind
from actions.knowledge.retrieval import YEAR
from actions.knowledge.text import normalise
from actions.knowledge.vocabulary import vocabulary

HELP_INTENTS = {"ask_help", "request_human"}
# Intents after which only a very clear match is answered (see policy: strict).
STRICT_INTENTS = {"out_of_scope", "nlu_fallback", "greet", "goodbye", "thanks", "affirm", "deny",
                  "bot_challenge", "what_can_you_do", "privacy_question"}


@dataclass
class Decision:
    kind: str  # crisis | answer | clarify | none | help
    items: List[object] = field(default_factory=list)
    language: str = languages.DEFAULT
    scored: List[Scored] = field(default_factory=list)
    crisis: Optional[object] = None
    reason: str = ""

    @property
    def best(self):
        return self.items[0] if self.items else None


def same_answer(kb, a, b) -> bool:
    """Two items that are both a right answer: the same item, entries answering the same
    question (same group and population), or a help situation and one of its services."""
    if a is b or a.id == b.id:
        return True
    if isinstance(a, Entry) and isinstance(b, Entry):
        return bool(a.group) and a.group == b.group and a.population == b.population
    if isinstance(a, Situation) and isinstance(b, Organisation):
        return b.id in a.organisations
    if isinstance(a, Organisation) and isinstance(b, Situation):
        return a.id in b.organisations
    return False


def policy(kb, scored: Sequence[Scored], thresholds: Dict[str, float], prefer: str,
           followup: bool = False, strict: bool = False):
    """(kind, items) from ranked probabilities. Thresholds come from ranker.json (chosen
    on the dev folds by scripts/train_ranker.py).

    followup: a short follow-up on the previous answer ("en jongens?"), searched with the
    previous question; the guards have already left only the named group, so a figure
    needs the bar of an explanation there (the dev folds hold no follow-ups to tune on).
    strict: the intent classifier called the message out of scope or small talk; every
    kind of item then needs the figure bar (the dev folds hold no out-of-domain questions,
    so the ranker never learned what "the hoofdstad van Australie" looks like).
    A clear winner ("clear", "clear_lead") is answered below its kind's bar.
    """
    if not scored:
        return "none", []
    top = scored[0]
    rivals = [s for s in scored[1:] if not same_answer(kb, s.item, top.item)]
    rival = rivals[0].probability if rivals else 0.0
    # Items that answer the same question (a 2017 and a 2021 estimate) are one answer: the
    # chance that one of them is right (noisy-or) is what counts.
    miss = 1.0
    for s in scored:
        if same_answer(kb, s.item, top.item):
            miss *= 1.0 - s.probability
    p = 1.0 - miss
    kind = item_kind(top.item)
    bar = thresholds["answer_entry" if followup and kind == "figure" else f"answer_{kind}"]
    if strict:
        bar = max(bar, thresholds["answer_figure"])
    lead = p - rival
    if (p >= bar and lead >= thresholds["margin"]) or (
            not strict and p >= thresholds["clear"] and lead >= thresholds["clear_lead"]):
        return "answer", [top.item]
    if prefer == "help" and kind == "help" and top.probability >= thresholds["help"]:
        # Help is low-risk to give: the best route first, close routes as buttons.
        others = [s.item for s in rivals[:2] if item_kind(s.item) == "help"
                  and s.probability >= thresholds["ask"]]
        return "answer", [top.item] + others
    close = [s for s in rivals[:2] if s.probability >= thresholds["ask"]
             and top.probability - s.probability < thresholds["margin"]]
    if top.probability >= thresholds["ask"] and close:
        return "clarify", [top.item] + [s.item for s in close]
    return "none", []


def data_years(entry: Entry) -> set:
    """The years a figure is about (its period), not the year it was published: "en in
    2022?" must not get a 2021 figure published in 2022."""
    years = {int(y) for y in YEAR.findall(entry.period or "")}
    if len(years) >= 2:
        years |= set(range(min(years), max(years) + 1))
    return years or {entry.year}


def is_followup(retriever, text: str, entities, context) -> bool:
    """A short message that names a group, a year or "newer" right after an entry."""
    if not isinstance(context, Entry):
        return False
    terms = retriever.text.terms(text)
    named = retriever.mentions(text, entities)
    asks = bool(named["population"]) or bool(YEAR.search(text)) or bool(set(terms) & vocabulary().newer_terms)
    return asks and len(_other_terms(retriever, terms, named)) <= 1


def _other_terms(retriever, terms, named, ignore=frozenset()) -> List[str]:
    """The terms of a message besides question words, groups, years and "newer" (and
    `ignore`): more than one of them makes it a new question, not a follow-up."""
    vocab = vocabulary()
    return [t for t in terms if t not in vocab.question_words and t not in named["population"]
            and t not in retriever.populations and not t.isdigit() and t not in vocab.newer_terms
            and t not in ignore]


def followup(kb, retriever, text: str, entities, context) -> Optional[object]:
    """A short follow-up on the previous figure: "en jongens?", "en in 2024?",
    "is er een nieuwer cijfer?". Returns the entry of the same group to serve, or None
    (decide() then searches with the previous question as context)."""
    if not isinstance(context, Entry) or not context.group:
        return None
    terms = retriever.text.terms(text)
    vocab = vocabulary()
    named = retriever.mentions(text, entities)
    years = {int(y) for y in YEAR.findall(text)}
    newer = bool(set(terms) & vocab.newer_terms)
    if len(_other_terms(retriever, terms, named, vocab.followup_words)) > 1:
        return None  # a new question, not a follow-up
    group = [e for e in kb.vetted_entries() if e.group == context.group]
    population = context.population
    wanted = {p for p in named["population"] if p != population}
    if wanted:
        found = [e for e in group if e.population in wanted]
        if years:
            found = [e for e in found if years <= data_years(e)] or found
        return max(found, key=lambda e: (e.year, e.id)) if found else None
    same = [e for e in group if e.population == population]
    if years:
        found = [e for e in same if years <= data_years(e)]
        return max(found, key=lambda e: (e.year, e.id)) if found else None
    if newer:
        return max(same, key=lambda e: (e.year, e.id)) if same else None
    return None


def _names(normalised: str, phrases) -> bool:
    padded = f" {normalised} "
    return any(f" {phrase} " in padded for phrase in phrases)


def guarded_by_wording(snap, text: str, prefer: str) -> List[str]:
    """Items the message's wording rules out, whatever their score (knowledge/vocabulary.yml):
    a place the base has no figures about rules out every figure ("How many victims are
    there in Germany?" must not get the Dutch estimate); a question for a number rules out
    contact cards and help routes, unless someone asks for help ("hoeveel mensen bellen er
    naar 113?" is no reason to show the 113 card, let alone as if it were a crisis)."""
    vocab = vocabulary()
    normalised = normalise(text)
    out: List[str] = []
    if _names(normalised, vocab.other_places):
        out += [e.id for e in snap.kb.vetted_entries() if e.kind in ("figure", "quote") and e.values]
    if prefer != "help" and _names(normalised, vocab.count_words):
        out += [o.id for o in snap.kb.organisations.values()] + [s.id for s in snap.kb.situations.values()]
    return out


def decide(snap, text: str, intent: Optional[str] = None, confidence: float = 0.0,
           entities: Optional[Dict[str, Sequence[str]]] = None, context=None,
           conversation_language: Optional[str] = None, prefer: Optional[str] = None,
           check_crisis: bool = True) -> Decision:
    """What to do with one user message.

    intent/confidence/entities: from the NLU; context: the item served last;
    check_crisis=False only for the help route sent after a crisis reply.
    """
    lang = languages.detect(text, conversation_language)
    rule = snap.crisis.detect(text) if check_crisis else None
    if rule is not None:
        return Decision("crisis", language=lang, crisis=rule, reason="crisispatroon")
    if not text.strip():
        return Decision("none", language=lang, reason="lege vraag")
    ranker = for_snapshot(snap)
    # In a help language (knowledge/languages.yml scope: help) only help routes exist, and
    # the Dutch intent classifier says little about such a message.
    help_language = snap.kb.is_help_language(lang)
    prefer = prefer or ("help" if intent in HELP_INTENTS or help_language else "entry")
    entities = entities or {}
    follow = followup(snap.kb, snap.retriever, text, entities, context)
    if follow is not None:
        return Decision("answer", [follow], lang, reason="vervolgvraag op het vorige cijfer")
    query = text
    follows = is_followup(snap.retriever, text, entities, context)
    if follows and context.questions:
        # "en jongens?" after a figure without a boys' version in its group: search the
        # previous question with the new group (the guards keep other groups out).
        query = f"{context.questions[0]} {text}"
    # After "en jongens?" the previous answer (searched again with its own question) is no
    # candidate: it was just given, and it would only crowd out the other group's figure.
    exclude = [e.id for e in snap.kb.same_question(context)] if follows and isinstance(context, Entry) else []
    exclude += guarded_by_wording(snap, text, prefer)
    scored = ranker.rank(query, prefer=prefer, context=context, entities=entities, limit=5,
                         exclude=exclude)
    kind, items = policy(snap.kb, scored, ranker.thresholds, prefer, followup=follows,
                         strict=intent in STRICT_INTENTS and not follows and not help_language)
    if kind == "answer" and prefer == "help" and item_kind(items[0]) == "help":
        kind = "help"
    return Decision(kind, items, lang, scored)
