"""The two bots under test: how each is trained and how each is served.

Reference: the default project of `rasa init --no-prompt`, trained in a temporary folder and
served with `rasa run --enable-api` (REST channel); its custom actions are commented out, so no
action server. The trained model is cached under .build/bench-reference/rasa-<version>/ with the
training time, so a rerun does not train it again (`--retrain-reference` forces it).

Vraagbaak: started the way `make run` does, with the commands, endpoints copy and environment
of bot/serve.py (which scripts/run.py uses): the rasa-sdk action server and the Rasa server
through bot.launcher, each on a free port, the endpoints pointing at the benchmark's action
server. The processes themselves are started by bench/procs.py (own process groups, memory
sampling, clean-up on Ctrl-C). Training is timed with the command of `make train`, forced, into
a temporary folder and with an empty training cache, so models/ is left alone and the time is
that of a first training.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Dict, List, Optional

import yaml

from bench.procs import Managed, OtherCpu, run_to_end, tail

PYTHON = sys.executable


class BenchError(RuntimeError):
    """A step of the benchmark failed; the message says which and where the log is."""


def rasa_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """Environment for every Rasa process: no telemetry, quiet libraries, fixed hashing."""
    from bot.serve import quiet_env  # the same environment as `make run`

    env = quiet_env({"PYTHONUNBUFFERED": "1"})
    venv_bin = str(Path(PYTHON).parent)
    env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    if extra:
        env.update(extra)
    return env


def package_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # noqa: BLE001 - any failure means "unknown"
        return "unknown"


@dataclass
class Training:
    seconds: Optional[float]
    cached: bool = False
    note: str = ""
    other_cpu_fraction: Optional[float] = None  # CPU other work used meanwhile (0..1)


@dataclass
class Served:
    """The processes of one running bot; `roles` maps "rasa"/"actions" to the process."""

    port: int
    roles: Dict[str, Managed]
    started_at: float  # time.perf_counter() when the first process was started
    ready_urls: List[str] = field(default_factory=list)  # must answer 200 before the probe

    def alive(self) -> bool:
        return all(p.running() for p in self.roles.values())

    def dead(self) -> List[Managed]:
        return [p for p in self.roles.values() if not p.running()]

    def stop(self) -> None:
        for proc in reversed(list(self.roles.values())):
            proc.stop()


class Reference:
    name = "reference"
    label = "rasa init (reference)"
    probe_message = "hallo"
    require_reply = False  # the default bot may answer a Dutch greeting with nothing

    CACHED_FILES = ("model.tar.gz", "credentials.yml", "endpoints.yml")

    def __init__(self, root: Path, tmp: Path, logs: Path, retrain: bool = False) -> None:
        self.root = root
        self.tmp = tmp
        self.logs = logs
        self.retrain = retrain
        self.rasa_version = package_version("rasa")
        self.cache = root / ".build" / "bench-reference" / f"rasa-{self.rasa_version}"
        self.project = tmp / "reference"

    def _cache_ok(self) -> bool:
        meta = self.cache / "meta.json"
        if not meta.is_file():
            return False
        try:
            data = json.loads(meta.read_text())
        except ValueError:
            return False
        return data.get("rasa") == self.rasa_version and all(
            (self.cache / f).is_file() for f in self.CACHED_FILES)

    def needs_training(self) -> bool:
        return self.retrain or not self._cache_ok()

    def train(self, say: Callable[..., None]) -> Training:
        self.project.mkdir(parents=True, exist_ok=True)
        if not self.needs_training():
            meta = json.loads((self.cache / "meta.json").read_text())
            for f in self.CACHED_FILES:
                shutil.copy2(self.cache / f, self.project / f)
            say(f"Referentiebot: getraind model uit de cache ({self.cache.relative_to(self.root)}/)")
            return Training(meta.get("train_s"), cached=True,
                            note=f"trained on {meta.get('date', '?')} and cached",
                            other_cpu_fraction=meta.get("other_cpu_fraction"))
        say("Referentiebot trainen (rasa init --no-prompt, een paar minuten)… ", end=True)
        log = self.logs / "reference-train.log"
        other_cpu = OtherCpu()
        rc, seconds = run_to_end(
            "reference-train",
            [PYTHON, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(self.project)],
            cwd=self.tmp, env=rasa_env({"RASA_CACHE_DIRECTORY": str(self.tmp / "cache-reference")}),
            log_path=log)
        models = sorted((self.project / "models").glob("*.tar.gz"))
        if rc != 0 or not models:
            say("MISLUKT")
            raise BenchError(f"rasa init failed (exit {rc}); log: {log}\n{tail(log)}")
        say(f"klaar in {seconds:.0f} s")
        other = other_cpu.fraction()
        shutil.copy2(models[-1], self.project / "model.tar.gz")
        self.cache.mkdir(parents=True, exist_ok=True)
        for f in self.CACHED_FILES:
            shutil.copy2(self.project / f, self.cache / f)
        (self.cache / "meta.json").write_text(json.dumps({
            "rasa": self.rasa_version,
            "train_s": round(seconds, 2),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "python": sys.version.split()[0],
            "other_cpu_fraction": other,
        }, indent=2) + "\n")
        return Training(seconds, other_cpu_fraction=other)

    def serve(self, free_port: Callable[[], int]) -> Served:
        port = free_port()
        proc = Managed(
            "reference-rasa",
            [PYTHON, "-m", "rasa", "run", "--enable-api", "--model", "model.tar.gz",
             "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
             "--interface", "127.0.0.1", "--port", str(port)],
            cwd=self.project, env=rasa_env(), log_path=self.logs / "reference-server.log")
        proc.start()
        return Served(port, {"rasa": proc}, started_at=proc.started_at or time.perf_counter())


def _serve_module():
    """bot/serve.py, the helpers `make run` (scripts/run.py) starts the assistant with; None
    when it cannot be imported (then the documented commands are used)."""
    try:
        from bot import serve
    except Exception:  # noqa: BLE001 - fall back to the documented commands
        return None
    return serve


class Vraagbaak:
    name = "vraagbaak"
    label = "Vraagbaak"
    # a knowledge question: its answer comes from the action server, so a reply means both run
    probe_message = "hoeveel slachtoffers van mensenhandel zijn er in Nederland?"
    require_reply = True

    # The command of `make train` (Makefile, target $(MODEL)); --out and --force are added.
    TRAIN_ARGS = ["train", "--config", "config.yml", "--domain", "bot/domain.yml",
                  "--data", "data", "--fixed-model-name", "vraagbaak"]

    def __init__(self, root: Path, tmp: Path, logs: Path, model: Optional[Path] = None) -> None:
        self.root = root
        self.tmp = tmp
        self.logs = logs
        serve = _serve_module()
        default = getattr(serve, "DEFAULT_MODEL", root / "models" / "vraagbaak.tar.gz")
        self.model = Path(model).resolve() if model else Path(default)

    def check_ready(self) -> Optional[str]:
        """Why Vraagbaak cannot be served, or None."""
        if not self.model.is_file():
            return f"no trained model {self.model} (run `make train`)"
        for path in ("actions", "bot/endpoints.yml", "bot/credentials.yml"):
            if not (self.root / path).exists():
                return f"{path} is missing"
        return None

    def train(self, say: Callable[..., None]) -> Training:
        out = self.tmp / "vraagbaak-model"
        log = self.logs / "vraagbaak-train.log"
        say("Vraagbaak trainen (commando van make train, geforceerd, lege cache)… ", end=True)
        other_cpu = OtherCpu()
        rc, seconds = run_to_end(
            "vraagbaak-train",
            [PYTHON, "-m", "rasa", *self.TRAIN_ARGS, "--out", str(out), "--force"],
            cwd=self.root, env=rasa_env({"RASA_CACHE_DIRECTORY": str(self.tmp / "cache-vraagbaak")}),
            log_path=log)
        if rc != 0 or not any(out.glob("*.tar.gz")):
            say("MISLUKT")
            raise BenchError(f"training Vraagbaak failed (exit {rc}); log: {log}\n{tail(log)}")
        say(f"klaar in {seconds:.0f} s")
        return Training(seconds, other_cpu_fraction=other_cpu.fraction())

    def _endpoints(self, action_port: int) -> Path:
        """bot/endpoints.yml with the action endpoint on the benchmark's action server."""
        data = yaml.safe_load((self.root / "bot" / "endpoints.yml").read_text()) or {}
        data["action_endpoint"] = {"url": f"http://127.0.0.1:{action_port}/webhook"}
        path = self.tmp / f"endpoints-{action_port}.yml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path

    def commands(self, rasa_port: int, action_port: int) -> Dict[str, List[str]]:
        """The commands of `make run` (bot/serve.py) on the given ports."""
        serve = _serve_module()
        if serve is not None:
            try:
                endpoints = serve.endpoints_for(action_port, tmp_dir=self.tmp)
                return {"actions": list(serve.action_server_command(action_port)),
                        "rasa": list(serve.rasa_server_command(rasa_port, endpoints,
                                                               model=self.model))}
            except (AttributeError, TypeError):  # its signatures changed: use the fallback
                pass
        endpoints = self._endpoints(action_port)
        return {
            "actions": [PYTHON, "-m", "rasa_sdk", "--actions", "actions", "-p", str(action_port)],
            "rasa": [PYTHON, "-m", "bot.launcher", "run", "--model", str(self.model),
                     "--endpoints", str(endpoints), "--credentials", "bot/credentials.yml",
                     "-p", str(rasa_port), "-i", "127.0.0.1"],
        }

    def env(self) -> Dict[str, str]:
        """bot/serve.py's environment for `make run`, on top of the benchmark's own."""
        env = rasa_env()
        serve = _serve_module()
        if serve is not None and hasattr(serve, "quiet_env"):
            try:
                env.update(serve.quiet_env())
            except TypeError:
                pass
        env["RASA_TELEMETRY_ENABLED"] = "false"
        # The bench measures throughput; all its users come from 127.0.0.1, which the front
        # door's per-client rate limit would otherwise count as one visitor.
        env["VRAAGBAAK_RATE_LIMIT_FACTOR"] = "1000"
        # Cache counters (bench/hooks/sitecustomize.py): names and counts, written to the logs.
        hooks = str(Path(__file__).resolve().parent / "hooks")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (hooks, env.get("PYTHONPATH", "")) if p)
        env["VRAAGBAAK_BENCH_CACHE_STATS"] = str(self.logs)
        return env

    def serve(self, free_port: Callable[[], int]) -> Served:
        rasa_port, action_port = free_port(), free_port()
        while action_port == rasa_port:
            action_port = free_port()
        cmds = self.commands(rasa_port, action_port)
        env = self.env()
        actions = Managed("vraagbaak-actions", cmds["actions"], cwd=self.root, env=env,
                          log_path=self.logs / "vraagbaak-actions.log").start()
        rasa = Managed("vraagbaak-rasa", cmds["rasa"], cwd=self.root, env=env,
                       log_path=self.logs / "vraagbaak-server.log").start()
        return Served(rasa_port, {"rasa": rasa, "actions": actions},
                      started_at=actions.started_at or time.perf_counter(),
                      ready_urls=[f"http://127.0.0.1:{action_port}/health"])
