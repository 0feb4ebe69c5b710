"""What a new store is seeded with: the validated catalog and (embedded default) the demo runners.

`seed` is written once for the SQL backends; the Supabase REST client upserts the catalog rows itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import closing
from pathlib import Path
from typing import Any

from src.config import ATTRIBUTE_COLUMNS, FEATURES, METADATA_COLUMNS, Settings
from src.store.rows import now_iso, shoe_record
from src.store.sql import (
    DEMO_LIKE_SQL,
    DEMO_RATE_SQL,
    EVENTS_EMPTY_SQL,
    GET_META_SQL,
    INSERT_EVENT_SQL,
    SET_META_SQL,
    SHOE_COLS,
    SHOES_SQL,
    Dialect,
    upsert_shoe_sql,
)

log = logging.getLogger(__name__)


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


def seed(tx: Any, settings: Settings, d: Dialect) -> None:
    """Seed a SQL store inside the caller's write transaction `tx` (a sqlite3 or psycopg connection):
    the catalog when its CSVs changed (a stored shoe it no longer lists is retired: readable, never
    recommended), and the demo runners once, into an empty event log, where enabled."""
    get_meta, set_meta = GET_META_SQL.format(p=d.mark), SET_META_SQL.format(p=d.mark)
    rows, catalog_hash = catalog_rows(settings)
    stored = tx.execute(get_meta, ("catalog_hash",)).fetchone()
    if stored is None or stored[0] != catalog_hash:
        with closing(tx.cursor()) as cur:
            cur.executemany(upsert_shoe_sql(d), rows)
        tx.execute(d.retire_missing_shoes, (d.id_list([r["shoe_id"] for r in rows]),))
        tx.execute(set_meta, ("catalog_hash", catalog_hash))
        log.info("catalog seeded: %d shoes", len(rows))
    empty = tx.execute(EVENTS_EMPTY_SQL).fetchone()[0]
    seeded = tx.execute(get_meta, ("demo_seeded",)).fetchone()
    if settings.should_seed_demo and empty and not seeded and settings.demo_users > 0:
        catalog = [
            shoe_record(dict(zip(SHOE_COLS, r, strict=True))) for r in tx.execute(SHOES_SQL).fetchall()
        ]
        demo = demo_rows(settings, [s for s in catalog if s["status"] == "active"])
        with closing(tx.cursor()) as cur:
            cur.executemany(
                DEMO_LIKE_SQL.format(p=d.mark), [(u, s, t) for u, s, a, _, t in demo if a == "like"]
            )
            cur.executemany(
                DEMO_RATE_SQL.format(p=d.mark), [(u, s, v, t) for u, s, a, v, t in demo if a == "rate"]
            )
            cur.executemany(INSERT_EVENT_SQL.format(p=d.mark), demo)
        if d.uncount_seeded_events is not None:
            tx.execute(d.uncount_seeded_events)
        tx.execute(set_meta, ("demo_seeded", now_iso()))
        log.info("demo interactions seeded: %d", len(demo))
