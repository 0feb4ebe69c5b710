"""The load-test scenario (locustfile.py) against the service started as the README does.

`python -m src.main` (gunicorn, 2 uvicorn workers, embedded SQLite with 300 demo runners, the
session's fast-trained content artifacts), then ~10 s of headless locust with a handful of users:
zero failures, and every endpoint of the mix exercised.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from src.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

DEMO_USERS = 300
WORKERS = 2
ENDPOINTS = ("/interact", "/recommend/feed/[user_id]", "/health")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=40)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        proc.wait(timeout=10)


@pytest.fixture
def service(content_artifacts: Path, tmp_path: Path) -> Iterator[str]:
    artifacts = tmp_path / "artifacts"
    shutil.copytree(content_artifacts, artifacts)
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR")
    }
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        WORKERS=str(WORKERS),
        ARTIFACTS_DIR=str(artifacts),
        SQLITE_PATH=str(tmp_path / "store.sqlite3"),
        SEED_DEMO_INTERACTIONS="true",
        DEMO_USERS=str(DEMO_USERS),
        LOG_LEVEL="WARNING",
    )
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "src.main"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"server not ready after 180 s:\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        yield base
    finally:
        stop_group(proc)


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
    assert int(rows["/interact"]["Request Count"]) > int(rows["/health"]["Request Count"])

    with open(f"{prefix}_failures.csv", newline="") as fh:
        failures = list(csv.DictReader(fh))
    assert failures == [], failures
