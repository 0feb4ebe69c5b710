"""HTTP tests of `POST /recommend/road|trail`, against a tiny app mounting only the router and,
when `src.app.create_app` is importable, against the real app too."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from src.api.content import router
from src.config import Settings


def _detail(exc: RequestValidationError) -> str:
    # Same contract as the real app's handler: "<field>: <message>".
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if p != "body") or "body"
        msg = "unknown field (not accepted)" if err["type"] == "extra_forbidden" else err["msg"]
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def tiny_app(content: dict[str, Any]) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.state.content = content
    app.state.settings = Settings(_env_file=None, api_key=None)  # type: ignore[call-arg]

    @app.exception_handler(RequestValidationError)
    async def on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _detail(exc)}, status_code=422)

    return app


@pytest.fixture(params=["tiny", "real"])
def client(
    request: pytest.FixtureRequest, content_models: dict[str, Any], content_artifacts: Path
) -> Iterator[TestClient]:
    if request.param == "tiny":
        with TestClient(tiny_app(content_models)) as c:
            yield c
        return
    # --- the real app: a private copy of the artifacts, since starting it writes a CF snapshot
    from src.app import create_app

    artifacts = request.getfixturevalue("tmp_path") / "artifacts"
    shutil.copytree(content_artifacts, artifacts)
    settings = request.getfixturevalue("settings_factory")(artifacts_dir=artifacts)
    client = TestClient(create_app(settings, initialize=True))
    client.__enter__()  # runs the lifespan: store, CF snapshot, content models
    try:
        yield client
    finally:
        client.__exit__(None, None, None)


ROAD_FULL = {
    "pace": "Fast",
    "arch_type": "Normal",
    "strike_pattern": "Mid",
    "foot_width": "Wide",
    "season": "Spring & Fall",
    "orthotic_usage": "No",
    "running_purpose": "Tempo",
    "cushion_preferences": "Balanced",
    "stability_need": "Neutral",
}
TRAIL_FULL = {
    "pace": "Steady",
    "arch_type": "High",
    "strike_pattern": "Heel",
    "foot_width": "Regular",
    "season": "Winter",
    "orthotic_usage": "Yes",
    "terrain": "Rocky",
    "rock_sensitive": "Yes",
    "water_resistance": "Waterproof",
}


def _assert_top10(payload: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    assert payload["status"] == "success"
    data = payload["data"]
    assert len(data) == 10
    for item in data:
        assert set(item) == {"shoe_id", "name", "brand", "cluster", "match_score", "meets", "misses"}
        assert all(isinstance(r, str) for r in item["meets"] + item["misses"])
        assert item["shoe_id"].startswith(prefix)
        assert isinstance(item["name"], str) and isinstance(item["brand"], str)
        assert isinstance(item["cluster"], int) and 0 <= item["cluster"] < 5
        assert 0.0 <= item["match_score"] <= 1.0
    return data


@pytest.mark.parametrize(
    ("path", "body", "prefix"), [("/recommend/road", ROAD_FULL, "R"), ("/recommend/trail", TRAIL_FULL, "T")]
)
def test_full_questionnaire_returns_ten(
    client: TestClient, path: str, body: dict[str, str], prefix: str
) -> None:
    resp = client.post(path, json=body)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    _assert_top10(resp.json(), prefix)


def test_partial_questionnaire_and_nulls(client: TestClient) -> None:
    resp = client.post("/recommend/trail", json={"terrain": "Muddy", "pace": None})
    assert resp.status_code == 200
    _assert_top10(resp.json(), "T")


def test_empty_body_gives_default_list(client: TestClient, content_models: dict[str, Any]) -> None:
    for body in ({}, None):
        resp = (
            client.post("/recommend/road", json=body) if body is not None else client.post("/recommend/road")
        )
        assert resp.status_code == 200, resp.text
        data = _assert_top10(resp.json(), "R")
        assert [d["shoe_id"] for d in data] == [
            content_models["road"].shoe_ids[i] for i in content_models["road"].default_indices
        ]


def test_unknown_value_is_422_naming_field_and_accepted_values(client: TestClient) -> None:
    resp = client.post("/recommend/road", json={"pace": "fast"})
    assert resp.status_code == 422
    assert resp.json()["detail"] == "pace: Input should be 'Easy', 'Steady' or 'Fast'"
    resp = client.post("/recommend/trail", json={"water_resistance": "Gore-Tex"})
    assert resp.status_code == 422
    detail = resp.json()["detail"]
    assert detail.startswith("water_resistance:") and "'Waterproof' or 'Water Repellent'" in detail


def test_unknown_field_is_422(client: TestClient) -> None:
    resp = client.post("/recommend/road", json={"foot_widht": "Wide"})
    assert resp.status_code == 422
    assert resp.json()["detail"].startswith("foot_widht:")
    resp = client.post("/recommend/road", json={"terrain": "Rocky"})  # a trail-only question
    assert resp.status_code == 422
    assert "terrain" in resp.json()["detail"]


def test_no_model_is_503() -> None:
    with TestClient(tiny_app({"road": None, "trail": None})) as c:
        resp = c.post("/recommend/road", json={"pace": "Easy"})
        assert resp.status_code == 503
        assert resp.json() == {
            "detail": "No trained road model is available; run `python -m src.training.training_engine --type road`"
        }
        assert c.post("/recommend/trail", json={}).status_code == 503


def test_openapi_documents_the_request_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/recommend/road" in schema["paths"] and "/recommend/trail" in schema["paths"]
    assert "RoadQuestionnaire" in schema["components"]["schemas"]
    pace = schema["components"]["schemas"]["RoadQuestionnaire"]["properties"]["pace"]
    assert "Fast" in str(pace)


def test_budget_is_checked_and_narrows(client: TestClient, content_models: dict[str, Any]) -> None:
    for bad in (10, 5000, "cheap"):
        resp = client.post("/recommend/road", json={"budget_usd": bad})
        assert resp.status_code == 422 and "budget_usd" in resp.json()["detail"], resp.text
    resp = client.post("/recommend/trail", json={"terrain": "Mixed", "budget_usd": 150})
    assert resp.status_code == 200, resp.text
    model = content_models["trail"]
    for item in _assert_top10(resp.json(), "T"):
        assert model.price[model.shoe_ids.index(item["shoe_id"])] <= 150
