"""Road questionnaire: request model and the answer -> feature mapping table.

Targets are in catalog units (see FEATURE_RANGES in src/config.py for the encodings). `hard`
ranges are must-haves; see questionnaire.py for how priority and must-haves work.
"""

from __future__ import annotations

from typing import Literal

from src.config import ROAD_FEATURES
from src.recommender.questionnaire import (
    AnswerMapping,
    CommonQuestionnaire,
    Target,
    accepted_answers,
    check_mapping,
    combo,
    rule,
)

RunningPurpose = Literal["Daily", "Tempo", "Race"]
CushionPreference = Literal["Soft", "Balanced", "Firm"]
StabilityNeed = Literal["Neutral", "Guided"]


class RoadQuestionnaire(CommonQuestionnaire):
    running_purpose: RunningPurpose | None = None
    cushion_preferences: CushionPreference | None = None
    stability_need: StabilityNeed | None = None


# Highest priority first: direct statements about a feature beat answers that only imply it.
ROAD_PRIORITY: tuple[str, ...] = (
    "foot_width",  # fit first: a shoe not offered in the runner's width is no use at all
    "stability_need",  # says "stability" outright; beats what the arch type implies
    "orthotic_usage",
    "running_purpose",  # what the shoe is for beats how fast the runner usually goes
    "cushion_preferences",  # a stated feel beats what strike or arch suggest
    "strike_pattern",
    "arch_type",
    "pace",
    "season",
)

ONE = (1.0, 1.0)  # must-have: the 0/1 flag is set
ZERO = (0.0, 0.0)

# fmt: off
ROAD_RULES = (
    # pace: how fast the runner usually runs -> weight and plate (road shoes carry no energy-return
    # figure: no source rates it, see data/README.md)
    rule("pace", "Easy", "easy miles want protection over speed",
         weight_g=Target(280, 0.7), midsole_softness=Target(7, 0.7), plate=Target(0, 0.5)),
    rule("pace", "Steady", "all-rounder: moderate weight",
         weight_g=Target(250, 1.0)),
    rule("pace", "Fast", "light, a plate helps",
         weight_g=Target(205, 1.3), plate=Target(1, 0.7)),
    # arch type -> support
    rule("arch_type", "Flat", "flat or collapsing arches need medial support",
         stability=Target(1, 1.5, ONE)),
    rule("arch_type", "Normal", "neutral shoes suit a normal arch",
         stability=Target(0, 0.5)),
    rule("arch_type", "High", "rigid high arches absorb little shock: neutral and cushioned",
         stability=Target(0, 0.7), midsole_softness=Target(7, 0.7), heel_stack_mm=Target(36, 0.5)),
    # strike pattern -> geometry
    rule("strike_pattern", "Heel", "heel strikers land on the heel: more drop and heel stack",
         drop_mm=Target(10, 1.5, (7, 14)), heel_stack_mm=Target(36, 0.7)),
    rule("strike_pattern", "Mid", "midfoot landing suits a moderate drop",
         drop_mm=Target(6, 1.0)),
    rule("strike_pattern", "Forefoot", "forefoot landing: low drop, cushion under the forefoot",
         drop_mm=Target(4, 1.5, (0, 7)), forefoot_stack_mm=Target(30, 0.7)),
    # foot width -> the width must be offered
    rule("foot_width", "Narrow", "", width_narrow=Target(1, 2.0, ONE)),
    rule("foot_width", "Regular", "", width_regular=Target(1, 1.0, ONE)),
    rule("foot_width", "Wide", "", width_wide=Target(1, 2.0, ONE)),
    # season -> upper
    # breathability weighs 0.5 in every season: RunRepeat rates a third of road uppers Breathable,
    # and at 1.5 the summer answer, the lowest-priority one, replaced whole lists (docs/catalog.md)
    rule("season", "Summer", "heat: breathable, no insulation",
         breathability=Target(5, 0.5), warmth=Target(1, 0.7), water_resistance=Target(0, 0.7)),
    rule("season", "Spring & Fall", "mild: balanced upper",
         breathability=Target(3.5, 0.5), warmth=Target(2.5, 0.5)),
    rule("season", "Winter", "cold and wet: warmer, water resistant upper",
         warmth=Target(4, 1.2), water_resistance=Target(1.5, 1.0), breathability=Target(2, 0.5)),
    # orthotics -> the stock insole must come out
    rule("orthotic_usage", "Yes", "custom orthotics replace the stock insole",
         removable_insole=Target(1, 2.0, ONE)),
    # purpose -> use flags and race geometry
    # (the stack weighs 1.0: with softness in RunRepeat's three steps it is what keeps 45 mm max
    # trainers from replacing the daily ones)
    rule("running_purpose", "Daily", "durable daily trainer with a modern cushioned stack",
         use_daily=Target(1, 1.5, ONE), weight_g=Target(265, 0.5), heel_stack_mm=Target(36, 1.0)),
    rule("running_purpose", "Tempo", "uptempo trainer: light, often plated",
         use_tempo=Target(1, 1.5, ONE), plate=Target(1, 0.9), weight_g=Target(225, 1.2)),
    rule("running_purpose", "Race", "racer: lightest, carbon plate, the 40 mm super-shoe stack",
         use_race=Target(1, 1.5, ONE), plate=Target(2, 1.5), weight_g=Target(190, 1.7),
         heel_stack_mm=Target(39, 0.5)),
    # cushion feel
    rule("cushion_preferences", "Soft", "plush: soft foam, tall stack",
         midsole_softness=Target(8.5, 1.5), heel_stack_mm=Target(38, 0.7)),
    # RunRepeat rates softness in three steps (Firm 3, Balanced 5, Soft 7) and mainstream daily
    # trainers sit on both sides of Balanced/Soft (Ride 18, Supernova Rise 2 / Pegasus 41, Cumulus
    # 27): a balanced preference is 6, between them, so only firm and plush shoes lose on softness
    rule("cushion_preferences", "Balanced", "", midsole_softness=Target(6, 1.0)),
    rule("cushion_preferences", "Firm", "ground feel: firm foam, lower stack",
         midsole_softness=Target(3, 1.5), heel_stack_mm=Target(28, 0.5)),
    # cushion feel of a racer: racing foams sit on their own scale (a "balanced" super shoe is
    # softer than a balanced trainer; a firm racer is a flat), so the trainer targets would
    # push a racer towards the few firm, low racing flats
    combo({"running_purpose": "Race", "cushion_preferences": "Soft"}, "plush super shoe",
          midsole_softness=Target(8.5, 1.0), heel_stack_mm=Target(40, 0.7)),
    combo({"running_purpose": "Race", "cushion_preferences": "Balanced"}, "mainstream super shoe",
          midsole_softness=Target(7, 1.0), heel_stack_mm=Target(39, 0.7)),
    combo({"running_purpose": "Race", "cushion_preferences": "Firm"}, "firmer, lower racer or flat",
          midsole_softness=Target(5, 1.0), heel_stack_mm=Target(33, 0.7)),
    # stability need, stated outright
    rule("stability_need", "Neutral", "", stability=Target(0, 1.5, ZERO)),
    rule("stability_need", "Guided", "", stability=Target(1, 1.5, ONE)),
)
# fmt: on

ROAD_MAPPING = AnswerMapping(
    shoe_type="road",
    features=ROAD_FEATURES,
    priority=ROAD_PRIORITY,
    rules=ROAD_RULES,
    answers=accepted_answers(RoadQuestionnaire),
)
check_mapping(ROAD_MAPPING)
