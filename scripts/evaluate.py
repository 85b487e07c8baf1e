"""`make eval`: accuracy per category on the held-out questions in tests/eval/heldout.yml.

Talks to a running assistant over the REST channel (VRAAGBAAK_URL, default
http://127.0.0.1:5005); when none answers, starts one on free ports for the run.
A reply "gives a wrong figure" when it contains the text of a figure entry (in any of its
languages) that the case did not expect. That number must be 0, and so must missed crisis
cases. Accuracy and the share of answerable questions that get "which one did you mean"
must not be worse than the floor in tests/eval/floor.yml (a ratchet: raise it with every
improvement, never lower it). Results are shown per category and per language (`lang:`
on a case, default nl).
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
from typing import Dict, List

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from actions.knowledge.model import localized  # noqa: E402
from actions.knowledge.store import KnowledgeStore  # noqa: E402
from bot.serve import Stack, http_ok  # noqa: E402

CASES = REPO_ROOT / "tests" / "eval" / "heldout.yml"
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
        return False, wrong, f"onbekende verwachting {sorted(expect)}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def evaluate(url: str, verbose: bool) -> int:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    judge = Judge()
    per_category = defaultdict(lambda: [0, 0])
    per_language = defaultdict(lambda: [0, 0])
    wrong_figures, missed_crisis, asks, answerable = 0, 0, 0, 0
    failures = []
    clarify_texts = judge.responses.get("utter_clarify", [])
    started = time.monotonic()
    for case in cases:
        sender = f"eval-{case['id']}-{os.getpid()}"
        messages = []
        for turn in case["turns"]:
            messages = post(url, sender, turn)
        ok, wrong, _ = judge.judge(case["expect"], messages, case.get("lang", "nl"))
        wrong_figures += len(wrong)
        expect = case["expect"]
        if "crisis" in expect and not ok:
            missed_crisis += 1
        if "entries" in expect or "organisations" in expect:
            answerable += 1
            reply = "\n".join(m.get("text") or "" for m in messages)
            asks += any(t in reply for t in clarify_texts)
        lang = case.get("lang", "nl")
        for table, key in ((per_category, case["category"]), (per_language, lang)):
            table[key][0] += ok
            table[key][1] += 1
        if not ok:
            failures.append((case, messages, wrong))
    total_ok = sum(v[0] for v in per_category.values())
    total = sum(v[1] for v in per_category.values())
    accuracy = total_ok / total if total else 0.0
    ask_share = asks / answerable if answerable else 0.0
    print(f"Evaluatie op {total} vragen ({time.monotonic() - started:.0f} s):")
    for category in sorted(per_category):
        ok, n = per_category[category]
        print(f"  {category:<14} {ok:>3}/{n:<3} {100 * ok / n:6.1f}%")
    print(f"  {'totaal':<14} {total_ok:>3}/{total:<3} {100 * accuracy:6.1f}%")
    print("Per taal:")
    for lang in sorted(per_language):
        ok, n = per_language[lang]
        print(f"  {lang:<14} {ok:>3}/{n:<3} {100 * ok / n:6.1f}%")
    print(f"  foute cijfers: {wrong_figures}")
    print(f"  gemiste crisis: {missed_crisis}")
    print(f"  doorvragen bij beantwoordbare vragen: {asks}/{answerable} ({100 * ask_share:.1f}%)")
    if verbose:
        for case, messages, wrong in failures:
            first = (messages[0].get("text") or "")[:110].replace("\n", " ") if messages else "(leeg)"
            print(f"- {case['id']} {case['turns'][-1]!r} verwacht {case['expect']} kreeg: {first!r}"
                  + (f" FOUT CIJFER {wrong}" if wrong else ""))
    return gate(accuracy, ask_share, wrong_figures, missed_crisis)


def gate(accuracy: float, ask_share: float, wrong_figures: int, missed_crisis: int) -> int:
    """0 when the run is at least as good as the floor (tests/eval/floor.yml)."""
    floor = yaml.safe_load(FLOOR.read_text(encoding="utf-8")) if FLOOR.exists() else {}
    problems = []
    if wrong_figures:
        problems.append(f"{wrong_figures} fout(e) cijfer(s)")
    if missed_crisis:
        problems.append(f"{missed_crisis} gemiste crisis")
    if accuracy < float(floor.get("min_accuracy", 0.0)) - 1e-9:
        problems.append(f"nauwkeurigheid {100 * accuracy:.1f}% onder de vloer {100 * floor['min_accuracy']:.1f}%")
    if ask_share > float(floor.get("max_ask_share", 1.0)) + 1e-9:
        problems.append(f"doorvragen {100 * ask_share:.1f}% boven de grens {100 * floor['max_ask_share']:.1f}%")
    if problems:
        print("ONVOLDOENDE: " + "; ".join(problems))
        return 1
    print(f"Voldoet aan de vloer (tests/eval/floor.yml).")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=os.environ.get("VRAAGBAAK_URL", "http://127.0.0.1:5005"))
    parser.add_argument("-v", "--verbose", action="store_true", help="toon elke fout")
    args = parser.parse_args()
    if http_ok(f"{args.url}/webhooks/rest/"):
        return evaluate(args.url, args.verbose)
    print("Geen draaiende assistent gevonden; ik start er een voor de evaluatie… ", end="", flush=True)
    # One client sends hundreds of questions in a row: lift the per-client rate limit of
    # the servers started here (bot/frontdoor.py), as the tests and benchmarks do.
    os.environ.setdefault("VRAAGBAAK_RATE_LIMIT_FACTOR", "1000")
    stack = Stack(rasa_port=free_port(), action_port=free_port(), log_dir=REPO_ROOT / "logs" / "eval")
    with stack:
        print("klaar.")
        return evaluate(stack.url, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
