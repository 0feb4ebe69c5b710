"""One heartbeat row per process in the store (`serving_processes`), for the dashboard and /health:
written at most every HEARTBEAT_S (or at once when forced), rows silent for 20 intervals (at least
a minute) forgotten. The API workers' version follower and the CT loop both beat through it."""

from __future__ import annotations

import os
import socket
import time

from src.store import Store


class Heartbeat:
    def __init__(self, store: Store, role: str, interval_s: float) -> None:
        self.store = store
        self.role = role  # api | ct
        self.interval_s = interval_s
        self.host = socket.gethostname()
        self._last = 0.0

    @property
    def forget_after_s(self) -> float:
        return max(60.0, 20 * self.interval_s)

    def beat(self, cf_version: int | None, state: str, *, force: bool = False) -> bool:
        """Write this process's row if an interval has passed (or `force`); True if written.
        Store errors propagate: the caller knows whether it may log and go on."""
        now = time.monotonic()
        if not force and now - self._last < self.interval_s:
            return False
        self._last = now
        self.store.heartbeat(
            self.role, cf_version, state, host=self.host, pid=os.getpid(), forget_after_s=self.forget_after_s
        )
        return True
