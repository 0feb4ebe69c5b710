"""Group commit: the likes and ratings that reach one worker's event loop in the same turn are
recorded in one store transaction (`Store.record_many`).

Under load a turn of the event loop brings many requests at once (every connection whose request
arrived while the previous turn ran), so the fixed cost of a write transaction (the single writer's
turn and the commit on SQLite; a pooled connection, a thread hop and a round trip on PostgreSQL) is
paid once for all of them. A lone write waits for nothing: its batch is flushed at the next turn.
Every write is still committed before its request is answered, and a write that fails, fails alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from fastapi.concurrency import run_in_threadpool

from src.store import RecordOutcome, WriteWouldWait, first_write_must_not_wait
from src.store.rows import Write

MAX_BATCH = 64  # writes per transaction: a turn rarely brings more, and a batch holds the writer's turn

RecordMany = Callable[[Sequence[Write]], list[RecordOutcome | Exception]]


class GroupCommit:
    """One per worker. `record_many` records a batch (raising only WriteWouldWait, and only inside
    `first_write_must_not_wait()`); `inline` says whether it may run on the event loop (an embedded
    store, whose statements are sub-millisecond local calls) or must go to the thread pool;
    `max_batch` 1 sends each write on its own (a store with no multi-statement transaction, where a
    batch would only queue them)."""

    def __init__(self, record_many: RecordMany, inline: bool, max_batch: int = MAX_BATCH) -> None:
        self._record_many = record_many
        self._inline = inline
        self._max_batch = max_batch
        self._waiting: list[tuple[Write, asyncio.Future[RecordOutcome]]] = []
        self._in_flight: set[asyncio.Task[None]] = set()
        self.batches = 0  # transactions run, for tests and the curious
        self.writes = 0

    async def record(self, write: Write) -> RecordOutcome:
        """Record `write` with whatever else arrives in this turn; its outcome or its own error."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[RecordOutcome] = loop.create_future()
        self._waiting.append((write, done))
        if len(self._waiting) == 1:
            # after every request already scheduled in this turn has queued its write
            loop.call_soon(self._flush)
        return await done

    def _flush(self) -> None:
        waiting, self._waiting = self._waiting, []
        for start in range(0, len(waiting), self._max_batch):
            batch = waiting[start : start + self._max_batch]
            if self._inline and self._run_inline(batch):
                continue
            task = asyncio.get_running_loop().create_task(self._run_in_thread(batch))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    def _run_inline(self, batch: list[tuple[Write, asyncio.Future[RecordOutcome]]]) -> bool:
        """Record the batch on the event loop unless that would wait for another writer (False:
        nothing was written, the thread pool takes it)."""
        try:
            with first_write_must_not_wait():
                outcomes = self._record_many([w for w, _ in batch])
        except WriteWouldWait:
            return False
        except Exception as exc:  # a bug: every waiting request gets it rather than waiting forever
            _settle(batch, [exc] * len(batch))
            return True
        self._count(batch)
        _settle(batch, outcomes)
        return True

    async def _run_in_thread(self, batch: list[tuple[Write, asyncio.Future[RecordOutcome]]]) -> None:
        try:
            outcomes = await run_in_threadpool(self._record_many, [w for w, _ in batch])
        except Exception as exc:
            _settle(batch, [exc] * len(batch))
            return
        self._count(batch)
        _settle(batch, outcomes)

    def _count(self, batch: Sequence[object]) -> None:
        self.batches += 1
        self.writes += len(batch)


def _settle(
    batch: list[tuple[Write, asyncio.Future[RecordOutcome]]], outcomes: Sequence[RecordOutcome | Exception]
) -> None:
    for (_, done), outcome in zip(batch, outcomes, strict=True):
        if done.done():  # its request was cancelled (the client left): the write stands all the same
            continue
        if isinstance(outcome, Exception):
            done.set_exception(outcome)
        else:
            done.set_result(outcome)
