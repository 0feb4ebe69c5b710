"""The online job on SQLite and PostgreSQL: every statement is the same, so one module serves both."""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

import src.store.sql as sql
from src.recommender.online_metrics import Feedback, Impression
from src.store.backends.sql import SQLBackend
from src.store.rows import epoch_of, impression_params, impression_row
from src.store.sql import (
    EXPIRE_IMPRESSIONS_SQL,
    IMPRESSION_COLS,
    IMPRESSION_COMPACTION_LOCK_KEY,
    IMPRESSIONS_PER_TX,
    POSITIVE_EVENTS_WHERE,
    READ_BATCH,
    REPEATED_IMPRESSIONS_SQL,
)


class SQLOnline(SQLBackend):
    def record_impressions(self, rows: Sequence[Impression]) -> int:
        # Written from a background thread of a worker: every row's statement hands the GIL back and
        # forth with the event loop while the write lock is held, so the rows are prepared before it
        # and written a batch per transaction (one flush of 170 ms held every request's write).
        params = [impression_params(r) for r in rows]
        written = 0
        for start in range(0, len(params), IMPRESSIONS_PER_TX):
            with self._tx(write=True) as tx, closing(tx.cursor()) as cur:
                cur.executemany(self.dialect.insert_impression, params[start : start + IMPRESSIONS_PER_TX])
                written += int(cur.rowcount)
        return written

    def impressions_since(self, since: float) -> list[Impression]:
        m = self.dialect.mark
        rows = self._keyset(
            f"SELECT impression_id, {IMPRESSION_COLS} FROM impressions WHERE shown_at >= {m}"
            f" AND impression_id > {m} ORDER BY impression_id LIMIT {m}",
            since,
        )
        return [impression_row(r[1:]) for r in rows]

    def positive_feedback_since(self, since: float) -> list[Feedback]:
        m = self.dialect.mark
        rows = self._keyset(
            "SELECT event_id, user_id, shoe_id, created_at FROM interaction_events"
            f" WHERE created_at >= {m} AND event_id > {m} AND {POSITIVE_EVENTS_WHERE}"
            f" ORDER BY event_id LIMIT {m}",
            self.dialect.time(datetime.fromtimestamp(since, UTC)),
        )
        return [Feedback(int(u), str(s), epoch_of(t)) for _, u, s, t in rows]

    def _keyset(self, sql: str, since: Any) -> list[Any]:
        """Every row of `sql` (parameters: since, the last id read, a batch size; ordered by that id,
        the first column), a batch per read transaction: one long read would keep the embedded
        store's WAL from being checkpointed while every writer's commit tried."""
        out: list[Any] = []
        after = 0
        while True:
            with self._tx() as tx:
                rows = tx.execute(sql, (since, after, READ_BATCH)).fetchall()
            out.extend(rows)
            if len(rows) < READ_BATCH:
                return out
            after = int(rows[-1][0])

    def compact_impressions(self, older_than: float) -> int:
        m = self.dialect.mark
        removed = 0
        while True:  # past the retention, a batch per write transaction
            with self._tx(write=True) as tx:
                n = tx.execute(
                    EXPIRE_IMPRESSIONS_SQL.format(before=m, n=m), (older_than, sql.COMPACTION_BATCH)
                ).rowcount
            removed += n
            if n < sql.COMPACTION_BATCH:
                break
        # repeated pages, a batch of new ids per write transaction
        named = self.dialect.named
        return removed + self._compact_windows(
            "impressions_compacted_through",
            IMPRESSION_COMPACTION_LOCK_KEY,
            lambda tx: int(
                tx.execute("SELECT COALESCE(MAX(impression_id), 0) FROM impressions").fetchone()[0]
            ),
            REPEATED_IMPRESSIONS_SQL.format(prev=named("prev"), upto=named("upto")),
            "impressions",
            "impression_id",
        )

    def save_online_report(self, body: dict[str, Any], keep: int = 500) -> None:
        d = self.dialect
        with self._tx(write=True) as tx:
            tx.execute(
                f"INSERT INTO online_metric_reports (computed_at, body) VALUES ({d.mark}, {d.mark}{d.json})",
                (d.time(datetime.now(UTC)), json.dumps(body)),
            )
            tx.execute(
                "DELETE FROM online_metric_reports WHERE report_id <= "
                f"(SELECT MAX(report_id) FROM online_metric_reports) - {d.mark}",
                (keep,),
            )

    def online_reports(self, limit: int = 1) -> list[dict[str, Any]]:
        with self._tx() as tx:
            rows = tx.execute(
                "SELECT computed_at, body FROM online_metric_reports ORDER BY report_id DESC"
                f" LIMIT {self.dialect.mark}",
                (limit,),
            ).fetchall()
        return [
            {
                "computed_at": t if isinstance(t, str) else t.isoformat(),
                **(json.loads(b) if isinstance(b, str) else dict(b)),  # SQLite keeps JSON as text
            }
            for t, b in rows
        ]
