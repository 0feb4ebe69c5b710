"""The PostgreSQL connection pool and what it does in an outage.

While the server is known to be down every request fails at once (503 + Retry-After) and a single
background thread probes it every DB_REPROBE_S; when it answers, the old pool (its connections
dead, its reconnect back-off grown) is dropped and a fresh one is opened.
"""

from __future__ import annotations

import logging
import select
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from src.config import Settings
from src.store.backends.pg_url import describe_database_url, first_line
from src.store.errors import StoreUnavailable, UnknownShoeError

log = logging.getLogger(__name__)

_PROBE_CONNECT_TIMEOUT_S = 2  # libpq's smallest effective connect timeout


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


class OutagePool:
    """A psycopg pool opened lazily in the process that uses it (a pool must never cross a fork),
    whose connections are checked on checkout, and that is dropped when the server goes away."""

    def __init__(self, url: str, settings: Settings) -> None:
        self.url = url
        self.settings = settings
        self._pool: Any = None
        self._pool_lock = threading.Lock()
        self._down_reason: str | None = None
        self._down_lock = threading.Lock()
        self._prober: threading.Thread | None = None

    def connect_kwargs(self) -> dict[str, Any]:
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
                # mark_down sets the reason before taking this lock to drop the pool: a pool opened
                # here either sees the reason or is dropped (and closed) right after
                if self._down_reason is not None:
                    raise self.unavailable(self._down_reason)
                if self._pool is None:
                    from psycopg_pool import ConnectionPool

                    pool = ConnectionPool(
                        self.url,
                        connection_class=self._reporting_connection_class(),
                        min_size=1,
                        max_size=self.settings.db_pool_size,
                        # dead connections are replaced on checkout by _live_connection
                        timeout=self.settings.db_timeout_s,
                        kwargs=self.connect_kwargs(),
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
                    store.mark_down(first_line(exc))
                    raise

        return ReportingConnection

    def _server_answers(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(self.url, connect_timeout=_PROBE_CONNECT_TIMEOUT_S) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            self._down_reason = self._down_reason and first_line(exc)
            return False
        return True

    @property
    def known_down(self) -> bool:
        return self._down_reason is not None

    @property
    def down_reason(self) -> str | None:
        return self._down_reason

    def mark_down(self, reason: str) -> None:
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

    def unavailable(self, reason: str) -> StoreUnavailable:
        return StoreUnavailable(
            f"PostgreSQL at {describe_database_url(self.url)} is unreachable: {reason}",
            retry_after_s=max(1.0, self.settings.db_reprobe_s),
        )

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A pooled autocommit connection: each statement on it commits on its own."""
        import psycopg
        from psycopg_pool import PoolClosed, PoolTimeout

        down = self._down_reason
        if down is not None:
            raise self.unavailable(down)
        try:
            pool = self._get_pool()
            with self._live_connection(pool) as conn:
                yield conn
        except psycopg.errors.NoDataFound as exc:  # raised by record_interaction() for unknown shoes
            raise UnknownShoeError(str(exc)) from exc
        except (PoolTimeout, PoolClosed, psycopg.OperationalError, psycopg.InterfaceError) as exc:
            reason = self._down_reason or first_line(exc)
            if isinstance(exc, PoolTimeout):
                # No connection within DB_TIMEOUT_S: the server is hung or gone. A statement that
                # fails on an established connection does not mark the store down by itself (one
                # backend terminated by an idle reaper or pg_terminate_backend is not an outage);
                # the retry's fresh connection tells, as a refused connect marks it down.
                self.mark_down(reason)
            raise self.unavailable(reason) from exc

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
        raise self.unavailable("no pooled connection answers")

    def close(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
