"""The operator dashboard's look-ups, behind the admin token: `GET /admin/overview` (counters from the
store), `GET /admin/runner/{user_id}` (one runner's interactions, feed and nearest neighbours).
One shoe's similar and co-liked shoes come from the public `GET /v1/shoes/{id}/similar`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, HTTPException, Path, Request, Response
from pydantic import BaseModel, Field

from src.api.deps import FeedDep, StoreDep
from src.api.ops import AdminDep
from src.api.schemas import MAX_USER_ID
from src.serving.feed import FeedUnavailable
from src.serving.feed_pages import FeedPage, feed_body
from src.store import StoreError

JSON = "application/json"
NEIGHBOURS_SHOWN = 10

router = APIRouter(prefix="/admin", tags=["operations"])


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


@router.get(
    "/overview",
    response_model=OverviewResponse,
    summary="Counters: runners, shoes, likes and ratings (all and today)",
    responses={503: {"description": "The store is unreachable"}},
)
def admin_overview(_: AdminDep, store: StoreDep) -> Response:
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
    user_id: Annotated[int, Path(ge=1, le=MAX_USER_ID)], request: Request, _: AdminDep, feed: FeedDep
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
