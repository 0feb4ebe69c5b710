"""Health, readiness, metrics and the admin endpoints."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, HTTPException, Query, Request, Response

from src.api.deps import FeedDep, SettingsDep, StoreDep
from src.api.errors import problem, problem_responses
from src.api.schemas import (
    HealthResponse,
    LiveResponse,
    ModelStatusResponse,
    OnlineMetricsResponse,
    ReadyResponse,
    ReloadResponse,
)
from src.api.security import AdminToken
from src.api.state import app_state
from src.config import Settings
from src.engine.versions import REFUSALS_COUNTED, age_s, consecutive_refusals, gate_view, rebuild_status
from src.metrics import metrics_payload
from src.store import StoreError
from src.store.rows import version_label

log = logging.getLogger("sonix")

# Health and probes: open (no key), served under /v1 and, for probes and monitors, unversioned.
health_router = APIRouter(tags=["health"])
# Admin: its own token; under /v1 (the unversioned paths are deprecated aliases).
admin_router = APIRouter(prefix="/admin", tags=["admin"])
# Not part of the public contract: the Prometheus scrape.
internal_router = APIRouter(include_in_schema=False)
JSON = "application/json"

# The public view of the last rebuild: its failure reason can name internals, so only the admin
# status shows that.
_PUBLIC_REBUILD_FIELDS = ("outcome", "mode", "version", "duration_s", "finished_at", "parent_version")


@internal_router.get("/metrics")
def metrics() -> Response:
    return Response(metrics_payload(), media_type="text/plain; version=0.0.4; charset=utf-8")


def _content_versions(request: Request) -> dict[str, str | None]:
    return {
        t: (getattr(m, "version", None) if m is not None else None)
        for t, m in app_state(request).content.items()
    }


@health_router.get("/health", response_model=HealthResponse, summary="Service health")
async def health(request: Request, feed: FeedDep, settings: SettingsDep) -> Response:
    """Liveness plus the shared continuous-training progress (the same whichever worker answers,
    at most HEALTH_CACHE_S behind other workers' writes; no store query per call under load).
    `degraded` while the data store does not answer (the reason is in the log, not here)."""
    snapshot = feed.snapshot
    progress = feed.progress
    if progress.claim_refresh():
        await asyncio.to_thread(progress.refresh, feed.store)
    ct = progress.view()
    body: dict[str, Any] = {
        "status": "healthy",
        "worker_pid": os.getpid(),
        "store": feed.store.backend,
        "reload_generation": feed.versions.reload_generation,  # the newest admin reload this worker has applied
    }
    if ct.store_error is not None:
        log.warning("health: store unavailable: %s", ct.store_error)  # the details stay in the log
        body.update(status="degraded", ct_sync_progress=f"?/{settings.ct_threshold}")
    else:
        pending = "?" if ct.pending is None else ct.pending
        body["ct_sync_progress"] = f"{pending}/{settings.ct_threshold}"
        body["ct_rebuilds_claimed"] = ct.rebuilds_claimed
    body["cf_engine"] = (
        {
            "version": snapshot.version,
            "users": int(snapshot.engine.n_users),  # a mapped copy holds no runner ids
            "shoes": int(snapshot.shoe_ids.size),
            "last_event_id": snapshot.last_event_id,
            "ndcg_at_10": snapshot.manifest.get("evaluation", {}).get("ndcg"),
        }
        if snapshot
        else None
    )
    body["content_models"] = _content_versions(request)
    body["cf_publication"] = gate_view(feed.versions.refusals, snapshot, settings.gate_stall_after)
    last = rebuild_status(feed.versions.last_rebuild)
    body["last_rebuild"] = {k: last.get(k) for k in _PUBLIC_REBUILD_FIELDS} if last else None
    return Response(orjson.dumps(body), media_type=JSON)


@health_router.get("/health/live", response_model=LiveResponse, summary="Liveness probe")
async def live() -> Response:
    return Response(b'{"status":"alive"}', media_type=JSON)


@health_router.get(
    "/health/ready", response_model=ReadyResponse, responses=problem_responses(503), summary="Readiness probe"
)
def ready(request: Request, feed: FeedDep, store: StoreDep) -> Response:
    """Ready = every pipeline's artifacts are loaded and the store answers (else 503 with reasons)."""
    problems = [f"no {t} content model loaded" for t, m in app_state(request).content.items() if m is None]
    if feed.snapshot is None:
        problems.append("no collaborative snapshot loaded")
    try:
        store.ping()
        feed.progress.observe_ok()
    except StoreError as exc:
        feed.progress.observe_failure(exc)
        log.warning("ready: store unavailable: %s", exc)
        problems.append("the data store is unavailable")
    if problems:
        return problem(503, "; ".join(problems))
    return Response(b'{"status":"ready"}', media_type=JSON)


_ADMIN_RESPONSES = problem_responses(401, 403)


@admin_router.post(
    "/reload-model",
    response_model=ReloadResponse,
    responses=problem_responses(401, 403, 503),
    summary="Reload every model",
)
async def reload_model(request: Request, _: AdminToken, feed: FeedDep, settings: SettingsDep) -> Response:
    """Load the newest valid artifacts of every pipeline here now, and in every other worker of
    every replica within SNAPSHOT_POLL_S (they watch the reload generation in the store)."""
    try:
        generation = await asyncio.to_thread(feed.store.bump_reload_generation)
    except StoreError as exc:
        raise HTTPException(503, detail=f"the reload could not be announced to the replicas: {exc}") from exc
    feed.versions.reload_generation = generation
    await asyncio.to_thread(app_state(request).reload_models)
    body = {"status": "reloaded", "generation": generation, "serving": _serving(request, settings)}
    return Response(orjson.dumps(body), media_type=JSON)


def _serving(request: Request, settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for shoe_type, model in app_state(request).content.items():
        manifest = getattr(model, "manifest", None) or {}
        out[shoe_type] = (
            {
                "version": getattr(model, "version", None),
                "age_s": age_s(manifest.get("created_at")),
                "metrics": {
                    k: manifest.get(k)
                    for k in ("final_loss", "final_mae", "silhouette", "cluster_sizes")
                    if k in manifest
                },
            }
            if model is not None
            else None
        )
    snapshot = app_state(request).feed.snapshot
    out["cf"] = (
        {
            "version": snapshot.version,
            "age_s": age_s(snapshot.manifest.get("created_at")),
            "mode": snapshot.manifest.get("mode"),
            "metrics": snapshot.manifest.get("evaluation"),
            "n_users": snapshot.manifest.get("n_users"),
        }
        if snapshot is not None
        else None
    )
    return out


@admin_router.get(
    "/model-status", response_model=ModelStatusResponse, responses=_ADMIN_RESPONSES, summary="Serving models"
)
def model_status(request: Request, _: AdminToken, feed: FeedDep, settings: SettingsDep) -> Response:
    """What this worker serves, and from the store: the last rebuild in full, the claims and every
    live process of every replica with the CF version it serves; the store's error in full when it
    does not answer (this token-protected route is the place for internals)."""
    body: dict[str, Any] = {"serving": _serving(request, settings)}
    store = feed.store
    try:
        found = store.cf_versions(REFUSALS_COUNTED)
        body["last_rebuild"] = rebuild_status(found[0] if found else None)
        body["cf_publication"] = gate_view(
            consecutive_refusals(found), feed.snapshot, settings.gate_stall_after
        )
        ct = store.ct_state()
        poll = store.ct_poll()
        body["ct"] = {
            "progress": f"{ct.pending}/{settings.ct_threshold}",
            "rebuilds_claimed": ct.rebuilds_claimed,
            "claims_handled": poll.claims_handled,
            "max_event_id": ct.max_event_id,
            "published_version": None if poll.version_id is None else version_label(poll.version_id),
            "reload_generation": poll.reload_generation,
        }
        body["processes"] = [
            {
                "role": p.role,
                "host": p.host,
                "pid": p.pid,
                "state": p.state,
                "cf_version": None if p.cf_version is None else version_label(p.cf_version),
                "age_s": p.age_s,
            }
            for p in store.serving_processes(3 * settings.heartbeat_s + 5)
        ]
    except StoreError as exc:
        body["last_rebuild"] = rebuild_status(feed.versions.last_rebuild)
        body["cf_publication"] = gate_view(feed.versions.refusals, feed.snapshot, settings.gate_stall_after)
        body["ct"] = {"error": str(exc)}
    return Response(orjson.dumps(body, default=str), media_type=JSON)


_FRESH_LOCK = threading.Lock()  # one fresh computation at a time per worker (seconds of CPU)


def _history_point(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "computed_at": report.get("computed_at"),
        "arms": {
            arm: {
                "runners": m.get("runners"),
                "positive_feedback_rate": m.get("positive_feedback_rate"),
                "hit_rate_at_10": m.get("hit_rate_at_10"),
            }
            for arm, m in (report.get("arms") or {}).items()
        },
        "leader": (report.get("comparison") or {}).get("leader"),
        "significant": (report.get("comparison") or {}).get("significant"),
    }


@admin_router.get(
    "/online-metrics",
    response_model=OnlineMetricsResponse,
    responses=problem_responses(401, 403, 422, 503),
    summary="Online metrics per arm and model version",
)
async def online_metrics(
    _: AdminToken,
    feed: FeedDep,
    settings: SettingsDep,
    history: Annotated[int, Query(ge=0, le=500, description="older reports to include (for a chart)")] = 20,
    fresh: Annotated[
        bool,
        Query(description="compute a report now (and store it) instead of reading the CT process's newest"),
    ] = False,
) -> Response:
    """What runners did with what they were shown, per A/B arm and per model version, each metric with
    a 95 % interval, and which arm leads (never before EXPERIMENT_MIN_RUNNERS per arm). The CT process
    computes a report every ONLINE_METRICS_EVERY_S; `fresh=true` computes one now."""
    from src.engine.online import refresh_online_metrics

    def read() -> list[dict[str, Any]]:
        if fresh:
            if _FRESH_LOCK.acquire(blocking=False):
                try:
                    if feed.impressions is not None:
                        feed.impressions.flush()  # this worker's buffered pages count too
                    refresh_online_metrics(feed.store, settings)
                finally:
                    _FRESH_LOCK.release()
            else:  # one is being computed in this worker: wait for it and read it, never pile up
                with _FRESH_LOCK:
                    pass
        return feed.store.online_reports(history + 1)

    try:
        reports = await asyncio.to_thread(read)
    except StoreError as exc:
        raise HTTPException(
            503, detail=f"the online metrics could not be read from the store: {exc}"
        ) from exc
    body = {
        "latest": reports[0] if reports else None,
        "history": [_history_point(r) for r in reports[1:]],
    }
    return Response(orjson.dumps(body), media_type=JSON)
