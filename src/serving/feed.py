"""The collaborative feed in one worker: the serving snapshot, the per-user cache, and CT hand-off.

Correct under several gunicorn workers without shared memory:
- the feed is always computed from the user's rows read from the store (whichever worker
  recorded them), injected into the snapshot's engine;
- a cached feed remembers the user's newest event id and is served only while the store still
  says so (one indexed lookup per hit), so a like recorded by another worker invalidates it at once;
- a newer snapshot published by any worker is picked up by every worker's poller;
- an admin reload bumps a generation file that every worker's poller also watches.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import orjson

from src.api.observability import CT_REBUILD_SECONDS, CT_REBUILDS, FEED_CACHE, set_model_version
from src.artifacts import newest_version_name
from src.config import Settings
from src.ct import rebuild as continuous
from src.recommender.cf_snapshot import CFSnapshot
from src.serving.snapshots import cf_dir, load_snapshot
from src.store import Store, UserState

log = logging.getLogger(__name__)

RELOAD_FILE = ".reload_generation"


@dataclass(frozen=True, slots=True)
class Ranking:
    """The head of a runner's ranked feed for one CF version: (shoe_id, score, liked_by) best first,
    where liked_by counts the runner's n_neighbours most similar runners who liked the shoe (-1 = a
    popular backfill item). `depth` items were asked for; fewer means the ranking is complete. The
    engine's top-n is deterministic (ties by index), so a deeper ranking extends a shallower one and
    pages are stable for one CF version."""

    items: list[tuple[str, float, int]]
    n_neighbours: int
    cf_version: str | None
    last_event_id: int
    seen: frozenset[str]  # the shoes the runner has interacted with (never in `items`)
    depth: int
    pages: dict[tuple[int, int, str | None], bytes] = field(default_factory=dict)  # rendered, per page

    MAX_PAGES: ClassVar[int] = 8  # rendered pages kept per ranking (most runners read one or two)


@dataclass(frozen=True, slots=True)
class _Entry:
    expires_at: float
    last_event_id: int
    body: Ranking


class FeedCache:
    """Per-worker TTL cache of serialised feeds, bounded in size (oldest evicted first)."""

    def __init__(self, ttl_s: float, max_entries: int = 50_000) -> None:
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
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)


class FeedUnavailable(RuntimeError):
    """No collaborative snapshot is loaded yet."""


class FeedService:
    def __init__(self, settings: Settings, store: Store, snapshot: CFSnapshot | None) -> None:
        self.settings = settings
        self.store = store
        self._snapshot = snapshot
        self.cache = FeedCache(settings.feed_cache_ttl_s)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cf-rebuild")
        self._swap_lock = threading.Lock()
        self._pending_rebuild: Future[Any] | None = None
        self._catalog: dict[str, bytes] = {}
        self.reload_generation = read_reload_generation(settings)
        self.on_reload: list[Any] = []  # callbacks run (in a thread) when an admin reload is seen
        set_model_version("cf", snapshot.version if snapshot else None)

    # --- serving
    @property
    def snapshot(self) -> CFSnapshot | None:
        return self._snapshot

    def shoe_prefix(self, shoe_id: str) -> bytes:
        """`{"shoe_id":...,"name":...,"brand":...,` serialised once per shoe, reused by every feed."""
        prefix = self._catalog.get(shoe_id)
        if prefix is None:
            shoe = self.store.shoe(shoe_id) or {"name": None, "brand": None}
            prefix = (
                orjson.dumps({"shoe_id": shoe_id, "name": shoe["name"], "brand": shoe["brand"]})[:-1] + b","
            )
            self._catalog[shoe_id] = prefix
        return prefix

    @property
    def default_depth(self) -> int:
        return self.settings.feed_size + 1  # one more than the first page: enough to know has_more

    def rank(self, user_id: int, state: UserState, depth: int | None = None) -> Ranking:
        """The first `depth` items of the runner's ranking (None: the whole ranking) under the serving
        CF version. Ranking only as deep as a page needs keeps the write path as cheap as before."""
        snapshot = self._snapshot
        if snapshot is None:
            raise FeedUnavailable("the collaborative model is not loaded yet")
        n_shoes = len(snapshot.shoe_ids)
        n = n_shoes if depth is None else min(depth, n_shoes)
        items, n_neighbours = snapshot.recommend_with_evidence(user_id, state.scores, n)
        # asked for every shoe: complete whatever came back (depth past the catalog says so)
        depth_asked = n_shoes + 1 if n == n_shoes else n
        return Ranking(
            items, n_neighbours, snapshot.version, state.last_event_id, frozenset(state.scores), depth_asked
        )

    def ranking(self, user_id: int, depth: int | None = None) -> Ranking | None:
        """At least the first `depth` items (None: all) of the runner's ranking, cached while their
        newest event and the CF version are unchanged; None if they have no interactions."""
        entry = self.cache.get(user_id)
        snapshot = self._snapshot
        if (
            entry is not None
            and snapshot is not None
            and entry.body.cf_version == snapshot.version
            and (
                len(entry.body.items) < entry.body.depth or (depth is not None and entry.body.depth >= depth)
            )
            and self.store.user_last_event(user_id) == entry.last_event_id
        ):
            FEED_CACHE.labels("hit").inc()
            return entry.body
        FEED_CACHE.labels("miss").inc()
        state = self.store.user_state(user_id)
        if not state.rows:
            return None
        ranking = self.rank(user_id, state, max(depth, self.default_depth) if depth is not None else None)
        self.cache.put(user_id, state.last_event_id, ranking)
        return ranking

    def render(self, user_id: int, state: UserState) -> bytes:
        """The default first page (FEED_SIZE items) for a runner's rows."""
        from src.serving.feed_pages import FeedPage, render_ranking

        ranking = self.rank(user_id, state, self.default_depth)
        return render_ranking(ranking, FeedPage(self.settings.feed_size), self)

    def feed(self, user_id: int) -> bytes | None:
        """The runner's default first page, or None if they have no interactions."""
        from src.serving.feed_pages import FeedPage, render_ranking

        ranking = self.ranking(user_id, self.default_depth)
        return None if ranking is None else render_ranking(ranking, FeedPage(self.settings.feed_size), self)

    def after_write(self, user_id: int, state: UserState) -> bytes:
        """Feed straight from the rows the write transaction returned; refreshes this worker's cache."""
        from src.serving.feed_pages import FeedPage, render_ranking

        ranking = self.rank(user_id, state, self.default_depth)
        self.cache.put(user_id, state.last_event_id, ranking)
        return render_ranking(ranking, FeedPage(self.settings.feed_size), self)

    # --- continuous training
    def schedule_rebuild(self) -> Future[Any]:
        """Queue a rebuild unless one is already waiting to start. A rebuild reads every event
        up to the moment it starts, so one queued behind a running one covers any number of
        further claims: under a burst of writes the queue never grows past one."""
        with self._swap_lock:
            pending = self._pending_rebuild
            if pending is not None and not pending.running() and not pending.done():
                CT_REBUILDS.labels("any", "coalesced").inc()  # this claim rides on the queued run
                return pending
            future = self._executor.submit(self._run_rebuild)
            self._pending_rebuild = future
            return future

    def _run_rebuild(self) -> continuous.RebuildResult:
        result = continuous.rebuild(self.store, self.settings, self._snapshot)
        CT_REBUILDS.labels(result.mode, result.outcome).inc()
        CT_REBUILD_SECONDS.labels(result.mode).observe(result.duration_s)
        if result.snapshot is not None:
            self.swap(result.snapshot)
        return result

    def swap(self, snapshot: CFSnapshot) -> bool:
        """Serve `snapshot` from now on if it is newer than the current one. In-flight requests keep
        the reference they already read, so nothing waits."""
        with self._swap_lock:
            current = self._snapshot
            if (
                current is not None
                and current.version
                and snapshot.version
                and snapshot.version <= current.version
            ):
                return False
            self._snapshot = snapshot
            set_model_version("cf", snapshot.version, current.version if current else None)
            log.info("serving CF snapshot %s", snapshot.version)
            return True

    def refresh_from_disk(self) -> bool:
        """Load the newest published snapshot if it is not the one being served (poller, admin)."""
        newest = newest_version_name(cf_dir(self.settings))
        current = self._snapshot
        if newest is None or (current is not None and current.version == newest):
            return False
        snapshot = load_snapshot(self.settings)
        return snapshot is not None and self.swap(snapshot)

    async def poll_forever(self) -> None:
        """Every SNAPSHOT_POLL_S: pick up snapshots other workers published and admin reloads."""
        while True:
            await asyncio.sleep(self.settings.snapshot_poll_s)
            try:
                generation = read_reload_generation(self.settings)
                if generation != self.reload_generation:
                    self.reload_generation = generation
                    for callback in self.on_reload:
                        await asyncio.to_thread(callback)
                await asyncio.to_thread(self.refresh_from_disk)
            except Exception:  # the poller must outlive any one bad artifact
                log.exception("snapshot poll failed")

    def close(self) -> None:
        # An abandoned rebuild is safe: publishing is atomic and the claim only delays the update.
        self._executor.shutdown(wait=False, cancel_futures=True)


def _reload_path(settings: Settings) -> Path:
    return Path(settings.artifacts_dir) / RELOAD_FILE


def read_reload_generation(settings: Settings) -> int:
    try:
        return int(_reload_path(settings).read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def bump_reload_generation(settings: Settings) -> int:
    """Ask every worker to reload its models (each poller sees the new number)."""
    import fcntl
    import os

    path = _reload_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_suffix(".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        generation = read_reload_generation(settings) + 1
        tmp = path.with_name(f"{RELOAD_FILE}.{os.getpid()}")
        tmp.write_text(str(generation))
        os.replace(tmp, path)
    return generation
