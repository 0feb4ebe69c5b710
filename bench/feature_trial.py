"""Would an attribute from the original system's sheets help as an autoencoder input? Train with it.

    python bench/feature_trial.py --extra rocker,toebox_width --artifacts-dir /tmp/trial

Appends the named attribute columns (src.config.ATTRIBUTE_COLUMNS) to both feature lists for this
process only, fills a shoe's unknown value with the catalog median (0 when no shoe has one), trains
both content models (300 epochs, the shipped seed) into `--artifacts-dir` and prints the judge's
tables (`python -m bench.judge`) for them. Nothing is written to the catalog or model_artifacts.
An attribute only enters the model through the encoder's routing and the default list: no answer
sets a target on it. docs/catalog.md records what each trial measured.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from src.config import ATTRIBUTE_COLUMNS, ROAD_FEATURES, SHOE_TYPES, TRAIL_FEATURES


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--extra", required=True, help="comma-separated attribute columns")
    p.add_argument("--artifacts-dir", type=Path, required=True)
    p.add_argument("--epochs", type=int, default=None)
    args = p.parse_args(argv)
    extra = [c.strip() for c in args.extra.split(",") if c.strip()]
    unknown = [c for c in extra if c not in ATTRIBUTE_COLUMNS]
    if unknown:
        print(f"not attribute columns: {unknown} (choose from {ATTRIBUTE_COLUMNS})", file=sys.stderr)
        return 2
    from bench.judge.__main__ import main as judge_main
    from src.config import get_settings
    from src.training.training_engine import load_records, train

    catalogs = {shoe_type: load_records(shoe_type) for shoe_type in SHOE_TYPES}  # validated as shipped
    # then, in place: FEATURES and the answer mappings hold these very lists
    ROAD_FEATURES.extend(extra)
    TRAIL_FEATURES.extend(extra)
    for shoe_type, records in catalogs.items():
        for column in extra:
            known = [float(r[column]) for r in records if r.get(column) is not None]
            fill = float(np.median(known)) if known else 0.0
            for r in records:
                if r.get(column) is None:
                    r[column] = fill
        train(
            shoe_type,
            records,
            epochs=args.epochs or get_settings().train_epochs,
            seed=get_settings().train_seed,
            artifacts_dir=args.artifacts_dir,
            log=lambda _msg: None,
        )
    print(f"extra features: {', '.join(extra)}\n")
    return judge_main(["--artifacts-dir", str(args.artifacts_dir)])


if __name__ == "__main__":
    sys.exit(main())
