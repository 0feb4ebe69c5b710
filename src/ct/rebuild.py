"""Continuous training of the collaborative engine: rebuild, gate, publish (in the CT process).

Every `CT_THRESHOLD` changed interactions the store counts one claim (`ct_state.rebuilds_claimed`);
the CT loop (`src.ct.loop`) answers the pending claims with one `rebuild()`:

- **incremental** (the usual case): only the (runner, shoe) pairs with events after the parent
  version's watermark are re-read, as of the new watermark, and patched into their rows in a copy
  of the engine (`Store.pair_scores_changed_between`, `cf_snapshot.with_changed_cells`);
- **full** every `FULL_REBUILD_EVERY`-th rebuild, when there is no version yet, or when the
  catalog changed: the whole event log is replayed as of the watermark.

The candidate is scored under the offline protocol on full rebuilds (`recommender.evaluation`: a fresh
fit on a held-out split of the store's own interactions). For the gate, the candidate and the
serving engine are both scored as they serve, on the very same held-out slice; the candidate is
published only if its NDCG@10 is not worse than the serving engine's by more than
`QUALITY_GATE_TOLERANCE`. Comparing on the same slice (not against the number recorded when the
parent was built, on other data) keeps the gate from refusing forever as the data drift.

Publishing is one row in the store (`cf_versions`, with the claims it answers, in one
transaction): a process killed before that commit leaves nothing behind. API replicas follow the
newest published row (`src.engine.versions`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from src.config import Settings
from src.ct.gate import gate_evaluations, gate_refusal
from src.ct.publish import publish_artifact
from src.engine.snapshots import EngineFactory, make_engine, version_manifest
from src.engine.versions import load_cache, snapshot_at, write_cache
from src.recommender.cf_snapshot import CFSnapshot, matrix_from_triples, with_changed_cells
from src.store import PairDelta, Store, StoreError

log = logging.getLogger(__name__)


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
    arm_snapshots: dict[str, CFSnapshot] = field(default_factory=dict)  # the A/B arms' (src.ct.arms)

    def status(self) -> dict[str, Any]:
        # not asdict(): it would deep-copy the engines
        return {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("snapshot", "arm_snapshots")
        }


class LeadershipLost(RuntimeError):
    """This process no longer holds the CT leadership: it must not publish."""


def rebuild(
    store: Store,
    settings: Settings,
    parent: CFSnapshot | None,
    *,
    claims_through: int,
    force_full: bool = False,
    engine_factory: EngineFactory | None = None,
    still_leader: Callable[[], bool] = lambda: True,
    arm_parents: Mapping[str, CFSnapshot] | None = None,
) -> RebuildResult:
    """Build a candidate from `parent` (the version being served) and the store, gate it, and
    record the outcome in the store together with the claims it answers. Never raises: failures
    come back as outcome=failed (recorded when the store can take it) and publish nothing."""
    factory = engine_factory or (lambda: make_engine(settings))
    started = time.perf_counter()
    mode = "full"
    parent_label = parent.version if parent else None
    try:
        shoe_ids = [s["shoe_id"] for s in store.all_shoes()]
        since_full = int(parent.manifest.get("incremental_since_full", 0)) if parent else 0
        full = (
            force_full
            or parent is None
            or list(parent.shoe_ids) != shoe_ids
            or not getattr(parent.engine, "has_rows", True)  # a worker's mapped copy: no rows to patch
            or since_full + 1 >= settings.full_rebuild_every
        )
        # The newest id with no uncommitted one below it (PostgreSQL waits out the writers in
        # flight) is an exact watermark: the version holds every event at or below it and no
        # other, and any replica can rebuild it from the log.
        watermark = store.newest_event_id()
        user_index: dict[int, int] | None = None  # a full build indexes its users afresh
        delta: PairDelta | None = None
        if full:
            X, users = matrix_from_triples(
                store.scores_as_of(watermark), {s: i for i, s in enumerate(shoe_ids)}
            )
            engine = factory().fit(X)
            since_full = 0
        else:
            assert parent is not None
            mode = "incremental"
            watermark = max(watermark, parent.last_event_id)
            # only the pairs with events since the parent, patched into its rows (none: the
            # claim's events were already in the parent, same matrix, new version)
            delta = store.pair_scores_changed_between(parent.last_event_id, watermark)
            engine, users, user_index = with_changed_cells(parent, delta.scores, delta.reset_users)
            since_full += 1

        candidate = CFSnapshot.create(engine, users, shoe_ids, watermark, user_index=user_index)
        evaluation, candidate_ndcg, parent_ndcg = gate_evaluations(
            candidate, factory, parent, settings.gate_max_users, protocol=full
        )
        if evaluation is None:  # incremental: the last full rebuild's protocol figures still stand
            evaluation = dict(parent.manifest.get("evaluation", {})) if parent else {}
        gate = {"candidate_ndcg": candidate_ndcg, "serving_ndcg": parent_ndcg}
        figures: dict[str, Any] = {
            "evaluation": evaluation,
            "gate": gate,
            "parent_version": parent_label,
            "incremental_since_full": since_full,
            "n_users": int(engine.user_items.shape[0]),
            "n_items": int(engine.user_items.shape[1]),
            "nnz": int(engine.user_items.nnz),
            "engine": type(engine).__name__,
            "engine_params": engine.get_params(),
            "build_seconds": round(time.perf_counter() - started, 4),
        }
        changed = None if delta is None else delta.user_ids
        if changed is not None:
            figures["changed_users"] = len(changed)
        figures["artifact"] = publish_artifact(store, candidate, parent, changed)
        refusal = gate_refusal(candidate_ndcg, parent_ndcg, settings.quality_gate_tolerance)
        if not still_leader():
            raise LeadershipLost("the CT leadership was lost during the rebuild; nothing published")
        if refusal:
            log.warning("CF rebuild refused: %s", refusal)
            refused = store.record_cf_version(
                watermark=watermark,
                status="refused",
                mode=mode,
                claims_through=claims_through,
                figures=figures,
                reason=refusal,
            )
            return RebuildResult(
                "refused",
                mode,
                time.perf_counter() - started,
                version=refused.label,
                evaluation={**evaluation, "gate": gate},
                parent_version=parent_label,
                parent_ndcg=parent_ndcg,
                reason=refusal,
            )
        arm_snapshots: dict[str, CFSnapshot] = {}
        if len(settings.experiment_arms) > 1:
            from src.ct.arms import build_arms

            figures["arms"], arm_snapshots = build_arms(
                store, settings, candidate, parent, arm_parents or {}, delta
            )
            if not still_leader():
                raise LeadershipLost("the CT leadership was lost during the rebuild; nothing published")
        version = store.record_cf_version(
            watermark=watermark, status="published", mode=mode, claims_through=claims_through, figures=figures
        )
        published = CFSnapshot.create(
            engine,
            users,
            shoe_ids,
            watermark,
            version.label,
            {**version_manifest(version, figures["n_users"], figures["n_items"]), "artifact_chain": True},
            candidate.user_index,
        )
        if full:  # the local cold-start cache: rewritten on full rebuilds only (bounded I/O)
            try:
                write_cache(settings, published)
            except OSError:
                log.exception("could not write the local CF cache (the published version stands)")
        log.info("CF version %s published (%s, %.2fs)", version.label, mode, time.perf_counter() - started)
        return RebuildResult(
            "published",
            mode,
            time.perf_counter() - started,
            version=version.label,
            evaluation={**evaluation, "gate": gate},
            parent_version=parent_label,
            parent_ndcg=parent_ndcg,
            snapshot=published,
            arm_snapshots=arm_snapshots,
        )
    except LeadershipLost as exc:
        log.error("%s", exc)
        return RebuildResult(
            "failed", mode, time.perf_counter() - started, parent_version=parent_label, reason=str(exc)
        )
    except Exception as exc:  # a failing rebuild keeps the old version and says why
        log.exception("CF rebuild failed")
        reason = f"{type(exc).__name__}: {exc}"
        record_failure(store, mode, claims_through, reason, parent)
        return RebuildResult(
            "failed", mode, time.perf_counter() - started, parent_version=parent_label, reason=reason
        )


def record_failure(
    store: Store, mode: str, claims_through: int, reason: str, parent: CFSnapshot | None
) -> None:
    """Record a failed rebuild so its claims count as handled (a deterministic failure must not be
    retried forever); when the store itself is down the claims stay pending and are retried."""
    try:
        store.record_cf_version(
            watermark=parent.last_event_id if parent else 0,
            status="failed",
            mode=mode,
            claims_through=claims_through,
            figures={"parent_version": parent.version if parent else None},
            reason=reason[:2000],
        )
    except StoreError as exc:
        log.warning("could not record the failed rebuild (%s); its claims stay pending", exc)


def bootstrap(store: Store, settings: Settings) -> CFSnapshot | None:
    """The first version, when the store has none (call with the CT leadership held)."""
    latest = store.latest_cf_version()
    if latest is not None:
        return snapshot_at(store, settings, latest, load_cache(settings))
    claims = store.ct_poll().rebuilds_claimed
    result = rebuild(store, settings, None, claims_through=claims, force_full=True)
    if result.outcome != "published":
        log.error("could not build the first CF version: %s", result.reason)
    return result.snapshot


def main(argv: list[str] | None = None) -> int:
    """`python -m src.ct.rebuild [--full]`: one gated rebuild from the store, published there
    (CT workflow; waits for the running CT process's leadership). Exit 0 = published,
    3 = refused by the quality gate, 1 = failed."""
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
    from src.store import LeadershipTimeout

    try:
        with store.held_leadership(timeout_s=60):
            latest = store.latest_cf_version()
            parent = snapshot_at(store, settings, latest, load_cache(settings)) if latest else None
            result = rebuild(
                store, settings, parent, claims_through=store.ct_poll().rebuilds_claimed, force_full=args.full
            )
    except LeadershipTimeout:  # the running CT process publishes versions itself: nothing to add
        reason = "a CT process leads continuous training on this store; it publishes the versions"
        print(json.dumps({"outcome": "skipped", "reason": reason}, indent=2))
        return 0
    print(json.dumps(result.status(), indent=2, default=str))
    return {"published": 0, "refused": 3}.get(result.outcome, 1)


if __name__ == "__main__":
    raise SystemExit(main())
