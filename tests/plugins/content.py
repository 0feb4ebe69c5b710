"""Content-based fixtures: both shoe types trained ONCE per session in fast mode, then shared.

`content_artifacts` is the artifacts root (`<tmp>/road/v_...`, `<tmp>/trail/v_...`); other test
modules (the API tests too) load models from it instead of training again.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from src.config import SHOE_TYPES, Settings

FIXTURE_EPOCHS = 30  # enough for sane latents (loss well below the untrained ~0.17), ~5 s per type
FIXTURE_SEED = 42


def catalog_records(shoe_type: str) -> list[dict[str, Any]]:
    from src.catalog import load_catalog

    settings = Settings()
    path = settings.road_catalog if shoe_type == "road" else settings.trail_catalog
    return load_catalog(path, shoe_type)  # type: ignore[arg-type]


def train_content(root: Path) -> Path:
    """Both content models trained in fast mode into the artifacts root `root`."""
    from src.training.training_engine import train

    for shoe_type in SHOE_TYPES:
        train(
            shoe_type,
            catalog_records(shoe_type),
            epochs=FIXTURE_EPOCHS,
            seed=FIXTURE_SEED,
            artifacts_dir=root,
            keep=3,
            log=lambda _msg: None,
        )
    return root


@pytest.fixture(scope="session")
def content_artifacts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield train_content(tmp_path_factory.mktemp("content_artifacts"))


@pytest.fixture(scope="session")
def content_models(content_artifacts: Path) -> dict[str, Any]:
    from src.recommender.content_based import load_content_model

    models = {t: load_content_model(content_artifacts, t) for t in SHOE_TYPES}
    assert all(m is not None for m in models.values()), "fixture training published no loadable model"
    return models


@pytest.fixture(scope="session")
def road_model(content_models: dict[str, Any]) -> Any:
    return content_models["road"]


@pytest.fixture(scope="session")
def trail_model(content_models: dict[str, Any]) -> Any:
    return content_models["trail"]


@pytest.fixture
def artifacts_copy(content_artifacts: Path, tmp_path: Path) -> Path:
    """This test's own copy of the content artifacts (`tmp_path/artifacts`): starting the app
    writes a CF snapshot into its artifacts folder."""
    copy = tmp_path / "artifacts"
    shutil.copytree(content_artifacts, copy)
    return copy
