"""Content checks on a loaded KnowledgeBase (references, numbers, phones, freshness)."""
from __future__ import annotations

import datetime as dt
import re
from typing import List, Optional

from actions.knowledge.loader import ERROR, WARNING, Problem
from actions.knowledge.model import KnowledgeBase
from actions.knowledge.numbers import has_digits, numbers_in

STATUSES = {"vetted", "needs_review"}
ENTRY_KINDS = {"figure", "explanation", "quote"}
TOPICS = {"mensenhandel", "seksueel_geweld", "rapporteur", "aanpak", "wet"}
CRISIS_KINDS = {"danger", "suicide"}
ROLES = {"kind", "slachtoffer", "ouder_omstander", "professional", "eigen_gevoelens",
         "getuige_arbeid", "anoniem", "mens_spreken"}
MIN_QUESTIONS = 5
STALE_AFTER_DAYS = 365

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
        if len(item.questions) < MIN_QUESTIONS:
            add(ERROR, item, f"Maar {len(item.questions)} voorbeeldvragen; minimaal {MIN_QUESTIONS} nodig.",
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
        for field_name in ("title", "text"):
            if has_digits(getattr(situation, field_name)):
                add(ERROR, situation, f"'{field_name}' bevat cijfers; nummers en cijfers horen bij een organisatie of entry.",
                    "Haal de cijfers weg; de contactgegevens komen uit help.yml.")
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
        for field_name, text in (("text", rule.text), ("follow_up", rule.follow_up or "")):
            if has_digits(text):
                add(ERROR, rule, f"'{field_name}' bevat cijfers.", "Gebruik {phone}; het nummer komt uit help.yml.")
        for pattern in rule.patterns + rule.exclude_patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                add(ERROR, rule, f"Het patroon '{pattern}' is geen geldige reguliere expressie ({exc}).", "Verbeter het patroon.")
    for kind in sorted(CRISIS_KINDS - kinds_seen):
        problems.append(Problem(ERROR, "knowledge/crisis.yml", 0, None, f"Er is geen crisisregel voor '{kind}'.",
                                "Voeg een crisisregel toe; crisis gaat altijd voor."))
    return problems


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number).replace(".", ",")
