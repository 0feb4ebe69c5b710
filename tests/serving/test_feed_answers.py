"""What the feed answers does not depend on which worker answers, nor on what that worker cached;
and a write made before any CF version exists is acknowledged, not refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.config import Settings
from src.serving.feed_pages import NOTICE_NO_VERSION_YET
from src.store import create_store
from tests.plugins.api import seed_groups


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_one_version_and_one_runner_give_one_body_whatever_was_cached(
    backend_settings_factory: Callable[..., Settings],
) -> None:
    settings = backend_settings_factory(ct_threshold=1000)
    seed_groups(settings)
    # two apps on one store: two workers, one of which has paged through the whole ranking
    with (
        TestClient(create_app(settings, initialize=True)) as deep,
        TestClient(create_app(settings)) as shallow,
    ):
        for shoe in ("R001", "R002", "T001"):
            deep.post("/v1/interact", json={"user_id": 500, "shoe_id": shoe, "action_type": "like"})
        deep.get("/v1/recommend/feed/500?limit=5&offset=10")
        deep.get("/v1/recommend/feed/500?type=road")  # the whole ranking, cached in this worker
        answers = [client.get("/v1/recommend/feed/500") for client in (deep, shallow, deep, shallow)]
        assert {a.status_code for a in answers} == {200}
        assert len({a.content for a in answers}) == 1, [a.json()["total"] for a in answers]
        assert len({a.headers["etag"] for a in answers}) == 1
        assert answers[0].json()["total"] is None  # counted only with `type`, whatever was cached
        road = deep.get("/v1/recommend/feed/500?type=road&limit=100").json()
        assert (
            road["total"]
            == len(road["data"])
            == shallow.get("/v1/recommend/feed/500?type=road").json()["total"]
        )
        tag = answers[0].headers["etag"]
        assert shallow.get("/v1/recommend/feed/500", headers={"If-None-Match": tag}).status_code == 304
        assert deep.get("/v1/recommend/feed/500", headers={"If-None-Match": tag}).status_code == 304


def test_a_write_before_the_first_cf_version_is_acknowledged(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory(role="api", ct_threshold=1000)
    store = create_store(settings)
    store.init()  # what ROLE=api's start-up does; no CT process has published a version
    store.close()
    with TestClient(create_app(settings)) as client:
        answer = client.post("/v1/interact", json={"user_id": 7, "shoe_id": "R003", "action_type": "like"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["status"] == "success" and body["data"] == [] and body["notice"] == NOTICE_NO_VERSION_YET
        assert body["cf_version"] is None and body["total"] == 0
    store = create_store(settings)
    try:
        assert store.user_state(7).scores == {"R003": 1.0}  # committed
    finally:
        store.close()
