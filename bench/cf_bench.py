"""Engine-at-scale benchmark for `UserCollaborativeRecommender`.

    python bench/cf_bench.py [--users 10000,100000,1000000] [--items 1000,10000] [--quick]

Synthetic data: ~20 interactions per user (Poisson, at least 1), item popularity a power law
(p_j ∝ rank^-0.8, the demo data uses 0.7), signed scores drawn from the store's scale
(+2, +1, +0.1, -1, -2, like +1). Per size: fit seconds, engine array bytes, peak RSS, recommend
p50/p99 ms over ~1000 random known users (one thread), and an incremental update of 50
interactions (<= 50 users) vs a full fit. The engine's EASE item component is on up to 4,096
items (so at 1,000 items fit includes the items x items inverse; at 10,000 it is off) and an
update keeps it as fitted. Prints a markdown table and writes bench/results/cf_bench.json.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from src.recommender.collaborative_filtering import UserCollaborativeRecommender  # noqa: E402

SCORES = np.array([2.0, 1.0, 0.1, -1.0, -2.0, 1.0])
SCORE_P = np.array([0.30, 0.25, 0.12, 0.08, 0.05, 0.20])
POWER = 0.8


def synthetic(n_users: int, n_items: int, seed: int = 0, per_user: float = 20.0) -> csr_matrix:
    """Users x items signed scores, generated with vectorised numpy (duplicates summed)."""
    rng = np.random.default_rng(seed)
    counts = np.maximum(rng.poisson(per_user, n_users), 1)
    p = np.arange(1, n_items + 1, dtype=np.float64) ** -POWER
    p /= p.sum()
    items = rng.permutation(n_items)[np.searchsorted(np.cumsum(p), rng.random(int(counts.sum())))]
    items = np.minimum(items, n_items - 1)
    users = np.repeat(np.arange(n_users), counts)
    scores = SCORES[rng.choice(SCORES.size, size=users.size, p=SCORE_P)]
    X = csr_matrix((scores, (users, items)), shape=(n_users, n_items))
    X.sum_duplicates()
    return X


def machine() -> dict[str, object]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def bench_one(n_users: int, n_items: int, n_requests: int, seed: int = 0) -> dict[str, float]:
    t0 = time.perf_counter()
    X = synthetic(n_users, n_items, seed)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine = UserCollaborativeRecommender().fit(X)
    fit_s = time.perf_counter() - t0

    rng = np.random.default_rng(seed + 1)
    users = rng.choice(n_users, size=min(n_requests, n_users), replace=False)
    lat = []
    for u in users:
        row = X[int(u)]
        t0 = time.perf_counter()
        engine.recommend(int(u), row, N=10)
        lat.append(time.perf_counter() - t0)
    lat_ms = 1000.0 * np.array(lat)

    # incremental update: 50 interactions touching <= 50 users (some new)
    touched = rng.choice(n_users, size=45, replace=False)
    new = np.arange(n_users, n_users + 5)
    rows_idx = np.concatenate([touched, new])
    base_rows = X[touched]
    lil = csr_matrix((rows_idx.size, n_items)).tolil()
    lil[: touched.size] = base_rows
    items = rng.integers(0, n_items, size=rows_idx.size)
    for r, i in enumerate(items):
        lil[r, int(i)] = lil[r, int(i)] + 1.0
    new_rows = lil.tocsr()
    t0 = time.perf_counter()
    updated = engine.with_updated_rows(rows_idx, new_rows)
    update_s = time.perf_counter() - t0
    u = int(new[0])
    updated.recommend(u, new_rows[-5], N=10)  # the new user is served by the new engine
    return {
        "users": n_users,
        "items": n_items,
        "nnz": int(X.nnz),
        "gen_s": gen_s,
        "fit_s": fit_s,
        "engine_mb": engine.nbytes() / 2**20,
        "peak_rss_mb": peak_rss_mb(),
        "p50_ms": float(np.percentile(lat_ms, 50)),
        "p99_ms": float(np.percentile(lat_ms, 99)),
        "max_ms": float(lat_ms.max()),
        "update_ms": 1000.0 * update_s,
        "update_vs_fit_pct": 100.0 * update_s / fit_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="collaborative engine benchmark")
    parser.add_argument("--users", default="10000,100000,1000000")
    parser.add_argument("--items", default="1000,10000")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="10k and 100k users, 1000 items, 300 requests")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "results" / "cf_bench.json"
    )
    args = parser.parse_args(argv)
    user_sizes = [10_000, 100_000] if args.quick else [int(x) for x in args.users.split(",")]
    item_sizes = [1000] if args.quick else [int(x) for x in args.items.split(",")]
    n_requests = 300 if args.quick else args.requests

    info = machine()
    results = []
    for n_items in item_sizes:
        for n_users in user_sizes:
            res = bench_one(n_users, n_items, n_requests)
            results.append(res)
            print(json.dumps(res), file=sys.stderr, flush=True)

    print(f"Machine: {info['platform']} · {info['cpu']} · {info['cores']} cores · Python {info['python']}")
    print("Engine defaults:", json.dumps(UserCollaborativeRecommender().get_params()))
    head = [
        "users",
        "items",
        "nnz",
        "fit s",
        "engine MB",
        "peak RSS MB",
        "p50 ms",
        "p99 ms",
        "update ms",
        "update/fit",
    ]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in results:
        print(
            f"| {r['users']:,} | {r['items']:,} | {r['nnz']:,} | {r['fit_s']:.2f} | {r['engine_mb']:.0f} | "
            f"{r['peak_rss_mb']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['update_ms']:.1f} | "
            f"{r['update_vs_fit_pct']:.2f} % |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"machine": info, "params": UserCollaborativeRecommender().get_params(), "results": results},
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
