"""Group commit (`serving.turn_batch`): the writes of one event-loop turn share one transaction,
on the embedded store (inline) and on PostgreSQL (through the thread pool)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from src.serving.turn_batch import MAX_BATCH, TurnBatch
from src.store import RecordOutcome, Store, UnknownShoeError, Write, create_store
from tests.plugins.store import SettingsFactory, stored_events


def _group(store: Store) -> tuple[TurnBatch, list[int]]:
    """A TurnBatch over `store`, and the sizes of the batches it handed the store."""
    sizes: list[int] = []

    def record_many(writes: Sequence[Write]) -> list[RecordOutcome | Exception]:
        sizes.append(len(writes))
        return store.record_many(writes)

    return TurnBatch(record_many, inline=store.in_process), sizes


def test_the_writes_of_one_turn_share_a_transaction(store: Store) -> None:
    group, sizes = _group(store)
    writes = [Write(u, f"R{u:03d}", "like") for u in range(1, 9)]

    async def main() -> list[RecordOutcome]:
        return await asyncio.gather(*(group.submit(w) for w in writes))

    outcomes = asyncio.run(main())
    assert sizes == [8]
    assert [o.user.last_event_id for o in outcomes] == [o.event_id for o in outcomes]
    assert sorted(e[1] for e in stored_events(store)) == list(range(1, 9))


def test_writes_of_later_turns_get_their_own_transactions(store: Store) -> None:
    group, sizes = _group(store)

    async def main() -> None:
        first = await group.submit(Write(1, "R001", "like"))  # alone: flushed at the next turn
        assert first.changed
        await asyncio.gather(group.submit(Write(2, "R002", "like")), group.submit(Write(3, "R003", "like")))

    asyncio.run(main())
    assert sizes == [1, 2]


def test_a_turn_bigger_than_a_batch_is_split(store: Store) -> None:
    group, sizes = _group(store)
    writes = [Write(1000 + i, "R001", "like") for i in range(MAX_BATCH + 3)]

    async def main() -> None:
        await asyncio.gather(*(group.submit(w) for w in writes))

    asyncio.run(main())
    assert sizes == [MAX_BATCH, 3]
    assert len(stored_events(store)) == MAX_BATCH + 3


def test_a_failing_write_fails_its_own_request_only(store: Store) -> None:
    group, _ = _group(store)

    async def main() -> list[RecordOutcome | BaseException]:
        return await asyncio.gather(
            group.submit(Write(1, "R001", "like")),
            group.submit(Write(1, "R999", "like")),
            group.submit(Write(2, "R002", "rate", 4)),
            return_exceptions=True,
        )

    ok, unknown, rated = asyncio.run(main())
    assert isinstance(ok, RecordOutcome) and ok.changed
    assert isinstance(unknown, UnknownShoeError)
    assert isinstance(rated, RecordOutcome) and rated.changed


def test_a_cancelled_request_leaves_its_write_and_the_others_answered(store: Store) -> None:
    group, _ = _group(store)

    async def main() -> RecordOutcome:
        leaving = asyncio.ensure_future(group.submit(Write(1, "R001", "like")))
        staying = asyncio.ensure_future(group.submit(Write(2, "R002", "like")))
        await asyncio.sleep(0)  # both queued their writes
        leaving.cancel()
        return await staying

    assert asyncio.run(main()).changed
    assert sorted(e[1] for e in stored_events(store)) == [1, 2]  # the write stands: it was queued


def test_a_batch_that_would_wait_for_another_writer_waits_off_the_event_loop(
    settings_factory: SettingsFactory,
) -> None:
    settings = settings_factory()
    store, other_writer = create_store(settings), create_store(settings)
    store.init()
    group, sizes = _group(store)
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with other_writer._tx(write=True):  # type: ignore[attr-defined]
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert holding.wait(10)

    async def main() -> tuple[list[RecordOutcome], int]:
        writes = asyncio.gather(
            group.submit(Write(1, "R001", "like")), group.submit(Write(2, "R002", "like"))
        )
        turns = 0
        while turns < 20:  # the loop keeps turning while the writes wait for the lock
            await asyncio.sleep(0.01)
            turns += 1
        assert not writes.done()
        release.set()
        return await writes, turns

    outcomes, turns = asyncio.run(main())
    holder.join(10)
    assert turns == 20 and all(o.changed for o in outcomes)
    assert sizes == [2, 2]  # tried inline (refused before writing), then the same batch in a thread
    assert sorted(e[1] for e in stored_events(store)) == [1, 2]


@pytest.mark.parametrize("inline", [True, False])
def test_an_unexpected_error_reaches_every_request_of_the_batch(inline: bool) -> None:
    def broken(writes: Sequence[Write]) -> list[RecordOutcome | Exception]:
        raise RuntimeError("a bug")

    group = TurnBatch(broken, inline=inline)

    async def main() -> list[RecordOutcome | BaseException]:
        return await asyncio.gather(
            group.submit(Write(1, "R001", "like")),
            group.submit(Write(2, "R002", "like")),
            return_exceptions=True,
        )

    results = asyncio.wait_for(main(), timeout=10)
    assert [type(r) for r in asyncio.run(results)] == [RuntimeError, RuntimeError]


def test_a_store_without_transactions_gets_each_write_on_its_own(store: Store) -> None:
    """max_batch 1 (the Supabase REST store): a batch would only queue its writes one after another,
    so each goes to the store by itself, side by side."""
    sizes: list[int] = []

    def record_many(writes: Sequence[Write]) -> list[RecordOutcome | Exception]:
        sizes.append(len(writes))
        return store.record_many(writes)

    group = TurnBatch(record_many, inline=False, max_batch=1)

    async def main() -> None:
        await asyncio.gather(*(group.submit(Write(u, "R001", "like")) for u in range(1, 5)))

    asyncio.run(main())
    assert sizes == [1, 1, 1, 1]


def _awaited(store: Store) -> tuple[TurnBatch, list[int]]:
    """A TurnBatch awaiting `store.record_many_async` (PostgreSQL's own driver on the event loop,
    a thread elsewhere), and the sizes of the batches it sent."""
    sizes: list[int] = []

    async def record_many_async(writes: Sequence[Write]) -> list[RecordOutcome | Exception]:
        sizes.append(len(writes))
        return await store.record_many_async(writes)

    return TurnBatch(store.record_many, False, run_async=record_many_async), sizes


def test_awaited_batches_go_one_at_a_time_and_the_calls_meanwhile_gather(store: Store) -> None:
    group, sizes = _awaited(store)

    async def main() -> list[RecordOutcome]:
        first = asyncio.ensure_future(group.submit(Write(1, "R001", "like")))
        await asyncio.sleep(0)  # the first batch leaves with its one write
        later = [asyncio.ensure_future(group.submit(Write(u, "R002", "like"))) for u in range(2, 6)]
        for _ in range(3):
            await asyncio.sleep(0)  # later turns, the first batch still in flight
            later.append(asyncio.ensure_future(group.submit(Write(len(later) + 2, "R003", "rate", 4))))
        return [await first, *[await f for f in later]]

    outcomes = asyncio.run(main())
    assert sizes[0] == 1 and sum(sizes) == 8 and len(sizes) < 8  # the rest went together
    assert all(isinstance(o, RecordOutcome) and o.changed for o in outcomes)
    assert sorted({e[1] for e in stored_events(store)}) == list(range(1, 9))


def test_an_awaited_batch_that_fails_fails_its_requests_and_the_next_batch_still_goes() -> None:
    calls: list[list[int]] = []

    async def flaky(items: Sequence[int]) -> list[int | Exception]:
        calls.append(list(items))
        await asyncio.sleep(0)
        if len(calls) == 1:
            raise RuntimeError("the driver broke")
        return [i * 10 for i in items]

    group: TurnBatch[int, int] = TurnBatch(lambda items: [], False, run_async=flaky)

    async def main() -> tuple[list[int | BaseException], list[int]]:
        first = await asyncio.gather(group.submit(1), group.submit(2), return_exceptions=True)
        return first, await asyncio.gather(group.submit(3), group.submit(4))

    first, second = asyncio.run(main())
    assert all(isinstance(r, RuntimeError) for r in first)
    assert second == [30, 40] and calls == [[1, 2], [3, 4]]
