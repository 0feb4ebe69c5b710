"""Where published collaborative snapshots live and how a process loads the newest valid one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from src.artifacts import load_newest_valid
from src.config import Settings
from src.recommender.cf_snapshot import CFSnapshot
from src.recommender.collaborative_filtering import UserCollaborativeRecommender

EngineFactory = Callable[[], UserCollaborativeRecommender]


def cf_dir(settings: Settings) -> Path:
    return Path(settings.artifacts_dir) / "cf"


def make_engine(settings: Settings) -> UserCollaborativeRecommender:
    """The served engine: library defaults unless CF_NEIGHBOURS overrides k."""
    if settings.cf_neighbours is None:
        return UserCollaborativeRecommender()
    return UserCollaborativeRecommender(k=settings.cf_neighbours)


def load_snapshot(settings: Settings) -> CFSnapshot | None:
    found = load_newest_valid(cf_dir(settings), lambda d, m: CFSnapshot.load(d, m, make_engine(settings)))
    return found[0] if found else None
