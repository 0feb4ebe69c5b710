"""The catalog: `GET /v1/shoes`, `GET /v1/shoes/{shoe_id}`, `GET /v1/shoes/{shoe_id}/similar`.

Served from memory (`serving.catalog`, `serving.similar`): the catalog is read from the store once per
process, similar shoes are prepared once per CF version. Plain `def` routes: the first call may
read the catalog from the store.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from src.api.deps import FeedDep, StoreDep
from src.api.errors import problem_responses
from src.api.schemas import ShoePage, ShoeSheetResponse, SimilarShoesResponse
from src.api.security import ReadKey
from src.api.state import app_state
from src.serving.catalog import CatalogHolder, CatalogQuery, Plate, SortKey, Stability, WaterResistance, Width
from src.serving.similar import KEEP, SimilarHolder

MAX_OFFSET = 100_000  # far past the catalog; a bound keeps a huge offset a 422, not a 500
MAX_GRAMS, MAX_MM, MAX_USD = 2_000.0, 100.0, 10_000.0

router = APIRouter(prefix="/shoes", tags=["catalog"])

JSON = "application/json"
ShoeId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", examples=["R001"])]

_SUMMARY_EXAMPLE = {
    "shoe_id": "R001",
    "shoe_type": "road",
    "name": "Pegasus 37",
    "brand": "Nike",
    "release_year": 2020,
    "weight_g": 283.0,
    "drop_mm": 10.0,
    "heel_stack_mm": 33.0,
    "plate": 0.0,
    "stability": 0.0,
    "water_resistance": 0.0,
    "widths": ["regular", "wide"],
}
_LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "One page of matching shoes",
        "content": {
            JSON: {
                "example": {
                    "status": "success",
                    "total": 41,
                    "limit": 20,
                    "offset": 0,
                    "has_more": True,
                    "data": [_SUMMARY_EXAMPLE],
                }
            }
        },
    },
    422: {"description": "A filter outside its accepted values (the message names the field)"},
    **problem_responses(422, 503),
}
_SHEET_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The full spec sheet",
        "content": {
            JSON: {
                "example": {
                    "status": "success",
                    "data": {
                        "shoe_id": "R001",
                        "name": "Pegasus 37",
                        "brand": "Nike",
                        "release_year": 2020,
                        "spec_source": "original",
                        "status": "active",
                        "shoe_type": "road",
                        "widths": ["regular", "wide"],
                        "specs": {"weight_g": 291.0, "drop_mm": 10.0},
                        "specs_in_words": ["weight 291 g", "drop 10 mm"],
                        "attributes": {"price_usd": 120.0, "audience_score": 87.0, "rocker": 0.0},
                        "season": "all",
                        "provenance": {"weight_g": "lab", "drop_mm": "brand", "price_usd": "runrepeat"},
                        "source_rows": "road sheet row 72",
                    },
                }
            }
        },
    },
    **problem_responses(404, 422, 503),
}
_SIMILAR_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Similar shoes, best first; `reason` is `co_liked` (runners who liked this also liked it) "
        "or `similar_specs` (nearest in the autoencoder's latent space)",
        "content": {
            JSON: {
                "example": {
                    "status": "success",
                    "shoe_id": "R001",
                    "cf_version": "v_20260101_120000",
                    "data": [
                        {
                            "shoe_id": "R014",
                            "name": "Ghost 14",
                            "brand": "Brooks",
                            "shoe_type": "road",
                            "score": 0.41,
                            "reason": "co_liked",
                            "co_likes": 37,
                        }
                    ],
                }
            }
        },
    },
    **problem_responses(404, 422, 503),
}


def _catalog(request: Request, store: StoreDep) -> Any:
    holder: CatalogHolder = app_state(request).catalog_holder
    return holder.get(store.all_shoes())


def _unknown(shoe_id: str) -> HTTPException:
    return HTTPException(
        404, detail=f"shoe_id: unknown shoe {shoe_id!r} (catalog ids look like R001 or T001)"
    )


@router.get("", response_model=ShoePage, responses=_LIST_RESPONSES, summary="Browse and filter the catalog")
def list_shoes(
    request: Request,
    store: StoreDep,
    _key: ReadKey,
    shoe_type: Annotated[Literal["road", "trail"] | None, Query(alias="type")] = None,
    brand: Annotated[str | None, Query(max_length=64, description="exact brand, any case")] = None,
    q: Annotated[str | None, Query(max_length=64, description="text in the name, any case")] = None,
    width: Annotated[Width | None, Query(description="a width the shoe is offered in")] = None,
    stability: Stability | None = None,
    water_resistance: WaterResistance | None = None,
    plate: Plate | None = None,
    weight_min: Annotated[float | None, Query(ge=0, le=MAX_GRAMS, description="grams")] = None,
    weight_max: Annotated[float | None, Query(ge=0, le=MAX_GRAMS, description="grams")] = None,
    drop_min: Annotated[float | None, Query(ge=0, le=MAX_MM, description="mm")] = None,
    drop_max: Annotated[float | None, Query(ge=0, le=MAX_MM, description="mm")] = None,
    stack_min: Annotated[float | None, Query(ge=0, le=MAX_MM, description="heel stack, mm")] = None,
    stack_max: Annotated[float | None, Query(ge=0, le=MAX_MM, description="heel stack, mm")] = None,
    price_min: Annotated[
        float | None,
        Query(ge=0, le=MAX_USD, description="US dollars; shoes without a known price are left out"),
    ] = None,
    price_max: Annotated[
        float | None,
        Query(ge=0, le=MAX_USD, description="US dollars; shoes without a known price are left out"),
    ] = None,
    sort: SortKey = "shoe_id",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="shoes to skip")] = 0,
) -> Response:
    """Every filter is optional and they combine (AND; a min above its max matches nothing); `sort` takes `-` for descending; `total` counts
    every match, `has_more` says whether a next page exists."""
    query = CatalogQuery(
        shoe_type=shoe_type,
        brand=brand,
        q=q,
        width=width,
        stability=stability,
        water_resistance=water_resistance,
        plate=plate,
        ranges={
            "weight_g": (weight_min, weight_max),
            "drop_mm": (drop_min, drop_max),
            "heel_stack_mm": (stack_min, stack_max),
            "price_usd": (price_min, price_max),
        },
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Response(_catalog(request, store).page_json(query), media_type=JSON)


@router.get(
    "/{shoe_id}",
    response_model=ShoeSheetResponse,
    responses=_SHEET_RESPONSES,
    summary="A shoe's full spec sheet",
)
def get_shoe(shoe_id: ShoeId, request: Request, store: StoreDep, _key: ReadKey) -> Response:
    """Every spec with its source (`provenance`: lab, brand, runrepeat, original, published, derived or
    estimated); a retired shoe (`status`) stays readable for the runners who liked it."""
    index = _catalog(request, store)
    body = index.sheet_json(shoe_id) or index.sheet_json(shoe_id, store.shoe(shoe_id))
    if body is None:
        raise _unknown(shoe_id)
    return Response(body, media_type=JSON)


@router.get(
    "/{shoe_id}/similar",
    response_model=SimilarShoesResponse,
    responses=_SIMILAR_RESPONSES,
    summary="Shoes similar to this one",
)
def similar_shoes(
    shoe_id: ShoeId,
    request: Request,
    store: StoreDep,
    feed: FeedDep,
    _key: ReadKey,
    n: Annotated[int, Query(ge=1, le=KEEP)] = 10,
    same_type: Annotated[bool, Query(description="false: road and trail shoes alike")] = True,
) -> Response:
    """ "Runners who liked this also liked" from the serving CF version (pairs liked together by at
    least two runners), filled up with the nearest shoes in the autoencoder's latent space."""
    shoes = store.all_shoes()
    shoe = store.shoe(shoe_id)
    if shoe is None:
        raise _unknown(shoe_id)
    if shoe["status"] != "active":  # kept for history, never recommended: nothing to compare with
        raise HTTPException(
            404, detail=f"shoe_id: {shoe_id} is retired from the catalog (GET /v1/shoes/{shoe_id})"
        )
    holder: SimilarHolder = app_state(request).similar_holder
    index = holder.get(feed.snapshot, shoes, getattr(request.app.state, "content", None) or {})
    return Response(index.json(shoe_id, n, same_type), media_type=JSON)
