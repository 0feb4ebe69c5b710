"""The events job on PostgreSQL: replay as of a watermark is the `interactions_as_of` SQL function."""

from __future__ import annotations

from collections.abc import Sequence

from src.store.backends.postgres import PostgresBackend
from src.store.events.sql import SQLEvents
from src.store.rows import InteractionRow


class PostgresEvents(SQLEvents, PostgresBackend):
    def newest_event_id(self) -> int:
        """Waits for the event writers in flight (migration 0012: they hold a shared lock that this
        takes exclusively for an instant), so no id below the one returned is still uncommitted."""
        return int(self._one("SELECT newest_settled_event_id()", ())[0])

    def interactions_as_of(
        self, watermark: int, user_ids: Sequence[int] | None = None
    ) -> list[InteractionRow]:
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT * FROM interactions_as_of(%s, %s)",
                (watermark, None if user_ids is None else list(user_ids)),
            ).fetchall()
        return [InteractionRow(int(u), s, a, v) for u, s, a, v in rows]
