"""Online metrics and A/B arm assignment: the math on small hand-checked cases (no store)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from pydantic import ValidationError

from src.config import Settings
from src.engine.arms import ArmAssigner, check_arms, engine_for_arm, engine_params_for_arm
from src.engine.snapshots import make_engine
from src.recommender.online_metrics import (
    SOURCES,
    Feedback,
    Impression,
    compare_arms,
    online_report,
    runner_outcomes,
    two_proportion_z,
    wilson,
)
from tests.plugins.online import LIKES, LOG


def test_wilson_and_the_z_test_match_the_textbook_values() -> None:
    lo, hi = wilson(5, 10)  # type: ignore[misc]
    assert (round(lo, 4), round(hi, 4)) == (0.2366, 0.7634)
    assert wilson(0, 0) is None
    lo, hi = wilson(0, 20)  # type: ignore[misc]
    assert lo == 0.0 and 0.16 < hi < 0.17
    z, p = two_proportion_z(60, 100, 40, 100)  # type: ignore[misc]
    assert round(z, 4) == 2.8284 and round(p, 4) == 0.0047


def test_outcomes_count_only_feedback_after_the_shoe_was_shown() -> None:
    out = runner_outcomes([i for i in LOG if i.arm == "A"], LIKES)
    assert out.user_ids.tolist() == [1, 2]
    assert out.shown.tolist() == [4, 1]  # S1..S4 once each (S3 twice on pages); S5
    assert out.positives.tolist() == [1, 1]  # S2 only (S4 liked before it was shown, S9 never shown); S5
    assert out.hit_at_k.tolist() == [True, False]  # S5 was at position 11
    assert sorted(out.hit_positions.tolist()) == [2, 11]
    assert out.pair_runners.tolist() == [0, 0, 0, 0, 1]  # four pairs of runner 1, one of runner 2
    assert out.pages == 3 and out.pages_by_source == {"collaborative": 2, "popular": 1}


def test_report_per_arm_against_the_hand_made_log() -> None:
    report = online_report(LOG, LIKES, catalog_size=10, min_runners=1)
    a, b = report["arms"]["A"], report["arms"]["B"]
    assert a["positive_feedback_rate"]["value"] == 0.4  # 2 of 5 shown pairs
    lo, hi = a["positive_feedback_rate"]["ci95"]
    assert 0.25 <= lo <= 0.4 <= hi <= 1.0  # the bootstrap over runners: 1/4, 2/5 or 1/1
    assert a["hit_rate_at_10"]["value"] == 0.5 and a["hit_rate_at_10"]["n"] == 2
    assert a["hit_position"]["value"] == 6.5  # (2 + 11) / 2
    assert a["catalog_coverage"]["value"] == 0.5  # S1..S5 of 10
    assert a["popular_only_share"]["value"] == pytest.approx(1 / 3, abs=1e-6)
    assert a["cold_start_share"]["value"] == 0.0
    assert b["positive_feedback_rate"]["value"] == 0.0
    assert b["catalog_coverage"]["value"] == 0.2 and b["cold_start_share"]["value"] == 1.0
    assert b["hit_position"]["value"] is None
    versions = {(v["arm"], v["model_version"]): v for v in report["versions"]}
    assert set(versions) == {("A", "v000001"), ("A", "v000002"), ("B", "road-1")}
    # v000002 showed S3 S4 to runner 1, who liked neither after seeing them there
    assert versions[("A", "v000002")]["positive_feedback_rate"]["value"] == 0.0
    assert versions[("A", "v000001")]["positive_feedback_rate"]["value"] == 0.5  # S2 of S1-S3, S5 of S5


def test_no_leader_before_the_samples_then_a_significant_one() -> None:
    by_arm = {arm: runner_outcomes([i for i in LOG if i.arm == arm], LIKES) for arm in ("A", "B")}
    early = compare_arms(by_arm, min_runners=3)
    assert early["leader"] is None and early["significant"] is False
    assert early["statement"].startswith("not enough samples yet")
    # with one runner required: every resample of A's runners has a rate >= 1/4, B's is always 0
    named = compare_arms(by_arm, min_runners=1)
    assert named["leader"] == "A" and named["challenger"] == "B" and named["significant"] is True
    assert named["difference"] == 0.4 and named["difference_ci95"][0] >= 0.25
    assert "significant" in named["statement"]


def test_equal_arms_are_not_significantly_different() -> None:
    rows = [
        Impression(u, 1.0, "collaborative", "v1", arm, ("S1", "S2")) for u in range(1, 401) for arm in ("A",)
    ]
    rows += [Impression(u, 1.0, "collaborative", "v1", "B", ("S1", "S2")) for u in range(401, 801)]
    likes = [Feedback(u, "S1", 2.0) for u in range(1, 801) if u % 2]  # every other runner, in both arms
    by_arm = {arm: runner_outcomes([i for i in rows if i.arm == arm], likes) for arm in ("A", "B")}
    result = compare_arms(by_arm, min_runners=100)
    assert result["difference"] == 0.0 and result["significant"] is False
    assert result["leader"] in {"A", "B"}
    assert "no significant difference" in result["statement"]
    assert result["hit_rate_at_10_z_test"]["p_value"] == 1.0


def test_arm_assignment_is_stable_and_balanced_within_one_percent() -> None:
    two = ArmAssigner("cf-engine", (("served", 0.5), ("user_knn", 0.5)))
    counts = Counter(two.arm_of(u) for u in range(1, 100_001))
    assert abs(counts["served"] / 100_000 - 0.5) < 0.01
    assert abs(counts["user_knn"] / 100_000 - 0.5) < 0.01
    again = ArmAssigner("cf-engine", (("served", 0.5), ("user_knn", 0.5)))
    assert all(two.arm_of(u) == again.arm_of(u) for u in range(1, 5_001))
    three = ArmAssigner("other", (("a", 0.5), ("b", 0.25), ("c", 0.25)))
    counts = Counter(three.arm_of(u) for u in range(1, 100_001))
    for arm, share in (("a", 0.5), ("b", 0.25), ("c", 0.25)):
        assert abs(counts[arm] / 100_000 - share) < 0.01
    # another experiment name reshuffles runners independently of the first
    moved = sum(two.arm_of(u) != ArmAssigner("cf-engine-2", two_shares()).arm_of(u) for u in range(1, 10_001))
    assert 4_500 < moved < 5_500


def two_shares() -> tuple[tuple[str, float], ...]:
    return (("served", 0.5), ("user_knn", 0.5))


def test_arm_settings_are_validated_and_build_engines() -> None:
    settings = Settings(
        experiment_arms={"served": {}, "user_knn": {"item_weight": 0.0}},
        experiment_split=[3, 1],
    )
    assert settings.arm_shares == (("served", 0.75), ("user_knn", 0.25))
    assert engine_params_for_arm(settings, "user_knn") == {"item_weight": 0.0}
    assert engine_for_arm(settings, "user_knn").item_weight == 0.0
    assert type(engine_for_arm(settings, "served")) is type(make_engine(settings))  # the served engine as is
    assert engine_for_arm(settings, "served").get_params() == make_engine(settings).get_params()
    bad = Settings(experiment_arms={"served": {}, "odd": {"item_weight": 2.0}, "typo": {"kk": 3}})
    with pytest.raises(ValueError, match=r"EXPERIMENT_ARMS\['odd'\].*item_weight must be between 0 and 1"):
        check_arms(bad)
    with pytest.raises(ValueError, match=r"EXPERIMENT_ARMS\['typo'\].*kk"):
        engine_for_arm(bad, "typo")
    with pytest.raises(KeyError, match="unknown arm 'nope'"):
        engine_params_for_arm(settings, "nope")
    with pytest.raises(ValidationError, match="experiment_split: 1 shares for 2 arms"):
        Settings(experiment_arms={"a": {}, "b": {}}, experiment_split=[1.0])
    with pytest.raises(ValidationError, match="arm name"):
        Settings(experiment_arms={"bad name!": {}})
    with pytest.raises(ValidationError, match="at least one arm"):
        Settings(experiment_arms={})


def _by_definition(
    pages: list[Impression], likes: list[Feedback], top_k: int = 10
) -> dict[str, float | int | None]:
    """One group's counts straight from the definitions, a runner and a shoe at a time."""
    first: dict[tuple[int, str], tuple[float, int]] = {}
    for page in pages:
        for offset, shoe in enumerate(page.shoe_ids):
            t, pos = first.get((page.user_id, shoe), (page.shown_at, page.first_position + offset))
            first[page.user_id, shoe] = (min(t, page.shown_at), min(pos, page.first_position + offset))
    positive = {
        pair: pos
        for pair, (t, pos) in first.items()
        if any((fb.user_id, fb.shoe_id) == pair and fb.at >= t for fb in likes)
    }
    runners = {u for u, _ in first}
    hits = {u for (u, _), pos in positive.items() if pos <= top_k}
    return {
        "runners": len(runners),
        "pages": len(pages),
        "shown_pairs": len(first),
        "positive_pairs": len(positive),
        "hit_rate": round(len(hits) / len(runners), 6),
        "hit_position": round(sum(positive.values()) / len(positive), 6) if positive else None,
        "coverage": round(len({s for _, s in first}) / 12, 6),
    }


def _reported(group: dict[str, Any]) -> dict[str, float | int | None]:
    return {
        "runners": group["runners"],
        "pages": group["pages"],
        "shown_pairs": group["shown_pairs"],
        "positive_pairs": group["positive_pairs"],
        "hit_rate": group["hit_rate_at_10"]["value"],
        "hit_position": group["hit_position"]["value"],
        "coverage": group["catalog_coverage"]["value"],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_report_counts_match_the_definitions_on_a_random_log(seed: int) -> None:
    """Repeated pages, second pages (positions from 21), likes before and after a showing, arms
    and versions interleaved: every group's counts agree with the definitions applied one by one."""
    rng = random.Random(seed)
    shoes = [f"S{i}" for i in range(12)]
    pages = [
        Impression(
            user_id=rng.randint(1, 15),
            shown_at=float(rng.randint(0, 100)),
            source=rng.choice(SOURCES),
            model_version=rng.choice(["v1", "v2", None]),
            arm=rng.choice(["A", "B"]),
            shoe_ids=tuple(rng.sample(shoes, rng.randint(1, 6))),
            first_position=rng.choice([1, 1, 21]),
        )
        for _ in range(60)
    ]
    likes = [Feedback(rng.randint(1, 18), rng.choice(shoes), float(rng.randint(0, 120))) for _ in range(80)]
    report = online_report(pages, likes, catalog_size=12, min_runners=1)
    for arm in ("A", "B"):
        expected = _by_definition([p for p in pages if p.arm == arm], likes)
        assert _reported(report["arms"][arm]) == expected
    assert len(report["versions"]) == len({(p.arm, p.model_version) for p in pages})
    for group in report["versions"]:
        version = None if group["model_version"] == "none" else group["model_version"]
        rows = [p for p in pages if p.arm == group["arm"] and p.model_version == version]
        assert _reported(group) == _by_definition(rows, likes)
    assert sum(g["pages"] for g in report["arms"].values()) == len(pages)
