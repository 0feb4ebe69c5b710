"""The events job on the embedded SQLite file: replay as of a watermark in SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from src.store.backends.sqlite import SQLiteBackend
from src.store.events.sql import SQLEvents
from src.store.rows import InteractionRow

# the newest event per (runner, shoe, like-or-rating) decides; a newest unlike/unrate means the
# interaction is gone; a forget marker has no shoe
_NEWEST = (
    "SELECT MAX(event_id) AS m FROM interaction_events WHERE event_id <= ?{scope}"
    " AND action_type <> 'forget' GROUP BY user_id, shoe_id, replace(action_type, 'un', '')"
)
_REPLAY = (
    "SELECT e.user_id, e.shoe_id, e.action_type, e.value FROM interaction_events e"
    " JOIN (" + _NEWEST + ") x ON e.event_id = x.m WHERE e.action_type IN ('like', 'rate')"
)
# the user id REPLAY_CHUNK_EVENTS events into the index past the previous chunk: this chunk's end
_CHUNK_END = "SELECT user_id FROM interaction_events WHERE 1{after} ORDER BY user_id LIMIT 1 OFFSET ?"

# Events per read transaction of a whole replay (~20 ms each on a 600 k-event log). While a read
# transaction is open the WAL cannot restart: a replay read in one transaction (seconds, under
# load) let the workers' commits grow it by hundreds of MB, and the commit that then checkpointed
# it stalled an API worker. A runner's events are always read together, in one transaction.
REPLAY_CHUNK_EVENTS = 5_000
# SQLite caps bound parameters per statement
USERS_PER_STATEMENT = 500


class SQLiteEvents(SQLEvents, SQLiteBackend):
    def interactions_as_of(
        self, watermark: int, user_ids: Sequence[int] | None = None
    ) -> list[InteractionRow]:
        return [row for chunk in self.replay_chunks(watermark, user_ids) for row in chunk]

    def replay_chunks(
        self, watermark: int, user_ids: Sequence[int] | None = None
    ) -> Iterator[list[InteractionRow]]:
        """`interactions_as_of` in chunks of whole runners, each read in its own short transaction.
        Events at or below the watermark never change but by compaction (which keeps the replay's
        result) or a forget (which removes the runner at once, in one chunk), so the chunks add up
        to the replay as of the watermark."""
        if user_ids is not None:
            ids = list(user_ids)
            for i in range(0, len(ids), USERS_PER_STATEMENT):
                chunk = ids[i : i + USERS_PER_STATEMENT]
                yield self._replayed(f" AND user_id IN ({','.join('?' * len(chunk))})", [watermark, *chunk])
            return
        after: int | None = None  # runners in (after, end]; None: from the first
        while True:
            lower, bounds = ("", []) if after is None else (" AND user_id > ?", [after])
            with self._tx() as tx:  # one short read transaction per chunk, closed before it is yielded
                row = tx.execute(_CHUNK_END.format(after=lower), [*bounds, REPLAY_CHUNK_EVENTS]).fetchone()
                end = None if row is None else int(row[0])
                upper, last = ("", []) if end is None else (" AND user_id <= ?", [end])
                rows = self._rows(tx, lower + upper, [watermark, *bounds, *last])
            yield rows
            if end is None:
                return
            after = end

    def _replayed(self, scope: str, params: Sequence[Any]) -> list[InteractionRow]:
        with self._tx() as tx:
            return self._rows(tx, scope, params)

    @staticmethod
    def _rows(tx: sqlite3.Connection, scope: str, params: Sequence[Any]) -> list[InteractionRow]:
        return [InteractionRow(*r) for r in tx.execute(_REPLAY.format(scope=scope), params)]
