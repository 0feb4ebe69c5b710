"""Runner-KNN aggregated in item space: a query costs the same whatever the number of runners.

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

A query is then one items x monomials mat-vec (r = 32: 540 x 5,984), flat in runners; T is a sum
over runners, so a changed runner updates it exactly (remove the old row's term, add the new one).
T is summed over a fixed hash sample of at most `tensor_runners` runners (all of them below that):
the blend divides each component by its maximum, so the sample's scale does not matter, and at
10^5 sampled runners every shoe column holds enough of them (see docs/cf_engine.md).

The item component is EASE (Steck 2019) on the positives' co-like counts G = P^T P (an exact
items x items sum over runners too); the final score blends both like the user-KNN engine does
(`blend_scores`, item_weight = 0.75). G also gives each item's evidence: the runner's liked shoe i
sharing the most likes with it ("liked by G[i, j] of the G[i, i] runners who liked i").

Every fitted statistic is a sum over runners (T, G, df, positive sums), so `with_updated_rows`
equals a fit on the updated matrix except for the basis V, the EASE weights B and the hash sample
rate, which stay those of the last full build (as the user-KNN engine keeps its B). Measured
alternatives and figures: docs/cf_engine.md.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from scipy.sparse import csr_matrix, vstack

from src.recommender.base import RecommenderBase, as_row, as_user_items, binary_positives, top_n
from src.recommender.collaborative_filtering import (
    Mode,
    aggregation_values,
    blend_scores,
    item_l2_for_density,
    popularity_order,
    query_values,
    row_norms,
    similarity_values,
    user_hash,
)
from src.recommender.scores import POSITIVE_THRESHOLD

_HASH_SPAN = float(1 << 32)
ITEM_L2_FLOOR: float = 250.0  # the density rule's λ, never below this (see docs/cf_engine.md)
TENSOR_CHUNK = 4096  # runners per block when summing T (a block of monomials is chunk x n_mono)


def monomials(rank: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, c, multiplicity) of every a <= b <= c < rank: (x . y)^3 = sum mult x_a x_b x_c y_a y_b y_c."""
    a, b, c = (m.ravel() for m in np.meshgrid(*(np.arange(rank),) * 3, indexing="ij"))
    keep = (a <= b) & (b <= c)
    a, b, c = a[keep], b[keep], c[keep]
    distinct = 1 + (a != b).astype(np.int64) + (b != c).astype(np.int64)
    mult = np.where(distinct == 3, 6.0, np.where(distinct == 2, 3.0, 1.0))
    return a, b, c, mult


def cubic_features(Z: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Z[:, a] * Z[:, b] * Z[:, c] per row (float32)."""
    Z = np.asarray(Z, dtype=np.float32)
    out: np.ndarray = Z[:, a] * Z[:, b]
    out *= Z[:, c]
    return out


class RunnerSpaceRecommender(RecommenderBase):
    """Runner-KNN (every runner a neighbour, similarity cubed, low-rank) + EASE, in item space.

    Parameters (defaults = what the service uses; evidence in docs/cf_engine.md):
        rank: dimensions of the similarity basis V (32; T has rank(rank+1)(rank+2)/6 columns).
        item_weight: share of EASE in the blend (0.75).
        idf_exponent, norm_exponent, popularity_damping, neutral_weight, negative_weight,
        query_dislike_weight: as in `UserCollaborativeRecommender`.
        item_l2: EASE's λ; None = max(`item_l2_for_density`, ITEM_L2_FLOOR).
        tensor_runners: at most this many runners (a fixed hash sample) are summed into T (100,000).
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
    ) -> None:
        if rank < 1 or tensor_runners < 1:
            raise ValueError("rank and tensor_runners must be >= 1")
        if not 0.0 <= item_weight <= 1.0:
            raise ValueError("item_weight must be between 0 and 1")
        if item_l2 is not None and item_l2 <= 0:
            raise ValueError("item_l2 must be > 0 (or None for the density rule)")
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
        self.similarity: Mode = "positives"
        self.n_users = 0
        self.n_items = 0
        self.fitted_item_l2: float | None = None
        self.sample_rate = 1.0
        self._X: csr_matrix | None = None
        self._V = np.zeros((0, 0))  # items x r basis
        self._T = np.zeros((0, 0), dtype=np.float32)  # items x monomials
        self._G = np.zeros((0, 0))  # co-like counts (positives), items x items
        self._B: np.ndarray | None = None  # EASE weights
        self._df = np.zeros(0, dtype=np.int64)
        self._pos_sum = np.zeros(0)
        self._pop_order = np.zeros(0, dtype=np.int64)

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
        a, b, c, _ = monomials(self._V.shape[1])
        out = np.zeros((self.n_items, a.size))
        for start in range(0, X.shape[0], TENSOR_CHUNK):
            part = X[start : start + TENSOR_CHUNK]
            if part.nnz == 0:
                continue
            Z = self._neighbour_rows(part) @ self._V
            out += np.asarray(self._agg_rows(part).T @ cubic_features(Z, a, b, c), dtype=np.float64)
        return out

    @staticmethod
    def _co_likes(X: csr_matrix) -> np.ndarray:
        P = binary_positives(X)
        return np.asarray((P.T @ P).toarray(), dtype=np.float64)

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
        self._df, self._pos_sum = self._item_stats(X)
        self._pop_order = popularity_order(self._pos_sum)
        self._G = self._co_likes(X)
        S = self._neighbour_rows(X)
        w = np.maximum(self._df, 1).astype(np.float64) ** -0.25
        gram = np.asarray((S.T @ S).toarray()) * np.outer(w, w)
        r = min(self.rank, self.n_items)
        _, vecs = np.linalg.eigh(gram) if self.n_items else (None, np.zeros((0, 0)))
        V = np.ascontiguousarray(vecs[:, ::-1][:, :r]) if self.n_items else np.zeros((0, r))
        if V.size:  # a fixed sign per vector (eigh's is arbitrary across BLAS builds)
            V = V * np.where(V[np.abs(V).argmax(axis=0), np.arange(r)] < 0, -1.0, 1.0)
        self._V = V
        self.sample_rate = min(1.0, self.tensor_runners / max(self.n_users, 1))
        sampled = self._sampled(np.arange(self.n_users))
        X_s = X if sampled.all() else X[np.flatnonzero(sampled)]
        self._T = self._tensor_terms(X_s).astype(np.float32)
        self._fit_item_weights()
        return self

    def _fit_item_weights(self) -> None:
        self._B, self.fitted_item_l2 = None, None
        positives = float(np.trace(self._G))
        if self.item_weight <= 0 or positives <= 0:
            return
        density = positives / (max(self.n_users, 1) * max(self.n_items, 1))
        rule = max(item_l2_for_density(density), ITEM_L2_FLOOR)
        l2 = self.item_l2 if self.item_l2 is not None else rule
        G = self._G.copy()
        G[np.diag_indices_from(G)] += l2
        P = np.linalg.inv(G)
        B = -P / np.diag(P)
        np.fill_diagonal(B, 0.0)
        self._B, self.fitted_item_l2 = B, l2

    def _require_fit(self) -> None:
        if self._X is None and self._T.size == 0:
            raise RuntimeError("the recommender is not fitted")

    @property
    def user_items(self) -> csr_matrix:
        if self._X is None:
            raise RuntimeError("the recommender is not fitted")
        return self._X

    def user_rows(self, users: np.ndarray) -> csr_matrix:
        return csr_matrix(self.user_items[np.asarray(users, dtype=np.int64)])

    # --- recommending ----------------------------------------------------------------------------
    def _query(self, row: csr_matrix) -> np.ndarray:
        """p = V^T q for this row (zeros when it has no similarity input)."""
        s = query_values(row.data, "positives", self.neutral_weight, self.query_dislike_weight)
        nz = s != 0
        if not nz.any():
            return np.zeros(self._V.shape[1])
        cols = row.indices[nz].astype(np.int64)
        q = s[nz] / float(np.sqrt(np.sum(s[nz] * s[nz])))
        if self.idf_exponent:
            q = q * np.maximum(self._df[cols], 1).astype(np.float64) ** -self.idf_exponent
        return np.asarray(q @ self._V[cols])

    def knn_scores(self, userid: int | None, user_items_row: csr_matrix) -> np.ndarray:
        """The runner-KNN component per item (before removing seen items and blending)."""
        self._require_fit()
        row = as_row(user_items_row, self.n_items)
        p = self._query(row)
        if not p.any():
            return np.zeros(self.n_items)
        a, b, c, mult = monomials(p.size)
        phi = (mult * p[a] * p[b] * p[c]).astype(np.float32)
        scores = np.asarray(self._T @ phi, dtype=np.float64)
        if userid is not None and self._X is not None and self._sampled(np.array([userid]))[0]:
            own = self._X[int(userid)]  # the runner is not their own neighbour
            if own.nnz:
                z = np.asarray(self._neighbour_rows(own) @ self._V).ravel()
                scores[own.indices] -= float(p @ z) ** 3 * self._agg_rows(own).data
        if self.popularity_damping:
            scores = scores / np.maximum(self._df, 1).astype(np.float64) ** self.popularity_damping
        return scores

    def recommend_with_evidence(
        self, userid: int | None, user_items_row: csr_matrix, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(ids, scores, liked_by, out_of, anchor): the served ranking and, per collaborative item,
        the runner's liked shoe `anchor` sharing the largest share of its likers with it, liked by
        `out_of` runners of whom `liked_by` also liked the item (-1 everywhere for popularity
        backfill and when the runner has no like to anchor on)."""
        self._require_fit()
        if userid is not None and not 0 <= int(userid) < self.n_users:
            raise IndexError(f"userid {userid} outside the fitted users (0..{self.n_users - 1})")
        row = as_row(user_items_row, self.n_items)
        seen = np.unique(row.indices).astype(np.int64)
        liked = row.indices[row.data > POSITIVE_THRESHOLD].astype(np.int64)
        ids = np.zeros(0, np.int64)
        scores = np.zeros(0)
        if N > 0 and self.n_items:
            knn = self.knn_scores(userid, row)
            knn[seen] = 0.0
            item_scores = knn
            if self._B is not None and self.item_weight > 0 and liked.size:
                ease = self._B[liked].sum(axis=0)
                ease[seen] = 0.0
                item_scores = blend_scores(knn, ease, self.item_weight)
            ids = top_n(item_scores, N, np.flatnonzero(item_scores > 0))
            scores = item_scores[ids]
        liked_by = np.full(ids.size, -1, np.int64)
        out_of = np.full(ids.size, -1, np.int64)
        anchor = np.full(ids.size, -1, np.int64)
        if ids.size and liked.size:
            co = self._G[np.ix_(liked, ids)]  # liked x ids
            share = co / np.maximum(np.diag(self._G)[liked], 1.0)[:, None]
            best = np.argmax(share, axis=0)  # ties: the first liked shoe (lowest index)
            has = co[best, np.arange(ids.size)] > 0
            anchor = np.where(has, liked[best], -1)
            liked_by = np.where(has, co[best, np.arange(ids.size)], -1).astype(np.int64)
            out_of = np.where(has, np.diag(self._G)[liked][best], -1).astype(np.int64)
        n_fill = N - ids.size
        fill = np.zeros(0, np.int64)
        if n_fill > 0:
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

    # --- incremental update ----------------------------------------------------------------------
    def with_updated_rows(self, user_rows: np.ndarray, new_rows: csr_matrix) -> RunnerSpaceRecommender:
        """A NEW engine equal to `fit` on the matrix with rows `user_rows` replaced by `new_rows`,
        except that the basis V, the EASE weights and the sample rate stay this build's.

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

        eng = RunnerSpaceRecommender(**self.get_params())
        eng.n_users, eng.n_items = self.n_users + new_users.size, self.n_items
        eng._V, eng.sample_rate = self._V, self.sample_rate
        eng._B, eng.fitted_item_l2 = self._B, self.fitted_item_l2
        df_o, ps_o = self._item_stats(old_rows)
        df_n, ps_n = self._item_stats(rows)
        eng._df = self._df - df_o + df_n
        eng._pos_sum = self._pos_sum - ps_o + ps_n
        eng._pop_order = popularity_order(eng._pos_sum)
        eng._G = self._G - self._co_likes(old_rows) + self._co_likes(rows)
        sampled = np.flatnonzero(self._sampled(users))
        T = self._T.astype(np.float64)
        if sampled.size:
            T -= self._tensor_terms(csr_matrix(old_rows[sampled]))
            T += self._tensor_terms(csr_matrix(rows[sampled]))
        eng._T = T.astype(np.float32)
        grown = X
        if new_users.size:
            grown = csr_matrix(vstack([X, csr_matrix((new_users.size, self.n_items))]))
        keep = np.ones(eng.n_users, dtype=bool)
        keep[users] = False
        kept = grown[np.flatnonzero(keep)]
        order = np.argsort(np.concatenate([np.flatnonzero(keep), users]), kind="stable")
        merged = csr_matrix(vstack([kept, rows], format="csr")[order])
        merged.sort_indices()
        eng._X = merged
        return eng

    # --- introspection ---------------------------------------------------------------------------
    def nbytes(self, rows: bool = True) -> int:
        """Bytes of the fitted arrays (the users x items rows only with `rows`)."""
        total = self._V.nbytes + self._T.nbytes + self._G.nbytes + self._df.nbytes + self._pos_sum.nbytes
        total += 0 if self._B is None else self._B.nbytes
        if rows and self._X is not None:
            total += self._X.data.nbytes + self._X.indices.nbytes + self._X.indptr.nbytes
        return int(total + self._pop_order.nbytes)
