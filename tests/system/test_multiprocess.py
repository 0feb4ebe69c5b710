"""The service as the README starts it (ROLE=all: gunicorn with 4 uvicorn workers and the CT
process) on the real PostgreSQL: 500 concurrent interactions → exactly 500 rows, one claim per
threshold crossing, every claim answered by the CT process, every worker on the newest published
version afterwards, zero failed requests."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import psycopg
import pytest

from tests.service_process import free_port, running_service, service_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WORKERS = 4
THRESHOLD = 50
N_INTERACTIONS = 500


@pytest.fixture
def service(pg_url: str, content_artifacts: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    artifacts = tmp_path / "artifacts"
    shutil.copytree(content_artifacts, artifacts)
    env = service_env(
        DATABASE_URL=pg_url,
        PORT=str(free_port()),
        HOST="127.0.0.1",
        WORKERS=str(WORKERS),
        ARTIFACTS_DIR=str(artifacts),
        SEED_DEMO_INTERACTIONS="true",
        DEMO_USERS="300",
        CT_THRESHOLD=str(THRESHOLD),
        SNAPSHOT_POLL_S="0.5",
        CT_MIN_INTERVAL_S="0",
        CT_POLL_S="0.2",
        QUALITY_GATE_TOLERANCE="1.0",  # this test is about counting and swapping, not quality
        LOG_LEVEL="WARNING",
    )
    with running_service(env, tmp_path / "server.log", timeout_s=120) as base:
        yield base, artifacts


async def fire(base: str, bodies: list[dict[str, object]], concurrency: int = 32) -> list[int]:
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def one(body: dict[str, object]) -> int:
            async with sem:
                r = await client.post("/interact", json=body)
                return r.status_code

        return await asyncio.gather(*(one(b) for b in bodies))


def rebuilds_done(base: str) -> float:
    total = 0.0
    for line in httpx.get(f"{base}/metrics").text.splitlines():
        if line.startswith("sonix_ct_rebuilds_total{"):
            total += float(line.split()[-1])
    return total


def test_500_concurrent_interactions_under_4_workers(service: tuple[str, Path], pg_url: str) -> None:
    base, _ = service
    shoes = _catalog_ids(pg_url)
    rng = np.random.default_rng(7)
    users = range(50_001, 50_001 + N_INTERACTIONS // 5)
    bodies: list[dict[str, object]] = []
    for user in users:
        for shoe in rng.choice(shoes, size=5, replace=False):
            if rng.random() < 0.5:
                bodies.append({"user_id": user, "shoe_id": str(shoe), "action_type": "like"})
            else:
                bodies.append(
                    {
                        "user_id": user,
                        "shoe_id": str(shoe),
                        "action_type": "rate",
                        "value": int(rng.integers(1, 6)),
                    }
                )
    with psycopg.connect(pg_url) as conn:
        claimed_before = conn.execute("SELECT rebuilds_claimed FROM ct_state").fetchone()[0]

    statuses = asyncio.run(fire(base, bodies))
    assert statuses == [200] * N_INTERACTIONS

    with psycopg.connect(pg_url) as conn:
        events = conn.execute("SELECT count(*) FROM interaction_events WHERE user_id > 50000").fetchone()[0]
        rows = conn.execute(
            "SELECT (SELECT count(*) FROM favorites WHERE user_id > 50000)"
            " + (SELECT count(*) FROM reviews WHERE user_id > 50000)"
        ).fetchone()[0]
        claimed = conn.execute("SELECT rebuilds_claimed FROM ct_state").fetchone()[0] - claimed_before
    assert events == N_INTERACTIONS
    assert rows == N_INTERACTIONS
    assert claimed == N_INTERACTIONS // THRESHOLD  # exactly one claim per crossing

    # the CT process answers every claim (pending ones together, never one rebuild per worker)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with psycopg.connect(pg_url) as conn:
            handled, total_claimed, version_id = conn.execute(
                "SELECT c.claims_handled, s.rebuilds_claimed, (SELECT max(version_id) FROM cf_versions"
                " WHERE status = 'published') FROM ct_control c, ct_state s"
            ).fetchone()
        if handled == total_claimed:
            break
        time.sleep(0.2)
    assert handled == total_claimed
    done = rebuilds_done(base)  # the CT process's counters, in the same /metrics
    assert 1 <= done <= claimed

    # every worker ends up serving the newest published version
    newest = f"v{version_id:06d}"
    seen: dict[int, str] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        h = httpx.get(f"{base}/health").json()
        seen[h["worker_pid"]] = h["cf_engine"]["version"]
        if len(seen) == WORKERS and set(seen.values()) == {newest}:
            break
    assert len(seen) == WORKERS, f"only saw workers {sorted(seen)}"
    assert set(seen.values()) == {newest}
    assert httpx.get(f"{base}/health").json()["ct_sync_progress"] == "0/50"


def _catalog_ids(pg_url: str) -> list[str]:
    with psycopg.connect(pg_url) as conn:
        return [r[0] for r in conn.execute("SELECT shoe_id FROM shoes ORDER BY shoe_id")]
