"""RunnerSpaceRecommender: the shared recommender contract and its math on hand-checkable cases."""

from __future__ import annotations

import unittest

import numpy as np
from scipy.sparse import csr_matrix

from src.recommender.base import as_user_items
from src.recommender.runner_space import (
    RunnerSpaceRecommender,
    cube_sums,
    cubic_features,
    cubic_query,
    item_sums,
    monomials,
    replaced_rows,
)
from tests.plugins.recommender import DENSE, RecommenderTestMixin, tiny_matrix


class RunnerSpaceMixinTest(RecommenderTestMixin, unittest.TestCase):
    def _get_model(self) -> RunnerSpaceRecommender:
        return RunnerSpaceRecommender()


class KNNOnlyMixinTest(RecommenderTestMixin, unittest.TestCase):
    def _get_model(self) -> RunnerSpaceRecommender:
        return RunnerSpaceRecommender(item_weight=0.0)


def exact_knn(model: RunnerSpaceRecommender, X: np.ndarray, row: np.ndarray, skip: int | None) -> np.ndarray:
    """sum over runners v != skip of (q . s_v)^3 a_v / df^damping, computed directly."""
    pos = X > 0.5
    df = np.maximum(pos.sum(axis=0), 1).astype(float)
    s = np.where(X > 0.5, 1.0, np.where(X > 0, model.neutral_weight, 0.0))
    norms = np.sqrt((s * s).sum(axis=1))
    S = s / np.where(norms > 0, norms, 1.0)[:, None] ** model.norm_exponent
    a = np.where(X > 0.5, 1.0, np.where(X < -0.5, -model.negative_weight, 0.0))
    qv = np.where(row > 0.5, 1.0, np.where(row > 0, model.neutral_weight, 0.0))
    qv = np.where(row < -0.5, -model.query_dislike_weight, qv)
    q = qv / np.sqrt((qv * qv).sum()) * df**-model.idf_exponent
    sims = S @ q
    if skip is not None:
        sims[skip] = 0.0
    return (sims**3 @ a) / df**model.popularity_damping


class MathTest(unittest.TestCase):
    def test_monomials_expand_the_cube(self) -> None:
        x, y = np.array([0.3, -1.2, 2.0]), np.array([1.5, 0.25, -0.5])
        a, b, c, mult = monomials(3)
        self.assertEqual(a.size, 10)  # 3 * 4 * 5 / 6
        phi_x = mult * x[a] * x[b] * x[c]
        phi_y = cubic_features(y[None, :], a, b, c)[0]
        self.assertAlmostEqual(float(phi_x @ phi_y), float(x @ y) ** 3, places=5)

    def test_cubic_query_is_phi_of_the_query(self) -> None:
        # by hand for rank 2: (p0^3, 3 p0^2 p1, 3 p0 p1^2, p1^3)
        got = cubic_query(np.array([2.0, -1.0]))
        self.assertEqual(got.dtype, np.float32)
        np.testing.assert_array_equal(got, [8.0, -12.0, 6.0, -1.0])
        rng = np.random.default_rng(5)
        for rank in (1, 3, 32):
            p = rng.standard_normal(rank)
            a, b, c, mult = monomials(rank)
            np.testing.assert_allclose(cubic_query(p), mult * p[a] * p[b] * p[c], rtol=1e-6)

    def test_cube_sums_are_the_weighted_monomial_sums(self) -> None:
        # the blocked gemms over the pairs b <= c = sum_v w_v Z_va Z_vb Z_vc, computed directly
        rng = np.random.default_rng(3)
        for rank, n, block in ((32, 300, 16), (7, 5, 3), (5, 1, 16), (3, 0, 2), (1, 4, 1)):
            Z = rng.standard_normal((n, rank)).astype(np.float32)
            w = rng.choice([1.0, -0.25], size=n).astype(np.float32)
            a, b, c, _ = monomials(rank)
            want = (w[:, None].astype(np.float64) * cubic_features(Z, a, b, c)).sum(axis=0)
            np.testing.assert_allclose(cube_sums(Z, w, block), want, rtol=1e-5, atol=1e-5)

    def test_full_rank_is_the_exact_sum_over_runners(self) -> None:
        # rank = n_items: V is a full orthonormal basis, so p . z_v = q . s_v exactly
        X = DENSE
        model = RunnerSpaceRecommender(rank=X.shape[1], item_weight=0.0, popularity_damping=0.2).fit(
            csr_matrix(X)
        )
        for u in range(X.shape[0]):
            got = model.knn_scores(u, csr_matrix(X[u : u + 1]))
            np.testing.assert_allclose(got, exact_knn(model, X, X[u], u), rtol=1e-4, atol=1e-6)
        row = np.array([0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 1.0, -2.0])
        np.testing.assert_allclose(
            model.knn_scores(None, csr_matrix(row[None, :])),
            exact_knn(model, X, row, None),
            rtol=1e-4,
            atol=1e-6,
        )

    def test_hand_computed_cube(self) -> None:
        # two runners, two shoes: runner 0 liked both, runner 1 liked shoe 0 only.
        # query "liked shoe 0" (q = [1, 0] * df^-0.5 = [1/sqrt 2, 0]); s_0 = [1, 1]/2^0.75,
        # s_1 = [1, 0]; sims: 2^-0.5 * 2^-0.75 and 2^-0.5. Shoe 1's score is sim_0^3 (runner 0
        # liked it) = 2^-3.75 (no damping).
        X = csr_matrix(np.array([[1.0, 1.0], [1.0, 0.0]]))
        model = RunnerSpaceRecommender(rank=2, item_weight=0.0, popularity_damping=0.0).fit(X)
        got = model.knn_scores(None, csr_matrix(np.array([[1.0, 0.0]])))
        self.assertAlmostEqual(float(got[1]), 2**-3.75, places=5)
        self.assertAlmostEqual(float(got[0]), 2**-3.75 + 2**-1.5, places=5)

    def test_update_equals_fit_for_the_sums(self) -> None:
        X = tiny_matrix()
        model = RunnerSpaceRecommender(rank=8).fit(X)
        new_rows = csr_matrix(
            np.array([[0.0, 2.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0], [1.0, 0, 0, 0, 0, 0, 2.0, 0]])
        )
        updated = model.with_updated_rows(np.array([2, 6]), new_rows)
        dense = np.vstack([DENSE, np.zeros((1, 8))])
        dense[2], dense[6] = new_rows.toarray()
        np.testing.assert_array_equal(updated.user_items.toarray(), dense)
        refit = RunnerSpaceRecommender(rank=8).fit(csr_matrix(dense))
        # full rank: T does not depend on the basis's orientation through the query result
        for u in range(dense.shape[0]):
            row = csr_matrix(dense[u : u + 1])
            np.testing.assert_allclose(
                updated.knn_scores(u, row), refit.knn_scores(u, row), rtol=1e-4, atol=1e-6
            )
        np.testing.assert_array_equal(updated._G, refit._G)
        np.testing.assert_array_equal(updated._G, updated._G.T)  # the evidence reads G by rows
        np.testing.assert_array_equal(updated._df, refit._df)
        self.assertIsNot(updated, model)
        np.testing.assert_array_equal(model.user_items.toarray(), DENSE)  # the parent is untouched

    def test_item_sums_equal_the_straightforward_products(self) -> None:
        # the pair histogram by row blocks (fit) = P^T P and Q^T Q (P: positives, Q: any score > 0)
        rng = np.random.default_rng(7)
        for n_users, n_items, chunk in ((200, 9, 16), (57, 30, 1000), (40, 1, 8), (0, 5, 4)):
            dense = rng.choice([0.0, 0.0, 0.0, 2.0, 1.0, 0.1, -1.0, -2.0], size=(n_users, n_items))
            dense[:3] = 0.0  # empty rows
            X = as_user_items(csr_matrix(dense))
            sums = item_sums(X.indptr, X.indices, X.data, n_items, chunk_rows=chunk)
            P, Q = (dense > 0.5).astype(float), (dense > 0).astype(float)
            np.testing.assert_array_equal(sums.G, P.T @ P)
            np.testing.assert_array_equal(sums.L, Q.T @ Q)
            for got, want in zip(sums[:2], RunnerSpaceRecommender._co_counts(X), strict=True):
                np.testing.assert_array_equal(got, want)  # the update path's one sparse product
            df, pos_sum = RunnerSpaceRecommender._item_stats(X)
            np.testing.assert_array_equal(sums.df, df)
            self.assertEqual(sums.df.dtype, df.dtype)
            np.testing.assert_allclose(sums.pos_sum, pos_sum, rtol=1e-12)
            np.testing.assert_allclose(sums.pos_sum, np.maximum(dense, 0).sum(axis=0), rtol=1e-12)

    def test_replaced_rows_copies_the_unchanged_stretches(self) -> None:
        X = csr_matrix(np.array([[1.0, 0, 2], [0, 3, 0], [4, 0, 0], [0, 0, 5]]))
        rows = csr_matrix(np.array([[0.0, 7, 0], [8, 0, 9], [0, 0, 1]]))
        got = replaced_rows(X, np.array([1, 3, 4]), rows, 5)  # two replaced, one appended
        want = np.array([[1.0, 0, 2], [0, 7, 0], [4, 0, 0], [8, 0, 9], [0, 0, 1]])
        np.testing.assert_array_equal(got.toarray(), want)
        np.testing.assert_array_equal(X.toarray()[3], [0, 0, 5])  # the input is untouched

    def test_evidence_counts_co_likes(self) -> None:
        # runners 0-2 liked shoes 0 and 1; runner 3 liked 0 and 2; runner 4 liked 1 only.
        X = csr_matrix(
            np.array([[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1]], dtype=float)
        )
        model = RunnerSpaceRecommender(rank=4).fit(X)
        ids, _, liked_by, out_of, anchor = model.recommend_with_evidence(
            None, csr_matrix(np.array([[1.0, 0, 0, 0]])), N=3
        )
        got = {
            int(i): (int(b), int(o), int(a)) for i, b, o, a in zip(ids, liked_by, out_of, anchor, strict=True)
        }
        self.assertEqual(got[1], (3, 4, 0))  # liked by 3 of the 4 runners who liked shoe 0
        self.assertEqual(got[2], (1, 4, 0))

    def test_projected_tensor_keeps_unrelated_shoes_at_zero(self) -> None:
        # two groups that share no shoe: runners 0-3 like shoes 0-2, runners 4-7 like shoes 3-5.
        # T is projected (tensor_rank 2 < 6 shoes): the other group's shoes keep a score of exactly 0.
        # (This small case stays exact even without NOISE_FLOOR; the floor's regression test is
        # tests/api/test_api_v1_runner_features.py::test_feed_pages_are_slices_of_one_ranking, which
        # fails without it on the real catalog.)
        D = np.zeros((8, 6))
        D[:4, :3] = 1.0
        D[4:, 3:] = 1.0
        D[0, 0] = D[4, 3] = 0.0  # each group has one runner missing one shoe
        model = RunnerSpaceRecommender(rank=6, tensor_rank=2, item_weight=0.0).fit(csr_matrix(D))
        self.assertEqual(model._R.shape[1], 2)  # projected
        knn = model.knn_scores(0, csr_matrix(D[0]))
        self.assertTrue(np.all(knn[3:] == 0.0), knn)
        self.assertGreater(knn[0], 0.0)  # the shoe the group likes and runner 0 has not

    def test_sampled_tensor_keeps_the_ranking_scale_free(self) -> None:
        X = tiny_matrix()
        full = RunnerSpaceRecommender(rank=8).fit(X)
        self.assertEqual(full.sample_rate, 1.0)
        sampled = RunnerSpaceRecommender(rank=8, tensor_runners=3).fit(X)
        self.assertAlmostEqual(sampled.sample_rate, 0.5)
        chosen = sampled._sampled(np.arange(6))
        self.assertTrue(0 < chosen.sum() < 6)
        # T of the sampled model = T summed over the chosen runners only (in its own basis, which
        # is fitted on the same sample)
        expect = sampled._tensor_terms(csr_matrix(X[np.flatnonzero(chosen)]))
        np.testing.assert_allclose(sampled._TR, expect, rtol=1e-5, atol=1e-6)  # few items: T kept whole


if __name__ == "__main__":
    unittest.main()
