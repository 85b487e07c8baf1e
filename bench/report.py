"""Machine facts, targets, the terminal summary and the generated block of docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional, Tuple

from bench.stats import ratio

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
CHANGES_HEADING = "## Changes and what each bought"

MB = 1_000_000  # memory is reported in MB (10^6 bytes); the 1.0 GB target is 1000 MB

NEW_DOC = f"""# Benchmarks

`make bench` (bench/, entry point `python -m bench`) measures Vraagbaak next to a default
`rasa init` bot, the reference, on the same machine and with the same load generator, and
rewrites the block between the bench markers below. Text outside the markers is kept.
Options: `.venv/bin/python -m bench --help`. Logs of every run: `.build/bench/logs/`.

{START}
{END}

{CHANGES_HEADING}

_One entry per performance change: what changed, and the figures of `make bench` before and
after it._
"""


# ---------------------------------------------------------------------------------------------
# facts


def machine_facts(root: Path) -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = int(line.split()[1]) / 1024 / 1024
                break
    except (OSError, ValueError):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    from bench.bots import package_version

    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_gib": round(ram_gib, 1) if ram_gib else None,
        "python": sys.version.split()[0],
        "rasa": package_version("rasa"),
        "rasa_sdk": package_version("rasa-sdk"),
        "os": f"{platform.system()} {platform.release()}",
        "commit": _git_commit(root),
    }


def _git_commit(root: Path) -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                              capture_output=True, timeout=10)
        if head.returncode != 0:
            return "no commit yet"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               text=True, capture_output=True, timeout=10)
        return head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# ---------------------------------------------------------------------------------------------
# formatting


def _ms(v: Optional[float]) -> str:
    if v is None:
        return "–"
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


def _num(v: Optional[float], digits: int = 1) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _mb(v: Optional[int]) -> str:
    return "–" if not v else f"{v / MB:.0f}"


def _ratio(a: Optional[float], b: Optional[float]) -> str:
    r = ratio(a, b)
    return "–" if r is None else f"{r:.2f}×"


def _get(result: Optional[dict], *keys):
    value = result
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def cache_lines(results: dict) -> List[str]:
    """One line per server cache that was asked (bench/hooks/sitecustomize.py counts them)."""
    caches = _get(results, "vraagbaak", "caches") or {}
    if not caches:
        return ["Caches: no lru cache of the servers was asked (or none was counted)."]
    return [f"Cache `{name}`: {c['hits']} hits of {c['hits'] + c['misses']} lookups "
            f"({c['hit_share']:.0%}), start-up and warm-up included." for name, c in
            sorted(caches.items())]


def user_counts(cfg: dict) -> List[int]:
    """The concurrent scenarios' user counts (older results hold one number)."""
    users = cfg["users"]
    return list(users) if isinstance(users, (list, tuple)) else [users]


def rows(results: dict) -> List[Tuple[str, str, str, str]]:
    """(metric, reference, Vraagbaak, Vraagbaak/reference) for the terminal and the document."""
    ref, vb = results.get("reference"), results.get("vraagbaak")
    cfg = results["config"]
    out: List[Tuple[str, str, str, str]] = []

    def add(label, key_path, fmt, with_ratio=True):
        a, b = _get(ref, *key_path), _get(vb, *key_path)
        out.append((label, fmt(a), fmt(b), _ratio(b, a) if with_ratio else ""))

    add("Training (s)", ("train", "seconds"), _num)
    add("Cold start to first answer (s)", ("cold_start_s",), _num)
    one = f"1 user × {cfg['single']} msgs"
    add(f"{one}: p50 (ms)", ("single", "p50_ms"), _ms)
    add(f"{one}: p95 (ms)", ("single", "p95_ms"), _ms)
    add(f"{one}: p99 (ms)", ("single", "p99_ms"), _ms)
    add(f"{one}: msgs/s", ("single", "msgs_per_s"), _num)
    add(f"{one}: errors", ("single", "errors"), lambda v: "–" if v is None else str(v), False)
    for users in user_counts(cfg):
        many = f"{users} users × {cfg['duration']:g} s"
        key = f"multi_{users}" if _get(vb, f"multi_{users}") or _get(ref, f"multi_{users}") \
            else "multi"
        add(f"{many}: p50 (ms)", (key, "p50_ms"), _ms)
        add(f"{many}: p95 (ms)", (key, "p95_ms"), _ms)
        add(f"{many}: p99 (ms)", (key, "p99_ms"), _ms)
        add(f"{many}: msgs/s", (key, "msgs_per_s"), _num)
        add(f"{many}: messages answered", (key, "ok"), lambda v: "–" if v is None else str(v),
            False)
        add(f"{many}: errors", (key, "errors"), lambda v: "–" if v is None else str(v), False)
    add("Peak RSS, Rasa server (MB)", ("rss_peak", "rasa"), _mb)
    add("Peak RSS, action server (MB)", ("rss_peak", "actions"), _mb, False)
    add("Peak RSS, all servers together (MB)", ("rss_peak_total",), _mb)
    add("RSS after start-up, all servers (MB)", ("rss_idle_total",), _mb)
    return out


def targets(results: dict) -> List[Tuple[str, str, str]]:
    """(target, measured, PASS/MISS/n/a)."""
    ref, vb = results.get("reference"), results.get("vraagbaak")
    users = user_counts(results["config"])[0]
    out: List[Tuple[str, str, str]] = []

    def check(name: str, measured: str, ok: Optional[bool]) -> None:
        out.append((name, measured, "n/a" if ok is None else ("PASS" if ok else "MISS")))

    def relative(name: str, path: Tuple[str, ...], limit: float, higher_is_better: bool,
                 fmt, unit: str) -> None:
        a, b = _get(vb, *path), _get(ref, *path)
        r = ratio(a, b)
        ok = None if r is None else (r >= limit if higher_is_better else r <= limit)
        check(name, f"{fmt(a)} vs {fmt(b)} {unit} ({_ratio(a, b)})", ok)

    relative(f"{users} users: msgs/s ≥ 3.5× reference", (f"multi_{users}", "msgs_per_s")
             if _get(vb, f"multi_{users}") else ("multi", "msgs_per_s"), 3.5, True, _num, "msgs/s")
    relative("One user: p50 ≤ 0.4× reference", ("single", "p50_ms"), 0.4, False, _ms, "ms")
    relative("One user: p95 ≤ 1.0× reference", ("single", "p95_ms"), 1.0, False, _ms, "ms")
    relative("Peak RSS of all servers ≤ 0.6× reference", ("rss_peak_total",), 0.6, False, _mb, "MB")
    relative("Cold start ≤ 0.4× reference", ("cold_start_s",), 0.4, False, _num, "s")

    errors = [_get(vb, k, "errors") for k in ["single"] + [
        k for k in (vb or {}) if k.startswith("multi_")]]
    known = [e for e in errors if e is not None]
    check("Vraagbaak: 0 errors in every scenario", str(sum(known)) if known else "–",
          None if not known else sum(known) == 0)
    return out


def _table(header: Tuple[str, ...], body: List[Tuple[str, ...]],
           align: Optional[str] = None) -> List[str]:
    """A Markdown table; `align` has one letter per column: l(eft) or r(ight)."""
    align = align or "l" + "r" * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return lines


def render_block(results: dict) -> str:
    m = results["machine"]
    cfg = results["config"]
    ref_train = _get(results, "reference", "train") or {}
    lines = [
        START,
        "<!-- Generated by `make bench`; edit bench/report.py, not this block. -->",
        "",
        f"## Latest results ({m['date']})",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
        f"{m['ram_gib']} GiB RAM, {m['os']}",
        f"- Python {m['python']}, Rasa {m['rasa']}, rasa-sdk {m['rasa_sdk']}; "
        f"commit {m['commit']}",
        f"- Load generator (bench/load.py, asyncio + aiohttp) on the same machine, REST channel "
        f"`POST /webhooks/rest/webhook`. One user: {cfg['single']} messages one after another. "
        f"Then {' and then '.join(str(u) for u in user_counts(cfg))} users at once for "
        f"{cfg['duration']:g} s, each sending its next message as soon as the answer arrived. "
        f"Messages: the conversations of the dev set tests/eval/heldout.yml (bench/messages.py; "
        f"{cfg.get('conversations', '?')} conversations, {cfg.get('distinct_messages', '?')} "
        f"distinct messages in nl, en, pl, ro, bg and uk; follow-ups stay in order under one "
        f"sender id), in a seeded order where every user walks its own slice; the same messages "
        f"go to both bots. "
        f"{cfg['warmup']} warm-up messages after start-up are not counted.",
        "- Latency percentiles and msgs/s count answered messages (HTTP 200 with a JSON list); "
        "errors are counted apart. Peak RSS: VmRSS of each server's process tree, sampled every "
        "100 ms from process start to the end of the load. Cold start: from starting the "
        "processes to the first answer (for Vraagbaak, to a knowledge answer, which needs the "
        "action server). Training: reference = `rasa init --no-prompt` (includes its training); "
        "Vraagbaak = the `make train` command with `--force` and an empty training cache.",
    ]
    if ref_train.get("cached"):
        lines.append(f"- The reference's training time is from its cached model "
                     f"({ref_train.get('note', '')}); `python -m bench --retrain-reference` "
                     f"measures it again.")
    def pct(*path) -> str:
        v = _get(results, *path)
        return "–" if v is None else f"{v:.0%}"

    lines.append("- CPU used by other work on the machine (from /proc/stat, minus the bench and "
                 "its servers; more than a few % makes the figures slower): while serving, "
                 f"reference {pct('reference', 'other_cpu_fraction')}, Vraagbaak "
                 f"{pct('vraagbaak', 'other_cpu_fraction')}; while training, reference "
                 f"{pct('reference', 'train', 'other_cpu_fraction')}, Vraagbaak "
                 f"{pct('vraagbaak', 'train', 'other_cpu_fraction')}.")
    for note in results.get("notes", []):
        lines.append(f"- {note}")
    for line in cache_lines(results):
        lines.append(f"- {line}")
    lines = [textwrap.fill(line, 100, subsequent_indent="  ", break_long_words=False,
                           break_on_hyphens=False) if line.startswith("- ") else line
             for line in lines]
    lines += ["", *_table(("Metric", "Reference (rasa init)", "Vraagbaak", "Vraagbaak / reference"),
                          rows(results)),
              "", "### Targets", "",
              *_table(("Target", "Measured", "Result"), targets(results), "lrl"), "", END]
    return "\n".join(lines)


def update_doc(path: Path, block: str) -> None:
    """Replace the generated block of `path`, keeping everything else (the file is created when
    missing; the block goes before the changes section when the markers are missing)."""
    text = path.read_text() if path.is_file() else NEW_DOC
    if START in text and END in text and text.index(START) < text.index(END):
        before = text[:text.index(START)]
        after = text[text.index(END) + len(END):]
        text = before + block + after
    elif CHANGES_HEADING in text:
        i = text.index(CHANGES_HEADING)
        text = text[:i] + block + "\n\n" + text[i:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    if CHANGES_HEADING not in text:
        text = text.rstrip("\n") + "\n\n" + CHANGES_HEADING + "\n\n" + \
            "_One entry per performance change: what changed, and the figures of `make bench` " \
            "before and after it._\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def print_summary(results: dict) -> None:
    table = rows(results)
    widths = [max(len(r[i]) for r in table + [("", "reference", "Vraagbaak", "ratio")])
              for i in range(4)]
    print()
    header = ("", "reference", "Vraagbaak", "ratio")
    print("  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i])
                    for i, h in enumerate(header)))
    for r in table:
        print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                        for i, c in enumerate(r)))
    print()
    for name, measured, status in targets(results):
        print(f"  {status:4}  {name}: {measured}")
    for line in cache_lines(results):
        print(f"  {line}")
    print()
