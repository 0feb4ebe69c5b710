"""What a new store is seeded with: the validated catalog, and (embedded default) the demo runners."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from src.config import ATTRIBUTE_COLUMNS, FEATURES, METADATA_COLUMNS, Settings


def catalog_rows(settings: Settings) -> tuple[list[dict[str, Any]], str]:
    """Validated catalog rows for seeding, and a hash that says when the CSVs changed."""
    from src.catalog import load_catalog  # seeding only: keep it off the request path

    rows: list[dict[str, Any]] = []
    digest = hashlib.sha256()
    for shoe_type, path in (("road", settings.road_catalog), ("trail", settings.trail_catalog)):
        digest.update(Path(path).read_bytes())
        for rec in load_catalog(Path(path), shoe_type):  # type: ignore[arg-type]
            features = {f: rec[f] for f in FEATURES[shoe_type]}
            attributes = {c: rec[c] for c in (*ATTRIBUTE_COLUMNS, "season", "source_rows")}
            rows.append(
                {
                    **{c: rec[c] for c in METADATA_COLUMNS},
                    "shoe_type": shoe_type,
                    "features": json.dumps(features, sort_keys=True),
                    "attributes": json.dumps(attributes, sort_keys=True),
                    "provenance": json.dumps(rec["provenance"], sort_keys=True),
                }
            )
    return rows, digest.hexdigest()


def demo_rows(settings: Settings, shoes: list[dict[str, Any]]) -> list[tuple[int, str, str, int | None, str]]:
    from src.demo_data import generate_demo_interactions

    road = [s for s in shoes if s["shoe_type"] == "road"]
    trail = [s for s in shoes if s["shoe_type"] == "trail"]
    demo = generate_demo_interactions(road, trail, n_users=settings.demo_users, seed=settings.demo_seed)
    return [(d.user_id, d.shoe_id, d.action_type, d.value, d.created_at.isoformat()) for d in demo]
