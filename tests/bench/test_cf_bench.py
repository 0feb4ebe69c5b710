"""The shoe benchmark reports the machine's own jitter beside the query latency (small sizes only)."""

from __future__ import annotations

from bench.cf_bench import bench_shoes, involuntary_switches, reference_work, steal_seconds


def test_reference_work_is_a_fixed_job() -> None:
    assert reference_work() == reference_work()


def test_machine_counters_only_grow() -> None:
    steal, switches = steal_seconds(), involuntary_switches()
    reference_work()
    assert 0.0 <= steal <= steal_seconds()
    assert 0 <= switches <= involuntary_switches()


def test_bench_shoes_reports_the_reference_beside_the_queries() -> None:
    res = bench_shoes(2_000, 40, workers=1)
    assert 0 < res["p50_ms"] <= res["p99_ms"] <= res["max_ms"]
    assert 0 < res["ref_p50_ms"] <= res["ref_p99_ms"]
    assert 0 <= res["queries_preempted"] <= 40
    assert res["steal_s"] >= 0.0
    # a worker follows the delta by assignments and holds the CT's arrays bit for bit
    assert res["delta_format"] == 2 and res["follow_identical"] is True
    assert 0 < res["delta_item_kb"] < res["delta_weights_kb"]
    assert 0 < res["follow_apply_median_ms"] <= res["follow_median_ms"]
