"""A response's writes leave in one call at the end of the event-loop turn (`TurnWriteTransport`):
what uvicorn writes as the status line and headers, then the body, reaches the socket as one send.
Checked on a recording transport, then through uvicorn's real server with the service's protocol."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
import uvicorn

from src.api.slow_clients import GuardedHttpToolsProtocol, TurnWriteTransport


class _Recording:
    """The parts of asyncio.Transport that TurnWriteTransport uses, recording the writes."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed, "written after close"
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> Any:
        return f"extra:{name}"


async def _turns(n: int = 3) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


def test_the_writes_of_one_turn_leave_together_after_it() -> None:
    async def scenario() -> None:
        real = _Recording()
        transport = TurnWriteTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        transport.write(b"{}")
        assert real.writes == []  # held until the turn ends
        await _turns()
        assert real.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
        transport.write(b"next")
        await _turns()
        assert real.writes[1:] == [b"next"]  # a later turn: a send of its own
        assert transport.get_extra_info("peername") == "extra:peername"  # the rest is the real one's

    asyncio.run(scenario())


def test_closing_sends_what_is_held_first_and_a_closed_connection_gets_nothing() -> None:
    async def scenario() -> None:
        real = _Recording()
        transport = TurnWriteTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"408 answer")
        transport.close()
        assert real.writes == [b"408 answer"] and real.closed
        await _turns()  # the flush scheduled by the write finds nothing left
        assert real.writes == [b"408 answer"]

        gone = _Recording()
        transport = TurnWriteTransport(gone, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"late")
        gone.closed = True  # the client left within the turn
        await _turns()
        assert gone.writes == []

    asyncio.run(scenario())


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = scope["path"].encode()
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]}
    )
    await send({"type": "http.response.body", "body": body})


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_uvicorn_with_the_service_protocol_answers_pipelined_and_closing_requests_whole(loop: str) -> None:
    async def scenario() -> bytes:
        listener = socket.create_server(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        config = uvicorn.Config(_app, http=GuardedHttpToolsProtocol, lifespan="off", log_level="warning")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve(sockets=[listener]))
        while not server.started:
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /two HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        await writer.drain()
        received = await asyncio.wait_for(reader.read(), timeout=10)  # to EOF: the server closed
        writer.close()
        server.should_exit = True
        await serving
        return received

    runner_loop = None
    if loop == "uvloop":
        import uvloop

        runner_loop = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=runner_loop) as runner:
        received = runner.run(scenario())
    answers = received.split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert [a.rsplit(b"\r\n\r\n", 1)[1] for a in answers] == [b"/one", b"/two", b"/three"]
    assert b"connection: close" in answers[2]
