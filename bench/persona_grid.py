"""Fitter constraints over the FULL questionnaire grid, every question also "not answered".

    python bench/persona_grid.py [--artifacts-dir DIR]

Road: 4^7 * 3^2 = 147,456 questionnaires; trail: 4^5 * 3 * 5 * 3 * 3 = 138,240 (every accepted
answer plus None per question), so no sampling. For each questionnaire the top 10 is checked
against every constraint that applies (table `CONSTRAINTS`), e.g. Wide -> all ten offered in wide.

Two shares are printed per constraint:
- `all`: over every questionnaire the constraint applies to;
- `feasible`: only questionnaires whose must-haves the catalog can meet jointly with >= 10 shoes
  (combinations such as Narrow + Guided + Race may have fewer than 10 shoes in the catalog at all;
  then the ranking keeps the higher-priority must-haves and something has to give).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.content_bench import load_or_train, machine
from src.config import get_settings
from src.recommender.content_based import ContentRecommender

Cols = dict[str, np.ndarray]


@dataclass(frozen=True)
class Constraint:
    name: str
    applies: Callable[[dict[str, str | None]], bool]
    holds: Callable[[Cols, Cols], bool]  # (top-10 columns, catalog columns)


def when(**answers: str) -> Callable[[dict[str, str | None]], bool]:
    return lambda a: all(a.get(q) == v for q, v in answers.items())


def all_(feature: str, pred: Callable[[np.ndarray], np.ndarray]) -> Callable[[Cols, Cols], bool]:
    return lambda top, cat: bool(pred(top[feature]).all())


COMMON = [
    Constraint("Wide -> all offered in wide", when(foot_width="Wide"), all_("width_wide", lambda v: v == 1)),
    Constraint(
        "Narrow -> all offered in narrow", when(foot_width="Narrow"), all_("width_narrow", lambda v: v == 1)
    ),
    Constraint(
        "Orthotics -> all removable insole",
        when(orthotic_usage="Yes"),
        all_("removable_insole", lambda v: v == 1),
    ),
    Constraint(
        "Heel strike -> mean drop >= 8 mm (trail 7)",
        when(strike_pattern="Heel"),
        lambda top, cat: top["drop_mm"].mean() >= (7 if "lug_depth_mm" in cat else 8),
    ),
    Constraint(
        "Forefoot -> mean drop <= 6 mm",
        when(strike_pattern="Forefoot"),
        lambda top, cat: top["drop_mm"].mean() <= 6,
    ),
    Constraint(
        "Winter -> warmer than catalog mean",
        when(season="Winter"),
        lambda top, cat: top["warmth"].mean() > cat["warmth"].mean(),
    ),
    Constraint(
        "Summer -> breathability >= catalog mean",
        when(season="Summer"),
        lambda top, cat: top["breathability"].mean() >= cat["breathability"].mean(),
    ),
]
ROAD = [
    Constraint("Guided -> all stability", when(stability_need="Guided"), all_("stability", lambda v: v == 1)),
    Constraint(
        "Neutral -> no stability shoes", when(stability_need="Neutral"), all_("stability", lambda v: v == 0)
    ),
    Constraint(
        "Flat arch (not Neutral) -> all stability",
        lambda a: a.get("arch_type") == "Flat" and a.get("stability_need") != "Neutral",
        all_("stability", lambda v: v == 1),
    ),
    Constraint("Race -> all race shoes", when(running_purpose="Race"), all_("use_race", lambda v: v == 1)),
    Constraint(
        "Fast + Race -> lighter than median, >= 70% plated",
        when(pace="Fast", running_purpose="Race"),
        lambda top, cat: (
            top["weight_g"].mean() < np.median(cat["weight_g"]) and (top["plate"] >= 1).mean() >= 0.7
        ),
    ),
    Constraint(
        "Soft -> softer than catalog mean",
        when(cushion_preferences="Soft"),
        lambda top, cat: top["midsole_softness"].mean() > cat["midsole_softness"].mean(),
    ),
    Constraint(
        "Firm -> firmer than catalog mean",
        when(cushion_preferences="Firm"),
        lambda top, cat: top["midsole_softness"].mean() < cat["midsole_softness"].mean(),
    ),
]
TRAIL = [
    Constraint(
        "Rock sensitive -> all rock plate", when(rock_sensitive="Yes"), all_("rock_plate", lambda v: v == 1)
    ),
    Constraint(
        "Rocky + rock sensitive -> all rock plate",
        when(terrain="Rocky", rock_sensitive="Yes"),
        all_("rock_plate", lambda v: v == 1),
    ),
    Constraint(
        "Waterproof -> all membrane",
        when(water_resistance="Waterproof"),
        all_("water_resistance", lambda v: v == 2),
    ),
    Constraint(
        "Water Repellent -> all water resistant",
        when(water_resistance="Water Repellent"),
        all_("water_resistance", lambda v: v >= 1),
    ),
    Constraint(
        "Muddy -> mean lug depth >= 5 mm",
        when(terrain="Muddy"),
        lambda top, cat: top["lug_depth_mm"].mean() >= 5,
    ),
    Constraint(
        "Light -> shallower lugs than catalog mean",
        when(terrain="Light"),
        lambda top, cat: top["lug_depth_mm"].mean() < cat["lug_depth_mm"].mean(),
    ),
    Constraint(
        "Flat arch -> stability first (catalog has few)",
        when(arch_type="Flat"),
        lambda top, cat: (top["stability"] == 1).sum() >= min(10, int((cat["stability"] == 1).sum())),
    ),
]


def grid(model: ContentRecommender):
    questions = list(model.mapping.answers)
    options = [[None, *model.mapping.answers[q]] for q in questions]
    for combo in itertools.product(*options):
        yield dict(zip(questions, combo, strict=True))


def run(model: ContentRecommender, constraints: list[Constraint]) -> dict[str, list[int]]:
    cat = {f: model.raw[:, i] for i, f in enumerate(model.feature_names)}
    # per constraint: [applied, met, applied_feasible, met_feasible]
    counts = {c.name: [0, 0, 0, 0] for c in constraints}
    n = 0
    for answers in grid(model):
        n += 1
        applicable = [c for c in constraints if c.applies(answers)]
        if not applicable:
            continue
        q = model.query(answers)
        idx, _, _ = model.rank(q)
        top = {f: model.raw[idx, i] for i, f in enumerate(model.feature_names)}
        feasible = int((model.compiled.fail[q.hard_ids].sum(axis=0) == 0).sum()) >= model.top_n
        for c in applicable:
            ok = c.holds(top, cat)
            row = counts[c.name]
            row[0] += 1
            row[1] += ok
            if feasible:
                row[2] += 1
                row[3] += ok
    counts["__n__"] = [n, 0, 0, 0]
    return counts


def report(shoe_type: str, counts: dict[str, list[int]], seconds: float) -> None:
    n = counts.pop("__n__")[0]
    print(f"\n{shoe_type}: {n:,} questionnaires (full grid incl. unanswered) in {seconds:.0f}s")
    print(f"  {'constraint':<52} {'applies':>8} {'all':>7} {'feasible':>9}")
    tot = [0, 0, 0, 0]
    for name, (a, m, af, mf) in counts.items():
        tot = [tot[0] + a, tot[1] + m, tot[2] + af, tot[3] + mf]
        feas = f"{mf / af:>8.1%}" if af else "     n/a"
        print(f"  {name:<52} {a:>8,} {m / a if a else 0:>7.1%} {feas:>9}")
    print(
        f"  {'OVERALL (constraint checks)':<52} {tot[0]:>8,} {tot[1] / tot[0]:>7.1%} {tot[3] / max(tot[2], 1):>8.1%}"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--artifacts-dir", type=Path, default=get_settings().artifacts_dir)
    args = p.parse_args(argv)
    models, source = load_or_train(args.artifacts_dir)
    print(f"machine: {machine()}\nusing:   {source}")
    with threadpool_limits(limits=1):
        for shoe_type, constraints in (("road", COMMON + ROAD), ("trail", COMMON + TRAIL)):
            t0 = time.perf_counter()
            counts = run(models[shoe_type], constraints)
            report(shoe_type, counts, time.perf_counter() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
