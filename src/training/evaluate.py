"""Offline evaluation: the hold-out protocol, ranking metrics, data loaders and a CLI.

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

CLI::

    python -m src.training.evaluate --ratings /path/to/u.data [--format movielens|csv] [--json]
    python -m src.training.evaluate            # the store's own interactions (src.store)

It prints one table (or JSON) with the served engine, the baselines (popularity, EASE λ=250,
item-KNN) and informative user-KNN variants, all measured in the same run on the same split.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix

from src.recommender.base import RecommenderBase
from src.recommender.scores import POSITIVE_THRESHOLD, stars_to_score

__all__ = ["POSITIVE_THRESHOLD", "stars_to_score"]  # re-exported: part of the protocol's API

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


# --- models compared -----------------------------------------------------------------------------
def default_models() -> list[tuple[str, Callable[[], RecommenderBase]]]:
    """(name, factory) of every model in the comparison table; the served engine comes first."""
    from src.recommender.baselines import EASERecommender, ItemKNNRecommender, PopularityRecommender
    from src.recommender.collaborative_filtering import UserCollaborativeRecommender
    from src.recommender.runner_space import RunnerSpaceRecommender

    return [
        ("engine: runner-KNN in item space + EASE (served defaults)", RunnerSpaceRecommender),
        ("top-k user-KNN + EASE blend (the previous engine)", UserCollaborativeRecommender),
        ("user-KNN alone (engine, item_weight=0)", lambda: UserCollaborativeRecommender(item_weight=0.0)),
        ("user-KNN as first described (signed, k=50)", UserCollaborativeRecommender.as_first_described),
        (
            "user-KNN binary positives (k=50)",
            lambda: UserCollaborativeRecommender.as_first_described(binary=True),
        ),
        ("popularity", PopularityRecommender),
        ("item-KNN (cosine, K=100)", lambda: ItemKNNRecommender(K=100)),
        ("EASE (λ=250)", lambda: EASERecommender(l2=250.0)),
        ("EASE (λ by the engine's density rule)", lambda: EASERecommender(l2=None)),
    ]


def evaluate_all(
    user_items: csr_matrix,
    models: Sequence[tuple[str, Callable[[], RecommenderBase]]] | None = None,
    N: int = 10,
    seed: int = DEFAULT_SEED,
    max_users: int | None = None,
    progress: bool = False,
) -> list[dict[str, Any]]:
    """Split once, then evaluate every (name, factory) model on the same split; one dict per model.
    `progress`: report each model's progress on stderr (the CLI)."""
    train, test = split_holdout(user_items, seed=seed)
    rows: list[dict[str, Any]] = []
    for name, factory in models if models is not None else default_models():
        model = factory()
        metrics = evaluate_model(
            model, train, test, N=N, max_users=max_users, progress=name if progress else None
        )
        rows.append({"model": name, **metrics, "params": model.get_params()})
    return rows


# --- loaders -------------------------------------------------------------------------------------
def _index_ids(raw: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(codes, sorted unique ids): numeric ids sorted numerically, others as strings."""
    values = [str(v).strip() for v in raw]
    try:
        as_num = np.array([float(v) for v in values])
        ids: np.ndarray = as_num.astype(np.int64) if np.all(as_num == np.round(as_num)) else as_num
    except ValueError:
        ids = np.array(values, dtype=object)
    uniq, codes = np.unique(ids, return_inverse=True)
    return codes.ravel(), uniq


def build_matrix(
    user_ids: Sequence[Any], item_ids: Sequence[Any], scores: Sequence[float] | np.ndarray
) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """Users x items CSR of summed scores, indexed by ascending raw ids; returns (X, users, items)."""
    ucodes, users = _index_ids(user_ids)
    icodes, items = _index_ids(item_ids)
    X = coo_matrix(
        (np.asarray(scores, dtype=np.float64), (ucodes, icodes)), shape=(len(users), len(items))
    ).tocsr()
    X.sum_duplicates()
    X.sort_indices()
    return X, users, items


def load_ratings(
    path: str | Path, fmt: Literal["movielens", "csv"] = "movielens"
) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """Read star ratings and return (scores CSR, user ids, item ids) with protocol step-1 scores.

    fmt="movielens": tab-separated `user item stars timestamp` without header (`u.data`).
    fmt="csv": comma-separated with header `userId,movieId,rating,timestamp`.
    Repeated (user, item) pairs are summed, like the store does.
    """
    path = Path(path)
    users: list[str] = []
    items: list[str] = []
    stars: list[float] = []
    with path.open(newline="", encoding="utf-8") as fh:
        if fmt == "movielens":
            for line in fh:
                parts = line.split("\t")
                if len(parts) < 3 or not parts[0].strip():
                    continue
                users.append(parts[0])
                items.append(parts[1])
                stars.append(float(parts[2]))
        elif fmt == "csv":
            reader = csv.DictReader(fh)
            missing = {"userId", "movieId", "rating"} - set(reader.fieldnames or [])
            if missing:
                raise ValueError(f"{path}: CSV header lacks {sorted(missing)}")
            for rec in reader:
                users.append(rec["userId"])
                items.append(rec["movieId"])
                stars.append(float(rec["rating"]))
        else:
            raise ValueError(f"unknown ratings format {fmt!r}")
    if not users:
        raise ValueError(f"{path}: no ratings")
    return build_matrix(users, items, stars_to_score(np.array(stars)))


def load_store_interactions() -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """The store's summed (user_id, shoe_id, score) interactions as (CSR, user ids, shoe ids)."""
    from src.store import get_store  # lazy: the store module is optional for offline use

    triples = get_store().interaction_scores()
    if not triples:
        raise ValueError("the store holds no interactions")
    u, i, s = zip(*triples, strict=True)
    return build_matrix(u, i, np.asarray(s, dtype=np.float64))


# --- CLI -----------------------------------------------------------------------------------------
_COLUMNS = ("precision", "recall", "ndcg", "hit_rate", "coverage", "fit_s", "recommend_ms")


def format_table(rows: Sequence[dict[str, Any]], N: int = 10) -> str:
    """Markdown table of `evaluate_all` rows."""
    head = [
        "model",
        *(
            f"{c}@{N}" if c in ("precision", "recall", "ndcg", "hit_rate", "coverage") else c
            for c in _COLUMNS
        ),
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [str(r["model"])]
        for c in _COLUMNS:
            cells.append(f"{r[c]:.2f}" if c in ("fit_s", "recommend_ms") else f"{r[c]:.4f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=Path, help="ratings file; default: the store's interactions")
    parser.add_argument("--format", choices=("movielens", "csv"), default="movielens")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--max-users", type=int, default=None, help="evaluate a deterministic subsample")
    parser.add_argument("-N", type=int, default=10)
    args = parser.parse_args(argv)

    if args.ratings is not None:
        X, users, items = load_ratings(args.ratings, args.format)
        source = str(args.ratings)
    else:
        X, users, items = load_store_interactions()
        source = "store"
    rows = evaluate_all(X, N=args.N, max_users=args.max_users, progress=True)
    if args.json:
        out = {"source": source, "users": len(users), "items": len(items), "nnz": int(X.nnz), "rows": rows}
        print(json.dumps(out, indent=2))
    else:
        print(f"{source}: {len(users)} users x {len(items)} items, {X.nnz} interactions, N={args.N}")
        print(format_table(rows, args.N))
    return 0


if __name__ == "__main__":
    sys.exit(main())
