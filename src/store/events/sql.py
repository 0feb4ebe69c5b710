"""The events job's statements that SQLite and PostgreSQL run alike."""

from __future__ import annotations

from src.store.backends.sql import SQLBackend
from src.store.rows import CTState, PairDelta, pair_delta_from_rows
from src.store.sql import (
    CT_STATE_SQL,
    EVENT_COMPACTION_LOCK_KEY,
    PAIR_SCORES_CHANGED_SQL,
    SUPERSEDED_EVENTS_SQL,
    USERS_CHANGED_SQL,
)


class SQLEvents(SQLBackend):
    def ct_state(self) -> CTState:
        pending, claimed, max_id = self._read_one(CT_STATE_SQL)  # one statement: /health reads it
        return CTState(int(pending), int(claimed), int(max_id))

    def users_changed_between(self, after: int, upto: int) -> list[int]:
        with self._tx() as tx:
            rows = tx.execute(USERS_CHANGED_SQL.format(p=self.dialect.mark), (after, upto)).fetchall()
        return [int(r[0]) for r in rows]

    def pair_scores_changed_between(self, after: int, upto: int) -> PairDelta:
        named = self.dialect.named
        query = PAIR_SCORES_CHANGED_SQL.format(after=named("after"), upto=named("upto"))
        with self._tx() as tx:
            rows = tx.execute(query, {"after": after, "upto": upto}).fetchall()
        return pair_delta_from_rows(rows)

    def compact_events(self, through_event_id: int) -> int:
        named = self.dialect.named
        return self._compact_windows(
            "events_compacted_through",
            EVENT_COMPACTION_LOCK_KEY,
            lambda tx: through_event_id,
            SUPERSEDED_EVENTS_SQL.format(prev=named("prev"), w=named("upto")),
            "interaction_events",
            "event_id",
        )
