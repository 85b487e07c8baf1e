"""Crisis by meaning: messages the patterns miss still get 112 or 113 first."""
import pytest

from actions.knowledge.decision import decide
from actions.knowledge.store import default_store


@pytest.fixture(scope="module")
def snap():
    return default_store().get()


@pytest.mark.parametrize("text, kind", [
    ("honestly everyone would be better off if I wasn't here anymore", "suicide"),
    ("de man van de chat wacht buiten bij mijn school en zegt dat hij mijn foto's online zet "
     "als ik niet in zijn auto stap", "danger"),
])
def test_indirect_crisis_gets_the_crisis_reply(snap, text, kind):
    assert snap.crisis.match(text) is None  # the patterns miss it; meaning must not
    decision = decide(snap, text)
    assert decision.kind == "crisis" and decision.crisis.kind == kind


@pytest.mark.parametrize("text", ["how many people call 113 each year?", "hoeveel slachtoffers mensenhandel zijn er"])
def test_questions_about_the_topic_are_no_crisis(snap, text):
    assert decide(snap, text).kind != "crisis"


def test_a_match_by_meaning_keeps_the_help_route(snap):
    text = ("de man van de chat wacht buiten bij mijn school en zegt dat hij mijn foto's online zet "
            "als ik niet in zijn auto stap")
    assert decide(snap, text).items, "after 112, the route for what was described"
