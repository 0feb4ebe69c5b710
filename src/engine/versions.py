"""Following the published collaborative version: what every API worker (and the CT process at
start-up) does to serve exactly the version the store names, without reading another host's disk.

The store records each published version with its event-id watermark, and the event log can
replay the interactions as they stood at any watermark (`Store.scores_as_of`). So a process
holding version A (watermark a) reaches version B (watermark b >= a) by re-reading only the
(runner, shoe) pairs with events in (a, b], each scored as of b
(`Store.pair_scores_changed_between`), and patching those cells into its rows, the engine's
incremental path: the cost follows the events since A, not the changed runners' histories. With
nothing usable in memory (cold start, another catalog, a newer local cache) it fits the whole
matrix as of b. Two replicas therefore converge on the same matrix whichever route each took.

The local snapshot under `ARTIFACTS_DIR/cf/` is only a cold-start cache: written at start-up and
on full rebuilds (never per rebuild: at 10^6 runners a snapshot is hundreds of MB), read when the
store is unreachable or to shorten the catch-up.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from src.artifacts import load_newest_valid, write_version
from src.config import Settings
from src.engine.snapshots import EngineFactory, cf_dir, make_engine, version_manifest
from src.recommender.cf_snapshot import CFSnapshot, matrix_from_triples, with_changed_cells
from src.store import CFVersion, Store

log = logging.getLogger(__name__)


def version_id_of(snapshot: CFSnapshot | None) -> int | None:
    """The store's id of the version a snapshot holds (None: not one the store published)."""
    if snapshot is None:
        return None
    found = snapshot.manifest.get("cf_version_id")
    return None if found is None else int(found)


def rebuild_status(version: CFVersion | None) -> dict[str, Any] | None:
    """The last finished rebuild as /health and /admin/model-status show it."""
    if version is None:
        return None
    return {
        "outcome": version.status,
        "version": version.label,
        "mode": version.mode,
        "claims_through": version.claims_through,
        "watermark": version.watermark,
        "evaluation": {**version.figures.get("evaluation", {}), "gate": version.figures.get("gate")},
        "parent_version": version.figures.get("parent_version"),
        "duration_s": version.figures.get("build_seconds"),
        "reason": version.reason,
        "finished_at": version.created_at,
    }


REFUSALS_COUNTED = 100  # rebuild rows read to count the refusals since the last publish


def consecutive_refusals(recent: list[CFVersion]) -> int:
    """How many of the newest rebuilds (newest first) were refused by the gate in a row."""
    count = 0
    for version in recent:
        if version.status == "published":
            break
        count += version.status == "refused"
    return count


def age_s(created_at: object) -> float | None:
    """Seconds since an ISO timestamp the store or a manifest recorded (None when absent or unreadable)."""
    if not created_at:
        return None
    try:
        return round(time.time() - datetime.fromisoformat(str(created_at)).astimezone(UTC).timestamp(), 1)
    except ValueError:
        return None


def gate_view(refusals: int, snapshot: CFSnapshot | None, stall_after: int) -> dict[str, Any]:
    """What /health and the admin status say about publication: refusals in a row since the serving
    version, its age (from the store's publish time, so a restart does not reset it), and `stalled`
    once the gate has refused `stall_after` rebuilds in a row."""
    created = snapshot.manifest.get("created_at") if snapshot is not None else None
    return {
        "consecutive_refusals": refusals,
        "stalled": refusals >= stall_after,
        "serving_age_s": age_s(created),
    }


def snapshot_at(
    store: Store,
    settings: Settings,
    version: CFVersion,
    current: CFSnapshot | None,
    factory: EngineFactory | None = None,
) -> CFSnapshot:
    """A snapshot holding exactly `version`, reached from `current` when it can be."""
    shoe_ids = [s["shoe_id"] for s in store.all_shoes()]
    watermark = version.watermark
    user_index: dict[int, int] | None = None
    if current is not None and list(current.shoe_ids) == shoe_ids and current.last_event_id <= watermark:
        delta = store.pair_scores_changed_between(current.last_event_id, watermark)
        engine, users, user_index = with_changed_cells(current, delta.scores, delta.reset_users)
    else:
        X, users = matrix_from_triples(store.scores_as_of(watermark), {s: i for i, s in enumerate(shoe_ids)})
        engine = (factory or (lambda: make_engine(settings)))().fit(X)
    # n_users, not user_items.shape: after an update that would materialise the whole matrix
    manifest = version_manifest(version, engine.n_users, len(shoe_ids))
    return CFSnapshot.create(engine, users, shoe_ids, watermark, version.label, manifest, user_index)


def follow(
    store: Store, settings: Settings, current: CFSnapshot | None, version_id: int
) -> CFSnapshot | None:
    """`current` brought to published version `version_id` (None if the store has no such row)."""
    version = store.cf_version(version_id)
    if version is None or version.status != "published":
        return None
    if holds(current, version.version_id, version.watermark):
        return current
    return snapshot_at(store, settings, version, current)


def has_rows(snapshot: CFSnapshot | None) -> bool:
    """Whether `snapshot` holds its users x items rows (a worker's mapped copy does not)."""
    return snapshot is not None and getattr(snapshot.engine, "has_rows", True)


def follow_served(
    store: Store, settings: Settings, current: CFSnapshot | None, version_id: int
) -> CFSnapshot | None:
    """What an API worker serves for published version `version_id`: the version's artifact mapped
    from the host cache (`engine.cf_artifacts`; no training here). None keeps `current`: no such
    row, or its artifact cannot be fetched or does not verify while something is being served (a
    working model is never replaced by nothing). A version without an artifact (an older CT, a
    store without artifact tables), or a broken one with nothing served yet, is rebuilt from the
    event log as before."""
    from src.artifacts import ArtifactError
    from src.engine.cf_artifacts import served_snapshot

    version = store.cf_version(version_id)
    if version is None or version.status != "published":
        return None
    if holds(current, version.version_id, version.watermark):
        return current
    try:
        served = served_snapshot(store, settings, version)
    except (ArtifactError, NotImplementedError, OSError, ValueError, KeyError) as exc:
        log.warning("CF version %s: artifact unusable (%s)", version.label, exc)
        if current is not None:
            return None
        served = None
    if served is not None:
        return served
    return snapshot_at(store, settings, version, current if has_rows(current) else None)


def holds(snapshot: CFSnapshot | None, version_id: int | None, watermark: int | None) -> bool:
    """Whether `snapshot` is that version. The watermark too: a cache left by another database
    (a changed DATABASE_URL) can carry the same small version id."""
    return (
        snapshot is not None
        and version_id is not None
        and version_id_of(snapshot) == version_id
        and snapshot.last_event_id == watermark
    )


def write_cache(settings: Settings, snapshot: CFSnapshot) -> Path:
    """Save `snapshot` as the local cold-start cache (atomic, with a manifest; old ones pruned)."""

    def build(tmp: Path) -> dict[str, Any]:
        snapshot.save(tmp)
        return {
            **snapshot.manifest,
            "cf_version": snapshot.version,
            "library_versions": {"numpy": np.__version__},
        }

    return write_version(cf_dir(settings), build, keep=settings.keep_versions)


def load_cache(settings: Settings) -> CFSnapshot | None:
    """The newest valid local cache, labelled with the store version it holds."""
    found = load_newest_valid(cf_dir(settings), lambda d, m: CFSnapshot.load(d, m, make_engine(settings)))
    if found is None:
        return None
    snapshot, manifest = found
    return dataclasses.replace(snapshot, version=manifest.get("cf_version") or snapshot.version)


def cached_version(settings: Settings) -> tuple[int, int] | None:
    """(version id, watermark) of the newest local cache, without loading it (start-up check)."""
    from src.artifacts import list_versions, read_manifest

    for directory in list_versions(cf_dir(settings)):
        try:
            manifest = read_manifest(directory, verify_checksums=False)
        except Exception:
            continue
        if manifest.get("cf_version_id") is None:
            return None
        return int(manifest["cf_version_id"]), int(manifest["last_event_id"])
    return None


def sync_cache(store: Store, settings: Settings) -> CFSnapshot | None:
    """Start-up (before the workers fork): make the local cache hold the newest published version,
    so every worker starts from it. None when nothing is published yet."""
    latest = store.latest_cf_version()
    if latest is None:
        return None
    if latest.figures.get("artifact"):  # mapped by the workers: fetch it into the host cache only
        served = follow_served(store, settings, None, latest.version_id)
        if served is not None and not has_rows(served):
            log.info("CF version %s in the host cache", served.version)
            return served
    if cached_version(settings) == (latest.version_id, latest.watermark):
        return load_cache(settings)
    snapshot = snapshot_at(store, settings, latest, load_cache(settings))
    write_cache(settings, snapshot)
    log.info("CF version %s cached locally", snapshot.version)
    return snapshot
