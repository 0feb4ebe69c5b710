"""The quality gate: a candidate is scored against the engine it would replace, as both serve, on
the same held-out slice of a sample of runners (see `src.ct.rebuild` for why the same slice)."""

from __future__ import annotations

from typing import Any

import numpy as np

from src.engine.snapshots import EngineFactory
from src.recommender.cf_snapshot import CFSnapshot
from src.recommender.evaluation import evaluate_model, split_holdout


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
