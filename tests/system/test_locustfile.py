"""The load-test scenario (locustfile.py) against the service started as the README does.

`python -m src.main` (gunicorn, 2 uvicorn workers, embedded SQLite with 300 demo runners, the
session's fast-trained content artifacts), then ~10 s of headless locust with a handful of users:
zero failures, and every endpoint of the mix exercised.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from src.config import PROJECT_ROOT
from tests.plugins.service import running_service, workdir_env

pytestmark = pytest.mark.slow

DEMO_USERS = 300
WORKERS = 2
ENDPOINTS = ("/v1/interact", "/v1/recommend/feed/[user_id]", "/v1/health")


@pytest.fixture
def service(content_artifacts: Path, tmp_path: Path) -> Iterator[str]:
    env = workdir_env(
        tmp_path,
        content_artifacts,
        WORKERS=str(WORKERS),
        SEED_DEMO_INTERACTIONS="true",
        DEMO_USERS=str(DEMO_USERS),
        LOG_LEVEL="WARNING",
    )
    with running_service(env, tmp_path / "server.log") as base:
        yield base


def test_locust_scenario_runs_clean(service: str, tmp_path: Path) -> None:
    prefix = tmp_path / "locust"
    env = {
        **os.environ,
        "LOCUST_DEMO_USERS": str(DEMO_USERS),
        "LOCUST_WAIT_MIN": "0.01",
        "LOCUST_WAIT_MAX": "0.05",
    }
    cmd = [
        sys.executable, "-m", "locust", "-f", str(PROJECT_ROOT / "locustfile.py"),
        "--headless", "-u", "6", "-r", "6", "-t", "10s", "--host", service,
        "--csv", str(prefix), "--exit-code-on-error", "1", "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    output = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, f"locust exited {done.returncode}:\n{output}"

    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = {row["Name"]: row for row in csv.DictReader(fh)}
    for name in ENDPOINTS:
        assert name in rows, f"{name} never requested:\n{output}"
        assert int(rows[name]["Request Count"]) > 0, f"{name} never requested"
        assert int(rows[name]["Failure Count"]) == 0, f"{name} had failures:\n{output}"
    assert int(rows["Aggregated"]["Failure Count"]) == 0, output
    # The mix is 3:1:1, so /interact is the busiest endpoint.
    assert int(rows["/v1/interact"]["Request Count"]) > int(rows["/v1/health"]["Request Count"])

    with open(f"{prefix}_failures.csv", newline="") as fh:
        failures = list(csv.DictReader(fh))
    assert failures == [], failures
