"""Catalog loading and validation (stdlib `csv` only: this module is on the serving path).

`load_catalog` reads one of the two catalog CSVs and returns one dict per shoe, in file order:
metadata columns as `str` (except `release_year`, an `int`), the descriptive columns `family` (str),
`current` (int 0/1) and `role` (str, one of ROLES), and feature columns as `float`.
Every check raises `CatalogError` on the first problem, with a single line naming the file, the
1-based data row, the shoe id when known and the column, e.g.

    road_dataset.csv row 17 (R017), column drop_mm: 22 is outside 0..14

The schema itself (columns, ranges, id prefixes) lives in `src.config` and is not redefined here.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from src.config import (
    ATTRIBUTE_COLUMNS,
    ATTRIBUTE_RANGES,
    DESCRIPTIVE_COLUMNS,
    EXTRA_COLUMNS,
    FEATURE_RANGES,
    FEATURES,
    ID_PREFIX,
    METADATA_COLUMNS,
    PROVENANCE_SOURCES,
    ROLES,
    SEASONS,
    SPEC_SOURCES,
    STATUSES,
    ShoeType,
)

OPTIONAL_COLUMNS: frozenset[str] = frozenset({*ATTRIBUTE_COLUMNS, "season", "source_rows"})
WIDTH_COLUMNS: tuple[str, ...] = ("width_narrow", "width_regular", "width_wide")
USE_COLUMNS: tuple[str, ...] = ("use_daily", "use_tempo", "use_race")
DROP_TOLERANCE_MM: float = 1.0
RELEASE_YEAR_RANGE: tuple[int, int] = (1990, 2100)


class CatalogError(ValueError):
    """A catalog file or record breaks the schema; the message is one self-contained line."""


def required_columns(shoe_type: ShoeType) -> list[str]:
    """Every column a catalog of this type must have, in the canonical order."""
    if shoe_type not in FEATURES:
        raise ValueError(f"unknown shoe type {shoe_type!r}")
    return METADATA_COLUMNS + DESCRIPTIVE_COLUMNS + FEATURES[shoe_type] + ATTRIBUTE_COLUMNS + EXTRA_COLUMNS


def numeric_columns(shoe_type: ShoeType) -> list[str]:
    """The columns whose cells carry a provenance: release year, features and attributes."""
    return ["release_year", *FEATURES[shoe_type], *ATTRIBUTE_COLUMNS]


def parse_provenance(text: str) -> dict[str, str]:
    """`weight_g:lab heel_stack_mm:brand ...` -> {column: source}; raises ValueError when malformed."""
    out: dict[str, str] = {}
    for item in text.split():
        column, sep, source = item.partition(":")
        if not sep or not column or source not in PROVENANCE_SOURCES:
            raise ValueError(f"{item!r} is not column:source (sources: {', '.join(PROVENANCE_SOURCES)})")
        if column in out:
            raise ValueError(f"{column} appears twice")
        out[column] = source
    return out


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _where(source_name: str, row_number: int, shoe_id: str) -> str:
    return f"{source_name} row {row_number} ({shoe_id})" if shoe_id else f"{source_name} row {row_number}"


def _parse_number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        try:
            value = float(str(raw).strip())
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def validate_records(
    records: Iterable[Mapping[str, Any]], shoe_type: ShoeType, source_name: str
) -> list[dict[str, Any]]:
    """Validate in-memory rows (values may be strings or numbers) and return typed copies.

    Raises `CatalogError` naming the source, the 1-based row number, the shoe id and the column.
    """
    columns = required_columns(shoe_type)
    features = FEATURES[shoe_type]
    prefix = ID_PREFIX[shoe_type]
    id_pattern = re.compile(rf"^{re.escape(prefix)}\d{{3,}}$")
    seen_ids: dict[str, int] = {}
    out: list[dict[str, Any]] = []

    for row_number, record in enumerate(records, start=1):
        raw_id = record.get("shoe_id")
        shoe_id = "" if raw_id is None else str(raw_id).strip()
        where = _where(source_name, row_number, shoe_id)

        def fail(column: str, problem: str, where: str = where) -> CatalogError:
            return CatalogError(f"{where}, column {column}: {problem}")

        for column in columns:
            value = record.get(column)
            if column in OPTIONAL_COLUMNS:
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                raise fail(column, "empty value")

        if not id_pattern.match(shoe_id):
            raise fail("shoe_id", f"{shoe_id!r} is not a {shoe_type} id ({prefix} followed by 3+ digits)")
        if shoe_id in seen_ids:
            raise fail("shoe_id", f"duplicate id {shoe_id} (also row {seen_ids[shoe_id]})")
        seen_ids[shoe_id] = row_number

        typed: dict[str, Any] = {}
        for column in METADATA_COLUMNS:
            typed[column] = str(record[column]).strip()

        year_value = _parse_number(record["release_year"])
        if year_value is None or not year_value.is_integer():
            raise fail("release_year", f"{typed['release_year']!r} is not a whole year")
        low_year, high_year = RELEASE_YEAR_RANGE
        if not low_year <= year_value <= high_year:
            raise fail("release_year", f"{_fmt(year_value)} is outside {low_year}..{high_year}")
        typed["release_year"] = int(year_value)

        if typed["spec_source"] not in SPEC_SOURCES:
            raise fail("spec_source", f"{typed['spec_source']!r} is not one of {', '.join(SPEC_SOURCES)}")
        if typed["status"] not in STATUSES:
            raise fail("status", f"{typed['status']!r} is not one of {', '.join(STATUSES)}")

        typed["family"] = str(record["family"]).strip()
        current = _parse_number(record["current"])
        if current not in (0.0, 1.0):
            raise fail("current", f"{str(record['current']).strip()!r} is not 0 or 1")
        typed["current"] = int(current)  # type: ignore[arg-type]
        typed["role"] = str(record["role"]).strip()
        if typed["role"] not in ROLES:
            raise fail("role", f"{typed['role']!r} is not one of {', '.join(ROLES)}")

        for column in features:
            raw = record[column]
            value = _parse_number(raw)
            if value is None:
                raise fail(column, f"{str(raw).strip()!r} is not a number")
            low, high, integer = FEATURE_RANGES[column]
            if not low <= value <= high:
                raise fail(column, f"{_fmt(value)} is outside {_fmt(low)}..{_fmt(high)}")
            if integer and not value.is_integer():
                raise fail(column, f"{_fmt(value)} is not a whole number")
            typed[column] = value

        for column in ATTRIBUTE_COLUMNS:
            raw = record.get(column)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                typed[column] = None  # unknown: no source gives it
                continue
            value = _parse_number(raw)
            if value is None:
                raise fail(column, f"{str(raw).strip()!r} is not a number")
            low, high, integer = ATTRIBUTE_RANGES[column]
            if not low <= value <= high:
                raise fail(column, f"{_fmt(value)} is outside {_fmt(low)}..{_fmt(high)}")
            if integer and not value.is_integer():
                raise fail(column, f"{_fmt(value)} is not a whole number")
            typed[column] = value
        season = str(record.get("season") or "").strip()
        if season and season not in SEASONS:
            raise fail("season", f"{season!r} is not one of {', '.join(SEASONS)} (or empty)")
        typed["season"] = season
        typed["source_rows"] = str(record.get("source_rows") or "").strip()
        try:
            provenance = parse_provenance(str(record["provenance"]))
        except ValueError as exc:
            raise fail("provenance", str(exc)) from None
        expected = [c for c in numeric_columns(shoe_type) if typed[c] is not None]
        missing = [c for c in expected if c not in provenance]
        if missing:
            raise fail("provenance", f"no source for {', '.join(missing)}")
        unknown = [c for c in provenance if c not in expected]
        if unknown:
            raise fail("provenance", f"a source for {', '.join(unknown)}, which has no value here")
        typed["provenance"] = provenance

        if not any(typed[column] == 1.0 for column in WIDTH_COLUMNS):
            raise fail("/".join(WIDTH_COLUMNS), "no width offered (at least one width flag must be 1)")
        if not any(typed[column] == 1.0 for column in USE_COLUMNS):
            raise fail("/".join(USE_COLUMNS), "no use set (at least one use flag must be 1)")
        expected_drop = typed["heel_stack_mm"] - typed["forefoot_stack_mm"]
        if abs(typed["drop_mm"] - expected_drop) > DROP_TOLERANCE_MM:
            raise fail(
                "drop_mm",
                f"{_fmt(typed['drop_mm'])} does not match heel_stack_mm - forefoot_stack_mm = "
                f"{_fmt(round(expected_drop, 3))} (tolerance {DROP_TOLERANCE_MM})",
            )
        out.append(typed)

    if not out:
        raise CatalogError(f"{source_name}: no data rows")
    return out


def load_catalog(path: Path, shoe_type: ShoeType) -> list[dict[str, Any]]:
    """Read and validate one catalog CSV; returns one typed dict per row in file order."""
    path = Path(path)
    name = path.name
    columns = required_columns(shoe_type)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CatalogError(f"{name}: cannot open ({exc.strerror or exc})") from exc
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise CatalogError(f"{name}: file is empty (no header)")
        header = [cell.strip() for cell in header]
        for column in columns:
            if column not in header:
                raise CatalogError(f"{name} header, column {column}: missing")
        extra = [cell for cell in header if cell not in columns]
        if extra:
            raise CatalogError(f"{name} header, column {extra[0]}: unexpected column")
        dupes = [cell for cell in header if header.count(cell) > 1]
        if dupes:
            raise CatalogError(f"{name} header, column {dupes[0]}: appears more than once")

        records: list[dict[str, str]] = []
        for cells in reader:
            if not cells or not any(cell.strip() for cell in cells):
                continue  # blank line
            row_number = len(records) + 1
            if len(cells) != len(header):
                shoe_id = (
                    cells[header.index("shoe_id")].strip() if len(cells) > header.index("shoe_id") else ""
                )
                raise CatalogError(
                    f"{_where(name, row_number, shoe_id)}, column {header[min(len(cells), len(header) - 1)]}: "
                    f"row has {len(cells)} fields, header has {len(header)}"
                )
            records.append(dict(zip(header, cells, strict=True)))
    return validate_records(records, shoe_type, name)


def catalog_hash(path: Path) -> str:
    """SHA-256 (hex) of the file's bytes, recorded in training manifests."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
