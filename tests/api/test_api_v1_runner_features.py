"""Catalog, similar shoes, feed paging and reasons, cold start, taking back and forgetting: over HTTP,
on SQLite and on the real PostgreSQL, with the real catalog and fixture-trained content models.

Runners are seeded in three hand-made groups so neighbours and co-likes are known:
group A (users 1-6) likes R011, R002, R003; group B (users 7-12) likes R011, R004, R005;
group C (users 13-15) likes only R006 and R007.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from src.config import Settings
from src.ct import rebuild as continuous
from tests.plugins.api import seed_groups
from tests.plugins.content import catalog_records

NEWCOMER = 500


def seed(settings: Settings) -> None:
    seed_groups(settings, shared="R011")  # here groups A and B share R011


@pytest.fixture
def make_client(
    make_client: Callable[..., TestClient], content_artifacts: Path, tmp_path: Path
) -> Callable[..., TestClient]:
    """The API's make_client (tests/plugins/api.py) with the real catalogs and its own copy of the
    content artifacts a client (starting the app writes a CF snapshot there)."""
    copies = itertools.count()

    def make(**overrides: Any) -> TestClient:
        artifacts = tmp_path / f"artifacts{next(copies)}"
        shutil.copytree(content_artifacts, artifacts)
        defaults = Settings(_env_file=None)  # type: ignore[call-arg]
        overrides.setdefault("demo_open_edits", True)  # who may edit: tests/api/test_api_contract.py
        return make_client(
            seed=seed,
            artifacts_dir=artifacts,
            road_catalog=defaults.road_catalog,
            trail_catalog=defaults.trail_catalog,
            **overrides,
        )

    return make


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def ids(payload: dict[str, Any]) -> list[str]:
    return [item["shoe_id"] for item in payload["data"]]


ROAD = {s["shoe_id"]: s for s in catalog_records("road") if s["status"] == "active"}
TRAIL = {s["shoe_id"]: s for s in catalog_records("trail") if s["status"] == "active"}
RETIRED = {s["shoe_id"]: s for t in ("road", "trail") for s in catalog_records(t) if s["status"] == "retired"}


# --- catalog -----------------------------------------------------------------------------------


def test_catalog_pages_filters_and_sorts(client: TestClient) -> None:
    first = client.get("/v1/shoes", params={"type": "road", "limit": 5}).json()
    assert first["total"] == len(ROAD) and first["has_more"] is True
    assert ids(first) == sorted(ROAD)[:5]
    second = client.get("/v1/shoes", params={"type": "road", "limit": 5, "offset": 5}).json()
    assert ids(second) == sorted(ROAD)[5:10]
    last = client.get("/v1/shoes", params={"type": "road", "limit": 5, "offset": len(ROAD) - 2}).json()
    assert len(last["data"]) == 2 and last["has_more"] is False

    wide_carbon = client.get("/v1/shoes", params={"width": "wide", "plate": "carbon", "limit": 100}).json()
    expected = [sid for sid, s in {**ROAD, **TRAIL}.items() if s["width_wide"] == 1 and s["plate"] == 2]
    assert sorted(ids(wide_carbon)) == sorted(expected) and wide_carbon["total"] == len(expected)
    assert all("wide" in item["widths"] for item in wide_carbon["data"])

    light = client.get(
        "/v1/shoes",
        params={"type": "trail", "weight_max": 260, "drop_min": 4, "sort": "-weight_g", "limit": 100},
    ).json()
    expected = [sid for sid, s in TRAIL.items() if s["weight_g"] <= 260 and s["drop_mm"] >= 4]
    assert sorted(ids(light)) == sorted(expected)
    weights = [item["weight_g"] for item in light["data"]]
    assert weights == sorted(weights, reverse=True)

    brand = client.get("/v1/shoes", params={"brand": "hoka", "q": "clifton", "limit": 100}).json()
    expected = [
        sid for sid, s in ROAD.items() if s["brand"].lower() == "hoka" and "clifton" in s["name"].lower()
    ]
    assert expected and sorted(ids(brand)) == sorted(expected)

    waterproof = client.get("/v1/shoes", params={"water_resistance": "waterproof", "limit": 100}).json()
    assert waterproof["total"] == sum(s["water_resistance"] == 2 for s in {**ROAD, **TRAIL}.values())

    # price: only shoes with a known price in the range; cheapest first
    budget = client.get(
        "/v1/shoes", params={"price_min": 100, "price_max": 130, "sort": "price_usd", "limit": 100}
    ).json()
    expected = [
        sid
        for sid, s in {**ROAD, **TRAIL}.items()
        if s["price_usd"] is not None and 100 <= s["price_usd"] <= 130
    ]
    assert len(expected) > 20 and budget["total"] == len(expected)
    prices = [item["price_usd"] for item in budget["data"]]
    assert prices == sorted(prices) and all(100 <= p <= 130 for p in prices)
    # retired shoes are never listed
    everything = client.get("/v1/shoes", params={"type": "trail", "limit": 100, "offset": 100}).json()
    assert everything["total"] == len(TRAIL) and not set(ids(everything)) & set(RETIRED)


def test_catalog_answers_are_what_the_document_says(client: TestClient) -> None:
    from src.api.schemas import ShoePage, ShoeSheetResponse, SimilarShoesResponse

    page = ShoePage.model_validate(client.get("/v1/shoes?limit=100").json(), strict=True)
    assert page.total >= len(page.data) > 0
    for shoe_id in ("R011", "R001", "T003"):  # R001 is retired: still readable
        sheet = ShoeSheetResponse.model_validate(client.get(f"/v1/shoes/{shoe_id}").json(), strict=True)
        assert sheet.data.shoe_id == shoe_id and sheet.data.specs
    similar = SimilarShoesResponse.model_validate(client.get("/v1/shoes/R011/similar").json(), strict=True)
    assert similar.shoe_id == "R011" and all(s.shoe_id != "R011" for s in similar.data)


def test_catalog_spec_sheet_and_errors(client: TestClient) -> None:
    sheet = client.get("/v1/shoes/T003").json()["data"]
    assert sheet["shoe_id"] == "T003" and sheet["name"] == TRAIL["T003"]["name"]
    assert sheet["specs"]["lug_depth_mm"] == TRAIL["T003"]["lug_depth_mm"]
    assert f"weight {TRAIL['T003']['weight_g']:g} g" in sheet["specs_in_words"]
    # every spec says where it comes from, as the catalog file does
    assert sheet["provenance"] == TRAIL["T003"]["provenance"] and sheet["status"] == "active"
    assert set(sheet["specs"]) <= set(sheet["provenance"]) and sheet["source_rows"]
    assert sheet["attributes"]["audience_score"] == TRAIL["T003"]["audience_score"]
    retired = client.get("/v1/shoes/R001").json()["data"]
    assert retired["status"] == "retired" and retired["name"] == RETIRED["R001"]["name"]
    assert set(retired["provenance"].values()) == {"estimated"}

    missing = client.get("/v1/shoes/R999")
    assert missing.status_code == 404 and "shoe_id" in missing.json()["detail"]
    bad_type = client.get("/v1/shoes", params={"type": "gravel"})
    assert bad_type.status_code == 422
    assert "type" in bad_type.json()["detail"] and "'road'" in bad_type.json()["detail"]
    # schema-valid, so not an error: no shoe weighs at least 300 g and at most 200 g
    empty_range = client.get("/v1/shoes", params={"weight_min": 300, "weight_max": 200})
    assert empty_range.status_code == 200
    assert empty_range.json()["total"] == 0 and empty_range.json()["data"] == []
    bad_limit = client.get("/v1/shoes", params={"limit": 0})
    assert bad_limit.status_code == 422 and "limit" in bad_limit.json()["detail"]
    bad_sort = client.get("/v1/shoes", params={"sort": "price"})
    assert bad_sort.status_code == 422 and "sort" in bad_sort.json()["detail"]
    for field, value in (("price_min", "-5"), ("price_max", "cheap")):
        bad_price = client.get("/v1/shoes", params={field: value})
        assert bad_price.status_code == 422 and field in bad_price.json()["detail"]


# --- similar shoes -----------------------------------------------------------------------------


def test_similar_shoes_co_likes_then_latent_fallback(client: TestClient) -> None:
    body = client.get("/v1/shoes/R002/similar", params={"n": 5}).json()
    items = body["data"]
    # R002 is liked by group A (6), who all also like R011 and R003; R011 is liked by 12 in all:
    # cosine R003 = 6/sqrt(6*6) = 1, R011 = 6/sqrt(6*12) = 0.7071
    assert [(i["shoe_id"], i["reason"], i["co_likes"]) for i in items[:2]] == [
        ("R003", "co_liked", 6),
        ("R011", "co_liked", 6),
    ]
    assert items[0]["score"] == pytest.approx(1.0) and items[1]["score"] == pytest.approx(0.7071, abs=1e-4)
    # then the nearest road shoes in the latent space, none repeated, never the shoe itself
    assert [i["reason"] for i in items[2:]] == ["similar_specs"] * 3
    assert len(set(ids(body))) == 5 and "R002" not in ids(body)
    assert all(sid.startswith("R") for sid in ids(body))

    unliked = client.get("/v1/shoes/T010/similar", params={"n": 4}).json()
    assert [i["reason"] for i in unliked["data"]] == ["similar_specs"] * 4
    assert all(sid.startswith("T") for sid in ids(unliked))  # same type unless asked otherwise

    assert client.get("/v1/shoes/R999/similar").status_code == 404
    bad_n = client.get("/v1/shoes/R002/similar", params={"n": 0})
    assert bad_n.status_code == 422 and "n" in bad_n.json()["detail"]


# --- feed: evidence, paging, type, ETag, notices -------------------------------------------------


def test_feed_items_carry_their_evidence(client: TestClient) -> None:
    body = client.get("/recommend/feed/1").json()
    by_id = {item["shoe_id"]: item for item in body["data"]}
    # what links user 1 to R004: R011 (user 1 liked it), liked by all 12 runners of groups A and B,
    # of whom the 6 of group B liked R004 too (the engine's co-like counts; R011 is "Vomero 17")
    assert by_id["R004"]["reason"] == "similar_runners"
    assert by_id["R004"]["evidence"] == "liked by 6 of the 12 runners who also liked Vomero 17"
    popular = [item for item in body["data"] if item["reason"] == "popular"]
    assert popular and all(item["evidence"] == "popular overall" for item in popular)
    assert body["notice"] is None and body["source"] == "collaborative"


def test_feed_pages_are_slices_of_one_ranking(client: TestClient) -> None:
    whole = client.get("/recommend/feed/1", params={"limit": 50}).json()
    # what group B liked (from neighbours), then what anyone else liked (popular, catalog order)
    assert set(ids(whole)[:2]) == {"R004", "R005"} and ids(whole)[2:] == ["R006", "R007"]
    assert whole["total"] is None  # counted with `type` only
    assert client.get("/recommend/feed/1", params={"limit": 50, "type": "road"}).json()["total"] == 4
    pages = [client.get("/recommend/feed/1", params={"limit": 2, "offset": o}).json() for o in (0, 2)]
    assert [sid for p in pages for sid in ids(p)] == ids(whole)
    assert [p["has_more"] for p in pages] == [True, False]
    assert client.get("/recommend/feed/1", params={"offset": 10}).json()["data"] == []

    mixed = client.get("/recommend/feed/13", params={"type": "road"}).json()
    assert ids(mixed) == ["R011", "R002", "R003", "R004", "R005"]  # popular road shoes, R011 first (12 likes)
    trail = client.get("/recommend/feed/1", params={"type": "trail"}).json()
    assert trail["data"] == [] and "no other runner" in trail["notice"]

    for params, field in (({"limit": 0}, "limit"), ({"offset": -1}, "offset"), ({"type": "gravel"}, "type")):
        bad = client.get("/recommend/feed/1", params=params)
        assert bad.status_code == 422 and field in bad.json()["detail"]


def test_feed_etag_answers_304_until_the_feed_changes(client: TestClient) -> None:
    first = client.get("/recommend/feed/1")
    etag = first.headers["etag"]
    again = client.get("/recommend/feed/1", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other_page = client.get("/recommend/feed/1", params={"offset": 5}, headers={"If-None-Match": etag})
    assert other_page.status_code == 200  # another page is other bytes

    client.post("/interact", json={"user_id": 1, "shoe_id": "R004", "action_type": "like"})
    changed = client.get("/recommend/feed/1", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert "R004" not in ids(changed.json())


def test_feed_says_when_it_is_popular_only_or_exhausted(client: TestClient) -> None:
    # group C's neighbours liked nothing that group C has not: only popular shoes remain
    lonely = client.get("/recommend/feed/13").json()
    assert {item["reason"] for item in lonely["data"]} == {"popular"}
    assert lonely["notice"] and "popular" in lonely["notice"]

    store = client.app.state.store  # type: ignore[attr-defined]
    for sid in TRAIL:
        store.record_like(900, sid)
    done = client.get("/recommend/feed/900", params={"type": "trail"}).json()
    assert done["data"] == [] and done["total"] == 0 and "nothing new" in done["notice"]


# --- reasons on questionnaire picks ----------------------------------------------------------------


def test_questionnaire_picks_name_the_answers_met_and_missed(client: TestClient) -> None:
    answers = {"foot_width": "Wide", "running_purpose": "Race", "stability_need": "Guided"}
    data = client.post("/recommend/road", json=answers).json()["data"]
    for item in data:
        shoe = ROAD[item["shoe_id"]]
        wide = "foot_width: Wide (wide width offered)"
        assert (wide in item["meets"]) == (shoe["width_wide"] == 1)
        assert (wide in item["misses"]) == (shoe["width_wide"] == 0)
        guided = "stability_need: Guided (guided stability)"
        assert (guided in item["meets"]) == (shoe["stability"] == 1)
        assert len(item["meets"]) + len(item["misses"]) == 3
    empty = client.post("/recommend/road", json={}).json()["data"]
    assert all(item["meets"] == [] and item["misses"] == [] for item in empty)


# --- cold start from a saved questionnaire ---------------------------------------------------------


def test_saved_questionnaire_seeds_a_cold_start_feed(client: TestClient) -> None:
    assert client.get(f"/recommend/feed/{NEWCOMER}").status_code == 404
    assert client.get(f"/v1/users/{NEWCOMER}/questionnaire").status_code == 404
    saved = client.put(
        f"/v1/users/{NEWCOMER}/questionnaire",
        json={"shoe_type": "trail", "answers": {"terrain": "Rocky", "foot_width": "Wide"}},
    )
    assert saved.status_code == 200
    assert client.get(f"/v1/users/{NEWCOMER}/questionnaire").json()["answers"] == {
        "terrain": "Rocky",
        "foot_width": "Wide",
    }

    feed = client.get(f"/recommend/feed/{NEWCOMER}").json()
    picks = client.post("/recommend/trail", json={"terrain": "Rocky", "foot_width": "Wide"}).json()["data"]
    assert feed["source"] == "questionnaire" and feed["notice"]
    assert ids(feed) == [p["shoe_id"] for p in picks]
    assert all(item["reason"] == "your_answers" for item in feed["data"])
    assert [item["meets"] for item in feed["data"]] == [p["meets"] for p in picks]

    # the first interaction switches the runner to the collaborative feed
    client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R002", "action_type": "like"})
    assert client.get(f"/recommend/feed/{NEWCOMER}").json()["source"] == "collaborative"


def test_a_saved_budget_is_kept_and_seeds_the_feed_within_it(client: TestClient) -> None:
    runner = 4242
    answers = {"running_purpose": "Daily", "budget_usd": 110}
    saved = client.put(f"/v1/users/{runner}/questionnaire", json={"shoe_type": "road", "answers": answers})
    assert saved.status_code == 200, saved.text
    assert client.get(f"/v1/users/{runner}/questionnaire").json()["answers"] == answers
    feed = client.get(f"/recommend/feed/{runner}").json()
    assert feed["source"] == "questionnaire" and len(feed["data"]) == 10
    assert all(ROAD[item["shoe_id"]]["price_usd"] <= 110 for item in feed["data"])


def test_a_retired_shoe_has_no_similar_shoes(client: TestClient) -> None:
    retired = client.get("/v1/shoes/R001/similar")
    assert retired.status_code == 404 and "retired" in retired.json()["detail"]


def test_saving_a_bad_questionnaire_names_the_field(client: TestClient) -> None:
    bad_answer = client.put(
        "/v1/users/7/questionnaire", json={"shoe_type": "road", "answers": {"pace": "Sprint"}}
    )
    assert bad_answer.status_code == 422
    assert "pace" in bad_answer.json()["detail"] and "'Easy'" in bad_answer.json()["detail"]
    bad_type = client.put("/v1/users/7/questionnaire", json={"shoe_type": "gravel", "answers": {}})
    assert bad_type.status_code == 422 and "shoe_type" in bad_type.json()["detail"]
    trail_only = client.put(
        "/v1/users/7/questionnaire", json={"shoe_type": "road", "answers": {"terrain": "Rocky"}}
    )
    assert trail_only.status_code == 422 and "terrain" in trail_only.json()["detail"]
    assert (
        client.put("/v1/users/0/questionnaire", json={"shoe_type": "road", "answers": {}}).status_code == 422
    )
    assert client.get("/v1/users/7/questionnaire").status_code == 404  # nothing was stored


# --- taking back and forgetting --------------------------------------------------------------------


def test_unlike_and_unrate_change_scores_and_feed_and_nothing_else(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    client.post("/interact", json={"user_id": 1, "shoe_id": "R004", "action_type": "rate", "value": 5})
    assert "R002" not in ids(client.get("/recommend/feed/1").json())
    other = store.user_state(2).scores
    pending = store.ct_state().pending

    removed = client.delete("/v1/users/1/likes/R002")
    assert removed.status_code == 200 and removed.json()["removed"] is True
    assert store.user_state(1).scores == {"R011": 1.0, "R003": 1.0, "R004": 2.0}
    feed = client.get("/recommend/feed/1").json()  # the cached feed is invalidated at once
    assert "R002" in ids(feed)  # no longer seen: the other five of group A liked it

    assert client.delete("/v1/users/1/ratings/R004").json()["removed"] is True
    assert store.user_state(1).scores == {"R011": 1.0, "R003": 1.0}
    again = client.delete("/v1/users/1/ratings/R004").json()
    assert again == {"status": "success", "removed": False, "event_id": 0}
    assert store.ct_state().pending == pending + 2  # both removals count towards continuous training
    assert store.user_state(2).scores == other

    assert client.delete("/v1/users/1/likes/R999").status_code == 404
    assert client.delete("/v1/users/0/likes/R011").status_code == 422


def test_forgetting_a_runner_erases_them_and_the_next_cf_version(client: TestClient) -> None:
    app_state = client.app.state  # type: ignore[attr-defined]
    store, feed = app_state.store, app_state.feed
    client.post("/interact", json={"user_id": 1, "shoe_id": "R009", "action_type": "rate", "value": 2})
    client.put("/v1/users/1/questionnaire", json={"shoe_type": "road", "answers": {"pace": "Easy"}})
    assert feed.snapshot is not None and store.user_state(1).scores  # runner 1 has a history
    others = {u: store.user_state(u).scores for u in (2, 7, 13)}

    gone = client.delete("/v1/users/1")
    assert gone.status_code == 200
    assert gone.json()["deleted"] == {"favorites": 3, "reviews": 1, "events": 4, "questionnaires": 1}
    assert client.get("/recommend/feed/1").status_code == 404
    assert client.get("/v1/users/1/questionnaire").status_code == 404
    assert {u: store.user_state(u).scores for u in others} == others
    assert client.delete("/v1/users/1").json()["deleted"] == {
        "favorites": 0,
        "reviews": 0,
        "events": 0,
        "questionnaires": 0,
    }

    claims = store.ct_poll().rebuilds_claimed
    result = continuous.rebuild(store, app_state.settings, feed.snapshot, claims_through=claims)
    assert result.outcome == "published", result.reason
    snapshot = result.snapshot
    row = snapshot.user_index.get(1)
    assert row is None or snapshot.engine.user_items[row].nnz == 0
    assert snapshot.engine.user_items[snapshot.user_index[2]].nnz == 3
    full = continuous.rebuild(
        store, app_state.settings, snapshot, claims_through=claims, force_full=True
    ).snapshot
    assert full is not None and 1 not in full.user_index


def test_openapi_documents_the_new_endpoints_with_examples(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for path, method in (
        ("/v1/shoes", "get"),
        ("/v1/shoes/{shoe_id}", "get"),
        ("/v1/shoes/{shoe_id}/similar", "get"),
        ("/v1/users/{user_id}", "delete"),
        ("/v1/users/{user_id}/likes/{shoe_id}", "delete"),
        ("/v1/users/{user_id}/ratings/{shoe_id}", "delete"),
        ("/v1/users/{user_id}/questionnaire", "put"),
    ):
        assert method in paths[path], path
    assert "example" in paths["/v1/shoes"]["get"]["responses"]["200"]["content"]["application/json"]
    feed = paths["/recommend/feed/{user_id}"]["get"]
    assert {p["name"] for p in feed["parameters"]} >= {"limit", "offset", "type", "if-none-match"}
    assert "304" in feed["responses"]
