"""The API as a FastAPI application: routers, middleware, error handlers, the OpenAPI document, and
what each worker holds. `src/app.py` composes it with the pages (`src/web/`) into the served app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from src.api.errors import install_error_handlers
from src.config import VERSION, Settings, get_settings
from src.metrics import set_model_version
from src.serving.content import load_content_models, reload_content_models
from src.store import Store

log = logging.getLogger("sonix")

# Run in a thread with the worker's store before anything is loaded from it (see `create_api`).
StartupHook = Callable[[Store], None]
GIL_SWITCH_INTERVAL_S = 0.001


def create_api(settings: Settings | None = None, *, before_start: StartupHook | None = None) -> FastAPI:
    """Build the API. `before_start`, when given, runs first at start-up with the store: the
    single-process set-up (`src.app.create_app(initialize=True)`, tests) prepares the store and
    publishes the first CF version there; under gunicorn the master has done that before forking."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        from src.engine.versions import load_cache
        from src.serving.feed import FeedService
        from src.store import StoreError, create_store

        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threadpool_size
        # A worker's other threads (the impression writer, store calls on the thread pool) may hold
        # the store's write lock while they wait for the GIL behind the event loop: hand it over
        # after 1 ms instead of Python's 5, so a lock held that way is held for less.
        sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
        store = create_store(settings)
        if before_start is not None:
            await asyncio.to_thread(before_start, store)
        # The published version's artifact, mapped from the host cache (feed.versions.sync below); the
        # local event-log cache only when the store cannot be reached (feeds served while it is down).
        snapshot = None
        with contextlib.suppress(StoreError):
            await asyncio.to_thread(store.all_shoes)  # warm the catalog cache; fine to defer if down
        app.state.settings = settings
        app.state.store = store
        app.state.content = await asyncio.to_thread(load_content_models, settings)
        app.state.feed = feed = FeedService(settings, store, snapshot)
        if feed.impressions is not None:
            feed.impressions.start()  # writes what pages showed, off the request path
        try:
            await asyncio.to_thread(feed.versions.sync)
        except StoreError as exc:
            log.warning("store unreachable at start-up (%s); serving the cached CF version", exc)
            cached = await asyncio.to_thread(load_cache, settings)
            if cached is not None and feed.snapshot is None:
                feed.versions.swap(cached)
        await asyncio.to_thread(feed.progress.refresh, store)  # /health's first answer is complete
        for shoe_type, model in app.state.content.items():
            set_model_version(shoe_type, getattr(model, "version", None))

        def reload_models() -> None:
            previous = {t: getattr(m, "version", None) for t, m in app.state.content.items()}
            app.state.content = reload_content_models(settings, app.state.content)
            for t, m in app.state.content.items():
                set_model_version(t, getattr(m, "version", None), previous.get(t))
            log.info(
                "models reloaded: %s", {t: getattr(m, "version", None) for t, m in app.state.content.items()}
            )

        def reload_everything() -> None:
            """An admin reload: content models from disk, the CF version rebuilt from the store."""
            reload_models()
            feed.versions.sync(force_full=True)

        app.state.reload_models = reload_everything
        feed.versions.on_reload.append(reload_everything)
        poller = asyncio.create_task(feed.versions.poll_forever())
        try:
            yield
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
            feed.close()
            store.close()

    from src.api.docs import install_docs
    from src.api.observability import ObservabilityMiddleware
    from src.api.openapi import install_openapi
    from src.api.ratelimit import WriteRateLimit
    from src.api.router import include_routes, operation_id

    app = FastAPI(
        title="SONIX RUSH AI",
        version=VERSION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,  # served from the service itself, with a CSP (src/api/docs.py)
        redoc_url=None,
        # Metrics and logs are the service's own (src/metrics.py, src/logs.py); without this FastAPI
        # asks OpenTelemetry on every request whether a provider has been configured meanwhile.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    from src.api.slow_clients import BodyReadTimeoutMiddleware
    from src.serving.catalog import CatalogHolder
    from src.serving.similar import SimilarHolder

    app.state.settings = settings
    app.state.rate_limit = WriteRateLimit(settings)
    app.state.catalog_holder = CatalogHolder()
    app.state.similar_holder = SimilarHolder()
    include_routes(app)
    install_docs(app)
    install_error_handlers(app)
    install_openapi(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Retry-After"],  # readable by browser clients
        )
    app.add_middleware(ObservabilityMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(BodyReadTimeoutMiddleware, timeout_s=settings.request_read_timeout_s)
    return app
