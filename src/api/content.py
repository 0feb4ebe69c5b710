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

from typing import Any

from fastapi import APIRouter, Body, HTTPException, Request, Response

from src.api.errors import problem_responses
from src.api.schemas import ContentResponse
from src.api.security import ReadKey
from src.api.strict_json import StrictJSONRoute
from src.recommender.road_recommender import RoadQuestionnaire
from src.recommender.trail_recommender import TrailQuestionnaire

router = APIRouter(prefix="/recommend", tags=["content-based"], route_class=StrictJSONRoute)

_RESPONSES = problem_responses(400, 413, 422, 503)
_EMPTY = Body(None, description="The answers; every field optional, an empty body or {} is allowed")


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
) -> Response:
    """Every field is optional; an empty body or `{}` returns the default list (central daily
    trainers)."""
    model = _model(request, "road")
    body = model.recommend_json(answers.__dict__ if answers is not None else {})
    return Response(content=body, media_type="application/json")


@router.post(
    "/trail", response_model=ContentResponse, responses=_RESPONSES, summary="Trail shoes for a questionnaire"
)
async def recommend_trail(
    request: Request,
    _: ReadKey,
    answers: TrailQuestionnaire | None = _EMPTY,
) -> Response:
    """Every field is optional; an empty body or `{}` returns the default list (central daily
    trainers)."""
    model = _model(request, "trail")
    body = model.recommend_json(answers.__dict__ if answers is not None else {})
    return Response(content=body, media_type="application/json")
