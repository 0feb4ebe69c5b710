"""The hold-out protocol and the ranking metrics: how a collaborative model is scored, offline
(`python -m src.training.evaluate`, `bench/`) and by the CT quality gate (`src/ct/rebuild.py`) alike.
Pure NumPy/SciPy, next to the models it scores.

The protocol (identical for every model, the served engine included):

1. Stars -> score (`src.recommender.scores.stars_to_score`, the service's rule): >=4.5 -> +2.0;
   >=3.5 -> +1.0; >=2.5 -> +0.1; >=1.5 -> -1.0; else -2.0. The store's own data already holds
   summed like/rating scores and is used as is. A *positive* is a score > 0.5
   (`src.recommender.scores.POSITIVE_THRESHOLD`); only positives are held out and count as hits.
2. Split (`split_holdout`) with one `numpy.random.default_rng(42)` for the whole split: users in
   ascending index order; each user with at least 5 positives (positives taken in ascending item
   index) holds out `max(1, round(0.2 * n))` of them chosen by `rng.choice(n, size, replace=False)`.
   Everything else (non-positive interactions included) is training. Users and items are indexed
   by the ascending order of their raw ids (numeric ids numerically).
3. Every evaluated user is ranked by `model.recommend(userid, train[userid], N=10)`, the model being
   fitted on the whole training matrix.
4. `evaluate_model` reports averages over evaluated users of Precision@N, Recall@N (hits / held-out
   count), NDCG@N (binary relevance, ideal DCG over min(N, held-out count)) and HitRate@N, plus
   catalogue coverage@N (distinct recommended items / n_items), fit seconds and mean recommend
   milliseconds per user; with `recall_k` (e.g. 20) also Recall@recall_k from the same ranking.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.sparse import csr_matrix

from src.recommender.base import RecommenderBase
from src.recommender.scores import POSITIVE_THRESHOLD

MIN_POSITIVES: int = 5
HOLDOUT_FRACTION: float = 0.2
DEFAULT_SEED: int = 42


# --- protocol ------------------------------------------------------------------------------------
def split_holdout(
    user_items: csr_matrix, seed: int = DEFAULT_SEED
) -> tuple[csr_matrix, dict[int, np.ndarray]]:
    """Split a users x items score matrix into (train, test) following step 2 of the protocol.

    `test` maps each evaluated user index to the sorted array of held-out item indices. Every
    stored entry of `user_items` lands in exactly one of train or test (train + test = input).
    """
    X = csr_matrix(user_items, dtype=np.float64, copy=True)
    X.sum_duplicates()
    X.sort_indices()
    rng = np.random.default_rng(seed)
    keep = np.ones(X.nnz, dtype=bool)
    test: dict[int, np.ndarray] = {}
    indptr, indices, data = X.indptr, X.indices, X.data
    for u in range(X.shape[0]):
        lo, hi = indptr[u], indptr[u + 1]
        pos = np.flatnonzero(data[lo:hi] > POSITIVE_THRESHOLD)  # ascending item index (sorted row)
        n = pos.size
        if n < MIN_POSITIVES:
            continue
        size = max(1, round(HOLDOUT_FRACTION * n))
        chosen = pos[rng.choice(n, size, replace=False)]
        keep[lo + chosen] = False
        test[u] = np.sort(indices[lo + chosen]).astype(np.int64)
    rows = np.repeat(np.arange(X.shape[0]), np.diff(indptr))
    train = csr_matrix((data[keep], (rows[keep], indices[keep])), shape=X.shape)
    train.sort_indices()
    return train, test


# --- metrics -------------------------------------------------------------------------------------
def dcg_at_k(ranked: Sequence[int] | np.ndarray, relevant: Iterable[int], k: int = 10) -> float:
    """Binary-relevance DCG of the first k ranked items: sum of 1 / log2(rank + 2) over hits."""
    rel = set(int(i) for i in relevant)
    return float(sum(1.0 / np.log2(r + 2) for r, item in enumerate(list(ranked)[:k]) if int(item) in rel))


def ndcg_at_k(ranked: Sequence[int] | np.ndarray, relevant: Iterable[int], k: int = 10) -> float:
    """DCG over the ideal DCG of min(k, |relevant|) hits at the top (0.0 without relevant items)."""
    rel = set(int(i) for i in relevant)
    if not rel:
        return 0.0
    ideal = float(np.sum(1.0 / np.log2(np.arange(min(k, len(rel))) + 2)))
    return dcg_at_k(ranked, rel, k) / ideal


def ranking_metrics(
    ranked: Sequence[int] | np.ndarray, relevant: Iterable[int], k: int = 10
) -> dict[str, float]:
    """Precision@k (hits / k), Recall@k (hits / |relevant|), NDCG@k and HitRate@k for one user."""
    rel = set(int(i) for i in relevant)
    hits = sum(1 for item in list(ranked)[:k] if int(item) in rel)
    return {
        "precision": hits / k,
        "recall": hits / len(rel) if rel else 0.0,
        "ndcg": ndcg_at_k(ranked, rel, k),
        "hit_rate": 1.0 if hits else 0.0,
    }


def _subsample_users(users: list[int], max_users: int | None) -> list[int]:
    """Deterministic subsample (rng seed 0, sorted) when there are more than max_users users."""
    if max_users is None or len(users) <= max_users:
        return users
    rng = np.random.default_rng(0)
    return sorted(int(u) for u in rng.choice(np.asarray(users), size=max_users, replace=False))


def evaluate_model(
    model: RecommenderBase,
    train: csr_matrix,
    test: dict[int, np.ndarray],
    N: int = 10,
    max_users: int | None = None,
    fit: bool = True,
    recall_k: int | None = None,
    progress: str | None = None,
) -> dict[str, float]:
    """Fit `model` on `train` (unless fit=False) and score its top-N for every user in `test`.

    Returns precision, recall, ndcg, hit_rate (means over evaluated users), coverage (distinct
    recommended items in the top N / n_items), fit_s, recommend_ms (mean per user) and users
    (evaluated count); with `recall_k`, also `recall@{recall_k}` (the model is asked for
    max(N, recall_k) items; the @N metrics use the first N). `max_users` evaluates a
    deterministic subsample of the test users (for big stores). `progress` names the task to
    report progress for on stderr (the CLI; None in the service).
    """
    train = csr_matrix(train)
    fit_s = 0.0
    if fit:
        t0 = time.perf_counter()
        model.fit(train)
        fit_s = time.perf_counter() - t0
    users = _subsample_users(sorted(test), max_users)
    sums = {"precision": 0.0, "recall": 0.0, "ndcg": 0.0, "hit_rate": 0.0}
    extra = f"recall@{recall_k}" if recall_k is not None else None
    if extra is not None:
        sums[extra] = 0.0
    seen_items: set[int] = set()
    rec_s = 0.0
    steps: Iterable[int] = users
    if progress is not None:
        from src.progress import track

        steps = track(users, len(users), f"{progress}: users scored")
    for u in steps:
        row = train[u]
        t0 = time.perf_counter()
        ids, _ = model.recommend(u, row, N=max(N, recall_k or 0))
        rec_s += time.perf_counter() - t0
        seen_items.update(int(i) for i in ids[:N])
        for key, value in ranking_metrics(ids[:N], test[u], N).items():
            sums[key] += value
        if extra is not None and recall_k is not None:
            sums[extra] += ranking_metrics(ids, test[u], recall_k)["recall"]
    n = max(1, len(users))
    result = {key: value / n for key, value in sums.items()}
    result["coverage"] = len(seen_items) / train.shape[1] if train.shape[1] else 0.0
    result["fit_s"] = fit_s
    result["recommend_ms"] = 1000.0 * rec_s / n
    result["users"] = float(len(users))
    return result
