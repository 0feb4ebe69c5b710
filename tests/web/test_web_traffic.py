"""Latency percentiles from a cumulative histogram, on hand-checkable cases, and the per-endpoint
summary of Prometheus samples."""

from __future__ import annotations

import math

import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram

from src.api.traffic import histogram_quantile, summarise

INF = math.inf


def test_quantile_interpolates_inside_the_bucket() -> None:
    bounds, counts = [0.1, 0.2, INF], [10, 20, 20]
    assert histogram_quantile(bounds, counts, 0.5) == pytest.approx(0.1)  # rank 10: top of bucket 1
    assert histogram_quantile(bounds, counts, 0.25) == pytest.approx(0.05)  # rank 5 of 10 in (0, 0.1]
    assert histogram_quantile(bounds, counts, 0.75) == pytest.approx(0.15)  # rank 15: half of (0.1, 0.2]


def test_quantile_in_the_inf_bucket_is_the_highest_finite_bound() -> None:
    assert histogram_quantile([0.1, 0.2, INF], [10, 10, 20], 0.9) == pytest.approx(0.2)


def test_quantile_skips_empty_buckets() -> None:
    # nothing in (0.1, 0.2]; rank 15 lies in (0.2, 0.4]: 0.2 + 0.2 * (15 - 10) / 10
    assert histogram_quantile([0.1, 0.2, 0.4, INF], [10, 10, 20, 20], 0.75) == pytest.approx(0.3)


def test_quantile_of_an_empty_histogram_is_none_and_bad_input_is_refused() -> None:
    assert histogram_quantile([0.1, INF], [0, 0], 0.5) is None
    with pytest.raises(ValueError, match="q must be"):
        histogram_quantile([0.1, INF], [1, 1], 1.0)
    with pytest.raises(ValueError, match="Inf"):
        histogram_quantile([0.1, 0.2], [1, 1], 0.5)


def test_summary_per_endpoint() -> None:
    registry = CollectorRegistry()
    requests = Counter("sonix_http_requests_total", "", ["route", "method", "status"], registry=registry)
    latency = Histogram(
        "sonix_http_request_duration_seconds", "", ["route", "method"], buckets=(0.01, 0.1), registry=registry
    )
    requests.labels("/interact", "POST", "200").inc(3)
    requests.labels("/interact", "POST", "422").inc(1)
    requests.labels("/interact", "POST", "503").inc(1)
    requests.labels("/health", "GET", "200").inc(2)
    for seconds in (0.005, 0.005, 0.05, 0.05):
        latency.labels("/interact", "POST").observe(seconds)
    rows = {(r["route"], r["method"]): r for r in summarise(registry.collect())}
    interact = rows[("/interact", "POST")]
    assert (interact["requests"], interact["errors_4xx"], interact["errors_5xx"]) == (5, 1, 1)
    assert interact["p50_ms"] == pytest.approx(10.0)  # rank 2 of 4: top of (0, 10 ms]
    assert interact["p90_ms"] == pytest.approx(10 + 90 * (3.6 - 2) / 2)
    health = rows[("/health", "GET")]
    assert health["requests"] == 2 and health["p50_ms"] is None  # no latency observed
