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
from typing import List, Optional

from actions.knowledge.model import CrisisRule, KnowledgeBase
from actions.knowledge.text import normalise

# "/intent{...} text": typed text that looks like a Rasa intent payload. The intent name
# and the JSON are not what the person wrote to us; the words around them are.
_PAYLOAD = re.compile(r"^\s*/[\w.-]+\s*(\{.*?\})?", re.S)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


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
            include = [re.compile(p, re.I) for p in rule.patterns]
            exclude = [re.compile(p, re.I) for p in rule.exclude_patterns]
            self._rules.append((rule, include, exclude))
        # Suicide before danger: 113 is the fitting first number for self-harm, and the
        # suicide reply names 112 in its first message too (see the module docstring).
        self._rules.sort(key=lambda r: 0 if r[0].kind == "suicide" else 1)

    def detect(self, text: str) -> Optional[CrisisRule]:
        """The crisis rule this message triggers, or None."""
        if not text:
            return None
        for part in _texts(text):
            rule = self._detect(part)
            if rule is not None:
                return rule
        return None

    def _detect(self, text: str) -> Optional[CrisisRule]:
        norm = normalise(text)
        # A doubled last letter is a common slip on a phone ("wegg", "slaatt").
        squeezed = re.sub(r"(\w)\1\b", r"\1", norm)
        forms = (_plain(text), norm, squeezed)
        for rule, include, exclude in self._rules:
            if any(p.search(f) for p in include for f in forms) and not any(
                p.search(f) for p in exclude for f in forms
            ):
                return rule
        return None

    def rule(self, kind: str) -> Optional[CrisisRule]:
        return next((r for r, _, _ in self._rules if r.kind == kind), None)
