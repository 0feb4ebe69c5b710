"""Why a shoe was picked: which questionnaire answers it meets and which it misses.

Computed from the numbers that ranked it (the mapping's targets and must-have ranges against the
catalog's specs), never by a text generator. Everything that does not depend on the request is
prepared once per loaded model (`RuleExplanations`): for every answer (rule) and every shoe, whether
the shoe meets it and the sentence saying so, already JSON-encoded. A request then only picks the
rows of the answers given and the columns of its top shoes.

An answer is met when every feature it sets is met: a must-have range contains the shoe's spec,
and a preference is within `PREFERENCE_TOLERANCE` of the target on the model's [0, 1] scale or lies
beyond it, away from the catalog mean (a runner who asks for light is not let down by lighter).

Every answer gets one verdict. A combination rule (`running_purpose: Race + cushion_preferences:
Firm`) is judged together with the single answers it combines: one entry with every feature they
set (the combination's target where both set one, as the ranking resolves it), and those singles
are not listed on their own while it fires. Otherwise "cushion_preferences: Firm" could be met in
the combination and missed alone, one answer under both `meets` and `misses`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import orjson

from src.recommender.questionnaire import AnswerMapping, Rule, Target, scale_targets

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

PREFERENCE_TOLERANCE = 0.2  # a tenth of the catalog's range either side counts as "about right"

_PLATES = ("no plate", "nylon/TPU plate", "carbon plate")
_WATER = ("no water protection", "water-repellent upper", "waterproof membrane")
_FLAGS = {
    "stability": ("neutral", "guided stability"),
    "width_narrow": ("not offered in narrow", "narrow width offered"),
    "width_regular": ("not offered in regular width", "regular width offered"),
    "width_wide": ("not offered in wide", "wide width offered"),
    "removable_insole": ("fixed insole", "removable insole"),
    "use_daily": ("not a daily trainer", "daily trainer"),
    "use_tempo": ("not a tempo shoe", "tempo shoe"),
    "use_race": ("not a racer", "racer"),
    "rock_plate": ("no rock plate", "rock plate"),
}
_SCALES = {  # feature -> (words, top of its 1-N scale)
    "midsole_softness": ("softness", 10),
    "responsiveness": ("responsiveness", 10),
    "breathability": ("breathability", 5),
    "warmth": ("warmth", 5),
    "terrain_light": ("light-trail grip", 5),
    "terrain_mixed": ("mixed-terrain grip", 5),
    "terrain_rocky": ("rocky-terrain protection", 5),
    "terrain_muddy": ("mud grip", 5),
}
_UNITS = {
    "weight_g": ("weight", "g"),
    "heel_stack_mm": ("heel stack", "mm"),
    "forefoot_stack_mm": ("forefoot stack", "mm"),
    "drop_mm": ("drop", "mm"),
    "lug_depth_mm": ("lugs", "mm"),
}


def spec_phrase(feature: str, value: float) -> str:
    """A catalog spec in a runner's words: "weight 210 g", "softness 3 of 10", "carbon plate"."""
    if feature == "plate":
        return _PLATES[round(value)]
    if feature == "water_resistance":
        return _WATER[round(value)]
    if feature in _FLAGS:
        return _FLAGS[feature][int(value >= 0.5)]
    if feature in _SCALES:
        words, top = _SCALES[feature]
        return f"{words} {value:g} of {top}"
    words, unit = _UNITS.get(feature, (feature.replace("_", " "), ""))
    return f"{words} {value:g} {unit}".rstrip()


def answer_phrase(when: Sequence[tuple[str, str]]) -> str:
    """`pace: Fast`, or `terrain: Rocky + rock_sensitive: Yes` for a combination."""
    return " + ".join(f"{q}: {a}" for q, a in when)


def features_met(
    raw: FloatArray,
    scaled: FloatArray,
    target_scaled: FloatArray,
    center: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    tolerance: float = PREFERENCE_TOLERANCE,
) -> BoolArray:
    """Per shoe and feature of one answer: is it met? `raw` and `scaled` are (shoes, k) columns of
    the features the answer sets; `lo`/`hi` the must-have range per feature (NaN = a preference only,
    judged on the scale: within `tolerance` of `target_scaled`, or past it on the side away from the
    catalog mean `center`)."""
    hard = ~np.isnan(lo)
    in_range = (raw >= np.where(hard, lo, -np.inf) - 1e-9) & (raw <= np.where(hard, hi, np.inf) + 1e-9)
    close = np.abs(scaled - target_scaled) <= tolerance + 1e-9
    beyond = (scaled - target_scaled) * np.sign(target_scaled - center) >= 0
    return np.where(hard, in_range, close | beyond)  # type: ignore[no-any-return]


def rule_met(
    raw: FloatArray,
    scaled: FloatArray,
    target_scaled: FloatArray,
    center: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    tolerance: float = PREFERENCE_TOLERANCE,
) -> BoolArray:
    """Per shoe: does it meet every feature of one answer (see `features_met`)?"""
    return np.all(features_met(raw, scaled, target_scaled, center, lo, hi, tolerance), axis=1)  # type: ignore[no-any-return]


def sentence(label: str, phrases: Sequence[str], met: Sequence[bool]) -> str:
    """`pace: Fast (weight 210 g, drop 8 mm)`; an answer missed on some of its specs but not all says
    which: `... (not met: weight 230 g; met: racer, carbon plate)`."""
    if all(met) or not any(met):
        return f"{label} ({', '.join(phrases)})"
    missed = ", ".join(p for p, ok in zip(phrases, met, strict=True) if not ok)
    kept = ", ".join(p for p, ok in zip(phrases, met, strict=True) if ok)
    return f"{label} (not met: {missed}; met: {kept})"


@dataclass(frozen=True)
class RuleExplanations:
    """For every rule of a mapping: which shoes meet it, and the JSON-encoded sentence per shoe."""

    singles: Mapping[tuple[str, str], int]  # (question, answer) -> row
    combos: tuple[tuple[tuple[tuple[str, str], ...], int], ...]  # (when, row) for combination rules
    met: BoolArray  # (rules, shoes)
    sentences: tuple[tuple[bytes, ...], ...]  # [rule][shoe] -> b'"pace: Fast (weight 210 g, ...)"'
    met_lists: tuple[tuple[bool, ...], ...] = ()  # `met` as Python lists: indexing a NumPy scalar costs 5x

    def rows_for(self, answers: Mapping[str, str | None]) -> list[int]:
        """The rules a questionnaire fires, in table order (answers without a rule, e.g. orthotic_usage
        No, have none)."""
        singles = self.singles
        rows = [
            r for r in (singles.get((q, a)) for q, a in answers.items() if a is not None) if r is not None
        ]
        fired = [(when, r) for when, r in self.combos if all(answers.get(q) == a for q, a in when)]
        if fired:
            # a firing combination's entry already judges the single answers it combines
            covered = {singles.get(pair) for when, _ in fired for pair in when}
            rows = [r for r in rows if r not in covered] + [r for _, r in fired]
        return sorted(rows)  # the mapping's table order, whatever order the answers came in

    def json_for(self, rows: Sequence[int], shoe: int) -> bytes:
        """`,"meets":[...],"misses":[...]` for one shoe and the fired rules."""
        met = self.met_lists
        sentences = self.sentences
        meets = b",".join([sentences[r][shoe] for r in rows if met[r][shoe]])
        misses = b",".join([sentences[r][shoe] for r in rows if not met[r][shoe]])
        return b',"meets":[' + meets + b'],"misses":[' + misses + b"]"


def build_explanations(
    mapping: AnswerMapping, raw: FloatArray, scaled: FloatArray, scale: FloatArray, min_: FloatArray
) -> RuleExplanations:
    """Load time: judge every shoe against every rule and write its sentences once."""
    fidx = {f: i for i, f in enumerate(mapping.features)}
    center = scaled.mean(axis=0)
    singles: dict[tuple[str, str], int] = {}
    combos: list[tuple[tuple[tuple[str, str], ...], int]] = []
    met_rows: list[BoolArray] = []
    sentences: list[tuple[bytes, ...]] = []

    def add(r: Rule) -> int:
        names = list(r.targets)
        idx = np.array([fidx[f] for f in names], dtype=np.intp)
        targets = np.array([r.targets[f].value for f in names], dtype=np.float64)
        lo = np.array([np.nan if r.targets[f].hard is None else r.targets[f].hard[0] for f in names])  # type: ignore[index]
        hi = np.array([np.nan if r.targets[f].hard is None else r.targets[f].hard[1] for f in names])  # type: ignore[index]
        target_scaled = scale_targets(targets, idx, scale, min_)
        per_feature = features_met(raw[:, idx], scaled[:, idx], target_scaled, center[idx], lo, hi)
        met_rows.append(np.all(per_feature, axis=1))
        label = answer_phrase(r.when)
        flags = per_feature.tolist()
        sentences.append(
            tuple(
                orjson.dumps(
                    sentence(label, [spec_phrase(f, float(raw[s, fidx[f]])) for f in names], flags[s])
                )
                for s in range(raw.shape[0])
            )
        )
        return len(met_rows) - 1

    single_rules = {r.when[0]: r for r in mapping.rules if not r.is_combo}
    for r in mapping.rules:
        if r.is_combo:
            # judged with the singles it combines (their features too; its own targets win)
            merged: dict[str, Target] = {}
            for pair in r.when:
                if pair in single_rules:
                    merged.update(single_rules[pair].targets)
            merged.update(r.targets)
            combos.append((r.when, add(Rule(r.when, merged, r.why))))
        else:
            singles[r.when[0]] = add(r)
    met = np.vstack(met_rows) if met_rows else np.zeros((0, raw.shape[0]), dtype=bool)
    met_lists = tuple(tuple(row) for row in met.tolist())
    return RuleExplanations(singles, tuple(combos), met, tuple(sentences), met_lists)
