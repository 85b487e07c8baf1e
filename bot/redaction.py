"""Remove personal data from text before it is stored or logged.

`redact(text)` replaces what looks like personal data with a placeholder in square
brackets. It errs on the side of removing too much: a year written as "2019ab" or a
long reference number is also removed. It is used

- by `bot.stores.RedactingSQLTrackerStore`, before a conversation is written to the
  database (the assistant itself only needs the original text during the current turn);
- by `bot.logfilter`, on every log line.

What is recognised (Dutch context):

| placeholder   | examples                                                    |
| ------------- | ----------------------------------------------------------- |
| [E-MAIL]      | naam@voorbeeld.nl, n.a.a.m+x@mail.co.uk                     |
| [IBAN]        | NL91ABNA0417164300, NL91 ABNA 0417 1643 00, BE68…           |
| [TELEFOON]    | 06-12345678, +31 6 1234 5678, 0031612345678, 020 123 4567   |
| [NUMMER]      | BSN-like 9-digit numbers (123456782, 123.456.782), and any  |
|               | other run of 7 or more digits (card numbers, dates of birth |
|               | like 12-05-2010)                                            |
| [POSTCODE]    | 1234AB, 1234 ab, 1234 AB                                    |
| [ADRES]       | Kerkstraat 12, dorpsweg 3a                                  |
| [NAAM]        | "ik heet Sanne", "mijn naam is jan de Vries", "ik ben Ali", |
|               | "noem me Kim", "mijn oom heet Piet", "genaamd Bram"         |
| [LINK]        | URLs with a path or query (they can carry ids or names)     |

Names are only recognised after such phrases: a name in the middle of a sentence
("gisteren zag ik Piet") cannot be told apart from other words and stays.
"""
from __future__ import annotations

import re
from typing import Any

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)

# IBAN: two letters, two check digits, then 11-30 letters/digits, optionally in groups of 4.
IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?:[ ][A-Z0-9]{4}){2,7}(?:[ ][A-Z0-9]{1,4})?)\b",
    re.IGNORECASE,
)

URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)]", re.IGNORECASE)

_SEP = r"[ .\-/]?"
# International: +31 / 0031 and other country codes, then 7-12 more digits with separators,
# optionally "(0)".
PHONE_INTL = re.compile(
    r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}" + _SEP + r"(?:\(0\)" + _SEP + r")?\d(?:" + _SEP + r"\d){6,11}(?!\d)"
)
# National Dutch numbers: 0 followed by 9 digits (06-12345678, 020-1234567, 010 123 45 67),
# optionally with the area code in brackets: (020) 123 4567.
PHONE_NL = re.compile(
    r"(?<![\w(])0\d(?:" + _SEP + r"\d){7,8}(?!\d)"
    r"|\(0\d{1,3}\)[ ]?\d(?:" + _SEP + r"\d){5,7}(?!\d)"
)
# Service numbers: 0800/0900/0880 + 4 or 7 digits.
PHONE_SERVICE = re.compile(r"(?<!\d)0(?:800|900|906|909|880|85|88)" + _SEP + r"\d(?:" + _SEP + r"\d){3,6}(?!\d)")

# Any other run of 7 or more digits, possibly grouped by spaces, dots, dashes or slashes
# (BSN, bank card, date of birth, client numbers).
LONG_NUMBER = re.compile(r"(?<![\w])\d(?:" + _SEP + r"\d){6,}(?![\w])")

# Dutch postcode: 4 digits (not starting with 0) and 2 letters. Written without a space
# any letters count; with a space, capitals always count and lower case only when the two
# letters are not a common short word ("in 2019 en 2020").
_SHORT_WORDS = ("en|in|op|is|of|om|te|ik|je|de|al|na|zo|nu|er|ze|we|as|at|bc|"
                "uur|jr|km|kg|cm|mm|ml|mg|ct|pm|am|nd|st|ee")
POSTCODE = re.compile(
    r"(?<![\w])[1-9]\d{3}(?:[A-Za-z]{2}|[ ][A-Z]{2}|[ ](?!(?:" + _SHORT_WORDS + r")\b)[a-z]{2})(?![\w])"
)

_STREET_SUFFIX = ("straat|laan|weg|plein|gracht|singel|kade|dijk|hof|park|steeg|pad|"
                  "dreef|erf|wal|markt|baan|haven|veld|ring|boulevard|allee")
ADDRESS = re.compile(
    r"\b[A-Za-zÀ-ÿ'-]*(?:" + _STREET_SUFFIX + r")\s+\d{1,5}\s?(?:[a-zA-Z](?![\w])|-\d+)?",
    re.IGNORECASE,
)

# Names after a phrase that introduces one. The trigger is kept, the name replaced.
_NAME_WORD = r"[^\W\d_][\w'’-]*"
_CAPITALISED = r"(?-i:[A-ZÀ-Þ])[\w'’-]*"
_PARTICLES = r"(?:van|de|der|den|ter|ten|'t|’t|la|le|el|bin|da|di|du|von|zu|mc)"
# More words of a name: particles followed by a word ("jan de vries", "Jan van der Berg"),
# or a capitalised word ("Jan Jansen").
_TAIL = r"(?:(?:\s+" + _PARTICLES + r")+\s+" + _NAME_WORD + r"|\s+" + _CAPITALISED + r")"
_NAME = _NAME_WORD + _TAIL + "{0,3}"
NAME_ANY_CASE = re.compile(
    r"(?P<trigger>\b(?:ik\s+heet|ik\s+hiet|heet|heten|hete|mijn\s+naam\s+is|m'n\s+naam\s+is|"
    r"mn\s+naam\s+is|zijn\s+naam\s+is|haar\s+naam\s+is|hun\s+naam\s+is|de\s+naam\s+is|"
    r"naam\s*:|noem\s+me|noem\s+mij|noemen\s+me|noemen\s+mij|genaamd|genoemd|"
    r"my\s+name\s+is|i\s+am\s+called|call\s+me)\s+)"
    r"(?P<name>" + _NAME + r")",
    re.IGNORECASE,
)
# "ik ben X" / "dit is X" / "i'm X" only when X starts with a capital: "ik ben bang" stays.
_NOT_NAMES = {
    "ik", "het", "de", "een", "niet", "nog", "al", "echt", "heel", "erg", "zo", "wel", "ook",
    "bang", "alleen", "jong", "oud", "ziek", "boos", "verdrietig", "blij", "moe", "bezorgd",
    "slachtoffer", "meisje", "jongen", "vrouw", "man", "kind", "ouder", "moeder", "vader",
    "nederlands", "nederlandse", "hier", "daar", "thuis", "weg", "klaar", "zwanger", "homo",
    "lesbisch", "trans", "student", "leerling", "docent", "leraar", "politie", "hulpverlener",
    "sorry", "ok", "oke", "oké", "goed", "benieuwd", "geen", "gewoon", "misschien", "zeker",
    "the", "a", "an", "not", "so", "very", "okay", "fine", "scared", "afraid", "here", "sorry",
}
NAME_CAPITALISED = re.compile(
    r"(?P<trigger>\b(?i:ik\s+ben|dit\s+is|hier\s+is|i'm|i\s+am|this\s+is)\s+)"
    r"(?P<name>" + _CAPITALISED + _TAIL + "{0,3})",
)

PLACEHOLDER = re.compile(r"\[(?:E-MAIL|IBAN|TELEFOON|NUMMER|POSTCODE|ADRES|NAAM|LINK)\]")


def _name_sub(match: re.Match) -> str:
    name = match.group("name")
    if PLACEHOLDER.fullmatch(name):
        return match.group(0)
    return match.group("trigger") + "[NAAM]"


def _capitalised_name_sub(match: re.Match) -> str:
    name = match.group("name")
    first = name.split()[0].lower()
    if first in _NOT_NAMES:
        return match.group(0)
    return match.group("trigger") + "[NAAM]"


def _iban_sub(match: re.Match) -> str:
    value = match.group(0)
    compact = value.replace(" ", "")
    # An IBAN has at least some digits after the bank code; "NL12 gebruikers..." is no IBAN.
    if len(compact) < 15 or sum(c.isdigit() for c in compact) < 8:
        return value
    return "[IBAN]"


def redact(text: str) -> str:
    """`text` with personal data replaced by placeholders such as [TELEFOON]."""
    if not text or not isinstance(text, str):
        return text
    text = EMAIL.sub("[E-MAIL]", text)
    text = URL.sub(lambda m: "[LINK]" if ("/" in m.group(0)[8:] or "?" in m.group(0)) else m.group(0), text)
    text = IBAN.sub(_iban_sub, text)
    text = PHONE_INTL.sub("[TELEFOON]", text)
    text = PHONE_SERVICE.sub("[TELEFOON]", text)
    text = PHONE_NL.sub("[TELEFOON]", text)
    text = LONG_NUMBER.sub("[NUMMER]", text)
    text = POSTCODE.sub("[POSTCODE]", text)
    text = ADDRESS.sub("[ADRES]", text)
    text = NAME_ANY_CASE.sub(_name_sub, text)
    text = NAME_CAPITALISED.sub(_capitalised_name_sub, text)
    return text


def redact_value(value: Any) -> Any:
    """Redact every string inside nested dicts and lists (for metadata)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(item) for item in value]
    return value


def redact_event(event: dict) -> dict:
    """A copy of a serialised Rasa event with the user's text redacted.

    Only `user` events carry what a person typed: their `text`, `parse_data.text`, the
    text and value of extracted entities, and channel `metadata` are redacted. Other
    events (bot replies from the knowledge base, actions, slots holding ids) are kept.
    """
    if event.get("event") != "user":
        return event
    event = dict(event)
    if isinstance(event.get("text"), str):
        event["text"] = redact(event["text"])
    if "metadata" in event:
        event["metadata"] = redact_value(event["metadata"])
    parse_data = event.get("parse_data")
    if isinstance(parse_data, dict):
        parse_data = dict(parse_data)
        original = parse_data.get("text") if isinstance(parse_data.get("text"), str) else ""
        redacted = redact(original)
        parse_data["text"] = redacted if original else parse_data.get("text")
        if "metadata" in parse_data:
            parse_data["metadata"] = redact_value(parse_data["metadata"])
        if "entities" in parse_data:
            parse_data["entities"] = [_redact_entity(entity, original, redacted)
                                      for entity in parse_data.get("entities") or []]
        event["parse_data"] = parse_data
    return event


def _redact_entity(entity: Any, original: str, redacted: str) -> Any:
    """An entity survives only if the words it was found in survived redaction."""
    if not isinstance(entity, dict):
        return entity
    entity = dict(entity)
    surface = entity.get("text")
    start, end = entity.get("start"), entity.get("end")
    if not isinstance(surface, str) and isinstance(start, int) and isinstance(end, int):
        surface = original[start:end]
    if isinstance(surface, str) and surface and surface not in redacted:
        for key in ("value", "text"):
            if key in entity:
                entity[key] = "[VERWIJDERD]"
        return entity
    for key in ("value", "text"):
        entity[key] = redact_value(entity[key]) if key in entity else None
        if entity[key] is None:
            del entity[key]
    return entity
