"""Statistics and report helpers of the benchmark (bench/): no servers needed."""

import pytest

from bench.report import CHANGES_HEADING, END, START, update_doc
from bench.stats import Sample, percentile, ratio, summarize


def test_percentile_interpolates_between_ranks():
    values = [10, 20, 30, 40]  # unsorted input must not matter either
    assert percentile(reversed(values), 0) == 10
    assert percentile(values, 100) == 40
    assert percentile(values, 50) == 25  # mean of the two middle values
    assert percentile(values, 95) == pytest.approx(38.5)  # rank 2.85: 30 + 0.85 * 10
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)


def test_percentile_edge_cases():
    assert percentile([7.5], 99) == 7.5
    assert percentile([3, 1, 2], 50) == 2
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_summary_counts_errors_apart_from_latency():
    samples = [Sample(0.010, True, replies=1), Sample(0.020, True, replies=0),
               Sample(0.030, True, replies=2), Sample(5.0, False, "timeout"),
               Sample(0.001, False, "HTTP 500"), Sample(0.002, False, "HTTP 500")]
    s = summarize(samples, wall_s=2.0)
    assert (s.requests, s.ok, s.errors, s.empty_replies) == (6, 3, 3, 1)
    assert s.error_kinds == {"timeout": 1, "HTTP 500": 2}
    assert s.p50_ms == pytest.approx(20.0)  # failed requests do not shift the percentiles
    assert s.max_ms == pytest.approx(30.0)
    assert s.msgs_per_s == pytest.approx(1.5)  # answered messages per second of wall time


def test_summary_of_only_failures_has_no_percentiles():
    s = summarize([Sample(1.0, False, "timeout")], wall_s=1.0)
    assert s.p50_ms is None and s.p99_ms is None and s.msgs_per_s == 0


def test_ratio():
    assert ratio(60.0, 20.0) == 3.0
    assert ratio(None, 2.0) is None
    assert ratio(1.0, 0) is None


def test_update_doc_replaces_only_the_generated_block(tmp_path):
    doc = tmp_path / "benchmarks.md"
    update_doc(doc, f"{START}\nfirst\n{END}")
    text = doc.read_text()
    assert "first" in text and CHANGES_HEADING in text
    doc.write_text(text + "\n- Cached the knowledge index: p50 40 → 12 ms.\n")
    update_doc(doc, f"{START}\nsecond\n{END}")
    text = doc.read_text()
    assert "second" in text and "first" not in text
    assert "- Cached the knowledge index: p50 40 → 12 ms." in text
    assert text.count(START) == 1 and text.count(END) == 1


def test_cache_stats_sum_the_servers_counters_and_leave_no_file(tmp_path):
    import json

    from bench.cli import cache_stats

    (tmp_path / "cache-stats-11.json").write_text(json.dumps({"caches": {
        "actions.knowledge.formatting._question_in": {"hits": 30, "misses": 10, "size": 10},
        "bot.settings.load": {"hits": 0, "misses": 0, "size": 0}}}))
    (tmp_path / "cache-stats-12.json").write_text(json.dumps({"caches": {
        "actions.knowledge.formatting._question_in": {"hits": 50, "misses": 10, "size": 10}}}))
    stats = cache_stats(tmp_path)
    assert set(stats) == {"actions.knowledge.formatting._question_in"}  # unasked caches left out
    c = stats["actions.knowledge.formatting._question_in"]
    assert (c["hits"], c["misses"]) == (80, 20) and c["hit_share"] == pytest.approx(0.8)
    assert not list(tmp_path.glob("cache-stats-*"))


def test_targets_compare_with_the_reference_and_count_every_errors():
    from bench.report import MB, targets

    ref = {"single": {"p50_ms": 100, "p95_ms": 200}, "multi_20": {"msgs_per_s": 10},
           "rss_peak_total": 1000 * MB, "cold_start_s": 20}
    vb = {"single": {"p50_ms": 41, "p95_ms": 150, "errors": 0},
          "multi_20": {"msgs_per_s": 35, "errors": 0}, "multi_50": {"msgs_per_s": 30, "errors": 2},
          "rss_peak_total": 600 * MB, "cold_start_s": 8}
    got = {name: status for name, _, status in
           targets({"config": {"users": [20, 50]}, "reference": ref, "vraagbaak": vb})}
    assert got["20 users: msgs/s ≥ 3.5× reference"] == "PASS"
    assert got["One user: p50 ≤ 0.4× reference"] == "MISS"  # 0.41×
    assert got["One user: p95 ≤ 1.0× reference"] == "PASS"
    assert got["Peak RSS of all servers ≤ 0.6× reference"] == "PASS"
    assert got["Cold start ≤ 0.4× reference"] == "PASS"
    assert got["Vraagbaak: 0 errors in every scenario"] == "MISS"  # the 50-user run had 2
