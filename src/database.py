"""The data store: one interface, three backends.

- `SQLiteStore`   — the embedded default (a WAL-mode file, created and seeded on first use).
- `PostgresStore` — `DATABASE_URL` (a Supabase project's own Postgres connection string works too).
- `SupabaseStore` — `SUPABASE_URL` + `SUPABASE_KEY` through the official `supabase` client (PostgREST).

Every write is one transaction that records the interaction, appends it to `interaction_events`
and bumps the shared continuous-training counter, so the counter is global across workers and
nothing is ever half-written. Scores are computed in Python from raw rows (`recommender.scores`)
so the conversion lives in exactly one place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from src.config import FEATURES, METADATA_COLUMNS, SHOE_TYPES, Settings, ShoeType, get_settings
from src.recommender.scores import aggregate_scores, score_of

log = logging.getLogger(__name__)

SCHEMA_SQL_PATH = Path(__file__).resolve().parent / "sql" / "postgres_schema.sql"

Row = tuple[str, str, int | None]  # (shoe_id, action_type, value)


class StoreError(RuntimeError):
    """Base class for store failures."""


class StoreUnavailable(StoreError):
    """The store cannot be reached right now (the API answers 503)."""


class StoreConfigError(StoreError):
    """The store is misconfigured (start-up stops with this one-line message)."""


class UnknownShoeError(LookupError):
    """The shoe id is not in the catalog (the API answers 404)."""


@dataclass(frozen=True, slots=True)
class UserState:
    """One user's interactions as stored, and the id of their newest event (0 if none)."""

    rows: list[Row]
    last_event_id: int

    @property
    def scores(self) -> dict[str, float]:
        return aggregate_scores(self.rows)


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """What one write did: whether anything changed, the CT counter after it, and the user's rows."""

    event_id: int
    changed: bool
    ct_pending: int
    rebuild_claimed: bool
    user: UserState


@dataclass(frozen=True, slots=True)
class CTState:
    pending: int
    rebuilds_claimed: int
    max_event_id: int


@dataclass(frozen=True, slots=True)
class ChangedUsers:
    """Users whose rows changed after an event id, and how far it is safe to advance the watermark."""

    user_ids: list[int]
    max_event_id: int
    watermark: int


def shoe_record(row: dict[str, Any]) -> dict[str, Any]:
    """Flatten a stored shoe (metadata + JSON features) into the catalog record shape."""
    features = row["features"]
    if isinstance(features, str):
        features = json.loads(features)
    record = {col: row[col] for col in METADATA_COLUMNS}
    record["release_year"] = int(record["release_year"]) if record["release_year"] is not None else None
    record["shoe_type"] = row["shoe_type"]
    record.update({k: float(v) for k, v in features.items()})
    return record


def _catalog_rows(settings: Settings) -> tuple[list[dict[str, Any]], str]:
    """Validated catalog rows for seeding, and a hash that says when the CSVs changed."""
    from src.catalog import load_catalog  # seeding only: keep it off the request path

    rows: list[dict[str, Any]] = []
    digest = hashlib.sha256()
    for shoe_type, path in (("road", settings.road_catalog), ("trail", settings.trail_catalog)):
        digest.update(Path(path).read_bytes())
        for rec in load_catalog(Path(path), shoe_type):  # type: ignore[arg-type]
            features = {f: rec[f] for f in FEATURES[shoe_type]}
            rows.append(
                {
                    **{c: rec[c] for c in METADATA_COLUMNS},
                    "shoe_type": shoe_type,
                    "features": json.dumps(features, sort_keys=True),
                }
            )
    return rows, digest.hexdigest()


def _demo_rows(
    settings: Settings, shoes: list[dict[str, Any]]
) -> list[tuple[int, str, str, int | None, str]]:
    from src.training.demo_data import generate_demo_interactions

    road = [s for s in shoes if s["shoe_type"] == "road"]
    trail = [s for s in shoes if s["shoe_type"] == "trail"]
    demo = generate_demo_interactions(road, trail, n_users=settings.demo_users, seed=settings.demo_seed)
    return [(d.user_id, d.shoe_id, d.action_type, d.value, d.created_at.isoformat()) for d in demo]


class Store(ABC):
    """The interface the rest of the code uses. Implementations are thread-safe."""

    backend: str = "abstract"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # --- lifecycle
    @abstractmethod
    def init(self) -> None:
        """Create the schema if needed and seed the catalog (and demo data where enabled)."""

    @abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers a trivial query."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    # --- catalog
    _catalog: list[dict[str, Any]] | None = None
    _catalog_by_id: dict[str, dict[str, Any]] = {}  # noqa: RUF012 - replaced per instance

    @abstractmethod
    def _fetch_shoes(self) -> list[dict[str, Any]]:
        """Every shoe record from the store, road then trail, each in id order."""

    def all_shoes(self) -> list[dict[str, Any]]:
        """Every shoe, road then trail. The catalog only changes when the store is seeded, so it is
        read once per process (and again after `init`)."""
        if self._catalog is None:
            catalog = self._fetch_shoes()
            self._catalog_by_id = {s["shoe_id"]: s for s in catalog}
            self._catalog = catalog
        return self._catalog

    def shoes(self, shoe_type: ShoeType) -> list[dict[str, Any]]:
        return [s for s in self.all_shoes() if s["shoe_type"] == shoe_type]

    def shoe(self, shoe_id: str) -> dict[str, Any] | None:
        self.all_shoes()
        return self._catalog_by_id.get(shoe_id)

    # --- interactions
    def record_like(self, user_id: int, shoe_id: str) -> RecordOutcome:
        return self._record(user_id, shoe_id, "like", None)

    def record_rating(self, user_id: int, shoe_id: str, rating: int) -> RecordOutcome:
        score_of("rate", rating)  # validates 1-5 before touching the store
        return self._record(user_id, shoe_id, "rate", rating)

    @abstractmethod
    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome: ...

    @abstractmethod
    def user_state(self, user_id: int) -> UserState: ...

    @abstractmethod
    def user_last_event(self, user_id: int) -> int: ...

    @abstractmethod
    def interaction_rows(
        self, user_ids: Sequence[int] | None = None
    ) -> list[tuple[int, str, str, int | None]]:
        """Raw (user_id, shoe_id, action_type, value) rows, for everyone or for the given users."""

    def interaction_scores(self, user_ids: Sequence[int] | None = None) -> list[tuple[int, str, float]]:
        """(user_id, shoe_id, summed score) for every interacting pair (optionally some users only)."""
        totals: dict[tuple[int, str], float] = {}
        for user_id, shoe_id, action, value in self.interaction_rows(user_ids):
            key = (user_id, shoe_id)
            totals[key] = totals.get(key, 0.0) + score_of(action, value)
        return [(u, s, v) for (u, s), v in totals.items()]

    @abstractmethod
    def changed_users_since(self, event_id: int, settle_s: float = 2.0) -> ChangedUsers:
        """Users with events after `event_id`. The watermark stops short of events younger than
        `settle_s`, because a concurrent transaction may still commit a lower event id."""

    @abstractmethod
    def ct_state(self) -> CTState: ...

    def event_watermark(self, settle_s: float = 2.0) -> int:
        """The newest event id that no concurrent transaction can still precede (see changed_users_since).
        Backends that commit writers in order (SQLite) simply return the newest id."""
        return self.ct_state().max_event_id

    @property
    def threshold(self) -> int:
        return self.settings.ct_threshold


# ---------------------------------------------------------------------------------------------
# SQLite (embedded default)
# ---------------------------------------------------------------------------------------------

_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS shoes (
    shoe_id TEXT PRIMARY KEY,
    shoe_type TEXT NOT NULL CHECK (shoe_type IN ('road', 'trail')),
    name TEXT NOT NULL, brand TEXT NOT NULL, release_year INTEGER, spec_source TEXT,
    features TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS favorites (
    user_id INTEGER NOT NULL CHECK (user_id > 0),
    shoe_id TEXT NOT NULL REFERENCES shoes (shoe_id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, shoe_id)
);
CREATE TABLE IF NOT EXISTS reviews (
    user_id INTEGER NOT NULL CHECK (user_id > 0),
    shoe_id TEXT NOT NULL REFERENCES shoes (shoe_id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, shoe_id)
);
CREATE TABLE IF NOT EXISTS interaction_events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL, shoe_id TEXT NOT NULL,
    action_type TEXT NOT NULL CHECK (action_type IN ('like', 'rate')),
    value INTEGER, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS interaction_events_user_idx ON interaction_events (user_id, event_id);
CREATE TABLE IF NOT EXISTS ct_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pending INTEGER NOT NULL DEFAULT 0,
    rebuilds_claimed INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT
);
INSERT OR IGNORE INTO ct_state (id) VALUES (1);
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_USER_ROWS_SQL = (
    "SELECT shoe_id, 'like', NULL FROM favorites WHERE user_id = {p} "
    "UNION ALL SELECT shoe_id, 'rate', rating FROM reviews WHERE user_id = {p}"
)
_ALL_ROWS_SQL = (
    "SELECT user_id, shoe_id, 'like', NULL FROM favorites "
    "UNION ALL SELECT user_id, shoe_id, 'rate', rating FROM reviews"
)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


class SQLiteStore(Store):
    backend = "sqlite"

    def __init__(self, settings: Settings, path: Path | None = None) -> None:
        super().__init__(settings)
        self.path = Path(path or settings.sqlite_path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._lock_fd: int | None = None

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    self.path,
                    timeout=self.settings.db_timeout_s,
                    isolation_level=None,
                    check_same_thread=True,
                )
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL mode
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute(f"PRAGMA busy_timeout={int(self.settings.db_timeout_s * 1000)}")
            except (sqlite3.Error, OSError) as exc:  # OSError: the parent cannot be created
                raise StoreUnavailable(f"cannot open SQLite store {self.path}: {exc}") from exc
            self._local.conn = conn
        return conn

    @contextmanager
    def _write_turn(self) -> Iterator[None]:
        """One writer at a time: first among this process's threads, then across processes with
        flock. SQLite's own busy handler makes a waiting writer sleep and retry, which gives a long
        tail under many concurrent writers; the kernel hands a lock over at once and in order."""
        import fcntl

        with self._write_lock:
            if self._lock_fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._lock_fd = os.open(f"{self.path}.writelock", os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if write:
            try:
                with self._write_turn(), self._tx_inner(write=True) as conn:
                    yield conn
            except OSError as exc:
                raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc
            return
        with self._tx_inner() as conn:
            yield conn

    @contextmanager
    def _tx_inner(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        try:
            # IMMEDIATE takes the write lock up front: no lock upgrade deadlocks between workers.
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield conn
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            conn.execute("ROLLBACK") if conn.in_transaction else None
            raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def init(self) -> None:
        conn = self._conn()
        conn.executescript(_SQLITE_SCHEMA)
        rows, catalog_hash = _catalog_rows(self.settings)
        with self._tx(write=True) as tx:
            stored = tx.execute("SELECT value FROM store_meta WHERE key='catalog_hash'").fetchone()
            if stored is None or stored[0] != catalog_hash:
                tx.executemany(
                    "INSERT INTO shoes (shoe_id, shoe_type, name, brand, release_year, spec_source, features)"
                    " VALUES (:shoe_id, :shoe_type, :name, :brand, :release_year, :spec_source, :features)"
                    " ON CONFLICT (shoe_id) DO UPDATE SET shoe_type=excluded.shoe_type, name=excluded.name,"
                    " brand=excluded.brand, release_year=excluded.release_year,"
                    " spec_source=excluded.spec_source, features=excluded.features",
                    rows,
                )
                tx.execute(
                    "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('catalog_hash', ?)",
                    (catalog_hash,),
                )
                log.info("catalog seeded: %d shoes", len(rows))
            seed_demo = self.settings.should_seed_demo
            empty = tx.execute("SELECT NOT EXISTS (SELECT 1 FROM interaction_events)").fetchone()[0]
            seeded = tx.execute("SELECT 1 FROM store_meta WHERE key='demo_seeded'").fetchone()
            if seed_demo and empty and not seeded and self.settings.demo_users > 0:
                shoes = [shoe_record(dict(zip(_SHOE_COLS, r, strict=True))) for r in tx.execute(_SHOES_SQL)]
                demo = _demo_rows(self.settings, shoes)
                self._insert_demo(tx, demo)
                tx.execute(
                    "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('demo_seeded', ?)", (_now_iso(),)
                )
                log.info("demo interactions seeded: %d", len(demo))
        self._catalog = None

    @staticmethod
    def _insert_demo(tx: sqlite3.Connection, demo: list[tuple[int, str, str, int | None, str]]) -> None:
        likes = [(u, s, t) for u, s, a, _, t in demo if a == "like"]
        rates = [(u, s, v, t) for u, s, a, v, t in demo if a == "rate"]
        tx.executemany(
            "INSERT OR IGNORE INTO favorites (user_id, shoe_id, created_at) VALUES (?, ?, ?)", likes
        )
        tx.executemany(
            "INSERT OR REPLACE INTO reviews (user_id, shoe_id, rating, created_at) VALUES (?, ?, ?, ?)", rates
        )
        tx.executemany(
            "INSERT INTO interaction_events (user_id, shoe_id, action_type, value, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            demo,
        )

    def ping(self) -> None:
        try:
            self._conn().execute("SELECT 1 FROM ct_state").fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc

    def _fetch_shoes(self) -> list[dict[str, Any]]:
        with self._tx() as tx:
            rows = tx.execute(_SHOES_SQL).fetchall()
        return [shoe_record(dict(zip(_SHOE_COLS, r, strict=True))) for r in rows]

    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome:
        now = _now_iso()
        with self._tx(write=True) as tx:
            if tx.execute("SELECT 1 FROM shoes WHERE shoe_id = ?", (shoe_id,)).fetchone() is None:
                raise UnknownShoeError(shoe_id)
            if action == "like":
                cur = tx.execute(
                    "INSERT OR IGNORE INTO favorites (user_id, shoe_id, created_at) VALUES (?, ?, ?)",
                    (user_id, shoe_id, now),
                )
            else:
                cur = tx.execute(
                    "INSERT INTO reviews (user_id, shoe_id, rating, created_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (user_id, shoe_id) DO UPDATE SET rating = excluded.rating,"
                    " created_at = excluded.created_at WHERE reviews.rating IS NOT excluded.rating",
                    (user_id, shoe_id, value, now),
                )
            changed = cur.rowcount == 1
            event_id, claimed = 0, False
            if changed:
                event_id = (
                    tx.execute(
                        "INSERT INTO interaction_events (user_id, shoe_id, action_type, value, created_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (user_id, shoe_id, action, value, now),
                    ).lastrowid
                    or 0
                )
                t = self.threshold
                tx.execute(
                    "UPDATE ct_state SET pending = CASE WHEN pending + 1 >= ? THEN 0 ELSE pending + 1 END,"
                    " rebuilds_claimed = rebuilds_claimed + (CASE WHEN pending + 1 >= ? THEN 1 ELSE 0 END),"
                    " updated_at = ? WHERE id = 1",
                    (t, t, now),
                )
            pending = tx.execute("SELECT pending FROM ct_state WHERE id = 1").fetchone()[0]
            claimed = changed and pending == 0
        # Read the user's rows after the commit, outside the write lock: WAL readers never block,
        # so the single writer's turn stays as short as possible.
        return RecordOutcome(event_id, changed, pending, claimed, self.user_state(user_id))

    @staticmethod
    def _user_state(tx: sqlite3.Connection, user_id: int) -> UserState:
        rows = tx.execute(_USER_ROWS_SQL.format(p="?"), (user_id, user_id)).fetchall()
        last = tx.execute(
            "SELECT COALESCE(MAX(event_id), 0) FROM interaction_events WHERE user_id = ?", (user_id,)
        ).fetchone()[0]
        return UserState([(s, a, v) for s, a, v in rows], int(last))

    def user_state(self, user_id: int) -> UserState:
        with self._tx() as tx:
            return self._user_state(tx, user_id)

    def user_last_event(self, user_id: int) -> int:
        try:
            row = (
                self._conn()
                .execute(
                    "SELECT COALESCE(MAX(event_id), 0) FROM interaction_events WHERE user_id = ?", (user_id,)
                )
                .fetchone()
            )
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc
        return int(row[0])

    def interaction_rows(
        self, user_ids: Sequence[int] | None = None
    ) -> list[tuple[int, str, str, int | None]]:
        with self._tx() as tx:
            if user_ids is None:
                return [tuple(r) for r in tx.execute(_ALL_ROWS_SQL)]  # type: ignore[misc]
            out: list[tuple[int, str, str, int | None]] = []
            ids = list(user_ids)
            for i in range(0, len(ids), 500):  # SQLite caps bound parameters per statement
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                sql = (
                    f"SELECT user_id, shoe_id, 'like', NULL FROM favorites WHERE user_id IN ({marks}) UNION ALL "
                    f"SELECT user_id, shoe_id, 'rate', rating FROM reviews WHERE user_id IN ({marks})"
                )
                out.extend(tuple(r) for r in tx.execute(sql, chunk + chunk))  # type: ignore[misc]
            return out

    def changed_users_since(self, event_id: int, settle_s: float = 2.0) -> ChangedUsers:
        # SQLite serialises writers, so event ids commit in order: the watermark is simply the max.
        with self._tx() as tx:
            users = [
                r[0]
                for r in tx.execute(
                    "SELECT DISTINCT user_id FROM interaction_events WHERE event_id > ? ORDER BY user_id",
                    (event_id,),
                )
            ]
            max_id = tx.execute("SELECT COALESCE(MAX(event_id), 0) FROM interaction_events").fetchone()[0]
        return ChangedUsers(users, int(max_id), int(max_id))

    def ct_state(self) -> CTState:
        try:  # one statement, no explicit transaction: /health calls this on every request
            pending, claimed, max_id = self._conn().execute(_CT_STATE_SQL).fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc
        return CTState(int(pending), int(claimed), int(max_id))

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


_CT_STATE_SQL = (
    "SELECT pending, rebuilds_claimed, (SELECT COALESCE(MAX(event_id), 0) FROM interaction_events)"
    " FROM ct_state WHERE id = 1"
)
_SHOE_COLS = ["shoe_id", "shoe_type", "name", "brand", "release_year", "spec_source", "features"]
_SHOES_SQL = (
    "SELECT shoe_id, shoe_type, name, brand, release_year, spec_source, features FROM shoes "
    "ORDER BY CASE shoe_type WHEN 'road' THEN 0 ELSE 1 END, shoe_id"
)


# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------


def _redact_password(text: str) -> str:
    """Replace the password of any `scheme://user:password@` in text with ***."""
    return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


def describe_database_url(url: str) -> str:
    """host:port/dbname of a connection string, without credentials, for messages."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:
        return "<unparseable DATABASE_URL>"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


class PostgresStore(Store):
    backend = "postgres"

    def __init__(self, settings: Settings, url: str | None = None) -> None:
        super().__init__(settings)
        from psycopg.conninfo import conninfo_to_dict

        self.url = url or settings.database_url or ""
        try:
            info = conninfo_to_dict(self.url)
        except Exception as exc:
            # libpq echoes the URI (password included) in some parse errors: one line, redacted.
            reason = _redact_password(str(exc).strip().splitlines()[0] if str(exc).strip() else "")
            raise StoreConfigError(
                f"DATABASE_URL is not a valid PostgreSQL connection string: {reason or type(exc).__name__}"
            ) from None
        port = str(info.get("port") or "5432")
        if not all(p.strip().isdigit() and 0 < int(p) < 65536 for p in port.split(",")):
            raise StoreConfigError(f"DATABASE_URL has an invalid port {port!r} (expected 1-65535)")
        self._pool: Any = None
        self._pool_lock = threading.Lock()

    def _get_pool(self) -> Any:
        # Opened lazily, in the process that uses it: a pool must never cross a fork.
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    from psycopg_pool import ConnectionPool

                    self._pool = ConnectionPool(
                        self.url,
                        min_size=1,
                        max_size=self.settings.db_pool_size,
                        # a pooled connection killed by a server restart or an idle reaper is
                        # replaced on checkout instead of failing the request with a 503
                        check=ConnectionPool.check_connection,
                        timeout=self.settings.db_timeout_s,
                        kwargs={
                            "connect_timeout": max(1, int(self.settings.db_timeout_s)),
                            "autocommit": False,
                        },
                        open=False,
                    )
                    self._pool.open(wait=False)
        return self._pool

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._get_pool().connection() as conn, conn.transaction():
                yield conn
        except (PoolTimeout, psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise StoreUnavailable(
                f"PostgreSQL at {describe_database_url(self.url)} is unreachable: {str(exc).strip()}"
            ) from exc
        except psycopg.errors.NoDataFound as exc:  # raised by record_interaction() for unknown shoes
            raise UnknownShoeError(str(exc)) from exc

    def check_connection(self) -> None:
        """One direct connection attempt, classifying the failure for a one-line start-up message."""
        import psycopg

        try:
            with psycopg.connect(self.url, connect_timeout=max(1, int(self.settings.db_timeout_s))) as conn:
                conn.execute("SELECT 1")
        except psycopg.OperationalError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            where = describe_database_url(self.url)
            if any(s in reason for s in ("Connection refused", "timeout expired", "could not connect")):
                raise StoreUnavailable(f"PostgreSQL at {where} is unreachable: {reason}") from exc
            raise StoreConfigError(f"DATABASE_URL ({where}) is not usable: {reason}") from exc

    def init(self) -> None:
        self.check_connection()
        rows, catalog_hash = _catalog_rows(self.settings)
        with self._tx() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(7860)")  # one initialiser at a time
            conn.execute(SCHEMA_SQL_PATH.read_text())
            stored = conn.execute("SELECT value FROM store_meta WHERE key = 'catalog_hash'").fetchone()
            if stored is None or stored[0] != catalog_hash:
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO shoes (shoe_id, shoe_type, name, brand, release_year, spec_source, features)"
                        " VALUES (%(shoe_id)s, %(shoe_type)s, %(name)s, %(brand)s, %(release_year)s,"
                        " %(spec_source)s, %(features)s::jsonb) ON CONFLICT (shoe_id) DO UPDATE SET"
                        " shoe_type = EXCLUDED.shoe_type, name = EXCLUDED.name, brand = EXCLUDED.brand,"
                        " release_year = EXCLUDED.release_year, spec_source = EXCLUDED.spec_source,"
                        " features = EXCLUDED.features",
                        rows,
                    )
                conn.execute(
                    "INSERT INTO store_meta (key, value) VALUES ('catalog_hash', %s)"
                    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (catalog_hash,),
                )
            seeded = conn.execute("SELECT 1 FROM store_meta WHERE key = 'demo_seeded'").fetchone()
            empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM interaction_events)").fetchone()[0]
            if self.settings.should_seed_demo and empty and not seeded and self.settings.demo_users > 0:
                shoes = [
                    shoe_record(dict(zip(_SHOE_COLS, r, strict=True)))
                    for r in conn.execute(_SHOES_SQL).fetchall()
                ]
                demo = _demo_rows(self.settings, shoes)
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO favorites (user_id, shoe_id, created_at) VALUES (%s, %s, %s)"
                        " ON CONFLICT DO NOTHING",
                        [(u, s, t) for u, s, a, _, t in demo if a == "like"],
                    )
                    cur.executemany(
                        "INSERT INTO reviews (user_id, shoe_id, rating, created_at) VALUES (%s, %s, %s, %s)"
                        " ON CONFLICT (user_id, shoe_id) DO UPDATE SET rating = EXCLUDED.rating",
                        [(u, s, v, t) for u, s, a, v, t in demo if a == "rate"],
                    )
                    cur.executemany(
                        "INSERT INTO interaction_events (user_id, shoe_id, action_type, value, created_at)"
                        " VALUES (%s, %s, %s, %s, %s)",
                        demo,
                    )
                conn.execute(
                    "INSERT INTO store_meta (key, value) VALUES ('demo_seeded', %s)"
                    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (_now_iso(),),
                )
        self._catalog = None

    def ping(self) -> None:
        with self._tx() as conn:
            conn.execute("SELECT 1 FROM ct_state WHERE id = 1").fetchone()

    def _fetch_shoes(self) -> list[dict[str, Any]]:
        with self._tx() as conn:
            rows = conn.execute(_SHOES_SQL).fetchall()
        return [shoe_record(dict(zip(_SHOE_COLS, r, strict=True))) for r in rows]

    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome:
        with self._tx() as conn:
            event_id, changed, pending, claimed = conn.execute(
                "SELECT * FROM record_interaction(%s, %s, %s, %s, %s)",
                (user_id, shoe_id, action, value, self.threshold),
            ).fetchone()
            user = self._user_state(conn, user_id)
        return RecordOutcome(int(event_id), bool(changed), int(pending), bool(claimed), user)

    @staticmethod
    def _user_state(conn: Any, user_id: int) -> UserState:
        rows = conn.execute(_USER_ROWS_SQL.format(p="%(u)s"), {"u": user_id}).fetchall()
        last = conn.execute(
            "SELECT COALESCE(MAX(event_id), 0) FROM interaction_events WHERE user_id = %s", (user_id,)
        ).fetchone()[0]
        return UserState([(s, a, v) for s, a, v in rows], int(last))

    def user_state(self, user_id: int) -> UserState:
        with self._tx() as conn:
            return self._user_state(conn, user_id)

    def user_last_event(self, user_id: int) -> int:
        with self._tx() as conn:
            row = conn.execute(
                "SELECT COALESCE(MAX(event_id), 0) FROM interaction_events WHERE user_id = %s", (user_id,)
            ).fetchone()
        return int(row[0])

    def interaction_rows(
        self, user_ids: Sequence[int] | None = None
    ) -> list[tuple[int, str, str, int | None]]:
        with self._tx() as conn:
            if user_ids is None:
                return [tuple(r) for r in conn.execute(_ALL_ROWS_SQL).fetchall()]  # type: ignore[misc]
            ids = list(user_ids)
            return [
                tuple(r)  # type: ignore[misc]
                for r in conn.execute(
                    "SELECT user_id, shoe_id, 'like', NULL::smallint FROM favorites WHERE user_id = ANY(%(u)s)"
                    " UNION ALL SELECT user_id, shoe_id, 'rate', rating FROM reviews WHERE user_id = ANY(%(u)s)",
                    {"u": ids},
                ).fetchall()
            ]

    def changed_users_since(self, event_id: int, settle_s: float = 2.0) -> ChangedUsers:
        with self._tx() as conn:
            users = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT user_id FROM interaction_events WHERE event_id > %s ORDER BY user_id",
                    (event_id,),
                ).fetchall()
            ]
            max_id, settled = conn.execute(
                "SELECT COALESCE(MAX(event_id), 0),"
                " COALESCE(MAX(event_id) FILTER (WHERE created_at < now() - make_interval(secs => %s)), 0)"
                " FROM interaction_events",
                (settle_s,),
            ).fetchone()
        return ChangedUsers(users, int(max_id), max(int(event_id), int(settled)))

    def event_watermark(self, settle_s: float = 2.0) -> int:
        with self._tx() as conn:
            row = conn.execute(
                "SELECT COALESCE(MAX(event_id), 0) FROM interaction_events"
                " WHERE created_at < now() - make_interval(secs => %s)",
                (settle_s,),
            ).fetchone()
        return int(row[0])

    def ct_state(self) -> CTState:
        with self._tx() as conn:
            pending, claimed, max_id = conn.execute(_CT_STATE_SQL).fetchone()
        return CTState(int(pending), int(claimed), int(max_id))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


# ---------------------------------------------------------------------------------------------
# Supabase (PostgREST through the official client)
# ---------------------------------------------------------------------------------------------


class SupabaseStore(Store):
    """Talks to a Supabase project over its REST API. The schema must have been created with
    `src/sql/postgres_schema.sql` (PostgREST cannot run DDL); writes go through the
    `record_interaction` function so they stay one transaction."""

    backend = "supabase"
    # PostgREST's (and Supabase's) default max rows per response; a project configured lower
    # would make a short page look like the last one, so keep "max rows" >= 1000 there.
    _PAGE = 1000

    def __init__(self, settings: Settings, client: Any = None) -> None:
        super().__init__(settings)
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            from supabase import create_client
            from supabase.lib.client_options import SyncClientOptions

            # Fail fast during an outage (the client's defaults wait up to 120 s and retry GETs).
            options = SyncClientOptions(
                postgrest_client_timeout=self.settings.db_timeout_s, postgrest_client_retry=False
            )
            try:
                self._client = create_client(
                    self.settings.supabase_url or "", self.settings.supabase_key or "", options=options
                )
            except Exception as exc:
                raise StoreConfigError(f"SUPABASE_URL/SUPABASE_KEY are not usable: {exc}") from exc
        return self._client

    def _run(self, query: Any) -> Any:
        import httpx
        from postgrest.exceptions import APIError

        try:
            return query.execute()
        except APIError as exc:
            if getattr(exc, "code", None) == "P0002":
                raise UnknownShoeError(str(exc.message)) from exc
            raise StoreUnavailable(f"Supabase request failed: {exc.message}") from exc
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"Supabase at {self.settings.supabase_url} is unreachable: {exc}") from exc

    def _all(self, table: str, columns: str, build: Any = None) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        start = 0
        while True:
            query = self.client.table(table).select(columns)
            if build is not None:
                query = build(query)
            page = self._run(query.range(start, start + self._PAGE - 1)).data
            out.extend(page)
            if len(page) < self._PAGE:
                return out
            start += self._PAGE

    def init(self) -> None:
        try:
            count = self._run(self.client.table("shoes").select("shoe_id", count="exact").limit(1)).count
        except StoreUnavailable as exc:
            raise StoreConfigError(
                f"{exc}. Create the schema first: run src/sql/postgres_schema.sql in the Supabase SQL editor"
            ) from exc
        rows, _ = _catalog_rows(self.settings)
        if not count:
            payload = [{**r, "features": json.loads(r["features"])} for r in rows]
            for i in range(0, len(payload), 500):
                self._run(self.client.table("shoes").upsert(payload[i : i + 500]))
        self._catalog = None

    def ping(self) -> None:
        self._run(self.client.table("ct_state").select("pending").eq("id", 1))

    def _fetch_shoes(self) -> list[dict[str, Any]]:
        rows = self._all("shoes", ",".join(_SHOE_COLS), lambda q: q.order("shoe_id"))
        records = [shoe_record(r) for r in rows]
        records.sort(key=lambda s: (SHOE_TYPES.index(s["shoe_type"]), s["shoe_id"]))
        return records

    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome:
        params = {
            "p_user_id": user_id,
            "p_shoe_id": shoe_id,
            "p_action": action,
            "p_value": value,
            "p_threshold": self.threshold,
        }
        data = self._run(self.client.rpc("record_interaction", params)).data
        row = data[0] if isinstance(data, list) else data
        return RecordOutcome(
            int(row["event_id"]),
            bool(row["changed"]),
            int(row["ct_pending"]),
            bool(row["rebuild_claimed"]),
            self.user_state(user_id),
        )

    def user_state(self, user_id: int) -> UserState:
        # Offset pagination needs a total order, or rows can repeat or vanish between pages.
        likes = self._all("favorites", "shoe_id", lambda q: q.eq("user_id", user_id).order("shoe_id"))
        rates = self._all("reviews", "shoe_id,rating", lambda q: q.eq("user_id", user_id).order("shoe_id"))
        rows: list[Row] = [(r["shoe_id"], "like", None) for r in likes]
        rows += [(r["shoe_id"], "rate", int(r["rating"])) for r in rates]
        return UserState(rows, self.user_last_event(user_id))

    def user_last_event(self, user_id: int) -> int:
        data = self._run(
            self.client.table("interaction_events")
            .select("event_id")
            .eq("user_id", user_id)
            .order("event_id", desc=True)
            .limit(1)
        ).data
        return int(data[0]["event_id"]) if data else 0

    def interaction_rows(
        self, user_ids: Sequence[int] | None = None
    ) -> list[tuple[int, str, str, int | None]]:
        def scope(q: Any) -> Any:
            q = q if user_ids is None else q.in_("user_id", list(user_ids))
            return q.order("user_id").order("shoe_id")  # a total order for offset pagination

        likes = self._all("favorites", "user_id,shoe_id", scope)
        rates = self._all("reviews", "user_id,shoe_id,rating", scope)
        out: list[tuple[int, str, str, int | None]] = [
            (int(r["user_id"]), r["shoe_id"], "like", None) for r in likes
        ]
        out += [(int(r["user_id"]), r["shoe_id"], "rate", int(r["rating"])) for r in rates]
        return out

    def changed_users_since(self, event_id: int, settle_s: float = 2.0) -> ChangedUsers:
        rows = self._all(
            "interaction_events",
            "event_id,user_id,created_at",
            lambda q: q.gt("event_id", event_id).order("event_id"),
        )
        cutoff = time.time() - settle_s
        max_id = max((int(r["event_id"]) for r in rows), default=event_id)
        settled = [
            int(r["event_id"]) for r in rows if datetime.fromisoformat(r["created_at"]).timestamp() < cutoff
        ]
        users = sorted({int(r["user_id"]) for r in rows})
        return ChangedUsers(users, max_id, max([event_id, *settled]))

    def ct_state(self) -> CTState:
        state = self._run(self.client.table("ct_state").select("pending,rebuilds_claimed").eq("id", 1)).data[
            0
        ]
        newest = self._run(
            self.client.table("interaction_events").select("event_id").order("event_id", desc=True).limit(1)
        ).data
        return CTState(
            int(state["pending"]), int(state["rebuilds_claimed"]), int(newest[0]["event_id"]) if newest else 0
        )


# ---------------------------------------------------------------------------------------------


def create_store(settings: Settings) -> Store:
    backend = settings.store_backend
    if backend == "postgres":
        return PostgresStore(settings)
    if backend == "supabase":
        return SupabaseStore(settings)
    return SQLiteStore(settings)


@lru_cache
def get_store() -> Store:
    """The process-wide store for the current settings (opened lazily, per process)."""
    store = create_store(get_settings())
    if isinstance(store, SQLiteStore) and not store.path.exists():
        store.init()  # the embedded default creates and seeds itself on first use
    return store
