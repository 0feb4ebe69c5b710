"""PostgreSQL stopped, crashed and killed under the API: 503 at once with Retry-After while it is
down, nothing half-written, and full service within 2 s of the server accepting connections."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.config import Settings
from tests.faults.pg_cluster import ThrowawayCluster
from tests.plugins.api import seed_groups

RUNNER = 4242
FAST_503_S = 0.5  # while known down, a store-bound request must not wait for a timeout
RECOVERY_TARGET_S = 2.0


@pytest.fixture
def client(
    settings_factory: Callable[..., Settings], pg_cluster: ThrowawayCluster, content_artifacts: Path
) -> Iterator[TestClient]:
    import psycopg

    with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    settings = settings_factory(database_url=pg_cluster.url, db_timeout_s=5.0, db_reprobe_s=0.1)
    shutil.copytree(content_artifacts, settings.artifacts_dir, dirs_exist_ok=True)
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as c:
        yield c


def _like(client: TestClient, shoe_id: str) -> httpx.Response:
    return client.post("/interact", json={"user_id": RUNNER, "shoe_id": shoe_id, "action_type": "like"})


def _stored(client: TestClient) -> set[str]:
    return {row.shoe_id for row in client.app.state.store.user_state(RUNNER).rows}  # type: ignore[attr-defined]


def outage_and_recovery(client: TestClient, cluster: ThrowawayCluster, how: str) -> float:
    """Take the server down `how`, check the answers while down, bring it back; returns the time
    from the server accepting connections to the first successful write."""
    assert _like(client, "R001").status_code == 200
    if how == "kill":
        cluster.kill()
    else:
        cluster.stop(how)
    try:  # the cluster comes back even when a check fails, so later tests find it up
        answers = []
        for shoe in ("R002", "R003", "R004", "R005", "R006"):
            started = time.monotonic()
            r = _like(client, shoe)
            answers.append((r, time.monotonic() - started))
        started = time.monotonic()
        feed = client.get(f"/recommend/feed/{RUNNER}")  # a turn's feed reads, awaited on the event loop
        feed_s = time.monotonic() - started
        ready = client.get("/health/ready")
        assert ready.status_code == 503 and "data store is unavailable" in ready.json()["detail"]
        assert feed.status_code == 503 and "store is unavailable" in feed.json()["detail"], feed.text
        assert int(feed.headers["Retry-After"]) >= 1 and feed_s < FAST_503_S
        for r, _ in answers:
            assert r.status_code == 503, r.text
            assert "store is unavailable" in r.json()["detail"]
            assert int(r.headers["Retry-After"]) >= 1
        # the first request may find out the hard way; every later one is answered at once
        assert max(elapsed for _, elapsed in answers[1:]) < FAST_503_S, answers
    finally:
        accepting_at = cluster.start()
    while True:  # about time itself: polls as tightly as it measures the recovery
        r = _like(client, "R007")
        if r.status_code == 200:
            recovered_at = time.monotonic()
            break
        assert r.status_code == 503
        assert time.monotonic() - accepting_at < 30, "no recovery in 30 s"
        time.sleep(0.01)
    assert client.get("/health/ready").status_code == 200
    assert client.get(f"/recommend/feed/{RUNNER}").status_code == 200  # the feed's connection is new too
    # nothing refused was written; the acknowledged writes are there, once
    assert _stored(client) == {"R001", "R007"}
    return recovered_at - accepting_at


@pytest.mark.parametrize("how", ["fast", "immediate"])
def test_outage_fails_fast_and_recovers_within_two_seconds(
    client: TestClient, pg_cluster: ThrowawayCluster, how: str
) -> None:
    recovery_s = outage_and_recovery(client, pg_cluster, how)
    assert recovery_s <= RECOVERY_TARGET_S, f"recovered {recovery_s:.2f} s after PostgreSQL returned"


def test_a_statement_timeout_is_a_503_not_an_outage(
    settings_factory: Callable[..., Settings], pg_cluster: ThrowawayCluster
) -> None:
    """A stuck statement fails on its own (server-side statement timeout) without marking the
    store down for everyone else."""
    import psycopg

    from src.store import StoreUnavailable
    from src.store.postgres import PostgresStore

    store = PostgresStore(settings_factory(database_url=pg_cluster.url, db_statement_timeout_s=0.2))
    try:
        with pytest.raises(StoreUnavailable), store._tx() as conn:
            conn.execute("SELECT pg_sleep(2)")
        assert not store.known_down
        with store._tx() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        store.close()
    with psycopg.connect(pg_cluster.url) as conn:  # the cluster itself is untouched
        conn.execute("SELECT 1")
