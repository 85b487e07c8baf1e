"""Channel settings from bot/settings.yml, with help numbers filled in from knowledge/."""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Dict

import yaml

from actions.knowledge.store import default_store

SETTINGS_FILE = Path(__file__).with_name("settings.yml")
_PLACEHOLDER = re.compile(r"\{(org_\w+)\.(phone|name|web)\}")


@functools.lru_cache(maxsize=1)
def settings() -> Dict[str, Any]:
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


def fill_from_knowledge(template: str) -> str:
    """Replace {org_x.phone}-style placeholders with vetted values from help.yml."""
    kb = default_store().get().kb

    def value(match: re.Match) -> str:
        org = kb.organisations.get(match.group(1))
        if org is None or not org.vetted:
            return ""
        return str(getattr(org, match.group(2)) or "")

    return " ".join(_PLACEHOLDER.sub(value, template).split())


def text(key: str) -> str:
    return fill_from_knowledge(settings()[key])
