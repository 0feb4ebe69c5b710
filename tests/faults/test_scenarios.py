"""The quick variant of `python -m tests.faults`, in the normal pytest: real gunicorn workers
killed under write load, a throwaway PostgreSQL crashed under write load, corrupt artifacts at
start-up and at reload. No acknowledged write is lost or stored twice; PostgreSQL recovery <= 2 s."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.faults import scenarios
from tests.faults.pg_cluster import ThrowawayCluster
from tests.plugins.waiting import wait_until

pytestmark = pytest.mark.slow


def test_killed_workers_lose_no_acknowledged_write(tmp_path: Path, content_artifacts: Path) -> None:
    result = scenarios.killed_workers(tmp_path, content_artifacts, seconds=4.0, kills=2)
    assert result.requests > 50
    assert result.lost == 0 and result.duplicated == 0, result
    assert result.recovery_s is not None and result.recovery_s < 2.0, result


def test_postgres_crash_under_load_fails_fast_and_recovers_within_two_seconds(
    tmp_path: Path, content_artifacts: Path, pg_cluster: ThrowawayCluster
) -> None:
    result = scenarios.postgres_outage(tmp_path, content_artifacts, pg_cluster, "immediate", down_s=1.5)
    assert result.lost == 0 and result.duplicated == 0, result
    assert result.errors > 0, "the outage was never seen"
    assert "503 + Retry-After" in result.client_sees
    assert not result.notes, result  # no status other than 503 (no 500, no reset)
    assert result.recovery_s is not None and result.recovery_s <= 2.0, result
    assert result.slowest_503_s < 1.0, result


def test_corrupt_artifacts_never_replace_the_served_models(tmp_path: Path, content_artifacts: Path) -> None:
    result = scenarios.corrupt_artifacts(tmp_path, content_artifacts)
    assert result.errors == 0, result
    assert result.client_sees == "200 from the previous good version"
    assert "bad-version warnings" in result.notes
    assert result.repeated_warnings == 0, result  # polling does not report a known-bad version again


def _alive(pid: int) -> bool:
    """Running (not gone and not a zombie waiting for its reaper)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_leave_when_their_master_is_killed(tmp_path: Path, content_artifacts: Path) -> None:
    with scenarios.service(tmp_path, content_artifacts, WORKERS="2") as svc:
        workers = svc.worker_pids()
        assert len(workers) == 2
        os.kill(svc.master_pid(), signal.SIGKILL)  # the master dies without telling its workers
        with contextlib.suppress(AssertionError):  # the assert below names who is left
            wait_until(lambda: not any(_alive(pid) for pid in workers), 10, "the workers leave", 0.1)
        left = [pid for pid in workers if _alive(pid)]
        assert not left, f"workers {left} outlived their master"
        with pytest.raises(httpx.ConnectError):  # nobody serves the old socket any more
            httpx.get(f"{svc.base}/health", timeout=2)


def test_the_server_and_ct_stop_when_their_supervisor_is_killed(
    tmp_path: Path, content_artifacts: Path
) -> None:
    with scenarios.service(tmp_path, content_artifacts, WORKERS="2") as svc:
        found = subprocess.run(
            ["pgrep", "-P", str(svc.proc.pid)], capture_output=True, text=True, check=False
        )
        children = {int(p) for p in found.stdout.split()}  # the gunicorn master and the CT process
        assert svc.master_pid() in children and len(children) == 2
        everything = children | svc.worker_pids()
        os.kill(svc.proc.pid, signal.SIGKILL)  # ROLE=all's supervisor dies without telling anyone
        with contextlib.suppress(AssertionError):  # the assert below names who is left
            wait_until(lambda: not any(_alive(pid) for pid in everything), 20, "everything stops", 0.1)
        left = [pid for pid in everything if _alive(pid)]
        assert not left, f"processes {left} outlived their supervisor"
