"""The learned ranker: which vetted item answers a message, as a probability.

For every (message, item) pair it computes a few features: semantic similarity from two
multilingual encoders (e5 and USE; the best of the item's example questions and text,
raw and as a z-score over all items), the lexical score of `retrieval.Retriever`, the gap
of each to the best item, and how the item's kind fits the request. A logistic regression
turns them into the probability that the item answers the message. Its weights are
learned on the knowledge base's own example questions (scripts/train_ranker.py) and
stored in ranker.json beside this file.

Guards are hard filters, not features: a figure about girls never answers a question
about boys, a figure about sexual violence never one about trafficking, a figure about
labour exploitation never one about sexual exploitation, a figure about 2017 never a
question about 2024.

The features are relative (z-scores, gaps), so weights trained on one version of the
knowledge base still work when questions are added: retraining (`make train`) sharpens
them, stale weights do not break anything.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from actions.knowledge import embeddings
from actions.knowledge.model import Entry, Organisation, Situation
from actions.knowledge.retrieval import YEAR, Retriever
from actions.knowledge.vocabulary import vocabulary

WEIGHTS_FILE = Path(__file__).with_name("ranker.json")

BASE_FEATURES = (
    "e5", "e5_z", "e5_gap", "use", "use_z", "use_gap", "lex", "lex_gap", "e5_top3", "use_top3",
    "shares_content", "coverage", "is_figure", "is_help",
    "related_to_context", "names_population", "subgroup_only",
)
# How far a candidate is ahead of the best *other* candidate that passed the guards
# (negative when behind): lets the model see a clear winner versus a tie.
LEADS = ("e5", "use", "lex")
FEATURES = BASE_FEATURES + tuple(f"{m}_lead" for m in LEADS)


def with_leads(matrix: np.ndarray, names=BASE_FEATURES) -> np.ndarray:
    """Base features plus leads computed among these rows only (for old dev dumps;
    feature_rows computes the leads against every candidate, guarded ones included)."""
    if not len(matrix):
        return np.zeros((0, len(FEATURES)))
    base = matrix[:, [list(names).index(f) for f in BASE_FEATURES]]
    if all(f in names for f in FEATURES[len(BASE_FEATURES):]):
        return np.column_stack([base, matrix[:, [list(names).index(f) for f in FEATURES[len(BASE_FEATURES):]]]])
    leads = []
    for model in LEADS:
        col = base[:, BASE_FEATURES.index(model)]
        leads.append(col - _best_other(col, col))
    return np.column_stack([base] + leads)


def _best_other(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """For each value: the best value in `pool` other than itself (values are in pool)."""
    if len(pool) < 2:
        return np.zeros_like(values)
    top2 = np.sort(pool)[-2:]
    return np.where(values >= top2[1], top2[0], top2[1])


# How many items (best by a plain sum of z-scores) get features and a probability. The
# right item is in the top 20 for nearly every dev question; the rest only cost time.
CANDIDATES = 20


def item_kind(item) -> str:
    if isinstance(item, Entry):
        return "figure" if item.kind == "figure" else "entry"
    return "help"  # organisations and help situations


def item_sentences(item) -> List[str]:
    """What an item is compared with: its example questions and its own text (also in
    its translations: the encoders are multilingual)."""
    translated = [text for tr in (getattr(item, "translations", None) or {}).values()
                  for name, text in tr.fields.items() if name in ("text", "title", "for_whom") and text]
    if isinstance(item, Entry):
        return list(item.questions) + [item.text] + translated
    if isinstance(item, Organisation):
        return list(item.questions) + [item.name, *item.aliases, item.for_whom] + translated
    if isinstance(item, Situation):
        return list(item.questions) + [item.title, item.text] + translated
    return []


@dataclass
class Scored:
    item: object
    probability: float
    features: Dict[str, float] = field(default_factory=dict)
    why: str = ""


class SemanticIndex:
    """Passage vectors of every item's sentences (from the on-disk cache)."""

    def __init__(self, items: Sequence[object], cache: Optional[embeddings.VectorCache] = None):
        cache = cache or embeddings.default_cache()
        sentences, owner = [], []
        for index, item in enumerate(items):
            for sentence in item_sentences(item):
                sentences.append(sentence)
                owner.append(index)
        self.n_items = len(items)
        self.owner = np.array(owner, dtype=np.int64)
        self.sentences = sentences
        self.vectors = {m: cache.passages(m, sentences) for m in embeddings.MODELS}

    def similarities(self, query: Dict[str, np.ndarray], mask: Optional[np.ndarray] = None) -> Dict[str, np.ndarray]:
        """Per model: the best cosine of each item's sentences (mask: sentences to use),
        and under "<model>_top3" the mean of its best three (several matching questions
        are stronger evidence than one)."""
        out = {}
        for model in embeddings.MODELS:
            sims = self.vectors[model] @ query[model]
            if mask is not None:
                sims = np.where(mask, sims, -1.0)
            best = np.full(self.n_items, -1.0)
            np.maximum.at(best, self.owner, sims)
            out[model] = best
            order = np.lexsort((-sims, self.owner))
            owners = self.owner[order]
            starts = np.r_[0, np.flatnonzero(np.diff(owners)) + 1]
            rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
            top = rank < 3
            total = np.zeros(self.n_items)
            count = np.zeros(self.n_items)
            np.add.at(total, owners[top], sims[order][top])
            np.add.at(count, owners[top], 1)
            out[f"{model}_top3"] = np.where(count > 0, total / np.maximum(count, 1), -1.0)
        return out


def load_weights(path: Path = WEIGHTS_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


class Ranker:
    """Probabilities for a message over the items of one knowledge snapshot."""

    def __init__(self, retriever: Retriever, weights: Optional[dict] = None,
                 index: Optional[SemanticIndex] = None):
        self.retriever = retriever
        self.kb = retriever.kb
        self.items = retriever.items
        self.index = index or SemanticIndex(self.items)
        self.weights = weights or load_weights()
        self.thresholds = self.weights["thresholds"]
        self._coef = np.array([self.weights["coef"].get(f, 0.0) for f in FEATURES])
        self._mean = np.array([self.weights["mean"].get(f, 0.0) for f in FEATURES])
        self._scale = np.array([self.weights["scale"].get(f, 1.0) for f in FEATURES])
        self._intercept = float(self.weights["intercept"])

    # -- guards ---------------------------------------------------------------------
    def guard(self, item, named: Dict[str, set], years: set) -> Optional[str]:
        """Why `item` may not answer a message naming these things (None: it may)."""
        if not isinstance(item, Entry):
            return None
        vocab = vocabulary()
        if item.kind == "figure" and named["population"]:
            if vocab.family(item.population) not in {vocab.family(p) for p in named["population"]}:
                return "andere groep"
        if named["topic"] and item.topic in self.retriever.main_topics and item.topic not in named["topic"]:
            return "ander onderwerp"
        if named["form"] and item.form and item.form not in named["form"]:
            return "andere vorm"
        if item.kind == "figure" and years and not years <= self.retriever.years(item):
            return "ander jaar"
        return None

    # -- features -------------------------------------------------------------------
    def feature_rows(self, message: str, query: Dict[str, np.ndarray], prefer: str,
                     context=None, entities=None, mask=None, allowed=None):
        """(candidate indices, feature matrix, guard reasons) for one message."""
        sims = self.index.similarities(query, mask)
        terms, lex = self.retriever.raw_scores(message)
        valid = np.ones(len(self.items), dtype=bool) if allowed is None else allowed.copy()
        z = {}
        for model in embeddings.MODELS:
            s = sims[model]
            mu, sd = s[valid].mean() if valid.any() else 0.0, s[valid].std() if valid.any() else 1.0
            z[model] = (s - mu) / (sd if sd > 1e-6 else 1.0)
        fused = z["e5"] + z["use"] + 2.0 * lex  # only to pick candidates, not to decide
        fused = np.where(valid, fused, -np.inf)
        order = [i for i in np.argsort(-fused)[:CANDIDATES] if np.isfinite(fused[i])]
        named = self.retriever.mentions(message, entities)
        years = {int(y) for y in YEAR.findall(message)}
        related = set(getattr(context, "related", ()) or ())
        context_group = getattr(context, "group", None)
        best = {m: max((sims[m][i] for i in order), default=0.0) for m in embeddings.MODELS}
        # (the z-scores above are over the plain maxima)
        best_lex = max((lex[i] for i in order), default=0.0)
        rows, kept, reasons = [], [], {}
        for i in order:
            item = self.items[i]
            reason = self.guard(item, named, years)
            if reason:
                reasons[i] = reason
                continue
            kind = item_kind(item)
            shares, coverage = self.retriever.content_fit(terms, i) if terms else (False, 0.0)
            population = getattr(item, "population", None)
            row = {
                "e5": sims["e5"][i], "e5_z": z["e5"][i], "e5_gap": sims["e5"][i] - best["e5"],
                "use": sims["use"][i], "use_z": z["use"][i], "use_gap": sims["use"][i] - best["use"],
                "lex": lex[i], "lex_gap": lex[i] - best_lex,
                "e5_top3": sims["e5_top3"][i], "use_top3": sims["use_top3"][i],
                "shares_content": float(shares), "coverage": coverage if kind == "figure" else 1.0,
                "is_figure": float(kind == "figure"), "is_help": float(kind == "help"),
                "related_to_context": float(item.id in related or (
                    context_group is not None and getattr(item, "group", None) == context_group)),
                "names_population": float(bool(population) and population in named["population"]),
                # a figure about one group for a question that names none
                "subgroup_only": float(kind == "figure" and not named["population"]
                                       and population in self.retriever.populations),
            }
            rows.append([row[f] for f in BASE_FEATURES])
            kept.append(i)
        matrix = np.array(rows, dtype=float).reshape(len(kept), len(BASE_FEATURES))
        # Leads against every candidate, the guarded ones too: when the message matches a
        # figure that the guards keep out (another group), what is left is not the answer.
        leads = [np.array([sims_or_lex[i] for i in kept]) - _best_other(
            np.array([sims_or_lex[i] for i in kept]), np.array([sims_or_lex[i] for i in order]))
            for sims_or_lex in (sims["e5"], sims["use"], lex)]
        if not kept:
            return kept, np.zeros((0, len(FEATURES))), reasons
        return kept, np.column_stack([matrix] + leads), reasons

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        if not len(matrix):
            return np.zeros(0)
        logits = ((matrix - self._mean) / self._scale) @ self._coef + self._intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def rank(self, message: str, prefer: str = "entry", context=None, entities=None,
             query: Optional[Dict[str, np.ndarray]] = None, limit: int = 5,
             exclude: Sequence[str] = ()) -> List[Scored]:
        """Items for `message`, most probable first (guarded items left out; `exclude`:
        ids that are no candidates at all, such as the answer just given)."""
        if not message.strip() or not self.items:
            return []
        query = query or embeddings.query_vectors(message)
        allowed = np.array([item.id not in set(exclude) for item in self.items]) if exclude else None
        kept, matrix, _ = self.feature_rows(message, query, prefer, context, entities, allowed=allowed)
        probs = self.probabilities(matrix)
        scored = [Scored(self.items[i], float(p), dict(zip(FEATURES, matrix[k])))
                  for k, (i, p) in enumerate(zip(kept, probs))]
        scored.sort(key=lambda s: -s.probability)
        return scored[:limit]


_lock = threading.Lock()


def for_snapshot(snap) -> Ranker:
    """The ranker of a knowledge snapshot, built on first use and kept with it.

    Lives in the action server only (the Rasa server needs just the crisis patterns).
    """
    ranker = getattr(snap, "_ranker", None)
    if ranker is None:
        with _lock:
            ranker = getattr(snap, "_ranker", None)
            if ranker is None:
                ranker = Ranker(snap.retriever)
                snap._ranker = ranker
    return ranker
