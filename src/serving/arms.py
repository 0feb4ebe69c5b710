"""A/B arms: which engine variant a runner is served, and how each variant is built.

A runner's arm is a stable hash of the experiment name and their id (blake2b, 64 bits, mapped onto
[0, 1) and cut by the arms' cumulative shares), so every worker of every replica, and the CT
process computing the metrics, assigns the same runner to the same arm without sharing anything;
renaming the experiment reshuffles everyone. Arms are engine variants: EXPERIMENT_ARMS maps each
arm name to the engine parameters it overrides (`{}` is the served engine as configured).

This module is the seam to the engine factory: `engine_params_for_arm` says what an arm changes,
`engine_for_arm` builds it. Nothing else here knows the engine's constructor.
"""

from __future__ import annotations

import bisect
import hashlib
from typing import Any

from src.config import Settings
from src.engine.snapshots import CFEngine, make_engine
from src.recommender.cf_snapshot import CFSnapshot
from src.recommender.collaborative_filtering import UserCollaborativeRecommender
from src.store import Store

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
    """An unfitted engine for `arm`. MERGE: once `make_engine` takes overrides, this becomes
    `make_engine(settings, **engine_params_for_arm(settings, arm))`."""
    params = engine_params_for_arm(settings, arm)
    if not params:
        return make_engine(settings)
    if settings.cf_neighbours is not None:
        params.setdefault("k", settings.cf_neighbours)
    if "k" in params:
        params["k"] = int(params["k"])
    try:
        return UserCollaborativeRecommender(**params)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"EXPERIMENT_ARMS[{arm!r}] = {params}: not a valid engine: {exc}") from None


def check_arms(settings: Settings) -> None:
    """Build every arm's engine once (unfitted, cheap): a bad EXPERIMENT_ARMS stops start-up with
    one line naming the arm, instead of failing every poll afterwards."""
    for arm in settings.experiment_arms:
        engine_for_arm(settings, arm)


def follow_arm(
    store: Store, settings: Settings, arm: str, main: CFSnapshot, current: CFSnapshot | None
) -> CFSnapshot | None:
    """`arm`'s snapshot at the version `main` serves: `current` (the arm's older one) brought
    forward incrementally, else its engine fitted on the whole matrix as of that version.
    MERGE: this is `engine.versions.snapshot_at` with the arm's engine factory; if the CF branch
    changes snapshot_at's signature, only this call changes."""
    from src.engine.versions import snapshot_at, version_id_of

    version_id = version_id_of(main)
    if version_id is None:
        return None
    version = store.cf_version(version_id)
    if version is None or version.status != "published":
        return None
    if current is not None and current.last_event_id > version.watermark:
        current = None
    return snapshot_at(store, settings, version, current, factory=lambda: engine_for_arm(settings, arm))
