"""Language data lives in knowledge/ only; data/nlu/ is generated from it."""
import subprocess
import sys
from pathlib import Path

from actions.knowledge.vocabulary import vocabulary

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_nlu_lookups_and_synonyms_are_generated_from_knowledge():
    result = subprocess.run([sys.executable, "scripts/generate_nlu.py", "--check"], cwd=REPO_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_meaning_per_phrase_in_generated_synonyms():
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from generate_nlu import entity_values

    for entity, mapping in entity_values().items():
        seen = {}
        for value, phrases in mapping.items():
            for phrase in phrases:
                assert seen.setdefault(phrase, value) == value, (entity, phrase)


def test_vocabulary_has_the_lists_the_code_reads():
    vocab = vocabulary()
    assert vocab.question_words and vocab.main_topics and vocab.guarding_populations
    assert vocab.forms and vocab.roles and vocab.newer_terms
