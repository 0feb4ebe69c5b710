"""Shared heuristic machinery: questionnaire answers -> target values on catalog features.

A mapping is a table of `Rule`s. Each rule says: "when question Q is answered A (and, for a
combination rule, other questions are answered too), set these catalog features to these target
values". Targets are written in catalog units (grams, millimetres, 1-10 scores, 0/1 flags) so the
table reads like a fitter's notes; `compile_mapping` scales them once, at model load time, with
the trained MinMaxScaler.

Every target carries:
- `value`: the catalog-unit value the runner should get,
- `weight`: how much that feature counts in the similarity (1 = normal),
- `hard`: an optional inclusive (lo, hi) range in catalog units, a must-have a fitter would not
  compromise on (e.g. Wide -> width_wide in [1, 1]). Shoes outside it are only offered when the
  catalog has too few shoes inside it (see content_based.py); then a miss on a higher-priority
  question's must-have weighs more than misses on any number of lower-priority ones. A rule may
  rank its must-haves lower than its question (`Rule.must_have_below`): a narrow foot laces into a
  regular shoe, so trail's Narrow yields to the membrane, rock plate or removable insole the runner
  asked for, where Wide (a wide foot never fits a narrow shoe) does not.

Priority: when two answers set the same feature, the answer whose question comes first in the
mapping's `priority` tuple wins the whole target (value, weight and must-have). Questions that speak
about a feature directly (stability_need about stability, water_resistance about the membrane) come
before questions that only imply it (arch type, season), so the most specific statement wins.
Combination rules (e.g. Rocky + rock sensitive) rank above all single answers.

Only features set by some answer enter the mask; everything else is left out of the similarity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Target:
    value: float
    weight: float = 1.0
    hard: tuple[float, float] | None = None


@dataclass(frozen=True)
class Rule:
    """`when` holds one (question, answer) pair, or several for a combination rule."""

    when: tuple[tuple[str, str], ...]
    targets: Mapping[str, Target]
    why: str = ""
    # A question of lower priority: this answer's must-haves weigh as if it ranked right below that
    # question (its targets keep the question's priority). None = the question's own rank.
    must_have_below: str | None = None

    @property
    def is_combo(self) -> bool:
        return len(self.when) > 1


@dataclass(frozen=True)
class AnswerMapping:
    """One shoe type's table: rules plus the question priority (highest first)."""

    shoe_type: str
    features: Sequence[str]
    priority: tuple[str, ...]
    rules: tuple[Rule, ...]
    # Accepted answers per question, taken from the pydantic model so they cannot drift.
    answers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def rule(
    question: str,
    answer: str,
    why: str = "",
    *,
    must_have_below: str | None = None,
    **targets: Target | float,
) -> Rule:
    """Shorthand for a single-answer rule; bare floats are targets with weight 1 and no must-have."""
    return Rule(((question, answer),), _targets(targets), why, must_have_below)


def combo(when: Mapping[str, str], why: str = "", **targets: Target | float) -> Rule:
    return Rule(tuple(when.items()), _targets(targets), why)


def _targets(raw: Mapping[str, Target | float]) -> dict[str, Target]:
    return {k: v if isinstance(v, Target) else Target(float(v)) for k, v in raw.items()}


def check_mapping(mapping: AnswerMapping) -> None:
    """Fail fast on a table that names an unknown feature, question or answer."""
    known = set(mapping.features)
    for r in mapping.rules:
        for q, a in r.when:
            if q not in mapping.priority:
                raise ValueError(f"{mapping.shoe_type}: rule on unknown question {q!r}")
            if mapping.answers and a not in mapping.answers.get(q, ()):
                raise ValueError(f"{mapping.shoe_type}: {q}={a!r} is not an accepted answer")
        if r.must_have_below is not None:
            below = r.must_have_below
            if r.is_combo or not any(t.hard for t in r.targets.values()):
                raise ValueError(f"{mapping.shoe_type}: {r.when} has no must-have of its own to rank lower")
            if below not in mapping.priority:
                raise ValueError(f"{mapping.shoe_type}: {r.when} ranks below unknown question {below!r}")
            if mapping.priority.index(below) <= mapping.priority.index(r.when[0][0]):
                raise ValueError(f"{mapping.shoe_type}: {r.when} may only rank lower, not below {below!r}")
        for f, t in r.targets.items():
            if f not in known:
                raise ValueError(f"{mapping.shoe_type}: rule {r.when} sets unknown feature {f!r}")
            if t.weight <= 0:
                raise ValueError(f"{mapping.shoe_type}: rule {r.when} has non-positive weight on {f}")
            if t.hard is not None and t.hard[0] > t.hard[1]:
                raise ValueError(f"{mapping.shoe_type}: empty must-have range on {f}")


def resolve(answers: Mapping[str, str | None], mapping: AnswerMapping) -> dict[str, Target]:
    """Answers -> one Target per feature, after priority resolution (reference implementation).

    The served path uses the compiled form below (same result, array operations); this readable
    version is what the tests and the docs table are checked against.
    """
    rank = {q: i for i, q in enumerate(mapping.priority)}
    fired: list[tuple[int, int, Rule]] = []
    for order, r in enumerate(mapping.rules):
        if all(answers.get(q) == a for q, a in r.when):
            # Combos outrank every single answer; among singles the priority tuple decides.
            key = -1 if r.is_combo else rank[r.when[0][0]]
            fired.append((key, order, r))
    resolved: dict[str, Target] = {}
    for _, _, r in sorted(fired, key=lambda t: (t[0], t[1])):
        for f, t in r.targets.items():
            resolved.setdefault(f, t)  # first (highest-priority) setter wins
    return resolved


# --- compiled form (built once per loaded model) --------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    when: tuple[tuple[str, str], ...]
    idx: npt.NDArray[np.intp]  # feature indices this rule sets
    value: FloatArray  # scaled targets (clipped to [0, 1])
    weight: FloatArray
    hard_id: npt.NDArray[np.intp]  # per feature: row in the fail matrix, or -1 for no must-have


@dataclass(frozen=True)
class CompiledMapping:
    """Rules in ascending priority (lowest first) so that later writes win during assembly."""

    n_features: int
    singles: dict[tuple[str, str], CompiledRule]
    combos: tuple[CompiledRule, ...]
    question_order: tuple[str, ...]  # ascending priority
    fail: npt.NDArray[np.uint8]  # (n_constraints, n_shoes): 1 where a shoe misses that must-have
    constraints: tuple[tuple[str, float, float], ...]  # (feature, lo, hi) per fail row
    severity: FloatArray  # per fail row: weight of missing it (see `severity`)


def scale_targets(
    values: FloatArray, idx: npt.NDArray[np.intp], scale: FloatArray, min_: FloatArray
) -> FloatArray:
    """Catalog units -> the trained MinMaxScaler's [0, 1] space, clipped to the catalog's range.

    Clipping: a target beyond the lightest shoe in the catalog means "as light as there is".
    """
    return np.clip(values * scale[idx] + min_[idx], 0.0, 1.0)


def constraint_fail(raw_column: FloatArray, lo: float, hi: float) -> npt.NDArray[np.uint8]:
    """1 where a shoe's catalog value lies outside the inclusive must-have range."""
    return ((raw_column < lo - 1e-9) | (raw_column > hi + 1e-9)).astype(np.uint8)


def must_have_levels(mapping: AnswerMapping) -> list[tuple[str, str | None]]:
    """The must-have ranks, highest first: (question, None) per question in priority order, and
    right after a question every (question, answer) whose rule ranks its must-haves below it."""
    levels: list[tuple[str, str | None]] = []
    for q in mapping.priority:
        levels.append((q, None))
        levels += [r.when[0] for r in mapping.rules if r.must_have_below == q and not r.is_combo]
    return levels


def severity(mapping: AnswerMapping, r: Rule) -> float:
    """Weight of a missed must-have: 2^(levels below the top), so missing one must-have of a
    higher-ranked level outweighs missing any number of lower-ranked ones."""
    levels = must_have_levels(mapping)
    if r.is_combo:
        return float(2 ** len(levels))
    own = r.when[0] if r.must_have_below is not None else (r.when[0][0], None)
    return float(2 ** (len(levels) - 1 - levels.index(own)))


def compile_mapping(
    mapping: AnswerMapping, scale: FloatArray, min_: FloatArray, raw_features: FloatArray
) -> CompiledMapping:
    """Scale every target and precompute one fail row per (rule, must-have), against the catalog."""
    check_mapping(mapping)
    fidx = {f: i for i, f in enumerate(mapping.features)}
    constraints: list[tuple[str, float, float]] = []
    severities: list[float] = []
    fail_rows: list[npt.NDArray[np.uint8]] = []

    def build(r: Rule) -> CompiledRule:
        names = list(r.targets)
        idx = np.array([fidx[f] for f in names], dtype=np.intp)
        raw = np.array([r.targets[f].value for f in names], dtype=np.float64)
        hard_ids = []
        for f in names:
            hard = r.targets[f].hard
            if hard is None:
                hard_ids.append(-1)
                continue
            hard_ids.append(len(fail_rows))
            constraints.append((f, float(hard[0]), float(hard[1])))
            severities.append(severity(mapping, r))
            fail_rows.append(constraint_fail(raw_features[:, fidx[f]], float(hard[0]), float(hard[1])))
        return CompiledRule(
            when=r.when,
            idx=idx,
            value=scale_targets(raw, idx, scale, min_),
            weight=np.array([r.targets[f].weight for f in names], dtype=np.float64),
            hard_id=np.array(hard_ids, dtype=np.intp),
        )

    singles = {r.when[0]: build(r) for r in mapping.rules if not r.is_combo}
    # Combos are applied after all singles (they outrank them); among combos, table order.
    combos = tuple(build(r) for r in reversed([r for r in mapping.rules if r.is_combo]))
    n_shoes = raw_features.shape[0]
    fail = np.vstack(fail_rows) if fail_rows else np.zeros((0, n_shoes), dtype=np.uint8)
    return CompiledMapping(
        n_features=len(mapping.features),
        singles=singles,
        combos=combos,
        question_order=tuple(reversed(mapping.priority)),
        fail=fail,
        constraints=tuple(constraints),
        severity=np.array(severities, dtype=np.float64),
    )


@dataclass(frozen=True)
class Query:
    """A questionnaire in the model's scaled space."""

    target: FloatArray  # (F,) scaled targets; only meaningful where weight > 0
    weight: FloatArray  # (F,) 0 = not set by any answer (outside the mask)
    hard_ids: npt.NDArray[np.intp]  # fail-matrix rows of the must-haves that survived priority
    budget_usd: float | None = None  # the most the runner will pay (a must-have, see content_based)

    @property
    def mask(self) -> BoolArray:
        return self.weight > 0

    @property
    def empty(self) -> bool:
        return not bool(self.weight.any())


def build_query(answers: Mapping[str, str | None], compiled: CompiledMapping) -> Query:
    """Answers -> (target, weight, must-haves), applying rules lowest priority first."""
    target = np.zeros(compiled.n_features)
    weight = np.zeros(compiled.n_features)
    hard = np.full(compiled.n_features, -1, dtype=np.intp)
    singles = compiled.singles
    for q in compiled.question_order:
        a = answers.get(q)
        if a is None:
            continue
        r = singles.get((q, a))
        if r is None:
            continue  # an accepted answer that bears on no feature (e.g. orthotic_usage=No)
        target[r.idx] = r.value
        weight[r.idx] = r.weight
        hard[r.idx] = r.hard_id
    for r in compiled.combos:
        if all(answers.get(q) == a for q, a in r.when):
            target[r.idx] = r.value
            weight[r.idx] = r.weight
            hard[r.idx] = r.hard_id
    budget = answers.get(BUDGET_QUESTION)
    return Query(target, weight, hard[hard >= 0], None if budget is None else float(budget))


# --- request models: the six questions road and trail share ---------------------------------

Pace = Literal["Easy", "Steady", "Fast"]
ArchType = Literal["Flat", "Normal", "High"]
StrikePattern = Literal["Heel", "Mid", "Forefoot"]
FootWidth = Literal["Narrow", "Regular", "Wide"]
Season = Literal["Summer", "Spring & Fall", "Winter"]
YesNo = Literal["Yes", "No"]


BUDGET_QUESTION = "budget_usd"


class CommonQuestionnaire(BaseModel):
    """Every field optional (None = not answered). Unknown fields are rejected (extra="forbid")
    so a typo such as `foot_widht` fails loudly instead of silently being ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pace: Pace | None = None
    arch_type: ArchType | None = None
    strike_pattern: StrikePattern | None = None
    foot_width: FootWidth | None = None
    season: Season | None = None
    orthotic_usage: YesNo | None = None
    # Not a feature question: the top 10 keeps to shoes whose known price is within the budget, as a
    # must-have, whenever at least 10 shoes of the catalog are (content_based.py).
    budget_usd: int | None = Field(
        None, ge=30, le=1000, description="the most the runner will pay, US dollars (RunRepeat prices)"
    )


def accepted_answers(model: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """Question -> accepted answers, read from the model's `Literal | None` annotations (a free
    number such as the budget is no answer table's question and is left out)."""
    out: dict[str, tuple[str, ...]] = {}
    for name, info in model.model_fields.items():
        literals = [a for arg in get_args(info.annotation) for a in get_args(arg)]
        if literals:
            out[name] = tuple(str(a) for a in literals)
    return out
