"""The service's Prometheus metrics, on the ground floor: the API workers and the CT process both
count into them, and neither imports the other to do so.

Under gunicorn, `PROMETHEUS_MULTIPROC_DIR` is set by `src.main` before the workers fork (and the CT
process shares it), and `/metrics` aggregates every process's samples. The impression buffer keeps
its own counter beside it (`src/serving/impressions.py`).
"""

from __future__ import annotations

import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess as prom_mp

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

# HTTP (src/api/observability.py)
HTTP_REQUESTS = Counter("sonix_http_requests_total", "HTTP requests", ["route", "method", "status"])
HTTP_LATENCY = Histogram(
    "sonix_http_request_duration_seconds",
    "HTTP request latency",
    ["route", "method"],
    buckets=_LATENCY_BUCKETS,
)
# Writes (src/api/collaborative.py)
INTERACTIONS = Counter("sonix_interactions_recorded_total", "Interactions recorded", ["action", "changed"])
# Continuous training (src/ct/loop.py)
CT_REBUILDS = Counter("sonix_ct_rebuilds_total", "Continuous-training rebuilds", ["mode", "outcome"])
CT_REBUILD_SECONDS = Histogram(
    "sonix_ct_rebuild_duration_seconds",
    "Continuous-training rebuild duration",
    ["mode"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
# Serving (src/serving/feed.py; the content models from src/api/app.py)
FEED_CACHE = Counter("sonix_feed_cache_requests_total", "Feed cache lookups", ["result"])
MODEL_VERSION = Gauge(
    "sonix_model_version_info",
    "Serving model version (value 1) per pipeline",
    ["pipeline", "version"],
    multiprocess_mode="livemax",
)


def collected_registry() -> CollectorRegistry:
    """Every process's samples when they share `PROMETHEUS_MULTIPROC_DIR`, else this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prom_mp.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def metrics_payload() -> bytes:
    """The Prometheus text exposition of `collected_registry()` (`GET /metrics`)."""
    return generate_latest(collected_registry())


def set_model_version(pipeline: str, version: str | None, previous: str | None = None) -> None:
    if previous and previous != version:
        MODEL_VERSION.labels(pipeline, previous).set(0)
    if version:
        MODEL_VERSION.labels(pipeline, version).set(1)
