"""Answer -> target machinery: priority, combos, mask, compiled form, request models."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from pydantic import ValidationError

from src.config import FEATURE_RANGES
from src.recommender.questionnaire import (
    AnswerMapping,
    Target,
    build_query,
    check_mapping,
    compile_mapping,
    must_have_levels,
    resolve,
    rule,
    severity,
)
from src.recommender.road_recommender import ROAD_MAPPING, RoadQuestionnaire
from src.recommender.trail_recommender import TRAIL_MAPPING, TrailQuestionnaire

MAPPINGS = {"road": ROAD_MAPPING, "trail": TRAIL_MAPPING}


def _identity_compiled(mapping: AnswerMapping, raw: np.ndarray | None = None):
    """Compile against the FEATURE_RANGES domain as if it were the catalog's min/max."""
    lo = np.array([FEATURE_RANGES[f][0] for f in mapping.features], float)
    hi = np.array([FEATURE_RANGES[f][1] for f in mapping.features], float)
    scale = 1.0 / (hi - lo)
    raw = raw if raw is not None else np.vstack([lo, hi])
    return compile_mapping(mapping, scale, -lo * scale, raw), scale, -lo * scale


def test_request_models_reject_unknown_values_with_accepted_list() -> None:
    with pytest.raises(ValidationError) as err:
        RoadQuestionnaire(pace="fast")
    e = err.value.errors()[0]
    assert e["loc"] == ("pace",)
    assert "'Easy', 'Steady' or 'Fast'" in e["msg"]
    with pytest.raises(ValidationError) as err:
        TrailQuestionnaire(water_resistance="Gore-Tex")
    assert "'Waterproof' or 'Water Repellent'" in err.value.errors()[0]["msg"]


def test_request_models_forbid_extra_fields_and_accept_empty() -> None:
    with pytest.raises(ValidationError) as err:
        RoadQuestionnaire(pacee="Fast")
    assert err.value.errors()[0]["type"] == "extra_forbidden"
    with pytest.raises(ValidationError):
        RoadQuestionnaire(terrain="Rocky")  # a trail question is not a road question
    # every answer-table question plus the budget (a free number, no answer table of its own)
    assert RoadQuestionnaire().model_dump() == {**dict.fromkeys(ROAD_MAPPING.answers), "budget_usd": None}
    assert "budget_usd" not in ROAD_MAPPING.answers
    assert (
        TrailQuestionnaire(season="Spring & Fall", water_resistance="Water Repellent").season
        == "Spring & Fall"
    )


def test_accepted_answers_cover_the_brief() -> None:
    assert ROAD_MAPPING.answers["season"] == ("Summer", "Spring & Fall", "Winter")
    assert ROAD_MAPPING.answers["stability_need"] == ("Neutral", "Guided")
    assert TRAIL_MAPPING.answers["terrain"] == ("Light", "Mixed", "Rocky", "Muddy")
    assert "running_purpose" not in TRAIL_MAPPING.answers
    for mapping in MAPPINGS.values():
        assert set(mapping.priority) == set(mapping.answers)


@pytest.mark.parametrize("shoe_type", ["road", "trail"])
def test_rule_targets_lie_in_the_schema_ranges(shoe_type: str) -> None:
    for r in MAPPINGS[shoe_type].rules:
        for f, t in r.targets.items():
            lo, hi, _ = FEATURE_RANGES[f]
            assert lo <= t.value <= hi, (r.when, f)
            if t.hard:
                assert lo <= t.hard[0] <= t.value <= t.hard[1] <= hi, (r.when, f)


def test_priority_more_specific_answer_wins() -> None:
    # arch Flat implies stability; stability_need=Neutral says the opposite outright and wins.
    resolved = resolve({"arch_type": "Flat", "stability_need": "Neutral"}, ROAD_MAPPING)
    assert resolved["stability"].value == 0 and resolved["stability"].hard == (0.0, 0.0)
    # purpose Race outranks pace Easy on weight and plate.
    resolved = resolve({"pace": "Easy", "running_purpose": "Race"}, ROAD_MAPPING)
    assert resolved["weight_g"].value == 190 and resolved["plate"].value == 2
    # explicit water resistance question outranks the season's implied one (trail).
    resolved = resolve({"season": "Summer", "water_resistance": "Waterproof"}, TRAIL_MAPPING)
    assert resolved["water_resistance"].value == 2


def test_combo_outranks_single_answers() -> None:
    alone = resolve({"rock_sensitive": "Yes"}, TRAIL_MAPPING)
    both = resolve({"rock_sensitive": "Yes", "terrain": "Rocky"}, TRAIL_MAPPING)
    assert both["forefoot_stack_mm"].value > alone["forefoot_stack_mm"].value
    assert both["rock_plate"].hard == (1.0, 1.0)


def test_only_features_set_by_answers_enter_the_mask() -> None:
    compiled, *_ = _identity_compiled(ROAD_MAPPING)
    q = build_query({"foot_width": "Wide"}, compiled)
    assert [ROAD_MAPPING.features[i] for i in np.flatnonzero(q.mask)] == ["width_wide"]
    assert build_query({"orthotic_usage": "No"}, compiled).empty
    assert build_query({}, compiled).empty


@pytest.mark.parametrize("shoe_type", ["road", "trail"])
def test_compiled_query_equals_reference_resolution(shoe_type: str) -> None:
    """The served (compiled) path and the readable `resolve` agree on every answer pair."""
    mapping = MAPPINGS[shoe_type]
    compiled, scale, min_ = _identity_compiled(mapping)
    fidx = {f: i for i, f in enumerate(mapping.features)}
    questions = list(mapping.answers)
    for q1, q2 in itertools.combinations(questions, 2):
        for a1 in mapping.answers[q1]:
            for a2 in mapping.answers[q2]:
                answers = {q1: a1, q2: a2}
                ref = resolve(answers, mapping)
                q = build_query(answers, compiled)
                assert sorted(np.flatnonzero(q.mask)) == sorted(fidx[f] for f in ref)
                for f, t in ref.items():
                    i = fidx[f]
                    assert q.weight[i] == t.weight
                    assert q.target[i] == pytest.approx(np.clip(t.value * scale[i] + min_[i], 0, 1))
                hard = {compiled.constraints[h] for h in q.hard_ids}
                assert hard == {(f, *t.hard) for f, t in ref.items() if t.hard}


def test_targets_are_clipped_to_the_catalog_range() -> None:
    mapping = AnswerMapping("road", ["weight_g"], ("pace",), (rule("pace", "Fast", weight_g=100.0),))
    compiled = compile_mapping(mapping, np.array([1 / 100]), np.array([-2.0]), np.array([[200.0], [300.0]]))
    assert build_query({"pace": "Fast"}, compiled).target[0] == 0.0


def test_fail_rows_flag_shoes_outside_must_have_ranges() -> None:
    mapping = AnswerMapping(
        "road",
        ["width_wide"],
        ("foot_width",),
        (rule("foot_width", "Wide", width_wide=Target(1, 1, (1, 1))),),
    )
    compiled = compile_mapping(mapping, np.array([1.0]), np.array([0.0]), np.array([[0.0], [1.0], [1.0]]))
    q = build_query({"foot_width": "Wide"}, compiled)
    assert compiled.fail[q.hard_ids].tolist() == [[1, 0, 0]]


def test_check_mapping_rejects_bad_tables() -> None:
    bad = AnswerMapping("road", ["weight_g"], ("pace",), (rule("pace", "Fast", drop_mm=5.0),))
    with pytest.raises(ValueError, match="unknown feature"):
        check_mapping(bad)
    bad = AnswerMapping(
        "road", ["weight_g"], ("pace",), (rule("pace", "Quick", weight_g=5.0),), {"pace": ("Fast",)}
    )
    with pytest.raises(ValueError, match="not an accepted answer"):
        check_mapping(bad)
    must = Target(1, 1, (1, 1))
    for below, match in (("a", "may only rank lower"), ("z", "unknown question")):
        bad = AnswerMapping(
            "road", ["weight_g"], ("a", "b"), (rule("b", "x", weight_g=must, must_have_below=below),)
        )
        with pytest.raises(ValueError, match=match):
            check_mapping(bad)
    bad = AnswerMapping(
        "road", ["weight_g"], ("a", "b"), (rule("a", "x", weight_g=1.0, must_have_below="b"),)
    )
    with pytest.raises(ValueError, match="no must-have"):
        check_mapping(bad)


def test_a_must_have_can_rank_below_a_lower_question() -> None:
    """Questions a > b > c; a=x ranks its must-have right below b: levels a, b, a=x, c."""
    one = (1.0, 1.0)
    x = rule("a", "x", f1=Target(1, 1, one), must_have_below="b")
    y = rule("a", "y", f1=Target(0, 1, (0, 0)))
    b = rule("b", "x", f2=Target(1, 1, one))
    c = rule("c", "x", f3=Target(1, 1, one))
    mapping = AnswerMapping("trail", ["f1", "f2", "f3"], ("a", "b", "c"), (x, y, b, c))
    check_mapping(mapping)
    assert must_have_levels(mapping) == [("a", None), ("b", None), ("a", "x"), ("c", None)]
    assert [severity(mapping, r) for r in (y, b, x, c)] == [8.0, 4.0, 2.0, 1.0]
    # the compiled fail rows carry them: a shoe missing a=x and c weighs less than one missing b
    compiled = compile_mapping(mapping, np.ones(3), np.zeros(3), np.eye(3))
    q = build_query({"a": "x", "b": "x", "c": "x"}, compiled)
    weighted = (compiled.fail[q.hard_ids] * compiled.severity[q.hard_ids, None]).sum(axis=0)
    assert weighted.tolist() == [5.0, 3.0, 6.0]  # shoe 0 meets only f1, shoe 1 only f2, shoe 2 only f3


def test_trail_narrow_yields_to_what_the_runner_asked_for_and_wide_does_not() -> None:
    """A narrow foot laces into a regular shoe: its width must-have ranks below the membrane, the
    rock plate and the removable insole, above the must-haves other answers only imply; Wide ranks
    first. The Light lug cap ranks last."""
    sev = {r.when: severity(TRAIL_MAPPING, r) for r in TRAIL_MAPPING.rules}
    narrow, wide = sev[(("foot_width", "Narrow"),)], sev[(("foot_width", "Wide"),)]
    for stated in (("water_resistance", "Waterproof"), ("rock_sensitive", "Yes"), ("orthotic_usage", "Yes")):
        assert wide > sev[(stated,)] > narrow, stated
    for implied in (("terrain", "Muddy"), ("strike_pattern", "Heel"), ("arch_type", "Flat")):
        assert narrow > sev[(implied,)], implied
    # groomed paths' lug cap ranks below every other must-have: it never displaces another answer's
    assert must_have_levels(TRAIL_MAPPING) == [
        ("foot_width", None),
        ("water_resistance", None),
        ("rock_sensitive", None),
        ("orthotic_usage", None),
        ("foot_width", "Narrow"),
        ("terrain", None),
        ("strike_pattern", None),
        ("arch_type", None),
        ("terrain", "Light"),
        ("pace", None),
        ("season", None),
    ]
    light = sev[(("terrain", "Light"),)]
    with_must_haves = [r for r in TRAIL_MAPPING.rules if any(t.hard for t in r.targets.values())]
    assert all(light < sev[r.when] for r in with_must_haves if r.when != (("terrain", "Light"),))
    # road has no such rule: every width is a must-have of the highest question
    road = {r.when: severity(ROAD_MAPPING, r) for r in ROAD_MAPPING.rules}
    assert road[(("foot_width", "Narrow"),)] == road[(("foot_width", "Wide"),)]
    assert must_have_levels(ROAD_MAPPING) == [(q, None) for q in ROAD_MAPPING.priority]
