"""Rank vetted knowledge for a message.

Each servable item (entry, organisation, help situation) is indexed by its example
questions and its own text. A message is compared on content lemmas (with synonyms from
YAML) and on character n-grams (robust to typos); the best-matching example wins. Then
the item is checked against what the message names: asking about boys must not return a
figure about girls, asking about trafficking must not return a figure about sexual
violence. Between the thresholds the caller should ask which item was meant.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence

import difflib

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from actions.knowledge.model import Entry, KnowledgeBase, Organisation, Situation
from actions.knowledge.text import QUESTION_WORDS, TextProcessor

ANSWER_THRESHOLD = 0.50
CLARIFY_THRESHOLD = 0.33
CLARIFY_MARGIN = 0.04
WORD_WEIGHT = 0.6
MISMATCH_FACTOR = 0.5
MAIN_TOPICS = ("mensenhandel", "seksueel_geweld")


@dataclass
class Match:
    item: object
    score: float
    why: str = ""


@dataclass
class Decision:
    kind: str  # answer | clarify | none
    matches: List[Match] = field(default_factory=list)

    @property
    def best(self) -> Optional[Match]:
        return self.matches[0] if self.matches else None


# Words for young people that do not set figures apart from each other.
_FAMILIES = {"jongeren": "minderjarig", "minderjarigen": "minderjarig", "kinderen": "minderjarig"}


def _family(population: Optional[str]) -> Optional[str]:
    return _FAMILIES.get(population, population)


def _item_kind(item) -> str:
    if isinstance(item, Entry):
        return "entry"
    if isinstance(item, Organisation):
        return "organisation"
    return "situation"


class Retriever:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.answer_threshold = ANSWER_THRESHOLD
        self.clarify_threshold = CLARIFY_THRESHOLD
        self.text = TextProcessor(kb.synonyms)
        self.items: List[object] = []
        docs: List[str] = []
        doc_item: List[int] = []
        doc_weight: List[float] = []

        self._vocab: List[set] = []

        def add(item, texts: Iterable[str], weight: float):
            if len(self._vocab) == len(self.items):
                self._vocab.append(set())
            for text in texts:
                if text:
                    docs.append(text)
                    doc_item.append(len(self.items))
                    doc_weight.append(weight)
                    self._vocab[-1].update(self._prepare(text))

        for entry in kb.vetted_entries():
            add(entry, entry.questions, 1.0)
            add(entry, [entry.text], 0.8)
            self.items.append(entry)
        for org in kb.organisations.values():
            if org.vetted:
                add(org, org.questions, 1.0)
                add(org, [org.name, *org.aliases], 0.9)
                add(org, [org.for_whom], 0.7)
                self.items.append(org)
        for situation in kb.situations.values():
            if situation.vetted:
                add(situation, situation.questions, 1.0)
                add(situation, [situation.title], 0.8)
                self.items.append(situation)

        # Groups a figure can be about. "kinderen" is left out: it is part of the topic's
        # own name ("seksueel geweld tegen kinderen") and does not set figures apart.
        self.populations = ({e.population for e in kb.entries.values() if e.population} | {"jongeren"}) - {"kinderen"}
        self.forms = {e.form for e in kb.entries.values() if e.form}
        self._doc_item = np.array(doc_item)
        self._doc_weight = np.array(doc_weight)
        self._words = TfidfVectorizer(analyzer=self._word_features, sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        prepared = [self._prepare(d) for d in docs]
        self._word_matrix = self._words.fit_transform(prepared)
        self._char_matrix = self._chars.fit_transform([" ".join(p) for p in prepared])

    # Both vectorizers see the same canonical lemmas.
    def _prepare(self, text: str) -> List[str]:
        return self.text.terms(text)

    @staticmethod
    def _word_features(terms: List[str]) -> List[str]:
        return terms + [f"{a} {b}" for a, b in zip(terms, terms[1:])]

    def mentions(self, message: str, entities: Optional[Dict[str, Sequence[str]]] = None) -> Dict[str, set]:
        """Populations, main topics and forms of exploitation the message names."""
        words = set(self.text.canonical(message).split())
        words |= {self.text.lemma(w) for w in words}
        entities = entities or {}
        return {
            "population": (words & self.populations) | set(entities.get("population", ())) & self.populations,
            "topic": (words & set(MAIN_TOPICS)) | set(entities.get("topic", ())) & set(MAIN_TOPICS),
            "form": (words & self.forms) | set(entities.get("form", ())) & self.forms,
        }

    def rank(
        self,
        message: str,
        entities: Optional[Dict[str, Sequence[str]]] = None,
        prefer: Optional[str] = None,
        context: Optional[object] = None,
        limit: int = 5,
    ) -> List[Match]:
        """Best items for `message`, highest score first.

        prefer: 'entry' for knowledge questions, 'help' for help requests (a soft prior).
        context: the item served last, so short follow-ups ("welke vormen zijn er?") can
        lean on what the conversation is about.
        """
        terms = self._prepare(message)
        if not terms or not self.items:
            return []
        word_q = self._words.transform([terms])
        char_q = self._chars.transform([" ".join(terms)])
        sims = WORD_WEIGHT * (self._word_matrix @ word_q.T).toarray().ravel()
        sims += (1 - WORD_WEIGHT) * (self._char_matrix @ char_q.T).toarray().ravel()
        sims *= self._doc_weight
        best = np.zeros(len(self.items))
        np.maximum.at(best, self._doc_item, sims)

        named = self.mentions(message, entities)
        related = set(getattr(context, "related", ()) or ()) if len(terms) <= 4 else set()
        matches = []
        for index in np.argsort(-best)[: max(limit * 4, 12)]:
            item, score = self.items[index], float(best[index])
            if score <= 0:
                break
            score, why = self._adjust(item, score, named, prefer, related)
            if not self._shares_content(terms, self._vocab[index]):
                score *= MISMATCH_FACTOR  # only question words in common ("hoeveel ...")
                why = ", ".join(filter(None, [why, "geen inhoudswoord gemeen"]))
            matches.append(Match(item, score, why))
        matches.sort(key=lambda m: -m.score)
        return matches[:limit]

    @staticmethod
    def _shares_content(terms: List[str], vocab: set) -> bool:
        """True when a content word of the message (or a close misspelling) is in the item."""
        for term in terms:
            if term in QUESTION_WORDS or len(term) < 3:
                continue
            if term in vocab:
                return True
            if len(term) >= 5 and any(
                w[:3] == term[:3] and difflib.SequenceMatcher(None, w, term).ratio() >= 0.8
                for w in vocab
            ):
                return True
        return False

    def _adjust(self, item, score, named, prefer, related):
        why = []
        if isinstance(item, Entry) and item.kind == "figure":
            if named["population"]:
                if _family(item.population) in {_family(p) for p in named["population"]}:
                    score += 0.05
                else:
                    score *= MISMATCH_FACTOR
                    why.append("andere groep")
            elif item.population in {"jongens", "meisjes"}:
                score *= 0.8  # a boys/girls figure for a question about everyone
                why.append("alleen jongens/meisjes")
        if isinstance(item, Entry):
            if named["topic"] and item.topic in MAIN_TOPICS and item.topic not in named["topic"]:
                score *= MISMATCH_FACTOR
                why.append("ander onderwerp")
            if named["form"] and item.form and item.form not in named["form"]:
                score *= MISMATCH_FACTOR
                why.append("andere vorm")
            if item.id in related:
                score += 0.1
                why.append("past bij vorige antwoord")
        kind = _item_kind(item)
        if prefer == "help" and kind == "entry":
            score *= 0.85
        elif prefer == "entry" and kind == "situation":
            score *= 0.85
        return min(score, 1.0), ", ".join(why)

    def decide(self, matches: List[Match]) -> Decision:
        if not matches or matches[0].score < self.clarify_threshold:
            return Decision("none", matches)
        top = matches[0]
        rivals = [
            m for m in matches[1:]
            if m.score >= top.score - CLARIFY_MARGIN and not self._same_question(top.item, m.item)
        ]
        if top.score >= self.answer_threshold and not rivals:
            return Decision("answer", matches)
        options = [top] + [m for m in matches[1:] if m.score >= self.clarify_threshold][:2]
        if len(options) == 1 and top.score >= self.answer_threshold:
            return Decision("answer", matches)
        return Decision("clarify", options)

    def _same_question(self, a, b) -> bool:
        return (
            isinstance(a, Entry) and isinstance(b, Entry) and a.group is not None
            and a.group == b.group and a.population == b.population
        )
