"""A/B arms: which engine variant a runner is served, and how each variant is built.

A runner's arm is a stable hash of the experiment name and their id (blake2b, 64 bits, mapped onto
[0, 1) and cut by the arms' cumulative shares), so every worker of every replica, and the CT
process computing the metrics, assigns the same runner to the same arm without sharing anything;
renaming the experiment reshuffles everyone. Arms are engine variants: EXPERIMENT_ARMS maps each
arm name to the engine parameters it overrides (`{}` is the served engine as configured).

The CT process builds and gates every arm's engine with the served one (`src.ct.arms`) and
publishes each as an artifact named in the version row (`figures["arms"]`); API workers map it
like the served engine and never fit one. `engine_for_arm` is the one place an arm's engine is
made (`make_engine` with the arm's parameters).
"""

from __future__ import annotations

import bisect
import hashlib
from typing import Any

from src.config import Settings
from src.engine.snapshots import make_engine
from src.recommender.cf_snapshot import CFEngine

_SCALE = float(1 << 64)


class ArmAssigner:
    """arm_of(user_id) for one experiment; the thresholds are computed once, at load time."""

    def __init__(self, experiment: str, shares: tuple[tuple[str, float], ...]) -> None:
        if not shares:
            raise ValueError("an experiment needs at least one arm")
        self.experiment = experiment
        self.arms = tuple(name for name, _ in shares)
        self._salt = experiment.encode() + b"\x00"
        cumulative, total = [], 0.0
        for _, share in shares:
            total += share
            cumulative.append(total)
        cumulative[-1] = float("inf")  # rounding never leaves a point unassigned
        self._cuts = cumulative

    @classmethod
    def from_settings(cls, settings: Settings) -> ArmAssigner:
        return cls(settings.experiment_name, settings.arm_shares)

    @property
    def default_arm(self) -> str:
        """The first arm: the served engine, and what a runner sees while their arm is not loaded."""
        return self.arms[0]

    def point(self, user_id: int) -> float:
        """The runner's stable point in [0, 1) for this experiment."""
        digest = hashlib.blake2b(self._salt + str(user_id).encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") / _SCALE

    def arm_of(self, user_id: int) -> str:
        if len(self.arms) == 1:
            return self.arms[0]
        return self.arms[bisect.bisect_right(self._cuts, self.point(user_id))]


def engine_params_for_arm(settings: Settings, arm: str) -> dict[str, Any]:
    """The engine parameters an arm overrides (empty: the served engine as configured)."""
    try:
        return dict(settings.experiment_arms[arm])
    except KeyError:
        raise KeyError(
            f"unknown arm {arm!r}; EXPERIMENT_ARMS names {', '.join(settings.experiment_arms)}"
        ) from None


def engine_for_arm(settings: Settings, arm: str) -> CFEngine:
    """An unfitted engine for `arm`: the served engine with the arm's parameters."""
    params = engine_params_for_arm(settings, arm)
    try:
        return make_engine(settings, params)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"EXPERIMENT_ARMS[{arm!r}] = {params}: not a valid engine: {exc}") from None


def check_arms(settings: Settings) -> None:
    """Build every arm's engine once (unfitted, cheap): a bad EXPERIMENT_ARMS stops start-up with
    one line naming the arm, instead of failing every rebuild afterwards."""
    for arm in settings.experiment_arms:
        engine_for_arm(settings, arm)


def arm_entries(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The `arms` a version row records: arm -> {artifact, built_in, gate, status[, reason]}."""
    found = figures.get("arms")
    return found if isinstance(found, dict) else {}
