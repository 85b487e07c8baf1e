"""Tune retrieval on the knowledge base itself (5-fold over example questions).

Each fold leaves out a fifth of every item's example questions, builds the index on the
rest and asks the left-out questions. This keeps tests/eval/ untouched as the held-out set.
Usage: python scripts/retrieval_dev.py [-v]
"""
import dataclasses
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from actions.knowledge.model import Entry  # noqa: E402
from actions.knowledge.retrieval import Retriever  # noqa: E402
from actions.knowledge.store import KnowledgeStore  # noqa: E402

FOLDS = 5


def same_answer(kb, served, wanted) -> bool:
    if served.id == wanted.id or Retriever._same_help(served, wanted):
        return True
    return isinstance(served, Entry) and isinstance(wanted, Entry) and served.id in {e.id for e in kb.same_question(kb.entries[wanted.id])}


def main(verbose: bool) -> None:
    kb = KnowledgeStore().get().kb
    counts, misses = Counter(), []
    for fold in range(FOLDS):
        held = []

        def split(item):
            keep = tuple(q for i, q in enumerate(item.questions) if i % FOLDS != fold)
            held.extend((item, q) for i, q in enumerate(item.questions) if i % FOLDS == fold)
            return dataclasses.replace(item, questions=keep)

        fold_kb = dataclasses.replace(
            kb,
            entries={k: split(v) if v.vetted else v for k, v in kb.entries.items()},
            organisations={k: split(v) if v.vetted else v for k, v in kb.organisations.items()},
            situations={k: split(v) if v.vetted else v for k, v in kb.situations.items()},
        )
        retriever = Retriever(fold_kb)
        for item, question in held:
            prefer = "entry" if isinstance(item, Entry) else "help"
            decision = retriever.decide(retriever.rank(question, prefer=prefer))
            if decision.kind == "answer":
                ok = same_answer(kb, decision.best.item, item)
                wrong_figure = not ok and isinstance(decision.best.item, Entry) and decision.best.item.kind == "figure"
                counts["goed" if ok else ("fout cijfer" if wrong_figure else "fout")] += 1
                if not ok:
                    misses.append((question, item.id, decision.best.item.id, round(decision.best.score, 2)))
            else:
                counts[decision.kind] += 1
                if decision.kind == "clarify" and any(same_answer(kb, m.item, item) for m in decision.matches):
                    counts["juiste knop"] += 1
    total = sum(v for k, v in counts.items() if k != "juiste knop")
    print(f"{total} vragen: " + ", ".join(f"{k} {v} ({100 * v / total:.1f}%)" for k, v in counts.most_common()))
    if verbose:
        for miss in misses:
            print("  ", miss)


if __name__ == "__main__":
    main("-v" in sys.argv)


def score_table() -> None:
    """Precision of the top match by score band (to choose the thresholds)."""
    kb = KnowledgeStore().get().kb
    rows = []
    for fold in range(FOLDS):
        held = []

        def split(item):
            held.extend((item, q) for i, q in enumerate(item.questions) if i % FOLDS == fold)
            return dataclasses.replace(item, questions=tuple(q for i, q in enumerate(item.questions) if i % FOLDS != fold))

        fold_kb = dataclasses.replace(
            kb, entries={k: split(v) if v.vetted else v for k, v in kb.entries.items()},
            organisations={k: split(v) if v.vetted else v for k, v in kb.organisations.items()},
            situations={k: split(v) if v.vetted else v for k, v in kb.situations.items()})
        retriever = Retriever(fold_kb)
        for item, question in held:
            matches = retriever.rank(question, prefer="entry" if isinstance(item, Entry) else "help")
            if not matches:
                continue
            top = matches[0]
            margin = top.score - (matches[1].score if len(matches) > 1 else 0)
            ok = same_answer(kb, top.item, item) or (
                not isinstance(item, Entry) and not isinstance(top.item, Entry)
                and (getattr(item, "organisations", ()) and top.item.id in item.organisations
                     or getattr(top.item, "organisations", ()) and item.id in top.item.organisations))
            rows.append((top.score, margin, bool(ok)))
    for low in (0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
        band = [r for r in rows if r[0] >= low]
        if band:
            print(f"score>={low:.2f}: {len(band):4d} vragen, top-1 goed {100 * sum(r[2] for r in band) / len(band):5.1f}%")
    for m in (0.0, 0.02, 0.05, 0.1, 0.15):
        band = [r for r in rows if r[0] >= 0.35 and r[1] >= m]
        print(f"score>=0.35 en marge>={m:.2f}: {len(band):4d}, goed {100 * sum(r[2] for r in band) / len(band):5.1f}%")
