"""Interaction → score conversion (DEVELOPERS.md): like +1; 5★ +2, 4★ +1, 3★ +0.1, 2★ −1, 1★ −2."""

from __future__ import annotations

import numpy as np
import pytest

from src.recommender.scores import (
    DISLIKE_THRESHOLD,
    PAIR_CODE_ROWS,
    PAIR_CODE_SCORES,
    POSITIVE_THRESHOLD,
    aggregate_scores,
    pair_code,
    score_from_rating,
    score_of,
    stars_to_score,
)
from src.store import UserState


@pytest.mark.parametrize(("stars", "expected"), [(5, 2.0), (4, 1.0), (3, 0.1), (2, -1.0), (1, -2.0)])
def test_each_star_value(stars: int, expected: float) -> None:
    assert score_from_rating(stars) == pytest.approx(expected)
    assert score_of("rate", stars) == pytest.approx(expected)


def test_like_scores_one() -> None:
    assert score_of("like", None) == 1.0


@pytest.mark.parametrize(("stars", "expected"), [(5, 3.0), (4, 2.0), (3, 1.1), (2, 0.0), (1, -1.0)])
def test_like_and_rating_on_the_same_shoe_are_summed(stars: int, expected: float) -> None:
    totals = aggregate_scores([("R001", "like", None), ("R001", "rate", stars)])
    assert totals == pytest.approx({"R001": expected})
    # the order of the like and the rating does not matter
    assert aggregate_scores([("R001", "rate", stars), ("R001", "like", None)]) == pytest.approx(totals)


@pytest.mark.parametrize("stars", [0, 6, -1, 10, None, "5", 4.5])
def test_unknown_rating_is_a_value_error(stars: object) -> None:
    with pytest.raises(ValueError):
        score_of("rate", stars)  # type: ignore[arg-type]


@pytest.mark.parametrize("stars", [0, 6, "5"])
def test_score_from_rating_names_the_bad_value(stars: object) -> None:
    with pytest.raises(ValueError, match="1-5") as info:
        score_from_rating(stars)  # type: ignore[arg-type]
    assert repr(stars) in str(info.value)


@pytest.mark.parametrize(("action", "value"), [("dislike", None), ("view", 3), ("", None)])
def test_unknown_action_is_a_value_error(action: str, value: int | None) -> None:
    with pytest.raises(ValueError, match="unknown interaction"):
        score_of(action, value)


def test_aggregate_keeps_first_seen_order_and_sums_per_shoe() -> None:
    rows = [
        ("T002", "rate", 1),
        ("R001", "like", None),
        ("T002", "like", None),
        ("R009", "rate", 3),
        ("R001", "rate", 5),
    ]
    totals = aggregate_scores(rows)
    assert list(totals) == ["T002", "R001", "R009"]
    assert totals == pytest.approx({"T002": -1.0, "R001": 3.0, "R009": 0.1})


def test_aggregate_of_nothing_is_empty() -> None:
    assert aggregate_scores([]) == {}
    assert UserState([], 0).scores == {}


def test_aggregate_rejects_a_bad_row_instead_of_skipping_it() -> None:
    with pytest.raises(ValueError):
        aggregate_scores([("R001", "like", None), ("R002", "rate", 7)])


def test_user_state_scores_use_the_same_conversion() -> None:
    state = UserState([("R001", "like", None), ("R001", "rate", 4), ("T001", "rate", 2)], last_event_id=9)
    assert state.scores == pytest.approx({"R001": 2.0, "T001": -1.0})


def test_stars_to_score_is_the_service_rule() -> None:
    np.testing.assert_array_equal(stars_to_score(np.array([5, 4, 3, 2, 1])), [2.0, 1.0, 0.1, -1.0, -2.0])
    # half stars round half up; out-of-range values clip to 1..5
    np.testing.assert_array_equal(
        stars_to_score(np.array([4.5, 3.5, 2.5, 1.5, 0.5, 6])), [2, 1, 0.1, -1, -2, 2]
    )


@pytest.mark.parametrize(
    ("events", "positive", "dislike"),
    [
        ([("like", None)], True, False),
        ([("rate", 4)], True, False),
        ([("rate", 3)], False, False),  # 0.1: neither
        ([("like", None), ("rate", 2)], False, False),  # 0.0: the like and the 2★ cancel
        ([("like", None), ("rate", 3)], True, False),  # 1.1
        ([("rate", 2)], False, True),
        ([("like", None), ("rate", 1)], False, True),  # -1.0
    ],
)
def test_positive_and_dislike_thresholds(
    events: list[tuple[str, int | None]], positive: bool, dislike: bool
) -> None:
    total = sum(score_of(action, value) for action, value in events)
    assert (total > POSITIVE_THRESHOLD) is positive
    assert (total < DISLIKE_THRESHOLD) is dislike


@pytest.mark.parametrize(
    ("liked", "stars", "code", "score"),
    [(True, None, 1, 1.0), (False, 5, 10, 2.0), (True, 5, 11, 3.0), (True, 2, 5, 0.0), (False, 3, 6, 0.1)],
)
def test_a_pair_code_holds_the_like_and_the_stars(
    liked: bool, stars: int | None, code: int, score: float
) -> None:
    assert pair_code(liked, stars) == code
    assert PAIR_CODE_SCORES[code] == pytest.approx(score)
    assert PAIR_CODE_ROWS[code] == int(liked) + (stars is not None)


def test_a_pair_code_refuses_stars_outside_one_to_five() -> None:
    with pytest.raises(ValueError, match="1-5"):
        pair_code(True, 6)


def test_a_packed_state_gives_back_the_rows_and_the_summed_scores_in_store_order() -> None:
    rng = np.random.default_rng(3)
    shoes = [f"R{i:03d}" for i in range(40)] + [f"T{i:03d}" for i in range(20)]
    for _ in range(200):
        liked = rng.choice(shoes, size=rng.integers(0, 12), replace=False)
        rated = rng.choice(shoes, size=rng.integers(0, 12), replace=False)
        rows = [(s, "like", None) for s in liked] + [(s, "rate", int(rng.integers(1, 6))) for s in rated]
        rng.shuffle(rows)  # type: ignore[arg-type]
        state = UserState(rows, 9)
        in_store_order = sorted(rows, key=lambda r: (r[1] != "like", r[0]))
        assert state.rows == in_store_order and state.n_rows == len(rows)
        want = aggregate_scores(in_store_order)
        assert list(state.scores.items()) == list(want.items())  # same keys, same order, same floats
