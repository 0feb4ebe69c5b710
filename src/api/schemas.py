"""Request and response models: the public contract, exactly as the OpenAPI document states it.

Input is strict: an integer is a JSON integer (`4.0` counts, as JSON Schema says; `true` and `"4"`
do not), ids are bounded so every client holds them exactly (JavaScript's safe integers) and every
backend stores them (BIGINT / SQLite INTEGER), and a `like` carries no `value`: omitted or `null`, as
the original design's examples send it (any other value is a 422 naming `value`). The body is a
union discriminated by `action_type`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue

MAX_USER_ID = 2**53 - 1  # 9007199254740991: exact in every JSON client, fits BIGINT and SQLite

# What each field accepts, for the `accepted` hint of a 422 (questionnaire literals come from
# pydantic's own error context).
ACCEPTED: dict[str, str] = {
    "user_id": f"an integer from 1 to {MAX_USER_ID}",
    "value": "an integer from 1 to 5",
    "shoe_id": "1-32 characters of A-Z a-z 0-9 _ - (catalog ids look like R001 or T001)",
    "action_type": "'like' or 'rate'",
    "shoe_type": "'road' or 'trail'",
}


def _json_integer(value: Any) -> Any:
    """Integers as JSON Schema defines them: no booleans, no strings, whole floats allowed."""
    if isinstance(value, bool):
        raise ValueError("must be an integer, not a boolean")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, int):
        raise ValueError("must be an integer")
    return value


UserId = Annotated[
    int,
    Field(ge=1, le=MAX_USER_ID, description="The runner's id", examples=[42]),
    BeforeValidator(_json_integer),
]
ShoeId = Annotated[
    str,
    Field(strict=True, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", examples=["R001"]),
]
Stars = Annotated[int, Field(ge=1, le=5, description="1-5 stars"), BeforeValidator(_json_integer)]


# The original design's example first. FastAPI drops nulls from the document it builds, so
# `src.api.openapi` puts these back as they are.
LIKE_EXAMPLES: list[JsonValue] = [
    {"user_id": 8, "shoe_id": "R278", "action_type": "like", "value": None},
    {"user_id": 8, "shoe_id": "R278", "action_type": "like"},
]


class LikeInteraction(BaseModel):
    """A like (liking twice is still one like). Its `value` is omitted or `null`."""

    model_config = ConfigDict(extra="forbid", title="Like", json_schema_extra={"examples": LIKE_EXAMPLES})

    user_id: UserId
    shoe_id: ShoeId
    action_type: Literal["like"]
    value: None = Field(None, description="a like takes no value: omit it or send null")


class RateInteraction(BaseModel):
    """A 1-5 star rating (rating again replaces the earlier rating)."""

    model_config = ConfigDict(extra="forbid", title="Rating")

    user_id: UserId
    shoe_id: ShoeId
    action_type: Literal["rate"]
    value: Stars


Interaction = Annotated[LikeInteraction | RateInteraction, Field(discriminator="action_type")]


# --- responses (the routes send pre-serialised bytes; these models document them) ---------------


class ContentItem(BaseModel):
    shoe_id: str
    name: str
    brand: str
    cluster: int = Field(description="The K-Means cluster of the shoe")
    match_score: float
    meets: list[str] = Field(
        description="the answers this shoe meets, in words",
        examples=[["foot_width: Wide (wide width offered)"]],
    )
    misses: list[str] = Field(description="the answers this shoe does not meet, in words")


class ContentResponse(BaseModel):
    status: Literal["success"]
    data: list[ContentItem] = Field(description="The top shoes, best first")


class FeedItem(BaseModel):
    shoe_id: str
    name: str
    brand: str
    match_score: float
    reason: Literal["similar_runners", "popular", "your_answers"]
    evidence: str = Field(
        description="the numbers behind the reason",
        examples=["liked by 124 of the 310 runners who also liked Pegasus 41", "popular overall"],
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
        description="items in the whole ranking after the `type` filter; null for a collaborative feed asked "
        "without `type` (counting would rank the whole catalog); the same whichever worker answers"
    )
    has_more: bool
    notice: str | None = Field(
        None, description="set when the page is popular shoes only, nothing is left, or it is a cold start"
    )
    data: list[FeedItem] = Field(description="The page of the feed, best first")


class ShoeSummary(BaseModel):
    shoe_id: str
    shoe_type: Literal["road", "trail"]
    name: str
    brand: str
    release_year: int | None
    weight_g: float
    drop_mm: float
    heel_stack_mm: float
    plate: float = Field(description="0 none, 0.5 plastic, 1 carbon")
    stability: float = Field(description="0 neutral, 1 guided")
    water_resistance: float = Field(description="0 none, 0.5 water repellent, 1 waterproof")
    widths: list[Literal["narrow", "regular", "wide"]]
    price_usd: float | None = Field(None, description="RunRepeat's US price; null when unknown")


class ShoePage(BaseModel):
    status: Literal["success"]
    total: int = Field(description="every shoe matching the filters")
    limit: int
    offset: int
    has_more: bool
    data: list[ShoeSummary]


class ShoeSheet(BaseModel):
    shoe_id: str
    name: str
    brand: str
    release_year: int | None
    spec_source: str = Field(description="original (the original system's data), published or estimated")
    status: Literal["active", "retired"] = Field(description="retired: kept for history, never recommended")
    shoe_type: Literal["road", "trail"]
    widths: list[Literal["narrow", "regular", "wide"]]
    specs: dict[str, float] = Field(description="every feature of the shoe's type")
    specs_in_words: list[str]
    attributes: dict[str, float | None] = Field(
        description="price_usd, audience_score, popularity, rocker, toebox_width, torsional_rigidity, heel_counter, "
        "durability, orthotic_friendly; null when no source gives one"
    )
    season: str | None = Field(description="all, summer or winter (RunRepeat); null when unknown")
    provenance: dict[str, str] = Field(
        description="per numeric field, where its figure comes from: lab, brand, runrepeat, original, "
        "published, derived or estimated (data/README.md)"
    )
    source_rows: str | None = Field(description="the original data's rows this shoe was built from")


class ShoeSheetResponse(BaseModel):
    status: Literal["success"]
    data: ShoeSheet


class SimilarShoe(BaseModel):
    shoe_id: str
    name: str
    brand: str
    shoe_type: Literal["road", "trail"]
    score: float
    reason: Literal["co_liked", "similar_specs"]
    co_likes: int = Field(description="runners who liked both shoes")


class SimilarShoesResponse(BaseModel):
    status: Literal["success"]
    shoe_id: str
    cf_version: str | None
    data: list[SimilarShoe] = Field(description="co-liked shoes first, then similar specs")


class CFEngineInfo(BaseModel):
    version: str
    users: int
    shoes: int
    last_event_id: int | None
    ndcg_at_10: float | None


class CFPublication(BaseModel):
    consecutive_refusals: int = Field(
        description="rebuilds the quality gate refused in a row (counted up to 100)"
    )
    stalled: bool = Field(
        description="GATE_STALL_AFTER or more refusals in a row: the served version is not moving"
    )
    serving_age_s: float | None = Field(description="seconds since the serving CF version was published")


class HealthResponse(BaseModel):
    status: Literal["healthy", "degraded"] = Field(description="degraded: the data store does not answer")
    worker_pid: int
    store: Literal["sqlite", "postgres", "supabase"]
    reload_generation: int | None = Field(description="the newest admin reload this worker has applied")
    ct_sync_progress: str = Field(description="changed interactions since the last rebuild / threshold")
    ct_rebuilds_claimed: int | None = None
    cf_engine: CFEngineInfo | None
    content_models: dict[str, str | None] = Field(description="serving version per shoe type")
    last_rebuild: dict[str, Any] | None = Field(description="outcome of the last continuous-training rebuild")
    cf_publication: CFPublication


class LiveResponse(BaseModel):
    status: Literal["alive"]


class ReadyResponse(BaseModel):
    status: Literal["ready"]


class ServingModel(BaseModel):
    version: str | None
    age_s: float | None
    metrics: dict[str, Any] | None = None
    mode: str | None = None
    n_users: int | None = None


class ReloadResponse(BaseModel):
    status: Literal["reloaded"]
    generation: int
    serving: dict[str, ServingModel | None]


class ModelStatusResponse(BaseModel):
    serving: dict[str, ServingModel | None]
    last_rebuild: dict[str, Any] | None
    ct: dict[str, Any] = Field(description="progress, rebuilds claimed, newest event id; or the store error")
    processes: list[dict[str, Any]] | None = Field(
        default=None, description="every live process of every replica and the CF version it serves"
    )
    cf_publication: CFPublication


class OnlineMetricsResponse(BaseModel):
    """GET /v1/admin/online-metrics (docs/online_evaluation.md has every field)."""

    latest: dict[str, Any] | None = Field(
        description="the newest report: experiment, window, per-arm and per-version metrics (each "
        "{value, ci95, n}) and the arm comparison; null before the first one is computed"
    )
    history: list[dict[str, Any]] = Field(
        description="older reports, newest first, reduced to time and per-arm positive-feedback "
        "rate and hit rate at 10 (for a chart over time)"
    )
