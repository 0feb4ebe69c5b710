"""Impressions recorded by the real routes, per A/B arm, and GET /v1/admin/online-metrics, on SQLite
and the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.config import Settings
from src.engine.arms import ArmAssigner
from tests.plugins.api import GROUP_A, seed_groups

ADMIN = {"Authorization": "Bearer s3cret"}
ARMS = {"served": {}, "user_knn": {"item_weight": 0.0}}


@pytest.fixture
def client(backend_settings_factory: Callable[..., Settings]) -> Iterator[TestClient]:
    settings = backend_settings_factory(
        ct_threshold=1000,
        admin_token="s3cret",
        experiment_arms=ARMS,
        impression_flush_s=60.0,  # the tests flush by hand
        experiment_min_runners=1,
    )
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as c:
        yield c


def _flushed(client: TestClient) -> list[Any]:
    feed = client.app.state.feed  # type: ignore[attr-defined]
    feed.impressions.flush()
    return list(feed.store.impressions_since(0.0))


def test_feed_interact_and_questionnaire_pages_are_recorded_with_their_arm(
    client: TestClient, content_models: dict[str, Any]
) -> None:
    assigner = ArmAssigner("cf-engine", (("served", 0.5), ("user_knn", 0.5)))
    runner = next(u for u in GROUP_A if assigner.arm_of(u) == "user_knn")
    feed = client.get(f"/v1/recommend/feed/{runner}?limit=3")
    assert feed.status_code == 200
    shown = tuple(item["shoe_id"] for item in feed.json()["data"])
    liked = client.post("/v1/interact", json={"user_id": 500, "shoe_id": "R001", "action_type": "like"})
    assert liked.status_code == 200
    client.app.state.content = content_models  # type: ignore[attr-defined]
    road = client.post("/v1/recommend/road?user_id=42", json={})
    anonymous = client.post("/v1/recommend/road", json={})  # no runner: nothing recorded
    assert road.status_code == anonymous.status_code == 200
    assert road.content == anonymous.content  # the answer does not depend on who asked

    rows = {i.user_id: i for i in _flushed(client)}
    assert set(rows) == {runner, 500, 42}
    page = rows[runner]
    assert page.shoe_ids == shown and page.first_position == 1
    assert page.arm == "user_knn" and page.source == "collaborative"
    assert page.model_version == feed.json()["cf_version"]
    after_write = rows[500]
    assert after_write.arm == assigner.arm_of(500)
    assert after_write.shoe_ids == tuple(item["shoe_id"] for item in liked.json()["data"])
    answer = rows[42]
    assert answer.source == "questionnaire" and answer.arm == assigner.arm_of(42)
    assert answer.shoe_ids == tuple(item["shoe_id"] for item in road.json()["data"])
    assert answer.model_version == content_models["road"].version

    second = client.get(f"/v1/recommend/feed/{runner}?limit=3&offset=3")
    assert second.status_code == 200
    later = [i for i in _flushed(client) if i.user_id == runner]
    assert [i.first_position for i in later] == [1, 4]  # the second page starts at position 4


def test_a_runner_in_the_second_arm_is_ranked_by_that_arms_engine(client: TestClient) -> None:
    feed = client.app.state.feed  # type: ignore[attr-defined]
    arm, snapshot = feed.snapshot_for(
        next(u for u in range(1, 200) if feed.versions.arms.arm_of(u) == "user_knn")
    )
    assert arm == "user_knn" and snapshot is not feed.snapshot
    assert snapshot.version == feed.snapshot.version
    assert snapshot.engine.item_weight == 0.0 and feed.snapshot.engine.item_weight > 0  # the served blend


def test_online_metrics_route_needs_the_admin_token_and_reports_per_arm(client: TestClient) -> None:
    assert client.get("/v1/admin/online-metrics").status_code == 401
    empty = client.get("/v1/admin/online-metrics", headers=ADMIN)
    assert empty.status_code == 200 and empty.json() == {"latest": None, "history": []}
    bad = client.get("/v1/admin/online-metrics?history=-1", headers=ADMIN)
    assert bad.status_code == 422 and "history" in bad.text
    assert bad.headers["content-type"].startswith("application/problem+json")

    for user in GROUP_A:
        client.get(f"/v1/recommend/feed/{user}?limit=5")
    shown = client.get("/v1/recommend/feed/1?limit=5").json()["data"][0]["shoe_id"]
    client.post("/v1/interact", json={"user_id": 1, "shoe_id": shown, "action_type": "like"})
    report = client.get("/v1/admin/online-metrics?fresh=true", headers=ADMIN).json()["latest"]
    arms = report["arms"]
    assert set(arms) <= {"served", "user_knn"} and sum(a["runners"] for a in arms.values()) == len(GROUP_A)
    arm_of_1 = client.app.state.feed.versions.arms.arm_of(1)  # type: ignore[attr-defined]
    assert arms[arm_of_1]["positive_pairs"] == 1
    assert report["experiment"]["name"] == "cf-engine" and report["window_days"] == 7.0
    again = client.get("/v1/admin/online-metrics?fresh=true&history=5", headers=ADMIN).json()
    assert len(again["history"]) == 1 and again["history"][0]["arms"].keys() == arms.keys()


def test_a_bad_runner_id_on_the_questionnaire_is_a_422_naming_it(client: TestClient) -> None:
    for bad in ("0", "-3", "abc"):
        r = client.post(f"/v1/recommend/road?user_id={bad}", json={})
        assert r.status_code == 422, r.text
        assert "user_id" in r.text
    assert _flushed(client) == []


def test_before_its_arm_is_loaded_a_runner_gets_the_first_arm_and_the_impression_says_so(
    client: TestClient,
) -> None:
    feed = client.app.state.feed  # type: ignore[attr-defined]
    runner = next(u for u in GROUP_A if feed.versions.arms.arm_of(u) == "user_knn")
    sync_arms = feed.versions.sync_arms
    feed.versions.sync_arms = lambda: None  # the poller must not reload it while we look
    feed.versions._arm_snapshots.clear()  # as in the seconds after a publish, before sync_arms ran
    assert client.get(f"/v1/recommend/feed/{runner}?limit=3").status_code == 200
    assert [(i.user_id, i.arm) for i in _flushed(client)] == [(runner, "served")]
    sync_arms()  # the next poll loads it: the runner is back in their arm (not a stale cache)
    assert client.get(f"/v1/recommend/feed/{runner}?limit=3").status_code == 200
    assert [i.arm for i in _flushed(client) if i.user_id == runner] == ["served", "user_knn"]


def test_with_api_key_set_a_runner_id_without_a_key_is_ignored_not_refused(
    backend_settings_factory: Callable[..., Settings], content_models: dict[str, Any]
) -> None:
    settings = backend_settings_factory(ct_threshold=1000, api_key="k1", impression_flush_s=60.0)
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as c:
        c.app.state.content = content_models  # type: ignore[attr-defined]
        anonymous = c.post("/v1/recommend/road?user_id=42", json={})
        keyed = c.post("/v1/recommend/road?user_id=43", json={}, headers={"X-API-Key": "k1"})
        wrong = c.post("/v1/recommend/road?user_id=44", json={}, headers={"X-API-Key": "nope"})
        assert anonymous.status_code == keyed.status_code == wrong.status_code == 200
        assert [i.user_id for i in _flushed(c)] == [43]  # only the one that may speak for the runner
