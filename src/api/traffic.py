"""Per-endpoint traffic from the Prometheus metrics: request counts, error counts and latency
percentiles, for the operator dashboard (`GET /admin/traffic`).

The percentiles are estimated from the cumulative latency histogram the way Prometheus'
`histogram_quantile` does it: find the bucket holding the q-th observation and interpolate
linearly inside it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from prometheus_client.metrics_core import Metric

from src.metrics import collected_registry

QUANTILES = (0.5, 0.9, 0.99)
# Routes where 404 is an ordinary answer, not an error: a new runner's feed before their first
# like, a runner without a saved questionnaire. Counted apart (`expected_404`), not in `errors_4xx`.
EXPECTED_404_ROUTES = frozenset(
    {
        "/recommend/feed/{user_id}",  # the route template: one label for /v1 and the alias
        "/users/{user_id}/questionnaire",
    }
)


def histogram_quantile(upper_bounds: Sequence[float], cumulative: Sequence[float], q: float) -> float | None:
    """The q-quantile (0 < q < 1) of a cumulative histogram whose last bound is +Inf.

    Inside the bucket (lo, hi] holding the rank q·total the value is interpolated linearly (the
    first bucket's lower edge is 0); a rank in the +Inf bucket returns the highest finite bound.
    None when the histogram is empty."""
    if not 0.0 < q < 1.0:
        raise ValueError(f"q must be strictly between 0 and 1, got {q}")
    bounds = np.asarray(upper_bounds, dtype=np.float64)
    counts = np.asarray(cumulative, dtype=np.float64)
    if bounds.shape != counts.shape or bounds.size == 0 or not math.isinf(bounds[-1]):
        raise ValueError("expected matching bounds and counts ending with the +Inf bucket")
    total = float(counts[-1])
    if total <= 0:
        return None
    rank = q * total
    i = int(np.searchsorted(counts, rank, side="left"))
    if i >= bounds.size - 1:
        return float(bounds[-2]) if bounds.size > 1 else None
    lo = 0.0 if i == 0 else float(bounds[i - 1])
    below = 0.0 if i == 0 else float(counts[i - 1])
    in_bucket = float(counts[i]) - below
    if in_bucket <= 0:
        return float(bounds[i])
    return lo + (float(bounds[i]) - lo) * (rank - below) / in_bucket


def summarise(metrics: Iterable[Metric]) -> list[dict[str, Any]]:
    """One row per (route, method): requests, 4xx and 5xx counts (expected 404s apart), latency
    percentiles in ms."""
    requests: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    buckets: dict[tuple[str, str], dict[float, float]] = defaultdict(lambda: defaultdict(float))
    for metric in metrics:
        for sample in metric.samples:
            labels = sample.labels
            if sample.name == "sonix_http_requests_total":
                key = (labels["route"], labels["method"])
                status = labels.get("status", "")
                requests[key]["requests"] += sample.value
                if status == "404" and key[0] in EXPECTED_404_ROUTES and key[1] == "GET":
                    requests[key]["expected_404"] += sample.value
                elif status.startswith("4"):
                    requests[key]["errors_4xx"] += sample.value
                elif status.startswith("5"):
                    requests[key]["errors_5xx"] += sample.value
            elif sample.name == "sonix_http_request_duration_seconds_bucket":
                key = (labels["route"], labels["method"])
                buckets[key][float(labels["le"])] += sample.value  # summed over workers
    rows: list[dict[str, Any]] = []
    for key in sorted(set(requests) | set(buckets)):
        route, method = key
        row: dict[str, Any] = {
            "route": route,
            "method": method,
            "requests": int(requests[key]["requests"]),
            "errors_4xx": int(requests[key]["errors_4xx"]),
            "errors_5xx": int(requests[key]["errors_5xx"]),
            "expected_404": int(requests[key]["expected_404"]),
        }
        hist = buckets.get(key)
        for q in QUANTILES:
            value = None
            if hist and math.inf in hist:
                bounds = sorted(hist)
                value = histogram_quantile(bounds, [hist[b] for b in bounds], q)
            row[f"p{round(q * 100)}_ms"] = None if value is None else round(value * 1000, 2)
        rows.append(row)
    return rows


def traffic() -> list[dict[str, Any]]:
    return summarise(collected_registry().collect())  # every worker's samples, as /metrics shows them
