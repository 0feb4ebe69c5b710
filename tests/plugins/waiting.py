"""Waiting on a condition, not on the wall clock: poll `predicate` until it holds."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T], timeout_s: float = 30.0, what: str = "the condition", interval_s: float = 0.05
) -> T:
    """Call `predicate` until it returns something truthy and return that; AssertionError naming
    `what` if it has not within `timeout_s` seconds."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s:g} s: {what}")
        time.sleep(interval_s)
