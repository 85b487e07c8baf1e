"""`vraagbaak check` on the shipped base and on small broken copies of a valid base."""
import datetime as dt
import shutil
from pathlib import Path

import pytest

from actions.knowledge.cli import main as vraagbaak
from actions.knowledge.loader import ERROR, WARNING, load

MINI = Path(__file__).parent / "data" / "mini_knowledge"
REPO_KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"


def test_shipped_knowledge_base_passes_check(capsys):
    assert vraagbaak(["--dir", str(REPO_KNOWLEDGE), "check"]) == 0, capsys.readouterr().out


def test_valid_mini_base_passes(capsys):
    assert vraagbaak(["--dir", str(MINI), "check"]) == 0
    assert "In orde" in capsys.readouterr().out


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
    ("help.yml", "organisations: [org_kindertelefoon]", "organisations: [org_bestaat_niet]", "org_bestaat_niet", "sit_kind"),
    ("figures.yml", "status: needs_review", "status: misschien", "status", "t_mh_review"),
    ("crisis.yml", "Bel meteen {phone}.", "Bel meteen 112.", "{phone}", "crisis_danger"),
    ("crisis.yml", "'\\bkan niet weg\\b'", "'(kan niet weg'", "reguliere expressie", "crisis_danger"),
    ("figures.yml", "      - hoeveel meisjs krijgen met seksueel geweld te maken\n", "", "voorbeeldvragen", "t_meisjes"),
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
