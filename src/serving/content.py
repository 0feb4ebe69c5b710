"""The questionnaire models a worker serves: the newest valid artifacts of each shoe type."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from src.config import SHOE_TYPES, Settings

log = logging.getLogger(__name__)


def load_content_models(settings: Settings) -> dict[str, Any]:
    from src.recommender.content_based import load_content_model

    return {
        t: load_content_model(settings.artifacts_dir, t, top_n=settings.content_top_n) for t in SHOE_TYPES
    }


def reload_content_models(settings: Settings, current: Mapping[str, Any]) -> dict[str, Any]:
    """The newest valid models, keeping the one in memory for any type with no loadable version
    on disk: a corrupt or half-written artifact never replaces a working model with nothing."""
    fresh = load_content_models(settings)
    out: dict[str, Any] = {}
    for shoe_type, model in fresh.items():
        kept = current.get(shoe_type)
        if model is None and kept is not None:
            log.warning(
                "no valid %s content model on disk; still serving %s",
                shoe_type,
                getattr(kept, "version", None),
            )
            out[shoe_type] = kept
        else:
            out[shoe_type] = model
    return out
