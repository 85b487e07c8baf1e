"""The website channel, the REST channel and the page over real HTTP (Rasa's app, stub
agent): API, headers, CORS, the front door (rate limit, body limit) on every public
route, typed text versus offered button payloads, forgetting, and no phone numbers in the
website files.

The stub agent answers like the assistant would (text, buttons) without a model."""
from __future__ import annotations

import asyncio
import json
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from rasa.core.channels.channel import UserMessage

from tests.conftest import free_port


class StubAgent:
    """Answers every message; 'breek' raises (like an unreachable action server)."""

    def __init__(self) -> None:
        from rasa.core.tracker_store import AwaitableTrackerStore
        from rasa.shared.core.domain import Domain

        from bot.stores import ExpiringInMemoryTrackerStore

        # The project's default store, wrapped the way Rasa's agent wraps it.
        self.tracker_store = AwaitableTrackerStore(ExpiringInMemoryTrackerStore(Domain.empty()))
        self.lock_store = None
        self.seen: List[Tuple[str, str, str]] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.seen.append((message.sender_id, message.text, message.input_channel))
        from rasa.shared.core.trackers import DialogueStateTracker

        await self.tracker_store.save(DialogueStateTracker(message.sender_id, []))
        if message.text == "breek":
            raise RuntimeError("actieserver weg")
        out = message.output_channel
        await out.send_text_message(message.sender_id, f"Je vroeg: {message.text}\nBron: Test, 2024.")
        await out.send_text_with_buttons(
            message.sender_id, "Wil je meer weten?",
            [{"title": "Hulp zoeken", "payload": "/ask_help"}, {"title": 5, "payload": None},
             {"title": "Kind", "payload": '/ask_help{"role": "kind"}'}])


class RunningApp:
    def __init__(self, app, port: int):
        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server = None
        self._error: Optional[BaseException] = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def start():
            server = await self.app.create_server(host="127.0.0.1", port=self.port,
                                                  return_asyncio_server=True)
            await server.startup()
            await server.before_start()
            await server.after_start()
            return server

        try:
            self._server = self._loop.run_until_complete(start())
        except BaseException as exc:  # pragma: no cover - reported in start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> "RunningApp":
        self._thread.start()
        self._ready.wait(30)
        if self._error:
            raise self._error
        return self

    def stop(self) -> None:
        async def stop():
            await self._server.before_stop()
            self._server.close()
            await self._server.wait_closed()
            await self._server.after_stop()

        if self._server is not None:
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def request(self, path: str, body: Any = None, method: Optional[str] = None,
                headers: Optional[Dict[str, str]] = None, raw: Optional[bytes] = None):
        """(status, headers, body bytes) for one HTTP request."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        all_headers = {"Content-Type": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as reply:
                return reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


def build_app(website_overrides: Optional[Dict[str, Any]] = None, cors=None,
              door_overrides: Optional[Dict[str, Any]] = None):
    """The app as `python -m bot.launcher run` builds it, with a stub agent."""
    import rasa.core.run
    from sanic import Sanic

    from bot import patches
    from bot.channels import SafeRestInput
    from bot.frontdoor import FrontDoor
    from bot.website.channel import WebsiteInput

    Sanic.test_mode = True  # several apps with Rasa's fixed name in one test process
    patches.apply()
    door = FrontDoor(door_overrides)
    website = WebsiteInput(website_overrides, front_door=door)
    rest = SafeRestInput(front_door=door)
    app = rasa.core.run.configure_app([rest, website], cors=cors, enable_api=False,
                                      use_uvloop=False)
    app.ctx.agent = StubAgent()
    app.config.REAL_IP_HEADER = "x-real-ip"  # as behind nginx (SANIC_REAL_IP_HEADER)
    return app, website


def start_app(website_overrides: Optional[Dict[str, Any]] = None, cors=None,
              door_overrides: Optional[Dict[str, Any]] = None):
    from bot.website.config import public_config

    app, website = build_app(website_overrides, cors, door_overrides)
    public_config(website.config)  # load the knowledge base once, before the first request
    return RunningApp(app, free_port()).start(), website


REPO_ROOT = Path(__file__).resolve().parents[1]
WEBSITE = REPO_ROOT / "bot" / "website"
EMBEDDER = "https://partner.voorbeeld.nl"


@pytest.fixture(scope="module")
def site():
    big = {"per_minute": 100000, "burst": 100000}
    running, channel = start_app({"allowed_origins": [EMBEDDER]},
                                 door_overrides={"rate_limits": {k: big for k in ("message", "page", "forget")}})
    yield running, channel
    running.stop()


def ask(site, message, sender="web-test", headers=None):
    running, _ = site
    return running.request("/webhooks/website/message", {"sender": sender, "message": message},
                           headers=headers)


def assert_secure(headers, no_store=True):
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors" in csp
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    if no_store:
        assert "no-store" in headers["Cache-Control"]


def test_message_returns_texts_and_valid_buttons_only(site):
    status, headers, body = ask(site, "Wat is mensenhandel?")
    assert status == 200
    assert_secure(headers)
    messages = json.loads(body)["messages"]
    assert messages[0] == {"text": "Je vroeg: Wat is mensenhandel?\nBron: Test, 2024.", "buttons": []}
    assert messages[1]["buttons"] == [{"title": "Hulp zoeken", "payload": "/ask_help"},
                                      {"title": "Kind", "payload": '/ask_help{"role": "kind"}'}]
    assert all(set(m) == {"text", "buttons"} for m in messages)  # no recipient_id etc.
    assert site[0].app.ctx.agent.seen[-1][2] == "website"


def test_page_is_served_on_root_with_strict_headers(site):
    status, headers, body = site[0].request("/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert_secure(headers)
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "style-src 'self';" in csp
    assert f"frame-ancestors 'self' {EMBEDDER}" in csp
    assert '<html lang="nl">' in page and "<h1>" in page
    assert "Verlaat deze site" in page and "Wis gesprek" in page
    assert "<script>" not in page and "style=" not in page  # nothing inline
    assert 'maxlength="1000"' in page
    assert "{{" not in page


def test_start_notice_gets_emergency_number_from_knowledge(site, kb):
    status, headers, body = site[0].request("/webhooks/website/config")
    config = json.loads(body)
    assert status == 200
    assert_secure(headers)
    phone = kb.organisations["org_112"].phone
    assert "chatbot" in config["notice"] and "geen mens" in config["notice"]
    assert f"Bel meteen {phone}." in config["notice"]
    assert kb.organisations["org_113"].phone in config["help_text"]
    page = site[0].request("/")[2].decode()
    assert f'Bel meteen <a class="tel" href="tel:{phone}">{phone}</a>.' in page  # tappable without JavaScript


@pytest.mark.parametrize("name,kind", [("chat.js", "javascript"), ("chat.css", "text/css"),
                                       ("embed.js", "javascript"), ("favicon.svg", "svg")])
def test_widget_files_are_served_with_nosniff(site, name, kind):
    status, headers, _ = site[0].request(f"/website/{name}")
    assert status == 200 and kind in headers["Content-Type"]
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["index.html", "..%2fchannel.py", "%2e%2e/pages.py", "nope.js"])
def test_only_listed_widget_files_are_served(site, name):
    assert site[0].request(f"/website/{name}")[0] == 404


def test_too_long_message_gets_friendly_text(site):
    status, headers, body = ask(site, "a" * 1001)
    assert status == 413
    assert_secure(headers)
    assert json.loads(body)["error"].startswith("Je bericht is te lang")


@pytest.mark.parametrize("body", [{"sender": "x"}, {"message": "hoi"}, {"sender": "", "message": "hoi"},
                                  {"sender": "a\u0000b", "message": "hoi"}, ["x"]])
def test_bad_requests_get_4xx(site, body):
    status, headers, reply = site[0].request("/webhooks/website/message", body)
    assert 400 <= status < 500 and "error" in json.loads(reply)
    assert_secure(headers)


def test_technical_problem_reply_names_help_numbers(site, kb):
    status, _, body = ask(site, "breek")
    assert status == 200
    text = json.loads(body)["messages"][0]["text"]
    assert text.startswith("Sorry") and kb.organisations["org_112"].phone in text


ROUTES = [("GET", "/", None), ("GET", "/health", None), ("GET", "/website/chat.js", None),
          ("GET", "/webhooks/website/config", None), ("GET", "/webhooks/rest/", None),
          ("POST", "/webhooks/website/message", {"sender": "rl", "message": "hoi"}),
          ("POST", "/webhooks/rest/webhook", {"sender": "rl", "message": "hoi"}),
          ("POST", "/webhooks/website/forget", {"sender": "rl"})]


@pytest.fixture(scope="module")
def strict_site():
    """The same app with small limits: 3 requests at once per kind and client."""
    small = {"per_minute": 1, "burst": 3}
    running, channel = start_app(door_overrides={"rate_limits": {k: small for k in ("message", "page", "forget")},
                                                 "max_body_bytes": 2048})
    yield running, channel
    running.stop()


def test_every_public_route_is_rate_limited_with_headers(strict_site):
    """One front door: every public route (page, files, config, health, both channels,
    forget) answers 429 with the security headers once a client used its burst."""
    running, _ = strict_site
    for method, path, body in ROUTES:
        address = {"X-Real-IP": f"10.1.1.{ROUTES.index((method, path, body)) + 1}"}
        statuses = []
        for _ in range(8):
            status, headers, reply = running.request(path, body, method=method, headers=address)
            statuses.append(status)
            if status != 429:
                assert_secure(headers, no_store=path != "/website/chat.js")
        assert 429 in statuses, (path, statuses)
        assert_secure(headers, no_store=False)
        assert int(headers["Retry-After"]) >= 1
        text = json.loads(reply)["error"] if method == "POST" else reply.decode()
        assert "Wacht even" in text, (path, text)


def test_every_post_route_limits_the_body_size(strict_site):
    running, _ = strict_site
    for index, (method, path, body) in enumerate(ROUTES):
        if method != "POST":
            continue
        raw = json.dumps({"sender": "groot", "message": "a" * 4000, "x": "b" * 4000}).encode()
        status, headers, reply = running.request(path, raw=raw, method="POST",
                                                 headers={"X-Real-IP": f"10.2.2.{index}"})
        assert status == 413, (path, status)
        assert_secure(headers)
        assert json.loads(reply)["error"].startswith("Je bericht is te lang")


def test_limit_replies_follow_the_conversation_language(strict_site):
    running, _ = strict_site
    headers = {"X-Real-IP": "10.3.3.3"}
    raw = json.dumps({"sender": "en", "language": "en", "message": "a" * 1200}).encode()
    status, _, reply = running.request("/webhooks/website/message", raw=raw, headers=headers)
    assert status == 413 and json.loads(reply)["error"].startswith("Your message is too long")
    for _ in range(6):
        status, _, reply = running.request("/webhooks/rest/webhook",
                                           {"sender": "en", "language": "en", "message": "hi"}, headers=headers)
    assert status == 429 and "wait a moment" in json.loads(reply)["error"]


def test_limits_can_be_raised_for_tests_and_benchmarks(monkeypatch):
    from bot.frontdoor import front_door_settings

    normal = front_door_settings()["rate_limits"]["message"]
    monkeypatch.setenv("VRAAGBAAK_RATE_LIMIT_FACTOR", "1000")
    raised = front_door_settings()["rate_limits"]["message"]
    assert raised["burst"] == normal["burst"] * 1000
    assert raised["per_minute"] == normal["per_minute"] * 1000


def test_rate_limiter_refills_and_forgets_old_clients():
    from bot.website.security import RateLimiter

    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, max_clients=100, clock=lambda: now[0])
    assert [limiter.allow("a")[0] for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")[0]  # another client has its own bucket
    now[0] += 1.0
    assert limiter.allow("a") == (True, 0)
    for i in range(150):
        limiter.allow(f"c{i}")
    assert len(limiter._buckets) == 100


def test_forget_drops_the_conversation_in_the_tracker_store(site):
    import asyncio

    running, _ = site
    store = running.app.ctx.agent.tracker_store
    ask(site, "hoi", sender="web-weg")
    ask(site, "hoi", sender="web-blijft")
    keys = lambda: set(asyncio.run_coroutine_threadsafe(store.keys(), running._loop).result(5))
    assert {"web-weg", "web-blijft"} <= keys()
    status, headers, body = running.request("/webhooks/website/forget", {"sender": "web-weg"})
    assert status == 200 and json.loads(body) == {"status": "ok", "forgotten": True}
    assert not running.app.ctx.input_channels[1].offered.offered("web-weg", "/ask_help")
    assert_secure(headers)
    assert "web-weg" not in keys() and "web-blijft" in keys()
    assert running.request("/webhooks/website/forget", {"sender": ""})[0] == 400


def test_cors_only_for_configured_origins(site):
    allowed = ask(site, "hoi", headers={"Origin": EMBEDDER})[1]
    assert allowed["Access-Control-Allow-Origin"] == EMBEDDER
    other = ask(site, "hoi", headers={"Origin": "https://kwaadwillend.example"})[1]
    assert "Access-Control-Allow-Origin" not in other


def test_rest_channel_stays_available(site):
    status, _, body = site[0].request("/webhooks/rest/webhook", {"sender": "r", "message": "hoi"})
    assert status == 200 and json.loads(body)[0]["text"].startswith("Je vroeg")


PHONE = re.compile(r"(?<![\w#.-])(?:112|113|0800|0900|088|\+31|0031)(?![\w])|\b0\d{2,3}[- ]?\d{6,7}\b|\b\d{4}[- ]\d{4}\b")


def test_no_phone_number_written_in_website_files():
    files = [p for p in WEBSITE.rglob("*") if p.suffix in {".html", ".js", ".css", ".py", ".svg"}]
    files.append(REPO_ROOT / "bot" / "settings.yml")
    assert len(files) >= 8
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not PHONE.search(text), (path, PHONE.search(text))


def test_rasa_wide_cors_does_not_open_the_website_api():
    """Even with `rasa run --cors "*"`, the website API's answers follow
    website.allowed_origins, so another site cannot read them."""
    running, _ = start_app({"allowed_origins": []}, cors="*")
    try:
        for path, body in (("/webhooks/website/message", {"sender": "s", "message": "hoi"}),
                           ("/webhooks/website/config", None)):
            headers = running.request(path, body, headers={"Origin": "https://kwaadwillend.example"})[1]
            assert "Access-Control-Allow-Origin" not in headers
    finally:
        running.stop()


# --- typed text is text; buttons only as offered --------------------------------------------

@pytest.mark.parametrize("path", ["/webhooks/website/message", "/webhooks/rest/webhook"])
@pytest.mark.parametrize("typed", ['/ask_knowledge{} ik wil dood', "/greet", "  /ask_help{\"role\": \"kind\"}",
                                   "/crisis_suicide", "/ask_help"])
def test_typed_text_never_reaches_rasa_as_an_intent(site, path, typed):
    """Rasa reads text that (stripped) starts with "/" as "/intent{...}"; typed text gets
    there with a guard in front, so Rasa's own check does not match."""
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.nlu.constants import INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message

    running, _ = site
    sender = f"getypt-{abs(hash((path, typed)))}"
    ask(site, "hoi", sender=sender)  # the conversation was offered /ask_help already
    status, _, _ = running.request(path, {"sender": sender, "message": typed})
    assert status == 200
    seen = running.app.ctx.agent.seen[-1][1]
    assert seen.strip() == "\u2060" + typed.strip()
    unpacked = YAMLStoryReader.unpack_regex_message(Message({TEXT: seen}))
    assert unpacked.get(INTENT) is None


@pytest.mark.parametrize("path", ["/webhooks/website/message", "/webhooks/rest/webhook"])
def test_offered_payload_passes_forged_payload_is_text(site, path):
    running, _ = site
    sender = f"knoppen-{path.split('/')[2]}"
    # never offered: read as typed text
    running.request(path, {"sender": sender, "payload": "/crisis_danger"})
    assert running.app.ctx.agent.seen[-1][1] == "\u2060/crisis_danger"
    # offered in the reply: passed on as the payload it is
    running.request(path, {"sender": sender, "payload": '/ask_help{"role": "kind"}'})
    assert running.app.ctx.agent.seen[-1][1] == '/ask_help{"role": "kind"}'
    # offered to another conversation only: text again
    running.request(path, {"sender": sender + "-ander", "payload": '/ask_help{"role": "kind"}'})
    assert running.app.ctx.agent.seen[-1][1] == '\u2060/ask_help{"role": "kind"}'


def test_offered_payloads_expire_with_the_conversation():
    from bot.channels import OfferedPayloads

    now = [0.0]
    offered = OfferedPayloads(idle_seconds=60, max_senders=100, max_per_sender=3, clock=lambda: now[0])
    offered.remember("a", [{"buttons": [{"payload": f"/p{i}"} for i in range(5)]}])
    assert not offered.offered("a", "/p0") and offered.offered("a", "/p4")
    now[0] = 61.0
    assert not offered.offered("a", "/p4")
    offered.remember("b", [{"buttons": [{"payload": "/x"}]}])
    offered.forget("b")
    assert not offered.offered("b", "/x")


def test_chat_page_sends_buttons_as_payload_and_typed_text_as_message():
    script = (WEBSITE / "static" / "chat.js").read_text(encoding="utf-8")
    assert "ask({ payload: b.payload }, b.title)" in script
    assert "ask({ message: text })" in script
