"""Pattern-based crisis detection, from knowledge/crisis.yml.

Works next to the NLU classifier so recall never depends on one model alone.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

from actions.knowledge.model import CrisisRule, KnowledgeBase
from actions.knowledge.text import normalise


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


class CrisisDetector:
    def __init__(self, kb: KnowledgeBase):
        self._rules = []
        for rule in kb.crisis:
            include = [re.compile(p, re.I) for p in rule.patterns]
            exclude = [re.compile(p, re.I) for p in rule.exclude_patterns]
            self._rules.append((rule, include, exclude))
        # Suicide before danger: both are crisis, but 113 is the fitting first number.
        self._rules.sort(key=lambda r: 0 if r[0].kind == "suicide" else 1)

    def detect(self, text: str) -> Optional[CrisisRule]:
        """The crisis rule this message triggers, or None."""
        if not text:
            return None
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
