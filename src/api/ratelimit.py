"""The per-client limit on writes (interactions, taking back, saved answers, erasure), shared by
every worker and replica.

The `limits` library keeps a moving one-minute window per client in the storage named by
`RATE_LIMIT_STORAGE_URL`: `redis://…` is one counter for all workers and replicas; `memory://` (the
default) counts per worker process, so N workers admit up to N times the limit. The client is the
TCP peer, unless that peer is one of `TRUSTED_PROXIES`: then it is the right-most address of
`X-Forwarded-For` that is not itself a trusted proxy.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from functools import cached_property
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from src.config import Settings

log = logging.getLogger("sonix")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The client a request stands for: X-Forwarded-For is read only when the peer is trusted."""

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in trusted)

    if peer is None:
        return "unknown"
    if not forwarded_for or not is_trusted(peer):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):  # the right-most hops were added by our own proxies
        if not is_trusted(hop):
            return hop
    return hops[0] if hops else peer


class WriteRateLimit:
    """`per_minute` writes per client, counted in the shared storage (one budget for every write route)."""

    def __init__(self, settings: Settings) -> None:
        self.per_minute = settings.write_rate_limit_per_min
        self.storage_url = settings.rate_limit_storage_url
        self.namespace = settings.rate_limit_namespace
        self.trusted = parse_networks(settings.trusted_proxy_networks)

    @cached_property
    def _limiter(self) -> MovingWindowRateLimiter:
        # a slow Redis must not hold requests: short timeouts, then the check fails open
        options = (
            {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}
            if self.storage_url.startswith("redis")
            else {}
        )
        return MovingWindowRateLimiter(storage_from_string(self.storage_url, **options))

    def check(self, client: str) -> None:
        """Count one hit; raise 429 with Retry-After when the client is over the limit."""
        if not self.per_minute:
            return
        item = RateLimitItemPerMinute(self.per_minute)
        try:
            allowed = self._limiter.hit(item, self.namespace, "write", client)
        except Exception as exc:  # the counter store is down: serve rather than refuse everyone
            log.warning("rate-limit storage unavailable, not limiting: %s", exc)
            return
        if allowed:
            return
        reset_at = self._limiter.get_window_stats(item, self.namespace, "write", client).reset_time
        retry_after = max(1, math.ceil(reset_at - time.time()))
        raise HTTPException(
            429,
            detail=f"rate limit exceeded: at most {self.per_minute} writes per minute per client",
            headers={"Retry-After": str(retry_after)},
        )


async def limit_writes(request: Request) -> None:
    limiter: WriteRateLimit = (
        request.app.state.rate_limit
    )  # the state module names this class: no import back
    if not limiter.per_minute:
        return  # async and early: no thread-pool hop when there is no limit
    peer = request.client.host if request.client else None
    client = client_address(peer, request.headers.get("x-forwarded-for"), limiter.trusted)
    await run_in_threadpool(limiter.check, client)  # the storage may be a network round trip


WriteLimit = Annotated[None, Depends(limit_writes)]
