"""The collaborative pipeline through HTTP, on SQLite and on the real PostgreSQL.

The store is filled with two hand-made groups of runners so the expected neighbours are known:
group A (users 1-6) likes R001, R002, R003; group B (users 7-12) likes R001, R004, R005;
group C (users 13-15) likes only R006 and R007, so it shares nothing with a runner who likes R001.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.config import Settings
from src.store import create_store
from tests.plugins.api import NEWCOMER, seed_groups
from tests.plugins.waiting import wait_until


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["shoe_id"] for item in response.json()["data"]]


def scores(response: Any) -> dict[str, float]:
    return {item["shoe_id"]: item["match_score"] for item in response.json()["data"]}


def test_interact_returns_personalised_feed_without_the_shoe(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    r = client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
    feed = ids(r)
    body = r.json()
    assert body["status"] == "success"
    assert "R001" not in feed
    # both groups are neighbours, so all four co-liked shoes come first, from similar runners
    similar = [i["shoe_id"] for i in body["data"] if i["reason"] == "similar_runners"]
    assert set(similar) == {"R002", "R003", "R004", "R005"}
    assert feed[:4] == similar
    assert set(body["data"][0]) == {"shoe_id", "name", "brand", "match_score", "reason", "evidence"}
    # group C shares nothing with this runner: its shoes only come as popularity backfill, and
    # shoes nobody liked are not "popular" at all
    assert [(i["shoe_id"], i["reason"]) for i in body["data"][4:]] == [
        ("R006", "popular"),
        ("R007", "popular"),
    ]


def test_a_like_changes_the_very_next_feed_even_when_cached(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
    first = ids(client.get(f"/recommend/feed/{NEWCOMER}"))
    assert "R002" in first
    again = ids(client.get(f"/recommend/feed/{NEWCOMER}"))  # served from the cache
    assert again == first
    client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R002", "action_type": "like"})
    after = ids(client.get(f"/recommend/feed/{NEWCOMER}"))
    assert "R002" not in after and "R001" not in after
    # liking a group-A shoe makes group A closer: its remaining shoe now leads the feed
    assert after[0] == "R003"


def test_one_star_moves_that_shoes_neighbours_down(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    before = scores(
        client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
    )
    assert before["R005"] == pytest.approx(before["R003"])  # symmetric groups
    after_r = client.post(
        "/interact", json={"user_id": NEWCOMER, "shoe_id": "R004", "action_type": "rate", "value": 1}
    )
    after = scores(after_r)
    assert "R004" not in after
    order = ids(after_r)
    # R005 is liked by the runners who liked R004: disliking R004 must push it below group A's shoes
    assert order.index("R005") > order.index("R003")
    assert after.get("R005", 0.0) < before["R005"]


def test_feed_is_read_your_own_writes_across_workers(
    backend_settings_factory: Callable[..., Settings],
) -> None:
    """Two apps on one store stand for two gunicorn workers: a like recorded by one must vanish
    from the other's cached feed at once."""
    settings = backend_settings_factory(ct_threshold=1000)
    seed_groups(settings)
    with (
        TestClient(create_app(settings, initialize=True)) as worker_1,
        TestClient(create_app(settings)) as worker_2,
    ):
        worker_1.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
        cached = ids(worker_2.get(f"/recommend/feed/{NEWCOMER}"))
        assert "R004" in cached
        worker_1.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R004", "action_type": "like"})
        assert "R004" not in ids(worker_2.get(f"/recommend/feed/{NEWCOMER}"))


def test_feed_cache_hit_and_ttl_expiry(make_client: Callable[..., TestClient]) -> None:
    client = make_client(feed_cache_ttl_s=60)
    written = client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
    cache = client.app.state.feed.cache  # type: ignore[attr-defined]
    entry = cache.get(NEWCOMER)
    assert entry is not None  # the write refreshed this worker's cache
    body = client.get(f"/recommend/feed/{NEWCOMER}").content
    assert body == written.content
    assert [i["shoe_id"] for i in written.json()["data"]] == [item[0] for item in entry.body.items[:20]]
    # past the TTL the entry is gone and the next request recomputes it
    assert cache.get(NEWCOMER, now=time.monotonic() + 61) is None
    assert client.get(f"/recommend/feed/{NEWCOMER}").content == body


def test_feed_cache_counts_hits_and_misses(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    client.post("/interact", json={"user_id": 3, "shoe_id": "R004", "action_type": "like"})

    def metric(result: str) -> float:
        for line in client.get("/metrics").text.splitlines():
            if line.startswith(f'sonix_feed_cache_requests_total{{result="{result}"}}'):
                return float(line.split()[-1])
        return 0.0

    hits, misses = metric("hit"), metric("miss")
    client.get("/recommend/feed/5")  # never requested: miss
    client.get("/recommend/feed/5")  # now cached: hit
    assert metric("miss") == misses + 1
    assert metric("hit") == hits + 1


def test_cold_start_feed_is_404_with_detail(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    r = client.get("/recommend/feed/424242")
    assert r.status_code == 404
    assert "no interactions" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "hint"),
    [
        ({"user_id": 1, "shoe_id": "R001", "action_type": "rate"}, "value", "1 to 5"),
        ({"user_id": 1, "shoe_id": "R001", "action_type": "rate", "value": 6}, "value", "1 to 5"),
        ({"user_id": 1, "shoe_id": "R001", "action_type": "like", "value": 5}, "value", "takes no value"),
        ({"user_id": 0, "shoe_id": "R001", "action_type": "like"}, "user_id", "greater than or equal to 1"),
        ({"user_id": 1, "shoe_id": "R001", "action_type": "buy"}, "action_type", "'like' or 'rate'"),
        ({"user_id": 1, "action_type": "like"}, "shoe_id", "required"),
        ({"user_id": 1, "shoe_id": "R 1", "action_type": "like"}, "shoe_id", "pattern"),
        ({"user_id": 1, "shoe_id": "R001", "action_type": "like", "extra": 1}, "extra", "unknown field"),
    ],
)
def test_malformed_interactions_are_422_naming_the_field(
    make_client: Callable[..., TestClient], body: dict[str, Any], field: str, hint: str
) -> None:
    client = make_client(seed=False)
    r = client.post("/interact", json=body)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str)
    assert detail.startswith(f"{field}:") and hint in detail
    assert client.app.state.store.ct_state().max_event_id == 0  # type: ignore[attr-defined]


def test_unknown_shoe_is_404_and_nothing_is_stored(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    store = client.app.state.store  # type: ignore[attr-defined]
    before = store.ct_state()
    r = client.post("/interact", json={"user_id": 1, "shoe_id": "R999", "action_type": "like"})
    assert r.status_code == 404
    assert "R999" in r.json()["detail"]
    assert store.ct_state() == before


def test_invalid_json_and_bad_path_are_422(make_client: Callable[..., TestClient]) -> None:
    client = make_client(seed=False)
    r = client.post("/interact", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)
    r = client.get("/recommend/feed/-3")
    assert r.status_code == 422 and r.json()["detail"].startswith("user_id:")


def test_health_reports_shared_ct_progress(make_client: Callable[..., TestClient]) -> None:
    client = make_client(ct_threshold=50)
    h = client.get("/health").json()
    assert h["status"] == "healthy"
    base = int(h["ct_sync_progress"].split("/")[0])
    for shoe in ("R006", "R007", "R008"):
        client.post("/interact", json={"user_id": 200, "shoe_id": shoe, "action_type": "like"})
    client.post("/interact", json={"user_id": 200, "shoe_id": "R006", "action_type": "like"})  # no change
    assert client.get("/health").json()["ct_sync_progress"] == f"{(base + 3) % 50}/50"
    assert h["cf_engine"]["users"] == 15


def test_threshold_crossing_rebuilds_and_hot_swaps(make_client: Callable[..., TestClient]) -> None:
    """The API never rebuilds; the CT loop answers the claim, and the worker follows the version."""
    from src.ct.loop import CTLoop

    client = make_client(ct_threshold=4, quality_gate_tolerance=1.0, ct_min_interval_s=0, snapshot_poll_s=0.1)
    feed = client.app.state.feed  # type: ignore[attr-defined]
    ct = CTLoop(client.app.state.store, feed.settings)  # type: ignore[attr-defined]
    ct.start()
    assert ct.step() is None  # no claim pending: nothing to do
    first = feed.snapshot.version
    first_evaluation = feed.snapshot.manifest["evaluation"]
    assert feed.snapshot.user_index.get(NEWCOMER) is None
    progress = client.get("/health").json()["ct_sync_progress"]  # the seeding counted too
    for shoe in ("R001", "R002", "R003", "R006"):
        client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": shoe, "action_type": "like"})
    assert feed.snapshot.version == first  # the worker did not rebuild by itself
    result = ct.step()
    assert result is not None and result.outcome == "published"
    assert ct.step() is None  # exactly one rebuild for the one claim
    wait_until(lambda: feed.snapshot.version != first)
    snap = feed.snapshot
    assert NEWCOMER in ct.snapshot.user_index  # the rebuild picked up the newcomer's row
    # the worker maps the published artifact (a delta on the first version): one runner more,
    # and no runner rows of its own (issue 21: workers do not train)
    assert snap.manifest["artifact"]["kind"] == "delta"
    assert snap.engine.n_users == ct.snapshot.engine.n_users and snap.user_index == {}
    assert snap.manifest["mode"] == "incremental"
    # no refit on an incremental update: the protocol figures are the last full build's, and
    # the gate's own comparison is recorded alongside
    assert snap.manifest["evaluation"] == first_evaluation
    assert set(snap.manifest["gate"]) == {"candidate_ndcg", "serving_ndcg"}
    health = client.get("/health").json()
    assert health["cf_engine"]["version"] == snap.version
    assert health["ct_sync_progress"] == progress  # four more: one full lap of the counter
    wait_until(lambda: client.get("/health").json()["last_rebuild"]["version"] == snap.version)
    assert client.get("/health").json()["last_rebuild"]["outcome"] == "published"


def test_a_write_waiting_for_the_store_does_not_stall_the_worker(
    settings_factory: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    # another writer (the CT process, another worker) holds the embedded store's write lock: the
    # like waits for it off the event loop, and the worker answers other requests meanwhile
    import threading

    from src.serving import turn_batch

    settings = settings_factory(ct_threshold=1000)
    seed_groups(settings)
    hopped = threading.Event()
    real_hop = turn_batch.run_in_threadpool

    async def hop(work: Any, *args: Any) -> Any:
        hopped.set()
        return await real_hop(work, *args)

    monkeypatch.setattr(turn_batch, "run_in_threadpool", hop)
    other_writer = create_store(settings)
    release, holding = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with other_writer._tx(write=True):  # type: ignore[attr-defined]
            holding.set()
            release.wait(30)

    with TestClient(create_app(settings, initialize=True)) as client:
        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        assert holding.wait(10)
        answers: dict[str, Any] = {}
        liking = threading.Thread(
            target=lambda: answers.setdefault(
                "like",
                client.post(
                    "/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"}
                ),
            )
        )
        liking.start()
        assert hopped.wait(10), "the like waited for the write lock on the event loop"
        health = threading.Thread(target=lambda: answers.setdefault("health", client.get("/health")))
        health.start()
        health.join(10)
        assert not health.is_alive() and answers["health"].status_code == 200
        assert liking.is_alive()  # still waiting for the other writer
        release.set()
        holder.join(10)
        liking.join(10)
        assert answers["like"].status_code == 200, answers["like"].text
    assert [r.shoe_id for r in other_writer.user_state(NEWCOMER).rows] == ["R001"]
    other_writer.close()
