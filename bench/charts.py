"""PNG charts of the benchmark results and the content models' training curves, for the README.

    python bench/charts.py            # (make charts) reads bench/results/ and model_artifacts/,
                                      # writes docs/img/*.png

- `http_throughput.png`: requests/s and p50/p99 latency per endpoint, service vs ceiling
  (bench/results/http_bench.json, from `make bench-http`);
- `cf_latency.png`: CF recommend latency (p50, p99) and fit time vs number of runners
  (bench/results/cf_bench.json, from `make bench-cf`);
- `locust_timeline.png`: the locust run's request rate and p50/p95 over time
  (bench/results/locust_stats_history.csv);
- `training_curves.png`: loss per epoch of the newest road and trail content models
  (their manifests' `loss_history`).

Each chart is written atomically (temporary file, then rename); a missing input skips its chart
with one line saying which command produces it. matplotlib is a training/dev dependency only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from src.artifacts import ArtifactError, list_versions, read_manifest  # noqa: E402

RESULTS = ROOT / "bench" / "results"
OUT = ROOT / "docs" / "img"
ENDPOINTS = (("road", "POST /recommend/road"), ("trail", "POST /recommend/trail"), ("feed", "GET /recommend/feed"),
             ("health", "GET /health"), ("interact", "POST /interact"), ("mixed", "mixed"))  # fmt: skip
SERVICE, CEILING = "#4338ca", "#9aa0ad"


def http_series(bench: dict[str, Any], service: str = "sqlite") -> dict[str, list[Any]]:
    """Per workload measured on both `service` (a bench-http target: sqlite or postgres) and the
    ceiling: labels, rps and p50/p99 ms of each, from the benchmark's summary table."""
    out: dict[str, list[Any]] = {
        k: [] for k in ("labels", "rps", "ceiling_rps", "p50", "p99", "ceiling_p50", "ceiling_p99")
    }
    table = bench["table"]
    for key, label in ENDPOINTS:
        row = table.get(key, {})
        ours, ceiling = row.get(service), row.get("ceiling")
        if ours and ceiling and ours.get("rps") and ceiling.get("rps"):
            out["labels"].append(label)
            out["rps"].append(ours["rps"])
            out["ceiling_rps"].append(ceiling["rps"])
            for q in ("p50", "p99"):
                out[q].append(ours[f"{q}_ms"])
                out[f"ceiling_{q}"].append(ceiling[f"{q}_ms"])
    return out


def http_chart(bench: dict[str, Any]) -> Figure:
    s = http_series(bench)
    x = range(len(s["labels"]))
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
    w = 0.38
    left.bar([i - w / 2 for i in x], s["rps"], w, label="service (embedded SQLite)", color=SERVICE)
    left.bar([i + w / 2 for i in x], s["ceiling_rps"], w, label="ceiling (constant responses)", color=CEILING)
    left.set(title="Throughput (requests/s, higher is better)", xticks=list(x))
    left.set_xticklabels(s["labels"], rotation=20, ha="right")
    left.legend()
    for offset, q, hatch in ((-w / 2, "p50", ""), (w / 2, "p99", "//")):
        right.bar([i + offset for i in x], s[q], w, color=SERVICE, hatch=hatch, label=f"service {q}")
        right.scatter([i + offset for i in x], s[f"ceiling_{q}"], color="black", marker="_", s=300,
                      zorder=3, label=f"ceiling {q}")  # fmt: skip
    right.set(title="Latency (ms, lower is better)", xticks=list(x))
    right.set_xticklabels(s["labels"], rotation=20, ha="right")
    right.legend(fontsize=8)
    m = bench.get("machine", {})
    fig.suptitle(
        f"HTTP benchmark {bench.get('started_at', '')}: {m.get('cpu_model', '?')}, {m.get('cores', '?')} cores, "
        f"{bench.get('settings', {}).get('workers', '?')} workers, wrk {bench.get('settings', {}).get('connections', '?')} connections"
    )
    fig.tight_layout()
    return fig


def cf_chart(bench: dict[str, Any]) -> Figure:
    rows = sorted(bench["results"], key=lambda r: r["users"])
    users = [r["users"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(users, [r["p50_ms"] for r in rows], "o-", color=SERVICE, label="p50")
    left.plot(users, [r["p99_ms"] for r in rows], "s--", color="#db2777", label="p99")
    left.set(xscale="log", xlabel="runners", ylabel="ms per feed", title="CF recommend latency vs runners")
    left.legend()
    right.plot(users, [r["fit_s"] for r in rows], "o-", color=SERVICE)
    right.set(
        xscale="log", yscale="log", xlabel="runners", ylabel="seconds", title="Full fit time vs runners"
    )
    m = bench.get("machine", {})
    fig.suptitle(f"CF engine benchmark: {m.get('cpu', '?')}, {m.get('cores', '?')} cores")
    fig.tight_layout()
    return fig


def locust_series(rows: Sequence[dict[str, str]]) -> dict[str, list[float]]:
    """Seconds since start, req/s, p50 and p95 ms of the Aggregated rows (N/A rows skipped)."""
    agg = [r for r in rows if r.get("Name") == "Aggregated" and r.get("50%") not in (None, "N/A")]
    if not agg:
        return {"t": [], "rps": [], "p50": [], "p95": []}
    t0 = float(agg[0]["Timestamp"])
    return {
        "t": [float(r["Timestamp"]) - t0 for r in agg],
        "rps": [float(r["Requests/s"]) for r in agg],
        "p50": [float(r["50%"]) for r in agg],
        "p95": [float(r["95%"]) for r in agg],
    }


def locust_chart(rows: Sequence[dict[str, str]]) -> Figure:
    s = locust_series(rows)
    fig, left = plt.subplots(figsize=(9, 3.6))
    left.plot(s["t"], s["rps"], color=SERVICE, label="requests/s")
    left.set(xlabel="seconds", ylabel="requests/s", title="Locust run: request rate and latency over time")
    right = left.twinx()
    right.plot(s["t"], s["p50"], color="#16a34a", label="p50 ms")
    right.plot(s["t"], s["p95"], color="#db2777", label="p95 ms")
    right.set_ylabel("ms")
    handles = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    left.legend(handles, [str(h.get_label()) for h in handles], loc="lower right")
    fig.tight_layout()
    return fig


def training_chart(histories: dict[str, dict[str, Any]]) -> Figure:
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for shoe_type, manifest in histories.items():
        loss = manifest["loss_history"]
        ax.plot(range(1, len(loss) + 1), loss, label=f"{shoe_type} ({manifest.get('version', '')})")
    ax.set(yscale="log", xlabel="epoch", ylabel="MSE loss", title="Content autoencoders: training loss")
    ax.legend()
    fig.tight_layout()
    return fig


def newest_manifests(artifacts_dir: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for shoe_type in ("road", "trail"):
        for version_dir in list_versions(artifacts_dir / shoe_type):
            try:
                manifest = read_manifest(version_dir)
            except ArtifactError:
                continue  # a corrupt version is never shown, as it is never served
            if manifest.get("loss_history"):
                out[shoe_type] = {**manifest, "version": version_dir.name}
                break
    return out


def save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)
    os.replace(tmp, path)
    return path


def render_all(results: Path, artifacts: Path, out: Path) -> list[Path]:
    written: list[Path] = []
    http = results / "http_bench.json"
    if http.is_file():
        written.append(save(http_chart(json.loads(http.read_text())), out / "http_throughput.png"))
    else:
        print(f"skip http_throughput.png: no {http} (make bench-http)")
    cf = results / "cf_bench.json"
    if cf.is_file():
        written.append(save(cf_chart(json.loads(cf.read_text())), out / "cf_latency.png"))
    else:
        print(f"skip cf_latency.png: no {cf} (make bench-cf)")
    history = results / "locust_stats_history.csv"
    if history.is_file():
        with history.open(newline="") as fh:
            written.append(save(locust_chart(list(csv.DictReader(fh))), out / "locust_timeline.png"))
    else:
        print(f"skip locust_timeline.png: no {history} (the load test in docs/operations.md)")
    manifests = newest_manifests(artifacts)
    if manifests:
        written.append(save(training_chart(manifests), out / "training_curves.png"))
    else:
        print(f"skip training_curves.png: no trained content model in {artifacts} (make train)")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the README's charts")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--artifacts", type=Path, default=ROOT / "model_artifacts")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    for path in render_all(args.results, args.artifacts, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
