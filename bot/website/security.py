"""Response headers, CORS for configured origins, and a per-client rate limiter."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Iterable, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse

def page_csp(frame_origins: Iterable[str]) -> str:
    ancestors = " ".join(["'self'", *frame_origins])
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            f"form-action 'self'; frame-ancestors {ancestors}")


API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def secure(request: Request, response: HTTPResponse, csp: str = API_CSP,
           cache: str = "no-store") -> HTTPResponse:
    """Add the security headers to one response. (CORS headers for the website API are
    set by Sanic-CORS's public `cross_origin` decorator, see bot.website.channel.)"""
    headers = response.headers
    headers["Content-Security-Policy"] = csp
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cache-Control"] = cache
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if cache == "no-store":
        headers["Pragma"] = "no-cache"
    return response


def client_key(request: Request) -> str:
    """The client's address. Behind a proxy, set Sanic's PROXIES_COUNT / REAL_IP_HEADER
    (env SANIC_PROXIES_COUNT=1 or SANIC_REAL_IP_HEADER=x-real-ip) so this is the real client."""
    return request.remote_addr or request.ip or "onbekend"


class RateLimiter:
    """Token bucket per client: `burst` messages at once, refilled at `per_minute`.

    Buckets live in memory only (least recently used dropped beyond `max_clients`);
    the keys are addresses, never message text.
    """

    def __init__(self, per_minute: float, burst: int, max_clients: int = 10000,
                 clock: Callable[[], float] = time.monotonic):
        self.rate = float(per_minute) / 60.0
        self.burst = float(burst)
        self.max_clients = int(max_clients)
        self.clock = clock
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> Tuple[bool, int]:
        """(allowed, seconds to wait before the next message is allowed)."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        wait = 0 if allowed else max(1, int((1.0 - tokens) / self.rate + 0.999))
        return allowed, wait
