"""POST /interact and GET /recommend/feed/{user_id}.

Both read or write the store through the worker's feed service (`serving.feed`): the writes of one
event-loop turn share one transaction, and on PostgreSQL the feed reads of one turn share one
statement (`serving.turn_batch`), awaited on the event loop; the embedded store's statements are
local calls made on the loop; Supabase's calls run in the thread pool. Each write's answer is ranked
on the event loop from the rows its write returned. Responses are pre-serialised bytes (no
jsonable_encoder pass)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, Response

from src.api.deps import FeedDep, SettingsDep
from src.api.errors import problem_responses
from src.api.ratelimit import WriteLimit
from src.api.schemas import MAX_USER_ID, FeedResponse, Interaction, LikeInteraction
from src.api.security import RunnerKey
from src.api.strict_json import StrictJSONRoute
from src.serving.feed import FeedUnavailable
from src.serving.feed_pages import FeedPage, etag_matches, etag_of
from src.store import UnknownShoeError, Write

router = APIRouter(tags=["collaborative"], route_class=StrictJSONRoute)

JSON = "application/json"


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
        payload = await feed.page(content, user_id, page)
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
