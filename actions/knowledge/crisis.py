"""Pattern-based crisis detection, from knowledge/crisis.yml.

Works next to the NLU classifier so recall never depends on one model alone. The same
detector serves the Rasa server (bot/crisis_override.py) and every action
(actions/common.py), in every supported language.

Precedence: the suicide rule is checked first, then danger. Suicide patterns describe
the writer's own wish to die or to harm themselves (or someone harming themselves), never
a threat by someone else: "he says he will kill me" matches only danger patterns. When a
message holds both (a death wish and a threat), 113 comes first, and the suicide reply
names 112 in its first message too.
"""
from __future__ import annotations

import json
import re
import unicodedata
from typing import List, NamedTuple, Optional

from actions.knowledge.model import CrisisRule, KnowledgeBase
from actions.knowledge.text import normalise

# "/intent{...} text": typed text that looks like a Rasa intent payload. The intent name
# and the JSON are not what the person wrote to us; the words around them are. The
# channels put an invisible WORD JOINER (U+2060) before typed text that starts with "/".
_PAYLOAD = re.compile(r"^[\s\u2060\u200b\ufeff]*/[\w.-]+\s*(\{.*?\})?", re.S)
# A pattern may start with a regex comment naming its language: "(?#pl)\\bmnie\\b...".
_LANGUAGE_TAG = re.compile(r"^\(\?#(\w+)\)")


class CrisisMatch(NamedTuple):
    rule: CrisisRule
    # The language of the pattern that matched (from its "(?#xx)" tag), or None when only
    # untagged patterns matched (the Dutch ones, and a few that fit several languages).
    lang: Optional[str]


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _tag(pattern: str) -> Optional[str]:
    found = _LANGUAGE_TAG.match(pattern)
    return found.group(1) if found else None


def _texts(text: str) -> List[str]:
    """The message, and for an intent-like message also its free text and JSON values."""
    texts = [text]
    match = _PAYLOAD.match(text)
    if match:
        rest = text[match.end():].strip()
        if rest:
            texts.append(rest)
        if match.group(1):
            try:
                values = json.loads(match.group(1))
            except ValueError:
                values = {}
            if isinstance(values, dict):
                texts.extend(str(v) for v in values.values() if isinstance(v, (str, int, float)))
    return texts


class CrisisDetector:
    def __init__(self, kb: KnowledgeBase):
        self._rules = []
        for rule in kb.crisis:
            include = [(re.compile(p, re.I), _tag(p)) for p in rule.patterns]
            exclude = [re.compile(p, re.I) for p in rule.exclude_patterns]
            self._rules.append((rule, include, exclude))
        # Suicide before danger: 113 is the fitting first number for self-harm, and the
        # suicide reply names 112 in its first message too (see the module docstring).
        self._rules.sort(key=lambda r: 0 if r[0].kind == "suicide" else 1)

    def detect(self, text: str) -> Optional[CrisisRule]:
        """The crisis rule this message triggers, or None."""
        found = self.match(text)
        return found.rule if found else None

    def match(self, text: str) -> Optional[CrisisMatch]:
        """The crisis rule this message triggers and the language of the pattern that
        matched, or None. A crisis reply can use that language when the message is too
        short for language detection ("mă lovește acum")."""
        if not text:
            return None
        for part in _texts(text):
            found = self._match(part)
            if found is not None:
                return found
        return None

    def _match(self, text: str) -> Optional[CrisisMatch]:
        norm = normalise(text)
        # A doubled last letter is a common slip on a phone ("wegg", "slaatt").
        squeezed = re.sub(r"(\w)\1\b", r"\1", norm)
        forms = (_plain(text), norm, squeezed)
        for rule, include, exclude in self._rules:
            tags = [tag for p, tag in include if any(p.search(f) for f in forms)]
            if tags and not any(p.search(f) for p in exclude for f in forms):
                return CrisisMatch(rule, next((t for t in tags if t), None))
        return None

    def rule(self, kind: str) -> Optional[CrisisRule]:
        return next((r for r, _, _ in self._rules if r.kind == kind), None)
