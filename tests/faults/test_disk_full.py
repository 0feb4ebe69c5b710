"""A full disk: under the embedded store (writes answer 503, nothing half-written, service resumes
when space returns) and under the artifacts folder during a rebuild (the old snapshot keeps
serving, no half-written version is left)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.artifacts import list_versions, read_manifest
from src.config import Settings
from src.ct import rebuild as continuous
from tests.faults.small_disk import can_mount, fill, small_disk
from tests.plugins.api import NEWCOMER, seed_groups

pytestmark = pytest.mark.skipif(not can_mount(), reason="mounting a small tmpfs needs root")


def test_embedded_store_on_a_full_disk_answers_503_and_loses_nothing(
    settings_factory: Callable[..., Settings], content_artifacts: Path
) -> None:
    with small_disk(8) as disk:
        settings = settings_factory(sqlite_path=disk / "store.sqlite3", ct_threshold=100_000)
        shutil.copytree(content_artifacts, settings.artifacts_dir, dirs_exist_ok=True)
        seed_groups(settings)
        with TestClient(create_app(settings, initialize=True)) as client:
            filler = fill(disk)
            answers: dict[str, int] = {}
            shoes = [s["shoe_id"] for s in client.app.state.store.all_shoes()]  # type: ignore[attr-defined]
            for user in range(NEWCOMER, NEWCOMER + 40):
                for shoe in shoes:
                    r = client.post(
                        "/interact", json={"user_id": user, "shoe_id": shoe, "action_type": "like"}
                    )
                    assert r.status_code in (200, 503), r.text
                    if r.status_code == 503:
                        assert "store is unavailable" in r.json()["detail"]
                        assert "Retry-After" in r.headers
                    answers[f"{user}/{shoe}"] = r.status_code
            assert 503 in answers.values(), "the disk never filled up"
            store = client.app.state.store  # type: ignore[attr-defined]
            stored = {
                f"{row.user_id}/{row.shoe_id}" for row in store.interaction_rows() if row.user_id >= NEWCOMER
            }
            assert stored == {k for k, status in answers.items() if status == 200}
            assert client.post("/recommend/road", json={}).status_code == 200  # reads need no space
            filler.unlink()
            r = client.post("/interact", json={"user_id": 9999, "shoe_id": "R001", "action_type": "like"})
            assert r.status_code == 200


def test_rebuild_on_a_full_artifacts_disk_keeps_the_old_snapshot(
    settings_factory: Callable[..., Settings],
) -> None:
    with small_disk(16) as disk:
        settings = settings_factory(artifacts_dir=disk / "artifacts", ct_threshold=100_000)
        seed_groups(settings)
        with TestClient(create_app(settings, initialize=True)) as client:
            feed = client.app.state.feed  # type: ignore[attr-defined]
            old = feed.snapshot.version
            before = client.get("/recommend/feed/1")
            filler = fill(disk)
            client.app.state.store.record_like(NEWCOMER, "R001")  # type: ignore[attr-defined]
            result = continuous.rebuild(
                feed.store, settings, feed.snapshot, claims_through=0, force_full=True
            )
            # Versions are published through the store; on a full disk only the local cache copy
            # fails, and it never leaves a half-written version behind.
            assert result.outcome in ("published", "failed"), result
            cf = disk / "artifacts" / "cf"
            for version in list_versions(cf):
                read_manifest(version)  # every visible version verifies
            assert not [p for p in cf.iterdir() if p.name.startswith(".tmp-")]
            assert client.get("/recommend/feed/1").status_code == before.status_code
            assert old is not None
            filler.unlink()
            again = continuous.rebuild(feed.store, settings, feed.snapshot, claims_through=0, force_full=True)
            assert again.outcome == "published"
