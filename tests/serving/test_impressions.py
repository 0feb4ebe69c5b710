"""Impressions in the store (SQLite and the real PostgreSQL) and the bounded buffer that writes them."""

from __future__ import annotations

import time
from typing import cast

import pytest

from src.recommender.online_metrics import Impression
from src.serving.impressions import ImpressionBuffer
from src.store import Store
from src.store.sql import IMPRESSIONS_PER_TX
from tests.plugins.waiting import wait_until


def imp(user: int, at: float, shoes: tuple[str, ...], **kw: object) -> Impression:
    fields: dict[str, object] = {"source": "collaborative", "model_version": "v000001", "arm": "served"}
    fields.update(kw)
    return Impression(user, at, shoe_ids=shoes, **fields)  # type: ignore[arg-type]


def test_impressions_are_recorded_and_read_back_in_order(store: Store) -> None:
    rows = [
        imp(1, 100.0, ("R001", "R002")),
        imp(1, 200.0, ("R003",), first_position=21, source="popular"),
        imp(2, 300.0, ("T001",), source="questionnaire", model_version=None, arm="user_knn"),
    ]
    assert store.record_impressions(rows) == 3
    assert store.impressions_since(0.0) == rows
    assert store.impressions_since(150.0) == rows[1:]  # by time shown
    assert store.record_impressions([]) == 0


def test_a_large_flush_is_written_whole_over_several_transactions(store: Store) -> None:
    rows = [imp(1 + i % 7, 1000.0 + i, (f"R{1 + i % 12:03d}",)) for i in range(3 * IMPRESSIONS_PER_TX + 5)]
    assert store.record_impressions(rows) == len(rows)
    assert store.impressions_since(0.0) == rows


def test_a_window_is_read_whole_a_batch_per_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import src.store.online.sql as online_sql

    rows = [imp(1 + i % 5, 1000.0 + i, (f"R{1 + i % 9:03d}",)) for i in range(11)]
    store.record_impressions(rows)
    for i in range(1, 8):
        store.record_like(i, f"R{i:03d}")
    store.record_rating(8, "R001", 5)
    store.record_rating(9, "R001", 3)  # not positive
    whole = store.positive_feedback_since(0.0)
    monkeypatch.setattr(online_sql, "READ_BATCH", 3)  # 11 rows: 4 batches, the last one short
    assert store.impressions_since(0.0) == rows
    assert store.impressions_since(1004.0) == rows[4:]
    assert store.positive_feedback_since(0.0) == whole
    assert sorted(fb.user_id for fb in whole) == [1, 2, 3, 4, 5, 6, 7, 8]
    monkeypatch.setattr(online_sql, "READ_BATCH", 4)  # 8 events: two full batches, then an empty one
    assert store.positive_feedback_since(0.0) == whole


def test_forgetting_a_runner_erases_their_impressions(store: Store) -> None:
    store.record_like(5, "R001")
    store.record_impressions([imp(5, 1.0, ("R002",)), imp(6, 1.0, ("R002",))])
    store.forget_user(5)
    assert [i.user_id for i in store.impressions_since(0.0)] == [6]
    # a runner with impressions only (no likes) is forgotten too
    store.forget_user(6)
    assert store.impressions_since(0.0) == []


def test_a_page_buffered_before_its_runner_was_forgotten_is_never_written(store: Store) -> None:
    shown = time.time()
    store.forget_user(7)  # no likes or ratings: forgotten all the same (a questionnaire answer)
    after = time.time() + 1
    written = store.record_impressions(
        [imp(7, shown, ("R001",)), imp(7, after, ("R002",)), imp(8, shown, ("R003",))]
    )
    assert written == 2  # the page shown before the forget is dropped; a later one is the runner back
    assert [(i.user_id, i.shoe_ids) for i in store.impressions_since(0.0)] == [(7, ("R002",)), (8, ("R003",))]


def test_compaction_drops_old_impressions_and_verbatim_repeats_only(store: Store) -> None:
    old = imp(1, 10.0, ("R001",))
    first = imp(1, 100.0, ("R002", "R003"))
    repeat = imp(1, 110.0, ("R002", "R003"))  # the same page again: carries nothing new
    moved = imp(1, 120.0, ("R002", "R003"), first_position=2)  # other positions: kept
    other_version = imp(1, 130.0, ("R002", "R003"), model_version="v000002")  # kept
    other_runner = imp(2, 140.0, ("R002", "R003"))  # kept
    store.record_impressions([old, first, repeat, moved, other_version, other_runner])
    assert store.compact_impressions(older_than=50.0) == 2
    assert store.impressions_since(0.0) == [first, moved, other_version, other_runner]
    assert store.compact_impressions(older_than=50.0) == 0  # nothing left to fold
    later = imp(1, 150.0, ("R002", "R003"))  # a repeat of a page compacted earlier still folds
    store.record_impressions([later])
    assert store.compact_impressions(older_than=50.0) == 1
    assert len(store.impressions_since(0.0)) == 4


def test_positive_feedback_is_likes_and_four_stars_or_more(store: Store) -> None:
    before = time.time() - 1
    store.record_like(1, "R001")
    store.record_rating(1, "R002", 4)
    store.record_rating(1, "R003", 3)  # not positive
    store.record_rating(2, "R001", 5)
    found = sorted((f.user_id, f.shoe_id) for f in store.positive_feedback_since(before))
    assert found == [(1, "R001"), (1, "R002"), (2, "R001")]
    assert all(abs(f.at - time.time()) < 60 for f in store.positive_feedback_since(before))
    assert store.positive_feedback_since(time.time() + 60) == []


def test_online_reports_are_kept_newest_first_and_bounded(store: Store) -> None:
    assert store.online_reports() == []
    for i in range(4):
        store.save_online_report({"n": i}, keep=3)
    reports = store.online_reports(10)
    assert [r["n"] for r in reports] == [3, 2, 1]
    assert all(r["computed_at"] for r in reports)


class _Refusing:  # the one store call the buffer makes, failing
    def __init__(self) -> None:
        self.calls = 0

    def record_impressions(self, rows: list[Impression]) -> int:
        self.calls += 1
        raise RuntimeError("store down")


def test_the_buffer_is_bounded_drops_the_oldest_and_counts(store: Store) -> None:
    buffer = ImpressionBuffer(store, max_entries=3, flush_s=60)
    for user in range(1, 6):
        buffer.add(user, "collaborative", "v1", "served", ("R001",))
    buffer.add(9, "collaborative", "v1", "served", ())  # an empty page shows nothing: not recorded
    assert len(buffer) == 3 and buffer.dropped == 2
    assert buffer.flush() == 3
    assert [i.user_id for i in store.impressions_since(0.0)] == [3, 4, 5]  # the oldest two went
    assert buffer.flush() == 0 and buffer.recorded == 3


def test_the_runners_last_page_again_is_not_buffered(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import src.serving.impressions as impressions

    buffer = ImpressionBuffer(store, max_entries=100, flush_s=60)
    page = ("R001", "R002")
    buffer.add(1, "collaborative", "v1", "served", page)
    buffer.add(1, "collaborative", "v1", "served", page)  # a warm feed read again: a repeat
    buffer.add(2, "collaborative", "v1", "served", page)  # another runner: recorded
    buffer.add(1, "collaborative", "v2", "served", page)  # a new version: recorded
    buffer.add(1, "collaborative", "v1", "served", page)  # no longer the runner's last page: recorded
    buffer.add(1, "collaborative", "v1", "served", page, first_position=11)  # another page: recorded
    assert buffer.repeats == 1 and buffer.flush() == 5
    # long after: the same page counts as shown again (a forget in between may have erased the first)
    monkeypatch.setattr(impressions, "REPEAT_S", 0.0)
    buffer.add(1, "collaborative", "v1", "served", page, first_position=11)
    assert buffer.repeats == 1 and buffer.flush() == 1


def test_a_failed_flush_loses_its_batch_counted_never_raises() -> None:
    refusing = _Refusing()
    buffer = ImpressionBuffer(cast(Store, refusing), max_entries=10, flush_s=60)
    buffer.add(1, "popular", None, "served", ("R001",))
    assert buffer.flush() == 0
    assert buffer.failed == 1 and refusing.calls == 1 and len(buffer) == 0


@pytest.mark.parametrize("flush_s", [0.05])
def test_the_background_writer_flushes_and_close_writes_the_rest(store: Store, flush_s: float) -> None:
    buffer = ImpressionBuffer(store, max_entries=100, flush_s=flush_s)
    buffer.start()
    buffer.add(1, "collaborative", "v1", "served", ("R001",))
    wait_until(lambda: store.impressions_since(0.0), 5, "the background writer flushes")
    assert len(store.impressions_since(0.0)) == 1  # written by the thread, not by the caller
    buffer.add(2, "collaborative", "v1", "served", ("R002",))
    buffer.close()
    assert [i.user_id for i in store.impressions_since(0.0)] == [1, 2]


def test_the_metrics_job_reports_the_window_stores_it_and_compacts(store: Store) -> None:
    from src.engine.online import DAY_S, refresh_online_metrics

    now = time.time()
    store.record_like(1, "R002")  # positive feedback now, after R002 was shown an hour ago
    store.record_impressions(
        [
            imp(1, now - 3600, ("R001", "R002")),
            imp(1, now - 3500, ("R001", "R002")),  # a verbatim repeat: compacted
            imp(2, now - 40 * DAY_S, ("R001",)),  # outside the window and the retention: dropped
        ]
    )
    report = refresh_online_metrics(store, store.settings, now=now)
    served = report["arms"]["served"]
    assert served["runners"] == 1 and served["pages"] == 2
    assert served["positive_feedback_rate"]["value"] == 0.5  # R002 of R001, R002
    assert report["impressions"] == 2 and report["experiment"]["name"] == store.settings.experiment_name
    assert store.online_reports()[0]["arms"]["served"]["positive_pairs"] == 1
    assert [i.shown_at for i in store.impressions_since(0.0)] == [now - 3600]


def test_compaction_runs_while_the_ct_leadership_is_held(store: Store) -> None:
    # the CT process holds the leadership for its whole life and compacts from another session
    import threading

    store.record_impressions([imp(1, 10.0, ("R001",))])
    with store.held_leadership(5):
        done: list[int] = []
        worker = threading.Thread(target=lambda: done.append(store.compact_impressions(older_than=50.0)))
        worker.start()
        worker.join(timeout=15)
    assert done == [1], "compaction blocked behind the CT leadership lock"


def test_compaction_in_small_batches_removes_what_one_pass_would(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one runner shown the same three pages over and over (the case that made compaction quadratic),
    # compacted 4 ids per transaction: the result is the first showing of each page, nothing else
    import src.store.sql

    monkeypatch.setattr(src.store.sql, "COMPACTION_BATCH", 4)
    pages = [("R001", "R002"), ("R003",), ("R001", "R002", "R003")]
    rows = [imp(1, 100.0 + i, pages[i % 3]) for i in range(30)] + [
        imp(1, 10.0 + i, ("T001",)) for i in range(9)
    ]
    store.record_impressions(rows)
    assert store.compact_impressions(older_than=50.0) == 9 + 27  # 9 expired (3 batches), 27 repeats
    assert store.impressions_since(0.0) == rows[:3]


def test_a_repeated_page_is_found_through_the_page_index(tmp_path: object) -> None:
    # the plan SQLite chooses for the repeat check: a seek on (user_id, page_key), not a scan of the
    # runner's pages (a runner with n pages once cost n^2/2 comparisons under the write lock)
    import sqlite3
    from pathlib import Path

    from src.store.migrate import migrate_sqlite
    from src.store.sql import REPEATED_IMPRESSIONS_SQL

    path = Path(tmp_path) / "plan.sqlite3"
    migrate_sqlite(path)
    conn = sqlite3.connect(path)
    plan = " | ".join(
        str(r[-1])
        for r in conn.execute(
            "EXPLAIN QUERY PLAN " + REPEATED_IMPRESSIONS_SQL.format(prev=":prev", upto=":upto"),
            {"prev": 0, "upto": 9},
        )
    )
    assert "impressions_page_idx" in plan, plan
