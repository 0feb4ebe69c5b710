"""One store call for the calls of one event-loop turn: group commit for writes, and one round trip
for the feed's freshness checks on a network store.

Under load a turn of a worker's event loop brings many requests at once (every connection whose
request arrived while the previous turn ran), so the fixed cost of a store call (the single writer's
turn and the commit on SQLite; a pooled connection, a thread hop and a round trip on PostgreSQL) is
paid once for all of them. A lone call waits for nothing: its batch goes at the next turn. Every
write is still committed before its request is answered, and a call that fails, fails alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from fastapi.concurrency import run_in_threadpool

from src.store import WriteWouldWait, first_write_must_not_wait

MAX_BATCH = 64  # calls per store call: a turn rarely brings more, and a write batch holds the writer's turn

T = TypeVar("T")
R = TypeVar("R")


class TurnBatch(Generic[T, R]):
    """One per worker and kind of call. `run` answers a batch in order, one result or error per
    item (raising only WriteWouldWait, and only inside `first_write_must_not_wait()`); `inline`
    says whether it may run on the event loop (an embedded store, whose statements are
    sub-millisecond local calls) or must go to the thread pool; `max_batch` 1 sends each call on its
    own (a store with no multi-statement transaction, where a batch would only queue them).
    `run_async`, where the store has an async driver (PostgreSQL), is awaited on the event loop
    instead, one batch at a time: while one is in flight the calls of the next turns gather."""

    def __init__(
        self,
        run: Callable[[Sequence[T]], Sequence[R | Exception]],
        inline: bool,
        max_batch: int = MAX_BATCH,
        run_async: Callable[[Sequence[T]], Awaitable[Sequence[R | Exception]]] | None = None,
    ) -> None:
        self._run = run
        self._inline = inline
        self._max_batch = max_batch
        self._run_async = run_async
        self._sending = False
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._in_flight: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        """`item`'s result, from one call with whatever else arrives in this turn; or its own error."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, done))
        if len(self._waiting) == 1:
            # after every request already scheduled in this turn has queued its call
            loop.call_soon(self._flush)
        return await done

    def _flush(self) -> None:
        if self._run_async is not None:
            self._send_next()
            return
        waiting, self._waiting = self._waiting, []
        for start in range(0, len(waiting), self._max_batch):
            batch = waiting[start : start + self._max_batch]
            if self._inline and self._run_inline(batch):
                continue
            task = asyncio.get_running_loop().create_task(self._run_in_thread(batch))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    def _run_inline(self, batch: list[tuple[T, asyncio.Future[R]]]) -> bool:
        """Run the batch on the event loop unless its write would wait for another writer (False:
        nothing was written, the thread pool takes it)."""
        try:
            with first_write_must_not_wait():
                results = self._run([item for item, _ in batch])
        except WriteWouldWait:
            return False
        except Exception as exc:  # a bug: every waiting request gets it rather than waiting forever
            _settle(batch, [exc] * len(batch))
            return True
        _settle(batch, results)
        return True

    def _send_next(self) -> None:
        if self._sending or not self._waiting:
            return
        batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
        self._sending = True
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _send(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        assert self._run_async is not None
        try:
            results: Sequence[R | Exception] = await self._run_async([item for item, _ in batch])
        except asyncio.CancelledError:  # the worker is stopping: its requests stop too
            for _, done in batch:
                done.cancel()
            raise
        except Exception as exc:  # a bug: every waiting request gets it rather than waiting forever
            results = [exc] * len(batch)
        finally:
            self._sending = False
        _settle(batch, results)
        self._send_next()  # what gathered meanwhile

    async def _run_in_thread(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await run_in_threadpool(self._run, [item for item, _ in batch])
        except Exception as exc:
            _settle(batch, [exc] * len(batch))
            return
        _settle(batch, results)


def _settle(batch: Sequence[tuple[object, asyncio.Future[R]]], results: Sequence[R | Exception]) -> None:
    for (_, done), result in zip(batch, results, strict=True):
        if done.done():  # its request was cancelled (the client left): a write stands all the same
            continue
        if isinstance(result, Exception):
            done.set_exception(result)
        else:
            done.set_result(result)
