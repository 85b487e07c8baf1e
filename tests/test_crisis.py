"""Crisis first: the patterns catch every crisis message and leave look-alikes alone.

tests/data/crisis_messages.yml is the set the patterns were written against; the lists
below were written separately, to catch overfitting.
"""
from pathlib import Path

import pytest
import yaml

DATA = yaml.safe_load((Path(__file__).parent / "data" / "crisis_messages.yml").read_text(encoding="utf-8"))

UNSEEN_DANGER = [
    "hij slaat me nu", "ik kan niet weg", "iemand staat voor de deur met een mes",
    "hij slaat me", "HIJ SLAAT ME NU HELP", "hij slaatt me nu", "ik kan niet wegg",
    "help er staat iemand met een mes voor mijn deur", "ze hebben me opgesloten",
    "mijn vriend slaat mij op dit moment", "ik word nu geslagen", "hij heeft een mes en komt eraan",
    "ik ben bang dat hij me vermoord", "ik zit opgesloten in een kamer en kom er niet uit",
    "hij dreigt me nu dood te maken", "ze laten me niet gaan", "hij wurgt me",
]
UNSEEN_SUICIDE = [
    "ik wil niet meer leven", "ik wil dood", "ik wil er niet meer zijn", "ik denk aan zelfmoord",
    "ik wil een einde aan mijn leven maken", "ik wil mezelf van het leven beroven",
    "ik wil niet meer leven echt niet", "ik denk erover om zelfmoord te plegen",
    "ik wil niet meer verder leven",
]
UNSEEN_NOT_CRISIS = [
    "wat gebeurt er als je 112 belt", "hoeveel slachtoffers zijn in gevaar", "wat is het nummer van 113",
    "hoeveel kinderen worden geslagen", "wanneer moet je 112 bellen", "wat doet 113 zelfmoordpreventie",
    "kunnen slachtoffers niet weg bij hun uitbuiter", "waarom kunnen slachtoffers niet weg",
    "wat is een mes", "hoeveel jongens maken seksueel geweld mee", "wat is mensenhandel",
    "mijn buurvrouw werd vorig jaar geslagen door haar man, waar kan ze terecht",
]


@pytest.fixture(scope="module")
def detector(snapshot):
    return snapshot.crisis


@pytest.mark.parametrize("message", DATA["crisis_danger"] + UNSEEN_DANGER)
def test_acute_danger_is_recognised(detector, message):
    rule = detector.detect(message)
    assert rule is not None and rule.kind == "danger", message


@pytest.mark.parametrize("message", DATA["crisis_suicide"] + UNSEEN_SUICIDE)
def test_suicidal_thoughts_are_recognised(detector, message):
    rule = detector.detect(message)
    assert rule is not None and rule.kind == "suicide", message


@pytest.mark.parametrize("message", DATA["not_crisis"] + UNSEEN_NOT_CRISIS)
def test_look_alikes_are_not_a_crisis(detector, message):
    assert detector.detect(message) is None, message


def test_enough_messages_on_both_sides():
    crisis = len(DATA["crisis_danger"]) + len(DATA["crisis_suicide"]) + len(UNSEEN_DANGER) + len(UNSEEN_SUICIDE)
    assert crisis >= 60 and len(DATA["not_crisis"]) + len(UNSEEN_NOT_CRISIS) >= 60


def test_crisis_texts_name_the_vetted_number_first(kb, detector):
    for kind in ("danger", "suicide"):
        rule = detector.rule(kind)
        org = kb.organisations[rule.organisation]
        from actions.knowledge.formatting import crisis_texts

        first = crisis_texts(kb, rule)[0]
        assert org.vetted and org.phone in first
