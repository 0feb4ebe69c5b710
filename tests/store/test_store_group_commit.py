"""Several likes and ratings in one transaction (`Store.record_many`, and awaited on the event loop
`record_many_async`), and several runners' newest event ids or states in one call
(`Store.users_last_events`, `Store.users_states`: one statement on PostgreSQL), on SQLite and
PostgreSQL.

The batch must leave the store, the CT counter and each runner's state exactly as the same writes
recorded one at a time would, and a write that cannot be recorded must fail alone.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from src.store import RecordOutcome, Store, UnknownShoeError, UserRow, UserState, Write
from tests.plugins.store import StoreFactory, stored_events

WRITES = [
    Write(1, "R001", "like"),
    Write(2, "R002", "rate", 5),
    Write(1, "R003", "rate", 2),  # runner 1 again: their second write in the batch
    Write(3, "T001", "like"),
    Write(2, "R002", "rate", 5),  # the same stars again: no change, no event
    Write(1, "R001", "rate", 4),  # a like and a rating of one shoe
]


def _outcomes(results: list[RecordOutcome | Exception]) -> list[RecordOutcome]:
    assert all(isinstance(r, RecordOutcome) for r in results), results
    return [r for r in results if isinstance(r, RecordOutcome)]


def test_a_batch_leaves_the_store_as_the_same_writes_one_at_a_time(store: Store) -> None:
    # the same writes by runners 101, 102, 103, one at a time, then as one batch by runners 1, 2, 3
    single = [
        store.record_like(w.user_id + 100, w.shoe_id)
        if w.action == "like"
        else store.record_rating(w.user_id + 100, w.shoe_id, w.value or 0)
        for w in WRITES
    ]
    batch = _outcomes(store.record_many(WRITES))
    events = [e[1:] for e in stored_events(store)]
    half = len(events) // 2
    for u in (1, 2, 3):  # each runner's events in the order given (runners' may interleave)
        assert [rest for user, *rest in events[:half] if user == u + 100] == [
            rest for user, *rest in events[half:] if user == u
        ]
    assert [o.changed for o in batch] == [o.changed for o in single]
    for w, o in zip(WRITES, batch, strict=True):
        assert UserRow(w.shoe_id, w.action, w.value) in o.user.rows
    # each change counts once towards CT (in commit order, which groups a batch's writes by runner)
    assert sorted(o.ct_pending for o in batch if o.changed) == [
        (single[-1].ct_pending + k) % store.threshold for k in range(1, half + 1)
    ]
    for u in (1, 2, 3):
        assert store.user_state(u).rows == store.user_state(u + 100).rows


def test_each_outcome_holds_its_write_and_the_runners_last_holds_the_batch(store: Store) -> None:
    """A write's state is its runner's as of its commit: at least its own write (a runner's earlier
    write in the same batch is in it too), and their last write's is the store's."""
    batch = _outcomes(store.record_many(WRITES))
    for w, o in zip(WRITES, batch, strict=True):
        assert UserRow(w.shoe_id, w.action, w.value) in o.user.rows
    first, second, last = batch[0], batch[2], batch[5]
    assert 0 < first.event_id < second.event_id < last.event_id
    assert dict(last.user.scores) == {"R001": 2.0, "R003": -1.0}  # like +1, 4 stars +1; 2 stars -1
    assert last.user.last_event_id == last.event_id
    assert store.user_state(1).rows == last.user.rows
    unchanged = batch[4]
    assert not unchanged.changed and unchanged.event_id == 0
    assert dict(unchanged.user.scores) == {"R002": 2.0}


def test_a_refused_write_fails_alone_and_the_others_commit(store: Store) -> None:
    writes = [
        Write(1, "R001", "like"),
        Write(1, "R999", "like"),  # not in the catalog
        Write(2, "R002", "rate", 7),  # stars outside 1-5
        Write(2, "R003", "rate", 3),
    ]
    results = store.record_many(writes)
    assert isinstance(results[0], RecordOutcome) and results[0].changed
    assert isinstance(results[1], UnknownShoeError)
    assert isinstance(results[2], ValueError)
    assert isinstance(results[3], RecordOutcome) and results[3].changed
    assert [e[1:] for e in stored_events(store)] == [(1, "R001", "like", None), (2, "R003", "rate", 3)]


def test_a_write_the_store_rejects_rolls_the_batch_back_and_the_rest_are_recorded_alone(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # user id 0 passes the Python checks and breaks the reviews' CHECK (user_id > 0) mid-transaction
    writes = [Write(1, "R001", "like"), Write(0, "R002", "rate", 3), Write(2, "R003", "rate", 4)]
    with caplog.at_level(logging.WARNING, logger="src.store.data"):
        results = store.record_many(writes)
    assert "one at a time" in caplog.text
    assert isinstance(results[0], RecordOutcome) and results[0].changed
    assert isinstance(results[1], Exception)
    assert isinstance(results[2], RecordOutcome) and results[2].changed
    assert [e[1:] for e in stored_events(store)] == [(1, "R001", "like", None), (2, "R003", "rate", 4)]


def test_a_batch_claims_each_rebuild_once(store_factory: StoreFactory) -> None:
    store = store_factory(ct_threshold=4)
    writes = [Write(u, f"R{s:03d}", "like") for u in (1, 2) for s in range(1, 6)]  # 10 changes
    batch = _outcomes(store.record_many(writes))
    assert [o.ct_pending for o in batch] == [1, 2, 3, 0, 1, 2, 3, 0, 1, 2]
    assert [o.rebuild_claimed for o in batch].count(True) == 2
    assert store.ct_state().pending == 2 and store.ct_state().rebuilds_claimed == 2


def test_batches_of_the_same_runners_in_opposite_orders_never_wait_in_a_cycle(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """On PostgreSQL each write holds its runner's lock to the commit: two batches taking runners
    1 and 2 in opposite orders would deadlock (the server aborts one after deadlock_timeout, and its
    writes are retried alone) unless every batch locks runners in one order."""
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(users: tuple[int, int], shoe_base: int) -> None:
        try:
            start.wait()
            for i in range(40):
                shoe = f"R{(shoe_base + i) % 10 + 1:03d}"
                results = store.record_many(
                    [Write(users[0], shoe, "rate", i % 5 + 1), Write(users[1], shoe, "like")]
                )
                assert all(isinstance(r, RecordOutcome) for r in results), results
        except BaseException as exc:
            errors.append(exc)

    with caplog.at_level(logging.WARNING, logger="src.store.data"):
        threads = [
            threading.Thread(target=writer, args=((1, 2), 0)),
            threading.Thread(target=writer, args=((2, 1), 5)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert not errors, errors
    assert "one at a time" not in caplog.text  # no batch was rolled back


def test_the_newest_events_of_several_runners_in_one_call(store: Store) -> None:
    written = _outcomes(
        store.record_many([Write(1, "R001", "like"), Write(2, "R002", "like"), Write(1, "R003", "rate", 5)])
    )
    asked = [2, 99, 1, 2]  # in any order, unknown runners and repeats included
    assert store.users_last_events(asked) == [
        written[1].event_id,
        0,
        written[2].event_id,
        written[1].event_id,
    ]
    assert store.users_last_events(asked) == [store.user_last_event(u) for u in asked]
    assert store.users_last_events([]) == []


def test_on_postgresql_a_batch_is_one_statement_and_its_arrays_must_agree(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store.backend != "postgres":
        pytest.skip("record_interactions_unless() is PostgreSQL's (migration 0014)")
    import psycopg

    from src.store.postgres import PostgresStore

    assert isinstance(store, PostgresStore)
    statements: list[str] = []
    run = PostgresStore._all

    def counted(self: PostgresStore, sql: str, params: object = ()) -> list[object]:
        statements.append(sql)
        return run(self, sql, params)  # type: ignore[arg-type]

    monkeypatch.setattr(PostgresStore, "_all", counted)
    _outcomes(store.record_many(WRITES))
    assert len(statements) == 1 and "record_interactions_unless" in statements[0]
    monkeypatch.undo()

    before = stored_events(store)
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="differ in length"):
        store._all(  # one shoe short: nothing of the batch is written
            "SELECT * FROM record_interactions_unless(%s::bigint[], %s::text[], %s::text[], %s::int[], %s, %s::bigint[])",
            ([7, 8], ["R001"], ["like", "like"], [None, None], 50, [-1, -1]),
        )
    assert stored_events(store) == before


def test_the_awaited_batch_leaves_the_store_as_the_batch_in_a_thread(store: Store) -> None:
    """`record_many_async` (on PostgreSQL its own driver on the event loop) against `record_many`:
    the same writes, by runners 1-3 in a thread's batch and by runners 101-103 awaited."""
    by_thread = _outcomes(store.record_many(WRITES))
    shifted = [Write(w.user_id + 100, w.shoe_id, w.action, w.value) for w in WRITES]
    by_loop = _outcomes(asyncio.run(store.record_many_async(shifted)))
    assert [o.changed for o in by_loop] == [o.changed for o in by_thread] == [True] * 4 + [False, True]
    for w, a, t in zip(WRITES, by_loop, by_thread, strict=True):
        assert a.user.rows == t.user.rows and UserRow(w.shoe_id, w.action, w.value) in a.user.rows
    events = [e[1:] for e in stored_events(store)]
    for u in (1, 2, 3):
        assert [rest for user, *rest in events if user == u + 100] == [
            rest for user, *rest in events if user == u
        ]
        assert store.user_state(u + 100).rows == store.user_state(u).rows


def test_an_awaited_batch_the_store_rejects_is_recorded_one_at_a_time(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    writes = [Write(1, "R001", "like"), Write(0, "R002", "rate", 3), Write(2, "R003", "rate", 4)]
    with caplog.at_level(logging.WARNING, logger="src.store.data"):
        results = asyncio.run(store.record_many_async(writes))
    assert isinstance(results[0], RecordOutcome) and isinstance(results[2], RecordOutcome)
    assert isinstance(results[1], Exception) and not isinstance(results[1], RecordOutcome)
    assert [e[1:] for e in stored_events(store)] == [(1, "R001", "like", None), (2, "R003", "rate", 4)]


def test_several_runners_states_in_one_call_match_one_at_a_time(store: Store) -> None:
    _outcomes(store.record_many(WRITES))
    asked = [3, 1, 99, 2, 1]  # 99 never acted; runner 1 twice

    async def both() -> tuple[list[UserState], list[UserState]]:
        cold = await store.users_states_async(asked)  # what this worker keeps, or the rows
        return cold, await store.users_states_async(asked)  # now kept: ids only on PostgreSQL

    first, again = asyncio.run(both())
    expected = [store.user_state(u) for u in asked]
    for got in (first, again, store.users_states(asked)):
        assert [(s.last_event_id, s.rows) for s in got] == [(s.last_event_id, s.rows) for s in expected]
    assert not first[2].rows and first[2].last_event_id == 0
