"""`python -m src.main` as the README runs it: a bad configuration stops start-up with one clear line,
and a missing model is trained first, saying so in one line."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from src.config import PROJECT_ROOT
from tests.test_multiprocess import free_port

STRIP = ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY", "PROMETHEUS_MULTIPROC_DIR")


def run_main(
    env_overrides: dict[str, str], tmp_path: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in STRIP}
    env.update(SQLITE_PATH=str(tmp_path / "store.sqlite3"), ARTIFACTS_DIR=str(tmp_path / "artifacts"))
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "src.main"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def last_line(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stderr.strip().splitlines()[-1]


def test_malformed_catalog_stops_start_up_naming_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "road.csv"
    lines = (PROJECT_ROOT / "data" / "road_dataset.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("drop_mm")] = "40"
    lines[3] = ",".join(row)
    bad.write_text("\n".join(lines) + "\n")
    proc = run_main({"ROAD_CATALOG": str(bad)}, tmp_path)
    assert proc.returncode != 0
    line = last_line(proc)
    assert line.startswith("sonix: cannot start:")
    assert "row 3" in line and "drop_mm" in line
    assert "Traceback" not in proc.stderr


def test_malformed_database_url_stops_start_up_in_one_line(tmp_path: Path) -> None:
    proc = run_main({"DATABASE_URL": "postgresql://user:secret@host:notaport/db"}, tmp_path)
    assert proc.returncode != 0
    line = last_line(proc)
    assert line.startswith("sonix: cannot start: DATABASE_URL")
    assert "secret" not in proc.stderr  # the password never reaches the logs
    assert "Traceback" not in proc.stderr


@pytest.mark.postgres
def test_unreachable_database_stops_start_up_in_one_line(tmp_path: Path) -> None:
    proc = run_main({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nodb", "DB_TIMEOUT_S": "1"}, tmp_path)
    assert proc.returncode != 0
    line = last_line(proc)
    assert line.startswith("sonix: cannot start:") and "127.0.0.1:1" in line and "unreachable" in line
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_missing_models_are_trained_first_then_served(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in STRIP}
    env.update(
        SQLITE_PATH=str(tmp_path / "store.sqlite3"),
        ARTIFACTS_DIR=str(tmp_path / "artifacts"),
        TRAIN_EPOCHS="3",
        DEMO_USERS="100",
        WORKERS="1",
        HOST="127.0.0.1",
        PORT=str(port),
    )
    log = tmp_path / "out.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "src.main"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 240
        ready = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code == 200
            except httpx.HTTPError:
                ready = False
            if ready:
                break
            time.sleep(0.5)
        text = log.read_text()
        assert ready, text[-3000:]
        announcements = [line for line in text.splitlines() if "training now" in line]
        assert len(announcements) == 1
        assert "no trained road/trail model found" in announcements[0]
        r = httpx.post(f"http://127.0.0.1:{port}/recommend/trail", json={"terrain": "Muddy"})
        assert r.status_code == 200 and len(r.json()["data"]) == 10
        assert (tmp_path / "artifacts" / "road").is_dir() and (tmp_path / "artifacts" / "cf").is_dir()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(tmp_path / "artifacts", ignore_errors=True)
