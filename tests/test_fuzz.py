"""Bad and random input to the REST channel and the website channel: never a 5xx.

First a list of known-bad inputs with the answer each should get, then a fuzz run of
2,000 generated requests (fixed seed, so a failure can be replayed) sent with modest
concurrency. Afterwards the server must still answer a normal question normally, and
no log may contain the marker that some of the generated messages carry.
"""
from __future__ import annotations

import asyncio
import json
import random
import time

import pytest

from conftest import free_port
from test_scale_out import BOYS_QUESTION

pytestmark = pytest.mark.slow

SEED = 20240611
REST = "/webhooks/rest/webhook"
WEBSITE = "/webhooks/website/message"
MARKER = "FUZZMARKER"
CHANNELS = (REST, WEBSITE)


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    from bot.serve import DEFAULT_MODEL, Stack

    if not DEFAULT_MODEL.exists():
        pytest.fail("Geen getraind model: draai eerst `make train`.")
    # The website channel limits messages per client address; the fuzz sends each request
    # from its own (made-up) address through X-Real-IP, as a proxy in front would.
    stack = Stack(rasa_port=free_port(), action_port=free_port(),
                  log_dir=tmp_path_factory.mktemp("logs-fuzz"),
                  env={"SANIC_REAL_IP_HEADER": "x-real-ip", "VRAAGBAAK_RATE_LIMIT_FACTOR": "10"})
    with stack:
        yield stack


async def _send(session, url: str, body: bytes, headers: dict):
    import aiohttp

    try:
        async with session.post(url, data=body, headers=headers,
                                timeout=aiohttp.ClientTimeout(total=120)) as reply:
            return reply.status, await reply.read()
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return -1, repr(error).encode()


def send_all(port: int, requests: list, concurrency: int = 8) -> list:
    """requests: (path, body bytes, headers) → [(status, body bytes)] in the same order."""
    import aiohttp

    async def run():
        semaphore = asyncio.Semaphore(concurrency)
        async with aiohttp.ClientSession() as session:
            async def one(path, body, headers):
                async with semaphore:
                    return await _send(session, f"http://127.0.0.1:{port}{path}", body, headers)
            return await asyncio.gather(*(one(*request) for request in requests))

    return asyncio.new_event_loop().run_until_complete(run())


def as_json(value) -> bytes:
    return json.dumps(value).encode()


def headers(rng: random.Random = None) -> dict:
    address = f"10.{(rng or random).randrange(256)}.{(rng or random).randrange(256)}.{(rng or random).randrange(1, 255)}"
    return {"Content-Type": "application/json", "X-Real-IP": address}


# --- known bad inputs ---------------------------------------------------------------------

BAD_INPUTS = [
    # (name, body, allowed statuses)
    ("leeg bericht", as_json({"sender": "t", "message": ""}), {400}),
    ("alleen spaties", as_json({"sender": "t", "message": "   \n\t  "}), {400}),
    ("100 kB", as_json({"sender": "t", "message": "a" * 100_000}), {413}),
    ("binair", bytes(range(256)) * 4, {400}),
    ("ongeldige utf-8 in json", b'{"sender": "t", "message": "\xff\xfe\xfa"}', {400}),
    ("alleen emoji", as_json({"sender": "t", "message": "😢😢😢🙏"}), {200}),
    ("rechts-naar-links", as_json({"sender": "t", "message": "مرحبا، أحتاج مساعدة ‏שלום"}), {200}),
    ("stuurtekens", as_json({"sender": "t", "message": "hallo\x00\x07\x1b[31m\u202ewereld\x7f"}), {200}),
    ("alleen stuurtekens", as_json({"sender": "t", "message": "\x00\x01\x02\u200b\u202e"}), {400}),
    ("bericht is een getal", as_json({"sender": "t", "message": 42}), {400}),
    ("bericht is een lijst", as_json({"sender": "t", "message": ["hallo"]}), {400}),
    ("bericht is null", as_json({"sender": "t", "message": None}), {400}),
    ("bericht is een object", as_json({"sender": "t", "message": {"text": "hallo"}}), {400}),
    ("sender ontbreekt", as_json({"message": "hallo"}), {400}),
    ("sender is een getal", as_json({"sender": 7, "message": "hallo"}), {400}),
    ("sender leeg", as_json({"sender": "", "message": "hallo"}), {400}),
    ("sender te lang", as_json({"sender": "s" * 10_000, "message": "hallo"}), {400}),
    ("sender met stuurtekens", as_json({"sender": "a\nb", "message": "hallo"}), {400}),
    ("json-lijst", as_json(["hallo"]), {400}),
    ("json-tekst", as_json("hallo"), {400}),
    ("kapotte json", b'{"sender": "t", "message": "hallo"', {400}),
    ("lege body", b"", {400}),
    ("eenzame surrogaat", b'{"sender": "t", "message": "\\ud800 hallo"}', {200, 400}),
    ("diep genest", b'{"sender": "t", "message": ' + b"[" * 5000 + b"]" * 5000 + b"}", {400}),
]


@pytest.mark.parametrize("channel", CHANNELS)
def test_known_bad_inputs_get_a_clear_answer(bot, channel):
    requests = [(channel, body, headers()) for _, body, _ in BAD_INPUTS]
    results = send_all(bot.rasa_port, requests, concurrency=4)
    problems = []
    for (name, _, allowed), (status, body) in zip(BAD_INPUTS, results):
        if status not in allowed:
            problems.append(f"{name}: {status} {body[:200]!r}")
            continue
        data = json.loads(body)
        if status == 200:  # a friendly reply, never empty
            messages = data if channel == REST else data["messages"]
            assert messages and all(m.get("text") or m.get("buttons") for m in messages), name
        else:  # a clear message in Dutch
            assert isinstance(data.get("error"), str) and data["error"], name
            assert "Traceback" not in data["error"]
    assert not problems, "\n".join(problems)


def test_other_methods_and_content_types(bot):
    import urllib.error
    import urllib.request

    for path in CHANNELS:
        for method in ("GET", "PUT", "DELETE"):
            request = urllib.request.Request(f"{bot.url}{path}", method=method)
            try:
                status = urllib.request.urlopen(request, timeout=30).status
            except urllib.error.HTTPError as error:
                status = error.code
            assert 400 <= status < 500, (path, method, status)
    results = send_all(bot.rasa_port, [
        (path, b"sender=t&message=hallo", {"Content-Type": "application/x-www-form-urlencoded",
                                           "X-Real-IP": "10.9.9.9"}) for path in CHANNELS])
    assert all(400 <= status < 500 for status, _ in results), results


# --- fuzz ---------------------------------------------------------------------------------

WORDS = ("hallo", "help", "mensenhandel", "loverboy", "seksueel", "geweld", "jongens", "meisjes",
         "hoeveel", "wat", "is", "bron", "ik", "ben", "bang", "anoniem", "politie", "en", "?", "!",
         "Kindertelefoon", "uitbuiting", "18e", "kind", "thuis", "school", "wie", "kan", "bellen")
ALPHABETS = (
    "abcdefghijklmnopqrstuvwxyz ",
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïñòóôõöøùúûüýþÿ",
    "אבגדהוזחטיכלמנסעפצקרשת ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "😀😢🙏❤️👍🏽🚨🆘🧒👧👦🔥💔🏳️‍🌈",
    "\x00\x01\x02\x07\x08\x0b\x0c\x1b\x7f\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2066\ufeff\ufffd",
    "漢字かなカナ한국어Ελληνικάкириллица",
    "{}[]\"'\\<>/&;$`|%*#@",
)


def random_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
    elif kind < 0.75:
        alphabet = rng.choice(ALPHABETS)
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
    elif kind < 0.85:
        text = "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 40)))
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    elif kind < 0.95:
        text = rng.choice(WORDS) * rng.randint(100, 2000)  # around and over the length limit
    else:
        text = " " * rng.randint(0, 50) + "\n" * rng.randint(0, 5)
    if rng.random() < 0.3:
        text = f"{text} {MARKER}{rng.randint(0, 9999)}"
    return text


def random_value(rng: random.Random):
    return rng.choice([None, True, 0, -1, 3.14, 10 ** 30, [], ["a"], {}, {"a": 1}, "", "x" * 300])


def random_request(rng: random.Random):
    path = rng.choice(CHANNELS)
    kind = rng.random()
    sender = f"fuzz-{rng.randint(0, 200)}"
    if kind < 0.70:
        body = as_json({"sender": sender, "message": random_text(rng)})
    elif kind < 0.78:
        body = as_json({"sender": random_value(rng), "message": random_text(rng)})
    elif kind < 0.86:
        body = as_json({"sender": sender, "message": random_value(rng)})
    elif kind < 0.90:
        body = as_json({"message": random_text(rng), "extra": random_value(rng)})
    elif kind < 0.94:
        body = as_json(random_value(rng))
    else:
        body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
    head = headers(rng)
    if rng.random() < 0.05:
        head["Content-Type"] = rng.choice(["text/plain", "application/octet-stream", "", "application/json; charset=latin-1"])
    return path, body, head


def test_fuzz_rest_and_website(bot):
    from bot.serve import ask

    normal = ask(bot.rasa_port, BOYS_QUESTION, sender="fuzz-voor")
    rng = random.Random(SEED)
    requests = [random_request(rng) for _ in range(2000)]
    began = time.monotonic()
    results = send_all(bot.rasa_port, requests, concurrency=8)
    seconds = time.monotonic() - began
    statuses = {}
    problems = []
    for (path, body, _), (status, reply) in zip(requests, results):
        statuses[(path, status)] = statuses.get((path, status), 0) + 1
        if status >= 500 or status < 0:
            problems.append(f"{path} {status} {body[:120]!r} -> {reply[:200]!r}")
        elif status == 200:
            data = json.loads(reply)
            messages = data if path == REST else data["messages"]
            if not messages:
                problems.append(f"{path} lege reactie op {body[:120]!r}")
    print(f"\n[fuzz] {len(requests)} verzoeken in {seconds:.0f} s: "
          + ", ".join(f"{p.split('/')[2]} {s}: {n}" for (p, s), n in sorted(statuses.items())))
    assert not problems, "\n".join(problems[:20])
    assert {path for path, _ in statuses} == set(CHANNELS)
    assert sum(n for (_, s), n in statuses.items() if s == 200) > 500  # not all refused
    # still answering, and answering well
    assert ask(bot.rasa_port, BOYS_QUESTION, sender="fuzz-na") == [
        dict(m, recipient_id="fuzz-na") for m in normal]
    assert all(p.alive() for p in bot.processes)


def test_no_fuzz_text_in_logs(bot):
    """Its own fuzz traffic (every text and sender marked), so it holds alone and in any
    order; then the logs of both servers."""
    import uuid

    mark = f"{MARKER}{uuid.uuid4().hex[:8]}"
    rng = random.Random(SEED + 1)
    requests = []
    for n in range(400):
        path, body, head = random_request(rng)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None
        if isinstance(data, dict):
            if isinstance(data.get("message"), str):
                data["message"] = f"{data['message'][:900]} {mark}"
            if isinstance(data.get("sender"), str):
                data["sender"] = f"fuzzlog-{mark}-{n % 50}"
            body = as_json(data)
        else:
            body = body + mark.encode()
        requests.append((path, body, head))
    requests.append((REST, as_json({"sender": f"fuzzlog-{mark}", "message": f"ik wil dood {mark}"}), headers()))
    requests.append((WEBSITE, as_json({"sender": f"fuzzlog-{mark}", "payload": f"/greet{{{mark}"}), headers()))
    results = send_all(bot.rasa_port, requests, concurrency=8)
    assert all(0 < status < 500 for status, _ in results)
    logs = list(bot.log_dir.glob("*.log"))
    assert {p.name.split("-")[0] for p in logs} >= {"rasa", "action"}
    for path in logs:
        text = path.read_text(errors="replace")
        assert mark not in text, f"{mark} staat in {path.name}"
        assert "fuzzlog-" not in text and "fuzz-" not in text, f"een sender-id staat in {path.name}"
