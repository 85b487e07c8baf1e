"""Plain data classes for the knowledge base, built from the YAML files."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional

HOME_LANGUAGE = "nl"


@dataclass(frozen=True)
class Evidence:
    """The source's own words that support a claim, where they stand and when they were read.

    `summary` is True for a piece that is not the publisher's own words but the team's
    summary of a named publication (`summary: true` in the YAML). Items keep those apart
    in `summaries`: `evidence` holds only real quotes, so nothing shows a summary as a quote.
    """

    quote: str
    where: str
    read: Optional[dt.date]
    line: int = 0
    summary: bool = False


@dataclass(frozen=True)
class Translation:
    """One language version of an item's translatable fields."""

    lang: str
    fields: Mapping[str, str]
    translated: Optional[dt.date] = None
    from_nl: Optional[str] = None
    line: int = 0


def fingerprint(texts) -> str:
    """A short fingerprint of Dutch texts; whitespace and line breaks do not count."""
    joined = "\n".join(re.sub(r"\s+", " ", str(t or "")).strip() for t in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:10]


class Translatable:
    """Items with `translations`: lang -> Translation of the fields in TRANSLATABLE."""

    TRANSLATABLE: tuple = ()
    translations: Mapping[str, Translation]

    def dutch_fields(self) -> Dict[str, str]:
        """The translatable fields that have a Dutch text."""
        return {name: str(getattr(self, name)) for name in self.TRANSLATABLE if getattr(self, name, None)}

    def dutch_fingerprint(self) -> str:
        fields = self.dutch_fields()
        return fingerprint(f"{name}={fields[name]}" for name in sorted(fields))

    def localized(self, field_name: str, lang: str = HOME_LANGUAGE) -> Optional[str]:
        """The field in `lang`, or the Dutch text when there is no translation."""
        translation = self.translations.get(lang) if lang != HOME_LANGUAGE else None
        if translation is not None and translation.fields.get(field_name):
            return translation.fields[field_name]
        return getattr(self, field_name, None)

    def text_in(self, lang: str = HOME_LANGUAGE) -> Optional[str]:
        return self.localized("text", lang)

    def has_language(self, lang: str) -> bool:
        return lang == HOME_LANGUAGE or lang in self.translations


def localized(item, field_name: str, lang: str = HOME_LANGUAGE) -> Optional[str]:
    """`item.field_name` in `lang`, falling back to Dutch (also for items without translations)."""
    if isinstance(item, Translatable):
        return item.localized(field_name, lang)
    return getattr(item, field_name, None)


class Reviewed:
    """Items with a review status: only `vetted` ones are ever served."""

    status: str

    @property
    def vetted(self) -> bool:
        return self.status == "vetted"


@dataclass(frozen=True)
class Source:
    id: str
    citation: str
    publisher: str
    year: int
    url: Optional[str] = None


@dataclass(frozen=True)
class Entry(Reviewed, Translatable):
    """A fact, explanation or quote. Only `vetted` entries are served."""

    TRANSLATABLE = ("text",)

    id: str
    kind: str
    topic: str
    text: str
    values: tuple
    period: str
    year: int
    source: str
    status: str
    checked: dt.date
    questions: tuple
    group: Optional[str] = None
    population: Optional[str] = None
    form: Optional[str] = None
    source_page: Optional[str] = None
    related: tuple = ()
    evidence: tuple = ()
    summaries: tuple = ()
    translations: Mapping[str, Translation] = field(default_factory=dict, compare=False)
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Organisation(Reviewed, Translatable):
    TRANSLATABLE = ("for_whom", "hours", "anonymous", "chat", "phone_note")

    id: str
    name: str
    for_whom: str
    source: str
    status: str
    checked: dt.date
    questions: tuple
    aliases: tuple = ()
    phone: Optional[str] = None
    phone_alt: Optional[str] = None
    phone_note: Optional[str] = None
    web: Optional[str] = None
    chat: Optional[str] = None
    hours: Optional[str] = None
    anonymous: Optional[str] = None
    staffed: bool = False
    emergency: bool = False
    values: tuple = ()
    evidence: tuple = ()
    summaries: tuple = ()
    translations: Mapping[str, Translation] = field(default_factory=dict, compare=False)
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Situation(Reviewed, Translatable):
    TRANSLATABLE = ("title", "text")

    id: str
    role: str
    title: str
    text: str
    organisations: tuple
    status: str
    checked: dt.date
    questions: tuple
    translations: Mapping[str, Translation] = field(default_factory=dict, compare=False)
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class CrisisRule(Translatable):
    TRANSLATABLE = ("text", "follow_up")

    id: str
    kind: str  # danger | suicide
    organisation: str
    text: str
    patterns: tuple
    exclude_patterns: tuple = ()
    follow_up: Optional[str] = None
    # Messages that mean this crisis, in every language, for the check by meaning
    # (actions/knowledge/crisis_meaning.py); and look-alikes that use its words but do not.
    meaning: tuple = ()
    look_alikes: tuple = ()
    translations: Mapping[str, Translation] = field(default_factory=dict, compare=False)
    file: str = ""
    line: int = 0


@dataclass
class KnowledgeBase:
    sources: Dict[str, Source] = field(default_factory=dict)
    entries: Dict[str, Entry] = field(default_factory=dict)
    organisations: Dict[str, Organisation] = field(default_factory=dict)
    situations: Dict[str, Situation] = field(default_factory=dict)
    crisis: List[CrisisRule] = field(default_factory=list)
    synonyms: Dict[str, List[str]] = field(default_factory=dict)
    # knowledge/languages.yml: code -> {"name": ..., "scope": "full"|"help", "situations": [...], ...}
    languages: Dict[str, dict] = field(default_factory=dict)
    # Words that mark a hedge: {"evidence": [...], "text": [...]} (knowledge/languages.yml)
    hedges: Dict[str, List[str]] = field(default_factory=dict)
    # knowledge/interface.yml: key -> {lang: text}, the fixed words around content
    interface: Dict[str, Dict[str, str]] = field(default_factory=dict)

    def word(self, key: str, lang: str = HOME_LANGUAGE) -> str:
        """A fixed interface text in `lang`, falling back to Dutch."""
        texts = self.interface.get(key) or {}
        return texts.get(lang) or texts.get(HOME_LANGUAGE) or ""

    def emergency_organisation(self) -> Optional["Organisation"]:
        """The vetted emergency organisation (112)."""
        return next((o for o in self.organisations.values() if o.emergency and o.vetted and o.phone), None)

    def item(self, item_id: str):
        """The entry, organisation or situation with this id, or None."""
        return (
            self.entries.get(item_id)
            or self.organisations.get(item_id)
            or self.situations.get(item_id)
        )

    def is_help_language(self, lang: str) -> bool:
        """A language with scope "help" in languages.yml: help and crisis only."""
        return (self.languages.get(lang) or {}).get("scope") == "help"

    def vetted_entries(self) -> List[Entry]:
        return [e for e in self.entries.values() if e.vetted]

    def same_question(self, entry: Entry) -> List[Entry]:
        """Vetted entries answering the same question as `entry`, newest first.

        Entries share a question when they share a group and a population (a group may also
        hold the boys/girls pair of one figure, which are different questions).
        """
        if not entry.group:
            return [entry]
        found = [
            e
            for e in self.vetted_entries()
            if e.group == entry.group and e.population == entry.population
        ]
        return sorted(found, key=lambda e: (-e.year, e.id))

    def counterpart(self, entry: Entry, population: str) -> Optional[Entry]:
        """The newest vetted entry of the same group about another population."""
        if not entry.group:
            return None
        found = [
            e
            for e in self.vetted_entries()
            if e.group == entry.group and e.population == population
        ]
        return max(found, key=lambda e: (e.year, e.id)) if found else None
