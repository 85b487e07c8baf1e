"""Start and stop the action server and the Rasa server as child processes.

Used by `make run`, the evaluation, the benchmark and the end-to-end tests, so they all
start the assistant the same way. Library output goes to log files, not the terminal.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO_ROOT / "models" / "vraagbaak.tar.gz"


def quiet_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ)
    env.update({
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONHASHSEED": "0",
        "SANIC_HOST": env.get("VRAAGBAAK_HOST", "127.0.0.1"),
        "PYTHONWARNINGS": "ignore",
    })
    env.update(extra or {})
    return env


def endpoints_for(action_port: int, base: Path = REPO_ROOT / "bot" / "endpoints.yml",
                  tmp_dir: Optional[Path] = None) -> Path:
    """A copy of the endpoints file that points at `action_port`."""
    config = yaml.safe_load(base.read_text(encoding="utf-8"))
    config["action_endpoint"] = {"url": f"http://127.0.0.1:{action_port}/webhook"}
    out = Path(tmp_dir or tempfile.mkdtemp(prefix="vraagbaak-")) / f"endpoints-{action_port}.yml"
    out.write_text(yaml.safe_dump(config), encoding="utf-8")
    return out


def action_server_command(port: int) -> List[str]:
    return [sys.executable, "-m", "bot.actionserver", "--actions", "actions", "-p", str(port)]


def rasa_server_command(port: int, endpoints: Path, model: Path = DEFAULT_MODEL,
                        credentials: Path = REPO_ROOT / "bot" / "credentials.yml",
                        host: str = "127.0.0.1") -> List[str]:
    return [sys.executable, "-m", "bot.launcher", "run", "--model", str(model),
            "--endpoints", str(endpoints), "--credentials", str(credentials),
            "-p", str(port), "-i", host]


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def ask(port: int, message: str, sender: str = "check", timeout: float = 30.0) -> list:
    """Send one message over the REST channel and return the bot's messages."""
    data = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=data,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.loads(reply.read())


class Process:
    def __init__(self, name: str, command: List[str], log_file: Path, env: Dict[str, str]):
        self.name = name
        log_file.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_file, "ab")
        self.started = time.monotonic()
        self.popen = subprocess.Popen(command, cwd=REPO_ROOT, stdout=self._log,
                                      stderr=subprocess.STDOUT, env=env, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def terminate(self) -> None:
        """Ask the whole process group to stop (the server and any children it started)."""
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the process group: TERM, wait up to `timeout` s, then KILL whatever is left."""
        try:
            if self.alive():
                self.terminate()
                try:
                    self.popen.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    pass
            try:  # the group may outlive its leader (children), or the leader did not stop
                os.killpg(self.popen.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.popen.wait()
        finally:
            self._log.close()


class _SignalsHeld:
    """INT and TERM wait while servers are being started or stopped (main thread only), so
    that a second Ctrl-C or a service manager's second TERM cannot leave a server behind."""

    SIGNALS = {signal.SIGINT, signal.SIGTERM}

    def __enter__(self):
        import threading

        self.active = threading.current_thread() is threading.main_thread()
        if self.active:
            self.previous = signal.pthread_sigmask(signal.SIG_BLOCK, self.SIGNALS)
        return self

    def __exit__(self, *exc) -> None:
        if self.active:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.previous)


class Stack:
    """An action server plus a Rasa server on the given ports."""

    def __init__(self, rasa_port: int = 5005, action_port: int = 5055,
                 log_dir: Path = REPO_ROOT / "logs", model: Path = DEFAULT_MODEL,
                 env: Optional[Dict[str, str]] = None, endpoints: Optional[Path] = None,
                 start_actions: bool = True):
        self.rasa_port, self.action_port = rasa_port, action_port
        self.log_dir, self.model = Path(log_dir), Path(model)
        self.env = quiet_env(env)
        self.endpoints = endpoints or endpoints_for(action_port)
        self.start_actions = start_actions
        self.processes: List[Process] = []

    def start(self) -> "Stack":
        with _SignalsHeld():
            if self.start_actions:
                self.processes.append(Process("acties", action_server_command(self.action_port),
                                              self.log_dir / f"action-server-{self.action_port}.log", self.env))
            self.processes.append(Process("rasa", rasa_server_command(self.rasa_port, self.endpoints, self.model),
                                          self.log_dir / f"rasa-server-{self.rasa_port}.log", self.env))
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def wait_ready(self, timeout: float = 180.0) -> float:
        """Wait until both servers answer; return the seconds it took."""
        start = time.monotonic()
        checks = [f"{self.url}/webhooks/rest/"]
        if self.start_actions:
            checks.append(f"http://127.0.0.1:{self.action_port}/health")
        while time.monotonic() - start < timeout:
            for process in self.processes:
                if not process.alive():
                    raise RuntimeError(f"{process.name}-server stopte; zie {self.log_dir}")
            if all(http_ok(url) for url in checks):
                return time.monotonic() - start
            time.sleep(0.25)
        raise TimeoutError(f"Servers niet klaar binnen {timeout:.0f} s; zie {self.log_dir}")

    def stop(self) -> None:
        """Stop both servers (both asked at once, then each waited for); INT and TERM that
        arrive meanwhile are held until both are gone."""
        with _SignalsHeld():
            processes, self.processes = list(reversed(self.processes)), []
            for process in processes:
                if process.alive():
                    process.terminate()
            for process in processes:
                process.stop()

    def __enter__(self) -> "Stack":
        self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
