"""Content-based recommender: questionnaire -> top-N shoes, pure NumPy on precomputed arrays.

Pipeline per request (all array math, no TensorFlow, no sklearn, no unpickling):
1. answers -> scaled target vector + per-feature weights (the mask) + must-haves (questionnaire.py);
2. routing latent: the target vector with every unanswered feature set to the catalog mean (scaled
   space), passed through the folded NumPy encoder;
3. the ceil(K/3) K-Means clusters nearest that latent form the candidate pool; the pool widens to the
   next-nearest clusters (finally the whole catalog) until it holds at least N shoes meeting every
   must-have;
4. rank the pool by (must-haves missed, then match score), keep the top N.

Match score (in [0, 1]) on the masked features only, weights w from the mapping:
    cos = weighted cosine of (target - mu) and (shoe - mu), mu = catalog mean per feature
    d   = sqrt(sum w (shoe - target)^2 / sum w)          (weighted RMS distance, in [0, 1])
    match_score = 0.5 * (1 + cos) / 2 + 0.5 * (1 - d)
Centring matters: on [0, 1]-scaled features every vector points into the positive orthant, so a
plain cosine rates a "light and firm" target (0.1, 0.1) identical to a "heavy and soft" shoe
(0.9, 0.9). After subtracting the catalog mean they point in opposite directions. The distance term
rewards being close, not merely on the same side of average (cosine alone ignores magnitude).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from src.artifacts import load_newest_valid
from src.config import FEATURES
from src.recommender.encoder import NumpyEncoder
from src.recommender.explain import build_explanations
from src.recommender.questionnaire import AnswerMapping, Query, build_query, compile_mapping

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

SERVING_FILE = "serving.npz"
COSINE_SHARE = 0.5  # weight of the centred cosine in the match score; the rest is closeness
_EPS = 1e-12
_OUTSIDE_POOL = 1e6  # rank key penalty for shoes outside the routed pool


# --- pure functions ------------------------------------------------------------------------


def masked_cosine(target: FloatArray, x: FloatArray, weight: FloatArray) -> FloatArray:
    """Weighted cosine between `target` (F,) and each row of `x` (n, F) over features with weight > 0.

    A zero-length side (nothing to compare) gives 0, i.e. neutral.
    """
    tw = target * weight
    num = x @ tw
    t_norm = math.sqrt(float(tw @ target))
    x_norm = np.sqrt((x * x) @ weight)
    den = t_norm * x_norm
    return np.where(den > _EPS, num / np.maximum(den, _EPS), 0.0)


def masked_rms_distance(target: FloatArray, x: FloatArray, weight: FloatArray) -> FloatArray:
    """Weighted RMS distance between `target` and each row of `x` on the masked features."""
    total = float(weight.sum())
    if total <= 0:
        return np.zeros(x.shape[0])
    diff = x - target
    return np.sqrt(((diff * diff) @ weight) / total)


def match_scores(
    target: FloatArray,
    x: FloatArray,
    center: FloatArray,
    weight: FloatArray,
    cosine_share: float = COSINE_SHARE,
) -> FloatArray:
    """Match score in [0, 1]: centred weighted cosine blended with weighted closeness."""
    cos = masked_cosine(target - center, x - center, weight)
    dist = masked_rms_distance(target, x, weight)
    return cosine_share * 0.5 * (1.0 + cos) + (1.0 - cosine_share) * np.clip(1.0 - dist, 0.0, 1.0)


def centred_match_scores(
    target_c: FloatArray, weight: FloatArray, xc_t: FloatArray, xc2_t: FloatArray
) -> FloatArray:
    """`match_scores` for every shoe at the cost of two matvecs (the per-request hot path).

    Inputs are centred once at load time: `xc_t` = (x - c).T and `xc2_t` = ((x - c) ** 2).T
    (transposed so `w @ m` runs along contiguous rows), `target_c` = target - c. Then
        num  = sum w (x-c)(t-c),  |x-c|^2 = sum w (x-c)^2,  |t-c|^2 = sum w (t-c)^2
        sum w (x-t)^2 = |x-c|^2 - 2 num + |t-c|^2
    so cosine and distance come from the same two sums.
    """
    wt = weight * target_c
    num = wt @ xc_t
    x_n2 = weight @ xc2_t
    t_n2 = float(wt @ target_c)
    # |x - c| = 0 forces num = 0 and the epsilon keeps that 0/0 at 0 (neutral); a target sitting on
    # the catalog mean has no direction at all, so cosine is neutral and closeness decides.
    cos = num / (np.sqrt(x_n2) * math.sqrt(t_n2) + _EPS) if t_n2 > _EPS else 0.0
    d2 = x_n2 - 2.0 * num
    d2 += t_n2
    d2 *= 1.0 / float(weight.sum())
    dist = np.sqrt(np.maximum(d2, 0.0))  # rounding can leave -1e-17
    return (COSINE_SHARE * 0.5) * (1.0 + cos) + (1.0 - COSINE_SHARE) * (1.0 - np.minimum(dist, 1.0))


def route_clusters(latent: FloatArray, centroids: FloatArray) -> IntArray:
    """Cluster ids ordered by squared Euclidean distance from the query latent (nearest first)."""
    diff = centroids - latent
    return np.argsort((diff * diff).sum(axis=1), kind="stable")


def n_route(k: int) -> int:
    """How many clusters a query is routed to before any widening: ceil(K/3)."""
    return max(1, math.ceil(k / 3))


def clusters_needed(
    order: Sequence[int], passing_per_cluster: Sequence[float], n_min: int, k_min: int
) -> int:
    """How many of the nearest clusters (in `order`) the pool takes: at least `k_min`, more until
    it holds `n_min` shoes meeting every must-have, all of them (= whole catalog) if never.
    Plain Python: K is tiny and a loop over 5 numbers beats any array call."""
    total = 0.0
    for m, c in enumerate(order, start=1):
        total += passing_per_cluster[c]
        if m >= k_min and total >= n_min:
            return m
    return len(order)


def pool_mask(order: IntArray, m: int, labels: IntArray) -> npt.NDArray[np.bool_]:
    """True for shoes whose cluster is among the first `m` of `order`."""
    return np.argsort(order)[labels] < m


def cluster_candidates(
    order: IntArray, labels: IntArray, passing: npt.NDArray[np.bool_], n_min: int, k_min: int
) -> IntArray:
    """Indices of the candidate pool: the routed clusters, widened as `clusters_needed` says."""
    per_cluster = np.bincount(labels, weights=passing, minlength=order.shape[0])
    m = clusters_needed(order.tolist(), per_cluster.tolist(), n_min, k_min)
    return np.flatnonzero(pool_mask(order, m, labels))


def top_n(key: FloatArray, n: int) -> IntArray:
    """Positions of the `n` smallest keys in ascending order (ties by position)."""
    if key.shape[0] > n:
        part = np.argpartition(key, n - 1)[:n]
        return part[np.argsort(key[part], kind="stable")]
    return np.argsort(key, kind="stable")


def rank_top(
    scores: FloatArray,
    violations: npt.NDArray[np.integer],
    n: int,
    candidates: npt.NDArray[np.bool_] | None = None,
) -> IntArray:
    """Positions of the top `n`: candidates only, fewest must-haves missed first, then highest score."""
    key = violations * 2.0 + (1.0 - scores)  # scores in [0, 1] and violations >= 1 when any: they dominate
    if candidates is not None:
        key = np.where(candidates, key, np.inf)
        n = min(n, int(candidates.sum()))
    return top_n(key, n)


def default_ranking(
    x: FloatArray, center: FloatArray, broad: npt.NDArray[np.bool_], n: int
) -> tuple[IntArray, FloatArray]:
    """Empty questionnaire: the broadly suitable shoes (daily use, regular width) nearest the catalog
    centroid, i.e. the most middle-of-the-road trainers; score = 1 - RMS distance to the centroid."""
    pool = np.flatnonzero(broad) if int(broad.sum()) >= n else np.arange(x.shape[0])
    dist = masked_rms_distance(center, x[pool], np.ones(x.shape[1]))
    scores = np.clip(1.0 - dist, 0.0, 1.0)
    top = rank_top(scores, np.zeros(pool.shape[0], dtype=np.int64), n)
    return pool[top], scores[top]


# --- the loaded model ----------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    index: int
    shoe_id: str
    name: str
    brand: str
    cluster: int
    match_score: float
    missed: int  # must-haves this shoe does not meet (0 unless the catalog ran short)


class ContentRecommender:
    """Everything a request needs, precomputed once from a version directory's serving.npz."""

    def __init__(
        self,
        shoe_type: str,
        arrays: Mapping[str, npt.NDArray[Any]],
        manifest: Mapping[str, Any] | None = None,
        *,
        top_n: int = 10,
        mapping: AnswerMapping | None = None,
    ) -> None:
        self.shoe_type = shoe_type
        self.manifest = dict(manifest or {})
        self.version = str(self.manifest.get("version", ""))
        self.top_n = top_n
        self.mapping = mapping or mapping_for(shoe_type)
        self.feature_names = [str(f) for f in arrays["feature_names"]]
        if self.feature_names != list(self.mapping.features):
            raise ValueError(f"{shoe_type}: artifact features {self.feature_names} do not match the schema")

        self.encoder = NumpyEncoder.from_npz_fields(arrays)
        self.scale = np.asarray(arrays["scaler_scale"], np.float64)
        self.min_ = np.asarray(arrays["scaler_min"], np.float64)
        self.raw = np.ascontiguousarray(arrays["features_raw"], np.float64)
        self.x = np.ascontiguousarray(arrays["features_scaled"], np.float64)
        self.centroids = np.asarray(arrays["centroids"], np.float64)
        self.labels = np.asarray(arrays["labels"], np.intp)
        self.shoe_ids = [str(s) for s in arrays["shoe_ids"]]
        self.names = [str(s) for s in arrays["names"]]
        self.brands = [str(s) for s in arrays["brands"]]
        n, f = self.x.shape
        if self.raw.shape != (n, f) or self.labels.shape != (n,) or len(self.shoe_ids) != n:
            raise ValueError(f"{shoe_type}: inconsistent serving arrays")
        if self.encoder.n_inputs != f or self.centroids.shape[1] != self.encoder.n_latent:
            raise ValueError(f"{shoe_type}: encoder/centroid shapes do not match the features")
        self.k = int(self.centroids.shape[0])
        self.k_route = n_route(self.k)

        # Catalog mean in scaled space: the centring point and the fill-in for unanswered features.
        self.center = self.x.mean(axis=0)
        self.compiled = compile_mapping(self.mapping, self.scale, self.min_, self.raw)
        self.cluster_members = [np.flatnonzero(self.labels == c) for c in range(self.k)]
        self._cluster_sizes = np.bincount(self.labels, minlength=self.k).astype(float).tolist()
        self._no_violations = np.zeros(n)
        self._fail_weighted = self.compiled.fail * self.compiled.severity[:, None]
        xc = self.x - self.center
        self._xc_t = np.ascontiguousarray(xc.T)
        self._xc2_t = np.ascontiguousarray((xc * xc).T)
        # Penalty row per subset of clusters (bit c set = cluster c in the pool); 2^K rows, K = 5.
        # A 1e-9 * position term breaks score ties by catalog order, so results are deterministic.
        subsets = np.arange(2**self.k)[:, None]
        in_subset = (subsets >> self.labels[None, :]) & 1
        self._outside = np.where(in_subset, 0.0, _OUTSIDE_POOL) + 1e-9 * np.arange(n)

        # Reasons: every shoe judged against every answer once, so a request only picks rows.
        self.explanations = build_explanations(self.mapping, self.raw, self.x, self.scale, self.min_)
        # Response fragments: everything but the score is fixed per shoe, serialised once.
        self._fragments = [
            orjson.dumps({"shoe_id": sid, "name": nm, "brand": br, "cluster": int(cl), "match_score": 0})[
                :-2
            ]  # drop the trailing `0}` so the score can be appended
            for sid, nm, br, cl in zip(self.shoe_ids, self.names, self.brands, self.labels, strict=True)
        ]
        fidx = {name: i for i, name in enumerate(self.feature_names)}
        broad = (self.raw[:, fidx["use_daily"]] >= 1) & (self.raw[:, fidx["width_regular"]] >= 1)
        d_idx, d_scores = default_ranking(self.x, self.center, broad, top_n)
        self.default_indices = d_idx
        self.default_scores = d_scores
        self.default_body = self._body(d_idx, d_scores)
        self._default_missed = np.zeros(d_idx.shape[0], dtype=np.int64)

    # -- per request --

    def query(self, answers: Mapping[str, str | None]) -> Query:
        return build_query(answers, self.compiled)

    def rank(self, q: Query) -> tuple[IntArray, FloatArray, npt.NDArray[np.integer]]:
        """Catalog indices, match scores and must-haves missed of the top N for a built query."""
        if q.empty:
            return self.default_indices, self.default_scores, self._default_missed
        latent = self.encoder(np.where(q.weight > 0, q.target, self.center))
        order = route_clusters(latent, self.centroids)
        if q.hard_ids.size:
            violations = self._fail_weighted[q.hard_ids].sum(axis=0)
            per_cluster = np.bincount(self.labels, weights=violations == 0, minlength=self.k).tolist()
        else:
            violations = self._no_violations
            per_cluster = self._cluster_sizes
        order_list = order.tolist()
        m = clusters_needed(order_list, per_cluster, self.top_n, self.k_route)
        # The whole catalog is scored (two matvecs are cheaper than gathering the pool first at this
        # size); shoes outside the pool get a key penalty larger than any score or missed must-have,
        # so they are never picked (the pool always holds >= N shoes). The penalty row for each
        # set of clusters is precomputed, indexed by the set's bitmask.
        scores = centred_match_scores(q.target - self.center, q.weight, self._xc_t, self._xc2_t)
        outside = self._outside[sum(1 << c for c in order_list[:m])]
        top = top_n(outside + 2.0 * violations - scores, self.top_n)
        missed = (
            self.compiled.fail[q.hard_ids][:, top].sum(axis=0, dtype=np.int64) if q.hard_ids.size else None
        )
        return top, scores[top], self._default_missed if missed is None else missed

    def recommend_indices(self, answers: Mapping[str, str | None]) -> tuple[IntArray, FloatArray]:
        idx, scores, _ = self.rank(self.query(answers))
        return idx, scores

    def recommend(self, answers: Mapping[str, str | None]) -> list[Recommendation]:
        idx, scores, missed = self.rank(self.query(answers))
        return [
            Recommendation(
                int(i), self.shoe_ids[i], self.names[i], self.brands[i], int(self.labels[i]), float(s), int(v)
            )
            for i, s, v in zip(idx, scores, missed, strict=True)
        ]

    def recommend_json(self, answers: Mapping[str, str | None]) -> bytes:
        """The whole response body, `{"status":"success","data":[...]}`, as bytes; each item names
        the answers the shoe meets and misses (`explain`)."""
        q = self.query(answers)
        if q.empty:
            return self.default_body
        idx, scores, _ = self.rank(q)
        return self._body(idx, scores, self.explanations.rows_for(answers))

    def items_json(self, answers: Mapping[str, str | None]) -> list[tuple[int, float, bytes]]:
        """(catalog index, match score, `,"meets":[...],"misses":[...]`) of the top N, best first."""
        q = self.query(answers)
        idx, scores, _ = self.rank(q)
        rows = self.explanations.rows_for(answers) if not q.empty else []
        explain = self.explanations.json_for
        return [(i, s, explain(rows, i)) for i, s in zip(idx.tolist(), scores.tolist(), strict=True)]

    def _body(self, idx: Sequence[int] | IntArray, scores: FloatArray, rows: Sequence[int] = ()) -> bytes:
        frags = self._fragments
        explain = self.explanations.json_for
        items = b",".join(
            frags[i] + b"%.4f" % s + explain(rows, i) + b"}"
            for i, s in zip(idx.tolist(), scores.tolist(), strict=True)  # type: ignore[union-attr]
        )
        return b'{"status":"success","data":[' + items + b"]}"


def mapping_for(shoe_type: str) -> AnswerMapping:
    if shoe_type == "road":
        from src.recommender.road_recommender import ROAD_MAPPING

        return ROAD_MAPPING
    if shoe_type == "trail":
        from src.recommender.trail_recommender import TRAIL_MAPPING

        return TRAIL_MAPPING
    raise ValueError(f"unknown shoe type {shoe_type!r}")


# --- loading -------------------------------------------------------------------------------


def read_serving_arrays(version_dir: Path) -> dict[str, npt.NDArray[Any]]:
    # allow_pickle=False: a tampered artifact must never execute code in the server.
    with np.load(version_dir / SERVING_FILE, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def load_content_model(artifacts_dir: Path, shoe_type: str, *, top_n: int = 10) -> ContentRecommender | None:
    """The newest valid version of `<artifacts_dir>/<shoe_type>`, or None when there is none."""
    if shoe_type not in FEATURES:
        raise ValueError(f"unknown shoe type {shoe_type!r}")

    def loader(version_dir: Path, manifest: dict[str, Any]) -> ContentRecommender:
        if manifest.get("shoe_type") != shoe_type:
            raise ValueError(f"manifest says shoe_type={manifest.get('shoe_type')!r}")
        if list(manifest.get("features", [])) != FEATURES[shoe_type]:
            raise ValueError("trained on a different feature list than the current schema")
        return ContentRecommender(shoe_type, read_serving_arrays(version_dir), manifest, top_n=top_n)

    loaded = load_newest_valid(Path(artifacts_dir) / shoe_type, loader)
    if loaded is None:
        log.warning("no valid %s content model under %s", shoe_type, artifacts_dir)
        return None
    model, manifest = loaded
    log.info("loaded %s content model %s", shoe_type, manifest.get("version"))
    return model


def has_valid_artifacts(artifacts_dir: Path, shoe_type: str) -> bool:
    """Whether a loadable, checksum-valid version exists (used before deciding to train)."""
    return load_content_model(artifacts_dir, shoe_type) is not None
