"""`python -m bench`: train, start and load both bots, print the figures, update the docs.

Order: training (reference from cache when possible, then Vraagbaak), then the reference is
served and loaded and stopped, then Vraagbaak; one bot runs at a time so the two do not compete
for the CPU. A missed target is reported but does not make the exit code non-zero; a failed
step (a server that does not start, a training that fails) does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import List, Optional

from bench import load, procs, report
from bench.bots import BenchError, Reference, Served, Training, Vraagbaak
from bench.messages import conversations, warmup_messages
from bench.procs import RssSampler, free_port, install_signal_handlers, stop_all, tail

ROOT = Path(__file__).resolve().parent.parent


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def say(text: str, end: bool = False) -> None:
    """A progress line (end=True: no newline yet, the outcome follows on the same line)."""
    print(text, end="" if end else "\n", flush=True)


def _user_counts(text: str) -> List[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("give at least one count of 1 or more")
    return counts


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure Vraagbaak next to a default `rasa init` bot (latency, msgs/s, "
                    "memory, training, cold start) and update docs/benchmarks.md.")
    p.add_argument("--single", type=int, default=200, metavar="N",
                   help="messages of the one-user scenario (default 200)")
    p.add_argument("--users", type=_user_counts, default=[20, 50], metavar="N[,N…]",
                   help="concurrent users, one scenario per count (default 20,50)")
    p.add_argument("--duration", type=float, default=30.0, metavar="S",
                   help="seconds of the concurrent scenario (default 30)")
    p.add_argument("--warmup", type=int, default=10, metavar="N",
                   help="uncounted messages after start-up (default 10)")
    p.add_argument("--seed", type=int, default=1, help="order of the conversations (default 1)")
    p.add_argument("--only", choices=("reference", "vraagbaak"),
                   help="measure one bot only (docs/benchmarks.md is then not written)")
    p.add_argument("--retrain-reference", action="store_true",
                   help="train the reference again instead of using .build/bench-reference/")
    p.add_argument("--skip-train", action="store_true",
                   help="do not time Vraagbaak's training (serve models/ as it is)")
    p.add_argument("--model", type=Path, metavar="PATH",
                   help="serve this Vraagbaak model instead of models/vraagbaak.tar.gz")
    p.add_argument("--start-timeout", type=float, default=300.0, metavar="S",
                   help="give up on a server that has not answered after S seconds (default 300)")
    p.add_argument("--wait-quiet", type=float, default=0.0, metavar="S",
                   help="before each bot, wait up to S seconds until other processes use less "
                        "than 25%% of the CPU (default 0: measure at once, with a warning)")
    p.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    p.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md",
                   help=argparse.SUPPRESS)
    return p.parse_args(argv)


async def _measure_async(bot, served: Served, sampler: RssSampler, args) -> dict:
    url = load.webhook_url(served.port)
    ready = await load.wait_until_answering(
        url, deadline_s=args.start_timeout, require_reply=bot.require_reply,
        message=bot.probe_message, ready_urls=served.ready_urls, alive=served.alive)
    if ready is None:
        dead = served.dead()
        why = (f"{dead[0].name} stopped (exit {dead[0].proc.returncode})" if dead
               else f"no answer after {args.start_timeout:.0f} s")
        say("MISLUKT")
        logs = "\n".join(f"  {p.log_path}:\n{tail(p.log_path)}" for p in served.roles.values())
        raise BenchError(f"{bot.label} did not start: {why}\n{logs}")
    cold = ready - served.started_at
    say(f"antwoordt na {cold:.1f} s")
    idle = sampler.snapshot()

    warm = warmup_messages(args.warmup, args.seed)
    await load.warm_up(url, warm, bot.name)

    say(f"  1 gebruiker, {args.single} berichten na elkaar… ", end=True)
    single, _ = await load.one_user(url, args.single, seed=args.seed, tag=bot.name)
    say(f"p50 {single.p50_ms or 0:.1f} ms, {single.msgs_per_s:.1f} msgs/s, "
        f"{single.errors} fouten")

    multis = {}
    for users in args.users:
        say(f"  {users} gebruikers tegelijk, {args.duration:g} s… ", end=True)
        multi, _ = await load.many_users(url, users, args.duration, seed=args.seed,
                                         tag=f"{bot.name}-{users}")
        say(f"p95 {multi.p95_ms or 0:.0f} ms, {multi.msgs_per_s:.1f} msgs/s, "
            f"{multi.errors} fouten")
        multis[f"multi_{users}"] = multi.as_dict()

    if not served.alive():
        dead = served.dead()[0]
        raise BenchError(f"{dead.name} stopped during the load (exit {dead.proc.returncode}); "
                         f"log: {dead.log_path}\n{tail(dead.log_path)}")
    return {
        "cold_start_s": cold,
        "rss_idle": idle,
        "rss_idle_total": sum(idle.values()),
        "single": single.as_dict(),
        "multi": multis[f"multi_{args.users[0]}"],
        **multis,
    }


def quiet_check(args) -> Optional[float]:
    """How busy the machine is (0..1) before a step; waits for quiet with --wait-quiet and
    warns when other work keeps the CPU busy."""
    busy = procs.machine_busy_fraction(3.0)
    if busy is not None and busy > 0.25 and args.wait_quiet > 0:
        say(f"Wachten tot de machine rustiger is (nu {busy:.0%} bezet, hooguit "
            f"{args.wait_quiet:.0f} s)… ", end=True)
        end = time.monotonic() + args.wait_quiet
        while busy is not None and busy > 0.25 and time.monotonic() < end:
            time.sleep(2)
            busy = procs.machine_busy_fraction(3.0)
        say(f"{busy:.0%} bezet" if busy is not None else "onbekend")
    if busy is not None and busy > 0.25:
        say(f"Let op: andere processen gebruiken nu {busy:.0%} van de CPU; "
            f"de cijfers worden trager.")
    return busy


def cache_stats(logs: Optional[Path]) -> dict:
    """Hits and misses of the servers' lru caches (bench/hooks/sitecustomize.py writes them
    to the logs while a server runs; start-up and warm-up included), summed per cache."""
    out: dict = {}
    if logs is None:
        return out
    for path in sorted(Path(logs).glob("cache-stats-*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for name, c in (data.get("caches") or {}).items():
            total = out.setdefault(name, {"hits": 0, "misses": 0})
            total["hits"] += int(c.get("hits", 0))
            total["misses"] += int(c.get("misses", 0))
        path.unlink()
    for c in out.values():
        asked = c["hits"] + c["misses"]
        c["hit_share"] = c["hits"] / asked if asked else 0.0
    return {k: v for k, v in out.items() if v["hits"] + v["misses"] > 0}


def measure(bot, args) -> dict:
    """Start `bot`, wait for its first answer, run both scenarios, stop it."""
    busy = quiet_check(args)
    other_cpu = procs.OtherCpu()
    say(f"{bot.label} starten… ", end=True)
    served = bot.serve(free_port)
    sampler = RssSampler(interval_s=0.1)
    for role, proc in served.roles.items():
        sampler.watch(role, proc.pid)
    try:
        with sampler:
            result = asyncio.run(_measure_async(bot, served, sampler, args))
        # CPU of everything else on the machine while this bot was measured
        result["other_cpu_fraction"] = other_cpu.fraction([p.pid for p in served.roles.values()])
    finally:
        served.stop()
    result["caches"] = cache_stats(getattr(bot, "logs", None))
    for name, c in result["caches"].items():
        say(f"  cache {name}: {c['hits']} treffers van {c['hits'] + c['misses']} "
            f"({c['hit_share']:.0%})")
    result["busy_before_start"] = busy
    result["rss_peak"] = dict(sampler.peak)
    result["rss_peak_total"] = sampler.peak_total
    result["rss_samples"] = sampler.samples
    parts = ", ".join(f"{role} {peak / report.MB:.0f} MB" for role, peak in sampler.peak.items())
    say(f"  piekgeheugen: {parts}")
    other = result.get("other_cpu_fraction")
    if other is not None and other > 0.10:
        say(f"  Let op: andere processen gebruikten {other:.0%} van de CPU tijdens deze meting.")
    return result


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    install_signal_handlers()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    logs = ROOT / ".build" / "bench" / "logs" / stamp
    logs.mkdir(parents=True, exist_ok=True)
    say(f"Benchmark: Vraagbaak naast een standaard Rasa-bot (rasa init). "
        f"Logboeken: {rel(logs)}/")

    results: dict = {
        "config": {"single": args.single, "users": args.users, "duration": args.duration,
                   "warmup": args.warmup, "seed": args.seed,
                   "conversations": len(conversations()),
                   "distinct_messages": len({t for c in conversations() for t in c.turns})},
        "machine": report.machine_facts(ROOT),
        "notes": [],
    }
    want_ref = args.only in (None, "reference")
    want_vb = args.only in (None, "vraagbaak")
    try:
        with tempfile.TemporaryDirectory(prefix="vraagbaak-bench-") as tmp_name:
            tmp = Path(tmp_name)
            reference = Reference(ROOT, tmp, logs, retrain=args.retrain_reference)
            vraagbaak = Vraagbaak(ROOT, tmp, logs, model=args.model)
            if want_vb:
                problem = vraagbaak.check_ready()
                if problem:
                    raise BenchError(f"Vraagbaak cannot be served: {problem}")

            ref_train: Optional[Training] = None
            if want_ref:
                if reference.needs_training():
                    quiet_check(args)
                ref_train = reference.train(say)
            vb_train: Optional[Training] = None
            if want_vb and not args.skip_train:
                quiet_check(args)
                vb_train = vraagbaak.train(say)

            if want_ref:
                results["reference"] = measure(reference, args)
                results["reference"]["train"] = ref_train.__dict__ if ref_train else None
            if want_vb:
                results["vraagbaak"] = measure(vraagbaak, args)
                results["vraagbaak"]["train"] = vb_train.__dict__ if vb_train else None
    except KeyboardInterrupt:
        stop_all()
        say("\nAfgebroken; alle gestarte processen zijn gestopt.")
        return 130
    except BenchError as exc:
        stop_all()
        say(f"\nBenchmark mislukt: {exc}")
        return 1
    finally:
        stop_all()

    out_json = ROOT / ".build" / "bench" / "last-run.json"
    out_json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    (logs / "results.json").write_text(out_json.read_text())
    report.print_summary(results)
    complete = want_ref and want_vb and not args.skip_train
    if args.no_write:
        say(f"Resultaten: {rel(out_json)} (docs niet bijgewerkt: --no-write)")
    elif not complete:
        say(f"Resultaten: {rel(out_json)} (onvolledige meting: "
            f"{rel(args.doc)} niet bijgewerkt)")
    else:
        report.update_doc(args.doc, report.render_block(results))
        say(f"Resultaten: {rel(args.doc)} en {rel(out_json)}")
    return 0
