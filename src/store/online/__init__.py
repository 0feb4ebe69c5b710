"""The online job: served pages (impressions) and the online-metrics reports computed from them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from src.recommender.online_metrics import Feedback, Impression
from src.store.core import StoreCore


class OnlineJob(StoreCore):
    """Impressions and reports: optional (a backend without them records and reports nothing)."""

    # --- online evaluation: impressions and the metrics computed from them
    def record_impressions(self, rows: Sequence[Impression]) -> int:
        """Append served pages (one batch, one transaction); returns how many were written: a page
        shown before its runner was forgotten (it waited in a worker's buffer) is not."""
        raise NotImplementedError(f"the {self.backend} store does not record impressions")

    def impressions_since(self, since: float) -> list[Impression]:
        """Every impression shown at or after `since` (unix seconds), oldest first."""
        return []

    def positive_feedback_since(self, since: float) -> list[Feedback]:
        """Likes and ratings of 4 stars or more recorded at or after `since`, from the event log."""
        return []

    def compact_impressions(self, older_than: float) -> int:
        """Drop impressions shown before `older_than`, and pages repeated verbatim (same runner,
        shoes, positions, source, version and arm) after their first showing: the metrics read
        only the first showing of each pair. Returns the rows removed."""
        return 0

    def save_online_report(self, body: dict[str, Any], keep: int = 500) -> None:
        """Store a computed metrics report (the newest `keep` are kept)."""

    def online_reports(self, limit: int = 1) -> list[dict[str, Any]]:
        """The newest stored reports, newest first, each with its `computed_at`."""
        return []
