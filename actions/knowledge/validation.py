"""Content checks on a loaded KnowledgeBase (references, numbers, phones, freshness,
evidence and translations)."""
from __future__ import annotations

import datetime as dt
import re
from typing import List, Optional

from actions.knowledge.loader import ERROR, WARNING, Problem
from actions.knowledge.model import HOME_LANGUAGE, CrisisRule, Entry, KnowledgeBase, Organisation, Situation
from actions.knowledge.numbers import (digits_only, has_digits, numbers_in, occurs_in, phones_in,
                                       placeholders_in, same_number, urls_in)

STATUSES = {"vetted", "needs_review"}
ENTRY_KINDS = {"figure", "explanation", "quote"}
TOPICS = {"mensenhandel", "seksueel_geweld", "rapporteur", "aanpak", "wet"}
CRISIS_KINDS = {"danger", "suicide"}
ROLES = {"kind", "slachtoffer", "ouder_omstander", "professional", "eigen_gevoelens",
         "getuige_arbeid", "anoniem", "mens_spreken"}
# Example questions: entries and situations need many (the search learns from them),
# organisations fewer (people mostly ask for them by name).
MIN_QUESTIONS_ITEM = 20
MIN_QUESTIONS_ORGANISATION = 5
MIN_QUESTIONS = MIN_QUESTIONS_ORGANISATION  # kept for older callers
STALE_AFTER_DAYS = 365
# Severity of "something required is not written yet" (evidence on a figure, a required
# translation or its from_nl fingerprint, a crisis text without the emergency number).
COMPLETENESS = ERROR

# How many organisations a help route shows as cards (formatting.situation_texts).
SHOWN_ORGANISATIONS = 3
# Help routes for these roles must say what to do in danger (112), with the 112 card.
DANGER_LINE_ROLES = {"kind"}
# An evidence `where` that points into the project (a research note, READING.md, a file
# path) instead of a publication; visitors see `where`.
_REPO_PATH = re.compile(r"(?i)(^|[\s(;,])(research|seed|knowledge|tests|docs|bot|actions)/|readme\.md|reading\.md|"
                        r"\.(md|ya?ml|py|txt)\b")
# A "quote" that is a markdown table row or the team's own instruction.
_NOT_A_QUOTE = re.compile(r"(?m)^\s*\||\|\s*$|\bcite it as\b", re.IGNORECASE)
# Dutch numbers: 112/113-style short numbers, or 0 followed by 7-10 more digits.
_PHONE = re.compile(r"^(\d{3}|0[\d -]{7,14}\d)$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def validate(kb: KnowledgeBase, today: Optional[dt.date] = None) -> List[Problem]:
    today = today or dt.date.today()
    problems: List[Problem] = []

    def add(severity, item, message, fix):
        problems.append(Problem(severity, item.file if hasattr(item, "file") else "knowledge/sources.yml",
                                getattr(item, "line", 0), item.id, message, fix))

    def check_common(item, source_id=None):
        if not _ID.match(item.id):
            add(ERROR, item, "Het id mag alleen kleine letters, cijfers en _ bevatten.", "Bijvoorbeeld: mh_slachtoffers_2024.")
        if item.status not in STATUSES:
            add(ERROR, item, f"Onbekende status '{item.status}'.", "Gebruik vetted of needs_review.")
        if item.checked is None:
            add(ERROR, item, "De datum bij 'checked' klopt niet.", "Schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2026-11-28.")
        elif item.checked > today:
            add(ERROR, item, f"De controledatum {item.checked} ligt in de toekomst.", "Vul de datum in waarop je het echt hebt gecontroleerd.")
        elif (today - item.checked).days > STALE_AFTER_DAYS:
            add(WARNING, item, f"Niet meer gecontroleerd sinds {item.checked} (langer dan 12 maanden).",
                "Controleer de bron opnieuw en pas 'checked' aan.")
        if source_id is not None and source_id not in kb.sources:
            add(ERROR, item, f"De bron '{source_id}' bestaat niet in sources.yml.", "Voeg de bron toe of verbeter het id.")
        minimum = MIN_QUESTIONS_ORGANISATION if isinstance(item, Organisation) else MIN_QUESTIONS_ITEM
        if len(item.questions) < minimum:
            add(ERROR, item, f"Maar {len(item.questions)} voorbeeldvragen; minimaal {minimum} nodig.",
                "Voeg vragen toe: formeel, informeel, kort, een omschrijving zonder het kernwoord, een met een typfout.")

    def check_numbers(item, text, allowed, field):
        stray = [n for n in numbers_in(text) if not any(abs(n - v) < 1e-9 for v in allowed)]
        if stray:
            shown = ", ".join(_fmt(n) for n in stray)
            add(ERROR, item, f"Het getal {shown} in '{field}' staat niet bij 'values'.",
                "Zet elk getal uit de tekst ook bij values (met eenheid), of haal het uit de tekst.")

    for source in kb.sources.values():
        if not _ID.match(source.id):
            add(ERROR, source, "Het id mag alleen kleine letters, cijfers en _ bevatten.", "Bijvoorbeeld: src_brochure_nrm.")

    for entry in kb.entries.values():
        check_common(entry, entry.source)
        if entry.kind not in ENTRY_KINDS:
            add(ERROR, entry, f"Onbekende soort '{entry.kind}'.", "Gebruik figure, explanation of quote.")
        if entry.topic not in TOPICS:
            add(ERROR, entry, f"Onbekend onderwerp '{entry.topic}'.", f"Gebruik een van: {', '.join(sorted(TOPICS))}.")
        check_numbers(entry, entry.text, entry.values, "text")
        if entry.kind == "figure" and not entry.values:
            add(ERROR, entry, "Een cijfer zonder getallen bij 'values'.", "Zet de getallen uit de tekst bij values.")
        for rel in entry.related:
            if kb.item(rel) is None:
                add(ERROR, entry, f"'related' verwijst naar '{rel}', dat niet bestaat.", "Verbeter of verwijder de verwijzing.")

    for org in kb.organisations.values():
        check_common(org, org.source)
        for label, phone in (("phone", org.phone), ("phone_alt", org.phone_alt)):
            if phone is not None and not _PHONE.match(phone.strip()):
                add(ERROR, org, f"Het telefoonnummer '{phone}' ({label}) heeft geen geldige vorm.",
                    "Schrijf het als 0800-0432, 033 448 11 86 of een kort nummer als 112, tussen aanhalingstekens.")
        for label in ("for_whom", "hours", "anonymous", "chat", "name"):
            text = getattr(org, label)
            if text:
                check_numbers(org, str(text), org.values, label)

    for situation in kb.situations.values():
        check_common(situation)
        if situation.role not in ROLES:
            add(ERROR, situation, f"Onbekende rol '{situation.role}'.", f"Gebruik een van: {', '.join(sorted(ROLES))}.")
        shown_phones = _phones_of(kb, situation.organisations[:SHOWN_ORGANISATIONS])
        for field_name in ("title", "text"):
            if has_digits(_without_phones(getattr(situation, field_name), shown_phones)):
                add(ERROR, situation, f"'{field_name}' bevat cijfers die geen telefoonnummer zijn van een organisatie "
                    "die bij deze hulproute getoond wordt.",
                    "Haal de cijfers weg (de contactgegevens komen uit help.yml). Alleen het nummer van een getoonde "
                    "organisatie mag in de tekst, zoals 112 met org_112 bij de eerste drie organisaties.")
        for org_id in situation.organisations:
            if org_id not in kb.organisations:
                add(ERROR, situation, f"De organisatie '{org_id}' bestaat niet in help.yml.", "Verbeter het id.")

    kinds_seen = set()
    for rule in kb.crisis:
        kinds_seen.add(rule.kind)
        if rule.kind not in CRISIS_KINDS:
            add(ERROR, rule, f"Onbekende crisissoort '{rule.kind}'.", "Gebruik danger of suicide.")
        org = kb.organisations.get(rule.organisation)
        if org is None:
            add(ERROR, rule, f"De organisatie '{rule.organisation}' bestaat niet.", "Verbeter het id.")
        elif not org.phone or not org.vetted:
            add(ERROR, rule, f"'{rule.organisation}' heeft geen gecontroleerd telefoonnummer.", "Crisis verwijst altijd naar een vetted nummer.")
        if "{phone}" not in rule.text:
            add(ERROR, rule, "De crisistekst noemt het nummer niet ({phone} ontbreekt).", "Zet {phone} in de tekst, op de plek van het nummer.")
        own_phones = _phones_of(kb, [rule.organisation]) + [o.phone for o in kb.organisations.values()
                                                             if o.emergency and o.vetted and o.phone]
        for field_name, text in (("text", rule.text), ("follow_up", rule.follow_up or "")):
            if has_digits(_without_phones(text, own_phones)):
                add(ERROR, rule, f"'{field_name}' bevat cijfers die geen nummer van '{rule.organisation}' of het alarmnummer zijn.",
                    "Gebruik {phone} en {emergency}; een tweede nummer (zoals 0800-0113) precies zoals in help.yml.")
        for pattern in rule.patterns + rule.exclude_patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                add(ERROR, rule, f"Het patroon '{pattern}' is geen geldige reguliere expressie ({exc}).", "Verbeter het patroon.")
        if org is not None and not org.emergency and "{emergency}" not in rule.text:
            add(COMPLETENESS, rule, "Het eerste crisisbericht noemt het alarmnummer niet ({emergency} ontbreekt).",
                "Zet {emergency} in 'text'; daar komt het alarmnummer met cijfers (uit help.yml).")
        bad = placeholders_in(rule.text + " " + (rule.follow_up or "")) - {"{phone}", "{emergency}"}
        if bad:
            add(ERROR, rule, f"Onbekende plek(ken) {', '.join(sorted(bad))} in de crisistekst.",
                "Gebruik alleen {phone} (het nummer van de organisatie) en {emergency} (het alarmnummer).")
    for kind in sorted(CRISIS_KINDS - kinds_seen):
        problems.append(Problem(ERROR, "knowledge/crisis.yml", 0, None, f"Er is geen crisisregel voor '{kind}'.",
                                "Voeg een crisisregel toe; crisis gaat altijd voor."))
    problems.extend(check_evidence(kb, today))
    problems.extend(check_emergency(kb))
    problems.extend(check_languages(kb))
    problems.extend(check_translations(kb, today))
    return problems


def _problem(severity, item, message, fix) -> Problem:
    return Problem(severity, item.file, item.line, item.id, message, fix)


def _hedge_found(text: str, words) -> Optional[str]:
    low = " ".join(text.lower().split())
    for word in words:
        if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", low):
            return word
    return None


def check_evidence(kb: KnowledgeBase, today: dt.date) -> List[Problem]:
    """Every figure and every vetted phone number stands in the source's own words."""
    problems: List[Problem] = []
    hedges_evidence = kb.hedges.get("evidence", [])
    hedges_text = kb.hedges.get("text", []) or hedges_evidence

    def check_pieces(item):
        for number, piece in enumerate(item.evidence + item.summaries, 1):
            line = piece.line or item.line
            where = f"evidence {number}" + (" (samenvatting)" if piece.summary else "")
            if piece.where and _REPO_PATH.search(piece.where):
                problems.append(Problem(
                    ERROR, item.file, line, item.id,
                    f"{where} wijst naar een bestand van het project of de onderzoeksnotities ('{piece.where}'), "
                    "niet naar een publicatie.",
                    "Zoek de zin van de uitgever zelf (de pagina van de Rapporteur, het WODC, het CBS, het ministerie "
                    "of de organisatie) en zet bij where het webadres of de publicatie. Is er geen eigen zin van de "
                    "uitgever? Schrijf dan een samenvatting met summary: true en noem bij where de publicatie."))
            if piece.quote and not piece.summary and _NOT_A_QUOTE.search(piece.quote):
                problems.append(Problem(
                    ERROR, item.file, line, item.id,
                    f"{where} is geen zin van de uitgever maar een tabelrij of een notitie van het team.",
                    "Kopieer de zin van de uitgever letterlijk, of zet summary: true als het een samenvatting is."))
            if not piece.quote:
                problems.append(Problem(ERROR, item.file, line, item.id, f"{where} heeft geen 'quote'.",
                                        "Kopieer de zin of tabelcel uit de bron letterlijk bij quote."))
            if not piece.where:
                problems.append(Problem(ERROR, item.file, line, item.id, f"{where} heeft geen 'where'.",
                                        "Zet bij where waar het staat: een pagina, een kopje of een webadres met #."))
            if piece.read is None:
                problems.append(Problem(ERROR, item.file, line, item.id, f"{where}: de datum bij 'read' ontbreekt of klopt niet.",
                                        "Schrijf de datum waarop je het citaat las als JJJJ-MM-DD."))
            elif piece.read > today:
                problems.append(Problem(ERROR, item.file, line, item.id, f"{where}: de leesdatum {piece.read} ligt in de toekomst.",
                                        "Vul de datum in waarop je het citaat echt hebt gelezen."))
            elif (today - piece.read).days > STALE_AFTER_DAYS:
                problems.append(Problem(WARNING, item.file, line, item.id,
                                        f"{where} is gelezen op {piece.read}, langer dan 12 maanden geleden.",
                                        "Lees de bron opnieuw, controleer het citaat en pas 'read' aan."))

    for entry in kb.entries.values():
        check_pieces(entry)
        quotes = [piece.quote for piece in entry.evidence + entry.summaries if piece.quote]
        if entry.values and not quotes:
            if entry.vetted:
                problems.append(_problem(
                    COMPLETENESS, entry, "Dit item heeft getallen, maar geen evidence (de letterlijke woorden van de bron).",
                    "Voeg evidence toe: quote (letterlijk uit de bron), where (pagina of kopje) en read (datum). "
                    "Staat het getal in geen bron die je hebt? Zet dan status: needs_review."))
            continue
        missing = [v for v in entry.values if not occurs_in(v, quotes)]
        if missing:
            shown = ", ".join(_fmt(v) for v in missing)
            problems.append(_problem(
                ERROR, entry, f"Het getal {shown} uit 'values' staat niet in de evidence (de citaten).",
                "Controleer het getal in de bron en kopieer de zin met het getal letterlijk bij quote. "
                "Staat een jaartal niet in die zin? Voeg een tweede quote toe waarin het wel staat "
                "(bijvoorbeeld de titel van de publicatie)."))
        # Only the source's own words can be cautious; a summary is ours.
        hedge = _hedge_found(" ".join(p.quote for p in entry.evidence if p.quote), hedges_evidence)
        if hedge and not _hedge_found(entry.text, hedges_text):
            problems.append(_problem(
                ERROR, entry, f"De bron is voorzichtig ('{hedge}'), maar de tekst niet.",
                "Neem de voorzichtigheid over in de Nederlandse tekst, bijvoorbeeld met 'naar schatting' of 'ongeveer'."))

    for org in kb.organisations.values():
        check_pieces(org)
        quotes = [piece.quote for piece in org.evidence + org.summaries if piece.quote]
        if not quotes:
            if org.vetted and org.phone:
                problems.append(_problem(
                    COMPLETENESS, org, "Deze organisatie heeft een telefoonnummer, maar geen evidence.",
                    "Voeg evidence toe met de eigen woorden van de organisatie over het nummer "
                    "(uit de hulpgids), met where (het webadres) en read (de datum)."))
            continue
        stray = [n for n in numbers_in(org.hours or "") if not occurs_in(n, quotes)]
        if stray:
            problems.append(_problem(
                ERROR, org, f"Het getal {', '.join(_fmt(n) for n in stray)} uit 'hours' staat niet in de evidence.",
                "Controleer de tijden op de site van de organisatie en kopieer de zin met de tijden letterlijk bij quote."))
        for label, phone in (("phone", org.phone), ("phone_alt", org.phone_alt)):
            if phone and not _phone_quoted(phone, quotes):
                problems.append(_problem(
                    ERROR, org, f"Het nummer {phone} ({label}) staat niet in de evidence.",
                    "Controleer het nummer op de site van de organisatie en kopieer de zin met het nummer letterlijk bij quote."))
    return problems


def _phone_quoted(phone: str, quotes: List[str]) -> bool:
    """Is `phone` in the quotes? Short numbers (112) as a number of their own; longer ones
    with any separators ("0800-0432" = "0800 0432" = "08000432")."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= 4:
        return any(re.search(rf"(?<!\d){digits}(?!\d)", q) for q in quotes)
    return any(digits in run for q in quotes for run in re.findall(r"\d+", digits_only(q)))


def _phones_of(kb: KnowledgeBase, org_ids) -> List[str]:
    found = []
    for org_id in org_ids:
        org = kb.organisations.get(org_id)
        if org is not None and org.vetted:
            found += [p for p in (org.phone, org.phone_alt) if p]
    return found


def _without_phones(text: str, phones) -> str:
    for phone in phones:
        text = re.sub(r"(?<!\d)" + re.escape(phone) + r"(?!\d)", " ", text)
    return text


def _names_number(text: str, number: Optional[str]) -> bool:
    return bool(number) and re.search(r"(?<!\d)" + re.escape(number) + r"(?!\d)", text) is not None


def _versions(item):
    """(lang, field, text) for every translatable field, Dutch and every translation."""
    for name, text in item.dutch_fields().items():
        yield HOME_LANGUAGE, name, text
    for lang, translation in item.translations.items():
        for name, text in translation.fields.items():
            yield lang, name, text


def _word_found(text: str, words) -> Optional[str]:
    low = " ".join(text.lower().split())
    return next((w for w in words if w.lower() in low), None)


def check_emergency(kb: KnowledgeBase) -> List[Problem]:
    """112 and 113 with their digits: no 'alarmnummer' without 112, a route that asks about
    danger names 112 and shows the 112 card, children's routes say what to do in danger,
    and the suicide reply gives both numbers of 113 and, in another language, which
    language the line speaks."""
    problems: List[Problem] = []
    emergency = kb.emergency_organisation()
    number = emergency.phone if emergency else None

    def words(key, lang):
        return ((kb.languages.get(lang) or {}).get(key) or [])

    for item in translatable_items(kb):
        if isinstance(item, (Entry, Organisation, Situation)) and not item.vetted:
            continue
        is_crisis = isinstance(item, CrisisRule)
        crisis_org = kb.organisations.get(item.organisation) if is_crisis else None
        for lang, field_name, text in _versions(item):
            named = _names_number(text, number) or (is_crisis and (
                "{emergency}" in text or ("{phone}" in text and crisis_org is not None and crisis_org.emergency)))
            word = _word_found(text, words("emergency_words", lang))
            if word and not named:
                problems.append(_problem(
                    ERROR, item, f"'{field_name}' ({lang}) noemt '{word}' zonder het nummer {number or '112'}.",
                    f"Schrijf het nummer erbij, bijvoorbeeld 'bel {number or '112'}'. Wie in gevaar is, moet het nummer meteen zien."))
            danger = _word_found(text, words("danger_words", lang)) if isinstance(item, Situation) else None
            if danger and not named:
                problems.append(_problem(
                    ERROR, item, f"'{field_name}' ({lang}) vraagt naar gevaar ('{danger}') maar noemt {number or '112'} niet.",
                    f"Zeg wat je dan doet, met het nummer: 'Ben je nu in gevaar? Bel dan {number or '112'}.'"))

    for situation in kb.situations.values():
        if not situation.vetted or emergency is None:
            continue
        if _names_number(situation.text, number) and emergency.id not in situation.organisations[:SHOWN_ORGANISATIONS]:
            problems.append(_problem(
                ERROR, situation, f"De tekst noemt {number}, maar de kaart van '{emergency.id}' wordt niet getoond.",
                f"Zet {emergency.id} bij 'organisations', bij de eerste {SHOWN_ORGANISATIONS} (alleen die worden getoond)."))
        if situation.role in DANGER_LINE_ROLES and not _names_number(situation.text, number):
            problems.append(_problem(
                ERROR, situation, f"Een hulproute voor rol '{situation.role}' zegt niet wat je doet bij gevaar.",
                f"Voeg een korte zin toe, zoals 'Ben je nu in gevaar? Bel dan {number}.', en zet {emergency.id} bij de organisaties."))

    for rule in kb.crisis:
        if rule.kind != "suicide":
            continue
        org = kb.organisations.get(rule.organisation)
        if org is None or not org.phone_alt:
            continue
        versions = [(HOME_LANGUAGE, rule.text, rule.follow_up or "")] + [
            (lang, t.fields.get("text", ""), t.fields.get("follow_up", "")) for lang, t in rule.translations.items()]
        for lang, text, follow_up in versions:
            if not _names_number(text, org.phone_alt):
                problems.append(_problem(
                    ERROR, rule, f"Het eerste bericht ({lang}) noemt {org.phone_alt} niet, het tweede nummer van '{org.id}'.",
                    f"Zet het nummer erbij, precies zo: 'bel {{phone}} of {org.phone_alt}'."))
            dutch = (kb.languages.get(lang) or {}).get("dutch_word")
            if lang != HOME_LANGUAGE and dutch and not _word_found(text + " " + follow_up, [dutch]):
                problems.append(_problem(
                    ERROR, rule, f"De crisistekst ({lang}) zegt niet in welke taal de lijn antwoordt.",
                    f"Zeg in 'follow_up' dat ze er Nederlands spreken (in {lang}: '{dutch}'), en niets wat niet zeker is."))
    return problems


def check_languages(kb: KnowledgeBase) -> List[Problem]:
    """languages.yml and interface.yml: known ids, every interface text in every language."""
    problems: List[Problem] = []
    file = "knowledge/languages.yml"
    for code, spec in kb.languages.items():
        line = spec.get("line", 0)
        if not re.fullmatch(r"[a-z]{2}", code):
            problems.append(Problem(ERROR, file, line, code, f"'{code}' is geen taalcode van twee letters.", "Gebruik bijvoorbeeld en of pl."))
        if spec.get("scope") not in ("full", "help"):
            problems.append(Problem(ERROR, file, line, code, f"Onbekende scope '{spec.get('scope')}'.", "Gebruik full of help."))
        if spec.get("number_style", "dutch") not in ("dutch", "english"):
            problems.append(Problem(ERROR, file, line, code, f"Onbekende number_style '{spec.get('number_style')}'.", "Gebruik dutch of english."))
        for sit_id in spec.get("situations") or ():
            if sit_id not in kb.situations:
                problems.append(Problem(ERROR, file, line, code, f"De hulproute '{sit_id}' bestaat niet in situations.yml.", "Verbeter het id."))
        for org_id in spec.get("organisations") or ():
            if org_id not in kb.organisations:
                problems.append(Problem(ERROR, file, line, code, f"De organisatie '{org_id}' bestaat niet in help.yml.", "Verbeter het id."))
    for key, texts in kb.interface.items():
        base = texts.get(HOME_LANGUAGE)
        if base is None:
            problems.append(Problem(ERROR, "knowledge/interface.yml", 0, key, "Er is geen Nederlandse tekst.", "Voeg een regel 'nl:' toe."))
            continue
        for lang in kb.languages:
            text = texts.get(lang)
            if text is None:
                problems.append(Problem(COMPLETENESS, "knowledge/interface.yml", 0, key, f"De tekst ontbreekt in {lang}.",
                                        f"Voeg een regel '{lang}:' toe."))
            elif placeholders_in(text) != placeholders_in(base):
                problems.append(Problem(ERROR, "knowledge/interface.yml", 0, key,
                                        f"De tekst in {lang} heeft andere plekken tussen {{ }} dan het Nederlands.",
                                        f"Gebruik precies: {', '.join(sorted(placeholders_in(base))) or 'geen'}."))
        # A text in a language that languages.yml does not list is harmless (a typo such as
        # 'ua' for 'uk' shows up as a missing 'uk' above).
    return problems


def required_languages(kb: KnowledgeBase, item) -> List[str]:
    """The languages (besides Dutch) in which `item` must have a translation."""
    if isinstance(item, (Entry, Organisation, Situation)) and not item.vetted:
        return []
    needed = []
    for lang, spec in kb.languages.items():
        if lang == HOME_LANGUAGE:
            continue
        if spec.get("scope") == "full" or isinstance(item, CrisisRule):
            needed.append(lang)
        elif isinstance(item, Situation) and item.id in help_situations(kb, lang):
            needed.append(lang)
        elif isinstance(item, Organisation) and item.id in help_organisations(kb, lang):
            needed.append(lang)
    return needed


def help_situations(kb: KnowledgeBase, lang: str) -> List[str]:
    """The help routes a visitor in help language `lang` can reach: the ones listed under
    `situations`, and every vetted route of a role listed under `roles` (the role buttons
    the page offers in that language)."""
    spec = kb.languages.get(lang) or {}
    found = [s for s in spec.get("situations") or ()]
    roles = set(spec.get("roles") or ())
    found += [s.id for s in kb.situations.values() if s.vetted and s.role in roles and s.id not in found]
    return found


def _reached_by(kb: KnowledgeBase, item, lang: str) -> str:
    """' (bereikbaar in pl via ...)' for a message about a missing help-language translation."""
    spec = kb.languages.get(lang) or {}
    if isinstance(item, Situation) and item.id not in (spec.get("situations") or ()) \
            and item.role in (spec.get("roles") or ()):
        return f" (een bezoeker in {lang} komt hier via de knop voor rol '{item.role}')"
    if isinstance(item, Organisation):
        via = [s for s in help_situations(kb, lang) if item.id in kb.situations[s].organisations]
        if via:
            return f" (een bezoeker in {lang} ziet deze kaart bij de hulproute '{via[0]}')"
    return ""


def help_organisations(kb: KnowledgeBase, lang: str) -> List[str]:
    """Organisations a help language must cover: those of its situations, and the listed ones."""
    spec = kb.languages.get(lang) or {}
    found = list(spec.get("organisations") or ())
    for sit_id in help_situations(kb, lang):
        situation = kb.situations.get(sit_id)
        if situation is not None:
            found += [o for o in situation.organisations if o not in found]
    return found


def _language_name(kb: KnowledgeBase, lang: str) -> str:
    return f"'{lang}' ({kb.languages.get(lang, {}).get('name', lang)})"


def translatable_items(kb: KnowledgeBase):
    return (list(kb.entries.values()) + list(kb.organisations.values())
            + list(kb.situations.values()) + list(kb.crisis))


def check_translations(kb: KnowledgeBase, today: dt.date) -> List[Problem]:
    problems: List[Problem] = []
    supported = [lang for lang in kb.languages if lang != HOME_LANGUAGE]
    for item in translatable_items(kb):
        dutch = item.dutch_fields()
        for lang, translation in item.translations.items():
            line = translation.line or item.line

            def add(severity, message, fix):
                problems.append(Problem(severity, item.file, line, item.id, message, fix))

            if lang not in supported:
                add(ERROR, f"Onbekende taalcode '{lang}' bij translations.",
                    f"Gebruik een taal uit knowledge/languages.yml: {', '.join(supported) or 'geen'}.")
                continue
            for name in translation.fields:
                if name not in item.TRANSLATABLE:
                    add(ERROR, f"Het veld '{name}' hoort niet in een vertaling ({lang}).",
                        f"Vertaal alleen: {', '.join(item.TRANSLATABLE)}.")
                elif name not in dutch:
                    add(ERROR, f"De vertaling ({lang}) heeft '{name}', maar het Nederlands niet.",
                        f"Haal '{name}' weg uit de vertaling, of schrijf eerst de Nederlandse tekst.")
            if translation.translated is None:
                add(ERROR, f"De vertaling ({lang}) heeft geen geldige datum bij 'translated'.",
                    "Zet de datum van de vertaling erbij: translated: JJJJ-MM-DD.")
            elif translation.translated > today:
                add(ERROR, f"De vertaaldatum {translation.translated} ({lang}) ligt in de toekomst.",
                    "Vul de datum in waarop je echt hebt vertaald.")
            current = item.dutch_fingerprint()
            if translation.from_nl is None:
                add(COMPLETENESS, f"De vertaling ({lang}) heeft geen 'from_nl' (de vingerafdruk van de Nederlandse tekst).",
                    f"Draai scripts/stamp_translations.py, of zet in het blok '{lang}:' de regel from_nl: \"{current}\".")
            elif translation.from_nl != current:
                add(WARNING, f"Vertaling controleren ({lang}): de Nederlandse tekst is veranderd na de vertaling.",
                    f"Pas de vertaling aan aan de nieuwe Nederlandse tekst en zet daarna from_nl: \"{current}\" "
                    f"(of draai scripts/stamp_translations.py --refresh --ids {item.id} --languages {lang}).")
            style = kb.languages.get(lang, {}).get("number_style", "dutch")
            for name, text in translation.fields.items():
                if name in dutch:
                    problems.extend(_compare(item, line, lang, name, dutch[name], text, style))
        for lang in required_languages(kb, item):
            translation = item.translations.get(lang)
            if translation is None:
                problems.append(_problem(
                    COMPLETENESS, item, f"De vertaling voor {_language_name(kb, lang)} ontbreekt{_reached_by(kb, item, lang)}.",
                    f"Voeg onder translations: een blok '{lang}:' toe met {', '.join(dutch)} en translated: (datum)."))
                continue
            missing = [name for name in dutch if not translation.fields.get(name)]
            if missing:
                problems.append(Problem(
                    COMPLETENESS, item.file, translation.line or item.line, item.id,
                    f"De vertaling ({lang}) mist: {', '.join(missing)}.",
                    f"Vertaal ook {', '.join(missing)} in het blok '{lang}:'."))
    return problems


def _compare(item, line, lang, name, dutch, text, style) -> List[Problem]:
    """The same numbers, phone numbers, web addresses and {places} as the Dutch text."""
    found = []

    def add(message, fix):
        found.append(Problem(ERROR, item.file, line, item.id, message, fix))

    nl_numbers = sorted(set(numbers_in(dutch)))
    tr_numbers = sorted(set(numbers_in(text, style)))
    if len(nl_numbers) != len(tr_numbers) or not all(same_number(a, b) for a, b in zip(nl_numbers, tr_numbers)):
        extra = [n for n in tr_numbers if not any(same_number(n, m) for m in nl_numbers)]
        lacking = [n for n in nl_numbers if not any(same_number(n, m) for m in tr_numbers)]
        detail = "; ".join(part for part in (
            f"niet in het Nederlands: {', '.join(_fmt(n) for n in extra)}" if extra else "",
            f"ontbreekt: {', '.join(_fmt(n) for n in lacking)}" if lacking else "") if part)
        style_hint = ("Schrijf getallen in het Engels als 5,000 en 37.8%." if style == "english"
                      else "Schrijf getallen zoals in het Nederlands: 5.000 en 37,8%.")
        add(f"De getallen in de vertaling ({lang}, {name}) zijn anders dan in het Nederlands ({detail}).",
            f"Neem precies de getallen uit de Nederlandse tekst over. {style_hint}")
    if phones_in(dutch) != phones_in(text):
        add(f"De telefoonnummers in de vertaling ({lang}, {name}) zijn anders dan in het Nederlands.",
            "Neem de nummers precies over uit de Nederlandse tekst.")
    if urls_in(dutch) != urls_in(text):
        add(f"De webadressen in de vertaling ({lang}, {name}) zijn anders dan in het Nederlands.",
            "Neem de webadressen precies over uit de Nederlandse tekst.")
    if placeholders_in(dutch) != placeholders_in(text):
        add(f"De plekken tussen {{ }} in de vertaling ({lang}, {name}) zijn anders dan in het Nederlands.",
            f"Laat ze staan zoals in het Nederlands: {', '.join(sorted(placeholders_in(dutch))) or 'geen'}.")
    return found


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number).replace(".", ",")


# Allowed topics and roles are language data: read from knowledge/vocabulary.yml (the sets
# above are only the fallback when that file is missing).
def _vocabulary_values() -> None:
    global TOPICS, ROLES
    from actions.knowledge.vocabulary import vocabulary

    vocab = vocabulary()
    TOPICS = set(vocab.topics) or TOPICS
    ROLES = set(vocab.roles) or ROLES


_vocabulary_values()
