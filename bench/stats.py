"""Statistics for the load generator: percentiles and per-scenario summaries.

Percentiles use linear interpolation between the two nearest ranks (the same definition as
numpy's default and a spreadsheet's PERCENTILE.INC), so p50 of an even-sized sample is the mean
of the two middle values. No numpy needed: the lists are small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile (0 ≤ p ≤ 100) of `values`, linear interpolation between ranks."""
    if not 0 <= p <= 100 or math.isnan(p):
        raise ValueError(f"percentile must be between 0 and 100, got {p}")
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of an empty sample")
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    fraction = rank - low
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    """numerator / denominator, or None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


@dataclass
class Sample:
    """One request of the load generator."""

    latency_s: float
    ok: bool
    error: str = ""  # short reason when not ok ("timeout", "HTTP 500", "ClientConnectorError")
    replies: int = 0  # number of bot messages in the answer


@dataclass
class Summary:
    """What a scenario reports: counts, latency percentiles in ms and throughput."""

    requests: int
    ok: int
    errors: int
    empty_replies: int
    wall_s: float
    msgs_per_s: float
    p50_ms: Optional[float]
    p95_ms: Optional[float]
    p99_ms: Optional[float]
    mean_ms: Optional[float]
    max_ms: Optional[float]
    error_kinds: Dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def summarize(samples: Sequence[Sample], wall_s: float) -> Summary:
    """Summarise a scenario. Latency percentiles and msgs/s count successful requests only;
    failed ones are reported in `errors` (and by kind in `error_kinds`)."""
    good: List[float] = [s.latency_s * 1000.0 for s in samples if s.ok]
    kinds: Dict[str, int] = {}
    for s in samples:
        if not s.ok:
            kinds[s.error or "error"] = kinds.get(s.error or "error", 0) + 1

    def pct(p: float) -> Optional[float]:
        return percentile(good, p) if good else None

    return Summary(
        requests=len(samples),
        ok=len(good),
        errors=len(samples) - len(good),
        empty_replies=sum(1 for s in samples if s.ok and s.replies == 0),
        wall_s=wall_s,
        msgs_per_s=(len(good) / wall_s) if wall_s > 0 else 0.0,
        p50_ms=pct(50),
        p95_ms=pct(95),
        p99_ms=pct(99),
        mean_ms=(sum(good) / len(good)) if good else None,
        max_ms=max(good) if good else None,
        error_kinds=kinds,
    )
