"""Replaying the event log as of a watermark (what a full rebuild reads), on SQLite and the real
PostgreSQL; on the embedded store read in short transactions, so a replay never pins the WAL."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest

from src.store import Store, create_store
from src.store.events import sqlite as sqlite_events


def _history(store: Store) -> int:
    """Five runners' events, some superseded or taken back; returns the watermark after them."""
    store.record_like(1, "R001")
    store.record_rating(1, "R002", 4)
    store.record_rating(1, "R002", 2)  # the newest rating counts
    store.remove_like(1, "R001")  # taken back: gone
    store.record_like(2, "R003")
    store.record_rating(2, "R003", 5)  # a like and a rating of one shoe: both stand
    store.record_rating(3, "R001", 1)
    store.forget_user(3)  # forgotten: nothing of runner 3 is replayed
    store.record_like(4, "R002")
    store.record_rating(5, "R004", 3)
    return store.newest_event_id()


EXPECTED = {
    (1, "R002", "rate", 2),
    (2, "R003", "like", None),
    (2, "R003", "rate", 5),
    (4, "R002", "like", None),
    (5, "R004", "rate", 3),
}


def _rows(rows: object) -> set[tuple[int, str, str, int | None]]:
    return {tuple(r) for r in rows}  # type: ignore[attr-defined, misc]


def test_replay_is_the_newest_like_and_rating_per_runner_and_shoe_as_of_the_watermark(store: Store) -> None:
    watermark = _history(store)
    store.record_rating(5, "R004", 5)  # after the watermark: not replayed
    store.record_like(6, "R001")

    assert _rows(store.interactions_as_of(watermark)) == EXPECTED
    assert _rows(store.interactions_as_of(watermark, [2, 5, 3])) == {r for r in EXPECTED if r[0] in (2, 5)}
    assert {(t.user_id, t.shoe_id): t.score for t in store.scores_as_of(watermark)} == {
        (1, "R002"): -1.0,  # 2 stars
        (2, "R003"): 3.0,  # like +1 and 5 stars +2
        (4, "R002"): 1.0,
        (5, "R004"): 0.1,  # 3 stars
    }


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_a_whole_replay_reads_in_short_transactions_that_leave_the_wal_free(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    watermark = _history(store)
    monkeypatch.setattr(sqlite_events, "REPLAY_CHUNK_EVENTS", 2)
    writer = create_store(store.settings)  # another connection, as an API worker would hold
    path = str(store.path)  # type: ignore[attr-defined]
    checkpoints = []
    chunks = store.replay_chunks(watermark)  # type: ignore[attr-defined]
    replayed = []
    try:
        for chunk in chunks:
            replayed.extend(chunk)
            # between two chunks: a worker commits, and the WAL can be checkpointed whole and cut
            # back to nothing, which no open read transaction would allow
            writer.record_like(7, "R005")
            writer.remove_like(7, "R005")
            with contextlib.closing(sqlite3.connect(path, timeout=0.2)) as conn:
                checkpoints.append(conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
    finally:
        writer.close()

    assert len(checkpoints) >= 3  # the replay really came in several chunks
    assert all(busy == 0 and frames == 0 for busy, frames, _ in checkpoints), checkpoints
    assert _rows(replayed) == EXPECTED
    assert len(replayed) == len(EXPECTED)  # each runner read once, in one chunk
