"""The evaluation sets (tests/eval/heldout.yml = dev, tests/eval/test/*.yml, tests/eval/
crisis_independent.yml) must stay independent of what the assistant learns from: no held-out turn may equal, after normalisation, an example question in knowledge/*.yml
(entries, organisations, situations, and any translation that carries questions) or a training
example in data/nlu/*.yml. A collision is fixed in the evaluation set, never in the
training data."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import yaml

from actions.knowledge.text import normalise

REPO_ROOT = Path(__file__).resolve().parents[1]
EVAL = REPO_ROOT / "tests" / "eval"
SETS = [EVAL / "heldout.yml", *sorted((EVAL / "test").glob("*.yml")), EVAL / "crisis_independent.yml"]
KNOWLEDGE = REPO_ROOT / "knowledge"
NLU = REPO_ROOT / "data" / "nlu"

# [text](entity), [text](entity:value), [text]{"entity": "...", ...}
_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_NLU_KEYS = ("intent", "synonym", "lookup")  # regex examples are patterns, not sentences


def strip_entities(example: str) -> str:
    return _ENTITY.sub(r"\1", example)


def _questions(node, where: str) -> Iterator[Tuple[str, str]]:
    """Every string under a `questions:` key, at any depth (items, translations)."""
    if isinstance(node, dict):
        label = f"{where}:{node['id']}" if isinstance(node.get("id"), str) else where
        for key, value in node.items():
            if key == "questions" and isinstance(value, list):
                for question in value:
                    if isinstance(question, str):
                        yield question, label
            else:
                yield from _questions(value, label)
    elif isinstance(node, list):
        for value in node:
            yield from _questions(value, where)


def knowledge_questions() -> Iterator[Tuple[str, str]]:
    for path in sorted(KNOWLEDGE.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        yield from _questions(data, path.name)


def _example_lines(examples) -> Iterator[str]:
    if isinstance(examples, str):
        for line in examples.splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield line[2:].strip()
    elif isinstance(examples, list):  # the extended format: `- text: ...`
        for example in examples:
            if isinstance(example, dict) and isinstance(example.get("text"), str):
                yield example["text"].strip()
            elif isinstance(example, str):
                yield example.strip()


def nlu_examples() -> Iterator[Tuple[str, str]]:
    for path in sorted(NLU.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if not isinstance(block, dict):
                continue
            name = next((f"{k}:{block[k]}" for k in _NLU_KEYS if k in block), None)
            if name is None:
                continue
            for example in _example_lines(block.get("examples")):
                yield strip_entities(example), f"data/nlu/{path.name} ({name})"


def training_index() -> Dict[str, str]:
    index: Dict[str, str] = {}
    for text, where in list(knowledge_questions()) + list(nlu_examples()):
        key = normalise(text)
        if key:
            index.setdefault(key, where)
    return index


def heldout_turns() -> List[Tuple[str, int, str]]:
    turns = []
    for path in SETS:
        if path.exists():
            cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
            turns += [(case["id"], n, turn) for case in cases for n, turn in enumerate(case["turns"], 1)]
    return turns


def test_entity_annotations_are_stripped():
    assert strip_entities("hoeveel [jongens](population) in [2024]{\"entity\": \"year\"}") == \
        "hoeveel jongens in 2024"
    assert strip_entities("bel [kindertelefoon](organisation:org_kindertelefoon)") == "bel kindertelefoon"


def test_the_training_data_is_found():
    index = training_index()
    assert any(where.startswith("data/nlu/") for where in index.values()), \
        "geen NLU-voorbeelden gevonden in data/nlu/"
    assert any(not where.startswith("data/") for where in index.values()), \
        "geen voorbeeldvragen gevonden in knowledge/"


def test_no_heldout_turn_equals_a_training_example():
    index = training_index()
    collisions = []
    for case_id, n, turn in heldout_turns():
        where = index.get(normalise(turn))
        if where:
            collisions.append(f"  {case_id} turn {n}: {turn!r}  ==  {where}")
    if collisions:
        print("Held-out turns equal to a training or example question:")
        print("\n".join(collisions))
    assert not collisions, (
        f"{len(collisions)} held-out turn(s) equal a training/example question after normalisation; "
        "rephrase them in the evaluation set:\n" + "\n".join(collisions))


EXPECT_KINDS = {"entries", "organisations", "crisis", "source_of", "evidence_of", "anonymous_of", "response",
                "no_answer", "not_crisis"}
LANGS = {"nl", "en", "pl", "ro", "bg", "uk"}


def test_every_case_is_well_formed_and_refers_to_vetted_items(kb):
    """Every expected id exists in knowledge/ and is vetted; kinds and languages are known."""
    cases = [case for path in SETS if path.exists()
             for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]]
    domain = yaml.safe_load((REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    problems, seen = [], set()
    for case in cases:
        cid, expect = case["id"], case["expect"]
        if cid in seen:
            problems.append(f"{cid}: dubbele id")
        seen.add(cid)
        if case.get("lang", "nl") not in LANGS:
            problems.append(f"{cid}: onbekende taal {case.get('lang')!r}")
        if not case.get("turns") or not all(isinstance(t, str) and t.strip() for t in case["turns"]):
            problems.append(f"{cid}: lege turn")
        if set(expect) - EXPECT_KINDS or not expect:  # not_crisis alone: a crisis look-alike
            problems.append(f"{cid}: onbekende of ontbrekende verwachting {sorted(expect)}")
        ids = list(expect.get("entries", [])) + list(expect.get("organisations", []))
        ids += [expect[k] for k in ("source_of", "evidence_of", "anonymous_of") if k in expect]
        for item_id in ids:
            item = kb.item(item_id)
            if item is None:
                problems.append(f"{cid}: {item_id} bestaat niet")
            elif not item.vetted:
                problems.append(f"{cid}: {item_id} is niet vetted")
        if "evidence_of" in expect and expect["evidence_of"] not in kb.entries:
            problems.append(f"{cid}: evidence_of moet naar een item (entry) wijzen")
        if "anonymous_of" in expect and expect["anonymous_of"] not in kb.organisations:
            problems.append(f"{cid}: anonymous_of moet naar een organisatie wijzen")
        if expect.get("crisis") not in (None, "danger", "suicide"):
            problems.append(f"{cid}: crisis moet danger of suicide zijn")
        if "response" in expect and expect["response"] not in domain["responses"]:
            problems.append(f"{cid}: response {expect['response']} staat niet in bot/domain.yml")
    assert not problems, "\n".join(problems)
