"""Scale-out as real processes: two API replicas (ROLE=api) with separate ARTIFACTS_DIRs, standing in
for two hosts, and one CT process (ROLE=ct) on one fresh PostgreSQL database; then the embedded
default (ROLE=all, SQLite, nothing configured) with its supervisor restarting a killed CT process."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.plugins.service import ct_process, free_port, running_service, service_env, workdir_env
from tests.plugins.traffic import fire_over, interaction_bodies, like_each
from tests.plugins.waiting import wait_until

pytestmark = [pytest.mark.slow]

THRESHOLD = 50
N_INTERACTIONS = 500
ADMIN = {"Authorization": "Bearer r3plica"}


def db_row(url: str, sql: str) -> tuple[Any, ...]:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql).fetchone()
    assert row is not None
    return tuple(row)


def ct_counts(url: str) -> tuple[int, int, int | None, int]:
    """(claims, claims handled, newest published version id, rows in cf_versions)."""
    return db_row(  # type: ignore[return-value]
        url,
        "SELECT s.rebuilds_claimed, c.claims_handled,"
        " (SELECT max(version_id) FROM cf_versions WHERE status = 'published'),"
        " (SELECT count(*) FROM cf_versions) FROM ct_state s, ct_control c",
    )


def first_version(url: str) -> int | None:
    try:
        return ct_counts(url)[2]
    except psycopg.errors.UndefinedTable:  # the CT process has not migrated the fresh database yet
        return None


def versions_served(base: str, samples: int = 12) -> set[str]:
    """The CF versions this replica's workers report (several /health calls reach every worker)."""
    return {httpx.get(f"{base}/health", timeout=5).json()["cf_engine"]["version"] for _ in range(samples)}


@pytest.mark.postgres
def test_two_replicas_and_one_ct_process_on_postgresql(
    pg_url: str, content_artifacts: Path, tmp_path: Path
) -> None:
    common = {
        "DATABASE_URL": pg_url,
        "HOST": "127.0.0.1",
        "WORKERS": "2",
        "SEED_DEMO_INTERACTIONS": "true",
        "DEMO_USERS": "300",
        "CT_THRESHOLD": str(THRESHOLD),
        "CT_MIN_INTERVAL_S": "0",
        "CT_POLL_S": "0.2",
        "SNAPSHOT_POLL_S": "0.3",
        "HEARTBEAT_S": "1",
        "FULL_REBUILD_EVERY": "1",  # every rebuild full: long enough to be killed in the middle
        "QUALITY_GATE_TOLERANCE": "1.0",  # this test is about versions, not quality
        "ADMIN_TOKEN": ADMIN["Authorization"].split()[1],
        "LOG_LEVEL": "WARNING",
    }
    dirs = {name: tmp_path / f"artifacts-{name}" for name in ("ct", "a", "b")}
    for directory in dirs.values():  # separate disks: nothing is shared but the database
        shutil.copytree(content_artifacts, directory)

    with ExitStack() as stack:
        ct = stack.enter_context(
            ct_process(service_env(**common, ARTIFACTS_DIR=str(dirs["ct"])), tmp_path / "ct.log")
        )
        wait_until(lambda: first_version(pg_url), 120, "the CT process publishes a first version")
        bases = [
            stack.enter_context(
                running_service(
                    service_env(**common, ROLE="api", PORT=str(free_port()), ARTIFACTS_DIR=str(dirs[name])),
                    tmp_path / f"replica-{name}.log",
                )
            )
            for name in ("a", "b")
        ]
        a, b = bases
        first = versions_served(a) | versions_served(b)
        assert len(first) == 1  # both replicas start on the published version
        for name in ("a", "b"):  # each replica fetched the published artifact into its host cache
            assert list((dirs[name] / "cf_host").glob("*/manifest.json"))  # (issue 21: no event-log replay)
            assert not list((dirs[name] / "cf").glob("v_*/snapshot.npz"))

        # read-your-own-writes across replicas: a like on A is in B's answer at once
        for user in (70_001, 70_002, 70_003):
            liked = client_like(a, user, "R010")
            feed_b = httpx.get(f"{b}/recommend/feed/{user}", timeout=10)
            assert feed_b.status_code == 200  # B knows the runner A has just recorded
            assert "R010" not in [i["shoe_id"] for i in feed_b.json()["data"]]  # seen: filtered
            assert liked == [i["shoe_id"] for i in feed_b.json()["data"]]  # the same rows, the same feed

        # 500 interactions spread over both replicas
        claimed_before = ct_counts(pg_url)[0]
        events_before = db_row(pg_url, "SELECT count(*) FROM interaction_events")[0]
        shoes = [r[0] for r in psycopg.connect(pg_url).execute("SELECT shoe_id FROM shoes ORDER BY 1")]
        bodies = interaction_bodies(range(80_001, 80_001 + N_INTERACTIONS // 5), shoes, seed=11)
        statuses = asyncio.run(fire_over(bases, bodies))
        assert statuses == [200] * N_INTERACTIONS
        events = db_row(pg_url, "SELECT count(*) FROM interaction_events")[0] - events_before
        rows = db_row(
            pg_url,
            "SELECT (SELECT count(*) FROM favorites WHERE user_id > 80000)"
            " + (SELECT count(*) FROM reviews WHERE user_id > 80000)",
        )[0]
        assert events == rows == N_INTERACTIONS  # zero lost, zero doubled
        # 500 changes = exactly 10 crossings of 50 wherever the counter stood, whichever replica
        assert ct_counts(pg_url)[0] - claimed_before == N_INTERACTIONS // THRESHOLD

        # every claim is answered; both replicas report the newest version within seconds
        wait_until(lambda: ct_counts(pg_url)[1] == ct_counts(pg_url)[0], 120, "every claim handled")
        newest = f"v{ct_counts(pg_url)[2]:06d}"
        t0 = time.monotonic()
        wait_until(lambda: versions_served(a) | versions_served(b) == {newest}, 15, "both replicas on it")
        print(f"\nreplicas on {newest} {time.monotonic() - t0:.2f} s after every claim was handled")

        # an admin reload sent to A reaches B's workers through the store
        reload = httpx.post(f"{a}/admin/reload-model", headers=ADMIN, timeout=30)
        assert reload.status_code == 200
        generation = reload.json()["generation"]
        wait_until(
            lambda: {httpx.get(f"{b}/health").json()["reload_generation"] for _ in range(8)} == {generation},
            15,
            "B's workers saw the reload",
        )
        status = httpx.get(f"{b}/admin/model-status", headers=ADMIN).json()
        assert {p["role"] for p in status["processes"]} == {"api", "ct"}
        assert len([p for p in status["processes"] if p["role"] == "api"]) == 4  # 2 replicas x 2 workers

        # kill -9 the CT process in the middle of a rebuild: nothing half-published
        claims, handled, version_id, n_rows = ct_counts(pg_url)
        assert claims == handled
        likes = interaction_bodies(range(90_001, 90_011), shoes, seed=12)[:THRESHOLD]
        assert asyncio.run(fire_over(bases, likes)) == [200] * THRESHOLD  # exactly one more claim
        wait_until(
            lambda: db_row(
                pg_url, "SELECT count(*) FROM serving_processes WHERE role = 'ct' AND state = 'rebuilding'"
            )[0],
            30,
            "the CT process starts the rebuild",
        )
        os.killpg(ct.pid, signal.SIGKILL)
        ct.wait(timeout=10)
        claims_now, handled_now, version_now, rows_now = ct_counts(pg_url)
        assert claims_now == claims + 1
        assert (handled_now, version_now, rows_now) == (handled, version_id, n_rows)  # no trace of it
        for base in bases:  # the replicas keep answering on the last published version
            assert versions_served(base, 4) == {f"v{version_id:06d}"}
            assert httpx.get(f"{base}/recommend/feed/80001").status_code == 200

        # the orchestrator restarts the CT process: the pending claim is answered, both follow
        stack.enter_context(
            ct_process(service_env(**common, ARTIFACTS_DIR=str(dirs["ct"])), tmp_path / "ct.log")
        )
        wait_until(lambda: ct_counts(pg_url)[1] == claims_now, 120, "the restarted CT answers the claim")
        after = ct_counts(pg_url)
        assert after[2] is not None and after[2] > version_id and after[3] == n_rows + 1
        newest = f"v{after[2]:06d}"
        wait_until(lambda: versions_served(a) | versions_served(b) == {newest}, 15, "both replicas follow")


def client_like(base: str, user: int, shoe: str) -> list[str]:
    r = httpx.post(
        f"{base}/interact", json={"user_id": user, "shoe_id": shoe, "action_type": "like"}, timeout=10
    )
    assert r.status_code == 200, r.text
    return [i["shoe_id"] for i in r.json()["data"]]


def test_embedded_default_serves_retrains_and_restarts_a_killed_ct(
    content_artifacts: Path, tmp_path: Path
) -> None:
    """`make run` with nothing configured (ROLE=all, SQLite): the supervisor runs the API and the
    CT process; interactions produce new versions; a CT killed with -9 is restarted and serves the
    next claim while the API keeps answering."""
    env = workdir_env(
        tmp_path,
        content_artifacts,
        WORKERS="1",
        DEMO_USERS="200",
        CT_THRESHOLD="10",
        CT_MIN_INTERVAL_S="0",
        CT_POLL_S="0.2",
        SNAPSHOT_POLL_S="0.3",
        HEARTBEAT_S="1",
        ADMIN_TOKEN="r3plica",
        LOG_LEVEL="WARNING",
    )
    env.pop("ROLE", None)  # the default: all
    with running_service(env, tmp_path / "server.log") as base:

        def version() -> str:
            return str(httpx.get(f"{base}/health").json()["cf_engine"]["version"])

        def ct_pid() -> int | None:
            found = [
                p["pid"]
                for p in httpx.get(f"{base}/admin/model-status", headers=ADMIN).json()["processes"]
                if p["role"] == "ct" and p["age_s"] < 2.5
            ]
            return found[0] if len(found) == 1 else None

        first = version()
        like_each(base, range(5000, 5010), "R003")
        wait_until(lambda: version() != first, 60, "the embedded default retrains")
        second = version()

        pid = wait_until(ct_pid, 30, "the CT process's heartbeat")
        # its rebuilds take the cores the requests leave (CT_NICE, default 10)
        assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0) + 10
        os.kill(pid, signal.SIGKILL)
        assert httpx.get(f"{base}/recommend/feed/5000").status_code == 200  # the API keeps answering
        wait_until(lambda: (ct_pid() or pid) != pid, 60, "the supervisor restarts the CT process")
        like_each(base, range(6000, 6010), "R004")
        wait_until(lambda: version() not in (first, second), 60, "the restarted CT serves the next claim")
