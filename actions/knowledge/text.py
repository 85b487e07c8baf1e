"""Dutch text normalisation: accents, synonyms from knowledge/synonyms.yml, spaCy lemmas."""
from __future__ import annotations

import difflib
import functools
import gzip
import importlib.util
import json
import re
import unicodedata
from pathlib import Path
from typing import Dict, List

from actions.knowledge.vocabulary import vocabulary



STOP_WORDS_FILE = Path(__file__).resolve().parents[2] / ".build" / "spacy_nl" / "stop_words.json"


def _dutch_stop_words() -> frozenset:
    """spaCy's Dutch stop-word list (`spacy.lang.nl.stop_words.STOP_WORDS`). `make setup`
    writes it as JSON next to the Dutch pipeline, so the action server reads it without
    importing spaCy (about 65 MB less); without that file it comes from spaCy itself."""
    if STOP_WORDS_FILE.exists():
        return frozenset(json.loads(STOP_WORDS_FILE.read_text(encoding="utf-8")))
    from spacy.lang.nl.stop_words import STOP_WORDS as SPACY_STOP_WORDS

    return frozenset(SPACY_STOP_WORDS)


STOP_WORDS = _dutch_stop_words()

_VOCABULARY = vocabulary()
# Question words carry meaning ("hoeveel" asks for a figure); words about asking itself
# ("leg eens uit wat ze bedoelen met ...") say nothing about the topic. Both lists live in
# knowledge/vocabulary.yml.
QUESTION_WORDS = _VOCABULARY.question_words
META_WORDS = _VOCABULARY.meta_words
# Role names ("anoniem") and population words are never stop words.
STOPWORDS = frozenset(w for w in STOP_WORDS | META_WORDS
                      if w not in QUESTION_WORDS and w not in _VOCABULARY.roles
                      and w not in _VOCABULARY.populations)


def normalise(text: str) -> str:
    """Lowercase, strip accents, keep letters, digits and underscores."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", " ", text).strip()


@functools.lru_cache(maxsize=1)
def lemma_table() -> Dict[str, str]:
    """The Dutch lemma lookup table: the same data the spaCy pipeline's lookup lemmatizer
    uses (spacy-lookups-data), read as plain JSON so the action server need not import
    spaCy (less memory, faster start)."""
    spec = importlib.util.find_spec("spacy_lookups_data")
    table = Path(spec.origin).parent / "data" / "nl_lemma_lookup.json.gz"
    with gzip.open(table, "rt", encoding="utf-8") as handle:
        return json.load(handle)


class TextProcessor:
    """Turns a message into canonical terms and lemmas, the same way for index and query."""

    def __init__(self, synonyms: Dict[str, List[str]]):
        self._table = lemma_table()
        pairs = []
        for canonical, variants in synonyms.items():
            for variant in list(variants) + [canonical.replace("_", " ")]:
                norm = normalise(variant)
                if norm and norm != canonical:
                    pairs.append((norm, canonical))
        pairs.sort(key=lambda p: -len(p[0]))
        self._replacements = dict(pairs)
        self._pattern = (
            re.compile(r"\b(" + "|".join(re.escape(p) for p, _ in pairs) + r")\b") if pairs else None
        )
        self.learn_vocabulary([])

    def learn_vocabulary(self, texts) -> None:
        """Remember the words of the knowledge base, to correct typos in messages."""
        words = set()
        for text in texts:
            words.update(normalise(text).split())
        for variant in self._replacements:
            words.update(variant.split())
        self._vocabulary = {w for w in words if len(w) >= 4 and not w.isdigit()}
        self._by_start = {}
        for word in self._vocabulary:
            self._by_start.setdefault(word[:2], []).append(word)
        self._corrections = {}

    def correct(self, word: str) -> str:
        """The knowledge-base word closest to a misspelt one ("slachtofers" → "slachtoffers")."""
        if len(word) < 5 or word.isdigit() or word in STOPWORDS or word in self._vocabulary:
            return word
        if word not in self._corrections:
            candidates = self._by_start.get(word[:2], [])
            close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.84)
            self._corrections[word] = close[0] if close else word
        return self._corrections[word]

    def canonical(self, text: str) -> str:
        norm = " ".join(self.correct(w) for w in normalise(text).split())
        if self._pattern is None:
            return norm
        return self._pattern.sub(lambda m: self._replacements[m.group(1)], norm)

    def lemma(self, word: str) -> str:
        return self._table.get(word, word) if "_" not in word else word

    def terms(self, text: str) -> List[str]:
        """Content lemmas of a message, stop words removed."""
        return [self.lemma(w) for w in self.canonical(text).split() if w not in STOPWORDS]
