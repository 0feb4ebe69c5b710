"""HTTP benchmark: the service on both backends vs. the straightforward peer vs. a constant ceiling.

    .venv/bin/python bench/http_bench.py                 # make bench-http
    .venv/bin/python bench/http_bench.py --rounds 3 --duration 10 --connections 64

Four targets, all started once and kept up, measured in ONE run with the targets alternated
(every workload is run against each target in turn, round after round; a target's figure is its
best round), so that the noise of a shared machine hits them alike and the ratios stay meaningful:

  sqlite    the service as the README runs it, `python -m src.main`, on the embedded default store
            (a fresh SQLite file seeded with the demo runners)
  postgres  the same service on PostgreSQL: a throwaway database created here and dropped at exit
            (DATABASE_URL, SEED_DEMO_INTERACTIONS=true, so it holds the same demo runners)
  peer      ../shared/peer, the original design written straightforwardly (its README): its loader
            (re)creates a throwaway database from the sqlite target's fresh store, then its gunicorn
  ceiling   bench/ceiling_app.py: constant FastAPI app, orjson responses built once, with the
            service's measured response sizes

Each target runs gunicorn + `uvicorn.workers.UvicornWorker` with --workers (default 2) on loopback.

Workloads (wrk + bench/load.lua, 1 wrk thread, each after a short warm-up at the same settings):
  mixed     POST /interact x3, GET /recommend/feed/{user_id} x1, GET /health x1 (the original mix)
  road, trail, health, feed (warm: runners 1..--feed-users, all cached after the warm-up), interact
            each endpoint alone (the peer has no questionnaire endpoints)
wrk reports latency over a whole run only, so per-endpoint percentiles come from the endpoint-alone
runs. The load generator is wrk (Debian package `wrk`, installed with apt-get if missing): one
C thread with an event loop, which costs far less CPU per request than the servers it drives, so
it takes a small, equal share of the two cores from every target.

Before every run the harness waits until all four servers are idle (< 10 % of a core over 1 s), so
continuous-training rebuilds left by a write-heavy run are not billed to the next run.

Output: one table (RPS, ratio vs the ceiling, ratio vs the peer, p50/p99, errors) printed and
written to bench/results/http_bench.md and .json, with the machine named.
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
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
LUA = BENCH_DIR / "load.lua"
# ../shared/peer next to the checkout (or next to the folder holding a git worktree of it)
PEER_DIRS = (PROJECT_ROOT.parent / "shared" / "peer", PROJECT_ROOT.parent.parent / "shared" / "peer")
# Read-only workloads first, writes last (a write-heavy run leaves rebuilds behind).
WORKLOADS = ("road", "trail", "health", "feed", "mixed", "interact")
TARGET_NAMES = ("sqlite", "postgres", "peer", "ceiling")
SERVICES = ("sqlite", "postgres")
# --baseline DIR: the same service from an earlier checkout, in the same run (before/after figures)
BEFORE = {"sqlite": "sqlite-before", "postgres": "postgres-before"}
REPORT_ORDER = ("sqlite-before", "sqlite", "postgres-before", "postgres", "peer", "ceiling")
PEER_WORKLOADS = ("health", "feed", "mixed", "interact")
LABEL = {
    "sqlite": "this service, embedded SQLite",
    "postgres": "this service, **PostgreSQL**",
    "peer": "the straightforward peer (`../shared/peer`, PostgreSQL)",
    "ceiling": "constant FastAPI app (orjson responses built once)",
    "sqlite-before": "before (--baseline), embedded SQLite",
    "postgres-before": "before (--baseline), PostgreSQL",
}
WORKLOAD_LABEL = {
    "mixed": "mixed 3 interact : 1 feed : 1 health",
    "road": "`POST /recommend/road` alone",
    "trail": "`POST /recommend/trail` alone",
    "health": "`GET /health` alone",
    "feed": "`GET /recommend/feed/{id}` alone, warm (cache hits)",
    "interact": "`POST /interact` alone",
}
# Issue 16's targets: (workload, service target) -> minimum RPS ratio vs the ceiling.
CEILING_TARGETS = {
    ("mixed", "sqlite"): 0.15,
    ("mixed", "postgres"): 0.12,
    ("road", "sqlite"): 0.5,
    ("road", "postgres"): 0.5,
    ("trail", "sqlite"): 0.5,
    ("trail", "postgres"): 0.5,
    ("health", "sqlite"): 0.6,
    ("health", "postgres"): 0.6,
    ("feed", "sqlite"): 0.5,
    ("feed", "postgres"): 0.5,
    ("interact", "sqlite"): 0.2,
    ("interact", "postgres"): 0.2,
}
PEER_TARGET = 4.0  # mixed RPS vs the peer, both backends
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


def ensure_peer_python(python: Path, peer_dir: Path) -> Path:
    """The peer's own virtualenv (its README: a venv with ../shared/peer/requirements.txt)."""
    if python.exists():
        return python
    venv = python.parent.parent
    say(f"creating the peer's virtualenv {venv} from {peer_dir / 'requirements.txt'}")
    subprocess.run(["python3.11", "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", str(peer_dir / "requirements.txt")], check=True
    )
    return python


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
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
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


# --- throwaway PostgreSQL databases ----------------------------------------------------------


def pg_admin(server_dsn: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_dsn} dbname=postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def create_database(server_dsn: str, name: str) -> None:
    pg_admin(server_dsn, f'CREATE DATABASE "{name}"')


def url_of(server_dsn: str, db: str) -> str:
    parts = dict(kv.split("=", 1) for kv in server_dsn.split())
    return f"postgresql://{parts.get('user', 'postgres')}@{parts.get('host', '127.0.0.1')}:{parts.get('port', '5432')}/{db}"


def drop_database(server_dsn: str, name: str) -> None:
    try:
        pg_admin(server_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception as exc:  # a leftover database is reported, never fatal
        say(f"could not drop database {name}: {exc}")


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
    response_bytes: dict[str, int] = field(default_factory=dict)
    api_prefix: str = ""  # "/v1" for this service: its current paths (the unversioned ones are aliases)

    def log_tail(self, n: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""


def spawn(name: str, cmd: list[str], env: dict[str, str], port: int, log_path: Path, cwd: Path) -> Server:
    log = log_path.open("wb")
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    return Server(name, proc, f"http://127.0.0.1:{port}", log_path, started)


def wait_up(server: Server, timeout_s: float, ready_path: str | None = "/health/ready") -> None:
    """Time to the first 200 from /health (startup_s) and from the readiness path (ready_s)."""
    deadline = time.monotonic() + timeout_s
    paths = [("/health", "startup_s")] + ([(ready_path, "ready_s")] if ready_path else [])
    with httpx.Client(timeout=2.0) as client:
        for path, attr in paths:
            while True:
                if server.proc.poll() is not None:
                    raise RuntimeError(
                        f"{server.name} exited ({server.proc.returncode}):\n{server.log_tail()}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{server.name} not up after {timeout_s:.0f}s:\n{server.log_tail()}")
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


def process_tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out


def peak_rss_mib(server: Server) -> float | None:
    """The largest worker peak RSS (VmHWM) among the gunicorn master's children, in MiB."""
    values = []
    for pid in children(server.proc.pid):
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    values.append(int(line.split()[1]) / 1024)
    return round(max(values), 1) if values else None


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def settle(servers: list[Server], max_s: float, idle_share: float = 0.1) -> float:
    """Wait until all servers together use < idle_share of one core over 1 s. Returns seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < max_s:
        pids = [p for s in servers for p in process_tree(s.proc.pid)]
        before = cpu_seconds(pids)
        time.sleep(1.0)
        if cpu_seconds(pids) - before < idle_share:
            break
    return round(time.monotonic() - started, 1)


# --- targets ---------------------------------------------------------------------------------


def gunicorn_options(workers: int, port: int) -> list[str]:
    # The service's own gunicorn options (src/main.py serve()), so every target is served alike.
    return [
        "--worker-class", "uvicorn.workers.UvicornWorker", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}", "--keep-alive", "5", "--timeout", "60", "--graceful-timeout", "30",
        "--error-logfile", "-", "--log-level", "warning",
    ]  # fmt: skip


def start_service(
    name: str, args: argparse.Namespace, work: Path, extra_env: dict[str, str], root: Path = PROJECT_ROOT
) -> Server:
    port = free_port()
    artifacts = work / f"artifacts-{name}"
    for shoe_type in ("road", "trail"):
        shutil.copytree(args.artifacts_dir / shoe_type, artifacts / shoe_type)
    env = {k: v for k, v in os.environ.items() if k not in STRIP_ENV}
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        WORKERS=str(args.workers),
        ARTIFACTS_DIR=str(artifacts),
        SQLITE_PATH=str(work / f"{name}.sqlite3"),
        SEED_DEMO_INTERACTIONS="true",
        DEMO_USERS=str(args.demo_users),
        LOG_LEVEL="WARNING",
    )
    env.update(extra_env)
    say(f"starting {name}: python -m src.main in {root} (WORKERS={args.workers}, port {port})")
    server = spawn(name, [sys.executable, "-m", "src.main"], env, port, work / f"{name}.log", root)
    server.api_prefix = SERVICE_API_PREFIX
    wait_up(server, args.startup_timeout)
    return server


def start_peer(args: argparse.Namespace, work: Path, sqlite_store: Path, db: str) -> Server:
    peer_dir = args.peer_dir
    python = ensure_peer_python(args.peer_python, peer_dir)
    catalog = work / "peer-catalog.csv"
    load = [
        str(python), str(peer_dir / "load_peer_db.py"), "--sqlite", str(sqlite_store), "--server",
        args.pg_server, "--db", db, "--catalog-dir", str(PROJECT_ROOT / "data"), "--catalog-out", str(catalog),
    ]  # fmt: skip
    say(f"loading the peer's database {db} from {sqlite_store.name} (its loader)")
    subprocess.run(load, check=True, cwd=peer_dir, capture_output=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in STRIP_ENV}
    env.update(PEER_DSN=f"{args.pg_server} dbname={db}", PEER_CATALOG=str(catalog))
    cmd = [
        str(python),
        "-m",
        "gunicorn",
        "seed_app:app",
        *gunicorn_options(args.workers, port),
        "--no-control-socket",
    ]
    say(f"starting peer: gunicorn seed_app:app ({args.workers} workers, port {port})")
    server = spawn("peer", cmd, env, port, work / "peer.log", peer_dir)
    wait_up(server, args.startup_timeout, ready_path=None)
    return server


def start_ceiling(args: argparse.Namespace, work: Path, sizes: dict[str, int]) -> Server:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in STRIP_ENV}
    env["CEILING_SIZES"] = json.dumps(sizes)
    cmd = [sys.executable, "-m", "gunicorn", "bench.ceiling_app:app", *gunicorn_options(args.workers, port)]
    say(f"starting ceiling: gunicorn bench.ceiling_app:app ({args.workers} workers, port {port})")
    server = spawn("ceiling", cmd, env, port, work / "ceiling.log", PROJECT_ROOT)
    wait_up(server, 60)
    return server


# --- requests --------------------------------------------------------------------------------

SERVICE_API_PREFIX = "/v1"

SAMPLE_REQUESTS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "interact": ("POST", "/interact", {"user_id": 1, "shoe_id": "R001", "action_type": "like"}),
    "feed": ("GET", "/recommend/feed/1", None),
    "health": ("GET", "/health", None),
    "road": ("POST", "/recommend/road", {"pace": "Steady", "foot_width": "Wide", "running_purpose": "Daily"}),
    "trail": ("POST", "/recommend/trail", {"terrain": "Rocky", "foot_width": "Regular", "pace": "Easy"}),
}


def response_sizes(server: Server, endpoints: tuple[str, ...]) -> dict[str, int]:
    """Bytes of one real response per endpoint (each must be 200)."""
    sizes = {}
    with httpx.Client(base_url=server.base, timeout=10) as client:
        for key in endpoints:
            method, path, body = SAMPLE_REQUESTS[key]
            resp = client.request(method, server.api_prefix + path, json=body)
            if resp.status_code != 200:
                raise RuntimeError(f"{server.name}: {method} {path} -> {resp.status_code}: {resp.text[:300]}")
            sizes[key] = len(resp.content)
    return sizes


def run_wrk(
    wrk: str,
    base: str,
    mode: str,
    seconds: float,
    args: argparse.Namespace,
    ids_file: Path,
    prefix: str = "",
) -> dict[str, Any]:
    cmd = [
        wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{max(1, round(seconds))}s",
        f"--timeout={args.timeout}s", "-s", str(LUA), base, "--", mode, str(ids_file), str(args.demo_users),
        str(args.feed_users), prefix,
    ]  # fmt: skip
    load_before = os.getloadavg()[0]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    errors = raw["errors"]
    socket_errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    duration_s = raw["duration_us"] / 1e6
    return {
        "mode": mode,
        "requests": raw["requests"],
        "duration_s": round(duration_s, 2),
        "rps": round(raw["requests"] / duration_s, 1) if duration_s else 0.0,
        "errors": errors["status"] + socket_errors,
        "non_2xx": errors["status"],
        "socket_errors": errors,
        "latency_ms": {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()},
        "issued": {k: v for k, v in raw["issued"].items() if v},
        "loadavg_1m_before": round(load_before, 2),
    }


def applies(target: str, mode: str) -> bool:
    return target != "peer" or mode in PEER_WORKLOADS


def run_rounds(
    wrk: str, servers: dict[str, Server], args: argparse.Namespace, ids_file: Path
) -> dict[str, Any]:
    """Every workload against every target in turn; the order of targets rotates each round."""
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {t: {m: [] for m in WORKLOADS} for t in servers}
    names = list(servers)
    for rnd in range(args.rounds):
        order = names[rnd % len(names) :] + names[: rnd % len(names)]
        for mode in args.workloads:
            for target in order:
                if not applies(target, mode):
                    continue
                waited = settle(list(servers.values()), args.settle_max)
                if args.warmup > 0:
                    run_wrk(
                        wrk,
                        servers[target].base,
                        mode,
                        args.warmup,
                        args,
                        ids_file,
                        servers[target].api_prefix,
                    )
                res = run_wrk(
                    wrk, servers[target].base, mode, args.duration, args, ids_file, servers[target].api_prefix
                )
                res["round"], res["settle_s"] = rnd + 1, waited
                lat = res["latency_ms"]
                say(
                    f"round {rnd + 1} {mode:8s} {target:8s} {res['rps']:9.1f} rps  p50 {lat['p50']:7.2f}  "
                    f"p99 {lat['p99']:7.2f} ms  errors {res['errors']}  (settled {waited}s)"
                )
                runs[target][mode].append(res)
    return runs


def best(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    return max(results, key=lambda r: r["rps"]) if results else None


# --- report ----------------------------------------------------------------------------------


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def summarise(runs: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    table: dict[str, dict[str, Any]] = {}
    for mode in WORKLOADS:
        if not any(runs[t][mode] for t in runs):
            continue
        row: dict[str, Any] = {}
        ceiling = best(runs.get("ceiling", {}).get(mode, []))
        peer = best(runs.get("peer", {}).get(mode, []))
        for target in runs:
            b = best(runs[target][mode])
            if b is None:
                continue
            before = best(runs.get(BEFORE.get(target, ""), {}).get(mode, []))
            row[target] = {
                "vs_before": ratio(b["rps"], before["rps"]) if before else None,
                "rps": b["rps"],
                "p50_ms": b["latency_ms"]["p50"],
                "p99_ms": b["latency_ms"]["p99"],
                "errors": b["errors"],
                "errors_all_rounds": sum(r["errors"] for r in runs[target][mode]),
                "rps_all_rounds": [r["rps"] for r in runs[target][mode]],
                "vs_ceiling": ratio(b["rps"], ceiling["rps"]) if ceiling else None,
                "vs_peer": ratio(b["rps"], peer["rps"]) if peer else None,
            }
        table[mode] = row
    return table


def check_targets(table: dict[str, Any]) -> dict[str, bool | None]:
    out: dict[str, bool | None] = {}
    mixed = table.get("mixed", {})
    for svc in SERVICES:
        if svc not in mixed:
            continue
        s = mixed[svc]
        out[f"mixed {svc} >= {PEER_TARGET:g}x the peer"] = (
            s["vs_peer"] >= PEER_TARGET if s["vs_peer"] is not None else None
        )
        if "peer" in mixed:
            out[f"mixed {svc} p99 <= the peer's"] = s["p99_ms"] <= mixed["peer"]["p99_ms"]
        out[f"mixed {svc} zero errors"] = s["errors_all_rounds"] == 0
    for (mode, svc), minimum in CEILING_TARGETS.items():
        s = table.get(mode, {}).get(svc)
        if s is not None:
            out[f"{mode} {svc} >= {minimum:g}x the ceiling"] = (
                s["vs_ceiling"] >= minimum if s["vs_ceiling"] is not None else None
            )
    return out


def fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.3f}" if v < 10 else (f"{v:,.1f}" if v < 100 else f"{v:,.0f}")
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def markdown(report: dict[str, Any]) -> str:
    m, s = report["machine"], report["settings"]
    table, targets = report["table"], report["targets"]
    lines = [
        "# HTTP benchmark: service (SQLite, PostgreSQL) vs. the peer vs. the ceiling",
        "",
        f"Run {report['started_at']} · `{report['command']}`",
        "",
        f"**Machine:** {m['cpu_model']}, {m['cores']} cores, {m['memory_gib']} GiB, kernel {m['kernel']}, "
        f"Python {m['python']}, {m['wrk']}; 1-min load average {m['loadavg_1m_at_start']} at the start "
        f"(the machine is shared: other work ran during the benchmark, so absolute numbers are noisy; "
        "the ratios come from one run with the targets alternated).",
        f"**Settings:** every target gunicorn + `uvicorn.workers.UvicornWorker`, {s['workers']} workers; "
        f"wrk {s['threads']} thread, {s['connections']} connections, {s['duration_s']} s per run after "
        f"{s['warmup_s']} s warm-up, {s['rounds']} round(s) alternating targets, best round shown; "
        f"warm feed = runners 1..{s['feed_users']}.",
        "",
        "| workload | target | RPS | vs ceiling | vs peer | vs before | p50 / p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for mode in table:
        for target in REPORT_ORDER:
            r = table[mode].get(target)
            if r is None:
                continue
            lines.append(
                f"| {WORKLOAD_LABEL[mode]} | {LABEL[target]} | {r['rps']:,.0f} | {fmt(r['vs_ceiling'])} | "
                f"{fmt(r['vs_peer'])} | {fmt(r['vs_before'])} | {r['p50_ms']:.1f} / {r['p99_ms']:.1f} | {r['errors_all_rounds']} |"
            )
    lines += ["", "## Targets (issue 16)", "", "| target | result |", "|---|---|"]
    for name, ok in targets.items():
        lines.append(f"| {name} | {'–' if ok is None else ('PASS' if ok else 'FAIL')} |")
    lines += [
        "",
        "## Per target",
        "",
        "| target | start → /health s | peak RSS per worker MiB | response bytes |",
        "|---|---:|---:|---|",
    ]
    for name, info in report["servers"].items():
        lines.append(
            f"| {name} | {fmt(info['startup_s'])} | {fmt(info['peak_rss_mib'])} | "
            + ", ".join(f"{k} {v}" for k, v in info["response_bytes"].items())
            + " |"
        )
    lines += [
        "",
        "Errors count every round (non-2xx + socket errors). Before every run the harness waited until "
        "all servers were idle, so continuous-training rebuilds left by one run are not billed to the next.",
        "",
    ]
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers of every target (default 2)")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--threads", type=int, default=1, help="wrk threads (the generator shares the cores)")
    p.add_argument("--duration", type=float, default=10, help="seconds of each measured run")
    p.add_argument("--warmup", type=float, default=2, help="seconds of warm-up before each run")
    p.add_argument("--rounds", type=int, default=1, help="rounds of alternating runs; best round shown")
    p.add_argument("--timeout", type=float, default=5, help="wrk request timeout (s)")
    p.add_argument("--settle-max", type=float, default=60, help="max seconds to wait for idle servers")
    p.add_argument("--demo-users", type=int, default=2000)
    p.add_argument("--feed-users", type=int, default=200, help="runners 1..N in the warm-feed run")
    p.add_argument("--targets", default=",".join(TARGET_NAMES), help="comma-separated subset of targets")
    p.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated subset of workloads")
    p.add_argument(
        "--pg-server", default="host=127.0.0.1 port=5432 user=postgres", help="libpq DSN, no dbname"
    )
    p.add_argument(
        "--peer-python",
        type=Path,
        default=Path(os.environ.get("PEER_PYTHON", "/tmp/peer-venv/bin/python")),
        help="python of the peer's virtualenv (created from its requirements.txt if missing)",
    )
    p.add_argument(
        "--peer-dir",
        type=Path,
        default=next((d for d in PEER_DIRS if d.is_dir()), PEER_DIRS[0]),
        help="the peer's folder (default ../shared/peer)",
    )
    p.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="an earlier checkout (git archive COMMIT | tar -x -C DIR): also run it on both backends",
    )
    p.add_argument("--artifacts-dir", type=Path, default=PROJECT_ROOT / "model_artifacts")
    p.add_argument("--out", type=Path, default=RESULTS_DIR / "http_bench")
    p.add_argument("--startup-timeout", type=float, default=300)
    p.add_argument("--check", action="store_true", help="exit 1 when an issue-16 target is missed")
    args = p.parse_args(argv)
    args.targets = [t for t in args.targets.split(",") if t]
    asked = {w for w in args.workloads.split(",") if w}
    if not asked or asked - set(WORKLOADS):
        p.error(f"--workloads: unknown {sorted(asked - set(WORKLOADS))}; choose from {', '.join(WORKLOADS)}")
    args.workloads = [w for w in WORKLOADS if w in asked]
    unknown = set(args.targets) - set(TARGET_NAMES)
    if unknown:
        p.error(f"--targets: unknown {sorted(unknown)}; choose from {', '.join(TARGET_NAMES)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    wrk = ensure_wrk()
    artifacts_state = ensure_artifacts(args.artifacts_dir)
    work = Path(tempfile.mkdtemp(prefix="sonix-http-bench-"))
    ids_file = work / "shoe_ids.txt"
    ids_file.write_text("\n".join(shoe_ids()) + "\n")
    say(f"work dir {work}; artifacts: {artifacts_state}")
    tag = uuid.uuid4().hex[:8]
    databases: list[str] = []
    servers: dict[str, Server] = {}
    report: dict[str, Any] = {
        "started_at": started_at,
        "command": " ".join(["python", "bench/http_bench.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine_info(wrk),
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "rounds": args.rounds,
            "timeout_s": args.timeout,
            "demo_users": args.demo_users,
            "feed_users": args.feed_users,
            "load_generator": "wrk, 1 thread, bench/load.lua",
        },
        "artifacts": artifacts_state,
    }
    try:
        # The sqlite target first: its fresh store is what the peer's loader reads.
        if "sqlite" in args.targets or "peer" in args.targets:
            servers["sqlite"] = start_service("sqlite", args, work, {})
        if "postgres" in args.targets:
            db = f"sonix_bench_{tag}"
            create_database(args.pg_server, db)
            databases.append(db)
            url = url_of(args.pg_server, db)
            servers["postgres"] = start_service("postgres", args, work, {"DATABASE_URL": url})
        if args.baseline is not None and "sqlite" in args.targets:
            servers["sqlite-before"] = start_service("sqlite-before", args, work, {}, root=args.baseline)
        if args.baseline is not None and "postgres" in args.targets:
            db = f"sonix_bench_before_{tag}"
            create_database(args.pg_server, db)
            databases.append(db)
            servers["postgres-before"] = start_service(
                "postgres-before",
                args,
                work,
                {"DATABASE_URL": url_of(args.pg_server, db)},
                root=args.baseline,
            )
        if "peer" in args.targets:
            db = f"peer_bench_{tag}"
            databases.append(db)
            servers["peer"] = start_peer(args, work, work / "sqlite.sqlite3", db)
        for name, server in servers.items():
            endpoints = ("interact", "feed", "health") if name == "peer" else tuple(SAMPLE_REQUESTS)
            server.response_bytes = response_sizes(server, endpoints)
        if "ceiling" in args.targets:
            reference = servers.get("sqlite") or servers.get("postgres")
            servers["ceiling"] = start_ceiling(args, work, reference.response_bytes if reference else {})
            servers["ceiling"].response_bytes = response_sizes(servers["ceiling"], tuple(SAMPLE_REQUESTS))
        if "sqlite" not in args.targets and "sqlite" in servers:  # only needed to seed the peer
            stop(servers.pop("sqlite"))
        for name, server in servers.items():
            say(f"{name} up: /health after {server.startup_s}s; response bytes {server.response_bytes}")
        runs = run_rounds(wrk, servers, args, ids_file)
        report["servers"] = {
            name: {
                "startup_s": server.startup_s,
                "peak_rss_mib": peak_rss_mib(server),
                "response_bytes": server.response_bytes,
            }
            for name, server in servers.items()
        }
    finally:
        for server in servers.values():
            stop(server)
        for db in databases:
            drop_database(args.pg_server, db)
        say(f"server logs kept in {work}")

    report["runs"] = runs
    report["table"] = summarise(runs)
    report["targets"] = check_targets(report["table"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    md = markdown(report)
    args.out.with_suffix(".md").write_text(md)
    print("\n" + md)
    say(f"wrote {args.out.with_suffix('.json')} and .md")
    return 1 if args.check and not all(v for v in report["targets"].values() if v is not None) else 0


if __name__ == "__main__":
    sys.exit(main())
