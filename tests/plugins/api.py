"""The app through FastAPI's TestClient on a store seeded with three known groups of runners, so the
expected neighbours are known: group A (users 1-6) likes R001, R002, R003; group B (users 7-12)
likes R001, R004, R005; group C (users 13-15) likes only R006 and R007, so it shares nothing with a
runner who likes R001."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.config import Settings
from src.store import create_store

GROUP_A = range(1, 7)
GROUP_B = range(7, 13)
GROUP_C = range(13, 16)
NEWCOMER = 100


def seed_groups(settings: Settings, shared: str = "R001") -> None:
    """The three groups; `shared` is the shoe groups A and B both like."""
    store = create_store(settings)
    store.init()
    for users, shoes in ((GROUP_A, (shared, "R002", "R003")), (GROUP_B, (shared, "R004", "R005"))):
        for user in users:
            for shoe in shoes:
                store.record_like(user, shoe)
    for user in GROUP_C:
        for shoe in ("R006", "R007"):
            store.record_like(user, shoe)
    store.close()


@pytest.fixture
def make_client(backend_settings_factory: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    """`make_client(seed=True, **settings)`: a started TestClient of the app on the backend under
    test (ct_threshold 1000 unless given); `seed` is True (`seed_groups`), False, or a function of
    the settings. Every client is closed after the test."""
    clients: list[TestClient] = []

    def make(seed: bool | Callable[[Settings], None] = True, **overrides: Any) -> TestClient:
        overrides.setdefault("ct_threshold", 1000)
        settings = backend_settings_factory(**overrides)
        if seed:
            (seed_groups if seed is True else seed)(settings)
        client = TestClient(create_app(settings, initialize=True))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)
