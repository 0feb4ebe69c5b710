"""Slow clients: a request must arrive in time, and one worker holds a bounded number of connections.

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
A reverse proxy in front (nginx, a cloud load balancer) is still expected to buffer requests and
cap connections per client; these guards keep one worker alive when it is not.
"""

from __future__ import annotations

import asyncio
import os
import signal
from asyncio import TimerHandle
from typing import Any, ClassVar

import orjson
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn_worker import UvicornWorker

from src.config import Settings


def _raw_response(status: int, reason: str, detail: str, extra_headers: str = "") -> bytes:
    body = orjson.dumps({"detail": detail})
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n{extra_headers}\r\n"
    )
    return head.encode("latin-1") + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol with a header-read deadline and a per-worker connection cap."""

    read_timeout_s: ClassVar[float] = 10.0
    max_connections: ClassVar[int] = 1000
    retry_after_s: ClassVar[int] = 1

    _header_timer: TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
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


MASTER_CHECK_S = 1  # seconds; how often a worker checks that its gunicorn master is still there


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

    async def callback_notify(self) -> None:
        if os.getppid() != self.ppid:
            self.log.warning("gunicorn master %s is gone; worker %s shutting down", self.ppid, os.getpid())
            os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's own graceful exit: in-flight requests finish
            return
        self.notify()


def configure(settings: Settings) -> None:
    """Apply the settings to the protocol class; called in the gunicorn master, before forking."""
    GuardedHttpToolsProtocol.read_timeout_s = settings.request_read_timeout_s
    GuardedHttpToolsProtocol.max_connections = settings.max_connections_per_worker


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
