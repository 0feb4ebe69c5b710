"""Versioned schema migrations (yoyo-migrations), for the embedded SQLite store and PostgreSQL/Supabase.

Migrations are plain SQL files, one folder per dialect, applied in number order:
`src/store/migrations/{sqlite,postgres}/NNNN_name.sql`; each one after the first starts with
`-- depends: <previous id>` and ends by setting `store_meta.schema_version` to its number, so the
version is readable by any client (the Supabase REST backend too) whichever tool applied it. The
PostgreSQL files are also what the Supabase CLI applies (`supabase/migrations/`, kept identical by a
test).

At start-up the service applies pending migrations itself (`AUTO_MIGRATE`, default on) under a
lock, so with several workers or replicas exactly one migrates while the others wait and then find
nothing to do: on PostgreSQL a session advisory lock, on SQLite an exclusive lock on a file beside
the database (yoyo's own lock table is taken inside it too). On PostgreSQL each migration runs in
its own transaction. A database whose schema is newer than this release stops start-up with one line.

`python -m src.store.migrate [--status]` applies (or shows) them for the configured store;
`--database-url URL` targets another PostgreSQL, e.g. a Supabase project's Postgres URL.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from src.config import Settings, get_settings
from src.store.errors import StoreConfigError, StoreUnavailable
from src.store.locks import FileLock

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
Dialect = Literal["sqlite", "postgres"]
MIGRATION_LOCK_KEY = 7861  # pg_advisory_lock key: one migrating process per database
MIGRATION_LOCK_TIMEOUT_S = 300


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where a database stands: its schema version, the newest this release knows, what is pending."""

    database_version: int
    code_version: int
    pending: tuple[str, ...]
    applied_now: tuple[str, ...] = ()


def version_of(migration_id: str) -> int:
    """`0003_row_level_security` -> 3."""
    return int(migration_id.split("_", 1)[0])


def migration_ids(dialect: Dialect) -> list[str]:
    return sorted(p.stem for p in (MIGRATIONS_DIR / dialect).glob("[0-9][0-9][0-9][0-9]_*.sql"))


def code_version(dialect: Dialect) -> int:
    return max((version_of(m) for m in migration_ids(dialect)), default=0)


def newer_schema_message(database_version: int, known: int) -> str:
    return (
        f"the database schema is at version {database_version}, newer than this release understands "
        f"(up to {known}); run a release that knows it, or restore a backup taken before the upgrade"
    )


def pending_schema_message(database_version: int, known: int) -> str:
    return (
        f"the database schema is at version {database_version} and this release needs {known}; "
        "apply the migrations with `python -m src.store.migrate` (or set AUTO_MIGRATE=true)"
    )


# --- connections -------------------------------------------------------------------------------


def _postgres_backend(url: str) -> Any:
    """A yoyo backend on the same connection parameters as the store (URL or libpq key=value)."""
    from psycopg.conninfo import conninfo_to_dict
    from yoyo.backends.core.postgresql import PostgresqlPsycopgBackend
    from yoyo.connections import DatabaseURI

    info = {k: v for k, v in conninfo_to_dict(url).items() if v is not None}
    uri = DatabaseURI(
        "postgresql+psycopg",
        info.pop("user", None),
        info.pop("password", None),
        info.pop("host", None),
        int(info.pop("port")) if "port" in info else None,
        info.pop("dbname", None),
        info,
    )
    backend = PostgresqlPsycopgBackend(uri, "_yoyo_migration")
    backend.init_database()
    return backend


def _sqlite_backend(path: Path) -> Any:
    from yoyo import get_backend

    return get_backend(f"sqlite:///{path.resolve()}")


@contextmanager
def _postgres_lock(url: str, timeout_s: float) -> Iterator[None]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"SET lock_timeout = '{int(timeout_s * 1000)}ms'")
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))


def _sqlite_lock(path: Path) -> FileLock:
    return FileLock(f"{path}.migrate.lock")


# --- status and apply --------------------------------------------------------------------------


def _database_version(backend: Any, dialect: Dialect) -> int:
    """The schema version a database holds: the highest of what yoyo recorded and `store_meta`
    (a Supabase CLI deployment records only the latter); 0 for an empty or pre-migration database."""
    tables = set(backend.list_tables())
    recorded = 0
    if "_yoyo_migration" in tables:
        cursor = backend.execute("SELECT migration_id FROM _yoyo_migration")
        recorded = max((version_of(r[0]) for r in cursor.fetchall() if r[0][:4].isdigit()), default=0)
    if "store_meta" in tables:
        row = backend.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
        if row is not None and str(row[0]).isdigit():
            recorded = max(recorded, int(row[0]))
    backend.rollback()
    return recorded


def _run(backend: Any, dialect: Dialect, *, apply: bool) -> SchemaStatus:
    from yoyo import read_migrations

    known = code_version(dialect)
    current = _database_version(backend, dialect)
    if current > known:
        raise StoreConfigError(newer_schema_message(current, known))
    migrations = read_migrations(str(MIGRATIONS_DIR / dialect))
    with backend.lock(timeout=MIGRATION_LOCK_TIMEOUT_S):
        pending = backend.to_apply(migrations)
        pending_ids = tuple(m.id for m in pending)
        if not pending_ids or not apply:
            return SchemaStatus(current, known, pending_ids)
        for migration in pending:
            log.info("applying schema migration %s", migration.id)
        backend.apply_migrations(pending)
    return SchemaStatus(_database_version(backend, dialect), known, (), pending_ids)


def migrate_postgres(url: str, *, apply: bool = True) -> SchemaStatus:
    """Apply (or only report) pending migrations on a PostgreSQL database."""
    import psycopg

    try:
        with _postgres_lock(url, MIGRATION_LOCK_TIMEOUT_S):
            backend = _postgres_backend(url)
            try:
                return _run(backend, "postgres", apply=apply)
            finally:
                backend.connection.close()
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreUnavailable(f"cannot migrate the PostgreSQL schema: {reason}") from exc


def migrate_sqlite(path: Path, *, apply: bool = True) -> SchemaStatus:
    """Apply (or only report) pending migrations on the embedded SQLite file."""
    try:
        with _sqlite_lock(path):
            backend = _sqlite_backend(path)
            try:
                return _run(backend, "sqlite", apply=apply)
            finally:
                backend.connection.close()
    except (sqlite3.Error, OSError) as exc:
        raise StoreUnavailable(f"cannot migrate the SQLite store: {exc}") from exc


def ensure_schema(settings: Settings, *, sqlite_path: Path | None = None, url: str | None = None) -> None:
    """Start-up: bring the schema to this release's version, or stop with one clear line when it
    is newer than the code, or pending while `AUTO_MIGRATE` is off."""
    apply = settings.auto_migrate
    if url is not None:
        status = migrate_postgres(url, apply=apply)
    else:
        status = migrate_sqlite(sqlite_path or settings.sqlite_path, apply=apply)
    if status.pending:
        raise StoreConfigError(pending_schema_message(status.database_version, status.code_version))
    if status.applied_now:
        log.info("schema migrated to version %d (%s)", status.database_version, ", ".join(status.applied_now))


def check_schema_version(database_version: int, dialect: Dialect = "postgres") -> None:
    """For stores that cannot run DDL (Supabase over REST): the schema must match this release."""
    known = code_version(dialect)
    if database_version > known:
        raise StoreConfigError(newer_schema_message(database_version, known))
    if database_version < known:
        raise StoreConfigError(
            f"the Supabase schema is at version {database_version} and this release needs {known}; apply "
            "supabase/migrations with the Supabase CLI (`supabase db push`) or run "
            "`python -m src.store.migrate --database-url <the project's Postgres URL>`"
        )


SUPABASE_MIGRATIONS_DIR = MIGRATIONS_DIR.parent.parent.parent / "supabase" / "migrations"


def supabase_file_name(migration_id: str) -> str:
    """The Supabase CLI wants `<14-digit timestamp>_name.sql`: a fixed date plus the number keeps the order."""
    number, name = migration_id.split("_", 1)
    return f"2026010100{number}_{name}.sql"


def write_supabase_migrations(directory: Path = SUPABASE_MIGRATIONS_DIR) -> list[Path]:
    """Copy the PostgreSQL migrations, byte for byte, to where the Supabase CLI looks for them."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for migration_id in migration_ids("postgres"):
        target = directory / supabase_file_name(migration_id)
        target.write_bytes((MIGRATIONS_DIR / "postgres" / f"{migration_id}.sql").read_bytes())
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m src.store.migrate", description="Apply the store's pending schema migrations."
    )
    parser.add_argument("--status", action="store_true", help="only show the versions and what is pending")
    parser.add_argument(
        "--database-url", help="a PostgreSQL URL (default: DATABASE_URL, else the SQLite store)"
    )
    parser.add_argument("--sqlite-path", type=Path, help="an SQLite file (default: SQLITE_PATH)")
    parser.add_argument(
        "--write-supabase", action="store_true", help="refresh supabase/migrations from the PostgreSQL files"
    )
    args = parser.parse_args(argv)
    if args.write_supabase:
        for path in write_supabase_migrations():
            print(path)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings()
    url = args.database_url or (None if args.sqlite_path else settings.database_url)
    try:
        if url:
            status = migrate_postgres(url, apply=not args.status)
        else:
            status = migrate_sqlite(args.sqlite_path or settings.sqlite_path, apply=not args.status)
    except (StoreConfigError, StoreUnavailable) as exc:
        print(f"migrate: {exc}", file=sys.stderr)
        return 2
    applied = ", ".join(status.applied_now) or "nothing"
    pending = ", ".join(status.pending) or "nothing"
    print(
        f"schema version {status.database_version} (this release: {status.code_version}); "
        f"applied {applied}; pending {pending}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
