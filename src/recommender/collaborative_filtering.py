"""Collaborative filtering: the engine the service and the offline evaluation share.

(Over 400 lines on purpose: the previous engine, kept whole for `CF_NEIGHBOURS` and as the
baseline of bench/cf_quality.py; its shared helpers are used by `runner_space`.)

A user-KNN (steps 1-5) blended with an EASE item component (step 6).

Algorithm (one request, user row r over n_items):

1. Similarity inputs. Each stored score x becomes a similarity value: 1 for a positive
   (x > 0.5), `neutral_weight` for a weak positive (0 < x <= 0.5, e.g. a 3★), 0 otherwise:
   dislikes never create similarity (mode "positives"; mode "signed" uses x itself).
2. Query vector q_j = s_rj * df_j^-idf_exponent / ||s_r|| (df_j = users with a positive on j: a
   shared rare shoe says more than a shared blockbuster). Neighbour rows are stored normalised
   as s_vj / ||s_v||^norm_exponent (1 = cosine; 1.5 also damps very long profiles).
3. sim(r, v) = q . s_v for every user v sharing a column with r, computed from a CSC copy by
   gathering only the touched columns and accumulating with np.bincount (never users x users).
   Columns holding more than `max_column_users` users contribute a fixed pseudo-random sample
   of `max_column_users` of them for *candidate generation*; the best `rescore` candidates are
   then re-scored exactly from their rows, so only a user whose sole overlap is a blockbuster can
   be missed. The user's own fitted row (`userid`) is excluded.
   Query budget: when the query's columns (after that cut) hold more than `query_budget`
   entries, half the budget goes to candidate generation and half to exact re-scoring, so one
   query reads about `query_budget` entries however full the rows get: every column is cut to
   the one length m that keeps their total within budget / 2 (`budget_cut`; short columns, the
   rare shoes with the most weight in q, stay whole), and min(rescore, max(k, budget / 2 /
   query length)) candidates are re-scored from their rows. A cut column keeps a fixed window
   of its `user_hash` order that starts at a point fixed per column (`column_shift`): a
   neighbour sharing many shoes is then seen through a share of them; the plain prefix (one
   global user sample) found only 26-55 % of the exact neighbours on a soak-like matrix vs
   55-90 % (2,000 users x 539 items, ~90 per row, budgets 15k-30k). A query under the budget
   is computed exactly as without one (same code path). Default 100,000: never reached on the
   evaluation datasets (ML-100K's largest query is ~52,000) nor at the soak's size (2,000
   runners, ~50,000 per query), where a budgeted query was measured no faster than the exact
   one (re-scoring k rows costs about what it saves); at 10,000 runners (~250,000 per query)
   it halves the latency (p50 6.6 -> 3.4 ms) with 93 % of the top 20 unchanged.
4. Neighbours = the k highest positive similarities (ties: lower user index).
5. Item score_j = sum_v sim_v^alpha * a_vj / max(df_j, 1)^popularity_damping, with a_vj = 1 for
   a positive and -negative_weight for a dislike (x < -0.5) ("signed": a_vj = x). Items stored
   in the row are removed.
6. Item component (when item_weight > 0 and n_items <= max_item_component_items): EASE
   (Steck 2019) weights B fitted on the positives, λ = `item_l2_for_density` (0.13 / density²,
   clamped to 50..5000: sparser data, more shrinkage); e_j = sum of B[i, j] over the row's
   positives i. Final score = (1 - w) * score / max(score) + w * e / max(e) (`blend_scores`,
   w = item_weight = 0.5): the user-KNN finds the runner's taste group, EASE orders the group's
   shoes by what is liked together. Scores <= 0 are dropped.
7. Fewer than N left: backfill with the most popular unseen items (positive score sum over the
   fitted matrix, ties by index) with score 0.0 and from_neighbours=False.

Every fitted statistic is either per row (row norms) or a per-item sum/count (df, column
counts, positive score sums), so `with_updated_rows` updates by deltas: replaced or new rows go
to a small overlay (their CSR rows and a CSC copy), the shared base arrays are never mutated
(hot-swap safe), and the user-KNN part equals `fit` on the updated matrix (same ids, allclose
scores). The item component is NOT refitted per update (an items x items inverse per injected
runner would cost a full EASE fit: ~120 ms on the shoe catalogue vs ~1 ms per update); the
updated engine keeps the parent's B, and the runner's newest row still enters e at once (read
your own writes). When the overlay grows beyond `compact_fraction` of the base, the update
compacts (full build, B refitted); continuous training also does a full build periodically.

What each change bought (NDCG@10 under the protocol of `src.recommender.evaluation`; ML-100K, and
demo = `generate_demo_interactions(road, trail, 2000, seed=42)` on the shipped catalogue with the
service's like/star conversion; measured together on the same splits):

| change (cumulative)                                           | ML-100K | demo   |
|---------------------------------------------------------------|---------|--------|
| as first described: signed scores, cosine, k=50               | 0.3253  | 0.2575 |
| similarity and aggregation on binary positives (k=50)         | 0.3581  | 0.2811 |
| k=200 + sharpening sim^2                                      | 0.3560  | 0.2947 |
| + popularity damping df^-0.2 in the aggregation               | 0.3672  | 0.2852 |
| + query-side IDF df^-0.5, neighbour norm^1.5                  | 0.3795  | 0.2926 |
| + weak positives (0 < x <= 0.5) in similarity at 0.35         | 0.3844  | 0.2916 |
| + a neighbour's dislike subtracts 0.25                         | 0.3798  | 0.2916 |
| + the runner's own dislike at -0.25 in the query (served)      | 0.3761  | 0.2921 |
| reference: popularity                                         | 0.1832  | 0.1069 |
| reference: item-KNN cosine K=100                              | 0.3536  | 0.1682 |
| reference: EASE λ=250                                         | 0.3931  | 0.2879 |
| + EASE item component, w=0.5, λ by density (served)           | 0.3962  | 0.2920 |

(The last row was measured with `bench/cf_quality.py` on the current catalogue; its EASE λ=250
row there is 0.2824 on demo. Blend weights 0.3 / 0.5 / 0.7 gave ML-100K 0.392 / 0.396 / 0.398,
demo 0.290 / 0.292 / 0.289, demo at 25 % of runners 0.272 / 0.271 / 0.263, ML-100K at 40 % of
ratings 0.103 / 0.101 / 0.099: 0.5 is within 0.002 of the best on each, and above EASE at any λ
tried (50..1600) on all of them. The density rule's λ is within 0.003 of the best fixed λ of
{100, 250, 500, 1000} on each of the six datasets of `bench/cf_quality.py`; every fixed λ loses
0.003-0.010 on at least one.)

Before the item component, user-KNN alone beat EASE on the demo data and got within 0.017 of it on ML-100K (0.0083
more without the two dislike terms: on MovieLens a low rating still means "watched", on shoes a
similar runner's 1-2★ is a warning, so it is kept at a quarter weight; and the runner's own 1★
must push that shoe's neighbours down, which the issue requires of the served feed). Tried and rejected on
ML-100K: negatives as negative similarity (-0.004..-0.017), any rating as similarity (-0.015),
5★ weighted more in the aggregation (-0.003), dividing a neighbour's vote by its profile length
(-0.005..-0.012), shrinkage (-0.007), item-specific neighbourhoods (-0.01), IDF on both sides
(-0.003), locally fitted ridge-regression neighbour weights (<= 0.369), k=all with sim^3..6.
k=400 / damping 0.15 help the demo data (+0.007..0.01) but cost ML-100K about as much.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal, Self

import numpy as np
from scipy.sparse import csc_matrix, csr_matrix, vstack

from src.recommender.base import RecommenderBase, as_row, as_user_items, binary_positives, top_positive
from src.recommender.scores import DISLIKE_THRESHOLD, POSITIVE_THRESHOLD

Mode = Literal["positives", "signed"]

_HASH_MULT = np.uint64(2654435761)  # Knuth multiplicative hash: fixed pseudo-random user order
_HASH_MASK = np.uint64(0xFFFFFFFF)
_HASH_SPAN = np.uint64(1 << 32)
ITEM_L2_SCALE: float = 0.13
ITEM_L2_MIN: float = 50.0
ITEM_L2_MAX: float = 5000.0
QUERY_BUDGET: int = 100_000  # entries read per query by the neighbour search (step 3)


# --- pure math -----------------------------------------------------------------------------------
def similarity_values(
    scores: np.ndarray, mode: Mode = "positives", neutral_weight: float = 0.0
) -> np.ndarray:
    """What a stored score contributes to similarity (see module docstring, step 1)."""
    scores = np.asarray(scores, dtype=np.float64)
    if mode == "signed":
        return scores.copy()
    out = np.where(scores > POSITIVE_THRESHOLD, 1.0, 0.0)
    if neutral_weight:
        out[(scores > 0) & (scores <= POSITIVE_THRESHOLD)] = neutral_weight
    return out


def query_values(
    scores: np.ndarray, mode: Mode = "positives", neutral_weight: float = 0.0, dislike_weight: float = 0.0
) -> np.ndarray:
    """The requesting runner's similarity inputs: as `similarity_values`, plus their own dislikes
    (x < -0.5) at -dislike_weight, which pull down runners who liked those shoes."""
    out = similarity_values(scores, mode, neutral_weight)
    if mode == "positives" and dislike_weight:
        out[np.asarray(scores) < DISLIKE_THRESHOLD] = -dislike_weight
    return out


def aggregation_values(
    scores: np.ndarray, mode: Mode = "positives", negative_weight: float = 0.0
) -> np.ndarray:
    """What a neighbour's stored score contributes to an item's score (step 5)."""
    scores = np.asarray(scores, dtype=np.float64)
    if mode == "signed":
        return scores.copy()
    out = np.where(scores > POSITIVE_THRESHOLD, 1.0, 0.0)
    if negative_weight:
        out[scores < DISLIKE_THRESHOLD] = -negative_weight
    return out


def row_ids(indptr: np.ndarray) -> np.ndarray:
    """Row index of every stored entry of a compressed matrix."""
    return np.repeat(np.arange(indptr.size - 1, dtype=np.int64), np.diff(indptr))


def row_norms(indptr: np.ndarray, values: np.ndarray) -> np.ndarray:
    """L2 norm per row (sequential bincount sums: a row's norm never depends on other rows)."""
    return np.sqrt(np.bincount(row_ids(indptr), weights=values * values, minlength=indptr.size - 1))


def gather_ranges(indptr: np.ndarray, which: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
    """Flat positions of the stored entries of rows/columns `which` (or of their first `lengths`)."""
    starts = indptr[which].astype(np.int64)
    lens = indptr[which + 1].astype(np.int64) - starts if lengths is None else lengths
    return gather_spans(starts, lens)


def gather_spans(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Flat positions start, start + 1, ..., start + len - 1 of every span, in span order."""
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
    return offsets + np.arange(total, dtype=np.int64)


def user_hash(users: np.ndarray) -> np.ndarray:
    """Fixed pseudo-random key per user index (a bijection on 32 bits)."""
    return (np.asarray(users, dtype=np.uint64) * _HASH_MULT) & _HASH_MASK


def column_shift(cols: np.ndarray) -> np.ndarray:
    """A fixed pseudo-random point on the user_hash circle per column (where its budget sample
    starts: columns are sampled independently of each other)."""
    return user_hash(np.asarray(cols, dtype=np.int64) + 1) ^ np.uint64(0x5BD1E995)


def hash_rank_start(
    part_indptr: np.ndarray, col_users: np.ndarray, cols: np.ndarray, at: np.ndarray
) -> np.ndarray:
    """Per column, the offset of its first entry with user_hash >= at (columns are in hash order):
    a binary search run for all columns at once."""
    starts = part_indptr[cols]
    lo = np.zeros(cols.size, dtype=np.int64)
    hi = part_indptr[cols + 1] - starts
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = (lo + hi) // 2
        h = user_hash(col_users[np.where(active, starts + mid, 0)])
        right = active & (h < at)
        lo = np.where(right, mid + 1, lo)
        hi = np.where(active & ~right, mid, hi)


def budget_cut(lengths: np.ndarray, budget: int) -> int:
    """The largest m >= 1 with sum(min(lengths, m)) <= budget (for lengths summing above it)."""
    c = np.sort(np.asarray(lengths, dtype=np.int64))
    shorter = np.concatenate(([0], np.cumsum(c)[:-1]))  # sum of the columns before each
    total_at = shorter + c * (c.size - np.arange(c.size))  # sum(min(lengths, c_i))
    i = min(int(np.searchsorted(total_at, budget, side="right")), c.size - 1)
    return max(int((budget - shorter[i]) // (c.size - i)), 1)


def accumulate_positive(
    keys: np.ndarray,
    weights: np.ndarray,
    n_keys: int,
    workspace: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys whose summed weight is > 0, those sums) for keys in [0, n_keys).

    Sums follow input order per key (sequential adds from 0.0). Keys come back in no particular
    order (callers break ties by key, see `top_pairs`). With a `workspace` (a zeroed float64
    and an int64 array of n_keys, returned zeroed) the cost is O(len(keys)) with no pass over
    n_keys; without one, np.unique (sorting) is used.
    """
    if keys.size == 0:
        return keys.astype(np.int64), np.zeros(0)
    if workspace is not None:
        acc, slot = workspace
        try:
            np.add.at(acc, keys, weights)
            at = np.arange(keys.size, dtype=np.int64)
            slot[keys] = at  # exactly one surviving write per key marks its representative
            uniq = keys[slot[keys] == at].astype(np.int64)
            sums = acc[uniq]
        finally:
            acc[keys] = 0.0
    else:
        uniq, inverse = np.unique(keys, return_inverse=True)
        sums = np.bincount(inverse.ravel(), weights=weights, minlength=uniq.size)
        uniq = uniq.astype(np.int64)
    keep = sums > 0
    return uniq[keep], sums[keep]


def top_pairs(ids: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The n (id, value) pairs of largest value, best first, ties by lower id (layout-free)."""
    if n <= 0 or ids.size == 0:
        return ids[:0], values[:0]
    if ids.size > n:
        kth = np.partition(values, ids.size - n)[ids.size - n]
        keep = values >= kth
        ids, values = ids[keep], values[keep]
    order = np.lexsort((ids, -values))[:n]
    return ids[order], values[order]


def select_neighbours(users: np.ndarray, sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k most similar users with positive similarity (ties: lower index), best first."""
    positive = sims > 0
    return top_pairs(users[positive], sims[positive], k)


def damped_item_scores(
    cols: np.ndarray, contributions: np.ndarray, df: np.ndarray, damping: float
) -> np.ndarray:
    """Sum contributions per item column and divide by max(df, 1)^damping."""
    scores = np.bincount(cols, weights=contributions, minlength=df.size)
    if damping:
        scores = scores / np.maximum(df, 1).astype(np.float64) ** damping
    return scores


def popularity_order(pos_sum: np.ndarray) -> np.ndarray:
    """Items with a positive score sum, most popular first (rounded to 1e-6, ties by index)."""
    key = np.round(pos_sum, 6)
    order = np.lexsort((np.arange(pos_sum.size), -key))
    return order[key[order] > 0]


def item_l2_for_density(density: float) -> float:
    """EASE's λ from the positives' density (positives / (users x items)): 0.13 / density²,
    clamped to [50, 5000]. Sparser data needs more shrinkage of the item-item weights."""
    if density <= 0:
        return ITEM_L2_MAX
    return float(np.clip(ITEM_L2_SCALE / density**2, ITEM_L2_MIN, ITEM_L2_MAX))


def item_weights(positives: csr_matrix, l2: float) -> np.ndarray:
    """EASE item-item weights B (Steck 2019): P = (XᵀX + λI)⁻¹, B = -P / diag(P), diag(B) = 0."""
    G = np.asarray((positives.T @ positives).toarray(), dtype=np.float64)
    G[np.diag_indices_from(G)] += l2
    P = np.linalg.inv(G)
    B = -P / np.diag(P)
    np.fill_diagonal(B, 0.0)
    return B


# Past this share of the items liked, one matrix-vector product reads the EASE weights faster than
# their liked rows are gathered and summed (471 of 628 liked: 38 against 133 µs; even at ~21 %)
LIKED_SHARE_FOR_GEMV = 0.2


def liked_rows_sum(B: np.ndarray, liked: np.ndarray) -> np.ndarray:
    """B[liked].sum(axis=0) for distinct row indices `liked`: a runner's EASE scores. The two ways
    differ only in float rounding (~1e-15 of the scores), and one runner always takes the same."""
    if liked.size > LIKED_SHARE_FOR_GEMV * B.shape[0]:
        x = np.zeros(B.shape[0], dtype=B.dtype)
        x[liked] = 1.0
        return np.asarray(x @ B)
    return np.asarray(B[liked].sum(axis=0))


def blend_scores(user_scores: np.ndarray, item_scores: np.ndarray, item_weight: float) -> np.ndarray:
    """(1 - w) * user_scores / max(user_scores) + w * item_scores / max(item_scores).

    Each component is divided by its largest positive value (a component without one is left
    as is), so the weight trades the two rankings' strengths, not their raw scales.
    """

    def scaled(x: np.ndarray) -> np.ndarray:
        top = float(x.max()) if x.size else 0.0
        return x / top if top > 0 else x

    return (1.0 - item_weight) * scaled(user_scores) + item_weight * scaled(item_scores)


# --- state ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Part:
    """Rows of the score matrix plus a CSC copy of their normalised similarity values.

    `users[i]` is the global user index of local row i (base: arange). The CSC lists each
    column's entries in `user_hash` order, so "the first m entries" is a fixed random sample.
    """

    users: np.ndarray
    X: csr_matrix
    col_indptr: np.ndarray
    col_users: np.ndarray  # global user index per CSC entry
    col_vals: np.ndarray  # s_vj / ||s_v||^norm_exponent

    @property
    def nnz(self) -> int:
        return int(self.X.nnz)


@dataclass(frozen=True)
class _Stats:
    norms: np.ndarray = field(repr=False)  # ||s_v|| per user
    df: np.ndarray = field(repr=False)  # positives per item
    col_count: np.ndarray = field(repr=False)  # nonzero similarity entries per item
    pos_sum: np.ndarray = field(repr=False)  # sum of max(x, 0) per item


def check_blend(item_weight: float, item_l2: float | None) -> None:
    """The EASE blend's parameters, shared by both engines: a share in [0, 1] and a positive λ."""
    if not 0.0 <= item_weight <= 1.0:
        raise ValueError("item_weight must be between 0 and 1")
    if item_l2 is not None and item_l2 <= 0:
        raise ValueError("item_l2 must be > 0 (or None for the density rule)")


class UserCollaborativeRecommender(RecommenderBase):
    """User-KNN with real-time injection, popularity backfill and incremental updates.

    Parameters (defaults = what the service uses; evidence in the module docstring):
        k: neighbours kept (200). alpha: similarity sharpening exponent (2.0).
        idf_exponent: query-side weight df^-idf_exponent (0.5).
        norm_exponent: neighbour rows divided by ||s_v||^norm_exponent (1.5; 1 = cosine).
        popularity_damping: item scores divided by df^popularity_damping (0.2).
        neutral_weight: similarity weight of a weak positive 0 < x <= 0.5 (0.35).
        negative_weight: a neighbour's dislike (x < -0.5) subtracts this much (0.25).
        query_dislike_weight: the requesting runner's own dislike (x < -0.5) enters their query
            vector at -this weight (0.25), so runners who liked a shoe they rated 1-2★ become less
            similar and that shoe's neighbours move down ("positives" mode; 0 = dislikes ignored).
        similarity, aggregate: "positives" (steps 1/5) or "signed" (raw scores).
        max_column_users: per-column sample size for candidate generation (5000).
        rescore: candidates re-scored exactly when a column was sampled (1000).
        query_budget: entries one query's neighbour search reads (100000); above it, columns are
            sampled to half of it and the other half bounds exact re-scoring (step 3).
        compact_fraction: overlay size (fraction of base nnz) that triggers a full rebuild.
        item_weight: share of the EASE item component in the blend (0.5; 0 = user-KNN alone).
        item_l2: EASE's λ; None = `item_l2_for_density` of the fitted positives.
        max_item_component_items: above this many items the item component is off (the dense
            items x items inverse and weights would cost too much memory and fit time).
    """

    def __init__(
        self,
        k: int = 200,
        alpha: float = 2.0,
        idf_exponent: float = 0.5,
        norm_exponent: float = 1.5,
        popularity_damping: float = 0.2,
        neutral_weight: float = 0.35,
        negative_weight: float = 0.25,
        query_dislike_weight: float = 0.25,
        similarity: Mode = "positives",
        aggregate: Mode = "positives",
        max_column_users: int = 5_000,
        rescore: int = 1_000,
        query_budget: int = QUERY_BUDGET,
        compact_fraction: float = 0.1,
        item_weight: float = 0.5,
        item_l2: float | None = None,
        max_item_component_items: int = 4096,
    ) -> None:
        if k < 1 or max_column_users < 1 or rescore < 1 or query_budget < 1:
            raise ValueError("k, max_column_users, rescore and query_budget must be >= 1")
        check_blend(item_weight, item_l2)
        self.k = int(k)
        self.alpha = float(alpha)
        self.idf_exponent = float(idf_exponent)
        self.norm_exponent = float(norm_exponent)
        self.popularity_damping = float(popularity_damping)
        self.neutral_weight = float(neutral_weight)
        self.negative_weight = float(negative_weight)
        self.query_dislike_weight = float(query_dislike_weight)
        self.similarity: Mode = similarity
        self.aggregate: Mode = aggregate
        self.max_column_users = int(max_column_users)
        self.rescore = int(rescore)
        self.query_budget = int(query_budget)
        self.compact_fraction = float(compact_fraction)
        self.item_weight = float(item_weight)
        self.item_l2 = None if item_l2 is None else float(item_l2)
        self.max_item_component_items = int(max_item_component_items)
        self._item_B: np.ndarray | None = None  # EASE weights of the last full build (None = off)
        self.fitted_item_l2: float | None = None
        self._base: _Part | None = None
        self._delta: _Part | None = None
        self._stale = np.zeros(0, dtype=bool)  # base rows superseded by the overlay
        self._stats: _Stats | None = None
        self._pop_order = np.zeros(0, dtype=np.int64)
        self._user_items: csr_matrix | None = None
        self.n_users = 0
        self.n_items = 0

    @classmethod
    def as_first_described(cls, binary: bool = False, k: int = 50) -> UserCollaborativeRecommender:
        """The original design: cosine on signed scores (or on binary positives), k=50, no tuning."""
        mode: Mode = "positives" if binary else "signed"
        return cls(
            k=k, alpha=1.0, idf_exponent=0.0, norm_exponent=1.0, popularity_damping=0.0,
            neutral_weight=0.0, negative_weight=0.0, query_dislike_weight=0.0, similarity=mode, aggregate=mode,
            item_weight=0.0,
        )  # fmt: skip

    def get_params(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "alpha": self.alpha,
            "idf_exponent": self.idf_exponent,
            "norm_exponent": self.norm_exponent,
            "popularity_damping": self.popularity_damping,
            "neutral_weight": self.neutral_weight,
            "negative_weight": self.negative_weight,
            "query_dislike_weight": self.query_dislike_weight,
            "similarity": self.similarity,
            "aggregate": self.aggregate,
            "max_column_users": self.max_column_users,
            "rescore": self.rescore,
            "query_budget": self.query_budget,
            "compact_fraction": self.compact_fraction,
            "item_weight": self.item_weight,
            "item_l2": self.item_l2,
            "max_item_component_items": self.max_item_component_items,
        }

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_scratch", None)  # per-thread scratch (threading.local) is rebuilt on demand
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("query_budget", QUERY_BUDGET)  # pickled before the parameter existed
        self.__dict__.update(state)

    # --- building --------------------------------------------------------------------------------
    def _sim(self, scores: np.ndarray) -> np.ndarray:
        return similarity_values(scores, self.similarity, self.neutral_weight)

    def _agg(self, scores: np.ndarray) -> np.ndarray:
        return aggregation_values(scores, self.aggregate, self.negative_weight)

    def _make_part(self, users: np.ndarray, X: csr_matrix) -> tuple[_Part, np.ndarray]:
        """A part for rows X of global `users`; also returns those rows' similarity norms."""
        s = self._sim(X.data)
        norms = row_norms(X.indptr, s)
        scale = np.where(norms > 0, norms, 1.0) ** self.norm_exponent
        S = csr_matrix(
            (s / np.repeat(scale, np.diff(X.indptr)), X.indices.copy(), X.indptr.copy()), shape=X.shape
        )
        S.eliminate_zeros()
        perm = np.argsort(user_hash(users), kind="stable")
        C = csc_matrix(S[perm])  # linear transpose: rows stay in hash order inside each column
        part = _Part(
            users=users,
            X=X,
            col_indptr=C.indptr.astype(np.int64),
            col_users=users[perm[C.indices]],
            col_vals=C.data,
        )
        return part, norms

    def _item_stats(self, X: csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(df, col_count, pos_sum) contributions of the rows of X."""
        n = X.shape[1]
        df = np.bincount(X.indices[X.data > POSITIVE_THRESHOLD], minlength=n).astype(np.int64)
        col_count = np.bincount(X.indices[self._sim(X.data) != 0], minlength=n).astype(np.int64)
        pos_sum = np.bincount(X.indices, weights=np.maximum(X.data, 0.0), minlength=n)
        return df, col_count, pos_sum

    def fit(self, user_items: csr_matrix) -> Self:
        """Fit on a users x items CSR of signed scores (copied; duplicates summed)."""
        X = as_user_items(user_items)
        self.n_users, self.n_items = X.shape
        self._base, norms = self._make_part(np.arange(self.n_users, dtype=np.int64), X)
        self._delta = None
        self._stale = np.zeros(self.n_users, dtype=bool)
        df, col_count, pos_sum = self._item_stats(X)
        self._stats = _Stats(norms=norms, df=df, col_count=col_count, pos_sum=pos_sum)
        self._pop_order = popularity_order(pos_sum)
        self._user_items = X
        self._fit_item_component(X)
        return self

    def _fit_item_component(self, X: csr_matrix) -> None:
        """EASE weights on the positives of X (only on full builds: an update keeps them)."""
        self._item_B, self.fitted_item_l2 = None, None
        if self.item_weight <= 0 or not 0 < self.n_items <= self.max_item_component_items:
            return
        positives = binary_positives(X)
        if positives.nnz == 0:
            return
        density = positives.nnz / (X.shape[0] * X.shape[1])
        l2 = self.item_l2 if self.item_l2 is not None else item_l2_for_density(density)
        self._item_B, self.fitted_item_l2 = item_weights(positives, l2), l2

    def item_component_scores(self, user_items_row: csr_matrix) -> np.ndarray:
        """EASE score of every item for this row (sum of B's rows of its positives); zeros if off."""
        return self._item_scores(as_row(user_items_row, self.n_items))

    def _item_scores(self, row: csr_matrix) -> np.ndarray:
        liked = row.indices[row.data > POSITIVE_THRESHOLD]
        if self._item_B is None or liked.size == 0:
            return np.zeros(self.n_items)
        return liked_rows_sum(self._item_B, liked)

    def _workspace(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-thread scratch arrays of n_users (kept zeroed) so a request never scans n_users."""
        local = self.__dict__.setdefault("_scratch", threading.local())
        ws = getattr(local, "ws", None)
        if ws is None or ws[0].size != self.n_users:
            ws = (np.zeros(self.n_users), np.zeros(self.n_users, dtype=np.int64))
            local.ws = ws
        return ws

    def _require_fit(self) -> tuple[_Part, _Stats]:
        if self._base is None or self._stats is None:
            raise RuntimeError("the recommender is not fitted")
        return self._base, self._stats

    # --- rows ------------------------------------------------------------------------------------
    def _rows(self, users: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(position in `users`, column, score) of every stored entry of the given users' rows.

        Entries of one user are contiguous and in ascending column order.
        """
        base, _ = self._require_fit()
        users = np.asarray(users, dtype=np.int64)
        in_base = users < base.users.size
        if self._delta is not None:
            in_base[in_base] = ~self._stale[users[in_base]]
        pos = np.arange(users.size, dtype=np.int64)
        out_r, out_c, out_v = [], [], []
        for part, mask in ((base, in_base), (self._delta, ~in_base)):
            if part is None or not mask.any():
                continue
            us = users[mask]
            local = us if part is base else np.searchsorted(part.users, us)
            lens = part.X.indptr[local + 1] - part.X.indptr[local]
            idx = gather_ranges(part.X.indptr, local, lens)
            out_r.append(np.repeat(pos[mask], lens))
            out_c.append(part.X.indices[idx].astype(np.int64))
            out_v.append(part.X.data[idx])
        if not out_r:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_v)

    def user_rows(self, users: np.ndarray) -> csr_matrix:
        """The stored rows of user indices `users` as a len(users) x n_items CSR, read from the base
        and the overlay directly (cost: those rows; `user_items` would materialise every row)."""
        users = np.asarray(users, dtype=np.int64)
        r, c, v = self._rows(users)  # base rows then overlay rows: not in row order
        X = csr_matrix((v, (r, c)), shape=(users.size, self.n_items))
        X.sort_indices()
        return X

    @property
    def user_items(self) -> csr_matrix:
        """The fitted users x items CSR (after updates: materialised on first access, O(nnz))."""
        if self._user_items is None:
            r, c, v = self._rows(np.arange(self.n_users, dtype=np.int64))
            X = csr_matrix((v, (r, c)), shape=(self.n_users, self.n_items))
            X.sort_indices()
            self._user_items = X
        return self._user_items

    # --- recommending ----------------------------------------------------------------------------
    def _column_entries(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool, bool]:
        """(column position, user, value, sampled, over budget) of the current entries of `cols`.

        Columns with more than `max_column_users` entries are cut to the `max_column_users`
        entries of smallest `user_hash` (the base CSC is in hash order, so a prefix; with an
        overlay, the base prefix minus stale rows is merged with the overlay's entries). When the
        cut columns still hold more than `query_budget` entries, the cut is lowered to the one
        length m (`budget_cut`) that keeps the total within half of it, and each cut column keeps
        its m entries of smallest (user_hash - column_shift) mod 2^32: a window of the hash
        order starting at a point fixed per column (so one runner is kept in some long columns and
        not in others, and a neighbour sharing many shoes is seen through a share of them).
        """
        base, stats = self._require_fit()
        cap = self.max_column_users
        kept = np.minimum(stats.col_count[cols], cap)
        over_budget = int(kept.sum()) > self.query_budget
        if over_budget:
            cap = min(cap, budget_cut(kept, max(self.query_budget // 2, 1)))
        big = stats.col_count[cols] > cap
        sampled = bool(big.any())
        delta = self._delta
        # stale base rows possibly inside a base prefix (they are dropped after gathering)
        extra = 0 if delta is None else int(np.count_nonzero(self._stale[: base.users.size]))
        pieces = []
        shift = column_shift(cols) if over_budget else None
        for part, limit in ((base, cap + extra), (delta, cap)):
            if part is None:
                continue
            full = part.col_indptr[cols + 1] - part.col_indptr[cols]
            lens = np.where(big, np.minimum(full, limit), full) if sampled else full
            if shift is not None:  # window from the column's start point, wrapping around
                off = np.where(big, hash_rank_start(part.col_indptr, part.col_users, cols, shift), 0)
                head = np.minimum(lens, full - off)
                starts = part.col_indptr[cols]
                idx = gather_spans(
                    np.stack([starts + off, starts], axis=1).ravel(),
                    np.stack([head, lens - head], axis=1).ravel(),
                )
            else:
                idx = gather_ranges(part.col_indptr, cols, lens)
            which = np.repeat(np.arange(cols.size, dtype=np.int64), lens)
            users = part.col_users[idx]
            vals = part.col_vals[idx]
            if part is base and delta is not None:
                keep = ~self._stale[users]
                which, users, vals = which[keep], users[keep], vals[keep]
            pieces.append((which, users, vals))
        if len(pieces) == 1:
            which, users, vals = pieces[0]
        else:
            which = np.concatenate([p[0] for p in pieces])
            users = np.concatenate([p[1] for p in pieces])
            vals = np.concatenate([p[2] for p in pieces])
        if sampled and delta is not None:
            # per cut column, keep the `cap` entries of smallest key (base and overlay merged)
            at = np.flatnonzero(big[which])
            col, keys = which[at], user_hash(users[at])
            if shift is not None:
                keys = (keys + (_HASH_SPAN - shift[col])) & _HASH_MASK
            order = np.lexsort((keys, col))
            col = col[order]
            rank = np.arange(col.size, dtype=np.int64) - np.searchsorted(col, col, side="left")
            keep = np.ones(which.size, dtype=bool)
            keep[at[order[rank >= cap]]] = False
            which, users, vals = which[keep], users[keep], vals[keep]
        return which, users, vals, sampled, over_budget

    def similar_users(self, userid: int | None, user_items_row: csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """The k neighbours used for this row: (user indices, similarities), best first.

        Similarities are q . s_v (steps 2-4); `userid` (the row's own fitted user) is excluded.
        """
        _, stats = self._require_fit()
        row = as_row(user_items_row, self.n_items)
        s = query_values(row.data, self.similarity, self.neutral_weight, self.query_dislike_weight)
        nz = s != 0
        cols = row.indices[nz].astype(np.int64)
        if cols.size == 0:
            return np.zeros(0, np.int64), np.zeros(0)
        qnorm = float(np.sqrt(np.sum(s[nz] * s[nz])))
        q = s[nz] / qnorm
        if self.idf_exponent:
            q = q * np.maximum(stats.df[cols], 1).astype(np.float64) ** -self.idf_exponent
        which, users, vals, sampled, over_budget = self._column_entries(cols)
        cand, sims = accumulate_positive(users, vals * q[which], self.n_users, self._workspace())
        if userid is not None:
            keep = cand != userid
            cand, sims = cand[keep], sims[keep]
        if sampled and cand.size:
            n = self.rescore
            if over_budget:  # re-scoring reads each candidate's row: the other half of the budget
                n = min(n, max(self.k, self.query_budget // 2 // cols.size))
            cand = np.sort(top_pairs(cand, sims, n)[0])
            sims = self._exact_similarities(cand, cols, q)
        return select_neighbours(cand, sims, self.k)

    def _exact_similarities(self, users: np.ndarray, cols: np.ndarray, q: np.ndarray) -> np.ndarray:
        """q . s_v for the given users, from their rows."""
        _, stats = self._require_fit()
        qdense = np.zeros(self.n_items)
        qdense[cols] = q
        r, c, v = self._rows(users)
        s = self._sim(v)
        scale = np.where(stats.norms[users] > 0, stats.norms[users], 1.0) ** self.norm_exponent
        return np.bincount(r, weights=s / scale[r] * qdense[c], minlength=users.size)

    def recommend_with_reasons(
        self, userid: int | None, user_items_row: csr_matrix, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ids, scores, from_neighbours): collaborative items first, then popularity backfill.

        Collaborative items have score > 0: the user-KNN score (step 5), blended with the EASE
        item component when it is on (`blend_scores`); backfill items (the most popular unseen
        items by positive score sum over the fitted matrix) have score 0.0 and from_neighbours
        False.
        """
        ids, scores, liked_by, _ = self.recommend_with_evidence(userid, user_items_row, N)
        return ids, scores, liked_by >= 0

    def recommend_with_evidence(
        self, userid: int | None, user_items_row: csr_matrix, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """(ids, scores, liked_by, n_neighbours): the served ranking plus, per item, how many of the
        runner's n_neighbours scored it positively (-1 for popularity backfill), the numbers behind
        a feed item's reason ("liked by 7 of the 40 runners most like you")."""
        _, stats = self._require_fit()
        if userid is not None and not 0 <= int(userid) < self.n_users:
            raise IndexError(f"userid {userid} outside the fitted users (0..{self.n_users - 1})")
        row = as_row(user_items_row, self.n_items)
        seen = np.unique(row.indices).astype(np.int64)
        nb, sims = self.similar_users(None if userid is None else int(userid), row)
        ids = np.zeros(0, np.int64)
        scores = np.zeros(0)
        liked_by = np.zeros(0, np.int64)
        blended = self._item_B is not None and self.item_weight > 0
        if (nb.size or blended) and N > 0:
            item_scores = np.zeros(self.n_items)
            neighbour_likes = np.zeros(self.n_items, np.int64)
            if nb.size:
                r, c, v = self._rows(nb)
                weights = sims**self.alpha if self.alpha != 1.0 else sims
                item_scores = damped_item_scores(
                    c, weights[r] * self._agg(v), stats.df, self.popularity_damping
                )
                neighbour_likes = np.bincount(c[v > 0], minlength=self.n_items)
            item_scores[seen] = 0.0
            if blended:
                ease = self._item_scores(row)
                ease[seen] = 0.0
                item_scores = blend_scores(item_scores, ease, self.item_weight)
            ids = top_positive(item_scores, N)
            scores = item_scores[ids]
            liked_by = neighbour_likes[ids].astype(np.int64)
        n_fill = N - ids.size
        fill = np.zeros(0, np.int64)
        if n_fill > 0:
            taken = np.concatenate([seen, ids])
            head = self._pop_order[: n_fill + taken.size]
            fill = head[~np.isin(head, taken)][:n_fill]
        return (
            np.concatenate([ids, fill]),
            np.concatenate([scores, np.zeros(fill.size)]),
            np.concatenate([liked_by, np.full(fill.size, -1, np.int64)]),
            int(nb.size),
        )

    def recommend(
        self, userid: int | None, user_items_row: csr_matrix, N: int = 10
    ) -> tuple[np.ndarray, np.ndarray]:
        """The served ranking (backfill included) without the reasons."""
        ids, scores, _ = self.recommend_with_reasons(userid, user_items_row, N)
        return ids, scores

    # --- incremental update ----------------------------------------------------------------------
    def with_updated_rows(self, user_rows: np.ndarray, new_rows: csr_matrix) -> UserCollaborativeRecommender:
        """A NEW engine equal to `fit` on the matrix with rows `user_rows` replaced by `new_rows`.

        Indices >= n_users append new users (they must be n_users, n_users + 1, ... once sorted;
        a repeated index keeps its last row). This engine is left untouched (hot-swap). Cost is
        proportional to the changed rows plus O(n_users + n_items) array copies, except when the
        overlay exceeds `compact_fraction` of the base: then the update is a full rebuild.
        """
        base, stats = self._require_fit()
        user_rows = np.asarray(user_rows, dtype=np.int64).ravel()
        rows = as_user_items(new_rows)
        if rows.shape != (user_rows.size, self.n_items):
            raise ValueError(f"new_rows must have shape ({user_rows.size}, {self.n_items})")
        if user_rows.size and user_rows.min() < 0:
            raise ValueError("user_rows must be >= 0")
        users, last = np.unique(user_rows[::-1], return_index=True)  # last occurrence wins
        rows = rows[user_rows.size - 1 - last]
        new_users = users[users >= self.n_users]
        if new_users.size and not np.array_equal(
            new_users, np.arange(self.n_users, self.n_users + new_users.size)
        ):
            raise ValueError("new users must be appended as n_users, n_users + 1, ... without gaps")
        n_users = self.n_users + new_users.size

        old = users[users < self.n_users]
        r_old, c_old, v_old = self._rows(old)
        old_X = csr_matrix((v_old, (r_old, c_old)), shape=(max(old.size, 0), self.n_items))
        df_o, cc_o, ps_o = self._item_stats(old_X)
        df_n, cc_n, ps_n = self._item_stats(rows)

        eng = UserCollaborativeRecommender(**self.get_params())
        eng.n_users, eng.n_items = n_users, self.n_items
        eng._base = base
        stale = np.zeros(n_users, dtype=bool)
        stale[: self._stale.size] = self._stale
        stale[users] = True
        eng._stale = stale
        # overlay = previous overlay rows not replaced now + the new rows
        if self._delta is not None:
            keep = ~np.isin(self._delta.users, users)
            prev_users = self._delta.users[keep]
            prev_X = self._delta.X[np.flatnonzero(keep)]
        else:
            prev_users, prev_X = np.zeros(0, np.int64), csr_matrix((0, self.n_items))
        d_users = np.concatenate([prev_users, users])
        order = np.argsort(d_users, kind="stable")
        d_X = csr_matrix(vstack([prev_X, rows], format="csr")[order])
        d_X.sort_indices()
        eng._delta, d_norms = eng._make_part(d_users[order], d_X)
        norms = np.zeros(n_users)
        norms[: self.n_users] = stats.norms
        norms[d_users[order]] = d_norms
        df = stats.df - df_o + df_n
        col_count = stats.col_count - cc_o + cc_n
        pos_sum = stats.pos_sum - ps_o + ps_n
        eng._stats = _Stats(norms=norms, df=df, col_count=col_count, pos_sum=pos_sum)
        eng._pop_order = popularity_order(pos_sum)
        # the item component stays the last full build's: re-inverting items x items per update
        # would make every injected runner cost a full EASE fit (compaction refreshes it)
        eng._item_B, eng.fitted_item_l2 = self._item_B, self.fitted_item_l2
        if eng._delta.nnz > self.compact_fraction * max(base.nnz, 1):
            return UserCollaborativeRecommender(**self.get_params()).fit(eng.user_items)
        return eng

    # --- introspection ---------------------------------------------------------------------------
    def nbytes(self) -> int:
        """Bytes held by the engine's arrays (shared base included)."""
        total = 0
        for part in (self._base, self._delta):
            if part is None:
                continue
            total += part.X.data.nbytes + part.X.indices.nbytes + part.X.indptr.nbytes + part.users.nbytes
            total += part.col_indptr.nbytes + part.col_users.nbytes + part.col_vals.nbytes
        if self._stats is not None:
            total += sum(a.nbytes for a in (self._stats.norms, self._stats.df, self._stats.col_count))
            total += self._stats.pos_sum.nbytes
        if self._item_B is not None:
            total += self._item_B.nbytes
        return total + self._stale.nbytes + self._pop_order.nbytes
