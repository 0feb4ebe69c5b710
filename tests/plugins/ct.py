"""Continuous-training fixtures: settings that rebuild every 5 interactions, and a burst of likes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from src.config import Settings
from src.store import Store


@pytest.fixture
def ct_settings(backend_settings_factory: Callable[..., Settings]) -> Settings:
    """A claim every 5 interactions, no pacing, no quality gate, incremental rebuilds."""
    return backend_settings_factory(
        ct_threshold=5, ct_min_interval_s=0, quality_gate_tolerance=1.0, full_rebuild_every=1000
    )


def like_many(store: Store, n: int, first_user: int = 500, stride: int = 1) -> None:
    """`n` likes, three a runner from `first_user` on, walking the catalog `stride` shoes a like."""
    shoes = [s["shoe_id"] for s in store.all_shoes()]
    for i in range(n):
        store.record_like(first_user + i // 3, shoes[(stride * i) % len(shoes)])
