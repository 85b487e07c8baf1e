"""Which language a message is written in (lingua, limited to what we support).

Short or mixed messages ("en jongens?", "ok", "CSG?") are not reliable to detect; they
keep the conversation's language, and without one, Dutch.
"""
from __future__ import annotations

import re
import threading
from typing import Optional

DEFAULT = "nl"
SUPPORTED = ("nl", "en", "pl", "ro", "bg", "uk")
# German is detected but never answered in: without it, Dutch-looking German and
# German-looking Dutch ("ik heb hulp nodig", "die") are pulled towards English. A
# message detected as German is treated as Dutch.
_EXTRA = {"de": "nl"}
# A message needs this many letters-words before its own language overrides the
# conversation's (fewer words are mostly names, numbers or "en jongens?"-follow-ups).
MIN_WORDS = 3
# Lingua's relative confidence the top language must reach; below it the message counts
# as mixed and keeps the conversation's language.
MIN_CONFIDENCE = 0.6
# Up to this many words a message is "short": its Dutch words are checked (see detect).
SHORT = 6

_detector = None
_lock = threading.Lock()


def _build():
    global _detector
    with _lock:
        if _detector is None:
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            codes = [getattr(IsoCode639_1, c.upper()) for c in SUPPORTED + tuple(_EXTRA)]
            # Low accuracy mode: trigram models only, much less memory; our messages are
            # sentences, where it is nearly as good as the full mode.
            _detector = (LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
                         .with_low_accuracy_mode().build())
    return _detector


def detect(text: str, conversation: Optional[str] = None) -> str:
    """The language to answer `text` in."""
    fallback = conversation if conversation in SUPPORTED else DEFAULT
    words = re.findall(r"[^\W\d_]+", text or "")
    if len(words) < MIN_WORDS and not _non_latin(text):
        return _short_phrase(words) or fallback
    values = _build().compute_language_confidence_values(text)
    if not values:
        return fallback
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    code = _EXTRA.get(code, code)
    if top.value < MIN_CONFIDENCE:
        return fallback
    # Short Dutch questions are often taken for Polish ("kan dat anoniem?"): when most
    # words are Dutch words, a short message counts as mixed.
    if code != DEFAULT and len(words) < SHORT and _dutch_share(words) >= 0.5:
        return fallback
    return code if code in SUPPORTED else fallback


def _short_phrase(words) -> Optional[str]:
    """The language of a short greeting or thanks listed in knowledge/vocabulary.yml."""
    from actions.knowledge.vocabulary import vocabulary

    phrase = " ".join(w.lower() for w in words)
    code = vocabulary().short_phrases.get(phrase)
    return code if code in SUPPORTED else None


def _dutch_share(words) -> float:
    from actions.knowledge.text import STOP_WORDS, lemma_table

    table = lemma_table()
    known = [w for w in (w.lower() for w in words) if w in STOP_WORDS or w in table]
    return len(known) / len(words) if words else 0.0


def _non_latin(text: str) -> bool:
    """Cyrillic needs fewer words: Cyrillic are never Dutch or English."""
    return bool(re.search(r"[\u0400-\u04ff]", text))
