"""The embedded default's connection: a WAL-mode SQLite file, one connection per thread, and one
writer at a time across the threads and processes that share the file."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from src.config import Settings
from src.store.backends.sql import SQLBackend
from src.store.errors import StoreUnavailable, WriteWouldWait, write_must_not_wait
from src.store.locks import FileLock
from src.store.sql import SQLITE


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


# how long a write on the event loop may wait for the writer lock before it moves to a thread
INLINE_WAIT_S = 0.05


class SQLiteBackend(SQLBackend):
    backend = "sqlite"
    in_process = True
    dialect = SQLITE

    def __init__(self, settings: Settings, path: Path | None = None) -> None:
        super().__init__(settings)
        self.path = Path(path or settings.sqlite_path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._file_lock: FileLock | None = None  # opened by the first write

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
        Inside `first_write_must_not_wait()` (the request path on the event loop) a writer waits at
        most INLINE_WAIT_S, the time a few other writers take, then raises WriteWouldWait: a write
        held up longer waits off the loop. (Handing every busy write to a thread at once cost 30 %
        of the write throughput; waiting without a bound let one long writer stall the worker.)"""
        flag = write_must_not_wait()
        must_not_wait = bool(flag and flag[0])
        started = time.monotonic()
        if not self._write_lock.acquire(timeout=INLINE_WAIT_S if must_not_wait else -1):
            raise WriteWouldWait
        try:
            if self._file_lock is None:
                self._file_lock = FileLock(f"{self.path}.writelock")
            if must_not_wait:
                left = INLINE_WAIT_S - (time.monotonic() - started)
                if left <= 0 or not self._file_lock.acquire_timed(left):
                    raise WriteWouldWait
            else:
                self._file_lock.acquire()
            if flag:
                flag[0] = False  # this work has the lock now: its later writes wait as usual
            try:
                yield
            finally:
                self._file_lock.release()
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

    def _read_one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:  # one statement, no explicit transaction: /health and every poll call this
            return self._conn().execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc

    def _prepare_schema(self) -> None:
        from src.store.migrate import ensure_schema  # start-up only: keep yoyo off the request path

        ensure_schema(self.settings, sqlite_path=self.path)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
