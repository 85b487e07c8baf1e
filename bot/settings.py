"""Channel settings from bot/settings.yml, with help numbers filled in from knowledge/."""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any, Dict

import yaml

from actions.knowledge.store import KnowledgeError, default_store

logger = logging.getLogger(__name__)

SETTINGS_FILE = Path(__file__).with_name("settings.yml")
_PLACEHOLDER = re.compile(r"\{(org_\w+)\.(phone|name|web)\}")
_SENTENCE = re.compile(r"(?<=[.?!])\s+")


@functools.lru_cache(maxsize=1)
def settings() -> Dict[str, Any]:
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


def fill_from_knowledge(template: str) -> str:
    """Replace {org_x.phone}-style placeholders with vetted values from help.yml.

    A sentence whose placeholder cannot be filled (knowledge not loadable, organisation
    not vetted) is left out, rather than shown with a gap where a number should be.
    """
    try:
        kb = default_store().get().kb
    except KnowledgeError:
        kb = None

    def value(match: re.Match) -> str:
        org = kb.organisations.get(match.group(1)) if kb else None
        found = getattr(org, match.group(2), None) if org is not None and org.vetted else None
        if not found:
            raise LookupError(match.group(0))
        return str(found)

    sentences = []
    for sentence in _SENTENCE.split(" ".join(template.split())):
        try:
            sentences.append(_PLACEHOLDER.sub(value, sentence))
        except LookupError:
            logger.error("Tekst zonder gecontroleerd nummer weggelaten (%s).", sentence[:40])
    return " ".join(s for s in sentences if s)


def languages() -> tuple:
    """Dutch and the languages that have channel texts in `translations:`."""
    return ("nl",) + tuple(sorted((settings().get("translations") or {}).keys()))


def text(key: str, language: str = "nl") -> str:
    """A channel text in `language` (Dutch when there is no translation)."""
    translated = ((settings().get("translations") or {}).get(language) or {}).get(key)
    return fill_from_knowledge(translated or settings()[key])
