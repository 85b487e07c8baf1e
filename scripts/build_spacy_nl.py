"""Build the Dutch spaCy pipeline used by Rasa (SpacyNLP) and by the knowledge retrieval.

No Dutch spaCy model can be installed here, so we save a blank Dutch pipeline with the
lookup lemmatizer from spacy-lookups-data. Usage: python scripts/build_spacy_nl.py OUT_DIR
"""
import sys
from pathlib import Path

import spacy


def build(out_dir: Path) -> None:
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup table from spacy-lookups-data
    nlp.meta["name"] = "vraagbaak_nl"
    nlp.meta["description"] = "Blank Dutch pipeline with lookup lemmatizer (built at set-up)"
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
