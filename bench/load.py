"""The load generator: asyncio + aiohttp against Rasa's REST channel.

POST /webhooks/rest/webhook {"sender": ..., "message": ...}. A request counts as successful when
the server answers HTTP 200 with a JSON list (the bot's messages, possibly none). Users are
closed-loop: each sends its next message as soon as the previous answer arrived (no think time),
so the concurrent scenario measures what the server can sustain with that many users at once.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Callable, List, Optional, Sequence, Tuple

import aiohttp

from bench.messages import conversation_stream
from bench.stats import Sample, Summary, summarize

REST_PATH = "/webhooks/rest/webhook"
REQUEST_TIMEOUT_S = 30.0


def webhook_url(port: int) -> str:
    return f"http://127.0.0.1:{port}{REST_PATH}"


def _session(limit: int = 100) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit, force_close=False),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
    )


async def send(session: aiohttp.ClientSession, url: str, sender: str, message: str) -> Sample:
    """One message; never raises for server or network trouble (that becomes an error sample)."""
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": message}) as resp:
            body = await resp.read()
            latency = time.perf_counter() - start
            if resp.status != 200:
                return Sample(latency, False, f"HTTP {resp.status}")
            try:
                data = json.loads(body)
            except ValueError:
                return Sample(latency, False, "not JSON")
            if not isinstance(data, list):
                return Sample(latency, False, "not a list")
            return Sample(latency, True, replies=len(data))
    except asyncio.TimeoutError:
        return Sample(time.perf_counter() - start, False, "timeout")
    except aiohttp.ClientError as exc:
        return Sample(time.perf_counter() - start, False, type(exc).__name__)


async def wait_until_answering(url: str, *, deadline_s: float, require_reply: bool,
                               message: str, ready_urls: Sequence[str] = (),
                               alive: Callable[[], bool] = lambda: True) -> Optional[float]:
    """Poll every 100 ms: first each of `ready_urls` until it answers HTTP 200 (e.g. the action
    server's /health), then send `message` until the server answers it (HTTP 200 with a list,
    non-empty when `require_reply`); every attempt has a fresh sender id. Returns the moment
    (time.perf_counter()) of that answer, or None after `deadline_s` seconds or as soon as
    `alive()` turns false (a server died)."""
    end = time.perf_counter() + deadline_s
    pending = list(ready_urls)
    attempt = 0
    async with _session(limit=1) as session:
        while time.perf_counter() < end and alive():
            if pending:
                try:
                    async with session.get(pending[0]) as resp:
                        await resp.read()
                        if resp.status == 200:
                            pending.pop(0)
                            continue
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
            else:
                attempt += 1
                sample = await send(session, url, f"bench-probe-{attempt}", message)
                if sample.ok and (sample.replies > 0 or not require_reply):
                    return time.perf_counter()
            await asyncio.sleep(0.1)
    return None


async def warm_up(url: str, messages: List[str], tag: str) -> None:
    """A few messages before measuring, so lazy first-use costs are not in the figures."""
    async with _session(limit=1) as session:
        for i, message in enumerate(messages):
            await send(session, url, f"bench-{tag}-warmup-{i // 4}", message)


async def one_user(url: str, count: int, *, seed: int, tag: str) -> Tuple[Summary, List[Sample]]:
    """One user sending `count` messages one after another."""
    stream = conversation_stream(0, seed, f"{tag}-single")
    samples: List[Sample] = []
    async with _session(limit=1) as session:
        start = time.perf_counter()
        for _ in range(count):
            sender, message = next(stream)
            samples.append(await send(session, url, sender, message))
        wall = time.perf_counter() - start
    return summarize(samples, wall), samples


async def many_users(url: str, users: int, duration_s: float, *, seed: int,
                     tag: str) -> Tuple[Summary, List[Sample]]:
    """`users` users at once for `duration_s` seconds. A user starts no new message after the
    deadline; answers still under way are awaited and counted, and the wall time runs until the
    last one arrived."""
    samples: List[Sample] = []
    async with _session(limit=max(users * 2, 10)) as session:
        start = time.perf_counter()
        deadline = start + duration_s
        last_end = [start]

        async def user(index: int) -> None:
            stream = conversation_stream(index, seed, f"{tag}-multi", users=users)
            while time.perf_counter() < deadline:
                sender, message = next(stream)
                samples.append(await send(session, url, sender, message))
                last_end[0] = max(last_end[0], time.perf_counter())

        await asyncio.gather(*(user(i) for i in range(users)))
        wall = last_end[0] - start
    return summarize(samples, wall), samples
