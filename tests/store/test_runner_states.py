"""The runner states a worker keeps (embedded store): a write applies itself to the kept state
instead of reading the runner's rows back, and whatever another process wrote is read, never missed."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable

import pytest

from src.config import Settings
from src.store import Store, create_store
from src.store.rows import (
    KEPT_RUNNER_ROWS,
    RunnerStates,
    UserRow,
    UserState,
    state_after_events,
    state_after_write,
    user_state_of,
)

SettingsFactory = Callable[..., Settings]


def test_state_after_write_keeps_the_stores_order_and_sums() -> None:
    state = user_state_of([("R002", "like", None), ("R004", "like", None), ("R002", "rate", 2)], 7)

    liked = state_after_write(state, "R003", "like", None, 8)
    assert liked.rows == [
        ("R002", "like", None),
        ("R003", "like", None),
        ("R004", "like", None),
        ("R002", "rate", 2),
    ]
    assert liked.scores == {"R002": 0.0, "R003": 1.0, "R004": 1.0}  # like +1 and 2★ -1 sum to 0
    assert liked.last_event_id == 8

    rerated = state_after_write(liked, "R002", "rate", 5, 9)
    assert rerated.rows[-1] == UserRow("R002", "rate", 5) and len(rerated.rows) == 4
    assert rerated.scores["R002"] == 3.0

    first_rating = state_after_write(rerated, "R001", "rate", 4, 10)
    assert [r for r in first_rating.rows if r.action == "rate"] == [("R001", "rate", 4), ("R002", "rate", 5)]

    unliked = state_after_write(first_rating, "R002", "unlike", None, 11)
    assert ("R002", "like", None) not in unliked.rows and unliked.scores["R002"] == 2.0
    unrated = state_after_write(unliked, "R002", "unrate", None, 12)
    assert "R002" not in unrated.scores
    assert state.rows == [("R002", "like", None), ("R004", "like", None), ("R002", "rate", 2)]  # untouched


def test_state_after_events_replays_in_order_and_a_forget_clears() -> None:
    state = user_state_of([("R001", "like", None), ("R002", "rate", 3)], 4)
    events = [(6, "R003", "like", None), (7, "R002", "rate", 5), (9, "R001", "unlike", None)]
    after = state_after_events(state, events)
    assert after.rows == [("R003", "like", None), ("R002", "rate", 5)] and after.last_event_id == 9
    assert state_after_events(state, [*events, (12, "", "forget", None), (13, "R004", "rate", 1)]).rows == [
        ("R004", "rate", 1)
    ]
    with pytest.raises(ValueError, match="unknown interaction event 'poke'"):
        state_after_events(state, [(5, "R001", "poke", None)])


def test_runner_states_answer_only_for_the_newest_event_and_stay_bounded() -> None:
    w = KEPT_RUNNER_ROWS  # what a runner weighs besides their rows
    states = RunnerStates(max_rows=3 + 2 * w)
    a, b, c = (UserState([UserRow("R001", "like", None)], e) for e in (5, 6, 7))
    states.put(1, a)
    assert states.get(1, 5) is a
    assert states.get(1, 9) is None  # someone wrote since: not this state
    assert states.after_write(1, 4, 10, ("R002", "like", None)) is None  # kept state is not the one before
    after = states.after_write(1, 5, 10, ("R002", "like", None))
    assert after is not None and after.last_event_id == 10 and states.get(1, 10) is after
    assert states.after_write(1, 10, 0, ("R002", "like", None)) is after  # no change: same state
    assert states.rows == 2 + w  # the state it replaced no longer counts
    states.put(2, b)
    states.put(1, after)  # 1 used last
    states.put(3, c)  # 4 rows and 3 runners held: the least recently used (2) goes
    assert states.get(2, 6) is None and states.get(1, 10) is after and states.get(3, 7) is c
    assert len(states) == 2 and states.rows == 3 + 2 * w
    states.drop(1)
    assert states.rows == 1 + w and states.get(1, 10) is None
    big = UserState([UserRow(f"R{i:03d}", "like", None) for i in range(w + 4)], 8)
    assert states.put(4, big) is big and states.get(4, 8) is None  # larger than the whole budget
    assert RunnerStates(0).put(1, a) is a and len(RunnerStates(0)) == 0


def _rows_read(store: Store) -> list[str]:
    """The rows-reading statements `store`'s connection in this thread runs from now on."""
    seen: list[str] = []
    conn: sqlite3.Connection = store._conn()  # type: ignore[attr-defined]
    conn.set_trace_callback(lambda sql: seen.append(sql) if "FROM favorites" in sql else None)
    return seen


def test_a_kept_runners_write_reads_no_rows(settings_factory: SettingsFactory) -> None:
    store = create_store(settings_factory())
    store.init()
    for shoe in ("R001", "R002", "R003"):
        store.record_like(1, shoe)
    seen = _rows_read(store)
    out = store.record_rating(1, "R002", 5)
    assert seen == []
    assert out.user.scores == {"R001": 1.0, "R002": 3.0, "R003": 1.0}
    assert store.user_state(1) is out.user and seen == []  # a read finds the same newest event

    other = create_store(settings_factory())  # another worker on the same file
    other.record_like(1, "R004")
    other.remove_rating(1, "R002")
    out = store.record_like(1, "R005")  # the kept state is behind: the two events are replayed
    assert seen == [] and out.user.scores == {"R001": 1.0, "R002": 1.0, "R003": 1.0, "R004": 1.0, "R005": 1.0}
    for shoe in ("R006", "R007", "R008", "R009", "R010", "R011") * 6:  # more events than are replayed
        other.record_rating(1, shoe, 3)
        other.remove_rating(1, shoe)
    out = store.record_like(1, "R012")
    assert len(seen) == 1 and set(out.user.scores) == {"R001", "R002", "R003", "R004", "R005", "R012"}
    store.close()
    other.close()


def test_writes_from_two_workers_give_what_a_fresh_read_gives(
    backend_settings_factory: SettingsFactory,
) -> None:
    """Random likes, ratings, take-backs and forgets from two store instances on one store: every
    returned state equals what an instance that keeps nothing reads."""
    workers = [create_store(backend_settings_factory()) for _ in range(2)]
    workers[0].init()
    fresh = create_store(backend_settings_factory(runner_state_cache_rows=0))
    rng = random.Random(21)
    shoes = [f"R{i:03d}" for i in range(1, 9)]
    for step in range(400):
        store = rng.choice(workers)
        user, shoe = rng.randint(1, 4), rng.choice(shoes)
        roll = rng.random()
        if roll < 0.35:
            out = store.record_like(user, shoe)
        elif roll < 0.7:
            out = store.record_rating(user, shoe, rng.randint(1, 5))
        elif roll < 0.82:
            out = store.remove_like(user, shoe)
        elif roll < 0.97:
            out = store.remove_rating(user, shoe)
        else:
            store.forget_user(user)
            assert store.user_state(user).rows == []
            continue
        truth = fresh.user_state(user)
        assert out.user.rows == truth.rows, step
        assert out.user.scores == truth.scores, step  # the same sums, bit for bit
        assert out.user.last_event_id == truth.last_event_id == fresh.user_last_event(user), step
        if step % 100 == 99:
            fresh.compact_events(fresh.user_last_event(user))  # what CT does below its watermark
    for store in (*workers, fresh):
        store.close()


@pytest.mark.postgres
def test_postgres_sends_a_kept_runners_rows_only_when_another_worker_wrote(
    pg_url: str, settings_factory: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import src.store.data.postgres as pg

    store = create_store(settings_factory(database_url=pg_url))
    store.init()
    for shoe in ("R001", "R002", "R003"):
        store.record_like(1, shoe)
    built: list[int] = []
    real = pg._user_state
    monkeypatch.setattr(pg, "_user_state", lambda last, *rows: built.append(last) or real(last, *rows))
    out = store.record_rating(1, "R002", 5)
    assert built == []  # applied to the kept state: no rows came back
    assert out.user.scores == {"R001": 1.0, "R002": 3.0, "R003": 1.0}
    assert store.user_state(1) is out.user and built == []

    other = create_store(settings_factory(database_url=pg_url))  # another worker or replica
    other.record_like(1, "R004")
    built.clear()  # (the other store reads its own rows through the same function)
    out = store.record_like(1, "R005")
    assert built == [out.user.last_event_id]  # behind: the store sent the rows as of the write
    assert out.user.scores == {"R001": 1.0, "R002": 3.0, "R003": 1.0, "R004": 1.0, "R005": 1.0}
    other.remove_rating(1, "R002")
    built.clear()
    assert set(store.user_state(1).scores) == {"R001", "R002", "R003", "R004", "R005"}
    assert store.user_state(1).scores["R002"] == 1.0 and len(built) == 1  # read once, then kept
    other.forget_user(1)
    assert store.user_state(1).rows == [] and len(built) == 2
    store.close()
    other.close()
