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
    figures = [e for e in kb.vetted_entries() if e.values]
    languages = ", ".join(code for code in kb.languages) or "nl"
    print(f"Evidence: {sum(1 for e in figures if e.evidence)} van {len(figures)} getoonde items met getallen; "
          f"talen: {languages}.")
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
              "none": "GEEN ANTWOORD", "crisis": "CRISIS", "say": "ZEGGEN"}
    print(f"Besluit: {labels.get(decision.kind, decision.kind.upper())}  (taal: {decision.language})"
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


def _esc(value) -> str:
    return html.escape("" if value is None else str(value))


def _stale(day: Optional[dt.date], today: dt.date) -> bool:
    from actions.knowledge.validation import STALE_AFTER_DAYS

    return day is not None and (today - day).days > STALE_AFTER_DAYS


def language_gaps(kb) -> dict:
    """Per language: (item, what is missing or to check) for every required translation."""
    from actions.knowledge.validation import required_languages, translatable_items

    gaps = {lang: [] for lang in kb.languages if lang != "nl"}
    for item in translatable_items(kb):
        dutch = item.dutch_fields()
        for lang in required_languages(kb, item):
            translation = item.translations.get(lang)
            if translation is None:
                gaps[lang].append((item, "ontbreekt helemaal"))
                continue
            missing = [name for name in dutch if not translation.fields.get(name)]
            if missing:
                gaps[lang].append((item, "mist " + ", ".join(missing)))
            if translation.from_nl is None:
                gaps[lang].append((item, "nog niet gestempeld (from_nl ontbreekt)"))
            elif translation.from_nl != item.dutch_fingerprint():
                gaps[lang].append((item, "vertaling controleren: het Nederlands is veranderd"))
    return gaps


def _evidence_cell(item, today: dt.date) -> str:
    if not getattr(item, "evidence", ()):
        return "<em>geen evidence</em>"
    pieces = []
    for piece in item.evidence:
        old = " class='stale'" if _stale(piece.read, today) else ""
        pieces.append(f"<blockquote{old}>“{_esc(piece.quote)}”<br><small>{_esc(piece.where)}; "
                      f"gelezen {_esc(piece.read)}</small></blockquote>")
    return "".join(pieces)


def cmd_report(args) -> int:
    """HTML overview: per item the claim beside its evidence, the translations per language
    and every message of `vraagbaak check`."""
    kb, problems = load(Path(args.dir))
    today = dt.date.today()
    by_item = {}
    for problem in problems:
        by_item.setdefault(problem.item_id, []).append(problem)
    languages = [lang for lang in kb.languages if lang != "nl"]

    def row(item, claim_html):
        source = kb.sources.get(getattr(item, "source", None) or "")
        dates = [item.checked] + [p.read for p in getattr(item, "evidence", ())]
        old = any(_stale(d, today) for d in dates)
        classes = " ".join(c for c in (item.status, "old" if old else "") if c)
        mark = " <strong>(langer dan een jaar geleden gecontroleerd)</strong>" if old else ""
        langs = " ".join(lang for lang in languages if lang in item.translations) or "—"
        issues = "<br>".join(f"<span class='{_esc(p.severity)}'>{_esc(p.severity)}</span>: "
                             f"{_esc(p.message)} <small>Oplossing: {_esc(p.fix)}</small>"
                             for p in by_item.get(item.id, []))
        return (f"<tr class='{classes}'><td>{_esc(item.id)}<br><small>{_esc(item.file)}:{item.line}</small></td>"
                f"<td>{claim_html}</td><td>{_evidence_cell(item, today)}</td>"
                f"<td>{_esc(source.citation if source else '—')}"
                f"{'<br>' + _esc(item.source_page) if getattr(item, 'source_page', None) else ''}</td>"
                f"<td>{_esc(item.status)}</td><td>{_esc(item.checked)}{mark}</td><td>{_esc(langs)}</td>"
                f"<td>{issues}</td></tr>")

    entry_rows = []
    for entry in kb.entries.values():
        values = ", ".join(f"{v:g}" for v in entry.values)
        claim = f"{_esc(entry.text)}<br><small>values: {_esc(values or '—')}; periode: {_esc(entry.period)}</small>"
        entry_rows.append(row(entry, claim))
    org_rows = []
    for org in kb.organisations.values():
        claim = (f"<strong>{_esc(org.name)}</strong>: {_esc(org.for_whom)}<br><small>telefoon: "
                 f"{_esc(org.phone or '—')}{' / ' + _esc(org.phone_alt) if org.phone_alt else ''}; "
                 f"tijden: {_esc(org.hours or '—')}</small>")
        org_rows.append(row(org, claim))
    situation_rows = [row(s, f"<strong>{_esc(s.title)}</strong>: {_esc(s.text)}") for s in kb.situations.values()]

    gaps = language_gaps(kb)
    gap_sections = []
    for lang, found in gaps.items():
        name = kb.languages.get(lang, {}).get("name", lang)
        items = "".join(f"<li>{_esc(item.id)} <small>({_esc(item.file)}:{item.line})</small>: {_esc(what)}</li>"
                        for item, what in found)
        gap_sections.append(f"<h3>{_esc(name)} ({_esc(lang)}): {len(found)} te doen</h3>"
                            + (f"<ul>{items}</ul>" if items else "<p>Compleet.</p>"))
    figures = [e for e in kb.vetted_entries() if e.values]
    with_evidence = sum(1 for e in figures if e.evidence)
    old = sum(1 for e in kb.entries.values()
              if any(_stale(d, today) for d in [e.checked] + [p.read for p in e.evidence]))
    head = ["id", "bewering", "evidence (letterlijk uit de bron)", "bron", "status", "gecontroleerd", "vertaald", "meldingen"]
    thead = "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>"
    page = f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Kennisbank Vraagbaak</title>
<style>body{{font-family:sans-serif;margin:2rem}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #999;padding:.4rem;vertical-align:top;text-align:left}}
tr.needs_review{{background:#fff3cd}}tr.old td:nth-child(6){{background:#f8d7da}}
blockquote{{margin:0 0 .5rem 0;padding-left:.5rem;border-left:3px solid #999}}
blockquote.stale{{border-left-color:#c00}}.FOUT{{color:#a00;font-weight:bold}}
.WAARSCHUWING{{color:#8a6d00;font-weight:bold}}</style></head><body>
<h1>Kennisbank Vraagbaak</h1>
<p>Gemaakt op {today.isoformat()}. Geel = needs_review (wordt niet getoond). Rood bij 'gecontroleerd' =
het item of een citaat is langer dan een jaar geleden gecontroleerd.</p>
<p>{len(figures)} getoonde items met getallen, waarvan {with_evidence} met evidence.
{old} items zijn langer dan een jaar geleden gecontroleerd.</p>
<h2>Vertalingen: wat er per taal nog moet</h2>
{''.join(gap_sections) or '<p>Geen andere talen in languages.yml.</p>'}
<h2>Cijfers, uitleg en citaten</h2>
<table>{thead}<tbody>{''.join(entry_rows)}</tbody></table>
<h2>Hulporganisaties</h2>
<table>{thead}<tbody>{''.join(org_rows)}</tbody></table>
<h2>Hulproutes</h2>
<table>{thead}<tbody>{''.join(situation_rows)}</tbody></table>
</body></html>
"""
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(page, encoding="utf-8")
    items = len(entry_rows) + len(org_rows) + len(situation_rows)
    print(f"Overzicht geschreven naar {args.out} ({items} items; {with_evidence} van {len(figures)} "
          f"getoonde cijfers met evidence; {old} items langer dan een jaar geleden gecontroleerd).")
    for lang, found in gaps.items():
        print(f"  {lang}: {len(found)} vertaling(en) te doen")
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
