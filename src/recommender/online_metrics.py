"""Online metrics from the impression log: pure functions over rows and arrays (no I/O).

Definitions (docs/online_evaluation.md has them with examples):
- an *impression* is one served page: runner, shoes in order (positions from `first_position`),
  source (collaborative | popular | questionnaire), model version and arm, time;
- a *shown pair* is a (runner, shoe) that was on a page in the window; its position is the best
  (lowest) one it was shown at, its time the first time it was shown;
- *positive feedback* is a like or a rating of 4 stars or more, at or after the pair's first showing.

Per group of impressions (an arm, or an arm and a model version):
- positive-feedback rate = positive shown pairs / shown pairs, with a 95 % percentile bootstrap
  interval that resamples runners (a runner's pairs are not independent of each other);
- hit rate at 10 = share of runners with a positive on a shoe shown at position <= 10 (Wilson);
- hit position = mean position of the positive pairs (normal interval);
- catalog coverage = distinct shoes shown / catalog size (bootstrap over runners);
- popular-only share and cold-start share = pages whose source was popular / questionnaire (Wilson).

Significance (`compare_arms`): the leader is the arm with the higher positive-feedback rate; the
difference is significant when its 95 % bootstrap interval excludes 0. No leader is named before
every compared arm has `min_runners` runners with impressions, whatever the interval says.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

Z95 = 1.959963984540054
BOOTSTRAP_SAMPLES = 400
SOURCES = ("collaborative", "popular", "questionnaire")
_RESAMPLE_CELLS = 4_000_000  # runners x resamples drawn at once
_Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Impression:
    user_id: int
    shown_at: float  # unix seconds
    source: str
    model_version: str | None
    arm: str
    shoe_ids: tuple[str, ...]
    first_position: int = 1  # the position of shoe_ids[0] (a page at offset 20 starts at 21)


@dataclass(frozen=True, slots=True)
class Feedback:
    """One positive interaction (a like, or a rating of 4 stars or more)."""

    user_id: int
    shoe_id: str
    at: float


@dataclass(slots=True)
class RunnerOutcomes:
    """Per runner of one group, in runner-id order: what was shown and what was liked. Arrays: a
    report over hundreds of thousands of pages is a few sorts, not a Python step per shown shoe."""

    user_ids: npt.NDArray[np.int64]
    shown: npt.NDArray[np.int64]  # distinct shoes shown
    positives: npt.NDArray[np.int64]  # of those, with positive feedback after
    hit_at_k: npt.NDArray[np.bool_]
    hit_positions: npt.NDArray[np.int64]  # every positive pair's best position
    pair_runners: npt.NDArray[np.int64]  # each shown pair's runner (an index into user_ids)
    pair_shoes: npt.NDArray[np.int64]  # and its shoe, as a code (only distinctness matters)
    pages: int = 0
    pages_by_source: dict[str, int] = field(default_factory=dict)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for k successes in n trials (None when n = 0)."""
    if n <= 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(
    values: Sequence[float] | npt.NDArray[np.int64], z: float = Z95
) -> tuple[float, float, float] | None:
    """(mean, low, high): a normal interval on the mean (None without values; zero width for one)."""
    n = len(values)
    if n == 0:
        return None
    arr = np.asarray(values, dtype=np.float64)
    mean = float(arr.mean())
    half = z * float(arr.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    return mean, mean - half, mean + half


def two_proportion_z(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float] | None:
    """(z, two-sided p) of the pooled two-proportion z-test of k1/n1 against k2/n2."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (k1 / n1 - k2 / n2) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


def _resample_weights(n: int, rng: np.random.Generator, samples: int) -> Iterator[npt.NDArray[np.float64]]:
    """How often each of n runners is drawn in each bootstrap resample, a (rows, n) block at a time:
    the memory stays bounded however many runners there are."""
    step = max(1, _RESAMPLE_CELLS // n)
    for first in range(0, samples, step):
        rows = min(step, samples - first)
        idx = rng.integers(0, n, size=(rows, n)) + (np.arange(rows) * n)[:, None]
        yield np.bincount(idx.ravel(), minlength=rows * n).reshape(rows, n).astype(np.float64)


def ratio_bootstrap(
    numerators: Sequence[float] | npt.NDArray[np.int64],
    denominators: Sequence[float] | npt.NDArray[np.int64],
    *,
    seed: int = 0,
    samples: int = BOOTSTRAP_SAMPLES,
) -> npt.NDArray[np.float64]:
    """Bootstrap replicates of sum(num) / sum(den), resampling the (num, den) units."""
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    if num.size == 0:
        return np.empty(0)
    num_sums, den_sums = [], []
    for w in _resample_weights(num.size, np.random.default_rng(seed), samples):
        num_sums.append(w @ num)
        den_sums.append(w @ den)
    num_sum, den_sum = np.concatenate(num_sums), np.concatenate(den_sums)
    return np.divide(num_sum, den_sum, out=np.zeros(samples), where=den_sum > 0)


def percentile_interval(replicates: npt.NDArray[np.float64]) -> tuple[float, float] | None:
    if replicates.size == 0:
        return None
    lo, hi = np.percentile(replicates, [2.5, 97.5])
    return float(lo), float(hi)


def _interval(value: float | None, ci: tuple[float, float] | None, n: int) -> dict[str, Any]:
    return {
        "value": None if value is None else round(value, 6),
        "ci95": None if ci is None else [round(ci[0], 6), round(ci[1], 6)],
        "n": n,
    }


def coverage_bootstrap(
    pair_runners: npt.NDArray[np.int64],
    pair_shoes: npt.NDArray[np.int64],
    catalog_size: int,
    *,
    seed: int = 0,
    samples: int = BOOTSTRAP_SAMPLES,
) -> tuple[float, tuple[float, float] | None]:
    """Distinct shoes shown / catalog size, and its bootstrap interval over runners, from the shown
    pairs (runner index, shoe code)."""
    if pair_runners.size == 0 or catalog_size <= 0:
        return 0.0, None
    shoes, columns = np.unique(pair_shoes, return_inverse=True)
    n_runners = int(pair_runners.max()) + 1
    # shoes x runners: a resample shows a shoe when it draws any runner who was shown it
    incidence = sparse.csr_matrix(
        (np.ones(pair_runners.size), (columns.ravel(), pair_runners)), shape=(shoes.size, n_runners)
    )
    covered = [
        ((incidence @ w.T) > 0).sum(axis=0)
        for w in _resample_weights(n_runners, np.random.default_rng(seed), samples)
    ]
    replicates = np.concatenate(covered).astype(np.float64) / catalog_size
    return shoes.size / catalog_size, percentile_interval(replicates)


def group_metrics(
    outcomes: RunnerOutcomes, catalog_size: int, *, top_k: int = 10, seed: int = 0
) -> dict[str, Any]:
    """The metrics of one group, each as {value, ci95, n}."""
    n_runners = len(outcomes.user_ids)
    shown_pairs, positive_pairs = int(outcomes.shown.sum()), int(outcomes.positives.sum())
    pfr = positive_pairs / shown_pairs if shown_pairs else None
    hits = int(outcomes.hit_at_k.sum())
    position = mean_interval(outcomes.hit_positions)
    coverage, coverage_ci = coverage_bootstrap(
        outcomes.pair_runners, outcomes.pair_shoes, catalog_size, seed=seed
    )
    pages = outcomes.pages
    popular = outcomes.pages_by_source.get("popular", 0)
    cold = outcomes.pages_by_source.get("questionnaire", 0)
    return {
        "runners": n_runners,
        "pages": pages,
        "shown_pairs": shown_pairs,
        "positive_pairs": positive_pairs,
        "positive_feedback_rate": _interval(
            pfr,
            percentile_interval(ratio_bootstrap(outcomes.positives, outcomes.shown, seed=seed)),
            shown_pairs,
        ),
        f"hit_rate_at_{top_k}": _interval(
            hits / n_runners if n_runners else None, wilson(hits, n_runners), n_runners
        ),
        "hit_position": _interval(
            None if position is None else position[0],
            None if position is None else (position[1], position[2]),
            len(outcomes.hit_positions),
        ),
        "catalog_coverage": _interval(coverage if n_runners else None, coverage_ci, n_runners),
        "popular_only_share": _interval(popular / pages if pages else None, wilson(popular, pages), pages),
        "cold_start_share": _interval(cold / pages if pages else None, wilson(cold, pages), pages),
    }


def compare_arms(
    by_arm: dict[str, RunnerOutcomes], *, min_runners: int, top_k: int = 10, seed: int = 0
) -> dict[str, Any]:
    """Which arm leads on the positive-feedback rate and whether that is significant.

    Rule: the two arms with the highest rates are compared; the difference gets a 95 % bootstrap
    interval (each arm's runners resampled on their own). A leader is named only when both arms
    have at least `min_runners` runners, and called significant only when the interval excludes 0.
    The two-proportion z-test on the hit rate at `top_k` (runners are independent) is reported too."""
    rates = {
        arm: (int(o.positives.sum()) / int(o.shown.sum()) if o.shown.sum() else 0.0)
        for arm, o in by_arm.items()
        if len(o.user_ids)
    }
    if len(rates) < 2:
        return {
            "leader": None,
            "significant": False,
            "rule": _rule(min_runners),
            "statement": "fewer than two arms have impressions: nothing to compare",
        }
    first, second = sorted(rates, key=lambda a: (-rates[a], a))[:2]
    a, b = by_arm[first], by_arm[second]
    rep_a = ratio_bootstrap(a.positives, a.shown, seed=seed)
    rep_b = ratio_bootstrap(b.positives, b.shown, seed=seed + 1)
    ci = percentile_interval(rep_a - rep_b)
    diff = rates[first] - rates[second]
    z_test = two_proportion_z(int(a.hit_at_k.sum()), len(a.user_ids), int(b.hit_at_k.sum()), len(b.user_ids))
    enough = min(len(a.user_ids), len(b.user_ids)) >= min_runners
    significant = bool(enough and ci is not None and ci[0] > 0)
    if not enough:
        statement = (
            f"not enough samples yet: {first} has {len(a.user_ids)} runners and {second} "
            f"{len(b.user_ids)}; a leader is named from {min_runners} runners per arm"
        )
    elif significant:
        statement = (
            f"{first} leads {second} on positive-feedback rate by {diff:+.4f} "
            f"(95 % CI {ci[0]:+.4f} to {ci[1]:+.4f}): significant"  # type: ignore[index]
        )
    else:
        statement = f"{first} is ahead of {second} by {diff:+.4f} but the 95 % interval includes 0: no significant difference"
    return {
        "leader": first if enough else None,
        "challenger": second,
        "significant": significant,
        "difference": round(diff, 6),
        "difference_ci95": None if ci is None else [round(ci[0], 6), round(ci[1], 6)],
        f"hit_rate_at_{top_k}_z_test": None
        if z_test is None
        else {"z": round(z_test[0], 4), "p_value": round(z_test[1], 6)},
        "runners": {first: len(a.user_ids), second: len(b.user_ids)},
        "rule": _rule(min_runners),
        "statement": statement,
    }


def _rule(min_runners: int) -> str:
    return (
        f"leader = higher positive-feedback rate; named only with >= {min_runners} runners in each "
        "compared arm; significant when the 95 % bootstrap interval of the difference excludes 0"
    )


class _ShownLog:
    """Impressions and feedback as arrays: one entry per shown shoe, with its group (the arm and
    model version of its page), runner, shoe, time and position; runners and shoes as codes, runner
    codes in runner-id order."""

    def __init__(self, impressions: Sequence[Impression], feedback: Iterable[Feedback]) -> None:
        self.groups: dict[tuple[str, str], int] = {}
        self.page_group = np.fromiter(
            (
                self.groups.setdefault((i.arm, i.model_version or "none"), len(self.groups))
                for i in impressions
            ),
            np.int64,
            len(impressions),
        )
        source_code: dict[str, int] = {}
        self.page_source = np.fromiter(
            (source_code.setdefault(i.source, len(source_code)) for i in impressions),
            np.int64,
            len(impressions),
        )
        self.sources = list(source_code)
        page_user = np.fromiter((i.user_id for i in impressions), np.int64, len(impressions))
        self.user_ids, page_user_code = np.unique(page_user, return_inverse=True)
        self.n_users = max(1, self.user_ids.size)
        lengths = np.fromiter((len(i.shoe_ids) for i in impressions), np.int64, len(impressions))
        shoe_code: dict[str, int] = {}
        self.shoe = np.fromiter(
            (shoe_code.setdefault(s, len(shoe_code)) for i in impressions for s in i.shoe_ids),
            np.int64,
            int(lengths.sum()),
        )
        self.n_shoes = max(1, len(shoe_code))
        page_start = np.cumsum(lengths) - lengths
        first_position = np.fromiter((i.first_position for i in impressions), np.int64, len(impressions))
        self.group = np.repeat(self.page_group, lengths)
        self.user = np.repeat(page_user_code.ravel(), lengths)
        self.shown_at = np.repeat(np.fromiter((i.shown_at for i in impressions), np.float64), lengths)
        self.position = np.repeat(first_position - page_start, lengths) + np.arange(self.shoe.size)
        # the newest positive of each (runner, shoe) pair that was shown at all
        user_code = {int(u): c for c, u in enumerate(self.user_ids)}
        kept = [
            (user_code[fb.user_id] * self.n_shoes + shoe_code[fb.shoe_id], fb.at)
            for fb in feedback
            if fb.user_id in user_code and fb.shoe_id in shoe_code
        ]
        keys = np.fromiter((k for k, _ in kept), np.int64, len(kept))
        at = np.fromiter((t for _, t in kept), np.float64, len(kept))
        order = np.argsort(keys, kind="stable")
        keys, at = keys[order], at[order]
        starts = _run_starts(keys)
        self.liked_keys = keys[starts]
        self.liked_at = np.maximum.reduceat(at, starts) if starts.size else at

    def pairs(self) -> tuple[_Ints, _Ints, npt.NDArray[np.float64], _Ints]:
        """The distinct (arm and version code, runner * n_shoes + shoe) pairs shown."""
        pair = self.user * self.n_shoes + self.shoe
        return _shown_pairs(self.group, pair, self.shown_at, self.position, self.n_users * self.n_shoes)

    def pages(self, group: npt.NDArray[np.bool_]) -> tuple[int, dict[str, int]]:
        """Pages of the groups marked in `group` (indexed by group code), and those per source."""
        mine = group[self.page_group]
        counts = np.bincount(self.page_source[mine], minlength=len(self.sources))
        return int(mine.sum()), {s: int(n) for s, n in zip(self.sources, counts, strict=True) if n}


def _run_starts(sorted_keys: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Where each run of equal values starts in a sorted array."""
    if sorted_keys.size == 0:
        return np.empty(0, dtype=np.intp)
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


def _shown_pairs(
    group: _Ints, pair: _Ints, shown_at: npt.NDArray[np.float64], position: _Ints, n_pairs: int
) -> tuple[_Ints, _Ints, npt.NDArray[np.float64], _Ints]:
    """One row per distinct (group, pair), pairs coded below `n_pairs`: sorted by group then pair,
    with the pair's first showing and best position in that group."""
    key = group * n_pairs + pair  # one int64 sort key (ample: groups x runners x shoes < 2^63)
    order = np.argsort(key)
    key = key[order]
    starts = _run_starts(key)
    key = key[starts]
    if not starts.size:
        return key, key, shown_at[:0], position[:0]
    return (
        key // n_pairs,
        key % n_pairs,
        np.minimum.reduceat(shown_at[order], starts),
        np.minimum.reduceat(position[order], starts),
    )


def _outcomes(
    log: _ShownLog,
    pair: npt.NDArray[np.int64],
    first_shown: npt.NDArray[np.float64],
    best: npt.NDArray[np.int64],
    top_k: int,
) -> RunnerOutcomes:
    """One group's outcomes from its shown pairs (runner code * n_shoes + shoe code, sorted)."""
    if log.liked_keys.size:
        found = np.minimum(np.searchsorted(log.liked_keys, pair), log.liked_keys.size - 1)
        positive = (log.liked_keys[found] == pair) & (log.liked_at[found] >= first_shown)
    else:
        positive = np.zeros(pair.size, dtype=bool)
    runner = pair // log.n_shoes
    starts = _run_starts(runner)
    if starts.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return RunnerOutcomes(empty, empty, empty, np.empty(0, dtype=bool), empty, empty, empty)
    return RunnerOutcomes(
        user_ids=log.user_ids[runner[starts]],
        shown=np.diff(np.r_[starts, runner.size]).astype(np.int64),
        positives=np.add.reduceat(positive.astype(np.int64), starts),
        hit_at_k=np.logical_or.reduceat(positive & (best <= top_k), starts),
        hit_positions=best[positive],
        pair_runners=np.cumsum(np.r_[True, runner[1:] != runner[:-1]]) - 1,
        pair_shoes=pair % log.n_shoes,
    )


def _group_outcomes(
    log: _ShownLog,
    pairs: tuple[_Ints, _Ints, npt.NDArray[np.float64], _Ints],
    group_of: _Ints,
    n_groups: int,
    top_k: int,
) -> list[RunnerOutcomes]:
    """Outcomes of each group from shown pairs grouped by (arm, version) code (`_ShownLog.pairs`),
    where `group_of` maps those codes to the groups: a pair's first showing and best position in a
    group are the minimums over its codes."""
    code, pair, first_shown, best = pairs
    group, pair, first_shown, best = _shown_pairs(
        group_of[code], pair, first_shown, best, log.n_users * log.n_shoes
    )
    bounds = np.searchsorted(group, np.arange(n_groups + 1))
    out = []
    for g in range(n_groups):
        a, b = bounds[g], bounds[g + 1]
        outcome = _outcomes(log, pair[a:b], first_shown[a:b], best[a:b], top_k)
        outcome.pages, outcome.pages_by_source = log.pages(group_of == g)
        out.append(outcome)
    return out


def runner_outcomes(
    impressions: Sequence[Impression], feedback: Iterable[Feedback], top_k: int = 10
) -> RunnerOutcomes:
    """Shown pairs and their positive feedback per runner, for one group of impressions."""
    log = _ShownLog(impressions, feedback)
    return _group_outcomes(log, log.pairs(), np.zeros(len(log.groups), dtype=np.int64), 1, top_k)[0]


def online_report(
    impressions: Sequence[Impression],
    feedback: Sequence[Feedback],
    *,
    catalog_size: int,
    min_runners: int,
    top_k: int = 10,
    seed: int = 0,
) -> dict[str, Any]:
    """Metrics per arm, per (arm, model version), and the arm comparison, for the rows given
    (already restricted to the window by the caller)."""
    log = _ShownLog(impressions, feedback)
    versions = sorted(log.groups)
    arms = sorted({arm for arm, _ in versions})
    version_of = np.empty(len(versions), dtype=np.int64)
    arm_of = np.empty(len(versions), dtype=np.int64)
    for rank, key in enumerate(versions):
        version_of[log.groups[key]] = rank
        arm_of[log.groups[key]] = arms.index(key[0])
    pairs = log.pairs()  # per (arm, version) code: the finest grouping, reduced once
    by_arm = dict(zip(arms, _group_outcomes(log, pairs, arm_of, len(arms), top_k), strict=True))
    by_version = _group_outcomes(log, pairs, version_of, len(versions), top_k)
    return {
        "arms": {arm: group_metrics(o, catalog_size, top_k=top_k, seed=seed) for arm, o in by_arm.items()},
        "versions": [
            {
                "arm": arm,
                "model_version": version,
                **group_metrics(o, catalog_size, top_k=top_k, seed=seed),
            }
            for (arm, version), o in zip(versions, by_version, strict=True)
        ],
        "comparison": compare_arms(by_arm, min_runners=min_runners, top_k=top_k, seed=seed),
    }
