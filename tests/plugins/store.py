"""Store fixtures: a small tmp catalog, Settings that point at it, and initialised stores on
both backends (embedded SQLite and the real PostgreSQL server at 127.0.0.1:5432).

Public API (other test modules depend on these names):

- `small_catalog` (session)      -> (road_csv, trail_csv): 12 road + 8 trail valid shoes.
- `settings_factory`             -> make(**overrides) -> Settings isolated in tmp_path.
- `pg_admin_url` (session)       -> admin URL; skips with the reason if PostgreSQL is unreachable.
- `pg_url`                       -> URL of a throwaway database, dropped afterwards.
- `store` / `store_settings`     -> parametrized over ["sqlite", "postgres"].
- `backend_settings_factory`     -> make(**overrides) -> Settings for the current backend.
- `store_factory`                -> make(**overrides) -> an initialised store for the current
                                    backend (same file / database as `store`), closed afterwards.
"""

from __future__ import annotations

import csv
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from src.config import (
    ATTRIBUTE_COLUMNS,
    DESCRIPTIVE_COLUMNS,
    EXTRA_COLUMNS,
    METADATA_COLUMNS,
    ROAD_FEATURES,
    TRAIL_FEATURES,
    Settings,
)
from src.store import Store, create_store

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
N_ROAD = 12
N_TRAIL = 8

SettingsFactory = Callable[..., Settings]
StoreFactory = Callable[..., Store]


def _road_features(i: int) -> dict[str, float | int]:
    heel = 28 + (i % 9)  # 28..36
    drop = i % 12  # 0..11
    forefoot = heel - drop
    return {
        "weight_g": 200.5 + 10 * i,
        "heel_stack_mm": heel,
        "forefoot_stack_mm": forefoot,
        "drop_mm": heel - forefoot,
        "midsole_softness": 1 + i % 10,
        "responsiveness": 10 - i % 10,
        "plate": i % 3,
        "stability": i % 2,
        "width_narrow": int(i % 3 == 0),
        "width_regular": 1,
        "width_wide": int(i % 4 == 0),
        "breathability": 1 + i % 5,
        "warmth": 1 + (i + 2) % 5,
        "water_resistance": i % 3,
        "removable_insole": 1 - i % 2,
        "use_daily": 1,
        "use_tempo": i % 2,
        "use_race": int(i % 3 == 0),
    }


def catalog_rows(shoe_type: str, n: int) -> list[dict[str, Any]]:
    """Valid catalog rows in the exact CSV column order of src.config."""
    prefix, features = ("R", ROAD_FEATURES) if shoe_type == "road" else ("T", TRAIL_FEATURES)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        values: dict[str, Any] = _road_features(i)
        if shoe_type == "trail":
            values.update(
                {
                    "lug_depth_mm": 2.5 + i % 6,
                    "rock_plate": i % 2,
                    "terrain_light": 1 + i % 5,
                    "terrain_mixed": 1 + (i + 1) % 5,
                    "terrain_rocky": 1 + (i + 2) % 5,
                    "terrain_muddy": 1 + (i + 3) % 5,
                }
            )
        row: dict[str, Any] = {
            "shoe_id": f"{prefix}{i + 1:03d}",
            "name": f"Test {shoe_type.title()} {i + 1}",
            "brand": ("Alpha", "Bravo", "Charlie")[i % 3],
            "release_year": 2018 + i % 7,
            "spec_source": "published" if i % 2 == 0 else "estimated",
            "status": "active",
        }
        row.update({f: values[f] for f in features})
        # a price for three shoes in four (the fourth's is unknown), rising with the index
        row["price_usd"] = None if i % 4 == 3 else 80 + 10 * i
        rows.append(row)
    return rows


def write_catalog_csv(path: Path, shoe_type: str, rows: list[dict[str, Any]]) -> Path:
    """The rows as a catalog file; the descriptive columns (not stored, so not in the rows) are
    derived: every test shoe is its own family, current, with the role its use flags say."""
    features = ROAD_FEATURES if shoe_type == "road" else TRAIL_FEATURES
    columns = [*METADATA_COLUMNS, *DESCRIPTIVE_COLUMNS, *features, *ATTRIBUTE_COLUMNS, *EXTRA_COLUMNS]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            role = "race" if row["use_race"] and not row["use_daily"] else "daily"
            sourced = ["release_year", *features, *(c for c in ATTRIBUTE_COLUMNS if row.get(c) is not None)]
            provenance = " ".join(f"{c}:{'lab' if c == 'weight_g' else 'brand'}" for c in sourced)
            writer.writerow(
                {
                    **{c: row.get(c) for c in ATTRIBUTE_COLUMNS},
                    **row,
                    "family": f"{row['brand']} {row['name']}",
                    "current": 1,
                    "role": role,
                    "season": row.get("season", ""),
                    "source_rows": "test",
                    "provenance": provenance,
                }
            )
    return path


@pytest.fixture(scope="session")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(road_csv, trail_csv): 12 road shoes R001..R012 and 8 trail shoes T001..T008."""
    base = tmp_path_factory.mktemp("catalog")
    road = write_catalog_csv(base / "road_dataset.csv", "road", catalog_rows("road", N_ROAD))
    trail = write_catalog_csv(base / "trail_dataset.csv", "trail", catalog_rows("trail", N_TRAIL))
    return road, trail


@pytest.fixture
def settings_factory(tmp_path: Path, small_catalog: tuple[Path, Path]) -> SettingsFactory:
    """make(**overrides) -> Settings isolated in tmp_path (no .env, no demo data, SQLite)."""
    road, trail = small_catalog

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": None,
            "supabase_url": None,
            "supabase_key": None,
            "sqlite_path": tmp_path / "store.sqlite3",
            "artifacts_dir": tmp_path / "artifacts",
            "road_catalog": road,
            "trail_catalog": trail,
            "seed_demo_interactions": False,
            "demo_users": 0,
            "log_json": False,
            "admin_token": None,
            "db_pool_size": 4,
            "db_timeout_s": 5.0,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """The admin URL of the local PostgreSQL server; skips (with the reason) if unreachable."""
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {reason}")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A throwaway database `sonix_test_<hex>` (full isolation), dropped afterwards."""
    import psycopg
    from psycopg import sql

    name = f"sonix_test_{secrets.token_hex(6)}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield pg_admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=_BACKENDS)
def store_backend(request: pytest.FixtureRequest) -> str:
    """The backend of the parametrized store fixtures: "sqlite" or "postgres"."""
    return str(request.param)


@pytest.fixture
def backend_settings_factory(
    request: pytest.FixtureRequest, store_backend: str, settings_factory: SettingsFactory
) -> SettingsFactory:
    """make(**overrides) -> Settings for the current backend (one tmp file / one throwaway db)."""
    backend: dict[str, Any] = {}
    if store_backend == "postgres":
        backend["database_url"] = request.getfixturevalue("pg_url")

    def make(**overrides: Any) -> Settings:
        return settings_factory(**{**backend, **overrides})

    return make


@pytest.fixture
def store_settings(backend_settings_factory: SettingsFactory) -> Settings:
    """Settings for the current backend (parametrized: sqlite, postgres)."""
    return backend_settings_factory()


@pytest.fixture
def store_factory(backend_settings_factory: SettingsFactory) -> Iterator[StoreFactory]:
    """make(**overrides) -> an initialised store on the current backend, closed afterwards.
    Every store made in one test shares the same SQLite file / PostgreSQL database."""
    made: list[Store] = []

    def make(**overrides: Any) -> Store:
        store = create_store(backend_settings_factory(**overrides))
        made.append(store)
        store.init()
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(store_factory: StoreFactory) -> Store:
    """An initialised store (parametrized: sqlite, postgres) seeded with the small catalog."""
    return store_factory()


def stored_events(store: Store) -> list[tuple[int, str, str, int | None]]:
    """The event log, oldest first: (event_id, user_id, shoe_id, action_type, value)."""
    with store._tx() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(
            "SELECT event_id, user_id, shoe_id, action_type, value FROM interaction_events ORDER BY event_id"
        ).fetchall()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def write_state(store: Store) -> tuple[list[tuple[int, str, str, int | None]], int, int, int]:
    """Everything a write may touch: sorted raw rows, CT pending/claims and the newest event id."""
    ct = store.ct_state()
    return (
        sorted(map(tuple, store.interaction_rows()), key=repr),
        ct.pending,
        ct.rebuilds_claimed,
        ct.max_event_id,
    )
