"""A throwaway PostgreSQL cluster on a free port, so a test can stop, kill and restart the server
without touching the shared one. `initdb` refuses to run as root: as root the cluster belongs to
the `postgres` system user."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.plugins.service import free_port


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _find(name: str) -> str | None:
    """On PATH, else in Debian/Ubuntu's versioned folder (GitHub's runners keep it off PATH)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    return str(candidates[-1]) if candidates else None


def _bin(name: str) -> str:
    found = _find(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found (a PostgreSQL server install is needed)")
    return found


def postgres_available() -> bool:
    return all(_find(n) for n in ("initdb", "pg_ctl"))


class ThrowawayCluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sonix-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.log = self.root / "server.log"
        self._user: str | None = None
        if os.geteuid() == 0:
            self._user = "postgres"
            entry = pwd.getpwnam(self._user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(
            [
                _bin("initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.root}'\n"
                "fsync = on\nsynchronous_commit = on\nmax_connections = 200\n"
            )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, cmd: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        if self._user is not None:
            cmd = ["runuser", "-u", self._user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> float:
        """Start the server and wait until it accepts connections; returns the monotonic time it did."""
        self._run([_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"])
        return self.wait_accepting()

    def wait_accepting(self, timeout_s: float = 60) -> float:
        import psycopg

        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with psycopg.connect(self.url, connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return time.monotonic()
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self, mode: str = "fast") -> None:
        """`fast` is an orderly shutdown, `immediate` the equivalent of a crash (no checkpoint)."""
        self._run([_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], check=False)

    def kill(self) -> None:
        """SIGKILL the postmaster and every backend, as a host or container crash would (killing
        the postmaster alone leaves its backends holding the shared memory, and no restart)."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.is_file():
            return
        postmaster = int(pid_file.read_text().splitlines()[0])
        with contextlib.suppress(ProcessLookupError):
            os.kill(postmaster, 9)  # first, so it forks no new backend
        pids = [postmaster, *self._server_processes()]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)
        for pid in pids:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.02)
        # After a real host or container crash no process owns the lock file's pid any more; here the
        # dead postmaster may linger as a zombie (no init reaping it), which a restart would mistake
        # for a running server.
        pid_file.unlink(missing_ok=True)

    def _server_processes(self) -> list[int]:
        """Every process of this cluster: PostgreSQL processes run with the data directory as cwd."""
        found = []
        for proc in Path("/proc").glob("[0-9]*"):
            with contextlib.suppress(OSError):
                if os.readlink(proc / "cwd") == str(self.data):
                    found.append(int(proc.name))
        return found

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
