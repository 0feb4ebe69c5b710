"""Per-request cost of the content-based recommender, without HTTP.

    python bench/content_bench.py [--n 20000] [--artifacts-dir DIR]

Times `ContentRecommender.recommend_json(answers)` = mapping (answers -> targets) + encode (NumPy)
+ route (K-Means clusters) + rank (masked similarity, must-haves, top 10) + JSON bytes, over many
random questionnaires (each question answered with probability 0.7). Uses the newest valid models
in the artifacts dir; if there are none, trains fast ones into a temp dir (in a subprocess, so
TensorFlow stays out of this process) and says so. BLAS is limited to one thread, as in a server
worker (several workers share the cores; threaded BLAS only adds overhead at these sizes).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from src.config import SHOE_TYPES, get_settings
from src.recommender.content_based import ContentRecommender, load_content_model


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__}"


def random_questionnaires(model: ContentRecommender, n: int, seed: int, p_answer: float = 0.7) -> list[dict]:
    rng = np.random.default_rng(seed)
    answers = model.mapping.answers
    return [
        {q: (str(rng.choice(opts)) if rng.random() < p_answer else None) for q, opts in answers.items()}
        for _ in range(n)
    ]


def time_requests(model: ContentRecommender, questionnaires: list[dict]) -> np.ndarray:
    for a in questionnaires[:500]:  # warm caches and branch predictors
        model.recommend_json(a)
    out = np.empty(len(questionnaires))
    clock = time.perf_counter_ns
    for i, a in enumerate(questionnaires):
        t0 = clock()
        model.recommend_json(a)
        out[i] = clock() - t0
    return out / 1e3


def load_or_train(artifacts_dir: Path) -> tuple[dict[str, ContentRecommender], str]:
    models = {t: load_content_model(artifacts_dir, t) for t in SHOE_TYPES}
    if all(m is not None for m in models.values()):
        return models, f"models from {artifacts_dir}"  # type: ignore[return-value]
    tmp = Path(tempfile.mkdtemp(prefix="content_bench_"))
    print(f"no trained models in {artifacts_dir}: training fast ones into {tmp} ...", flush=True)
    cmd = [
        sys.executable,
        "-m",
        "src.training.training_engine",
        "--type",
        "all",
        "--fast",
        "--artifacts-dir",
        str(tmp),
    ]
    subprocess.run(cmd, check=True, cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL)
    models = {t: load_content_model(tmp, t) for t in SHOE_TYPES}
    return models, f"FAST-trained models in {tmp} (no trained models were found)"  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--artifacts-dir", type=Path, default=get_settings().artifacts_dir)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    models, source = load_or_train(args.artifacts_dir)
    print(f"machine: {machine()}")
    print(f"using:   {source}")
    print(
        f"{'type':<6} {'version':<20} {'shoes':>5} {'requests':>8} {'median µs':>10} {'p99 µs':>8} {'empty µs':>9}"
    )
    with threadpool_limits(limits=1):
        for shoe_type, model in models.items():
            us = time_requests(model, random_questionnaires(model, args.n, args.seed))
            empty = time_requests(model, [{}] * 2000)
            print(
                f"{shoe_type:<6} {model.version:<20} {len(model.shoe_ids):>5} {args.n:>8} "
                f"{np.median(us):>10.1f} {np.percentile(us, 99):>8.1f} {np.median(empty):>9.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
