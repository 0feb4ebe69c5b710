"""Slow clients and connections: a request must arrive in time, one worker holds a bounded number
of connections, and the workers share the connections opened together.

Three guards, all per worker process:
- **headers**: `GuardedHttpToolsProtocol` closes a connection whose request line and headers have
  not fully arrived within REQUEST_READ_TIMEOUT_S of it opening (or of the previous response on a
  keep-alive connection), answering 408. uvicorn itself only times out idle keep-alive connections,
  so a client trickling header bytes would otherwise hold its connection forever.
- **body**: `BodyReadTimeoutMiddleware` gives the whole body REQUEST_READ_TIMEOUT_S from the moment
  the headers are in; a body that stalls gets 408 and the connection is closed.
- **connections**: beyond MAX_CONNECTIONS_PER_WORKER open connections, a new one is answered 503
  with `Retry-After` and closed at once, before any request is parsed.
Idle keep-alive connections are closed after KEEPALIVE_TIMEOUT_S (gunicorn's `keepalive`).
The workers of one service accept from the socket the gunicorn master opened. uvloop's server takes
every connection waiting there at once, so a client opening its pool of 32 connections together could
get all of them from the worker that woke first, which then served them alone while the other
idled (seen in the realistic soak: 1 or 2 windows in 20 at 0.97 cores of 2, at 0.6x the throughput).
`TurnTakingServer` accepts one connection per event-loop turn instead: a busy worker takes fewer;
and a worker holding more connections than another live worker leaves the next to it for a moment
(`ConnectionShares`), so a burst that arrives while one worker is busy still spreads.
A reverse proxy in front (nginx, a cloud load balancer) is still expected to buffer requests and
cap connections per client; these guards keep one worker alive when it is not.
The same protocol class sends a response's status line, headers and body in one write at the end of
the event-loop turn (`TurnWriteTransport`) instead of one send each.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from asyncio import TimerHandle
from collections.abc import Callable
from typing import Any, ClassVar

import orjson
from gunicorn.arbiter import Arbiter
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import Server
from uvicorn_worker import UvicornWorker

from src.config import Settings

log = logging.getLogger("sonix")


def _raw_response(status: int, reason: str, detail: str, extra_headers: str = "") -> bytes:
    body = orjson.dumps({"detail": detail})
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n{extra_headers}\r\n"
    )
    return head.encode("latin-1") + body


class TurnWriteTransport:
    """A connection's transport whose writes of one event-loop turn leave in one call.

    uvicorn writes a response's status line and headers, then its body, each straight to the socket:
    two send() calls, two TCP segments and two wake-ups of the client for one small JSON answer
    (py-spy: the socket writes were a tenth of a worker's time under the traffic mix). Held to the
    end of the turn, they go in one send; so do the answers to pipelined requests. Everything else
    is the real transport's, and closing sends what is held first."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)

    def flush(self) -> None:
        if not self._held:
            return
        held, self._held = self._held, []
        if not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol with a header-read deadline, a per-worker connection cap, and a
    response's writes sent together (`TurnWriteTransport`)."""

    read_timeout_s: ClassVar[float] = 10.0
    max_connections: ClassVar[int] = 1000
    retry_after_s: ClassVar[int] = 1
    shares: ClassVar[ConnectionShares | None] = None  # set in the gunicorn master (`configure`)

    _header_timer: TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # the request cycles write through it; flow control (FlowControl) keeps the real transport
        self.transport = TurnWriteTransport(transport, self.loop)  # type: ignore[assignment]
        if self.shares is not None:
            self.shares.set_open(len(self.connections))
        if len(self.connections) > self.max_connections:
            transport.write(
                _raw_response(
                    503,
                    "Service Unavailable",
                    f"this worker already holds {self.max_connections} connections"
                    " (MAX_CONNECTIONS_PER_WORKER); retry shortly",
                    f"retry-after: {self.retry_after_s}\r\n",
                )
            )
            transport.close()
            return
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.read_timeout_s, self._on_header_timeout)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _on_header_timeout(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.write(
                _raw_response(
                    408,
                    "Request Timeout",
                    f"request headers not received within {self.read_timeout_s:g} s (REQUEST_READ_TIMEOUT_S)",
                )
            )
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._cancel_header_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._arm_header_timer()  # the next request on this keep-alive connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)
        if self.shares is not None:
            self.shares.set_open(len(self.connections))


ACCEPT_RETRY_S = 1.0  # after an accept failed for want of descriptors (as asyncio's own server waits)
MASTER_CHECK_S = 1  # seconds; how often a worker checks that its gunicorn master is still there
SHARE_SLACK = 2  # open connections a worker may hold above the least-loaded live worker before yielding
YIELD_S = 0.002  # how long a worker ahead stops listening, so the others take what is waiting
MAX_YIELD_S = 0.05  # a worker yields no longer than this in a row (the others may be busy or stuck)


class ConnectionShares:
    """Each worker's open connections, in memory the gunicorn master shares with the workers it forks.

    Taking one connection per turn spreads a burst only while every worker is free to accept: a
    worker busy for a few tens of milliseconds (following a new CF version, a long ranking) lets the
    other take a whole client pool of 64 connections opened together, which it then serves alone on
    one core for as long as they stay open (seen in 10 s benchmark runs: 0.99 of 2 cores, ~55 % of
    the throughput). A worker holding more than SHARE_SLACK above the least-loaded live worker stops
    listening for YIELD_S, so a waiting connection goes to another, but never for more than MAX_YIELD_S
    in a row. A slot whose process is gone counts for nothing."""

    SLOTS = 128

    def __init__(self) -> None:
        import ctypes
        import multiprocessing

        self._pids = multiprocessing.RawArray(ctypes.c_long, self.SLOTS)
        self._open = multiprocessing.RawArray(ctypes.c_long, self.SLOTS)
        self._lock = multiprocessing.Lock()
        self._slot = -1

    def join(self, member: int | None = None) -> None:
        """Take a slot for this process (`member`: its pid), reusing one whose process is gone."""
        member = os.getpid() if member is None else member
        with self._lock:
            for i in range(self.SLOTS):
                if self._pids[i] in (0, member) or not self._alive(self._pids[i]):
                    self._pids[i], self._open[i], self._slot = member, 0, i
                    return

    def set_open(self, n: int) -> None:
        if self._slot >= 0:
            self._open[self._slot] = n

    def ahead_by(self) -> int:
        """This worker's open connections minus the fewest of another live worker (0 alone)."""
        if self._slot < 0:
            return 0
        others = [
            self._open[i]
            for i in range(self.SLOTS)
            if i != self._slot and self._pids[i] != 0 and self._alive(self._pids[i])
        ]
        return self._open[self._slot] - min(others) if others else 0

    @staticmethod
    def _alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class OneConnectionPerTurn:
    """A listening socket this worker accepts from one connection per event-loop turn; closed like
    an asyncio server (uvicorn's shutdown calls `close` and `wait_closed`)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        protocol: Callable[[], asyncio.Protocol],
        shares: ConnectionShares | None = None,
    ) -> None:
        self._loop, self._sock, self._protocol = loop, sock, protocol
        self._shares = shares
        self._yielding_since: float | None = None
        self._opening: set[asyncio.Task[None]] = set()
        self._open = True
        sock.setblocking(False)
        loop.add_reader(sock.fileno(), self._accept_one)

    def _accept_one(self) -> None:
        if self._leaves_it_to_another():
            return
        try:
            conn, _ = self._sock.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return  # another worker took it
        except OSError as exc:  # out of descriptors or buffers: stop listening for a second
            log.warning("accept failed (%s); retrying in %g s", exc, ACCEPT_RETRY_S)
            self._loop.remove_reader(self._sock.fileno())
            self._loop.call_later(ACCEPT_RETRY_S, self._listen_again)
            return
        if conn.family in (socket.AF_INET, socket.AF_INET6):
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as uvloop's own server does
        task = self._loop.create_task(self._open_connection(conn))
        self._opening.add(task)
        task.add_done_callback(self._opening.discard)

    async def _open_connection(self, conn: socket.socket) -> None:
        try:
            await self._loop.connect_accepted_socket(self._protocol, conn)
        except OSError:  # the client left before its transport was made
            conn.close()

    def _leaves_it_to_another(self) -> bool:
        """Whether this worker, ahead of another live one (`ConnectionShares`), stops listening for
        YIELD_S instead of accepting."""
        if self._shares is None or self._shares.ahead_by() <= SHARE_SLACK:
            self._yielding_since = None
            return False
        now = self._loop.time()
        if self._yielding_since is None:
            self._yielding_since = now
        elif now - self._yielding_since >= MAX_YIELD_S:
            self._yielding_since = None  # the others did not take it: this worker does
            return False
        self._loop.remove_reader(self._sock.fileno())
        self._loop.call_later(YIELD_S, self._listen_again)
        return True

    def _listen_again(self) -> None:
        if self._open:
            self._loop.add_reader(self._sock.fileno(), self._accept_one)

    def close(self) -> None:
        if self._open:
            self._open = False
            self._loop.remove_reader(self._sock.fileno())

    async def wait_closed(self) -> None:
        await asyncio.gather(*self._opening, return_exceptions=True)


class TurnTakingServer(Server):
    """uvicorn's server, accepting from the inherited sockets one connection per event-loop turn."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[] if sockets else sockets)  # the lifespan; no listener yet
        if not sockets or not self.started:
            return
        loop = asyncio.get_running_loop()

        def protocol() -> asyncio.Protocol:
            return self.config.http_protocol_class(  # type: ignore[call-arg]
                config=self.config, server_state=self.server_state, app_state=self.lifespan.state, _loop=loop
            )

        shares = GuardedHttpToolsProtocol.shares
        self.servers = [OneConnectionPerTurn(loop, sock, protocol, shares) for sock in sockets]  # type: ignore[misc]


class GuardedUvicornWorker(UvicornWorker):
    """The gunicorn worker class the service runs (`src.main.serve`).

    It also leaves when its master dies (kill -9, OOM): an orphaned worker would keep accepting on
    the inherited socket, serving with settings and models nobody manages any more, and hold the
    port against the restarted service."""

    CONFIG_KWARGS: dict[str, Any] = {"loop": "auto", "http": GuardedHttpToolsProtocol}  # noqa: RUF012 - uvicorn reads it as a class attribute

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # uvicorn calls callback_notify every timeout_notify seconds from its main loop's tick
        self.config.timeout_notify = min(self.config.timeout_notify, MASTER_CHECK_S)

    def init_process(self) -> None:
        if GuardedHttpToolsProtocol.shares is not None:  # forked: this process's own slot
            GuardedHttpToolsProtocol.shares.join()
        super().init_process()

    async def callback_notify(self) -> None:
        if os.getppid() != self.ppid:
            self.log.warning("gunicorn master %s is gone; worker %s shutting down", self.ppid, os.getpid())
            os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's own graceful exit: in-flight requests finish
            return
        self.notify()

    async def _serve(self) -> None:
        # uvicorn_worker's own, with the turn-taking server
        self.config.app = self.wsgi
        server = TurnTakingServer(config=self.config)
        self._install_sigquit_handler()
        await server.serve(sockets=self.sockets)
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)


def configure(settings: Settings) -> None:
    """Apply the settings to the protocol class; called in the gunicorn master, before forking."""
    GuardedHttpToolsProtocol.read_timeout_s = settings.request_read_timeout_s
    GuardedHttpToolsProtocol.max_connections = settings.max_connections_per_worker
    GuardedHttpToolsProtocol.shares = ConnectionShares()


class BodyReadTimeout(HTTPException):
    """The body did not arrive in time. An HTTPException, so the framework's body parsing passes
    it through as a 408 instead of calling it a malformed body."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(
            408,
            detail=f"request body not received within {timeout_s:g} s (REQUEST_READ_TIMEOUT_S)",
            headers={"Connection": "close"},
        )


class BodyReadTimeoutMiddleware:
    """408 when the request body has not fully arrived REQUEST_READ_TIMEOUT_S after the headers."""

    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.timeout_s
        body_done = False
        response_started = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:  # after the body only a disconnect can come: no deadline for that wait
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyReadTimeout(self.timeout_s) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, timed_receive, tracking_send)
        except BodyReadTimeout as exc:  # raised where no exception handler turned it into a response
            if response_started:
                raise
            await send(
                {
                    "type": "http.response.start",
                    "status": 408,
                    "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
                }
            )
            await send({"type": "http.response.body", "body": orjson.dumps({"detail": exc.detail})})
