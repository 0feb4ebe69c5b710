"""A runner's own data: take back a like or rating, save a questionnaire, be forgotten.

`DELETE /v1/users/{user_id}/likes/{shoe_id}`, `DELETE /v1/users/{user_id}/ratings/{shoe_id}`,
`PUT|GET /v1/users/{user_id}/questionnaire`, `DELETE /v1/users/{user_id}`. Every change is one store
transaction; removals are events counted towards continuous training, so the runner's own feed
changes at once (its cache is keyed on their newest event) and the next CF version follows.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, HTTPException, Path
from pydantic import BaseModel, ConfigDict, Field

from src.api.deps import FeedDep, StoreDep
from src.api.errors import problem_responses
from src.api.ratelimit import WriteLimit
from src.api.schemas import MAX_USER_ID
from src.api.security import EditKey, RunnerKey
from src.api.strict_json import StrictJSONRoute
from src.recommender.road_recommender import RoadQuestionnaire
from src.recommender.trail_recommender import TrailQuestionnaire
from src.store import RecordOutcome, SavedQuestionnaire, Store

router = APIRouter(prefix="/users", tags=["runners"], route_class=StrictJSONRoute)

UserId = Annotated[int, Path(ge=1, le=MAX_USER_ID, description="The runner's id")]
ShoeId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", examples=["R001"])]


class RoadAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shoe_type: Literal["road"]
    answers: RoadQuestionnaire


class TrailAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shoe_type: Literal["trail"]
    answers: TrailQuestionnaire


QuestionnaireBody = Annotated[RoadAnswers | TrailAnswers, Field(discriminator="shoe_type")]


class SavedQuestionnaireResponse(BaseModel):
    status: Literal["success"] = "success"
    user_id: int
    shoe_type: Literal["road", "trail"]
    answers: dict[str, str | int]  # int: budget_usd


class RemovalResponse(BaseModel):
    status: Literal["success"] = "success"
    removed: bool = Field(description="false when there was nothing to remove (the call is idempotent)")
    event_id: int = Field(description="the event recording the removal, 0 when nothing was removed")


class ForgetResponse(BaseModel):
    status: Literal["success"] = "success"
    user_id: int
    deleted: dict[str, int] = Field(
        examples=[{"favorites": 3, "reviews": 2, "events": 5, "questionnaires": 1}],
        description="rows erased per kind; all 0 when the runner was already forgotten",
    )


def _known_shoe(store: Store, shoe_id: str) -> None:
    if store.shoe(shoe_id) is None:
        raise HTTPException(
            404, detail=f"shoe_id: unknown shoe {shoe_id!r} (catalog ids look like R001 or T001)"
        )


def _removal(outcome: RecordOutcome) -> RemovalResponse:
    # continuous training picks the change up from the shared counter (the CT process)
    return RemovalResponse(removed=outcome.changed, event_id=outcome.event_id)


@router.delete(
    "/{user_id}/likes/{shoe_id}",
    response_model=RemovalResponse,
    responses=problem_responses(404, 422, 429, 503),
)
def remove_like(
    user_id: UserId, shoe_id: ShoeId, feed: FeedDep, _key: EditKey, _limit: WriteLimit
) -> RemovalResponse:
    """Take back a like: recorded as an `unlike` event and counted towards continuous training."""
    _known_shoe(feed.store, shoe_id)
    return _removal(feed.store.remove_like(user_id, shoe_id))


@router.delete(
    "/{user_id}/ratings/{shoe_id}",
    response_model=RemovalResponse,
    responses=problem_responses(404, 422, 429, 503),
)
def remove_rating(
    user_id: UserId, shoe_id: ShoeId, feed: FeedDep, _key: EditKey, _limit: WriteLimit
) -> RemovalResponse:
    """Take back a rating: recorded as an `unrate` event and counted towards continuous training."""
    _known_shoe(feed.store, shoe_id)
    return _removal(feed.store.remove_rating(user_id, shoe_id))


@router.put(
    "/{user_id}/questionnaire",
    response_model=SavedQuestionnaireResponse,
    responses=problem_responses(400, 413, 422, 429, 503),
)
def save_questionnaire(
    user_id: UserId,
    store: StoreDep,
    _key: EditKey,
    _limit: WriteLimit,
    body: Annotated[
        QuestionnaireBody,
        Body(examples=[{"shoe_type": "road", "answers": {"pace": "Fast", "foot_width": "Wide"}}]),
    ],
) -> SavedQuestionnaireResponse:
    """Save (or replace) the runner's questionnaire. A runner with no interactions yet then gets a
    feed seeded from it (reason `your_answers`) instead of 404."""
    answers = {k: v for k, v in body.answers.model_dump().items() if v is not None}
    store.save_questionnaire(user_id, SavedQuestionnaire(body.shoe_type, answers))
    return SavedQuestionnaireResponse(user_id=user_id, shoe_type=body.shoe_type, answers=answers)


@router.get(
    "/{user_id}/questionnaire",
    response_model=SavedQuestionnaireResponse,
    responses=problem_responses(404, 422, 503),
)
def get_questionnaire(user_id: UserId, store: StoreDep, _key: RunnerKey) -> SavedQuestionnaireResponse:
    saved = store.load_questionnaire(user_id)
    if saved is None:
        raise HTTPException(404, detail=f"user {user_id} has no saved questionnaire")
    return SavedQuestionnaireResponse(user_id=user_id, shoe_type=saved.shoe_type, answers=saved.answers)


@router.delete("/{user_id}", response_model=ForgetResponse, responses=problem_responses(422, 429, 503))
def forget_user(user_id: UserId, feed: FeedDep, _key: EditKey, _limit: WriteLimit) -> ForgetResponse:
    """Forget the runner: favorites, reviews, their event rows and the saved questionnaire, in one
    transaction. Only a `forget` marker (id and time) remains so the next CF version drops their row.
    Idempotent: a second call answers zeros. Their feed is 404 afterwards."""
    outcome = feed.store.forget_user(user_id)
    deleted = {
        "favorites": outcome.favorites,
        "reviews": outcome.reviews,
        "events": outcome.events,
        "questionnaires": outcome.questionnaires,
    }
    return ForgetResponse(user_id=user_id, deleted=deleted)
