"""The service as the README starts it (ROLE=all: gunicorn with 4 uvicorn workers and the CT
process) on the real PostgreSQL: 500 concurrent interactions → exactly 500 rows, one claim per
threshold crossing, every claim answered by the CT process, every worker on the newest published
version afterwards, zero failed requests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.plugins.service import running_service, workdir_env
from tests.plugins.traffic import fire_over, interaction_bodies
from tests.plugins.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WORKERS = 4
THRESHOLD = 50
N_INTERACTIONS = 500


@pytest.fixture
def service(pg_url: str, content_artifacts: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    env = workdir_env(
        tmp_path,
        content_artifacts,
        DATABASE_URL=pg_url,
        WORKERS=str(WORKERS),
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
        yield base, tmp_path / "artifacts"


def rebuilds_done(base: str) -> float:
    total = 0.0
    for line in httpx.get(f"{base}/metrics").text.splitlines():
        if line.startswith("sonix_ct_rebuilds_total{"):
            total += float(line.split()[-1])
    return total


def test_500_concurrent_interactions_under_4_workers(service: tuple[str, Path], pg_url: str) -> None:
    base, _ = service
    shoes = _catalog_ids(pg_url)
    users = range(50_001, 50_001 + N_INTERACTIONS // 5)
    bodies = interaction_bodies(users, shoes, seed=7)
    with psycopg.connect(pg_url) as conn:
        claimed_before = conn.execute("SELECT rebuilds_claimed FROM ct_state").fetchone()[0]

    statuses = asyncio.run(fire_over([base], bodies, concurrency=32))
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
    def claims() -> tuple[int, int, int]:
        with psycopg.connect(pg_url) as conn:
            return conn.execute(
                "SELECT c.claims_handled, s.rebuilds_claimed, (SELECT max(version_id) FROM cf_versions"
                " WHERE status = 'published') FROM ct_control c, ct_state s"
            ).fetchone()

    wait_until(lambda: claims()[0] == claims()[1], 120, "every claim handled", interval_s=0.2)
    handled, total_claimed, version_id = claims()
    assert handled == total_claimed
    done = rebuilds_done(base)  # the CT process's counters, in the same /metrics
    assert 1 <= done <= claimed

    # every worker ends up serving the newest published version
    newest = f"v{version_id:06d}"
    seen: dict[int, str] = {}

    def all_on_newest() -> bool:
        h = httpx.get(f"{base}/health").json()
        seen[h["worker_pid"]] = h["cf_engine"]["version"]
        return len(seen) == WORKERS and set(seen.values()) == {newest}

    with contextlib.suppress(AssertionError):  # the asserts below say what was seen
        wait_until(all_on_newest, 30, "every worker on the newest version", interval_s=0)
    assert len(seen) == WORKERS, f"only saw workers {sorted(seen)}"
    assert set(seen.values()) == {newest}
    assert httpx.get(f"{base}/health").json()["ct_sync_progress"] == "0/50"


def _catalog_ids(pg_url: str) -> list[str]:
    with psycopg.connect(pg_url) as conn:
        return [r[0] for r in conn.execute("SELECT shoe_id FROM shoes ORDER BY shoe_id")]
