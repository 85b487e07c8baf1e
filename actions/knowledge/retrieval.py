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
from typing import Dict, List, Optional, Sequence

import difflib
import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from actions.knowledge.model import Entry, KnowledgeBase, Organisation, Situation
from actions.knowledge.text import QUESTION_WORDS, TextProcessor
from actions.knowledge.vocabulary import vocabulary

ANSWER_THRESHOLD = 0.50
CLARIFY_THRESHOLD = 0.25
CLARIFY_MARGIN = 0.04
FIGURE_MARGIN = 0.12
HELP_THRESHOLD = 0.30
LEAD_DISCOUNT = 0.12
CLEAR_LEAD = 0.20
WORD_WEIGHT = 0.6
MISMATCH_FACTOR = 0.5
ITEM_BLEND = 0.35
MIN_FIGURE_COVERAGE = 0.7
# The lexical scorer above is kept as one feature of the learned ranker
# (actions/knowledge/ranker.py) and as the baseline in scripts/train_ranker.py.
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


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


def _family(population: Optional[str]) -> Optional[str]:
    """Words for young people that do not set figures apart (knowledge/vocabulary.yml)."""
    return vocabulary().family(population)


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
        # Someone asking for help gets the best route (with the close ones as buttons)
        # from this score on: a near-miss help route does little harm, silence does.
        self.help_threshold = HELP_THRESHOLD
        self.text = TextProcessor(kb.synonyms)
        self.items: List[object] = []
        sources: List[List[tuple]] = []  # per item: (text, weight)

        for entry in kb.vetted_entries():
            self.items.append(entry)
            sources.append([(q, 1.0) for q in entry.questions] + [(entry.text, 0.8)])
        for org in kb.organisations.values():
            if org.vetted:
                self.items.append(org)
                sources.append([(q, 1.0) for q in org.questions]
                               + [(n, 0.9) for n in (org.name, *org.aliases)] + [(org.for_whom, 0.7)])
        for situation in kb.situations.values():
            if situation.vetted:
                self.items.append(situation)
                sources.append([(q, 1.0) for q in situation.questions] + [(situation.title, 0.8)])

        self.text.learn_vocabulary(t for item_sources in sources for t, _ in item_sources)
        docs, doc_item, doc_weight = [], [], []
        self._vocab: List[set] = []
        for index, item_sources in enumerate(sources):
            vocab = set()
            for text, weight in item_sources:
                terms = self._prepare(text)
                docs.append(terms)
                doc_item.append(index)
                doc_weight.append(weight)
                vocab.update(terms)
            self._vocab.append(vocab)

        # Groups a figure can be about, and forms of exploitation (knowledge/vocabulary.yml;
        # broad groups such as "kinderen" do not set figures apart).
        vocab = vocabulary()
        self.main_topics = set(vocab.main_topics)
        self.populations = set(vocab.guarding_populations)
        self.forms = set(vocab.forms) | {e.form for e in kb.entries.values() if e.form}
        self._doc_item = np.array(doc_item)
        self._doc_weight = np.array(doc_weight)
        self._words = TfidfVectorizer(analyzer=self._word_features, sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._word_matrix = self._words.fit_transform(docs)
        self._char_matrix = self._chars.fit_transform([" ".join(d) for d in docs])
        # One document per item with all its words: rewards items whose vocabulary as a
        # whole covers the message, not just one example question.
        whole = [sorted(v) for v in self._vocab]
        self._item_matrix = self._words.transform(whole)
        self._idf = dict(zip(self._words.get_feature_names_out(), self._words.idf_))
        self._max_idf = float(max(self._words.idf_)) if len(self._words.idf_) else 1.0

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
            "topic": (words & self.main_topics) | set(entities.get("topic", ())) & self.main_topics,
            "form": (words & self.forms) | set(entities.get("form", ())) & self.forms,
            "role": set(entities.get("role", ())),
        }

    def raw_scores(self, message: str):
        """(terms, lexical score per item) before guards and adjustments, for the ranker."""
        terms = self._prepare(message)
        if not terms or not self.items:
            return terms, np.zeros(len(self.items))
        word_q = self._words.transform([terms])
        char_q = self._chars.transform([" ".join(terms)])
        sims = WORD_WEIGHT * (self._word_matrix @ word_q.T).toarray().ravel()
        sims += (1 - WORD_WEIGHT) * (self._char_matrix @ char_q.T).toarray().ravel()
        sims *= self._doc_weight
        best = np.zeros(len(self.items))
        np.maximum.at(best, self._doc_item, sims)
        whole = (self._item_matrix @ word_q.T).toarray().ravel()
        return terms, ITEM_BLEND * whole + (1 - ITEM_BLEND) * best

    def content_fit(self, terms: List[str], index: int):
        """(shares a content word, coverage of the message's content) for item `index`."""
        vocab = self._vocab[index]
        return self._shares_content(terms, vocab), self._coverage(terms, vocab)

    def years(self, item) -> set:
        return self._years(item) if isinstance(item, Entry) else set()

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
        terms, best = self.raw_scores(message)
        if not terms or not self.items:
            return []

        named = self.mentions(message, entities)
        years = {int(y) for y in YEAR.findall(message)}
        related = set(getattr(context, "related", ()) or ()) if len(terms) <= 4 else set()
        matches = []
        for index in np.argsort(-best)[: max(limit * 4, 12)]:
            item, score = self.items[index], float(best[index])
            if score <= 0:
                break
            score, why = self._adjust(item, score, named, prefer, related)
            notes = [why] if why else []
            if not self._shares_content(terms, self._vocab[index]):
                score *= MISMATCH_FACTOR  # only question words in common ("hoeveel ...")
                notes.append("geen inhoudswoord gemeen")
            if isinstance(item, Entry) and item.kind == "figure":
                if years and not years <= self._years(item):
                    score *= MISMATCH_FACTOR
                    notes.append("ander jaar")
                coverage = self._coverage(terms, self._vocab[index])
                if coverage < MIN_FIGURE_COVERAGE:
                    score *= coverage / MIN_FIGURE_COVERAGE
                    notes.append(f"dekking {coverage:.2f}")
            why = ", ".join(notes)
            matches.append(Match(item, score, why))
        matches.sort(key=lambda m: -m.score)
        return matches[:limit]

    @staticmethod
    def _years(entry: Entry) -> set:
        years = {int(v) for v in entry.values if v == int(v) and 1950 <= v <= 2049}
        years |= {int(y) for y in re.findall(r"\d{4}", entry.period)}
        if len(years) >= 2:  # a period such as 2014-2015 or 2017-2021 covers the years between
            years |= set(range(min(years), max(years) + 1))
        return years | {entry.year}

    def _coverage(self, terms: List[str], vocab: set) -> float:
        """Share of the message's content (weighted by rarity) that the item knows about.

        A figure may only answer when the question does not add something the entry does
        not cover ("... in Duitsland", "... die een vrouw zijn").
        """
        total = covered = 0.0
        for term in terms:
            if term in QUESTION_WORDS or len(term) < 3 or term.isdigit():
                continue
            weight = self._idf.get(term, self._max_idf)
            total += weight
            if term in vocab:
                covered += weight
        return covered / total if total else 1.0

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
            if named["topic"] and item.topic in self.main_topics and item.topic not in named["topic"]:
                score *= MISMATCH_FACTOR
                why.append("ander onderwerp")
            if named["form"] and item.form and item.form not in named["form"]:
                score *= MISMATCH_FACTOR
                why.append("andere vorm")
            if item.id in related:
                score += 0.1
                why.append("past bij vorige antwoord")
        if isinstance(item, Situation) and item.role in set(named.get("role", ())):
            score += 0.05
            why.append("past bij wie er vraagt")
        kind = _item_kind(item)
        if prefer == "help" and kind == "entry":
            score *= 0.85
        elif prefer == "entry" and kind == "situation":
            score *= 0.85
        return min(score, 1.0), ", ".join(why)

    def threshold_for(self, item) -> float:
        """A wrong figure does more harm than a slightly-off explanation or help route."""
        if isinstance(item, Entry) and item.kind == "figure":
            return self.answer_threshold
        if isinstance(item, Entry):
            return self.answer_threshold - 0.08
        return self.answer_threshold - 0.12

    def decide(self, matches: List[Match]) -> Decision:
        if not matches or matches[0].score < self.clarify_threshold:
            return Decision("none", matches)
        top = matches[0]
        rivals = [
            m for m in matches[1:]
            if m.score >= top.score - self._margin(top.item, m.item)
            and not self._same_question(top.item, m.item) and not self._same_help(top.item, m.item)
        ]
        if top.score >= self.threshold_for(top.item) and not rivals:
            return Decision("answer", matches)
        # A knowledge entry with a lower score may still be the clear answer when nothing
        # else comes close (help routes have their own, lower bar: help_threshold).
        runner_up = matches[1].score if len(matches) > 1 else 0.0
        if (isinstance(top.item, Entry) and top.score >= self.threshold_for(top.item) - LEAD_DISCOUNT
                and top.score - runner_up >= CLEAR_LEAD):
            return Decision("answer", matches)
        options = [top] + [m for m in matches[1:] if m.score >= self.clarify_threshold][:2]
        return Decision("clarify", options)

    @staticmethod
    def _margin(a, b) -> float:
        """How far ahead the best match must be. Two close figures ask for a choice: giving
        the neighbouring figure is the worst mistake this assistant can make."""
        if all(isinstance(x, Entry) and x.kind == "figure" for x in (a, b)):
            return FIGURE_MARGIN
        return CLARIFY_MARGIN

    @staticmethod
    def _same_help(a, b) -> bool:
        """A help situation and one of its organisations are both a fine answer."""
        if isinstance(a, Situation) and isinstance(b, Organisation):
            return b.id in a.organisations
        if isinstance(a, Organisation) and isinstance(b, Situation):
            return a.id in b.organisations
        return False

    def _same_question(self, a, b) -> bool:
        return (
            isinstance(a, Entry) and isinstance(b, Entry) and a.group is not None
            and a.group == b.group and a.population == b.population
        )
