"""Write `from_nl: "<fingerprint>"` into translation blocks in knowledge/*.yml.

The fingerprint records which Dutch text a translation was made from. `vraagbaak check`
warns "vertaling controleren" when the Dutch text changes later.

    python scripts/stamp_translations.py                    # blocks without from_nl
    python scripts/stamp_translations.py --ids org_csg --languages en pl
    python scripts/stamp_translations.py --refresh --ids sit_aangifte --languages en
        # after checking a translation against the changed Dutch text: new fingerprint

Only lines are inserted or replaced; comments and layout stay as they are.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from actions.knowledge.loader import ERROR, load  # noqa: E402
from actions.knowledge.validation import translatable_items  # noqa: E402

_KEY = re.compile(r"^(\s*)(?:- )?([A-Za-z_][\w]*)\s*:")


def _block_lines(lines: List[str], first: int) -> Tuple[int, int, str]:
    """The block of a translation whose first key is on line index `first`:
    (first index, index after the block, indentation of its keys)."""
    indent = re.match(r"^(\s*)", lines[first]).group(1)
    end = first + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and not line.strip().startswith("#"):
            current = len(line) - len(line.lstrip())
            if current < len(indent):
                break
        end += 1
    while end > first + 1 and not lines[end - 1].strip():
        end -= 1
    return first, end, indent


def stamp(directory: Path, ids: Optional[List[str]] = None, languages: Optional[List[str]] = None,
          refresh: bool = False) -> List[str]:
    """Stamp the translations; returns a line per change (file, id, language, fingerprint)."""
    kb, problems = load(directory)
    yaml_errors = [p for p in problems if p.severity == ERROR and "YAML" in p.message]
    if yaml_errors:
        raise SystemExit("\n".join(str(p) for p in yaml_errors))
    edits: Dict[str, List[Tuple[int, str, str, str]]] = {}
    for item in translatable_items(kb):
        if ids and item.id not in ids:
            continue
        for lang, translation in item.translations.items():
            if languages and lang not in languages:
                continue
            current = item.dutch_fingerprint()
            if translation.from_nl == current or (translation.from_nl and not refresh):
                continue
            edits.setdefault(item.file, []).append((translation.line, item.id, lang, current))
    done = []
    for file, changes in edits.items():
        path = Path(file) if Path(file).is_absolute() else Path.cwd() / file
        lines = path.read_text(encoding="utf-8").split("\n")
        # Bottom-up, so earlier line numbers stay valid.
        for line_no, item_id, lang, value in sorted(changes, reverse=True):
            index = line_no - 1
            if index < 0 or index >= len(lines) or not _KEY.match(lines[index]):
                done.append(f"OVERGESLAGEN {file}:{line_no} [{item_id}] {lang}: schrijf het blok als losse regels (geen {{...}}).")
                continue
            start, end, indent = _block_lines(lines, index)
            new_line = f'{indent}from_nl: "{value}"'
            existing = next((i for i in range(start, end)
                             if re.match(rf"^{re.escape(indent)}from_nl\s*:", lines[i])), None)
            if existing is not None:
                lines[existing] = new_line
            else:
                lines.insert(end, new_line)
            done.append(f"{file}:{line_no} [{item_id}] {lang}: from_nl \"{value}\"")
        path.write_text("\n".join(lines), encoding="utf-8")
    return done


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Zet from_nl (vingerafdruk van de Nederlandse tekst) in vertalingen.")
    parser.add_argument("--dir", default=str(REPO / "knowledge"), help="map met de YAML-bestanden")
    parser.add_argument("--ids", nargs="*", help="alleen deze items")
    parser.add_argument("--languages", nargs="*", help="alleen deze talen, bijvoorbeeld en pl")
    parser.add_argument("--refresh", action="store_true",
                        help="vervang ook een bestaande, verouderde from_nl (alleen na controle van de vertaling)")
    args = parser.parse_args(argv)
    done = stamp(Path(args.dir), args.ids, args.languages, args.refresh)
    for line in done:
        print(line)
    print(f"{len(done)} vertaling(en) gestempeld.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
