"""The interaction rate limit: one counter for every worker (Redis), X-Forwarded-For believed only
from trusted proxies, and a 429 problem with Retry-After."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from src.api.ratelimit import client_address, parse_networks
from src.app import create_app
from src.config import Settings
from tests.plugins.api import seed_groups
from tests.plugins.service import SMALL_DEMO, free_port, running_service, workdir_env

REDIS_URL = "redis://127.0.0.1:6379/0"
LIKE = {"user_id": 5, "shoe_id": "R001", "action_type": "like"}


@pytest.fixture(scope="module")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at 127.0.0.1:6379: {exc}")
    return REDIS_URL


TRUSTED = parse_networks(("10.0.0.0/8", "127.0.0.1"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", None, "203.0.113.9"),  # no header
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # untrusted peer: header ignored
        ("127.0.0.1", "1.2.3.4", "1.2.3.4"),  # our proxy: believe it
        (
            "10.1.2.3",
            "6.6.6.6, 1.2.3.4, 10.9.9.9",
            "1.2.3.4",
        ),  # right-most hop not ours; 6.6.6.6 is spoofable
        ("10.1.2.3", "10.0.0.7, 10.0.0.8", "10.0.0.7"),  # only proxies: the left-most
        ("127.0.0.1", "not-an-ip, 1.2.3.4", "1.2.3.4"),
        ("127.0.0.1", "  ", "127.0.0.1"),
    ],
)
def test_client_address(peer: str, forwarded: str | None, expected: str) -> None:
    assert client_address(peer, forwarded, TRUSTED) == expected


def test_client_address_with_no_trusted_proxies_is_the_peer() -> None:
    assert client_address("127.0.0.1", "1.2.3.4", ()) == "127.0.0.1"
    assert ipaddress.ip_address("::1") in parse_networks(("::1",))[0]


def test_429_is_a_problem_with_retry_after(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(write_rate_limit_per_min=2, ct_threshold=1000)
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as client:
        assert [client.post("/v1/interact", json=LIKE).status_code for _ in range(2)] == [200, 200]
        r = client.post("/v1/interact", json=LIKE)
        assert r.status_code == 429 and r.headers["content-type"] == "application/problem+json"
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert "2 writes per minute" in r.json()["detail"]
        assert client.get("/v1/recommend/feed/5").status_code == 200  # reads are not limited


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("DELETE", "/v1/users/5", None),
        ("DELETE", "/v1/users/5/likes/R001", None),
        ("DELETE", "/v1/users/5/ratings/R001", None),
        ("PUT", "/v1/users/5/questionnaire", {"shoe_type": "road", "answers": {}}),
    ],
)
def test_every_write_route_spends_the_same_budget(
    settings_factory: Callable[..., Settings], method: str, path: str, body: Any
) -> None:
    settings = settings_factory(write_rate_limit_per_min=2, ct_threshold=1000, demo_open_edits=True)
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as client:
        assert client.post("/v1/interact", json=LIKE).status_code == 200
        assert client.request(method, path, json=body).status_code == 200
        refused = client.request(method, path, json=body)
        assert refused.status_code == 429 and "writes per minute" in refused.json()["detail"]
        assert client.post("/v1/interact", json=LIKE).status_code == 429
        assert client.get("/v1/recommend/feed/6").status_code == 200  # reads are not limited


def test_redis_down_fails_open(settings_factory: Callable[..., Settings]) -> None:
    port = free_port()  # nothing listens there
    settings = settings_factory(
        write_rate_limit_per_min=1, rate_limit_storage_url=f"redis://127.0.0.1:{port}/0", ct_threshold=1000
    )
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as client:
        assert [client.post("/v1/interact", json=LIKE).status_code for _ in range(3)] == [200, 200, 200]


@pytest.fixture
def two_worker_service(content_artifacts: Path, tmp_path: Path, redis_url: str) -> Iterator[str]:
    env = workdir_env(
        tmp_path,
        content_artifacts,
        **SMALL_DEMO,
        INTERACT_RATE_LIMIT_PER_MIN="10",
        RATE_LIMIT_STORAGE_URL=redis_url,
        RATE_LIMIT_NAMESPACE=f"test-{secrets.token_hex(6)}",  # this run's own counters
        TRUSTED_PROXIES="",
    )
    with running_service(env, tmp_path / "server.log") as base:
        yield base


@pytest.mark.slow
def test_two_workers_share_one_limit_and_ignore_untrusted_forwarded_for(two_worker_service: str) -> None:
    base = two_worker_service
    # a new connection per request, so the kernel spreads them over both workers
    pids = {
        httpx.get(f"{base}/health", headers={"Connection": "close"}).json()["worker_pid"] for _ in range(20)
    }
    assert len(pids) == 2, "both workers should answer"
    statuses = []
    for i in range(30):
        with httpx.Client(base_url=base) as client:  # fresh connection each time
            r = client.post("/v1/interact", json=LIKE, headers={"X-Forwarded-For": f"198.51.100.{i}"})
        statuses.append(r.status_code)
        if r.status_code == 429:
            assert 1 <= int(r.headers["retry-after"]) <= 60
    # 10 per minute in total, not 10 per worker, and a rotating header does not reset it
    assert statuses.count(200) == 10 and statuses.count(429) == 20, statuses
