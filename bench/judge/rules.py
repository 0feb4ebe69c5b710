"""The judge: persona cases (a fitter's expectations by model name) and systematic sweeps.

A case holds a questionnaire and checks on the top-10 labels ("<brand> <name>", best first).
Every case also gets the version checks: at most 2 versions of one model, and never an older
version above a newer one of the same model.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from bench.judge import knowledge as k

Labels = Sequence[str]
Check = tuple[str, Callable[[Labels], bool]]


def at_least(n: int, pattern: re.Pattern[str], what: str) -> Check:
    return (f">= {n} {what}", lambda top: sum(bool(pattern.search(s)) for s in top) >= n)


def at_most(n: int, pattern: re.Pattern[str], what: str) -> Check:
    return (f"<= {n} {what}", lambda top: sum(bool(pattern.search(s)) for s in top) <= n)


def every(pattern: re.Pattern[str], what: str) -> Check:
    return (f"every shoe {what}", lambda top: all(pattern.search(s) for s in top))


def split_label(label: str, brands: Sequence[str]) -> tuple[str, str]:
    """Brands can hold spaces (New Balance, La Sportiva): match the longest known brand prefix."""
    for brand in sorted(brands, key=len, reverse=True):
        if label.startswith(brand + " "):
            return brand, label[len(brand) + 1 :]
    brand, _, name = label.partition(" ")
    return brand, name


def version_problems(top: Labels, brands: Sequence[str]) -> list[str]:
    """> 2 versions of one model (GTX editions included), or an older version ranked above a newer
    one of the same model and upper (a winter runner may rightly get last year's GTX first)."""
    problems: list[str] = []
    per_model: dict[str, int] = {}
    numbers: dict[tuple[str, bool], list[float]] = {}
    for label in top:
        v = k.version_of(*split_label(label, brands))
        per_model[v.model] = per_model.get(v.model, 0) + 1
        numbers.setdefault((v.model, v.weatherproof), []).append(v.number)
    problems += [f"{count} versions of {model}" for model, count in per_model.items() if count > 2]
    problems += [
        f"older {model} above a newer one"
        for (model, _), nums in numbers.items()
        if any(a < b for a, b in itertools.pairwise(nums))
    ]
    return problems


@dataclass(frozen=True)
class Case:
    name: str
    shoe_type: str
    answers: Mapping[str, str]
    checks: tuple[Check, ...] = field(default_factory=tuple)


def road(name: str, answers: Mapping[str, str], *checks: Check) -> Case:
    return Case(name, "road", answers, checks)


def trail(name: str, answers: Mapping[str, str], *checks: Check) -> Case:
    return Case(name, "trail", answers, checks)


RACERS = k.ROAD_RACERS
MARQUEE = k.MARATHON_SUPER_SHOES
MARATHON = {"pace": "Fast", "running_purpose": "Race", "cushion_preferences": "Balanced"}

CASES: tuple[Case, ...] = (
    # --- racers -------------------------------------------------------------------------------
    road(
        "marathon racer, full questionnaire",
        {
            **MARATHON,
            "strike_pattern": "Mid",
            "season": "Spring & Fall",
            "arch_type": "Normal",
            "foot_width": "Regular",
            "orthotic_usage": "No",
            "stability_need": "Neutral",
        },
        at_least(8, RACERS, "racers"),
        at_least(4, MARQUEE, "marathon super shoes"),
        at_most(0, k.TEMPO_TRAINERS, "tempo trainers"),
    ),
    road(
        "marathon racer in summer",
        {**MARATHON, "strike_pattern": "Mid", "season": "Summer"},
        at_least(8, RACERS, "racers"),
        at_least(4, MARQUEE, "marathon super shoes"),
    ),
    road(
        "marathon racer in winter",
        {**MARATHON, "strike_pattern": "Mid", "season": "Winter"},
        at_least(6, RACERS, "racers"),
        at_least(4, MARQUEE, "marathon super shoes"),
    ),
    road(
        "racer who likes it firm",
        {"pace": "Fast", "running_purpose": "Race", "cushion_preferences": "Firm"},
        at_least(6, RACERS, "racers"),
    ),
    road(
        "racer who likes it soft",
        {"pace": "Fast", "running_purpose": "Race", "cushion_preferences": "Soft"},
        at_least(8, RACERS, "racers"),
    ),
    road(
        "narrow-footed racer",
        {"running_purpose": "Race", "foot_width": "Narrow", "pace": "Fast"},
        at_least(8, RACERS, "racers"),
    ),
    road(
        "steady runner racing a half",
        {"pace": "Steady", "running_purpose": "Race"},
        at_least(8, RACERS, "racers"),
    ),
    road(
        "forefoot racer",
        {"pace": "Fast", "running_purpose": "Race", "strike_pattern": "Forefoot"},
        at_least(6, RACERS, "racers"),
    ),
    road(
        "heel-striking racer",
        {"pace": "Fast", "running_purpose": "Race", "strike_pattern": "Heel"},
        at_least(6, RACERS, "racers"),
    ),
    road(
        "wide-footed racer",
        {"pace": "Fast", "running_purpose": "Race", "foot_width": "Wide"},
        at_least(1, RACERS, "racer (Vanish Carbon)"),
        every(k.WIDE_KNOWN, "sold wide"),
    ),
    # --- tempo ----------------------------------------------------------------------------------
    road(
        "tempo day",
        {"pace": "Fast", "running_purpose": "Tempo"},
        at_least(5, k.TEMPO_TRAINERS, "tempo trainers"),
        at_most(2, RACERS, "racers"),
    ),
    road(
        "steady tempo, balanced",
        {"pace": "Steady", "running_purpose": "Tempo", "cushion_preferences": "Balanced"},
        at_least(4, k.TEMPO_TRAINERS, "tempo trainers"),
    ),
    # --- daily --------------------------------------------------------------------------------
    road(
        "classic neutral daily runner",
        {
            "pace": "Steady",
            "running_purpose": "Daily",
            "cushion_preferences": "Balanced",
            "stability_need": "Neutral",
            "arch_type": "Normal",
            "strike_pattern": "Heel",
            "foot_width": "Regular",
            "season": "Spring & Fall",
        },
        at_least(4, k.CLASSIC_DAILY, "classic daily trainers"),
        at_most(2, k.MAX_OR_LIFESTYLE, "max/lifestyle"),
    ),
    road(
        "easy plush miles",
        {"pace": "Easy", "running_purpose": "Daily", "cushion_preferences": "Soft"},
        at_most(0, RACERS, "racers"),
    ),
    road(
        "wide beginner",
        {"pace": "Easy", "foot_width": "Wide", "running_purpose": "Daily", "arch_type": "Normal"},
        every(k.WIDE_KNOWN, "sold wide"),
        at_most(0, RACERS, "racers"),
    ),
    road(
        "wide heel striker, soft",
        {"foot_width": "Wide", "strike_pattern": "Heel", "cushion_preferences": "Soft"},
        every(k.WIDE_KNOWN, "sold wide"),
    ),
    road(
        "firm-feel daily runner",
        {"running_purpose": "Daily", "cushion_preferences": "Firm", "pace": "Steady"},
        at_most(2, k.MAX_OR_LIFESTYLE, "max/lifestyle"),
    ),
    # --- stability ----------------------------------------------------------------------------
    road(
        "overpronator",
        {"stability_need": "Guided", "arch_type": "Flat"},
        every(k.ROAD_STABILITY, "a stability shoe"),
    ),
    road(
        "flat feet, wide",
        {"arch_type": "Flat", "foot_width": "Wide", "running_purpose": "Daily"},
        every(k.ROAD_STABILITY, "a stability shoe"),
        every(k.WIDE_KNOWN, "sold wide"),
    ),
    road(
        "guided heel striker with orthotics",
        {"stability_need": "Guided", "strike_pattern": "Heel", "orthotic_usage": "Yes"},
        every(k.ROAD_STABILITY, "a stability shoe"),
    ),
    road(
        "guided, soft, easy",
        {"stability_need": "Guided", "cushion_preferences": "Soft", "pace": "Easy"},
        every(k.ROAD_STABILITY, "a stability shoe"),
    ),
    road(
        "high arches",
        {"arch_type": "High", "running_purpose": "Daily"},
        at_most(0, k.ROAD_STABILITY, "stability shoes"),
    ),
    # --- seasons ------------------------------------------------------------------------------
    road(
        "winter road runner",
        {"season": "Winter", "running_purpose": "Daily", "pace": "Steady"},
        at_least(5, k.WATERPROOF, "waterproof"),
    ),
    road(
        "summer daily runner",
        {"season": "Summer", "running_purpose": "Daily"},
        at_most(0, k.WATERPROOF, "waterproof"),
    ),
    road(
        "summer racer",
        {"season": "Summer", "running_purpose": "Race", "pace": "Fast"},
        at_most(0, k.WATERPROOF, "waterproof"),
        at_least(8, RACERS, "racers"),
    ),
    # --- trail ----------------------------------------------------------------------------------
    trail("mud runner", {"terrain": "Muddy"}, at_least(6, k.MUD_TRAIL, "mud shoes")),
    trail("fell racer", {"terrain": "Muddy", "pace": "Fast"}, at_least(6, k.MUD_TRAIL, "mud shoes")),
    trail(
        "rocky, rock sensitive",
        {"terrain": "Rocky", "rock_sensitive": "Yes"},
        every(k.ROCK_PROTECTED, "rock-protected"),
    ),
    trail(
        "rocky technical, wide",
        {"terrain": "Rocky", "foot_width": "Wide", "rock_sensitive": "Yes"},
        at_least(7, k.ROCK_PROTECTED, "rock-protected"),
    ),
    trail(
        "winter trail",
        {"season": "Winter", "water_resistance": "Waterproof"},
        every(k.WINTER_TRAIL, "winter-ready"),
    ),
    trail(
        "winter trail, no membrane question",
        {"season": "Winter", "terrain": "Mixed"},
        at_least(5, k.WINTER_TRAIL, "winter-ready"),
    ),
    trail(
        "waterproof, muddy",
        {"water_resistance": "Waterproof", "terrain": "Muddy"},
        every(k.WATERPROOF, "waterproof"),
    ),
    trail(
        "narrow feet on trail",
        {"foot_width": "Narrow", "terrain": "Mixed"},
        every(k.NARROW_TRAIL, "a narrow/snug fit"),
    ),
    trail(
        "narrow feet, waterproof",
        {"foot_width": "Narrow", "water_resistance": "Waterproof"},
        every(k.NARROW_TRAIL, "a narrow/snug fit"),
        at_least(6, k.WATERPROOF, "waterproof (6 narrow membrane shoes exist)"),
    ),
    trail(
        "fast runner on groomed trails",
        {"terrain": "Light", "pace": "Fast"},
        at_least(4, k.TRAIL_RACERS, "light trail racers"),
    ),
    trail(
        "easy runner on groomed trails",
        {"terrain": "Light", "pace": "Easy"},
        at_least(3, k.EASY_CRUISERS, "road-to-trail cruisers"),
    ),
    trail(
        "fast on mixed trails",
        {"terrain": "Mixed", "pace": "Fast", "season": "Summer"},
        at_least(5, k.TRAIL_RACERS, "trail racers"),
        at_most(0, k.WATERPROOF, "waterproof"),
    ),
    trail("wide trail runner", {"foot_width": "Wide", "terrain": "Mixed"}),
    trail(
        "flat-footed trail runner",
        {"arch_type": "Flat", "terrain": "Mixed"},
        at_least(2, k.GUIDED_TRAIL, "guided/supportive trail shoes"),
    ),
    trail(
        "summer ultra, easy",
        {"season": "Summer", "pace": "Easy", "terrain": "Mixed"},
        at_most(0, k.WATERPROOF, "waterproof"),
    ),
)


@dataclass(frozen=True)
class CaseResult:
    case: Case
    top: tuple[str, ...]
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def judge_case(case: Case, top: Labels, brands: Sequence[str]) -> CaseResult:
    failures = [what for what, ok in case.checks if not ok(top)]
    failures += version_problems(top, brands)
    if len(top) != 10:
        failures.append(f"{len(top)} shoes instead of 10")
    return CaseResult(case, tuple(top), tuple(failures))


# --- the full answer grid -----------------------------------------------------------------------


def answer_grid(questions: Mapping[str, Sequence[str]]) -> Iterator[dict[str, str]]:
    """Every questionnaire with every question answered."""
    names = list(questions)
    for values in itertools.product(*(questions[q] for q in names)):
        yield dict(zip(names, values, strict=True))


def overlap(a: Labels, b: Labels) -> int:
    return len(set(a) & set(b))
