"""How long from a CF version being published in the store to every worker of every replica serving it.

Starts N API replicas (`ROLE=api`, each with its own ARTIFACTS_DIR, W workers) on a throwaway
PostgreSQL database seeded with the demo runners, then plays the CT process in this process: each
round records CT_THRESHOLD new interactions, answers the claim with one rebuild (`CTLoop.step`),
notes the moment the version row committed, and polls the workers' heartbeats (each worker
records the version it serves right after swapping it in) until every worker of every replica
serves it. Prints the per-round lags and their median / p95 / max.

    .venv/bin/python bench/ct_sync_bench.py --replicas 2 --workers 2 --rounds 20 --poll 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from src.config import SHOE_TYPES, Settings  # noqa: E402
from src.recommender.content_based import has_valid_artifacts  # noqa: E402
from tests.plugins.service import free_port, service_env, started_service  # noqa: E402


def content_artifacts(path: Path, scratch: Path) -> Path:
    if all(has_valid_artifacts(path, t) for t in SHOE_TYPES):
        return path
    out = scratch / "content"
    print(f"no trained content models under {path}: training fast ones (30 epochs) into {out}", flush=True)
    cmd = [sys.executable, "-m", "src.training.training_engine", "--type", "all", "--epochs", "30"]
    subprocess.run([*cmd, "--artifacts-dir", str(out)], cwd=ROOT, check=True, capture_output=True)
    return out


def workers_serving(url: str, version_id: int) -> int:
    """API workers whose heartbeat says they serve `version_id` (each worker beats right after a swap,
    so this reads the moment without sending the replicas any extra requests)."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM serving_processes WHERE role = 'api' AND cf_version = %s", (version_id,)
        ).fetchone()
    return int(row[0]) if row else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--poll", type=float, default=2.0, help="SNAPSHOT_POLL_S of the replicas")
    parser.add_argument("--demo-users", type=int, default=2000)
    parser.add_argument("--content-artifacts", type=Path, default=ROOT / "model_artifacts")
    args = parser.parse_args()

    from src.ct.loop import CTLoop
    from src.store import create_store

    scratch = Path(tempfile.mkdtemp(prefix="sonix-ct-sync-"))
    dbname = f"sonix_ct_sync_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    url = args.admin_url.rsplit("/", 1)[0] + f"/{dbname}"
    content = content_artifacts(args.content_artifacts, scratch)
    common = {
        "DATABASE_URL": url,
        "HOST": "127.0.0.1",
        "ROLE": "api",
        "WORKERS": str(args.workers),
        "SEED_DEMO_INTERACTIONS": "true",
        "DEMO_USERS": str(args.demo_users),
        "SNAPSHOT_POLL_S": str(args.poll),
        "LOG_LEVEL": "WARNING",
    }
    settings = Settings(  # the CT side, in this process
        database_url=url,
        seed_demo_interactions=True,
        demo_users=args.demo_users,
        artifacts_dir=scratch / "ct",
        ct_min_interval_s=0,
        quality_gate_tolerance=1.0,
    )
    store = create_store(settings)
    store.init()
    loop = CTLoop(store, settings)
    loop.start()
    lags: list[float] = []
    replicas = ExitStack()  # each replica stopped whatever happens next
    try:
        for i in range(args.replicas):
            artifacts = scratch / f"replica-{i}"
            shutil.copytree(content, artifacts)
            env = service_env(**common, PORT=str(free_port()), ARTIFACTS_DIR=str(artifacts))
            replicas.enter_context(started_service(env, scratch / f"replica-{i}.log"))
        shoes = [s["shoe_id"] for s in store.all_shoes()]
        for r in range(args.rounds):
            for i in range(settings.ct_threshold):
                store.record_like(1_000_000 + r * 100 + i % 10, shoes[(r * 7 + i) % len(shoes)])
            result = loop.step()
            published_at = time.monotonic()
            assert result is not None and result.version, result
            version_id = store.ct_poll().version_id
            assert version_id is not None
            while workers_serving(url, version_id) < args.replicas * args.workers:
                time.sleep(0.01)
            lags.append(time.monotonic() - published_at)
            print(f"round {r + 1:3d}: {result.version} ({result.mode}, built in {result.duration_s:.2f} s) "
                  f"served everywhere after {lags[-1]:.3f} s", flush=True)  # fmt: skip
    finally:
        replicas.close()
        store.close()
        with psycopg.connect(args.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        shutil.rmtree(scratch, ignore_errors=True)
    lags.sort()
    p95 = lags[min(len(lags) - 1, round(0.95 * (len(lags) - 1)))]
    print(
        f"\n{args.replicas} replicas x {args.workers} workers, SNAPSHOT_POLL_S={args.poll}, "
        f"{args.demo_users} demo runners, {len(lags)} versions, {os.cpu_count()} CPUs: publish -> every "
        f"worker serving it: median {statistics.median(lags):.3f} s, p95 {p95:.3f} s, max {lags[-1]:.3f} s"
    )


if __name__ == "__main__":
    main()
