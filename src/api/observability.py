"""Request ids, HTTP metrics and the request-body limit, as one raw ASGI middleware.

A raw ASGI middleware (not Starlette's BaseHTTPMiddleware) keeps the per-request overhead to a
few microseconds. The metrics themselves live in `src/metrics.py`, the JSON log format in
`src/logs.py` (both shared with the CT process).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from src.api.errors import PROBLEM_JSON, problem_body
from src.logs import request_id_var
from src.metrics import HTTP_LATENCY, HTTP_REQUESTS

log = logging.getLogger("sonix")

# An incoming X-Request-ID is kept only if it is short and plain (it is echoed in headers and logs).
_SANE_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:@/+=-]{1,128}$")

NOSNIFF = (b"x-content-type-options", b"nosniff")


def _problem_messages(status: int, detail: str, request_id: str) -> tuple[Message, Message]:
    body = problem_body(status, detail, request_id)
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id.encode()),
            NOSNIFF,
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class ObservabilityMiddleware:
    """Request id (from X-Request-ID or new, echoed back), metrics by route template, body limit."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # the labelled children, looked up once per (route, method, status) instead of per request
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = ""
        content_length = -1
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                request_id = value.decode("ascii") if _SANE_REQUEST_ID.match(value) else ""
            elif name == b"content-length":
                content_length = int(value) if value.isdigit() else -1
        request_id = request_id or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_holder = [500]
        started_response = [False]
        rid = request_id.encode("latin-1")

        if content_length > self.max_body_bytes:
            start, body = _problem_messages(
                413,
                f"request body too large: {content_length} bytes (limit {self.max_body_bytes})",
                request_id,
            )
            await send(start)
            await send(body)
            self._observe(scope, 413, started)
            request_id_var.reset(token)
            return

        received = 0
        limit = self.max_body_bytes

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                started_response[0] = True
                status_holder[0] = message["status"]
                headers = message.get("headers", [])
                added = [(b"x-request-id", rid)]
                if not any(name == NOSNIFF[0] for name, _ in headers):
                    added.append(NOSNIFF)  # no body is ever sniffed into another type
                message["headers"] = [*headers, *added]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except _BodyTooLarge:
            start, body = _problem_messages(413, f"request body too large (limit {limit} bytes)", request_id)
            status_holder[0] = 413
            await send(start)
            await send(body)
        except Exception:
            # Answered here, inside the request id's context, so the 500 body, header and log agree.
            log.exception("unhandled error")
            status_holder[0] = 500
            if started_response[0]:
                raise
            start, body = _problem_messages(
                500, f"internal error; quote request id {request_id} when reporting it", request_id
            )
            await send(start)
            await send(body)
        finally:
            self._observe(scope, status_holder[0], started)
            request_id_var.reset(token)

    def _observe(self, scope: Scope, status: int, started: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or (
            "/static/*" if scope.get("path", "").startswith("/static/") else "unmatched"
        )
        key = (template, scope.get("method", ""), status)
        series = self._series.get(key)
        if series is None:  # route templates x methods x statuses: a few hundred at most
            series = (HTTP_REQUESTS.labels(key[0], key[1], str(status)), HTTP_LATENCY.labels(key[0], key[1]))
            self._series[key] = series
        series[0].inc()
        series[1].observe(time.perf_counter() - started)


class _BodyTooLarge(Exception):
    pass
