"""Language data for understanding questions, read from knowledge/vocabulary.yml.

Question words, populations, topics, forms and roles are content: they live in
knowledge/, not in Python. Read once per file change (cheap mtime check).
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, Tuple

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
VOCABULARY_FILE = Path(os.environ.get("VRAAGBAAK_VOCABULARY", REPO_ROOT / "knowledge" / "vocabulary.yml"))


@dataclass(frozen=True)
class Vocabulary:
    question_words: FrozenSet[str] = frozenset()
    meta_words: FrozenSet[str] = frozenset()
    topics: FrozenSet[str] = frozenset()
    main_topics: Tuple[str, ...] = ()
    topic_terms: Tuple[str, ...] = ()
    populations: FrozenSet[str] = frozenset()
    broad_populations: FrozenSet[str] = frozenset()
    population_families: Dict[str, str] = field(default_factory=dict)
    forms: FrozenSet[str] = frozenset()
    newer_terms: FrozenSet[str] = frozenset()
    # Words a follow-up on a figure may use besides the group or year ("en het cijfer van 2024?").
    followup_words: FrozenSet[str] = frozenset()
    roles: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    # Greetings and thanks that name their language even alone ("hello", "dziękuję"):
    # too short for the language detector, clear to a person.
    short_phrases: Dict[str, str] = field(default_factory=dict)
    # Places the knowledge base has no figures about (a figure never answers for them).
    other_places: FrozenSet[str] = frozenset()
    # Words asking for a number: only a figure answers such a knowledge question.
    count_words: FrozenSet[str] = frozenset()
    # Words that only ask for help ("ik heb hulp nodig"): with nothing else said, the
    # assistant asks who is asking instead of guessing a situation.
    help_words: FrozenSet[str] = frozenset()

    def family(self, population):
        return self.population_families.get(population, population)

    @property
    def guarding_populations(self) -> FrozenSet[str]:
        """Populations that set figures apart (a boys' figure never answers about girls)."""
        return self.populations - self.broad_populations


def parse(data: dict) -> Vocabulary:
    raw = (data or {}).get("vocabulary") or {}

    def words(key):
        return frozenset(str(w).lower() for w in raw.get(key) or ())

    return Vocabulary(
        question_words=words("question_words"),
        meta_words=words("meta_words"),
        topics=words("topics"),
        main_topics=tuple(raw.get("main_topics") or ()),
        topic_terms=tuple(raw.get("topic_terms") or ()),
        populations=words("populations"),
        broad_populations=words("broad_populations"),
        population_families={str(k): str(v) for k, v in (raw.get("population_families") or {}).items()},
        forms=words("forms"),
        newer_terms=words("newer_terms"),
        followup_words=words("followup_words"),
        roles={str(k): tuple(str(p) for p in (v or ())) for k, v in (raw.get("roles") or {}).items()},
        other_places=words("other_places"),
        count_words=words("count_words"),
        help_words=words("help_words"),
        short_phrases={str(p).lower(): str(lang) for lang, phrases in (raw.get("short_phrases") or {}).items()
                       for p in (phrases or ())},
    )


_cache: Dict[str, object] = {}
_lock = threading.Lock()


def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """The current vocabulary (re-read when the file changed)."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return Vocabulary()
    key = str(path)
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached[0] != mtime:
            cached = (mtime, parse(yaml.safe_load(path.read_text(encoding="utf-8"))))
            _cache[key] = cached
        return cached[1]
