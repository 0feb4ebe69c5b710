"""SONIX RUSH AI: the FastAPI app factory and the process entry point.

`python -m src.main` prepares the store (schema, catalog, demo data), trains the content models in
a subprocess when no valid artifacts exist (TensorFlow never enters the server), builds the first
collaborative snapshot if needed, then serves with gunicorn + uvicorn workers on $PORT.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.middleware.cors import CORSMiddleware

from src.config import SHOE_TYPES, Settings, get_settings

log = logging.getLogger("sonix")


def _validation_detail(exc: RequestValidationError) -> str:
    """One readable line per problem, naming the field: `pace: Input should be 'Easy', ...`."""
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            msg = "unknown field (not accepted)"
        elif err.get("type") == "missing":
            msg = "field required"
        parts.append(f"{'.'.join(loc) or 'body'}: {msg}")
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    from src.database import StoreUnavailable, UnknownShoeError

    @app.exception_handler(RequestValidationError)
    async def on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_detail(exc)}, status_code=422)

    @app.exception_handler(UnknownShoeError)
    async def on_unknown_shoe(_: Request, exc: UnknownShoeError) -> JSONResponse:
        shoe_id = str(exc).split()[-1] if str(exc) else "?"
        return JSONResponse({"detail": f"shoe_id: unknown shoe {shoe_id!r}"}, status_code=404)

    @app.exception_handler(StoreUnavailable)
    async def on_store_down(_: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse(
            {"detail": f"the data store is unavailable, nothing was changed: {exc}"}, status_code=503
        )

    @app.exception_handler(Exception)
    async def on_crash(_: Request, exc: Exception) -> JSONResponse:
        from src.api.observability import request_id_var

        log.exception("unhandled error")
        return JSONResponse(
            {"detail": f"internal error (request id {request_id_var.get()})"}, status_code=500
        )


def _load_content(settings: Settings) -> dict[str, Any]:
    from src.recommender.content_based import load_content_model

    return {
        t: load_content_model(settings.artifacts_dir, t, top_n=settings.content_top_n) for t in SHOE_TYPES
    }


def create_app(settings: Settings | None = None, *, initialize: bool = False) -> FastAPI:
    """Build the app. `initialize=True` also prepares the store and the first CF snapshot in-process
    (tests, single-process runs); under gunicorn the master has done that before forking."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        from src.api.feed import FeedService
        from src.api.observability import set_model_version
        from src.database import StoreError, create_store
        from src.training import continuous

        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threadpool_size
        store = create_store(settings)
        if initialize:
            await asyncio.to_thread(store.init)
            snapshot = await asyncio.to_thread(continuous.ensure_snapshot, store, settings)
        else:
            snapshot = await asyncio.to_thread(continuous.load_snapshot, settings)
        with contextlib.suppress(StoreError):
            await asyncio.to_thread(store.all_shoes)  # warm the catalog cache; fine to defer if down
        app.state.settings = settings
        app.state.store = store
        app.state.content = await asyncio.to_thread(_load_content, settings)
        app.state.feed = feed = FeedService(settings, store, snapshot)
        for shoe_type, model in app.state.content.items():
            set_model_version(shoe_type, getattr(model, "version", None))

        def reload_models() -> None:
            previous = {t: getattr(m, "version", None) for t, m in app.state.content.items()}
            app.state.content = _load_content(settings)
            for t, m in app.state.content.items():
                set_model_version(t, getattr(m, "version", None), previous.get(t))
            feed.refresh_from_disk()
            log.info(
                "models reloaded: %s", {t: getattr(m, "version", None) for t, m in app.state.content.items()}
            )

        app.state.reload_models = reload_models
        feed.on_reload.append(reload_models)
        poller = asyncio.create_task(feed.poll_forever())
        try:
            yield
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
            feed.close()
            store.close()

    app = FastAPI(
        title="SONIX RUSH AI",
        version="1.0.0",
        description="Running-shoe recommendations: questionnaire (content-based) and feed (collaborative).",
        lifespan=lifespan,
    )
    from src.api import collaborative, content, ops
    from src.api.observability import ObservabilityMiddleware

    app.include_router(content.router)
    app.include_router(collaborative.router)
    app.include_router(ops.router)
    _install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
        )
    app.add_middleware(ObservabilityMiddleware, max_body_bytes=settings.max_body_bytes)
    return app


# --- process entry point ---------------------------------------------------------------------


def prepare(settings: Settings) -> None:
    """Everything done once before workers fork. Exits with one clear line on a bad configuration."""
    from src.catalog import CatalogError
    from src.database import StoreConfigError, StoreUnavailable, create_store
    from src.recommender.content_based import has_valid_artifacts
    from src.training import continuous

    try:
        store = create_store(settings)
        store.init()
    except (CatalogError, StoreConfigError) as exc:
        sys.exit(f"sonix: cannot start: {exc}")
    except StoreUnavailable as exc:
        if continuous.load_snapshot(settings) is None:
            sys.exit(f"sonix: cannot start: {exc}")
        log.warning("store unreachable at start-up (%s); serving from the saved snapshot", exc)
        store = None

    missing = [t for t in SHOE_TYPES if not has_valid_artifacts(settings.artifacts_dir, t)]
    if missing:
        print(
            f"sonix: no trained {'/'.join(missing)} model found; training now "
            f"(python -m src.training.training_engine --type {'all' if len(missing) > 1 else missing[0]})",
            flush=True,
        )
        cmd = [
            sys.executable,
            "-m",
            "src.training.training_engine",
            "--type",
            "all" if len(missing) > 1 else missing[0],
            "--artifacts-dir",
            str(settings.artifacts_dir),
        ]
        if subprocess.run(cmd, check=False).returncode != 0:
            sys.exit("sonix: cannot start: training failed (see the output above)")
    if store is not None:
        continuous.ensure_snapshot(store, settings)
        store.close()


def serve(settings: Settings) -> None:
    from gunicorn.app.base import BaseApplication

    def child_exit(_server: Any, worker: Any) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{settings.host}:{settings.port}",
                "workers": settings.workers,
                "worker_class": "uvicorn.workers.UvicornWorker",
                "graceful_timeout": 30,  # in-flight requests finish; rebuilds are abandoned safely
                "timeout": 60,
                "keepalive": 5,
                "accesslog": None,  # access log off the hot path; metrics and request ids cover it
                "errorlog": "-",
                "loglevel": settings.log_level.lower(),
                "child_exit": child_exit,
                "reload": settings.dev_reload,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app(settings)

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
    return create_app(get_settings())


if __name__ == "__main__":
    main()
