"""POST /interact and GET /recommend/feed/{user_id}.

Both block on the store. On a store reached over the network (PostgreSQL, Supabase) the store's
work runs in the thread pool so the event loop stays free while a statement waits; on the embedded
store a statement is a sub-millisecond local call and the ranking is CPU work that holds the GIL
either way, so it runs on the event loop and skips the hop (`Store.in_process`). The writes of one
event-loop turn share a transaction (`serving.turn_batch`); each write's answer is ranked on the
event loop from the rows its write returned. Responses are pre-serialised bytes (no
jsonable_encoder pass)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from src.api.deps import FeedDep, SettingsDep
from src.api.errors import problem_responses
from src.api.ratelimit import WriteLimit
from src.api.schemas import MAX_USER_ID, FeedResponse, Interaction, LikeInteraction
from src.api.security import RunnerKey
from src.api.strict_json import StrictJSONRoute
from src.serving.feed import FeedService, FeedUnavailable
from src.serving.feed_pages import (
    FeedPage,
    etag_matches,
    etag_of,
    feed_body,
    page_depth,
    ranking_body,
)
from src.store import UnknownShoeError, Write

router = APIRouter(tags=["collaborative"], route_class=StrictJSONRoute)

JSON = "application/json"

T = TypeVar("T")


async def _on_store(feed: FeedService, work: Callable[..., T], *args: Any) -> T:
    """Run `work`, which reads the store: inline on the embedded store, in the thread pool on a
    network store (see the module docstring)."""
    if feed.store.in_process:
        return work(*args)
    return await run_in_threadpool(work, *args)


async def _newest_event_if_cached(feed: FeedService, user_id: int, depth: int | None) -> int | None:
    """On a network store, when this worker holds a ranking for the page, the runner's newest event
    id (which says whether it is still theirs): the checks of one event-loop turn share one round
    trip, and a page still theirs needs no thread. None otherwise (the embedded store checks inline)."""
    if feed.store.in_process or feed.cached(user_id, depth) is None:
        return None
    return await feed.newest_events.submit(user_id)


@router.post(
    "/interact",
    response_model=FeedResponse,
    responses=problem_responses(400, 404, 413, 422, 429, 503),
    summary="Record a like or a rating",
)
async def interact(body: Interaction, feed: FeedDep, _key: RunnerKey, _limit: WriteLimit) -> Response:
    """Store a like or rating (committed before answering), then return the refreshed top feed."""
    write = Write(
        body.user_id,
        body.shoe_id,
        body.action_type,
        None if isinstance(body, LikeInteraction) else body.value,
    )
    try:
        outcome = await feed.writes.submit(write)
    except UnknownShoeError:
        raise HTTPException(
            404, detail=f"shoe_id: unknown shoe {body.shoe_id!r} (catalog ids look like R001 or T001)"
        ) from None
    return Response(feed.answer(write, outcome), media_type=JSON)


@router.get(
    "/recommend/feed/{user_id}",
    response_model=FeedResponse,
    responses={
        304: {"description": "Not modified: the If-None-Match ETag still matches this page"},
        **problem_responses(404, 422, 503),
    },
    summary="A runner's personalised feed, a page at a time",
)
async def get_feed(
    user_id: Annotated[int, Path(ge=1, le=MAX_USER_ID, description="The runner's id")],
    request: Request,
    feed: FeedDep,
    settings: SettingsDep,
    _key: RunnerKey,
    limit: Annotated[int | None, Query(ge=1, le=100, description="page size (default FEED_SIZE)")] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    shoe_type: Annotated[Literal["road", "trail"] | None, Query(alias="type")] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The runner's personalised feed from similar runners (popular shoes fill any gap), a page at a
    time; pages are slices of one ranking, stable for one CF version. Each item says why (`reason`,
    `evidence`). A runner without interactions but with a saved questionnaire gets a feed from it."""
    page = FeedPage(limit or settings.feed_size, offset, shoe_type)
    content = getattr(request.app.state, "content", None) or {}
    try:
        depth = page_depth(page)
        newest = await _newest_event_if_cached(feed, user_id, depth)
        cached = feed.fresh_cached(user_id, depth, newest) if newest is not None else None
        if cached is not None:
            payload: bytes | None = ranking_body(feed, user_id, cached, page)
        else:
            payload = await _on_store(feed, feed_body, feed, content, user_id, page, newest)
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
