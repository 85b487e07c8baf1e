"""Crisis by meaning: the second witness beside the patterns (actions/knowledge/crisis.py).

Patterns catch the words people are known to use; a person in danger also writes things
nobody foresaw ("everyone would be better off without me", "he is waiting at my school and
will post my pictures if I do not get in"). This check reads the message with both sentence
encoders the ranker uses (the message is encoded once per turn) and a linear classifier
on top: danger, suicide or neither, in every language the encoders know.

It learns from the `meaning` examples and `look_alikes` of knowledge/crisis.yml, the crisis
intents in data/nlu/crisis.yml, and, as "neither", every other NLU example and every example
question in knowledge/ (scripts/train_crisis_meaning.py). Its bar is chosen on the dev sets
with recall first: a needless 112 line costs a line of text, a missed one can cost a life.
Weights and bar are committed in crisis_meaning.npz beside this file, with the content hash
of what they were fitted on.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

import numpy as np

from actions.knowledge import embeddings

WEIGHTS_FILE = Path(__file__).with_name("crisis_meaning.npz")
KINDS = ("none", "danger", "suicide")  # the classifier's classes, in this order


@dataclass(frozen=True)
class MeaningMatch:
    rule: object  # the CrisisRule of the kind the classifier heard
    probability: float  # probability of a crisis (danger or suicide)


def features(query: Dict[str, np.ndarray]) -> np.ndarray:
    """Both encoders' vectors side by side (e5 first)."""
    return np.concatenate([np.asarray(query[m], dtype=np.float32) for m in embeddings.MODELS])


class CrisisMeaning:
    def __init__(self, rules, path: Path = WEIGHTS_FILE):
        self.rules = {r.kind: r for r in rules}
        self.coef = self.intercept = None
        self.bar = 1.0
        if Path(path).exists():
            with np.load(path, allow_pickle=False) as data:
                self.coef = data["coef"].astype(np.float32)  # (3, d)
                self.intercept = data["intercept"].astype(np.float32)
                self.bar = float(data["bar"])

    def probabilities(self, query: Dict[str, np.ndarray]) -> np.ndarray:
        """P(none), P(danger), P(suicide)."""
        if self.coef is None:
            return np.array([1.0, 0.0, 0.0])
        logits = self.coef @ features(query) + self.intercept
        logits = np.exp(logits - logits.max())
        return logits / logits.sum()

    def match(self, query: Dict[str, np.ndarray]) -> Optional[MeaningMatch]:
        p = self.probabilities(query)
        crisis = float(1.0 - p[0])
        if crisis < self.bar:
            return None
        kind = KINDS[1 + int(p[1:].argmax())]
        rule = self.rules.get(kind)
        return MeaningMatch(rule, crisis) if rule is not None else None


_lock = threading.Lock()


def for_snapshot(snap) -> CrisisMeaning:
    """The check of a knowledge snapshot, built once and kept with it (action server only:
    the Rasa server has the patterns and no encoders)."""
    check = getattr(snap, "_crisis_meaning", None)
    if check is None:
        with _lock:
            check = getattr(snap, "_crisis_meaning", None)
            if check is None:
                check = CrisisMeaning(snap.kb.crisis)
                snap._crisis_meaning = check
    return check
