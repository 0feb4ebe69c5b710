"""HTTP benchmark: the service as the README runs it vs. a constant-response FastAPI ceiling.

    .venv/bin/python bench/http_bench.py                 # make bench-http
    .venv/bin/python bench/http_bench.py --workers 2 --duration 10 --connections 32

What it does, in one run, loopback only, bounded in time:
 1. Makes sure wrk is installed (apt-get install wrk if missing) and that trained content
    artifacts exist (if model_artifacts/ has none: `python -m src.training.training_engine --type all
    --fast`, and says so). They are copied into a fresh temporary ARTIFACTS_DIR, next to a fresh
    embedded SQLite store, so every run starts from the same state (demo data, no CF snapshot).
 2. Starts the service exactly as the README does, `python -m src.main` (gunicorn + uvicorn workers,
    default settings except HOST=127.0.0.1, a free PORT, --workers), and times process start ->
    first successful GET /health (cold: seeds the store and builds the first CF snapshot). Measures
    the real response sizes. Runs the workloads (below), reads every gunicorn worker's peak RSS
    (VmHWM), stops it, then starts it again on the same store to time a warm start.
 3. Starts bench/ceiling_app.py under gunicorn with the same worker class, worker count, bind,
    keep-alive and timeouts, with its payloads fitted to the service's measured response sizes,
    and runs the same workloads.
 4. Prints and writes bench/results/http_bench.md and .json.

Workloads (wrk + bench/load.lua, each after a short warm-up run at the same settings):
  mixed     POST /interact x3, GET /recommend/feed/{user_id} x1, GET /health x1 (the locust mix)
  interact, feed, health, road   each endpoint alone, same connections and duration
wrk reports latency over a whole run only, and its Lua hooks cannot tell which request a response
answers, so per-endpoint percentiles come from the endpoint-alone runs; the mixed run gives the
overall throughput, errors and percentiles (and the per-endpoint counts of requests issued).
The load generator shares the machine's cores with the servers: it runs with 1 thread by default.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
LUA = BENCH_DIR / "load.lua"
# Read-only workloads first, writes last: a write-heavy run leaves continuous-training rebuilds
# behind, and every run first waits for the server to go idle (settle_s in the results).
WORKLOADS = ("road", "health", "feed", "mixed", "interact")
ALONE = ("interact", "feed", "health", "road")
ENDPOINT_OF = {
    "interact": "POST /interact",
    "feed": "GET /recommend/feed/{user_id}",
    "health": "GET /health",
    "road": "POST /recommend/road",
}
TARGETS = {"mixed_rps_ratio": 0.5, "mixed_p99_ratio": 3.0, "road_rps_ratio": 0.6}
STRIP_ENV = ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR")


def say(msg: str) -> None:
    print(f"[http_bench] {msg}", flush=True)


# --- setup -----------------------------------------------------------------------------------


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    say("wrk not found: installing it with apt-get (Debian package wrk)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True)
    path = shutil.which("wrk")
    if not path:
        sys.exit("http_bench: wrk is still missing after apt-get install wrk")
    return path


def ensure_artifacts(artifacts_dir: Path) -> str:
    """Trained content artifacts in `artifacts_dir`; trains them (--fast) if there are none."""
    sys.path.insert(0, str(PROJECT_ROOT))
    from src.recommender.content_based import has_valid_artifacts

    missing = [t for t in ("road", "trail") if not has_valid_artifacts(artifacts_dir, t)]
    if not missing:
        epochs = []
        for shoe_type in ("road", "trail"):
            manifests = sorted((artifacts_dir / shoe_type).glob("v_*/manifest.json"))
            if manifests:
                epochs.append(str(json.loads(manifests[-1].read_text()).get("epochs", "?")))
        return f"present in {artifacts_dir} ({'/'.join(epochs)} epochs)"
    cmd = [
        sys.executable, "-m", "src.training.training_engine", "--type", "all", "--fast",
        "--artifacts-dir", str(artifacts_dir),
    ]  # fmt: skip
    say(f"no trained {'/'.join(missing)} artifacts in {artifacts_dir}: running {' '.join(cmd[1:])}")
    subprocess.run(cmd, cwd=PROJECT_ROOT, check=True)
    return f"trained now with --fast into {artifacts_dir}"


def shoe_ids() -> list[str]:
    ids: list[str] = []
    for name in ("road_dataset.csv", "trail_dataset.csv"):
        with (PROJECT_ROOT / "data" / name).open(newline="", encoding="utf-8") as fh:
            ids.extend(r["shoe_id"] for r in csv.DictReader(fh) if r.get("shoe_id"))
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine_info(wrk: str) -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.splitlines()
    return {
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": wrk_version[0].split(" Copyright")[0].strip() if wrk_version else "?",
        "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
    }


# --- processes -------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    base: str
    log_path: Path
    started_at: float
    startup_s: float | None = None
    ready_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def log_tail(self, n: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""


def spawn(name: str, cmd: list[str], env: dict[str, str], port: int, log_path: Path) -> Server:
    log = log_path.open("wb")
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    return Server(name, proc, f"http://127.0.0.1:{port}", log_path, started)


def wait_up(server: Server, timeout_s: float) -> None:
    """Time to the first 200 from /health (startup_s) and from /health/ready (ready_s)."""
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=2.0) as client:
        for path, attr in (("/health", "startup_s"), ("/health/ready", "ready_s")):
            while True:
                if server.proc.poll() is not None:
                    sys.exit(
                        f"http_bench: {server.name} exited ({server.proc.returncode}):\n{server.log_tail()}"
                    )
                if time.monotonic() > deadline:
                    stop(server)
                    sys.exit(f"http_bench: {server.name} not up after {timeout_s:.0f}s:\n{server.log_tail()}")
                try:
                    if client.get(server.base + path).status_code == 200:
                        setattr(server, attr, round(time.perf_counter() - server.started_at, 2))
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)


def stop(server: Server) -> None:
    if server.proc.poll() is not None:
        return
    try:
        os.killpg(server.proc.pid, signal.SIGTERM)
        server.proc.wait(timeout=40)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)


def _status_kib(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return sorted(out)


def memory(server: Server) -> dict[str, Any]:
    """Peak RSS (VmHWM) of the gunicorn master and of each worker (its children), in MiB."""
    master = server.proc.pid
    workers = children(master)

    def mib(kib: int | None) -> float | None:
        return round(kib / 1024, 1) if kib is not None else None

    per_worker = {str(p): mib(_status_kib(p, "VmHWM")) for p in workers}
    values = [v for v in per_worker.values() if v is not None]
    return {
        "master_pid": master,
        "master_peak_rss_mib": mib(_status_kib(master, "VmHWM")),
        "workers_peak_rss_mib": per_worker,
        "worker_peak_rss_max_mib": max(values) if values else None,
        "worker_peak_rss_mean_mib": round(sum(values) / len(values), 1) if values else None,
        "workers_current_rss_mib": {str(p): mib(_status_kib(p, "VmRSS")) for p in workers},
    }


# --- requests --------------------------------------------------------------------------------


def response_sizes(base: str) -> dict[str, int]:
    """Bytes of one real response per endpoint (all must be 200)."""
    checks = {
        "interact": ("POST", "/interact", {"user_id": 1, "shoe_id": "R001", "action_type": "like"}),
        "feed": ("GET", "/recommend/feed/1", None),
        "health": ("GET", "/health", None),
        "road": (
            "POST",
            "/recommend/road",
            {"pace": "Steady", "foot_width": "Wide", "running_purpose": "Daily"},
        ),
    }
    sizes = {}
    with httpx.Client(base_url=base, timeout=10) as client:
        for key, (method, path, body) in checks.items():
            resp = client.request(method, path, json=body)
            if resp.status_code != 200:
                sys.exit(f"http_bench: {method} {path} -> {resp.status_code}: {resp.text[:300]}")
            sizes[key] = len(resp.content)
    return sizes


def run_wrk(
    wrk: str, base: str, mode: str, seconds: float, args: argparse.Namespace, ids_file: Path
) -> dict[str, Any]:
    cmd = [
        wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{max(1, round(seconds))}s",
        f"--timeout={args.timeout}s", "-s", str(LUA), base, "--", mode, str(ids_file), str(args.demo_users),
    ]  # fmt: skip
    load_before = os.getloadavg()[0]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        sys.exit(f"http_bench: wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    errors = raw["errors"]
    socket_errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    duration_s = raw["duration_us"] / 1e6
    lat = raw["latency_us"]
    return {
        "mode": mode,
        "requests": raw["requests"],
        "duration_s": round(duration_s, 2),
        "rps": round(raw["requests"] / duration_s, 1) if duration_s else 0.0,
        "errors": errors["status"] + socket_errors,
        "non_2xx": errors["status"],
        "socket_errors": errors,
        "latency_ms": {k: round(v / 1000, 2) for k, v in lat.items()},
        "issued": {k: v for k, v in raw["issued"].items() if v},
        "mbytes": round(raw["bytes"] / 1e6, 1),
        "loadavg_1m_before": round(load_before, 2),
    }


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def settle(server: Server, max_s: float, idle_share: float = 0.1) -> float:
    """Wait until the server (master + workers) uses < idle_share of one core over 1 s, so that work
    left over from the previous run (queued CT rebuilds) does not count against the next. Returns the
    seconds waited (max_s if it never went idle)."""
    started = time.monotonic()
    while time.monotonic() - started < max_s:
        pids = [server.proc.pid, *children(server.proc.pid)]
        before = cpu_seconds(pids)
        time.sleep(1.0)
        if cpu_seconds(pids) - before < idle_share:
            break
    return round(time.monotonic() - started, 1)


def run_workloads(wrk: str, server: Server, args: argparse.Namespace, ids_file: Path) -> dict[str, Any]:
    out = {}
    for mode in WORKLOADS:
        waited = settle(server, args.settle_max)
        if waited > 2.5:
            say(f"{server.name}: waited {waited}s for the server to go idle before the {mode} run")
        if args.warmup > 0:
            run_wrk(wrk, server.base, mode, args.warmup, args, ids_file)
        seconds = args.duration if mode == "mixed" else args.endpoint_duration
        result = run_wrk(wrk, server.base, mode, seconds, args, ids_file)
        result["settle_s"] = waited
        lat = result["latency_ms"]
        say(
            f"{server.name:8s} {mode:8s} {result['rps']:9.1f} rps  p50 {lat['p50']:7.2f}  p95 {lat['p95']:7.2f}  "
            f"p99 {lat['p99']:7.2f} ms  errors {result['errors']}"
        )
        out[mode] = result
    return out


def backlog_note(side: dict[str, Any]) -> str:
    runs = side["runs"]
    parts = [f"before the {m} run {runs[m]['settle_s']} s" for m in WORKLOADS if runs[m]["settle_s"] > 2.5]
    parts.append(f"after the last run {side['settle_after_s']} s")
    return "; ".join(parts)


# --- report ----------------------------------------------------------------------------------


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def compare(service: dict[str, Any], ceiling: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mode in WORKLOADS:
        s, c = service[mode], ceiling[mode]
        out[mode] = {
            "rps_ratio": ratio(s["rps"], c["rps"]),
            "p50_ratio": ratio(s["latency_ms"]["p50"], c["latency_ms"]["p50"]),
            "p99_ratio": ratio(s["latency_ms"]["p99"], c["latency_ms"]["p99"]),
        }
    checks = {
        "mixed RPS >= 0.5x ceiling": (out["mixed"]["rps_ratio"] or 0) >= TARGETS["mixed_rps_ratio"],
        "mixed p99 <= 3x ceiling": (out["mixed"]["p99_ratio"] or 1e9) <= TARGETS["mixed_p99_ratio"],
        "mixed zero errors": service["mixed"]["errors"] == 0,
        "road RPS >= 0.6x ceiling": (out["road"]["rps_ratio"] or 0) >= TARGETS["road_rps_ratio"],
    }
    out["targets"] = {k: bool(v) for k, v in checks.items()}
    return out


def fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.2f}" if v < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def markdown(report: dict[str, Any]) -> str:
    m, s = report["machine"], report["settings"]
    svc, ceil, cmp_ = report["service"], report["ceiling"], report["comparison"]
    lines = [
        "# HTTP benchmark: service vs. constant-response ceiling",
        "",
        f"Run {report['started_at']} · `{report['command']}`",
        "",
        f"**Machine:** {m['cpu_model']}, {m['cores']} cores, {m['memory_gib']} GiB, kernel {m['kernel']}, "
        f"Python {m['python']}, {m['wrk']}.",
        f"**Settings:** gunicorn + `uvicorn.workers.UvicornWorker`, {s['workers']} workers (both targets), "
        f"wrk {s['threads']} thread(s), {s['connections']} connections, mixed run {s['duration_s']} s, "
        f"each endpoint alone {s['endpoint_duration_s']} s, {s['warmup_s']} s warm-up before every run, "
        f"wrk timeout {s['timeout_s']} s. The load generator shares the {m['cores']} cores with the server "
        "(hence 1 wrk thread), so absolute numbers are lower than on a dedicated client.",
        f"**Service:** `python -m src.main`, embedded SQLite store seeded with {s['demo_users']:,} demo runners "
        f"(fresh per run), content artifacts {report['artifacts']}, other settings at their defaults "
        "(CT_THRESHOLD=50, FEED_CACHE_TTL_S=60, LOG_LEVEL=INFO). "
        "**Ceiling:** `bench/ceiling_app.py` (prebuilt `Response` bytes, same routes and response sizes).",
        "",
        "## Mixed workload (POST /interact ×3, GET /recommend/feed/{user_id} ×1, GET /health ×1)",
        "",
        "| target | requests | errors | RPS | p50 ms | p95 ms | p99 ms | issued interact/feed/health |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, res in (("service", svc["runs"]["mixed"]), ("ceiling", ceil["runs"]["mixed"])):
        lat, iss = res["latency_ms"], res["issued"]
        lines.append(
            f"| {name} | {fmt(res['requests'])} | {fmt(res['errors'])} | {fmt(res['rps'])} | {fmt(lat['p50'])} | "
            f"{fmt(lat['p95'])} | {fmt(lat['p99'])} | "
            f"{iss.get('interact', 0):,}/{iss.get('feed', 0):,}/{iss.get('health', 0):,} |"
        )
    c = cmp_["mixed"]
    lines += [
        f"| **service/ceiling** | | | **{fmt(c['rps_ratio'])}×** | {fmt(c['p50_ratio'])}× | | "
        f"**{fmt(c['p99_ratio'])}×** | |",
        "",
        "Mixed-run percentiles are over all requests of the mix (wrk measures a run as a whole).",
        "",
        "## Each endpoint alone (same connections; gives the per-endpoint percentiles)",
        "",
        "| endpoint | target | bytes | requests | errors | RPS | p50 ms | p95 ms | p99 ms | RPS ratio | p99 ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode in ALONE:
        for name, side in (("service", svc), ("ceiling", ceil)):
            res = side["runs"][mode]
            lat = res["latency_ms"]
            last = (
                f"**{fmt(cmp_[mode]['rps_ratio'])}×** | {fmt(cmp_[mode]['p99_ratio'])}×"
                if name == "service"
                else " | "
            )
            lines.append(
                f"| {ENDPOINT_OF[mode]} | {name} | {fmt(side['response_bytes'].get(mode))} | "
                f"{fmt(res['requests'])} | {fmt(res['errors'])} | {fmt(res['rps'])} | {fmt(lat['p50'])} | "
                f"{fmt(lat['p95'])} | {fmt(lat['p99'])} | {last} |"
            )
    lines += ["", "## Targets", "", "| target | result |", "|---|---|"]
    for name, ok in cmp_["targets"].items():
        lines.append(f"| {name} | {'PASS' if ok else 'FAIL'} |")
    ms, mc = svc["memory"], ceil["memory"]
    lines += [
        "",
        "## Memory and start-up",
        "",
        "| | service | ceiling |",
        "|---|---:|---:|",
        f"| peak RSS per worker (VmHWM, max / mean MiB) | {fmt(ms['worker_peak_rss_max_mib'])} / "
        f"{fmt(ms['worker_peak_rss_mean_mib'])} | {fmt(mc['worker_peak_rss_max_mib'])} / "
        f"{fmt(mc['worker_peak_rss_mean_mib'])} |",
        f"| gunicorn master peak RSS (MiB) | {fmt(ms['master_peak_rss_mib'])} | {fmt(mc['master_peak_rss_mib'])} |",
        f"| process start → first 200 on /health, cold (s) | {fmt(svc['startup']['cold_health_s'])} | "
        f"{fmt(ceil['startup']['cold_health_s'])} |",
        f"| process start → first 200 on /health/ready, cold (s) | {fmt(svc['startup']['cold_ready_s'])} | "
        f"{fmt(ceil['startup']['cold_ready_s'])} |",
        f"| restart on the same store and snapshot → /health (s) | {fmt(svc['startup'].get('warm_health_s'))} | – |",
        "",
        "Cold start = artifacts present, fresh store: seeds the SQLite store with the demo runners and builds "
        "the first CF snapshot before the workers fork. VmHWM counts pages shared with the master "
        "(copy-on-write) in every worker, so the sum over workers overstates the total.",
        "",
        "Runs go read-only first (road, health, feed), then mixed, then interact; before each run the "
        "harness waits (up to --settle-max s) until the server uses < 10% of a core, so that work a "
        "previous run left behind (queued continuous-training rebuilds) is not billed to the next one. "
        f"Waits — service: {backlog_note(svc)}; ceiling: {backlog_note(ceil)}.",
        "",
        f"Machine load (1-min load average) when the benchmark started: {m['loadavg_1m_at_start']} "
        "(anything above ~0 means other processes shared the cores during the runs).",
        "",
    ]
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--workers", type=int, default=int(os.environ.get("WORKERS", 4)), help="default 4 (README)"
    )
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--threads", type=int, default=1, help="wrk threads (the generator shares the cores)")
    p.add_argument("--duration", type=float, default=20, help="seconds of the measured mixed run")
    p.add_argument("--endpoint-duration", type=float, default=None, help="seconds per endpoint-alone run")
    p.add_argument("--warmup", type=float, default=3, help="seconds of warm-up before each run")
    p.add_argument("--timeout", type=float, default=5, help="wrk request timeout (s)")
    p.add_argument("--settle-max", type=float, default=120, help="max seconds to wait for an idle server")
    p.add_argument("--demo-users", type=int, default=2000)
    p.add_argument("--artifacts-dir", type=Path, default=PROJECT_ROOT / "model_artifacts")
    p.add_argument("--only", choices=("service", "ceiling"), default=None, help="benchmark one target only")
    p.add_argument("--out", type=Path, default=RESULTS_DIR / "http_bench")
    p.add_argument("--startup-timeout", type=float, default=300)
    p.add_argument("--check", action="store_true", help="exit 1 when a README target is missed")
    args = p.parse_args(argv)
    if args.endpoint_duration is None:
        args.endpoint_duration = args.duration
    return args


def bench_service(
    wrk: str, args: argparse.Namespace, work: Path, artifacts: Path, ids_file: Path
) -> dict[str, Any]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in STRIP_ENV}
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        WORKERS=str(args.workers),
        ARTIFACTS_DIR=str(artifacts),
        SQLITE_PATH=str(work / "sonix_rush.sqlite3"),
        SEED_DEMO_INTERACTIONS="true",
        DEMO_USERS=str(args.demo_users),
    )
    cmd = [sys.executable, "-m", "src.main"]
    say(f"starting the service: {' '.join(cmd[1:])} (WORKERS={args.workers}, port {port})")
    server = spawn("service", cmd, env, port, work / "service.log")
    try:
        wait_up(server, args.startup_timeout)
        say(f"service up: /health after {server.startup_s}s, /health/ready after {server.ready_s}s")
        sizes = response_sizes(server.base)
        say(f"service response bytes: {sizes}")
        runs = run_workloads(wrk, server, args, ids_file)
        settle_after = settle(server, args.settle_max)
        say(f"service idle {settle_after}s after the last run")
        mem = memory(server)
    finally:
        stop(server)
    startup = {"cold_health_s": server.startup_s, "cold_ready_s": server.ready_s}
    # Warm restart: same store and CF snapshot (what a container restart looks like).
    again = spawn("service", cmd, env, port, work / "service-restart.log")
    try:
        wait_up(again, args.startup_timeout)
        startup.update(warm_health_s=again.startup_s, warm_ready_s=again.ready_s)
        say(f"service restart: /health after {again.startup_s}s")
    finally:
        stop(again)
    return {
        "runs": runs,
        "settle_after_s": settle_after,
        "memory": mem,
        "startup": startup,
        "response_bytes": sizes,
        "command": " ".join(cmd),
    }


def bench_ceiling(
    wrk: str, args: argparse.Namespace, work: Path, ids_file: Path, sizes: dict[str, int] | None
) -> dict[str, Any]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in STRIP_ENV}
    if sizes:
        env["CEILING_SIZES"] = json.dumps(sizes)
    # The service's gunicorn options (src/main.py serve()): same worker class, count, bind, timeouts.
    cmd = [
        sys.executable, "-m", "gunicorn", "bench.ceiling_app:app",
        "--worker-class", "uvicorn.workers.UvicornWorker", "--workers", str(args.workers),
        "--bind", f"127.0.0.1:{port}", "--keep-alive", "5", "--timeout", "60", "--graceful-timeout", "30",
        "--error-logfile", "-", "--log-level", "info",
    ]  # fmt: skip
    say(f"starting the ceiling: gunicorn bench.ceiling_app:app ({args.workers} workers, port {port})")
    server = spawn("ceiling", cmd, env, port, work / "ceiling.log")
    try:
        wait_up(server, 60)
        got = response_sizes(server.base)
        say(f"ceiling response bytes: {got}")
        runs = run_workloads(wrk, server, args, ids_file)
        settle_after = settle(server, args.settle_max)
        mem = memory(server)
    finally:
        stop(server)
    return {
        "runs": runs,
        "settle_after_s": settle_after,
        "memory": mem,
        "startup": {"cold_health_s": server.startup_s, "cold_ready_s": server.ready_s},
        "response_bytes": got,
        "command": " ".join(["gunicorn", *cmd[3:]]),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    wrk = ensure_wrk()
    artifacts_state = ensure_artifacts(args.artifacts_dir)
    work = Path(tempfile.mkdtemp(prefix="sonix-http-bench-"))
    artifacts = work / "artifacts"
    for shoe_type in ("road", "trail"):
        shutil.copytree(args.artifacts_dir / shoe_type, artifacts / shoe_type)
    ids_file = work / "shoe_ids.txt"
    ids_file.write_text("\n".join(shoe_ids()) + "\n")
    say(f"work dir {work}; artifacts: {artifacts_state}")

    report: dict[str, Any] = {
        "started_at": started_at,
        "command": " ".join(["python", "bench/http_bench.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine_info(wrk),
        "settings": {
            "workers": args.workers,
            "worker_class": "uvicorn.workers.UvicornWorker",
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
            "endpoint_duration_s": args.endpoint_duration,
            "warmup_s": args.warmup,
            "timeout_s": args.timeout,
            "demo_users": args.demo_users,
            "per_endpoint_latency": "each endpoint run alone with the same connections (wrk measures whole runs)",
        },
        "artifacts": artifacts_state,
    }
    try:
        if args.only != "ceiling":
            report["service"] = bench_service(wrk, args, work, artifacts, ids_file)
        if args.only != "service":
            sizes = report["service"]["response_bytes"] if "service" in report else None
            report["ceiling"] = bench_ceiling(wrk, args, work, ids_file, sizes)
    finally:
        say(f"server logs kept in {work}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    if "service" in report and "ceiling" in report:
        report["comparison"] = compare(report["service"]["runs"], report["ceiling"]["runs"])
        sb, cb = report["service"]["response_bytes"], report["ceiling"]["response_bytes"]
        report["comparison"]["response_size_ratio"] = {k: ratio(sb[k], cb[k]) for k in sb}
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    if "comparison" in report:
        md = markdown(report)
        args.out.with_suffix(".md").write_text(md)
        print("\n" + md)
    say(f"wrote {args.out.with_suffix('.json')}" + (" and .md" if "comparison" in report else ""))
    targets = report.get("comparison", {}).get("targets", {})
    return 1 if args.check and not all(targets.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
