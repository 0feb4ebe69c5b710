"""SONIX RUSH AI: the process entry point. What runs depends on the setting ROLE:

- `all` (default, `make run`, one host): prepare, then a small supervisor starts the API server
  (gunicorn + uvicorn workers on $PORT) and the continuous-training process (`python -m src.ct`),
  and restarts the CT process whenever it dies; if the API server stops, everything stops.
- `api`: prepare, then only the API server (a replica; the CT process runs elsewhere).
- `ct`: only the continuous-training loop (no HTTP server).

Preparing = the store (schema, catalog, demo data), the content models (trained in a subprocess
when no valid artifacts exist: TensorFlow never enters the server) and the local cache of the
newest published CF version (with ROLE=all, the first version is built if there is none).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI
from pydantic import ValidationError

from src.config import SHOE_TYPES, Settings, get_settings
from src.memory import keep_mmap_threshold

log = logging.getLogger("sonix")


def prepare(settings: Settings) -> None:
    """Everything done once before workers fork. Exits with one clear line on a bad configuration."""
    from src.catalog import CatalogError
    from src.engine.arms import check_arms
    from src.engine.versions import cached_version
    from src.recommender.content_based import has_valid_artifacts
    from src.store import StoreConfigError, StoreUnavailable, create_store

    try:
        check_arms(settings)  # a bad EXPERIMENT_ARMS: one line here, not a crash in every worker
    except ValueError as exc:
        sys.exit(f"sonix: cannot start: {exc}")
    try:
        store = create_store(settings)
        store.init()
    except (CatalogError, StoreConfigError) as exc:
        sys.exit(f"sonix: cannot start: {exc}")
    except StoreUnavailable as exc:
        if cached_version(settings) is None:
            sys.exit(f"sonix: cannot start: {exc}")
        log.warning("store unreachable at start-up (%s); serving from the cached CF version", exc)
        store = None

    missing = [t for t in SHOE_TYPES if not has_valid_artifacts(settings.artifacts_dir, t)]
    if missing:
        train_models(settings, missing)
    if store is not None:
        prepare_cf(store, settings)
        store.close()


def train_models(settings: Settings, missing: Sequence[str]) -> None:
    """Train the missing content models in a subprocess (TensorFlow never enters this process).
    A failure (the serving image has no TensorFlow, by design) stops start-up with one line
    saying what is wrong and which command trains, not the trainer's traceback."""
    from src.artifacts import list_versions

    shoe_arg = "all" if len(missing) > 1 else missing[0]
    cmd = [
        sys.executable,
        "-m",
        "src.training.training_engine",
        "--type",
        shoe_arg,
        "--artifacts-dir",
        str(settings.artifacts_dir),
    ]
    corrupt = [t for t in missing if list_versions(settings.artifacts_dir / t)]
    what = f"no trained {'/'.join(missing)} model found"
    if corrupt:
        what = f"every saved {'/'.join(corrupt)} model version is corrupt or incomplete"
    print(
        f"sonix: {what}; training now (python -m src.training.training_engine --type {shoe_arg})", flush=True
    )
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        reason = lines[-1] if lines else f"exit code {proc.returncode}"
        sys.exit(
            f"sonix: cannot start: {what} under {settings.artifacts_dir} and training failed ({reason});"
            f" train where requirements-train.txt is installed: {' '.join(cmd[1:])}"
        )


def prepare_cf(store: Any, settings: Settings) -> None:
    """The local cache at the newest published CF version; with ROLE=all, the first version too
    (the CT process is not running yet, so its leadership is free)."""
    from src.engine.versions import sync_cache
    from src.store import LeadershipTimeout

    if settings.role == "all" and store.latest_cf_version() is None:
        from src.ct.rebuild import bootstrap

        try:
            with store.held_leadership(timeout_s=1.0):
                bootstrap(store, settings)
        except LeadershipTimeout:
            log.info("a CT process already runs: it publishes the first CF version")
    if sync_cache(store, settings) is None:
        log.warning("no CF version is published yet: feeds answer 503 until the CT process publishes one")


def serve(settings: Settings) -> None:
    from gunicorn.app.base import BaseApplication

    from src.api import slow_clients

    def child_exit(_server: Any, worker: Any) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{settings.host}:{settings.port}",
                "workers": settings.workers,
                # uvicorn's worker plus the slow-client guards (src/api/slow_clients.py)
                "worker_class": "src.api.slow_clients.GuardedUvicornWorker",
                "graceful_timeout": 30,  # in-flight requests finish
                "timeout": 60,
                "keepalive": settings.keepalive_timeout_s,
                "accesslog": None,  # access log off the hot path; metrics and request ids cover it
                "errorlog": "-",
                "loglevel": settings.log_level.lower(),
                "child_exit": child_exit,
                "reload": settings.dev_reload,
                # X-Forwarded-For is believed only from the proxies the settings name (gunicorn's
                # default trusts every local peer, so anything on the host could pose as any client)
                "forwarded_allow_ips": ",".join(settings.trusted_proxy_networks),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from src.app import create_app

            return create_app(settings)

    slow_clients.configure(settings)  # class settings, inherited by the forked workers
    Server().run()


def _stop_with(supervisor_pid: int) -> Callable[[], None]:
    """What a supervised child runs between fork and exec: the kernel sends it SIGTERM when the
    supervisor dies, even by kill -9 (Linux PR_SET_PDEATHSIG), so the API server and the CT
    process never outlive it as orphans nobody restarts or stops."""
    import ctypes
    import signal

    def arm() -> None:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
        except (AttributeError, OSError):  # not Linux: the children then outlive a killed supervisor
            return
        if os.getppid() != supervisor_pid:  # it died before the request took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return arm


def supervise(settings: Settings) -> int:
    """ROLE=all: the API server and the CT process as children; CT is restarted whenever it dies
    (backing off while it keeps dying at once). Returns when the API server stops."""
    import signal
    import time

    python = sys.executable
    stop_with_me = _stop_with(os.getpid())
    server = subprocess.Popen([python, "-m", "src.main", "--serve-only"], preexec_fn=stop_with_me)
    ct: subprocess.Popen[bytes] | None = None
    stopping = False
    delay_s, started_at = 0.5, 0.0
    restart_at: float | None = 0.0  # start it now

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for child in (server, ct):
            if child is not None and child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while server.poll() is None:
        now = time.monotonic()
        if not stopping and ct is not None and ct.poll() is not None and restart_at is None:
            # a CT process that keeps dying at once is restarted ever more slowly (up to 30 s)
            delay_s = 0.5 if now - started_at > 60 else min(delay_s * 2, 30.0)
            restart_at = now + delay_s
            log.error("CT process %d exited with %s; restarting it in %.1f s", ct.pid, ct.returncode, delay_s)
        if not stopping and restart_at is not None and now >= restart_at:
            ct = subprocess.Popen([python, "-m", "src.ct"], preexec_fn=stop_with_me)
            started_at, restart_at = now, None
            log.info("CT process %d started", ct.pid)
        time.sleep(0.2)
    if ct is not None and ct.poll() is None:
        ct.terminate()
        try:
            ct.wait(timeout=30)
        except subprocess.TimeoutExpired:
            ct.kill()
    return server.returncode or 0


def main() -> None:
    # One BLAS thread per process: the per-request math is tiny, and WORKERS processes already use
    # every core (set before NumPy loads; forked workers inherit it).
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    args = sys.argv[1:]
    try:
        settings = get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper() or 'settings'}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        sys.exit(f"sonix: cannot start: bad settings: {problems}")
    if settings.role == "ct" and "--serve-only" not in args:
        from src.ct.__main__ import main as ct_main

        sys.exit(ct_main())
    keep_mmap_threshold()  # the API workers, forked from here, inherit it (src/memory.py)
    # Prometheus multiprocess mode: one fresh directory shared by this run's processes (the API
    # workers and the CT process). It must be set before prometheus_client is first imported.
    metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if metrics_dir and "--serve-only" not in args:  # the supervisor's children share the one it made
        shutil.rmtree(metrics_dir, ignore_errors=True)
        os.makedirs(metrics_dir, exist_ok=True)
    made_here = None if metrics_dir else tempfile.mkdtemp(prefix="sonix-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir or made_here or ""
    owner_pid = os.getpid()
    try:
        run(settings, args)
    finally:
        # only the process that made it: forked gunicorn workers unwind through here too
        if made_here and os.getpid() == owner_pid:
            shutil.rmtree(made_here, ignore_errors=True)


def run(settings: Settings, args: list[str]) -> None:
    from src.logs import configure_logging

    configure_logging(settings.log_level, settings.log_json)
    if "--prepare-only" in args:
        prepare(settings)
        return
    if "--serve-only" not in args:
        # Prepare in a short-lived child: the gunicorn master then forks workers from a lean process,
        # instead of handing each one the seeding, evaluation and training-check modules it loaded.
        child = subprocess.run([sys.executable, "-m", "src.main", "--prepare-only"], check=False)
        if child.returncode != 0:
            sys.exit(child.returncode)
        if settings.role == "all":
            sys.exit(supervise(settings))
    if settings.dev_reload:
        import uvicorn

        uvicorn.run(
            "src.main:dev_app",
            host=settings.host,
            port=settings.port,
            reload=True,
            factory=True,
            proxy_headers=bool(settings.trusted_proxy_networks),
            forwarded_allow_ips=",".join(settings.trusted_proxy_networks) or None,
        )
        return
    serve(settings)


def dev_app() -> FastAPI:
    from src.app import create_app

    return create_app(get_settings())


if __name__ == "__main__":
    main()
