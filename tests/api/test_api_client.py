"""The typed Python client generated from openapi.json (clients/python) against the app: if the
document and the service drift apart, these calls break. Also checks that the committed client is
what the generator makes from the committed document."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.config import PROJECT_ROOT, Settings
from tests.plugins.api import GROUP_A, seed_groups

sys.path.insert(0, str(PROJECT_ROOT / "clients" / "python"))

from sonix_rush_client import AuthenticatedClient, Client
from sonix_rush_client.api.collaborative import get_feed, interact
from sonix_rush_client.api.content_based import recommend_road
from sonix_rush_client.api.health import health
from sonix_rush_client.models import (
    FeedResponse,
    HealthResponse,
    Like,
    Problem,
    Rating,
    RoadQuestionnaire,
)
from sonix_rush_client.models.road_questionnaire_pace_type_0 import RoadQuestionnairePaceType0


@pytest.fixture
def app_client(settings_factory: Callable[..., Settings], artifacts_copy: Path) -> Iterator[TestClient]:
    settings = settings_factory(artifacts_dir=artifacts_copy, api_key="secret", ct_threshold=1000)
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as client:
        yield client


def test_generated_client_round_trips(app_client: TestClient) -> None:
    anonymous = Client(base_url="http://testserver").set_httpx_client(app_client)
    # the same running app, with the key in the header the generated AuthenticatedClient sends
    keyed_transport = TestClient(app_client.app, headers={"Authorization": "Bearer secret"})
    keyed = AuthenticatedClient(base_url="http://testserver", token="secret").set_httpx_client(
        keyed_transport
    )

    refused = interact.sync(client=anonymous, body=Like(user_id=100, shoe_id="R001", action_type="like"))
    assert isinstance(refused, Problem) and refused.status == 401

    feed = interact.sync(client=keyed, body=Rating(user_id=100, shoe_id="R002", action_type="rate", value=5))
    assert isinstance(feed, FeedResponse) and feed.data
    assert "R002" not in [item.shoe_id for item in feed.data]

    again = get_feed.sync(user_id=next(iter(GROUP_A)), client=keyed)
    assert isinstance(again, FeedResponse)
    private = get_feed.sync(user_id=next(iter(GROUP_A)), client=anonymous)  # a runner's feed needs the key
    assert isinstance(private, Problem) and private.status == 401
    missing = get_feed.sync(user_id=999_999, client=keyed)
    assert isinstance(missing, Problem) and missing.status == 404

    bad = interact.sync(client=keyed, body=Like(user_id=0, shoe_id="R001", action_type="like"))
    assert isinstance(bad, Problem) and bad.status == 422 and bad.errors and bad.errors[0].field == "user_id"

    road = recommend_road.sync(client=anonymous, body=RoadQuestionnaire(pace=RoadQuestionnairePaceType0.FAST))
    assert road is not None and not isinstance(road, Problem) and len(road.data) == 10

    status = health.sync(client=anonymous)
    assert isinstance(status, HealthResponse) and status.status == "healthy"


def _diff(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b, ignore=["__pycache__"])
    out = [*cmp.left_only, *cmp.right_only, *cmp.diff_files]
    for sub in cmp.common_dirs:
        out += _diff(a / sub, b / sub)
    return out


@pytest.mark.slow
def test_committed_client_matches_the_document(tmp_path: Path) -> None:
    generator = Path(sys.executable).parent / "openapi-python-client"
    out = tmp_path / "python"
    subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(PROJECT_ROOT / "openapi.json"),
            "--output-path",
            str(out),
            "--config",
            str(PROJECT_ROOT / "clients" / "openapi-python-client.yaml"),
        ],
        check=True,
        capture_output=True,
    )
    stale = _diff(PROJECT_ROOT / "clients" / "python", out)
    assert not stale, f"clients/python is stale ({stale[:5]}): regenerate it (see clients/README.md)"
