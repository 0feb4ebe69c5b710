"""POST /interact and GET /recommend/feed/{user_id}.

Both are plain `def` routes: they block on the store, so FastAPI runs them in its thread pool and
the event loop stays free. Responses are pre-serialised bytes (no jsonable_encoder pass).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Annotated, Literal

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from src.api.deps import FeedDep, SettingsDep
from src.api.observability import INTERACTIONS
from src.serving.feed import FeedUnavailable
from src.serving.feed_pages import FeedPage, etag_matches, etag_of, feed_body
from src.store import StoreUnavailable, UnknownShoeError

router = APIRouter(tags=["collaborative"])

JSON = "application/json"


class InteractRequest(BaseModel):
    """One like or one 1-5 star rating."""

    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(gt=0, description="The runner's id (> 0)")
    shoe_id: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", examples=["R001"])
    action_type: Literal["like", "rate"]
    value: int | None = Field(
        default=None, validate_default=True, description="Stars 1-5 for rate; none for like"
    )

    @field_validator("value")
    @classmethod
    def value_matches_action(cls, value: int | None, info: ValidationInfo) -> int | None:
        action = info.data.get("action_type")
        if action == "rate" and (value is None or not 1 <= value <= 5):
            raise ValueError("action_type 'rate' requires value to be an integer from 1 to 5")
        if action == "like" and value is not None:
            raise ValueError("action_type 'like' takes no value (send null or omit it)")
        return value


class FeedItem(BaseModel):
    shoe_id: str
    name: str
    brand: str
    match_score: float
    reason: Literal["similar_runners", "popular", "your_answers"]
    evidence: str = Field(
        description="the numbers behind the reason",
        examples=["liked by 7 of the 40 runners most like you", "popular overall"],
    )
    meets: list[str] | None = Field(None, description="your_answers only: the saved answers this shoe meets")
    misses: list[str] | None = Field(None, description="your_answers only: the saved answers it misses")


class FeedResponse(BaseModel):
    status: Literal["success"]
    source: Literal["collaborative", "questionnaire"]
    cf_version: str | None
    limit: int
    offset: int
    total: int | None = Field(
        description="items in the whole ranking (after the type filter); null when only the pages up to "
        "this one were ranked (always set with `type`)"
    )
    has_more: bool
    notice: str | None = Field(
        None, description="set when the page is popular shoes only, nothing is left, or it is a cold start"
    )
    data: list[FeedItem]


class _RateLimiter:
    """Sliding one-minute window per client IP, per worker (so the effective limit is per worker)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - 60.0:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False
            hits.append(now)
            return True


def _check_rate_limit(request: Request, limit: int | None) -> None:
    if not limit:
        return
    limiter = getattr(request.app.state, "rate_limiter", None)
    if limiter is None or limiter.per_minute != limit:
        limiter = request.app.state.rate_limiter = _RateLimiter(limit)
    client = request.client.host if request.client else "unknown"
    if not limiter.allow(client):
        raise HTTPException(429, detail=f"rate limit exceeded: at most {limit} interactions per minute")


@router.post(
    "/interact",
    response_model=FeedResponse,
    responses={404: {"description": "Unknown shoe"}, 422: {"description": "Malformed body"}, 503: {}},
)
def interact(body: InteractRequest, request: Request, feed: FeedDep, settings: SettingsDep) -> Response:
    """Store a like or rating (committed before answering), then return the refreshed top feed."""
    _check_rate_limit(request, settings.interact_rate_limit_per_min)
    store = feed.store
    try:
        if body.action_type == "like":
            outcome = store.record_like(body.user_id, body.shoe_id)
        else:
            assert body.value is not None
            outcome = store.record_rating(body.user_id, body.shoe_id, body.value)
    except UnknownShoeError:
        raise HTTPException(
            404, detail=f"shoe_id: unknown shoe {body.shoe_id!r} (catalog ids look like R001 or T001)"
        ) from None
    except StoreUnavailable as exc:
        feed.progress.observe_failure(exc)  # /health says degraded without asking the store again
        raise
    feed.progress.observe_write(outcome)
    INTERACTIONS.labels(body.action_type, "true" if outcome.changed else "false").inc()
    try:
        payload = feed.after_write(body.user_id, outcome.user)
    except FeedUnavailable as exc:
        raise HTTPException(503, detail=f"interaction stored, but {exc}") from exc
    return Response(payload, media_type=JSON)


@router.get(
    "/recommend/feed/{user_id}",
    response_model=FeedResponse,
    responses={
        304: {"description": "Not modified: the If-None-Match ETag still matches this page"},
        404: {"description": "A runner with neither interactions nor a saved questionnaire"},
        422: {"description": "A paging or type parameter outside its accepted values"},
        503: {},
    },
)
def recommend_feed(
    user_id: Annotated[int, Path(gt=0)],
    request: Request,
    feed: FeedDep,
    settings: SettingsDep,
    limit: Annotated[int | None, Query(ge=1, le=100, description="page size (default FEED_SIZE)")] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    shoe_type: Annotated[Literal["road", "trail"] | None, Query(alias="type")] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The runner's personalised feed from similar runners (popular shoes fill any gap), a page at a
    time; pages are slices of one ranking, stable for one CF version. Each item says why (`reason`,
    `evidence`). A runner without interactions but with a saved questionnaire gets a feed from it."""
    page = FeedPage(limit or settings.feed_size, offset, shoe_type)
    try:
        payload = feed_body(feed, getattr(request.app.state, "content", None) or {}, user_id, page)
    except FeedUnavailable as exc:
        raise HTTPException(503, detail=str(exc)) from exc
    if payload is None:
        raise HTTPException(
            404,
            detail=f"user {user_id} has no interactions yet: like or rate a shoe first, "
            f"or save a questionnaire (PUT /v1/users/{user_id}/questionnaire)",
        )
    etag = etag_of(payload)
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return Response(payload, media_type=JSON, headers={"ETag": etag})
