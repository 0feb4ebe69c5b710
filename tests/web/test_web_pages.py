"""The pages over HTTP: served with the right types and headers, the form offers exactly the
answers the API accepts, nothing is loaded from outside the service, and the dashboard's admin
data (traffic, rebuild history, training reports) is guarded by the admin token."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from src.api.dashboard import HistoryResponse, TrafficResponse
from src.app import create_app
from src.config import Settings
from src.recommender.questionnaire import accepted_answers
from src.recommender.road_recommender import RoadQuestionnaire
from src.recommender.trail_recommender import TrailQuestionnaire
from src.web.pages import STATIC_DIR
from tests.plugins.api import NEWCOMER, seed_groups

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class PageParser(HTMLParser):
    """Collects selects with their options, label targets, and every src/href."""

    def __init__(self) -> None:
        super().__init__()
        self.selects: dict[str, dict[str, object]] = {}
        self.label_for: set[str] = set()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("src", "href", "action"):
            if key in a:
                self.links.append(a[key])
        if tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        if tag == "select":
            self._select = a["name"]
            self.selects[a["name"]] = {"id": a.get("id"), "types": None, "options": []}
        if tag == "option" and self._select:
            self.selects[self._select]["options"].append(a.get("value", ""))  # type: ignore[attr-defined]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


@pytest.fixture
def web_settings(settings_factory: Callable[..., Settings], artifacts_copy: Path) -> Settings:
    settings = settings_factory(admin_token=TOKEN, ct_threshold=1000, artifacts_dir=artifacts_copy)
    seed_groups(settings)
    return settings


@pytest.fixture
def client(web_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings, initialize=True)) as c:
        yield c


def test_runner_page_offers_exactly_the_accepted_answers(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    page = parse(r.text)
    expected = {**accepted_answers(RoadQuestionnaire), **accepted_answers(TrailQuestionnaire)}
    assert set(page.selects) == set(expected)
    for name, answers in expected.items():
        select = page.selects[name]
        assert select["options"] == ["", *answers], name  # "" = no preference: every question optional
        assert select["id"] in page.label_for, f"{name} has no <label for>"
    # questions only one shoe type asks say so, so the page sends road questions only to /road
    assert re.search(r'data-types="road"><label for="q-running_purpose"', r.text)
    assert re.search(r'data-types="trail"><label for="q-terrain"', r.text)
    assert re.search(r'data-types="road trail"><label for="q-pace"', r.text)
    assert {"runner-id", "results", "feed", "questionnaire"} <= page.ids
    assert "runner-id" in page.label_for


def test_admin_page_asks_for_the_token_with_a_label(client: TestClient) -> None:
    r = client.get("/admin")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = parse(r.text)
    assert "admin-token" in page.ids and "admin-token" in page.label_for
    assert 'type="password"' in r.text
    assert TOKEN not in r.text


@pytest.mark.parametrize("path", ["/", "/admin"])
def test_every_asset_a_page_references_is_served_from_the_service(client: TestClient, path: str) -> None:
    links = parse(client.get(path).text).links
    assert links, "a page with no assets"
    types = {".js": "text/javascript", ".css": "text/css"}
    for link in links:
        if link == "data:,":  # the empty favicon: spares a 404 per page view
            continue
        assert link.startswith("/"), f"{path} links outside the service: {link}"
        if link.startswith("/static/"):
            r = client.get(link)
            assert r.status_code == 200, link
            assert r.headers["content-type"].startswith(types[Path(link).suffix]), link


def test_no_external_urls_in_any_page_or_static_file() -> None:
    sources = [*STATIC_DIR.iterdir(), *(STATIC_DIR.parent / "templates").iterdir()]
    svg_namespace = "http://www.w3.org/2000/svg"  # an XML namespace name, never fetched
    for source in sources:
        text = source.read_text(encoding="utf-8").replace(svg_namespace, "")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), source.name


def test_one_constant_holds_the_api_prefix() -> None:
    runner = (STATIC_DIR / "runner.js").read_text()
    assert re.search(r'^const API_BASE = "[^"]*";$', (STATIC_DIR / "common.js").read_text(), re.M)
    for call in re.findall(r"requestJson\(([^,)]+)", runner):
        assert call.startswith("API_BASE") or call == '"/web/specs.json"', call


def test_specs_cover_the_catalog(client: TestClient, web_settings: Settings) -> None:
    specs = client.get("/web/specs.json").json()
    store = client.app.state.store  # type: ignore[attr-defined]
    assert set(specs["shoes"]) == {s["shoe_id"] for s in store.all_shoes()}
    columns = specs["columns"]
    for shoe_id in ("R001", "T001"):
        shown = dict(zip(columns, specs["shoes"][shoe_id], strict=True))
        shoe = store.shoe(shoe_id)
        assert shown["weight_g"] == shoe["weight_g"] and shown["drop_mm"] == shoe["drop_mm"]
    assert dict(zip(columns, specs["shoes"]["R001"], strict=True))["lug_depth_mm"] is None  # trail only


def test_pages_are_not_in_the_openapi_document_but_admin_data_is(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths and "/admin" not in paths and "/web/specs.json" not in paths
    assert {"/admin/traffic", "/admin/history", "/admin/report/{shoe_type}"} <= set(paths)
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("path", ["/admin/traffic", "/admin/history", "/admin/report/road"])
def test_admin_data_needs_the_token(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get(path, headers=AUTH).status_code == 200


def test_admin_data_is_disabled_without_a_configured_token(settings_factory: Callable[..., Settings]) -> None:
    with TestClient(create_app(settings_factory(), initialize=True)) as c:
        assert c.get("/admin/traffic", headers=AUTH).status_code == 403
        assert c.get("/admin").status_code == 200  # the page itself is only HTML


def route_row(client: TestClient, method: str, route: str) -> dict[str, object]:
    body = client.get("/admin/traffic", headers=AUTH).json()
    TrafficResponse.model_validate(body)  # what the OpenAPI document says it returns
    rows = body["routes"]
    return next((r for r in rows if r["route"] == route and r["method"] == method), {"requests": 0})


def test_traffic_counts_requests_and_errors_per_endpoint(client: TestClient) -> None:
    before = route_row(client, "POST", "/interact")
    client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
    client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "rate"})
    client.post("/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "rate", "value": 4})
    after = route_row(client, "POST", "/interact")
    assert after["requests"] == int(before["requests"]) + 3  # type: ignore[call-overload]
    assert after["errors_4xx"] == int(before.get("errors_4xx", 0)) + 1  # type: ignore[call-overload]
    assert after["p50_ms"] is not None and 0 < after["p50_ms"] <= after["p99_ms"]  # type: ignore[operator]


def test_report_is_the_serving_models_png(client: TestClient, web_settings: Settings) -> None:
    r = client.get("/admin/report/trail", headers=AUTH)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    version = client.app.state.content["trail"].version  # type: ignore[attr-defined]
    assert r.content == (web_settings.artifacts_dir / "trail" / version / "report.png").read_bytes()
    bad = client.get("/admin/report/hiking", headers=AUTH)
    assert bad.status_code == 422
    assert "shoe_type" in bad.text and "road" in bad.text and "trail" in bad.text


def test_report_404_when_no_model_is_served(settings_factory: Callable[..., Settings]) -> None:
    with TestClient(create_app(settings_factory(admin_token=TOKEN), initialize=True)) as c:
        r = c.get("/admin/report/road", headers=AUTH)
        assert r.status_code == 404 and "road" in r.json()["detail"]


def test_history_is_the_stores_record_of_rebuilds_oldest_first(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    before = client.get("/admin/history", headers=AUTH).json()["rebuilds"]
    gate = {"candidate_ndcg": 0.31, "serving_ndcg": 0.30}
    published = store.record_cf_version(
        watermark=10**6, status="published", mode="incremental", claims_through=0,
        figures={"gate": gate, "build_seconds": 0.5, "n_users": 42},
    )  # fmt: skip
    refused = store.record_cf_version(
        watermark=10**6, status="refused", mode="incremental", claims_through=0,
        figures={"gate": {"candidate_ndcg": 0.1, "serving_ndcg": 0.3}}, reason="quality gate: worse",
    )  # fmt: skip
    body = client.get("/admin/history", headers=AUTH).json()
    HistoryResponse.model_validate(body)  # what the OpenAPI document says it returns
    assert body["gate_tolerance"] == client.app.state.settings.quality_gate_tolerance  # type: ignore[attr-defined]
    rows = body["rebuilds"]
    assert rows[: len(before)] == before
    assert [r["version"] for r in rows[len(before) :]] == [published.label, refused.label]
    assert rows[-2] == {
        "version": published.label,
        "created_at": published.created_at,
        "mode": "incremental",
        "outcome": "published",
        "duration_s": 0.5,
        "n_users": 42,
        "candidate_ndcg": 0.31,
        "serving_ndcg": 0.30,
        "reason": None,
    }
    assert rows[-1]["outcome"] == "refused" and rows[-1]["reason"] == "quality gate: worse"
    assert rows[-1]["candidate_ndcg"] == 0.1


def test_expected_404s_and_static_files_are_counted_apart(client: TestClient) -> None:
    before = route_row(client, "GET", "/recommend/feed/{user_id}")
    assert client.get("/v1/recommend/feed/987654321").status_code == 404  # a new runner: expected
    after = route_row(client, "GET", "/recommend/feed/{user_id}")
    assert after["expected_404"] == int(before.get("expected_404", 0)) + 1  # type: ignore[call-overload]
    assert after["errors_4xx"] == before.get("errors_4xx", 0)
    assert client.get("/static/style.css").status_code == 200
    assert route_row(client, "GET", "/static/*")["requests"] >= 1


def test_overview_counts_runners_shoes_and_todays_likes_and_ratings(client: TestClient) -> None:
    assert client.get("/admin/overview").status_code == 401
    before = client.get("/admin/overview", headers=AUTH).json()
    client.post("/v1/interact", json={"user_id": 424242, "shoe_id": "R001", "action_type": "like"})
    client.post(
        "/v1/interact", json={"user_id": 424242, "shoe_id": "R002", "action_type": "rate", "value": 4}
    )
    after = client.get("/admin/overview", headers=AUTH).json()
    store = client.app.state.store  # type: ignore[attr-defined]
    assert after["shoes"] == len(store.all_shoes())
    assert after["runners"] == before["runners"] + 1
    assert (after["likes"], after["ratings"]) == (before["likes"] + 1, before["ratings"] + 1)
    assert (after["likes_today"], after["ratings_today"]) == (
        before["likes_today"] + 1,
        before["ratings_today"] + 1,
    )
    rows = store.interaction_rows()
    assert after["likes"] + after["ratings"] == len(rows)
    assert after["runners"] == len({r.user_id for r in rows})


def test_runner_lookup_shows_interactions_feed_and_neighbours(client: TestClient) -> None:
    client.post("/v1/interact", json={"user_id": NEWCOMER, "shoe_id": "R001", "action_type": "like"})
    assert client.get(f"/admin/runner/{NEWCOMER}").status_code == 401
    body = client.get(f"/admin/runner/{NEWCOMER}", headers=AUTH).json()
    assert [(i["shoe_id"], i["action"]) for i in body["interactions"]] == [("R001", "like")]
    served = client.get(f"/v1/recommend/feed/{NEWCOMER}").json()
    assert [i["shoe_id"] for i in body["feed"]["data"]] == [i["shoe_id"] for i in served["data"]]
    # nearest runners from the store: those who liked R001 too, by cosine of the liked sets
    store = client.app.state.store  # type: ignore[attr-defined]
    liked: dict[int, set[str]] = {}
    for r in store.interaction_rows():
        if r.action == "like" or (r.value or 0) >= 4:
            liked.setdefault(r.user_id, set()).add(r.shoe_id)
    expected = sorted(
        ((u, 1 / len(s) ** 0.5) for u, s in liked.items() if u != NEWCOMER and "R001" in s),
        key=lambda t: (-t[1], t[0]),
    )[:10]
    assert expected, "the fixture has runners who liked R001"
    assert [(n["user_id"], n["similarity"], n["shared"]) for n in body["neighbours"]] == [
        (u, round(sim, 4), 1) for u, sim in expected
    ]
    nobody = client.get("/admin/runner/987654321", headers=AUTH).json()
    assert nobody["interactions"] == [] and nobody["feed"] is None and nobody["neighbours"] == []
