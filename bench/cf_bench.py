"""Engine-at-scale benchmarks.

    python bench/cf_bench.py [--users 10000,100000,1000000]           # the shoe-shaped workload
    python bench/cf_bench.py --users 10000000 --out ...shoes_10m.json  # `make bench-cf-10m`
    python bench/cf_bench.py --workload synthetic [--items 1000,10000] [--quick]  # the user-KNN one

**Shoe-shaped workload** (issue 21, the served `RunnerSpaceRecommender`): 540 shoes, Zipf(1.1)
popularity, interactions per runner log-normal (median 14) clipped to 5..60, each a like (+1) or
a 5/4/3/2/1★ rating (+2/+1/+0.1/-1/-2), repeated pairs summed. Per size: the CT fit; the full
artifact (bytes, pack) and a cold start from it (fetch + host-cache write + map); an incremental
version of 50 interactions (CT update + delta pack; the delta's size and what it holds) and a
worker following it (apply the delta to the mapped base, write, map; checksums verified: the first
follow and the median of 5, the application alone, and whether the followed arrays are the CT's
bit for bit); query-after-a-write p50/p99 on the mapped
serving copy (one thread, the runner's row plus one new interaction, top 20 with evidence), beside
a fixed reference job timed before each write (its p50/p99: the machine's own jitter), the queries
preempted (an involuntary context switch) and the steal time reported during them;
top-20 overlap with an exhaustive computation (every runner's exact (q . s_v)^3, no low rank, no
sample, same EASE blend); and, in W worker processes mapping the same host cache, RSS and PSS
per worker and the host's model memory (sum of the workers' PSS growth) vs one copy.

**Synthetic workload** (the previous user-KNN engine, `UserCollaborativeRecommender`):

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
import contextlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from src.recommender.collaborative_filtering import (  # noqa: E402
    UserCollaborativeRecommender,
    blend_scores,
    query_values,
)
from src.recommender.runner_space import RunnerSpaceRecommender  # noqa: E402

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
    parser.add_argument("--workload", choices=("shoes", "synthetic"), default="shoes")
    parser.add_argument(
        "--workers", type=int, default=2, help="shoes: worker processes mapping one host cache"
    )
    parser.add_argument("--users", default="10000,100000,1000000")
    parser.add_argument("--items", default="1000,10000")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="10k and 100k users, 1000 items, 300 requests")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "results" / "cf_bench.json"
    )
    args = parser.parse_args(argv)
    if args.workload == "shoes":
        out = args.out
        if out.name == "cf_bench.json":
            out = out.with_name("cf_bench_shoes.json")
        return shoes_main([int(x) for x in args.users.split(",")], args.requests, args.workers, out)
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


# --- the shoe-shaped workload (issue 21) ---------------------------------------------------------
SHOE_ITEMS = 540
FOLLOW_REPEATS = 5  # follows of the delta timed per size (the first one, and the median, reported)
SHOE_SCORES = np.array([1.0, 2.0, 1.0, 0.1, -1.0, -2.0])  # like, 5★, 4★, 3★, 2★, 1★
SHOE_SCORE_P = np.array([0.35, 0.22, 0.20, 0.10, 0.08, 0.05])


def shoe_workload(n_users: int, seed: int = 0, n_items: int = SHOE_ITEMS) -> csr_matrix:
    rng = np.random.default_rng(seed)
    counts = np.clip(np.round(rng.lognormal(np.log(14.0), 0.55, n_users)), 5, 60).astype(np.int64)
    p = np.arange(1, n_items + 1, dtype=np.float64) ** -1.1
    p /= p.sum()
    draws = np.minimum(np.searchsorted(np.cumsum(p), rng.random(int(counts.sum()))), n_items - 1)
    items = rng.permutation(n_items)[draws].astype(np.int32)
    users = np.repeat(np.arange(n_users, dtype=np.int64), counts)
    scores = SHOE_SCORES[rng.choice(SHOE_SCORES.size, size=users.size, p=SHOE_SCORE_P)]
    X = csr_matrix((scores, (users, items)), shape=(n_users, n_items))
    X.sum_duplicates()
    return X


class MemoryStore:
    """The two artifact calls of a store, in memory (the bench measures the engine, not the DB)."""

    def __init__(self) -> None:
        self.blobs: dict[str, tuple[str, str | None, bytes]] = {}

    def put_cf_artifact(self, artifact_id: str, kind: str, base_id: str | None, blob: bytes) -> None:
        self.blobs.setdefault(artifact_id, (kind, base_id, blob))

    def cf_artifact(self, artifact_id: str) -> object:
        from src.store import CFArtifact

        kind, base, blob = self.blobs[artifact_id]
        return CFArtifact(artifact_id, kind, base, blob)


def exhaustive_top(
    fitted: RunnerSpaceRecommender, S: csr_matrix, A: csr_matrix, row: csr_matrix, n: int
) -> np.ndarray:
    """Top n of the exact model: every runner's (q . s_v)^3 (no basis, no sample), same EASE blend."""
    s = query_values(row.data, "positives", fitted.neutral_weight, fitted.query_dislike_weight)
    q = np.zeros(fitted.n_items)
    nz = s != 0
    q[row.indices[nz]] = (
        s[nz]
        / np.sqrt(np.sum(s[nz] ** 2))
        * np.maximum(fitted._df[row.indices[nz]], 1) ** -fitted.idf_exponent
    )
    sims = S @ q
    knn = (A.T @ (sims**3)) / np.maximum(fitted._df, 1) ** fitted.popularity_damping
    seen = row.indices
    knn[seen] = 0.0
    top = knn.max()
    knn = knn / top if top > 0 else knn
    liked = row.indices[row.data > 0.5]
    if fitted._B is not None and liked.size:
        ease = fitted._B[liked].sum(axis=0)
        ease[seen] = 0.0
        knn = blend_scores(knn, ease, fitted.item_weight)
    cand = np.flatnonzero(knn > 0)
    return cand[np.lexsort((cand, -knn[cand]))][:n]


def after_a_write(X: csr_matrix, u: int, item: int, value: float = 1.0) -> csr_matrix:
    lo, hi = X.indptr[u], X.indptr[u + 1]
    cols, vals = X.indices[lo:hi].astype(np.int64), X.data[lo:hi].copy()
    where = np.searchsorted(cols, item)
    if where < cols.size and cols[where] == item:
        vals[where] += value
    else:
        cols, vals = np.insert(cols, where, item), np.insert(vals, where, value)
    return csr_matrix((vals, cols, np.array([0, cols.size])), shape=(1, X.shape[1]))


REFERENCE_X = np.linspace(0.0, 1.0, SHOE_ITEMS)


def reference_work() -> float:
    """A fixed CPU job of the query's kind (small numpy calls on shoe-sized arrays, ~0.1 ms), timed
    beside every query: it reads nothing of the model, so its p99 against its p50 is the machine's
    own jitter at that moment (a slow or noisy machine inflates both; a slow engine only the query)."""
    x = REFERENCE_X
    for _ in range(10):
        x = np.sort(np.sqrt(x * x + 1.0))[::-1] / 2.0
    return float(x[0])


def involuntary_switches() -> int:
    """This thread's involuntary context switches so far (a query that grows it was preempted)."""
    return resource.getrusage(getattr(resource, "RUSAGE_THREAD", resource.RUSAGE_SELF)).ru_nivcsw


def steal_seconds() -> float:
    """The machine's stolen CPU time so far (all CPUs, /proc/stat), 0.0 where not reported."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


WORKER_SCRIPT = """
import json, os, sys, time
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
sys.path.insert(0, sys.argv[1])
import numpy as np
from scipy.sparse import csr_matrix
from src.engine.cf_artifacts import load_served
def mem():
    out = {}
    for line in open("/proc/self/smaps_rollup"):
        k, _, v = line.partition(":")
        if k in ("Rss", "Pss"):
            out[k] = int(v.split()[0]) / 1024.0
    return out
before = mem()
engine, meta = load_served(__import__("pathlib").Path(sys.argv[2]))
rng = np.random.default_rng(int(sys.argv[3]))
for _ in range(300):
    cols = np.sort(rng.choice(engine.n_items, size=15, replace=False))
    row = csr_matrix((np.ones(15), cols, np.array([0, 15])), shape=(1, engine.n_items))
    engine.recommend_with_evidence(None, row, 20)
after = mem()
print(json.dumps({"before": before, "after": after}), flush=True)
time.sleep(float(sys.argv[4]))
after2 = mem()
print(json.dumps({"settled": after2}), flush=True)
"""


def host_memory(directory: Path, workers: int) -> dict[str, float]:
    """W processes map the same host-cache directory and query it; their RSS / PSS in MiB."""
    import subprocess

    root = str(Path(__file__).resolve().parent.parent)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER_SCRIPT, root, str(directory), str(w), "3"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    reports = []
    for proc in procs:
        first = json.loads(proc.stdout.readline())  # type: ignore[union-attr]
        reports.append(first)
    settled = [json.loads(p.stdout.readline())["settled"] for p in procs]  # type: ignore[union-attr]
    for proc in procs:
        proc.wait()
    model_pss = [s["Pss"] - r["before"]["Pss"] for s, r in zip(settled, reports, strict=True)]
    return {
        "workers": float(workers),
        "rss_per_worker_mb": float(np.mean([s["Rss"] for s in settled])),
        "pss_per_worker_mb": float(np.mean([s["Pss"] for s in settled])),
        "model_rss_per_worker_mb": float(
            np.mean([s["Rss"] - r["before"]["Rss"] for s, r in zip(settled, reports, strict=True)])
        ),
        "host_model_mb": float(np.sum(model_pss)),
    }


def bench_shoes(n_users: int, n_requests: int, workers: int, seed: int = 0) -> dict[str, float]:
    import shutil
    import tempfile

    from src.engine import cf_artifacts
    from src.engine.cf_artifacts import (
        apply_delta,
        artifact_id_of,
        delta_blob,
        full_blob,
        load_served,
        materialise,
        unpack,
    )
    from src.recommender.cf_snapshot import CFSnapshot

    t0 = time.perf_counter()
    X = shoe_workload(n_users, seed)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine = RunnerSpaceRecommender().fit(X)
    fit_s = time.perf_counter() - t0
    fit_rss = peak_rss_mb()
    shoe_ids = [f"S{j:03d}" for j in range(SHOE_ITEMS)]
    users = np.arange(n_users, dtype=np.int64)
    parent = CFSnapshot.create(engine, users, shoe_ids, 0, "v1", {"artifact_chain": True})
    t0 = time.perf_counter()
    blob = full_blob(parent)
    pack_s = time.perf_counter() - t0
    full_id = artifact_id_of(blob)
    store = MemoryStore()
    store.put_cf_artifact(full_id, "full", None, blob)
    tmp = Path(tempfile.mkdtemp(prefix="cf-bench-"))
    from src.config import Settings

    settings = Settings(artifacts_dir=tmp)
    try:
        t0 = time.perf_counter()
        base_dir = materialise(store, settings, full_id)  # type: ignore[arg-type]
        _served, _ = load_served(base_dir)
        cold_s = time.perf_counter() - t0

        # an incremental version: 50 interactions, 45 known runners and 5 new ones
        rng = np.random.default_rng(seed + 1)
        touched = np.sort(rng.choice(n_users, size=45, replace=False))
        rows = []
        for u in touched:
            rows.append(after_a_write(X, int(u), int(rng.integers(SHOE_ITEMS))))
        for _ in range(5):
            cols = np.sort(rng.choice(SHOE_ITEMS, size=1, replace=False))
            rows.append(csr_matrix((np.ones(1), cols, np.array([0, 1])), shape=(1, SHOE_ITEMS)))
        from scipy.sparse import vstack

        positions = np.concatenate([touched, np.arange(n_users, n_users + 5)])
        t0 = time.perf_counter()
        updated = engine.with_updated_rows(positions, csr_matrix(vstack(rows)))
        ct_update_s = time.perf_counter() - t0
        new_ids = np.concatenate([users, np.arange(n_users, n_users + 5)])
        child = CFSnapshot.create(updated, new_ids, shoe_ids, 50, "v2", {"artifact_chain": True})
        t0 = time.perf_counter()
        dblob = delta_blob(parent, child, new_ids[positions].tolist())
        delta_pack_s = time.perf_counter() - t0
        delta_id = artifact_id_of(dblob)
        store.put_cf_artifact(delta_id, "delta", full_id, dblob)
        d_arrays, d_meta = unpack(dblob)
        rows_bytes = sum(
            v.nbytes for k, v in d_arrays.items() if k == "users" or k.startswith(("old_", "new_"))
        )
        item_bytes = sum(v.nbytes for v in d_arrays.values()) - rows_bytes - d_arrays["B"].nbytes
        t0 = time.perf_counter()
        follow_dir = materialise(store, settings, delta_id)  # type: ignore[arg-type]
        followed, _ = load_served(follow_dir)
        follow_s = time.perf_counter() - t0
        follows = [follow_s]
        for _ in range(FOLLOW_REPEATS - 1):  # the same follow again, the host cache emptied of it
            shutil.rmtree(follow_dir)
            t0 = time.perf_counter()
            follow_dir = materialise(store, settings, delta_id)  # type: ignore[arg-type]
            followed, _ = load_served(follow_dir)
            follows.append(time.perf_counter() - t0)
        applies = []
        for _ in range(FOLLOW_REPEATS):  # the delta applied to the mapped base alone (no fetch, no write)
            t0 = time.perf_counter()
            apply_delta(_served, d_arrays, d_meta)
            applies.append(time.perf_counter() - t0)
        mine, theirs = followed.to_arrays()[0], updated.to_arrays()[0]
        identical = all(  # the CT's own numbers, bit for bit (B: its float32 rounding)
            np.ascontiguousarray(mine[k]).tobytes()
            == np.ascontiguousarray(theirs[k], dtype=mine[k].dtype).tobytes()
            for k in RunnerSpaceRecommender.ARRAYS
        )
        cf_artifacts._verified.clear()  # another worker of the host: it verifies what it maps
        t0 = time.perf_counter()
        load_served(follow_dir)  # the host's other workers: map what the first one wrote
        follow_other_s = time.perf_counter() - t0

        # queries after a write, on the mapped serving copy (what a worker runs)
        qrng = np.random.default_rng(seed + 2)
        asked = qrng.choice(n_users, size=min(n_requests, n_users), replace=False)
        lat, cpu, ref = [], [], []
        written = []
        preempted = 0
        steal_before = steal_seconds()
        for u in asked:
            r0 = time.perf_counter()
            reference_work()  # before the write: the write -> query sequence stays as it was
            ref.append(time.perf_counter() - r0)
            row = after_a_write(X, int(u), int(qrng.integers(SHOE_ITEMS)))
            written.append(row)
            switches = involuntary_switches()
            c0, t0 = time.process_time(), time.perf_counter()
            followed.recommend_with_evidence(None, row, 20)
            lat.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            preempted += involuntary_switches() > switches
        steal_s = steal_seconds() - steal_before
        lat_ms = 1000.0 * np.array(lat)
        cpu_ms = 1000.0 * np.array(cpu)  # this process's CPU time: what the load does not inflate
        ref_ms = 1000.0 * np.array(ref)  # the same fixed job every time: the machine's own jitter

        # overlap with the exhaustive computation (the fitted model, exact sum over every runner)
        S = engine._neighbour_rows(engine.user_items)
        A = engine._agg_rows(engine.user_items)
        n_check = 100 if n_users <= 1_000_000 else 30
        overlaps = []
        for u, row in zip(asked[:n_check], written[:n_check], strict=True):
            mine = engine.recommend_with_evidence(int(u), row, 20)[0]
            mine = mine[: int(np.count_nonzero(engine.recommend_with_evidence(int(u), row, 20)[1] > 0))]
            exact = exhaustive_top(engine, S, A, row, 20)
            if exact.size:
                overlaps.append(len(set(mine.tolist()) & set(exact.tolist())) / min(20, exact.size))
        mem = host_memory(follow_dir, workers)
        copy_mb = sum(f.stat().st_size for f in follow_dir.glob("*.npy")) / 2**20
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "users": n_users,
        "items": SHOE_ITEMS,
        "nnz": int(X.nnz),
        "gen_s": gen_s,
        "fit_s": fit_s,
        "fit_peak_rss_mb": fit_rss,
        "artifact_mb": len(blob) / 2**20,
        "pack_s": pack_s,
        "cold_start_s": cold_s,
        "ct_update_ms": 1000.0 * ct_update_s,
        "delta_kb": len(dblob) / 1024,
        "delta_format": int(d_meta.get("delta_format", 1)),
        "delta_item_kb": item_bytes / 1024,  # TR rows, G/L cells, df, pos_sum, pop_order
        "delta_weights_kb": d_arrays["B"].nbytes / 1024,  # the EASE weights
        "delta_rows_kb": rows_bytes / 1024,  # the changed runners' rows (format 1's content)
        "delta_tr_items": int(d_arrays["tr_items"].size) if "tr_items" in d_arrays else -1,
        "delta_cells": int(d_arrays["cells"].size) if "cells" in d_arrays else -1,
        "follow_identical": identical,
        "delta_pack_ms": 1000.0 * delta_pack_s,
        "follow_ms": 1000.0 * follow_s,
        "follow_median_ms": 1000.0 * float(np.median(follows)),
        "follow_apply_median_ms": 1000.0 * float(np.median(applies)),
        "follow_other_worker_ms": 1000.0 * follow_other_s,
        "p50_ms": float(np.percentile(lat_ms, 50)),
        "p99_ms": float(np.percentile(lat_ms, 99)),
        "max_ms": float(lat_ms.max()),
        "cpu_p50_ms": float(np.percentile(cpu_ms, 50)),
        "cpu_p99_ms": float(np.percentile(cpu_ms, 99)),
        "ref_p50_ms": float(np.percentile(ref_ms, 50)),
        "ref_p99_ms": float(np.percentile(ref_ms, 99)),
        "queries_preempted": preempted,
        "steal_s": steal_s,
        "overlap_at_20": float(np.mean(overlaps)) if overlaps else float("nan"),
        "overlap_min": float(np.min(overlaps)) if overlaps else float("nan"),
        "model_copy_mb": copy_mb,
        **mem,
        "host_model_vs_copy": mem["host_model_mb"] / copy_mb if copy_mb else float("nan"),
    }


def shoes_main(sizes: list[int], n_requests: int, workers: int, out: Path) -> int:
    info = machine()
    with contextlib.suppress(OSError):
        info["load_before"] = Path("/proc/loadavg").read_text().split()[:3]
    results = []
    for n_users in sizes:
        res = bench_shoes(n_users, n_requests, workers)
        results.append(res)
        print(json.dumps(res), file=sys.stderr, flush=True)
    with contextlib.suppress(OSError):
        info["load_after"] = Path("/proc/loadavg").read_text().split()[:3]
    print(f"Machine: {info['platform']} · {info['cpu']} · {info['cores']} cores · Python {info['python']}")
    print(f"Load average (1/5/15 min) before {info.get('load_before')}, after {info.get('load_after')}")
    print("Engine:", json.dumps(RunnerSpaceRecommender().get_params()))
    head = ["runners", "nnz", "fit s", "artifact MB", "cold start s", "delta KB (B / items / rows)", "follow ms (median of 5; apply)", "p50 ms",
            "p99 ms", "CPU p99 ms", "reference p50 / p99 ms", "preempted", "overlap@20", "RSS/worker MB",
            "host model MB (copy MB)"]  # fmt: skip
    print("| " + " | ".join(head) + " |")
    print("|" + "---:|" * len(head))
    for r in results:
        print(
            f"| {r['users']:,} | {r['nnz']:,} | {r['fit_s']:.1f} | {r['artifact_mb']:.1f} | {r['cold_start_s']:.2f} | "
            f"{r['delta_kb']:.1f} ({r['delta_weights_kb']:.0f} / {r['delta_item_kb']:.1f} / {r['delta_rows_kb']:.1f}) | {r['follow_ms']:.0f} ({r['follow_median_ms']:.0f}; {r['follow_apply_median_ms']:.1f}) | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['cpu_p99_ms']:.2f} | "
            f"{r['ref_p50_ms']:.2f} / {r['ref_p99_ms']:.2f} | {r['queries_preempted']} | "
            f"{r['overlap_at_20']:.3f} | {r['rss_per_worker_mb']:.0f} | {r['host_model_mb']:.0f} ({r['model_copy_mb']:.0f}) |"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {"machine": info, "params": RunnerSpaceRecommender().get_params(), "results": results}, indent=2
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
