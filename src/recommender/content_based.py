"""Content-based recommender: questionnaire -> top-N shoes, pure NumPy on precomputed arrays.

(Over 400 lines on purpose: one model class with its load, its request path and its array math;
splitting it would separate the arrays from the code that must agree with their layout.)

Pipeline per request (all array math, no TensorFlow, no sklearn, no unpickling):
1. answers -> scaled target vector + per-feature weights (the mask) + must-haves (questionnaire.py);
2. routing latent: the target vector with every unanswered feature set to the catalog mean (scaled
   space), passed through the folded NumPy encoder;
3. soft routing: every shoe is scored, and a shoe pays a small cost that grows with its K-Means
   cluster's distance from the query latent (0 for the nearest cluster, ROUTING_WEIGHT for the
   farthest); a hard cut to the nearest clusters let one low-priority answer replace the whole list;
4. an older version pays STALE_PENALTY per newer release of its family in the catalog (it still
   wins when it is clearly the better match), and a membrane (GTX) shoe pays MEMBRANE_PENALTY
   unless the answers ask for water resistance (summer runners and most others do not want one);
5. rank by (must-haves missed, then adjusted score) and keep the top N with at most FAMILY_CAP
   versions of one model family (Pegasus 40 and 41 and 41 GTX are one family), and never a newer
   version below an older one of its lineage (family and upper: 41 GTX follows 40 GTX): when the
   older one ranks first it fits clearly better, and the newer one adds no choice below it.

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
import re
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
from src.recommender.questionnaire import AnswerMapping, Query, build_query, compile_mapping, scale_targets

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

SERVING_FILE = "serving.npz"
COSINE_SHARE = 0.5  # weight of the centred cosine in the match score; the rest is closeness
ROUTING_WEIGHT = 0.04  # score cost of the farthest cluster (nearest: 0); see `routing_penalty`
STALE_PENALTY = 0.2  # score cost per newer release of the same family (issue 22: 0.05 -> 0.2, measured)
# Score cost of a poorly rated shoe: AUDIENCE_PENALTY at an audience score of AUDIENCE_LOW or below,
# 0 at AUDIENCE_HIGH or above, linear between; a shoe without a score pays the catalog median's.
AUDIENCE_PENALTY = 0.04
AUDIENCE_LOW, AUDIENCE_HIGH = 75.0, 92.0
# Score cost of an obscure shoe: POPULARITY_PENALTY at RunRepeat's least popular, 0 at the most
# (percentile; unknown = the catalog median): among the many shoes the sheets' coarse ratings tie,
# the ones runners actually buy come first.
POPULARITY_PENALTY = 0.06
BUDGET_SEVERITY = 0.5  # a missed budget weighs less than any question's must-have (the lowest is 1)
MEMBRANE_PENALTY = 0.03  # score cost of a membrane upper nobody asked for
FAMILY_CAP = 2  # versions of one model family in a result list
# A weatherproof edition by name (the catalog's naming, data/build_catalog.py): its own lineage, so a
# winter runner may get last year's GTX above this year's plain version.
WEATHERPROOF_EDITION = re.compile(r"\b(GTX|Gore-Tex|Waterproof|WP|All-Wthr|Shield)\b")
_EPS = 1e-12


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


def routing_penalty(latent: FloatArray, centroids: FloatArray, labels: IntArray, weight: float) -> FloatArray:
    """Per-shoe soft-routing cost: `weight` times its cluster's distance from the query latent,
    rescaled so the nearest cluster costs 0 and the farthest `weight`."""
    diff = centroids - latent
    dist = np.sqrt(np.einsum("kd,kd->k", diff, diff)).tolist()  # K is tiny: the rest in plain Python
    low, span = min(dist), max(dist) - min(dist)
    per_cluster = [weight * (d - low) / span if span > _EPS else 0.0 for d in dist]
    return np.array(per_cluster)[labels]


def version_penalty(versions_behind: npt.NDArray[np.integer], per_version: float) -> FloatArray:
    """Rank cost of older versions: `per_version` for every newer release of the same family, so
    Pegasus 39 < 40 < 41 in rank when they match equally, and a clearly better old one still wins."""
    return per_version * np.asarray(versions_behind, np.float64)


def family_capped(
    order: IntArray,
    family_ids: IntArray,
    n: int,
    cap: int,
    lineage: IntArray | None = None,
    behind: npt.NDArray[np.integer] | None = None,
) -> IntArray:
    """The first `n` of `order` keeping at most `cap` per family; only if the cap leaves fewer than
    `n` do the skipped ones fill up, in order (a tiny catalog still returns `n`).

    With `lineage` (family and upper: a GTX edition is its own lineage) and `behind` (newer
    releases of the family), a version ranked below an older version of its lineage is skipped the
    same way: the older one is listed because it clearly fits better (it meets a must-have the newer
    one misses, or outscores the old-version cost), and the newer one below it adds no choice."""
    taken: list[int] = []
    skipped: list[int] = []
    counts: dict[int, int] = {}
    oldest: dict[int, int] = {}  # per lineage: the most versions behind among the taken
    for i in order.tolist():
        family = int(family_ids[i])
        newer_below_older = False
        if lineage is not None and behind is not None:
            line, age = int(lineage[i]), int(behind[i])
            newer_below_older = age < oldest.get(line, -1)
        if counts.get(family, 0) < cap and not newer_below_older:
            counts[family] = counts.get(family, 0) + 1
            if lineage is not None and behind is not None:
                oldest[line] = max(oldest.get(line, -1), age)
            taken.append(i)
            if len(taken) == n:
                break
        else:
            skipped.append(i)
    taken.extend(skipped[: n - len(taken)])
    return np.array(taken, dtype=np.intp)


def top_n(key: FloatArray, n: int) -> IntArray:
    """Positions of the `n` smallest keys in ascending order (ties by position)."""
    if key.shape[0] > n:
        part = np.argpartition(key, n - 1)[:n]
        return part[np.argsort(key[part], kind="stable")]
    return np.argsort(key, kind="stable")


def default_ranking(
    x: FloatArray,
    center: FloatArray,
    broad: npt.NDArray[np.bool_],
    n: int,
    penalty: FloatArray,
    family_ids: IntArray,
    lineage: IntArray | None = None,
    behind: npt.NDArray[np.integer] | None = None,
) -> tuple[IntArray, FloatArray]:
    """Empty questionnaire: the broadly suitable shoes (daily use, regular width) nearest the catalog
    centroid, i.e. the most middle-of-the-road trainers; score = 1 - RMS distance to the centroid.
    `penalty` (older versions, membranes) lowers the rank, not the score; at most FAMILY_CAP per family."""
    pool = np.flatnonzero(broad) if int(broad.sum()) >= n else np.arange(x.shape[0])
    dist = masked_rms_distance(center, x[pool], np.ones(x.shape[1]))
    scores = np.clip(1.0 - dist, 0.0, 1.0)
    order = np.argsort(penalty[pool] - scores, kind="stable")
    top = family_capped(
        order,
        family_ids[pool],
        n,
        FAMILY_CAP,
        None if lineage is None else lineage[pool],
        None if behind is None else behind[pool],
    )
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
        self.family_ids, self.versions_behind = descriptive_or_fallback(arrays, n, shoe_type)
        # a lineage = a family and its upper: "Pegasus 41 GTX" follows Pegasus 40 GTX, not Pegasus 41
        weatherproof = np.array([bool(WEATHERPROOF_EDITION.search(name)) for name in self.names])
        self._lineage = 2 * self.family_ids + weatherproof
        # prices (NaN = unknown); artifacts trained before the catalog had them: no budget filter
        price = arrays.get("price")
        self.price = (
            np.asarray(price, np.float64) if price is not None and price.shape == (n,) else np.full(n, np.nan)
        )

        # Catalog mean in scaled space: the centring point and the fill-in for unanswered features.
        self.center = self.x.mean(axis=0)
        self.compiled = compile_mapping(self.mapping, self.scale, self.min_, self.raw)
        self._no_violations = np.zeros(n)
        self._fail_weighted = self.compiled.fail * self.compiled.severity[:, None]
        xc = self.x - self.center
        self._xc_t = np.ascontiguousarray(xc.T)
        self._xc2_t = np.ascontiguousarray((xc * xc).T)
        # Costs fixed per shoe: older versions, plus 1e-9 * position so that score ties break by
        # catalog order and results are deterministic.
        self._fixed_penalty = (
            version_penalty(self.versions_behind, STALE_PENALTY)
            + audience_penalty(arrays.get("audience"), n)
            + popularity_penalty(arrays.get("popularity"), n)
            + 1e-9 * np.arange(n)
        )
        water = self.feature_names.index("water_resistance")
        self._water = water
        # A query asks for water resistance when it targets at least a water-repellent upper (1).
        self._water_asked_at = float(
            scale_targets(np.array([1.0]), np.array([water]), self.scale, self.min_)[0]
        )
        self._membrane_penalty = MEMBRANE_PENALTY * (self.raw[:, water] >= 2)
        # Shortlist the family cap picks from: no family has more than 7 versions in the catalog, so
        # 3N + 10 best candidates always hold N that the cap allows.
        self._shortlist = min(n, top_n * 3 + 10)

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
        d_idx, d_scores = default_ranking(
            self.x,
            self.center,
            broad,
            top_n,
            self._fixed_penalty + self._membrane_penalty,
            self.family_ids,
            self._lineage,
            self.versions_behind,
        )
        self.default_indices = d_idx
        self.default_scores = d_scores
        self.default_body = self._body(d_idx, d_scores)
        self._default_missed = np.zeros(d_idx.shape[0], dtype=np.int64)

    # -- per request --

    def query(self, answers: Mapping[str, str | None]) -> Query:
        return build_query(answers, self.compiled)

    def over_budget(self, budget_usd: float | None) -> npt.NDArray[np.bool_] | None:
        """Shoes outside the budget (price above it, or unknown), or None when the budget does not
        apply: no budget, or fewer than N shoes of the catalog within it."""
        if budget_usd is None:
            return None
        within = self.price <= budget_usd  # NaN (unknown) compares False: not within
        if int(within.sum()) < self.top_n:
            return None
        return ~within

    def rank(self, q: Query) -> tuple[IntArray, FloatArray, npt.NDArray[np.integer]]:
        """Catalog indices, match scores and must-haves missed of the top N for a built query."""
        over = self.over_budget(q.budget_usd)
        if q.empty and over is None:
            return self.default_indices, self.default_scores, self._default_missed
        violations = self._fail_weighted[q.hard_ids].sum(axis=0) if q.hard_ids.size else self._no_violations
        if over is not None:
            # the budget is a must-have below every question's (severity 0.5 < 1, the lowest)
            violations = violations + BUDGET_SEVERITY * over
        if q.empty:  # the budget alone: the default list's middle-of-the-road rule within it
            scores = np.clip(
                1.0 - masked_rms_distance(self.center, self.x, np.ones(self.x.shape[1])), 0.0, 1.0
            )
            scores -= self._fixed_penalty + self._membrane_penalty
        else:
            latent = self.encoder(np.where(q.weight > 0, q.target, self.center))
            # Two matvecs score the whole catalog; the served score is the match score minus the
            # routing cost and the fixed penalties, so it is the score the list is ranked by.
            scores = centred_match_scores(q.target - self.center, q.weight, self._xc_t, self._xc2_t)
            scores -= routing_penalty(latent, self.centroids, self.labels, ROUTING_WEIGHT)
            scores -= self._fixed_penalty
            if q.weight[self._water] == 0 or q.target[self._water] < self._water_asked_at - 1e-9:
                scores -= self._membrane_penalty
        np.clip(scores, 0.0, 1.0, out=scores)
        shortlist = top_n(2.0 * violations - scores, self._shortlist)
        # The cap outranks must-haves: when only a third version of one model would meet them all,
        # another model that misses one takes the place (a fitter offers a choice, not three Pegasus).
        top = family_capped(
            shortlist, self.family_ids, self.top_n, FAMILY_CAP, self._lineage, self.versions_behind
        )
        missed = (
            self.compiled.fail[q.hard_ids][:, top].sum(axis=0, dtype=np.int64) if q.hard_ids.size else None
        )
        if over is not None:
            missed = (self._default_missed if missed is None else missed) + over[top].astype(np.int64)
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
        if q.empty and q.budget_usd is None:
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


def audience_penalty(audience: npt.NDArray[Any] | None, n: int) -> FloatArray:
    """Per-shoe rank cost from the audience score (see AUDIENCE_PENALTY); zeros without scores
    (artifacts trained before the catalog had them)."""
    if audience is None or audience.shape != (n,) or not np.isfinite(audience).any():
        return np.zeros(n)
    scores = np.asarray(audience, np.float64)
    scores = np.where(np.isfinite(scores), scores, float(np.nanmedian(scores)))
    low_share = np.clip((AUDIENCE_HIGH - scores) / (AUDIENCE_HIGH - AUDIENCE_LOW), 0.0, 1.0)
    return AUDIENCE_PENALTY * low_share


def popularity_penalty(popularity: npt.NDArray[Any] | None, n: int) -> FloatArray:
    """Per-shoe rank cost from the popularity percentile (see POPULARITY_PENALTY); zeros without it."""
    if popularity is None or popularity.shape != (n,) or not np.isfinite(popularity).any():
        return np.zeros(n)
    pct = np.asarray(popularity, np.float64)
    pct = np.where(np.isfinite(pct), pct, float(np.nanmedian(pct)))
    return POPULARITY_PENALTY * (1.0 - np.clip(pct, 0.0, 100.0) / 100.0)


def descriptive_or_fallback(
    arrays: Mapping[str, npt.NDArray[Any]], n: int, shoe_type: str
) -> tuple[IntArray, npt.NDArray[np.int64]]:
    """Family ids and versions behind from serving.npz. Artifacts trained before these arrays
    existed still load: every shoe is its own family and the newest (no family cap, no old-version
    penalty) and a warning says to retrain."""
    if "family_ids" in arrays and "versions_behind" in arrays:
        family_ids = np.asarray(arrays["family_ids"], np.intp)
        behind = np.asarray(arrays["versions_behind"], np.int64)
        if family_ids.shape != (n,) or behind.shape != (n,):
            raise ValueError(f"{shoe_type}: family/version arrays do not match the catalog size")
        return family_ids, behind
    log.warning(
        "%s model predates the family/version arrays: serving without the family cap and the "
        "old-version penalty; retrain (python -m src.training.training_engine --type %s)",
        shoe_type,
        shoe_type,
    )
    return np.arange(n, dtype=np.intp), np.zeros(n, np.int64)


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
