"""Which engine is served, where local snapshots live, and the manifest a served version carries."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from src.config import Settings
from src.recommender.cf_snapshot import CFEngine
from src.recommender.collaborative_filtering import UserCollaborativeRecommender
from src.recommender.runner_space import RunnerSpaceRecommender
from src.store import CFVersion

EngineFactory = Callable[[], CFEngine]


def cf_dir(settings: Settings) -> Path:
    return Path(settings.artifacts_dir) / "cf"


def make_engine(settings: Settings, params: Mapping[str, Any] | None = None) -> CFEngine:
    """The served engine: the item-space runner-KNN + EASE (`RunnerSpaceRecommender`, issue 21:
    CT builds it once, workers map its arrays). CF_NEIGHBOURS set selects the previous top-k
    user-KNN engine with that k (its queries read runner columns: cost grows with runners).
    `params` override the engine's defaults (an A/B arm's variant, `src.engine.arms`)."""
    overrides = dict(params or {})
    if settings.cf_neighbours is None:
        return RunnerSpaceRecommender(**overrides)
    overrides.setdefault("k", settings.cf_neighbours)
    overrides["k"] = int(overrides["k"])
    return UserCollaborativeRecommender(**overrides)


def version_manifest(version: CFVersion, n_users: int, n_items: int) -> dict[str, Any]:
    """What /health and /admin/model-status show about a served version."""
    figures = version.figures
    return {
        "kind": "cf",
        "cf_version_id": version.version_id,
        "version": version.label,
        "created_at": version.created_at,
        "mode": version.mode,
        "last_event_id": version.watermark,
        "incremental_since_full": figures.get("incremental_since_full", 0),
        "evaluation": figures.get("evaluation", {}),
        "gate": figures.get("gate", {}),
        "n_users": n_users,
        "n_items": n_items,
        "artifact": figures.get("artifact"),
        "arms": figures.get("arms", {}),
    }
