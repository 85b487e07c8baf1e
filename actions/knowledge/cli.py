"""`vraagbaak`: tools for the content team.

  vraagbaak check              controleer de kennisbank (exit 1 bij fouten)
  vraagbaak ask "vraag"        welk item zou antwoorden, met scores (zonder Rasa)
  vraagbaak report --out f.html  een HTML-overzicht van alle items voor overleg
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import sys
from pathlib import Path
from typing import List, Optional

from actions.knowledge.loader import ERROR, WARNING, Problem, load
from actions.knowledge.store import KNOWLEDGE_DIR, KnowledgeError, KnowledgeStore


def cmd_check(args) -> int:
    kb, problems = load(Path(args.dir))
    errors = [p for p in problems if p.severity == ERROR]
    warnings = [p for p in problems if p.severity == WARNING]
    if not errors:
        warnings += duplicate_questions(kb)
    for problem in errors + warnings:
        print(problem)
    served = len(kb.vetted_entries()) + sum(o.vetted for o in kb.organisations.values())
    print(f"Kennisbank: {len(kb.entries)} entries, {len(kb.organisations)} organisaties, "
          f"{len(kb.situations)} situaties, {len(kb.sources)} bronnen; {served} items getoond aan bezoekers.")
    if errors:
        print(f"{len(errors)} fout(en), {len(warnings)} waarschuwing(en). De assistent blijft de laatste goede versie gebruiken.")
        return 1
    print(f"In orde ({len(warnings)} waarschuwing(en)).")
    return 0


def duplicate_questions(kb) -> List[Problem]:
    """Example questions of different items that mean the same to the search (same lemmas)."""
    from actions.knowledge.text import TextProcessor

    text = TextProcessor(kb.synonyms)
    owners = {}
    problems = []
    items = [i for i in list(kb.entries.values()) + list(kb.organisations.values())
             + list(kb.situations.values()) if i.vetted]
    for item in items:
        for question in item.questions:
            key = frozenset(text.terms(question))
            other = owners.setdefault(key, (item, question))
            same = other[0] is item or (getattr(other[0], "group", None) and
                                        getattr(other[0], "group", None) == getattr(item, "group", None))
            if not same:
                problems.append(Problem(
                    WARNING, item.file, item.line, item.id,
                    f"De vraag '{question}' betekent voor de zoekfunctie hetzelfde als '{other[1]}' van {other[0].id}.",
                    "Maak de vraag specifieker, zodat duidelijk is welk item antwoordt."))
    return problems


def cmd_ask(args) -> int:
    """The decision the assistant takes for one message, with the probabilities."""
    from actions.knowledge.decision import decide

    try:
        snap = KnowledgeStore(Path(args.dir)).get()
    except KnowledgeError as error:
        print(error)
        return 1
    question = " ".join(args.question)
    context = snap.kb.item(args.after) if args.after else None
    intent = "ask_help" if args.prefer == "help" else "ask_knowledge"
    decision = decide(snap, question, intent=intent, context=context, conversation_language=args.lang)
    labels = {"answer": "ANTWOORD", "help": "HULP", "clarify": "DOORVRAGEN (knoppen)",
              "none": "GEEN ANTWOORD", "crisis": "CRISIS"}
    print(f"Besluit: {labels[decision.kind]}  (taal: {decision.language})"
          + (f"  [{decision.reason}]" if decision.reason else ""))
    if decision.crisis is not None:
        org = snap.kb.organisations.get(decision.crisis.organisation)
        print(f"  de assistent verwijst eerst naar {org.name if org else decision.crisis.organisation}")
    for item in decision.items:
        print(f"  -> {item.id}")
    if decision.scored:
        print("Kansen (geleerde ranker):")
    for scored in decision.scored[: args.top]:
        print(f"  {scored.probability:.2f}  {scored.item.id}")
    return 0


def cmd_report(args) -> int:
    kb, problems = load(Path(args.dir))
    by_item = {}
    for problem in problems:
        by_item.setdefault(problem.item_id, []).append(str(problem))
    rows = []
    items = list(kb.entries.values()) + list(kb.organisations.values()) + list(kb.situations.values())
    for item in items:
        source = kb.sources.get(getattr(item, "source", None) or "")
        text = getattr(item, "text", None) or getattr(item, "for_whom", "")
        rows.append(
            "<tr class='{cls}'><td>{id}</td><td>{file}</td><td>{text}</td><td>{source}</td>"
            "<td>{status}</td><td>{checked}</td><td>{issues}</td></tr>".format(
                cls=html.escape(item.status), id=html.escape(item.id), file=html.escape(item.file),
                text=html.escape(text), source=html.escape(source.citation if source else "—"),
                status=html.escape(item.status), checked=html.escape(str(item.checked)),
                issues="<br>".join(html.escape(p) for p in by_item.get(item.id, [])),
            )
        )
    page = f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Kennisbank Vraagbaak</title>
<style>body{{font-family:sans-serif;margin:2rem}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #999;padding:.4rem;vertical-align:top;text-align:left}}
tr.needs_review{{background:#fff3cd}}</style></head><body>
<h1>Kennisbank Vraagbaak</h1>
<p>Gemaakt op {dt.date.today().isoformat()}. {len(items)} items; geel = needs_review (wordt niet getoond).</p>
<table><thead><tr><th>id</th><th>bestand</th><th>tekst</th><th>bron</th><th>status</th>
<th>gecontroleerd</th><th>meldingen</th></tr></thead><tbody>
{''.join(rows)}
</tbody></table></body></html>
"""
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(page, encoding="utf-8")
    print(f"Overzicht geschreven naar {args.out} ({len(items)} items).")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="vraagbaak", description="Hulpmiddelen voor de kennisbank van Vraagbaak.")
    parser.add_argument("--dir", default=str(KNOWLEDGE_DIR), help="map met de YAML-bestanden (standaard: knowledge/)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="controleer de kennisbank").set_defaults(func=cmd_check)
    ask = sub.add_parser("ask", help="welk item zou deze vraag beantwoorden?")
    ask.add_argument("question", nargs="+")
    ask.add_argument("--prefer", choices=["entry", "help"], default="entry")
    ask.add_argument("--top", type=int, default=5)
    ask.add_argument("--after", help="id van het vorige antwoord (voor vervolgvragen)")
    ask.add_argument("--lang", help="taal van het gesprek tot nu toe")
    ask.set_defaults(func=cmd_ask)
    report = sub.add_parser("report", help="HTML-overzicht van alle items")
    report.add_argument("--out", default="kennisbank.html")
    report.set_defaults(func=cmd_report)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
