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

from src.recommender.road_recommender import RoadQuestionnaire
from src.recommender.trail_recommender import TrailQuestionnaire

router = APIRouter(prefix="/recommend", tags=["content-based"])

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The top 10 shoes, best first",
        "content": {
            "application/json": {
                "example": {
                    "status": "success",
                    "data": [
                        {
                            "shoe_id": "R001",
                            "name": "Pegasus 37",
                            "brand": "Nike",
                            "cluster": 2,
                            "match_score": 0.91,
                        }
                    ],
                }
            }
        },
    },
    422: {"description": "An answer outside the accepted values, or an unknown field"},
    503: {"description": "No trained model of this type is loaded"},
}


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


@router.post("/road", responses=_RESPONSES, summary="Road shoes for a questionnaire")
async def recommend_road(request: Request, answers: RoadQuestionnaire | None = Body(None)) -> Response:  # noqa: B008
    """Every field is optional; an empty body or `{}` returns the default list (central daily
    trainers)."""
    model = _model(request, "road")
    body = model.recommend_json(answers.__dict__ if answers is not None else {})
    return Response(content=body, media_type="application/json")


@router.post("/trail", responses=_RESPONSES, summary="Trail shoes for a questionnaire")
async def recommend_trail(request: Request, answers: TrailQuestionnaire | None = Body(None)) -> Response:  # noqa: B008
    """Every field is optional; an empty body or `{}` returns the default list (central daily
    trainers)."""
    model = _model(request, "trail")
    body = model.recommend_json(answers.__dict__ if answers is not None else {})
    return Response(content=body, media_type="application/json")
