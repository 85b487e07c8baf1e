"""`vraagbaak check` on the shipped base and on small broken copies of a valid base."""
import datetime as dt
import shutil
from pathlib import Path

import pytest

import actions.knowledge.validation as validation
from actions.knowledge.cli import main as vraagbaak
from actions.knowledge.loader import ERROR, WARNING, load
from actions.knowledge.numbers import numbers_in, occurs_in

MINI = Path(__file__).parent / "data" / "mini_knowledge"
REPO_KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"


def test_shipped_knowledge_base_passes_check(capsys):
    assert vraagbaak(["--dir", str(REPO_KNOWLEDGE), "check"]) == 0, capsys.readouterr().out


def test_valid_mini_base_passes(capsys):
    assert vraagbaak(["--dir", str(MINI), "check"]) == 0
    assert "In orde" in capsys.readouterr().out


@pytest.fixture(autouse=True)
def complete_base_required(monkeypatch, request):
    """The fixtures check the final rules: missing evidence or translations are errors."""
    if request.node.name != "test_shipped_knowledge_base_passes_check":
        monkeypatch.setattr(validation, "COMPLETENESS", ERROR)


@pytest.fixture
def broken(tmp_path):
    """A copy of the mini base; returns a function that edits one file by text replacement."""
    target = tmp_path / "knowledge"
    shutil.copytree(MINI, target)

    def edit(file: str, old: str, new: str) -> Path:
        path = target / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture text not found: {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return target

    return edit


def errors_of(directory: Path):
    _, problems = load(directory)
    return [p for p in problems if p.severity == ERROR]


# (file, old text, new text, expected words in the message, expected entry id)
BROKEN_CASES = [
    ("figures.yml", "id: t_meisjes", "id: t_jongens", "bestaat al", "t_jongens"),
    ("figures.yml", "    period: \"ca. 2020\"\n    year: 2020\n    source: src_test\n    status: vetted\n    checked: 2026-11-01\n    questions:\n      - Hoeveel meisjes",
     "    year: 2020\n    source: src_test\n    status: vetted\n    checked: 2026-11-01\n    questions:\n      - Hoeveel meisjes", "period", "t_meisjes"),
    ("figures.yml", "source: src_test\n    status: vetted\n    checked: 2026-11-01\n    questions:\n      - Hoeveel jongens",
     "source: src_onbekend\n    status: vetted\n    checked: 2026-11-01\n    questions:\n      - Hoeveel jongens", "src_onbekend", "t_jongens"),
    ("help.yml", 'phone: "0900-0101"', 'phone: "09-01"', "telefoonnummer", "org_slachtofferhulp"),
    ("figures.yml", "48% van de meisjes heeft", "48% van de 12 meisjes heeft", "12", "t_meisjes"),
    ("help.yml", "organisations: [org_kindertelefoon, org_112]", "organisations: [org_bestaat_niet, org_112]", "org_bestaat_niet", "sit_kind"),
    ("figures.yml", "status: needs_review", "status: misschien", "status", "t_mh_review"),
    ("crisis.yml", "Bel meteen {phone}.", "Bel meteen 112.", "{phone}", "crisis_danger"),
    ("crisis.yml", "'\\bkan niet weg\\b'", "'(kan niet weg'", "reguliere expressie", "crisis_danger"),
    ("figures.yml", "      - hoeveel meisjs krijgen met seksueel geweld te maken\n", "", "voorbeeldvragen", "t_meisjes"),
    # Evidence: a figure without the source's words
    ("figures.yml", '    evidence:\n      - quote: "17% van de jongens heeft voor het achttiende jaar iets meegemaakt."\n'
     '        where: "p. 2"\n        read: 2026-11-01\n', "", "geen evidence", "t_jongens"),
    # Evidence: the quote does not hold the value
    ("figures.yml", 'quote: "17% van de jongens', 'quote: "18% van de jongens', "Het getal 17 uit 'values' staat niet in de evidence", "t_jongens"),
    # Evidence: the source hedges ("naar schatting"), the text does not
    ("figures.yml", "Er zijn naar schatting 5.000 tot 7.500", "Er zijn 5.000 tot 7.500", "De bron is voorzichtig ('naar schatting')", "t_mh_slachtoffers"),
    # Evidence: the quote has no 'read' date
    ("figures.yml", '        where: "p. 1, infographic"\n        read: 2026-11-01\n', '        where: "p. 1, infographic"\n',
     "'read' ontbreekt", "t_mh_slachtoffers"),
    # Evidence: an organisation's phone number is not in its own words
    ("help.yml", 'quote: "Bel ons op 0900-0101."', 'quote: "Bel ons op 0900-0102."', "Het nummer 0900-0101 (phone) staat niet in de evidence", "org_slachtofferhulp"),
    # Evidence: the opening hours are not in the organisation's own words
    ("help.yml", '      - quote: "Elke dag van 11:00 tot 21:00 uur."', '      - quote: "Elke dag van 11:00 tot 20:00 uur."',
     "Het getal 21 uit 'hours' staat niet in de evidence", "org_kindertelefoon"),
    # Evidence: a vetted organisation with a phone number and no evidence
    ("help.yml", '    evidence:\n      - quote: "Bel ons op 0900-0101."\n        where: "https://example.org/slachtofferhulp"\n'
     '        read: 2026-11-01\n', "", "telefoonnummer, maar geen evidence", "org_slachtofferhulp"),
    # Translations: another number than the Dutch text
    ("figures.yml", "17% of boys", "18% of boys", "De getallen in de vertaling (en, text) zijn anders", "t_jongens"),
    # Translations: English written the Dutch way (5.000 reads as 5 in English)
    ("figures.yml", "an estimated 5,000 to 7,500", "an estimated 5.000 to 7.500", "De getallen in de vertaling (en, text) zijn anders", "t_mh_slachtoffers"),
    # Translations: another phone number
    ("help.yml", "Chat at 113.nl or call 0800-0113", "Chat at 113.nl or call 0800-1130", "De telefoonnummers in de vertaling (en, chat)", "org_113"),
    # Translations: another web address
    ("help.yml", "Chat at 113.nl or call", "Chat at 113.com or call", "De webadressen in de vertaling (en, chat)", "org_113"),
    # Translations: a changed {place}
    ("crisis.yml", "Call {phone} right away.", "Call {telefoon} right away.", "De plekken tussen { } in de vertaling (en, text)", "crisis_danger"),
    # Translations: an unknown language code
    ("figures.yml", "      en:\n        text: >-\n          17% of boys", "      eng:\n        text: >-\n          17% of boys",
     "Onbekende taalcode 'eng'", "t_jongens"),
    # Translations: English (full language) missing for a vetted item
    ("help.yml", "      en:\n        title: You are a child or young person\n        text: Good that you are telling this. It is not your fault. Are you in danger? Call 112.\n"
     "        translated: 2026-11-30\n        from_nl: \"745d8ad062\"\n", "", "De vertaling voor 'en' (English) ontbreekt", "sit_kind"),
    # Translations: a help language missing for an organisation of a required help situation
    ("help.yml", "      pl:\n        for_whom: Dzieci w wieku od 8 do 18 lat.\n", "      xpl:\n        for_whom: Dzieci w wieku od 8 do 18 lat.\n",
     "De vertaling voor 'pl' (Polski) ontbreekt", "org_kindertelefoon"),
    # Translations: a field of the Dutch text is not translated
    ("help.yml", "        for_whom: In direct danger.\n        hours: Always\n", "        for_whom: In direct danger.\n",
     "De vertaling (en) mist: hours", "org_112"),
    # Translations: no fingerprint of the Dutch text
    ("figures.yml", '          17% of boys went through something before they turned eighteen.\n        translated: 2026-11-30\n        from_nl: "d577f63789"\n',
     "          17% of boys went through something before they turned eighteen.\n        translated: 2026-11-30\n",
     "geen 'from_nl'", "t_jongens"),
    # Translations: no date
    ("figures.yml", "          17% of boys went through something before they turned eighteen.\n        translated: 2026-11-30\n",
     "          17% of boys went through something before they turned eighteen.\n", "geen geldige datum bij 'translated'", "t_jongens"),
    # Evidence: a quote that points into the project's own notes, not a publication
    ("figures.yml", '        where: "p. 2"\n', '        where: "research/figures-after-the-brochure.md, table"\n',
     "wijst naar een bestand van het project of de onderzoeksnotities", "t_jongens"),
    # Evidence: a table row presented as the source's words
    ("figures.yml", 'quote: "17% van de jongens heeft voor het achttiende jaar iets meegemaakt."',
     'quote: "| 17% van de jongens | boys before 18 |"', "geen zin van de uitgever maar een tabelrij", "t_jongens"),
    # 112 with its digits: "het alarmnummer" without 112
    ("help.yml", "Are you in danger? Call 112.", "Are you in danger? Call the emergency number.",
     "'text' (en) noemt 'emergency number' zonder het nummer 112", "sit_kind"),
    # a route that asks about danger must name 112
    ("help.yml", "Are you in danger? Call 112.", "Are you in danger? Call the police.",
     "vraagt naar gevaar ('in danger') maar noemt 112 niet", "sit_kind"),
    # a route naming 112 must show the 112 card
    ("help.yml", "organisations: [org_kindertelefoon, org_112]", "organisations: [org_kindertelefoon]",
     "de kaart van 'org_112' wordt niet getoond", "sit_kind"),
    # children's routes say what to do in danger
    ("help.yml", "text: Fijn dat je dit vertelt. Het is niet jouw schuld. Ben je in gevaar? Bel 112.",
     "text: Fijn dat je dit vertelt. Het is niet jouw schuld.", "zegt niet wat je doet bij gevaar", "sit_kind"),
    # the suicide reply gives both numbers of 113
    ("crisis.yml", "Bel {phone} of 0800-0113, dag en nacht.", "Bel {phone}, dag en nacht.",
     "noemt 0800-0113 niet", "crisis_suicide"),
    # and says in a help language which language the line speaks
    ("crisis.yml", "follow_up: Pod {phone} rozmawiają po niderlandzku.", "follow_up: Pod {phone} ktoś odbierze.",
     "zegt niet in welke taal de lijn antwoordt", "crisis_suicide"),
    # every route a help-language visitor reaches by a role button is translated
    ("help.yml", "      pl:\n        title: Jesteś dzieckiem", "      xpl:\n        title: Jesteś dzieckiem",
     "komt hier via de knop voor rol 'kind'", "sit_kind"),
    # Crisis: the first message must name the alarm number with its digits
    ("crisis.yml", "dag en nacht. Ben je in gevaar? Bel {emergency}.", "dag en nacht.", "{emergency} ontbreekt", "crisis_suicide"),
]


@pytest.mark.parametrize("file,old,new,words,item_id", BROKEN_CASES)
def test_each_kind_of_broken_file_is_reported_clearly(broken, capsys, file, old, new, words, item_id):
    directory = broken(file, old, new)
    errors = errors_of(directory)
    assert any(words in p.message and p.item_id == item_id for p in errors), [str(p) for p in errors]
    problem = next(p for p in errors if p.item_id == item_id)
    assert problem.file.endswith(file) and problem.line > 0 and problem.fix
    assert vraagbaak(["--dir", str(directory), "check"]) == 1
    out = capsys.readouterr().out
    assert f"[{item_id}]" in out and "Oplossing:" in out


def test_yaml_syntax_error_names_file_and_line(broken):
    directory = broken("help.yml", "    for_whom: Bij direct gevaar.", "    for_whom: [Bij direct gevaar.")
    errors = errors_of(directory)
    assert len(errors) >= 1
    assert errors[0].file.endswith("help.yml") and errors[0].line > 0
    assert "YAML" in errors[0].message


def test_missing_required_field_is_named(broken):
    directory = broken("help.yml", "    for_whom: Hulp voor slachtoffers.\n", "")
    assert any("for_whom" in p.message and p.item_id == "org_slachtofferhulp" for p in errors_of(directory))


def test_stale_entry_gives_a_warning_not_an_error(broken):
    old = (dt.date.today() - dt.timedelta(days=400)).isoformat()
    directory = broken("figures.yml", "checked: 2026-11-01\n    questions:\n      - Hoeveel jongens",
                       f"checked: {old}\n    questions:\n      - Hoeveel jongens")
    _, problems = load(directory)
    assert any(p.severity == WARNING and p.item_id == "t_jongens" and "12 maanden" in p.message for p in problems)
    assert not [p for p in problems if p.severity == ERROR]


def test_crisis_rules_are_required(broken, tmp_path):
    directory = broken("crisis.yml", "kind: suicide", "kind: danger")
    assert any("suicide" in p.message for p in errors_of(directory))


def test_fix_for_a_missing_fingerprint_gives_the_value_and_the_script(broken):
    directory = broken("figures.yml", '        from_nl: "d577f63789"\n', "")
    problem = next(p for p in errors_of(directory) if "from_nl" in p.message)
    assert '"d577f63789"' in problem.fix and "scripts/stamp_translations.py" in problem.fix


def test_changed_dutch_text_asks_to_check_the_translation(broken):
    directory = broken("figures.yml", "48% van de meisjes heeft voor haar achttiende iets meegemaakt.",
                       "48% van de meisjes heeft voor haar achttiende jaar iets meegemaakt.")
    kb, problems = load(directory)
    warnings = [p for p in problems if p.severity == WARNING and p.item_id == "t_meisjes"]
    assert any("Vertaling controleren (en)" in p.message for p in warnings), [str(p) for p in problems]
    new = kb.entries["t_meisjes"].dutch_fingerprint()
    assert any(new in p.fix for p in warnings)
    assert not [p for p in problems if p.severity == ERROR]


def test_old_evidence_gives_a_warning(broken):
    old = (dt.date.today() - dt.timedelta(days=400)).isoformat()
    directory = broken("figures.yml", '        where: "p. 1, infographic"\n        read: 2026-11-01',
                       f'        where: "p. 1, infographic"\n        read: {old}')
    _, problems = load(directory)
    assert any(p.severity == WARNING and p.item_id == "t_mh_slachtoffers" and "12 maanden" in p.message
               for p in problems)
    assert not [p for p in problems if p.severity == ERROR]


def test_needs_review_figure_may_lack_evidence():
    kb, problems = load(MINI)
    assert not kb.entries["t_mh_review"].evidence
    assert not [p for p in problems if p.item_id == "t_mh_review"]


@pytest.mark.parametrize("value,quote", [
    (1300, "ongeveer 1.300 minderjarigen"),
    (1300, "1300 minderjarigen"),
    (36, "36 procent van de slachtoffers"),
    (36, "36% van de slachtoffers"),
    (37.8, "37,8% van de meisjes"),
    (5000, "naar schatting 5.000-7.500 slachtoffers"),
    (7500, "naar schatting 5.000-7.500 slachtoffers"),
    (7500, "between 5,000 and 7,500 victims"),
    (1, "1 op de 3 kinderen"),
    (3, "1 op de 3 kinderen"),
    (2015, "in 2014–2015"),
])
def test_values_are_found_in_quotes_however_the_digits_are_written(value, quote):
    assert occurs_in(value, [quote])


def test_numbers_are_read_per_language_style():
    assert numbers_in("5,000 to 7,500 victims, 37.8%", "english") == [5000, 7500, 37.8]
    assert numbers_in("5.000 tot 7.500 slachtoffers, 37,8%") == [5000, 7500, 37.8]


def test_interface_texts_exist_in_every_language_with_the_same_places():
    kb, problems = load(REPO_KNOWLEDGE)
    assert not [p for p in problems if p.file.endswith("interface.yml")], [str(p) for p in problems if p.file.endswith("interface.yml")]
    for key, texts in kb.interface.items():
        assert set(kb.languages) <= set(texts), key


def test_stamp_script_adds_fingerprints_and_keeps_comments(broken):
    from scripts.stamp_translations import stamp

    directory = broken("figures.yml", '        from_nl: "d577f63789"\n', "        # vertaald door het inhoudsteam\n")
    assert any("geen 'from_nl'" in p.message for p in errors_of(directory))
    done = stamp(directory)
    assert len(done) == 1 and "t_jongens" in done[0]
    text = (directory / "figures.yml").read_text(encoding="utf-8")
    assert "        # vertaald door het inhoudsteam\n" in text and 'from_nl: "d577f63789"' in text
    assert not errors_of(directory)
    assert stamp(directory) == []  # nothing left to stamp


def test_stamp_script_refreshes_only_when_asked(broken):
    from scripts.stamp_translations import stamp

    directory = broken("figures.yml", "48% van de meisjes heeft voor haar achttiende iets meegemaakt.",
                       "48% van de meisjes heeft voor haar achttiende jaar iets meegemaakt.")
    assert stamp(directory) == []
    assert len(stamp(directory, ids=["t_meisjes"], languages=["en"], refresh=True)) == 1
    _, problems = load(directory)
    assert not [p for p in problems if p.item_id == "t_meisjes"]


def test_report_shows_claim_beside_evidence_old_checks_and_missing_translations(broken, tmp_path, capsys):
    old = (dt.date.today() - dt.timedelta(days=400)).isoformat()
    directory = broken("figures.yml", '        where: "p. 1, infographic"\n        read: 2026-11-01',
                       f'        where: "p. 1, infographic"\n        read: {old}')
    help_file = directory / "help.yml"
    help_file.write_text(help_file.read_text(encoding="utf-8").replace(
        "      pl:\n        title: Jesteś dzieckiem", "      xx:\n        title: Jesteś dzieckiem"), encoding="utf-8")
    out = tmp_path / "report.html"
    assert vraagbaak(["--dir", str(directory), "report", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Jaarlijks zijn er naar schatting 5.000-7.500 slachtoffers van mensenhandel." in page
    assert "Er zijn naar schatting 5.000 tot 7.500 slachtoffers" in page
    assert "langer dan een jaar geleden gecontroleerd" in page
    assert "Polski (pl): 1 te doen" in page and "sit_kind" in page
    assert "pl: 1 vertaling(en) te doen" in capsys.readouterr().out
