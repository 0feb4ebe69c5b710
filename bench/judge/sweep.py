"""Systematic checks over the full answer grid (every question answered), in process."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.judge import knowledge as k
from bench.judge.rules import answer_grid, overlap, version_problems

LOWEST_PRIORITY = "season"  # last in both priority tuples


@dataclass(frozen=True)
class SweepResult:
    shoe_type: str
    questionnaires: int
    race_total: int  # Race questionnaires (road only)
    race_ok: int  # ... with >= 5 true racers in the top 10
    race_feasible: int  # ... where racers exist for the runner (not Guided, not Wide)
    race_feasible_ok: int
    capped_ok: int  # lists with <= 2 versions of every model
    newest_first_ok: int  # lists where no older version is above a newer one of the same upper
    season_pairs: int
    season_pairs_ok: int  # changing only the season keeps >= 5 of 10
    musthave_feasible: int  # questionnaires whose must-haves >= 10 catalog shoes meet, <= 2 per model
    musthave_ok: int  # ... where every shoe of the top 10 meets them


def questions_of(model: Any) -> dict[str, tuple[str, ...]]:
    return {q: tuple(a) for q, a in model.mapping.answers.items()}


def run_sweep(model: Any) -> SweepResult:
    questions = questions_of(model)
    brands = sorted(set(model.brands))
    labels = [k.label(b, n) for b, n in zip(model.brands, model.names, strict=True)]
    models = np.unique(
        [k.version_of(b, n).model for b, n in zip(model.brands, model.names, strict=True)],
        return_inverse=True,
    )[1]
    lists: dict[tuple[tuple[str, str], ...], list[str]] = {}
    race_total = race_ok = race_feasible = race_feasible_ok = capped_ok = newest_first_ok = 0
    musthave_feasible = musthave_ok = 0
    for answers in answer_grid(questions):
        q = model.query(answers)
        idx, _scores, missed = model.rank(q)
        top = [labels[i] for i in idx]
        lists[tuple(sorted(answers.items()))] = top
        problems = version_problems(top, brands)
        capped_ok += not any("versions of" in p for p in problems)
        newest_first_ok += not any(p.startswith("older") for p in problems)
        if answers.get("running_purpose") == "Race":
            race_total += 1
            good = sum(bool(k.ROAD_RACERS.search(s)) for s in top) >= 5
            race_ok += good
            if answers.get("stability_need") != "Guided" and answers.get("foot_width") != "Wide":
                race_feasible += 1
                race_feasible_ok += good
        if q.hard_ids.size:
            meets = model.compiled.fail[q.hard_ids].sum(axis=0) == 0
            passing = int(np.minimum(np.bincount(models[meets]), 2).sum())  # at most 2 per model
            if passing >= len(top):
                musthave_feasible += 1
                musthave_ok += bool((np.asarray(missed) == 0).all())
    pairs = pairs_ok = 0
    seasons = questions[LOWEST_PRIORITY]
    for key, top in lists.items():
        answers = dict(key)
        for other in seasons:
            if other == answers[LOWEST_PRIORITY]:
                continue
            changed = {**answers, LOWEST_PRIORITY: other}
            pairs += 1
            pairs_ok += overlap(top, lists[tuple(sorted(changed.items()))]) >= 5
    return SweepResult(
        model.shoe_type,
        len(lists),
        race_total,
        race_ok,
        race_feasible,
        race_feasible_ok,
        capped_ok,
        newest_first_ok,
        pairs,
        pairs_ok,
        musthave_feasible,
        musthave_ok,
    )


def sweep_rows(results: Sequence[SweepResult]) -> list[tuple[str, str, str]]:
    """(check, shoe type, rate) rows for the printed table."""

    def pct(ok: int, total: int) -> str:
        return f"{100.0 * ok / total:.1f} % ({ok}/{total})" if total else "n/a"

    rows: list[tuple[str, str, str]] = []
    for r in results:
        if r.race_total:
            rows.append(("Race -> >= 5 true racers in the top 10", r.shoe_type, pct(r.race_ok, r.race_total)))
            rows.append(
                (
                    "  same, racers made for the runner (not Guided, not Wide)",
                    r.shoe_type,
                    pct(r.race_feasible_ok, r.race_feasible),
                )
            )
        rows.append(
            ("<= 2 versions of one model in the top 10", r.shoe_type, pct(r.capped_ok, r.questionnaires))
        )
        rows.append(
            ("no older version above a newer one", r.shoe_type, pct(r.newest_first_ok, r.questionnaires))
        )
        rows.append(("season change keeps >= 5 of 10", r.shoe_type, pct(r.season_pairs_ok, r.season_pairs)))
        rows.append(("must-haves met (feasible cases)", r.shoe_type, pct(r.musthave_ok, r.musthave_feasible)))
    return rows
