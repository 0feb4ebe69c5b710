"""Catalog loading and validation: the shipped CSVs pass; every kind of bad file is refused clearly."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from src.catalog import (
    CatalogError,
    catalog_hash,
    load_catalog,
    numeric_columns,
    parse_provenance,
    required_columns,
    validate_records,
)
from src.config import (
    ATTRIBUTE_COLUMNS,
    DATA_DIR,
    DESCRIPTIVE_COLUMNS,
    EXTRA_COLUMNS,
    FEATURE_RANGES,
    FEATURES,
    METADATA_COLUMNS,
    PROVENANCE_SOURCES,
    ROAD_FEATURES,
    ROLES,
    TRAIL_FEATURES,
    ShoeType,
)

ROAD_CSV = DATA_DIR / "road_dataset.csv"
TRAIL_CSV = DATA_DIR / "trail_dataset.csv"
RELEASE_IDS = Path(__file__).parent / "fixtures" / "catalog_ids_v1.csv"  # the catalog before issue 22
ESTIMATED_BOUND = 0.05


def _provenance(shoe_type: ShoeType, row: dict[str, Any]) -> str:
    return " ".join(f"{c}:estimated" for c in numeric_columns(shoe_type) if row.get(c) not in (None, ""))


def _road_row(index: int, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "shoe_id": f"R{index:03d}",
        "name": f"Model {index}",
        "brand": "Brand",
        "release_year": 2024,
        "spec_source": "estimated",
        "status": "active",
        "family": f"Brand Model {index}",
        "current": 1,
        "role": "daily",
        "weight_g": 250,
        "heel_stack_mm": 36,
        "forefoot_stack_mm": 28,
        "drop_mm": 8,
        "midsole_softness": 6,
        "plate": 0,
        "stability": 0,
        "width_narrow": 0,
        "width_regular": 1,
        "width_wide": 0,
        "breathability": 4,
        "warmth": 2,
        "water_resistance": 0,
        "removable_insole": 1,
        "use_daily": 1,
        "use_tempo": 0,
        "use_race": 0,
        "season": "",
        "source_rows": "",
    }
    row.update(overrides)
    row.setdefault("provenance", _provenance("road", row))
    return row


def _trail_row(index: int, **overrides: Any) -> dict[str, Any]:
    row = _road_row(index)
    row.update(
        shoe_id=f"T{index:03d}",
        responsiveness=6,
        lug_depth_mm=4,
        rock_plate=0,
        terrain_light=3,
        terrain_mixed=4,
        terrain_rocky=3,
        terrain_muddy=2,
    )
    row.update(overrides)
    row["provenance"] = overrides.get("provenance", _provenance("trail", row))
    return row


def _write(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _road_file(tmp_path: Path, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Path:
    return _write(tmp_path / "road_dataset.csv", rows, columns or required_columns("road"))


def _refused(path: Path, shoe_type: ShoeType = "road") -> str:
    with pytest.raises(CatalogError) as info:
        load_catalog(path, shoe_type)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- the shipped files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def road() -> list[dict[str, Any]]:
    return load_catalog(ROAD_CSV, "road")


@pytest.fixture(scope="module")
def trail() -> list[dict[str, Any]]:
    return load_catalog(TRAIL_CSV, "trail")


def test_shipped_files_have_exact_columns() -> None:
    for path, features in ((ROAD_CSV, ROAD_FEATURES), (TRAIL_CSV, TRAIL_FEATURES)):
        with path.open(newline="", encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == (
                METADATA_COLUMNS + DESCRIPTIVE_COLUMNS + features + ATTRIBUTE_COLUMNS + EXTRA_COLUMNS
            )


def test_shipped_files_load_with_types(road: list[dict[str, Any]], trail: list[dict[str, Any]]) -> None:
    assert len(road) >= 300
    assert len(trail) >= 150
    for rows, shoe_type, prefix in ((road, "road", "R"), (trail, "trail", "T")):
        assert [row["shoe_id"] for row in rows] == [f"{prefix}{i:03d}" for i in range(1, len(rows) + 1)]
        for row in rows:
            assert list(row) == required_columns(shoe_type)  # type: ignore[arg-type]
            assert isinstance(row["release_year"], int)
            assert all(isinstance(row[column], str) for column in ("shoe_id", "name", "brand", "spec_source"))
            assert row["status"] in ("active", "retired")
            assert all(row[c] is None or isinstance(row[c], float) for c in ATTRIBUTE_COLUMNS)
            assert isinstance(row["family"], str) and row["role"] in ROLES and row["current"] in (0, 1)
            assert all(isinstance(row[column], float) for column in FEATURES[shoe_type])
        assert len({(row["brand"], row["name"]) for row in rows}) == len(rows)


def test_shipped_catalog_covers_fitter_constraints(
    road: list[dict[str, Any]], trail: list[dict[str, Any]]
) -> None:
    def count(rows: list[dict[str, Any]], predicate: Callable[[dict[str, Any]], bool]) -> int:
        return sum(1 for row in rows if row["status"] == "active" and predicate(row))

    assert count(road, lambda r: r["width_wide"] == 1) >= 20
    assert count(road, lambda r: r["stability"] == 1) >= 20
    assert count(road, lambda r: r["plate"] == 2) >= 20
    assert count(road, lambda r: r["drop_mm"] >= 10) >= 20
    assert count(road, lambda r: r["water_resistance"] == 2) >= 12
    assert count(road, lambda r: r["width_wide"] == 1 and r["stability"] == 1) >= 10
    assert count(road, lambda r: r["width_wide"] and r["stability"] and r["drop_mm"] >= 10) >= 5
    assert count(road, lambda r: r["width_narrow"] == 1 and r["use_race"] == 1) >= 5
    # use_race marks real racers only; plated racers in a wide last barely exist (Altra Vanish Carbon)
    assert count(road, lambda r: r["width_wide"] == 1 and r["use_race"] == 1) >= 1
    assert count(road, lambda r: r["drop_mm"] <= 4) >= 10
    assert count(trail, lambda r: r["rock_plate"] == 1) >= 25
    assert count(trail, lambda r: r["water_resistance"] == 2) >= 25
    # lug depths are lab measurements now: 5 mm lugs are rarer than the hand table had them
    assert count(trail, lambda r: r["lug_depth_mm"] >= 5) >= 10
    assert count(trail, lambda r: r["width_wide"] == 1 and r["rock_plate"] == 1) >= 5
    assert count(trail, lambda r: r["water_resistance"] == 2 and r["rock_plate"] == 1) >= 5
    assert count(trail, lambda r: r["terrain_muddy"] >= 4) >= 10
    assert count(trail, lambda r: r["terrain_rocky"] >= 5) >= 10
    assert count(trail, lambda r: r["terrain_light"] >= 5) >= 5
    for rows in (road, trail):
        assert {row["spec_source"] for row in rows} == {"original", "published", "estimated"}
        # an unsourced row never serves: estimated rows are the retired ones
        assert all(row["status"] == "retired" for row in rows if row["spec_source"] == "estimated")


# --- provenance, the estimated-cell bound, id stability, coverage of the original data ----------


def test_every_numeric_cell_of_every_row_names_its_source(
    road: list[dict[str, Any]], trail: list[dict[str, Any]]
) -> None:
    for rows, shoe_type in ((road, "road"), (trail, "trail")):
        for row in rows:
            present = [c for c in numeric_columns(shoe_type) if row[c] is not None]  # type: ignore[arg-type]
            assert sorted(row["provenance"]) == sorted(present), row["shoe_id"]
            assert set(row["provenance"].values()) <= set(PROVENANCE_SOURCES)
            if row["spec_source"] == "original":  # built from the original data: says which rows
                assert row["source_rows"], row["shoe_id"]
                if not row["source_rows"].startswith("membrane edition"):  # an upper weighs its own
                    assert row["provenance"]["weight_g"] != "estimated", row["shoe_id"]


def _estimated_share(rows: list[dict[str, Any]]) -> tuple[int, int]:
    cells = [
        source
        for row in rows
        if row["status"] == "active"
        for column, source in row["provenance"].items()
        if column != "release_year"
    ]
    return sum(source == "estimated" for source in cells), len(cells)


def test_estimated_cells_are_at_most_five_percent(
    road: list[dict[str, Any]], trail: list[dict[str, Any]]
) -> None:
    estimated, total = (a + b for a, b in zip(_estimated_share(road), _estimated_share(trail), strict=True))
    assert total > 15_000
    assert estimated / total <= ESTIMATED_BOUND, f"{estimated}/{total} numeric cells are estimated"
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert f"{estimated:,} of {total:,}" in readme  # the README's count is the current one


def test_ids_of_the_previous_release_keep_their_shoe(
    road: list[dict[str, Any]], trail: list[dict[str, Any]]
) -> None:
    with RELEASE_IDS.open(newline="", encoding="utf-8") as handle:
        before = list(csv.DictReader(handle))
    now = {row["shoe_id"]: row for row in road + trail}
    assert len(before) == 539
    for old in before:
        assert old["shoe_id"] in now, f"{old['shoe_id']} left the file (retire it instead)"
        row = now[old["shoe_id"]]
        assert (row["brand"], row["name"]) == (old["brand"], old["name"]), old["shoe_id"]
    # new shoes only ever get new ids, appended after the release's last one
    for rows, last in ((road, 330), (trail, 209)):
        assert [int(r["shoe_id"][1:]) for r in rows[last:]] == list(range(last + 1, len(rows) + 1))
        assert all(r["spec_source"] == "original" for r in rows[last:])


def test_every_shoe_of_the_original_data_is_in_the_catalog(
    road: list[dict[str, Any]], trail: list[dict[str, Any]]
) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_catalog", DATA_DIR / "build_catalog.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    cited = " ; ".join(row["source_rows"] for row in road + trail if row["status"] == "active")
    cited_rows = set(
        re.findall(r"(road sheet|trail sheet|road_dataset\.csv|trail_dataset\.csv) row (\d+)", cited)
    )
    for kind, trail_type in (("road", False), ("trail", True)):
        sheet = build.read_sheet(
            build.ORIGINAL_DIR / (build.TRAIL_SHEET if trail_type else build.ROAD_SHEET), trail_type
        )
        keys = {(e["brand"], build.ALIASES.get((e["brand"], e["key"]), e["key"])) for e in sheet}
        catalog_keys = {
            (r["brand"], build.model_key(r["brand"], r["name"]))
            for r in (road + trail)
            if r["status"] == "active"
        }
        cited_keys = {
            (e["brand"], build.ALIASES.get((e["brand"], e["key"]), e["key"]))
            for e in sheet
            if (f"{kind} sheet", str(e["line"])) in cited_rows
        }
        missing = keys - cited_keys
        # a trail-sheet road shoe (Alphafly...) is the road catalog's
        assert all(key in catalog_keys for key in missing), sorted(missing - catalog_keys)[:5]
        processed = build.read_processed(build.ORIGINAL_DIR / f"{kind}_dataset.csv")
        assert len(processed) >= (427 if kind == "road" else 158)
        uncited = [p for p in processed.values() if (f"{kind}_dataset.csv", p["line"]) not in cited_rows]
        assert uncited == [], [p["name"] for p in uncited][:5]


def test_provenance_is_refused_when_missing_or_unknown(tmp_path: Path) -> None:
    row = _road_row(1)
    message = _refused(
        _road_file(tmp_path, [_road_row(1, provenance=row["provenance"].replace(" weight_g:estimated", ""))])
    )
    assert message == "road_dataset.csv row 1 (R001), column provenance: no source for weight_g"
    message = _refused(_road_file(tmp_path, [_road_row(1, provenance="weight_g:guess")]))
    assert message.startswith("road_dataset.csv row 1 (R001), column provenance: 'weight_g:guess' is not")
    extra = row["provenance"] + " price_usd:lab"
    message = _refused(_road_file(tmp_path, [_road_row(1, provenance=extra)]))
    assert message.endswith("a source for price_usd, which has no value here")
    assert parse_provenance("weight_g:lab drop_mm:derived") == {"weight_g": "lab", "drop_mm": "derived"}


def test_attributes_are_optional_but_checked(tmp_path: Path) -> None:
    good = _road_row(1, price_usd=140, rocker=1)
    good["provenance"] = _provenance("road", good)
    loaded = validate_records([good], "road", "mem")[0]
    assert loaded["price_usd"] == 140.0 and loaded["rocker"] == 1.0 and loaded["durability"] is None
    bad = _road_row(1, rocker=2)
    bad["provenance"] = _provenance("road", bad)
    with pytest.raises(CatalogError, match=r"^mem row 1 \(R001\), column rocker: 2 is outside 0\.\.1$"):
        validate_records([bad], "road", "mem")
    with pytest.raises(CatalogError, match=r"column status: 'gone' is not one of active, retired"):
        validate_records([_road_row(1, status="gone")], "road", "mem")
    with pytest.raises(CatalogError, match=r"column season: 'monsoon' is not one of all, summer, winter"):
        validate_records([_road_row(1, season="monsoon")], "road", "mem")


def test_catalog_hash_is_sha256_of_bytes(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"abc\n")
    assert catalog_hash(path) == hashlib.sha256(b"abc\n").hexdigest()
    assert len(catalog_hash(ROAD_CSV)) == 64


def test_build_script_reproduces_shipped_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_catalog", DATA_DIR / "build_catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    assert (tmp_path / "road_dataset.csv").read_bytes() == ROAD_CSV.read_bytes()
    assert (tmp_path / "trail_dataset.csv").read_bytes() == TRAIL_CSV.read_bytes()


# --- refusals -----------------------------------------------------------------------------------


def test_good_small_file_loads(tmp_path: Path) -> None:
    rows = load_catalog(_road_file(tmp_path, [_road_row(1), _road_row(2, drop_mm=8.5)]), "road")
    assert [row["shoe_id"] for row in rows] == ["R001", "R002"]
    assert rows[1]["drop_mm"] == 8.5


def test_out_of_range_names_row_id_and_column(tmp_path: Path) -> None:
    rows = [_road_row(i) for i in range(1, 18)]
    rows[16] = _road_row(17, heel_stack_mm=44, forefoot_stack_mm=22, drop_mm=22)
    message = _refused(_road_file(tmp_path, rows))
    assert message == "road_dataset.csv row 17 (R017), column drop_mm: 22 is outside 0..20"


def test_drop_inconsistent_with_stack(tmp_path: Path) -> None:
    message = _refused(_road_file(tmp_path, [_road_row(1), _road_row(2, drop_mm=10)]))
    assert message.startswith("road_dataset.csv row 2 (R002), column drop_mm:")
    assert "heel_stack_mm - forefoot_stack_mm = 8" in message


def test_missing_feature_column(tmp_path: Path) -> None:
    columns = [c for c in required_columns("road") if c != "warmth"]
    message = _refused(_road_file(tmp_path, [_road_row(1)], columns))
    assert "column warmth" in message and "missing" in message


def test_missing_trail_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "trail_dataset.csv", [_trail_row(1)], required_columns("road"))
    message = _refused(path, "trail")
    assert message.startswith("trail_dataset.csv") and "column responsiveness" in message


def test_empty_value(tmp_path: Path) -> None:
    message = _refused(_road_file(tmp_path, [_road_row(1), _road_row(2, brand="")]))
    assert message == "road_dataset.csv row 2 (R002), column brand: empty value"


def test_not_a_number(tmp_path: Path) -> None:
    message = _refused(_road_file(tmp_path, [_road_row(1, weight_g="heavy")]))
    assert message.startswith("road_dataset.csv row 1 (R001), column weight_g:") and "not a number" in message


def test_integer_column_must_be_whole(tmp_path: Path) -> None:
    message = _refused(_road_file(tmp_path, [_road_row(1, midsole_softness=6.5)]))
    assert message == "road_dataset.csv row 1 (R001), column midsole_softness: 6.5 is not a whole number"


@pytest.mark.parametrize("column", ["plate", "stability", "water_resistance", "breathability", "use_race"])
def test_encoded_column_range(tmp_path: Path, column: str) -> None:
    high = FEATURE_RANGES[column][1]
    message = _refused(_road_file(tmp_path, [_road_row(1, **{column: int(high) + 1})]))
    assert message.startswith(f"road_dataset.csv row 1 (R001), column {column}: {int(high) + 1} is outside")


def test_wrong_prefix_for_type(tmp_path: Path) -> None:
    message = _refused(_road_file(tmp_path, [_road_row(1, shoe_id="T001")]))
    assert message.startswith("road_dataset.csv row 1 (T001), column shoe_id:") and "road id" in message


@pytest.mark.parametrize("bad_id", ["R1", "R01a", "r001", "R 001"])
def test_bad_id_format(tmp_path: Path, bad_id: str) -> None:
    message = _refused(_road_file(tmp_path, [_road_row(1, shoe_id=bad_id)]))
    assert "row 1" in message and "column shoe_id" in message


def test_four_digit_ids_allowed() -> None:
    rows = validate_records([_road_row(1, shoe_id="R1000")], "road", "mem")
    assert rows[0]["shoe_id"] == "R1000"


def test_duplicate_id_names_both_rows(tmp_path: Path) -> None:
    rows = [_road_row(1), _road_row(2), _road_row(3, shoe_id="R002")]
    message = _refused(_road_file(tmp_path, rows))
    assert message.startswith("road_dataset.csv row 3 (R002), column shoe_id: duplicate")
    assert "row 2" in message


def test_bad_spec_source(tmp_path: Path) -> None:
    message = _refused(_road_file(tmp_path, [_road_row(1, spec_source="guess")]))
    assert message.startswith("road_dataset.csv row 1 (R001), column spec_source:") and "guess" in message


def test_bad_release_year(tmp_path: Path) -> None:
    message = _refused(_road_file(tmp_path, [_road_row(1, release_year="2024.5")]))
    assert message.startswith("road_dataset.csv row 1 (R001), column release_year:")


def test_no_width_offered(tmp_path: Path) -> None:
    message = _refused(_road_file(tmp_path, [_road_row(1, width_regular=0)]))
    assert message.startswith("road_dataset.csv row 1 (R001), column width_narrow/width_regular/width_wide:")


def test_no_use_set(tmp_path: Path) -> None:
    message = _refused(_road_file(tmp_path, [_road_row(1, use_daily=0)]))
    assert message.startswith("road_dataset.csv row 1 (R001), column use_daily/use_tempo/use_race:")


def test_trail_feature_range(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "trail_dataset.csv",
        [_trail_row(1), _trail_row(2, terrain_muddy=6)],
        required_columns("trail"),
    )
    assert (
        _refused(path, "trail") == "trail_dataset.csv row 2 (T002), column terrain_muddy: 6 is outside 1..5"
    )


def test_header_only_file_is_empty(tmp_path: Path) -> None:
    message = _refused(_road_file(tmp_path, []))
    assert message == "road_dataset.csv: no data rows"


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "road_dataset.csv"
    path.write_text("")
    assert "empty" in _refused(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "road_dataset.csv" in _refused(tmp_path / "road_dataset.csv")


def test_short_row(tmp_path: Path) -> None:
    path = _road_file(tmp_path, [_road_row(1)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("R002,Model 2,Brand\n")
    message = _refused(path)
    assert message.startswith("road_dataset.csv row 2 (R002), column release_year:")


def test_validate_records_in_memory() -> None:
    rows = validate_records([_road_row(1), _road_row(2)], "road", "memory")
    assert rows[0]["weight_g"] == 250.0 and rows[0]["release_year"] == 2024
    with pytest.raises(
        CatalogError, match=r"^memory row 2 \(R002\), column weight_g: 500 is outside 120\.\.450$"
    ):
        validate_records([_road_row(1), _road_row(2, weight_g=500)], "road", "memory")
    with pytest.raises(CatalogError, match=r"^memory row 1, column shoe_id: empty value$"):
        validate_records([_road_row(1, shoe_id="")], "road", "memory")
