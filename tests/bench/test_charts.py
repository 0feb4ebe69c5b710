"""bench/charts.py: the series each chart plots, read from small hand-made results, and the PNGs
written (atomically) for the README; a missing input skips its chart and says what produces it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from src.config import PROJECT_ROOT

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def charts() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_charts", PROJECT_ROOT / "bench" / "charts.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(rps: float, p50: float, p99: float) -> dict[str, object]:
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99}


HTTP = {
    "started_at": "2026-01-01 00:00 UTC",
    "machine": {"cpu_model": "AMD EPYC", "cores": 2},
    "settings": {"workers": 4, "connections": 64},
    "table": {
        "road": {"sqlite": run(100, 5, 9), "postgres": run(90, 6, 10), "ceiling": run(400, 1, 2)},
        "interact": {"sqlite": run(50, 20, 80), "ceiling": run(300, 2, 3)},
        "feed": {"sqlite": run(1, 1, 1)},  # no ceiling run: left out
    },
}
CF = {
    "machine": {"cpu": "AMD EPYC", "cores": 2},
    "results": [
        {"users": 100_000, "p50_ms": 2.5, "p99_ms": 3.5, "fit_s": 0.17},
        {"users": 10_000, "p50_ms": 1.1, "p99_ms": 1.5, "fit_s": 0.01},
    ],
}
LOCUST = (
    "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%\n"
    "100,0,,Aggregated,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n"
    "101,10,,Aggregated,12.5,0,4,6,18,29,49,52,55,55\n"
    "103,20,GET,/health,3,0,2,2,2,2,2,2,2,2\n"
    "104,20,,Aggregated,30,0,5,6,7,8,9,11,12,13\n"
)


def test_http_series_pairs_endpoints_present_in_both_targets(charts: ModuleType) -> None:
    s = charts.http_series(HTTP)
    assert s["labels"] == ["POST /recommend/road", "POST /interact"]  # README order; unpaired left out
    assert (s["rps"], s["ceiling_rps"]) == ([100, 50], [400, 300])
    assert (s["p50"], s["p99"], s["ceiling_p99"]) == ([5, 20], [9, 80], [2, 3])
    on_postgres = charts.http_series(HTTP, service="postgres")
    assert on_postgres["labels"] == ["POST /recommend/road"] and on_postgres["rps"] == [90]


def test_locust_series_uses_aggregated_rows_with_figures(charts: ModuleType) -> None:
    import csv
    import io

    s = charts.locust_series(list(csv.DictReader(io.StringIO(LOCUST))))
    assert s == {"t": [0.0, 3.0], "rps": [12.5, 30.0], "p50": [4.0, 5.0], "p95": [52.0, 11.0]}


def test_render_all_writes_pngs_and_skips_missing_inputs(
    charts: ModuleType, tmp_path: Path, content_artifacts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results, out = tmp_path / "results", tmp_path / "img"
    results.mkdir()
    (results / "http_bench.json").write_text(json.dumps(HTTP))
    (results / "cf_bench.json").write_text(json.dumps(CF))
    written = charts.render_all(results, content_artifacts, out)
    assert sorted(p.name for p in written) == ["cf_latency.png", "http_throughput.png", "training_curves.png"]
    for path in written:
        assert path.read_bytes().startswith(PNG_MAGIC)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)  # no temp files left
    assert "skip locust_timeline.png" in capsys.readouterr().out


def test_training_curves_come_from_valid_manifests_only(
    charts: ModuleType, tmp_path: Path, content_artifacts: Path
) -> None:
    import shutil

    artifacts = tmp_path / "artifacts"
    shutil.copytree(content_artifacts, artifacts)
    manifests = charts.newest_manifests(artifacts)
    assert set(manifests) == {"road", "trail"}
    newest_road = sorted((artifacts / "road").glob("v_*"))[-1]
    assert manifests["road"]["version"] == newest_road.name
    assert len(manifests["road"]["loss_history"]) == manifests["road"]["epochs"]
    (newest_road / "serving.npz").write_bytes(b"corrupt")  # checksum mismatch: never shown
    assert charts.newest_manifests(artifacts).get("road", {}).get("version") != newest_road.name
