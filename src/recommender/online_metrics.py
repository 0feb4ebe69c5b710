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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Z95 = 1.959963984540054
BOOTSTRAP_SAMPLES = 400
SOURCES = ("collaborative", "popular", "questionnaire")


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
    """Per runner of one group, in the same order: what was shown and what was liked."""

    user_ids: list[int] = field(default_factory=list)
    shown: list[int] = field(default_factory=list)  # distinct shoes shown
    positives: list[int] = field(default_factory=list)  # of those, with positive feedback after
    hit_at_k: list[bool] = field(default_factory=list)
    hit_positions: list[int] = field(default_factory=list)  # every positive pair's best position
    shoes: list[frozenset[str]] = field(default_factory=list)
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


def mean_interval(values: Sequence[float], z: float = Z95) -> tuple[float, float, float] | None:
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


def _resample_weights(n: int, rng: np.random.Generator, samples: int) -> npt.NDArray[np.float64]:
    """(samples, n): how often each runner is drawn in each bootstrap resample."""
    idx = rng.integers(0, n, size=(samples, n)) + (np.arange(samples) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=samples * n).reshape(samples, n).astype(np.float64)


def ratio_bootstrap(
    numerators: Sequence[float],
    denominators: Sequence[float],
    *,
    seed: int = 0,
    samples: int = BOOTSTRAP_SAMPLES,
) -> npt.NDArray[np.float64]:
    """Bootstrap replicates of sum(num) / sum(den), resampling the (num, den) units."""
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    if num.size == 0:
        return np.empty(0)
    w = _resample_weights(num.size, np.random.default_rng(seed), samples)
    den_sum = w @ den
    return np.divide(w @ num, den_sum, out=np.zeros(samples), where=den_sum > 0)


def percentile_interval(replicates: npt.NDArray[np.float64]) -> tuple[float, float] | None:
    if replicates.size == 0:
        return None
    lo, hi = np.percentile(replicates, [2.5, 97.5])
    return float(lo), float(hi)


def runner_outcomes(
    impressions: Iterable[Impression], feedback: Iterable[Feedback], top_k: int = 10
) -> RunnerOutcomes:
    """Shown pairs and their positive feedback per runner, for one group of impressions."""
    first_shown: dict[int, dict[str, tuple[float, int]]] = {}
    out = RunnerOutcomes()
    for imp in impressions:
        out.pages += 1
        out.pages_by_source[imp.source] = out.pages_by_source.get(imp.source, 0) + 1
        shown = first_shown.setdefault(imp.user_id, {})
        for i, shoe in enumerate(imp.shoe_ids):
            pos = imp.first_position + i
            seen = shown.get(shoe)
            shown[shoe] = (
                (imp.shown_at, pos) if seen is None else (min(seen[0], imp.shown_at), min(seen[1], pos))
            )
    liked: dict[int, dict[str, float]] = {}
    for fb in feedback:
        if fb.user_id in first_shown:
            # the newest positive per pair: it counts when it came at or after the first showing
            by_shoe = liked.setdefault(fb.user_id, {})
            by_shoe[fb.shoe_id] = max(by_shoe.get(fb.shoe_id, fb.at), fb.at)
    for user_id in sorted(first_shown):
        shown = first_shown[user_id]
        mine = liked.get(user_id, {})
        positions = [pos for shoe, (t, pos) in shown.items() if shoe in mine and mine[shoe] >= t]
        out.user_ids.append(user_id)
        out.shown.append(len(shown))
        out.positives.append(len(positions))
        out.hit_at_k.append(any(p <= top_k for p in positions))
        out.hit_positions.extend(positions)
        out.shoes.append(frozenset(shown))
    return out


def _interval(value: float | None, ci: tuple[float, float] | None, n: int) -> dict[str, Any]:
    return {
        "value": None if value is None else round(value, 6),
        "ci95": None if ci is None else [round(ci[0], 6), round(ci[1], 6)],
        "n": n,
    }


def coverage_bootstrap(
    shoes: Sequence[frozenset[str]], catalog_size: int, *, seed: int = 0, samples: int = BOOTSTRAP_SAMPLES
) -> tuple[float, tuple[float, float] | None]:
    """Distinct shoes shown / catalog size, and its bootstrap interval over runners."""
    if not shoes or catalog_size <= 0:
        return 0.0, None
    index: dict[str, int] = {}
    rows, cols = [], []
    for r, shown in enumerate(shoes):
        for shoe in shown:
            rows.append(r)
            cols.append(index.setdefault(shoe, len(index)))
    incidence = np.zeros((len(shoes), len(index)), dtype=np.float64)
    incidence[rows, cols] = 1.0
    value = len(index) / catalog_size
    w = _resample_weights(len(shoes), np.random.default_rng(seed), samples)
    replicates = ((w @ incidence) > 0).sum(axis=1) / catalog_size
    return value, percentile_interval(replicates.astype(np.float64))


def group_metrics(
    outcomes: RunnerOutcomes, catalog_size: int, *, top_k: int = 10, seed: int = 0
) -> dict[str, Any]:
    """The metrics of one group, each as {value, ci95, n}."""
    n_runners = len(outcomes.user_ids)
    shown_pairs, positive_pairs = sum(outcomes.shown), sum(outcomes.positives)
    pfr = positive_pairs / shown_pairs if shown_pairs else None
    hits = sum(outcomes.hit_at_k)
    position = mean_interval(outcomes.hit_positions)
    coverage, coverage_ci = coverage_bootstrap(outcomes.shoes, catalog_size, seed=seed)
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
        arm: (sum(o.positives) / sum(o.shown) if sum(o.shown) else 0.0)
        for arm, o in by_arm.items()
        if o.user_ids
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
    z_test = two_proportion_z(sum(a.hit_at_k), len(a.user_ids), sum(b.hit_at_k), len(b.user_ids))
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
    arms: dict[str, list[Impression]] = {}
    versions: dict[tuple[str, str], list[Impression]] = {}
    for imp in impressions:
        arms.setdefault(imp.arm, []).append(imp)
        versions.setdefault((imp.arm, imp.model_version or "none"), []).append(imp)
    users = {imp.user_id for imp in impressions}
    positives = [fb for fb in feedback if fb.user_id in users]
    by_arm = {arm: runner_outcomes(rows, positives, top_k) for arm, rows in sorted(arms.items())}
    return {
        "arms": {arm: group_metrics(o, catalog_size, top_k=top_k, seed=seed) for arm, o in by_arm.items()},
        "versions": [
            {
                "arm": arm,
                "model_version": version,
                **group_metrics(
                    runner_outcomes(rows, positives, top_k), catalog_size, top_k=top_k, seed=seed
                ),
            }
            for (arm, version), rows in sorted(versions.items())
        ],
        "comparison": compare_arms(by_arm, min_runners=min_runners, top_k=top_k, seed=seed),
    }
