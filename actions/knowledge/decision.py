"""One decision for every message.

A message is read once into a `Turn` (language, crisis match, named groups and years,
the button that was pressed, what was said before) and `decide()` turns it into a
`Decision`. Every rule that chooses what kind of reply to give lives here; the actions
only render the decision (actions/render.py). The NLU intent is one hint among others:
a question the ranker answers clearly is answered whatever the intent.

`decide()` is used by the actions, `vraagbaak ask`, scripts/tune_decision.py and (through
the actions) `make eval`, so what the tools show is what the assistant does.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set

from actions.knowledge import crisis_meaning, embeddings
from actions.knowledge import language as languages
from actions.knowledge.model import Entry, Organisation, Situation
from actions.knowledge.ranker import Scored, for_snapshot, item_kind
from actions.knowledge.retrieval import YEAR
from actions.knowledge.text import normalise
from actions.knowledge.vocabulary import vocabulary

HELP_INTENTS = {"ask_help", "request_human"}
SMALL_TALK = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_youre_welcome",
    "affirm": "utter_affirm",
    "deny": "utter_deny",
    "bot_challenge": "utter_bot_challenge",
    "what_can_you_do": "utter_what_can_you_do",
    "privacy_question": "utter_privacy",
}
CRISIS_INTENTS = {"crisis_danger": "danger", "crisis_suicide": "suicide"}
# After these intents an answer needs the "strict" bar: the classifier heard small talk or
# something outside the domain, so only a clearly right item overrules it ("I read that a
# lot of Dutch kids have been abused, how many?" filed as bot_challenge is still answered).
STRICT_INTENTS = set(SMALL_TALK) | {"out_of_scope", "nlu_fallback"}
# Intents that lean on the previous answer ("wat is de bron?", "kan dat anoniem?").
CONTEXT_INTENTS = {"ask_source", "ask_evidence", "followup_anonymous", "followup_organisation"}
# A message of at most this many content words is small talk or a follow-up as the intent
# says; a longer one is first read as a question.
SHORT = 3
MENU_KINDS = {"cijfers": ("figure", "utter_menu_figures"), "uitleg": ("explanation", "utter_menu_explanations")}
MENU_SIZE = 8

THRESHOLDS_FILE = Path(__file__).with_name("decision.json")


def load_thresholds(path: Path = THRESHOLDS_FILE) -> Dict[str, float]:
    """The bars of the policy, chosen on the dev set by scripts/tune_decision.py."""
    return dict(json.loads(path.read_text(encoding="utf-8"))["thresholds"])


@dataclass
class Turn:
    """One message, read once."""

    text: str  # the visitor's words; empty for a button payload
    language: str = languages.DEFAULT
    intent: Optional[str] = None
    confidence: float = 0.0
    entities: Dict[str, Set[str]] = field(default_factory=dict)
    context: object = None  # the item served last
    organisation: object = None  # the organisation shown last
    crisis: object = None  # a CrisisMatch (patterns), or None
    chosen: object = None  # the item a button named (entry_id)
    menu: Optional[str] = None
    requested_language: Optional[str] = None
    vectors: Optional[Dict[str, object]] = None  # the text as both encoders read it (once)
    meaning: object = None  # a MeaningMatch (crisis by meaning), or None

    @property
    def role(self) -> Optional[str]:
        roles = sorted(self.entities.get("role", ()))
        if self.intent == "request_human":
            return "mens_spreken"
        return roles[0] if roles else None


def read_turn(snap, text: str, intent: Optional[str] = None, confidence: float = 0.0,
              entities: Optional[Dict[str, Sequence[str]]] = None, context=None, organisation=None,
              conversation_language: Optional[str] = None, check_crisis: bool = True) -> Turn:
    entities = {k: set(v) for k, v in (entities or {}).items()}
    crisis = snap.crisis.match(text) if check_crisis and text else None
    lang = (crisis.lang if crisis is not None and crisis.lang else None) or languages.detect(text, conversation_language)
    chosen = None
    for item_id in sorted(entities.get("entry_id", ())):
        item = snap.kb.item(item_id)
        if item is not None and item.vetted:
            chosen = item
    menu = next(iter(sorted(entities.get("menu", ()))), None)
    asked = next((v.strip().lower() for v in sorted(entities.get("language", ()))
                  if v.strip().lower() in languages.SUPPORTED), None)
    vectors = meaning = None
    if text and check_crisis and crisis is None:
        vectors = embeddings.query_vectors(text)
        meaning = crisis_meaning.for_snapshot(snap).match(vectors)
    return Turn(text, lang, intent, confidence, entities, context, organisation, crisis, chosen, menu, asked,
                vectors, meaning)


@dataclass
class Decision:
    """What to reply. kind:
    crisis    the crisis texts of `crisis` (a rule), then the help route in `items`, if any
    answer    serve items[0]; items[1:] are offered as other help
    help      the same, for a help route or organisation
    clarify   "which one did you mean?" with a button per item
    choose    "which situation fits?" with a button per help route (`items`)
    menu      the figures or explanations menu (`items`, `response`)
    say       the domain response `response` (small talk, "ask who is asking", ...)
    source    the source of items[0]; evidence: its quoted words; anonymity: per organisation
    language  switch the conversation to `language` and greet
    none      an honest "I do not know that" (or `response`, e.g. out of scope) and where help is
    """

    kind: str
    items: List[object] = field(default_factory=list)
    language: str = languages.DEFAULT
    scored: List[Scored] = field(default_factory=list)
    crisis: Optional[object] = None
    reason: str = ""
    response: Optional[str] = None

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
    """(kind, items) from ranked probabilities; the bars come from decision.json (chosen on
    the dev set by scripts/tune_decision.py).

    The best item is answered when it is above its kind's bar and ahead of the best item
    that answers a different question, or when it is clearly ahead at a lower bar. Items
    that answer the same question (a 2017 and a 2021 estimate) are one answer: the chance
    that one of them is right (noisy-or) is what counts. "Which one did you mean?" only for
    a real tie between different questions; a help request gets the best route from a lower
    bar, with close routes as buttons.
    followup: a short follow-up on the previous answer ("en jongens?"), searched with the
    previous question; a figure then needs the bar of an explanation.
    strict: the classifier called it small talk or out of scope: every kind of item then
    needs at least the "strict" bar.
    """
    if not scored:
        return "none", []
    top = scored[0]
    rivals = [s for s in scored[1:] if not same_answer(kb, s.item, top.item)]
    rival = rivals[0].probability if rivals else 0.0
    miss = 1.0
    for s in scored:
        if same_answer(kb, s.item, top.item):
            miss *= 1.0 - s.probability
    p = 1.0 - miss
    kind = item_kind(top.item)
    bar = thresholds["answer_entry" if followup and kind == "figure" else f"answer_{kind}"]
    clear = thresholds["clear"]
    if strict:
        bar, clear = max(bar, thresholds["strict"]), max(clear, thresholds["strict"])
    lead = p - rival
    if (p >= bar and lead >= thresholds["margin"]) or (p >= clear and lead >= thresholds["clear_lead"]):
        return "answer", [top.item]
    if strict:
        return "none", []
    if prefer == "help" and kind == "help" and top.probability >= thresholds["help"]:
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
           check_crisis: bool = True, organisation=None) -> Decision:
    """decide_turn() for a message given as its parts (the tools and tests use this)."""
    turn = read_turn(snap, text, intent, confidence, entities, context, organisation,
                     conversation_language, check_crisis)
    return decide_turn(snap, turn, prefer=prefer)


def decide_turn(snap, turn: Turn, prefer: Optional[str] = None) -> Decision:
    """What to do with one message. The order is the order of importance."""
    lang, kb = turn.language, snap.kb
    if turn.crisis is not None:
        return _crisis(snap, turn, turn.crisis.rule, "crisispatroon")
    if turn.meaning is not None:
        # Recall first: the crisis text, and after it what the message would otherwise get
        # (a needless 112 line then costs one line, not the answer).
        return _crisis(snap, turn, turn.meaning.rule, "crisis naar betekenis", keep_answer=True)
    if turn.chosen is not None:  # a button named the item
        kind = "help" if item_kind(turn.chosen) == "help" else "answer"
        return Decision(kind, [turn.chosen], lang, reason="knop")
    if turn.menu in MENU_KINDS and not turn.text:
        kind, response = MENU_KINDS[turn.menu]
        return Decision("menu", menu_items(kb, kind), lang, response=response, reason="menu")
    if turn.intent == "set_language" and (turn.requested_language or turn.confidence >= 0.8):
        # "English please": the entity names it, else the language the request is written in
        return Decision("language", [], turn.requested_language or lang, reason="taalkeuze")
    if turn.intent in CRISIS_INTENTS and lang in ("nl", "en"):
        # The classifier heard a crisis the patterns missed: recall first (a needless 112
        # costs a line; a missed one can cost a life).
        rule = snap.crisis.rule(CRISIS_INTENTS[turn.intent])
        if rule is not None:
            return _crisis(snap, turn, rule, "classificatie")
    if not turn.text:
        if turn.role:
            return _route_by_role(snap, turn)
        if turn.intent in HELP_INTENTS:
            return Decision("say", [], lang, response="utter_ask_role", reason="hulp zonder meer")
        return _by_intent(snap, turn, Decision("none", [], lang, reason="lege vraag"))
    follow = followup(kb, snap.retriever, turn.text, turn.entities, turn.context)
    if follow is not None:
        return Decision("answer", [follow], lang, reason="vervolgvraag op het vorige cijfer")
    if (YEAR.search(turn.text) and not snap.retriever.mentions(turn.text, turn.entities)["population"]
            and is_followup(snap.retriever, turn.text, turn.entities, turn.context)
            and getattr(turn.context, "group", None)):
        # "en in 2025?" after a figure: the same question in another year is the same group;
        # that year is not in it, so there is no answer (never another group's figure).
        return Decision("none", [], lang, reason="ander jaar, niet in de kennisbank")
    words = len(snap.retriever.text.terms(turn.text))
    if turn.role and words <= SHORT and turn.intent in HELP_INTENTS | {None}:
        return _route_by_role(snap, turn)  # "ik ben een ouder": who is asking, not what happened
    if turn.intent in SMALL_TALK and words <= SHORT and turn.confidence >= 0.5:
        return _by_intent(snap, turn, None)
    if turn.intent in CONTEXT_INTENTS and words <= SHORT and (
            turn.intent != "followup_organisation" or turn.entities.get("organisation")):
        return _by_intent(snap, turn, None)
    if not turn.role and turn.intent in HELP_INTENTS | {None} and _only_asks_for_help(snap, turn.text):
        # "ik heb hulp nodig" and nothing else: who is asking, not a guessed situation
        return Decision("say", [], lang, response="utter_ask_role", reason="hulp zonder meer")
    decision = _ranked(snap, turn, prefer)
    if decision.kind in ("answer", "help", "clarify"):
        return decision
    if turn.intent in CRISIS_INTENTS:
        # In a help language the classifier (Dutch and English) is a weak witness, and no
        # help route fits: still the crisis text, for recall.
        rule = snap.crisis.rule(CRISIS_INTENTS[turn.intent])
        if rule is not None:
            return _crisis(snap, turn, rule, "classificatie")
    return _by_intent(snap, turn, decision)


def _only_asks_for_help(snap, text: str) -> bool:
    terms = snap.retriever.text.terms(text)
    vocab = vocabulary()
    asks = vocab.help_words & set(terms)
    return bool(asks) and all(t in vocab.help_words or t in vocab.question_words or t in vocab.meta_words
                              for t in terms)


def _ranked(snap, turn: Turn, prefer: Optional[str]) -> Decision:
    """The ranker and the policy: answer, help, clarify or none."""
    kb, lang, text, context = snap.kb, turn.language, turn.text, turn.context
    ranker = for_snapshot(snap)
    help_language = kb.is_help_language(lang)
    prefer = prefer or ("help" if turn.intent in HELP_INTENTS or help_language else "entry")
    query = text
    follows = is_followup(snap.retriever, text, turn.entities, context)
    if follows and context.questions:
        # "en jongens?" after a figure without a boys' version in its group: search the
        # previous question with the new group (the guards keep other groups out).
        query = f"{context.questions[0]} {text}"
    # After "en jongens?" the previous answer (searched again with its own question) is no
    # candidate: it was just given, and it would only crowd out the other group's figure.
    exclude = [e.id for e in kb.same_question(context)] if follows and isinstance(context, Entry) else []
    exclude += guarded_by_wording(snap, text, prefer)
    vectors = turn.vectors if query == text else None
    scored = ranker.rank(query, prefer=prefer, context=context, entities=turn.entities, limit=5,
                         exclude=exclude, query=vectors)
    strict = turn.intent in STRICT_INTENTS and not follows and not help_language
    kind, items = policy(kb, scored, thresholds(ranker), prefer, followup=follows, strict=strict)
    if kind == "answer" and item_kind(items[0]) == "help":
        kind = "help"
    return Decision(kind, items, lang, scored, reason="rangschikking")


def thresholds(ranker) -> Dict[str, float]:
    """The policy's bars: decision.json when present, else the ranker's own."""
    if getattr(thresholds, "_cache", None) is None:
        thresholds._cache = load_thresholds() if THRESHOLDS_FILE.exists() else None
    return thresholds._cache or dict(ranker.thresholds, strict=ranker.thresholds["answer_figure"])


def _crisis(snap, turn: Turn, rule, reason: str, keep_answer: bool = False) -> Decision:
    """The crisis reply, and after it the help route for what was described, if clear
    ("mijn partner slaat me al maanden" -> also Veilig Thuis). `keep_answer`: after a match
    by meaning, the answer or help the message gets without the crisis text."""
    route: List[object] = []
    if turn.text:
        # Without `keep_answer` the route is searched as help, whatever the intent said.
        calm = turn if keep_answer else replace(turn, intent=None, confidence=0.0)
        found = _ranked(snap, calm, None if keep_answer else "help")
        if keep_answer and found.kind in ("help", "answer"):
            route = list(found.items[:1])
        elif found.kind in ("help", "answer") and isinstance(found.best, Situation):
            route = [found.best]
    return Decision("crisis", route, turn.language, crisis=rule, reason=reason)


def _by_intent(snap, turn: Turn, ranked: Optional[Decision]) -> Decision:
    """No clear answer from the ranker (or a short message): what the intent says."""
    kb, lang, intent = snap.kb, turn.language, turn.intent
    scored = ranked.scored if ranked is not None else []
    if intent in SMALL_TALK:
        return Decision("say", [], lang, scored, response=SMALL_TALK[intent], reason="small talk")
    if intent == "ask_source":
        item = _shown(turn)
        if isinstance(item, (Entry, Organisation)):
            return Decision("source", [item], lang, scored, reason="bron van het vorige antwoord")
        return Decision("say", [], lang, scored, response="utter_no_previous_figure", reason="nog geen antwoord")
    if intent == "ask_evidence":
        item = _shown(turn)
        return Decision("evidence", [item] if item is not None else [], lang, scored, reason="citaat uit de bron")
    if intent == "followup_anonymous":
        return _anonymity(snap, turn, scored)
    if intent == "followup_organisation":
        org = next((kb.organisations[o] for o in sorted(turn.entities.get("organisation", ()))
                    if o in kb.organisations and kb.organisations[o].vetted), None)
        if org is None and ranked is not None and isinstance(ranked.best, Organisation):
            org = ranked.best
        if org is not None:
            return Decision("help", [org], lang, scored, reason="andere organisatie")
        return Decision("say", [], lang, scored, response="utter_ask_which_organisation", reason="welke organisatie")
    if intent == "followup_population" and isinstance(turn.context, Entry):
        named = snap.retriever.mentions(turn.text, turn.entities)["population"]
        if named and len(snap.retriever.text.terms(turn.text)) <= SHORT:
            return Decision("none", [], lang, scored, response="utter_no_counterpart", reason="geen cijfer voor die groep")
    if intent in HELP_INTENTS:
        if turn.role:
            return _route_by_role(snap, turn)
        return Decision("say", [], lang, scored, response="utter_ask_role", reason="hulp, situatie onduidelijk")
    if intent == "out_of_scope":
        return Decision("none", [], lang, scored, response="utter_out_of_scope", reason="buiten het onderwerp")
    return ranked or Decision("none", [], lang, scored, reason="geen duidelijk antwoord")


def _shown(turn: Turn):
    """The entry or organisation the previous answer was about (for a help route: its
    first organisation)."""
    item = turn.context
    if isinstance(item, Situation):
        item = turn.organisation
    return item if isinstance(item, (Entry, Organisation)) and item.vetted else None


def _anonymity(snap, turn: Turn, scored) -> Decision:
    kb = snap.kb
    if isinstance(turn.context, Situation):  # every organisation just shown
        orgs = [kb.organisations[o] for o in turn.context.organisations[:3] if o in kb.organisations]
    else:
        orgs = [turn.organisation or turn.context]
    orgs = [o for o in orgs if isinstance(o, Organisation) and o.vetted]
    if orgs:
        return Decision("anonymity", orgs, turn.language, scored, reason="anoniem")
    situation = next((s for s in kb.situations.values() if s.role == "anoniem" and s.vetted), None)
    if situation is not None:
        return Decision("help", [situation], turn.language, scored, reason="anoniem melden")
    return Decision("none", [], turn.language, scored, reason="anoniem: geen route")


def _route_by_role(snap, turn: Turn) -> Decision:
    """One situation for this role: that route. Several: which situation fits."""
    situations = [s for s in snap.kb.situations.values() if s.role == turn.role and s.vetted]
    if len(situations) == 1:
        return Decision("help", situations, turn.language, reason="rol")
    if situations:
        return Decision("choose", situations, turn.language, reason="rol, meerdere situaties")
    return Decision("say", [], turn.language, response="utter_ask_role", reason="onbekende rol")


def menu_items(kb, kind: str):
    """One vetted entry per question (the newest), in the order of the knowledge files."""
    seen, items = set(), []
    for entry in kb.vetted_entries():
        key = (entry.group, entry.population) if entry.group else entry.id
        if entry.kind == kind and key not in seen:
            seen.add(key)
            items.append(kb.same_question(entry)[0])
    return items[:MENU_SIZE]
