"""The events job on the embedded SQLite file: replay as of a watermark in SQL."""

from __future__ import annotations

from collections.abc import Sequence

from src.store.backends.sqlite import SQLiteBackend
from src.store.events.sql import SQLEvents
from src.store.rows import InteractionRow


class SQLiteEvents(SQLEvents, SQLiteBackend):
    def interactions_as_of(
        self, watermark: int, user_ids: Sequence[int] | None = None
    ) -> list[InteractionRow]:
        # the newest event per (runner, shoe, like-or-rating) decides; a newest unlike/unrate means
        # the interaction is gone; a forget marker has no shoe
        newest = (
            "SELECT MAX(event_id) AS m FROM interaction_events WHERE event_id <= ?{scope}"
            " AND action_type <> 'forget' GROUP BY user_id, shoe_id, replace(action_type, 'un', '')"
        )
        sql = (
            "SELECT e.user_id, e.shoe_id, e.action_type, e.value FROM interaction_events e"
            " JOIN ({newest}) x ON e.event_id = x.m WHERE e.action_type IN ('like', 'rate')"
        )
        with self._tx() as tx:
            if user_ids is None:
                query = sql.format(newest=newest.format(scope=""))
                return [InteractionRow(*r) for r in tx.execute(query, (watermark,))]
            out: list[InteractionRow] = []
            ids = list(user_ids)
            for i in range(0, len(ids), 500):  # SQLite caps bound parameters per statement
                chunk = ids[i : i + 500]
                scope = f" AND user_id IN ({','.join('?' * len(chunk))})"
                query = sql.format(newest=newest.format(scope=scope))
                out.extend(InteractionRow(*r) for r in tx.execute(query, [watermark, *chunk]))
            return out
