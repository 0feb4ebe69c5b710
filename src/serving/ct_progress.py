"""/health's view of the shared continuous-training counter, without a store query per call.

The counter lives in the store (global across workers and replicas). Each worker keeps the last
value it saw: every write it records returns the counter after that write (newer events win),
and a read of the store refreshes it at most once per HEALTH_CACHE_S when /health asks. So under
load /health costs no store query, and the progress it shows is at most HEALTH_CACHE_S behind
writes made by other workers (this worker's own writes show at once). Any store failure seen by
the worker marks it degraded until the store answers again.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from src.store import CTState, RecordOutcome, Store, StoreError


@dataclass(frozen=True, slots=True)
class ProgressView:
    pending: int | None
    rebuilds_claimed: int | None
    store_error: str | None


class CTProgress:
    def __init__(self, max_age_s: float) -> None:
        self.max_age_s = max_age_s
        self._lock = threading.Lock()
        self._pending: int | None = None
        self._claimed: int | None = None
        self._event_id = -1  # the event the values belong to: a newer one replaces them
        self._error: str | None = None
        self._checked_at = float("-inf")
        self._refreshing = False

    def view(self) -> ProgressView:
        with self._lock:
            return ProgressView(self._pending, self._claimed, self._error)

    def claim_refresh(self, now: float | None = None) -> bool:
        """True (once) when the values are older than max_age_s: the caller then refreshes them.
        Concurrent callers keep serving the current values meanwhile (one query, not a stampede)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self._refreshing or now - self._checked_at < self.max_age_s:
                return False
            self._refreshing = True
            return True

    def refresh(self, store: Store) -> None:
        """Read the counter from the store (call after claim_refresh returned True)."""
        try:
            self.observe_state(store.ct_state())
        except StoreError as exc:
            self.observe_failure(exc)
        finally:
            with self._lock:
                self._refreshing = False

    def observe_state(self, ct: CTState, now: float | None = None) -> None:
        with self._lock:
            if ct.max_event_id >= self._event_id:
                self._pending, self._claimed, self._event_id = (
                    ct.pending,
                    ct.rebuilds_claimed,
                    ct.max_event_id,
                )
            self._error = None
            self._checked_at = time.monotonic() if now is None else now

    def observe_write(self, outcome: RecordOutcome) -> None:
        """The counter after a write this worker made (an unchanged write carries no event id)."""
        with self._lock:
            self._error = None
            if not outcome.changed or outcome.event_id <= self._event_id:
                return
            self._pending, self._event_id = outcome.ct_pending, outcome.event_id
            if self._claimed is not None and outcome.rebuild_claimed:
                self._claimed += 1

    def observe_failure(self, exc: BaseException, now: float | None = None) -> None:
        with self._lock:
            self._error = str(exc)
            self._checked_at = time.monotonic() if now is None else now

    def observe_ok(self) -> None:
        """The store answered (e.g. a readiness ping): clear a failure and re-read on the next ask."""
        with self._lock:
            if self._error is not None:
                self._error = None
                self._checked_at = float("-inf")
