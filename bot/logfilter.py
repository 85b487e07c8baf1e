"""Keep personal data out of the logs of the Rasa server and the action server.

Rasa 3.6 writes message text, sender ids and slot values only at DEBUG level (checked
for rasa.core.processor, rasa.core.actions, rasa.core.lock_store, the tracker stores,
rasa_sdk and Sanic; Sanic's access log, which holds client IP addresses, is switched off
by Rasa's default LOG_LEVEL_LIBRARIES=ERROR). Some errors do carry them, though: a
database error quotes the SQL statement with its parameters (sender id, event JSON), a
lock error names the conversation. `install()` makes every record of every logger pass
`clean_record` when it is created, through Python's public record factory
(`logging.setLogRecordFactory`), so it holds for every handler, also those that Rasa,
rasa-sdk or coloredlogs add later. `clean_record`:

- empties DEBUG records that come from the message path (processor, actions, channels,
  tracker and lock stores, rasa_sdk) unless VRAAGBAAK_DEBUG_LOG=1 is set, so that even
  `--debug` does not write what people typed;
- removes `[SQL: …]` and `[parameters: …]` blocks from messages and tracebacks;
- masks ids after "conversation", "sender", "sender_id", "conversation_id";
- runs `bot.redaction.redact` over the message and traceback text;
- blanks the client address of Sanic access records.

Python warnings go through logging too (`logging.captureWarnings`), so they are cleaned
the same way: Rasa warns with the user's own words when a message starts with "/" but is
no valid "/intent{...}"; such warnings are replaced by a fixed text.

`bot.launcher` (Rasa server) and `bot.actionserver` (action server) call `install()`
before Rasa or rasa-sdk is imported.
"""
from __future__ import annotations

import logging
import os
import re
import traceback

from bot.redaction import redact

_SQL_BLOCK = re.compile(r"\[(?:SQL|parameters): .*?\](?=\s*(?:\[|\(Background|$))", re.DOTALL)
_ID_AFTER = re.compile(
    r"(?P<key>\b(?:conversation[_ ]id|conversation|sender[_ ]id|sender|recipient[_ ]id|user)"
    r"['\"]?\s*(?:[=:]|with id|for)?\s*)(?P<q>['\"])(?P<id>[^'\"]{1,256})(?P=q)",
    re.IGNORECASE,
)
_QUIET_DEBUG = (
    "rasa.core.processor", "rasa.core.actions", "rasa.core.channels", "rasa.core.agent",
    "rasa.core.tracker_store", "rasa.core.lock_store", "rasa.core.lock", "rasa.core.policies",
    "rasa.core.nlg", "rasa.nlu", "rasa.shared.core", "rasa.engine", "rasa.server",
    "rasa.utils.endpoints", "rasa_sdk", "bot", "actions", "sanic.access",
)
_installed = False
_original_factory = logging.getLogRecordFactory()

# Rasa warns with the user's own words when a message starts with "/" (it is read as
# "/intent{entities}", like the buttons' payloads) but does not parse.
_USER_TEXT_WARNINGS = re.compile(
    r"Failed to parse arguments in line|Failed to parse intent|Invalid entity specification|"
    r"Parsed an intent '|Parsed an entity '|Continuing without"
)
_USER_TEXT_WARNING_REPLACEMENT = (
    "Een bericht dat met '/' begint kon niet als intent worden gelezen en is als gewone "
    "tekst behandeld (tekst weggelaten uit de log).")


def clean_warning(message) -> str:
    """The text of a Python warning without user text or personal data."""
    text = str(message)
    if _USER_TEXT_WARNINGS.search(text):
        return _USER_TEXT_WARNING_REPLACEMENT
    return scrub(text)


# rasa-sdk echoes the whole tracker (all user texts) in the body of a failed action call.
_REQUEST_BODY = re.compile(r"\b(body|request_body)=(['\"]).*?(?<!\\)\2", re.S)
_JSON_TEXT = re.compile(r'("(?:text|message|sender_id|sender|value)"\s*:\s*)"(?:[^"\\]|\\.)*"')


def scrub(text: str) -> str:
    """`text` without SQL parameters, request bodies, conversation ids and personal data."""
    if not text:
        return text
    text = _REQUEST_BODY.sub(lambda m: f"{m.group(1)}=[verborgen]", text)
    text = _JSON_TEXT.sub(lambda m: f'{m.group(1)}"***"', text)
    text = _SQL_BLOCK.sub("[SQL verborgen]", text)
    text = _ID_AFTER.sub(lambda m: f"{m.group('key')}{m.group('q')}***{m.group('q')}", text)
    return redact(text)


_DROPPED = "(debugregel weggelaten)"


def clean_record(record: logging.LogRecord, keep_debug: bool = False) -> bool:
    """Scrub `record` in place; False if it must not be written at all."""
    try:
        if (not keep_debug and record.levelno < logging.INFO
                and record.name.startswith(_QUIET_DEBUG)):
            return False
        message = record.getMessage()
        cleaned = (_USER_TEXT_WARNING_REPLACEMENT if _USER_TEXT_WARNINGS.search(message)
                   else scrub(message))
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[0] is not None and not getattr(record, "_scrubbed", False):
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        if record.name.startswith("sanic.access") and hasattr(record, "host"):
            record.host = "-"
        record._scrubbed = True
    except Exception:  # never let logging break a reply
        record.msg, record.args, record.exc_info, record.exc_text = "(logregel niet leesbaar)", None, None, None
    return True


def install() -> None:
    """Clean every log record of this process when it is created (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    keep_debug = os.environ.get("VRAAGBAAK_DEBUG_LOG") == "1"
    base = logging.getLogRecordFactory()

    def clean_factory(*args, **kwargs) -> logging.LogRecord:
        record = base(*args, **kwargs)
        if not clean_record(record, keep_debug):
            record.msg, record.args, record.exc_info, record.exc_text = _DROPPED, None, None, None
            record.stack_info = None
        return record

    logging.setLogRecordFactory(clean_factory)
    logging.captureWarnings(True)


def uninstall() -> None:
    """Undo `install()` (for tests)."""
    global _installed
    logging.setLogRecordFactory(_original_factory)
    logging.captureWarnings(False)
    _installed = False
