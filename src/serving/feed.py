"""The collaborative feed in one worker: rankings from the served snapshot, the per-user cache,
and the write path (`writes`, whose calls of one event-loop turn share a transaction, then
`answer`); following the published versions is `serving.follower`'s.

Correct under several workers and several replicas without shared memory or disk:
- the feed is always computed from the user's rows read from the store (whichever worker or
  replica recorded them), injected into the snapshot's engine;
- a cached feed remembers the user's newest event id and is served only while the store still
  says so (one indexed lookup per hit; on a network store one statement for a turn's hits), so a
  like recorded anywhere invalidates it at once;
- API workers never rebuild: they map the versions the CT process publishes (`VersionFollower`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from fastapi.concurrency import run_in_threadpool

from src.config import Settings
from src.metrics import FEED_CACHE, INTERACTIONS
from src.recommender.cf_snapshot import CFSnapshot, packed_row_arrays
from src.serving.ct_progress import CTProgress
from src.serving.feed_pages import (
    NOTICE_NO_VERSION_YET,
    FeedPage,
    cold_start_body,
    feed_body,
    name_of,
    page_depth,
    page_envelope,
    ranking_body,
)
from src.serving.follower import VersionFollower
from src.serving.impressions import ImpressionBuffer
from src.serving.ranking import FeedCache, Ranking
from src.serving.turn_batch import MAX_BATCH, TurnBatch
from src.store import RecordOutcome, Store, StoreUnavailable, UserState, Write

log = logging.getLogger(__name__)


class FeedUnavailable(RuntimeError):
    """No collaborative snapshot is loaded yet."""


class FeedService:
    def __init__(self, settings: Settings, store: Store, snapshot: CFSnapshot | None) -> None:
        self.settings = settings
        self.store = store
        self.versions = VersionFollower(settings, store, snapshot)
        self.cache = FeedCache(settings.feed_cache_ttl_s, settings.feed_cache_max_entries)
        self.progress = CTProgress(settings.health_cache_s)
        # the calls of one event-loop turn share one store call (serving.turn_batch): the writes one
        # transaction; on a network store, the freshness checks of cached feeds one round trip
        batch = MAX_BATCH if store.batches_at_once else 1
        native = store.awaits_natively  # PostgreSQL: awaited on the event loop, no thread
        self.writes: TurnBatch[Write, RecordOutcome] = TurnBatch(
            self.record_many, store.in_process, batch, run_async=self.record_many_async if native else None
        )
        self.states: TurnBatch[int, UserState] = TurnBatch(
            store.users_states,
            inline=False,
            max_batch=batch,
            run_async=store.users_states_async if native else None,
        )
        self.newest_events: TurnBatch[int, int] = TurnBatch(
            store.users_last_events, inline=False, max_batch=batch
        )
        self._catalog: dict[str, bytes] = {}
        self._names: dict[str, bytes] = {}
        self.impressions: ImpressionBuffer | None = (
            ImpressionBuffer(store, settings.impression_buffer_max, settings.impression_flush_s)
            if settings.impressions_enabled
            else None
        )

    # --- serving
    @property
    def snapshot(self) -> CFSnapshot | None:
        return self.versions.snapshot

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

    def name_json(self, shoe_id: str) -> bytes:
        """The shoe's name as the evidence names it, JSON-escaped without the quotes, once per shoe."""
        name = self._names.get(shoe_id)
        if name is None:
            name = self._names[shoe_id] = orjson.dumps(name_of(shoe_id, self))[1:-1]
        return name

    @property
    def default_depth(self) -> int:
        return self.settings.feed_size + 1  # one more than the first page: enough to know has_more

    def snapshot_for(self, user_id: int) -> tuple[str, CFSnapshot | None]:
        return self.versions.snapshot_for(user_id)

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
        cols, scored = packed_row_arrays(state.shoes, state.codes, snapshot.shoe_index)
        items, n_neighbours = snapshot.recommend_row(user_id, cols, scored, n)
        # asked for every shoe: complete whatever came back (depth past the catalog says so)
        depth_asked = n_shoes + 1 if n == n_shoes else n
        return Ranking(
            items,
            n_neighbours,
            snapshot.version,
            state.last_event_id,
            state.shoes,
            depth_asked,
            arm=arm,
        )

    def cached(self, user_id: int, depth: int | None) -> Ranking | None:
        """The runner's cached ranking if it reaches `depth` (None: the whole ranking) under the
        serving version and their arm; it still has to be checked against their newest event id."""
        entry = self.cache.get(user_id)
        if entry is None:
            return None
        arm, snapshot = self.snapshot_for(user_id)
        body = entry.body
        if (
            snapshot is not None
            and body.cf_version == snapshot.version
            and body.arm == arm
            and (len(body.items) < body.depth or (depth is not None and body.depth >= depth))
        ):
            return body
        return None

    def ranking(
        self, user_id: int, depth: int | None = None, newest_event: int | None = None
    ) -> Ranking | None:
        """At least the first `depth` items (None: all) of the runner's ranking, cached while their
        newest event and the CF version are unchanged; None if they have no interactions.
        `newest_event`: their newest event id if already read (else it is read here)."""
        cached = self.cached(user_id, depth)
        if cached is not None and cached.last_event_id == (
            self.store.user_last_event(user_id) if newest_event is None else newest_event
        ):
            FEED_CACHE.labels("hit").inc()
            return cached
        return self._ranked(user_id, depth, self.store.user_state(user_id))

    def fresh_cached(self, user_id: int, depth: int | None, newest_event: int) -> Ranking | None:
        """The cached ranking if it is still the runner's as of `newest_event` (no store call)."""
        cached = self.cached(user_id, depth)
        if cached is None or cached.last_event_id != newest_event:
            return None
        FEED_CACHE.labels("hit").inc()
        return cached

    def ranking_of_state(self, user_id: int, depth: int | None, state: UserState) -> Ranking | None:
        """`ranking` from the runner's state already read (their cached ranking while it is as of
        the state's newest event); None if they have no interactions."""
        return self.fresh_cached(user_id, depth, state.last_event_id) or self._ranked(user_id, depth, state)

    def _ranked(self, user_id: int, depth: int | None, state: UserState) -> Ranking | None:
        """A cache miss: the ranking ranked from `state` and kept; None without interactions."""
        FEED_CACHE.labels("miss").inc()
        if not state.shoes:
            return None
        ranking = self.rank(user_id, state, max(depth, self.default_depth) if depth is not None else None)
        self.cache.put(user_id, state.last_event_id, ranking)
        return ranking

    async def page(self, content: Mapping[str, Any], user_id: int, page: FeedPage) -> bytes | None:
        """The body of a feed page (`feed_pages.feed_body`), read the cheapest way the store allows."""
        if self.store.in_process:  # embedded: its statements are local calls, made on the event loop
            return feed_body(self, content, user_id, page)
        depth = page_depth(page)
        if self.store.awaits_natively:  # the runner's state: one statement for the reads of a turn
            ranking = self.ranking_of_state(user_id, depth, await self.states.submit(user_id))
            if ranking is not None:
                return ranking_body(self, user_id, ranking, page)
            return await run_in_threadpool(cold_start_body, self, content, user_id, page)
        # one call at a time (Supabase): a page cached here costs one, the runner's newest event id
        newest = await self.newest_events.submit(user_id) if self.cached(user_id, depth) is not None else None
        cached = self.fresh_cached(user_id, depth, newest) if newest is not None else None
        if cached is not None:
            return ranking_body(self, user_id, cached, page)
        return await run_in_threadpool(feed_body, self, content, user_id, page, newest)

    def record_many(self, writes: Sequence[Write]) -> list[RecordOutcome | Exception]:
        """`Store.record_many`, counted: a write the store could not take tells /health it is
        degraded (without asking the store again)."""
        return self._counted(writes, self.store.record_many(writes))

    async def record_many_async(self, writes: Sequence[Write]) -> list[RecordOutcome | Exception]:
        return self._counted(writes, await self.store.record_many_async(writes))

    def _counted(
        self, writes: Sequence[Write], outcomes: list[RecordOutcome | Exception]
    ) -> list[RecordOutcome | Exception]:
        for write, outcome in zip(writes, outcomes, strict=True):
            if isinstance(outcome, RecordOutcome):
                self.progress.observe_write(outcome)
                INTERACTIONS.labels(write.action, "true" if outcome.changed else "false").inc()
            elif isinstance(outcome, StoreUnavailable):
                self.progress.observe_failure(outcome)
        return outcomes

    def answer(self, write: Write, outcome: RecordOutcome) -> bytes:
        """The answer to a committed write: the runner's refreshed first page, from the rows the
        write returned (or, before the first CF version, the acknowledgement and why no feed)."""
        try:
            return self.after_write(write.user_id, outcome.user)
        except FeedUnavailable:
            page = FeedPage(self.settings.feed_size)
            return page_envelope([], page, 0, False, NOTICE_NO_VERSION_YET, "collaborative", None)

    def after_write(self, user_id: int, state: UserState) -> bytes:
        """Feed straight from the rows the write transaction returned; refreshes this worker's cache."""
        ranking = self.rank(user_id, state, self.default_depth)
        self.cache.put(user_id, state.last_event_id, ranking)
        return ranking_body(self, user_id, ranking, FeedPage(self.settings.feed_size))

    def close(self) -> None:
        """Flush the impressions left (the worker holds no rebuild: the CT process does them)."""
        if self.impressions is not None:
            self.impressions.close()
