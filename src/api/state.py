"""What the app keeps in `app.state`, typed: every reader goes through `app_state()`, so a typo or a
wrong type is a mypy error instead of an AttributeError in production."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast

from starlette.requests import HTTPConnection

if TYPE_CHECKING:
    from src.api.ratelimit import WriteRateLimit
    from src.config import Settings
    from src.recommender.content_based import ContentRecommender
    from src.serving.catalog import CatalogHolder
    from src.serving.feed import FeedService
    from src.serving.similar import SimilarHolder
    from src.store import Store


class AppState(Protocol):
    settings: Settings
    rate_limit: WriteRateLimit
    catalog_holder: CatalogHolder
    similar_holder: SimilarHolder
    # set by the lifespan at start-up
    store: Store
    feed: FeedService
    content: dict[str, ContentRecommender | None]  # shoe type -> model (None: not trained yet)
    reload_models: Callable[[], None]  # the admin reload: content models and CF version, everywhere


def app_state(connection: HTTPConnection) -> AppState:
    """The app's state for this request (or websocket)."""
    return cast("AppState", connection.app.state)
