"""`Annotated` dependency aliases: routes declare what they need, the app state provides it.

The providers are `async` so that resolving them never costs a thread-pool hop."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from src.api.state import app_state
from src.config import Settings
from src.serving.feed import FeedService
from src.store import Store


async def get_app_settings(request: Request) -> Settings:
    return app_state(request).settings


async def get_app_store(request: Request) -> Store:
    return app_state(request).store


async def get_feed_service(request: Request) -> FeedService:
    return app_state(request).feed


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[Store, Depends(get_app_store)]
FeedDep = Annotated[FeedService, Depends(get_feed_service)]
