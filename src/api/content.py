"""Questionnaire endpoints: `POST /recommend/road` and `POST /recommend/trail`.

The models come from `app.state.content[shoe_type]` (set by the app at start-up and on admin
reload via `load_content_model`); None there means "not trained" and gives a 503 telling the
operator what to run.

The routes are `async def` on purpose: the work is ~tens of µs of NumPy that never blocks on I/O,
so running it on the event loop is cheaper than a hop to the threadpool (which a plain `def`
route would cost on every request). The body is pre-serialised bytes (orjson fragments cached per
shoe at load time) returned in a plain `Response`, bypassing `jsonable_encoder`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Request, Response

from src.api.errors import problem_responses
from src.api.schemas import MAX_USER_ID, ContentResponse
from src.api.security import ReadKey, has_runner_key
from src.api.strict_json import StrictJSONRoute
from src.recommender.road_recommender import RoadQuestionnaire
from src.recommender.trail_recommender import TrailQuestionnaire

router = APIRouter(prefix="/recommend", tags=["content-based"], route_class=StrictJSONRoute)

_RESPONSES = problem_responses(400, 413, 422, 503)
_EMPTY = Body(None, description="The answers; every field optional, an empty body or {} is allowed")
# Optional: who asked. The answer is the same with or without it; with it, what was shown is
# recorded for the online metrics (docs/online_evaluation.md). Bodies are unchanged.
UserIdQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_USER_ID,
        description="The runner asking, if known: the shoes shown are recorded for online evaluation "
        "(the answer is the same without it). When API_KEY is set it is recorded only with a valid client "
        "key, and ignored without one",
    ),
]


def _record(request: Request, model: Any, answers: dict[str, Any], user_id: int | None) -> None:
    """Buffer the shoes this answer shows to a known runner (an append; written off the request path)."""
    feed = getattr(request.app.state, "feed", None)
    if user_id is None or feed is None or feed.impressions is None or not has_runner_key(request):
        return
    idx, _, _ = model.rank(model.query(answers))
    shoes = tuple(model.shoe_ids[i] for i in idx.tolist())
    feed.impressions.add(
        user_id, "questionnaire", getattr(model, "version", None), feed.versions.arms.arm_of(user_id), shoes
    )


def _model(request: Request, shoe_type: str) -> Any:
    model = (getattr(request.app.state, "content", None) or {}).get(shoe_type)
    if model is None:
        raise HTTPException(
            status_code=503,
            detail=(
                f"No trained {shoe_type} model is available; "
                f"run `python -m src.training.training_engine --type {shoe_type}`"
            ),
        )
    return model


@router.post(
    "/road", response_model=ContentResponse, responses=_RESPONSES, summary="Road shoes for a questionnaire"
)
async def recommend_road(
    request: Request,
    _: ReadKey,
    answers: RoadQuestionnaire | None = _EMPTY,
    user_id: UserIdQuery = None,
) -> Response:
    """Every field is optional; an empty body or `{}` returns the default list (central daily
    trainers). `?user_id=` (optional) records what was shown to that runner."""
    model = _model(request, "road")
    given = answers.__dict__ if answers is not None else {}
    body = model.recommend_json(given)
    _record(request, model, given, user_id)
    return Response(content=body, media_type="application/json")


@router.post(
    "/trail", response_model=ContentResponse, responses=_RESPONSES, summary="Trail shoes for a questionnaire"
)
async def recommend_trail(
    request: Request,
    _: ReadKey,
    answers: TrailQuestionnaire | None = _EMPTY,
    user_id: UserIdQuery = None,
) -> Response:
    """Every field is optional; an empty body or `{}` returns the default list (central daily
    trainers). `?user_id=` (optional) records what was shown to that runner."""
    model = _model(request, "trail")
    given = answers.__dict__ if answers is not None else {}
    body = model.recommend_json(given)
    _record(request, model, given, user_id)
    return Response(content=body, media_type="application/json")
