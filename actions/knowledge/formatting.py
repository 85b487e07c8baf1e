"""Turn knowledge items into the texts the assistant sends, in the visitor's language.

The fixed words around the content ("Bron:", "Bel") come from knowledge/interface.yml;
every figure, number, hour and name comes from the knowledge item. Every public function
takes `lang` (default "nl") and falls back to Dutch per field when a translation is missing.
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Dict, List, Optional

from actions.knowledge.loader import default_interface
from actions.knowledge.model import (HOME_LANGUAGE, CrisisRule, Entry, KnowledgeBase, Organisation,
                                     Situation, localized)

_FALLBACK_INTERFACE: Optional[Dict[str, Dict[str, str]]] = None


def _interface(kb: Optional[KnowledgeBase]) -> Dict[str, Dict[str, str]]:
    global _FALLBACK_INTERFACE
    if kb is not None and kb.interface:
        return kb.interface
    if _FALLBACK_INTERFACE is None:
        _FALLBACK_INTERFACE = default_interface()
    return _FALLBACK_INTERFACE


def word(kb: Optional[KnowledgeBase], key: str, lang: str = HOME_LANGUAGE, **values) -> str:
    """An interface text in `lang` (Dutch when missing), with its {places} filled in."""
    texts = _interface(kb).get(key) or {}
    template = texts.get(lang) or texts.get(HOME_LANGUAGE) or ""
    try:
        return template.format(**values) if values else template
    except (KeyError, IndexError, ValueError):  # a broken translation: use the Dutch text
        return (texts.get(HOME_LANGUAGE) or "").format(**values)


def local_date(day: dt.date, lang: str = HOME_LANGUAGE, kb: Optional[KnowledgeBase] = None) -> str:
    months = [m.strip() for m in word(kb, "months", lang).split(",")]
    if len(months) != 12:
        months = [m.strip() for m in word(kb, "months", HOME_LANGUAGE).split(",")]
    return word(kb, "date", lang, day=day.day, month=months[day.month - 1], year=day.year)


def dutch_date(day: dt.date) -> str:
    return local_date(day, HOME_LANGUAGE)


def _citation(kb: KnowledgeBase, entry: Entry) -> str:
    source = kb.sources[entry.source]
    return source.citation + (f", {entry.source_page}" if entry.source_page else "")


def source_line(kb: KnowledgeBase, entry: Entry, lang: str = HOME_LANGUAGE) -> str:
    """The source under an answer; the citation and period stay in Dutch (they name the source)."""
    line = word(kb, "source_line", lang, citation=_citation(kb, entry))
    if entry.kind == "figure":
        line += " " + word(kb, "figure_period", lang, period=entry.period)
    return line


def entry_text(kb: KnowledgeBase, entry: Entry, lang: str = HOME_LANGUAGE) -> str:
    return f"{entry.text_in(lang)}\n{source_line(kb, entry, lang)}"


def answer_texts(kb: KnowledgeBase, entry: Entry, lang: str = HOME_LANGUAGE) -> List[str]:
    """The entry as messages; a newer figure for the same question goes first."""
    shown = shown_entries(kb, entry)
    if len(shown) == 1:
        return [entry_text(kb, shown[0], lang)]
    newest, previous = shown  # the newest, then one older figure for comparison
    return [entry_text(kb, newest, lang), f"{word(kb, 'older_figure', lang)}\n{entry_text(kb, previous, lang)}"]


def shown_entries(kb: KnowledgeBase, entry: Entry) -> List[Entry]:
    """The entries `answer_texts` shows for `entry`: the newest version first, then one older
    for comparison (the asked entry itself when it is not the newest)."""
    versions = kb.same_question(entry)
    if len(versions) <= 1 or entry not in versions:
        return [entry] if len(versions) <= 1 else versions[:2]
    newest = versions[0]
    return [newest, entry if entry is not newest else versions[1]]


def source_details(kb: KnowledgeBase, item, lang: str = HOME_LANGUAGE) -> str:
    source = kb.sources[item.source]
    parts = [word(kb, "details_from", lang, citation=source.citation),
             word(kb, "details_publisher", lang, publisher=source.publisher)]
    if isinstance(item, Entry):
        if item.source_page:
            parts.append(word(kb, "details_where", lang, page=item.source_page))
        if item.kind == "figure":
            parts.append(word(kb, "figure_period", lang, period=item.period))
    if source.url:
        parts.append(word(kb, "details_link", lang, url=source.url))
    parts.append(word(kb, "details_checked", lang, date=local_date(item.checked, lang, kb)))
    return "\n".join(parts)


def evidence_texts(kb: KnowledgeBase, item, lang: str = HOME_LANGUAGE) -> List[str]:
    """'Letterlijk uit <bron>, <waar> (gelezen op <datum>): “<citaat>”' for each quote of `item`
    (for an entry: of every version the answer showed). Empty when there is no evidence."""
    items = shown_entries(kb, item) if isinstance(item, Entry) else [item]
    lines = []
    for shown in items:
        if isinstance(shown, Organisation):
            citation = shown.name
        else:
            source = kb.sources.get(shown.source)
            citation = source.citation if source else ""
        for piece in getattr(shown, "evidence", ()):
            if not piece.quote:
                continue
            lines.append(word(kb, "evidence_line", lang, citation=citation, where=piece.where,
                              date=local_date(piece.read, lang, kb) if piece.read else "?",
                              quote=piece.quote))
    return lines


def evidence_button(kb: KnowledgeBase, item, lang: str = HOME_LANGUAGE) -> Optional[Dict[str, str]]:
    """The button 'Wat zegt de bron precies?' after an item that has evidence, else None."""
    if not isinstance(item, Entry) or not any(p.quote for e in shown_entries(kb, item) for p in e.evidence):
        return None
    return {"title": word(kb, "evidence_button", lang), "payload": "/ask_evidence"}


def _phone_line(org: Organisation, lang: str, kb: Optional[KnowledgeBase]) -> str:
    phone = org.phone + (f" {word(kb, 'or', lang)} {org.phone_alt}" if org.phone_alt else "")
    note = localized(org, "phone_note", lang)
    if note:
        phone += f" ({note})"
    return word(kb, "call", lang, phone=phone)


def organisation_card(org: Organisation, lang: str = HOME_LANGUAGE, kb: Optional[KnowledgeBase] = None) -> str:
    lines = [f"{org.name}: {localized(org, 'for_whom', lang)}"]
    if org.phone:
        lines.append(_phone_line(org, lang, kb))
    if org.chat:
        lines.append(word(kb, "chat", lang, chat=localized(org, "chat", lang)))
    if org.web:
        lines.append(word(kb, "website", lang, web=org.web))
    if org.hours:
        lines.append(word(kb, "when", lang, hours=localized(org, "hours", lang)))
    elif not org.emergency:
        lines.append(word(kb, "hours_unknown", lang))
    if org.anonymous:
        lines.append(word(kb, "anonymous", lang, anonymous=localized(org, "anonymous", lang)))
    elif not org.emergency:
        lines.append(word(kb, "anonymous_unknown", lang))
    lines.append(word(kb, "data_checked", lang, date=local_date(org.checked, lang, kb)))
    return "\n".join(lines)


def anonymity_text(org: Organisation, lang: str = HOME_LANGUAGE, kb: Optional[KnowledgeBase] = None) -> str:
    if org.anonymous:
        return word(kb, "anonymity_named", lang, name=org.name, anonymous=localized(org, "anonymous", lang))
    return word(kb, "anonymity_unknown", lang, name=org.name)


def situation_texts(kb: KnowledgeBase, situation: Situation, limit: int = 3, lang: str = HOME_LANGUAGE) -> List[str]:
    texts = [situation.text_in(lang)]
    for org_id in situation.organisations[:limit]:
        org = kb.organisations.get(org_id)
        if org and org.vetted:
            texts.append(organisation_card(org, lang, kb))
    return texts


def crisis_texts(kb: KnowledgeBase, rule: CrisisRule, lang: str = HOME_LANGUAGE) -> List[str]:
    """The crisis messages: {phone} is the rule's organisation, {emergency} the alarm number (112)."""
    org = kb.organisations[rule.organisation]
    emergency = kb.emergency_organisation()
    numbers = {"{phone}": org.phone, "{emergency}": emergency.phone if emergency else org.phone}

    def fill(text: str) -> str:
        for place, number in numbers.items():
            text = text.replace(place, number or "")
        return text

    texts = [fill(rule.text_in(lang))]
    follow_up = rule.localized("follow_up", lang)
    if follow_up:
        texts.append(fill(follow_up))
    return texts


@functools.lru_cache(maxsize=4096)
def _question_in(questions: tuple, lang: str) -> str:
    """The first example question written in `lang` (the first one when there is none)."""
    import re

    from actions.knowledge.language import _dutch_share, detect

    def written_in(question: str) -> bool:
        words = re.findall(r"[^\W\d_]+", question)
        return len(words) >= 4 and _dutch_share(words) < 0.3 and detect(question, None) == lang

    well_formed = [q for q in questions if q.rstrip().endswith("?")]
    return next((q for q in well_formed + list(questions) if written_in(q)), questions[0])


def button_title(item, lang: str = HOME_LANGUAGE, kb: Optional[KnowledgeBase] = None) -> str:
    if isinstance(item, Entry):
        return item.questions[0] if lang == HOME_LANGUAGE else _question_in(tuple(item.questions), lang)
    if isinstance(item, Organisation):
        return word(kb, "contact_button", lang, name=item.name)
    return item.localized("title", lang)
