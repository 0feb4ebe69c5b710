"""The collaborative feed in one worker: the serving snapshot, the per-user cache, and following
the versions the CT process publishes.

Correct under several workers and several replicas without shared memory or disk:
- the feed is always computed from the user's rows read from the store (whichever worker or
  replica recorded them), injected into the snapshot's engine;
- a cached feed remembers the user's newest event id and is served only while the store still
  says so (one indexed lookup per hit), so a like recorded anywhere invalidates it at once;
- API workers never rebuild: every SNAPSHOT_POLL_S the poller reads one row (`Store.ct_poll`) and
  brings the engine to the newest published version (`engine.versions.follow`);
- an admin reload bumps a generation in the store that every worker's poller also watches.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import orjson

from src.artifacts import ArtifactError
from src.config import Settings
from src.engine.arms import ArmAssigner, arm_entries, check_arms
from src.engine.cf_artifacts import served_arm_snapshot
from src.engine.versions import REFUSALS_COUNTED, consecutive_refusals, follow_served, holds, version_id_of
from src.metrics import FEED_CACHE, set_model_version
from src.recommender.cf_snapshot import CFSnapshot, EvidenceItem
from src.serving.ct_progress import CTProgress
from src.serving.impressions import ImpressionBuffer
from src.store import CFVersion, Store, StoreError, UserState

log = logging.getLogger(__name__)


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
    seen: frozenset[str]  # the shoes the runner has interacted with (never in `items`)
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


class FeedUnavailable(RuntimeError):
    """No collaborative snapshot is loaded yet."""


class FeedService:
    def __init__(self, settings: Settings, store: Store, snapshot: CFSnapshot | None) -> None:
        self.settings = settings
        self.store = store
        self._snapshot = snapshot
        self.cache = FeedCache(settings.feed_cache_ttl_s, settings.feed_cache_max_entries)
        self.progress = CTProgress(settings.health_cache_s)
        self._swap_lock = threading.Lock()
        self._catalog: dict[str, bytes] = {}
        self.reload_generation: int | None = None  # learnt on the first poll
        self.claims_handled: int | None = None
        self.last_rebuild: CFVersion | None = None  # the newest finished rebuild, for /health
        self.refusals = 0  # rebuilds refused by the gate in a row, for /health
        self.on_reload: list[Callable[[], None]] = []  # run (in a thread) when an admin reload is seen
        self._last_beat = 0.0
        self.host = socket.gethostname()
        set_model_version("cf", snapshot.version if snapshot else None)
        # A/B: the first arm is served by `_snapshot`; the others by their own engines, built by
        # the CT process with that version and mapped here (`sync_arms`). A runner whose arm is
        # not loaded at that version is served the first arm, and the impression says so.
        check_arms(settings)
        self.arms = ArmAssigner.from_settings(settings)
        self._arm_snapshots: dict[str, CFSnapshot] = {}
        self.impressions: ImpressionBuffer | None = (
            ImpressionBuffer(store, settings.impression_buffer_max, settings.impression_flush_s)
            if settings.impressions_enabled
            else None
        )

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

    def snapshot_for(self, user_id: int) -> tuple[str, CFSnapshot | None]:
        """(arm, snapshot) that serves this runner: their arm's engine at the served version, or
        the first arm's while theirs is not loaded at that version."""
        main = self._snapshot
        arm = self.arms.arm_of(user_id)
        if arm == self.arms.default_arm:
            return arm, main
        own = self._arm_snapshots.get(arm)
        if own is None or main is None or own.version != main.version:
            return self.arms.default_arm, main
        return arm, own

    def rank(self, user_id: int, state: UserState, depth: int | None = None) -> Ranking:
        """The first `depth` items of the runner's ranking (None: the whole ranking) under the serving
        CF version. Ranking only as deep as a page needs keeps the write path as cheap as before."""
        arm, snapshot = self.snapshot_for(user_id)
        if snapshot is None:
            raise FeedUnavailable(
                "the collaborative model is not loaded yet (no version published by the CT process)"
            )
        n_shoes = len(snapshot.shoe_ids)
        n = n_shoes if depth is None else min(depth, n_shoes)
        items, n_neighbours = snapshot.recommend_with_evidence(user_id, state.scores, n)
        # asked for every shoe: complete whatever came back (depth past the catalog says so)
        depth_asked = n_shoes + 1 if n == n_shoes else n
        return Ranking(
            items,
            n_neighbours,
            snapshot.version,
            state.last_event_id,
            frozenset(state.scores),
            depth_asked,
            arm=arm,
        )

    def ranking(self, user_id: int, depth: int | None = None) -> Ranking | None:
        """At least the first `depth` items (None: all) of the runner's ranking, cached while their
        newest event and the CF version are unchanged; None if they have no interactions."""
        entry = self.cache.get(user_id)
        arm, snapshot = self.snapshot_for(user_id) if entry is not None else ("", None)
        if (
            entry is not None
            and snapshot is not None
            and entry.body.cf_version == snapshot.version
            and entry.body.arm == arm
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

    def after_write(self, user_id: int, state: UserState) -> bytes:
        """Feed straight from the rows the write transaction returned; refreshes this worker's cache."""
        from src.serving.feed_pages import FeedPage, record_page, render_ranking

        ranking = self.rank(user_id, state, self.default_depth)
        self.cache.put(user_id, state.last_event_id, ranking)
        page = FeedPage(self.settings.feed_size)
        body = render_ranking(ranking, page, self)
        record_page(self, user_id, ranking, page)
        return body

    # --- following the published versions
    def swap(self, snapshot: CFSnapshot) -> bool:
        """Serve `snapshot` from now on unless it is the one being served. In-flight requests keep
        the reference they already read, so nothing waits."""
        with self._swap_lock:
            current = self._snapshot
            if current is snapshot:
                return False
            self._snapshot = snapshot
            set_model_version("cf", snapshot.version, current.version if current else None)
            log.info("serving CF version %s", snapshot.version)
            return True

    def sync(self, *, force_full: bool = False) -> bool:
        """One poll: follow the newest published version, note an admin reload. True if the
        served version changed."""
        poll = self.store.ct_poll()
        reload_seen = self.reload_generation is not None and poll.reload_generation != self.reload_generation
        self.reload_generation = poll.reload_generation
        if poll.claims_handled != self.claims_handled or self.last_rebuild is None:
            found = self.store.cf_versions(REFUSALS_COUNTED)
            self.last_rebuild = found[0] if found else None
            self.refusals = consecutive_refusals(found)
            self.claims_handled = poll.claims_handled
        if reload_seen:
            for callback in self.on_reload:
                callback()
        swapped = False
        if poll.version_id is not None and (
            force_full or not holds(self._snapshot, poll.version_id, poll.watermark)
        ):
            base = None if force_full else self._snapshot
            snapshot = follow_served(self.store, self.settings, base, poll.version_id)
            swapped = snapshot is not None and self.swap(snapshot)
        self.sync_arms()
        self.heartbeat(force=swapped or reload_seen)  # the dashboard counts the workers that reloaded
        return swapped

    def sync_arms(self) -> None:
        """Map every other arm's engine named by the served version's row (built and gated by the
        CT process; a worker never fits one). An arm the row does not name (an older CT, an engine
        without serving arrays) is served the first arm's engine, and its impressions say so."""
        main = self._snapshot
        if main is None or len(self.arms.arms) == 1:
            return
        entries = arm_entries(main.manifest)
        for arm in self.arms.arms[1:]:
            artifact = (entries.get(arm) or {}).get("artifact")
            current = self._arm_snapshots.get(arm)
            if not artifact:
                self._arm_snapshots.pop(arm, None)
                continue
            if current is not None and (current.manifest.get("artifact") or {}).get("id") == artifact["id"]:
                if current.version != main.version:  # the same engine, named by a newer row
                    self._arm_snapshots[arm] = dataclasses.replace(
                        current, version=main.version, last_event_id=main.last_event_id
                    )
                continue
            try:
                self._arm_snapshots[arm] = served_arm_snapshot(self.store, self.settings, main, artifact)
            except (ArtifactError, OSError, ValueError, KeyError) as exc:
                log.warning(
                    "arm %s: artifact %s unusable (%s); its runners see %s",
                    arm,
                    artifact["id"],
                    exc,
                    self.arms.default_arm,
                )
                continue
            log.info("arm %s serves CF version %s", arm, main.version)

    def heartbeat(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_beat < self.settings.heartbeat_s:
            return
        self._last_beat = now
        # the admin reload generation this worker has applied, for the dashboard's "reloaded in n/m"
        state = "serving" if self.reload_generation is None else f"serving, reload {self.reload_generation}"
        self.store.heartbeat(
            "api",
            version_id_of(self._snapshot),
            state,
            host=self.host,
            pid=os.getpid(),
            forget_after_s=max(60.0, 20 * self.settings.heartbeat_s),
        )

    async def poll_forever(self) -> None:
        """Every SNAPSHOT_POLL_S: follow published versions and admin reloads (store down: keep serving)."""
        while True:
            try:
                await asyncio.to_thread(self.sync)
            except StoreError as exc:
                log.warning("CF version poll failed: %s", exc)
            except Exception:  # the poller must outlive any one bad version
                log.exception("CF version poll failed")
            await asyncio.sleep(self.settings.snapshot_poll_s)

    def close(self) -> None:
        """Flush the impressions left (the worker holds no rebuild: the CT process does them)."""
        if self.impressions is not None:
            self.impressions.close()
