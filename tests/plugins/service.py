"""The service as the README starts it (`python -m src.main`), in its own process group: the one
helper every test that needs real processes (gunicorn workers, replicas, the CT process) and the
fault scenarios (`tests/faults/scenarios.py`) start it with."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from src.config import PROJECT_ROOT
from tests.plugins.waiting import wait_until

# Never inherit a developer's production store or a previous run's metrics directory.
STRIPPED_ENV = ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY", "PROMETHEUS_MULTIPROC_DIR")

# A small demo service: two workers, 50 demo runners with their interactions, quiet logs.
SMALL_DEMO = {"WORKERS": "2", "SEED_DEMO_INTERACTIONS": "true", "DEMO_USERS": "50", "LOG_LEVEL": "WARNING"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in STRIPPED_ENV}
    env.update(overrides)
    return env


def workdir_env(workdir: Path, artifacts: Path | None = None, **overrides: str) -> dict[str, str]:
    """`service_env` for a service that keeps everything in `workdir`: a copy of `artifacts` in
    `workdir/artifacts`, its SQLite file `workdir/store.sqlite3`, a free port on 127.0.0.1.
    `overrides` win over these defaults."""
    workdir.mkdir(parents=True, exist_ok=True)
    copy = workdir / "artifacts"
    if artifacts is not None and not copy.exists():
        shutil.copytree(artifacts, copy)
    defaults = {
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "ARTIFACTS_DIR": str(copy),
        "SQLITE_PATH": str(workdir / "store.sqlite3"),
    }
    return service_env(**{**defaults, **overrides})


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the whole process group (master and workers), SIGKILL if it lingers."""
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


@contextmanager
def spawned(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m src.main` with `env`, its output appended to `log_path`, in a new process group
    that is stopped afterwards. It does not wait for anything (a CT process serves no HTTP)."""
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "src.main"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        stop_group(proc)


@contextmanager
def ct_process(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m src.main` with ROLE=ct: the continuous-training loop, no HTTP server."""
    with spawned({**env, "ROLE": "ct"}, log_path) as proc:
        yield proc


@dataclass
class Service:
    proc: subprocess.Popen[bytes]
    base: str
    log: Path
    env: dict[str, str]

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def ready(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.log_tail()}")
        try:
            return httpx.get(f"{self.base}/health/ready", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def master_pid(self) -> int:
        """`python -m src.main` (ROLE=all) supervises the gunicorn master (`--serve-only`) and the
        CT process."""
        out = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid), "-f", "src.main --serve-only"],
            capture_output=True,
            text=True,
            check=False,
        )
        pids = [int(p) for p in out.stdout.split()]
        assert len(pids) == 1, f"expected one gunicorn master under {self.proc.pid}, found {pids}"
        return pids[0]

    def worker_pids(self) -> set[int]:
        """The gunicorn workers (the master's children)."""
        out = subprocess.run(
            ["pgrep", "-P", str(self.master_pid())], capture_output=True, text=True, check=False
        )
        return {int(p) for p in out.stdout.split()}


@contextmanager
def started_service(env: dict[str, str], log_path: Path, timeout_s: float = 180) -> Iterator[Service]:
    """Start `python -m src.main` with `env` (which must set HOST=127.0.0.1 and PORT), wait until
    /health/ready answers 200, yield the service, stop its process group afterwards."""
    with spawned(env, log_path) as proc:
        svc = Service(proc, f"http://127.0.0.1:{env['PORT']}", log_path, env)
        try:
            wait_until(svc.ready, timeout_s, "the server answers /health/ready", interval_s=0.2)
        except AssertionError as exc:
            raise RuntimeError(f"{exc}:\n{svc.log_tail()}") from None
        yield svc


@contextmanager
def running_service(env: dict[str, str], log_path: Path, timeout_s: float = 180) -> Iterator[str]:
    """`started_service`, yielding only the base URL."""
    with started_service(env, log_path, timeout_s) as svc:
        yield svc.base


def run_to_exit(env: dict[str, str], timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m src.main` with `env`, to its end (the start-ups that must refuse), output captured."""
    return subprocess.run(
        [sys.executable, "-m", "src.main"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
