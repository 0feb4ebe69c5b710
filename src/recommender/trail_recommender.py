"""Trail questionnaire: request model and the answer -> feature mapping table.

Targets are in catalog units (see FEATURE_RANGES in src/config.py for the encodings). `hard`
ranges are must-haves; see questionnaire.py for how priority and must-haves work.
"""

from __future__ import annotations

from typing import Literal

from src.config import TRAIL_FEATURES
from src.recommender.questionnaire import (
    AnswerMapping,
    CommonQuestionnaire,
    Target,
    accepted_answers,
    check_mapping,
    combo,
    rule,
)

Terrain = Literal["Light", "Mixed", "Rocky", "Muddy"]
RockSensitive = Literal["Yes", "No"]
WaterResistance = Literal["Waterproof", "Water Repellent"]


class TrailQuestionnaire(CommonQuestionnaire):
    terrain: Terrain | None = None
    rock_sensitive: RockSensitive | None = None
    water_resistance: WaterResistance | None = None


# Highest priority first: direct statements about a feature beat answers that only imply it.
TRAIL_PRIORITY: tuple[str, ...] = (
    "foot_width",  # fit first: a shoe not offered in the runner's width is no use at all (Narrow's
    # must-have ranks below orthotic_usage: see its rule)
    "water_resistance",  # says "membrane or not" outright; beats what the season implies
    "rock_sensitive",
    "orthotic_usage",
    "terrain",  # the ground decides lugs and protection before pace does
    "strike_pattern",
    "arch_type",
    "pace",
    "season",
)

ONE = (1.0, 1.0)  # must-have: the 0/1 flag is set

# fmt: off
TRAIL_RULES = (
    # combination: both answers together ask for more than either alone (outranks singles)
    combo({"terrain": "Rocky", "rock_sensitive": "Yes"}, "sharp rocks under a sensitive foot: plate and a deep forefoot stack",
          rock_plate=Target(1, 2.0, ONE), forefoot_stack_mm=Target(28, 1.0), terrain_rocky=Target(5, 1.0),
          lug_depth_mm=Target(5, 0.7)),
    # pace
    rule("pace", "Easy", "long easy hours: cushion and protection",
         weight_g=Target(320, 0.7), midsole_softness=Target(7, 0.7), use_daily=Target(1, 0.7)),
    rule("pace", "Steady", "", weight_g=Target(290, 0.7), responsiveness=Target(6, 0.7)),
    rule("pace", "Fast", "light and responsive",
         weight_g=Target(240, 1.0), responsiveness=Target(8.5, 1.0), use_race=Target(1, 0.7)),
    # arch type
    rule("arch_type", "Flat", "flat or collapsing arches need medial support",
         stability=Target(1, 1.5, ONE)),
    rule("arch_type", "Normal", "", stability=Target(0, 0.5)),
    rule("arch_type", "High", "rigid high arches: neutral and cushioned",
         stability=Target(0, 0.7), midsole_softness=Target(7, 0.7)),
    # strike pattern
    rule("strike_pattern", "Heel", "heel strikers: more drop and heel stack",
         drop_mm=Target(9, 1.5, (6, 14)), heel_stack_mm=Target(34, 0.7)),
    rule("strike_pattern", "Mid", "", drop_mm=Target(5, 1.0)),
    rule("strike_pattern", "Forefoot", "low drop, forefoot cushion",
         drop_mm=Target(3, 1.5, (0, 6)), forefoot_stack_mm=Target(26, 0.7)),
    # foot width
    # a narrow foot laces into a regular shoe, but no lacing adds a membrane, a rock plate or an
    # insole that comes out: where the catalog cannot meet both, those the runner asked for win and
    # the narrowest shoes that have them come first (a wide foot never fits a narrow shoe: Wide
    # stays first)
    rule("foot_width", "Narrow", "", width_narrow=Target(1, 2.0, ONE), must_have_below="orthotic_usage"),
    rule("foot_width", "Regular", "", width_regular=Target(1, 1.0, ONE)),
    rule("foot_width", "Wide", "", width_wide=Target(1, 2.0, ONE)),
    # season
    rule("season", "Summer", "heat: breathable, no membrane",
         breathability=Target(5, 1.5), warmth=Target(1, 0.7), water_resistance=Target(0, 0.5)),
    rule("season", "Spring & Fall", "mild and wet: a little water resistance",
         breathability=Target(3.5, 0.5), warmth=Target(2.5, 0.5), water_resistance=Target(1, 0.5)),
    rule("season", "Winter", "cold and wet: warm, water resistant",
         warmth=Target(4, 1.2), water_resistance=Target(1.5, 1.0), breathability=Target(2, 0.5)),
    # orthotics
    rule("orthotic_usage", "Yes", "custom orthotics replace the stock insole",
         removable_insole=Target(1, 2.0, ONE)),
    # terrain
    # lab lug depths run 0.45 mm below the old hand table's on the same shoes (median of 108): 2.5 mm
    # keeps "shallow" as far below the catalog mean (3.6 mm) as 3 mm was below the hand table's (4.2).
    # No mud or technical outsole (over 4 mm, as mud's is 5 and more) on groomed paths, but below every
    # other must-have: it only sorts out deep lugs where ten shoes without them meet the rest
    rule("terrain", "Light", "groomed paths: light, shallow lugs",
         terrain_light=Target(5, 1.0), lug_depth_mm=Target(2.5, 1.0, (1, 4)), weight_g=Target(260, 0.5),
         must_have_below="arch_type"),
    rule("terrain", "Mixed", "a bit of everything",
         terrain_mixed=Target(5, 1.0), lug_depth_mm=Target(4, 0.7)),
    rule("terrain", "Rocky", "rocks: protection and a rock plate helps",
         terrain_rocky=Target(5, 1.0), rock_plate=Target(1, 1.0), lug_depth_mm=Target(4.5, 0.5),
         forefoot_stack_mm=Target(26, 0.5)),
    rule("terrain", "Muddy", "mud: deep, widely spaced lugs",
         terrain_muddy=Target(5, 1.0), lug_depth_mm=Target(6.5, 1.5, (5, 9))),
    # rock sensitivity
    rule("rock_sensitive", "Yes", "feels every stone: rock plate",
         rock_plate=Target(1, 2.0, ONE), forefoot_stack_mm=Target(26, 0.7)),
    # water resistance, stated outright
    rule("water_resistance", "Waterproof", "membrane", water_resistance=Target(2, 2.0, (2, 2))),
    rule("water_resistance", "Water Repellent", "treated upper; a membrane also keeps water out",
         water_resistance=Target(1, 2.0, (1, 2))),
)
# fmt: on

TRAIL_MAPPING = AnswerMapping(
    shoe_type="trail",
    features=TRAIL_FEATURES,
    priority=TRAIL_PRIORITY,
    rules=TRAIL_RULES,
    answers=accepted_answers(TrailQuestionnaire),
)
check_mapping(TRAIL_MAPPING)
