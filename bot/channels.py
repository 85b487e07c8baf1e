"""The REST channel, hardened: input checks with clear 4xx answers, no message text in
logs, and a reply with help numbers when the assistant itself fails."""
from __future__ import annotations

import asyncio
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings

logger = logging.getLogger(__name__)


@dataclass
class ChatRequest:
    sender: str
    text: str


class BadRequest(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)


def clean_text(text: str) -> str:
    """Drop control characters (keep newlines as spaces) and surrounding whitespace."""
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf") and c not in "\u200d" else c
        for c in text
    ).strip()


def parse_chat_request(request: Request) -> ChatRequest:
    """Validate a JSON body {"sender": str, "message": str}; raise BadRequest otherwise."""
    limits = settings.settings()["limits"]
    try:
        body = request.json
    except Exception:  # Sanic raises on invalid JSON or bytes that are not UTF-8
        raise BadRequest(400, "De body is geen geldige JSON.")
    if not isinstance(body, dict):
        raise BadRequest(400, "Stuur een JSON-object met 'sender' en 'message'.")
    sender, text = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest(400, "'sender' ontbreekt of is geen tekst.")
    if len(sender) > limits["max_sender_chars"] or clean_text(sender) != sender:
        raise BadRequest(400, "'sender' is te lang of bevat ongeldige tekens.")
    if not isinstance(text, str):
        raise BadRequest(400, "'message' ontbreekt of is geen tekst.")
    if len(text) > limits["max_message_chars"]:
        raise BadRequest(413, settings.text("message_too_long_text"))
    text = clean_text(text)
    if not text:
        raise BadRequest(400, settings.text("empty_message_text"))
    return ChatRequest(sender=sender, text=text)


async def handle_message(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    chat: ChatRequest,
    input_channel: str,
) -> List[Dict[str, Any]]:
    """Run one message through Rasa; never raise, never return an empty reply."""
    collector = CollectingOutputChannel()
    try:
        await on_new_message(UserMessage(chat.text, collector, chat.sender, input_channel=input_channel))
    except asyncio.CancelledError:
        logger.error("Bericht niet verwerkt: time-out.")
    except Exception as exc:  # keep the user's text out of the log
        logger.error("Bericht niet verwerkt: %s", type(exc).__name__)
    messages = collector.messages
    if not messages:
        messages = [{"recipient_id": chat.sender, "text": settings.text("technical_problem_text")}]
    return messages


class SafeRestInput(InputChannel):
    """POST /webhooks/rest/webhook {"sender": "...", "message": "..."} → list of messages."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("vraagbaak_rest", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                chat = parse_chat_request(request)
            except BadRequest as bad:
                return response.json({"error": bad.message}, status=bad.status)
            return response.json(await handle_message(on_new_message, chat, self.name()))

        return blueprint
