"""Delta artifacts carry the item-level result of an incremental version (format 2): a worker
following one only assigns the CT's own numbers (no per-runner math, no inverse) and ends up with
the CT's engine, arrays bit for bit and rankings identical; deltas of format 1 (the changed rows
only, from a CT of the previous release) are still followed, and a chain mixing both too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from src.artifacts import ArtifactError
from src.config import Settings
from src.engine import cf_artifacts
from src.engine.cf_artifacts import (
    DELTA_FORMAT,
    apply_delta,
    load_served,
    materialise,
    pack,
    publish_version_artifact,
    unpack,
)
from src.recommender import runner_space
from src.recommender.cf_snapshot import CFSnapshot
from src.recommender.runner_space import RunnerSpaceRecommender
from src.store import CFArtifact

N_ITEMS = 120  # above tensor_rank: T is projected, as at the real catalog's 540-628 shoes
SCALE = np.array([1.0, 2.0, 1.0, 0.1, -1.0, -2.0])  # like, 5-1 stars
SCALE_P = np.array([0.35, 0.22, 0.20, 0.10, 0.08, 0.05])


class MemoryStore:
    """The two artifact calls of a store, in memory."""

    def __init__(self) -> None:
        self.blobs: dict[str, CFArtifact] = {}

    def put_cf_artifact(self, artifact_id: str, kind: str, base_id: str | None, blob: bytes) -> None:
        self.blobs.setdefault(artifact_id, CFArtifact(artifact_id, kind, base_id, blob))

    def cf_artifact(self, artifact_id: str) -> CFArtifact | None:
        return self.blobs.get(artifact_id)


def workload(n_users: int, seed: int = 0) -> csr_matrix:
    rng = np.random.default_rng(seed)
    counts = rng.integers(3, 25, n_users)
    p = np.arange(1, N_ITEMS + 1, dtype=np.float64) ** -1.1
    p /= p.sum()
    items = rng.permutation(N_ITEMS)[
        np.minimum(np.searchsorted(np.cumsum(p), rng.random(counts.sum())), N_ITEMS - 1)
    ]
    users = np.repeat(np.arange(n_users), counts)
    X = csr_matrix((SCALE[rng.choice(SCALE.size, users.size, p=SCALE_P)], (users, items)), (n_users, N_ITEMS))
    X.sum_duplicates()
    return X


def changed_rows(
    X: csr_matrix, seed: int, n_known: int = 45, n_new: int = 5
) -> tuple[np.ndarray, csr_matrix]:
    """~50 interactions: one more score for `n_known` runners (one of them forgets everything),
    and `n_new` new runners with one or two."""
    rng = np.random.default_rng(seed)
    n_users = X.shape[0]
    known = np.sort(rng.choice(n_users, n_known, replace=False))
    rows = X[known].tolil()
    for r in range(n_known):
        j = int(rng.integers(N_ITEMS))
        rows[r, j] = rows[r, j] + SCALE[rng.choice(SCALE.size, p=SCALE_P)]
    rows[0, :] = 0  # a forget
    new = np.zeros((n_new, N_ITEMS))
    for r in range(n_new):
        new[r, rng.choice(N_ITEMS, 1 + r % 2, replace=False)] = 1.0
    users = np.concatenate([known, np.arange(n_users, n_users + n_new)])
    return users, csr_matrix(np.vstack([rows.toarray(), new]))


class Chain:
    """The CT's side (its engines, publishing each version like `src/ct/rebuild.py` does) and a
    worker's host cache, both over one in-memory store."""

    def __init__(self, tmp_path: Path, X: csr_matrix, **params: Any) -> None:
        self.store = MemoryStore()
        self.settings = Settings(artifacts_dir=tmp_path / "worker-host")
        self.shoe_ids = [f"S{j:03d}" for j in range(N_ITEMS)]
        engine = RunnerSpaceRecommender(**params).fit(X)
        self.ct = self._publish(engine, None, None)

    def _publish(self, engine: RunnerSpaceRecommender, parent: CFSnapshot | None, changed: Any) -> CFSnapshot:
        users = np.arange(engine.n_users, dtype=np.int64)
        snapshot = CFSnapshot.create(engine, users, self.shoe_ids, 0, "v", {"artifact_chain": True})
        artifact = publish_version_artifact(self.store, snapshot, parent, changed)  # type: ignore[arg-type]
        assert artifact is not None
        snapshot.manifest["artifact"] = artifact
        return snapshot

    def step(self, seed: int) -> dict[str, Any]:
        """One incremental version of the CT (`with_updated_rows`), published as a delta."""
        users, rows = changed_rows(self.ct.engine.user_items, seed)
        updated = self.ct.engine.with_updated_rows(users, rows)
        self.ct = self._publish(updated, self.ct, users.tolist())
        artifact: dict[str, Any] = self.ct.manifest["artifact"]
        return artifact

    def follow(self) -> RunnerSpaceRecommender:
        """What a worker serves for the CT's newest version: materialised and mapped."""
        engine, _ = load_served(materialise(self.store, self.settings, self.ct.manifest["artifact"]["id"]))  # type: ignore[arg-type]
        return engine


def bits(arr: np.ndarray) -> bytes:
    return np.ascontiguousarray(arr).tobytes()


def assert_identical(worker: RunnerSpaceRecommender, ct: RunnerSpaceRecommender) -> None:
    """The worker's arrays are the CT's, bit for bit (B as the delta carries it: float32)."""
    mine, _ = worker.to_arrays()
    theirs, meta = ct.to_arrays()
    for name in ("V", "R", "TR", "G", "L", "df", "pos_sum", "pop_order"):
        assert mine[name].dtype == theirs[name].dtype, name
        assert bits(mine[name]) == bits(theirs[name]), name
    # B: the CT's float64 from a full artifact, its float32 rounding from a delta (as before)
    assert bits(mine["B"]) == bits(np.asarray(theirs["B"], dtype=mine["B"].dtype))
    assert (worker.n_users, worker.fitted_item_l2, worker.sample_rate) == (
        meta["n_users"],
        meta["fitted_item_l2"],
        meta["sample_rate"],
    )


def assert_same_rankings(worker: RunnerSpaceRecommender, ct: RunnerSpaceRecommender, n: int = 300) -> None:
    X = ct.user_items
    rng = np.random.default_rng(7)
    for u in rng.choice(X.shape[0], min(n, X.shape[0]), replace=False):
        lo, hi = X.indptr[u], X.indptr[u + 1]
        cols, vals = X.indices[lo:hi].astype(np.int64), X.data[lo:hi]
        mine = worker.recommend_scores(None, cols, vals, 20)  # a worker knows no runner rows
        theirs = ct.recommend_scores(None, cols, vals, 20)
        np.testing.assert_array_equal(mine[0], theirs[0])
        # scores are rounded to 1e-6; a delta's B is the CT's rounded to float32 (as before)
        np.testing.assert_allclose(mine[1], theirs[1], rtol=0, atol=2e-6)
        for a, b in zip(mine[2:], theirs[2:], strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("tensor_runners", [100_000, 1_000], ids=["every-runner", "sampled"])
def test_a_worker_following_deltas_holds_the_ct_engine_bit_for_bit(
    tmp_path: Path, tensor_runners: int
) -> None:
    chain = Chain(tmp_path, workload(3_000), tensor_runners=tensor_runners)
    assert_identical(chain.follow(), chain.ct.engine)
    for seed in (1, 2, 3):  # a chain of three deltas, each applied to the one before
        artifact = chain.step(seed)
        assert artifact["kind"] == "delta"
        arrays, meta = unpack(chain.store.blobs[artifact["id"]].blob)
        assert meta["delta_format"] == DELTA_FORMAT == 2
        assert 0 < arrays["tr_items"].size < N_ITEMS and arrays["cells"].size < N_ITEMS**2 / 4
        worker = chain.follow()
        assert not worker.has_rows
        assert_identical(worker, chain.ct.engine)
    assert_same_rankings(worker, chain.ct.engine)


def test_a_catalog_with_shoes_nobody_likes_yet_is_followed(tmp_path: Path) -> None:
    """The popularity order lists only shoes with a positive sum, so it can be shorter than the
    catalog (a small or new deployment): a delta carrying it must still be followed."""
    X = workload(400, seed=5).tolil()
    X[:, N_ITEMS - 40 :] = -1.0 * (X[:, N_ITEMS - 40 :] != 0).toarray()  # 40 shoes only disliked
    chain = Chain(tmp_path, csr_matrix(X))
    assert chain.ct.engine._pop_order.size < N_ITEMS
    chain.follow()
    chain.step(1)
    assert_identical(chain.follow(), chain.ct.engine)


def test_the_worker_path_does_no_per_runner_math_and_no_inverse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = Chain(tmp_path, workload(2_000))
    chain.follow()  # the worker holds the base
    chain.step(1)  # the CT's build: the per-runner math happens here, once

    def forbidden(*_: Any, **__: Any) -> Any:
        raise AssertionError("a worker did the CT's work")

    for name in (
        "_tensor_rows",
        "_tensor_terms",
        "_co_counts",
        "_co_likes",
        "_co_any",
        "_item_stats",
        "with_row_terms",
        "fit",
    ):
        monkeypatch.setattr(RunnerSpaceRecommender, name, forbidden)
    for name in ("cube_sums", "cubic_features", "item_sums", "project_rows"):
        monkeypatch.setattr(runner_space, name, forbidden)
    monkeypatch.setattr(np.linalg, "inv", forbidden)
    monkeypatch.setattr(np.linalg, "eigh", forbidden)
    worker = chain.follow()
    monkeypatch.undo()
    assert_identical(worker, chain.ct.engine)


def format_1(blob: bytes) -> bytes:
    """The blob as the previous release's CT packed it: the changed rows and B, no format."""
    arrays, meta = unpack(blob)
    rows = {k: v for k, v in arrays.items() if k == "users" or k == "B" or k.startswith(("old_", "new_"))}
    return pack(rows, {k: meta[k] for k in ("kind", "n_new_users", "n_items", "shoe_ids")})


def test_a_format_1_delta_is_still_followed_and_a_chain_can_mix_formats(tmp_path: Path) -> None:
    chain = Chain(tmp_path, workload(3_000))
    chain.follow()
    artifact = chain.step(1)
    old = format_1(chain.store.blobs[artifact["id"]].blob)  # an older CT published it
    old_id = cf_artifacts.artifact_id_of(old)
    chain.store.put_cf_artifact(old_id, "delta", artifact["base"], old)
    chain.ct.manifest["artifact"] = {**artifact, "id": old_id}
    worker = chain.follow()  # the rows' terms, as before
    ct = chain.ct.engine
    for name in ("G", "L", "df", "pop_order"):
        np.testing.assert_array_equal(worker.to_arrays()[0][name], ct.to_arrays()[0][name])
    np.testing.assert_allclose(worker._TR, ct._TR, rtol=0, atol=1e-6 * float(np.abs(ct._TR).max()))
    np.testing.assert_allclose(worker._pos_sum, ct._pos_sum, rtol=1e-12)
    assert_same_rankings(worker, ct)

    chain.step(2)  # the CT upgraded: a format-2 delta on the format-1 one
    worker = chain.follow()
    mine, theirs = worker.to_arrays()[0], chain.ct.engine.to_arrays()[0]
    for name in ("G", "L", "df", "pos_sum", "pop_order", "B"):
        assert bits(mine[name]) == bits(np.asarray(theirs[name], dtype=mine[name].dtype)), name
    changed = unpack(chain.store.blobs[chain.ct.manifest["artifact"]["id"]].blob)[0]["tr_items"]
    assert bits(worker._TR[changed]) == bits(chain.ct.engine._TR[changed])  # the CT's rows where they changed
    assert_same_rankings(worker, chain.ct.engine)


def test_a_worker_of_the_previous_release_follows_a_format_2_delta(tmp_path: Path) -> None:
    # format 2 keeps the rows: code that knows only format 1 (no "delta_format" read) follows it
    chain = Chain(tmp_path, workload(2_000))
    base = chain.follow()
    artifact = chain.step(1)
    arrays, meta = unpack(chain.store.blobs[artifact["id"]].blob)
    legacy = apply_delta(base, arrays, {k: v for k, v in meta.items() if k != "delta_format"})
    current = apply_delta(base, arrays, meta)
    np.testing.assert_array_equal(legacy._G, current._G)
    np.testing.assert_allclose(legacy._TR, current._TR, rtol=0, atol=1e-6 * float(np.abs(current._TR).max()))
    assert_same_rankings(legacy, chain.ct.engine, n=100)


def test_a_delta_of_an_unknown_format_is_refused(tmp_path: Path) -> None:
    chain = Chain(tmp_path, workload(1_000))
    chain.follow()
    artifact = chain.step(1)
    arrays, meta = unpack(chain.store.blobs[artifact["id"]].blob)
    newer = pack(arrays, {**meta, "delta_format": DELTA_FORMAT + 1})
    newer_id = cf_artifacts.artifact_id_of(newer)
    chain.store.put_cf_artifact(newer_id, "delta", artifact["base"], newer)
    with pytest.raises(ArtifactError, match="delta format 3"):
        materialise(chain.store, chain.settings, newer_id)  # type: ignore[arg-type]


def test_a_version_that_is_not_an_incremental_build_is_published_whole(tmp_path: Path) -> None:
    chain = Chain(tmp_path, workload(1_000))
    users, rows = changed_rows(chain.ct.engine.user_items, 1)
    refit = chain.ct.engine.with_updated_rows(users, rows)
    refit = RunnerSpaceRecommender().fit(refit.user_items)  # another basis: a delta cannot say it
    snapshot = CFSnapshot.create(refit, np.arange(refit.n_users), chain.shoe_ids, 0, "v", {})
    artifact = publish_version_artifact(chain.store, snapshot, chain.ct, users.tolist())  # type: ignore[arg-type]
    assert artifact is not None and artifact["kind"] == "full" and artifact["base"] is None


def test_delta_sizes_at_the_real_catalog_stay_small(tmp_path: Path) -> None:
    chain = Chain(tmp_path, workload(2_000))
    artifact = chain.step(1)
    arrays, _ = unpack(chain.store.blobs[artifact["id"]].blob)
    item_level = sum(v.nbytes for k, v in arrays.items() if k != "B")
    # the touched items' rows of TR (k = 64 floats each), the changed cells, three per-item vectors
    assert item_level < 64 * 4 * N_ITEMS + 20 * 2_000 + 3 * 8 * N_ITEMS + 10_000
    assert artifact["bytes"] < arrays["B"].nbytes + item_level + 10_000
