"""Seeded synthetic demo interactions: persona-driven runners liking and rating catalog shoes.

(Over 400 lines on purpose: one generator whose personas, sessions and rating rules are tuned together;
split, the knobs that shape one simulated runner would sit in different files.)

The collaborative model needs interaction history before real users exist, so the store can be
seeded with this deterministic, plausible event log. Nothing here is real user data.

How a runner is simulated
-------------------------
* **Personas.** Each persona is a scoring function of the catalog features (an *affinity* per
  shoe), standardised over the whole catalog (road + trail) so personas are comparable:

  - ``marathon_racer``: light, carbon-plated, race-tagged, bouncy road shoes.
  - ``stability_heel_striker``: guided (stability) road shoes with a higher drop and cushioning.
  - ``wide_footed_beginner``: wide-available, soft, forgiving daily trainers; avoids racers.
  - ``technical_mountain``: trail shoes for rocky terrain, rock plates, grippy lugs, precise fit.
  - ``winter_road``: membrane / water-repellent, warm road (and some trail) daily shoes.
  - ``minimalist_forefoot``: low drop, low stack, light, roomy toe box, road or trail.
  - ``ultra_trail``: max-cushion trail shoes for long mixed terrain, rock plates, roomy fits.
  - ``budget_daily_mileage``: plain daily road trainers, older releases, no carbon.
  - ``muddy_fell``: deep lugs, high muddy-terrain rating, light and low to the ground.
  - ``tempo_enthusiast``: plated (nylon or carbon) responsive trainers for workout days.

* **Users.** Each user draws a primary persona (by a fixed share); a quarter of users also mix
  in a secondary persona (weight 0.35). A little per-user, per-shoe noise makes users distinct.
* **Activity** (distinct shoes a user touches) is Pareto distributed: minimum 3, capped at 200,
  mean about 16 shoes (about 19 events, since some shoes are both liked and rated): a few heavy
  users, many light ones (for the default catalog: median 7 events, max around 240).
* **Which shoes.** Shoes are drawn without replacement with probability proportional to
  ``exp(BETA * affinity + log_popularity)``, where item popularity is a seeded power law over
  a shuffled catalog (a few blockbusters, a long tail).
* **Which action.** The user's standardised affinity ``z`` for the shoe decides: a like with
  probability ``sigmoid(2 (z - 0.5))`` (a liked shoe is sometimes also rated); otherwise a
  rating. Stars follow affinity: ``round(3.2 + 1.1 z + noise)`` clipped to 1..5, so good fits
  get 4-5 stars and poor fits 1-2. At most one like and one rating per (user, shoe).
* **Time.** Events are spread over the ``WINDOW_DAYS`` before the fixed ``REFERENCE_DATE``
  (so output is deterministic), and the returned list is in strictly increasing time order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np

REFERENCE_DATE: datetime = datetime(2025, 6, 1, tzinfo=UTC)
WINDOW_DAYS: int = 180
MIN_ACTIVITY: int = 3
MAX_ACTIVITY: int = 200
PARETO_SHAPE: float = 0.95
MIX_PROBABILITY: float = 0.25
SECONDARY_WEIGHT: float = 0.35
USER_NOISE: float = 0.35
BETA: float = 2.2
POPULARITY_EXPONENT: float = 0.7
ALSO_RATE_PROBABILITY: float = 0.25

ActionType = Literal["like", "rate"]
Features = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class DemoInteraction:
    user_id: int
    shoe_id: str
    action_type: ActionType
    value: int | None
    created_at: datetime


@dataclass(frozen=True)
class Persona:
    name: str
    description: str
    share: float
    score: Callable[[Features], np.ndarray]


def _marathon_racer(f: Features) -> np.ndarray:
    return (
        2.0 * (f["plate"] == 2)
        + 1.5 * f["use_race"]
        + 0.3 * (f["responsiveness"] - 6)
        - 0.015 * (f["weight_g"] - 250)
        - 3.0 * f["is_trail"]
    )


def _stability_heel_striker(f: Features) -> np.ndarray:
    return (
        3.0 * f["stability"]
        + 0.15 * (f["drop_mm"] - 8)
        + 0.2 * (f["midsole_softness"] - 5)
        - 1.0 * f["use_race"] * (1 - f["use_daily"])
        - 2.0 * f["is_trail"]
    )


def _wide_footed_beginner(f: Features) -> np.ndarray:
    return (
        3.0 * f["width_wide"]
        + 1.0 * f["use_daily"]
        - 1.0 * f["use_race"]
        + 0.2 * (f["midsole_softness"] - 5)
        - 1.0 * (f["plate"] == 2)
        - 1.5 * f["is_trail"]
    )


def _technical_mountain(f: Features) -> np.ndarray:
    return (
        3.0 * f["is_trail"]
        + 0.7 * (f["terrain_rocky"] - 3) * f["is_trail"]
        + 1.2 * f["rock_plate"]
        + 0.2 * f["lug_depth_mm"]
        - 0.3 * (f["terrain_light"] - 3) * f["is_trail"]
        + 0.3 * f["width_narrow"]
    )


def _winter_road(f: Features) -> np.ndarray:
    return (
        2.5 * (f["water_resistance"] == 2)
        + 1.0 * (f["water_resistance"] == 1)
        + 0.5 * (f["warmth"] - 2)
        + 0.6 * f["use_daily"]
        - 1.0 * f["use_race"] * (1 - f["use_daily"])
        - 1.5 * f["is_trail"]
    )


def _minimalist_forefoot(f: Features) -> np.ndarray:
    return (
        -0.3 * f["drop_mm"]
        - 0.08 * (f["heel_stack_mm"] - 28)
        - 0.01 * (f["weight_g"] - 240)
        - 0.8 * f["stability"]
        - 0.5 * (f["plate"] > 0)
        + 0.4 * f["width_wide"]
    )


def _ultra_trail(f: Features) -> np.ndarray:
    return (
        3.0 * f["is_trail"]
        + 0.1 * (f["heel_stack_mm"] - 30)
        + 0.3 * (f["midsole_softness"] - 5)
        + 0.4 * (f["terrain_mixed"] - 3) * f["is_trail"]
        + 0.6 * f["rock_plate"]
        + 0.5 * f["width_wide"]
        + 0.5 * f["use_daily"]
    )


def _budget_daily_mileage(f: Features) -> np.ndarray:
    return (
        1.5 * f["use_daily"]
        - 1.2 * f["use_race"] * (1 - f["use_daily"])
        - 1.5 * (f["plate"] == 2)
        - 0.3 * (f["release_year"] - 2022)
        - 0.15 * (f["responsiveness"] - 5)
        - 2.0 * f["is_trail"]
    )


def _muddy_fell(f: Features) -> np.ndarray:
    return (
        3.0 * f["is_trail"]
        + 0.8 * (f["terrain_muddy"] - 3) * f["is_trail"]
        + 0.5 * f["lug_depth_mm"]
        - 0.1 * f["drop_mm"]
        - 0.01 * (f["weight_g"] - 270)
        - 0.4 * (f["terrain_light"] - 3) * f["is_trail"]
    )


def _tempo_enthusiast(f: Features) -> np.ndarray:
    return (
        2.0 * f["use_tempo"]
        + 1.0 * (f["plate"] == 1)
        + 0.5 * (f["plate"] == 2)
        + 0.35 * (f["responsiveness"] - 6)
        - 0.01 * (f["weight_g"] - 240)
        - 0.8 * f["use_race"] * (1 - f["use_tempo"])
        - 2.0 * f["is_trail"]
    )


_PERSONA_LIST: tuple[Persona, ...] = (
    Persona(
        "marathon_racer", "Races road marathons: light, carbon-plated super shoes.", 0.10, _marathon_racer
    ),
    Persona(
        "stability_heel_striker",
        "Heavier heel striker who overpronates: guided, cushioned, higher-drop road shoes.",
        0.12,
        _stability_heel_striker,
    ),
    Persona(
        "wide_footed_beginner",
        "New runner with wide feet: wide-available, soft, forgiving daily trainers.",
        0.12,
        _wide_footed_beginner,
    ),
    Persona(
        "technical_mountain",
        "Technical mountain trail runner: rocky terrain, rock plates, grip, precise fit.",
        0.09,
        _technical_mountain,
    ),
    Persona(
        "winter_road",
        "Runs roads through wet winters: waterproof membranes, warmth, daily use.",
        0.07,
        _winter_road,
    ),
    Persona(
        "minimalist_forefoot",
        "Forefoot striker who prefers low drop, low stack, light, roomy shoes.",
        0.07,
        _minimalist_forefoot,
    ),
    Persona(
        "ultra_trail",
        "Ultra-distance trail runner: max cushion, mixed terrain, protection, room to swell.",
        0.09,
        _ultra_trail,
    ),
    Persona(
        "budget_daily_mileage",
        "Logs easy daily mileage on a budget: plain daily trainers, last season's models, no carbon.",
        0.16,
        _budget_daily_mileage,
    ),
    Persona(
        "muddy_fell",
        "Fell and cross-country runner in mud: deep lugs, low and light, high mud rating.",
        0.08,
        _muddy_fell,
    ),
    Persona(
        "tempo_enthusiast",
        "Loves workout days: plated, responsive tempo trainers.",
        0.10,
        _tempo_enthusiast,
    ),
)

PERSONAS: dict[str, Persona] = {persona.name: persona for persona in _PERSONA_LIST}
PERSONA_NAMES: tuple[str, ...] = tuple(PERSONAS)
TRAIL_PERSONAS: frozenset[str] = frozenset({"technical_mountain", "ultra_trail", "muddy_fell"})

_FEATURE_COLUMNS: tuple[str, ...] = (
    "weight_g",
    "heel_stack_mm",
    "drop_mm",
    "midsole_softness",
    "responsiveness",
    "plate",
    "stability",
    "width_narrow",
    "width_regular",
    "width_wide",
    "warmth",
    "water_resistance",
    "use_daily",
    "use_tempo",
    "use_race",
    "lug_depth_mm",
    "rock_plate",
    "terrain_light",
    "terrain_mixed",
    "terrain_rocky",
    "terrain_muddy",
    "release_year",
)


def _rngs(seed: int) -> tuple[np.random.Generator, np.random.Generator, np.random.Generator]:
    """Independent streams: personas (catalog-independent), popularity, and behaviour."""
    return (
        np.random.default_rng([seed, 0]),
        np.random.default_rng([seed, 1]),
        np.random.default_rng([seed, 2]),
    )


def _draw_personas(n_users: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    shares = np.array([persona.share for persona in _PERSONA_LIST])
    shares = shares / shares.sum()
    primary = rng.choice(len(_PERSONA_LIST), size=n_users, p=shares)
    secondary = rng.choice(len(_PERSONA_LIST), size=n_users, p=shares)
    mixed = (rng.random(n_users) < MIX_PROBABILITY) & (secondary != primary)
    return primary, secondary, mixed


def user_personas(n_users: int, seed: int = 42) -> dict[int, tuple[str, str | None]]:
    """user_id -> (primary persona, secondary persona or None), as `generate_demo_interactions` uses."""
    primary, secondary, mixed = _draw_personas(n_users, _rngs(seed)[0])
    return {
        index + 1: (
            PERSONA_NAMES[int(primary[index])],
            PERSONA_NAMES[int(secondary[index])] if mixed[index] else None,
        )
        for index in range(n_users)
    }


def persona_of_user(n_users: int, seed: int = 42) -> dict[int, str]:
    """user_id -> primary persona name, as `generate_demo_interactions` draws it."""
    return {user_id: pair[0] for user_id, pair in user_personas(n_users, seed).items()}


# Road shoes have no responsiveness (no source rates it): they count as average in the personas.
_DEFAULTS: dict[str, float] = {"responsiveness": 6.0}


def _feature_arrays(road: Sequence[Mapping[str, Any]], trail: Sequence[Mapping[str, Any]]) -> Features:
    shoes = list(road) + list(trail)
    arrays: dict[str, np.ndarray] = {
        column: np.array([float(shoe.get(column, _DEFAULTS.get(column, 0.0))) for shoe in shoes], dtype=float)
        for column in _FEATURE_COLUMNS
    }
    arrays["is_trail"] = np.concatenate([np.zeros(len(road)), np.ones(len(trail))])
    return arrays


def _standardise(values: np.ndarray) -> np.ndarray:
    std = float(values.std())
    return (values - values.mean()) / std if std > 0 else np.zeros_like(values)


def persona_affinities(road: Sequence[Mapping[str, Any]], trail: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """(n_personas, n_shoes) standardised affinity matrix; shoes ordered road then trail."""
    features = _feature_arrays(road, trail)
    return np.vstack([_standardise(persona.score(features).astype(float)) for persona in _PERSONA_LIST])


def _activity(n_users: int, rng: np.random.Generator, n_shoes: int) -> np.ndarray:
    raw = MIN_ACTIVITY * (1.0 + rng.pareto(PARETO_SHAPE, size=n_users))
    return np.minimum(np.floor(raw).astype(int), min(MAX_ACTIVITY, n_shoes))


def generate_demo_interactions(
    road: list[dict[str, Any]], trail: list[dict[str, Any]], n_users: int = 2000, seed: int = 42
) -> list[DemoInteraction]:
    """Deterministic synthetic likes and ratings for `n_users` persona-driven runners."""
    if n_users < 0:
        raise ValueError("n_users must be >= 0")
    shoe_ids = [str(shoe["shoe_id"]) for shoe in road] + [str(shoe["shoe_id"]) for shoe in trail]
    if n_users == 0:
        return []
    if not shoe_ids:
        raise ValueError("the catalog is empty")
    n_shoes = len(shoe_ids)

    persona_rng, popularity_rng, rng = _rngs(seed)
    primary, secondary, mixed = _draw_personas(n_users, persona_rng)
    affinity = persona_affinities(road, trail)

    ranks = popularity_rng.permutation(n_shoes) + 1
    log_popularity = -POPULARITY_EXPONENT * np.log(ranks)

    activity = _activity(n_users, rng, n_shoes)
    window_s = WINDOW_DAYS * 86400
    start = REFERENCE_DATE - timedelta(days=WINDOW_DAYS)

    # (offset_seconds, user_id, shoe_index, action, value)
    events: list[tuple[int, int, int, str, int | None]] = []
    for user in range(n_users):
        user_affinity = affinity[primary[user]]
        if mixed[user]:
            user_affinity = (1 - SECONDARY_WEIGHT) * user_affinity + SECONDARY_WEIGHT * affinity[
                secondary[user]
            ]
        z = _standardise(user_affinity + USER_NOISE * rng.standard_normal(n_shoes))

        k = int(activity[user])
        keys = BETA * z + log_popularity + rng.gumbel(size=n_shoes)  # Gumbel top-k = sampling w/o replacement
        chosen = np.argpartition(-keys, k - 1)[:k] if k < n_shoes else np.arange(n_shoes)
        chosen_z = z[chosen]

        like_p = 1.0 / (1.0 + np.exp(-2.0 * (chosen_z - 0.5)))
        liked = rng.random(k) < like_p
        also_rate = rng.random(k) < ALSO_RATE_PROBABILITY
        stars = np.clip(np.rint(3.2 + 1.1 * chosen_z + rng.normal(0.0, 0.8, size=k)), 1, 5).astype(int)

        joined = int(rng.integers(0, int(window_s * 0.85)))
        times = rng.integers(joined, window_s, size=2 * k)
        for j in range(k):
            shoe = int(chosen[j])
            if liked[j]:
                events.append((int(times[2 * j]), user + 1, shoe, "like", None))
            if not liked[j] or also_rate[j]:
                events.append((int(times[2 * j + 1]), user + 1, shoe, "rate", int(stars[j])))

    events.sort(key=lambda event: (event[0], event[1], event[2], event[3]))
    out: list[DemoInteraction] = []
    previous = -1
    for offset, user_id, shoe, action, value in events:
        offset = max(offset, previous + 1)  # strictly increasing timestamps
        previous = offset
        out.append(
            DemoInteraction(
                user_id=user_id,
                shoe_id=shoe_ids[shoe],
                action_type="like" if action == "like" else "rate",
                value=value,
                created_at=start + timedelta(seconds=offset),
            )
        )
    if out and out[-1].created_at >= REFERENCE_DATE:
        raise RuntimeError("demo timestamps overflowed the window")  # pragma: no cover
    return out


def activity_summary(interactions: Sequence[DemoInteraction]) -> dict[str, float]:
    """Quick descriptive numbers (events per user) for logs and tests."""
    counts: dict[int, int] = {}
    for event in interactions:
        counts[event.user_id] = counts.get(event.user_id, 0) + 1
    values = sorted(counts.values())
    if not values:
        return {"users": 0, "events": 0, "mean": 0.0, "median": 0.0, "max": 0.0}
    mid = len(values) // 2
    median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return {
        "users": float(len(values)),
        "events": float(len(interactions)),
        "mean": sum(values) / len(values),
        "median": float(median),
        "max": float(values[-1]),
        "log10_max_over_median": math.log10(values[-1] / median) if median else 0.0,
    }
