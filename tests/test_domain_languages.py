"""Every domain response speaks English, and the help languages get what a migrant worker
needs first: what the assistant is, that it stores nothing, and where else to ask."""
from pathlib import Path

import pytest
import yaml

from actions.knowledge.numbers import has_digits
from tests.test_no_stray_numbers import without_crisis_phones

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
LANGUAGES = yaml.safe_load((ROOT / "knowledge" / "languages.yml").read_text(encoding="utf-8"))
# Responses a visitor writing in a help language must be able to read.
HELP_LANGUAGE_RESPONSES = ("utter_greet", "utter_bot_challenge", "utter_privacy", "utter_no_answer",
                           "utter_out_of_scope", "utter_help_pointer", "utter_ask_role")


def variations(name):
    found = {}
    for variant in DOMAIN["responses"][name]:
        conditions = variant.get("condition") or []
        lang = next((c["value"] for c in conditions if c.get("name") == "language"), "nl")
        found[lang] = variant
    return found


def help_languages():
    codes = [lang for lang in _codes() if lang not in ("nl", "en")]
    assert codes, "languages.yml names no help languages"
    return codes


def _codes():
    raw = LANGUAGES.get("languages")
    if isinstance(raw, dict):
        return list(raw)
    return [item["code"] for item in raw]


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_response_has_dutch_and_english(name):
    found = variations(name)
    assert "nl" in found, f"{name}: no unconditioned Dutch variation"
    assert "en" in found, f"{name}: no English variation"


@pytest.mark.parametrize("name", HELP_LANGUAGE_RESPONSES)
def test_help_languages_have_the_first_responses(name):
    found = variations(name)
    missing = [lang for lang in help_languages() if lang not in found]
    assert not missing, f"{name}: no variation in {missing}"


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_variations_keep_buttons_and_state_no_figures(name):
    found = variations(name)
    dutch_payloads = [b["payload"] for b in found["nl"].get("buttons", [])]
    for lang, variant in found.items():
        assert not has_digits(without_crisis_phones(variant["text"])), \
            f"{name}/{lang}: figures come from knowledge/, not the domain (only 112 and 113 may be written out)"
        payloads = [b["payload"] for b in variant.get("buttons", [])]
        assert payloads == dutch_payloads, f"{name}/{lang}: buttons differ from the Dutch ones"
