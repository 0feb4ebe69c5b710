"""`python -m tests.faults [--full]`: run every fault scenario against real processes and print
the table the README shows. The quick run takes a few minutes; `--full` loads longer, kills more
often and stops PostgreSQL in all three ways."""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from tests.faults import scenarios
from tests.faults.pg_cluster import ThrowawayCluster, postgres_available
from tests.faults.small_disk import can_mount
from tests.plugins.content import train_content


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--full", action="store_true", help="the long run (all PostgreSQL faults, more kills)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sonix-faults-"))
    started = time.monotonic()
    results: list[scenarios.FaultResult] = []
    try:
        artifacts = train_content(work / "trained")
        kills, load_s = (6, 20.0) if args.full else (3, 6.0)
        results.append(scenarios.killed_workers(work / "kill", artifacts, seconds=load_s, kills=kills))
        print(scenarios.table(results[-1:]), flush=True)
        if postgres_available():
            cluster = ThrowawayCluster()
            cluster.start()
            try:
                for how in ("fast", "immediate") if args.full else ("immediate",):
                    results.append(
                        scenarios.postgres_outage(
                            work / f"pg-{how}", artifacts, cluster, how, 5.0 if args.full else 2.0
                        )
                    )
                    print(scenarios.table(results[-1:]), flush=True)
            finally:
                cluster.destroy()
        results.append(scenarios.corrupt_artifacts(work / "corrupt", artifacts))
        results.append(
            scenarios.slow_clients(work / "slow", artifacts, connections=1000 if args.full else 200)
        )
        if can_mount():
            results.append(scenarios.disk_full_rebuild(work / "disk", artifacts))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(scenarios.table(results))
    print(f"\n{len(results)} scenarios in {time.monotonic() - started:.0f} s")
    bad = [
        r
        for r in results
        if r.lost or r.duplicated or ((r.recovery_s or 0) > 2.0 and "PostgreSQL" in r.fault)
    ]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
