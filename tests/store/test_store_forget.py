"""Taking back, forgetting and saved questionnaires in the store, on SQLite and the real PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from src.config import Settings
from src.store import SavedQuestionnaire, Store
from tests.plugins.waiting import wait_until


def test_remove_like_and_rating_record_events_and_leave_the_rest(store: Store) -> None:
    store.record_like(1, "R001")
    store.record_rating(1, "R001", 5)
    store.record_like(1, "R002")
    store.record_like(2, "R001")
    before = store.ct_state()

    out = store.remove_like(1, "R001")
    assert out.changed and out.event_id > before.max_event_id
    assert out.user.scores == {"R001": 2.0, "R002": 1.0}  # the 5★ stays, the like is gone
    assert store.ct_state().pending == before.pending + 1  # counted towards continuous training

    out = store.remove_rating(1, "R001")
    assert out.changed and out.user.scores == {"R002": 1.0}
    assert store.user_last_event(1) == out.event_id  # a cached feed is invalidated by this id

    again = store.remove_rating(1, "R001")  # nothing left to remove: no event, no count
    assert not again.changed and again.event_id == 0
    assert store.ct_state().pending == before.pending + 2
    assert store.user_state(2).scores == {"R001": 1.0}  # another runner's like is untouched


def test_forget_user_erases_rows_events_and_questionnaire_once(store: Store) -> None:
    store.record_like(5, "R001")
    store.record_rating(5, "R002", 4)
    store.record_like(6, "R001")
    store.save_questionnaire(5, SavedQuestionnaire("road", {"pace": "Fast"}))
    watermark = store.ct_state().max_event_id

    out = store.forget_user(5)
    assert (out.favorites, out.reviews, out.events, out.questionnaires) == (1, 1, 2, 1)
    assert store.user_state(5).rows == []
    assert store.load_questionnaire(5) is None
    assert [r for r in store.interaction_rows() if r.user_id == 5] == []
    # the runner is marked changed for continuous training, without any shoe data
    assert 5 in store.pair_scores_changed_between(watermark, store.newest_event_id()).user_ids
    assert store.user_state(6).scores == {"R001": 1.0}

    twice = store.forget_user(5)  # idempotent: nothing more to erase
    assert not twice.anything


def test_questionnaire_is_saved_and_replaced(store: Store) -> None:
    assert store.load_questionnaire(9) is None
    store.save_questionnaire(9, SavedQuestionnaire("road", {"pace": "Fast", "foot_width": "Wide"}))
    assert store.load_questionnaire(9) == SavedQuestionnaire("road", {"foot_width": "Wide", "pace": "Fast"})
    store.save_questionnaire(9, SavedQuestionnaire("trail", {"terrain": "Rocky"}))
    assert store.load_questionnaire(9) == SavedQuestionnaire("trail", {"terrain": "Rocky"})


def _replayed(store: Store, user_id: int) -> dict[str, float]:
    """The runner's scores as everything built from the event log sees them."""
    return {
        shoe: score for user, shoe, score in store.scores_as_of(store.newest_event_id()) if user == user_id
    }


@pytest.mark.parametrize("store_backend", ["postgres"], indirect=True)
def test_a_like_in_flight_while_its_runner_is_forgotten_keeps_row_and_event_together(
    store: Store, store_settings: Settings
) -> None:
    """The like's transaction holds the counter lock when forgetting starts; forgetting must wait for
    it before deleting anything (it used to delete first, keeping the like's row but replaying it as
    forgotten)."""
    import psycopg

    store.record_like(5, "R001")
    outcome: list[Any] = []
    with (
        psycopg.connect(str(store_settings.database_url)) as writer,
        psycopg.connect(str(store_settings.database_url), autocommit=True) as watcher,
    ):
        writer.execute("SELECT * FROM record_interaction(5, 'R002', 'like', NULL, 1000)")  # not committed
        forget = threading.Thread(target=lambda: outcome.append(store.forget_user(5)))
        forget.start()
        wait_until(
            lambda: watcher.execute(
                "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%forget_user%'"
            ).fetchall(),
            20,
            "forget_user waits for the in-flight like",
            interval_s=0.01,
        )
        writer.commit()
    forget.join(timeout=20)
    assert outcome and outcome[0].favorites == 2  # it waited, then erased the like that committed first
    assert store.user_state(5).scores == _replayed(store, 5) == {}


def test_likes_racing_a_forget_never_leave_a_row_without_its_event(store: Store) -> None:
    for round_ in range(25):
        user = 100 + round_
        store.record_like(user, "R001")
        start = threading.Barrier(2)

        def like(user: int = user, start: threading.Barrier = start) -> None:
            start.wait()
            store.record_like(user, "R002")

        def forget(user: int = user, start: threading.Barrier = start) -> None:
            start.wait()
            store.forget_user(user)

        threads = [threading.Thread(target=like), threading.Thread(target=forget)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
        assert store.user_state(user).scores == _replayed(store, user), f"round {round_}"
