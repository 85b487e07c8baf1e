"""`make eval`: accuracy on three sets of questions, side by side.

- dev  (tests/eval/heldout.yml): tune on it freely (bars, weights, rules).
- test (tests/eval/test/*.yml): written apart from the example questions and the dev set;
  never tuned on. The gate (tests/eval/floor.yml) applies to it. A test case whose failure
  you study moves to dev (heldout.yml), and a new case is written in its place.
- crisis (tests/eval/crisis_independent.yml): crisis messages and look-alikes in six
  languages, written without reading knowledge/crisis.yml.

Talks to a running assistant over the REST channel (VRAAGBAAK_URL, default
http://127.0.0.1:5005); when none answers, starts one on free ports for the run.
A reply "gives a wrong figure" when it contains the text of a figure entry (in any of its
languages) that the case did not expect. That number must be 0 in every set, and so must
missed crisis cases. "Ranked right but not answered": a single-turn answerable case whose
right item the ranker put first (computed here, in-process, with the same decide()) and
which still failed.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from actions.knowledge.model import localized  # noqa: E402
from actions.knowledge.decision import decide  # noqa: E402
from actions.knowledge.store import KnowledgeStore  # noqa: E402
from bot.serve import Stack, http_ok  # noqa: E402

EVAL_DIR = REPO_ROOT / "tests" / "eval"
SETS = {"dev": [EVAL_DIR / "heldout.yml"], "test": sorted((EVAL_DIR / "test").glob("*.yml")),
        "crisis": [EVAL_DIR / "crisis_independent.yml"]}
FLOOR = REPO_ROOT / "tests" / "eval" / "floor.yml"


def domain_texts() -> Dict[str, List[str]]:
    """Every variation of every response (all languages)."""
    domain = yaml.safe_load((REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    return {name: [v["text"] for v in variants if v.get("text")] for name, variants in domain["responses"].items()}


def post(url: str, sender: str, message: str) -> list:
    data = json.dumps({"sender": sender, "message": message}).encode()
    for attempt in range(5):
        request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=data,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as error:  # a running server's rate limit: wait, retry
            if error.code != 429 or attempt == 4:
                raise
            time.sleep(float(error.headers.get("Retry-After") or 1))
    return []


class Judge:
    def __init__(self):
        snap = KnowledgeStore(REPO_ROOT / "knowledge").get()
        self.snap = snap
        self.kb = snap.kb
        self.crisis = {rule.kind: self.kb.organisations[rule.organisation] for rule in self.kb.crisis}
        self.responses = domain_texts()
        self.figures = [e for e in self.kb.vetted_entries() if e.kind == "figure"]
        # every text a figure can be sent in (Dutch and its translations): judged strictly
        self.figure_texts = {e.id: [t for t in [e.text] + [tr.fields.get("text") for tr in
                                                           (getattr(e, "translations", None) or {}).values()] if t]
                             for e in self.figures}

    def expected_entries(self, ids) -> set:
        found = set()
        for entry_id in ids:
            entry = self.kb.entries.get(entry_id)
            if entry:
                found |= {e.id for e in self.kb.same_question(entry)} | {entry_id}
        return found

    def judge(self, expect: dict, messages: list, lang: str = "nl") -> (bool, List[str], str):
        texts = [m.get("text") or "" for m in messages]
        reply = "\n".join(texts)
        allowed = self.expected_entries(expect.get("entries", []))
        wrong = [e.id for e in self.figures if e.id not in allowed
                 and any(text in reply for text in self.figure_texts[e.id])]
        crisis_first = any(org.phone in (texts[0] if texts else "") for org in self.crisis.values())
        if "crisis" in expect:
            org = self.crisis[expect["crisis"]]
            return bool(texts) and org.phone in texts[0], wrong, "crisis"
        if expect.get("not_crisis") and crisis_first and "organisations" not in expect:
            return False, wrong, "onterecht crisis"
        if "entries" in expect:
            # compared in the case's language (the translation, else the Dutch text)
            ok = any(localized(self.kb.entries[i], "text", lang) in reply for i in allowed if i in self.kb.entries)
            return ok and not wrong, wrong, "entries"
        if "organisations" in expect:
            ok = any((self.kb.organisations[i].phone or self.kb.organisations[i].name) in reply
                     for i in expect["organisations"] if i in self.kb.organisations)
            return ok and not wrong, wrong, "organisations"
        if "source_of" in expect:
            item = self.kb.item(expect["source_of"])
            return self.kb.sources[item.source].citation in reply and not wrong, wrong, "source"
        if "anonymous_of" in expect:
            org = self.kb.organisations[expect["anonymous_of"]]
            text = localized(org, "anonymous", lang)
            return bool(text) and text in reply, wrong, "anonymous"
        if "evidence_of" in expect:
            item = self.kb.item(expect["evidence_of"])
            quotes = [e.quote for e in getattr(item, "evidence", ()) or ()]
            return any(q in reply for q in quotes) and not wrong, wrong, "evidence"
        if "response" in expect:
            ok = any(t in reply for t in self.responses[expect["response"]])
            return ok and not wrong, wrong, "response"
        if expect.get("no_answer"):
            any_entry = [e.id for e in self.kb.vetted_entries() if e.text in reply]
            honest = any(t in reply for name in ("utter_no_answer", "utter_out_of_scope", "utter_no_counterpart",
                                                 "utter_clarify") for t in self.responses[name])
            return honest and not any_entry and not crisis_first, wrong, "no_answer"
        if set(expect) == {"not_crisis"}:  # a crisis look-alike: anything but the crisis text
            return bool(texts) and not crisis_first, wrong, "not_crisis"
        return False, wrong, f"onbekende verwachting {sorted(expect)}"

    def right_items(self, expect: dict) -> set:
        """The ids a ranking may put first for an answerable case."""
        right = set(self.expected_entries(expect.get("entries", [])))
        for org_id in expect.get("organisations", []):
            right.add(org_id)
            right |= {s.id for s in self.kb.situations.values() if org_id in s.organisations}
        return right

    def ranked_right(self, case: dict) -> bool:
        """A single-turn answerable case whose right item decide() ranks first."""
        expect = case["expect"]
        if len(case["turns"]) != 1 or not ("entries" in expect or "organisations" in expect):
            return False
        decision = decide(self.snap, case["turns"][0])
        return bool(decision.scored) and decision.scored[0].item.id in self.right_items(expect)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_cases(paths) -> List[dict]:
    cases: List[dict] = []
    for path in paths:
        if path.exists():
            cases += (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cases") or []
    return cases


class Tally:
    """Results of one set."""

    def __init__(self, name: str):
        self.name = name
        self.category = defaultdict(lambda: [0, 0])
        self.language = defaultdict(lambda: [0, 0])
        self.wrong_figures = self.missed_crisis = self.asks = self.answerable = 0
        self.not_answered = defaultdict(lambda: [0, 0])  # lang -> [ranked right but failed, answerable]
        self.crisis = defaultdict(lambda: [0, 0])  # lang -> [crisis first, crisis cases]
        self.false_alarms = defaultdict(lambda: [0, 0])  # lang -> [crisis text, look-alikes]
        self.failures: List[tuple] = []

    @property
    def total(self):
        return sum(v[0] for v in self.category.values()), sum(v[1] for v in self.category.values())

    @property
    def accuracy(self) -> float:
        ok, n = self.total
        return ok / n if n else 0.0

    @property
    def ask_share(self) -> float:
        return self.asks / self.answerable if self.answerable else 0.0

    @property
    def not_answered_share(self) -> float:
        failed = sum(v[0] for v in self.not_answered.values())
        return failed / self.answerable if self.answerable else 0.0


def run_set(url: str, name: str, cases: List[dict], judge: Judge) -> Tally:
    tally = Tally(name)
    clarify_texts = judge.responses.get("utter_clarify", [])
    crisis_phones = [org.phone for org in judge.crisis.values()]
    for case in cases:
        sender = f"eval-{name}-{case['id']}-{os.getpid()}"
        messages = []
        for turn in case["turns"]:
            messages = post(url, sender, turn)
        lang = case.get("lang", "nl")
        expect = case["expect"]
        ok, wrong, _ = judge.judge(expect, messages, lang)
        tally.wrong_figures += len(wrong)
        first = (messages[0].get("text") or "") if messages else ""
        if "crisis" in expect:
            tally.missed_crisis += not ok
            tally.crisis[lang][0] += ok
            tally.crisis[lang][1] += 1
        elif expect.get("not_crisis"):
            tally.false_alarms[lang][0] += any(phone in first for phone in crisis_phones)
            tally.false_alarms[lang][1] += 1
        if "entries" in expect or "organisations" in expect:
            tally.answerable += 1
            reply = "\n".join(m.get("text") or "" for m in messages)
            tally.asks += any(t in reply for t in clarify_texts)
            tally.not_answered[lang][1] += 1
            tally.not_answered[lang][0] += (not ok) and judge.ranked_right(case)
        for table, key in ((tally.category, case["category"]), (tally.language, lang)):
            table[key][0] += ok
            table[key][1] += 1
        if not ok:
            tally.failures.append((case, messages, wrong))
    return tally


def _cell(pair) -> str:
    ok, n = pair
    return f"{ok}/{n} {100 * ok / n:.1f}%" if n else "-"


def table(title: str, tallies: List[Tally], rows, attr: str) -> None:
    print(f"| {title} | " + " | ".join(t.name for t in tallies) + " |")
    print("|---|" + "---|" * len(tallies))
    for row in rows:
        print(f"| {row} | " + " | ".join(_cell(getattr(t, attr).get(row, (0, 0))) for t in tallies) + " |")


def report(tallies: List[Tally], crisis: Optional[Tally]) -> None:
    categories = sorted({c for t in tallies for c in t.category})
    languages = [lang for lang in ("nl", "en", "pl", "ro", "bg", "uk") if any(lang in t.language for t in tallies)]
    table("categorie", tallies, categories, "category")
    print("| **totaal** | " + " | ".join(_cell(t.total) for t in tallies) + " |")
    print()
    table("taal", tallies, languages, "language")
    print()
    print("| | " + " | ".join(t.name for t in tallies) + " |")
    print("|---|" + "---|" * len(tallies))
    print("| foute cijfers | " + " | ".join(str(t.wrong_figures) for t in tallies) + " |")
    print("| gemiste crisis | " + " | ".join(str(t.missed_crisis) for t in tallies) + " |")
    print("| welke bedoel je (beantwoordbaar) | " + " | ".join(
        f"{t.asks}/{t.answerable} {100 * t.ask_share:.1f}%" for t in tallies) + " |")
    for lang in languages:
        print(f"| goed gerangschikt, niet beantwoord ({lang}) | " + " | ".join(
            _cell(t.not_answered.get(lang, (0, 0))) for t in tallies) + " |")
    print("| goed gerangschikt, niet beantwoord (alles) | " + " | ".join(
        f"{100 * t.not_answered_share:.1f}%" for t in tallies) + " |")
    if crisis is not None:
        print()
        print("| crisisset | crisis eerst 112/113 | look-alikes onterecht crisis |")
        print("|---|---|---|")
        for lang in ("nl", "en", "pl", "ro", "bg", "uk"):
            if lang in crisis.crisis or lang in crisis.false_alarms:
                print(f"| {lang} | {_cell(crisis.crisis.get(lang, (0, 0)))} | {_cell(crisis.false_alarms.get(lang, (0, 0)))} |")
        print(f"| **alles** | {_cell(_sum(crisis.crisis))} | {_cell(_sum(crisis.false_alarms))} |")


def _sum(table_) -> list:
    return [sum(v[0] for v in table_.values()), sum(v[1] for v in table_.values())]


def show_failures(tally: Tally) -> None:
    for case, messages, wrong in tally.failures:
        first = (messages[0].get("text") or "")[:110].replace("\n", " ") if messages else "(leeg)"
        print(f"- [{tally.name}] {case['id']} {case['turns'][-1]!r} verwacht {case['expect']} kreeg: {first!r}"
              + (f" FOUT CIJFER {wrong}" if wrong else ""))


def evaluate(url: str, sets: List[str], verbose: bool, show_test: bool) -> int:
    judge = Judge()
    started = time.monotonic()
    results: Dict[str, Tally] = {}
    for name in sets:
        cases = load_cases(SETS[name])
        if cases:
            print(f"  {name}: {len(cases)} vragen…", file=sys.stderr, flush=True)
            results[name] = run_set(url, name, cases, judge)
    print(f"Evaluatie ({time.monotonic() - started:.0f} s):\n")
    main_sets = [results[n] for n in ("dev", "test") if n in results]
    report(main_sets, results.get("crisis"))
    if verbose and "dev" in results:
        show_failures(results["dev"])
    if show_test:
        print("\nLet op: een testcase die je bestudeert, gaat naar dev.yml (en je schrijft een nieuwe).")
        for name in ("test", "crisis"):
            if name in results:
                show_failures(results[name])
    return gate(results)


def gate(results: Dict[str, Tally]) -> int:
    """0 when wrong figures and missed crisis are 0 everywhere and the test set (and the
    crisis set) are at least as good as the floor (tests/eval/floor.yml, a ratchet)."""
    floor = yaml.safe_load(FLOOR.read_text(encoding="utf-8")) if FLOOR.exists() else {}
    problems = []
    for tally in results.values():
        # 0 unless floor.yml records a known, open defect of an independent set for that
        # set: then never more than recorded (the target stays 0; the dev set has no such key).
        known = floor.get(tally.name) or {}
        if tally.wrong_figures > int(known.get("max_wrong_figures", 0)):
            problems.append(f"{tally.name}: {tally.wrong_figures} fout(e) cijfer(s)")
        if tally.missed_crisis > int(known.get("max_missed_crisis", 0)):
            problems.append(f"{tally.name}: {tally.missed_crisis} gemiste crisis")
    test, crisis = results.get("test"), results.get("crisis")
    limits = floor.get("test") or {}
    if test is not None:
        if test.accuracy < float(limits.get("min_accuracy", 0.0)) - 1e-9:
            problems.append(f"test: nauwkeurigheid {100 * test.accuracy:.1f}% onder de vloer "
                            f"{100 * limits['min_accuracy']:.1f}%")
        if test.ask_share > float(limits.get("max_ask_share", 1.0)) + 1e-9:
            problems.append(f"test: doorvragen {100 * test.ask_share:.1f}% boven {100 * limits['max_ask_share']:.1f}%")
        if test.not_answered_share > float(limits.get("max_not_answered", 1.0)) + 1e-9:
            problems.append(f"test: goed gerangschikt maar niet beantwoord {100 * test.not_answered_share:.1f}% "
                            f"boven {100 * limits['max_not_answered']:.1f}%")
    alarms = floor.get("crisis") or {}
    if crisis is not None:
        looks = _sum(crisis.false_alarms)
        share = looks[0] / looks[1] if looks[1] else 0.0
        if share > float(alarms.get("max_false_alarms", 1.0)) + 1e-9:
            problems.append(f"crisis: {100 * share:.1f}% look-alikes onterecht crisis, boven "
                            f"{100 * alarms['max_false_alarms']:.1f}%")
    if problems:
        print("ONVOLDOENDE: " + "; ".join(problems))
        return 1
    print("Voldoet aan de vloer (tests/eval/floor.yml).")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("VRAAGBAAK_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--set", dest="sets", action="append", choices=sorted(SETS),
                        help="alleen deze set(s); standaard alle drie")
    parser.add_argument("-v", "--verbose", action="store_true", help="toon elke fout in de dev-set")
    parser.add_argument("--show-test-failures", action="store_true",
                        help="toon ook de fouten in test en crisis (zo'n case gaat daarna naar dev)")
    args = parser.parse_args()
    sets = args.sets or ["dev", "test", "crisis"]
    if http_ok(f"{args.url}/webhooks/rest/"):
        return evaluate(args.url, sets, args.verbose, args.show_test_failures)
    print("Geen draaiende assistent gevonden; ik start er een voor de evaluatie… ", end="", flush=True)
    # One client sends hundreds of questions in a row: lift the per-client rate limit of
    # the servers started here (bot/frontdoor.py), as the tests and benchmarks do.
    os.environ.setdefault("VRAAGBAAK_RATE_LIMIT_FACTOR", "1000")
    stack = Stack(rasa_port=free_port(), action_port=free_port(), log_dir=REPO_ROOT / "logs" / "eval")
    with stack:
        print("klaar.")
        return evaluate(stack.url, sets, args.verbose, args.show_test_failures)


if __name__ == "__main__":
    sys.exit(main())
