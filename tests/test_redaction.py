"""Personal data is removed from user text before anything is stored."""
import pytest

from bot.redaction import redact, redact_event


@pytest.mark.parametrize("text, secret, placeholder", [
    ("mail me op sanne.devries@example.nl aub", "sanne.devries@example.nl", "[E-MAIL]"),
    ("mijn mail: Kim+hulp@mail.co.uk", "Kim+hulp@mail.co.uk", "[E-MAIL]"),
    ("bel me 06-12345678", "12345678", "[TELEFOON]"),
    ("bel me 0612345678", "0612345678", "[TELEFOON]"),
    ("bel me op 06 1234 5678", "1234 5678", "[TELEFOON]"),
    ("mijn nummer is +31 6 12345678", "12345678", "[TELEFOON]"),
    ("mijn nummer is +31612345678", "612345678", "[TELEFOON]"),
    ("mijn nummer is 0031 6 1234 5678", "1234 5678", "[TELEFOON]"),
    ("thuis 020-1234567", "1234567", "[TELEFOON]"),
    ("thuis (020) 123 4567", "123 4567", "[TELEFOON]"),
    ("thuis 010 123 45 67", "123 45 67", "[TELEFOON]"),
    ("mijn bsn is 123456782", "123456782", "[NUMMER]"),
    ("bsn 123.456.782", "123.456.782", "[NUMMER]"),
    ("geboren 12-05-2010", "12-05-2010", "[NUMMER]"),
    ("rekening NL91ABNA0417164300", "NL91ABNA0417164300", "[IBAN]"),
    ("rekening NL91 ABNA 0417 1643 00", "ABNA 0417", "[IBAN]"),
    ("rekening nl91abna0417164300", "nl91abna0417164300", "[IBAN]"),
    ("ik woon in 1234AB", "1234AB", "[POSTCODE]"),
    ("ik woon in 1234 AB Utrecht", "1234 AB", "[POSTCODE]"),
    ("postcode 3511 cv", "3511 cv", "[POSTCODE]"),
    ("ik woon op de Kerkstraat 12a", "Kerkstraat 12", "[ADRES]"),
    ("ik heet Sanne", "Sanne", "[NAAM]"),
    ("ik heet sanne en ik ben 14", "sanne", "[NAAM]"),
    ("Mijn naam is Jan de Vries.", "Vries", "[NAAM]"),
    ("mijn naam is jan van der berg", "berg", "[NAAM]"),
    ("m'n naam is Ali", "Ali", "[NAAM]"),
    ("Hoi, ik ben Fatima en ik ben bang", "Fatima", "[NAAM]"),
    ("Ik ben Sanne Jansen en ik woon in Utrecht", "Jansen", "[NAAM]"),
    ("mijn oom heet Piet Jansen", "Piet", "[NAAM]"),
    ("noem me Kim", "Kim", "[NAAM]"),
    ("een man genaamd Bram", "Bram", "[NAAM]"),
    ("zie https://example.nl/profiel/sanne123", "sanne123", "[LINK]"),
])
def test_personal_data_is_replaced(text, secret, placeholder):
    redacted = redact(text)
    assert secret not in redacted
    assert placeholder in redacted


@pytest.mark.parametrize("text", [
    "Hoeveel jongens maken seksueel geweld mee voor hun 18e?",
    "en meisjes?",
    "ik ben bang",
    "Ik ben 14 jaar",
    "ik ben een meisje van 15",
    "wat is loverboy",
    "in 2019 en 2020 gebeurde het",
    "1 op de 8 kinderen",
    "is het mijn schuld?",
    "ik ben niet alleen",
    "",
    "🙂🙂",
    "مرحبا كيف حالك",
])
def test_ordinary_questions_stay_intact(text):
    assert redact(text) == text


def test_several_kinds_in_one_message():
    text = "Ik heet Sanne, bel 06-12345678 of mail sanne@example.nl, ik woon in 1234 AB"
    redacted = redact(text)
    for secret in ("Sanne", "12345678", "sanne@example.nl", "1234 AB"):
        assert secret not in redacted
    assert redacted.startswith("Ik heet [NAAM]")


def test_redaction_is_stable():
    text = "bel 06-12345678, ik heet Kim"
    assert redact(redact(text)) == redact(text)


def test_non_text_passes_through():
    assert redact(None) is None


def test_user_event_text_parse_data_entities_and_metadata():
    event = {
        "event": "user", "timestamp": 1.0, "text": "ik heet Sanne, bel 0612345678",
        "parse_data": {
            "text": "ik heet Sanne, bel 0612345678",
            "intent": {"name": "ask_help", "confidence": 0.9},
            "entities": [{"entity": "topic", "value": "0612345678", "text": "0612345678",
                          "start": 0, "end": 10}],
            "metadata": {"note": "mail sanne@example.nl"},
        },
        "metadata": {"from": "sanne@example.nl"},
        "input_channel": "rest",
    }
    redacted = redact_event(event)
    blob = repr(redacted)
    assert "Sanne" not in blob and "0612345678" not in blob and "sanne@example.nl" not in blob
    assert redacted["parse_data"]["intent"]["name"] == "ask_help"
    assert redacted["input_channel"] == "rest"
    # the original event (the tracker the bot is working with) is untouched
    assert event["text"] == "ik heet Sanne, bel 0612345678"
    assert event["parse_data"]["entities"][0]["value"] == "0612345678"


def test_bot_events_are_kept():
    event = {"event": "bot", "text": "Bel 0800-0432 (De Kindertelefoon)."}
    assert redact_event(event) == event
