"""Event-log compaction, on SQLite and the real PostgreSQL: superseded events covered by a published
version go; everything the rest of the system reads from the log stays the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from src.config import Settings
from src.ct import rebuild as continuous
from src.ct.loop import compact_event_log
from src.store import Store
from tests.plugins.store import stored_events


def test_compaction_keeps_the_newest_event_per_runner_and_shoe(store: Store) -> None:
    # runner 1 flips R001 between 4 and 5 stars six times, likes R002; runner 2 rates R001 once
    for stars in (4, 5, 4, 5, 4, 5):
        store.record_rating(1, "R001", stars)
    store.record_like(1, "R002")
    store.record_rating(2, "R001", 3)
    before = stored_events(store)
    assert len(before) == 8
    watermark = before[-1][0]
    state_before = (store.user_state(1), store.user_state(2), store.interaction_scores(), store.ct_state())

    removed = store.compact_events(watermark)

    after = stored_events(store)
    assert removed == 5  # the five superseded R001 ratings of runner 1
    assert [(u, s, a, v) for _, u, s, a, v in after] == [
        (1, "R001", "rate", 5),
        (1, "R002", "like", None),
        (2, "R001", "rate", 3),
    ]
    # what the rest of the system reads is unchanged: rows, scores, newest event per runner, CT counter
    assert (
        store.user_state(1),
        store.user_state(2),
        store.interaction_scores(),
        store.ct_state(),
    ) == state_before
    assert store.user_last_event(1) == state_before[0].last_event_id
    assert store.pair_scores_changed_between(watermark, store.newest_event_id()).user_ids == []


def test_compaction_never_touches_events_after_the_watermark(store: Store) -> None:
    for stars in (4, 5, 4):
        store.record_rating(7, "R003", stars)
    covered = stored_events(store)[-1][0]
    for stars in (5, 4):  # arrive after the published version's watermark
        store.record_rating(7, "R003", stars)
    assert store.compact_events(covered) == 2  # the first two ratings; the third is the newest covered
    remaining = stored_events(store)
    assert [e[0] > covered for e in remaining] == [False, True, True]
    assert store.pair_scores_changed_between(covered, store.newest_event_id()).user_ids == [
        7
    ]  # the next rebuild still sees runner 7
    # compacting again through the same watermark does nothing; a later one folds the rest
    assert store.compact_events(covered) == 0
    assert store.compact_events(remaining[-1][0]) == 2
    assert [e[4] for e in stored_events(store)] == [4]


def test_a_published_rebuild_compacts_the_log(backend_settings_factory: Callable[..., Any]) -> None:
    from src.store import create_store

    settings: Settings = backend_settings_factory(ct_threshold=1000)
    store = create_store(settings)
    store.init()
    try:
        for user in range(1, 7):
            for shoe in ("R001", "R002", "R003"):
                store.record_like(user, shoe)
        for stars in (4, 5, 4, 5):
            store.record_rating(1, "R004", stars)
        result = continuous.rebuild(store, settings, None, claims_through=0, force_full=True)
        assert result.outcome == "published"
        assert result.snapshot is not None and result.snapshot.last_event_id == stored_events(store)[-1][0]
        compact_event_log(store, result.snapshot.last_event_id)  # what the CT loop does after a publish
        flips = [e for e in stored_events(store) if e[1] == 1 and e[2] == "R004"]
        assert [e[4] for e in flips] == [5]
    finally:
        store.close()


def test_a_like_and_a_rating_of_one_shoe_are_both_kept(store: Store) -> None:
    store.record_like(3, "R005")
    store.record_rating(3, "R005", 2)
    store.record_rating(3, "R005", 4)
    assert store.compact_events(stored_events(store)[-1][0]) == 1  # only the superseded 2-star rating
    assert [(a, v) for _, _, _, a, v in stored_events(store)] == [("like", None), ("rate", 4)]


def test_compaction_reads_the_window_not_the_whole_log(tmp_path: Any) -> None:
    # the plan SQLite chooses: a range scan of the window's event ids and one pair-index seek per
    # event (a compaction once walked every event below the watermark, under the write lock)
    import sqlite3

    from src.store.migrate import migrate_sqlite
    from src.store.sql import SUPERSEDED_EVENTS_SQL

    migrate_sqlite(tmp_path / "plan.sqlite3")
    conn = sqlite3.connect(tmp_path / "plan.sqlite3")
    steps = [
        str(r[-1])
        for r in conn.execute(
            "EXPLAIN QUERY PLAN " + SUPERSEDED_EVENTS_SQL.format(prev=":p", w=":w"), {"p": 0, "w": 9}
        )
    ]
    assert any("SEARCH n USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in s for s in steps), steps
    assert any("SEARCH o USING INDEX interaction_events_pair_idx" in s for s in steps), steps
    assert not any(s.startswith("SCAN") for s in steps), steps


def test_compaction_in_small_batches_removes_what_one_pass_would(store: Store, monkeypatch: Any) -> None:
    import src.store.sql

    monkeypatch.setattr(src.store.sql, "COMPACTION_BATCH", 3)
    monkeypatch.setattr(src.store.sql, "DELETE_BATCH", 2)  # and a window's rows over 2 write transactions
    for stars in (4, 5, 4, 5, 4, 5, 3):  # 7 ratings of one pair: 6 superseded, across 3 batches
        store.record_rating(1, "R001", stars)
    store.record_like(2, "R002")
    watermark = stored_events(store)[-1][0]
    assert store.compact_events(watermark) == 6
    assert [(u, s, a, v) for _, u, s, a, v in stored_events(store)] == [
        (1, "R001", "rate", 3),
        (2, "R002", "like", None),
    ]
    assert store.compact_events(watermark) == 0
