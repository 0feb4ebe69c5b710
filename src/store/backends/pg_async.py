"""PostgreSQL statements awaited on an API worker's event loop: the request path's batched calls.

A worker sends the likes and ratings of one event-loop turn as one statement, and the feed reads of
one turn as another (`serving/turn_batch.py`). Sent from the thread pool, every such statement also
paid a thread hop and the GIL passing between the loop and the thread: on the 2-core benchmark
machine a worker then spent ~740 us of CPU per request of the traffic mix against ~480 us on the
embedded store. Here each kind of call owns one psycopg `AsyncConnection` and sends one statement at
a time on it; while one is in flight, the next turn's calls gather into the next batch.

Outages follow the pool's rules (`pg_pool.OutagePool`, shared with the rest of the store): while the
store is known down a call fails at once with StoreUnavailable; a statement that fails on an
established connection is retried once on a fresh one (the statements sent here are reads and
record_interaction(), which is idempotent); a connect that fails, or a statement that outlives
DB_TIMEOUT_S + DB_STATEMENT_TIMEOUT_S, marks the store down and the pool's prober watches for the
server's return.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from src.store.backends.pg_pool import OutagePool
from src.store.backends.pg_url import first_line
from src.store.errors import UnknownShoeError


class AsyncStatements:
    """One lazily opened autocommit connection, bound to the event loop that opened it."""

    def __init__(self, pool: OutagePool) -> None:
        self._pool = pool
        self._conn: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        settings = pool.settings
        self._deadline_s = settings.db_timeout_s + (settings.db_statement_timeout_s or settings.db_timeout_s)

    async def rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """One statement (its own transaction), all its rows."""
        import psycopg

        for attempt in (1, 2):
            conn = await self._connection()
            try:
                async with asyncio.timeout(self._deadline_s):
                    cursor = await conn.execute(sql, params)
                    return await cursor.fetchall()
            except psycopg.errors.NoDataFound as exc:  # raised by record_interaction() for unknown shoes
                raise UnknownShoeError(str(exc)) from exc
            except TimeoutError as exc:  # the server or the network hangs: an outage
                self.drop()
                reason = f"no answer within {self._deadline_s:g} s"
                self._pool.mark_down(reason)
                raise self._pool.unavailable(reason) from exc
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                self.drop()  # a dead connection (server restart, idle reaper): a fresh one tells
                if attempt == 2:
                    raise self._pool.unavailable(self._pool.down_reason or first_line(exc)) from exc
        raise AssertionError("unreachable")

    async def _connection(self) -> Any:
        import psycopg

        down = self._pool.down_reason
        if down is not None:
            raise self._pool.unavailable(down)
        loop = asyncio.get_running_loop()
        if self._conn is not None and (self._loop is not loop or self._conn.closed):
            self.drop()  # opened on another event loop (a test client's), or closed by a failure
        if self._conn is None:
            try:
                self._conn = await psycopg.AsyncConnection.connect(
                    self._pool.url, **self._pool.connect_kwargs()
                )
            except psycopg.OperationalError as exc:
                self._pool.mark_down(first_line(exc))
                raise self._pool.unavailable(first_line(exc)) from exc
            self._loop = loop
        return self._conn

    def drop(self) -> None:
        """Close the connection without the event loop (libpq's own close): it may be gone."""
        conn, self._conn, self._loop = self._conn, None, None
        if conn is not None and not conn.closed:
            conn.pgconn.finish()
