"""Crisis first, in every supported language: the patterns catch every crisis message,
tell danger (112) from suicidal thoughts (113), and leave look-alikes alone.

tests/data/crisis_messages.yml is the set the patterns were written against, per language;
the Dutch lists below were written separately, to catch overfitting.
"""
import asyncio
from pathlib import Path

import pytest
import yaml

DATA = yaml.safe_load((Path(__file__).parent / "data" / "crisis_messages.yml").read_text(encoding="utf-8"))
LANGUAGES = ("nl", "en", "pl", "ro", "bg", "uk")
KINDS = ("danger", "suicide")

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

# A threat by someone else is danger (112), never the suicide text, in every language.
THREATS = {
    "nl": ["hij zegt dat hij me vermoordt", "hij wil dat ik dood ga"],
    "en": ["he says he will kill me", "he said he would kill me if i talk", "he'll kill me"],
    "pl": ["grozi, że mnie zabije", "mówi, że mnie zabije"],
    "ro": ["zice că mă omoară", "m-a amenințat că mă omoară"],
    "bg": ["каза, че ще ме убие", "заплашва, че ще ме убие"],
    "uk": ["він каже, що вб'є мене", "погрожує, що вбʼє мене"],
}

# Typed text that looks like a Rasa intent payload still gets the crisis reply.
PAYLOAD_LIKE = [
    ("/ask_knowledge{} ik wil dood", "suicide"),
    ("/ask_knowledge ik wil dood", "suicide"),
    ("/greet hij slaat me", "danger"),
    ('/ask_help{"role": "help!!"}', "danger"),
    ("/ask_knowledge{} i want to kill myself", "suicide"),
    # as the channels pass typed "/..." text on: with an invisible WORD JOINER in front
    ("\u2060/ask_knowledge{} ik wil dood", "suicide"),
    ("\u2060/greet help!!", "danger"),
    ("\u2060/ask_help{} він мене б'є", "danger"),
]


def cases(prefix):
    """(language, message) for every message under `<prefix>_<language>`."""
    return [(lang, message) for lang in LANGUAGES for message in DATA.get(f"{prefix}_{lang}") or []]


@pytest.fixture(scope="module")
def detector(snapshot):
    return snapshot.crisis


@pytest.mark.parametrize("lang,message", cases("crisis_danger") + [("nl", m) for m in UNSEEN_DANGER])
def test_acute_danger_is_recognised(detector, lang, message):
    rule = detector.detect(message)
    assert rule is not None and rule.kind == "danger", (lang, message, rule and rule.kind)


@pytest.mark.parametrize("lang,message", cases("crisis_suicide") + [("nl", m) for m in UNSEEN_SUICIDE])
def test_suicidal_thoughts_are_recognised(detector, lang, message):
    rule = detector.detect(message)
    assert rule is not None and rule.kind == "suicide", (lang, message, rule and rule.kind)


@pytest.mark.parametrize("lang,message", cases("not_crisis") + [("nl", m) for m in UNSEEN_NOT_CRISIS])
def test_look_alikes_are_not_a_crisis(detector, lang, message):
    rule = detector.detect(message)
    assert rule is None, (lang, message, rule and rule.kind)


@pytest.mark.parametrize("lang,message", [(lang, m) for lang, ms in THREATS.items() for m in ms])
def test_a_threat_by_someone_else_is_danger_not_suicide(detector, lang, message):
    rule = detector.detect(message)
    assert rule is not None and rule.kind == "danger", (lang, message, rule and rule.kind)


@pytest.mark.parametrize("lang,kind", [(lang, kind) for lang in LANGUAGES for kind in KINDS])
def test_the_pattern_names_the_language_of_a_crisis_message(detector, lang, kind):
    """Patterns for en, pl, ro, bg and uk carry a "(?#xx)" language tag, so a short crisis
    message can be answered in its own language; a tag never names a wrong language."""
    untagged = []
    for message in DATA[f"crisis_{kind}_{lang}"]:
        found = detector.match(message)
        assert found is not None and found.rule.kind == kind, message
        if lang == "nl":
            assert found.lang is None, (message, found.lang)
        else:
            assert found.lang in (lang, None), (message, found.lang)
            untagged += [message] if found.lang is None else []
    assert len(untagged) <= 2, untagged


@pytest.mark.parametrize("message,kind", PAYLOAD_LIKE)
def test_crisis_words_after_an_intent_like_prefix_are_seen(detector, message, kind):
    rule = detector.detect(message)
    assert rule is not None and rule.kind == kind, message


def test_the_same_message_mid_conversation_still_triggers(detector):
    """The detector keeps no state: the tenth message is judged like the first."""
    chat = ["hallo", "wat is mensenhandel", "en hoeveel slachtoffers zijn er", "ok dank je"]
    for message in chat:
        assert detector.detect(message) is None, message
    assert detector.detect("maar nu slaat hij me weer").kind == "danger"
    assert detector.detect("ok. eigenlijk wil ik gewoon dood").kind == "suicide"
    assert detector.detect("dank je") is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_enough_messages_per_language(lang):
    danger = DATA.get(f"crisis_danger_{lang}") or []
    suicide = DATA.get(f"crisis_suicide_{lang}") or []
    look_alikes = DATA.get(f"not_crisis_{lang}") or []
    assert len(danger) + len(suicide) >= 20 and len(look_alikes) >= 20, lang
    assert len(danger) >= 10 and len(suicide) >= 10, lang
    assert not set(danger + suicide) & set(look_alikes), lang


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_first_crisis_message_names_112_in_every_language(kb, detector, lang, kind):
    from actions.knowledge.formatting import crisis_texts

    rule = detector.rule(kind)
    org = kb.organisations[rule.organisation]
    emergency = kb.organisations["org_112"]
    assert org.vetted and emergency.vetted and emergency.phone == "112"
    if lang != "nl":
        assert lang in rule.translations, f"{rule.id}: no {lang} translation"
    first = crisis_texts(kb, rule, lang=lang)[0]
    assert "{" not in first, first
    assert emergency.phone in first, first
    if kind == "suicide":
        # 113 first, then 112 for immediate danger
        assert org.phone == "113" and org.phone in first
        assert first.index(org.phone) < first.index(emergency.phone), first
    else:
        assert org.phone == "112"
    if lang != "nl":
        assert first != crisis_texts(kb, rule, lang="nl")[0], f"{lang} falls back to Dutch"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "nl"])
def test_crisis_translations_keep_the_placeholders(detector, lang):
    for kind in KINDS:
        rule = detector.rule(kind)
        assert rule.has_language(lang), (rule.id, lang)
        for field in ("text", "follow_up"):
            dutch, translated = getattr(rule, field), rule.localized(field, lang)
            assert translated and translated != dutch, (rule.id, lang, field)
            for place in ("{phone}", "{emergency}"):
                assert dutch.count(place) == translated.count(place), (rule.id, lang, field, place)


def test_rasa_nlu_override_uses_the_same_detector_in_every_language():
    """The Rasa-side component turns a crisis message into the crisis intent, whatever the
    classifier said, in all six languages."""
    from rasa.shared.nlu.constants import INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.crisis_override import CRISIS_INTENTS, CrisisPatternOverride

    override = CrisisPatternOverride()
    samples = []
    for lang in LANGUAGES:
        for kind in KINDS:
            samples.append((DATA[f"crisis_{kind}_{lang}"][0], CRISIS_INTENTS[kind]))
        samples.append((DATA[f"not_crisis_{lang}"][0], "ask_knowledge"))
    messages = [Message(data={TEXT: text, INTENT: {"name": "ask_knowledge", "confidence": 0.9}})
                for text, _ in samples]
    override.process(messages)
    for message, (text, intent) in zip(messages, samples):
        assert message.get(INTENT)["name"] == intent, text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_crisis_action_answers_in_the_conversation_language_mid_conversation(kb, detector, lang):
    """A crisis message after earlier turns (language slot set) gets the crisis text, with
    112 in the first message."""
    from actions.crisis import ActionCrisis
    from actions.knowledge.formatting import crisis_texts
    from tests.helpers import run_action

    for kind in KINDS:
        text = DATA[f"crisis_{kind}_{lang}"][-1]
        texts, _, _, _ = asyncio.run(run_action(ActionCrisis(), text, f"crisis_{kind}",
                                                slots={"language": lang}))
        assert texts and "112" in texts[0], (lang, kind, texts[:1])
        # The crisis text of this kind (the reply language is chosen by language detection,
        # see test_the_pattern_names_the_language_of_a_crisis_message).
        options = [crisis_texts(kb, detector.rule(kind), lang=other)[0] for other in LANGUAGES]
        assert texts[0] in options, (lang, kind, texts[:1])
