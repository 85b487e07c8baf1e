"""The website's JSON API, as a Rasa input channel under /webhooks/website/.

GET  /webhooks/website/config   texts for the widget (start notice, help numbers, limits)
POST /webhooks/website/message  {"sender", "message"} (typed text) or {"sender", "payload"}
                                (a button press) → {"messages": [{"text", "buttons"}],
                                "language"}; a contact card's message also has "card"
                                (bot.website.cards: name, purpose, phones with tel: hrefs,
                                https chat and website, details, the card's words)
POST /webhooks/website/forget   {"sender"} → the server drops that conversation now

Input checks, typed text versus offered button payloads, and the technical-problem reply
are shared with the REST channel (bot.channels); every route passes the front door
(bot.frontdoor). Message text is never logged.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors import cross_origin

from bot import settings
from bot.channels import (BadRequest, OfferedPayloads, clean_text, conversation_seconds,
                          handle_message, parse_chat_request, user_text)
from bot.frontdoor import FrontDoor
from bot.website.cards import with_cards
from bot.website.config import public_config, starter_payloads, website_settings
from bot.website.language import conversation_language
from bot.website.security import secure

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
    """The chat page's channel. Settings: `website:` and `front_door:` in bot/settings.yml."""

    @classmethod
    def name(cls) -> Text:
        return "website"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebsiteInput":
        return cls()  # configured in bot/settings.yml, not in credentials.yml

    def __init__(self, overrides: Optional[Dict[str, Any]] = None,
                 front_door: Optional[FrontDoor] = None) -> None:
        self.config = website_settings(overrides)
        self.front_door = front_door or FrontDoor((overrides or {}).get("front_door"))
        self.offered = OfferedPayloads(conversation_seconds())
        self.starters = starter_payloads(self.config)  # the page offers these to everyone

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint(BLUEPRINT_NAME, __name__)
        door = self.front_door
        # CORS for the configured origins only, through Sanic-CORS's public decorator (it
        # also tells Rasa's app-wide Sanic-CORS to leave these responses alone, so even
        # `rasa run --cors "*"` does not open this API). Preflight (OPTIONS) requests are
        # answered by Rasa's app-wide Sanic-CORS from its --cors setting.
        cors = cross_origin(blueprint, origins=self.config["allowed_origins"] or [],
                            methods=["GET", "POST", "OPTIONS"], allow_headers=["Content-Type"],
                            max_age=600, automatic_options=True)

        @blueprint.route("/", methods=["GET"])
        @cors
        async def health(request: Request) -> HTTPResponse:
            refused = await door.check(request, "page")
            return secure(request, refused or response.json({"status": "ok"}))

        @blueprint.route("/config", methods=["GET"])
        @cors
        async def config(request: Request) -> HTTPResponse:
            refused = await door.check(request, "page")
            return secure(request, refused or response.json(public_config(self.config)))

        @blueprint.route("/message", methods=["POST"])
        @cors
        async def message(request: Request) -> HTTPResponse:
            refused = await door.check(request, "message")
            if refused is not None:
                return secure(request, refused)
            try:
                chat = parse_chat_request(request)
            except BadRequest as bad:
                return secure(request, await bad.reply(request, door))
            if chat.is_payload and chat.text in self.starters:
                text = chat.text
            else:
                text = await user_text(request, chat, self.offered)
            messages = await handle_message(on_new_message, chat, self.name(), text, self.offered)
            shown: List[Dict[str, Any]] = [m for m in map(public_message, messages) if m]
            language = await conversation_language(request.app, chat.sender)  # for `lang` on the page
            shown = with_cards(shown, self.config, language)
            return secure(request, response.json({"messages": shown, "language": language}))

        @blueprint.route("/forget", methods=["POST"])
        @cors
        async def forget(request: Request) -> HTTPResponse:
            refused = await door.check(request, "forget")
            if refused is not None:
                return secure(request, refused)
            try:
                sender = _sender_from(request)
            except BadRequest as bad:
                return secure(request, await bad.reply(request, door))
            from bot.stores import forgetting_stores

            self.offered.forget(sender)
            stores = forgetting_stores()
            if stores:
                lock_store = getattr(getattr(request.app.ctx, "agent", None), "lock_store", None)
                if lock_store is not None:
                    # Wait for a reply still being made, or it would save the conversation again.
                    async with lock_store.lock(sender):
                        for store in stores:
                            store.forget(sender)
                else:
                    for store in stores:
                        store.forget(sender)
            return secure(request, response.json({"status": "ok", "forgotten": bool(stores)}))

        return blueprint
