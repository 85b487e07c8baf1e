"""Nothing that make run/test/eval/bench generates modifies a tracked file.

The generators make runs before training write either under .build/ (ignored) or, for
data/nlu/lookups.yml and synonyms.yml (tracked, so the training data can be read in the
repository), exactly the bytes that are committed when knowledge/ is unchanged.
"""
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _git(*args) -> str:
    return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout


def _tracked_state() -> dict:
    """Each tracked file's content hash (what `git status` compares)."""
    return {name: hashlib.sha256((REPO_ROOT / name).read_bytes()).hexdigest()
            for name in _git("ls-files", "-z").split("\0") if name and (REPO_ROOT / name).is_file()}


def test_the_generators_leave_tracked_files_as_they_are(tmp_path):
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    before, status_before = _tracked_state(), _git("status", "--porcelain", "--untracked-files=no")
    for command in ([sys.executable, "scripts/generate_nlu.py"],
                    ["scripts/content_hash.sh", str(tmp_path / "stamp"), "config.yml"]):
        subprocess.run(command, cwd=REPO_ROOT, check=True, capture_output=True)
    assert _tracked_state() == before
    assert _git("status", "--porcelain", "--untracked-files=no") == status_before


def test_the_content_hash_stamp_changes_only_with_the_content(tmp_path):
    import os

    data, stamp = tmp_path / "input.yml", tmp_path / "stamp"
    data.write_text("a: 1\n")

    def run():
        subprocess.run(["scripts/content_hash.sh", str(stamp), str(data)], cwd=REPO_ROOT, check=True)
        return stamp.read_text(), stamp.stat().st_mtime_ns

    first = run()
    os.utime(stamp, ns=(1, 1))
    os.utime(data)  # a newer file time, the same content (a fresh clone, a checkout)
    assert run() == (first[0], 1)  # stamp untouched: make does not retrain
    data.write_text("a: 2\n")
    changed = run()
    assert changed[0] != first[0] and changed[1] > 1
