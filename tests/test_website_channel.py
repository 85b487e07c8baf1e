"""The website channel and page over real HTTP (Rasa's app, stub agent): API, headers,
CORS, rate limit, message limit, forgetting, and no phone numbers in the website files.

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
            [{"title": "Hulp zoeken", "payload": "/ask_help"}, {"title": 5, "payload": None}])


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


def build_app(website_overrides: Optional[Dict[str, Any]] = None, cors=None):
    """The app as `python -m bot.launcher run` builds it, with a stub agent."""
    import rasa.core.run
    import rasa.server
    from sanic import Sanic

    from bot.channels import SafeRestInput
    from bot.launcher import _add_root_route
    from bot.website.channel import WebsiteInput

    Sanic.test_mode = True  # several apps with Rasa's fixed name in one test process
    rasa.server.add_root_route = _add_root_route
    rasa.core.run.server.add_root_route = _add_root_route
    website = WebsiteInput(website_overrides)
    app = rasa.core.run.configure_app([SafeRestInput(), website], cors=cors, enable_api=False,
                                      use_uvloop=False)
    app.ctx.agent = StubAgent()
    return app, website


def start_app(website_overrides: Optional[Dict[str, Any]] = None, cors=None):
    from bot.website.config import public_config

    app, website = build_app(website_overrides, cors)
    public_config(website.config)  # load the knowledge base once, before the first request
    return RunningApp(app, free_port()).start(), website


REPO_ROOT = Path(__file__).resolve().parents[1]
WEBSITE = REPO_ROOT / "bot" / "website"
EMBEDDER = "https://partner.voorbeeld.nl"


@pytest.fixture(scope="module")
def site():
    running, channel = start_app({"allowed_origins": [EMBEDDER],
                                  "rate_limit": {"burst": 1000, "messages_per_minute": 1000}})
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
    assert messages[1]["buttons"] == [{"title": "Hulp zoeken", "payload": "/ask_help"}]
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
    assert f"Bel meteen {phone}." in page


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


def test_rate_limit_answers_429_in_dutch(site):
    from bot.website.security import RateLimiter

    running, channel = site
    saved = channel.limiter
    channel.limiter = RateLimiter(per_minute=1, burst=3)
    try:
        statuses = [ask(site, "hoi")[0] for _ in range(3)]
        status, headers, body = ask(site, "hoi")
    finally:
        channel.limiter = saved
    assert statuses == [200, 200, 200]
    assert status == 429
    assert_secure(headers)
    assert int(headers["Retry-After"]) >= 1
    assert "Wacht" in json.loads(body)["error"]


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
    assert_secure(headers)
    assert "web-weg" not in keys() and "web-blijft" in keys()
    assert running.request("/webhooks/website/forget", {"sender": ""})[0] == 400


def test_cors_only_for_configured_origins(site):
    running, _ = site
    allowed = ask(site, "hoi", headers={"Origin": EMBEDDER})[1]
    assert allowed["Access-Control-Allow-Origin"] == EMBEDDER
    other = ask(site, "hoi", headers={"Origin": "https://kwaadwillend.example"})[1]
    assert "Access-Control-Allow-Origin" not in other
    for origin, expected in ((EMBEDDER, EMBEDDER), ("https://kwaadwillend.example", None)):
        status, headers, _ = running.request(
            "/webhooks/website/message", method="OPTIONS",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "content-type"})
        assert status in (200, 204)
        assert headers.get("Access-Control-Allow-Origin") == expected


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
    """Even with `rasa run --cors "*"`, the website routes follow website.allowed_origins."""
    running, _ = start_app({"allowed_origins": []}, cors="*")
    try:
        headers = running.request("/webhooks/website/message", {"sender": "s", "message": "hoi"},
                                  headers={"Origin": "https://kwaadwillend.example"})[1]
        assert "Access-Control-Allow-Origin" not in headers
        preflight = running.request("/webhooks/website/message", method="OPTIONS",
                                    headers={"Origin": "https://kwaadwillend.example",
                                             "Access-Control-Request-Method": "POST"})[1]
        assert "Access-Control-Allow-Origin" not in preflight
    finally:
        running.stop()
