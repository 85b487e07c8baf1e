"""The website's JSON API, as a Rasa input channel under /webhooks/website/.

GET  /webhooks/website/config   texts for the widget (start notice, help numbers, limits)
POST /webhooks/website/message  {"sender", "message"} → {"messages": [{"text", "buttons"}]}
POST /webhooks/website/forget   {"sender"} → the server drops that conversation now

Input checks and the technical-problem reply are shared with the REST channel
(bot.channels). Message text is never logged.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.channels import BadRequest, clean_text, handle_message, parse_chat_request
from bot.website.config import filled, public_config, website_settings
from bot.website.security import RateLimiter, client_key, secure

logger = logging.getLogger(__name__)

BLUEPRINT_NAME = "vraagbaak_website"


def public_message(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """Only what the widget shows: text and quick-reply buttons (title + payload)."""
    text = message.get("text")
    buttons = [
        {"title": b["title"], "payload": b["payload"]}
        for b in message.get("buttons") or []
        if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)
    ]
    if not isinstance(text, str):
        text = ""
    if not text and not buttons:
        return None
    return {"text": text, "buttons": buttons}


def _sender_from(request: Request) -> str:
    try:
        body = request.json
    except Exception:
        raise BadRequest(400, "De body is geen geldige JSON.")
    sender = body.get("sender") if isinstance(body, dict) else None
    limit = settings.settings()["limits"]["max_sender_chars"]
    if not isinstance(sender, str) or not sender.strip() or len(sender) > limit or clean_text(sender) != sender:
        raise BadRequest(400, "'sender' ontbreekt of is ongeldig.")
    return sender


class WebsiteInput(InputChannel):
    """The chat page's channel. Settings: `website:` in bot/settings.yml."""

    @classmethod
    def name(cls) -> Text:
        return "website"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebsiteInput":
        return cls()  # configured in bot/settings.yml, not in credentials.yml

    def __init__(self, overrides: Optional[Dict[str, Any]] = None) -> None:
        self.config = website_settings(overrides)
        rate = self.config["rate_limit"]
        self.limiter = RateLimiter(rate["messages_per_minute"], rate["burst"], rate["max_clients"])

    def _done(self, request: Request, reply: HTTPResponse) -> HTTPResponse:
        return secure(request, reply, allowed_origins=self.config["allowed_origins"])

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint(BLUEPRINT_NAME, __name__)
        done = self._done

        @blueprint.listener("after_server_start")
        async def answer_preflight_first(app, loop) -> None:
            # Rasa's Sanic-CORS answers every OPTIONS request from its own (--cors) list,
            # before any route runs. Put our answer in front for our routes only, so
            # `website.allowed_origins` decides.
            async def preflight(request: Request) -> Optional[HTTPResponse]:
                route = getattr(request, "route", None)
                if request.method == "OPTIONS" and route is not None and f".{BLUEPRINT_NAME}." in (route.name or ""):
                    return done(request, response.empty())
                return None

            app.request_middleware.appendleft(preflight)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return done(request, response.json({"status": "ok"}))

        @blueprint.route("/config", methods=["GET", "OPTIONS"])
        async def config(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return done(request, response.empty())
            return done(request, response.json(public_config(self.config)))

        @blueprint.route("/message", methods=["POST", "OPTIONS"])
        async def message(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return done(request, response.empty())
            allowed, wait = self.limiter.allow(client_key(request))
            if not allowed:
                logger.info("Te veel berichten van één adres; %d s wachten.", wait)
                return done(request, response.json(
                    {"error": filled(self.config["rate_limited_text"])}, status=429,
                    headers={"Retry-After": str(wait)}))
            try:
                chat = parse_chat_request(request)
            except BadRequest as bad:
                return done(request, response.json({"error": bad.message}, status=bad.status))
            messages = await handle_message(on_new_message, chat, self.name())
            shown: List[Dict[str, Any]] = [m for m in map(public_message, messages) if m]
            return done(request, response.json({"messages": shown}))

        @blueprint.route("/forget", methods=["POST", "OPTIONS"])
        async def forget(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return done(request, response.empty())
            try:
                sender = _sender_from(request)
            except BadRequest as bad:
                return done(request, response.json({"error": bad.message}, status=bad.status))
            agent = getattr(request.app.ctx, "agent", None)
            store = getattr(agent, "tracker_store", None)
            # Rasa wraps the configured store (AwaitableTrackerStore); look inside.
            while store is not None and not hasattr(store, "forget") and hasattr(store, "_tracker_store"):
                store = store._tracker_store
            forgotten = False
            if store is not None and hasattr(store, "forget"):
                lock_store = getattr(agent, "lock_store", None)
                if lock_store is not None:
                    # Wait for a reply still being made, or it would save the conversation again.
                    async with lock_store.lock(sender):
                        store.forget(sender)
                else:
                    store.forget(sender)
                forgotten = True
            return done(request, response.json({"status": "ok", "forgotten": forgotten}))

        return blueprint
