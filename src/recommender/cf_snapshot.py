"""A served collaborative snapshot: the fitted engine plus the id maps between store ids and matrix axes.

Rows are users (ascending user id for a full build; users first seen by an incremental update are
appended), columns are every catalog shoe (road then trail, each in id order). The snapshot is
immutable: continuous training builds a new one and the service swaps the reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from src.recommender.collaborative_filtering import UserCollaborativeRecommender

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


def row_from_scores(scores: Mapping[str, float], shoe_index: Mapping[str, int]) -> csr_matrix:
    """A 1 x shoes CSR row from a user's {shoe_id: score} (real-time injection of their newest data)."""
    pairs = sorted((shoe_index[s], v) for s, v in scores.items() if s in shoe_index and v != 0.0)
    cols = np.fromiter((c for c, _ in pairs), dtype=np.int32, count=len(pairs))
    vals = np.fromiter((v for _, v in pairs), dtype=np.float64, count=len(pairs))
    return csr_matrix((vals, cols, np.array([0, len(pairs)])), shape=(1, len(shoe_index)))


@dataclass(frozen=True)
class CFSnapshot:
    engine: UserCollaborativeRecommender
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
        engine: UserCollaborativeRecommender,
        user_ids: np.ndarray,
        shoe_ids: Sequence[str] | np.ndarray,
        last_event_id: int,
        version: str | None = None,
        manifest: dict[str, Any] | None = None,
    ) -> CFSnapshot:
        shoes = np.asarray(shoe_ids, dtype=object)
        users = np.asarray(user_ids, dtype=np.int64)
        return cls(
            engine=engine,
            user_ids=users,
            shoe_ids=shoes,
            last_event_id=int(last_event_id),
            version=version,
            manifest=manifest or {},
            user_index={int(u): i for i, u in enumerate(users.tolist())},
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
    ) -> tuple[list[tuple[str, float, int]], int]:
        """Top-n (shoe_id, score, liked_by) and the number of similar runners consulted; liked_by is
        how many of them liked the shoe, -1 for a popular backfill item."""
        row = row_from_scores(scores, self.shoe_index)
        ids, vals, liked_by, n_neighbours = self.engine.recommend_with_evidence(
            self.user_index.get(user_id), row, N=n
        )
        items = [
            (str(self.shoe_ids[i]), float(v), int(b))
            for i, v, b in zip(ids.tolist(), vals.tolist(), liked_by.tolist(), strict=True)
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
    def load(
        cls, directory: Path, manifest: dict[str, Any], engine: UserCollaborativeRecommender
    ) -> CFSnapshot:
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
) -> tuple[UserCollaborativeRecommender, np.ndarray]:
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
