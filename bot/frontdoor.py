"""One policy for every public endpoint of the Rasa server.

The chat page, the widget files, the website API (message, config, forget), the REST
channel and the health routes all pass `FrontDoor.check()` first and `secure()` last:

- a rate limit per client address (token buckets, one per kind of endpoint: `message`,
  `page`, `forget`), so one address cannot flood the assistant;
- a body size limit (`max_body_bytes`), checked before the JSON is parsed; Sanic itself
  refuses anything above SANIC_REQUEST_MAX_SIZE before reading it (set by bot.serve and
  docker-compose.yml);
- the security headers (bot.website.security.secure).

Limits live in bot/settings.yml (`front_door:`). Tests and the benchmarks raise them with
the environment variable VRAAGBAAK_RATE_LIMIT_FACTOR (every rate and burst is multiplied
by it). The limit replies are Dutch, or English (or another language of settings.yml's
`translations:`) when the request or the conversation says so: a `language` field in the
JSON body, or the conversation's `language` slot.
"""
from __future__ import annotations

import json
import logging
import os
import time
from collections import OrderedDict
from typing import Any, Dict, Optional, Tuple

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.website.security import RateLimiter, client_key

logger = logging.getLogger(__name__)

KINDS = ("message", "page", "forget")
_DEFAULT_LIMITS = {"message": {"per_minute": 60, "burst": 30},
                   "page": {"per_minute": 240, "burst": 60},
                   "forget": {"per_minute": 60, "burst": 20}}


def limit_factor() -> float:
    try:
        return max(float(os.environ.get("VRAAGBAAK_RATE_LIMIT_FACTOR", "1")), 0.001)
    except ValueError:
        return 1.0


def front_door_settings(overrides: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    config = dict(settings.settings().get("front_door") or {})
    config.update(overrides or {})
    factor = limit_factor()
    limits = {}
    for kind in KINDS:
        given = {**_DEFAULT_LIMITS[kind], **((config.get("rate_limits") or {}).get(kind) or {})}
        limits[kind] = {"per_minute": max(float(given["per_minute"]) * factor, 0.1),
                        "burst": max(int(float(given["burst"]) * factor), 1)}
    return {"rate_limits": limits,
            "max_clients": max(int(config.get("max_clients", 10000)), 100),
            "max_body_bytes": max(int(config.get("max_body_bytes", 16384)), 1024)}


class LanguageMemory:
    """The language of recent conversations, for limit replies (memory only, small)."""

    def __init__(self, max_senders: int = 10000, seconds: float = 60.0):
        self.max_senders, self.seconds = max_senders, seconds
        self._seen: "OrderedDict[str, Tuple[Optional[str], float]]" = OrderedDict()

    def get(self, sender: str) -> Tuple[bool, Optional[str]]:
        found = self._seen.get(sender)
        if found is None or time.monotonic() - found[1] > self.seconds:
            return False, None
        return True, found[0]

    def put(self, sender: str, language: Optional[str]) -> None:
        self._seen.pop(sender, None)
        self._seen[sender] = (language, time.monotonic())
        while len(self._seen) > self.max_senders:
            self._seen.popitem(last=False)


def _body_field(request: Request, name: str) -> Optional[str]:
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, str) and len(value) <= 128 else None


class FrontDoor:
    def __init__(self, overrides: Optional[Dict[str, Any]] = None):
        self.config = front_door_settings(overrides)
        self.limiters = {kind: RateLimiter(rate["per_minute"], rate["burst"], self.config["max_clients"])
                         for kind, rate in self.config["rate_limits"].items()}
        self.languages = LanguageMemory()

    async def language(self, request: Request) -> str:
        """The language for a limit reply: the body's `language` field, else the
        conversation's `language` slot, else Dutch."""
        known = settings.languages()
        asked = _body_field(request, "language")
        if asked in known:
            return asked
        sender = _body_field(request, "sender")
        if not sender:
            return "nl"
        cached, language = self.languages.get(sender)
        if not cached:
            language = None
            store = getattr(getattr(request.app.ctx, "agent", None), "tracker_store", None)
            try:
                tracker = await store.retrieve(sender) if store is not None else None
                slot = tracker.slots.get("language") if tracker is not None else None
                language = slot.value if slot is not None else None
            except Exception as error:  # a limit reply must never fail
                logger.error("Taal van het gesprek niet gelezen: %s", type(error).__name__)
            self.languages.put(sender, language)
        return language if language in known else "nl"

    async def check(self, request: Request, kind: str) -> Optional[HTTPResponse]:
        """None when the request may go on; otherwise the reply (429 or 413)."""
        allowed, wait = self.limiters[kind].allow(client_key(request))
        if not allowed:
            logger.info("Te veel verzoeken van één adres (%s); %d s wachten.", kind, wait)
            return await self._refuse(request, 429, "rate_limited_text", {"Retry-After": str(wait)})
        if len(request.body or b"") > self.config["max_body_bytes"]:
            return await self._refuse(request, 413, "message_too_long_text")
        return None

    async def _refuse(self, request: Request, status: int, key: str,
                      headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
        body = request.body or b""
        small = 0 < len(body) <= self.config["max_body_bytes"]
        language = await self.language(request) if small else "nl"
        text = settings.text(key, language)
        if request.method == "GET":
            return response.text(text, status=status, headers=headers)
        return response.json({"error": text}, status=status, headers=headers)
