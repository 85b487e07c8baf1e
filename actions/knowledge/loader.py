"""Read the knowledge YAML files into a KnowledgeBase and report problems.

Problems are written for the content team: file, line, entry id, what is wrong and how
to fix it. `load()` never raises on content problems; callers decide what to do.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from actions.knowledge.model import (
    CrisisRule,
    Entry,
    Evidence,
    KnowledgeBase,
    Organisation,
    Situation,
    Source,
    Translation,
)

ERROR = "FOUT"
WARNING = "WAARSCHUWING"


@dataclass(frozen=True)
class Problem:
    severity: str
    file: str
    line: int
    item_id: Optional[str]
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        item = f" [{self.item_id}]" if self.item_id else ""
        return f"{where}{item} {self.severity}: {self.message} Oplossing: {self.fix}"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping as '__line__'."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def read_yaml(path: Path) -> Tuple[Any, Optional[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, Problem(ERROR, str(path), 0, None, "Het bestand is geen UTF-8-tekst.",
                             "Sla het bestand op als UTF-8.")
    try:
        return yaml.load(text, Loader=_LineLoader), None  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, Problem(
            ERROR, str(path), line, None, f"De YAML klopt niet ({problem}).",
            "Controleer inspringing (spaties, geen tabs), dubbele punten en aanhalingstekens op of vlak voor deze regel.",
        )


def _as_tuple(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _as_date(value) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _values(raw) -> tuple:
    values = []
    for item in _as_tuple(raw):
        value = item.get("value") if isinstance(item, dict) else item
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            values.append(float(value))
    return tuple(values)


def _evidence(raw, summaries: bool = False) -> tuple:
    """The `evidence:` list as Evidence objects: the real quotes, or with `summaries=True`
    the pieces marked `summary: true`. A wrong shape raises ValueError."""
    found = []
    for item in _as_tuple(raw):
        if not isinstance(item, dict):
            raise ValueError("elk stuk 'evidence' moet een blok zijn met quote, where en read")
        summary = item.get("summary", False)
        if not isinstance(summary, bool):
            raise ValueError("'summary' bij evidence is true of false")
        if summary != summaries:
            continue
        found.append(Evidence(
            quote=str(item.get("quote") or "").strip(), where=str(item.get("where") or "").strip(),
            read=_as_date(item.get("read")), line=item.get("__line__", 0), summary=summary,
        ))
    return tuple(found)


TRANSLATION_META = ("translated", "from_nl")


def _translations(raw) -> Dict[str, Translation]:
    """The `translations:` mapping (lang -> fields); a wrong shape raises ValueError."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError("onder 'translations' hoort per taal een blok, zoals 'en:'")
    found = {}
    for lang, block in raw.items():
        if lang == "__line__":
            continue
        if not isinstance(block, dict):
            raise ValueError(f"'translations: {lang}:' moet een blok zijn met velden als text en translated")
        fields = {str(k): str(v).strip() for k, v in block.items()
                  if k not in TRANSLATION_META and k != "__line__" and v is not None}
        from_nl = block.get("from_nl")
        found[str(lang)] = Translation(
            lang=str(lang), fields=fields, translated=_as_date(block.get("translated")),
            from_nl=None if from_nl in (None, "") else str(from_nl),
            line=block.get("__line__", 0),
        )
    return found


# Files owned by other parts of the code (not knowledge items); the loader skips them.
SKIPPED_FILES = {"vocabulary.yml"}
# Top-level keys of the language and interface files.
SETTINGS_SECTIONS = ("languages", "hedges", "interface")

# Which top-level key each kind of file uses, and the fields each item must have.
REQUIRED = {
    "sources": ("id", "citation", "publisher", "year"),
    "entries": ("id", "kind", "topic", "text", "values", "period", "year", "source",
                "status", "checked", "questions"),
    "organisations": ("id", "name", "for_whom", "source", "status", "checked", "questions"),
    "situations": ("id", "role", "title", "text", "organisations", "status", "checked",
                   "questions"),
    "crisis": ("id", "kind", "organisation", "text", "patterns"),
}


def _clean(item: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in item.items() if k != "__line__"}


def build_item(section: str, item: Dict[str, Any], file: str):
    """Turn one YAML mapping into a model object. Assumes required fields are present."""
    line = item.get("__line__", 0)
    data = _clean(item)
    if section == "sources":
        return Source(id=data["id"], citation=str(data["citation"]), publisher=str(data["publisher"]),
                      year=int(data["year"]), url=data.get("url"))
    if section == "entries":
        return Entry(
            id=data["id"], kind=data["kind"], topic=data["topic"], text=str(data["text"]).strip(),
            values=_values(data.get("values")), period=str(data["period"]), year=int(data["year"]),
            source=data["source"], status=data["status"], checked=_as_date(data["checked"]),
            questions=tuple(str(q) for q in _as_tuple(data["questions"])),
            group=data.get("group"), population=data.get("population"), form=data.get("form"),
            source_page=data.get("source_page"), related=_as_tuple(data.get("related")),
            evidence=_evidence(data.get("evidence")), summaries=_evidence(data.get("evidence"), summaries=True),
            translations=_translations(data.get("translations")), file=file, line=line,
        )
    if section == "organisations":
        return Organisation(
            id=data["id"], name=str(data["name"]), for_whom=str(data["for_whom"]).strip(),
            source=data["source"], status=data["status"], checked=_as_date(data["checked"]),
            questions=tuple(str(q) for q in _as_tuple(data["questions"])),
            aliases=tuple(str(a) for a in _as_tuple(data.get("aliases"))),
            phone=_str_or_none(data.get("phone")), phone_alt=_str_or_none(data.get("phone_alt")),
            phone_note=data.get("phone_note"), web=data.get("web"), chat=data.get("chat"),
            hours=data.get("hours"), anonymous=data.get("anonymous"),
            staffed=bool(data.get("staffed", False)), emergency=bool(data.get("emergency", False)),
            values=_values(data.get("values")), evidence=_evidence(data.get("evidence")),
            summaries=_evidence(data.get("evidence"), summaries=True), translations=_translations(data.get("translations")), file=file, line=line,
        )
    if section == "situations":
        return Situation(
            id=data["id"], role=data["role"], title=str(data["title"]), text=str(data["text"]).strip(),
            organisations=_as_tuple(data["organisations"]), status=data["status"],
            checked=_as_date(data["checked"]),
            questions=tuple(str(q) for q in _as_tuple(data["questions"])),
            translations=_translations(data.get("translations")), file=file, line=line,
        )
    if section == "crisis":
        return CrisisRule(
            id=data["id"], kind=data["kind"], organisation=data["organisation"],
            text=str(data["text"]).strip(), patterns=tuple(str(p) for p in _as_tuple(data["patterns"])),
            exclude_patterns=tuple(str(p) for p in _as_tuple(data.get("exclude_patterns"))),
            follow_up=(str(data["follow_up"]).strip() if data.get("follow_up") else None),
            meaning=tuple(str(m) for m in _as_tuple(data.get("meaning"))),
            look_alikes=tuple(str(m) for m in _as_tuple(data.get("look_alikes"))),
            translations=_translations(data.get("translations")), file=file, line=line,
        )
    raise ValueError(section)


def _str_or_none(value) -> Optional[str]:
    return None if value is None else str(value)


def load(directory: Path) -> Tuple[KnowledgeBase, List[Problem]]:
    """Load every *.yml file in `directory`; return the base and all problems found."""
    from actions.knowledge.validation import validate  # local: validation uses the model

    kb = KnowledgeBase()
    problems: List[Problem] = []
    seen_ids: Dict[str, str] = {}
    files = [p for p in sorted(Path(directory).glob("*.yml")) if p.name not in SKIPPED_FILES]
    if not files:
        problems.append(Problem(ERROR, str(directory), 0, None, "Geen .yml-bestanden gevonden.",
                                "Controleer of de map knowledge/ bestaat."))
    for path in files:
        rel = _relative(path)
        data, problem = read_yaml(path)
        if problem:
            problems.append(Problem(problem.severity, rel, problem.line, None, problem.message, problem.fix))
            continue
        if not isinstance(data, dict):
            problems.append(Problem(ERROR, rel, 1, None, "Het bestand is leeg of heeft geen hoofdsleutel.",
                                    "Begin met een van: entries:, organisations:, situations:, sources:, crisis:, synonyms:, "
                                    "languages:, interface:."))
            continue
        for section, items in data.items():
            if section == "__line__":
                continue
            if section == "synonyms":
                _load_synonyms(items, rel, data.get("__line__", 1), kb, problems)
                continue
            if section in SETTINGS_SECTIONS:
                _load_settings(section, items, rel, data.get("__line__", 1), kb, problems)
                continue
            if section not in REQUIRED:
                problems.append(Problem(ERROR, rel, data.get("__line__", 1), None,
                                        f"Onbekende hoofdsleutel '{section}'.",
                                        "Gebruik entries, organisations, situations, sources, crisis, synonyms, "
                                        "languages, hedges of interface."))
                continue
            if not isinstance(items, list):
                problems.append(Problem(ERROR, rel, data.get("__line__", 1), None,
                                        f"Onder '{section}:' hoort een lijst (regels die met '- ' beginnen).",
                                        "Zet elk item op een nieuwe regel die begint met '- '."))
                continue
            for item in items:
                _load_item(section, item, rel, kb, problems, seen_ids)
    if not kb.interface:
        kb.interface = default_interface()
    problems.extend(validate(kb))
    return kb, problems


def _plain(value):
    """YAML data without the '__line__' bookkeeping."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _load_settings(section, items, rel, line, kb, problems) -> None:
    """languages / hedges (knowledge/languages.yml) and interface (knowledge/interface.yml)."""
    if not isinstance(items, dict):
        problems.append(Problem(ERROR, rel, line, None, f"Onder '{section}:' hoort een blok met sleutels.",
                                "Zie het voorbeeld in knowledge/README.md."))
        return
    for key, value in items.items():
        if key == "__line__":
            continue
        value_line = value.get("__line__", line) if isinstance(value, dict) else line
        if section == "languages":
            if not isinstance(value, dict):
                problems.append(Problem(ERROR, rel, value_line, str(key), f"De taal '{key}' is geen blok met velden.",
                                        "Schrijf bijvoorbeeld 'en: {name: English, scope: full}'."))
                continue
            kb.languages[str(key)] = dict(_plain(value), line=value_line)
        elif section == "hedges":
            kb.hedges[str(key)] = [str(w).lower() for w in _as_tuple(_plain(value))]
        else:
            if not isinstance(value, dict):
                problems.append(Problem(ERROR, rel, value_line, str(key), f"De tekst '{key}' heeft geen talen.",
                                        "Schrijf per taal een regel, zoals 'nl: Bron:'."))
                continue
            kb.interface[str(key)] = {str(lang): str(text) for lang, text in _plain(value).items()
                                      if text is not None}


_INTERFACE_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "interface.yml"


def default_interface() -> Dict[str, Dict[str, str]]:
    """The shipped interface texts, for a knowledge folder without its own interface.yml."""
    data, problem = read_yaml(_INTERFACE_FILE) if _INTERFACE_FILE.exists() else (None, None)
    if problem or not isinstance(data, dict) or not isinstance(data.get("interface"), dict):
        return {}
    return {str(k): {str(lang): str(t) for lang, t in _plain(v).items() if t is not None}
            for k, v in _plain(data["interface"]).items() if isinstance(v, dict)}


def _load_item(section, item, rel, kb, problems, seen_ids) -> None:
    if not isinstance(item, dict):
        problems.append(Problem(ERROR, rel, 0, None, f"Een item onder '{section}' is geen blok met velden.",
                                "Schrijf elk item als '- id: ...' met de velden eronder."))
        return
    line = item.get("__line__", 0)
    item_id = item.get("id")
    # An explanation may have an empty list of values; the key itself must be there.
    missing = [f for f in REQUIRED[section]
               if f not in item or (item[f] in (None, "", []) and f != "values")]
    if missing:
        problems.append(Problem(ERROR, rel, line, item_id, f"Verplicht veld ontbreekt: {', '.join(missing)}.",
                                "Vul de ontbrekende velden in (zie knowledge/README.md)."))
        return
    if not isinstance(item_id, str):
        problems.append(Problem(ERROR, rel, line, None, "Het id is geen tekst.", "Gebruik een id als mh_voorbeeld."))
        return
    if item_id in seen_ids:
        problems.append(Problem(ERROR, rel, line, item_id, f"Dit id bestaat al (in {seen_ids[item_id]}).",
                                "Geef elk item een eigen, uniek id."))
        return
    seen_ids[item_id] = f"{rel}:{line}"
    try:
        obj = build_item(section, item, rel)
    except (TypeError, ValueError) as exc:
        problems.append(Problem(ERROR, rel, line, item_id, f"Een veld heeft de verkeerde vorm ({exc}).",
                                "Controleer dat jaartallen hele getallen zijn en lijsten met '- ' beginnen."))
        return
    if section == "crisis":
        kb.crisis.append(obj)
    else:
        getattr(kb, section)[obj.id] = obj


def _load_synonyms(items, rel, line, kb, problems) -> None:
    if not isinstance(items, dict):
        problems.append(Problem(ERROR, rel, line, None, "Onder 'synonyms:' hoort 'term: [woord, woord]'.",
                                "Zie het voorbeeld in knowledge/README.md."))
        return
    for term, words in items.items():
        if term == "__line__":
            continue
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            problems.append(Problem(ERROR, rel, line, str(term), f"De synoniemen van '{term}' zijn geen lijst van woorden.",
                                    "Schrijf ze als [woord, ander woord]."))
            continue
        kb.synonyms.setdefault(str(term), []).extend(w.lower() for w in words)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
