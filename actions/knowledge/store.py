"""The knowledge base in memory, reloaded when a YAML file changes.

Each process loads what it needs. The action server's snapshot builds the search index
(`snap.retriever`) while it loads, so no request waits for it. The Rasa server needs only
the crisis patterns and the help numbers: `crisis_store()` (called by bot.launcher) makes
the process-wide store a crisis-only one, whose snapshots never build the index unless
something asks for `snap.retriever` (then it is built once, on first use).

Nothing on the hot path reads files: `get()` only compares modification times, at most
once per `check_interval` seconds. A reload with errors is refused; the last good
version keeps serving and the problems are logged (no user text is ever logged).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from actions.knowledge.loader import ERROR, Problem, load
from actions.knowledge.model import KnowledgeBase

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_DIR = Path(os.environ.get("VRAAGBAAK_KNOWLEDGE_DIR", REPO_ROOT / "knowledge"))


class KnowledgeError(Exception):
    def __init__(self, problems: List[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Snapshot:
    """One loaded, valid version of the knowledge base: `kb`, `crisis` (the crisis
    detector) and `retriever` (the search index; built now when `build_index`, else on
    first use)."""

    def __init__(self, kb: KnowledgeBase, build_index: bool = True):
        from actions.knowledge.crisis import CrisisDetector

        self.kb = kb
        self.crisis = CrisisDetector(kb)
        self._retriever = None
        self._index_lock = threading.Lock()
        if build_index:
            self._retriever = self._build_index()

    def _build_index(self):
        from actions.knowledge.retrieval import Retriever

        return Retriever(self.kb)

    @property
    def index_built(self) -> bool:
        return self._retriever is not None

    @property
    def retriever(self):
        if self._retriever is None:
            with self._index_lock:
                if self._retriever is None:
                    self._retriever = self._build_index()
        return self._retriever


class KnowledgeStore:
    """Keeps the last valid knowledge base in memory.

    background=True (the servers): a changed file is loaded in a separate thread while the
    current version keeps answering, so no request waits for a reload.
    """

    def __init__(self, directory: Path = KNOWLEDGE_DIR, check_interval: float = 1.0,
                 background: bool = False, build_index: bool = True):
        self.directory = Path(directory)
        self.build_index = build_index
        self.check_interval = check_interval
        self.background = background
        self._lock = threading.Lock()
        self._snapshot: Optional[Snapshot] = None
        self._mtimes: Dict[str, float] = {}
        self._last_check = 0.0
        self._reloading = False
        self.last_problems: List[Problem] = []

    def _scan(self) -> Dict[str, float]:
        return {str(p): p.stat().st_mtime for p in sorted(self.directory.glob("*.yml"))}

    def _load(self) -> Tuple[Optional[Snapshot], List[Problem]]:
        kb, problems = load(self.directory)
        errors = [p for p in problems if p.severity == ERROR]
        return (None if errors else Snapshot(kb, self.build_index)), problems

    def _reload(self, mtimes: Dict[str, float]) -> Snapshot:
        snapshot, problems = self._load()
        self._mtimes = mtimes
        self.last_problems = problems
        if snapshot is None:
            errors = [p for p in problems if p.severity == ERROR]
            for problem in errors:
                logger.error("Kennisbank niet geladen: %s", problem)
            if self._snapshot is None:
                raise KnowledgeError(errors)
            logger.error("Wijziging in knowledge/ geweigerd; de laatste goede versie blijft actief.")
            return self._snapshot
        if self._snapshot is not None:
            logger.info("Kennisbank opnieuw geladen (%d items).",
                        len(kb_items(snapshot.kb)))
        self._snapshot = snapshot
        return snapshot

    def _reload_in_background(self, mtimes: Dict[str, float]) -> None:
        def work():
            try:
                with self._lock:
                    self._reload(mtimes)
            except Exception:  # keep serving the last good version whatever happens
                logger.exception("Kennisbank herladen mislukt; de laatste goede versie blijft actief.")
            finally:
                self._reloading = False

        self._reloading = True
        threading.Thread(target=work, name="kennisbank-herladen", daemon=True).start()

    def get(self) -> Snapshot:
        """The current snapshot; raises KnowledgeError only if no valid version ever loaded."""
        now = time.monotonic()
        if self._snapshot is not None and (now - self._last_check < self.check_interval or self._reloading):
            return self._snapshot
        self._last_check = now
        mtimes = self._scan()
        if self._snapshot is not None and mtimes == self._mtimes:
            return self._snapshot
        if self._snapshot is not None and self.background:
            self._reload_in_background(mtimes)
            return self._snapshot
        with self._lock:
            if self._snapshot is not None and mtimes == self._mtimes:
                return self._snapshot
            return self._reload(mtimes)


def kb_items(kb: KnowledgeBase) -> list:
    return list(kb.entries) + list(kb.organisations) + list(kb.situations)


_default: Optional[KnowledgeStore] = None


def default_store() -> KnowledgeStore:
    """The process-wide store on knowledge/ (or VRAAGBAAK_KNOWLEDGE_DIR)."""
    global _default
    if _default is None:
        _default = KnowledgeStore(background=True)
    return _default


def crisis_store() -> KnowledgeStore:
    """Make the process-wide store crisis-only (no search index) and return it. For the
    Rasa server, which needs the crisis patterns and the help numbers only; call it before
    anything uses `default_store()`."""
    global _default
    if _default is None:
        _default = KnowledgeStore(background=True, build_index=False)
    return _default
