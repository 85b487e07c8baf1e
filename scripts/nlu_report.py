"""Turn Rasa's cross-validation reports into docs/nlu-cross-validation.md.

Usage: python scripts/nlu_report.py RESULTS_DIR OUT_MD
"""
import datetime as dt
import json
import platform
import sys
from pathlib import Path


def table(report: dict, label: str) -> list:
    rows = [f"| {label} | precision | recall | F1 | voorbeelden |", "|---|---|---|---|---|"]
    for name, scores in sorted(report.items()):
        if not isinstance(scores, dict) or name in ("macro avg", "weighted avg", "micro avg"):
            continue
        rows.append(f"| {name} | {scores['precision']:.3f} | {scores['recall']:.3f} | "
                    f"{scores['f1-score']:.3f} | {scores['support']} |")
    for name in ("macro avg", "weighted avg"):
        if name in report:
            s = report[name]
            rows.append(f"| **{name}** | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1-score']:.3f} | {s['support']} |")
    return rows


def main(results: Path, out: Path) -> None:
    intents = json.loads((results / "intent_report.json").read_text())
    lines = [
        "# NLU: kruisvalidatie",
        "",
        f"Gemaakt met `make nlu-report` op {dt.date.today().isoformat()} ({platform.machine()}, "
        f"Python {platform.python_version()}): `rasa test nlu --cross-validation --folds 5` op `data/nlu/`",
        "met de pijplijn uit `config.yml`. Cijfers per intent op de weggelaten delen (test folds).",
        "",
        f"Nauwkeurigheid (accuracy) intents: **{intents.get('accuracy', 0):.3f}**",
        "",
        *table(intents, "intent"),
    ]
    entity_file = results / "RegexEntityExtractor_report.json"
    if entity_file.exists():
        lines += ["", "## Entiteiten (RegexEntityExtractor)", "", *table(json.loads(entity_file.read_text()), "entiteit")]
    lines += ["", "De pijplijn bevat de crisispatronen uit `knowledge/crisis.yml` (component",
              "`bot.crisis_override.CrisisPatternOverride`), dus de crisiscijfers hierboven zijn classifier",
              "plus patronen samen. Welk kennisitem een vraag beantwoordt, meet `make eval`.", ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"Geschreven: {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
