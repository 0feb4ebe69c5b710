"""The questionnaire models a worker serves: the newest valid artifacts of each shoe type."""

from __future__ import annotations

from typing import Any

from src.config import SHOE_TYPES, Settings


def load_content_models(settings: Settings) -> dict[str, Any]:
    from src.recommender.content_based import load_content_model

    return {
        t: load_content_model(settings.artifacts_dir, t, top_n=settings.content_top_n) for t in SHOE_TYPES
    }
