"""The served application, composed: the API (`src/api/`) and the pages (`src/web/`) in one FastAPI
app. The one module that knows both, and the only one besides `src/main.py` that may reach the CT
code (for the single-process set-up below); `src/main.py` serves what this builds.

    create_app(settings)                   # what every API worker serves
    create_app(settings, initialize=True)  # one process (tests, bench/online_sim.py): also prepares
                                           # the store and publishes the first CF version, the work
                                           # `src.main` and the CT process do in production
"""

from __future__ import annotations

from fastapi import FastAPI

from src.api.app import StartupHook, create_api
from src.config import Settings, get_settings
from src.store import Store
from src.web.pages import install as install_pages


def create_app(settings: Settings | None = None, *, initialize: bool = False) -> FastAPI:
    settings = settings or get_settings()
    app = create_api(settings, before_start=publish_first_version(settings) if initialize else None)
    install_pages(app, settings)
    return app


def publish_first_version(settings: Settings) -> StartupHook:
    """Start-up in one process: the schema, catalog and demo data, then the first CF version if the
    store has none (under the CT leadership, as the CT process would)."""

    def prepare(store: Store) -> None:
        from src.ct.rebuild import bootstrap  # only here: API workers never load the rebuild code

        store.init()
        with store.held_leadership(settings.ct_rebuild_timeout_s):
            bootstrap(store, settings)

    return prepare
