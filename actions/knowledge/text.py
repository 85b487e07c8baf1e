"""Dutch text normalisation: accents, synonyms from knowledge/synonyms.yml, spaCy lemmas."""
from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path
from typing import Dict, List

from spacy.lang.nl.stop_words import STOP_WORDS

REPO_ROOT = Path(__file__).resolve().parents[2]
SPACY_DIR = Path(os.environ.get("VRAAGBAAK_SPACY_NL", REPO_ROOT / ".build" / "spacy_nl"))

# Question words carry meaning here: "hoeveel" asks for a figure, "wat is" for an explanation.
QUESTION_WORDS = frozenset({"hoeveel", "wat", "wie", "waarom", "hoe", "welke", "waar", "wanneer",
                            "vaak", "geen", "niet", "niemand"})
STOPWORDS = frozenset(w for w in STOP_WORDS if w not in QUESTION_WORDS and w != "anoniem")


def normalise(text: str) -> str:
    """Lowercase, strip accents, keep letters, digits and underscores."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", " ", text).strip()


@functools.lru_cache(maxsize=1)
def lemma_table() -> Dict[str, str]:
    """The lookup lemmatizer's table of the Dutch spaCy pipeline built at set-up."""
    import spacy

    if (SPACY_DIR / "meta.json").exists():
        nlp = spacy.load(SPACY_DIR)
    else:  # same pipeline, built in memory (tests on a machine without `make setup`)
        nlp = spacy.blank("nl")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return table


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

    def canonical(self, text: str) -> str:
        norm = normalise(text)
        if self._pattern is None:
            return norm
        return self._pattern.sub(lambda m: self._replacements[m.group(1)], norm)

    def lemma(self, word: str) -> str:
        return self._table.get(word, word) if "_" not in word else word

    def terms(self, text: str) -> List[str]:
        """Content lemmas of a message, stop words removed."""
        return [self.lemma(w) for w in self.canonical(text).split() if w not in STOPWORDS]
