"""Row canonicalisation shared by every engine (src/recommender/base.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from src.recommender.base import as_row, top_n, top_positive


def test_a_canonical_float_row_is_used_as_is() -> None:
    row = csr_matrix((np.array([1.0, 2.0]), np.array([0, 3]), np.array([0, 2])), shape=(1, 5))
    assert as_row(row, 5) is row


def test_duplicates_are_summed_without_touching_the_callers_row() -> None:
    row = csr_matrix((np.array([1.0, 2.0, 0.5]), np.array([3, 0, 3]), np.array([0, 3])), shape=(1, 5))
    out = as_row(row, 5)
    assert out is not row
    assert out.toarray().tolist() == [[2.0, 0.0, 0.0, 1.5, 0.0]]
    assert list(out.indices) == [0, 3]
    assert row.nnz == 3  # the caller's row is unchanged


def test_an_integer_or_dense_row_becomes_a_float_csr_row() -> None:
    dense = np.array([[0, 4, 0]])
    out = as_row(dense, 3)
    assert out.dtype == np.float64 and out.toarray().tolist() == [[0.0, 4.0, 0.0]]
    ints = csr_matrix(np.array([[1, 0, 2]]))
    assert as_row(ints, 3).dtype == np.float64


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match=r"shape \(1, 4\)"):
        as_row(csr_matrix((1, 3)), 4)


def test_top_positive_ranks_the_largest_positive_scores_ties_by_index() -> None:
    scores = np.array([0.5, -1.0, 0.9, 0.5, 0.0, 0.5, 0.2])
    assert top_positive(scores, 3).tolist() == [2, 0, 3]  # 0.5 three times: the lower indices
    assert top_positive(scores, 10).tolist() == [2, 0, 3, 5, 6]  # never a score <= 0
    assert top_positive(scores, 0).tolist() == []
    assert top_positive(np.array([-1.0, 0.0]), 2).tolist() == []


def test_top_positive_is_top_n_over_the_positive_scores() -> None:
    rng = np.random.default_rng(11)
    for size in (1, 2, 5, 40, 804):
        for n in (1, 3, 21, 1000):
            scores = np.round(rng.standard_normal(size), 1)  # rounded: many ties
            want = top_n(scores, n, np.flatnonzero(scores > 0))
            assert top_positive(scores, n).tolist() == want.tolist()
