"""Interaction → score conversion (DEVELOPERS.md): like +1; 5★ +2, 4★ +1, 3★ +0.1, 2★ −1, 1★ −2.

A like and a rating on the same shoe are summed, so "liked and rated 5★" scores 3.0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

# The scoring rule: defined here only (the store, the engine, the baselines and the offline
# evaluation all read these).
LIKE_SCORE: float = 1.0
RATING_SCORES: dict[int, float] = {5: 2.0, 4: 1.0, 3: 0.1, 2: -1.0, 1: -2.0}
# A score above this is a positive (a like, 4-5★, or a like with a 3★); below DISLIKE_THRESHOLD a
# dislike (1-2★ without a like). A 3★ alone (0.1) or a like with a 2★ (0.0) is neither.
POSITIVE_THRESHOLD: float = 0.5
DISLIKE_THRESHOLD: float = -0.5

ActionType = Literal["like", "rate"]


@dataclass(frozen=True, slots=True)
class Interaction:
    user_id: int
    shoe_id: str
    action_type: ActionType
    value: int | None = None  # stars for "rate", None for "like"


def score_from_rating(stars: int) -> float:
    """Score of a 1–5 star rating; anything else is a programming error upstream."""
    try:
        return RATING_SCORES[stars]
    except KeyError:
        raise ValueError(f"rating must be an integer 1-5, got {stars!r}") from None


def score_of(action_type: str, value: int | None) -> float:
    if action_type == "like":
        return LIKE_SCORE
    if action_type == "rate" and value is not None:
        return score_from_rating(value)
    raise ValueError(f"unknown interaction {action_type!r} with value {value!r}")


def pair_score(liked: bool, stars: int | None) -> float:
    """A (runner, shoe) pair's score from its live like and live rating (None: no rating)."""
    total = 0.0
    if liked:
        total += score_of("like", None)
    if stars is not None:
        total += score_of("rate", stars)
    return total


def aggregate_scores(interactions: Iterable[tuple[str, str, int | None]]) -> dict[str, float]:
    """Sum the scores of (shoe_id, action_type, value) triples per shoe, keeping store order."""
    totals: dict[str, float] = {}
    get = totals.get
    for shoe_id, action_type, value in interactions:
        # the two stored kinds inline (a runner's whole history is summed on every write)
        if action_type == "like":
            score = LIKE_SCORE
        elif action_type == "rate" and value in RATING_SCORES:
            score = RATING_SCORES[value]  # type: ignore[index]
        else:
            score = score_of(action_type, value)  # raises, naming what was wrong
        totals[shoe_id] = get(shoe_id, 0.0) + score
    return totals


def stars_to_score(stars: float | np.ndarray) -> np.ndarray:
    """Star ratings (possibly fractional, e.g. MovieLens half stars) -> scores, vectorised: rounded
    half up to whole stars, clipped to 1-5, then RATING_SCORES."""
    whole = np.clip(np.floor(np.asarray(stars, dtype=np.float64) + 0.5), 1, 5).astype(np.int64)
    table = np.array([0.0] + [RATING_SCORES[k] for k in range(1, 6)])
    return table[whole]


# A runner's live like and rating on one shoe, packed in one byte: bit 0 the like, bits 1-3 the
# stars (0: not rated). A kept runner state holds one such code per shoe instead of rows and a
# dict (src/store/rows.py), and the ranking reads their scores from this table in one step.
PAIR_LIKED = 1


def pair_code(liked: bool, stars: int | None) -> int:
    """The code of a pair with a live like (or not) and a live rating of `stars` (None: none)."""
    if stars is not None:
        score_from_rating(stars)  # raises for anything but 1-5
    return (PAIR_LIKED if liked else 0) | ((stars or 0) << 1)


def code_stars(code: int) -> int | None:
    return (code >> 1) or None


# per code: the pair's score (`pair_score`), and how many stored rows (a like, a rating) it stands for
PAIR_CODE_SCORES: np.ndarray = np.array(
    [pair_score(bool(c & PAIR_LIKED), code_stars(c)) if (c >> 1) <= 5 else 0.0 for c in range(16)]
)
PAIR_CODE_SCORES.flags.writeable = False
PAIR_CODE_ROWS: tuple[int, ...] = tuple((c & PAIR_LIKED) + (c > 1) for c in range(16))
