"""A served collaborative snapshot: the fitted engine plus the id maps between store ids and matrix axes.

Rows are users (ascending user id for a full build; users first seen by an incremental update are
appended), columns are every catalog shoe (road then trail, each in id order). The snapshot is
immutable: continuous training builds a new one and the service swaps the reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from scipy.sparse import csr_matrix

from src.recommender.collaborative_filtering import UserCollaborativeRecommender, row_ids
from src.recommender.runner_space import RunnerSpaceRecommender
from src.recommender.scores import PAIR_CODE_SCORES

CFEngine = UserCollaborativeRecommender | RunnerSpaceRecommender
# (shoe_id, score, liked_by, out_of, anchor shoe id): liked_by of the out_of runners (who also
# liked the anchor shoe, or most like the runner when the anchor is None) liked the shoe; -1 = a
# popular backfill item
EvidenceItem = tuple[str, float, int, int, str | None]

SNAPSHOT_FILE = "snapshot.npz"


def matrix_from_triples(
    triples: Iterable[tuple[int, str, float]],
    shoe_index: Mapping[str, int],
    user_ids: Sequence[int] | None = None,
) -> tuple[csr_matrix, np.ndarray]:
    """Users x shoes CSR of summed scores. Rows follow `user_ids` if given, else ascending user id.
    Shoes missing from `shoe_index` (removed from the catalog) are ignored."""
    users: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for user_id, shoe_id, score in triples:
        col = shoe_index.get(shoe_id)
        if col is not None:
            users.append(int(user_id))
            cols.append(col)
            vals.append(float(score))
    order = np.asarray(sorted(set(users)) if user_ids is None else list(user_ids), dtype=np.int64)
    row_of = {u: i for i, u in enumerate(order.tolist())}
    rows = np.fromiter((row_of[u] for u in users), dtype=np.int64, count=len(users))
    X = csr_matrix(
        (np.asarray(vals, dtype=np.float64), (rows, np.asarray(cols, dtype=np.int64))),
        shape=(len(order), len(shoe_index)),
    )
    X.sum_duplicates()
    X.sort_indices()
    return X, order


def row_arrays(scores: Mapping[str, float], shoe_index: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(sorted column indices as int64, their scores) of a user's {shoe_id: score}, zeros and shoes
    outside the catalog left out: the real-time injection of their newest data."""
    pairs = sorted((shoe_index[s], v) for s, v in scores.items() if v != 0.0 and s in shoe_index)
    cols = np.fromiter((c for c, _ in pairs), dtype=np.int64, count=len(pairs))
    vals = np.fromiter((v for _, v in pairs), dtype=np.float64, count=len(pairs))
    return cols, vals


def packed_row_arrays(
    shoes: Sequence[str], codes: bytes, shoe_index: Mapping[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """`row_arrays` of a packed runner state (sorted shoe ids, one `scores.pair_code` each): the
    same arrays, from a table lookup instead of a dict of scores."""
    # -1 for a shoe outside this version (a retired one), at C speed: runners who rated a retired
    # shoe are common, and an exception then a Python pass cost them 2.4x as much
    cols = np.fromiter(map(shoe_index.get, shoes, repeat(-1)), dtype=np.int64, count=len(shoes))
    vals = PAIR_CODE_SCORES[np.frombuffer(codes, dtype=np.uint8)]
    keep = (cols >= 0) & (vals != 0.0)
    cols, vals = cols[keep], vals[keep]
    if cols.size > 1 and bool((cols[1:] < cols[:-1]).any()):  # columns in another order than the ids
        order = np.argsort(cols)
        cols, vals = cols[order], vals[order]
    return cols, vals


def csr_row(cols: np.ndarray, vals: np.ndarray, n_shoes: int) -> csr_matrix:
    """A row's arrays (`row_arrays`, `packed_row_arrays`) as a 1 x shoes CSR row."""
    return csr_matrix((vals, cols.astype(np.int32), np.array([0, cols.size])), shape=(1, n_shoes))


def row_from_scores(scores: Mapping[str, float], shoe_index: Mapping[str, int]) -> csr_matrix:
    """`row_arrays` as a 1 x shoes CSR row."""
    return csr_row(*row_arrays(scores, shoe_index), len(shoe_index))


@dataclass(frozen=True)
class CFSnapshot:
    engine: CFEngine
    user_ids: np.ndarray  # row -> user id
    shoe_ids: np.ndarray  # column -> shoe id
    last_event_id: int  # every event up to this id is reflected in the matrix
    version: str | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    user_index: dict[int, int] = field(default_factory=dict)
    shoe_index: dict[str, int] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        engine: CFEngine,
        user_ids: np.ndarray,
        shoe_ids: Sequence[str] | np.ndarray,
        last_event_id: int,
        version: str | None = None,
        manifest: dict[str, Any] | None = None,
        user_index: dict[int, int] | None = None,
    ) -> CFSnapshot:
        """`user_index` (user id -> row) when the caller already holds it, e.g. a parent's extended
        by an incremental update (`with_changed_cells`): a dict copy instead of a rebuild over every
        runner. It must match `user_ids`."""
        shoes = np.asarray(shoe_ids, dtype=object)
        users = np.asarray(user_ids, dtype=np.int64)
        return cls(
            engine=engine,
            user_ids=users,
            shoe_ids=shoes,
            last_event_id=int(last_event_id),
            version=version,
            manifest=manifest or {},
            user_index=(
                {int(u): i for i, u in enumerate(users.tolist())} if user_index is None else user_index
            ),
            shoe_index={str(s): i for i, s in enumerate(shoes.tolist())},
        )

    def recommend(self, user_id: int, scores: Mapping[str, float], n: int) -> list[tuple[str, float, bool]]:
        """Top-n (shoe_id, score, from_similar_runners) for a user whose current scores are `scores`."""
        row = row_from_scores(scores, self.shoe_index)
        ids, vals, from_neighbours = self.engine.recommend_with_reasons(
            self.user_index.get(user_id), row, N=n
        )
        return [
            (str(self.shoe_ids[i]), float(v), bool(f))
            for i, v, f in zip(ids, vals, from_neighbours, strict=True)
        ]

    def recommend_with_evidence(
        self, user_id: int, scores: Mapping[str, float], n: int
    ) -> tuple[list[EvidenceItem], int]:
        """Top-n evidence items (`EvidenceItem`) and the number of similar runners consulted (0 for
        the item-space engine, whose evidence names an anchor shoe per item instead)."""
        return self.recommend_row(user_id, *row_arrays(scores, self.shoe_index), n)

    def recommend_row(
        self, user_id: int, cols: np.ndarray, scored: np.ndarray, n: int
    ) -> tuple[list[EvidenceItem], int]:
        """`recommend_with_evidence` for the runner's row as `row_arrays` gives it."""
        userid = self.user_index.get(user_id)
        if isinstance(self.engine, RunnerSpaceRecommender):
            ids, vals, liked_by, out_of, anchor = self.engine.recommend_scores(userid, cols, scored, N=n)
            shoes = self.shoe_ids
            items: list[EvidenceItem] = [
                (str(shoes[i]), float(v), int(b), int(o), str(shoes[a]) if a >= 0 else None)
                for i, v, b, o, a in zip(
                    ids.tolist(),
                    vals.tolist(),
                    liked_by.tolist(),
                    out_of.tolist(),
                    anchor.tolist(),
                    strict=True,
                )
            ]
            return items, 0
        row = csr_row(cols, scored, len(self.shoe_index))
        ids, vals, liked, n_neighbours = self.engine.recommend_with_evidence(userid, row, N=n)
        items = [
            (str(self.shoe_ids[i]), float(v), int(b), n_neighbours, None)
            for i, v, b in zip(ids.tolist(), vals.tolist(), liked.tolist(), strict=True)
        ]
        return items, n_neighbours

    def save(self, directory: Path) -> None:
        X = self.engine.user_items
        np.savez(
            directory / SNAPSHOT_FILE,
            data=X.data,
            indices=X.indices,
            indptr=X.indptr,
            shape=np.asarray(X.shape, dtype=np.int64),
            user_ids=self.user_ids,
            shoe_ids=np.asarray(self.shoe_ids, dtype=str),
        )

    @classmethod
    def load(cls, directory: Path, manifest: dict[str, Any], engine: CFEngine) -> CFSnapshot:
        with np.load(directory / SNAPSHOT_FILE, allow_pickle=False) as z:
            X = csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
            user_ids, shoe_ids = z["user_ids"], z["shoe_ids"]
        return cls.create(
            engine.fit(X),
            user_ids,
            shoe_ids.astype(object),
            int(manifest["last_event_id"]),
            directory.name,
            manifest,
        )


def with_user_rows(
    parent: CFSnapshot, triples: Iterable[tuple[int, str, float]], user_ids: Sequence[int]
) -> tuple[CFEngine, np.ndarray]:
    """The parent's engine with the rows of `user_ids` replaced by `triples` (their complete new
    scores); users the parent does not know are appended in the given order. Equal to a fit on
    the updated matrix (the engine's incremental path)."""
    known = [u for u in user_ids if u in parent.user_index]
    new = [u for u in user_ids if u not in parent.user_index]
    rows, _ = matrix_from_triples(triples, parent.shoe_index, user_ids=known + new)
    positions = np.asarray(
        [parent.user_index[u] for u in known]
        + list(range(len(parent.user_ids), len(parent.user_ids) + len(new))),
        dtype=np.int64,
    )
    engine = parent.engine.with_updated_rows(positions, rows)
    return engine, np.concatenate([parent.user_ids, np.asarray(new, dtype=np.int64)])


class UpdatedRows(NamedTuple):
    """An engine with some runners' rows replaced, its row -> user id map and the inverse."""

    engine: CFEngine
    user_ids: np.ndarray
    user_index: dict[int, int]


Cells = tuple[np.ndarray, np.ndarray, np.ndarray]  # (row, column, value) of stored entries


def patched_rows(shape: tuple[int, int], old: Cells, changed: Cells) -> csr_matrix:
    """The CSR of shape `shape` holding the `old` entries with the `changed` cells replacing theirs:
    a changed cell of value 0.0 removes the entry; of repeated changed cells the last wins."""
    n_cols = max(shape[1], 1)
    old_r, old_c, old_v = (np.asarray(a) for a in old)
    new_r, new_c, new_v = (np.asarray(a) for a in changed)
    new_keys = new_r.astype(np.int64) * n_cols + new_c.astype(np.int64)
    keys, last = np.unique(new_keys[::-1], return_index=True)
    vals = new_v.astype(np.float64)[::-1][last]
    old_keys = old_r.astype(np.int64) * n_cols + old_c.astype(np.int64)
    kept = ~np.isin(old_keys, keys)
    live = vals != 0.0
    all_keys = np.concatenate([old_keys[kept], keys[live]])
    data = np.concatenate([old_v.astype(np.float64)[kept], vals[live]])
    X = csr_matrix((data, (all_keys // n_cols, all_keys % n_cols)), shape=shape)
    X.sort_indices()
    return X


def with_changed_cells(
    parent: CFSnapshot,
    cells: Iterable[tuple[int, str, float]],
    reset_user_ids: Iterable[int] = (),
) -> UpdatedRows:
    """The parent's engine with the (user id, shoe id, score) `cells` set in their runners' rows,
    every other cell of those rows kept from the parent (a 0.0 score removes the cell). Runners in
    `reset_user_ids` (erased by a forget) and runners the parent does not know start from an empty
    row; new runners are appended in ascending id order. Shoes missing from the snapshot are
    ignored. Equal to `with_user_rows` given the touched runners' complete new rows, at a cost
    proportional to the touched rows, not to their histories."""
    triples = list(cells)
    cell_users = np.fromiter((int(t[0]) for t in triples), dtype=np.int64, count=len(triples))
    cell_cols = np.fromiter(
        (parent.shoe_index.get(str(t[1]), -1) for t in triples), dtype=np.int64, count=len(triples)
    )
    cell_vals = np.fromiter((float(t[2]) for t in triples), dtype=np.float64, count=len(triples))
    reset = np.fromiter((int(u) for u in reset_user_ids), dtype=np.int64)
    touched = np.union1d(cell_users, reset)  # sorted, distinct
    if touched.size == 0:
        return UpdatedRows(parent.engine, parent.user_ids, parent.user_index)

    index = parent.user_index
    n_parent = len(parent.user_ids)
    parent_row = np.fromiter((index.get(u, -1) for u in touched.tolist()), dtype=np.int64, count=touched.size)
    is_new = parent_row < 0
    from_parent = ~is_new & ~np.isin(touched, reset)
    kept = parent.engine.user_rows(parent_row[from_parent])
    old: Cells = (np.flatnonzero(from_parent)[row_ids(kept.indptr)], kept.indices, kept.data)
    in_catalog = cell_cols >= 0
    changed: Cells = (
        np.searchsorted(touched, cell_users[in_catalog]),
        cell_cols[in_catalog],
        cell_vals[in_catalog],
    )
    rows = patched_rows((touched.size, len(parent.shoe_ids)), old, changed)

    positions = np.where(is_new, n_parent + np.cumsum(is_new) - 1, parent_row)
    engine = parent.engine.with_updated_rows(positions, rows)
    new_users = touched[is_new]
    user_index = dict(index)
    user_index.update(zip(new_users.tolist(), range(n_parent, n_parent + new_users.size), strict=True))
    return UpdatedRows(engine, np.concatenate([parent.user_ids, new_users]), user_index)
