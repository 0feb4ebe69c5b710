"""Slow clients against the real server (gunicorn + the guarded uvicorn worker): trickled headers
and stalled bodies get 408 and are closed; connections beyond the per-worker cap get 503 with
Retry-After; normal requests keep working throughout."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.plugins.service import running_service, workdir_env
from tests.plugins.waiting import wait_until

READ_TIMEOUT_S = 1.5
MAX_CONNECTIONS = 8


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, content_artifacts: Path) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("slow_clients")
    env = workdir_env(
        tmp,
        content_artifacts,
        DEMO_USERS="50",
        WORKERS="1",
        REQUEST_READ_TIMEOUT_S=str(READ_TIMEOUT_S),
        MAX_CONNECTIONS_PER_WORKER=str(MAX_CONNECTIONS),
        KEEPALIVE_TIMEOUT_S="2",
    )
    with running_service(env, tmp / "server.log") as base:
        yield base


def _connect(base_url: str) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            data = sock.recv(65536)
        except ConnectionResetError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def test_trickled_headers_get_408_and_the_connection_is_closed(base_url: str) -> None:
    sock = _connect(base_url)
    started = time.monotonic()
    sock.sendall(b"POST /interact HTTP/1.1\r\nHost: x\r\nContent-Type: appl")
    reply = _read_all(sock)  # returns when the server closes
    elapsed = time.monotonic() - started
    sock.close()
    assert reply.startswith(b"HTTP/1.1 408"), reply
    assert b"REQUEST_READ_TIMEOUT_S" in reply
    # about time itself: the server closes the connection after REQUEST_READ_TIMEOUT_S, not before
    assert READ_TIMEOUT_S * 0.8 <= elapsed < READ_TIMEOUT_S + 2


def test_a_stalled_body_gets_408_and_the_connection_is_closed(base_url: str) -> None:
    sock = _connect(base_url)
    started = time.monotonic()
    sock.sendall(
        b"POST /interact HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n"
        b'{"user_id": 1, '
    )
    reply = _read_all(sock)
    elapsed = time.monotonic() - started
    sock.close()
    assert reply.startswith(b"HTTP/1.1 408"), reply
    assert b"request body not received" in reply
    assert elapsed < READ_TIMEOUT_S + 2  # about time itself: the stalled body is timed out
    # nothing was stored for the half-sent write, and the server still serves
    assert httpx.get(f"{base_url}/health/ready", timeout=5).status_code == 200


def test_connections_beyond_the_cap_get_503_with_retry_after(base_url: str) -> None:
    held = [_connect(base_url) for _ in range(MAX_CONNECTIONS)]
    try:
        for sock in held:
            sock.sendall(b"GET /health HTTP/1.1\r\n")  # open, half-sent: counted until timed out
        time.sleep(0.2)  # the workers accept the held connections (no event to wait on from outside)
        extra = _connect(base_url)
        reply = _read_all(extra)
        extra.close()
        assert reply.startswith(b"HTTP/1.1 503"), reply
        assert b"retry-after: 1" in reply.lower()
        assert b"MAX_CONNECTIONS_PER_WORKER" in reply
    finally:
        for sock in held:
            sock.close()
    # the slots are freed as the server sees the held connections close
    like = {"user_id": 77, "shoe_id": "R001", "action_type": "like"}
    wait_until(lambda: httpx.post(f"{base_url}/interact", json=like).status_code == 200, 10, "a free slot")
