"""Schema migrations: numbered, recorded, applied once under a lock, upgrades keep the data, a newer
database stops start-up with one line. Run on the embedded SQLite store and the real PostgreSQL.

The "first released schema" is the DDL release 1.0 executed on every start, kept verbatim in
tests/fixtures/schema_v1/. Every later migration is exercised by the upgrade test automatically,
because it always upgrades from that schema to the newest one.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.config import Settings
from src.store import StoreConfigError, create_store
from src.store.migrate import (
    MIGRATIONS_DIR,
    SUPABASE_MIGRATIONS_DIR,
    code_version,
    migrate_postgres,
    migrate_sqlite,
    migration_ids,
    supabase_file_name,
    version_of,
)
from tests.plugins.service import run_to_exit
from tests.plugins.store import SettingsFactory

ROOT = Path(__file__).resolve().parents[2]
V1_SCHEMA = Path(__file__).parents[1] / "fixtures" / "schema_v1"

# Data a release-1.0 database holds: two runners, likes, ratings, their events, a counter mid-way.
V1_LIKES = [(1, "R001"), (1, "T002"), (2, "R003")]
V1_RATINGS = [(1, "R002", 5), (2, "R001", 1), (2, "T001", 4)]
V1_PENDING, V1_CLAIMS = 6, 2


def _v1_rows(param: str) -> list[tuple[str, tuple[Any, ...]]]:
    now = "2026-01-02T03:04:05+00:00"
    rows: list[tuple[str, tuple[Any, ...]]] = []
    for user, shoe in V1_LIKES:
        rows.append(
            (
                f"INSERT INTO favorites (user_id, shoe_id, created_at) VALUES ({param}, {param}, {param})",
                (user, shoe, now),
            )
        )
    for user, shoe, stars in V1_RATINGS:
        rows.append(
            (
                f"INSERT INTO reviews (user_id, shoe_id, rating, created_at) VALUES ({param}, {param}, {param}, {param})",
                (user, shoe, stars, now),
            )
        )
    events = [(u, s, "like", None) for u, s in V1_LIKES] + [(u, s, "rate", v) for u, s, v in V1_RATINGS]
    for user, shoe, action, value in events:
        rows.append(
            (
                "INSERT INTO interaction_events (user_id, shoe_id, action_type, value, created_at)"
                f" VALUES ({param}, {param}, {param}, {param}, {param})",
                (user, shoe, action, value, now),
            )
        )
    rows.append(
        (f"UPDATE ct_state SET pending = {param}, rebuilds_claimed = {param}", (V1_PENDING, V1_CLAIMS))
    )
    return rows


def _catalog_insert(param: str, store_settings: Settings) -> list[tuple[str, tuple[Any, ...]]]:
    from src.store.seed import catalog_rows

    rows, digest = catalog_rows(store_settings)
    sql = (
        "INSERT INTO shoes (shoe_id, shoe_type, name, brand, release_year, spec_source, features) "
        f"VALUES ({param}, {param}, {param}, {param}, {param}, {param}, {param})"
    )
    out = [
        (
            sql,
            (
                r["shoe_id"],
                r["shoe_type"],
                r["name"],
                r["brand"],
                r["release_year"],
                r["spec_source"],
                r["features"],
            ),
        )
        for r in rows
    ]
    out.append((f"INSERT INTO store_meta (key, value) VALUES ('catalog_hash', {param})", (digest,)))
    return out


def make_v1_sqlite(settings: Settings) -> None:
    """A database exactly as release 1.0 left it: its DDL, its catalog rows, some interactions."""
    with closing(sqlite3.connect(settings.sqlite_path)) as conn:
        conn.executescript((V1_SCHEMA / "sqlite.sql").read_text())
        for sql, params in _catalog_insert("?", settings) + _v1_rows("?"):
            conn.execute(sql, params)
        conn.commit()


def make_v1_postgres(settings: Settings) -> None:
    assert settings.database_url
    with psycopg.connect(settings.database_url) as conn:
        conn.execute((V1_SCHEMA / "postgres.sql").read_text())
        for sql, params in _catalog_insert("%s", settings) + _v1_rows("%s"):
            conn.execute(sql, params)


def _dump(settings: Settings) -> dict[str, Any]:
    """What must survive an upgrade, read with plain SQL (not through the code under test)."""
    queries = {
        "favorites": "SELECT user_id, shoe_id FROM favorites ORDER BY 1, 2",
        "reviews": "SELECT user_id, shoe_id, rating FROM reviews ORDER BY 1, 2",
        "events": "SELECT event_id, user_id, shoe_id, action_type, value FROM interaction_events ORDER BY 1",
        "ct": "SELECT pending, rebuilds_claimed FROM ct_state",
        "shoes": "SELECT shoe_id, name, brand FROM shoes ORDER BY 1",
        "version": "SELECT value FROM store_meta WHERE key = 'schema_version'",
    }
    if settings.database_url:
        with psycopg.connect(settings.database_url) as conn:
            return {k: [tuple(r) for r in conn.execute(q).fetchall()] for k, q in queries.items()}
    with closing(sqlite3.connect(settings.sqlite_path)) as conn:
        out: dict[str, Any] = {}
        for k, q in queries.items():
            try:
                out[k] = [tuple(r) for r in conn.execute(q).fetchall()]
            except sqlite3.OperationalError:
                out[k] = None
        return out


@pytest.fixture
def v1_database(store_backend: str, backend_settings_factory: SettingsFactory) -> Settings:
    settings = backend_settings_factory()
    (make_v1_postgres if store_backend == "postgres" else make_v1_sqlite)(settings)
    return settings


# --- the migration files themselves --------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_migrations_are_numbered_from_one_without_gaps_and_chained(dialect: Any) -> None:
    ids = migration_ids(dialect)
    assert [version_of(m) for m in ids] == list(range(1, len(ids) + 1))
    for previous, current in itertools.pairwise(ids):
        text = (MIGRATIONS_DIR / dialect / f"{current}.sql").read_text()
        assert f"-- depends: {previous}" in text.splitlines()[:5], f"{current} must depend on {previous}"


def test_both_dialects_have_the_same_migrations() -> None:
    assert migration_ids("sqlite") == migration_ids("postgres")
    assert code_version("sqlite") == code_version("postgres") >= 1


def test_supabase_cli_folder_holds_the_postgres_migrations_byte_for_byte() -> None:
    expected = {
        supabase_file_name(m): (MIGRATIONS_DIR / "postgres" / f"{m}.sql").read_bytes()
        for m in migration_ids("postgres")
    }
    found = {p.name: p.read_bytes() for p in SUPABASE_MIGRATIONS_DIR.glob("*.sql")}
    assert found == expected, "run `python -m src.store.migrate --write-supabase`"
    assert sorted(found) == [supabase_file_name(m) for m in migration_ids("postgres")]  # CLI order = ours


# --- upgrades keep the data --------------------------------------------------------------------


def test_upgrade_from_release_1_keeps_every_row_and_serves(v1_database: Settings, store_backend: str) -> None:
    before = _dump(v1_database)
    assert before["version"] == []  # release 1.0 recorded no schema version
    store = create_store(v1_database)
    store.init()
    store.close()
    after = _dump(v1_database)
    for table in ("favorites", "reviews", "events", "shoes"):
        assert after[table] == before[table], table
    if store_backend == "postgres":  # migration 0012: the counter is read off the event ids, from
        # where it stood (the claims start again from 0: the CT compares them with those handled)
        assert after["ct"] == [(V1_PENDING, 0)]
    else:
        assert after["ct"] == before["ct"] == [(V1_PENDING, V1_CLAIMS)]
    assert len(after["events"]) == len(V1_LIKES) + len(V1_RATINGS)
    assert after["version"] == [(str(code_version("postgres" if store_backend == "postgres" else "sqlite")),)]

    # ... and the service serves on it: runner 1's feed, then a new write counted on top of the old counter.
    with TestClient(create_app(v1_database, initialize=True)) as client:
        feed = client.get("/recommend/feed/1")
        assert feed.status_code == 200, feed.text
        assert {item["shoe_id"] for item in feed.json()["data"]}.isdisjoint({"R001", "T002", "R002"})
        wrote = client.post("/interact", json={"user_id": 3, "shoe_id": "R004", "action_type": "like"})
        assert wrote.status_code == 200, wrote.text
    final = _dump(v1_database)
    assert final["events"][: len(before["events"])] == before["events"]
    assert len(final["favorites"]) == len(V1_LIKES) + 1


def test_migrating_twice_applies_nothing_the_second_time(
    store_settings: Settings, store_backend: str
) -> None:
    migrate = (
        (lambda: migrate_postgres(store_settings.database_url or ""))
        if store_backend == "postgres"
        else (lambda: migrate_sqlite(store_settings.sqlite_path))
    )
    first, second = migrate(), migrate()
    assert len(first.applied_now) == first.code_version
    assert second.applied_now == () and second.pending == ()
    assert second.database_version == second.code_version


# --- several processes, one migration ----------------------------------------------------------


def _migrate_process(settings: Settings) -> subprocess.Popen[str]:
    env = {**os.environ, "LOG_JSON": "false"}
    args = [sys.executable, "-m", "src.store.migrate"]
    args += (
        ["--database-url", settings.database_url]
        if settings.database_url
        else ["--sqlite-path", str(settings.sqlite_path)]
    )
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _applied_log(settings: Settings) -> list[str]:
    sql = "SELECT migration_id FROM _yoyo_log WHERE operation = 'apply' ORDER BY migration_id"
    if settings.database_url:
        with psycopg.connect(settings.database_url) as conn:
            return [r[0] for r in conn.execute(sql).fetchall()]
    with closing(sqlite3.connect(settings.sqlite_path)) as conn:
        return [r[0] for r in conn.execute(sql).fetchall()]


@pytest.mark.slow
def test_two_processes_starting_at_once_migrate_exactly_once(
    v1_database: Settings, store_backend: str
) -> None:
    processes = [_migrate_process(v1_database) for _ in range(3)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    dialect = "postgres" if store_backend == "postgres" else "sqlite"
    assert _applied_log(v1_database) == migration_ids(dialect)  # each migration applied by exactly one
    assert sum("applied nothing" in out for out in outputs) == 2, outputs


# --- versions the code does not know, and migrating as a deploy step -------------------------


def _set_schema_version(settings: Settings, version: int) -> None:
    sql = f"UPDATE store_meta SET value = '{version}' WHERE key = 'schema_version'"
    if settings.database_url:
        with psycopg.connect(settings.database_url) as conn:
            conn.execute(sql)
        return
    with closing(sqlite3.connect(settings.sqlite_path)) as conn:
        conn.execute(sql)
        conn.commit()


def _start_up(settings: Settings, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """`python -m src.main` as the README runs it, on these store settings (it stops before serving)."""
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "SUPABASE_", "SQLITE_PATH"))
        },
        "SQLITE_PATH": str(settings.sqlite_path),
        "ROAD_CATALOG": str(settings.road_catalog),
        "TRAIL_CATALOG": str(settings.trail_catalog),
        "ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "SEED_DEMO_INTERACTIONS": "false",
        "PORT": "1",
        **extra,
    }
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    return run_to_exit(env)


@pytest.mark.slow
def test_a_newer_database_stops_start_up_with_one_line_naming_both_versions(
    store_settings: Settings, store_backend: str, tmp_path: Path
) -> None:
    create_store(store_settings).init()
    _set_schema_version(store_settings, 999)
    done = _start_up(store_settings, tmp_path)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    known = code_version("postgres" if store_backend == "postgres" else "sqlite")
    assert "version 999" in lines[0] and f"(up to {known})" in lines[0]
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.slow
def test_with_auto_migrate_off_an_old_database_stops_start_up_naming_the_command(
    v1_database: Settings, tmp_path: Path
) -> None:
    before = _dump(v1_database)
    done = _start_up(v1_database, tmp_path, AUTO_MIGRATE="false")
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "python -m src.store.migrate" in lines[0], done.stderr
    assert "version 0" in lines[0]
    assert _dump(v1_database) == before  # nothing was changed


def test_store_init_refuses_a_newer_schema(store_settings: Settings) -> None:
    create_store(store_settings).init()
    _set_schema_version(store_settings, code_version("sqlite") + 1)
    with pytest.raises(StoreConfigError, match=r"newer than this release understands"):
        create_store(store_settings).init()


# --- the catalog from measurements (issue 22): ids stay, shoes leave by retiring ---------------


def test_upgrade_from_the_previous_catalog_keeps_ids_and_retires_what_left(
    store_backend: str, backend_settings_factory: SettingsFactory
) -> None:
    """A database of the release before issue 22 (its 539 shoe ids and names, likes on a shoe that is
    retired now and on one that no catalog lists any more) upgraded by schema 8 and the new seed."""
    import csv
    import json

    from src.config import DATA_DIR

    settings = backend_settings_factory(
        road_catalog=DATA_DIR / "road_dataset.csv", trail_catalog=DATA_DIR / "trail_dataset.csv"
    )
    with (Path(__file__).parents[1] / "fixtures" / "catalog_ids_v1.csv").open(encoding="utf-8") as handle:
        previous = list(csv.DictReader(handle))
    features = json.dumps(
        {"weight_g": 280.0, "heel_stack_mm": 33.0, "forefoot_stack_mm": 23.0, "drop_mm": 10.0}
    )
    param = "%s" if store_backend == "postgres" else "?"
    statements: list[tuple[str, tuple[Any, ...]]] = [
        (
            "INSERT INTO shoes (shoe_id, shoe_type, name, brand, release_year, spec_source, features) "
            f"VALUES ({param}, {param}, {param}, {param}, {param}, {param}, {param})",
            (
                row["shoe_id"],
                "road" if row["shoe_id"].startswith("R") else "trail",
                row["name"],
                row["brand"],
                2022,
                "estimated",
                features,
            ),
        )
        for row in [*previous, {"shoe_id": "R900", "brand": "Gone", "name": "Withdrawn 1"}]
    ]
    now = "2026-01-02T03:04:05+00:00"
    for user, shoe in ((1, "R001"), (1, "R002"), (2, "R900")):
        statements.append(
            (
                f"INSERT INTO favorites (user_id, shoe_id, created_at) VALUES ({param}, {param}, {param})",
                (user, shoe, now),
            )
        )
    if store_backend == "postgres":
        assert settings.database_url
        with psycopg.connect(settings.database_url) as conn:
            conn.execute((V1_SCHEMA / "postgres.sql").read_text())
            for sql, params in statements:
                conn.execute(sql, params)
    else:
        with closing(sqlite3.connect(settings.sqlite_path)) as conn:
            conn.executescript((V1_SCHEMA / "sqlite.sql").read_text())
            for sql, params in statements:
                conn.execute(sql, params)
            conn.commit()

    store = create_store(settings)
    store.init()
    try:
        for row in previous:  # every old id still names its shoe
            shoe = store.shoe(row["shoe_id"])
            assert shoe is not None and (shoe["brand"], shoe["name"]) == (row["brand"], row["name"])
        retired, gone, kept, new = (store.shoe(s) for s in ("R001", "R900", "R002", "R331"))
        assert retired is not None and retired["status"] == "retired" and retired["name"] == "Pegasus 37"
        assert gone is not None and gone["status"] == "retired" and gone["name"] == "Withdrawn 1"
        assert kept is not None and kept["status"] == "active" and kept["spec_source"] == "original"
        assert (
            new is not None
            and new["status"] == "active"
            and new["provenance"]["weight_g"] in ("lab", "brand")
        )
        listed = {s["shoe_id"] for s in store.all_shoes()}
        assert {"R001", "R900"}.isdisjoint(listed) and {"R002", "R331"} <= listed
    finally:
        store.close()
    after = _dump(settings)
    assert after["favorites"] == [(1, "R001"), (1, "R002"), (2, "R900")]  # history kept
    with TestClient(create_app(settings, initialize=True)) as client:
        sheet = client.get("/v1/shoes/R001")
        assert sheet.status_code == 200 and sheet.json()["data"]["status"] == "retired"
        feed = client.get("/recommend/feed/1")
        assert feed.status_code == 200, feed.text
        assert {item["shoe_id"] for item in feed.json()["data"]}.isdisjoint({"R001", "R900"})
