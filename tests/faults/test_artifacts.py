"""Corrupt, truncated and half-written artifacts: never loaded, never replacing a working model,
reported once per bad version."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from src.app import create_app
from src.artifacts import MANIFEST, list_versions, load_newest_valid, newest_version_name, write_version
from src.config import Settings
from tests.plugins.api import seed_groups

AUTH = {"Authorization": "Bearer s3cret"}


def _publish(kind_dir: Path, payload: bytes, stamp: str) -> Path:
    from datetime import datetime

    def build(tmp: Path) -> dict[str, str]:
        (tmp / "data.bin").write_bytes(payload)
        return {"kind": "test"}

    return write_version(kind_dir, build, now=datetime.strptime(stamp, "%Y%m%d_%H%M%S"))


def _read(version_dir: Path, _manifest: dict[str, object]) -> bytes:
    return (version_dir / "data.bin").read_bytes()


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "truncated file": lambda v: (v / "data.bin").write_bytes((v / "data.bin").read_bytes()[:3]),
    "flipped byte": lambda v: (v / "data.bin").write_bytes(b"X" + (v / "data.bin").read_bytes()[1:]),
    "missing file": lambda v: (v / "data.bin").unlink(),
    "missing manifest": lambda v: (v / MANIFEST).unlink(),
    "half-written manifest": lambda v: (v / MANIFEST).write_text((v / MANIFEST).read_text()[:20]),
    "manifest lists no files": lambda v: (v / MANIFEST).write_text(json.dumps({"files": {}})),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_corrupt_newest_version_falls_back_to_the_previous_one(tmp_path: Path, corruption: str) -> None:
    _publish(tmp_path, b"old-good-payload", "20260101_000000")
    newest = _publish(tmp_path, b"new-payload", "20260102_000000")
    CORRUPTIONS[corruption](newest)
    found = load_newest_valid(tmp_path, _read)
    assert found is not None and found[0] == b"old-good-payload"


def test_a_half_built_version_is_invisible(tmp_path: Path) -> None:
    _publish(tmp_path, b"good", "20260101_000000")

    def crash(tmp: Path) -> dict[str, str]:
        (tmp / "data.bin").write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_version(tmp_path, crash)
    assert [p.name for p in list_versions(tmp_path)] == ["v_20260101_000000"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]  # cleaned up
    found = load_newest_valid(tmp_path, _read)
    assert found is not None and found[0] == b"good"


def test_a_bad_version_is_reported_once_and_skipped_by_the_poller(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _publish(tmp_path, b"good", "20260101_000000")
    bad = _publish(tmp_path, b"bad", "20260102_000000")
    CORRUPTIONS["flipped byte"](bad)
    assert newest_version_name(tmp_path) == bad.name  # not yet known to be bad: worth one try
    with caplog.at_level(logging.WARNING, logger="src.artifacts"):
        for _ in range(10):  # ten polls of one worker
            found = load_newest_valid(tmp_path, _read)
            assert found is not None and found[0] == b"good"
    warnings = [r for r in caplog.records if bad.name in r.getMessage()]
    assert len(warnings) == 1
    # the poller's cheap check no longer points at the bad version, so it stops reloading
    assert newest_version_name(tmp_path) == "v_20260101_000000"


def test_a_bad_version_repaired_in_place_is_tried_again(tmp_path: Path) -> None:
    import os

    _publish(tmp_path, b"good", "20260101_000000")
    newest = _publish(tmp_path, b"newest", "20260102_000000")
    manifest = (newest / MANIFEST).read_text()
    (newest / MANIFEST).write_text("{not json")
    assert load_newest_valid(tmp_path, _read) is not None
    (newest / MANIFEST).write_text(manifest)
    os.utime(newest / MANIFEST, ns=(1, 1))  # a different manifest identity
    found = load_newest_valid(tmp_path, _read)
    assert found is not None and found[0] == b"newest"


def _corrupt_every_version(kind_dir: Path) -> None:
    for version in list_versions(kind_dir):
        for f in version.iterdir():
            if f.name != MANIFEST:
                f.write_bytes(f.read_bytes()[: max(1, f.stat().st_size // 2)])


def test_reload_with_every_version_corrupt_keeps_serving_the_loaded_models(
    settings_factory: Callable[..., Settings], content_artifacts: Path
) -> None:
    settings = settings_factory(ct_threshold=1000, admin_token="s3cret", snapshot_poll_s=60)
    shutil.copytree(content_artifacts, settings.artifacts_dir, dirs_exist_ok=True)
    seed_groups(settings)
    with TestClient(create_app(settings, initialize=True)) as client:
        before = client.post("/admin/reload-model", headers=AUTH).json()["serving"]
        assert before["road"] is not None and before["cf"] is not None
        for kind in ("road", "trail", "cf"):
            _corrupt_every_version(Path(settings.artifacts_dir) / kind)

        r = client.post("/admin/reload-model", headers=AUTH)

        assert r.status_code == 200
        after = r.json()["serving"]
        for kind in ("road", "trail", "cf"):
            assert after[kind]["version"] == before[kind]["version"]
        assert client.post("/recommend/road", json={}).status_code == 200
        assert client.post("/recommend/trail", json={}).status_code == 200
        assert client.get("/health/ready").status_code == 200


def test_a_fresh_process_with_every_version_corrupt_serves_the_last_known_good_copy(tmp_path: Path) -> None:
    from datetime import datetime

    from src.artifacts import LAST_KNOWN_GOOD, prune

    def publish(payload: bytes, stamp: str) -> Path:
        def build(tmp: Path) -> dict[str, str]:
            (tmp / "data.bin").write_bytes(payload)
            return {"kind": "test"}

        when = datetime.strptime(stamp, "%Y%m%d_%H%M%S")
        return write_version(tmp_path, build, now=when, keep=2, last_known_good=True)

    for day, payload in enumerate((b"first", b"second", b"third"), start=1):
        publish(payload, f"202601{day:02d}_000000")
    assert [v.name for v in list_versions(tmp_path)] == ["v_20260103_000000", "v_20260102_000000"]
    assert (tmp_path / LAST_KNOWN_GOOD / "data.bin").read_bytes() == b"third"
    for version in list_versions(tmp_path):
        CORRUPTIONS["truncated file"](version)
    prune(tmp_path, 0)  # pruning never removes the last-known-good copy
    assert (tmp_path / LAST_KNOWN_GOOD).is_dir()
    # what a worker respawned now (a new process: nothing known bad yet) loads
    found = load_newest_valid(tmp_path, _read)
    assert found is not None and found[0] == b"third" and found[1]["version"] == "v_20260103_000000"


def test_a_content_model_respawn_with_every_version_corrupt_still_serves(
    tmp_path: Path, content_artifacts: Path
) -> None:
    from src.recommender.content_based import load_content_model

    shutil.copytree(content_artifacts, tmp_path / "artifacts")
    _corrupt_every_version(tmp_path / "artifacts" / "road")
    model = load_content_model(tmp_path / "artifacts", "road")  # a worker gunicorn respawned now
    assert model is not None and model.recommend({"pace": "Fast"})
