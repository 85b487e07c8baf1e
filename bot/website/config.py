"""The `website:` section of bot/settings.yml, merged over safe defaults.

Environment overrides (for tests and deployments):
  VRAAGBAAK_NEUTRAL_URL     where the quick exit goes
  VRAAGBAAK_EMBED_ORIGINS   comma-separated origins that may embed the chat / call the API
"""
from __future__ import annotations

import copy
import logging
import os
import re
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

from bot import settings

logger = logging.getLogger(__name__)

DEFAULTS: Dict[str, Any] = {
    "neutral_url": "https://www.google.nl/",
    "allowed_origins": [],
    "start_notice": "Ik ben een chatbot, geen mens.",
    "offline_text": "Ik kan de server nu niet bereiken.",
}

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")
_PLACEHOLDER = re.compile(r"\{org_\w+\.(?:phone|name|web)\}")


def _merge(base: Dict[str, Any], extra: Dict[str, Any]) -> Dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif value is not None:
            out[key] = value
    return out


def _safe_url(url: str, default: str) -> str:
    """Only http(s) URLs or about:blank; anything else falls back to the default."""
    url = (url or "").strip()
    if url == "about:blank":
        return url
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    logger.error("website.neutral_url is geen http(s)-adres; de standaard wordt gebruikt.")
    return default


def _origins(values: List[str]) -> List[str]:
    good = []
    for value in values or []:
        value = str(value).strip().rstrip("/")
        if _ORIGIN.match(value):
            good.append(value)
        elif value:
            logger.error("website.allowed_origins: '%s' is geen origin (zoals https://www.voorbeeld.nl).", value)
    return good


def website_settings(overrides: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    config = _merge(DEFAULTS, settings.settings().get("website") or {})
    config = _merge(config, overrides or {})
    if os.environ.get("VRAAGBAAK_NEUTRAL_URL"):
        config["neutral_url"] = os.environ["VRAAGBAAK_NEUTRAL_URL"]
    if os.environ.get("VRAAGBAAK_EMBED_ORIGINS") is not None and "allowed_origins" not in (overrides or {}):
        config["allowed_origins"] = os.environ["VRAAGBAAK_EMBED_ORIGINS"].split(",")
    config["neutral_url"] = _safe_url(config["neutral_url"], DEFAULTS["neutral_url"])
    config["allowed_origins"] = _origins(config["allowed_origins"])
    config["max_message_chars"] = int(settings.settings()["limits"]["max_message_chars"])
    return config


def filled(template: str) -> str:
    """A text with its {org_x.phone} placeholders filled from knowledge/help.yml.

    If the knowledge base cannot be loaded, the placeholders are dropped rather than
    failing the page (the error is logged by the knowledge store).
    """
    try:
        return settings.fill_from_knowledge(template)
    except Exception as exc:
        logger.error("Hulpnummers niet ingevuld: %s", type(exc).__name__)
        return " ".join(_PLACEHOLDER.sub("", template).split())


def public_config(config: Dict[str, Any]) -> Dict[str, Any]:
    """What the widget needs at start: texts with help numbers, limits, exit address."""
    return {
        "notice": filled(config["start_notice"]),
        "help_text": filled(settings.settings()["technical_problem_text"]),
        "offline_text": filled(config["offline_text"]),
        "too_long_text": filled(settings.settings()["message_too_long_text"]),
        "rate_limited_text": filled(settings.settings()["rate_limited_text"]),
        "neutral_url": config["neutral_url"],
        "max_message_chars": config["max_message_chars"],
    }
