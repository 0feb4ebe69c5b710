"""A/B arms in the CT process: every arm's engine is built, gated and published with the served one.

For each arm after the first (the served engine, built by `rebuild`), on the same matrix and
watermark as the served candidate:
- the arm's previous snapshot (held by the CT loop) is patched with the same changed pairs, or,
  without one (the first build, a CT restart, a full rebuild of the served engine), the arm's
  engine is fitted on the candidate's matrix;
- the quality gate compares it with the arm's previous snapshot as served, on the same held-out
  slice (the served engine's rule and tolerance); a refused candidate leaves the arm's previous
  artifact in place, and the row says why;
- it is published as an artifact (a delta on the arm's previous one when patched) and named in
  the version row's `figures["arms"]`, which API workers map (`src.serving.feed`): they never fit.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from src.config import Settings
from src.ct.gate import gate_evaluations, gate_refusal
from src.ct.publish import publish_artifact
from src.engine.arms import arm_entries, engine_for_arm
from src.recommender.cf_snapshot import CFSnapshot, with_changed_cells
from src.store import PairDelta, Store

log = logging.getLogger(__name__)


def build_arms(
    store: Store,
    settings: Settings,
    candidate: CFSnapshot,
    parent: CFSnapshot | None,
    arm_parents: Mapping[str, CFSnapshot],
    delta: PairDelta | None,
) -> tuple[dict[str, dict[str, Any]], dict[str, CFSnapshot]]:
    """(the version row's `arms` entries, the arm snapshots the CT loop keeps for the next build)
    for every arm but the served one. `delta` is the served candidate's change since `parent`
    (None on a full rebuild)."""
    previous = arm_entries(parent.manifest) if parent is not None else {}
    entries: dict[str, dict[str, Any]] = {}
    snapshots: dict[str, CFSnapshot] = {}
    for arm in list(settings.experiment_arms)[1:]:

        def factory(arm: str = arm) -> Any:
            return engine_for_arm(settings, arm)

        before = arm_parents.get(arm)
        patched = (
            delta is not None
            and parent is not None
            and before is not None
            and getattr(before.engine, "has_rows", False)
            and before.last_event_id == parent.last_event_id
            and list(before.shoe_ids) == list(candidate.shoe_ids)
        )
        if patched:
            assert before is not None and delta is not None
            engine, users, user_index = with_changed_cells(before, delta.scores, delta.reset_users)
        else:
            engine = factory().fit(candidate.engine.user_items)
            users, user_index = candidate.user_ids, candidate.user_index
        built = CFSnapshot.create(
            engine, users, candidate.shoe_ids, candidate.last_event_id, user_index=user_index
        )
        _, built_ndcg, before_ndcg = gate_evaluations(
            built, factory, before, settings.gate_max_users, protocol=False
        )
        refusal = gate_refusal(built_ndcg, before_ndcg, settings.quality_gate_tolerance)
        gate = {"candidate_ndcg": built_ndcg, "serving_ndcg": before_ndcg}
        if refusal and before is not None and arm in previous:
            log.warning("arm %s: rebuild refused, its previous engine stays: %s", arm, refusal)
            entries[arm] = {**previous[arm], "status": "kept", "gate": gate, "reason": refusal}
            snapshots[arm] = before
            continue
        artifact = publish_artifact(
            store, built, before if patched else None, delta.user_ids if patched and delta else None
        )
        entries[arm] = {"artifact": artifact, "status": "built", "gate": gate, "params": engine.get_params()}
        snapshots[arm] = CFSnapshot.create(
            engine,
            users,
            candidate.shoe_ids,
            candidate.last_event_id,
            manifest={"artifact": artifact, "artifact_chain": True},
            user_index=user_index,
        )
    return entries, snapshots
