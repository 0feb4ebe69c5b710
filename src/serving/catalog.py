"""The shoe catalog served from memory: filters a shop would offer, sorting, paging, spec sheets.

The catalog only changes when the store is seeded, so `CatalogIndex` is built once per process from
`Store.all_shoes()` (already cached): one array per filterable column and every shoe's summary and
spec sheet serialised once. A request is a boolean mask, a sort and a slice.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import orjson

from src.config import ATTRIBUTE_COLUMNS, FEATURES, METADATA_COLUMNS
from src.recommender.explain import spec_phrase

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

Width = Literal["narrow", "regular", "wide"]
Stability = Literal["neutral", "guided"]
WaterResistance = Literal["none", "water_repellent", "waterproof"]
Plate = Literal["none", "plastic", "carbon"]
SortKey = Literal[
    "shoe_id", "name", "brand", "weight_g", "-weight_g", "drop_mm", "-drop_mm", "heel_stack_mm",
    "-heel_stack_mm", "release_year", "-release_year", "price_usd", "-price_usd",
]  # fmt: skip

WATER_CODES: dict[str, int] = {"none": 0, "water_repellent": 1, "waterproof": 2}
PLATE_CODES: dict[str, int] = {"none": 0, "plastic": 1, "carbon": 2}
# A range filter on a column a shoe has no value for (an unknown price) leaves the shoe out.
RANGE_COLUMNS = ("weight_g", "drop_mm", "heel_stack_mm", "forefoot_stack_mm", "price_usd")
SUMMARY_COLUMNS = ("weight_g", "drop_mm", "heel_stack_mm", "plate", "stability", "water_resistance")


@dataclass(frozen=True)
class CatalogQuery:
    """Every filter is optional; ranges are inclusive, in catalog units (grams, millimetres)."""

    shoe_type: Literal["road", "trail"] | None = None
    brand: str | None = None
    q: str | None = None  # case-insensitive substring of the name
    width: Width | None = None
    stability: Stability | None = None
    water_resistance: WaterResistance | None = None
    plate: Plate | None = None
    ranges: Mapping[str, tuple[float | None, float | None]] | None = None
    sort: SortKey = "shoe_id"
    limit: int = 20
    offset: int = 0


def catalog_mask(
    columns: Mapping[str, FloatArray],
    shoe_types: npt.NDArray[np.str_],
    brands: npt.NDArray[np.str_],
    names: npt.NDArray[np.str_],
    query: CatalogQuery,
) -> BoolArray:
    """Which shoes pass every filter of `query` (brand and name compared case-insensitively;
    `brands`/`names` are already lower-cased)."""
    mask = np.ones(shoe_types.shape[0], dtype=bool)
    if query.shoe_type is not None:
        mask &= shoe_types == query.shoe_type
    if query.brand:
        mask &= brands == query.brand.strip().lower()
    if query.q:
        mask &= np.char.find(names, query.q.strip().lower()) >= 0
    if query.width is not None:
        mask &= columns[f"width_{query.width}"] >= 1
    if query.stability is not None:
        mask &= columns["stability"] == (1 if query.stability == "guided" else 0)
    if query.water_resistance is not None:
        mask &= columns["water_resistance"] == WATER_CODES[query.water_resistance]
    if query.plate is not None:
        mask &= columns["plate"] == PLATE_CODES[query.plate]
    for column, (lo, hi) in (query.ranges or {}).items():
        if lo is not None:
            mask &= columns[column] >= lo
        if hi is not None:
            mask &= columns[column] <= hi
    return mask


def sorted_positions(
    keys: Mapping[str, npt.NDArray[Any]], positions: npt.NDArray[np.intp], sort: str
) -> npt.NDArray[np.intp]:
    """`positions` ordered by `sort` ("-" = descending), ties broken by catalog order (stable pages)."""
    descending = sort.startswith("-")
    column = keys[sort.lstrip("-")][positions]
    if descending:  # strings go descending through their rank
        column = -column if column.dtype.kind in "fi" else -np.unique(column, return_inverse=True)[1]
    return positions[np.lexsort((positions, column))]


class CatalogIndex:
    """Everything a catalog request needs, built once from the store's catalog records."""

    def __init__(self, shoes: Sequence[Mapping[str, Any]]) -> None:
        self.shoe_ids = [str(s["shoe_id"]) for s in shoes]
        self.position = {sid: i for i, sid in enumerate(self.shoe_ids)}
        self.shoe_types = np.array([s["shoe_type"] for s in shoes], dtype=str)
        self.brands = np.array([str(s["brand"]).lower() for s in shoes], dtype=str)
        self.names = np.array([str(s["name"]).lower() for s in shoes], dtype=str)
        all_features = dict.fromkeys([*(f for fs in FEATURES.values() for f in fs), "price_usd"])
        self.columns = {
            f: np.array([float(s[f]) if s.get(f) is not None else np.nan for s in shoes])
            for f in all_features
        }
        years = np.array([s["release_year"] if s.get("release_year") is not None else -1 for s in shoes])
        self.sort_keys: dict[str, npt.NDArray[Any]] = {
            "shoe_id": np.arange(len(shoes)),
            "name": self.names,
            "brand": self.brands,
            "release_year": years.astype(np.int64),
            **{c: np.nan_to_num(self.columns[c], nan=np.inf) for c in RANGE_COLUMNS},
        }
        self.summaries = [orjson.dumps(shoe_summary(s)) for s in shoes]
        self.sheets = {str(s["shoe_id"]): orjson.dumps(spec_sheet(s)) for s in shoes}

    def search(self, query: CatalogQuery) -> tuple[list[bytes], int]:
        """(the page's serialised summaries, how many shoes match in all)."""
        mask = catalog_mask(self.columns, self.shoe_types, self.brands, self.names, query)
        positions = sorted_positions(self.sort_keys, np.flatnonzero(mask), query.sort)
        page = positions[query.offset : query.offset + query.limit]
        return [self.summaries[i] for i in page.tolist()], int(positions.size)

    def page_json(self, query: CatalogQuery) -> bytes:
        items, total = self.search(query)
        has_more = query.offset + len(items) < total
        head = orjson.dumps(
            {
                "status": "success",
                "total": total,
                "limit": query.limit,
                "offset": query.offset,
                "has_more": has_more,
            }
        )
        return head[:-1] + b',"data":[' + b",".join(items) + b"]}"

    def sheet_json(self, shoe_id: str, retired: Mapping[str, Any] | None = None) -> bytes | None:
        """The sheet of an active shoe, or of `retired` (a shoe only the store's history holds)."""
        sheet = self.sheets.get(shoe_id)
        if sheet is None and retired is not None:
            sheet = orjson.dumps(spec_sheet(retired))
        return None if sheet is None else b'{"status":"success","data":' + sheet + b"}"


def widths_offered(shoe: Mapping[str, Any]) -> list[str]:
    return [w for w in ("narrow", "regular", "wide") if float(shoe.get(f"width_{w}") or 0) >= 1]


def shoe_summary(shoe: Mapping[str, Any]) -> dict[str, Any]:
    """What a catalog list shows per shoe."""
    out = {c: shoe[c] for c in ("shoe_id", "shoe_type", "name", "brand", "release_year")}
    out.update({c: shoe[c] for c in SUMMARY_COLUMNS})
    out["widths"] = widths_offered(shoe)
    out["price_usd"] = shoe.get("price_usd")
    return out


def spec_sheet(shoe: Mapping[str, Any]) -> dict[str, Any]:
    """The full spec sheet: metadata, every feature of the shoe's type, and each spec in words."""
    features = FEATURES[str(shoe["shoe_type"])]
    return {
        **{c: shoe.get(c) for c in METADATA_COLUMNS},
        "status": shoe.get("status") or "active",
        "shoe_type": shoe["shoe_type"],
        "widths": widths_offered(shoe),
        # a shoe only an old store holds may lack a feature the schema gained since
        "specs": {f: shoe[f] for f in features if shoe.get(f) is not None},
        "specs_in_words": [spec_phrase(f, float(shoe[f])) for f in features if shoe.get(f) is not None],
        "attributes": {c: shoe.get(c) for c in ATTRIBUTE_COLUMNS},
        "season": shoe.get("season") or None,
        "provenance": dict(shoe.get("provenance") or {}),
        "source_rows": shoe.get("source_rows") or None,
    }


class CatalogHolder:
    """The process's CatalogIndex, built on first use from the store's (cached) catalog list and
    rebuilt only if that list object changes (the store was re-seeded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._source: object | None = None
        self._index: CatalogIndex | None = None

    def get(self, shoes: Sequence[Mapping[str, Any]]) -> CatalogIndex:
        index = self._index
        if index is not None and self._source is shoes:
            return index
        with self._lock:
            if self._index is None or self._source is not shoes:
                self._index = CatalogIndex(shoes)
                self._source = shoes
            return self._index
