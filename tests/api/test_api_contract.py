"""The public contract through HTTP: /v1 and its deprecated aliases, problem-details errors with a
request id, strict input (big ids on SQLite and PostgreSQL), API keys, and the exported document."""

from __future__ import annotations

import io
import json
import logging
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from src.api.app import create_api
from src.api.openapi import exported_settings
from src.api.openapi.__main__ import main as export_openapi
from src.api.schemas import MAX_USER_ID
from src.app import create_app
from src.config import Settings
from src.logs import JsonFormatter

PROBLEM = "application/problem+json"
LIKE = {"user_id": 42, "shoe_id": "R001", "action_type": "like"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    request_id = response.headers["x-request-id"]
    assert body["status"] == status and body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    assert body["instance"] == body["request_id"] == request_id
    return body


# --- problem details and request ids --------------------------------------------------------


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_validation_error_is_a_problem_naming_field_and_accepted_values(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client()
    body = assert_problem(client.post("/v1/interact", json={**LIKE, "user_id": 0, "action_type": "buy"}), 422)
    errors = {e["field"]: e for e in body["errors"]}
    assert errors["action_type"]["accepted"] == "'like' or 'rate'"
    body = assert_problem(client.post("/v1/interact", json={**LIKE, "user_id": 0}), 422)
    assert body["errors"] == [
        {
            "field": "user_id",
            "message": "Input should be greater than or equal to 1",
            "type": "greater_than_equal",
            "accepted": f"an integer from 1 to {MAX_USER_ID}",
        }
    ]
    body = assert_problem(client.post("/v1/recommend/road", json={"pace": "fast"}), 422)
    assert body["errors"][0]["field"] == "pace"
    assert body["errors"][0]["accepted"] == "'Easy', 'Steady' or 'Fast'"


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_other_errors_are_problems_too(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    assert (
        "unknown shoe"
        in assert_problem(client.post("/v1/interact", json={**LIKE, "shoe_id": "R999"}), 404)["detail"]
    )
    assert "no interactions" in assert_problem(client.get("/v1/recommend/feed/999"), 404)["detail"]
    assert_problem(client.get("/v1/no-such-route"), 404)
    assert_problem(client.get("/v1/interact"), 405)
    assert "ADMIN_TOKEN" in assert_problem(client.get("/v1/admin/model-status"), 403)["detail"]


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_request_id_on_every_response_and_in_the_500_body_and_log(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client()
    generated = client.get("/health/live").headers["x-request-id"]
    assert len(generated) == 32
    assert client.get("/v1/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    # an unsafe incoming id (spaces, too long) is replaced, never echoed
    for bad in ("a b", "x" * 200):
        assert client.get("/health/live", headers={"X-Request-ID": bad}).headers["x-request-id"] != bad

    def crash() -> None:
        raise RuntimeError("boom")

    client.app.add_api_route("/v1/crash", crash)  # type: ignore[attr-defined]
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter())  # formats at emit time, inside the request's context
    logging.getLogger("sonix").addHandler(handler)
    try:
        r = client.get("/v1/crash", headers={"X-Request-ID": "trace-me-1"})
    finally:
        logging.getLogger("sonix").removeHandler(handler)
    body = assert_problem(r, 500)
    assert body["request_id"] == "trace-me-1" and "trace-me-1" in body["detail"]
    assert "boom" not in r.text
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    crash_lines = [rec for rec in records if rec["msg"] == "unhandled error"]
    assert crash_lines and crash_lines[0]["request_id"] == "trace-me-1" and "boom" in crash_lines[0]["exc"]


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_store_down_answer_names_no_internals(
    make_client: Callable[..., TestClient], settings_factory: Callable[..., Settings]
) -> None:
    client = make_client(db_timeout_s=0.2)
    path = str(client.app.state.settings.sqlite_path)  # type: ignore[attr-defined]
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        r = client.post("/v1/interact", json=LIKE)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    body = assert_problem(r, 503)
    assert "data store is unavailable" in body["detail"]
    assert path not in r.text and "sqlite3" not in r.text


# --- strict input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"user_id": True},
        {"user_id": "42"},
        {"user_id": 4.5},
        {"user_id": MAX_USER_ID + 1},
        {"user_id": 2**63},
        {"user_id": 10**30},
        {"user_id": -1},
        {"shoe_id": 1},
        {"action_type": "rate", "value": True},
        {"action_type": "rate", "value": "5"},
        {"action_type": "rate", "value": 6},
        {"action_type": "rate", "value": None},
        {"value": 5},  # a like takes no value (null or nothing: tests/system/test_seed_contract.py)
        {"value": 0},
    ],
)
def test_loose_input_is_422_on_both_backends(
    make_client: Callable[..., TestClient], change: dict[str, Any]
) -> None:
    client = make_client()
    body = assert_problem(client.post("/v1/interact", json={**LIKE, **change}), 422)
    assert body["errors"][0]["field"] in change


def test_largest_id_and_whole_floats_are_accepted_on_both_backends(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client()
    r = client.post("/v1/interact", json={**LIKE, "user_id": MAX_USER_ID})
    assert r.status_code == 200, r.text
    assert client.get(f"/v1/recommend/feed/{MAX_USER_ID}").status_code == 200
    # 4.0 is an integer to JSON Schema, so the service follows its document
    r = client.post("/v1/interact", json={**LIKE, "user_id": 7.0, "action_type": "rate", "value": 4.0})
    assert r.status_code == 200, r.text
    for too_big in (MAX_USER_ID + 1, 2**63, 10**30):
        assert_problem(client.get(f"/v1/recommend/feed/{too_big}"), 422)
    assert_problem(client.get("/v1/recommend/feed/abc"), 422)


# --- keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_runner_data_needs_a_key_when_api_key_is_set(make_client: Callable[..., TestClient]) -> None:
    client = make_client(api_key="old-key, new-key")
    assert "API key is required" in assert_problem(client.post("/v1/interact", json=LIKE), 401)["detail"]
    assert_problem(client.post("/v1/interact", json=LIKE, headers={"X-API-Key": "nope"}), 401)
    assert client.post("/v1/interact", json=LIKE, headers={"X-API-Key": "old-key"}).status_code == 200
    assert client.post("/interact", json=LIKE, headers={"Authorization": "Bearer new-key"}).status_code == 200
    key = {"X-API-Key": "new-key"}
    # one runner's data: the feed and the saved answers, on every path
    for path in ("/v1/recommend/feed/42", "/recommend/feed/42", "/v1/users/42/questionnaire"):
        assert_problem(client.get(path), 401)
    assert client.get("/v1/recommend/feed/42", headers=key).status_code == 200
    assert client.get("/v1/users/42/questionnaire", headers=key).status_code == 404  # none saved
    # taking back and erasing
    assert_problem(client.delete("/v1/users/42/likes/R001"), 401)
    assert_problem(client.delete("/v1/users/42"), 401)
    assert client.get("/v1/recommend/feed/42", headers=key).status_code == 200  # nothing was erased
    assert client.delete("/v1/users/42/likes/R001", headers=key).json()["removed"] is True
    # public reads stay open unless API_KEY_FOR_READS; health always
    for path in ("/v1/shoes", "/v1/shoes/R001", "/v1/shoes/R001/similar", "/v1/health"):
        assert client.get(path).status_code == 200, path
    assert client.post("/v1/recommend/road", json={}).status_code != 401  # (503 here: no model trained)


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_edits_without_keys_are_refused_unless_a_demo_opts_in(make_client: Callable[..., TestClient]) -> None:
    client = make_client()  # no API_KEY: the default
    answers = {"shoe_type": "road", "answers": {"pace": "Fast"}}
    for call in (
        lambda: client.delete("/v1/users/2"),
        lambda: client.delete("/v1/users/2/likes/R001"),
        lambda: client.delete("/v1/users/2/ratings/R001"),
        lambda: client.put("/v1/users/2/questionnaire", json=answers),
    ):
        detail = assert_problem(call(), 403)["detail"]
        assert "API_KEY" in detail and "DEMO_OPEN_EDITS" in detail
    feed = client.get("/v1/recommend/feed/2")
    assert feed.status_code == 200 and feed.json()["data"]  # runner 42 was not erased
    assert client.post("/v1/interact", json=LIKE).status_code == 200  # interactions stay open

    demo = make_client(demo_open_edits=True)
    assert demo.put("/v1/users/2/questionnaire", json=answers).status_code == 200
    assert demo.delete("/v1/users/2").json()["deleted"]["favorites"] == 3
    assert_problem(demo.get("/v1/recommend/feed/2"), 404)


def _security(document: dict[str, Any], path: str, method: str = "get") -> Any:
    operation = document["paths"][path][method]
    return operation.get("security"), set(operation["responses"]) & {"401", "403"}


@pytest.mark.parametrize(
    ("settings", "runner", "edit", "read"),
    [
        ({}, "open", "403", "open"),
        ({"demo_open_edits": True}, "open", "open", "open"),
        ({"api_key": "k"}, "key", "key", "open"),
        ({"api_key": "k", "api_key_for_reads": True}, "key", "key", "key"),
    ],
)
def test_the_document_declares_what_each_check_does(
    settings: dict[str, Any], runner: str, edit: str, read: str
) -> None:
    from src.api.security import KEY_SECURITY, OPTIONAL_KEY_SECURITY

    document = create_app(Settings(_env_file=None, **settings)).openapi()  # type: ignore[call-arg]
    declared = {
        "open": (OPTIONAL_KEY_SECURITY, set()),
        "key": (KEY_SECURITY, {"401"}),
        "403": (KEY_SECURITY, {"403"}),
    }
    for path, method in (
        ("/v1/interact", "post"),
        ("/interact", "post"),
        ("/v1/recommend/feed/{user_id}", "get"),
        ("/v1/users/{user_id}/questionnaire", "get"),
    ):
        assert _security(document, path, method) == declared[runner], path
    for path, method in (
        ("/v1/users/{user_id}", "delete"),
        ("/v1/users/{user_id}/likes/{shoe_id}", "delete"),
        ("/v1/users/{user_id}/ratings/{shoe_id}", "delete"),
        ("/v1/users/{user_id}/questionnaire", "put"),
    ):
        assert _security(document, path, method) == declared[edit], path
    for path, method in (
        ("/v1/shoes", "get"),
        ("/v1/shoes/{shoe_id}", "get"),
        ("/v1/shoes/{shoe_id}/similar", "get"),
        ("/v1/recommend/road", "post"),
        ("/recommend/trail", "post"),
    ):
        assert _security(document, path, method) == declared[read], path


@pytest.mark.parametrize("value", [" , ", ",", " "])
def test_an_api_key_setting_without_a_key_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="holds no key"):
        Settings(_env_file=None, api_key=value)  # type: ignore[call-arg]


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_reads_need_a_key_with_api_key_for_reads(make_client: Callable[..., TestClient]) -> None:
    client = make_client(api_key="k1", api_key_for_reads=True)
    assert_problem(client.get("/v1/recommend/feed/1"), 401)
    assert_problem(client.post("/v1/recommend/road", json={}), 401)
    assert client.get("/v1/recommend/feed/1", headers={"X-API-Key": "k1"}).status_code == 200
    assert client.get("/health").status_code == 200 and client.get("/health/ready").status_code in (200, 503)
    assert client.get("/openapi.json").status_code == 200


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_admin_token_is_separate_from_api_keys(make_client: Callable[..., TestClient]) -> None:
    client = make_client(api_key="k1", admin_token="adm")
    assert_problem(client.get("/v1/admin/model-status", headers={"Authorization": "Bearer k1"}), 401)
    assert client.get("/v1/admin/model-status", headers={"Authorization": "Bearer adm"}).status_code == 200


# --- versions and the document -------------------------------------------------------------------


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_unversioned_paths_answer_like_v1(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    v1 = client.post("/v1/interact", json=LIKE)
    legacy = client.post("/interact", json=LIKE)
    assert v1.status_code == legacy.status_code == 200
    assert v1.json() == legacy.json()
    assert client.get("/recommend/feed/42").json() == client.get("/v1/recommend/feed/42").json()


def _document() -> dict[str, Any]:
    return create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]


def test_document_operation_ids_deprecations_and_security() -> None:
    paths = _document()["paths"]
    assert paths["/v1/recommend/road"]["post"]["operationId"] == "recommend_road"
    assert paths["/v1/recommend/feed/{user_id}"]["get"]["operationId"] == "get_feed"
    assert paths["/v1/interact"]["post"]["operationId"] == "interact"
    assert paths["/interact"]["post"]["deprecated"] is True
    assert "deprecated" not in paths["/v1/interact"]["post"]
    assert "deprecated" not in paths["/health"]["get"]  # probes stay unversioned
    assert {"ApiKey": []} in paths["/v1/interact"]["post"]["security"]
    assert paths["/v1/admin/reload-model"]["post"]["security"] == [{"AdminToken": []}]
    assert "security" not in paths["/v1/health"]["get"]


def test_document_is_exact_about_inputs_and_errors() -> None:
    doc = _document()
    schemas = doc["components"]["schemas"]
    assert schemas["LikeInteraction"]["properties"]["user_id"]["maximum"] == MAX_USER_ID == 9007199254740991
    assert schemas["LikeInteraction"]["properties"]["value"]["type"] == "null"  # omitted or null
    assert "value" not in schemas["LikeInteraction"]["required"]
    assert schemas["LikeInteraction"]["additionalProperties"] is False
    assert schemas["RateInteraction"]["properties"]["value"] == {
        "type": "integer",
        "maximum": 5,
        "minimum": 1,
        "title": "Value",
        "description": "1-5 stars",
    }
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            ok = op["responses"]["200"].get("content", {}).get("application/json")
            if ok is not None:  # (a PNG report answers image/png)
                assert ok.get("schema", {}) != {}, f"{method} {path} documents an empty 200"
            for status, response in op["responses"].items():
                if status[0] in "45":
                    assert list(response["content"]) == [PROBLEM], f"{method} {path} {status}"
                    assert response["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
            if op.get("requestBody") or "{user_id}" in path:
                assert "422" in op["responses"], f"{method} {path}"


def test_exported_document_is_current(tmp_path: Path) -> None:
    assert export_openapi(["--check"]) == 0, "openapi.json is stale: run python -m src.api.openapi"
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n")
    assert export_openapi(["--check"], path=stale) == 1


def test_the_served_document_is_the_exported_one() -> None:
    """The export builds the API alone; the served app (`src.app`) adds only pages outside the schema."""
    settings = exported_settings()
    assert create_app(settings).openapi() == create_api(settings).openapi()


# --- hostile input and headers ---------------------------------------------------------------------


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_a_field_given_twice_is_a_400_and_nothing_is_stored(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    before = client.get("/v1/recommend/feed/2").json()
    twice = b'{"user_id": 2, "shoe_id": "R006", "action_type": "like", "action_type": "rate", "value": 2}'
    body = assert_problem(
        client.post("/v1/interact", content=twice, headers={"content-type": "application/json"}), 400
    )
    assert body["detail"].startswith("action_type:") and "more than once" in body["detail"]
    nested = b'{"pace": "Fast", "pace": "Easy"}'
    assert_problem(
        client.post("/recommend/road", content=nested, headers={"content-type": "application/json"}), 400
    )
    assert client.get("/v1/recommend/feed/2").json() == before  # no 2-star rating of R006 was stored


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_a_422_never_outgrows_its_request(make_client: Callable[..., TestClient]) -> None:
    from src.api.errors import MAX_LISTED_ERRORS

    client = make_client()
    junk = {"y" * 300: 0, **{f"u{i}": 0 for i in range(5000)}}  # within the 64 KiB body limit
    request = json.dumps({**LIKE, **junk}).encode()
    answer = client.post("/v1/interact", content=request, headers={"content-type": "application/json"})
    body = assert_problem(answer, 422)
    assert len(answer.content) < 5_000 < len(request)
    assert len(body["errors"]) == MAX_LISTED_ERRORS + 1
    assert body["errors"][-1]["message"] == f"and {5001 - MAX_LISTED_ERRORS} more"
    assert all(len(e["field"]) <= 65 for e in body["errors"])


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_every_numeric_query_parameter_is_bounded(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                options = schema.get("anyOf", [schema])
                for option in options:
                    if option.get("type") in ("integer", "number"):
                        assert "maximum" in option, f"{method} {path} {parameter['name']} has no upper bound"
    for query in ("offset=109726019833641861120", "offset=100001", "weight_max=1e308", "drop_min=inf"):
        field = query.split("=")[0]
        assert assert_problem(client.get(f"/v1/shoes?{query}"), 422)["errors"][0]["field"] == field


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_json_is_never_sniffed_and_the_docs_load_nothing_from_outside(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client()
    for response in (client.get("/v1/health"), client.get("/v1/shoes"), client.get("/v1/recommend/feed/0")):
        assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/").headers.get_list("x-content-type-options") == ["nosniff"]  # once, not twice
    for page in ("/docs", "/redoc"):
        answer = client.get(page)
        assert answer.status_code == 200
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        assert "script-src 'self';" in answer.headers["content-security-policy"]  # no inline script
        assert "<script>" not in answer.text
        assert "http://" not in answer.text and "https://" not in answer.text and "//cdn" not in answer.text
        for asset in re.findall(r'(?:src|href)="([^"]+)"', answer.text):
            assert asset.startswith("/docs/assets/"), asset
            fetched = client.get(asset)
            assert fetched.status_code == 200 and len(fetched.content) > 100, asset
            expected = {"js": "text/javascript", "css": "text/css", "png": "image/png"}[
                asset.rsplit(".", 1)[1]
            ]
            assert fetched.headers["content-type"].startswith(expected), asset
    assert_problem(client.get("/docs/assets/..%2F..%2Fconfig.py"), 404)
