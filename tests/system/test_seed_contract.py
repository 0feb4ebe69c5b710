"""The original design's API examples, sent verbatim: clients written against that document keep working.

Every request of its "API Documentation" section is replayed on the unversioned paths and under `/v1`
(the real catalog, demo runners, SQLite and PostgreSQL), and each answer has the documented status
and shape. The examples are copied here byte for byte; `test_examples_are_the_documents` checks the
copy against the document itself where `../shared/seed` is beside the project.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.config import PROJECT_ROOT, Settings

SEED_DOCUMENT = PROJECT_ROOT.parent / "shared" / "seed" / "000_c88401ec40a60bc4.txt"

ROAD_BODY = """{
  "pace": "Fast",
  "arch_type": "Normal",
  "strike_pattern": "Mid",
  "foot_width": "Regular",
  "season": "Summer",
  "orthotic_usage": "No",
  "running_purpose": "Race",
  "cushion_preferences": "Firm",
  "stability_need": "Neutral"
}"""
TRAIL_BODY = """{
  "pace": "Steady",
  "arch_type": "Normal",
  "strike_pattern": "Mid",
  "foot_width": "Regular",
  "season": "Summer",
  "orthotic_usage": "No",
  "terrain": "Rocky",
  "rock_sensitive": "Yes",
  "water_resistance": "Water Repellent"
}"""
LIKE_BODY = """{
  "user_id": 8,
  "shoe_id": "R278",
  "action_type": "like",
  "value": null
}"""
# the document's field table: a rating is the same body with action_type "rate" and value 1-5
RATE_BODY = '{"user_id": 8, "shoe_id": "T012", "action_type": "rate", "value": 5}'
JSON_HEADERS = {"content-type": "application/json"}
PREFIXES = ["", "/v1"]


def _json_blocks(text: str) -> list[str]:
    return [m.strip() for m in re.findall(r"```json\n(.*?)```", text, flags=re.S)]


def test_examples_are_the_documents() -> None:
    if not SEED_DOCUMENT.exists():
        pytest.skip(f"the original design document is not beside the project ({SEED_DOCUMENT})")
    blocks = _json_blocks(SEED_DOCUMENT.read_text(encoding="utf-8"))
    for body in (ROAD_BODY, TRAIL_BODY, LIKE_BODY):
        assert body in blocks, f"not in the document verbatim:\n{body}"


@pytest.fixture
def client(backend_settings_factory: Callable[..., Settings], artifacts_copy: Path) -> Iterator[TestClient]:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    settings = backend_settings_factory(
        artifacts_dir=artifacts_copy,
        road_catalog=defaults.road_catalog,  # the real catalog: R278 and T012 exist there
        trail_catalog=defaults.trail_catalog,
        seed_demo_interactions=True,
        demo_users=60,
        ct_threshold=50,
    )
    with TestClient(create_app(settings, initialize=True)) as c:
        yield c


def _post(client: TestClient, path: str, body: str) -> Any:
    return client.post(path, content=body.encode(), headers=JSON_HEADERS)


def _assert_items(data: list[dict[str, Any]], keys: dict[str, type], n_max: int) -> None:
    assert 1 <= len(data) <= n_max
    for item in data:
        for key, kind in keys.items():
            assert isinstance(item[key], kind), (key, item)
    scores = [item["match_score"] for item in data]
    assert scores == sorted(scores, reverse=True)


CONTENT_ITEM = {"shoe_id": str, "name": str, "brand": str, "cluster": int, "match_score": float}
FEED_ITEM = {"shoe_id": str, "name": str, "brand": str, "match_score": float}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_documented_requests_answer_as_documented(client: TestClient, prefix: str) -> None:
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "healthy"
    assert re.fullmatch(r"\d+/50", health.json()["ct_sync_progress"])

    for path, body, first in (("road", ROAD_BODY, "R"), ("trail", TRAIL_BODY, "T")):
        answer = _post(client, f"{prefix}/recommend/{path}", body)
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "success"
        _assert_items(answer.json()["data"], CONTENT_ITEM, 10)
        assert len(answer.json()["data"]) == 10
        assert all(item["shoe_id"].startswith(first) for item in answer.json()["data"])

    for body, stored in ((LIKE_BODY, "R278"), (RATE_BODY, "T012")):
        answer = _post(client, f"{prefix}/interact", body)
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "success"
        _assert_items(answer.json()["data"], FEED_ITEM, 20)
        assert stored not in {item["shoe_id"] for item in answer.json()["data"]}  # seen: never fed back

    feed = client.get(f"{prefix}/recommend/feed/8")
    assert feed.status_code == 200, feed.text
    assert feed.json()["status"] == "success"
    _assert_items(feed.json()["data"], FEED_ITEM, 20)
    # the feed the write answered is the feed a read returns
    assert feed.json()["data"] == _post(client, f"{prefix}/interact", LIKE_BODY).json()["data"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_documented_errors_carry_detail(client: TestClient, prefix: str) -> None:
    cold = client.get(f"{prefix}/recommend/feed/987654")  # "cold-start user with no interaction history"
    assert cold.status_code == 404
    assert isinstance(cold.json()["detail"], str) and "987654" in cold.json()["detail"]

    # "missing or invalid request fields"
    for bad, field in (
        ('{"user_id": 8, "shoe_id": "R278", "action_type": "rate", "value": null}', "value"),
        ('{"user_id": 8, "shoe_id": "R278", "action_type": "like", "value": 5}', "value"),
        ('{"shoe_id": "R278", "action_type": "like", "value": null}', "user_id"),
        ('{"pace": "Sprint"}', "pace"),
    ):
        path = "/recommend/road" if "pace" in bad else "/interact"
        answer = _post(client, prefix + path, bad)
        assert answer.status_code == 422, (bad, answer.text)
        assert isinstance(answer.json()["detail"], str) and answer.json()["detail"].startswith(field), bad


@pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
def test_a_like_with_null_and_without_value_are_one_like(client: TestClient) -> None:
    without = json.dumps({"user_id": 9, "shoe_id": "R278", "action_type": "like"})
    assert _post(client, "/v1/interact", LIKE_BODY.replace('"user_id": 8', '"user_id": 9')).status_code == 200
    assert _post(client, "/v1/interact", without).status_code == 200
    liked = [i for i in client.get("/v1/recommend/feed/9").json()["data"] if i["shoe_id"] == "R278"]
    assert liked == []  # stored once, as a like of R278 (never recommended back)


def test_the_document_shows_both_forms_of_a_like() -> None:
    document = create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]
    like = document["components"]["schemas"]["LikeInteraction"]
    assert "value" not in like["required"]
    assert like["properties"]["value"]["type"] == "null"
    examples = like["examples"]
    assert json.loads(LIKE_BODY) in examples
    assert {k: v for k, v in json.loads(LIKE_BODY).items() if k != "value"} in examples
