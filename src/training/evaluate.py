"""Offline evaluation: data loaders, the comparison table of every model, and a CLI.

Every model is measured under the hold-out protocol of `src.recommender.evaluation` (the one the CT
quality gate scores candidates with).

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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix

from src.recommender.base import RecommenderBase
from src.recommender.evaluation import DEFAULT_SEED, evaluate_model, split_holdout
from src.recommender.scores import stars_to_score


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
