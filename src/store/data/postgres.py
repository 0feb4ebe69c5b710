"""The data job on PostgreSQL: writes are the SQL functions of the migrations, one round trip each."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from src.store.backends.postgres import PostgresBackend
from src.store.data import _every_answered
from src.store.data.sql import SQLData
from src.store.errors import StoreUnavailable
from src.store.rows import (
    ForgetOutcome,
    InteractionRow,
    RecordOutcome,
    SavedQuestionnaire,
    UserState,
    Write,
    user_state_of,
)
from src.store.sql import ALL_ROWS_SQL

log = logging.getLogger("src.store.data")

_RECORD = "SELECT * FROM record_interaction_unless(%s, %s, %s, %s, %s, %s)"
_RECORD_MANY = "SELECT * FROM record_interactions_unless(%s::bigint[], %s::text[], %s::text[], %s::int[], %s, %s::bigint[])"
# each runner's state unless their newest event id is the one given (user_interactions_unless, per
# row), in the order asked: one statement for a turn's feed reads
_USERS_STATES = (
    "SELECT s.* FROM unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY AS q (user_id, known, n)"
    " CROSS JOIN LATERAL user_interactions_unless(q.user_id, q.known) AS s ORDER BY q.n"
)


def _user_state(last_event_id: int, liked: list[str], rated: list[str], ratings: list[int]) -> UserState:
    """A row of user_interactions() as a UserState."""
    likes = [(shoe_id, "like", None) for shoe_id in liked]
    return user_state_of(likes + [(s, "rate", v) for s, v in zip(rated, ratings, strict=True)], last_event_id)


def _known(state: UserState | None) -> int:
    """The newest event id a kept state is as of (-1 without one: no runner's newest id is -1)."""
    return -1 if state is None else state.last_event_id


def _states_params(user_ids: Sequence[int], kept: list[UserState | None]) -> tuple[list[int], list[int]]:
    return list(user_ids), [_known(k) for k in kept]


class PostgresData(SQLData, PostgresBackend):
    batches_at_once = True
    awaits_natively = True

    def _record(self, user_id: int, shoe_id: str, action: str, value: int | None) -> RecordOutcome:
        # One statement (migration 0013), committed before this returns: the write transaction of
        # record_interaction() and the runner's newest event id before it; their rows only if the
        # state this worker keeps is not as of that id, else the write applies itself to that state.
        write = Write(user_id, shoe_id, action, value)
        return self._outcome(write, self._one(_RECORD, self._record_params(write)))

    def _record_together(self, writes: Sequence[Write]) -> list[RecordOutcome]:
        # One statement (migration 0014), so one round trip and one transaction. Each write holds its
        # runner's advisory lock until the commit, so every batch takes them in runner order: two
        # batches never wait for each other in a cycle. One runner's writes keep their given order.
        order, params = self._record_many_params(writes)
        return self._outcomes_in_order(writes, order, self._all(_RECORD_MANY, params))

    async def _record_together_async(self, writes: Sequence[Write]) -> list[RecordOutcome]:
        order, params = self._record_many_params(writes)
        return self._outcomes_in_order(writes, order, await self._async_writes.rows(_RECORD_MANY, params))

    def _record_many_params(self, writes: Sequence[Write]) -> tuple[list[int], tuple[Any, ...]]:
        order = sorted(range(len(writes)), key=lambda i: writes[i].user_id)
        batch = [writes[i] for i in order]
        return order, (
            [w.user_id for w in batch],
            [w.shoe_id for w in batch],
            [w.action for w in batch],
            [w.value for w in batch],
            self.threshold,
            [_known(self.runner_states.newest(w.user_id)) for w in batch],
        )

    def _outcomes_in_order(
        self, writes: Sequence[Write], order: list[int], rows: list[Any]
    ) -> list[RecordOutcome]:
        if len(rows) != len(order):
            raise RuntimeError(
                f"record_interactions_unless returned {len(rows)} rows for {len(order)} writes"
            )
        outcomes: dict[int, RecordOutcome] = {}
        for i, row in zip(order, rows, strict=True):  # in commit order: each runner's states chain
            outcomes[i] = self._outcome(writes[i], row)
        return [outcomes[i] for i in range(len(writes))]

    async def record_many_async(self, writes: Sequence[Write]) -> list[RecordOutcome | Exception]:
        """`record_many` awaited on the event loop (`backends/pg_async.py`): the batch in one
        statement; if the store rejects one of its writes, each is recorded on its own."""
        outcomes, todo = self._refusals(writes)
        if todo:
            together: Sequence[RecordOutcome | Exception]
            try:
                together = await self._record_together_async([writes[i] for i in todo])
            except StoreUnavailable as exc:  # the store is gone: no write of the batch can go
                together = [exc] * len(todo)
            except Exception as exc:  # rolled back as a whole
                if len(todo) == 1:
                    together = [exc]
                else:
                    log.warning("a write of a batch of %d failed it; recording them one at a time", len(todo))
                    together = [await self._record_alone_async(writes[i]) for i in todo]
            for i, outcome in zip(todo, together, strict=True):
                outcomes[i] = outcome
        return _every_answered(outcomes)

    async def _record_alone_async(self, write: Write) -> RecordOutcome | Exception:
        try:
            return (await self._record_together_async([write]))[0]
        except Exception as exc:  # this write's own answer
            return exc

    def _record_params(self, w: Write) -> tuple[Any, ...]:
        known = _known(self.runner_states.newest(w.user_id))
        return (w.user_id, w.shoe_id, w.action, w.value, self.threshold, known)

    def _outcome(self, w: Write, row: Sequence[Any]) -> RecordOutcome:
        event_id, changed, pending, claimed, previous, *rows = row
        written = (int(event_id), bool(changed), int(pending), bool(claimed))
        if rows[0] is not None:
            return RecordOutcome(*written, self.runner_states.put(w.user_id, _user_state(*rows)))
        state = self.runner_states.after_write(
            w.user_id, int(previous), written[0], (w.shoe_id, w.action, w.value)
        )
        # None: another thread of this worker replaced the kept state meanwhile
        return RecordOutcome(*written, state if state is not None else self.user_state(w.user_id))

    def _delete(self, user_id: int, shoe_id: str, action: str) -> RecordOutcome:
        with self._tx() as conn:
            event_id, changed, pending, claimed = conn.execute(
                "SELECT * FROM delete_interaction(%s, %s, %s, %s)", (user_id, shoe_id, action, self.threshold)
            ).fetchone()
        return RecordOutcome(
            int(event_id), bool(changed), int(pending), bool(claimed), self.user_state(user_id)
        )

    def forget_user(self, user_id: int) -> ForgetOutcome:
        with self._tx() as conn:
            fav, rev, evt, q, _, _, claimed = conn.execute(
                "SELECT * FROM forget_user(%s, %s)", (user_id, self.threshold)
            ).fetchone()
        self.runner_states.drop(user_id)
        return ForgetOutcome(int(fav), int(rev), int(evt), int(q), bool(claimed))

    def save_questionnaire(self, user_id: int, saved: SavedQuestionnaire) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO saved_questionnaires (user_id, shoe_type, answers) VALUES (%s, %s, %s::jsonb)"
                " ON CONFLICT (user_id) DO UPDATE SET shoe_type = EXCLUDED.shoe_type,"
                " answers = EXCLUDED.answers, saved_at = now()",
                (user_id, saved.shoe_type, json.dumps(saved.answers, sort_keys=True)),
            )

    def user_state(self, user_id: int) -> UserState:
        kept = self.runner_states.newest(user_id)
        row = self._one("SELECT * FROM user_interactions_unless(%s, %s)", (user_id, _known(kept)))
        return self._state_of(user_id, kept, row)

    def users_states(self, user_ids: Sequence[int]) -> list[UserState]:
        """Each runner's state in one statement: a runner whose state this worker keeps as of their
        newest event costs an indexed lookup and no rows."""
        kept = [self.runner_states.newest(u) for u in user_ids]
        return self._states_of(user_ids, kept, self._all(_USERS_STATES, _states_params(user_ids, kept)))

    async def users_states_async(self, user_ids: Sequence[int]) -> list[UserState]:
        """`users_states` awaited on the event loop (`backends/pg_async.py`)."""
        kept = [self.runner_states.newest(u) for u in user_ids]
        rows = await self._async_reads.rows(_USERS_STATES, _states_params(user_ids, kept))
        return self._states_of(user_ids, kept, rows)

    def _states_of(
        self, user_ids: Sequence[int], kept: list[UserState | None], rows: list[Any]
    ) -> list[UserState]:
        if len(rows) != len(kept):
            raise RuntimeError(f"user_interactions_unless returned {len(rows)} rows for {len(kept)} runners")
        return [self._state_of(u, k, row) for u, k, row in zip(user_ids, kept, rows, strict=True)]

    def _state_of(self, user_id: int, kept: UserState | None, row: Sequence[Any]) -> UserState:
        """A row of user_interactions_unless() as the runner's state, kept for the next call."""
        last, *rows = row
        if rows[0] is None and kept is not None:  # the store's newest event is the kept state's
            return self.runner_states.get(user_id, last) or kept
        return self.runner_states.put(user_id, _user_state(last, *rows))

    def interaction_rows(self, user_ids: Sequence[int] | None = None) -> list[InteractionRow]:
        with self._tx() as conn:
            if user_ids is None:
                return [InteractionRow(*r) for r in conn.execute(ALL_ROWS_SQL).fetchall()]
            ids = list(user_ids)
            return [
                InteractionRow(*r)
                for r in conn.execute(
                    "SELECT user_id, shoe_id, 'like', NULL::smallint FROM favorites WHERE user_id = ANY(%(u)s)"
                    " UNION ALL SELECT user_id, shoe_id, 'rate', rating FROM reviews WHERE user_id = ANY(%(u)s)",
                    {"u": ids},
                ).fetchall()
            ]
