"""The events job: the interaction event log, the CT counter, replay, deltas and compaction."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

from src.recommender.scores import score_of
from src.store.core import StoreCore
from src.store.rows import CTState, InteractionRow, PairDelta, ScoreTriple


class EventsJob(StoreCore):
    """What continuous training reads: the event log as of a watermark, and what changed since."""

    @abstractmethod
    def ct_state(self) -> CTState: ...

    def compact_events(self, through_event_id: int) -> int:
        """Fold the event log: drop every event up to `through_event_id` (a published CF version's
        watermark) that a newer event of the same runner and shoe, also up to it, supersedes.
        The interactions themselves live in favorites/reviews; the log only has to tell which runners
        changed after a watermark and each runner's newest event, and both survive. Returns the
        number of events removed. Backends that cannot run it (the REST client) keep everything."""
        return 0

    # --- continuous training across processes and hosts
    @abstractmethod
    def interactions_as_of(
        self, watermark: int, user_ids: Sequence[int] | None = None
    ) -> list[InteractionRow]:
        """The interactions as they stood right after event `watermark`, replayed from the event log
        (a like once, the newest rating), for everyone or for the given users."""

    def scores_as_of(self, watermark: int, user_ids: Sequence[int] | None = None) -> list[ScoreTriple]:
        """(user_id, shoe_id, summed score) as of event `watermark`: the same on every replica."""
        totals: dict[tuple[int, str], float] = {}
        for user_id, shoe_id, action, value in self.interactions_as_of(watermark, user_ids):
            key = (user_id, shoe_id)
            totals[key] = totals.get(key, 0.0) + score_of(action, value)
        return [ScoreTriple(u, s, v) for (u, s), v in totals.items()]

    def newest_event_id(self) -> int:
        """The newest committed event id with no uncommitted one below it: a safe watermark with no
        settling delay. SQLite has one writer, so events commit in id order; PostgreSQL overrides
        this (its writers run side by side)."""
        return self.ct_state().max_event_id

    @abstractmethod
    def users_changed_between(self, after: int, upto: int) -> list[int]:
        """Users with an event id in (after, upto], ascending."""

    def pair_scores_changed_between(self, after: int, upto: int) -> PairDelta:
        """The (runner, shoe) pairs with an event in (after, upto], each scored as of `upto`: what a
        snapshot at `after` needs to reach `upto` (`cf_snapshot.with_changed_cells`).

        This default re-reads every changed runner's whole history (all of them reset); SQLite
        and PostgreSQL read only the window's pairs (`PAIR_SCORES_CHANGED_SQL`), so following a
        version costs the events since the last one, not the changed runners' histories."""
        users = self.users_changed_between(after, upto)
        return PairDelta(self.scores_as_of(upto, users) if users else [], users)
