"""Turn knowledge items into the texts the assistant sends, in the visitor's language.

The fixed words around the content ("Bron:", "Bel") come from knowledge/interface.yml;
every figure, number, hour and name comes from the knowledge item. Every public function
takes `lang` (default "nl") and falls back to Dutch per field when a translation is missing.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlsplit

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
    """The card as text (REST channel, integrations, tests): every fact the directory has,
    one per line. A fact the directory does not have is left out, not written as "not sure"."""
    lines = [f"{org.name}: {localized(org, 'for_whom', lang)}"]
    if org.phone:
        lines.append(_phone_line(org, lang, kb))
    if org.chat:
        lines.append(word(kb, "chat", lang, chat=localized(org, "chat", lang)))
    if org.web:
        lines.append(word(kb, "website", lang, web=org.web))
    lines.extend(_card_details(org, lang, kb))
    return "\n".join(lines)


def _card_details(org: Organisation, lang: str, kb: Optional[KnowledgeBase]) -> List[str]:
    """Hours, anonymity and the checked date: what a phone card shows one tap away."""
    lines = []
    if org.hours:
        lines.append(word(kb, "when", lang, hours=localized(org, "hours", lang)))
    if org.anonymous:
        lines.append(word(kb, "anonymous", lang, anonymous=localized(org, "anonymous", lang)))
    lines.append(word(kb, "data_checked", lang, date=local_date(org.checked, lang, kb)))
    return lines


SHORTEST_NUMBER, LONGEST_NUMBER = 3, 15  # digits in a phone number (E.164 allows 15)
_TEL_DIGITS = re.compile(rf"\+?\d{{{SHORTEST_NUMBER},{LONGEST_NUMBER}}}")


def tel_href(phone: str) -> Optional[str]:
    """'tel:08002000' for '0800-2000' (digits, and a leading + for an international number)."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    digits = digits[0] + digits[1:].replace("+", "") if digits else ""
    return f"tel:{digits}" if _TEL_DIGITS.fullmatch(digits) else None


def https_url(url: Optional[str]) -> Optional[str]:
    """`url` when it is an https address with a host, else None (nothing else becomes a link)."""
    parts = urlsplit((url or "").strip())
    if parts.scheme == "https" and parts.hostname and not parts.username and not parts.password:
        return parts.geturl()
    return None


_DOMAIN = re.compile(r"(?<![\w@.-])((?:[a-z\d-]+\.)+(?:nl|com|org|eu|net|info))(?![\w-])", re.IGNORECASE)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def chat_url(org: Organisation) -> Optional[str]:
    """Where the chat button goes: `chat_url` when the directory has one; else the website
    when the chat text names the website's own domain ("Chat via kindertelefoon.nl"), or the
    https address of the other domain it names ("via chatmetfier.nl"). None when the chat
    text names no site (an app, for example)."""
    own = https_url(getattr(org, "chat_url", None))
    if own:
        return own
    named = [m.group(1).lower() for m in _DOMAIN.finditer(org.chat or "")]
    if not named:
        return None
    web = https_url(org.web)
    if web and _host(web) in [d[4:] if d.startswith("www.") else d for d in named]:
        return web
    return https_url(f"https://{named[0]}")


def phone_numbers(org: Organisation) -> List[str]:
    return [p for p in (org.phone, org.phone_alt) if p]


def first_sentence(text: str) -> Tuple[str, str]:
    """('first sentence', 'the rest'): a sentence ends at . ! or ? before a capital letter."""
    text = " ".join(text.split())
    for match in re.finditer(r"[.!?]\s+", text):
        following = text[match.end():match.end() + 1]
        if following.isupper() or following.isdigit():
            return text[:match.end()].strip(), text[match.end():].strip()
    return text, ""


def organisation_card_data(org: Organisation, lang: str = HOME_LANGUAGE,
                           kb: Optional[KnowledgeBase] = None) -> Dict[str, object]:
    """The card as data, for a channel that draws it (the website): the name, one line on
    what the service is for, the numbers with their tel: addresses, the chat and website
    (https only) and, one tap away, the details (hours, anonymity, checked date). Every
    value is the same as in `organisation_card`; nothing unknown is in it."""
    phones = [{"number": p, "href": tel_href(p)} for p in phone_numbers(org) if tel_href(p)]
    chat_text = localized(org, "chat", lang) if org.chat else None
    purpose, more = first_sentence(localized(org, "for_whom", lang) or "")
    details = [more] if more else []
    if chat_text:
        details.append(word(kb, "chat", lang, chat=chat_text))
    details.extend(_card_details(org, lang, kb))
    return {
        "type": "organisation",
        "id": org.id,
        "lang": lang,
        "name": org.name,
        "purpose": purpose,
        "phones": phones,
        "phone_note": localized(org, "phone_note", lang) if org.phone_note else None,
        "chat_url": chat_url(org) if org.chat else None,
        "web_url": https_url(org.web),
        "emergency": bool(org.emergency),
        "details": details,
    }


_CARD_INDEX: Tuple[Optional[KnowledgeBase], Dict[str, List[Tuple[str, str]]]] = (None, {})


def card_for_text(kb: KnowledgeBase, text: str, prefer: Optional[str] = None) -> Optional[Tuple[Organisation, str]]:
    """(organisation, language) when `text` is exactly one of `organisation_card`'s texts,
    else None. A channel that draws cards uses it on the messages the actions sent; the
    language `prefer` wins when the same text exists in more than one language."""
    global _CARD_INDEX
    known, index = _CARD_INDEX
    if known is not kb:
        index = {}
        languages = [HOME_LANGUAGE] + [l for l in sorted(getattr(kb, "languages", None) or ())
                                       if l != HOME_LANGUAGE]
        languages += [l for l in sorted(_interface(kb).get("call") or {}) if l not in languages]
        for org in kb.organisations.values():
            for lang in languages:
                index.setdefault(organisation_card(org, lang, kb), []).append((org.id, lang))
        _CARD_INDEX = (kb, index)
    found = index.get(text)
    if not found:
        return None
    org_id, lang = next((f for f in found if f[1] == prefer), found[0])
    return kb.organisations[org_id], lang


def known_phone_numbers(kb: KnowledgeBase) -> List[Dict[str, str]]:
    """Every phone number in the directory with its tel: address, longest first (so that
    '0800-0113' is found before '113'). A channel makes these tappable in any text."""
    seen = {}
    for org in kb.organisations.values():
        if not org.vetted:
            continue
        for phone in phone_numbers(org):
            href = tel_href(phone)
            if href:
                seen.setdefault(phone, href)
    return [{"number": p, "href": h} for p, h in sorted(seen.items(), key=lambda item: (-len(item[0]), item[0]))]


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
