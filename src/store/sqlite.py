"""The embedded default store: a WAL-mode SQLite file, created and seeded on first use."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from src.config import Settings
from src.recommender.online_metrics import Feedback, Impression
from src.store.base import (
    _ALL_ROWS_SQL,
    _BEAT_COLS,
    _CF_VERSION_COLS,
    _CT_STATE_SQL,
    _OVERVIEW_SQL,
    _SHOE_COLS,
    _SHOES_SQL,
    _USER_ROWS_SQL,
    ARTIFACT_CHUNKS_PER_TX,
    COMPACT_EVENTS_SQL,
    COMPACT_IMPRESSIONS_SQL,
    COMPACTION_BATCH,
    EXPIRE_IMPRESSIONS_SQL,
    IMPRESSION_COLS,
    INSERT_IMPRESSION_SQL,
    NEAREST_RUNNERS_SQL,
    PAIR_SCORES_CHANGED_SQL,
    POSITIVE_EVENTS_WHERE,
    PRUNE_CF_ARTIFACTS_SQL,
    CFArtifact,
    CFVersion,
    CTPoll,
    CTState,
    FileLeadership,
    ForgetOutcome,
    InteractionRow,
    Leadership,
    Overview,
    PairDelta,
    ProcessBeat,
    RecordOutcome,
    SavedQuestionnaire,
    Store,
    StoreUnavailable,
    UnknownShoeError,
    UserRow,
    UserState,
    WriteWouldWait,
    _now_iso,
    artifact_chunks,
    beat_row,
    cf_version_row,
    epoch_of,
    impression_params,
    impression_row,
    pair_delta_from_rows,
    rank_nearest,
    shoe_record,
    write_must_not_wait,
)
from src.store.seed import catalog_rows, demo_rows

log = logging.getLogger(__name__)

_PAIR_SCORES_SQL = PAIR_SCORES_CHANGED_SQL.format(after=":after", upto=":upto")
_INSERT_IMPRESSION_SQL = INSERT_IMPRESSION_SQL.format(values=", ".join(["?"] * 8), user="?", at="?")


def _is_store_fault(exc: sqlite3.Error) -> bool:
    """Faults of the store itself (busy, disk full, read-only, I/O error, a damaged file): the API
    answers 503. Integrity and programming errors are bugs and stay errors."""
    return type(exc) in (sqlite3.OperationalError, sqlite3.DatabaseError)


def _rollback_quietly(conn: sqlite3.Connection) -> None:
    # after SQLITE_FULL or an I/O error SQLite may already have rolled back, or the ROLLBACK itself
    # may fail; either way the transaction is gone and the original error is the one to report
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


class SQLiteStore(Store):
    backend = "sqlite"
    in_process = True

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
                # the WAL file is cut back to this after a checkpoint (it only grows past the
                # 4 MB auto-checkpoint while a long read holds it, and would otherwise stay that big)
                conn.execute("PRAGMA journal_size_limit=33554432")
            except (sqlite3.Error, OSError) as exc:  # OSError: the parent cannot be created
                raise StoreUnavailable(f"cannot open SQLite store {self.path}: {exc}") from exc
            self._local.conn = conn
        return conn

    @contextmanager
    def _write_turn(self) -> Iterator[None]:
        """One writer at a time: first among this process's threads, then across processes with
        flock. SQLite's own busy handler makes a waiting writer sleep and retry, which gives a long
        tail under many concurrent writers; the kernel hands a lock over at once and in order.
        Inside `first_write_must_not_wait()` a busy lock raises WriteWouldWait instead."""
        import fcntl

        flag = write_must_not_wait()
        must_not_wait = bool(flag and flag[0])
        if not self._write_lock.acquire(blocking=not must_not_wait):
            raise WriteWouldWait
        try:
            if self._lock_fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._lock_fd = os.open(f"{self.path}.writelock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | (fcntl.LOCK_NB if must_not_wait else 0))
            except BlockingIOError:
                raise WriteWouldWait from None
            if flag:
                flag[0] = False  # this work has the lock now: its later writes wait as usual
            try:
                yield
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        finally:
            self._write_lock.release()

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
        except sqlite3.Error as exc:
            _rollback_quietly(conn)
            if _is_store_fault(exc):
                raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc
            raise
        except BaseException:
            _rollback_quietly(conn)
            raise

    def init(self) -> None:
        from src.store.migrate import ensure_schema  # start-up only: keep yoyo off the request path

        ensure_schema(self.settings, sqlite_path=self.path)
        rows, catalog_hash = catalog_rows(self.settings)
        with self._tx(write=True) as tx:
            stored = tx.execute("SELECT value FROM store_meta WHERE key='catalog_hash'").fetchone()
            if stored is None or stored[0] != catalog_hash:
                tx.executemany(
                    "INSERT INTO shoes (shoe_id, shoe_type, name, brand, release_year, spec_source, status,"
                    " features, attributes, provenance) VALUES (:shoe_id, :shoe_type, :name, :brand,"
                    " :release_year, :spec_source, :status, :features, :attributes, :provenance)"
                    " ON CONFLICT (shoe_id) DO UPDATE SET shoe_type=excluded.shoe_type, name=excluded.name,"
                    " brand=excluded.brand, release_year=excluded.release_year,"
                    " spec_source=excluded.spec_source, status=excluded.status, features=excluded.features,"
                    " attributes=excluded.attributes, provenance=excluded.provenance",
                    rows,
                )
                # a stored shoe the catalog no longer lists leaves it: readable, never recommended
                tx.execute(
                    "UPDATE shoes SET status = 'retired' WHERE shoe_id NOT IN (SELECT value FROM json_each(?))",
                    (json.dumps([r["shoe_id"] for r in rows]),),
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
                stored = [shoe_record(dict(zip(_SHOE_COLS, r, strict=True))) for r in tx.execute(_SHOES_SQL)]
                shoes = [s for s in stored if s["status"] == "active"]
                demo = demo_rows(self.settings, shoes)
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
        # The catalog is cached per process (it changes only when the store is seeded), so an unknown
        # shoe is refused before taking the single writer's turn; the foreign key still guards it.
        if self.shoe(shoe_id) is None:
            raise UnknownShoeError(shoe_id)
        now = _now_iso()
        with self._tx(write=True) as tx:
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
            event_id = 0
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
                pending = tx.execute(
                    "UPDATE ct_state SET pending = CASE WHEN pending + 1 >= ? THEN 0 ELSE pending + 1 END,"
                    " rebuilds_claimed = rebuilds_claimed + (CASE WHEN pending + 1 >= ? THEN 1 ELSE 0 END),"
                    " updated_at = ? WHERE id = 1 RETURNING pending",
                    (t, t, now),
                ).fetchall()[0][0]  # fetchall: a RETURNING statement must run to completion
            else:
                pending = tx.execute("SELECT pending FROM ct_state WHERE id = 1").fetchone()[0]
            claimed = changed and pending == 0
        # Read the user's rows after the commit, outside the write lock: WAL readers never block,
        # so the single writer's turn stays as short as possible.
        return RecordOutcome(event_id, changed, pending, claimed, self.user_state(user_id))

    def _bump_ct(self, tx: sqlite3.Connection, now: str) -> tuple[int, bool]:
        """Count one changed interaction towards CT: (pending after it, whether it claimed a rebuild)."""
        t = self.threshold
        tx.execute(
            "UPDATE ct_state SET pending = CASE WHEN pending + 1 >= ? THEN 0 ELSE pending + 1 END,"
            " rebuilds_claimed = rebuilds_claimed + (CASE WHEN pending + 1 >= ? THEN 1 ELSE 0 END),"
            " updated_at = ? WHERE id = 1",
            (t, t, now),
        )
        pending = int(tx.execute("SELECT pending FROM ct_state WHERE id = 1").fetchone()[0])
        return pending, pending == 0

    def _delete(self, user_id: int, shoe_id: str, action: str) -> RecordOutcome:
        now = _now_iso()
        with self._tx(write=True) as tx:
            if action == "unlike":
                value = None
                changed = (
                    tx.execute(
                        "DELETE FROM favorites WHERE user_id = ? AND shoe_id = ?", (user_id, shoe_id)
                    ).rowcount
                    == 1
                )
            else:
                row = tx.execute(
                    "DELETE FROM reviews WHERE user_id = ? AND shoe_id = ? RETURNING rating",
                    (user_id, shoe_id),
                ).fetchone()
                changed, value = row is not None, (int(row[0]) if row is not None else None)
            event_id, pending, claimed = 0, 0, False
            if changed:
                event_id = (
                    tx.execute(
                        "INSERT INTO interaction_events (user_id, shoe_id, action_type, value, created_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (user_id, shoe_id, action, value, now),
                    ).lastrowid
                    or 0
                )
                pending, claimed = self._bump_ct(tx, now)
            else:
                pending = int(tx.execute("SELECT pending FROM ct_state WHERE id = 1").fetchone()[0])
        return RecordOutcome(event_id, changed, pending, claimed, self.user_state(user_id))

    def forget_user(self, user_id: int) -> ForgetOutcome:
        now = _now_iso()
        with self._tx(write=True) as tx:
            favorites = tx.execute("DELETE FROM favorites WHERE user_id = ?", (user_id,)).rowcount
            reviews = tx.execute("DELETE FROM reviews WHERE user_id = ?", (user_id,)).rowcount
            events = tx.execute(
                "DELETE FROM interaction_events WHERE user_id = ? AND action_type <> 'forget'", (user_id,)
            ).rowcount
            questionnaires = tx.execute(
                "DELETE FROM saved_questionnaires WHERE user_id = ?", (user_id,)
            ).rowcount
            tx.execute("DELETE FROM impressions WHERE user_id = ?", (user_id,))
            tx.execute(
                "INSERT OR REPLACE INTO forgotten_runners (user_id, forgotten_at) VALUES (?, ?)",
                (user_id, time.time()),
            )
            claimed = False
            if favorites + reviews:
                tx.execute(
                    "INSERT INTO interaction_events (user_id, shoe_id, action_type, value, created_at)"
                    " VALUES (?, '', 'forget', NULL, ?)",
                    (user_id, now),
                )
                _, claimed = self._bump_ct(tx, now)
        return ForgetOutcome(favorites, reviews, events, questionnaires, claimed)

    def save_questionnaire(self, user_id: int, saved: SavedQuestionnaire) -> None:
        with self._tx(write=True) as tx:
            tx.execute(
                "INSERT OR REPLACE INTO saved_questionnaires (user_id, shoe_type, answers, saved_at)"
                " VALUES (?, ?, ?, ?)",
                (user_id, saved.shoe_type, json.dumps(saved.answers, sort_keys=True), _now_iso()),
            )

    def load_questionnaire(self, user_id: int) -> SavedQuestionnaire | None:
        with self._tx() as tx:
            row = tx.execute(
                "SELECT shoe_type, answers FROM saved_questionnaires WHERE user_id = ?", (user_id,)
            ).fetchone()
        return None if row is None else SavedQuestionnaire(row[0], json.loads(row[1]))

    @staticmethod
    def _user_state(tx: sqlite3.Connection, user_id: int) -> UserState:
        rows = tx.execute(_USER_ROWS_SQL.format(p="?"), (user_id, user_id)).fetchall()
        last = tx.execute(
            "SELECT COALESCE(MAX(event_id), 0) FROM interaction_events WHERE user_id = ?", (user_id,)
        ).fetchone()[0]
        return UserState([UserRow(*r) for r in rows], int(last))

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

    def interaction_rows(self, user_ids: Sequence[int] | None = None) -> list[InteractionRow]:
        with self._tx() as tx:
            if user_ids is None:
                return [InteractionRow(*r) for r in tx.execute(_ALL_ROWS_SQL)]
            out: list[InteractionRow] = []
            ids = list(user_ids)
            for i in range(0, len(ids), 500):  # SQLite caps bound parameters per statement
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                sql = (
                    f"SELECT user_id, shoe_id, 'like', NULL FROM favorites WHERE user_id IN ({marks}) UNION ALL "
                    f"SELECT user_id, shoe_id, 'rate', rating FROM reviews WHERE user_id IN ({marks})"
                )
                out.extend(InteractionRow(*r) for r in tx.execute(sql, chunk + chunk))
            return out

    def compact_events(self, through_event_id: int) -> int:
        removed = 0
        while True:  # a batch of the window per write transaction: the lock is never held long
            with self._tx(write=True) as tx:
                row = tx.execute(
                    "SELECT value FROM store_meta WHERE key = 'events_compacted_through'"
                ).fetchone()
                prev = int(row[0]) if row else 0
                if through_event_id <= prev:
                    return removed
                upto = min(through_event_id, prev + COMPACTION_BATCH)
                removed += tx.execute(
                    COMPACT_EVENTS_SQL.format(w=":w", prev=":prev"), {"w": upto, "prev": prev}
                ).rowcount
                tx.execute(
                    "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('events_compacted_through', ?)",
                    (str(upto),),
                )

    def nearest_runners(self, user_id: int, limit: int = 10) -> list[tuple[int, float, int]]:
        with self._tx() as tx:
            counts = tx.execute(NEAREST_RUNNERS_SQL.format(p="?"), (user_id, user_id)).fetchall()
        return rank_nearest(counts, limit)

    def overview(self, since: datetime) -> Overview:
        iso = since.astimezone(UTC).isoformat()  # created_at is written as UTC ISO text
        with self._tx() as tx:
            row = tx.execute(_OVERVIEW_SQL.format(p="?"), (iso, iso)).fetchone()
        return Overview(*(int(v) for v in row))

    # --- online evaluation
    def record_impressions(self, rows: Sequence[Impression]) -> int:
        if not rows:
            return 0
        with self._tx(write=True) as tx:
            written = tx.executemany(_INSERT_IMPRESSION_SQL, [impression_params(r) for r in rows]).rowcount
        return int(written)

    def impressions_since(self, since: float) -> list[Impression]:
        with self._tx() as tx:
            rows = tx.execute(
                f"SELECT {IMPRESSION_COLS} FROM impressions WHERE shown_at >= ? ORDER BY impression_id",
                (since,),
            ).fetchall()
        return [impression_row(r) for r in rows]

    def positive_feedback_since(self, since: float) -> list[Feedback]:
        cutoff = datetime.fromtimestamp(since, UTC).isoformat()
        with self._tx() as tx:
            rows = tx.execute(
                "SELECT user_id, shoe_id, created_at FROM interaction_events"
                f" WHERE created_at >= ? AND {POSITIVE_EVENTS_WHERE}",
                (cutoff,),
            ).fetchall()
        return [Feedback(int(u), str(s), epoch_of(t)) for u, s, t in rows]

    def compact_impressions(self, older_than: float) -> int:
        removed = 0
        while True:  # past the retention, a batch per write transaction
            with self._tx(write=True) as tx:
                n = tx.execute(
                    EXPIRE_IMPRESSIONS_SQL.format(before="?", n="?"), (older_than, COMPACTION_BATCH)
                ).rowcount
            removed += n
            if n < COMPACTION_BATCH:
                break
        while True:  # repeated pages, a batch of new ids per write transaction
            with self._tx(write=True) as tx:
                row = tx.execute(
                    "SELECT value FROM store_meta WHERE key = 'impressions_compacted_through'"
                ).fetchone()
                prev = int(row[0]) if row else 0
                newest = int(
                    tx.execute("SELECT COALESCE(MAX(impression_id), 0) FROM impressions").fetchone()[0]
                )
                if newest <= prev:
                    return removed
                upto = min(newest, prev + COMPACTION_BATCH)
                removed += tx.execute(
                    COMPACT_IMPRESSIONS_SQL.format(prev=":prev", upto=":upto"), {"prev": prev, "upto": upto}
                ).rowcount
                tx.execute(
                    "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('impressions_compacted_through', ?)",
                    (str(upto),),
                )

    def save_online_report(self, body: dict[str, Any], keep: int = 500) -> None:
        with self._tx(write=True) as tx:
            tx.execute(
                "INSERT INTO online_metric_reports (computed_at, body) VALUES (?, ?)",
                (_now_iso(), json.dumps(body)),
            )
            tx.execute(
                "DELETE FROM online_metric_reports WHERE report_id <= "
                "(SELECT MAX(report_id) FROM online_metric_reports) - ?",
                (keep,),
            )

    def online_reports(self, limit: int = 1) -> list[dict[str, Any]]:
        with self._tx() as tx:
            rows = tx.execute(
                "SELECT computed_at, body FROM online_metric_reports ORDER BY report_id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [{"computed_at": str(t), **json.loads(b)} for t, b in rows]

    def ct_state(self) -> CTState:
        try:  # one statement, no explicit transaction: /health calls this on every request
            pending, claimed, max_id = self._conn().execute(_CT_STATE_SQL).fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc
        return CTState(int(pending), int(claimed), int(max_id))

    # --- continuous training across processes
    def interactions_as_of(
        self, watermark: int, user_ids: Sequence[int] | None = None
    ) -> list[InteractionRow]:
        # the newest event per (runner, shoe, like-or-rating) decides; a newest unlike/unrate means
        # the interaction is gone; a forget marker has no shoe
        newest = (
            "SELECT MAX(event_id) AS m FROM interaction_events WHERE event_id <= ?{scope}"
            " AND action_type <> 'forget' GROUP BY user_id, shoe_id, replace(action_type, 'un', '')"
        )
        sql = (
            "SELECT e.user_id, e.shoe_id, e.action_type, e.value FROM interaction_events e"
            " JOIN ({newest}) x ON e.event_id = x.m WHERE e.action_type IN ('like', 'rate')"
        )
        with self._tx() as tx:
            if user_ids is None:
                query = sql.format(newest=newest.format(scope=""))
                return [InteractionRow(*r) for r in tx.execute(query, (watermark,))]
            out: list[InteractionRow] = []
            ids = list(user_ids)
            for i in range(0, len(ids), 500):  # SQLite caps bound parameters per statement
                chunk = ids[i : i + 500]
                scope = f" AND user_id IN ({','.join('?' * len(chunk))})"
                query = sql.format(newest=newest.format(scope=scope))
                out.extend(InteractionRow(*r) for r in tx.execute(query, [watermark, *chunk]))
            return out

    def users_changed_between(self, after: int, upto: int) -> list[int]:
        with self._tx() as tx:
            return [
                int(r[0])
                for r in tx.execute(
                    "SELECT DISTINCT user_id FROM interaction_events WHERE event_id > ? AND event_id <= ?"
                    " ORDER BY user_id",
                    (after, upto),
                )
            ]

    def pair_scores_changed_between(self, after: int, upto: int) -> PairDelta:
        with self._tx() as tx:
            return pair_delta_from_rows(tx.execute(_PAIR_SCORES_SQL, {"after": after, "upto": upto}))

    def ct_poll(self) -> CTPoll:
        try:  # one statement: every worker runs it every SNAPSHOT_POLL_S
            row = (
                self._conn()
                .execute(
                    "SELECT s.rebuilds_claimed, c.claims_handled, c.reload_generation, v.version_id,"
                    " v.watermark FROM ct_state s CROSS JOIN ct_control c LEFT JOIN (SELECT version_id,"
                    " watermark FROM cf_versions WHERE status = 'published' ORDER BY version_id DESC LIMIT 1)"
                    " v WHERE s.id = 1 AND c.id = 1"
                )
                .fetchone()
            )
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc
        return CTPoll.from_row(row)

    def record_cf_version(
        self,
        *,
        watermark: int,
        status: str,
        mode: str,
        claims_through: int,
        figures: dict[str, Any],
        reason: str | None = None,
    ) -> CFVersion:
        now = _now_iso()
        with self._tx(write=True) as tx:
            tx.execute(
                "UPDATE ct_control SET claims_handled = MAX(claims_handled, ?) WHERE id = 1",
                (claims_through,),
            )
            version_id = tx.execute(
                "INSERT INTO cf_versions (watermark, status, mode, claims_through, figures, reason, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (watermark, status, mode, claims_through, json.dumps(figures, default=str), reason, now),
            ).lastrowid
        return CFVersion(int(version_id or 0), watermark, status, mode, claims_through, figures, reason, now)

    def cf_versions(self, limit: int = 10, status: str | None = None) -> list[CFVersion]:
        where = "" if status is None else " WHERE status = ?"
        with self._tx() as tx:
            rows = tx.execute(
                f"SELECT {_CF_VERSION_COLS} FROM cf_versions{where} ORDER BY version_id DESC LIMIT ?",
                (*([status] if status else []), limit),
            ).fetchall()
        return [cf_version_row(r) for r in rows]

    def cf_version(self, version_id: int) -> CFVersion | None:
        with self._tx() as tx:
            row = tx.execute(
                f"SELECT {_CF_VERSION_COLS} FROM cf_versions WHERE version_id = ?", (version_id,)
            ).fetchone()
        return None if row is None else cf_version_row(row)

    def put_cf_artifact(self, artifact_id: str, kind: str, base_id: str | None, blob: bytes) -> None:
        chunks = artifact_chunks(blob)
        with self._tx(write=True) as tx:
            head = tx.execute(
                "SELECT n_chunks FROM cf_artifacts WHERE artifact_id = ?", (artifact_id,)
            ).fetchone()
            if head is not None:
                (stored,) = tx.execute(
                    "SELECT COUNT(*) FROM cf_artifact_chunks WHERE artifact_id = ?", (artifact_id,)
                ).fetchone()
                if int(stored) == int(head[0]):
                    return
                # a publication cut short (the CT process killed mid-way): written again whole
                tx.execute("DELETE FROM cf_artifacts WHERE artifact_id = ?", (artifact_id,))
            tx.execute(
                "INSERT INTO cf_artifacts (artifact_id, kind, base_id, n_bytes, n_chunks, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (artifact_id, kind, base_id, len(blob), len(chunks), datetime.now(UTC).isoformat()),
            )
        # a few chunks per transaction: the workers' writes never wait behind a whole artifact; a
        # reader meanwhile finds the chunks short of n_chunks and takes it for absent
        for start in range(0, len(chunks), ARTIFACT_CHUNKS_PER_TX):
            with self._tx(write=True) as tx:
                tx.executemany(
                    "INSERT INTO cf_artifact_chunks (artifact_id, chunk_no, data) VALUES (?, ?, ?)",
                    [
                        (artifact_id, i, c)
                        for i, c in enumerate(chunks[start : start + ARTIFACT_CHUNKS_PER_TX], start)
                    ],
                )

    def prune_cf_artifacts(self, keep: Sequence[str]) -> int:
        if not keep:
            return 0
        with self._tx(write=True) as tx:
            before = int(tx.execute("SELECT COUNT(*) FROM cf_artifacts").fetchone()[0])
            tx.execute(PRUNE_CF_ARTIFACTS_SQL.format(keep=", ".join("?" * len(keep))), tuple(keep))
            return before - int(tx.execute("SELECT COUNT(*) FROM cf_artifacts").fetchone()[0])

    def cf_artifact(self, artifact_id: str) -> CFArtifact | None:
        with self._tx() as tx:
            head = tx.execute(
                "SELECT kind, base_id, n_chunks FROM cf_artifacts WHERE artifact_id = ?", (artifact_id,)
            ).fetchone()
            if head is None:
                return None
            rows = tx.execute(
                "SELECT data FROM cf_artifact_chunks WHERE artifact_id = ? ORDER BY chunk_no", (artifact_id,)
            ).fetchall()
        if len(rows) != int(head[2]):
            return None
        return CFArtifact(artifact_id, str(head[0]), head[1], b"".join(bytes(r[0]) for r in rows))

    def bump_reload_generation(self) -> int:
        with self._tx(write=True) as tx:
            tx.execute("UPDATE ct_control SET reload_generation = reload_generation + 1 WHERE id = 1")
            return int(tx.execute("SELECT reload_generation FROM ct_control WHERE id = 1").fetchone()[0])

    def heartbeat(
        self, role: str, cf_version: int | None, state: str, *, host: str, pid: int, forget_after_s: float
    ) -> None:
        now = datetime.now(UTC)
        with self._tx(write=True) as tx:
            tx.execute(
                "INSERT INTO serving_processes (host, pid, role, cf_version, state, started_at, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (host, pid) DO UPDATE SET role = excluded.role,"
                " cf_version = excluded.cf_version, state = excluded.state, last_seen = excluded.last_seen",
                (host, pid, role, cf_version, state, now.isoformat(), now.isoformat()),
            )
            tx.execute(
                "DELETE FROM serving_processes WHERE last_seen < ?",
                ((now - timedelta(seconds=forget_after_s)).isoformat(),),
            )

    def serving_processes(self, max_age_s: float) -> list[ProcessBeat]:
        now = datetime.now(UTC)
        with self._tx() as tx:
            rows = tx.execute(
                f"SELECT {_BEAT_COLS} FROM serving_processes WHERE last_seen >= ? ORDER BY role, host, pid",
                ((now - timedelta(seconds=max_age_s)).isoformat(),),
            ).fetchall()
        return [beat_row(r, now) for r in rows]

    def ct_leadership(self) -> Leadership:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return FileLeadership(f"{self.path}.ct.lock")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
