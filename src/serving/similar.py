"""Similar shoes: "runners who liked this also liked" from the CF version's matrix, backed by the
autoencoder's latent space for shoes with too few co-likes.

Built once per (CF version, content models) and kept until either changes, so a request is a
lookup: per shoe, its best co-liked shoes (cosine of the binary "liked" columns, only pairs liked
together by at least `MIN_CO_LIKES` runners) and its nearest shoes of the same type in the latent
space (cosine of latents centred on their type's mean). A request takes co-liked shoes first and
fills the rest from the latent list; every item says which (`reason`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from scipy.sparse import csr_matrix

from src.recommender.cf_snapshot import CFSnapshot

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

MIN_CO_LIKES = 2  # one runner liking two shoes is an anecdote, two is a pattern
KEEP = 50  # neighbours kept per shoe and per list (the API's n is at most this)


def co_like_counts(positives: csr_matrix) -> npt.NDArray[np.int64]:
    """(items, items) runners who liked both shoes; the diagonal is zeroed. `positives` is users x
    items with any value > 0 meaning "liked"."""
    B = (positives > 0).astype(np.int64)
    C = np.asarray((B.T @ B).todense(), dtype=np.int64)
    np.fill_diagonal(C, 0)
    return C


def co_like_cosine(counts: npt.NDArray[np.int64], likers: npt.NDArray[np.int64]) -> FloatArray:
    """counts_ij / sqrt(likers_i * likers_j): 1 when two shoes are liked by exactly the same runners."""
    norm = np.sqrt(np.maximum(likers, 1).astype(np.float64))
    return counts / norm[:, None] / norm[None, :]


def latent_cosine(latent: FloatArray) -> FloatArray:
    """Cosine between shoes' latents centred on their mean (uncentred, every shoe looks alike)."""
    z = latent - latent.mean(axis=0)
    z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
    sim = z @ z.T
    np.fill_diagonal(sim, -np.inf)
    return sim


def top_k_rows(
    scores: FloatArray, k: int, valid: npt.NDArray[np.bool_] | None = None
) -> tuple[IntArray, FloatArray]:
    """Per row, the column indices of the k best scores (best first; ties by column) and the scores;
    invalid entries come back as index -1."""
    k = min(k, scores.shape[1])
    key = np.where(valid, scores, -np.inf) if valid is not None else scores
    order = np.argsort(-key, axis=1, kind="stable")[:, :k]
    best = np.take_along_axis(key, order, axis=1)
    return np.where(np.isfinite(best), order, -1), np.where(np.isfinite(best), best, 0.0)


@dataclass(frozen=True)
class SimilarIndex:
    cf_version: str | None
    shoe_ids: Sequence[str]
    shoe_types: Sequence[str]
    position: Mapping[str, int]
    co_idx: IntArray  # (items, KEEP) co-liked neighbours, -1 = none
    co_score: FloatArray
    co_count: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]  # (items, items) runners who liked both
    latent_idx: IntArray  # (items, KEEP) latent neighbours of the same type, -1 = none
    latent_score: FloatArray
    prefixes: Sequence[bytes]  # `{"shoe_id":..,"name":..,"brand":..,"shoe_type":..,` per shoe

    def similar(self, shoe_id: str, n: int, same_type: bool = True) -> list[tuple[int, float, str, int]]:
        """(catalog position, score, reason, co_likes) best first: co-liked, then similar specs."""
        i = self.position[shoe_id]
        own_type = self.shoe_types[i]
        out: list[tuple[int, float, str, int]] = []
        taken = {i}
        for j, s, c in zip(
            self.co_idx[i].tolist(), self.co_score[i].tolist(), self.co_count[i].tolist(), strict=True
        ):
            if len(out) >= n or j < 0:
                break
            if same_type and self.shoe_types[j] != own_type:
                continue
            out.append((j, s, "co_liked", c))
            taken.add(j)
        for j, s in zip(self.latent_idx[i].tolist(), self.latent_score[i].tolist(), strict=True):
            if len(out) >= n or j < 0:
                break
            if j not in taken:
                out.append((j, s, "similar_specs", int(self.counts[i, j])))
        return out

    def json(self, shoe_id: str, n: int, same_type: bool = True) -> bytes:
        items = b",".join(
            self.prefixes[j] + orjson.dumps({"score": round(s, 4), "reason": r, "co_likes": c})[1:]
            for j, s, r, c in self.similar(shoe_id, n, same_type)
        )
        head = orjson.dumps({"status": "success", "shoe_id": shoe_id, "cf_version": self.cf_version})
        return head[:-1] + b',"data":[' + items + b"]}"


def build_similar_index(
    snapshot: CFSnapshot | None, shoes: Sequence[Mapping[str, Any]], content: Mapping[str, Any]
) -> SimilarIndex:
    """Load time (per CF version): every shoe's co-liked and latent neighbours."""
    shoe_ids = [str(s["shoe_id"]) for s in shoes]
    types = [str(s["shoe_type"]) for s in shoes]
    position = {sid: i for i, sid in enumerate(shoe_ids)}
    n = len(shoe_ids)
    counts = np.zeros((n, n), dtype=np.int64)
    mapped = snapshot is not None and not getattr(snapshot.engine, "has_rows", True)
    together = snapshot.engine.liked_together() if mapped else None  # type: ignore[union-attr]
    if snapshot is not None:
        cols = np.array([position.get(str(s), -1) for s in snapshot.shoe_ids])
        keep = np.flatnonzero(cols >= 0)
        if together is not None:  # a worker's mapped artifact: the co-counts are published with it
            C = np.rint(together[np.ix_(keep, keep)]).astype(np.int64)
            np.fill_diagonal(C, 0)
        else:
            C = co_like_counts(snapshot.engine.user_items[:, keep])
        counts[np.ix_(cols[keep], cols[keep])] = C
    likers = np.zeros(n, dtype=np.int64)
    if snapshot is not None:
        if together is not None:
            liked = np.rint(np.diag(together)).astype(np.int64)
        else:
            liked = np.asarray((snapshot.engine.user_items > 0).sum(axis=0)).ravel()
        for j, sid in enumerate(snapshot.shoe_ids):
            if str(sid) in position:
                likers[position[str(sid)]] = liked[j]
    cosine = co_like_cosine(counts, likers)
    co_idx, co_score = top_k_rows(cosine, KEEP, counts >= MIN_CO_LIKES)
    co_count = np.where(co_idx >= 0, np.take_along_axis(counts, np.maximum(co_idx, 0), axis=1), 0)

    latent_sim = np.full((n, n), -np.inf)
    for model in content.values():
        if model is None:
            continue
        members = [(position[sid], k) for k, sid in enumerate(model.shoe_ids) if sid in position]
        if not members:
            continue
        rows = np.array([p for p, _ in members])
        z = model.encoder(model.x[[k for _, k in members]])
        latent_sim[np.ix_(rows, rows)] = latent_cosine(np.asarray(z, dtype=np.float64))
    latent_idx, latent_score = top_k_rows(latent_sim, KEEP)
    prefixes = [
        orjson.dumps(
            {"shoe_id": s["shoe_id"], "name": s["name"], "brand": s["brand"], "shoe_type": s["shoe_type"]}
        )[:-1]
        + b","
        for s in shoes
    ]
    return SimilarIndex(
        snapshot.version if snapshot else None,
        shoe_ids,
        types,
        position,
        co_idx,
        co_score,
        co_count,
        counts,
        latent_idx,
        latent_score,
        prefixes,
    )


class SimilarHolder:
    """The index for the serving CF version and content models, rebuilt when either changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[object, ...] = ()
        self._index: SimilarIndex | None = None

    def _current(self, key: tuple[object, ...]) -> bool:
        # identity, not equality: the key holds the very objects the index was built from
        return len(key) == len(self._key) and all(a is b for a, b in zip(key, self._key, strict=True))

    def get(
        self, snapshot: CFSnapshot | None, shoes: Sequence[Mapping[str, Any]], content: Mapping[str, Any]
    ) -> SimilarIndex:
        key = (snapshot, shoes, *content.values())
        index = self._index
        if index is not None and self._current(key):
            return index
        with self._lock:
            if self._index is None or not self._current(key):
                self._index = build_similar_index(snapshot, shoes, content)
                self._key = key
            return self._index
