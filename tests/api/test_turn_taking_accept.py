"""A worker accepts one connection per event-loop turn (`OneConnectionPerTurn`), so connections
opened together spread over the workers instead of all going to the one that woke first. Checked
here on both event loops the service may run (uvloop, asyncio's own); the real server runs it in
tests/faults/test_slow_clients.py and the multi-process tests."""

from __future__ import annotations

import asyncio
import copy
import os
import socket
import threading
import time
from collections.abc import Callable

import pytest
import uvloop

from src.api.slow_clients import SHARE_SLACK, ConnectionShares, OneConnectionPerTurn

LOOPS: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
    "uvloop": uvloop.new_event_loop,
    "asyncio": asyncio.new_event_loop,
}


class _Recorder(asyncio.Protocol):
    def __init__(self, made: list[asyncio.BaseTransport]) -> None:
        self.made = made

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.made.append(transport)


async def _accepted_per_turn(n_clients: int) -> tuple[list[int], int]:
    """Connections made after each loop turn while `n_clients` wait, and those made after close."""
    loop = asyncio.get_running_loop()
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(n_clients)]
    made: list[asyncio.BaseTransport] = []
    acceptor = OneConnectionPerTurn(loop, listener, lambda: _Recorder(made))
    counts = []
    for _ in range(20 * n_clients):
        await asyncio.sleep(0)
        counts.append(len(made))
        if len(made) == n_clients:
            break
    acceptor.close()
    await acceptor.wait_closed()
    late = socket.create_connection(("127.0.0.1", port))
    for _ in range(20):
        await asyncio.sleep(0)
    after_close = len(made) - n_clients
    for transport in made:
        transport.close()
    for sock in [*clients, late, listener]:
        sock.close()
    return counts, after_close


@pytest.mark.parametrize("loop_name", sorted(LOOPS))
def test_waiting_connections_are_taken_one_per_turn(loop_name: str) -> None:
    with asyncio.Runner(loop_factory=LOOPS[loop_name]) as runner:
        counts, after_close = runner.run(_accepted_per_turn(6))
    assert counts[-1] == 6  # every waiting connection was taken
    steps = [b - a for a, b in zip([0, *counts], counts, strict=False)]
    assert max(steps) == 1  # never more than one in one turn (a greedy accept takes all six at once)
    assert after_close == 0  # closed: nothing more is accepted


class _AlwaysAlive(ConnectionShares):
    """Slots held by the test's two acceptors (one process): both count as live workers."""

    @staticmethod
    def _alive(pid: int) -> bool:
        return True


class _Counting(asyncio.Protocol):
    def __init__(self, made: list[asyncio.BaseTransport], shares: ConnectionShares | None) -> None:
        self.made, self.shares = made, shares

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.made.append(transport)
        if self.shares is not None:
            self.shares.set_open(len(self.made))


def _burst_while_one_worker_is_busy(share: bool, n_clients: int = 20) -> tuple[int, int]:
    """Two acceptors on one listening socket, each on its own event loop (thread); the second is busy
    (a 150 ms turn) while `n_clients` connect. Returns how many connections each ended with."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    shares_a = _AlwaysAlive() if share else None
    shares_b = copy.copy(shares_a)  # the same shared counters, a slot of its own
    for member, shares in ((101, shares_a), (102, shares_b)):
        if shares is not None:
            shares.join(member)
    made: dict[str, list[asyncio.BaseTransport]] = {"a": [], "b": []}
    ready = threading.Barrier(3)
    stop = threading.Event()

    def worker(name: str, shares: ConnectionShares | None, busy_s: float) -> None:
        async def serve() -> None:
            loop = asyncio.get_running_loop()
            acceptor = OneConnectionPerTurn(loop, listener, lambda: _Counting(made[name], shares), shares)
            ready.wait()
            if busy_s:
                time.sleep(busy_s)  # a long turn: the loop cannot accept meanwhile
            while not stop.is_set():
                await asyncio.sleep(0.005)
            acceptor.close()
            for transport in made[name]:
                transport.close()

        asyncio.run(serve())

    threads = [
        threading.Thread(target=worker, args=("a", shares_a, 0.0)),
        threading.Thread(target=worker, args=("b", shares_b, 0.15)),
    ]
    for t in threads:
        t.start()
    ready.wait()
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(n_clients)]
    deadline = time.monotonic() + 5
    while len(made["a"]) + len(made["b"]) < n_clients and time.monotonic() < deadline:
        time.sleep(0.01)
    counts = len(made["a"]), len(made["b"])
    stop.set()
    for t in threads:
        t.join(timeout=5)
    for sock in [*clients, listener]:
        sock.close()
    return counts


def test_a_worker_ahead_leaves_connections_to_a_busy_one() -> None:
    alone_a, alone_b = _burst_while_one_worker_is_busy(share=False)
    assert alone_a + alone_b == 20 and alone_a >= 18  # without shares the free worker takes the burst
    a, b = _burst_while_one_worker_is_busy(share=True)
    assert a + b == 20
    # the free one yields past SHARE_SLACK, taking one only every MAX_YIELD_S while the other is busy
    assert abs(a - b) <= 2 * SHARE_SLACK + 4, (a, b)


def test_shares_count_only_live_workers_and_reuse_a_dead_ones_slot() -> None:
    shares = ConnectionShares()
    shares.join()
    shares.set_open(5)
    assert shares.ahead_by() == 0  # alone
    other = copy.copy(shares)
    other.join(2**22 + 12345)  # no such process: counts for nothing
    other.set_open(0)
    assert shares.ahead_by() == 0
    live = copy.copy(shares)
    live.join(os.getppid())  # a live process: it takes the dead member's slot, not a new one
    assert live._slot == other._slot
    live.set_open(1)
    assert shares.ahead_by() == 4
    live.set_open(5)
    assert shares.ahead_by() == 0
