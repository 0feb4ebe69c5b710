"""`python -m bench.judge [--artifacts-dir DIR]`: run the persona cases and the grid sweeps against
the newest trained content models and print both tables (Markdown)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.judge import knowledge as k
from bench.judge.rules import CASES, CaseResult, judge_case
from bench.judge.sweep import run_sweep, sweep_rows
from src.config import SHOE_TYPES, get_settings
from src.recommender.content_based import ContentRecommender, load_content_model


def run_cases(models: dict[str, ContentRecommender]) -> list[CaseResult]:
    results = []
    for case in CASES:
        model = models[case.shoe_type]
        brands = sorted(set(model.brands))
        top = [k.label(r.brand, r.name) for r in model.recommend(dict(case.answers))]
        results.append(judge_case(case, top, brands))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.judge", description=__doc__.split("\n")[0])
    p.add_argument("--artifacts-dir", type=Path, default=get_settings().artifacts_dir)
    p.add_argument("--verbose", action="store_true", help="print every case's top 10")
    args = p.parse_args(argv)
    models = {}
    for shoe_type in SHOE_TYPES:
        model = load_content_model(args.artifacts_dir, shoe_type)
        if model is None:
            print(f"no trained {shoe_type} model under {args.artifacts_dir}", file=sys.stderr)
            return 2
        models[shoe_type] = model

    cases = run_cases(models)
    print("| persona case | type | result |")
    print("|---|---|---|")
    for r in cases:
        print(
            f"| {r.case.name} | {r.case.shoe_type} | {'pass' if r.passed else 'FAIL: ' + '; '.join(r.failures)} |"
        )
        if args.verbose:
            print("|  | | " + ", ".join(r.top) + " |")
    passed = sum(r.passed for r in cases)
    print(f"\ncases passed: {passed}/{len(cases)}\n")

    t0 = time.perf_counter()
    sweeps = [run_sweep(models[t]) for t in SHOE_TYPES]
    print("| sweep check (every question answered) | type | rate |")
    print("|---|---|---|")
    for check, shoe_type, rate in sweep_rows(sweeps):
        print(f"| {check} | {shoe_type} | {rate} |")
    print(
        f"\nsweep: {sum(s.questionnaires for s in sweeps)} questionnaires in {time.perf_counter() - t0:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
