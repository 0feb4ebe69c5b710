"""A runner's ranking for one CF version, and the per-worker cache that keeps it while their
newest event and the version are unchanged."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import ClassVar

from src.recommender.cf_snapshot import EvidenceItem


@dataclass(frozen=True, slots=True)
class Ranking:
    """The head of a runner's ranked feed for one CF version: evidence items (shoe_id, score,
    liked_by, out_of, anchor) best first (`cf_snapshot.EvidenceItem`; liked_by -1 = a popular
    backfill item). `depth` items were asked for; fewer means the ranking is complete. The
    engine's top-n is deterministic (ties by index), so a deeper ranking extends a shallower one and
    pages are stable for one CF version."""

    items: list[EvidenceItem]
    n_neighbours: int
    cf_version: str | None
    last_event_id: int
    # the shoes the runner has interacted with (never in `items`), sorted: their kept state's own
    # tuple, shared rather than copied into a set (a heavy runner's 600 shoes are ~30 KB as a set)
    seen: tuple[str, ...]
    depth: int
    pages: dict[tuple[int, int, str | None], bytes] = field(default_factory=dict)  # rendered, per page
    # per page: (source, shoe ids) as the impression records them, computed once like the body
    # per page shown: (source, shoe ids, page hash), computed once per ranking (impressions)
    shown: dict[tuple[int, int, str | None], tuple[str, tuple[str, ...], int]] = field(default_factory=dict)
    arm: str = ""  # the A/B arm whose engine ranked it (src/serving/arms.py)

    MAX_PAGES: ClassVar[int] = 8  # rendered pages kept per ranking (most runners read one or two)


@dataclass(frozen=True, slots=True)
class _Entry:
    expires_at: float
    last_event_id: int
    body: Ranking


class FeedCache:
    """Per-worker TTL cache of serialised feeds, bounded in size (oldest evicted first).

    Entries are kept in the order they were written, which is also expiry order (one TTL), so every
    put drops the expired head: runners who write once and never read their feed (most new ones)
    leave after TTL instead of filling the cache to its bound."""

    def __init__(self, ttl_s: float, max_entries: int) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._data: OrderedDict[int, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, user_id: int, now: float | None = None) -> _Entry | None:
        now = time.monotonic() if now is None else now
        with self._lock:
            entry = self._data.get(user_id)
            if entry is None:
                return None
            if entry.expires_at <= now:
                del self._data[user_id]
                return None
            return entry

    def put(self, user_id: int, last_event_id: int, body: Ranking, now: float | None = None) -> None:
        if self.ttl_s <= 0:
            return
        now = time.monotonic() if now is None else now
        with self._lock:
            self._data[user_id] = _Entry(now + self.ttl_s, last_event_id, body)
            self._data.move_to_end(user_id)
            data = self._data
            while len(data) > self.max_entries or data[next(iter(data))].expires_at <= now:
                data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)
