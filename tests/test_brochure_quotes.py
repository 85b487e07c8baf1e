"""Every evidence quote that cites the brochure is literally in the brochure's text.

The knowledge files quote the text version of the brochure with two normalisations only
(see the header of knowledge/mensenhandel.yml): the figures of the infographic, which the
text version prints in subscript digits (₁.₄₀₀), are written as ordinary digits, and line
breaks and hyphens at the end of a line are left out. This test applies the same two
normalisations to the brochure and to every quote, and ignores whitespace.
"""
import re
from pathlib import Path

import pytest

from actions.knowledge.loader import load

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "brochure-nationaal-rapporteur.txt"
SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def normalise(text: str) -> str:
    text = text.translate(SUBSCRIPT)
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # "ver-\nmoedelijke" -> "vermoedelijke"
    text = re.sub(r"\s+", "", text)                      # whitespace, also words split at line ends
    return text


def brochure_quotes():
    kb, _ = load(REPO / "knowledge")
    found = []
    for item in list(kb.entries.values()) + list(kb.organisations.values()):
        for piece in item.evidence:  # real quotes only; summaries are not the brochure's words
            if piece.where.lower().startswith("brochure"):
                found.append((item.id, piece.quote))
    return found


@pytest.fixture(scope="module")
def brochure():
    if not SEED.exists():
        pytest.skip(f"the brochure's text is not here ({SEED}); it lives next to the repository in shared/seed")
    return normalise(SEED.read_text(encoding="utf-8"))


def test_there_are_brochure_quotes():
    assert len(brochure_quotes()) >= 50


@pytest.mark.parametrize("item_id,quote", brochure_quotes(), ids=lambda v: v if isinstance(v, str) and len(v) < 60 else None)
def test_brochure_quote_is_literal(brochure, item_id, quote):
    assert normalise(quote) in brochure, f"{item_id}: not literally in the brochure: {quote!r}"


def test_a_changed_word_is_caught(brochure):
    quote = "Ook heeft één op vier kinderen in Nederland een fysieke vorm van seksueel geweld meegemaakt."
    assert normalise(quote) not in brochure
