"""The store's one file-lock mechanism: an exclusive `flock` on a file beside the database.

Used for the SQLite writer's turn, the SQLite migration lock and the CT leadership of the stores
that cannot hold a database session lock. The kernel hands a released lock to the next waiter at
once and in order, and drops it when its process dies (even on kill -9).
"""

from __future__ import annotations

import fcntl
import os
import signal
import threading
import time
from pathlib import Path
from types import TracebackType


class _TimeIsUp(Exception):
    """Raised by the interval timer's handler to end a bounded wait (never leaves this module)."""


class FileLock:
    """`with FileLock(path):` waits for the lock; `acquire(wait=False)` / `acquire_within(s)` don't
    (or not for long). Not reentrant; one holder per instance (callers serialise their threads)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._held = False

    def acquire(self, *, wait: bool = True) -> bool:
        """Take the lock, waiting for it unless `wait` is False; False if it was busy."""
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        self._held = True
        return True

    def acquire_within(self, timeout_s: float, poll_s: float = 0.05) -> bool:
        """Take the lock, trying every `poll_s` for up to `timeout_s`; False if it stayed busy."""
        deadline = time.monotonic() + timeout_s
        while not self.acquire(wait=False):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(poll_s, left))
        return True

    def acquire_timed(self, timeout_s: float) -> bool:
        """Take the lock, waiting at most `timeout_s`; False if it stayed busy. In the main thread
        the kernel wait itself is bounded (an interval timer interrupts it), so the lock is handed
        over at once when it frees; elsewhere the lock is polled every millisecond."""
        if self.acquire(wait=False):
            return True
        if threading.current_thread() is not threading.main_thread():
            return self.acquire_within(timeout_s, poll_s=0.001)
        assert self._fd is not None

        def time_is_up(_signum: int, _frame: object) -> None:
            raise _TimeIsUp

        previous = signal.signal(signal.SIGALRM, time_is_up)
        try:
            try:
                signal.setitimer(signal.ITIMER_REAL, timeout_s)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
                signal.setitimer(signal.ITIMER_REAL, 0)
            except _TimeIsUp:
                signal.setitimer(signal.ITIMER_REAL, 0)
                fcntl.flock(self._fd, fcntl.LOCK_UN)  # granted just as time ran out: give it back
                return False
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        self._held = True
        return True

    @property
    def is_locked(self) -> bool:
        return self._held

    def release(self) -> None:
        """Let the lock go (the file stays open for the next turn)."""
        if self._held and self._fd is not None:
            self._held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Let the lock go and close the file."""
        self.release()
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
