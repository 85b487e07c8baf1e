"""Plain data classes for the knowledge base, built from the YAML files."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, List, Optional


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
class Entry(Reviewed):
    """A fact, explanation or quote. Only `vetted` entries are served."""

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
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Organisation(Reviewed):
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
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Situation(Reviewed):
    id: str
    role: str
    title: str
    text: str
    organisations: tuple
    status: str
    checked: dt.date
    questions: tuple
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class CrisisRule:
    id: str
    kind: str  # danger | suicide
    organisation: str
    text: str
    patterns: tuple
    exclude_patterns: tuple = ()
    follow_up: Optional[str] = None
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

    def item(self, item_id: str):
        """The entry, organisation or situation with this id, or None."""
        return (
            self.entries.get(item_id)
            or self.organisations.get(item_id)
            or self.situations.get(item_id)
        )

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
