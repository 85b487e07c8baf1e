"""Superseded by scripts/train_ranker.py (the learned ranker next to the lexical scorer
on the same dev folds). Kept so old habits still work: prints the report with the stored
weights, without retraining. Usage: python scripts/retrieval_dev.py [-v]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_ranker import main  # noqa: E402

if __name__ == "__main__":
    sys.argv = [sys.argv[0], "--check"] + sys.argv[1:]
    sys.exit(main())
