"""Soak benchmark: a steady mixed load for a long time, watching for decay.

    .venv/bin/python bench/soak.py                       # 10 minutes, 20 windows of 30 s
    .venv/bin/python bench/soak.py --minutes 2 --window 15
    .venv/bin/python bench/soak.py --mode realistic      # issue 21's realistic population

`--mode mixed` (the default) is the saturating stress test; `--mode realistic` keeps the mix's shape
(3 interact : 1 feed : 1 health) with a growing population (bench/load.lua: a quarter of the
interactions from runners new to the store, returning runners skewed to the heavy ones, shoes
Zipf-like over the whole catalog, feeds only for runners who acted) and is judged against issue
21: the last window >= 0.9x the first after the warm-up window(s), p99 within 1.5x of that first
window's, worker RSS growth <= 10 %.

The service is started as the README does (`python -m src.main`, fresh embedded store and a copy
of the trained artifacts, like bench/http_bench.py), then wrk runs the locust mix (POST /interact x3,
GET /recommend/feed x1, GET /health x1; bench/load.lua) once per window, back to back. After each
window it samples every worker's RSS, open file descriptors, and the store's size on disk.
Prints one row per window and a summary against the targets (last window within 10 % of the first,
no window below 80 % of the median, worker RSS flat after warm-up and <= 150 MiB), and writes
bench/results/soak.md, .json and .png (the chart).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.http_bench import (  # noqa: E402 - after the path set-up, as a script
    RESULTS_DIR,
    SERVICE_API_PREFIX,
    children,
    ensure_artifacts,
    ensure_wrk,
    free_port,
    machine_info,
    run_wrk,
    shoe_ids,
    spawn,
    stop,
    wait_up,
)

RSS_TARGET_MIB = 150


def open_fds(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def store_bytes(sqlite_path: Path) -> int:
    return sum(p.stat().st_size for p in sqlite_path.parent.glob(sqlite_path.name + "*") if p.is_file())


def _status_kib(pid: int, field: str) -> int | None:
    """A `/proc/<pid>/status` field in KiB (VmRSS, VmHWM), None if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _is_ct(pid: int) -> bool:
    try:
        return b"src.ct" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def sample(supervisor: int, sqlite_path: Path) -> dict[str, Any]:
    """`python -m src.main` (ROLE=all) supervises gunicorn's master, whose children are the API
    workers, and the CT process: the workers' RSS is what the per-worker target is about."""
    top = children(supervisor)
    ct = [p for p in top if _is_ct(p)]
    workers = [w for p in top if p not in ct for w in children(p)]
    rss = {p: (_status_kib(p, "VmRSS") or 0) / 1024 for p in workers}
    fds = {p: open_fds(p) or 0 for p in workers}
    return {
        "workers": len(workers),
        "worker_rss_mib": {str(p): round(v, 1) for p, v in rss.items()},
        "worker_rss_max_mib": round(max(rss.values(), default=0.0), 1),
        "ct_rss_mib": round(sum((_status_kib(p, "VmRSS") or 0) for p in ct) / 1024, 1),
        "worker_fds_max": max(fds.values(), default=0),
        # cumulative; the loop turns them into each window's share of one core
        "worker_cpu_s": round(sum(cpu_seconds(p) for p in workers), 2),
        "ct_cpu_s": round(sum(cpu_seconds(p) for p in ct), 2),
        "store_mib": round(store_bytes(sqlite_path) / 2**20, 2),
    }


def summarise(windows: list[dict[str, Any]], warmup_windows: int) -> dict[str, Any]:
    rps = [w["rps"] for w in windows]
    median = statistics.median(rps)
    after_warmup = windows[warmup_windows:] or windows
    rss_first, rss_last = after_warmup[0]["worker_rss_max_mib"], windows[-1]["worker_rss_max_mib"]
    return {
        "rps_first": rps[0],
        "rps_last": rps[-1],
        "last_vs_first": round(rps[-1] / rps[0], 3) if rps[0] else None,
        "rps_median": median,
        "rps_min": min(rps),
        "min_vs_median": round(min(rps) / median, 3) if median else None,
        "p99_ms_max": max(w["p99_ms"] for w in windows),
        "worker_rss_after_warmup_mib": rss_first,
        "worker_rss_last_mib": rss_last,
        "worker_rss_peak_mib": max(w["worker_rss_max_mib"] for w in windows),
        "rss_creep_mib": round(rss_last - rss_first, 1),
        "fds_first": windows[0]["worker_fds_max"],
        "fds_last": windows[-1]["worker_fds_max"],
        "store_mib_first": windows[0]["store_mib"],
        "store_mib_last": windows[-1]["store_mib"],
        "errors": sum(w["errors"] for w in windows),
        "issue21": _issue21(after_warmup),
        "targets": {
            "last_within_10pct_of_first": bool(rps[0]) and abs(rps[-1] / rps[0] - 1) <= 0.10,
            "no_window_below_80pct_of_median": min(rps) >= 0.8 * median,
            "worker_rss_le_150_mib": max(w["worker_rss_max_mib"] for w in windows) <= RSS_TARGET_MIB,
        },
    }


def _issue21(windows: list[dict[str, Any]]) -> dict[str, Any]:
    """Issue 21's sustained-load targets, measured from the first window after the warm-up."""
    first, last = windows[0], windows[-1]
    rps_ratio = last["rps"] / first["rps"] if first["rps"] else None
    p99_ratio = max(w["p99_ms"] for w in windows) / first["p99_ms"] if first["p99_ms"] else None
    rss0 = first["worker_rss_max_mib"]
    growth = (last["worker_rss_max_mib"] - rss0) / rss0 if rss0 else None
    return {
        "last_vs_first": None if rps_ratio is None else round(rps_ratio, 3),
        "p99_max_vs_first": None if p99_ratio is None else round(p99_ratio, 3),
        "worker_rss_growth": None if growth is None else round(growth, 3),
        "holds": {
            "last_ge_0.9x_first": rps_ratio is not None and rps_ratio >= 0.9,
            "p99_within_1.5x_first": p99_ratio is not None and p99_ratio <= 1.5,
            "worker_rss_growth_le_10pct": growth is not None and growth <= 0.10,
        },
    }


def chart(windows: list[dict[str, Any]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    t = [w["end_s"] / 60 for w in windows]
    fig, axes = plt.subplots(4, 1, figsize=(8, 9), sharex=True)
    axes[0].plot(t, [w["rps"] for w in windows], marker="o")
    axes[0].set_ylabel("requests/s")
    axes[1].plot(t, [w["p99_ms"] for w in windows], marker="o", color="tab:red")
    axes[1].set_ylabel("p99 ms")
    axes[2].plot(t, [w["worker_rss_max_mib"] for w in windows], marker="o", label="max worker RSS")
    axes[2].axhline(RSS_TARGET_MIB, linestyle="--", color="grey", label="target")
    axes[2].set_ylabel("MiB")
    axes[2].legend()
    axes[3].plot(t, [w["store_mib"] for w in windows], marker="o", color="tab:green", label="store MiB")
    axes[3].plot(t, [w["worker_fds_max"] for w in windows], marker="x", color="tab:purple", label="max fds")
    axes[3].legend()
    axes[3].set_xlabel("minutes")
    fig.suptitle("SONIX RUSH soak: mixed load (3 interact : 1 feed : 1 health)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def markdown(report: dict[str, Any]) -> str:
    s = report["summary"]
    lines = [
        f"# Soak: {report['minutes']:g} min, {report['workers']} workers, {report['connections']} connections",
        "",
        f"Machine: {report['machine'].get('cpu_model')}, {report['machine'].get('cores')} cores (shared).",
        "",
        "| window | end (s) | RPS | p99 ms | errors | max worker RSS MiB | max worker fds | store MiB"
        " | workers' CPU (cores) | CT CPU (cores) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for i, w in enumerate(report["windows"], 1):
        lines.append(
            f"| {i} | {w['end_s']:.0f} | {w['rps']:.0f} | {w['p99_ms']:.1f} | {w['errors']} |"
            f" {w['worker_rss_max_mib']} | {w['worker_fds_max']} | {w['store_mib']} |"
            f" {w.get('worker_cpu_cores', '')} | {w.get('ct_cpu_cores', '')} |"
        )
    lines += ["", "```", json.dumps(s, indent=2), "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=("mixed", "realistic"), default="mixed", help="see the docstring")
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--window", type=float, default=30.0, help="seconds per window")
    p.add_argument("--warmup-windows", type=int, default=1, help="windows before RSS is taken as settled")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--timeout", type=float, default=5)
    p.add_argument("--demo-users", type=int, default=2000)
    p.add_argument("--feed-users", type=int, default=200, help="runners 1..N whose feeds the mix reads")
    p.add_argument("--artifacts-dir", type=Path, default=PROJECT_ROOT / "model_artifacts")
    p.add_argument("--out", type=Path, default=None, help="default bench/results/soak[_realistic]")
    p.add_argument("--keep", action="store_true", help="keep the work directory (server log, store)")
    p.add_argument("--log-level", default="WARNING", help="the service's LOG_LEVEL")
    args = p.parse_args(argv)
    if args.out is None:
        args.out = RESULTS_DIR / ("soak" if args.mode == "mixed" else f"soak_{args.mode}")

    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="sonix-soak-"))
    artifacts = work / "artifacts"
    ensure_artifacts(args.artifacts_dir)
    shutil.copytree(args.artifacts_dir, artifacts, ignore=shutil.ignore_patterns("cf", "cf_host", ".*"))
    ids_file = work / "shoe_ids.txt"
    ids_file.write_text("\n".join(shoe_ids()) + "\n")
    sqlite_path = work / "store.sqlite3"
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY")},
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": str(args.workers),
        "SQLITE_PATH": str(sqlite_path),
        "ARTIFACTS_DIR": str(artifacts),
        "DEMO_USERS": str(args.demo_users),
        "LOG_LEVEL": args.log_level,
    }
    server = spawn(
        "service", [sys.executable, "-m", "src.main"], env, port, work / "server.log", PROJECT_ROOT
    )
    windows: list[dict[str, Any]] = []
    try:
        wait_up(server, 300)
        n = max(1, round(args.minutes * 60 / args.window))
        started = time.monotonic()
        print(
            "window  end_s     RPS   p99_ms  errors  rss_max_MiB  fds  store_MiB  workers_cpu  ct_cpu",
            flush=True,
        )
        before = sample(server.proc.pid, sqlite_path)
        for i in range(n):
            window_started = time.monotonic()
            run = run_wrk(wrk, server.base, args.mode, args.window, args, ids_file, SERVICE_API_PREFIX)
            w = {
                "end_s": round(time.monotonic() - started, 1),
                "rps": run["rps"],
                "p99_ms": run["latency_ms"].get("p99", run["latency_ms"].get("99", 0.0)),
                "errors": run["errors"],
                "issued": run["issued"],
                **sample(server.proc.pid, sqlite_path),
            }
            took = time.monotonic() - window_started
            for key in ("worker_cpu", "ct_cpu"):  # cores busy on average over the window
                w[f"{key}_cores"] = round((w[f"{key}_s"] - before[f"{key}_s"]) / took, 2)
            before = w
            windows.append(w)
            print(
                f"{i + 1:>6} {w['end_s']:>6.0f} {w['rps']:>7.0f} {w['p99_ms']:>8.1f} {w['errors']:>7}"
                f" {w['worker_rss_max_mib']:>12} {w['worker_fds_max']:>4} {w['store_mib']:>10}"
                f" {w['worker_cpu_cores']:>12} {w['ct_cpu_cores']:>7}",
                flush=True,
            )
    finally:
        stop(server)
    report = {
        "mode": args.mode,
        "minutes": args.minutes,
        "window_s": args.window,
        "workers": args.workers,
        "connections": args.connections,
        "machine": machine_info(wrk),
        "windows": windows,
        "summary": summarise(windows, args.warmup_windows),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=2))
    args.out.with_suffix(".md").write_text(markdown(report))
    drew = chart(windows, args.out.with_suffix(".png"))
    print(json.dumps(report["summary"], indent=2))
    print(f"wrote {args.out}.md/.json" + (" and .png" if drew else ""))
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
