"""The fitter's judge: its rules on hand-made lists, and the trained models clear its floors."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from bench.judge import knowledge as k
from bench.judge.rules import CASES, at_least, at_most, every, judge_case, split_label, version_problems
from bench.judge.sweep import run_sweep

ROOT = Path(__file__).resolve().parents[2]

BRANDS = ["Nike", "New Balance", "ASICS", "Hoka", "Saucony"]


def test_version_parsing_by_name() -> None:
    assert k.version_of("Nike", "Pegasus 41 GTX") == k.Version("Nike Pegasus", 41.0, weatherproof=True)
    assert k.version_of("New Balance", "1080v14") == k.Version("New Balance 1080", 14.0)
    assert k.version_of("La Sportiva", "Bushido III") == k.Version("La Sportiva Bushido", 3.0)
    # editions in release order: Sky+ (2022) < Paris (2024) < Tokyo (2025)
    sky = [
        k.version_of("ASICS", n).number
        for n in ("Metaspeed Sky+", "Metaspeed Sky Paris", "Metaspeed Sky Tokyo")
    ]
    assert sky == sorted(sky) and len(set(sky)) == 3
    # a number that is part of the model name stays in it
    assert k.version_of("Hoka", "Mach X 2").model == "Hoka Mach X" != k.version_of("Hoka", "Mach 6").model


def test_split_label_prefers_the_longest_brand() -> None:
    assert split_label("New Balance 880v14", BRANDS) == ("New Balance", "880v14")
    assert split_label("Nike Pegasus 41", BRANDS) == ("Nike", "Pegasus 41")


def test_version_problems_flag_crowding_and_old_above_new() -> None:
    fine = ["Nike Pegasus 41", "Nike Pegasus 40", "New Balance 880v14"]
    assert version_problems(fine, BRANDS) == []
    crowded = ["Nike Pegasus 41", "Nike Pegasus 40", "Nike Pegasus 39"]
    assert version_problems(crowded, BRANDS) == ["3 versions of Nike Pegasus"]
    stale_first = ["New Balance 880v13", "Hoka Clifton 10", "New Balance 880v14"]
    assert version_problems(stale_first, BRANDS) == ["older New Balance 880 above a newer one"]
    # a GTX edition counts as a version of the model, but is ranked on its own: a winter runner may
    # rightly get last year's GTX above this year's plain version
    assert version_problems(["Nike Pegasus 40 GTX", "Nike Pegasus 41"], BRANDS) == []
    assert version_problems(["Nike Pegasus 40 GTX", "Nike Pegasus 41 GTX"], BRANDS) != []
    three = ["Nike Pegasus 41", "Nike Pegasus 41 GTX", "Nike Pegasus 40"]
    assert version_problems(three, BRANDS) == ["3 versions of Nike Pegasus"]


def test_racer_knowledge_separates_racers_from_tempo_trainers() -> None:
    racers = [
        "Nike Vaporfly 3",
        "ASICS Metaspeed Sky Paris",
        "Saucony Endorphin Pro 4",
        "Adidas Adizero Adios Pro 3",
    ]
    tempo = ["ASICS Magic Speed 4", "Saucony Endorphin Speed 4", "Nike Zoom Fly 6", "Puma Deviate Nitro 3"]
    assert all(k.ROAD_RACERS.search(s) for s in racers)
    assert not any(k.ROAD_RACERS.search(s) for s in tempo)
    assert all(k.TEMPO_TRAINERS.search(s) for s in tempo)
    check = at_least(3, k.ROAD_RACERS, "racers")[1]
    assert check(racers[:3] + tempo) and not check(racers[:2] + tempo)
    assert at_most(0, k.TEMPO_TRAINERS, "tempo")[1](racers)
    assert not every(k.ROAD_RACERS, "a racer")[1](racers + tempo[:1])


def test_knowledge_names_the_models_issue_22_added() -> None:
    """The newer versions and families issue 22 asked for, classified by name as a fitter would."""
    classic = ["Nike Pegasus 42"]  # in no source yet: not in the catalog, but known to the judge
    max_or_lifestyle = [
        "New Balance Fresh Foam X More v6",
        "Brooks Ghost Max 3",
        "Nike Vomero Premium",
        "On Cloudsurfer Max",
        "Adidas Ultraboost 5X",
    ]
    tempo = [
        "Saucony Endorphin Speed 5",
        "New Balance FuelCell Rebel v5",
        "ASICS Megablast",
        "ASICS Sonicblast",
    ]
    assert all(k.CLASSIC_DAILY.search(s) and k.WIDE_KNOWN.search(s) for s in classic)
    assert all(k.MAX_OR_LIFESTYLE.search(s) and not k.CLASSIC_DAILY.search(s) for s in max_or_lifestyle)
    assert all(k.TEMPO_TRAINERS.search(s) and not k.ROAD_RACERS.search(s) for s in tempo)
    assert k.ROAD_RACERS.search("Hoka Rocket X 3") and k.MARATHON_SUPER_SHOES.search("Hoka Rocket X 3")
    for shoe in ("Nike Structure 26", "ASICS GT-2000 14"):
        assert k.ROAD_STABILITY.search(shoe) and k.WIDE_KNOWN.search(shoe)
    assert k.WIDE_KNOWN.search("Altra Lone Peak 9") and not k.NARROW_TRAIL.search("Altra Lone Peak 9")
    # the classic Cloudsurfer stays a classic daily trainer
    assert k.CLASSIC_DAILY.search("On Cloudsurfer 7") and not k.MAX_OR_LIFESTYLE.search("On Cloudsurfer 7")


def test_narrow_trail_knowledge_covers_every_lab_measured_narrow_toe_box() -> None:
    """The judge calls a trail shoe snug when the lab measured its toe box narrow; a model the data
    marks so but the knowledge misses would fail a right answer (Speedgoat 6 GTX did)."""
    rows = list(csv.DictReader((ROOT / "data" / "trail_dataset.csv").open(encoding="utf-8")))
    measured_narrow = [
        f"{r['brand']} {r['name']}" for r in rows if r["status"] == "active" and r["toebox_width"] == "1"
    ]
    assert len(measured_narrow) >= 10  # the data still carries the measurement
    assert [s for s in measured_narrow if not k.NARROW_TRAIL.search(s)] == []
    # a shoe sold in a narrow width but with a foot-shaped toe box stays out (Altra's Lone Peak)
    assert not k.NARROW_TRAIL.search("Altra Lone Peak 7")


def test_judge_case_collects_every_failure() -> None:
    case = next(c for c in CASES if c.name == "marathon racer, full questionnaire")
    top = ["ASICS Magic Speed 4"] * 2 + ["Nike Vaporfly 3"] * 3 + ["Nike Pegasus 41"] * 5
    result = judge_case(case, top, BRANDS)
    assert not result.passed
    assert ">= 8 racers" in result.failures and "<= 0 tempo trainers" in result.failures
    assert any("versions of Nike Pegasus" in f for f in result.failures)


def test_forty_persona_cases_cover_both_types() -> None:
    assert len(CASES) == 40
    assert {c.shoe_type for c in CASES} == {"road", "trail"}
    assert len({c.name for c in CASES}) == 40


# --- the trained (fixture) models against the judge's floors ------------------------------------


def _judge_top(model: Any, answers: dict[str, str]) -> list[str]:
    return [k.label(r.brand, r.name) for r in model.recommend(answers)]


def test_trained_models_pass_most_persona_cases(content_models: dict[str, Any]) -> None:
    results = []
    for case in CASES:
        model = content_models[case.shoe_type]
        results.append(judge_case(case, _judge_top(model, dict(case.answers)), sorted(set(model.brands))))
    failed = [(r.case.name, r.failures) for r in results if not r.passed]
    assert len(failed) <= 6, failed  # the shipped 300-epoch models: see docs/quality.md


@pytest.mark.parametrize("shoe_type", ["road", "trail"])
def test_trained_models_clear_the_sweep_floors(content_models: dict[str, Any], shoe_type: str) -> None:
    r = run_sweep(content_models[shoe_type])
    assert r.capped_ok == r.questionnaires  # never more than 2 versions of one model
    # an older version ranked above a newer one takes its lineage's place (content_based), so the
    # newer one never follows it: the floor of before issue 22 again
    assert r.newest_first_ok >= 0.99 * r.questionnaires
    assert r.musthave_ok == r.musthave_feasible > 0
    # these 30-epoch models keep 94.8 % of road lists over a season change (the shipped 300-epoch
    # ones 96.3 %, docs/catalog.md); 0.85 after issue 22's catalog, 0.95 before it
    assert r.season_pairs_ok >= 0.94 * r.season_pairs
    if shoe_type == "road":
        assert r.race_feasible_ok >= 0.9 * r.race_feasible > 0
