"""Fault scenarios against real processes: the service started as the README does
(`python -m src.main`, gunicorn workers), a write load from several client threads, and a fault
injected in the middle. Each returns one row of the table `python -m tests.faults` prints.

"Lost" counts acknowledged writes (HTTP 200) missing from the store afterwards; "duplicated"
counts writes whose event was stored more than once. Recovery is measured from the moment the
fault is lifted (PostgreSQL accepting connections again, a worker killed) to the last failed
request: after it, every request succeeded.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from src.config import Settings
from tests.plugins.service import Service, started_service, workdir_env

FIRST_USER = 1_000_000  # load users never collide with demo users


@dataclass
class FaultResult:
    fault: str
    client_sees: str
    requests: int = 0
    errors: int = 0
    lost: int = 0
    duplicated: int = 0
    recovery_s: float | None = None
    notes: str = ""
    slowest_503_s: float = 0.0
    repeated_warnings: int = 0

    def row(self) -> list[str]:
        recovery = "-" if self.recovery_s is None else f"{self.recovery_s:.2f} s"
        return [
            self.fault,
            self.client_sees,
            str(self.requests),
            str(self.errors),
            str(self.lost),
            str(self.duplicated),
            recovery,
            self.notes,
        ]


HEADER = ["fault", "client sees", "requests", "errors", "lost writes", "duplicated", "recovery", "notes"]


def table(results: list[FaultResult]) -> str:
    rows = [HEADER, ["---"] * len(HEADER), *(r.row() for r in results)]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in rows)


# --- the service ---------------------------------------------------------------------------------


@contextlib.contextmanager
def service(workdir: Path, artifacts: Path, timeout_s: float = 180, **env: str) -> Iterator[Service]:
    """The service with its artifacts, store and log in `workdir` (tests/plugins/service.py)."""
    full_env = workdir_env(workdir, artifacts, **{"DEMO_USERS": "200", "LOG_JSON": "false", **env})
    with started_service(full_env, workdir / "server.log", timeout_s) as svc:
        yield svc


# --- the load ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    at: float
    status: int  # 0 = no HTTP answer (connection refused or reset)
    key: tuple[int, str]
    elapsed: float


@dataclass
class WriteLoad:
    """Threads each posting likes of unique (user, shoe) pairs until stopped."""

    base: str
    shoes: list[str]
    threads: int = 4
    outcomes: list[Outcome] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(FIRST_USER))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _workers: list[threading.Thread] = field(default_factory=list)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self._stop.is_set():
                with self._lock:
                    n = next(self._ids)
                key = (n, self.shoes[n % len(self.shoes)])
                started = time.monotonic()
                try:
                    status = client.post(
                        "/interact", json={"user_id": key[0], "shoe_id": key[1], "action_type": "like"}
                    ).status_code
                except httpx.HTTPError:
                    status = 0
                now = time.monotonic()
                with self._lock:
                    self.outcomes.append(Outcome(now, status, key, now - started))

    def __enter__(self) -> WriteLoad:
        self._workers = [threading.Thread(target=self._run, daemon=True) for _ in range(self.threads)]
        for t in self._workers:
            t.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for t in self._workers:
            t.join(timeout=60)

    @property
    def acknowledged(self) -> set[tuple[int, str]]:
        return {o.key for o in self.outcomes if o.status == 200}

    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != 200]


def stored_events(settings: Settings) -> dict[tuple[int, str], int]:
    """(user, shoe) -> number of stored like events, for the load's users."""
    from src.store import create_store

    store = create_store(settings)
    try:
        with store._tx() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(
                "SELECT e.user_id, e.shoe_id, COUNT(*) FROM interaction_events e"
                f" JOIN favorites f ON f.user_id = e.user_id AND f.shoe_id = e.shoe_id"
                f" WHERE e.user_id >= {FIRST_USER} GROUP BY e.user_id, e.shoe_id"
            ).fetchall()
    finally:
        store.close()
    return {(int(u), str(s)): int(c) for u, s, c in rows}


def _settings_for(svc: Service) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=svc.env.get("DATABASE_URL"),
        sqlite_path=Path(svc.env["SQLITE_PATH"]),
        artifacts_dir=Path(svc.env["ARTIFACTS_DIR"]),
    )


def _account(result: FaultResult, load: WriteLoad, svc: Service) -> FaultResult:
    stored = stored_events(_settings_for(svc))
    acked = load.acknowledged
    result.requests = len(load.outcomes)
    result.errors = len(load.errors())
    result.lost = len(acked - stored.keys())
    result.duplicated = sum(1 for c in stored.values() if c > 1)
    return result


def _recovery(load: WriteLoad, lifted_at: float) -> float:
    failed_after = [o.at for o in load.errors() if o.at >= lifted_at]
    return max(failed_after) - lifted_at if failed_after else 0.0


# --- scenarios -----------------------------------------------------------------------------------
# The sleeps in these scenarios are about time itself: how long load runs before, during and after
# a fault, and how many poll intervals pass. Nothing else is waited for by the clock.


def killed_workers(workdir: Path, artifacts: Path, seconds: float = 6.0, kills: int = 3) -> FaultResult:
    """kill -9 of a worker under write load, several times, with continuous training rebuilding
    all along (so some kills land in the middle of a rebuild)."""
    result = FaultResult("worker kill -9 under write load (also mid-rebuild)", "")
    with service(workdir, artifacts, WORKERS="2", CT_THRESHOLD="25") as svc:
        shoes = ["R001", "R002", "R003", "R004", "R005"]
        with WriteLoad(svc.base, shoes) as load:
            time.sleep(1.0)
            killed_at = time.monotonic()
            for _ in range(kills):
                pids = sorted(svc.worker_pids())
                if pids:
                    os.kill(pids[0], signal.SIGKILL)
                    killed_at = time.monotonic()
                time.sleep(seconds / kills)
        _account(result, load, svc)
        # every published snapshot verifies: a kill mid-publish leaves at most a hidden temp dir
        from src.artifacts import list_versions, read_manifest

        for version in list_versions(Path(svc.env["ARTIFACTS_DIR"]) / "cf"):
            read_manifest(version)
        feed = httpx.get(f"{svc.base}/recommend/feed/{FIRST_USER}", timeout=10)
        result.recovery_s = _recovery(load, killed_at)
        statuses = sorted({o.status for o in load.errors()})
        result.client_sees = (
            "nothing (the other worker answers)"
            if not statuses
            else f"requests in flight on the killed worker fail ({', '.join(map(str, statuses))}; 0 = reset)"
        )
        result.notes = f"{kills} kills; feed after: {feed.status_code}"
    return result


def postgres_outage(
    workdir: Path, artifacts: Path, cluster: object, how: str, down_s: float = 2.0
) -> FaultResult:
    from tests.faults.pg_cluster import ThrowawayCluster

    assert isinstance(cluster, ThrowawayCluster)
    label = {"fast": "stopped", "immediate": "crashed (stop -m immediate)", "kill": "killed (SIGKILL)"}[how]
    result = FaultResult(f"PostgreSQL {label} for {down_s:g} s under write load", "")
    with service(
        workdir,
        artifacts,
        WORKERS="2",
        DATABASE_URL=cluster.url,
        DB_REPROBE_S="0.1",
        CT_THRESHOLD="100000",
        SEED_DEMO_INTERACTIONS="false",
    ) as svc:
        with WriteLoad(svc.base, ["R001", "R002", "R003"]) as load:
            time.sleep(1.0)
            if how == "kill":
                cluster.kill()
            else:
                cluster.stop(how)
            down_at = time.monotonic()
            time.sleep(down_s)
            accepting_at = cluster.start()
            time.sleep(3.0)
        during = [o for o in load.outcomes if down_at + 0.5 <= o.at <= accepting_at]
        slowest_503 = result.slowest_503_s = max((o.elapsed for o in during if o.status == 503), default=0.0)
        _account(result, load, svc)
        other = sorted({o.status for o in load.errors()} - {503})
        result.recovery_s = _recovery(load, accepting_at)
        result.client_sees = f"503 + Retry-After at once (slowest {slowest_503 * 1000:.0f} ms)"
        result.notes = f"other statuses: {other}" if other else ""
    return result


def corrupt_artifacts(workdir: Path, artifacts: Path) -> FaultResult:
    """Newest version of every kind truncated at start-up; then every version corrupted and an
    admin reload asked: the loaded models keep serving."""
    from src.artifacts import MANIFEST, list_versions

    result = FaultResult("corrupt / truncated / half-written artifacts (start-up and reload)", "")
    art = workdir / "artifacts"
    shutil.copytree(artifacts, art)
    for kind in ("road", "trail"):
        newest = list_versions(art / kind)[0]
        shutil.copytree(newest, art / kind / "v_20000101_000000")  # an older good version to fall back to
        (newest / "serving.npz").write_bytes(b"truncated")
        (art / kind / ".tmp-halfwritten").mkdir()  # a half-built version: never visible
    with service(workdir, artifacts, WORKERS="2", ADMIN_TOKEN="fault-token", SNAPSHOT_POLL_S="0.5") as svc:
        statuses: list[int] = []
        with httpx.Client(base_url=svc.base, timeout=10) as client:
            before = client.get("/admin/model-status", headers={"Authorization": "Bearer fault-token"}).json()
            for kind in ("road", "trail", "cf"):
                for version in list_versions(art / kind):
                    for f in version.iterdir():
                        if f.name != MANIFEST:
                            f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
            reload = client.post("/admin/reload-model", headers={"Authorization": "Bearer fault-token"})
            time.sleep(1.5)  # the other worker's poller
            for _ in range(20):
                statuses.append(client.post("/recommend/road", json={}).status_code)
                statuses.append(client.post("/recommend/trail", json={}).status_code)
                statuses.append(client.get("/health/ready").status_code)
            after = reload.json()["serving"]
            warnings = svc.log.read_text().count("skipping artifact version")
            time.sleep(3.0)  # six more polls of every worker: a bad version is not reported again
            repeated = svc.log.read_text().count("skipping artifact version") - warnings
    kept = all(after[k]["version"] == before["serving"][k]["version"] for k in ("road", "trail", "cf"))
    result.requests = len(statuses)
    result.errors = sum(1 for s in statuses if s != 200)
    result.client_sees = "200 from the previous good version" if kept else "MODEL CHANGED"
    result.notes = f"bad-version warnings: {warnings} (once per version and process), {repeated} more in 3 s"
    result.repeated_warnings = repeated
    return result


def slow_clients(
    workdir: Path, artifacts: Path, connections: int = 200, read_timeout_s: float = 2.0
) -> FaultResult:
    result = FaultResult(f"{connections} slow clients (half-sent headers/bodies)", "")
    with service(
        workdir,
        artifacts,
        WORKERS="2",
        REQUEST_READ_TIMEOUT_S=str(read_timeout_s),
        MAX_CONNECTIONS_PER_WORKER="100",
    ) as svc:
        host, port = svc.base.removeprefix("http://").split(":")
        socks = []
        opened_at = time.monotonic()
        for i in range(connections):
            s = socket.create_connection((host, int(port)), timeout=10)
            s.sendall(
                b"POST /interact HTTP/1.1\r\nHost: x\r\n"
                if i % 2
                else b"POST /interact HTTP/1.1\r\nHost: x\r\nContent-Length: 90\r\n\r\n{"
            )
            socks.append(s)
        ok = [httpx.get(f"{svc.base}/health/live", timeout=10).status_code for _ in range(20)]
        replies: dict[str, int] = {}
        closed_by = 0.0
        for s in socks:
            data = b""
            with contextlib.suppress(OSError):
                while chunk := s.recv(4096):
                    data += chunk
            closed_by = max(closed_by, time.monotonic() - opened_at)
            code = data[9:12].decode() or "reset"
            replies[code] = replies.get(code, 0) + 1
            s.close()
    result.requests = connections + len(ok)
    result.errors = sum(1 for c in ok if c != 200)
    result.client_sees = ", ".join(f"{n} x {c}" for c, n in sorted(replies.items()))
    result.recovery_s = closed_by
    result.notes = f"all slow connections closed within {closed_by:.1f} s; normal requests meanwhile: {ok.count(200)}/20 ok"
    return result


def disk_full_rebuild(workdir: Path, artifacts: Path) -> FaultResult:
    """The artifacts folder on a full filesystem while continuous training rebuilds."""
    from tests.faults.small_disk import fill, small_disk

    result = FaultResult("artifacts disk full during rebuilds", "")
    store_path = workdir / "store.sqlite3"  # the store lives on another disk than the artifacts
    workdir.mkdir(parents=True, exist_ok=True)
    with (
        small_disk(64) as disk,
        service(disk, artifacts, WORKERS="2", CT_THRESHOLD="20", SQLITE_PATH=str(store_path)) as svc,
    ):
        filler = fill(disk)
        with WriteLoad(svc.base, ["R001", "R002", "R003", "R004"]) as load:
            time.sleep(4.0)
            filler.unlink()
            freed_at = time.monotonic()
            time.sleep(3.0)
        health = httpx.get(f"{svc.base}/health", timeout=10).json()
        _account(result, load, svc)
        result.recovery_s = _recovery(load, freed_at)
        statuses = sorted({o.status for o in load.errors()})
        result.client_sees = "writes 200; feeds from the last good snapshot"
        if statuses:
            result.client_sees = f"errors {statuses}"
        result.notes = f"last rebuild: {(health.get('last_rebuild') or {}).get('outcome')}"
    return result
