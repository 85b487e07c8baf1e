"""Turn knowledge items into the Dutch texts the assistant sends.

Only the fixed words around the content live here ("Bron:", "Bel"); every figure,
number, hour and name comes from the knowledge item.
"""
from __future__ import annotations

import datetime as dt
from typing import List

from actions.knowledge.model import CrisisRule, Entry, KnowledgeBase, Organisation, Situation

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")


def dutch_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def source_line(kb: KnowledgeBase, entry: Entry) -> str:
    source = kb.sources[entry.source]
    page = f", {entry.source_page}" if entry.source_page else ""
    if entry.kind == "figure":
        return f"Bron: {source.citation}{page}. Het cijfer gaat over: {entry.period}."
    return f"Bron: {source.citation}{page}."


def entry_text(kb: KnowledgeBase, entry: Entry) -> str:
    return f"{entry.text}\n{source_line(kb, entry)}"


def answer_texts(kb: KnowledgeBase, entry: Entry) -> List[str]:
    """The entry as messages; a newer figure for the same question goes first."""
    versions = kb.same_question(entry)
    if len(versions) <= 1:
        return [entry_text(kb, entry)]
    newest, previous = versions[0], versions[1]  # the newest, then one older figure for comparison
    return [entry_text(kb, newest), f"Een ouder cijfer over dezelfde vraag:\n{entry_text(kb, previous)}"]


def source_details(kb: KnowledgeBase, item) -> str:
    source = kb.sources[item.source]
    parts = [f"Dit komt uit: {source.citation}.", f"Uitgever: {source.publisher}."]
    if isinstance(item, Entry):
        if item.source_page:
            parts.append(f"Vindplaats: {item.source_page}.")
        if item.kind == "figure":
            parts.append(f"Het cijfer gaat over: {item.period}.")
    if source.url:
        parts.append(f"Link: {source.url}")
    parts.append(f"Voor het laatst gecontroleerd op {dutch_date(item.checked)}.")
    return "\n".join(parts)


def organisation_card(org: Organisation) -> str:
    lines = [f"{org.name}: {org.for_whom}"]
    if org.phone:
        phone = org.phone + (f" of {org.phone_alt}" if org.phone_alt else "")
        note = f" ({org.phone_note})" if org.phone_note else ""
        lines.append(f"Bel {phone}{note}.")
    if org.chat:
        lines.append(f"Chat: {org.chat}")
    if org.web:
        lines.append(f"Website: {org.web}")
    if org.hours:
        lines.append(f"Wanneer: {org.hours}")
    elif not org.emergency:
        lines.append("Wanneer: de tijden zijn niet gecontroleerd; kijk op de website.")
    if org.anonymous:
        lines.append(f"Anoniem: {org.anonymous}")
    elif not org.emergency:
        lines.append("Anoniem: dat weet ik niet zeker. Vraag het aan het begin van het gesprek.")
    lines.append(f"(Gegevens gecontroleerd op {dutch_date(org.checked)}.)")
    return "\n".join(lines)


def anonymity_text(org: Organisation) -> str:
    if org.anonymous:
        return f"{org.name}: {org.anonymous}"
    return f"Ik weet niet zeker of {org.name} anoniem kan. Vraag het aan het begin van het gesprek."


def situation_texts(kb: KnowledgeBase, situation: Situation, limit: int = 3) -> List[str]:
    texts = [situation.text]
    for org_id in situation.organisations[:limit]:
        org = kb.organisations.get(org_id)
        if org and org.vetted:
            texts.append(organisation_card(org))
    return texts


def crisis_texts(kb: KnowledgeBase, rule: CrisisRule) -> List[str]:
    org = kb.organisations[rule.organisation]
    texts = [rule.text.replace("{phone}", org.phone)]
    if rule.follow_up:
        texts.append(rule.follow_up.replace("{phone}", org.phone))
    return texts


def button_title(item) -> str:
    if isinstance(item, Entry):
        return item.questions[0]
    if isinstance(item, Organisation):
        return f"Contact: {item.name}"
    return item.title
