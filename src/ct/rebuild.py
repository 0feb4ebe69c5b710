"""Continuous training of the collaborative engine: rebuild, gate, publish.

Every `CT_THRESHOLD` changed interactions the store hands exactly one request the claim, and that
worker runs `rebuild()` in the background:

- **incremental** (the usual case): only the users with events after the parent snapshot's
  watermark are re-read from the store and their rows replaced in a copy of the engine;
- **full** every `FULL_REBUILD_EVERY`-th rebuild, when there is no snapshot yet, or when the
  catalog changed: the whole interaction table is read again.

The candidate is scored under the offline protocol (`training.evaluate`: a fresh fit on a held-out
split of the store's own interactions; recorded in its manifest). For the gate, the candidate and
the serving engine are both scored as they serve, on the very same held-out slice; the candidate is
published only if its NDCG@10 is not worse than the serving engine's by more than
`QUALITY_GATE_TOLERANCE`. Comparing on the same slice (not against the number recorded
when the parent was built, on other data) keeps the gate from refusing forever as the data drift. Rebuilds are serialised across worker processes by a file lock,
so each starts from the newest published snapshot; publishing is atomic (`artifacts.write_version`).
Every worker polls for a newer version and swaps it in (see `api.feed.FeedService`).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from src.artifacts import newest_version_name, write_version
from src.config import Settings
from src.recommender.cf_snapshot import CFSnapshot, matrix_from_triples
from src.serving.snapshots import EngineFactory, cf_dir, load_snapshot, make_engine
from src.store import Store

log = logging.getLogger(__name__)

STATUS_FILE = "ct_status.json"


@dataclass
class RebuildResult:
    outcome: str  # published | refused | failed | skipped
    mode: str  # full | incremental
    duration_s: float
    version: str | None = None
    evaluation: dict[str, Any] = field(default_factory=dict)
    parent_version: str | None = None
    parent_ndcg: float | None = None
    reason: str | None = None
    finished_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    snapshot: CFSnapshot | None = None

    def status(self) -> dict[str, Any]:
        # not asdict(): it would deep-copy the snapshot's engine
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "snapshot"}


@contextmanager
def rebuild_lock(settings: Settings) -> Iterator[None]:
    """Serialise rebuilds across the worker processes of one host."""
    directory = cf_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".rebuild.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class _AsServed:
    """An engine as it serves (no refit), asked about the candidate's users and training rows.
    A runner's own fitted row is excluded from their neighbours, so neither engine sees the
    positives held out of that runner's row: both are scored fairly on the same slice."""

    def __init__(self, snapshot: CFSnapshot, user_ids: np.ndarray) -> None:
        self.snapshot = snapshot
        self.user_ids = user_ids

    def recommend(
        self, userid: int | None, user_items_row: Any, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray]:
        own = None if userid is None else self.snapshot.user_index.get(int(self.user_ids[userid]))
        return self.snapshot.engine.recommend(own, user_items_row, N=N)


def gate_sample_rows(n_users: int, max_users: int) -> np.ndarray:
    """A deterministic sample of rows to evaluate on, so a gate never walks every user."""
    cap = 4 * max_users  # the split keeps only users with >= 5 positives: sample more than we score
    if n_users <= cap:
        return np.arange(n_users)
    return np.sort(np.random.default_rng(0).choice(n_users, size=cap, replace=False))


def gate_evaluations(
    candidate: CFSnapshot,
    factory: EngineFactory,
    serving: CFSnapshot | None,
    max_users: int = 500,
    *,
    protocol: bool = True,
) -> tuple[dict[str, float | None] | None, float | None, float | None]:
    """(the candidate's protocol evaluation if `protocol`, and the NDCG@10 of the candidate and of
    the serving engine as served, both on the same held-out slice of a sample of runners).

    The protocol evaluation (a fresh fit on the training part of the whole matrix) costs a full
    fit, so continuous training runs it on full rebuilds only; the as-served comparison needs no
    fit and touches only the sampled rows, so incremental updates stay incremental."""
    from src.training.evaluate import evaluate_model, split_holdout  # evaluation only

    X = candidate.engine.user_items
    evaluation: dict[str, float | None] | None = None
    if protocol:
        train_all, test_all = split_holdout(X)
        evaluation = (
            dict(evaluate_model(factory(), train_all, test_all, N=10, max_users=max_users))
            if test_all
            else {"ndcg": None, "users": 0.0}
        )
    rows = gate_sample_rows(X.shape[0], max_users)
    train, test = split_holdout(X[rows])
    if not test:
        return evaluation, None, None

    def served_ndcg(snapshot: CFSnapshot) -> float:
        model = _AsServed(snapshot, candidate.user_ids[rows])
        return float(evaluate_model(model, train, test, N=10, max_users=max_users, fit=False)["ndcg"])  # type: ignore[arg-type]

    comparable = serving is not None and list(serving.shoe_ids) == list(candidate.shoe_ids)
    return evaluation, served_ndcg(candidate), served_ndcg(serving) if comparable else None  # type: ignore[arg-type]


def gate_refusal(candidate_ndcg: float | None, parent_ndcg: float | None, tolerance: float) -> str | None:
    """Why a candidate must not replace its parent, or None when it may."""
    if candidate_ndcg is None or parent_ndcg is None:
        return None  # nothing to compare yet (too few users with enough positives)
    if candidate_ndcg < parent_ndcg - tolerance:
        return (
            f"quality gate: NDCG@10 {candidate_ndcg:.4f} is worse than the serving engine's "
            f"{parent_ndcg:.4f} on the same held-out slice by more than the tolerance {tolerance}"
        )
    return None


def _parent_for_rebuild(settings: Settings, current: CFSnapshot | None) -> CFSnapshot | None:
    """The newest published snapshot: reuse the one in memory when it is the newest on disk."""
    newest = newest_version_name(cf_dir(settings))
    if current is not None and current.version == newest:
        return current
    return load_snapshot(settings)


def rebuild(
    store: Store,
    settings: Settings,
    current: CFSnapshot | None = None,
    *,
    force_full: bool = False,
    engine_factory: EngineFactory | None = None,
) -> RebuildResult:
    """Build, gate and publish a new snapshot. Never raises: failures come back as outcome=failed
    and leave the serving snapshot untouched."""
    factory = engine_factory or (lambda: make_engine(settings))
    started = time.perf_counter()
    mode = "full"
    parent: CFSnapshot | None = None
    try:
        with rebuild_lock(settings):
            parent = _parent_for_rebuild(settings, current)
            shoe_ids = [s["shoe_id"] for s in store.all_shoes()]
            shoe_index = {s: i for i, s in enumerate(shoe_ids)}
            since_full = int(parent.manifest.get("incremental_since_full", 0)) if parent else 0
            full = (
                force_full
                or parent is None
                or list(parent.shoe_ids) != shoe_ids
                or since_full + 1 >= settings.full_rebuild_every
            )
            if full:
                watermark = store.event_watermark()  # read before the rows: they include at least this
                X, users = matrix_from_triples(store.interaction_scores(), shoe_index)
                engine = factory().fit(X)
                since_full = 0
            else:
                assert parent is not None
                mode = "incremental"
                changed = store.changed_users_since(parent.last_event_id)
                if not changed.user_ids:
                    return _finish(
                        settings,
                        RebuildResult(
                            "skipped",
                            mode,
                            time.perf_counter() - started,
                            parent_version=parent.version,
                            reason="no new events",
                        ),
                    )
                known = [u for u in changed.user_ids if u in parent.user_index]
                new = [u for u in changed.user_ids if u not in parent.user_index]
                rows, _ = matrix_from_triples(
                    store.interaction_scores(changed.user_ids), shoe_index, user_ids=known + new
                )
                positions = np.asarray(
                    [parent.user_index[u] for u in known]
                    + list(range(len(parent.user_ids), len(parent.user_ids) + len(new))),
                    dtype=np.int64,
                )
                engine = parent.engine.with_updated_rows(positions, rows)
                users = np.concatenate([parent.user_ids, np.asarray(new, dtype=np.int64)])
                watermark = changed.watermark
                since_full += 1

            candidate = CFSnapshot.create(engine, users, shoe_ids, watermark)
            evaluation, candidate_ndcg, parent_ndcg = gate_evaluations(
                candidate, factory, parent, settings.gate_max_users, protocol=full
            )
            if evaluation is None:  # incremental: the last full rebuild's protocol figures still stand
                evaluation = dict(parent.manifest.get("evaluation", {})) if parent else {}
            gate = {"candidate_ndcg": candidate_ndcg, "serving_ndcg": parent_ndcg}
            refusal = gate_refusal(candidate_ndcg, parent_ndcg, settings.quality_gate_tolerance)
            if refusal:
                log.warning("CF rebuild refused: %s", refusal)
                return _finish(
                    settings,
                    RebuildResult(
                        "refused",
                        mode,
                        time.perf_counter() - started,
                        evaluation={**evaluation, "gate": gate},
                        parent_version=parent.version if parent else None,
                        parent_ndcg=parent_ndcg,
                        reason=refusal,
                    ),
                )

            snapshot = candidate
            manifest = {
                "kind": "cf",
                "mode": mode,
                "parent_version": parent.version if parent else None,
                "incremental_since_full": since_full,
                "last_event_id": int(watermark),
                "n_users": int(engine.user_items.shape[0]),
                "n_items": int(engine.user_items.shape[1]),
                "nnz": int(engine.user_items.nnz),
                "engine": type(engine).__name__,
                "engine_params": engine.get_params(),
                "evaluation": evaluation,
                "gate": gate,
                "build_seconds": round(time.perf_counter() - started, 4),
                "library_versions": {"numpy": np.__version__, "scipy": __import__("scipy").__version__},
            }

            def build(tmp: Path) -> dict[str, Any]:
                snapshot.save(tmp)
                return manifest

            path = write_version(cf_dir(settings), build, keep=settings.keep_versions)
            published = CFSnapshot.create(
                engine, users, shoe_ids, watermark, path.name, {**manifest, "version": path.name}
            )
            log.info("CF snapshot %s published (%s, %.2fs)", path.name, mode, time.perf_counter() - started)
            compact_event_log(store, int(watermark))
            return _finish(
                settings,
                RebuildResult(
                    "published",
                    mode,
                    time.perf_counter() - started,
                    version=path.name,
                    evaluation={**evaluation, "gate": gate},
                    parent_version=parent.version if parent else None,
                    parent_ndcg=parent_ndcg,
                    snapshot=published,
                ),
            )
    except Exception as exc:  # a failing rebuild keeps the old engine and says why
        log.exception("CF rebuild failed")
        return _finish(
            settings,
            RebuildResult(
                "failed",
                mode,
                time.perf_counter() - started,
                parent_version=parent.version if parent else None,
                reason=f"{type(exc).__name__}: {exc}",
            ),
        )


def compact_event_log(store: Store, watermark: int) -> None:
    """After a publish: the new version covers every event up to its watermark, so superseded ones
    can go (Store.compact_events). A failure only leaves the log longer; never fails the rebuild."""
    try:
        removed = store.compact_events(watermark)
    except Exception as exc:
        log.warning("event-log compaction skipped: %s", exc)
        return
    if removed:
        log.info("event log compacted through %d: %d superseded events removed", watermark, removed)


def _finish(settings: Settings, result: RebuildResult) -> RebuildResult:
    write_status(settings, result.status())
    return result


def write_status(settings: Settings, status: dict[str, Any]) -> None:
    """The last rebuild's outcome, shared by every worker's /health (atomic replace)."""
    directory = cf_dir(settings)
    tmp = directory / f".{STATUS_FILE}.{os.getpid()}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(status, default=str))
        os.replace(tmp, directory / STATUS_FILE)
    except OSError as exc:  # a full disk must not turn a reported failure into a crash
        log.warning("could not write the rebuild status: %s", exc)
        tmp.unlink(missing_ok=True)


_status_cache: dict[Path, tuple[tuple[int, int], dict[str, Any] | None]] = {}


def read_status(settings: Settings) -> dict[str, Any] | None:
    """The last rebuild's status; re-read only when the file changed (/health calls this a lot)."""
    path = cf_dir(settings) / STATUS_FILE
    try:
        st = path.stat()
        stamp = (st.st_ino, st.st_mtime_ns)  # every write replaces the file: a new inode
        cached = _status_cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        status = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    _status_cache[path] = (stamp, status)
    return status


def ensure_snapshot(store: Store, settings: Settings) -> CFSnapshot | None:
    """Start-up: the newest valid snapshot, or a fresh full build when there is none."""
    snapshot = load_snapshot(settings)
    catalog = [s["shoe_id"] for s in store.all_shoes()]
    if snapshot is not None and list(snapshot.shoe_ids) == catalog:
        return snapshot
    if snapshot is not None:  # built for another catalog: its columns would mean other shoes
        log.warning("CF snapshot %s does not match the catalog; rebuilding it", snapshot.version)
    result = rebuild(store, settings, None, force_full=True)
    if result.outcome != "published":
        log.error("could not build the first CF snapshot: %s", result.reason)
    return result.snapshot


def main(argv: list[str] | None = None) -> int:
    """`python -m src.ct.rebuild [--full]`: one gated rebuild from the store (CT workflow).
    Exit 0 = published (or nothing new), 3 = refused by the quality gate, 1 = failed."""
    import argparse

    from src.config import get_settings
    from src.store import create_store

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--full", action="store_true", help="reload the whole interaction table")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    store = create_store(settings)
    store.init()
    result = rebuild(store, settings, None, force_full=args.full)
    print(json.dumps(result.status(), indent=2, default=str))
    return {"published": 0, "skipped": 0, "refused": 3}.get(result.outcome, 1)


if __name__ == "__main__":
    raise SystemExit(main())
