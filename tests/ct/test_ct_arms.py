"""A/B arms built by the CT process and mapped by the workers (SQLite and the real PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from src.config import Settings
from src.ct import arms as ct_arms
from src.ct.loop import CTLoop
from src.engine.arms import ArmAssigner, arm_entries
from src.recommender.runner_space import RunnerSpaceRecommender
from src.serving.feed import FeedService
from src.store import Store, create_store

ARMS = {"served": {}, "knn_only": {"item_weight": 0.0}}


def like_many(store: Store, n: int, first_user: int = 1) -> None:
    shoes = [s["shoe_id"] for s in store.all_shoes()]
    for i in range(n):
        store.record_like(first_user + i // 3, shoes[(7 * i + i // 3) % len(shoes)])


@pytest.fixture
def arm_settings(backend_settings_factory: Callable[..., Settings]) -> Settings:
    return backend_settings_factory(
        ct_threshold=5,
        ct_min_interval_s=0,
        quality_gate_tolerance=1.0,
        full_rebuild_every=1000,
        experiment_arms=ARMS,
        impressions_enabled=False,
    )


@pytest.fixture
def started(arm_settings: Settings) -> Iterator[tuple[Store, CTLoop]]:
    """A store with 30 runners' likes and a CT loop that published the first version (the served
    engine and the arm, both full)."""
    store = create_store(arm_settings)
    store.init()
    like_many(store, 90)
    loop = CTLoop(store, arm_settings)
    loop.start()
    yield store, loop
    store.close()


def test_the_ct_process_publishes_each_arm_and_workers_map_it_without_fitting(
    arm_settings: Settings, started: tuple[Store, CTLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, loop = started
    for batch in range(2):  # the first step fits the arm (a started loop holds no arm engine),
        like_many(store, 15, first_user=200 + 10 * batch)  # the second patches it like the served one
        result = loop.step()
        assert result is not None and result.outcome == "published", result.reason
    entry = arm_entries(store.latest_cf_version().figures)["knn_only"]  # type: ignore[union-attr]
    assert entry["status"] == "built" and entry["params"]["item_weight"] == 0.0
    assert entry["artifact"]["kind"] == "delta"

    # a worker: fitting is forbidden; the arm's runners are ranked by the arm's mapped engine
    def no_fitting(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("an API worker fitted an engine")

    monkeypatch.setattr(RunnerSpaceRecommender, "fit", no_fitting)
    feed = FeedService(arm_settings, store, None)
    assert feed.versions.sync()
    runner = next(u for u in range(1, 36) if ArmAssigner.from_settings(arm_settings).arm_of(u) == "knn_only")
    arm, snapshot = feed.snapshot_for(runner)
    assert arm == "knn_only" and snapshot is not None and not snapshot.engine.has_rows
    state = store.user_state(runner)
    served = feed.rank(runner, state, 10)
    monkeypatch.undo()
    # the same ranking as the arm's engine fitted on the store's matrix (what CT holds)
    expected, _ = loop.arm_snapshots["knn_only"].recommend_with_evidence(runner, state.scores, 10)
    assert [i[0] for i in served.items] == [i[0] for i in expected]
    assert served.arm == "knn_only"


def test_a_refused_arm_keeps_its_previous_engine(
    started: tuple[Store, CTLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, loop = started
    like_many(store, 15, first_user=300)
    loop.step()  # the arm fitted: an engine the loop holds, and may keep
    first = arm_entries(store.latest_cf_version().figures)["knn_only"]  # type: ignore[union-attr]
    monkeypatch.setattr(ct_arms, "gate_refusal", lambda *_a: "quality gate: worse (test)")
    like_many(store, 15, first_user=200)
    result = loop.step()
    assert result is not None and result.outcome == "published"  # the served engine is not held back
    kept = arm_entries(store.latest_cf_version().figures)["knn_only"]  # type: ignore[union-attr]
    assert kept["status"] == "kept" and "worse (test)" in kept["reason"]
    assert kept["artifact"] == first["artifact"]
    assert loop.arm_snapshots["knn_only"].last_event_id < store.newest_event_id()  # the old engine
