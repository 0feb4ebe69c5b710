"""Health, readiness, metrics and the admin endpoints."""

from __future__ import annotations

import asyncio
import hmac
import os
import time
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response

from src.api.deps import FeedDep, SettingsDep, StoreDep
from src.api.observability import metrics_payload
from src.config import Settings
from src.serving.versions import rebuild_status
from src.store import StoreError
from src.store.base import version_label

router = APIRouter(tags=["operations"])
JSON = "application/json"


def _content_versions(request: Request) -> dict[str, str | None]:
    return {
        t: (getattr(m, "version", None) if m is not None else None)
        for t, m in request.app.state.content.items()
    }


@router.get("/health")
async def health(request: Request, feed: FeedDep, settings: SettingsDep) -> Response:
    """Liveness plus the shared continuous-training progress (the same whichever worker answers,
    at most HEALTH_CACHE_S behind other workers' writes; no store query per call under load)."""
    snapshot = feed.snapshot
    progress = feed.progress
    if progress.claim_refresh():
        await asyncio.to_thread(progress.refresh, feed.store)
    ct = progress.view()
    body: dict[str, Any] = {
        "status": "healthy",
        "worker_pid": os.getpid(),
        "store": feed.store.backend,
        "reload_generation": feed.reload_generation,  # the newest admin reload this worker has applied
    }
    if ct.store_error is not None:
        body.update(
            status="degraded", ct_sync_progress=f"?/{settings.ct_threshold}", store_error=ct.store_error
        )
    else:
        pending = "?" if ct.pending is None else ct.pending
        body["ct_sync_progress"] = f"{pending}/{settings.ct_threshold}"
        body["ct_rebuilds_claimed"] = ct.rebuilds_claimed
    body["cf_engine"] = (
        {
            "version": snapshot.version,
            "users": int(snapshot.user_ids.size),
            "shoes": int(snapshot.shoe_ids.size),
            "last_event_id": snapshot.last_event_id,
            "ndcg_at_10": snapshot.manifest.get("evaluation", {}).get("ndcg"),
        }
        if snapshot
        else None
    )
    body["content_models"] = _content_versions(request)
    body["last_rebuild"] = rebuild_status(feed.last_rebuild)
    return Response(orjson.dumps(body), media_type=JSON)


@router.get("/health/live")
async def live() -> Response:
    return Response(b'{"status":"alive"}', media_type=JSON)


@router.get("/health/ready")
def ready(request: Request, feed: FeedDep, store: StoreDep) -> Response:
    """Ready = every pipeline's artifacts are loaded and the store answers."""
    problems = [f"no {t} content model loaded" for t, m in request.app.state.content.items() if m is None]
    if feed.snapshot is None:
        problems.append("no collaborative snapshot loaded")
    try:
        store.ping()
        feed.progress.observe_ok()
    except StoreError as exc:
        feed.progress.observe_failure(exc)
        problems.append(f"store unreachable: {exc}")
    if problems:
        return Response(orjson.dumps({"detail": "; ".join(problems)}), status_code=503, media_type=JSON)
    return Response(b'{"status":"ready"}', media_type=JSON)


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(metrics_payload(), media_type="text/plain; version=0.0.4; charset=utf-8")


def require_admin(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """Bearer ADMIN_TOKEN; with no token configured the admin endpoints are disabled, never open."""
    if not settings.admin_token:
        raise HTTPException(403, detail="admin endpoints are disabled: set ADMIN_TOKEN to enable them")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), settings.admin_token.encode()):
        raise HTTPException(
            401,
            detail="a valid 'Authorization: Bearer <ADMIN_TOKEN>' header is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


AdminDep = Annotated[None, Depends(require_admin)]


def _age_s(created_at: str | None) -> float | None:
    if not created_at:
        return None
    try:
        return round(time.time() - datetime.fromisoformat(created_at).astimezone(UTC).timestamp(), 1)
    except ValueError:
        return None


@router.post("/admin/reload-model")
async def reload_model(request: Request, _: AdminDep, feed: FeedDep, settings: SettingsDep) -> Response:
    """Load the newest valid artifacts of every pipeline here now, and in every other worker of
    every replica within SNAPSHOT_POLL_S (they watch the reload generation in the store)."""
    try:
        generation = await asyncio.to_thread(feed.store.bump_reload_generation)
    except StoreError as exc:
        raise HTTPException(503, detail=f"the reload could not be announced to the replicas: {exc}") from exc
    feed.reload_generation = generation
    await asyncio.to_thread(request.app.state.reload_models)
    body = {"status": "reloaded", "generation": generation, "serving": _serving(request, settings)}
    return Response(orjson.dumps(body), media_type=JSON)


def _serving(request: Request, settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for shoe_type, model in request.app.state.content.items():
        manifest = getattr(model, "manifest", None) or {}
        out[shoe_type] = (
            {
                "version": getattr(model, "version", None),
                "age_s": _age_s(manifest.get("created_at")),
                "metrics": {
                    k: manifest.get(k)
                    for k in ("final_loss", "final_mae", "silhouette", "cluster_sizes")
                    if k in manifest
                },
            }
            if model is not None
            else None
        )
    snapshot = request.app.state.feed.snapshot
    out["cf"] = (
        {
            "version": snapshot.version,
            "age_s": _age_s(snapshot.manifest.get("created_at")),
            "mode": snapshot.manifest.get("mode"),
            "metrics": snapshot.manifest.get("evaluation"),
            "n_users": snapshot.manifest.get("n_users"),
        }
        if snapshot is not None
        else None
    )
    return out


@router.get("/admin/model-status")
def model_status(request: Request, _: AdminDep, feed: FeedDep, settings: SettingsDep) -> Response:
    """What this worker serves, and from the store: the last rebuild, the claims and every live
    process of every replica with the CF version it serves."""
    body: dict[str, Any] = {"serving": _serving(request, settings)}
    store = feed.store
    try:
        found = store.cf_versions(1)
        body["last_rebuild"] = rebuild_status(found[0] if found else None)
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
        body["last_rebuild"] = rebuild_status(feed.last_rebuild)
        body["ct"] = {"error": str(exc)}
    return Response(orjson.dumps(body, default=str), media_type=JSON)
