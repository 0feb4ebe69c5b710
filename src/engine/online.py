"""The online metrics job: read the window's impressions and positive feedback from the store,
compute the metrics per arm and per version (`recommender.online_metrics`, pure), store the report,
and compact the impression log. Run by the CT process every ONLINE_METRICS_EVERY_S, and by
`GET /v1/admin/online-metrics?fresh=true`."""

from __future__ import annotations

import logging
import time
from typing import Any

from src.config import Settings
from src.recommender.online_metrics import online_report
from src.store import Store

log = logging.getLogger(__name__)
DAY_S = 86_400.0


def compute_online_report(store: Store, settings: Settings, now: float | None = None) -> dict[str, Any]:
    """The metrics over the last ONLINE_METRICS_WINDOW_DAYS (impressions and feedback both in it)."""
    now = time.time() if now is None else now
    since = now - settings.online_metrics_window_days * DAY_S
    impressions = store.impressions_since(since)
    feedback = store.positive_feedback_since(since)
    report = online_report(
        impressions,
        feedback,
        catalog_size=len(store.all_shoes()),
        min_runners=settings.experiment_min_runners,
    )
    return {
        "experiment": {
            "name": settings.experiment_name,
            "arms": [{"arm": arm, "share": round(share, 6)} for arm, share in settings.arm_shares],
            "min_runners": settings.experiment_min_runners,
        },
        "window_days": settings.online_metrics_window_days,
        "window_start": since,
        "impressions": len(impressions),
        "positive_feedback_events": len(feedback),
        **report,
    }


def refresh_online_metrics(store: Store, settings: Settings, now: float | None = None) -> dict[str, Any]:
    """Compute and store a report, then compact the impression log (older than the retention)."""
    now = time.time() if now is None else now
    started = time.monotonic()
    report = compute_online_report(store, settings, now)
    store.save_online_report(report)
    computed = time.monotonic()
    removed = store.compact_impressions(now - settings.impression_retention_days * DAY_S)
    log.info(
        "online metrics: %d impressions, %d positive events, report in %.1f s; impression log"
        " compacted in %.1f s (%d rows removed)",
        report["impressions"],
        report["positive_feedback_events"],
        computed - started,
        time.monotonic() - computed,
        removed,
    )
    return report
