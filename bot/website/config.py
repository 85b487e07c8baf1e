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

from actions.knowledge.language import SUPPORTED
from bot import settings
from bot.website.cards import phone_links

logger = logging.getLogger(__name__)

DEFAULTS: Dict[str, Any] = {
    "neutral_url": "https://www.google.nl/",
    "allowed_origins": [],
    "start_notice": "Ik ben een chatbot, geen mens.",
    "offline_text": "Ik kan de server nu niet bereiken.",
}

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")
_PLACEHOLDER = re.compile(r"\{org_\w+\.(?:phone|name|web)\}")
_PAYLOAD = re.compile(r"/\w+(?:\{.*\})?", re.DOTALL)  # "/intent" or "/intent{json}"
DEFAULT_LANGUAGE = "nl"
KNOWN = SUPPORTED  # the conversation languages: nl, en and the help languages


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


def page_languages(config: Dict[str, Any]) -> List[str]:
    """The languages of the page's own texts (the switch): Dutch first."""
    page = config.get("page") or {}
    return [DEFAULT_LANGUAGE] + sorted(lang for lang in page if lang != DEFAULT_LANGUAGE and lang in KNOWN)


def starters(config: Dict[str, Any], lang: str) -> List[Dict[str, str]]:
    """The starter buttons in `lang`: {"title", "payload"}, and for the language switch
    also "language"."""
    good = []
    languages = page_languages(config)
    for item in ((config.get("page") or {}).get(lang) or {}).get("starters") or []:
        title = item.get("title") if isinstance(item, dict) else None
        payload, switch = (item.get("payload"), item.get("language")) if isinstance(item, dict) else (None, None)
        if not isinstance(title, str) or not title.strip():
            continue
        if isinstance(payload, str) and _PAYLOAD.fullmatch(payload.strip()):
            good.append({"title": title, "payload": payload.strip()})
        elif switch in languages:
            good.append({"title": title, "language": switch, "payload": switch_payload(switch)})
        else:
            logger.error("website.page.%s.starters: knop '%s' heeft geen geldige payload of taal.", lang, title)
    return good


def switch_payload(lang: str) -> str:
    """What the language switch sends: actions/language.py sets the `language` slot."""
    return '/set_language{"language": "%s"}' % lang


def starter_payloads(config: Dict[str, Any]) -> frozenset:
    """The starters' and the language switch's payloads: the page offers them to every
    conversation, so the channel accepts them like buttons the assistant offered."""
    languages = page_languages(config)
    return frozenset([b["payload"] for lang in languages for b in starters(config, lang)]
                     + [switch_payload(lang) for lang in languages])


def _source_prefix(lang: str) -> str:
    """The start of a source line in `lang` ("Bron:", "Source:"), from knowledge/interface.yml."""
    try:
        from actions.knowledge.store import default_store

        template = (default_store().get().kb.interface or {}).get("source_line", {}).get(lang) or ""
    except Exception as exc:
        logger.error("Bronregel niet gelezen: %s", type(exc).__name__)
        template = ""
    return template.split("{citation}")[0].strip()


def _channel_text(key: str, lang: str) -> str:
    """A channel text of settings.yml in `lang` (its `translations:`), else Dutch."""
    translated = ((settings.settings().get("translations") or {}).get(lang) or {}).get(key)
    return filled(translated or settings.settings()[key])


def page_texts(config: Dict[str, Any], lang: str) -> Dict[str, Any]:
    """Everything the page shows by itself in `lang`, Dutch where a text is missing."""
    dutch = dict((config.get("page") or {}).get(DEFAULT_LANGUAGE) or {})
    own = dict((config.get("page") or {}).get(lang) or {})
    texts = {key: value for key, value in {**dutch, **own}.items() if isinstance(value, str)}
    texts.pop("start_notice", None)
    texts.pop("offline_text", None)
    return {
        **texts,
        "notice": filled(own.get("start_notice") or config["start_notice"]),
        "offline_text": filled(own.get("offline_text") or config["offline_text"]),
        "help_text": _channel_text("technical_problem_text", lang),
        "too_long_text": _channel_text("message_too_long_text", lang),
        "rate_limited_text": _channel_text("rate_limited_text", lang),
        "starters": starters(config, lang),
        "switch_payload": switch_payload(lang),
    }


def public_config(config: Dict[str, Any]) -> Dict[str, Any]:
    """What the widget needs at start: texts with help numbers, limits, exit address, and
    the page's own texts per language (`languages`; Dutch also at the top level)."""
    return {
        "notice": filled(config["start_notice"]),
        "help_text": filled(settings.settings()["technical_problem_text"]),
        "offline_text": filled(config["offline_text"]),
        "too_long_text": filled(settings.settings()["message_too_long_text"]),
        "rate_limited_text": filled(settings.settings()["rate_limited_text"]),
        "neutral_url": config["neutral_url"],
        "max_message_chars": config["max_message_chars"],
        "default_language": DEFAULT_LANGUAGE,
        "languages": {lang: page_texts(config, lang) for lang in page_languages(config)},
        "source_prefixes": sorted({p for p in map(_source_prefix, KNOWN) if p}),
        "phones": phone_links(),  # chat.js makes these tel: links in every text
    }
