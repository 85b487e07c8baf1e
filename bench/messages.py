"""The messages the load generator sends: the conversations of the dev set.

The bench replays the cases of tests/eval/heldout.yml (the dev set of `make eval`), read when
the bench starts: questions about figures, help, explanations, crisis messages, follow-ups and
out-of-scope questions in all six languages (nl, en, pl, ro, bg, uk). A case with several turns
stays one conversation: its turns are sent in order, under one sender id of its own (as the web
widget gives every visit one). The held-out test set (tests/eval/test/) and the independent
crisis set are never read here.

All cases are put in one order (shuffled with the seed, so runs are repeatable) and every
simulated user starts at its own place in that order: with `users` users at once, user k walks
the k-th slice, so users do not replay each other's messages until the whole set has been sent.
After a full lap a user goes on in a fresh shuffled order.

The default `rasa init` bot gets exactly the same messages: it misunderstands them, which does
not matter for a latency reference.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

import yaml

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "eval" / "heldout.yml"
LANGUAGES = ("nl", "en", "pl", "ro", "bg", "uk")

# The message used to find out whether a freshly started server answers.
PROBE_MESSAGE = "hallo"


@dataclass(frozen=True)
class Conversation:
    case_id: str
    lang: str
    turns: Tuple[str, ...]


def parse_cases(data: dict) -> List[Conversation]:
    """Conversations of a dev-set document ({"cases": [...]}), in file order."""
    out: List[Conversation] = []
    for case in (data or {}).get("cases") or []:
        turns = tuple(str(t).strip() for t in case.get("turns") or [] if str(t).strip())
        if turns:
            out.append(Conversation(str(case.get("id", len(out))), case.get("lang") or "nl", turns))
    return out


@functools.lru_cache(maxsize=4)
def _load(path: str) -> Tuple[Conversation, ...]:
    with open(path, encoding="utf-8") as fh:
        return tuple(parse_cases(yaml.safe_load(fh)))


def conversations(path: Optional[Path] = None) -> Tuple[Conversation, ...]:
    """The dev set's conversations (read once per process)."""
    found = _load(str(path or DEV_SET))
    if not found:
        raise ValueError(f"no conversations in {path or DEV_SET}")
    return found


def _order(n: int, seed: int, lap: int) -> List[int]:
    order = list(range(n))
    random.Random(f"bench-{seed}-{lap}").shuffle(order)
    return order


def conversation_stream(user: int, seed: int, tag: str, users: int = 1,
                        convs: Optional[Sequence[Conversation]] = None
                        ) -> Iterator[Tuple[str, str]]:
    """Endless (sender id, message) pairs for simulated user `user` of `users` (0-based).

    The user starts at its own slice of the seeded order of all conversations and walks on from
    there; every conversation has a fresh sender id `bench-<tag>-u<user>-c<n>` and its turns come
    in order.
    """
    convs = list(convs if convs is not None else conversations())
    n = len(convs)
    start = (user % max(users, 1)) * n // max(users, 1)
    sent = 0
    lap = 0
    while True:
        order = _order(n, seed, lap)
        for step in range(n):
            conv = convs[order[(start + step) % n]]
            sender = f"bench-{tag}-u{user:02d}-c{sent:04d}"
            sent += 1
            for message in conv.turns:
                yield sender, message
        lap += 1


def warmup_messages(count: int, seed: int = 0) -> List[str]:
    """`count` messages for the uncounted warm-up, from the end of the seeded order (the users
    start at its beginning)."""
    convs = conversations()
    order = _order(len(convs), seed, 0)
    out: List[str] = []
    for index in reversed(order):
        out.extend(convs[index].turns)
        if len(out) >= count:
            break
    return out[:count]
