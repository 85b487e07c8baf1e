"""Choose the bars of the decision policy on the dev set (tests/eval/heldout.yml).

`make tune` runs this. Every dev case is replayed in-process, turn by turn, as the
assistant would: the trained model's NLU reads each message (intent, entities), decide()
decides, and what was served becomes the context of the next turn. The ranking of each
message is computed once; then the bars (actions/knowledge/decision.py: policy) are chosen
by coordinate descent on a cost: a right answer +1, a wrong figure or a missed crisis -100,
"which one did you mean?" on an answerable question -0.3, any other wrong reply -1.2.

Never run this on the test set: that set measures, it does not tune.
Writes actions/knowledge/decision.json (tracked: a developer's explicit step, like a
refit), and prints the dev result before and after.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from actions.knowledge import decision as decision_module  # noqa: E402
from actions.knowledge.decision import decide_turn, read_turn  # noqa: E402
from actions.knowledge.model import Entry, Organisation, Situation  # noqa: E402
from actions.knowledge.ranker import for_snapshot  # noqa: E402
from actions.knowledge.store import KnowledgeStore  # noqa: E402

DEV = REPO_ROOT / "tests" / "eval" / "heldout.yml"
MODEL = REPO_ROOT / "models" / "vraagbaak.tar.gz"
GRID = {
    "answer_figure": [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    "answer_entry": [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6],
    "answer_help": [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6],
    "help": [0.05, 0.1, 0.15, 0.2, 0.3, 0.4],
    "ask": [0.1, 0.15, 0.2, 0.3, 0.4, 0.5],
    "margin": [0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3],
    "clear": [0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.9],
    "clear_lead": [0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6],
    "strict": [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95],
}
# A wrong figure and a missed crisis cost so much that no number of right answers buys one.
COSTS = {"right": 1.0, "wrong_figure": -100.0, "missed_crisis": -100.0, "ask": -0.3, "wrong": -1.2}


class Nlu:
    """The trained model's NLU (the same pipeline as the Rasa server), parse results cached."""

    def __init__(self, model: Path):
        os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
        logging.disable(logging.WARNING)
        import structlog

        # Rasa's structlog lines carry the message text: keep them out of the terminal.
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
        from rasa.core.agent import Agent

        self.agent = Agent.load(str(model))
        self.cache: Dict[str, dict] = {}

    def parse(self, text: str) -> dict:
        if text not in self.cache:
            self.cache[text] = asyncio.run(self.agent.parse_message(text))
        return self.cache[text]


def entities_of(parsed: dict) -> Dict[str, set]:
    found: Dict[str, set] = {}
    for entity in parsed.get("entities") or []:
        if isinstance(entity.get("value"), str):
            found.setdefault(entity["entity"], set()).add(entity["value"])
    return found


class Replay:
    """Replays the dev cases through decide() with given bars."""

    def __init__(self, snap, cases: List[dict], nlu: Nlu):
        self.snap, self.cases, self.nlu = snap, cases, nlu
        ranker = for_snapshot(snap)
        original = ranker.rank
        memo: Dict[tuple, list] = {}

        def rank(message, prefer="entry", context=None, entities=None, query=None, limit=5, exclude=()):
            key = (message, prefer, getattr(context, "id", None),
                   tuple(sorted((k, tuple(sorted(v))) for k, v in (entities or {}).items())), tuple(exclude), limit)
            if key not in memo:
                memo[key] = original(message, prefer=prefer, context=context, entities=entities,
                                     query=query, limit=limit, exclude=exclude)
            return memo[key]

        ranker.rank = rank

    def run(self, bars: Dict[str, float]):
        decision_module.thresholds._cache = dict(bars)
        outcomes = Counter()
        per_case = []
        for case in self.cases:
            context = organisation = lang = None
            last = None
            for text in case["turns"]:
                parsed = self.nlu.parse(text)
                intent = parsed.get("intent") or {}
                turn = read_turn(self.snap, text, intent.get("name"), float(intent.get("confidence") or 0.0),
                                 entities_of(parsed), context, organisation, lang)
                last = decide_turn(self.snap, turn)
                lang = last.language
                if last.kind in ("answer", "help") and last.best is not None:
                    context = last.best
                    if isinstance(last.best, Organisation):
                        organisation = last.best
                    elif isinstance(last.best, Situation):
                        organisation = next((self.snap.kb.organisations.get(o) for o in last.best.organisations), None)
            outcome = judge(self.snap.kb, case["expect"], last)
            outcomes[outcome] += 1
            per_case.append((case, last, outcome))
        return outcomes, per_case


def allowed_entries(kb, ids) -> set:
    found = set()
    for entry_id in ids:
        entry = kb.entries.get(entry_id)
        if entry is not None:
            found |= {e.id for e in kb.same_question(entry)} | {entry_id}
    return found


def judge(kb, expect: dict, d) -> str:
    """right | wrong_figure | missed_crisis | ask | wrong (a Decision against a case)."""
    best = d.best
    served_figure = d.kind in ("answer", "help") and isinstance(best, Entry) and best.kind == "figure"
    allowed = allowed_entries(kb, expect.get("entries", []))
    if served_figure and best.id not in allowed:
        return "wrong_figure"
    if "crisis" in expect:
        ok = d.kind == "crisis" and d.crisis is not None and (d.crisis.kind == expect["crisis"] or expect["crisis"] == "danger")
        return "right" if ok else "missed_crisis"
    if expect.get("not_crisis") and d.kind == "crisis" and "organisations" not in expect:
        return "wrong"
    answerable = "entries" in expect or "organisations" in expect
    if answerable and d.kind == "clarify":
        return "ask"
    if "entries" in expect:
        return "right" if d.kind in ("answer", "help") and best is not None and best.id in allowed else "wrong"
    if "organisations" in expect:
        wanted = set(expect["organisations"])
        shown = set()
        for item in d.items[:1] if d.kind != "crisis" else d.items:
            if isinstance(item, Organisation):
                shown.add(item.id)
            elif isinstance(item, Situation):
                shown |= set(item.organisations[:3])
        if d.kind == "crisis":
            shown.add(d.crisis.organisation)
        return "right" if shown & wanted else "wrong"
    if "source_of" in expect:
        item = kb.item(expect["source_of"])
        return "right" if d.kind == "source" and best is not None and best.source == item.source else "wrong"
    if "evidence_of" in expect:
        return "right" if d.kind == "evidence" and best is not None and best.id == expect["evidence_of"] else "wrong"
    if "anonymous_of" in expect:
        return "right" if d.kind == "anonymity" and expect["anonymous_of"] in {o.id for o in d.items} else "wrong"
    if "response" in expect:
        return "right" if d.kind == "say" and d.response == expect["response"] else "wrong"
    if expect.get("no_answer"):
        return "right" if d.kind in ("none", "clarify") else "wrong"
    if set(expect) == {"not_crisis"}:
        return "right" if d.kind != "crisis" else "wrong"
    return "wrong"


def cost(outcomes: Counter) -> float:
    return sum(COSTS[k] * n for k, n in outcomes.items())


def show(label: str, outcomes: Counter) -> None:
    total = sum(outcomes.values())
    print(f"{label}: goed {outcomes['right']}/{total} ({100 * outcomes['right'] / total:.1f}%), "
          f"fout cijfer {outcomes['wrong_figure']}, gemiste crisis {outcomes['missed_crisis']}, "
          f"doorvragen {outcomes['ask']}, ander fout {outcomes['wrong']}  (kosten {cost(outcomes):.1f})")


def tune(replay: Replay, start: Dict[str, float], rounds: int = 3) -> Dict[str, float]:
    bars = dict(start)
    best_cost = cost(replay.run(bars)[0])
    for _ in range(rounds):
        changed = False
        for name, values in GRID.items():
            for value in values:
                trial = dict(bars, **{name: value})
                trial_cost = cost(replay.run(trial)[0])
                if trial_cost > best_cost + 1e-9:
                    bars, best_cost, changed = trial, trial_cost, True
        if not changed:
            break
    return bars


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="only show, do not write decision.json")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every wrong dev case after tuning")
    args = parser.parse_args()
    if not MODEL.exists():
        print(f"Geen getraind model in {MODEL}: eerst make train.")
        return 1
    snap = KnowledgeStore(REPO_ROOT / "knowledge").get()
    cases = yaml.safe_load(DEV.read_text(encoding="utf-8"))["cases"]
    print(f"NLU laden en {len(cases)} dev-vragen rangschikken…", flush=True)
    replay = Replay(snap, cases, Nlu(MODEL))
    start = dict(decision_module.thresholds(for_snapshot(snap)))
    start.setdefault("strict", start["answer_figure"])
    before, _ = replay.run(start)
    show("Dev, huidige drempels", before)
    bars = tune(replay, start)
    after, per_case = replay.run(bars)
    show("Dev, gekozen drempels", after)
    print("Drempels:", json.dumps(bars))
    if args.verbose:
        for case, d, outcome in per_case:
            if outcome != "right":
                print(f"- {case['id']} {case['turns'][-1]!r} verwacht {case['expect']} -> {d.kind} "
                      f"{[getattr(i, 'id', i) for i in d.items][:3]} {d.response or ''} [{d.reason}] {outcome}")
    if not args.dry_run:
        payload = {"note": "Bars of the decision policy, chosen on the dev set (tests/eval/heldout.yml) "
                           "by scripts/tune_decision.py (make tune).", "thresholds": bars}
        decision_module.THRESHOLDS_FILE.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"Geschreven: {decision_module.THRESHOLDS_FILE.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
