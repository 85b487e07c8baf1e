"""`make soak`: hold load through the website channel, against real servers.

50 users talk at once for 2 minutes (closed loop: the next message as soon as the answer
arrived), through POST /webhooks/website/message, as the chat page does: typed text as
`message`, and now and then a button of the last reply pressed as `payload`. The servers
are started as `make run` starts them (bot/serve.py), with the front door's limits raised
(VRAAGBAAK_RATE_LIMIT_FACTOR; all users share one address here) and conversations that
expire after 30 s idle instead of 30 minutes, so the run reaches the steady state a
long-running server has (old conversations leave as new ones come).

Pass: 0 server errors (HTTP 5xx, broken connections, no answer within --timeout), and the resident memory
of each server after the run within 5% of its memory after the warm-up (45 s of the same
load). The figures go to docs/benchmarks.md (between the soak markers) and
.build/soak/last-run.json.

    .venv/bin/python -m bench.soak [--users 50] [--duration 120] [--warmup 45] [--no-write]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp
import yaml

from bench.messages import conversation_stream
from bench.procs import OtherCpu, free_port, tree_rss_bytes
from bench.stats import Sample, summarize

ROOT = Path(__file__).resolve().parent.parent
PATH = "/webhooks/website/message"
MB = 1024 * 1024
START, END = "<!-- soak:start -->", "<!-- soak:end -->"


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--duration", type=float, default=120.0, metavar="S")
    p.add_argument("--warmup", type=float, default=45.0, metavar="S")
    p.add_argument("--idle-seconds", type=float, default=30.0,
                   help="conversation lifetime without messages during the soak (default 30)")
    p.add_argument("--button-share", type=float, default=0.15,
                   help="share of turns that press a button of the last reply (default 0.15)")
    p.add_argument("--timeout", type=float, default=300.0, metavar="S",
                   help="a message without an answer after S seconds counts as a server error "
                        "(default 300: on a busy shared machine answers can take long)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    return p.parse_args(argv)


class Users:
    def __init__(self, url: str, seed: int, button_share: float, timeout: float = 300.0):
        self.url, self.seed, self.button_share, self.timeout = url, seed, button_share, timeout
        self.samples: List[Sample] = []
        self.statuses: Dict[str, int] = {}

    async def one(self, session: aiohttp.ClientSession, sender: str, body: dict) -> Optional[dict]:
        started = time.perf_counter()
        try:
            async with session.post(self.url, json={"sender": sender, **body}) as reply:
                data = await reply.read()
                key = str(reply.status)
                ok = reply.status == 200
        except asyncio.TimeoutError:
            key, ok, data = "time-out", False, b""
        except aiohttp.ClientError as error:
            key, ok, data = type(error).__name__, False, b""
        self.statuses[key] = self.statuses.get(key, 0) + 1
        self.samples.append(Sample(time.perf_counter() - started, ok, "" if ok else key))
        try:
            return json.loads(data) if ok else None
        except ValueError:
            return None

    async def run(self, users: int, seconds: float, tag: str) -> float:
        deadline = time.perf_counter() + seconds
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        connector = aiohttp.TCPConnector(limit=users * 2)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            async def user(index: int) -> None:
                rng = random.Random(self.seed * 7919 + index)
                stream = conversation_stream(index, self.seed, f"soak-{tag}", users=users)
                buttons: List[dict] = []
                while time.perf_counter() < deadline:
                    sender, message = next(stream)
                    if buttons and rng.random() < self.button_share:
                        body = {"payload": rng.choice(buttons)["payload"]}
                    else:
                        body = {"message": message}
                    data = await self.one(session, sender, body)
                    buttons = [b for m in (data or {}).get("messages", []) for b in m.get("buttons") or []]

            began = time.perf_counter()
            await asyncio.gather(*(user(i) for i in range(users)))
            return time.perf_counter() - began


def rss(stack) -> Dict[str, float]:
    """Resident memory (MB) of each server's process tree, the median of 5 samples."""
    found: Dict[str, List[float]] = {}
    for _ in range(5):
        for process in stack.processes:
            found.setdefault(process.name, []).append(tree_rss_bytes(process.pid) / MB)
        time.sleep(0.4)
    return {name: sorted(values)[len(values) // 2] for name, values in found.items()}


def endpoints_with_lifetime(action_port: int, idle_seconds: float, folder: Path) -> Path:
    from bot.serve import endpoints_for

    path = endpoints_for(action_port, tmp_dir=folder)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["tracker_store"]["max_idle_minutes"] = idle_seconds / 60.0
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def render(result: dict) -> str:
    s, w = result["soak"], result["warmup"]
    lines = [
        START,
        "<!-- Generated by `make soak` (bench/soak.py); edit that file, not this block. -->",
        "",
        f"## Soak (`make soak`, {result['when']})",
        "",
        f"- {result['users']} users at once for {result['duration_s']:.0f} s through the website channel "
        f"(`POST {PATH}`), after {result['warmup_s']:.0f} s of warm-up with the same load; "
        f"{result['button_share']:.0%} of the turns press a button of the last reply (`payload`). "
        "Front-door limits raised for the run (one client address), conversations expire after "
        f"{result['idle_seconds']:.0f} s idle; no answer within {result['timeout_s']:.0f} s counts as a "
        f"server error. Commit {result['commit']}. Other work used "
        + (f"{result['other_cpu_fraction']:.0%}" if result.get("other_cpu_fraction") is not None else "?")
        + " of the machine's CPU meanwhile (2 cores shared).",
        f"- Answered: {s['ok']} of {s['requests']} messages, {s['msgs_per_s']:.1f} msgs/s, "
        f"p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms. HTTP statuses: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items())) + ".",
        "",
        "| Server | RSS after warm-up (MB) | RSS after the run (MB) | Change |",
        "|---|---:|---:|---:|",
    ]
    for name in result["rss_after_warmup"]:
        before, after = result["rss_after_warmup"][name], result["rss_after_run"][name]
        lines.append(f"| {name} | {before:.0f} | {after:.0f} | {100 * (after - before) / before:+.1f}% |")
    lines += [
        "",
        f"Result: {'PASS' if result['passed'] else 'FAIL'} (server errors: {result['server_errors']}; "
        f"memory within 5%: {'yes' if result['memory_ok'] else 'no'}). "
        f"Warm-up: {w['requests']} messages, {w['msgs_per_s']:.1f} msgs/s.",
        END,
    ]
    return "\n".join(lines)


def update_doc(doc: Path, block: str) -> None:
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    import subprocess

    from bot.serve import Stack

    args = parse_args(argv)
    out = ROOT / ".build" / "soak"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    logs = out / "logs" / stamp
    logs.mkdir(parents=True, exist_ok=True)
    rasa_port, action_port = free_port(), free_port()
    endpoints = endpoints_with_lifetime(action_port, args.idle_seconds, logs)
    stack = Stack(rasa_port=rasa_port, action_port=action_port, log_dir=logs, endpoints=endpoints,
                  env={"VRAAGBAAK_RATE_LIMIT_FACTOR": "1000"})
    print(f"Soak: {args.users} gebruikers, {args.duration:.0f} s via het websitekanaal. Logboeken: {logs}")
    url = f"http://127.0.0.1:{rasa_port}{PATH}"
    with stack:
        print("Opwarmen…", flush=True)
        other_cpu = OtherCpu()
        warm = Users(url, args.seed, args.button_share, args.timeout)
        warm_wall = asyncio.run(warm.run(args.users, args.warmup, "warm"))
        time.sleep(2)
        after_warmup = rss(stack)
        print("Na opwarmen: " + ", ".join(f"{k} {v:.0f} MB" for k, v in after_warmup.items()), flush=True)
        soak = Users(url, args.seed + 1, args.button_share, args.timeout)
        wall = asyncio.run(soak.run(args.users, args.duration, "run"))
        time.sleep(2)
        after_run = rss(stack)
        alive = all(p.alive() for p in stack.processes)
        other = other_cpu.fraction([p.pid for p in stack.processes])
    summary = summarize(soak.samples, wall)
    server_errors = sum(n for key, n in soak.statuses.items() if not key.isdigit() or key.startswith("5"))
    server_errors += sum(n for key, n in warm.statuses.items() if not key.isdigit() or key.startswith("5"))
    memory_ok = all(after_run[k] <= after_warmup[k] * 1.05 for k in after_warmup)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = "?"
    result = {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
        "users": args.users, "duration_s": args.duration, "warmup_s": args.warmup,
        "idle_seconds": args.idle_seconds, "button_share": args.button_share,
        "warmup": summarize(warm.samples, warm_wall).as_dict(), "soak": summary.as_dict(),
        "statuses": soak.statuses, "server_errors": server_errors,
        "rss_after_warmup": after_warmup, "rss_after_run": after_run,
        "memory_ok": memory_ok, "servers_alive": alive, "other_cpu_fraction": other,
        "timeout_s": args.timeout,
        "passed": server_errors == 0 and memory_ok and alive,
    }
    (out / "last-run.json").write_text(json.dumps(result, indent=2) + "\n")
    block = render(result)
    print(block)
    if not args.no_write:
        update_doc(ROOT / "docs" / "benchmarks.md", block)
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
