"""SONIX RUSH AI: the process entry point.

`python -m src.main` prepares the store (schema, catalog, demo data), trains the content models in
a subprocess when no valid artifacts exist (TensorFlow never enters the server), builds the first
collaborative snapshot if needed, then serves with gunicorn + uvicorn workers on $PORT.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI

from src.config import SHOE_TYPES, Settings, get_settings

log = logging.getLogger("sonix")


def prepare(settings: Settings) -> None:
    """Everything done once before workers fork. Exits with one clear line on a bad configuration."""
    from src.catalog import CatalogError
    from src.ct import rebuild as continuous
    from src.recommender.content_based import has_valid_artifacts
    from src.serving.snapshots import load_snapshot
    from src.store import StoreConfigError, StoreUnavailable, create_store

    try:
        store = create_store(settings)
        store.init()
    except (CatalogError, StoreConfigError) as exc:
        sys.exit(f"sonix: cannot start: {exc}")
    except StoreUnavailable as exc:
        if load_snapshot(settings) is None:
            sys.exit(f"sonix: cannot start: {exc}")
        log.warning("store unreachable at start-up (%s); serving from the saved snapshot", exc)
        store = None

    missing = [t for t in SHOE_TYPES if not has_valid_artifacts(settings.artifacts_dir, t)]
    if missing:
        train_models(settings, missing)
    if store is not None:
        continuous.ensure_snapshot(store, settings)
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
                "graceful_timeout": 30,  # in-flight requests finish; rebuilds are abandoned safely
                "timeout": 60,
                "keepalive": settings.keepalive_timeout_s,
                "accesslog": None,  # access log off the hot path; metrics and request ids cover it
                "errorlog": "-",
                "loglevel": settings.log_level.lower(),
                "child_exit": child_exit,
                "reload": settings.dev_reload,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from src.api.app import create_app

            return create_app(settings)

    slow_clients.configure(settings)  # class settings, inherited by the forked workers
    Server().run()


def main() -> None:
    # One BLAS thread per worker: the per-request math is tiny, and WORKERS processes already use
    # every core (set before NumPy loads; forked workers inherit it).
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    # Prometheus multiprocess mode: one fresh directory shared by this run's workers. It must be
    # set before prometheus_client is first imported (it picks its value store at import time).
    metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="sonix-metrics-")
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    from src.api.observability import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    if "--prepare-only" in sys.argv[1:]:
        prepare(settings)
        return
    # Prepare in a short-lived child: the gunicorn master then forks workers from a lean process,
    # instead of handing each one the seeding, evaluation and training-check modules it loaded.
    child = subprocess.run([sys.executable, "-m", "src.main", "--prepare-only"], check=False)
    if child.returncode != 0:
        sys.exit(child.returncode)
    if settings.dev_reload:
        import uvicorn

        uvicorn.run("src.main:dev_app", host=settings.host, port=settings.port, reload=True, factory=True)
        return
    serve(settings)


def dev_app() -> FastAPI:
    from src.api.app import create_app

    return create_app(get_settings())


if __name__ == "__main__":
    main()
