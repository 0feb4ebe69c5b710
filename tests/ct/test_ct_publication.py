"""Publication never stalls silently: refusals in a row are counted and shown (/health, the admin
status, the CT log) with the serving version's age from the store, and the event log is compacted
on its own schedule, not only after a publish. SQLite and the real PostgreSQL."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.config import Settings
from src.ct.loop import CTLoop
from src.ct.rebuild import rebuild
from src.engine.versions import consecutive_refusals, gate_view
from src.recommender.baselines import PopularityRecommender
from src.store import CFVersion, Store, create_store
from tests.plugins.store import stored_events
from tests.plugins.waiting import wait_until


def _version(status: str, version_id: int) -> CFVersion:
    return CFVersion(
        version_id, version_id, status, "full", version_id, {}, None, "2026-12-04T10:00:00+00:00"
    )


def test_refusals_are_counted_back_to_the_newest_publish() -> None:
    newest_first = [
        _version(s, 9 - i) for i, s in enumerate(["refused", "failed", "refused", "published", "refused"])
    ]
    assert consecutive_refusals(newest_first) == 2  # a failed rebuild neither counts nor resets
    assert consecutive_refusals(newest_first[3:]) == 0
    assert consecutive_refusals([]) == 0
    assert gate_view(2, None, 3) == {"consecutive_refusals": 2, "stalled": False, "serving_age_s": None}
    assert gate_view(3, None, 3)["stalled"] is True


def _seed_two_tastes(store: Store) -> None:
    for user in range(1, 41):  # two groups of runners with distinct, consistent tastes
        shoes = (
            ("R001", "R002", "R003", "R004", "R005", "R006")
            if user % 2
            else ("R007", "R008", "R009", "R010", "R011", "R012")
        )
        for shoe in shoes[: 5 + user % 2]:
            store.record_like(user, shoe)


def test_a_gate_refusing_in_a_row_is_said_by_health_admin_and_the_log(
    backend_settings_factory: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    settings = backend_settings_factory(
        ct_threshold=5, ct_min_interval_s=0, gate_stall_after=3, admin_token="t", snapshot_poll_s=60
    )
    store = create_store(settings)
    store.init()
    _seed_two_tastes(store)

    def popularity_candidates(store: Store, settings: Settings, parent: Any, **kw: Any) -> Any:
        # a real full rebuild whose candidate is the popularity baseline: worse, so the gate refuses it
        return rebuild(store, settings, parent, force_full=True, engine_factory=PopularityRecommender, **kw)

    loop = CTLoop(store, settings, rebuild_fn=popularity_candidates)
    loop.start()
    with TestClient(create_app(settings)) as client:
        served = client.get("/health").json()
        assert served["cf_publication"]["consecutive_refusals"] == 0
        age = served["cf_publication"]["serving_age_s"]
        assert age is not None and 0 <= age < 60
        outcomes = []
        for burst in range(4):  # new runners, one like each: a claim per 5
            for user in range(1000 + 5 * burst, 1005 + 5 * burst):
                store.record_like(user, "R001")
            with caplog.at_level(logging.WARNING, logger="src.ct.loop"):
                result = loop.step()
            assert result is not None
            outcomes.append(result.outcome)
        assert outcomes == ["refused"] * 4
        assert "refused 3 rebuilds in a row" in caplog.text and "refused 4 rebuilds in a row" in caplog.text
        client.app.state.feed.versions.sync()  # what the poller does every SNAPSHOT_POLL_S
        health = client.get("/health").json()["cf_publication"]
        assert health["consecutive_refusals"] == 4 and health["stalled"] is True
        assert health["serving_age_s"] >= age  # the published version's age, not this worker's
        status = client.get("/v1/admin/model-status", headers={"Authorization": "Bearer t"}).json()
        assert status["cf_publication"]["consecutive_refusals"] == 4
    store.close()


def test_the_event_log_is_compacted_on_a_schedule_without_any_publish(
    backend_settings_factory: Callable[..., Settings],
) -> None:
    settings = backend_settings_factory(ct_threshold=1000, event_compaction_s=0.2, ct_poll_s=0.05)
    store = create_store(settings)
    store.init()
    for stars in (4, 5, 4, 5, 4, 5):  # five superseded ratings, all before the first version
        store.record_rating(1, "R001", stars)
    store.record_like(2, "R002")
    loop = CTLoop(store, settings)
    stop = threading.Event()
    runner = threading.Thread(target=loop.run_forever, args=(stop,))
    runner.start()
    try:
        # no claim, so no rebuild: only the schedule compacts
        wait_until(lambda: len(stored_events(store)) == 2, 20, "the scheduled compaction")
    finally:
        stop.set()
        runner.join(timeout=20)
    assert store.ct_poll().claims_handled == 0
    assert store.user_state(1).scores == {"R001": 2.0}
    store.close()


def test_a_burst_of_one_interaction_runners_does_not_stall_publication_silently(
    backend_settings_factory: Callable[..., Settings],
) -> None:
    """The served engine and the real gate: established runners, then waves of new runners with one
    like each (a claim per wave). Each rebuild is published, or /health says how many in a row were
    refused and, from GATE_STALL_AFTER on, that publication stalled."""
    import numpy as np

    catalog = Settings(_env_file=None)  # type: ignore[call-arg]
    settings = backend_settings_factory(
        ct_threshold=40,
        ct_min_interval_s=0,
        gate_stall_after=3,
        snapshot_poll_s=60,
        road_catalog=catalog.road_catalog,
        trail_catalog=catalog.trail_catalog,
    )
    store = create_store(settings)
    store.init()
    rng = np.random.default_rng(7)
    road = [s["shoe_id"] for s in store.all_shoes() if s["shoe_type"] == "road" and s["status"] == "active"][
        :60
    ]
    for user in range(1, 301):  # established runners: a taste group each, 5-12 likes
        group = road[(user % 4) * 12 : (user % 4) * 12 + 14]
        for shoe in rng.choice(group, size=int(rng.integers(5, 13)), replace=False):
            store.record_like(user, str(shoe))
    loop = CTLoop(store, settings)
    loop.start()
    popular = np.array(road[:20])
    outcomes: list[str] = []
    with TestClient(create_app(settings)) as client:
        for wave in range(6):
            for user in range(10_000 + 40 * wave, 10_040 + 40 * wave):
                store.record_like(user, str(rng.choice(popular)))
            result = loop.step()
            assert result is not None
            outcomes.append(result.outcome)
            client.app.state.feed.versions.sync()
            said = client.get("/health").json()["cf_publication"]
            refused_in_a_row = len(outcomes) - len(
                "".join("x" if o == "published" else "-" for o in outcomes).rstrip("-")
            )
            assert said["consecutive_refusals"] == refused_in_a_row, outcomes
            assert said["stalled"] == (refused_in_a_row >= settings.gate_stall_after), outcomes
    assert "failed" not in outcomes
    # the served engine is not swamped by one-like runners: the gate never refuses long enough to stall
    # (measured: all six waves published on SQLite and PostgreSQL)
    assert outcomes.count("refused") < settings.gate_stall_after, outcomes
    store.close()
