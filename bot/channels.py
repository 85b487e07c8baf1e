"""The REST channel, hardened, and what it shares with the website channel.

- Typed text is text. Rasa reads a message that starts with "/" as "/intent{entities}"
  (its check: the stripped text starts with "/"; see
  rasa.shared.core.training_data.story_reader.yaml_story_reader.unpack_regex_message).
  A typed message that starts with "/" gets an invisible WORD JOINER (U+2060) in front,
  so Rasa treats it as text: the NLU, the crisis patterns and the actions see the words.
- Button presses travel in their own JSON field, `payload`, and are passed on as
  "/intent{...}" only when the server offered that payload to that conversation
  (`OfferedPayloads`, memory only, dropped with the conversation). Anything else in
  `payload` is treated as typed text.
- Input checks with clear 4xx answers; no message text in logs; a reply with help numbers
  when the assistant itself fails; the front door (bot.frontdoor) on every route.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.frontdoor import FrontDoor
from bot.website.security import secure

logger = logging.getLogger(__name__)

TEXT_GUARD = "\u2060"  # WORD JOINER: invisible, not whitespace, so str.strip() keeps it


@dataclass
class ChatRequest:
    sender: str
    text: str
    is_payload: bool = False  # the body's `payload` field (a button press)


class BadRequest(Exception):
    def __init__(self, status: int, message: str, key: Optional[str] = None):
        self.status = status
        self.message = message
        self.key = key  # a settings.yml text, answered in the conversation's language
        super().__init__(message)

    async def reply(self, request: Request, door: FrontDoor) -> HTTPResponse:
        text = settings.text(self.key, await door.language(request)) if self.key else self.message
        return response.json({"error": text}, status=self.status)


def clean_text(text: str) -> str:
    """Drop control characters (keep newlines as spaces) and surrounding whitespace."""
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf") and c not in "\u200d" else c
        for c in text
    ).strip()


def as_typed_text(text: str) -> str:
    """`text` as Rasa must read it: as words, never as an "/intent{...}" payload."""
    return TEXT_GUARD + text if text.lstrip().startswith("/") else text


def parse_chat_request(request: Request) -> ChatRequest:
    """Validate a JSON body {"sender": str, "message": str} or {"sender": str,
    "payload": str}; raise BadRequest otherwise."""
    limits = settings.settings()["limits"]
    try:
        body = request.json
    except Exception:  # Sanic raises on invalid JSON or bytes that are not UTF-8
        raise BadRequest(400, "De body is geen geldige JSON.")
    if not isinstance(body, dict):
        raise BadRequest(400, "Stuur een JSON-object met 'sender' en 'message'.")
    sender = body.get("sender")
    is_payload = "payload" in body and "message" not in body
    text = body.get("payload") if is_payload else body.get("message")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest(400, "'sender' ontbreekt of is geen tekst.")
    if len(sender) > limits["max_sender_chars"] or clean_text(sender) != sender:
        raise BadRequest(400, "'sender' is te lang of bevat ongeldige tekens.")
    if not isinstance(text, str):
        raise BadRequest(400, "'message' ontbreekt of is geen tekst.")
    if len(text) > limits["max_message_chars"]:
        raise BadRequest(413, settings.text("message_too_long_text"), "message_too_long_text")
    text = clean_text(text)
    if not text:
        raise BadRequest(400, settings.text("empty_message_text"), "empty_message_text")
    return ChatRequest(sender=sender, text=text, is_payload=is_payload)


class OfferedPayloads:
    """The button payloads the server offered to each conversation, in memory only.

    A conversation's payloads are dropped after `idle_seconds` without a message (the
    conversation's own lifetime, bot/endpoints.yml max_idle_minutes) or when it is
    forgotten; at most `max_senders` conversations and `max_per_sender` payloads each.
    """

    def __init__(self, idle_seconds: float = 1800.0, max_senders: int = 10000,
                 max_per_sender: int = 200, clock: Callable[[], float] = time.monotonic):
        self.idle_seconds, self.max_senders, self.max_per_sender = idle_seconds, max_senders, max_per_sender
        self.clock = clock
        self._offered: "OrderedDict[str, Tuple[float, OrderedDict]]" = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        while self._offered:
            sender, (seen, _) = next(iter(self._offered.items()))
            if now - seen <= self.idle_seconds and len(self._offered) <= self.max_senders:
                break
            self._offered.popitem(last=False)

    def remember(self, sender: str, messages: Iterable[Dict[str, Any]]) -> None:
        now = self.clock()
        with self._lock:
            _, payloads = self._offered.pop(sender, (now, OrderedDict()))
            for message in messages:
                for button in message.get("buttons") or []:
                    payload = button.get("payload") if isinstance(button, dict) else None
                    if isinstance(payload, str):
                        payloads.pop(payload, None)
                        payloads[payload] = True
            while len(payloads) > self.max_per_sender:
                payloads.popitem(last=False)
            self._offered[sender] = (now, payloads)
            self._expire(now)

    def offered(self, sender: str, payload: str) -> bool:
        now = self.clock()
        with self._lock:
            self._expire(now)
            found = self._offered.get(sender)
            return found is not None and payload in found[1]

    def forget(self, sender: str) -> None:
        with self._lock:
            self._offered.pop(sender, None)


async def offered_in_conversation(request: Request, sender: str, payload: str) -> bool:
    """Whether the stored conversation shows a bot message with this button. Covers a
    conversation whose earlier turns another Rasa server answered (production profile)."""
    store = getattr(getattr(request.app.ctx, "agent", None), "tracker_store", None)
    if store is None:
        return False
    try:
        tracker = await store.retrieve(sender)
    except Exception as error:
        logger.error("Gesprek niet gelezen bij een knop: %s", type(error).__name__)
        return False
    for event in reversed(list(tracker.events) if tracker is not None else []):
        buttons = (getattr(event, "data", None) or {}).get("buttons") if getattr(event, "event", "") == "bot" else None
        if any(isinstance(b, dict) and b.get("payload") == payload for b in buttons or []):
            return True
    return False


async def user_text(request: Request, chat: ChatRequest, offered: OfferedPayloads) -> str:
    """What goes to Rasa: an offered payload as it is, everything else as typed text."""
    if chat.is_payload and (offered.offered(chat.sender, chat.text)
                            or await offered_in_conversation(request, chat.sender, chat.text)):
        return chat.text
    if chat.is_payload:
        logger.info("Knop die niet was aangeboden; behandeld als getypte tekst.")
    return as_typed_text(chat.text)


async def handle_message(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    chat: ChatRequest,
    input_channel: str,
    text: Optional[str] = None,
    offered: Optional[OfferedPayloads] = None,
) -> List[Dict[str, Any]]:
    """Run one message through Rasa; never raise, never return an empty reply.

    `text` is what Rasa gets (see `user_text`); by default the chat's text as typed text.
    """
    collector = CollectingOutputChannel()
    text = as_typed_text(chat.text) if text is None else text
    try:
        await on_new_message(UserMessage(text, collector, chat.sender, input_channel=input_channel))
    except asyncio.CancelledError:
        logger.error("Bericht niet verwerkt: time-out.")
    except Exception as exc:  # keep the user's text out of the log
        logger.error("Bericht niet verwerkt: %s", type(exc).__name__)
    messages = collector.messages
    if not messages:
        messages = [{"recipient_id": chat.sender, "text": settings.text("technical_problem_text")}]
    if offered is not None:
        offered.remember(chat.sender, messages)
    return messages


def conversation_seconds() -> float:
    """How long an idle conversation lives (the tracker store's max_idle_minutes)."""
    import yaml

    try:
        path = Path(__file__).with_name("endpoints.yml")
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        return float(config["tracker_store"]["max_idle_minutes"]) * 60
    except Exception:
        return 1800.0


class SafeRestInput(InputChannel):
    """POST /webhooks/rest/webhook {"sender": "...", "message": "..."} → list of messages.

    A button press: {"sender": "...", "payload": "/intent{...}"}, accepted as a payload only
    when it was offered to that sender.
    """

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self, front_door: Optional[FrontDoor] = None) -> None:
        self.front_door = front_door or FrontDoor()
        self.offered = OfferedPayloads(conversation_seconds())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("vraagbaak_rest", __name__)
        door = self.front_door

        @blueprint.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            refused = await door.check(request, "page")
            return secure(request, refused or response.json({"status": "ok"}))

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = await door.check(request, "message")
            if refused is not None:
                return secure(request, refused)
            try:
                chat = parse_chat_request(request)
            except BadRequest as bad:
                return secure(request, await bad.reply(request, door))
            text = await user_text(request, chat, self.offered)
            messages = await handle_message(on_new_message, chat, self.name(), text, self.offered)
            return secure(request, response.json(messages))

        return blueprint
