"""Collaborative quality benchmark: the served engine against the baselines on several datasets.

    python bench/cf_quality.py [--quick] [--out bench/results/cf_quality.json]

Every dataset goes through the protocol of `src.recommender.evaluation` (one split, seed 42, top 10;
recall also at 20). Datasets: MovieLens 100K (read from ../shared/datasets/movielens-100k/u.data,
never copied; skipped when absent), its catalog-shaped cut (the 540 most-rated items), the demo runners (`generate_demo_interactions(road, trail,
2000, seed=42)` on the shipped catalogue, scored with the service's rule), and sub-samples of both
at other densities / users per item: 30 % of the users, 40 % (MovieLens) or 50 % (demo) of the
interactions, and 25 % of the demo runners. Models: the engine (`RunnerSpaceRecommender`, served
defaults), the same with T kept whole (no projection), the runner-KNN part alone (item_weight=0),
the previous engine (top-k user-KNN + EASE), popularity, item-KNN (cosine, K=100), and EASE over a
λ grid (100, 250, 500, 1000) and with the density rule for λ.

Also measured on the demo data and the engine:
* exclusion: recommended items the runner already rated, liked or disliked (must be 0);
* stability: 200 runners' top 10 before and after 50 *other* runners each add one like (an
  incremental update, as continuous training does), and after a full rebuild on the same data:
  mean and minimum overlap of the two lists (10 = unchanged);
* update cost: one runner's incremental update vs a full fit, item component on and off.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.cf_bench import machine  # noqa: E402
from src.recommender.base import RecommenderBase  # noqa: E402
from src.recommender.baselines import EASERecommender, ItemKNNRecommender, PopularityRecommender  # noqa: E402
from src.recommender.collaborative_filtering import UserCollaborativeRecommender  # noqa: E402
from src.recommender.evaluation import evaluate_model, split_holdout  # noqa: E402
from src.recommender.runner_space import RunnerSpaceRecommender  # noqa: E402
from src.recommender.scores import POSITIVE_THRESHOLD, score_of  # noqa: E402
from src.training.evaluate import build_matrix, load_ratings  # noqa: E402

ML100K = ROOT.parent.parent / "shared" / "datasets" / "movielens-100k" / "u.data"
ML100K_FALLBACK = Path("/work/shared/datasets/movielens-100k/u.data")
ENGINE = "engine (served)"
KNN_ALONE = "runner-KNN alone"
MODELS: list[tuple[str, Callable[[], RecommenderBase]]] = [
    (ENGINE, RunnerSpaceRecommender),
    ("engine, T unprojected", lambda: RunnerSpaceRecommender(tensor_rank=1 << 30)),
    (KNN_ALONE, lambda: RunnerSpaceRecommender(item_weight=0.0)),
    ("previous engine (top-k user-KNN + EASE)", UserCollaborativeRecommender),
    ("popularity", PopularityRecommender),
    ("item-KNN K=100", lambda: ItemKNNRecommender(K=100)),
    *((f"EASE λ={lam:g}", lambda lam=lam: EASERecommender(l2=lam)) for lam in (100.0, 250.0, 500.0, 1000.0)),
    ("EASE λ by rule", lambda: EASERecommender(l2=None)),
]
CUT_ITEMS = 540  # the catalog's size


# --- datasets ------------------------------------------------------------------------------------
def demo_matrix(n_users: int = 2000, seed: int = 42) -> csr_matrix:
    from src.catalog import load_catalog
    from src.demo_data import generate_demo_interactions

    road = load_catalog(ROOT / "data" / "road_dataset.csv", "road")
    trail = load_catalog(ROOT / "data" / "trail_dataset.csv", "trail")
    events = generate_demo_interactions(road, trail, n_users, seed)
    X, _, _ = build_matrix(
        [e.user_id for e in events],
        [e.shoe_id for e in events],
        [score_of(e.action_type, e.value) for e in events],
    )
    return X


def sample_users(X: csr_matrix, fraction: float, seed: int = 0) -> csr_matrix:
    """A fixed random `fraction` of the users (rows), all their interactions."""
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(X.shape[0], round(fraction * X.shape[0]), replace=False))
    return csr_matrix(X[keep])


def most_rated(X: csr_matrix, n: int) -> csr_matrix:
    """The `n` items with the most stored interactions (ties by index), every user kept."""
    counts = np.diff(X.tocsc().indptr)
    keep = np.sort(np.argsort(-counts, kind="stable")[:n])
    return csr_matrix(X[:, keep])


def sample_interactions(X: csr_matrix, fraction: float, seed: int = 0) -> csr_matrix:
    """Each stored interaction kept with probability `fraction` (lower density, same axes)."""
    C = X.tocoo()
    keep = np.random.default_rng(seed).random(C.nnz) < fraction
    return csr_matrix((C.data[keep], (C.row[keep], C.col[keep])), shape=X.shape)


def datasets(quick: bool) -> dict[str, csr_matrix]:
    out: dict[str, csr_matrix] = {}
    ml_path = ML100K if ML100K.exists() else ML100K_FALLBACK
    if ml_path.exists():
        ml, _, _ = load_ratings(ml_path, "movielens")
        out["MovieLens 100K"] = ml
        out[f"ML-100K, {CUT_ITEMS} most-rated items"] = most_rated(ml, CUT_ITEMS)
        if not quick:
            out["ML-100K, 30 % of users"] = sample_users(ml, 0.3)
            out["ML-100K, 40 % of ratings"] = sample_interactions(ml, 0.4)
    demo = demo_matrix()
    out["demo runners"] = demo
    out["demo, 25 % of runners"] = sample_users(demo, 0.25)
    if not quick:
        out["demo, 50 % of interactions"] = sample_interactions(demo, 0.5)
    return out


def describe(X: csr_matrix) -> dict[str, float]:
    positives = int((X.data > POSITIVE_THRESHOLD).sum())
    return {
        "users": X.shape[0],
        "items": X.shape[1],
        "interactions": int(X.nnz),
        "positives": positives,
        "density": positives / (X.shape[0] * X.shape[1]),
        "positives_per_item": positives / X.shape[1],
    }


# --- measurements --------------------------------------------------------------------------------
def quality(X: csr_matrix) -> list[dict[str, Any]]:
    train, test = split_holdout(X)
    rows = []
    for name, factory in MODELS:
        model = factory()
        res = evaluate_model(model, train, test, N=10, recall_k=20)
        rows.append({"model": name, **res})
    return rows


def exclusion_violations(engine: RecommenderBase, X: csr_matrix, n: int = 20) -> int:
    """Recommended items already stored in the runner's row (liked, rated or disliked)."""
    bad = 0
    for u in range(X.shape[0]):
        ids, _ = engine.recommend(u, X[u], N=n)
        bad += int(np.isin(ids, X[u].indices).sum())
    return bad


def stability(X: csr_matrix, n_watched: int = 200, n_actors: int = 50, seed: int = 3) -> dict[str, float]:
    """Overlap of watched runners' top 10 before/after other runners each add one like."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(X.shape[0])
    watched, actors = order[:n_watched], order[n_watched : n_watched + n_actors]
    engine = RunnerSpaceRecommender().fit(X)
    before = [set(engine.recommend(int(u), X[int(u)], N=10)[0].tolist()) for u in watched]
    rows = X[actors].tolil()
    for r in range(actors.size):
        unseen = np.setdiff1d(np.arange(X.shape[1]), X[int(actors[r])].indices)
        rows[r, int(rng.choice(unseen))] = 1.0
    new_rows = csr_matrix(rows)
    updated = engine.with_updated_rows(actors, new_rows)
    X2 = X.tolil()
    X2[actors] = new_rows
    rebuilt = RunnerSpaceRecommender().fit(csr_matrix(X2))
    out: dict[str, float] = {"watched": float(n_watched), "actors": float(n_actors)}
    for label, eng in (("update", updated), ("rebuild", rebuilt)):
        overlap = np.array(
            [
                len(before[i] & set(eng.recommend(int(u), X[int(u)], N=10)[0].tolist()))
                for i, u in enumerate(watched)
            ]
        )
        out[f"{label}_mean_overlap"] = float(overlap.mean())
        out[f"{label}_min_overlap"] = float(overlap.min())
        out[f"{label}_unchanged_pct"] = float(100.0 * np.mean(overlap == 10))
    return out


def update_cost(X: csr_matrix, repeats: int = 20) -> dict[str, float]:
    """Median ms of a one-runner incremental update and of a full fit, item component on and off."""
    out: dict[str, float] = {}
    user = 0
    row = X[user].tolil()
    row[0, int(np.setdiff1d(np.arange(X.shape[1]), X[user].indices)[0])] = 1.0
    new_row = csr_matrix(row)
    for label, params in (("blend", {}), ("user_knn", {"item_weight": 0.0})):
        fits, updates = [], []
        for _ in range(max(3, repeats // 5)):
            t0 = time.perf_counter()
            eng = RunnerSpaceRecommender(**params).fit(X)  # type: ignore[arg-type]
            fits.append(time.perf_counter() - t0)
        for _ in range(repeats):
            t0 = time.perf_counter()
            eng.with_updated_rows(np.array([user]), new_row)
            updates.append(time.perf_counter() - t0)
        out[f"{label}_fit_ms"] = 1000.0 * float(np.median(fits))
        out[f"{label}_update_ms"] = 1000.0 * float(np.median(updates))
    return out


def wins(rows: list[dict[str, Any]]) -> dict[str, Any]:
    engine = next(r for r in rows if r["model"] == ENGINE)
    others = [r for r in rows if r["model"] not in (ENGINE, KNN_ALONE, "engine, T unprojected")]
    best = max(others, key=lambda r: r["ndcg"])
    ease = [r for r in rows if r["model"].startswith("EASE")]
    return {
        "engine_ndcg": engine["ndcg"],
        "best_baseline": best["model"],
        "best_baseline_ndcg": best["ndcg"],
        "engine_ge_best_baseline": engine["ndcg"] >= best["ndcg"],
        "engine_ge_every_ease": all(engine["ndcg"] >= r["ndcg"] for r in ease),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="collaborative quality benchmark")
    parser.add_argument("--quick", action="store_true", help="MovieLens 100K, demo and one sub-sample")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "cf_quality.json")
    args = parser.parse_args(argv)

    info = machine()
    report: dict[str, Any] = {
        "machine": info,
        "engine": RunnerSpaceRecommender().get_params(),
        "datasets": {},
    }
    for name, X in datasets(args.quick).items():
        rows = quality(X)
        report["datasets"][name] = {"shape": describe(X), "rows": rows, "summary": wins(rows)}
        print(json.dumps({name: report["datasets"][name]["summary"]}), file=sys.stderr, flush=True)
    demo = demo_matrix()
    demo_engine = RunnerSpaceRecommender().fit(demo)
    report["exclusion_violations_demo_top20"] = exclusion_violations(demo_engine, demo)
    report["stability_demo"] = stability(demo)
    report["update_cost_demo"] = update_cost(demo)
    if "MovieLens 100K" in report["datasets"]:
        ml, _, _ = load_ratings(ML100K if ML100K.exists() else ML100K_FALLBACK, "movielens")
        report["update_cost_ml100k"] = update_cost(ml)

    print(f"Machine: {info['platform']} · {info['cpu']} · {info['cores']} cores · Python {info['python']}")
    print("| dataset | users × items | density | model | NDCG@10 | recall@20 | coverage@10 | ms/user |")
    print("|---|---|---|---|---|---|---|---|")
    for name, entry in report["datasets"].items():
        shape = entry["shape"]
        for i, r in enumerate(entry["rows"]):
            head = (
                f"| {name} | {shape['users']:,} × {shape['items']:,} | {shape['density']:.4f} "
                if i == 0
                else "| | | "
            )
            bold = "**" if r["model"] == ENGINE else ""
            print(
                f"{head}| {bold}{r['model']}{bold} | {bold}{r['ndcg']:.4f}{bold} | {r['recall@20']:.4f} | "
                f"{r['coverage']:.4f} | {r['recommend_ms']:.2f} |"
            )
    n_sets = len(report["datasets"])
    n_best = sum(e["summary"]["engine_ge_best_baseline"] for e in report["datasets"].values())
    n_ease = sum(e["summary"]["engine_ge_every_ease"] for e in report["datasets"].values())
    print(f"\nengine >= best baseline on {n_best}/{n_sets} datasets; >= every EASE on {n_ease}/{n_sets}")
    print("exclusion violations (demo, top 20, every runner):", report["exclusion_violations_demo_top20"])
    print("stability (demo):", json.dumps(report["stability_demo"]))
    print("update cost (demo):", json.dumps(report["update_cost_demo"]))
    if "update_cost_ml100k" in report:
        print("update cost (ML-100K):", json.dumps(report["update_cost_ml100k"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
