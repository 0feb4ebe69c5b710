"""Reference recommenders on the same interface: popularity, EASE and item-KNN.

All of them work on binary positives (score > 0.5) of the fitted matrix, filter every item stored
in the user's row and break ties by ascending item index.

* `PopularityRecommender`: items ranked by their count of training positives.
* `EASERecommender`: Steck (2019) closed form B = I - P / diag(P), P = (XᵀX + λI)⁻¹, diag(B) = 0;
  dense items x items (fine up to ~10⁴ items), λ = 250 by default.
* `ItemKNNRecommender`: cosine item-item similarity on positives, K most similar items kept per
  item, score = row @ S.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from scipy.sparse import csr_matrix

from src.recommender.base import RecommenderBase, as_row, as_user_items, binary_positives, top_n, top_positive
from src.recommender.collaborative_filtering import item_l2_for_density, item_weights
from src.recommender.scores import POSITIVE_THRESHOLD

__all__ = [
    "EASERecommender",
    "ItemKNNRecommender",
    "PopularityRecommender",
    "binary_positives",
    "ease_weights",
    "item_knn_weights",
]


def ease_weights(positives: csr_matrix, l2: float) -> np.ndarray:
    """EASE item-item weights (dense n_items x n_items, zero diagonal): the engine's item component."""
    return item_weights(positives, l2)


def item_knn_weights(positives: csr_matrix, K: int) -> csr_matrix:
    """Cosine item-item similarities, top-K per item column (ties: lower index), zero diagonal."""
    norms = np.sqrt(np.asarray(positives.multiply(positives).sum(axis=0)).ravel())
    norms[norms == 0] = 1.0
    sim = (positives.T @ positives).toarray() / np.outer(norms, norms)
    np.fill_diagonal(sim, 0.0)
    n = sim.shape[0]
    rows, cols, vals = [], [], []
    for j in range(n):
        nbrs = top_positive(sim[:, j], K)
        rows.append(nbrs)
        cols.append(np.full(nbrs.size, j))
        vals.append(sim[nbrs, j])
    return csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))


def _top_unseen(scores: np.ndarray, row: csr_matrix, N: int) -> tuple[np.ndarray, np.ndarray]:
    mask = np.ones(scores.size, dtype=bool)
    mask[row.indices] = False
    ids = top_n(scores, N, np.flatnonzero(mask))
    return ids, scores[ids]


class _FittedMatrix(RecommenderBase):
    _user_items: csr_matrix | None = None

    @property
    def user_items(self) -> csr_matrix:
        if self._user_items is None:
            raise RuntimeError("the recommender is not fitted")
        return self._user_items


class PopularityRecommender(_FittedMatrix):
    """Most training positives first (the same list for everyone, minus seen items)."""

    def fit(self, user_items: csr_matrix) -> Self:
        X = as_user_items(user_items)
        self.n_items = X.shape[1]
        self._user_items = X
        self.counts = np.bincount(X.indices[X.data > POSITIVE_THRESHOLD], minlength=self.n_items).astype(
            np.float64
        )
        return self

    def recommend(
        self, userid: int | None, user_items_row: csr_matrix, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray]:
        return _top_unseen(self.counts, as_row(user_items_row, self.n_items), N)


class _ItemWeightsRecommender(_FittedMatrix):
    """Item-to-item models: fit learns an items x items weight matrix W from binary positives;
    an item's score for a user is the sum of W's rows of the items the user liked."""

    def _weights(self, positives: csr_matrix) -> Any:
        raise NotImplementedError

    def fit(self, user_items: csr_matrix) -> Self:
        X = as_user_items(user_items)
        self.n_items = X.shape[1]
        self._user_items = X
        self.W = self._weights(binary_positives(X))
        return self

    def recommend(
        self, userid: int | None, user_items_row: csr_matrix, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray]:
        row = as_row(user_items_row, self.n_items)
        pos = row.indices[row.data > POSITIVE_THRESHOLD]
        scores = (
            np.asarray(self.W[pos].sum(axis=0), dtype=np.float64).ravel()
            if pos.size
            else np.zeros(self.n_items)
        )
        return _top_unseen(scores, row, N)


class EASERecommender(_ItemWeightsRecommender):
    """EASE (Steck 2019) on binary positives; `l2` is λ (None: the engine's density rule)."""

    def __init__(self, l2: float | None = 250.0) -> None:
        self.l2 = None if l2 is None else float(l2)
        self.fitted_l2: float | None = None

    def get_params(self) -> dict[str, Any]:
        return {"l2": self.l2}

    def _weights(self, positives: csr_matrix) -> Any:
        density = positives.nnz / max(1, positives.shape[0] * positives.shape[1])
        self.fitted_l2 = self.l2 if self.l2 is not None else item_l2_for_density(density)
        return ease_weights(positives, self.fitted_l2)


class ItemKNNRecommender(_ItemWeightsRecommender):
    """Item-based KNN: cosine on positives, K neighbours per item."""

    def __init__(self, K: int = 100) -> None:
        self.K = int(K)

    def get_params(self) -> dict[str, Any]:
        return {"K": self.K}

    def _weights(self, positives: csr_matrix) -> Any:
        return item_knn_weights(positives, self.K)
