"""The CT leadership: the right to rebuild and publish, held by one CT process per database."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from typing import Any

from src.store.backends.pg_url import describe_database_url
from src.store.errors import StoreUnavailable
from src.store.locks import FileLock

CT_LEADERSHIP_KEY = 7862  # pg_advisory_lock key held by the one CT process per database


class LeadershipTimeout(TimeoutError):
    """Another CT process holds the leadership."""


class Leadership(ABC):
    """The right to rebuild and publish, held by one CT process per database."""

    @abstractmethod
    def acquire(self, timeout_s: float) -> None:
        """Take it, or raise LeadershipTimeout after `timeout_s`."""

    @abstractmethod
    def still_held(self) -> bool:
        """False when the lock was lost (e.g. its PostgreSQL session died): stop publishing."""

    @abstractmethod
    def release(self) -> None: ...


class FileLeadership(Leadership):
    """A file lock beside the store: one CT per host (the embedded store, or Supabase's REST API,
    which cannot hold a session lock). The OS drops it when the process dies, even on kill -9."""

    def __init__(self, path: str) -> None:
        self._lock = FileLock(path)

    def acquire(self, timeout_s: float) -> None:
        if not self._lock.acquire_within(timeout_s):
            raise LeadershipTimeout(f"another CT process holds {self._lock.path}")

    def still_held(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        self._lock.close()


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
