"""PostgreSQL (`DATABASE_URL`; a Supabase project's own Postgres connection string works too)."""

from __future__ import annotations

import json
import logging
import re
import select
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
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
    ForgetOutcome,
    InteractionRow,
    Leadership,
    LeadershipTimeout,
    Overview,
    PairDelta,
    ProcessBeat,
    RecordOutcome,
    SavedQuestionnaire,
    Store,
    StoreConfigError,
    StoreUnavailable,
    UnknownShoeError,
    UserRow,
    UserState,
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
)
from src.store.seed import catalog_rows, demo_rows

_INSERT_IMPRESSION_SQL = INSERT_IMPRESSION_SQL.format(
    values="%s::bigint, %s::double precision, %s::text, %s::text, %s::text, %s::integer, %s::text, %s::bigint",
    user="%s::bigint",
    at="%s::double precision",
)

log = logging.getLogger(__name__)

_PAIR_SCORES_SQL = PAIR_SCORES_CHANGED_SQL.format(after="%(after)s", upto="%(upto)s")

_PROBE_CONNECT_TIMEOUT_S = 2  # libpq's smallest effective connect timeout


def _redact_password(text: str) -> str:
    """Replace the password of any `scheme://user:password@` in text with ***."""
    return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return _redact_password(text.splitlines()[0]) if text else type(exc).__name__


CT_LEADERSHIP_KEY = 7862  # pg_advisory_lock key held by the one CT process per database
IMPRESSION_COMPACTION_LOCK_KEY = 7863  # pg_advisory_xact_lock key: one impression compaction at a time


class AdvisoryLeadership(Leadership):
    """A session advisory lock on a connection of its own: PostgreSQL releases it the moment the
    CT process dies (even on kill -9), so a restarted or standby CT takes over at once."""

    def __init__(self, url: str, connect_timeout_s: float) -> None:
        self.url = url
        self.connect_timeout_s = connect_timeout_s
        self._conn: Any = None

    def acquire(self, timeout_s: float) -> None:
        import psycopg

        deadline = time.monotonic() + timeout_s
        try:
            self._conn = psycopg.connect(
                self.url, autocommit=True, connect_timeout=max(1, int(self.connect_timeout_s))
            )
            while not self._conn.execute("SELECT pg_try_advisory_lock(%s)", (CT_LEADERSHIP_KEY,)).fetchone()[
                0
            ]:
                if time.monotonic() >= deadline:
                    self.release()
                    raise LeadershipTimeout("another CT process holds the PostgreSQL advisory lock")
                time.sleep(min(0.5, max(0.01, deadline - time.monotonic())))
        except psycopg.OperationalError as exc:
            self.release()
            raise StoreUnavailable(
                f"PostgreSQL at {describe_database_url(self.url)} is unreachable: {str(exc).strip()}"
            ) from exc

    def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            row = self._conn.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
                " AND pid = pg_backend_pid() AND granted)",
                (CT_LEADERSHIP_KEY,),
            ).fetchone()
        except Exception:
            return False
        return bool(row[0])

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()  # ends the session, which drops the lock
            finally:
                self._conn = None


def describe_database_url(url: str) -> str:
    """host:port/dbname of a connection string, without credentials, for messages."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:
        return "<unparseable DATABASE_URL>"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def _check_idle_connection(conn: Any) -> None:
    """The checkout check, without a round trip: an idle connection has nothing to read,
    while a backend that was terminated (server restart, idle-connection reaper) has sent its error
    and closed the socket, which makes it readable."""
    import psycopg

    if conn.closed:
        raise psycopg.OperationalError("the pooled connection is closed")
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    if readable:
        conn.close()  # closed, the pool discards it and opens a replacement
        raise psycopg.OperationalError("the server closed or wrote to an idle pooled connection")


def _user_state(last_event_id: int, liked: list[str], rated: list[str], ratings: list[int]) -> UserState:
    """A row of user_interactions() as a UserState."""
    rows = [UserRow(shoe_id, "like", None) for shoe_id in liked]
    rows += [UserRow(shoe_id, "rate", int(stars)) for shoe_id, stars in zip(rated, ratings, strict=True)]
    return UserState(rows, int(last_event_id))


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
        # Known-down state: while set, every request fails at once (503 + Retry-After) and a single
        # background thread probes the server every DB_REPROBE_S; when it answers, the old pool (its
        # connections dead, its reconnect back-off grown) is dropped and a fresh one is opened.
        self._down_reason: str | None = None
        self._down_lock = threading.Lock()
        self._prober: threading.Thread | None = None

    def _connect_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "connect_timeout": max(1, int(self.settings.db_timeout_s)),
            # autocommit: a single statement (every request path) is its own transaction,
            # committed in the same round trip; multi-statement work opens one (_tx)
            "autocommit": True,
        }
        if self.settings.db_statement_timeout_s > 0:
            kwargs["options"] = f"-c statement_timeout={int(self.settings.db_statement_timeout_s * 1000)}"
        return kwargs

    def _get_pool(self) -> Any:
        # Opened lazily, in the process that uses it: a pool must never cross a fork.
        if self._pool is None:
            with self._pool_lock:
                # _mark_down sets the reason before taking this lock to drop the pool: a pool opened
                # here either sees the reason or is dropped (and closed) right after
                if self._down_reason is not None:
                    raise self._unavailable(self._down_reason)
                if self._pool is None:
                    from psycopg_pool import ConnectionPool

                    pool = ConnectionPool(
                        self.url,
                        connection_class=self._reporting_connection_class(),
                        min_size=1,
                        max_size=self.settings.db_pool_size,
                        # dead connections are replaced on checkout by _live_connection
                        timeout=self.settings.db_timeout_s,
                        kwargs=self._connect_kwargs(),
                        open=False,
                    )
                    pool.open(wait=False)
                    self._pool = pool
        return self._pool

    def _reporting_connection_class(self) -> Any:
        """A connection class whose failed connects mark the store down. Without it a request waits
        the whole DB_TIMEOUT_S while the pool's worker retries a dead server with back-off; with
        it the pool is dropped at the first refusal and its waiting requests fail at once."""
        import psycopg

        store = self

        class ReportingConnection(psycopg.Connection):  # type: ignore[type-arg]
            @classmethod
            def connect(cls, *args: Any, **kwargs: Any) -> Any:
                try:
                    return super().connect(*args, **kwargs)
                except psycopg.OperationalError as exc:
                    store._mark_down(_first_line(exc))
                    raise

        return ReportingConnection

    def _server_answers(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(self.url, connect_timeout=_PROBE_CONNECT_TIMEOUT_S) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            self._down_reason = self._down_reason and _first_line(exc)
            return False
        return True

    @property
    def known_down(self) -> bool:
        return self._down_reason is not None

    def _mark_down(self, reason: str) -> None:
        with self._down_lock:
            if self._down_reason is None:
                log.warning(
                    "PostgreSQL marked down (%s); probing every %.2f s", reason, self.settings.db_reprobe_s
                )
            self._down_reason = reason
            with self._pool_lock:
                dead_pool, self._pool = self._pool, None
            if dead_pool is not None:
                # closed in a thread: this may run on the pool's own worker (the checkout check)
                threading.Thread(target=dead_pool.close, kwargs={"timeout": 0.2}, daemon=True).start()
            if self._prober is None or not self._prober.is_alive():
                self._prober = threading.Thread(target=self._probe_until_up, name="pg-reprobe", daemon=True)
                self._prober.start()

    def _probe_until_up(self) -> None:
        while not self._server_answers():
            time.sleep(self.settings.db_reprobe_s)
        with self._down_lock:
            self._down_reason = None
            self._prober = None
        log.warning("PostgreSQL is back; serving from a fresh connection pool")

    def _unavailable(self, reason: str) -> StoreUnavailable:
        return StoreUnavailable(
            f"PostgreSQL at {describe_database_url(self.url)} is unreachable: {reason}",
            retry_after_s=max(1.0, self.settings.db_reprobe_s),
        )

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """A pooled autocommit connection: each statement on it commits on its own."""
        import psycopg
        from psycopg_pool import PoolClosed, PoolTimeout

        down = self._down_reason
        if down is not None:
            raise self._unavailable(down)
        try:
            pool = self._get_pool()
            with self._live_connection(pool) as conn:
                yield conn
        except psycopg.errors.NoDataFound as exc:  # raised by record_interaction() for unknown shoes
            raise UnknownShoeError(str(exc)) from exc
        except (PoolTimeout, PoolClosed, psycopg.OperationalError, psycopg.InterfaceError) as exc:
            reason = self._down_reason or _first_line(exc)
            if isinstance(exc, PoolTimeout):
                # No connection within DB_TIMEOUT_S: the server is hung or gone. A statement that
                # fails on an established connection does not mark the store down by itself (one
                # backend terminated by an idle reaper or pg_terminate_backend is not an outage);
                # the retry's fresh connection tells, as a refused connect marks it down.
                self._mark_down(reason)
            raise self._unavailable(reason) from exc

    @contextmanager
    def _live_connection(self, pool: Any) -> Iterator[Any]:
        """A pooled connection that is still alive, checked without a round trip
        (_check_idle_connection). A dead one (killed by an idle reaper or a server
        restart) is closed, so the pool drops it, and the next is tried: after a restart every
        pooled connection is dead and each check fails at once. If the server itself is gone, the
        pool's connect fails, which marks the store down and closes the pool (PoolClosed at once).
        The pool's own `check=` is not used: it retries with a 1 s, 2 s, ... back-off, so a request
        would wait DB_TIMEOUT_S during an outage."""
        for _ in range(self.settings.db_pool_size + 1):
            conn = pool.getconn()
            try:
                _check_idle_connection(conn)
            except Exception:
                conn.close()
                pool.putconn(conn)
                continue
            try:
                yield conn
            finally:
                pool.putconn(conn)
            return
        raise self._unavailable("no pooled connection answers")

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        """Several statements in one transaction."""
        with self._connection() as conn, conn.transaction():
            yield conn

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """One statement, one round trip (autocommit), its first row.

        A connection that dies between the checkout check and the statement (a server restart, an
        idle reaper) is retried on another connection, at most once per pooled connection (after a
        restart every one of them can be dead; each such failure is immediate). Safe because every
        statement sent here is a read or record_interaction(), which is idempotent: a repeated like
        or the same rating again changes nothing (at worst that retry reports changed=false for a
        write whose answer was lost, and its rebuild claim rides on the next threshold crossing)."""
        import psycopg
        from psycopg_pool import PoolTimeout

        attempts = self.settings.db_pool_size + 1
        for attempt in range(1, attempts + 1):
            try:
                with self._connection() as conn:
                    return conn.execute(sql, params).fetchone()
            except StoreUnavailable as exc:
                cause = exc.__cause__
                if (
                    attempt == attempts
                    or isinstance(cause, PoolTimeout)
                    or not isinstance(cause, psycopg.OperationalError)
                ):
                    raise
        raise AssertionError("unreachable")

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
        from src.store.migrate import ensure_schema  # start-up only: keep yoyo off the request path

        self.check_connection()
        ensure_schema(self.settings, url=self.url)
        rows, catalog_hash = catalog_rows(self.settings)
        with self._tx() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(7860)")  # one initialiser at a time
            stored = conn.execute("SELECT value FROM store_meta WHERE key = 'catalog_hash'").fetchone()
            if stored is None or stored[0] != catalog_hash:
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO shoes (shoe_id, shoe_type, name, brand, release_year, spec_source, status,"
                        " features, attributes, provenance) VALUES (%(shoe_id)s, %(shoe_type)s, %(name)s,"
                        " %(brand)s, %(release_year)s, %(spec_source)s, %(status)s, %(features)s::jsonb,"
                        " %(attributes)s::jsonb, %(provenance)s::jsonb) ON CONFLICT (shoe_id) DO UPDATE SET"
                        " shoe_type = EXCLUDED.shoe_type, name = EXCLUDED.name, brand = EXCLUDED.brand,"
                        " release_year = EXCLUDED.release_year, spec_source = EXCLUDED.spec_source,"
                        " status = EXCLUDED.status, features = EXCLUDED.features,"
                        " attributes = EXCLUDED.attributes, provenance = EXCLUDED.provenance",
                        rows,
                    )
                # a stored shoe the catalog no longer lists leaves it: readable, never recommended
                conn.execute(
                    "UPDATE shoes SET status = 'retired' WHERE NOT (shoe_id = ANY(%s))",
                    ([r["shoe_id"] for r in rows],),
                )
                conn.execute(
                    "INSERT INTO store_meta (key, value) VALUES ('catalog_hash', %s)"
                    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (catalog_hash,),
                )
            seeded = conn.execute("SELECT 1 FROM store_meta WHERE key = 'demo_seeded'").fetchone()
            empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM interaction_events)").fetchone()[0]
            if self.settings.should_seed_demo and empty and not seeded and self.settings.demo_users > 0:
                stored = [
                    shoe_record(dict(zip(_SHOE_COLS, r, strict=True)))
                    for r in conn.execute(_SHOES_SQL).fetchall()
                ]
                shoes = [s for s in stored if s["status"] == "active"]
                demo = demo_rows(self.settings, shoes)
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
        self._one("SELECT 1 FROM ct_state WHERE id = 1")

    def _fetch_shoes(self) -> list[dict[str, Any]]:
        with self._tx() as conn:
            rows = conn.execute(_SHOES_SQL).fetchall()
        return [shoe_record(dict(zip(_SHOE_COLS, r, strict=True))) for r in rows]

    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome:
        # One statement (migration 0002): the write transaction of record_interaction() and the
        # runner's rows read back after it, committed before this returns.
        event_id, changed, pending, claimed, *user = self._one(
            "SELECT * FROM record_interaction_returning_user(%s, %s, %s, %s, %s)",
            (user_id, shoe_id, action, value, self.threshold),
        )
        return RecordOutcome(int(event_id), bool(changed), int(pending), bool(claimed), _user_state(*user))

    def _delete(self, user_id: int, shoe_id: str, action: str) -> RecordOutcome:
        with self._tx() as conn:
            event_id, changed, pending, claimed = conn.execute(
                "SELECT * FROM delete_interaction(%s, %s, %s, %s)", (user_id, shoe_id, action, self.threshold)
            ).fetchone()
        return RecordOutcome(
            int(event_id), bool(changed), int(pending), bool(claimed), self.user_state(user_id)
        )

    def forget_user(self, user_id: int) -> ForgetOutcome:
        with self._tx() as conn:
            fav, rev, evt, q, _, _, claimed = conn.execute(
                "SELECT * FROM forget_user(%s, %s)", (user_id, self.threshold)
            ).fetchone()
        return ForgetOutcome(int(fav), int(rev), int(evt), int(q), bool(claimed))

    def save_questionnaire(self, user_id: int, saved: SavedQuestionnaire) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO saved_questionnaires (user_id, shoe_type, answers) VALUES (%s, %s, %s::jsonb)"
                " ON CONFLICT (user_id) DO UPDATE SET shoe_type = EXCLUDED.shoe_type,"
                " answers = EXCLUDED.answers, saved_at = now()",
                (user_id, saved.shoe_type, json.dumps(saved.answers, sort_keys=True)),
            )

    def load_questionnaire(self, user_id: int) -> SavedQuestionnaire | None:
        with self._tx() as conn:
            row = conn.execute(
                "SELECT shoe_type, answers FROM saved_questionnaires WHERE user_id = %s", (user_id,)
            ).fetchone()
        return None if row is None else SavedQuestionnaire(row[0], dict(row[1]))

    def user_state(self, user_id: int) -> UserState:
        return _user_state(*self._one("SELECT * FROM user_interactions(%s)", (user_id,)))

    def user_last_event(self, user_id: int) -> int:
        row = self._one(
            "SELECT COALESCE(MAX(event_id), 0) FROM interaction_events WHERE user_id = %s", (user_id,)
        )
        return int(row[0])

    def interaction_rows(self, user_ids: Sequence[int] | None = None) -> list[InteractionRow]:
        with self._tx() as conn:
            if user_ids is None:
                return [InteractionRow(*r) for r in conn.execute(_ALL_ROWS_SQL).fetchall()]
            ids = list(user_ids)
            return [
                InteractionRow(*r)
                for r in conn.execute(
                    "SELECT user_id, shoe_id, 'like', NULL::smallint FROM favorites WHERE user_id = ANY(%(u)s)"
                    " UNION ALL SELECT user_id, shoe_id, 'rate', rating FROM reviews WHERE user_id = ANY(%(u)s)",
                    {"u": ids},
                ).fetchall()
            ]

    def compact_events(self, through_event_id: int) -> int:
        removed = 0
        while True:  # a batch of the window per transaction: row locks are never held long
            with self._tx() as conn:
                # one compaction at a time (workers may publish close together); readers never wait
                conn.execute("SELECT pg_advisory_xact_lock(7861)")
                row = conn.execute(
                    "SELECT value FROM store_meta WHERE key = 'events_compacted_through'"
                ).fetchone()
                prev = int(row[0]) if row else 0
                if through_event_id <= prev:
                    return removed
                upto = min(through_event_id, prev + COMPACTION_BATCH)
                removed += conn.execute(
                    COMPACT_EVENTS_SQL.format(w="%(w)s", prev="%(prev)s"), {"w": upto, "prev": prev}
                ).rowcount
                conn.execute(
                    "INSERT INTO store_meta (key, value) VALUES ('events_compacted_through', %s)"
                    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (str(upto),),
                )

    def nearest_runners(self, user_id: int, limit: int = 10) -> list[tuple[int, float, int]]:
        with self._tx() as conn:
            counts = conn.execute(NEAREST_RUNNERS_SQL.format(p="%s"), (user_id, user_id)).fetchall()
        return rank_nearest(counts, limit)

    def overview(self, since: datetime) -> Overview:
        return Overview(*(int(v) for v in self._one(_OVERVIEW_SQL.format(p="%s"), (since, since))))

    # --- online evaluation
    def record_impressions(self, rows: Sequence[Impression]) -> int:
        if not rows:
            return 0
        with self._tx() as conn, conn.cursor() as cur:
            cur.executemany(_INSERT_IMPRESSION_SQL, [impression_params(r) for r in rows])
            written = cur.rowcount
        return int(written)

    def impressions_since(self, since: float) -> list[Impression]:
        with self._tx() as conn:
            rows = conn.execute(
                f"SELECT {IMPRESSION_COLS} FROM impressions WHERE shown_at >= %s ORDER BY impression_id",
                (since,),
            ).fetchall()
        return [impression_row(r) for r in rows]

    def positive_feedback_since(self, since: float) -> list[Feedback]:
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT user_id, shoe_id, created_at FROM interaction_events"
                f" WHERE created_at >= to_timestamp(%s) AND {POSITIVE_EVENTS_WHERE}",
                (since,),
            ).fetchall()
        return [Feedback(int(u), str(s), epoch_of(t)) for u, s, t in rows]

    def compact_impressions(self, older_than: float) -> int:
        removed = 0
        while True:  # past the retention, a batch per transaction
            with self._tx() as conn:
                n = conn.execute(
                    EXPIRE_IMPRESSIONS_SQL.format(before="%s", n="%s"), (older_than, COMPACTION_BATCH)
                ).rowcount
            removed += n
            if n < COMPACTION_BATCH:
                break
        while True:  # repeated pages, a batch of new ids per transaction
            with self._tx() as conn:
                # one impression compaction at a time (its own key: 7862 is the CT leadership's, held for life)
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (IMPRESSION_COMPACTION_LOCK_KEY,))
                row = conn.execute(
                    "SELECT value FROM store_meta WHERE key = 'impressions_compacted_through'"
                ).fetchone()
                prev = int(row[0]) if row else 0
                newest = int(
                    conn.execute("SELECT COALESCE(MAX(impression_id), 0) FROM impressions").fetchone()[0]
                )
                if newest <= prev:
                    return removed
                upto = min(newest, prev + COMPACTION_BATCH)
                removed += conn.execute(
                    COMPACT_IMPRESSIONS_SQL.format(prev="%(prev)s", upto="%(upto)s"),
                    {"prev": prev, "upto": upto},
                ).rowcount
                conn.execute(
                    "INSERT INTO store_meta (key, value) VALUES ('impressions_compacted_through', %s)"
                    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (str(upto),),
                )

    def save_online_report(self, body: dict[str, Any], keep: int = 500) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO online_metric_reports (body) VALUES (%s::jsonb)", (json.dumps(body),))
            conn.execute(
                "DELETE FROM online_metric_reports WHERE report_id <= "
                "(SELECT MAX(report_id) FROM online_metric_reports) - %s",
                (keep,),
            )

    def online_reports(self, limit: int = 1) -> list[dict[str, Any]]:
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT computed_at, body FROM online_metric_reports ORDER BY report_id DESC LIMIT %s",
                (limit,),
            ).fetchall()
        return [{"computed_at": t.isoformat(), **dict(b)} for t, b in rows]

    def ct_state(self) -> CTState:
        pending, claimed, max_id = self._one(_CT_STATE_SQL)
        return CTState(int(pending), int(claimed), int(max_id))

    # --- continuous training across replicas
    def interactions_as_of(
        self, watermark: int, user_ids: Sequence[int] | None = None
    ) -> list[InteractionRow]:
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT * FROM interactions_as_of(%s, %s)",
                (watermark, None if user_ids is None else list(user_ids)),
            ).fetchall()
        return [InteractionRow(int(u), s, a, v) for u, s, a, v in rows]

    def users_changed_between(self, after: int, upto: int) -> list[int]:
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT DISTINCT user_id FROM interaction_events WHERE event_id > %s AND event_id <= %s"
                " ORDER BY user_id",
                (after, upto),
            ).fetchall()
        return [int(r[0]) for r in rows]

    def pair_scores_changed_between(self, after: int, upto: int) -> PairDelta:
        with self._tx() as conn:
            rows = conn.execute(_PAIR_SCORES_SQL, {"after": after, "upto": upto}).fetchall()
        return pair_delta_from_rows(rows)

    def ct_poll(self) -> CTPoll:
        with self._tx() as conn:
            return CTPoll.from_row(conn.execute("SELECT * FROM ct_poll()").fetchone())

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
        from psycopg.types.json import Jsonb

        with self._tx() as conn:
            version_id, created_at = conn.execute(
                "SELECT * FROM record_cf_version(%s, %s, %s, %s, %s, %s)",
                (watermark, status, mode, claims_through, Jsonb(figures), reason),
            ).fetchone()
        return CFVersion(
            int(version_id), watermark, status, mode, claims_through, figures, reason, created_at.isoformat()
        )

    def cf_versions(self, limit: int = 10, status: str | None = None) -> list[CFVersion]:
        with self._tx() as conn:
            rows = conn.execute(
                f"SELECT {_CF_VERSION_COLS} FROM cf_versions WHERE (%(s)s::text IS NULL OR status = %(s)s)"
                " ORDER BY version_id DESC LIMIT %(n)s",
                {"s": status, "n": limit},
            ).fetchall()
        return [cf_version_row(r) for r in rows]

    def cf_version(self, version_id: int) -> CFVersion | None:
        with self._tx() as conn:
            row = conn.execute(
                f"SELECT {_CF_VERSION_COLS} FROM cf_versions WHERE version_id = %s", (version_id,)
            ).fetchone()
        return None if row is None else cf_version_row(row)

    def put_cf_artifact(self, artifact_id: str, kind: str, base_id: str | None, blob: bytes) -> None:
        chunks = artifact_chunks(blob)
        with self._tx() as conn:  # one transaction: readers never see it half-written
            inserted = conn.execute(
                "INSERT INTO cf_artifacts (artifact_id, kind, base_id, n_bytes, n_chunks)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (artifact_id) DO NOTHING RETURNING 1",
                (artifact_id, kind, base_id, len(blob), len(chunks)),
            ).fetchone()
            if inserted is None:
                return
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO cf_artifact_chunks (artifact_id, chunk_no, data) VALUES (%s, %s, %s)",
                    [(artifact_id, i, c) for i, c in enumerate(chunks)],
                )

    def prune_cf_artifacts(self, keep: Sequence[str]) -> int:
        if not keep:
            return 0
        with self._tx() as conn:
            before = int(conn.execute("SELECT COUNT(*) FROM cf_artifacts").fetchone()[0])
            conn.execute(PRUNE_CF_ARTIFACTS_SQL.format(keep=", ".join(["%s"] * len(keep))), tuple(keep))
            return before - int(conn.execute("SELECT COUNT(*) FROM cf_artifacts").fetchone()[0])

    def cf_artifact(self, artifact_id: str) -> CFArtifact | None:
        with self._tx() as conn:
            head = conn.execute(
                "SELECT kind, base_id, n_chunks FROM cf_artifacts WHERE artifact_id = %s", (artifact_id,)
            ).fetchone()
            if head is None:
                return None
            rows = conn.execute(
                "SELECT data FROM cf_artifact_chunks WHERE artifact_id = %s ORDER BY chunk_no", (artifact_id,)
            ).fetchall()
        if len(rows) != int(head[2]):
            return None
        return CFArtifact(artifact_id, str(head[0]), head[1], b"".join(bytes(r[0]) for r in rows))

    def bump_reload_generation(self) -> int:
        with self._tx() as conn:
            row = conn.execute(
                "UPDATE ct_control SET reload_generation = reload_generation + 1 WHERE id = 1"
                " RETURNING reload_generation"
            ).fetchone()
        return int(row[0])

    def heartbeat(
        self, role: str, cf_version: int | None, state: str, *, host: str, pid: int, forget_after_s: float
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO serving_processes (host, pid, role, cf_version, state) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (host, pid) DO UPDATE SET role = EXCLUDED.role, cf_version = EXCLUDED.cf_version,"
                " state = EXCLUDED.state, last_seen = now()",
                (host, pid, role, cf_version, state),
            )
            conn.execute(
                "DELETE FROM serving_processes WHERE last_seen < now() - make_interval(secs => %s)",
                (forget_after_s,),
            )

    def serving_processes(self, max_age_s: float) -> list[ProcessBeat]:
        with self._tx() as conn:
            rows = conn.execute(
                f"SELECT {_BEAT_COLS} FROM serving_processes"
                " WHERE last_seen >= now() - make_interval(secs => %s) ORDER BY role, host, pid",
                (max_age_s,),
            ).fetchall()
            now = conn.execute("SELECT now()").fetchone()[0]
        return [beat_row(r, now) for r in rows]

    def ct_leadership(self) -> Leadership:
        return AdvisoryLeadership(self.url, self.settings.db_timeout_s)

    def close(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
