"""The operator dashboard's data (`/admin`, `src/web/`), behind the admin token and outside `/v1`
(tag `operations`):

- `GET /admin/traffic`: requests, errors and latency percentiles per route, from the metrics;
- `GET /admin/history`: the last CT rebuilds with their gate figures, from the store;
- `GET /admin/report/{shoe_type}`: the serving content model's training report (PNG);
- `GET /admin/overview`: counters from the store;
- `GET /admin/runner/{user_id}`: one runner's interactions, feed and nearest neighbours.

One shoe's similar and co-liked shoes come from the public `GET /v1/shoes/{id}/similar`; the
serving models and the CT process from `GET /v1/admin/model-status` (`src/api/ops.py`).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, HTTPException, Path, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from src.api.deps import FeedDep, SettingsDep, StoreDep
from src.api.schemas import MAX_USER_ID
from src.api.security import AdminToken
from src.api.state import app_state
from src.api.traffic import traffic
from src.serving.feed import FeedUnavailable
from src.serving.feed_pages import FeedPage, feed_body
from src.store import Store, StoreError

JSON = "application/json"
NEIGHBOURS_SHOWN = 10
HISTORY_LIMIT = 50

router = APIRouter(prefix="/admin", tags=["operations"])


class TrafficRow(BaseModel):
    route: str
    method: str
    requests: int
    errors_4xx: int
    errors_5xx: int
    expected_404: int = Field(
        0, description="404s that are ordinary answers (a new runner's feed, no saved questionnaire)"
    )
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None


class TrafficResponse(BaseModel):
    collected_at: float = Field(description="Unix time of the reading")
    routes: list[TrafficRow]


class Rebuild(BaseModel):
    version: str
    created_at: str
    mode: str
    outcome: Literal["published", "refused", "failed"]
    duration_s: float | None
    n_users: int | None
    candidate_ndcg: float | None = Field(description="Gate NDCG@10 of the candidate")
    serving_ndcg: float | None = Field(description="Gate NDCG@10 of the serving engine, same slice")
    reason: str | None = Field(description="Why a rebuild was refused or failed")


class HistoryResponse(BaseModel):
    rebuilds: list[Rebuild] = Field(description=f"The last {HISTORY_LIMIT} rebuilds, oldest first")
    gate_tolerance: float | None = Field(
        None,
        description="QUALITY_GATE_TOLERANCE: a candidate this far below the serving NDCG@10 still passes",
    )


class OverviewResponse(BaseModel):
    runners: int = Field(description="runners holding at least one like or rating")
    shoes: int = Field(description="shoes in the catalog")
    likes: int
    ratings: int
    likes_today: int | None = Field(
        description="likes made since midnight UTC; null if the store keeps no times"
    )
    ratings_today: int | None
    since: str = Field(description="midnight UTC, ISO 8601")


class RunnerInteraction(BaseModel):
    shoe_id: str
    name: str | None
    brand: str | None
    action: Literal["like", "rate"]
    value: int | None


class Neighbour(BaseModel):
    user_id: int
    similarity: float = Field(description="cosine of the two runners' sets of liked shoes")
    shared: int = Field(description="liked shoes the two runners have in common")


class RunnerLookup(BaseModel):
    user_id: int
    cf_version: str | None
    interactions: list[RunnerInteraction]
    feed: dict[str, Any] | None = Field(
        description="the runner's feed page as GET /v1/recommend/feed serves it"
    )
    neighbours: list[Neighbour] = Field(
        description=f"the {NEIGHBOURS_SHOWN} runners whose liked shoes (a like or 4+ stars) overlap this "
        "runner's most (cosine of the two sets), best first, read from the store: the served engine weighs "
        "every runner by a power of this kind of similarity"
    )


def _unavailable(exc: StoreError) -> HTTPException:
    return HTTPException(503, detail=f"the store is unavailable: {exc}")


def rebuild_history(store: Store, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The last `limit` finished CT rebuilds as the store recorded them (published, refused or
    failed), oldest first, with the gate's figures: kept when old snapshot files are pruned."""
    rows: list[dict[str, Any]] = []
    for version in reversed(store.cf_versions(limit)):
        gate = version.figures.get("gate") or {}
        rows.append(
            {
                "version": version.label,
                "created_at": version.created_at,
                "mode": version.mode,
                "outcome": version.status,
                "duration_s": version.figures.get("build_seconds"),
                "n_users": version.figures.get("n_users"),
                "candidate_ndcg": gate.get("candidate_ndcg"),
                "serving_ndcg": gate.get("serving_ndcg"),
                "reason": version.reason,
            }
        )
    return rows


@router.get(
    "/traffic",
    response_model=TrafficResponse,
    summary="Requests, errors and latency percentiles per endpoint",
)
def admin_traffic(_: AdminToken) -> Response:
    """Counted since the service started, over every worker; latencies in ms estimated from
    the latency histogram. A client derives request rates from two readings."""
    body = {"collected_at": time.time(), "routes": traffic()}
    return Response(orjson.dumps(body), media_type=JSON)


@router.get(
    "/history",
    response_model=HistoryResponse,
    summary="The last CT rebuilds with outcome, duration and gate figures (from the store)",
    responses={503: {"description": "The store is unreachable"}},
)
def admin_history(_: AdminToken, store: StoreDep, settings: SettingsDep) -> Response:
    try:
        body = {"rebuilds": rebuild_history(store), "gate_tolerance": settings.quality_gate_tolerance}
    except StoreError as exc:
        raise HTTPException(503, detail=f"rebuild history unavailable: {exc}") from exc
    return Response(orjson.dumps(body, default=str), media_type=JSON)


@router.get(
    "/report/{shoe_type}",
    summary="The serving content model's training report (PNG)",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}}}, 404: {"description": "No model or no report"}},
)
def admin_report(
    shoe_type: Literal["road", "trail"], request: Request, _: AdminToken, settings: SettingsDep
) -> FileResponse:
    model = app_state(request).content.get(shoe_type)
    version = getattr(model, "version", None)
    path = settings.artifacts_dir / shoe_type / str(version) / "report.png"
    if not version or not path.is_file():
        raise HTTPException(404, detail=f"no training report for the serving {shoe_type} model")
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})


@router.get(
    "/overview",
    response_model=OverviewResponse,
    summary="Counters: runners, shoes, likes and ratings (all and today)",
    responses={503: {"description": "The store is unreachable"}},
)
def admin_overview(_: AdminToken, store: StoreDep) -> Response:
    since = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        o = store.overview(since)
    except StoreError as exc:
        raise _unavailable(exc) from exc
    body = {
        "runners": o.runners,
        "shoes": o.shoes,
        "likes": o.likes,
        "ratings": o.ratings,
        "likes_today": o.likes_since,
        "ratings_today": o.ratings_since,
        "since": since.isoformat(),
    }
    return Response(orjson.dumps(body), media_type=JSON)


@router.get(
    "/runner/{user_id}",
    response_model=RunnerLookup,
    summary="One runner: interactions, feed and nearest neighbours",
    responses={503: {"description": "The store is unreachable"}},
)
def admin_runner(
    user_id: Annotated[int, Path(ge=1, le=MAX_USER_ID)], request: Request, _: AdminToken, feed: FeedDep
) -> Response:
    """What the store holds for the runner, the feed they are served now, and the runners the
    serving CF version finds most similar (empty without interactions or a CF version)."""
    store = feed.store
    try:
        state = store.user_state(user_id)
        content = getattr(request.app.state, "content", None) or {}
        page = feed_body(feed, content, user_id, FeedPage(feed.settings.feed_size, 0, None))
    except StoreError as exc:
        raise _unavailable(exc) from exc
    except FeedUnavailable as exc:  # no CF version yet: the look-up still shows the rows
        page = orjson.dumps({"error": str(exc)})
    shoes = {s["shoe_id"]: s for s in store.all_shoes()}
    interactions = [
        {
            "shoe_id": r.shoe_id,
            "name": shoes.get(r.shoe_id, {}).get("name"),
            "brand": shoes.get(r.shoe_id, {}).get("brand"),
            "action": r.action,
            "value": r.value,
        }
        for r in state.rows
    ]
    snapshot = feed.snapshot
    neighbours: list[dict[str, Any]] = []
    if state.rows:
        try:
            nearest = store.nearest_runners(user_id, NEIGHBOURS_SHOWN)
        except StoreError as exc:
            raise _unavailable(exc) from exc
        neighbours = [{"user_id": u, "similarity": sim, "shared": shared} for u, sim, shared in nearest]
    body = {
        "user_id": user_id,
        "cf_version": snapshot.version if snapshot is not None else None,
        "interactions": interactions,
        "feed": None if page is None else orjson.loads(page),
        "neighbours": neighbours,
    }
    return Response(orjson.dumps(body), media_type=JSON)
