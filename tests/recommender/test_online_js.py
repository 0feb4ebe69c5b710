"""src/web/static/online.js renders the admin route's answer (node with a minimal fake DOM; the
page itself is wired at merge, so the browser test does not cover it yet)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from src.recommender.online_metrics import online_report
from tests.plugins.online import LIKES, LOG

ROOT = Path(__file__).resolve().parents[2]
SMOKE = Path(__file__).resolve().parent / "js" / "online_smoke.js"
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_online_js_draws_every_arm_the_verdict_and_the_history(tmp_path: Path) -> None:
    report = {
        "computed_at": "2026-12-04T21:00:00+00:00",
        "experiment": {"name": "cf-engine", "arms": [], "min_runners": 1},
        "window_days": 7.0,
        "impressions": len(LOG),
        **online_report(LOG, LIKES, catalog_size=10, min_runners=1),
    }
    older = {
        "computed_at": "2026-12-04T20:55:00+00:00",
        "arms": {"A": {"positive_feedback_rate": {"value": 0.2}}},
    }
    body = {"latest": report, "history": [older]}
    path = tmp_path / "response.json"
    path.write_text(json.dumps(body))
    out = subprocess.run(
        [NODE, str(SMOKE), str(ROOT / "src/web/static/online.js"), str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert "h2: Online metrics" in out
    assert "Experiment cf-engine, last 7 days" in out
    assert f"p: {report['comparison']['statement']}" in out
    assert "td: 40.0 % [" in out  # arm A's positive-feedback rate with its interval
    assert "td: road-1" in out  # the per-version table
    assert "polyline: " in out  # A's rate over time: 0.2 then 0.4
