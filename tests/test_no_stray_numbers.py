"""No number reaches a user unless it comes from vetted knowledge.

Static part: the domain's responses, the channel texts and the actions' string literals
contain no digits. Dynamic part: for every example question of the knowledge base (and
the follow-ups after it), every number in every text the actions send belongs to what
was actually served: the entry (and the older figure shown beside it), the organisation,
the situation with its organisations, or the crisis rule that fired. A number from a
neighbouring entry (boys instead of girls, 2017 instead of 2021) fails, even though it
is vetted knowledge elsewhere.
"""
import ast
import asyncio
import re
from pathlib import Path

import pytest
import yaml

import actions.knowledge.store as store_module
from actions.answer import ActionAnswer
from actions.fallback import ActionFallback
from actions.followup import ActionFollowupAnonymous, ActionFollowupPopulation, ActionSource
from actions.help import ActionHelp
from actions.knowledge import formatting
from actions.knowledge.numbers import numbers_in
from actions.knowledge.model import Entry, Situation
from actions.knowledge.store import KNOWLEDGE_DIR, KnowledgeStore
from tests.helpers import run_action

ROOT = Path(__file__).resolve().parents[1]


def crisis_phones():
    """The vetted numbers of the crisis organisations (112, 113): the only digits a fixed
    text may hold, so that a person in danger sees the number itself."""
    from actions.knowledge.loader import load

    kb, _ = load(ROOT / "knowledge")
    orgs = [kb.organisations.get(rule.organisation) for rule in kb.crisis]
    return sorted({o.phone for o in orgs if o is not None and o.vetted and o.phone}, key=len, reverse=True)


def without_crisis_phones(text: str) -> str:
    for phone in crisis_phones():
        text = re.sub(r"(?<!\d)" + re.escape(phone) + r"(?!\d)", " ", text)
    return text


def test_domain_responses_hold_no_digits():
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain["responses"].items():
        for variant in variants:
            shown = [variant.get("text", "")] + [b["title"] for b in variant.get("buttons", [])]
            for text in shown:
                assert not re.search(r"\d", without_crisis_phones(text)), f"{name}: {text!r}"


def test_crisis_phones_are_112_and_113():
    assert set(crisis_phones()) == {"112", "113"}


def test_channel_texts_hold_no_digits_only_placeholders():
    settings = (ROOT / "bot" / "settings.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(settings)
    for key, value in data.items():
        if isinstance(value, str):
            without_placeholders = re.sub(r"\{org_\w+\.\w+\}", "", value)
            assert not re.search(r"\d", without_placeholders), key


def _string_literals(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


@pytest.mark.parametrize("path", sorted((ROOT / "actions").glob("*.py")) + [ROOT / "actions" / "knowledge" / "formatting.py"],
                         ids=lambda p: p.name)
def test_action_code_writes_no_digits(path):
    for line, value in _string_literals(path):
        assert not re.search(r"\d", value), f"{path.name}:{line}: {value!r}"


@pytest.fixture(scope="module")
def real_kb():
    original = store_module._default
    store_module._default = KnowledgeStore(KNOWLEDGE_DIR)
    yield store_module._default.get().kb
    store_module._default = original


def _texts_of(item) -> list:
    """Every text of one knowledge item, with its translations."""
    fields = [getattr(item, name, None) for name in (
        "text", "period", "source_page", "for_whom", "phone", "phone_alt", "phone_note", "hours",
        "chat", "anonymous", "title", "follow_up")]
    fields += [str(item.year)] if getattr(item, "year", None) else []
    fields += [formatting.dutch_date(item.checked)] if getattr(item, "checked", None) else []
    for translation in (getattr(item, "translations", None) or {}).values():
        fields += [value for value in vars(translation).values() if isinstance(value, str)]
    # not the evidence quotes: a quoted sentence often names the neighbouring figure too
    return [f for f in fields if isinstance(f, str)]


def served_numbers(kb, item) -> set:
    """The numbers that may appear when `item` is served: its own, its source's, and for an
    entry the older figure shown beside it; for a situation those of its organisations."""
    items = formatting.shown_entries(kb, item) if isinstance(item, Entry) else [item]
    if isinstance(item, Situation):
        items += [kb.organisations[o] for o in item.organisations if o in kb.organisations]
    texts = []
    for shown in items:
        texts += _texts_of(shown)
        source = kb.sources.get(getattr(shown, "source", None))
        if source is not None:
            texts += [source.citation, str(source.year), source.url or ""]
    found = set()
    for text in texts:
        found.update(numbers_in(text))
        found.update(numbers_in(text, "english"))
    return found


def crisis_numbers(kb, texts) -> set:
    """The numbers of the crisis rules whose reply is among `texts` (their organisation and
    the emergency number), and of a help situation added after the crisis text."""
    found = set()
    for rule in kb.crisis:
        if set(formatting.crisis_texts(kb, rule)) & set(texts):
            for org in (kb.organisations.get(rule.organisation), kb.emergency_organisation()):
                if org is not None:
                    found |= served_numbers(kb, org)
            found |= {n for t in formatting.crisis_texts(kb, rule) for n in numbers_in(t)}
    for situation in kb.situations.values():
        if set(formatting.situation_texts(kb, situation)[1:]) & set(texts):
            found |= served_numbers(kb, situation)
    return found


def served_items(kb, events, slots):
    ids = {e["value"] for e in events if e.get("event") == "slot" and e.get("name") in ("last_entry", "last_organisation")}
    ids |= {v for k, v in (slots or {}).items() if k in ("last_entry", "last_organisation") and v}
    return [kb.item(i) for i in ids if i and kb.item(i) is not None]


def stray_numbers(kb, texts, events, slots=None) -> list:
    texts = [t for t in texts if t]
    allowed = crisis_numbers(kb, texts)
    for item in served_items(kb, events, slots):
        allowed |= served_numbers(kb, item)
    return [(n, t) for t in texts for n in numbers_in(t) if n not in allowed]


def test_every_number_belongs_to_what_was_served(real_kb):
    checked = 0
    items = list(real_kb.entries.values()) + list(real_kb.organisations.values()) + list(real_kb.situations.values())
    for item in items:
        for question in item.questions[:2]:
            for action, intent in ((ActionAnswer(), "ask_knowledge"), (ActionHelp(), "ask_help")):
                texts, _, events, _ = asyncio.run(run_action(action, question, intent))
                stray = stray_numbers(real_kb, texts, events)
                assert not stray, f"{question!r}: {stray}"
                slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
                for follow_action, follow_text, follow_intent in (
                        (ActionSource, "wat is de bron?", "ask_source"),
                        (ActionFollowupPopulation, "en meisjes?", "followup_population"),
                        (ActionFollowupAnonymous, "kan dat anoniem?", "followup_anonymous")):
                    follow, _, follow_events, _ = asyncio.run(
                        run_action(follow_action(), follow_text, follow_intent, slots=slots))
                    stray = stray_numbers(real_kb, follow, follow_events, slots)
                    assert not stray, f"{question!r} → {follow_text!r}: {stray}"
                    checked += len(follow)
                checked += len(texts)
    texts, _, _, _ = asyncio.run(run_action(ActionFallback(), "qwerty", "nlu_fallback"))
    assert all(not numbers_in(t or "") for t in texts)
    assert checked > 500


def test_a_neighbouring_figure_is_caught(real_kb):
    """The check itself: a reply that shows the counterpart's figure (girls for boys)
    while the boys' entry was served fails, although the figure is vetted knowledge."""
    pairs = [(e, real_kb.counterpart(e, "meisjes")) for e in real_kb.vetted_entries()
             if e.population == "jongens" and e.values]
    entry, neighbour = next((e, n) for e, n in pairs if n is not None and n.values)
    served = [{"event": "slot", "name": "last_entry", "value": entry.id}]
    assert not stray_numbers(real_kb, formatting.answer_texts(real_kb, entry), served)
    wrong = formatting.answer_texts(real_kb, neighbour)
    assert stray_numbers(real_kb, wrong, served)
