"""Train the ranker (actions/knowledge/ranker.json) on the knowledge base itself.

Dev folds: each fold leaves out a fifth of every item's example questions (so every item
is still present, as it is for a visitor's new paraphrase) and also removes about one item
in ten completely (so some questions have no right answer and "no answer" is learned and
calibrated too). The index is built on the rest, the left-out questions are asked.
tests/eval/ is never read: it stays the held-out set.

The logistic regression is fitted on the other folds and scored on each fold; the
thresholds (answer / ask which / no answer) are chosen on these out-of-fold
probabilities. The final weights are fitted on all folds. The report shows the learned
ranker next to the lexical scorer (retrieval.Retriever.rank + decide) on the same folds.

Usage: python scripts/train_ranker.py [--check] [-v]
  --check  only print the report with the stored weights (writes nothing)
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from actions.knowledge import embeddings  # noqa: E402
from actions.knowledge.decision import policy, same_answer  # noqa: E402
from actions.knowledge.loader import load  # noqa: E402
from actions.knowledge.model import Entry  # noqa: E402
from actions.knowledge.ranker import FEATURES, WEIGHTS_FILE, with_leads, Ranker, Scored, SemanticIndex, item_kind  # noqa: E402
from actions.knowledge.retrieval import Retriever  # noqa: E402

FOLDS = 5
# One item in ten is removed per fold: enough unanswerable questions to calibrate "no
# answer", few enough that the folds still look like the real knowledge base.
REMOVED_PER_TEN = 1
# Regularisation of the logistic regression (sklearn's default C=1 on standardised
# features); the features are few and the data plentiful, so this is not critical.
C = 1.0
# Costs used to choose thresholds on the dev folds: a wrong figure is the worst mistake
# this assistant can make (10 right answers are not worth one); a wrong explanation or
# help route costs as much as a missed answer plus a little; asking "which one" costs the
# visitor a click; no answer costs the question (a right answer counts 1).
COST_WRONG_FIGURE = 10.0
COST_WRONG_OTHER = 1.2
COST_ASK = 0.3
GRID = {
    "answer_figure": [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9],
    "answer_entry": [0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
    "answer_help": [0.2, 0.3, 0.4, 0.5, 0.6],
    "help": [0.1, 0.15, 0.2, 0.3],
    "ask": [0.1, 0.15, 0.2, 0.3],
    "margin": [0.05, 0.1, 0.15, 0.2, 0.3],
    "clear": [0.5, 0.6, 0.7, 0.8, 0.9],
    "clear_lead": [0.3, 0.4, 0.5, 0.6, 0.7, 1.0],
}
DUMMY = {"coef": {}, "mean": {}, "scale": {}, "intercept": 0.0,
         "thresholds": {k: v[0] for k, v in GRID.items()}}


def servable(kb):
    return ([e for e in kb.entries.values() if e.vetted] + [o for o in kb.organisations.values() if o.vetted]
            + [s for s in kb.situations.values() if s.vetted])


def removed_in_fold(item, fold: int) -> bool:
    return zlib.crc32(item.id.encode()) % (10 // REMOVED_PER_TEN) == (2 * fold) % (10 // REMOVED_PER_TEN)


def fold_kb(kb, fold: int):
    held = []

    def split(item):
        if not item.vetted:
            return item
        out = [q for i, q in enumerate(item.questions) if i % FOLDS == fold]
        held.extend((item, q, removed_in_fold(item, fold)) for q in out)
        keep = tuple(q for i, q in enumerate(item.questions) if i % FOLDS != fold)
        status = "needs_review" if removed_in_fold(item, fold) else item.status
        return dataclasses.replace(item, questions=keep, status=status)

    new = dataclasses.replace(
        kb, entries={k: split(v) for k, v in kb.entries.items()},
        organisations={k: split(v) for k, v in kb.organisations.items()},
        situations={k: split(v) for k, v in kb.situations.items()})
    return new, held


def collect(kb, verbose=False):
    """Per fold: feature rows of every held-out question's candidates, and the lexical
    scorer's decision on the same question."""
    cache = embeddings.default_cache()
    questions = sorted({q for item in servable(kb) for q in item.questions})
    qvec = {m: dict(zip(questions, cache.passages(m, questions, role="query"))) for m in embeddings.MODELS}
    data = []
    for fold in range(FOLDS):
        fkb, held = fold_kb(kb, fold)
        retriever = Retriever(fkb)
        ranker = Ranker(retriever, weights=DUMMY, index=SemanticIndex(retriever.items, cache))
        for item, question, removed in held:
            prefer = "entry" if isinstance(item, Entry) else "help"
            query = {m: qvec[m][question] for m in embeddings.MODELS}
            kept, matrix, _ = ranker.feature_rows(question, query, prefer)
            cands = [retriever.items[i] for i in kept]
            labels = np.array([same_answer(kb, kb.item(c.id), item) for c in cands], dtype=int)
            lexical = retriever.decide(retriever.rank(question, prefer=prefer))
            data.append(dict(fold=fold, item=item, question=question, removed=removed, prefer=prefer,
                             cands=cands, X=matrix, y=labels, lexical=lexical))
        if verbose:
            print(f"  fold {fold}: {len(held)} vragen", flush=True)
    return data


def fit(rows):
    from sklearn.linear_model import LogisticRegression

    X = np.concatenate([r["X"] for r in rows])
    y = np.concatenate([r["y"] for r in rows])
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit((X - mean) / scale, y)
    return {"coef": dict(zip(FEATURES, model.coef_[0].round(5).tolist())),
            "mean": dict(zip(FEATURES, mean.round(5).tolist())),
            "scale": dict(zip(FEATURES, scale.round(5).tolist())),
            "intercept": round(float(model.intercept_[0]), 5)}


def probs(weights, X):
    coef = np.array([weights["coef"][f] for f in FEATURES])
    mean = np.array([weights["mean"][f] for f in FEATURES])
    scale = np.array([weights["scale"][f] for f in FEATURES])
    return 1 / (1 + np.exp(-(((X - mean) / scale) @ coef + weights["intercept"])))


def outcome(kb, row, kind, items):
    """right | wrong_figure | wrong | ask_right | ask_wrong | none_right | none"""
    target = row["item"]
    answerable = any(row["y"]) or not row["removed"]
    if kind == "answer":
        served = kb.item(items[0].id)
        if same_answer(kb, served, target):
            return "goed"
        if isinstance(served, Entry) and served.kind == "figure":
            return "fout cijfer"
        return "fout" if answerable else "fout (geen antwoord bestaat)"
    if kind == "clarify":
        if not answerable:
            return "doorvragen (geen antwoord bestaat)"
        return "doorvragen, juiste knop" if any(same_answer(kb, kb.item(i.id), target) for i in items) else "doorvragen, geen juiste knop"
    return "geen antwoord (terecht)" if not answerable else "geen antwoord"


def evaluate(kb, data, thresholds, oof):
    counts = Counter()
    for row, p in zip(data, oof):
        order = np.argsort(-p)
        scored = [Scored(row["cands"][i], float(p[i])) for i in order]
        kind, items = policy(kb, scored, thresholds, row["prefer"])
        counts[outcome(kb, row, kind, items)] += 1
    return counts


def utility(c: Counter) -> float:
    right = c["goed"] + c["geen antwoord (terecht)"]
    asks = sum(v for k, v in c.items() if k.startswith("doorvragen"))
    wrong = c["fout"] + c["fout (geen antwoord bestaat)"]
    return right - COST_WRONG_FIGURE * c["fout cijfer"] - COST_WRONG_OTHER * wrong - COST_ASK * asks


def choose_thresholds(kb, data, oof):
    keys = list(GRID)
    best, best_u = None, -1e9
    # coordinate search from the middle of the grid (the full product is too big)
    current = {k: GRID[k][len(GRID[k]) // 2] for k in keys}
    for _ in range(3):
        for key in keys:
            for value in GRID[key]:
                trial = dict(current, **{key: value})
                u = utility(evaluate(kb, data, trial, oof))
                if u > best_u:
                    best, best_u = dict(trial), u
            current = dict(best)
    return best


def lexical_counts(kb, data):
    counts = Counter()
    for row in data:
        d = row["lexical"]
        kind = {"answer": "answer", "clarify": "clarify", "none": "none"}[d.kind]
        counts[outcome(kb, row, kind, [m.item for m in d.matches][:3])] += 1
    return counts


def show(name, c: Counter):
    total = sum(c.values())
    print(f"{name}: {total} vragen")
    for key in ("goed", "geen antwoord (terecht)", "doorvragen, juiste knop", "doorvragen, geen juiste knop",
                "doorvragen (geen antwoord bestaat)", "geen antwoord", "fout", "fout (geen antwoord bestaat)",
                "fout cijfer"):
        print(f"    {key:<36} {c[key]:>5} ({100 * c[key] / max(total, 1):5.1f}%)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="reuse the dev-fold features of the last run (.build/)")
    parser.add_argument("--knowledge", default=str(REPO_ROOT / "knowledge"))
    args = parser.parse_args()
    started = time.monotonic()
    kb, _ = load(Path(args.knowledge))  # content problems do not stop training
    dump = REPO_ROOT / ".build" / "ranker_dev.pkl"
    if args.reuse and dump.exists():
        import pickle

        kb, data, names = pickle.loads(dump.read_bytes())
        for row in data:  # features may have been added or dropped since
            row["X"] = with_leads(row["X"], names)
    else:
        data = collect(kb, args.verbose)
        import pickle

        dump.parent.mkdir(exist_ok=True)
        dump.write_bytes(pickle.dumps((kb, data, list(FEATURES))))  # X already has the leads
    if args.check:
        stored = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        oof = [probs(stored, r["X"]) if len(r["X"]) else np.zeros(0) for r in data]
        show("Lexicaal (Retriever.rank + decide)", lexical_counts(kb, data))
        show("Geleerde ranker (opgeslagen gewichten)", evaluate(kb, data, stored["thresholds"], oof))
        return 0
    oof = [None] * len(data)
    for fold in range(FOLDS):
        weights = fit([r for r in data if r["fold"] != fold and len(r["X"])])
        for k, r in enumerate(data):
            if r["fold"] == fold:
                oof[k] = probs(weights, r["X"]) if len(r["X"]) else np.zeros(0)
    thresholds = choose_thresholds(kb, data, oof)
    final = fit([r for r in data if len(r["X"])])
    final["thresholds"] = thresholds
    final["trained_on"] = {"questions": len(data), "folds": FOLDS,
                           "items": len(servable(kb)), "features": list(FEATURES)}
    WEIGHTS_FILE.write_text(json.dumps(final, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Ranker getraind in {time.monotonic() - started:.0f} s; gewichten in {WEIGHTS_FILE.relative_to(REPO_ROOT)}.")
    print("Drempels (gekozen op de dev-folds):", json.dumps(thresholds))
    show("Lexicaal (Retriever.rank + decide), zelfde folds", lexical_counts(kb, data))
    show("Geleerde ranker (out-of-fold)", evaluate(kb, data, thresholds, oof))
    if args.verbose:
        for row, p in zip(data, oof):
            order = np.argsort(-p)
            scored = [Scored(row["cands"][i], float(p[i])) for i in order]
            kind, items = policy(kb, scored, thresholds, row["prefer"])
            result = outcome(kb, row, kind, items)
            if result in ("fout", "fout cijfer", "geen antwoord", "doorvragen, geen juiste knop"):
                print(f"  {result}: {row['question']!r} ({row['item'].id}) -> {kind} {[i.id for i in items][:2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
