"""A worker accepts one connection per event-loop turn (`OneConnectionPerTurn`), so connections
opened together spread over the workers instead of all going to the one that woke first. Checked
here on both event loops the service may run (uvloop, asyncio's own); the real server runs it in
tests/faults/test_slow_clients.py and the multi-process tests."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest
import uvloop

from src.api.slow_clients import OneConnectionPerTurn

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
