"""POST /interact and GET /recommend/feed/{user_id}.

Both are plain `def` routes: they block on the store, so FastAPI runs them in its thread pool and
the event loop stays free. Responses are pre-serialised bytes (no jsonable_encoder pass).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response

from src.api.deps import FeedDep
from src.api.errors import problem_responses
from src.api.observability import INTERACTIONS
from src.api.ratelimit import InteractionLimit
from src.api.schemas import MAX_USER_ID, FeedResponse, Interaction, LikeInteraction
from src.api.security import ReadKey, WriteKey
from src.serving.feed import FeedUnavailable
from src.store import StoreUnavailable, UnknownShoeError

router = APIRouter(tags=["collaborative"])

JSON = "application/json"


@router.post(
    "/interact",
    response_model=FeedResponse,
    responses=problem_responses(400, 401, 404, 413, 422, 429, 503),
    summary="Record a like or a rating",
)
def interact(body: Interaction, feed: FeedDep, _key: WriteKey, _limit: InteractionLimit) -> Response:
    """Store a like or rating (committed before answering), then return the refreshed top feed."""
    store = feed.store
    try:
        if isinstance(body, LikeInteraction):
            outcome = store.record_like(body.user_id, body.shoe_id)
        else:
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
    responses=problem_responses(401, 404, 422, 503),
    summary="A runner's personalised feed",
)
def get_feed(
    user_id: Annotated[int, Path(ge=1, le=MAX_USER_ID, description="The runner's id")],
    feed: FeedDep,
    _key: ReadKey,
) -> Response:
    """The runner's personalised top feed from similar runners (popular shoes fill any gap)."""
    payload = feed.feed(user_id)
    if payload is None:
        raise HTTPException(404, detail=f"user {user_id} has no interactions yet: like or rate a shoe first")
    return Response(payload, media_type=JSON)
