"""What each served page showed, recorded off the request path.

A request only appends a small tuple to this worker's buffer (a deque: one atomic append, no lock,
no I/O); a
daemon thread writes the buffer to the store every IMPRESSION_FLUSH_S in one transaction. The
buffer is bounded (IMPRESSION_BUFFER_MAX): when the store is slow or down and it fills, the oldest
impressions are dropped and counted (`sonix_impressions_total{outcome="dropped"}`), never the
request. A failed flush drops its batch (counted too): impressions are evidence, not data a
runner gave us, so losing some under failure is acceptable; blocking a feed is not.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

from prometheus_client import Counter

from src.recommender.online_metrics import Impression
from src.store import Store

log = logging.getLogger(__name__)

IMPRESSIONS = Counter(
    "sonix_impressions_total", "Served pages recorded for online evaluation", ["outcome"]
)  # recorded | dropped | failed | repeat (the runner's previous page again: not written)

# A page is not buffered again while it is the last one this worker recorded for its runner (within
# REPEAT_S): compaction would delete it as a verbatim repeat anyway, so writing it is pure cost (a
# warm feed is read again and again between two writes of its runner).
REPEAT_S = 600.0
_REPEATED = IMPRESSIONS.labels("repeat")  # the child looked up once: the request path only adds
LAST_PAGES_MAX = 50_000


class ImpressionBuffer:
    def __init__(self, store: Store, max_entries: int, flush_s: float) -> None:
        self.store = store
        self.flush_s = flush_s
        # plain tuples (user, time, source, version, arm, shoes, first position): the cheapest thing
        # to build on the request path; Impression rows are made by the writer thread
        self._items: deque[tuple[int, float, str, str | None, str, tuple[str, ...], int]] = deque(
            maxlen=max_entries
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.dropped = 0  # overflowed the bound
        self.failed = 0  # lost with a failed flush
        self.recorded = 0
        self.repeats = 0  # the runner's last page again: not buffered
        self._last_page: dict[int, tuple[int, float]] = {}  # runner -> (page hash, when)

    # --- the request path: append only
    def add(
        self,
        user_id: int,
        source: str,
        model_version: str | None,
        arm: str,
        shoe_ids: tuple[str, ...],
        first_position: int = 1,
        page_hash: int | None = None,
    ) -> None:
        if not shoe_ids:
            return
        now = time.time()
        page = (
            hash((source, model_version, arm, first_position, shoe_ids)) if page_hash is None else page_hash
        )
        last = self._last_page.get(user_id)
        if last is not None and last[0] == page and now - last[1] < REPEAT_S:
            self.repeats += 1
            _REPEATED.inc()
            return
        if len(self._last_page) >= LAST_PAGES_MAX:
            self._last_page.clear()  # rare; at worst a few repeats are written (and compacted)
        self._last_page[user_id] = (page, now)
        items = self._items
        if len(items) == items.maxlen:  # the append drops the oldest (counted; racy by one at worst)
            self.dropped += 1
            IMPRESSIONS.labels("dropped").inc()
        items.append((user_id, now, source, model_version, arm, shoe_ids, first_position))

    def __len__(self) -> int:
        return len(self._items)

    # --- the background writer
    def flush(self) -> int:
        """Write what is buffered now (one transaction); returns the rows written."""
        items = self._items
        batch: list[Impression] = []
        while True:  # popleft is atomic: an append racing this loop is kept, never lost
            try:
                batch.append(Impression(*items.popleft()))
            except IndexError:
                break
        if not batch:
            return 0
        try:
            written = self.store.record_impressions(batch)
        except Exception as exc:  # the store is down or refuses: the batch is lost, counted
            self.failed += len(batch)
            IMPRESSIONS.labels("failed").inc(len(batch))
            log.warning("%d impressions not recorded: %s", len(batch), exc)
            return 0
        self.recorded += written
        IMPRESSIONS.labels("recorded").inc(written)
        return written

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="impressions", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.flush_s):
            self.flush()

    def close(self) -> None:
        """Stop the writer and flush what is left."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.flush()
