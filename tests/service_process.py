"""The service as the README starts it (`python -m src.main`), in its own process group, for the
tests that need real gunicorn workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from src.config import PROJECT_ROOT

# Never inherit a developer's production store or a previous run's metrics directory.
STRIPPED_ENV = ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY", "PROMETHEUS_MULTIPROC_DIR")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in STRIPPED_ENV}
    env.update(overrides)
    return env


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
def running_service(env: dict[str, str], log_path: Path, timeout_s: float = 180) -> Iterator[str]:
    """Start `python -m src.main` with `env` (which must set HOST=127.0.0.1 and PORT), wait until
    /health/ready answers 200, yield the base URL, stop the process group afterwards."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "src.main"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"server not ready after {timeout_s:.0f} s:\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        yield base
    finally:
        stop_group(proc)
