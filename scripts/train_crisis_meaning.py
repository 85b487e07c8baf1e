"""Fit the crisis check by meaning (actions/knowledge/crisis_meaning.py) and choose its bar.

Training: the `meaning` examples (danger, suicide) and `look_alikes` of knowledge/crisis.yml,
the crisis intents of data/nlu/crisis.yml, and as "neither" every other NLU example and
every example question in knowledge/.

The regularisation and the bar are chosen on the dev sets only: the last turn of every case
in tests/eval/heldout.yml and tests/eval/crisis_dev.yml, and the sentences of
tests/data/crisis_messages.yml. The independent test and crisis sets are never read here.
The check is asked only when no pattern matched, so only those messages count. Costs:
a missed crisis 1, a look-alike alarmed 0.2, any other message alarmed 0.5 (recall first).

Writes actions/knowledge/crisis_meaning.npz (`--dry-run`: only print).
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import logging
import re
import sys
from pathlib import Path

import numpy as np
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from actions.knowledge import crisis_meaning, embeddings  # noqa: E402
from actions.knowledge.store import default_store  # noqa: E402

DEV_SETS = [REPO_ROOT / "tests" / "eval" / "heldout.yml", REPO_ROOT / "tests" / "eval" / "crisis_dev.yml"]
PATTERN_SENTENCES = REPO_ROOT / "tests" / "data" / "crisis_messages.yml"
COSTS = {"crisis": 1.0, "look_alike": 0.2, "other": 0.5}
_ANNOTATION = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")


def nlu_examples():
    """(intent, example) of every NLU intent example, annotations removed."""
    out = []
    for path in sorted(glob.glob(str(REPO_ROOT / "data" / "nlu" / "*.yml"))):
        for block in yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    out.append((block["intent"], _ANNOTATION.sub(r"\1", line.strip()[2:])))
    return out


def training_data(kb):
    texts, labels = [], []
    for rule in kb.crisis:
        texts += list(rule.meaning) + list(rule.look_alikes)
        labels += [rule.kind] * len(rule.meaning) + ["none"] * len(rule.look_alikes)
    for intent, text in nlu_examples():
        texts.append(text)
        labels.append({"crisis_danger": "danger", "crisis_suicide": "suicide"}.get(intent, "none"))
    for item in list(kb.entries.values()) + list(kb.organisations.values()) + list(kb.situations.values()):
        texts += list(item.questions)
        labels += ["none"] * len(item.questions)
    return texts, np.array([crisis_meaning.KINDS.index(label) for label in labels])


def dev_messages():
    """(text, 'crisis' | 'look_alike' | 'other', lang)"""
    out = []
    for path in DEV_SETS:
        if path.exists():
            for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
                expect = case["expect"]
                label = "crisis" if "crisis" in expect else "look_alike" if expect.get("not_crisis") else "other"
                out.append((case["turns"][-1], label, case.get("lang", "nl")))
    for name, sentences in yaml.safe_load(PATTERN_SENTENCES.read_text(encoding="utf-8")).items():
        label = "look_alike" if name.startswith("not_crisis") else "crisis"
        out += [(s, label, name.rsplit("_", 1)[1]) for s in sentences]
    return out


def vectors(texts):
    cache = embeddings.default_cache()
    return np.hstack([cache.passages(m, texts, role="query") for m in embeddings.MODELS])


def inputs_hash() -> str:
    h = hashlib.sha256(b"crisis-meaning-1")
    for path in sorted([*REPO_ROOT.glob("knowledge/*.yml"), *REPO_ROOT.glob("data/nlu/*.yml"), Path(__file__)]):
        h.update(path.read_bytes())
    return h.hexdigest()


def main() -> int:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    snap = default_store().get()
    texts, y = training_data(snap.kb)
    X = vectors(texts)
    dev = [m for m in dev_messages() if snap.crisis.match(m[0]) is None]
    labels = np.array([m[1] for m in dev])
    langs = np.array([m[2] for m in dev])
    Xd = vectors([m[0] for m in dev])
    print(f"training: {len(texts)} zinnen; dev zonder patroon: {len(dev)} "
          f"({(labels == 'crisis').sum()} crisis, {(labels == 'look_alike').sum()} look-alikes)")
    best = None
    for C in (0.1, 0.3, 1.0, 3.0):
        model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(X, y)
        crisis = 1.0 - model.predict_proba(Xd)[:, list(model.classes_).index(0)]
        for bar in np.round(np.arange(0.2, 0.96, 0.02), 2):
            alarm = crisis >= bar
            cost = sum(COSTS[k] * ((~alarm if k == "crisis" else alarm) & (labels == k)).sum() for k in COSTS)
            if best is None or cost < best[0]:
                best = (cost, C, float(bar), model, alarm)
    cost, C, bar, model, alarm = best
    rates = {k: alarm[labels == k].mean() for k in COSTS}
    print(f"gekozen: C={C}, drempel {bar}: crisis zonder patroon gevonden {rates['crisis']:.1%}, "
          f"look-alikes onterecht {rates['look_alike']:.1%}, andere berichten onterecht {rates['other']:.1%}")
    for lang in sorted(set(langs)):
        sel = (langs == lang) & (labels == "crisis")
        if sel.any():
            print(f"  {lang}: {alarm[sel].sum()}/{sel.sum()} gevonden")
    if not args.dry_run:
        order = [list(model.classes_).index(k) for k in range(len(crisis_meaning.KINDS))]
        np.savez(crisis_meaning.WEIGHTS_FILE, coef=model.coef_[order].astype(np.float32),
                 intercept=model.intercept_[order].astype(np.float32), bar=np.float32(bar),
                 inputs_hash=np.array(inputs_hash()))
        print(f"geschreven: {crisis_meaning.WEIGHTS_FILE.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
