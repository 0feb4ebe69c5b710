"""The data job: the catalog, runners' interactions, saved questionnaires and forgetting a runner."""

from __future__ import annotations

import asyncio
import logging
from abc import abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from src.config import ShoeType
from src.recommender.scores import score_of
from src.store.core import StoreCore
from src.store.errors import UnknownShoeError, WriteWouldWait
from src.store.rows import (
    ForgetOutcome,
    InteractionRow,
    Overview,
    RecordOutcome,
    SavedQuestionnaire,
    ScoreTriple,
    UserState,
    Write,
    rank_nearest,
)

log = logging.getLogger(__name__)


def _every_answered(outcomes: list[RecordOutcome | Exception | None]) -> list[RecordOutcome | Exception]:
    """The outcomes once every write has one (refused, recorded or failed)."""
    answered = [o for o in outcomes if o is not None]
    if len(answered) != len(outcomes):
        raise AssertionError("a write of the batch was left without an outcome")
    return answered


class DataJob(StoreCore):
    """Catalog and interactions: what the routes read and write."""

    # --- catalog
    _catalog: list[dict[str, Any]] | None = None
    _catalog_by_id: dict[str, dict[str, Any]] = {}  # noqa: RUF012 - replaced per instance

    @abstractmethod
    def _fetch_shoes(self) -> list[dict[str, Any]]:
        """Every shoe record from the store, road then trail, each in id order."""

    def all_shoes(self) -> list[dict[str, Any]]:
        """Every active shoe, road then trail: what is browsed, trained on and recommended. A retired
        shoe is only found by `shoe(id)`. The catalog only changes when the store is seeded, so it is
        read once per process (and again after `init`)."""
        if self._catalog is None:
            catalog = self._fetch_shoes()
            self._catalog_by_id = {s["shoe_id"]: s for s in catalog}
            self._catalog = [s for s in catalog if s["status"] == "active"]
        return self._catalog

    def shoes(self, shoe_type: ShoeType) -> list[dict[str, Any]]:
        return [s for s in self.all_shoes() if s["shoe_type"] == shoe_type]

    def shoe(self, shoe_id: str) -> dict[str, Any] | None:
        """Any shoe ever stored, retired ones included (a runner's history stays readable)."""
        self.all_shoes()
        return self._catalog_by_id.get(shoe_id)

    # --- interactions
    def record_like(self, user_id: int, shoe_id: str) -> RecordOutcome:
        return self._record(user_id, shoe_id, "like", None)

    def record_rating(self, user_id: int, shoe_id: str, rating: int) -> RecordOutcome:
        score_of("rate", rating)  # validates 1-5 before touching the store
        return self._record(user_id, shoe_id, "rate", rating)

    @abstractmethod
    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome: ...

    def record_many(self, writes: Sequence[Write]) -> list[RecordOutcome | Exception]:
        """Record several likes and ratings, each committed before this returns, in one transaction
        where the backend has one (group commit: the writer's turn, the commit and the round trip
        are paid once for all of them). The outcomes come in the writes' order; a write that cannot
        be recorded gets its own error in its place (an unknown shoe, stars outside 1-5, the store
        unavailable) and the others still commit. Writes of one runner apply in the order given.
        Raises only WriteWouldWait, before anything is written (inside
        `first_write_must_not_wait()`)."""
        outcomes, todo = self._refusals(writes)
        if len(todo) > 1:
            try:
                together = self._record_together([writes[i] for i in todo])
            except WriteWouldWait:
                raise
            except Exception:  # rolled back: each write is tried alone below
                log.warning("a write of a batch of %d failed it; recording them one at a time", len(todo))
                together = None
            if together is not None:
                for i, outcome in zip(todo, together, strict=True):
                    outcomes[i] = outcome
                return _every_answered(outcomes)
        for i in todo:
            w = writes[i]
            try:
                outcomes[i] = self._record(w.user_id, w.shoe_id, w.action, w.value)
            except WriteWouldWait:
                raise  # only the first write may refuse to wait, and nothing is written before it
            except Exception as exc:  # this write's own answer
                outcomes[i] = exc
        return _every_answered(outcomes)

    async def record_many_async(self, writes: Sequence[Write]) -> list[RecordOutcome | Exception]:
        """`record_many` for the event loop: awaited on it where the backend has an async driver
        (PostgreSQL), else run in a thread."""
        return await asyncio.to_thread(self.record_many, writes)

    def _refusals(self, writes: Sequence[Write]) -> tuple[list[RecordOutcome | Exception | None], list[int]]:
        """Each write's refusal or None, and the indices of the writes to record."""
        outcomes: list[RecordOutcome | Exception | None] = [self._refusal(w) for w in writes]
        return outcomes, [i for i, refused in enumerate(outcomes) if refused is None]

    def _refusal(self, write: Write) -> Exception | None:
        """Why `write` cannot be recorded, known before touching the store (the catalog is cached
        per process), or None."""
        if write.action not in ("like", "rate"):
            return ValueError(f"action: {write.action!r} is not one of like, rate")
        try:
            score_of(write.action, write.value)  # stars 1-5 for a rating
        except ValueError as exc:
            return exc
        if self.shoe(write.shoe_id) is None:
            return UnknownShoeError(write.shoe_id)
        return None

    # True where a batch goes to the store at once (`_record_together` in one transaction,
    # `users_states` in one statement); elsewhere a batch would only queue its calls one after
    # another, so the API sends them one at a time, side by side
    batches_at_once = False
    # True where the request path's batched calls (`record_many_async`, `users_states_async`) are
    # awaited on the event loop by an async driver instead of run in the thread pool
    awaits_natively = False

    def _record_together(self, writes: Sequence[Write]) -> list[RecordOutcome] | None:
        """The outcomes of `writes` (all valid) recorded in one transaction, or None where the
        backend has no multi-statement transaction (they are then recorded one at a time)."""
        return None

    def remove_like(self, user_id: int, shoe_id: str) -> RecordOutcome:
        """Take back a like (an `unlike` event, counted towards CT); changed=False if there was none."""
        return self._delete(user_id, shoe_id, "unlike")

    def remove_rating(self, user_id: int, shoe_id: str) -> RecordOutcome:
        """Take back a rating (an `unrate` event, counted towards CT); changed=False if there was none."""
        return self._delete(user_id, shoe_id, "unrate")

    @abstractmethod
    def _delete(self, user_id: int, shoe_id: str, action: str) -> RecordOutcome: ...

    @abstractmethod
    def forget_user(self, user_id: int) -> ForgetOutcome:
        """Erase a runner in one transaction: favorites, reviews, their event rows and the saved
        questionnaire. One `forget` event (user id and time, nothing else) is left so continuous
        training re-reads the runner and drops their row. Idempotent."""

    @abstractmethod
    def save_questionnaire(self, user_id: int, saved: SavedQuestionnaire) -> None:
        """Store (or replace) a runner's questionnaire."""

    @abstractmethod
    def load_questionnaire(self, user_id: int) -> SavedQuestionnaire | None: ...

    @abstractmethod
    def user_state(self, user_id: int) -> UserState: ...

    @abstractmethod
    def user_last_event(self, user_id: int) -> int: ...

    def users_last_events(self, user_ids: Sequence[int]) -> list[int]:
        """`user_last_event` of each runner, in order (0 for a runner with no events)."""
        return [self.user_last_event(u) for u in user_ids]

    def users_states(self, user_ids: Sequence[int]) -> list[UserState]:
        """`user_state` of each runner, in order. This default asks once per runner; PostgreSQL
        answers in one statement."""
        return [self.user_state(u) for u in user_ids]

    async def users_states_async(self, user_ids: Sequence[int]) -> list[UserState]:
        """`users_states` for the event loop (see `record_many_async`)."""
        return await asyncio.to_thread(self.users_states, user_ids)

    @abstractmethod
    def interaction_rows(self, user_ids: Sequence[int] | None = None) -> list[InteractionRow]:
        """Raw (user_id, shoe_id, action_type, value) rows, for everyone or for the given users."""

    def nearest_runners(self, user_id: int, limit: int = 10) -> list[tuple[int, float, int]]:
        """The runners whose liked shoes (a like or 4+ stars) overlap this runner's most, as (runner,
        cosine of the two sets of liked shoes, shoes in common), best first: what an operator looks up
        (the served engine weighs every runner by a power of this kind of similarity, but its API
        workers keep no runner rows). This default reads every row; the SQL backends answer in one
        statement."""
        liked: dict[int, set[str]] = {}
        for r in self.interaction_rows():
            if r.action == "like" or (r.value or 0) >= 4:
                liked.setdefault(r.user_id, set()).add(r.shoe_id)
        mine = liked.get(user_id, set())
        counts = [
            (other, len(shoes & mine), len(shoes), len(mine))
            for other, shoes in liked.items()
            if other != user_id and shoes & mine
        ]
        return rank_nearest(counts, limit)

    def overview(self, since: datetime) -> Overview:
        """Counters for the operator dashboard. This default reads every row and knows no times;
        the SQL backends answer in one statement."""
        rows = self.interaction_rows()
        likes = sum(1 for r in rows if r.action == "like")
        return Overview(
            len({r.user_id for r in rows}), len(self.all_shoes()), likes, len(rows) - likes, None, None
        )

    def interaction_scores(self, user_ids: Sequence[int] | None = None) -> list[ScoreTriple]:
        """(user_id, shoe_id, summed score) for every interacting pair (optionally some users only)."""
        totals: dict[tuple[int, str], float] = {}
        for user_id, shoe_id, action, value in self.interaction_rows(user_ids):
            key = (user_id, shoe_id)
            totals[key] = totals.get(key, 0.0) + score_of(action, value)
        return [ScoreTriple(u, s, v) for (u, s), v in totals.items()]
