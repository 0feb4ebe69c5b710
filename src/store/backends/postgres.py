"""PostgreSQL's connection (`DATABASE_URL`; a Supabase project's own Postgres connection string works
too): statements on the pool of `pg_pool`, retried where that is safe, in transactions of their own."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from src.config import Settings
from src.store.backends.pg_async import AsyncStatements
from src.store.backends.pg_pool import OutagePool
from src.store.backends.pg_url import check_database_url, describe_database_url
from src.store.backends.sql import SQLBackend
from src.store.errors import StoreConfigError, StoreUnavailable
from src.store.sql import POSTGRES

T = TypeVar("T")


class PostgresBackend(SQLBackend):
    backend = "postgres"
    dialect = POSTGRES

    def __init__(self, settings: Settings, url: str | None = None) -> None:
        super().__init__(settings)
        self._pool = OutagePool(check_database_url(url or settings.database_url or ""), settings)
        # the request path's batched calls, awaited on the event loop: one connection per kind
        self._async_writes = AsyncStatements(self._pool)
        self._async_reads = AsyncStatements(self._pool)

    @property
    def url(self) -> str:
        return self._pool.url

    @url.setter
    def url(self, url: str) -> None:  # the pool opened next (after close) connects there
        self._pool.url = url

    @property
    def known_down(self) -> bool:
        return self._pool.known_down

    def _connection(self) -> AbstractContextManager[Any]:
        """A pooled autocommit connection: each statement on it commits on its own."""
        return self._pool.connection()

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Any]:
        """Several statements in one transaction (PostgreSQL's writers need no turn of their own)."""
        with self._connection() as conn, conn.transaction():
            yield conn

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """One statement, one round trip (autocommit), its first row.

        A connection that dies between the checkout check and the statement (a server restart, an
        idle reaper) is retried on another connection, at most once per pooled connection (after a
        restart every one of them can be dead; each such failure is immediate). Safe because every
        statement sent here is a read or records likes and ratings (record_interaction()), which
        is idempotent: a repeated like or the same rating again changes nothing (at worst that retry
        reports changed=false for a write whose answer was lost, and its rebuild claim rides on the
        next threshold crossing)."""
        return self._retried(lambda conn: conn.execute(sql, params).fetchone())

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """One statement, one round trip (autocommit), all its rows; retried as `_one`."""
        return self._retried(lambda conn: conn.execute(sql, params).fetchall())

    def _retried(self, statement: Callable[[Any], T]) -> T:
        import psycopg
        from psycopg_pool import PoolTimeout

        attempts = self.settings.db_pool_size + 1
        for attempt in range(1, attempts + 1):
            try:
                with self._connection() as conn:
                    return statement(conn)
            except StoreUnavailable as exc:
                cause = exc.__cause__
                if (
                    attempt == attempts
                    or isinstance(cause, PoolTimeout)
                    or not isinstance(cause, psycopg.OperationalError)
                ):
                    raise
        raise AssertionError("unreachable")

    def _read_one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._one(sql, params)

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

    def _prepare_schema(self) -> None:
        from src.store.migrate import ensure_schema  # start-up only: keep yoyo off the request path

        self.check_connection()
        ensure_schema(self.settings, url=self.url)

    def _serialise(self, tx: Any, key: int) -> None:
        tx.execute("SELECT pg_advisory_xact_lock(%s)", (key,))

    def close(self) -> None:
        self._async_writes.drop()
        self._async_reads.drop()
        self._pool.close()
