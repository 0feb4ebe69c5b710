"""Where published collaborative snapshots live and how a process loads the newest valid one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from src.artifacts import load_newest_valid
from src.config import Settings
from src.recommender.cf_snapshot import CFEngine, CFSnapshot
from src.recommender.collaborative_filtering import UserCollaborativeRecommender
from src.recommender.runner_space import RunnerSpaceRecommender

EngineFactory = Callable[[], CFEngine]


def cf_dir(settings: Settings) -> Path:
    return Path(settings.artifacts_dir) / "cf"


def make_engine(settings: Settings) -> CFEngine:
    """The served engine: the item-space runner-KNN + EASE (`RunnerSpaceRecommender`, issue 21:
    CT builds it once, workers map its arrays). CF_NEIGHBOURS set selects the previous top-k
    user-KNN engine with that k (its queries read runner columns: cost grows with runners)."""
    if settings.cf_neighbours is None:
        return RunnerSpaceRecommender()
    return UserCollaborativeRecommender(k=settings.cf_neighbours)


def load_snapshot(settings: Settings) -> CFSnapshot | None:
    found = load_newest_valid(cf_dir(settings), lambda d, m: CFSnapshot.load(d, m, make_engine(settings)))
    return found[0] if found else None
