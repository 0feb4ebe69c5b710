"""The store's errors, and the flag that lets a request's first write refuse to wait."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class StoreError(RuntimeError):
    """Base class for store failures."""


class WriteWouldWait(Exception):
    """Raised instead of waiting for the write lock inside `first_write_must_not_wait()`: nothing
    was written, so the caller repeats the work where waiting is allowed."""


# a one-element list while the current work's first write must not wait (see below)
_FIRST_WRITE_MUST_NOT_WAIT: ContextVar[list[bool] | None] = ContextVar(
    "first_write_must_not_wait", default=None
)


@contextmanager
def first_write_must_not_wait() -> Iterator[None]:
    """Inside, the first write transaction that would wait for another writer raises WriteWouldWait
    (later ones wait as usual: the work has written by then and must not be repeated). The embedded
    store's request path runs on the event loop, where any wait stalls every request of the worker;
    a store whose writers never wait on each other in-process ignores it."""
    token = _FIRST_WRITE_MUST_NOT_WAIT.set([True])
    try:
        yield
    finally:
        _FIRST_WRITE_MUST_NOT_WAIT.reset(token)


def write_must_not_wait() -> list[bool] | None:
    """The current work's flag: `[True]` until its first write took the lock, else None or `[False]`."""
    return _FIRST_WRITE_MUST_NOT_WAIT.get()


class StoreUnavailable(StoreError):
    """The store cannot be reached right now (the API answers 503 with `Retry-After`)."""

    def __init__(self, message: str, retry_after_s: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class StoreConfigError(StoreError):
    """The store is misconfigured (start-up stops with this one-line message)."""


class UnknownShoeError(LookupError):
    """The shoe id is not in the catalog (the API answers 404)."""
