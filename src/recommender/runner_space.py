"""Runner-KNN aggregated in item space: a query costs the same whatever the number of runners.

(Over 400 lines on purpose: one model class, the math it alone uses and its serving arrays; the
update and the fit must keep the same sums, which is easier to check side by side.)

Every runner v is a neighbour, weighted by a sharpened similarity to the requesting runner:

    knn_j = sum_v sim(q, v)^3 * a_vj / max(df_j, 1)^popularity_damping

with q and s_v the query and neighbour vectors of `UserCollaborativeRecommender` (steps 1-2 of its
docstring: binary positives, weak positives at `neutral_weight`, own dislikes at
-`query_dislike_weight`, query IDF df^-idf_exponent, neighbour rows / ||s_v||^norm_exponent) and
a_vj the aggregation value (+1 positive, -negative_weight dislike). The cube keeps what top-k
selection and sim^2 did in the served user-KNN (the most similar runners dominate) while staying a
polynomial in q, so the sum over runners can be taken once, at fit time:

    sim(q, v) ~= p . z_v,  p = V^T q,  z_v = V^T s_v   (V: items x r, the top-r eigenvectors of
                                                         W S^T S W, W = diag(max(df, 1)^-1/4))
    (p . z_v)^3 = sum over a <= b <= c of mult(a, b, c) p_a p_b p_c * z_va z_vb z_vc
    knn = T phi(p),  T[j, m] = sum_v z_va z_vb z_vc a_vj   (items x r(r+1)(r+2)/6)

T is items x monomials (r = 32: 540 x 5,984, 13 MB), but its rows are close to a low-rank subspace:
at a full build T is projected onto its top `tensor_rank` right singular vectors R (monomials x k,
k = 64 keeps 99.2 % of T's energy and the NDCG of the unprojected T, docs/cf_engine.md), and only
TR = T R (items x k) and R are kept. A query is then phi -> R^T phi -> TR (R^T phi), a ninth of the
items x monomials mat-vec, flat in runners; T R is a sum over runners, so a changed runner
updates it exactly (remove the old row's projected term, add the new one) in the fixed basis R.
T is summed over a fixed hash sample of at most `tensor_runners` runners (all of them below that):
the blend divides each component by its maximum, so the sample's scale does not matter, and at
10^5 sampled runners every shoe column holds enough of them (see docs/cf_engine.md).

The item component is EASE (Steck 2019) on the positives' co-like counts G = P^T P (an exact
items x items sum over runners too); the final score blends both like the user-KNN engine does
(`blend_scores`, item_weight = 0.75). G also gives each item's evidence: the runner's liked shoe i
sharing the most likes with it ("liked by G[i, j] of the G[i, i] runners who liked i").

Every fitted statistic is a sum over runners (T R, G, df, positive sums), so `with_updated_rows`
equals a fit on the updated matrix except for the bases V and R and the hash sample rate, which
stay those of the last full build (V is exact whatever the data when rank >= the number of items); the
EASE weights are re-inverted from the updated G (one items x items inverse). That update runs once,
in the CT process; serving workers apply its item-level result (`item_delta`, `with_item_delta`:
the changed rows of TR and cells of G and L, assigned). Measured
alternatives and figures: docs/cf_engine.md.
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple, Self

import numpy as np
from scipy.sparse import csr_matrix, vstack

from src.recommender.base import RecommenderBase, as_row, as_user_items, binary_positives, top_positive
from src.recommender.collaborative_filtering import (
    Mode,
    aggregation_values,
    blend_scores,
    check_blend,
    item_l2_for_density,
    liked_rows_sum,
    popularity_order,
    query_values,
    row_norms,
    similarity_values,
    user_hash,
)
from src.recommender.scores import POSITIVE_THRESHOLD

_HASH_SPAN = float(1 << 32)
ITEM_L2_FLOOR: float = 250.0  # the density rule's λ, never below this (see docs/cf_engine.md)
SMALL_UPDATE_ROWS = 2048  # below this many rows, T's terms are summed per row (an update)
NOISE_FLOOR = 1e-5  # share of max_j |TR_j| |y| under which a runner-KNN score is rounding
TENSOR_CHUNK = 4096  # entries per block of T's sum (its pairs, 4096 x r(r+1)/2 float32, are 8.7 MB)
CUBE_BLOCK = 16  # values of a per gemm in `cube_sums` (measured: 8 and 32 are slower)
CO_COUNT_ROWS = 1 << 15  # rows per block of `item_sums` (~2M pairs on the shoe workload, 16 MB, one buffer)


@functools.lru_cache(maxsize=8)
def monomials(rank: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, c, multiplicity) of every a <= b <= c < rank: (x . y)^3 = sum mult x_a x_b x_c y_a y_b y_c.
    Cached: the arrays are shared and read-only."""
    a, b, c = (m.ravel() for m in np.meshgrid(*(np.arange(rank),) * 3, indexing="ij"))
    keep = (a <= b) & (b <= c)
    a, b, c = a[keep], b[keep], c[keep]
    distinct = 1 + (a != b).astype(np.int64) + (b != c).astype(np.int64)
    mult = np.where(distinct == 3, 6.0, np.where(distinct == 2, 3.0, 1.0))
    out = (a.astype(np.intp), b.astype(np.intp), c.astype(np.intp), mult)
    for arr in out:
        arr.flags.writeable = False
    return out


_MULTIPLICITIES = np.array([1.0, 3.0, 6.0])  # of a monomial with 1, 2 or 3 distinct factors


@functools.lru_cache(maxsize=8)
def monomial_gathers(rank: int) -> tuple[np.ndarray, np.ndarray]:
    """Per monomial of `monomials(rank)`: the flat index of p_a p_b in p ⊗ p and of mult p_c in
    p ⊗ (1, 3, 6), so a query's features are two gathers (`cubic_query`). Cached, read-only."""
    a, b, c, mult = monomials(rank)
    ab = a * rank + b
    cm = c * _MULTIPLICITIES.size + np.searchsorted(_MULTIPLICITIES, mult)
    for arr in (ab, cm):
        arr.flags.writeable = False
    return ab, cm


def cubic_query(p: np.ndarray) -> np.ndarray:
    """phi(p): mult(a, b, c) p_a p_b p_c per monomial (float32), gathered from the outer products
    p ⊗ p and p ⊗ (1, 3, 6): two gathers where one per factor took three, and no multiply by mult."""
    ab, cm = monomial_gathers(p.size)
    out: np.ndarray = np.multiply.outer(p, p).ravel().take(ab)
    out *= np.multiply.outer(p, _MULTIPLICITIES).ravel().take(cm)
    return out.astype(np.float32)


def cubic_features(Z: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Z[:, a] * Z[:, b] * Z[:, c] per row (float32)."""
    Z = np.asarray(Z, dtype=np.float32)
    out: np.ndarray = Z[:, a] * Z[:, b]
    out *= Z[:, c]
    return out


def replaced_rows(X: csr_matrix, users: np.ndarray, rows: csr_matrix, n_users: int) -> csr_matrix:
    """X (grown to n_users rows) with the rows of sorted distinct `users` replaced by `rows`, in one
    copy of the arrays: the unchanged stretches between changed rows are copied as blocks."""
    rows = csr_matrix(rows)
    lengths = np.zeros(n_users, dtype=np.int64)
    lengths[: X.shape[0]] = np.diff(X.indptr)
    lengths[users] = np.diff(rows.indptr)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    data_parts: list[np.ndarray] = []
    index_parts: list[np.ndarray] = []
    prev = 0  # first row of the current unchanged stretch
    for k, u in enumerate(users.tolist()):
        stop = min(u, X.shape[0])
        if stop > prev:
            lo, hi = int(X.indptr[prev]), int(X.indptr[stop])
            data_parts.append(X.data[lo:hi])
            index_parts.append(X.indices[lo:hi])
        lo, hi = int(rows.indptr[k]), int(rows.indptr[k + 1])
        data_parts.append(rows.data[lo:hi])
        index_parts.append(rows.indices[lo:hi].astype(X.indices.dtype))
        prev = max(prev, u + 1)
    if prev < X.shape[0]:
        lo = int(X.indptr[prev])
        data_parts.append(X.data[lo:])
        index_parts.append(X.indices[lo:])
    data = np.concatenate(data_parts) if data_parts else np.zeros(0)
    indices = np.concatenate(index_parts) if index_parts else np.zeros(0, dtype=np.int32)
    merged = csr_matrix((data, indices, indptr), shape=(n_users, X.shape[1]))
    merged.sort_indices()
    return merged


@functools.lru_cache(maxsize=8)
def cube_layout(rank: int, block: int) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], np.ndarray]:
    """(b, c) of every pair b <= c (by b, then c), where each block of `block` values of a starts
    in that list (its first pair with b >= the block's first a), and where each monomial of
    `monomials(rank)` sits in the concatenated, flattened block products of `cube_sums`."""
    a, b, c, _ = monomials(rank)
    pair_b, pair_c = np.triu_indices(rank)
    firsts = tuple(range(0, rank, block))
    starts = tuple(int(np.searchsorted(pair_b, f)) for f in firsts)
    sizes = [min(block, rank - f) * (pair_b.size - s) for f, s in zip(firsts, starts, strict=True)]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    pair_index = np.zeros((rank, rank), dtype=np.intp)
    pair_index[pair_b, pair_c] = np.arange(pair_b.size)
    k = a // block
    start = np.asarray(starts, dtype=np.intp)[k]
    where = offsets[k] + (a - k * block) * (pair_b.size - start) + pair_index[b, c] - start
    out = (pair_b.astype(np.intp), pair_c.astype(np.intp), starts, where.astype(np.intp))
    for arr in (out[0], out[1], out[3]):
        arr.flags.writeable = False
    return out


def cube_sums(Z: np.ndarray, w: np.ndarray, block: int = CUBE_BLOCK) -> np.ndarray:
    """sum_v w_v Z_va Z_vb Z_vc for every monomial a <= b <= c of `monomials` (float64 out, float32
    products): the pairs Z_vb Z_vc, b <= c, are formed once (r(r+1)/2 columns, not r^2) and each
    block of `block` values of a is one gemm against only the pairs with b >= a, so about a
    quarter of the full cube's r^3 multiply-adds per row."""
    Zt = np.ascontiguousarray(np.asarray(Z, dtype=np.float32).T)  # r x n: rows are contiguous
    r, n = Zt.shape
    pair_b, _, starts, where = cube_layout(r, block)
    pairs = np.empty((pair_b.size, n), dtype=np.float32)
    at = 0
    for b in range(r):  # row b times rows b..r-1: long contiguous products, no gather
        np.multiply(Zt[b], Zt[b:], out=pairs[at : at + r - b])
        at += r - b
    Zw = Zt * np.asarray(w, dtype=np.float32)
    parts = [
        (Zw[first : first + block] @ pairs[start:].T).ravel()
        for first, start in zip(range(0, r, block), starts, strict=True)
    ]
    return np.concatenate(parts)[where].astype(np.float64)


class ItemDelta(NamedTuple):
    """An incremental version's serving arrays as changes to its parent's (`item_delta`): the
    version's own numbers wherever they differ, so applying it (`with_item_delta`) is a few
    assignments, with no per-runner math and no inverse."""

    n_users: int
    fitted_item_l2: float | None
    tr_items: np.ndarray  # int64: the items whose row of TR differs from the parent's
    tr_rows: np.ndarray  # float32, tr_items x k: those rows of TR
    cells: np.ndarray  # int64: flat indices i * n_items + j of the entries of G or L that differ
    g_cells: np.ndarray  # float64: G at those cells
    l_cells: np.ndarray  # float64: L at those cells
    df: np.ndarray  # int64, per item (whole: 8 bytes a shoe)
    pos_sum: np.ndarray  # float64, per item
    pop_order: np.ndarray  # int64, the items by popularity
    B: np.ndarray  # the EASE weights (float32; empty: none)


def _differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise: whether the bits of a and b differ (so -0.0 and 0.0 do, NaNs of one pattern do not)."""
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    kind = {4: np.uint32, 8: np.uint64}[a.dtype.itemsize]
    return np.asarray(a.view(kind) != b.view(kind))


def _identical(a: np.ndarray, b: np.ndarray) -> bool:
    return a is b or (a.shape == b.shape and a.dtype == b.dtype and not _differs(a, b).any())


class ItemSums(NamedTuple):
    """The per-item sums over runners a full fit takes from the users x items rows."""

    G: np.ndarray  # items x items: runners with a score > POSITIVE_THRESHOLD on both (diagonal: df)
    L: np.ndarray  # items x items: runners with a score > 0 on both
    df: np.ndarray  # per item: runners with a score > POSITIVE_THRESHOLD on it (int64)
    pos_sum: np.ndarray  # per item: the sum of its scores > 0


def item_sums(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_items: int, chunk_rows: int = CO_COUNT_ROWS
) -> ItemSums:
    """G, L, df and pos_sum of a canonical CSR's arrays (sorted, distinct columns per row, as
    `as_user_items` makes them) in one pass over its entries: G and L (float64) are the counts of
    the sparse product [P W]^T [P W] (`RunnerSpaceRecommender._co_counts`), df and pos_sum those
    of `_item_stats` (pos_sum summed by row blocks: equal up to float rounding).

    G and L are one histogram of each row's column pairs i < j: a pair's bin is (type, i, j),
    with type = how many of the two scores are positives (0-2), and the bins are in
    upper-triangle order so (i, j) -> f(i) + j and the pair's bin is a sum of one number per
    entry. Rows are handled by blocks of `chunk_rows` and, inside a block, by row length: with a
    length-k group laid out k x rows, entry i's pairs are one contiguous add of line i to lines
    i+1..k-1. No temporary grows with the rows."""
    n = int(n_items)
    n_tri = n * (n - 1) // 2
    col = np.arange(n, dtype=np.int64)
    row_base = col * n - col * (col + 1) // 2 - col - 1  # bin of (i, j), i < j: row_base[i] + j
    tri = np.zeros(3 * n_tri, dtype=np.int64)
    diag = np.zeros(2 * n, dtype=np.int64)  # per item: rows with a weak positive on it, then positives
    pos_sum = np.zeros(n)
    buffer = np.zeros(0, dtype=np.int64)
    n_rows = indptr.size - 1
    for r0 in range(0, n_rows, chunk_rows):
        r1 = min(n_rows, r0 + chunk_rows)
        lo, hi = int(indptr[r0]), int(indptr[r1])
        scores = data[lo:hi]
        keep = scores > 0
        cols, kept = indices[lo:hi][keep].astype(np.int64), scores[keep]
        liked = (kept > POSITIVE_THRESHOLD).astype(np.int64)
        diag += np.bincount(cols + liked * n, minlength=2 * n)
        pos_sum += np.bincount(cols, weights=kept, minlength=n)
        bounds = indptr[r0 : r1 + 1] - lo  # the rows' kept entries start where they did, less the
        starts = bounds - np.searchsorted(np.flatnonzero(~keep), bounds)  # dropped before them
        lengths = np.diff(starts)
        first = liked * n_tri + row_base[cols]
        second = liked * n_tri + cols
        order = np.argsort(lengths, kind="stable")
        by_length = lengths[order]
        edges = np.flatnonzero(np.diff(by_length)) + 1
        total = int((lengths * (lengths - 1) // 2).sum())
        if buffer.size < total:  # reused: a fresh block of this size would be page-faulted again
            buffer = np.empty(total, dtype=np.int64)
        pairs = buffer[:total]
        at = 0
        for rows in np.split(order, edges):
            k = int(lengths[rows[0]])
            if k < 2:
                continue
            entries = starts[rows] + np.arange(k)[:, None]  # k x rows: long contiguous lines
            left, right = first[entries], second[entries]
            for i in range(k - 1):  # entry i with entries i+1..k-1 of every row of the group
                out = pairs[at : at + (k - 1 - i) * rows.size].reshape(k - 1 - i, rows.size)
                np.add(left[i], right[i + 1 :], out=out)
                at += out.size
        tri += np.bincount(pairs, minlength=3 * n_tri)
    upper = np.zeros((3, n, n))
    upper[(slice(None), *np.triu_indices(n, 1))] = tri.reshape(3, n_tri)
    G = upper[2] + upper[2].T
    L = upper.sum(axis=0)
    L += L.T
    G[np.diag_indices(n)] = diag[n:]
    L[np.diag_indices(n)] = diag[:n] + diag[n:]
    return ItemSums(G, L, diag[n:].copy(), pos_sum)


def project_rows(T: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(R, T R) for the top-k right singular vectors R of T (items x columns), both float32; with
    k >= the number of items nothing is gained, and (an empty R, T itself) says "not projected"
    (then every later update is exact, whatever its direction).

    From the eigenvectors U of the small Gram matrix T T^T (items x items): R = T^T U / sigma, so
    T R = U sigma (directions without energy are left out). Signs are fixed (the largest entry of
    each column of U positive) so every platform builds the same R."""
    T = np.asarray(T, dtype=np.float64)
    n_items, n_cols = T.shape
    if n_items <= k or n_cols <= k:
        return np.zeros((0, 0), np.float32), T.astype(np.float32)
    vals, vecs = np.linalg.eigh(T @ T.T)
    order = np.argsort(vals)[::-1]
    keep = order[vals[order] > vals[order[0]] * 1e-12][:k] if vals[order[0]] > 0 else order[:0]
    U = vecs[:, keep]
    U = U * np.where(U[np.abs(U).argmax(axis=0), np.arange(U.shape[1])] < 0, -1.0, 1.0)
    sigma = np.sqrt(vals[keep])
    R = (T.T @ U) / sigma
    return R.astype(np.float32), (U * sigma).astype(np.float32)


class RunnerSpaceRecommender(RecommenderBase):
    """Runner-KNN (every runner a neighbour, similarity cubed, low-rank) + EASE, in item space.

    Parameters (defaults = what the service uses; evidence in docs/cf_engine.md):
        rank: dimensions of the similarity basis V (32; T has rank(rank+1)(rank+2)/6 columns).
        item_weight: share of EASE in the blend (0.75).
        idf_exponent, norm_exponent, popularity_damping, neutral_weight, negative_weight,
        query_dislike_weight: as in `UserCollaborativeRecommender`.
        item_l2: EASE's λ; None = max(`item_l2_for_density`, ITEM_L2_FLOOR).
        tensor_runners: at most this many runners (a fixed hash sample) are summed into T (100,000).
        tensor_rank: T is kept projected on its top this-many right singular vectors (64; exact
            whenever it is at least the number of items).
    """

    def __init__(
        self,
        rank: int = 32,
        item_weight: float = 0.75,
        idf_exponent: float = 0.5,
        norm_exponent: float = 1.5,
        popularity_damping: float = 0.2,
        neutral_weight: float = 0.35,
        negative_weight: float = 0.25,
        query_dislike_weight: float = 0.25,
        item_l2: float | None = None,
        tensor_runners: int = 100_000,
        tensor_rank: int = 64,
    ) -> None:
        if rank < 1 or tensor_runners < 1 or tensor_rank < 1:
            raise ValueError("rank, tensor_runners and tensor_rank must be >= 1")
        check_blend(item_weight, item_l2)
        self.rank = int(rank)
        self.item_weight = float(item_weight)
        self.idf_exponent = float(idf_exponent)
        self.norm_exponent = float(norm_exponent)
        self.popularity_damping = float(popularity_damping)
        self.neutral_weight = float(neutral_weight)
        self.negative_weight = float(negative_weight)
        self.query_dislike_weight = float(query_dislike_weight)
        self.item_l2 = None if item_l2 is None else float(item_l2)
        self.tensor_runners = int(tensor_runners)
        self.tensor_rank = int(tensor_rank)
        self.similarity: Mode = "positives"
        self.n_users = 0
        self.n_items = 0
        self.fitted_item_l2: float | None = None
        self.sample_rate = 1.0
        self._X: csr_matrix | None = None
        self._V = np.zeros((0, 0))  # items x r basis
        self._R = np.zeros((0, 0), dtype=np.float32)  # monomials x k: T's right singular basis
        self._TR = np.zeros((0, 0), dtype=np.float32)  # items x k: T projected on R
        self._row_scale = 0.0  # max_j |TR_j| (the noise floor's scale), computed once per TR
        self._G = np.zeros((0, 0))  # co-like counts (positives), items x items
        self._L = np.zeros((0, 0))  # co-counts of any score > 0 (the similar-shoes index)
        self._B: np.ndarray | None = None  # EASE weights
        self._df = np.zeros(0, dtype=np.int64)
        self._pos_sum = np.zeros(0)
        self._pop_order = np.zeros(0, dtype=np.int64)
        self._terms: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def get_params(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "item_weight": self.item_weight,
            "idf_exponent": self.idf_exponent,
            "norm_exponent": self.norm_exponent,
            "popularity_damping": self.popularity_damping,
            "neutral_weight": self.neutral_weight,
            "negative_weight": self.negative_weight,
            "query_dislike_weight": self.query_dislike_weight,
            "item_l2": self.item_l2,
            "tensor_runners": self.tensor_runners,
            "tensor_rank": self.tensor_rank,
        }

    # --- per-row values --------------------------------------------------------------------------
    def _neighbour_rows(self, X: csr_matrix) -> csr_matrix:
        """s_v / ||s_v||^norm_exponent per row (similarity values of the stored scores)."""
        s = similarity_values(X.data, "positives", self.neutral_weight)
        norms = row_norms(X.indptr, s)
        scale = np.where(norms > 0, norms, 1.0) ** self.norm_exponent
        S = csr_matrix((s / np.repeat(scale, np.diff(X.indptr)), X.indices, X.indptr), shape=X.shape)
        return S

    def _agg_rows(self, X: csr_matrix) -> csr_matrix:
        a = aggregation_values(X.data, "positives", self.negative_weight)
        return csr_matrix((a, X.indices, X.indptr), shape=X.shape)

    def _sampled(self, users: np.ndarray) -> np.ndarray:
        """Which user indices are summed into T (a fixed hash sample at `sample_rate`)."""
        if self.sample_rate >= 1.0:
            return np.ones(np.asarray(users).size, dtype=bool)
        limit = np.uint64(min(int(self.sample_rate * _HASH_SPAN), (1 << 32) - 1))
        return user_hash(np.asarray(users, dtype=np.int64)) < limit

    def _tensor_terms(self, X: csr_matrix) -> np.ndarray:
        """sum over the rows of X of a_v ⊗ cubic(z_v): items x monomials (float64)."""
        out = np.zeros((self.n_items, monomials(self._V.shape[1])[0].size))
        items, values = self._tensor_rows(X)
        out[items] = values
        return out

    def _tensor_rows(self, X: csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """(items, their rows of sum over the rows of X of a_v ⊗ cubic(z_v)): only the items X
        touches (an update's cost follows the changed rows, not items x monomials).

        Per item j, the cube sum_v a_vj z_v ⊗ z_v ⊗ z_v is a few gemms (`cube_sums`), about r^3 / 4
        per entry instead of the items x monomials a dense chunk product would cost (T's fit is
        1 % dense in the shoes)."""
        r = self._V.shape[1]
        a, b, c, _ = monomials(r)
        if X.nnz == 0 or r == 0:
            return np.zeros(0, np.int64), np.zeros((0, a.size))
        Z = np.asarray(self._neighbour_rows(X) @ self._V, dtype=np.float32)
        C = self._agg_rows(X).tocsc()
        C.eliminate_zeros()
        if X.shape[0] <= SMALL_UPDATE_ROWS:  # an update: each row's monomials, then A^T F
            items = np.flatnonzero(np.diff(C.indptr))
            F = cubic_features(Z, a, b, c)
            return items.astype(np.int64), C[:, items].toarray().T.astype(np.float32) @ F
        items = np.flatnonzero(np.diff(C.indptr))
        out = np.zeros((items.size, a.size))
        for k, j in enumerate(items):
            lo, hi = int(C.indptr[j]), int(C.indptr[j + 1])
            for start in range(lo, hi, TENSOR_CHUNK):
                stop = min(hi, start + TENSOR_CHUNK)
                out[k] += cube_sums(Z[C.indices[start:stop]], C.data[start:stop].astype(np.float32))
        return items.astype(np.int64), out

    @staticmethod
    def _co_likes(X: csr_matrix) -> np.ndarray:
        P = binary_positives(X)
        return np.asarray((P.T @ P).toarray(), dtype=np.float64)

    @staticmethod
    def _co_any(X: csr_matrix) -> np.ndarray:
        """Runners with a score > 0 on both shoes (what the similar-shoes index calls liked)."""
        P = csr_matrix(((X.data > 0).astype(np.float64), X.indices.copy(), X.indptr.copy()), shape=X.shape)
        P.eliminate_zeros()
        return np.asarray((P.T @ P).toarray(), dtype=np.float64)

    @staticmethod
    def _co_counts(X: csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """(`_co_likes`, `_co_any`) from one sparse product: positives and weak positives
        (0 < x <= 0.5) as two column blocks, [P W]^T [P W] holds P^T P and the cross terms."""
        n = X.shape[1]
        keep = X.data > 0
        cols = np.where(X.data > POSITIVE_THRESHOLD, X.indices, X.indices + n)[keep]
        kept = np.concatenate([[0], np.cumsum(keep)])[X.indptr]  # the CSR built directly: no sort
        M = csr_matrix((np.ones(cols.size), cols, kept), shape=(X.shape[0], 2 * n))
        gram = np.asarray((M.T @ M).toarray(), dtype=np.float64)
        G = gram[:n, :n].copy()
        return G, G + gram[:n, n:] + gram[n:, :n] + gram[n:, n:]

    def liked_together(self) -> np.ndarray:
        """items x items: runners with a score > 0 on both shoes (diagonal: on the shoe)."""
        return np.asarray(self._L)

    @staticmethod
    def _item_stats(X: csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        n = X.shape[1]
        df = np.bincount(X.indices[X.data > POSITIVE_THRESHOLD], minlength=n).astype(np.int64)
        pos_sum = np.bincount(X.indices, weights=np.maximum(X.data, 0.0), minlength=n)
        return df, pos_sum

    # --- fitting ---------------------------------------------------------------------------------
    def fit(self, user_items: csr_matrix) -> Self:
        """Fit on a users x items CSR of signed scores (copied; duplicates summed)."""
        X = as_user_items(user_items)
        self.n_users, self.n_items = X.shape
        self._X = X
        self._G, self._L, self._df, self._pos_sum = item_sums(X.indptr, X.indices, X.data, self.n_items)
        self._pop_order = popularity_order(self._pos_sum)
        # T's runners: a fixed hash sample of at most `tensor_runners` (all of them below that); the
        # basis V is fitted on the same sample (its Gram matrix is the fit's costliest product)
        self.sample_rate = min(1.0, self.tensor_runners / max(self.n_users, 1))
        sampled = self._sampled(np.arange(self.n_users))
        X_s = X if sampled.all() else X[np.flatnonzero(sampled)]
        S = self._neighbour_rows(X_s)
        w = np.maximum(self._df, 1).astype(np.float64) ** -0.25
        gram = np.asarray((S.T @ S).toarray()) * np.outer(w, w)
        r = min(self.rank, self.n_items)
        _, vecs = np.linalg.eigh(gram) if self.n_items else (None, np.zeros((0, 0)))
        V = np.ascontiguousarray(vecs[:, ::-1][:, :r]) if self.n_items else np.zeros((0, r))
        if V.size:  # a fixed sign per vector (eigh's is arbitrary across BLAS builds)
            V = V * np.where(V[np.abs(V).argmax(axis=0), np.arange(r)] < 0, -1.0, 1.0)
        self._V = V
        self._set_tensor(*project_rows(self._tensor_terms(X_s), self.tensor_rank))
        self._fit_item_weights()
        return self

    def _set_tensor(self, R: np.ndarray, TR: np.ndarray) -> None:
        self._R, self._TR = R, TR
        self._terms = None  # every build ends here: the per-query factors follow its sums
        self._row_scale = (
            float(np.sqrt((np.asarray(TR, dtype=np.float64) ** 2).sum(axis=1).max())) if TR.size else 0.0
        )

    def _fit_item_weights(self, invert: bool = True) -> None:
        self._B, self.fitted_item_l2 = None, None
        positives = float(np.trace(self._G))
        if self.item_weight <= 0 or positives <= 0:
            return
        density = positives / (max(self.n_users, 1) * max(self.n_items, 1))
        rule = max(item_l2_for_density(density), ITEM_L2_FLOOR)
        l2 = self.item_l2 if self.item_l2 is not None else rule
        if not invert:
            self.fitted_item_l2 = l2
            return
        G = self._G.copy()
        G[np.diag_indices_from(G)] += l2
        P = np.linalg.inv(G)
        B = -P / np.diag(P)
        np.fill_diagonal(B, 0.0)
        self._B, self.fitted_item_l2 = B, l2

    def _require_fit(self) -> None:
        if self._X is None and self._V.size == 0:
            raise RuntimeError("the recommender is not fitted")

    @property
    def has_rows(self) -> bool:
        """Whether the users x items rows are held (fitted here; not a copy mapped from arrays)."""
        return self._X is not None

    @property
    def user_items(self) -> csr_matrix:
        if self._X is None:
            raise RuntimeError("the recommender is not fitted")
        return self._X

    def user_rows(self, users: np.ndarray) -> csr_matrix:
        return csr_matrix(self.user_items[np.asarray(users, dtype=np.int64)])

    # --- recommending ----------------------------------------------------------------------------
    def _serving_terms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query IDF, popularity damping divisor, diag G): per-item factors every query uses,
        computed once per engine instead of per request (an engine's sums never change after it is
        built: an update makes a new engine)."""
        if self._terms is None:
            df = np.maximum(self._df, 1).astype(np.float64)
            idf = df**-self.idf_exponent if self.idf_exponent else np.ones_like(df)
            damping = df**self.popularity_damping if self.popularity_damping else np.ones_like(df)
            self._terms = (idf, damping, np.diag(self._G).astype(np.float64))
        return self._terms

    def _query(self, cols: np.ndarray, vals: np.ndarray) -> np.ndarray | None:
        """p = V^T q for this row (None when it has no similarity input)."""
        s = query_values(vals, "positives", self.neutral_weight, self.query_dislike_weight)
        nz = np.flatnonzero(s)
        if nz.size == 0:
            return None
        s, cols = s[nz], cols[nz]
        q = s / math.sqrt(float(s @ s))
        if self.idf_exponent:
            q *= self._serving_terms()[0][cols]
        return np.asarray(q @ self._V[cols])

    def knn_scores(self, userid: int | None, user_items_row: csr_matrix) -> np.ndarray:
        """The runner-KNN component per item (before removing seen items and blending)."""
        self._require_fit()
        row = as_row(user_items_row, self.n_items)
        return self._knn(userid, row.indices.astype(np.int64), row.data)

    def _knn(self, userid: int | None, cols: np.ndarray, vals: np.ndarray) -> np.ndarray:
        p = self._query(cols, vals)
        if p is None or not p.any():
            return np.zeros(self.n_items)
        damping = self._serving_terms()[1]
        phi = cubic_query(p)
        y = phi @ self._R if self._R.size else phi
        scores = np.asarray(self._TR @ y, dtype=np.float64)
        # float32 rounding (of R above all) leaves ~1e-7 of the scale where the exact sum is 0 (no
        # runner sharing anything with this one likes the shoe): below 1e-5 of it, a score is 0
        floor = NOISE_FLOOR * self._row_scale * math.sqrt(float(y @ y))
        scores[np.abs(scores) < floor] = 0.0
        X = self._X
        if userid is not None and X is not None and self._sampled(np.array([userid]))[0]:
            lo, hi = int(X.indptr[userid]), int(X.indptr[userid + 1])  # not their own neighbour
            if hi > lo:
                own_cols, own_vals = X.indices[lo:hi], X.data[lo:hi]
                s = similarity_values(own_vals, "positives", self.neutral_weight)
                norm = float(np.sqrt(np.sum(s * s)))
                z = (s / (norm if norm > 0 else 1.0) ** self.norm_exponent) @ self._V[own_cols]
                agg = aggregation_values(own_vals, "positives", self.negative_weight)
                scores[own_cols] -= float(p @ z) ** 3 * agg
        if self.popularity_damping:
            scores /= damping
        return scores

    def recommend_with_evidence(
        self, userid: int | None, user_items_row: csr_matrix, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(ids, scores, liked_by, out_of, anchor): the served ranking and, per collaborative item,
        the runner's liked shoe `anchor` sharing the largest share of its likers with it, liked by
        `out_of` runners of whom `liked_by` also liked the item (liked_by 0 and anchor -1 when no
        liked shoe shares a liker with it; -1 everywhere for popularity backfill)."""
        self._require_fit()
        row = as_row(user_items_row, self.n_items)
        return self.recommend_scores(userid, row.indices.astype(np.int64), row.data, N)

    def recommend_scores(
        self, userid: int | None, cols: np.ndarray, vals: np.ndarray, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """`recommend_with_evidence` for a row given as its sorted, distinct item indices `cols`
        (int64) and their scores `vals`: the serving path, which builds no sparse matrix."""
        self._require_fit()
        if userid is not None and not 0 <= int(userid) < self.n_users:
            raise IndexError(f"userid {userid} outside the fitted users (0..{self.n_users - 1})")
        seen = cols
        liked = cols[vals > POSITIVE_THRESHOLD]
        ids = np.zeros(0, np.int64)
        scores = np.zeros(0)
        if N > 0 and self.n_items:
            knn = self._knn(userid, cols, vals)
            knn[seen] = 0.0
            if self._B is not None and self.item_weight > 0 and liked.size:
                ease = liked_rows_sum(self._B, liked)
                ease[seen] = 0.0
                item_scores = blend_scores(knn, ease, self.item_weight)
            else:
                top = float(knn.max())
                item_scores = knn / top if top > 0 else knn
            # T R is float32 and summed in another order when updated than when fitted: rounding to
            # 1e-6 of the best score keeps equal scores equal (ties by index) on every replica
            item_scores = np.round(item_scores, 6, out=item_scores)
            ids = top_positive(item_scores, N)
            scores = item_scores[ids]
        liked_by = np.zeros(ids.size, np.int64)  # 0: ranked without a co-like to name
        out_of = np.zeros(ids.size, np.int64)
        anchor = np.full(ids.size, -1, np.int64)
        if ids.size and liked.size:
            g_diag = self._serving_terms()[2][liked]
            co = self._G.take(ids, axis=0).take(liked, axis=1).T  # liked x ids
            share = co / np.maximum(g_diag, 1.0)[:, None]
            best = np.argmax(share, axis=0)  # ties: the first liked shoe (lowest index)
            liked_by = co[best, np.arange(ids.size)].astype(np.int64)  # co-like counts: never negative
            has = liked_by > 0
            anchor = np.where(has, liked[best], -1)
            out_of = np.where(has, g_diag[best], 0).astype(np.int64)
        n_fill = N - ids.size
        if n_fill <= 0:
            return ids, scores, liked_by, out_of, anchor
        taken = np.concatenate([seen, ids])
        head = self._pop_order[: n_fill + taken.size]
        fill = head[~np.isin(head, taken)][:n_fill]
        minus = np.full(fill.size, -1, np.int64)
        return (
            np.concatenate([ids, fill]),
            np.concatenate([scores, np.zeros(fill.size)]),
            np.concatenate([liked_by, minus]),
            np.concatenate([out_of, minus]),
            np.concatenate([anchor, minus]),
        )

    def recommend(
        self, userid: int | None, user_items_row: csr_matrix, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray]:
        ids, scores, *_ = self.recommend_with_evidence(userid, user_items_row, N)
        return ids, scores

    def recommend_with_reasons(
        self, userid: int | None, user_items_row: csr_matrix, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ids, scores, from_neighbours): False for popularity backfill."""
        ids, scores, liked_by, _, _ = self.recommend_with_evidence(userid, user_items_row, N)
        return ids, scores, liked_by >= 0

    # --- incremental update ----------------------------------------------------------------------
    def with_updated_rows(self, user_rows: np.ndarray, new_rows: csr_matrix) -> RunnerSpaceRecommender:
        """A NEW engine equal to `fit` on the matrix with rows `user_rows` replaced by `new_rows`,
        except that the basis V and the sample rate stay this build's.

        Indices >= n_users append new users (n_users, n_users + 1, ... once sorted; a repeated
        index keeps its last row). This engine is left untouched (hot-swap). Cost: the changed
        rows' terms (rank-1 updates of T and G) plus one copy of the items x items arrays."""
        X = self.user_items
        user_rows = np.asarray(user_rows, dtype=np.int64).ravel()
        rows = as_user_items(new_rows)
        if rows.shape != (user_rows.size, self.n_items):
            raise ValueError(f"new_rows must have shape ({user_rows.size}, {self.n_items})")
        if user_rows.size and user_rows.min() < 0:
            raise ValueError("user_rows must be >= 0")
        users, last = np.unique(user_rows[::-1], return_index=True)  # last occurrence wins
        rows = csr_matrix(rows[user_rows.size - 1 - last])
        new_users = users[users >= self.n_users]
        if new_users.size and not np.array_equal(
            new_users, np.arange(self.n_users, self.n_users + new_users.size)
        ):
            raise ValueError("new users must be appended as n_users, n_users + 1, ... without gaps")
        old_users = users[users < self.n_users]
        old = csr_matrix(X[old_users]) if old_users.size else csr_matrix((0, self.n_items))
        old_full = csr_matrix((old.data, old.indices, old.indptr), shape=(old.shape[0], self.n_items))
        old_rows = csr_matrix(vstack([old_full, csr_matrix((new_users.size, self.n_items))]))

        eng = self.with_row_terms(users, old_rows, rows, new_users.size)
        eng._X = replaced_rows(X, users, rows, eng.n_users)
        return eng

    def with_row_terms(
        self,
        users: np.ndarray,
        old_rows: csr_matrix,
        new_rows: csr_matrix,
        n_new_users: int,
        item_weights: np.ndarray | None = None,
    ) -> RunnerSpaceRecommender:
        """A NEW engine (without rows) whose sums have the `old_rows` of user indices `users` (empty
        rows for new users) replaced by `new_rows`: the CT's incremental update, and what a serving
        worker applies from a delta artifact of format 1 (rows only; format 2 carries this method's
        result, `item_delta` / `with_item_delta`), no users x items matrix needed. Exact for T, G, df and the popularity sums; the
        EASE weights are `item_weights` when given (the CT process inverted them already: a worker
        then does no items x items inverse), else re-inverted from the updated G."""
        users = np.asarray(users, dtype=np.int64)
        old_rows, new_rows = csr_matrix(old_rows), csr_matrix(new_rows)
        eng = RunnerSpaceRecommender(**self.get_params())
        eng.n_users, eng.n_items = self.n_users + int(n_new_users), self.n_items
        eng._V, eng.sample_rate = self._V, self.sample_rate
        df_o, ps_o = self._item_stats(old_rows)
        df_n, ps_n = self._item_stats(new_rows)
        eng._df = self._df - df_o + df_n
        eng._pos_sum = self._pos_sum - ps_o + ps_n
        eng._pop_order = popularity_order(eng._pos_sum)
        (g_old, l_old), (g_new, l_new) = self._co_counts(old_rows), self._co_counts(new_rows)
        eng._G = self._G - g_old + g_new
        eng._L = self._L - l_old + l_new
        sampled = np.flatnonzero(self._sampled(users))
        TR = np.array(self._TR, dtype=np.float32)  # a copy: the parent's (maybe mapped) one is untouched
        if sampled.size:
            parts = [self._tensor_rows(csr_matrix(rows[sampled])) for rows in (old_rows, new_rows)]
            touched = np.union1d(parts[0][0], parts[1][0])
            if touched.size:
                n_monomials = self._R.shape[0] if self._R.size else TR.shape[1]
                change = np.zeros((touched.size, n_monomials), dtype=np.float32)
                for (items, values), sign in zip(parts, (-1.0, 1.0), strict=True):
                    change[np.searchsorted(touched, items)] += np.float32(sign) * values
                TR[touched] += change @ self._R if self._R.size else change
        eng._set_tensor(self._R, TR)
        if item_weights is None:
            eng._fit_item_weights()  # one items x items inverse (30-100 ms at 540 shoes)
        else:
            eng._fit_item_weights(invert=False)
            eng._B = None if item_weights.size == 0 else item_weights
        return eng

    # --- item-level deltas (what a serving worker applies) ----------------------------------------
    def item_delta(self, parent: RunnerSpaceRecommender) -> ItemDelta:
        """What turns `parent`'s serving arrays into this engine's, an incremental build of it (same
        parameters, basis V and R and sample rate): the rows of TR and the entries of G and L whose
        bits differ, the per-item vectors and the EASE weights, all this engine's own numbers.
        Raises ValueError when this engine is not such a build (a full fit: publish it whole)."""
        self._require_fit()
        parent._require_fit()
        if (
            self.n_items != parent.n_items
            or self.get_params() != parent.get_params()
            or self.sample_rate != parent.sample_rate
            or self._TR.shape != parent._TR.shape
            or not (_identical(self._V, parent._V) and _identical(self._R, parent._R))
        ):
            raise ValueError("not an incremental build of the parent (another basis, sample or parameters)")
        TR = np.asarray(self._TR, dtype=np.float32)
        tr_items = np.flatnonzero(_differs(TR, np.asarray(parent._TR, dtype=np.float32)).any(axis=1))
        G, L = np.asarray(self._G, dtype=np.float64), np.asarray(self._L, dtype=np.float64)
        cells = np.flatnonzero(
            _differs(G, np.asarray(parent._G, dtype=np.float64))
            | _differs(L, np.asarray(parent._L, dtype=np.float64))
        ).astype(np.int64)
        return ItemDelta(
            n_users=int(self.n_users),
            fitted_item_l2=self.fitted_item_l2,
            tr_items=tr_items.astype(np.int64),
            tr_rows=TR[tr_items],
            cells=cells,
            g_cells=G.ravel()[cells],
            l_cells=L.ravel()[cells],
            df=np.asarray(self._df, dtype=np.int64),
            pos_sum=np.asarray(self._pos_sum, dtype=np.float64),
            pop_order=np.asarray(self._pop_order, dtype=np.int64),
            B=np.zeros((0, 0), np.float32) if self._B is None else np.asarray(self._B, dtype=np.float32),
        )

    def with_item_delta(self, delta: ItemDelta) -> RunnerSpaceRecommender:
        """A NEW engine (without rows): this one with `delta` (`item_delta` of the CT's build on this
        version) applied. Only copies and assignments: the rows of TR and the cells of G and L
        replaced, the per-item vectors and EASE weights taken as given. Equal to the CT's engine
        bit for bit wherever this engine equals its parent (TR in float32, as it built it)."""
        self._require_fit()
        n, k = self.n_items, self._TR.shape[1]
        if (
            delta.tr_rows.shape != (delta.tr_items.size, k)
            or delta.g_cells.shape != delta.cells.shape
            or delta.l_cells.shape != delta.cells.shape
            or any(v.shape != (n,) for v in (delta.df, delta.pos_sum))
            # the popularity order lists only the shoes with a positive sum: up to n of them
            or delta.pop_order.ndim != 1
            or delta.pop_order.size > n
            or (
                delta.pop_order.size and not 0 <= int(delta.pop_order.min()) <= int(delta.pop_order.max()) < n
            )
            or (delta.B.size and delta.B.shape != (n, n))
            or (delta.tr_items.size and not 0 <= int(delta.tr_items.min()) <= int(delta.tr_items.max()) < n)
            or (delta.cells.size and not 0 <= int(delta.cells.min()) <= int(delta.cells.max()) < n * n)
        ):
            raise ValueError("the item delta does not fit this engine (shapes or indices)")
        eng = RunnerSpaceRecommender(**self.get_params())
        eng.n_users, eng.n_items = int(delta.n_users), n
        eng._V, eng.sample_rate = self._V, self.sample_rate
        eng._df, eng._pos_sum, eng._pop_order = delta.df, delta.pos_sum, delta.pop_order
        G = np.array(self._G, dtype=np.float64)  # copies: the parent's (maybe mapped) arrays are untouched
        L = np.array(self._L, dtype=np.float64)
        G.reshape(-1)[delta.cells] = delta.g_cells
        L.reshape(-1)[delta.cells] = delta.l_cells
        eng._G, eng._L = G, L
        TR = np.array(self._TR, dtype=np.float32)
        TR[delta.tr_items] = delta.tr_rows
        eng._set_tensor(self._R, TR)
        eng.fitted_item_l2 = None if delta.fitted_item_l2 is None else float(delta.fitted_item_l2)
        eng._B = None if delta.B.size == 0 else delta.B
        return eng

    # --- serving arrays (the published artifact) -------------------------------------------------
    ARRAYS = ("V", "R", "TR", "G", "L", "B", "df", "pos_sum", "pop_order")

    def to_arrays(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """(arrays, meta): everything a serving copy needs, without the users x items rows."""
        self._require_fit()
        arrays: dict[str, np.ndarray] = {
            "V": self._V,
            "R": self._R,
            "TR": self._TR,
            "G": self._G,
            "L": self._L,
            "B": np.zeros((0, 0)) if self._B is None else self._B,
            "df": self._df,
            "pos_sum": self._pos_sum,
            "pop_order": self._pop_order,
        }
        meta = {
            "model": type(self).__name__,
            "params": self.get_params(),
            "n_users": self.n_users,
            "n_items": self.n_items,
            "sample_rate": self.sample_rate,
            "fitted_item_l2": self.fitted_item_l2,
        }
        return arrays, meta

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> RunnerSpaceRecommender:
        """A serving copy (no rows) over `arrays` as given: memory-mapped arrays stay mapped."""
        if meta.get("model") != cls.__name__:
            raise ValueError(f"the arrays hold a {meta.get('model')!r}, not a {cls.__name__!r}")
        eng = cls(**meta["params"])
        eng.n_users, eng.n_items = int(meta["n_users"]), int(meta["n_items"])
        eng.sample_rate = float(meta["sample_rate"])
        eng.fitted_item_l2 = meta.get("fitted_item_l2")
        eng._V = arrays["V"]
        eng._set_tensor(arrays["R"], arrays["TR"])
        eng._G, eng._L = arrays["G"], arrays["L"]
        eng._B = None if arrays["B"].size == 0 else arrays["B"]
        eng._df, eng._pos_sum, eng._pop_order = arrays["df"], arrays["pos_sum"], arrays["pop_order"]
        n_monomials = monomials(eng._V.shape[1])[0].size
        k = eng._R.shape[1] if eng._R.size else n_monomials  # an empty R: T kept whole
        if (
            (eng._R.size and eng._R.shape != (n_monomials, k))
            or eng._TR.shape != (eng.n_items, k)
            or eng._G.shape != (eng.n_items,) * 2
        ):
            raise ValueError("the arrays do not fit together (shapes)")
        return eng

    # --- introspection ---------------------------------------------------------------------------
    def nbytes(self, rows: bool = True) -> int:
        """Bytes of the fitted arrays (the users x items rows only with `rows`)."""
        total = self._V.nbytes + self._R.nbytes + self._TR.nbytes + self._G.nbytes + self._L.nbytes
        total += self._df.nbytes + self._pos_sum.nbytes
        total += 0 if self._B is None else self._B.nbytes
        if rows and self._X is not None:
            total += self._X.data.nbytes + self._X.indices.nbytes + self._X.indptr.nbytes
        return int(total + self._pop_order.nbytes)
