from __future__ import annotations

import unittest

import numpy as np
from scipy.sparse import csr_matrix

from src.recommender.baselines import (
    EASERecommender,
    ItemKNNRecommender,
    PopularityRecommender,
    binary_positives,
    ease_weights,
)
from tests.plugins.recommender import RecommenderTestMixin, tiny_matrix


class PopularityTest(RecommenderTestMixin, unittest.TestCase):
    def _get_model(self) -> PopularityRecommender:
        return PopularityRecommender()

    def test_recommends_the_taste_group(self) -> None:  # popularity is not personal
        pass

    def test_new_user_with_injected_row(self) -> None:
        model = self._fitted()
        row = csr_matrix(np.array([[0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 1.0, 0.0]]))
        ids, _ = model.recommend(None, row, N=3)
        self.assertEqual(len(ids), 3)
        self.assertFalse({4, 6} & set(ids.tolist()))

    def test_counts_positives_only(self) -> None:
        model = self._fitted()
        # positives (> 0.5) per item of the tiny matrix
        np.testing.assert_array_equal(model.counts, [3, 2, 2, 2, 3, 2, 2, 2])
        ids, scores = model.recommend(None, csr_matrix((1, 8)), N=8)
        self.assertEqual(ids.tolist(), [0, 4, 1, 2, 3, 5, 6, 7])  # ties by index
        np.testing.assert_array_equal(scores, [3, 3, 2, 2, 2, 2, 2, 2])


class EASETest(RecommenderTestMixin, unittest.TestCase):
    def _get_model(self) -> EASERecommender:
        return EASERecommender(l2=1.0)

    def test_closed_form(self) -> None:
        P = binary_positives(tiny_matrix())
        B = ease_weights(P, 1.0)
        X = P.toarray()
        G = X.T @ X + np.eye(8)
        # EASE: B minimises ||X - XB||² + λ||B||² with diag(B) = 0; check the KKT form
        # (G B)_ij = G_ij for i != j  <=>  off-diagonal of G(I - B) vanishes.
        R = G @ (np.eye(8) - B)
        off = R - np.diag(np.diag(R))
        np.testing.assert_allclose(off, 0.0, atol=1e-10)
        np.testing.assert_array_equal(np.diag(B), 0.0)

    def test_default_lambda(self) -> None:
        self.assertEqual(EASERecommender().l2, 250.0)

    def test_density_rule_lambda(self) -> None:
        model = EASERecommender(l2=None).fit(tiny_matrix())
        # 18 positives in 6 x 8: density 0.375 -> 0.13 / 0.375² < 50 -> clamped to 50
        self.assertEqual(model.fitted_l2, 50.0)
        np.testing.assert_allclose(model.W, ease_weights(binary_positives(tiny_matrix()), 50.0))


class BinaryPositivesTest(unittest.TestCase):
    def test_input_left_intact_and_only_positives_kept(self) -> None:
        X = tiny_matrix()
        before = (X.data.copy(), X.indices.copy(), X.indptr.copy())
        P = binary_positives(X)
        for a, b in zip((X.data, X.indices, X.indptr), before, strict=True):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(P.toarray(), (tiny_matrix().toarray() > 0.5).astype(float))
        # a 3★ (0.1), a like with a 2★ (0.0) and dislikes are not positives
        Q = binary_positives(csr_matrix(np.array([[0.1, 0.0, -1.0, -2.0, 1.0, 0.5, 0.51]])))
        self.assertEqual(Q.indices.tolist(), [4, 6])


class ItemKNNTest(RecommenderTestMixin, unittest.TestCase):
    def _get_model(self) -> ItemKNNRecommender:
        return ItemKNNRecommender(K=3)

    def test_k_respected(self) -> None:
        model = self._fitted()
        counts = np.diff(model.W.tocsc().indptr)
        self.assertTrue(np.all(counts <= 3))


if __name__ == "__main__":
    unittest.main()
