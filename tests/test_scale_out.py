"""Production profile, for real: PostgreSQL + Redis + two Rasa servers + one action server.

The turns of one conversation go alternately to both Rasa servers (as a load balancer
without sticky sessions would send them); the context must carry over, and the database
must hold redacted user text only. The last tests stop PostgreSQL and Redis under the
running servers and measure what a user gets, and how soon things work again.

Needs the trained model and the PostgreSQL and Redis programs
(`scripts/ensure_services.sh` installs them). Takes a few minutes: `pytest -m scale`.
"""
from __future__ import annotations

import concurrent.futures
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from conftest import REPO_ROOT, free_port

pytestmark = [pytest.mark.slow, pytest.mark.scale]

BOYS_QUESTION = "Hoeveel jongens maken seksueel geweld mee voor hun 18e?"
GIRLS_FOLLOWUP = "en meisjes?"
PRIVATE_MESSAGE = "Ik heet Sanne Visser, bel me op 06-12345678 of mail sanne.visser@example.nl"
PRIVATE_PARTS = ("Sanne", "Visser", "12345678", "sanne.visser@example.nl")


# --- local services ---------------------------------------------------------------------

def _run(command: List[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120, **kwargs)


def _wait(check, timeout: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(0.1)
    raise TimeoutError(f"{what} niet klaar binnen {timeout:.0f} s")


def postgres_bin() -> Optional[Path]:
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all(Path(directory, name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return Path(directory)
    return None


def redis_bin() -> Optional[str]:
    return shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)


def ensure_services_installed() -> None:
    if postgres_bin() is None or redis_bin() is None:
        done = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "ensure_services.sh")],
                              capture_output=True, text=True, timeout=900)
        if done.returncode != 0 or postgres_bin() is None or redis_bin() is None:
            pytest.fail("PostgreSQL/Redis niet beschikbaar: " + done.stderr[-500:])


class LocalPostgres:
    """A throw-away PostgreSQL cluster in a temp dir, on 127.0.0.1:`port`, trust auth.

    PostgreSQL refuses to run as root; as root the cluster belongs to the `postgres`
    user (created by Debian's package) and its commands run through `runuser`.
    """

    user, database = "vraagbaak", "vraagbaak"

    def __init__(self, port: Optional[int] = None):
        self.bin = postgres_bin()
        self.port = port or free_port()
        self.base = Path(tempfile.mkdtemp(prefix="vraagbaak-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.base, "postgres", "postgres")
        _run(self.as_postgres + [str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user,
                                 "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"])

    def _ctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.as_postgres + [str(self.bin / "pg_ctl"), "-D", str(self.data), *args],
                              capture_output=True, text=True, timeout=120)

    def start(self) -> "LocalPostgres":
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.base} -c fsync=off"
        done = self._ctl("start", "-w", "-t", "60", "-l", str(self.log), "-o", options)
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL start mislukt: {done.stderr}\n{self.log.read_text()[-1000:]}")
        return self

    def create_database(self) -> None:
        _run(self.as_postgres + [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                                 "-U", self.user, self.database])

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-m", mode, "-w", "-t", "60")

    def is_up(self) -> bool:
        return self._ctl("status").returncode == 0

    def query(self, sql: str) -> list:
        import sqlalchemy as sa

        engine = sa.create_engine(self.url)
        try:
            with engine.begin() as connection:
                result = connection.execute(sa.text(sql))
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def destroy(self) -> None:
        if self.is_up():
            self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


class LocalRedis:
    """A throw-away redis-server on 127.0.0.1:`port`, no persistence."""

    def __init__(self, port: Optional[int] = None):
        self.port = port or free_port()
        self.base = Path(tempfile.mkdtemp(prefix="vraagbaak-redis-"))
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "LocalRedis":
        self._log = open(self.base / "redis.log", "ab")
        self.process = subprocess.Popen(
            [redis_bin(), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.base),
             "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait(self.is_up, 30, "Redis")
        return self

    def is_up(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1).ping())
        except Exception:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
            self._log.close()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


# --- talking to the servers ---------------------------------------------------------------

def post(port: int, message, sender="gebruiker", timeout: float = 60.0, raw: Optional[bytes] = None):
    """POST to the REST channel; return (status, parsed body or text)."""
    body = raw if raw is not None else json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            status, data = reply.status, reply.read()
    except urllib.error.HTTPError as error:
        status, data = error.code, error.read()
    try:
        return status, json.loads(data)
    except ValueError:
        return status, data.decode("utf-8", "replace")


def texts(reply) -> List[str]:
    return [m.get("text", "") for m in reply] if isinstance(reply, list) else [str(reply)]


def expected_followup(first_reply: List[str], population: str) -> List[str]:
    """The knowledge base's answer for `population` next to the entry that was served."""
    from actions.knowledge import formatting
    from actions.knowledge.store import KnowledgeStore

    kb = KnowledgeStore(REPO_ROOT / "knowledge").get().kb
    served = [e for e in kb.vetted_entries() if formatting.answer_texts(kb, e) == first_reply]
    assert served, f"eerste antwoord komt niet uit de kennisbank: {first_reply}"
    counterpart = kb.counterpart(served[0], population)
    assert counterpart is not None and counterpart.id != served[0].id
    return formatting.answer_texts(kb, counterpart)


# --- the production stack -------------------------------------------------------------------

class ProductionStack:
    """Two Rasa servers on bot/endpoints.production.yml, one action server, shared DB + Redis."""

    def __init__(self, log_dir: Path):
        from bot.serve import Process, Stack, action_server_command, quiet_env

        ensure_services_installed()
        self.log_dir = log_dir
        self.postgres = LocalPostgres()
        self.postgres.start()
        self.postgres.create_database()
        self.redis = LocalRedis().start()
        self.action_port = free_port()
        self.env = {
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "DB_HOST": "127.0.0.1", "DB_PORT": str(self.postgres.port), "DB_NAME": LocalPostgres.database,
            "DB_USER": LocalPostgres.user, "DB_PASSWORD": "",
            "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.redis.port), "REDIS_PASSWORD": "",
            "VRAAGBAAK_RATE_LIMIT_FACTOR": "1000",
        }
        endpoints = REPO_ROOT / "bot" / "endpoints.production.yml"
        self.actions = Process("acties", action_server_command(self.action_port),
                               log_dir / f"action-server-{self.action_port}.log", quiet_env(self.env))
        self.servers = [Stack(rasa_port=free_port(), action_port=self.action_port, log_dir=log_dir,
                              env=self.env, endpoints=endpoints, start_actions=False) for _ in range(2)]
        for server in self.servers:
            server.start()
        try:
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda s: s.wait_ready(300), self.servers))
            from bot.serve import http_ok

            _wait(lambda: http_ok(f"http://127.0.0.1:{self.action_port}/health"), 120, "Actieserver")
        except BaseException:
            self.stop()
            raise

    @property
    def ports(self) -> List[int]:
        return [server.rasa_port for server in self.servers]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.actions.stop()
        self.redis.destroy()
        self.postgres.destroy()


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    from bot.serve import DEFAULT_MODEL

    if not DEFAULT_MODEL.exists():
        pytest.fail("Geen getraind model: draai eerst `make train`.")
    stack = ProductionStack(tmp_path_factory.mktemp("logs-productie"))
    yield stack
    stack.stop()


def test_context_carries_over_between_servers(production):
    a, b = production.ports
    sender = "schaal-gesprek-1"
    status, first = post(a, BOYS_QUESTION, sender)
    assert status == 200
    status, second = post(b, GIRLS_FOLLOWUP, sender)
    assert status == 200
    assert texts(second) == expected_followup(texts(first), "meisjes")
    # and back: server A sees what server B added
    status, third = post(a, "en jongens?", sender)
    assert status == 200 and texts(third) == texts(first)


def test_many_conversations_alternating(production):
    """Ten conversations at once, each turn to the other server: no turn loses context."""
    a, b = production.ports
    _, reference = post(a, BOYS_QUESTION, "referentie")
    expected = expected_followup(texts(reference), "meisjes")

    def talk(n: int) -> List[str]:
        first, second = (a, b) if n % 2 else (b, a)
        post(first, BOYS_QUESTION, f"parallel-{n}")
        return texts(post(second, GIRLS_FOLLOWUP, f"parallel-{n}")[1])

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(talk, range(10)))
    assert all(answer == expected for answer in answers)


def test_database_holds_redacted_text_only(production):
    a, b = production.ports
    sender = "schaal-gesprek-privacy"
    assert post(a, "hallo", sender)[0] == 200
    status, reply = post(b, PRIVATE_MESSAGE, sender)
    assert status == 200 and reply
    rows = production.postgres.query(
        f"SELECT type_name, data FROM events WHERE sender_id = '{sender}' ORDER BY id")
    user_rows = [json.loads(data) for kind, data in rows if kind == "user"]
    assert len(user_rows) == 2
    everything = json.dumps(production.postgres.query("SELECT * FROM events"), ensure_ascii=False)
    for part in PRIVATE_PARTS:
        assert part not in everything
    stored = user_rows[-1]
    assert "[NAAM]" in stored["text"] and "[TELEFOON]" in stored["text"] and "[E-MAIL]" in stored["text"]
    assert stored["parse_data"]["text"] == stored["text"]
    # the conversation goes on normally after the redacted turn, on either server
    assert post(a, BOYS_QUESTION, sender)[0] == 200


def test_forget_deletes_the_conversation_from_postgres(production):
    """The chat page's 'Wis gesprek' (website channel) removes the rows on any server."""
    a, b = production.ports
    sender = "schaal-wis-mij"

    def website(port, path, body):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/website/{path}",
                                         data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    website(a, "message", {"sender": sender, "message": BOYS_QUESTION})
    count = f"SELECT count(*) FROM events WHERE sender_id = '{sender}'"
    assert production.postgres.query(count)[0][0] > 0
    assert website(b, "forget", {"sender": sender}) == {"status": "ok", "forgotten": True}
    assert production.postgres.query(count)[0][0] == 0


def test_retention_command_on_postgres(production):
    production.postgres.query("SELECT 1")
    done = subprocess.run([sys.executable, "-m", "bot.retention", "--days", "30", "--dry-run"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **production.env})
    assert done.returncode == 0, done.stderr
    assert "0 gebeurtenissen zou wissen" in done.stdout
    # make one conversation 40 days old, then purge for real
    production.postgres.query("UPDATE events SET timestamp = timestamp - 40 * 86400 "
                              "WHERE sender_id = 'referentie' RETURNING id")
    done = subprocess.run([sys.executable, "-m", "bot.retention", "--days", "30"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **production.env})
    assert done.returncode == 0, done.stderr
    senders = {row[0] for row in production.postgres.query("SELECT DISTINCT sender_id FROM events")}
    assert "referentie" not in senders and "schaal-gesprek-1" in senders


# --- faults in the shared services ----------------------------------------------------------

SOURCE_QUESTION = "Wat is de bron?"


def expected_source(first_reply: List[str]) -> str:
    """The source details of the entry behind `first_reply` (needs the conversation's context)."""
    from actions.knowledge import formatting
    from actions.knowledge.store import KnowledgeStore

    kb = KnowledgeStore(REPO_ROOT / "knowledge").get().kb
    served = [e for e in kb.vetted_entries() if formatting.answer_texts(kb, e) == first_reply]
    return formatting.source_details(kb, served[0])


def _measure_outage(production, stop, start, label: str) -> Dict[str, object]:
    """Stop a service, ask both servers a question that needs context, start the service
    again and time until a conversation carries over between the servers again."""
    a, b = production.ports
    sender = f"storing-{label}"
    _, before = post(a, BOYS_QUESTION, sender)
    source = expected_source(texts(before))
    assert texts(post(b, SOURCE_QUESTION, sender)[1]) == [source]  # context works before
    stop()
    outage = []
    for port, message in ((b, SOURCE_QUESTION), (a, BOYS_QUESTION), (b, SOURCE_QUESTION)):
        began = time.monotonic()
        status, reply = post(port, message, sender, timeout=120)
        outage.append({"status": status, "seconds": round(time.monotonic() - began, 2),
                       "message": message, "texts": texts(reply)})
    start()
    restarted = time.monotonic()
    recovered, n = None, 0
    while time.monotonic() - restarted < 120:
        n += 1
        status, reply = post(a, BOYS_QUESTION, f"{sender}-na-{n}", timeout=60)
        if status == 200 and texts(reply) == texts(before):
            status, reply = post(b, SOURCE_QUESTION, f"{sender}-na-{n}", timeout=60)
            if status == 200 and texts(reply) == [source]:
                recovered = round(time.monotonic() - restarted, 2)
                break
        time.sleep(0.2)
    result = {"outage": outage, "recovered_after_s": recovered,
              "context_kept_during_outage": outage[0]["texts"] == [source]}
    print(f"\n[{label}] {json.dumps(result, ensure_ascii=False)}")
    return result


def _assert_friendly(outage: List[Dict[str, object]]) -> None:
    for reply in outage:
        assert reply["status"] == 200, reply
        joined = " ".join(reply["texts"])
        assert joined.strip(), reply
        for word in ("Traceback", "Exception", "Error", "psycopg2", "redis"):
            assert word not in joined, reply
        assert reply["seconds"] < 30, reply


def _server_logs(production) -> str:
    return "".join(p.read_text(errors="replace") for p in production.log_dir.glob("rasa-server-*.log"))


def test_postgres_outage_and_recovery(production):
    """PostgreSQL gone: each server falls back to memory, so the user still gets answers,
    but a follow-up that needs earlier turns does not find them. After the restart new
    turns are stored and shared again."""
    result = _measure_outage(production, lambda: production.postgres.stop("immediate"),
                             production.postgres.start, "postgres")
    _assert_friendly(result["outage"])
    assert result["recovered_after_s"] is not None, "geen herstel na terugkomst PostgreSQL"
    log = _server_logs(production)
    assert "Error happened when trying to retrieve conversation tracker" in log
    assert "OperationalError" in log and "Connection refused" in log  # the error is clear
    assert "[parameters:" not in log  # and shows no conversation ids or stored text


def test_redis_outage_and_recovery(production):
    """Redis gone: no lock, so no processing; the user gets the help-numbers reply at once."""
    from bot import settings

    result = _measure_outage(production, production.redis.stop, production.redis.start, "redis")
    _assert_friendly(result["outage"])
    for reply in result["outage"]:
        assert reply["texts"] == [settings.text("technical_problem_text")]
    assert result["recovered_after_s"] is not None, "geen herstel na terugkomst Redis"
    assert "Lock store (Redis op 127.0.0.1:" in _server_logs(production)


def test_conversation_goes_on_when_one_rasa_server_stops(production):
    """A load balancer sends the next turn to the server that is left: nothing is lost."""
    a, b = production.ports
    sender = "schaal-een-server-weg"
    _, first = post(a, BOYS_QUESTION, sender)
    production.servers[0].stop()
    began = time.monotonic()
    status, second = post(b, GIRLS_FOLLOWUP, sender)
    print(f"\n[rasa-server weg] antwoord van de andere server in {time.monotonic() - began:.2f} s")
    assert status == 200 and texts(second) == expected_followup(texts(first), "meisjes")


def test_no_user_text_in_production_logs(production):
    """Its own traffic on both servers (so it holds alone and in any order): personal
    data, a follow-up, a crisis message, a forgotten conversation; then every log."""
    import uuid

    mark = f"SCHAALMARKER{uuid.uuid4().hex[:8]}"
    sender = f"schaal-log-{mark}"
    ports = [s.rasa_port for s in production.servers if s.processes and all(p.alive() for p in s.processes)]
    for n, message in enumerate((PRIVATE_MESSAGE, f"{BOYS_QUESTION} {mark}", f"{GIRLS_FOLLOWUP} {mark}",
                                 f"ik wil dood {mark}", f"/ask_help{{}} {mark}")):
        assert post(ports[n % len(ports)], message, sender)[0] == 200
    request = urllib.request.Request(f"http://127.0.0.1:{ports[0]}/webhooks/website/forget",
                                     data=json.dumps({"sender": sender}).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).read()
    logs = {p.name: p.read_text(errors="replace") for p in production.log_dir.glob("*.log")}
    assert any(n.startswith("rasa-server") for n in logs) and any(n.startswith("action-server") for n in logs)
    for name, log in logs.items():
        for secret in PRIVATE_PARTS + (mark, sender):
            assert secret not in log, f"{secret!r} staat in {name}"
