"""Tests every recommender must pass, on a tiny deterministic matrix (implicit-style mixin).

Subclass with `unittest.TestCase` and implement `_get_model()` returning an unfitted model.
"""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from src.recommender.base import RecommenderBase

# 6 users x 8 items of signed scores: two taste groups (items 0-3, items 4-7) plus dislikes.
DENSE = np.array(
    [
        [2.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, -2.0],
        [1.0, 2.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
        [2.0, 0.0, 1.0, 1.0, 0.0, -1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 2.0, 1.0, 1.0, 0.0],
        [0.0, 0.0, -1.0, 0.0, 1.0, 2.0, 0.0, 1.0],
        [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 2.0, 1.0],
    ]
)


def tiny_matrix() -> csr_matrix:
    return csr_matrix(DENSE)


class RecommenderTestMixin:
    """Mixed into unittest.TestCase subclasses."""

    def _get_model(self) -> RecommenderBase:
        raise NotImplementedError

    def _fitted(self) -> RecommenderBase:
        return self._get_model().fit(tiny_matrix())

    def test_returns_at_most_n_sorted(self) -> None:
        model = self._fitted()
        X = tiny_matrix()
        for u in range(X.shape[0]):
            for n in (1, 2, 3, 10):
                ids, scores = model.recommend(u, X[u], N=n)
                self.assertLessEqual(len(ids), n)  # type: ignore[attr-defined]
                self.assertEqual(len(ids), len(scores))  # type: ignore[attr-defined]
                self.assertTrue(np.all(np.diff(scores) <= 1e-12))  # type: ignore[attr-defined]
                self.assertEqual(len(set(ids.tolist())), len(ids))  # type: ignore[attr-defined]

    def test_never_returns_seen_items(self) -> None:
        model = self._fitted()
        X = tiny_matrix()
        for u in range(X.shape[0]):
            ids, _ = model.recommend(u, X[u], N=8)
            self.assertFalse(set(ids.tolist()) & set(X[u].indices.tolist()))  # type: ignore[attr-defined]

    def test_recommends_the_taste_group(self) -> None:
        model = self._fitted()
        X = tiny_matrix()
        ids, _ = model.recommend(0, X[0], N=1)
        self.assertEqual(ids.tolist(), [3])  # type: ignore[attr-defined]

    def test_new_user_with_injected_row(self) -> None:
        model = self._fitted()
        row = csr_matrix(np.array([[0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 1.0, 0.0]]))
        ids, _ = model.recommend(None, row, N=3)
        self.assertGreater(len(ids), 0)  # type: ignore[attr-defined]
        self.assertNotIn(4, ids.tolist())  # type: ignore[attr-defined]
        self.assertNotIn(6, ids.tolist())  # type: ignore[attr-defined]
        self.assertIn(int(ids[0]), (5, 7))  # type: ignore[attr-defined]

    def test_empty_row(self) -> None:
        model = self._fitted()
        ids, scores = model.recommend(None, csr_matrix((1, DENSE.shape[1])), N=4)
        self.assertLessEqual(len(ids), 4)  # type: ignore[attr-defined]
        self.assertEqual(len(ids), len(scores))  # type: ignore[attr-defined]

    def test_deterministic(self) -> None:
        X = tiny_matrix()
        a = self._get_model().fit(X)
        b = self._get_model().fit(X)
        for u in range(X.shape[0]):
            ia, sa = a.recommend(u, X[u], N=5)
            ib, sb = b.recommend(u, X[u], N=5)
            np.testing.assert_array_equal(ia, ib)
            np.testing.assert_array_equal(sa, sb)
            ic, _ = a.recommend(u, X[u], N=5)
            np.testing.assert_array_equal(ia, ic)

    def test_fit_does_not_modify_input(self) -> None:
        X = tiny_matrix()
        before = X.toarray().copy()
        self._get_model().fit(X)
        np.testing.assert_array_equal(X.toarray(), before)

    def _assert_same_recommendations(self, a: RecommenderBase, b: RecommenderBase) -> None:
        X = tiny_matrix()
        rows = [(u, X[u]) for u in range(X.shape[0])]
        rows.append((None, csr_matrix(np.array([[0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 1.0, 0.0]]))))
        for u, row in rows:
            ia, sa = a.recommend(u, row, N=5)
            ib, sb = b.recommend(u, row, N=5)
            np.testing.assert_array_equal(ia, ib)
            np.testing.assert_allclose(sa, sb, rtol=1e-12, atol=1e-14)

    def test_save_load_roundtrip(self) -> None:
        model = self._fitted()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.npz"
            model.save(path)
            loaded = type(model).load(path)
            self.assertEqual(sorted(p.name for p in Path(tmp).iterdir()), ["model.npz"])  # type: ignore[attr-defined]
        self.assertEqual(loaded.get_params(), model.get_params())  # type: ignore[attr-defined]
        np.testing.assert_array_equal(loaded.user_items.toarray(), tiny_matrix().toarray())
        self._assert_same_recommendations(model, loaded)

    def test_pickle_after_use(self) -> None:
        model = self._fitted()
        model.recommend(0, tiny_matrix()[0], N=3)  # any per-thread scratch state now exists
        clone = pickle.loads(pickle.dumps(model))
        self._assert_same_recommendations(model, clone)

    def test_unfitted_model_cannot_be_saved(self) -> None:
        with tempfile.TemporaryDirectory() as tmp, self.assertRaises(RuntimeError):  # type: ignore[attr-defined]
            self._get_model().save(Path(tmp) / "model.npz")

    def test_get_params_json(self) -> None:
        import json

        json.dumps(self._get_model().get_params())
