"""The served snapshot's row builders: a packed runner state gives the ranking the same row."""

from __future__ import annotations

import numpy as np

from src.recommender.cf_snapshot import packed_row_arrays, row_arrays
from src.store import UserState


def test_a_packed_state_gives_the_row_its_scores_give() -> None:
    rng = np.random.default_rng(5)
    catalog = [f"R{i:03d}" for i in range(30)] + [f"T{i:03d}" for i in range(15)]
    for order in ("ids", "shuffled"):
        columns = list(catalog) if order == "ids" else list(rng.permutation(catalog))
        shoe_index = {s: i for i, s in enumerate(columns[:40])}  # 5 shoes left the catalog
        for _ in range(150):
            liked = rng.choice(catalog, size=rng.integers(0, 10), replace=False)
            rated = rng.choice(catalog, size=rng.integers(0, 10), replace=False)
            rows = [(s, "like", None) for s in liked] + [(s, "rate", int(rng.integers(1, 6))) for s in rated]
            state = UserState(rows, 1)
            cols, vals = packed_row_arrays(state.shoes, state.codes, shoe_index)
            want_cols, want_vals = row_arrays(state.scores, shoe_index)
            assert cols.dtype == want_cols.dtype and vals.dtype == want_vals.dtype
            np.testing.assert_array_equal(cols, want_cols)
            np.testing.assert_array_equal(vals, want_vals)  # exact: the same float per pair


def test_a_pair_that_sums_to_zero_is_left_out_like_a_shoe_outside_the_catalog() -> None:
    state = UserState(
        [("R001", "like", None), ("R001", "rate", 2), ("R002", "rate", 5), ("X9", "like", None)], 3
    )
    cols, vals = packed_row_arrays(state.shoes, state.codes, {"R001": 0, "R002": 1})
    assert cols.tolist() == [1] and vals.tolist() == [2.0]
