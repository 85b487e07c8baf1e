"""No number reaches a user unless it comes from vetted knowledge.

Static part: the domain's responses, the channel texts and the actions' string literals
contain no digits. Dynamic part: every text the actions send for every example question
of the knowledge base contains only numbers that appear in vetted knowledge.
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
from actions.knowledge.store import KNOWLEDGE_DIR, KnowledgeStore
from tests.helpers import run_action

ROOT = Path(__file__).resolve().parents[1]


def test_domain_responses_hold_no_digits():
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain["responses"].items():
        for variant in variants:
            shown = [variant.get("text", "")] + [b["title"] for b in variant.get("buttons", [])]
            for text in shown:
                assert not re.search(r"\d", text), f"{name}: {text!r}"


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


def knowledge_numbers(kb) -> set:
    """Every number written anywhere in vetted knowledge (texts, phones, dates, sources)."""
    texts = []
    for entry in kb.vetted_entries():
        texts += [entry.text, entry.period, str(entry.year), entry.source_page or "", formatting.dutch_date(entry.checked)]
    for org in kb.organisations.values():
        if org.vetted:
            texts += [org.for_whom, org.phone or "", org.phone_alt or "", org.hours or "", org.chat or "",
                      org.anonymous or "", formatting.dutch_date(org.checked)]
    for situation in kb.situations.values():
        if situation.vetted:
            texts.append(formatting.dutch_date(situation.checked))
    for source in kb.sources.values():
        texts += [source.citation, str(source.year)]
    for rule in kb.crisis:
        texts.append(rule.text)
    found = set()
    for text in texts:
        found.update(numbers_in(text))
    return found


def test_every_number_the_actions_send_comes_from_vetted_knowledge(real_kb):
    allowed = knowledge_numbers(real_kb)
    checked = 0
    items = list(real_kb.entries.values()) + list(real_kb.organisations.values()) + list(real_kb.situations.values())
    for item in items:
        for question in item.questions[:2]:
            for action, intent in ((ActionAnswer(), "ask_knowledge"), (ActionHelp(), "ask_help")):
                texts, _, events, _ = asyncio.run(run_action(action, question, intent))
                slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
                follow = [asyncio.run(run_action(a(), q, i, slots=slots))[0] for a, q, i in (
                    (ActionSource, "wat is de bron?", "ask_source"),
                    (ActionFollowupPopulation, "en meisjes?", "followup_population"),
                    (ActionFollowupAnonymous, "kan dat anoniem?", "followup_anonymous"))]
                for text in texts + [t for f in follow for t in f]:
                    stray = [n for n in numbers_in(text or "") if n not in allowed]
                    assert not stray, f"{question!r}: {stray} in {text!r}"
                    checked += 1
    texts, _, _, _ = asyncio.run(run_action(ActionFallback(), "qwerty", "nlu_fallback"))
    assert all(not numbers_in(t) for t in texts)
    assert checked > 500
