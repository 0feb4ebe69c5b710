"""The online job on Supabase (compaction needs SQL: the REST client keeps every impression)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from src.recommender.online_metrics import Feedback, Impression
from src.store.backends.supabase import SupabaseBackend
from src.store.rows import epoch_of, impression_row, page_key
from src.store.sql import IMPRESSION_COLS


class SupabaseOnline(SupabaseBackend):
    def record_impressions(self, rows: Sequence[Impression]) -> int:
        if rows:
            payload = [
                {
                    "user_id": r.user_id,
                    "shown_at": r.shown_at,
                    "source": r.source,
                    "model_version": r.model_version,
                    "arm": r.arm,
                    "first_position": r.first_position,
                    "shoe_ids": ",".join(r.shoe_ids),
                    "page_key": page_key(r),
                }
                for r in rows
            ]
            self._run(self.client.table("impressions").insert(payload))
        return len(rows)

    def impressions_since(self, since: float) -> list[Impression]:
        cols = IMPRESSION_COLS.replace(" ", "")
        found = self._all(
            "impressions", f"impression_id,{cols}", lambda q: q.gte("shown_at", since).order("impression_id")
        )
        return [impression_row([r[c] for c in cols.split(",")]) for r in found]

    def positive_feedback_since(self, since: float) -> list[Feedback]:
        cutoff = datetime.fromtimestamp(since, UTC).isoformat()
        cols = "event_id,user_id,shoe_id,created_at"
        likes = self._all(
            "interaction_events",
            cols,
            lambda q: q.gte("created_at", cutoff).eq("action_type", "like").order("event_id"),
        )
        good = self._all(
            "interaction_events",
            cols,
            lambda q: q.gte("created_at", cutoff).eq("action_type", "rate").gte("value", 4).order("event_id"),
        )
        return [
            Feedback(int(r["user_id"]), str(r["shoe_id"]), epoch_of(r["created_at"])) for r in likes + good
        ]

    def save_online_report(self, body: dict[str, Any], keep: int = 500) -> None:
        self._run(self.client.table("online_metric_reports").insert({"body": body}))

    def online_reports(self, limit: int = 1) -> list[dict[str, Any]]:
        data = self._run(
            self.client.table("online_metric_reports")
            .select("computed_at,body")
            .order("report_id", desc=True)
            .limit(limit)
        ).data
        return [{"computed_at": str(r["computed_at"]), **dict(r["body"])} for r in data]
