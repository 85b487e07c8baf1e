"""decide(): one decision for the actions, `vraagbaak ask` and the dev script (real knowledge)."""
from pathlib import Path

import pytest

from actions.knowledge.crisis import CrisisDetector
from actions.knowledge.decision import decide
from actions.knowledge.loader import load
from actions.knowledge.retrieval import Retriever

REPO_ROOT = Path(__file__).resolve().parents[1]


class Snap:
    def __init__(self, kb):
        self.kb, self.retriever, self.crisis = kb, Retriever(kb), CrisisDetector(kb)


@pytest.fixture(scope="module")
def snap():
    kb, _ = load(REPO_ROOT / "knowledge")  # content work in progress must not stop these tests
    return Snap(kb)


def test_population_guard_is_a_hard_filter(snap):
    d = decide(snap, "Hoeveel jongens maken seksueel geweld mee voor hun 18e?", intent="ask_knowledge")
    assert all(getattr(s.item, "population", None) != "meisjes" for s in d.scored)


def test_en_jongens_after_a_figure_about_all_children(snap):
    first = decide(snap, "Hoeveel kinderen maken seksueel geweld mee?", intent="ask_knowledge")
    assert first.kind == "answer"
    follow = decide(snap, "en jongens?", intent="followup_population", context=first.best)
    assert follow.kind in ("answer", "clarify")
    assert follow.best.population == "jongens"


def test_newer_figure_and_year_follow_ups(snap):
    kb = snap.kb
    old = kb.entries.get("mh_gemelde_slachtoffers_2023")
    if old is None or not old.vetted:
        pytest.skip("entry not vetted")
    newer = decide(snap, "is er een nieuwer cijfer?", context=old)
    assert newer.kind == "answer" and newer.best.year >= old.year
    year = decide(snap, "en in 2024?", context=old)
    assert year.kind == "answer" and 2024 in snap.retriever.years(year.best)


def test_crisis_comes_first_in_any_language(snap):
    assert decide(snap, "ik wil dood", intent="ask_knowledge").kind == "crisis"


def test_language_follows_the_message(snap):
    d = decide(snap, "How many victims of human trafficking are there in the Netherlands?")
    assert d.language == "en"
    assert decide(snap, "en jongens?", conversation_language="en").language == "en"
