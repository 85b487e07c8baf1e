"""Distil the static encoder (actions/knowledge/static_encoder.npz) from e5.

Vocabulary: the words of knowledge/, data/ and the dev set (tests/eval/heldout.yml; the
test sets are never read), plus the most frequent words of nl, en, pl, ro, bg and uk
(wordfreq, offline). Each word is embedded alone by e5 (query role); a ridge fit maps the
SIF-weighted, mean-centred average of a sentence's word vectors onto e5's vector of the
knowledge sentence. Words already in the previous table are not embedded again.

Usage: python scripts/distill_encoder.py [--out PATH] [--if-stale]
  --if-stale  do nothing when the committed table was fitted on the current inputs
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from actions.knowledge import embeddings  # noqa: E402

LANGS = ("nl", "en", "pl", "ro", "bg", "uk")
FREQUENT = 3000  # per language
SIF_A = 1e-3
RIDGE = 0.01  # chosen on the dev set: 0.01 gave semantic top-1 0.537, 1.0 gave 0.457


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def corpus_files():
    return (sorted((REPO_ROOT / "knowledge").glob("*.yml")) + sorted((REPO_ROOT / "data").glob("**/*.yml"))
            + [REPO_ROOT / "tests" / "eval" / "heldout.yml"])


def vocabulary():
    found = set()
    for path in corpus_files():
        for text in strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            found.update(embeddings.words(text))
    from wordfreq import top_n_list, word_frequency

    for lang in LANGS:
        found.update(embeddings.fold(w) for w in top_n_list(lang, FREQUENT) if w.isalpha())
    found = sorted(w for w in found if w)
    freq = {}
    for lang in LANGS:
        for w in found:
            freq[w] = max(freq.get(w, 0.0), word_frequency(w, lang))
    return found, np.array([SIF_A / (SIF_A + freq[w]) for w in found], dtype=np.float32)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(embeddings.STATIC_BUILD))
    parser.add_argument("--if-stale", action="store_true")
    args = parser.parse_args()
    current = embeddings._current_hash()
    if args.if_stale and embeddings.STATIC_FILE.exists():
        if embeddings.StaticEncoder(embeddings.STATIC_FILE).inputs_hash == current:
            print("Statische encoder is bij (zelfde invoer).")
            return 0
    started = time.monotonic()
    vocab, weights = vocabulary()
    old = {}
    for path in (embeddings.STATIC_FILE, Path(args.out)):
        if path.exists():
            prev = embeddings.StaticEncoder(path)
            old.update(zip(prev.words, prev.vectors))
    new = [w for w in vocab if w not in old]
    print(f"{len(vocab)} woorden, {len(new)} nieuw", flush=True)
    for start in range(0, len(new), 128):
        batch = new[start:start + 128]
        old.update(zip(batch, embeddings.encode("e5", batch, query=True).astype(np.float16)))
    vectors = np.stack([old[w] for w in vocab]).astype(np.float16)
    mean = vectors.astype(np.float32).mean(axis=0)
    table = embeddings.StaticEncoder.__new__(embeddings.StaticEncoder)
    table.words, table.vectors, table.weights, table.mean = vocab, vectors, weights, mean
    table.index = {w: i for i, w in enumerate(vocab)}
    # ridge targets: e5's vectors of the knowledge sentences (cached on disk)
    from actions.knowledge.loader import load
    from actions.knowledge.ranker import item_sentences

    kb, _ = load(REPO_ROOT / "knowledge")
    sentences = sorted({s for item in list(kb.entries.values()) + list(kb.organisations.values())
                        + list(kb.situations.values()) for s in item_sentences(item) if s})
    Y = embeddings.default_cache().passages("e5", sentences)
    X = np.stack([table.features(s) for s in sentences])
    d = X.shape[1]
    W = np.linalg.solve(X.T @ X + RIDGE * np.eye(d), X.T @ Y).astype(np.float32)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.npz")
    np.savez(tmp, words=np.array(vocab), vectors=vectors, weights=weights, mean=mean, W=W,
             inputs_hash=np.array(current))
    tmp.replace(out)
    print(f"Statische encoder in {time.monotonic() - started:.1f} s: {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
