"""The one small interface every recommender implements (in the spirit of benfred/implicit).

A model is fitted on a users x items `scipy.sparse.csr_matrix` of signed scores and recommends
item column indices for one user, given that user's current row (which may hold interactions the
model was not fitted on: real-time injection). Items stored in the row count as seen and are never
returned. Results are deterministic; ties are broken by ascending item index.
"""

from __future__ import annotations

import json
import os
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Self

import numpy as np
from scipy.sparse import csr_matrix

from src.recommender.scores import POSITIVE_THRESHOLD


class RecommenderBase(ABC):
    """Abstract recommender: `fit(user_items) -> self` and `recommend(...) -> (ids, scores)`."""

    @abstractmethod
    def fit(self, user_items: csr_matrix) -> Self:
        """Fit on a users x items CSR matrix of signed scores; returns self."""

    @abstractmethod
    def recommend(
        self, userid: int | None, user_items_row: csr_matrix, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-N for one user: (item indices best first, their scores, non-increasing).

        `userid` is the user's row in the fitted matrix (None for a user unknown to the fit);
        `user_items_row` is a 1 x n_items CSR row with the user's current scores. No item stored
        in that row is returned; fewer than N ids may come back.
        """

    def get_params(self) -> dict[str, Any]:
        """JSON-able constructor parameters (recorded in artifact manifests)."""
        return {}

    @property
    @abstractmethod
    def user_items(self) -> csr_matrix:
        """The users x items matrix the model was fitted on (what `save` stores)."""

    def save(self, path: str | Path) -> None:
        """Write the parameters and the fitted matrix to one .npz, atomically (temp file + rename).

        Every model's fit is deterministic, so `load` refits and reproduces the same model.
        """
        path = Path(path)
        X = self.user_items
        header = json.dumps({"model": type(self).__name__, "params": self.get_params()})
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(
                    fh,
                    header=np.array(header),
                    data=X.data,
                    indices=X.indices,
                    indptr=X.indptr,
                    shape=np.asarray(X.shape, dtype=np.int64),
                )
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """A model written by `save` of this same class, refitted on its stored matrix."""
        with np.load(Path(path), allow_pickle=False) as z:
            header = json.loads(str(z["header"]))
            X = csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
        if header.get("model") != cls.__name__:
            raise ValueError(f"{path} holds a {header.get('model')!r}, not a {cls.__name__!r}")
        return cls(**header["params"]).fit(X)


def as_row(user_items_row: csr_matrix | np.ndarray, n_items: int) -> csr_matrix:
    """Validate and canonicalise a 1 x n_items row (duplicates summed, indices sorted). A row that
    already is one is returned as is (the engines never write to it): building a sparse matrix
    costs more than the per-request math on a short row."""
    if (
        isinstance(user_items_row, csr_matrix)
        and user_items_row.dtype == np.float64
        and user_items_row.shape == (1, n_items)
        and user_items_row.has_canonical_format
    ):
        return user_items_row
    row = csr_matrix(user_items_row, dtype=np.float64)
    if row.shape != (1, n_items):
        raise ValueError(f"user_items_row must have shape (1, {n_items}), got {row.shape}")
    if not row.has_canonical_format:
        row = row.copy()
        row.sum_duplicates()
    return row


def as_user_items(user_items: csr_matrix) -> csr_matrix:
    """A canonical float64 CSR copy of a users x items matrix (duplicates summed, sorted indices)."""
    X = csr_matrix(user_items, dtype=np.float64, copy=True)
    X.sum_duplicates()
    X.sort_indices()
    return X


def binary_positives(user_items: csr_matrix) -> csr_matrix:
    """1.0 where score > POSITIVE_THRESHOLD, as a new CSR of the same shape (others dropped).

    The index arrays are copied: dropping the non-positives in place must never reach the
    caller's matrix (sharing them once left the input with the positives' structure but all
    its values).
    """
    X = csr_matrix(user_items, dtype=np.float64)
    P = csr_matrix(
        ((X.data > POSITIVE_THRESHOLD).astype(np.float64), X.indices.copy(), X.indptr.copy()), shape=X.shape
    )
    P.eliminate_zeros()
    return P


def top_n(scores: np.ndarray, n: int, candidates: np.ndarray | None = None) -> np.ndarray:
    """Indices of the n largest `scores` (restricted to `candidates`), best first, ties by index.

    Deterministic whatever the input layout: among equal scores the lower index wins.
    """
    idx = np.arange(scores.size) if candidates is None else np.asarray(candidates, dtype=np.int64)
    vals = scores[idx]
    if n <= 0 or idx.size == 0:
        return idx[:0]
    if idx.size > n:
        kth = np.partition(vals, idx.size - n)[idx.size - n]
        keep = vals >= kth
        idx, vals = idx[keep], vals[keep]
    order = np.lexsort((idx, -vals))[:n]
    return idx[order]


def top_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """`top_n(scores, n, np.flatnonzero(scores > 0))` in fewer array passes (the serving path):
    one partition of the whole array finds the n-th largest score, and when it is positive no
    positivity test is needed."""
    if n <= 0 or scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    kth = float(np.partition(scores, scores.size - n)[scores.size - n]) if n < scores.size else 0.0
    idx = np.flatnonzero(scores >= kth) if kth > 0 else np.flatnonzero(scores > 0)
    # flatnonzero is ascending, so a stable sort on the negated scores breaks ties by index
    return idx[np.argsort(-scores[idx], kind="stable")[:n]]


def filter_seen_top_n(scores: np.ndarray, seen: np.ndarray, n: int) -> np.ndarray:
    """top_n over every index of `scores` except `seen` (sorted unique ints)."""
    mask = np.ones(scores.size, dtype=bool)
    mask[seen] = False
    return top_n(scores, n, np.flatnonzero(mask))
