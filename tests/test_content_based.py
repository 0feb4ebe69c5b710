"""Content-based ranking: centred similarity, routing and widening, default list, artifacts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import orjson
import pytest

from src.artifacts import list_versions
from src.recommender.content_based import (
    centred_match_scores,
    cluster_candidates,
    has_valid_artifacts,
    load_content_model,
    masked_cosine,
    match_scores,
    n_route,
    rank_top,
    route_clusters,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# --- pure functions --------------------------------------------------------------------------


def test_centring_separates_light_firm_from_heavy_soft() -> None:
    """Plain cosine on [0, 1] features calls a light+firm target identical to a heavy+soft shoe."""
    center = np.array([0.5, 0.5])  # (weight, softness), scaled
    target = np.array([0.1, 0.1])  # light and firm
    heavy_soft = np.array([[0.9, 0.9]])
    light_firm = np.array([[0.15, 0.05]])
    w = np.ones(2)
    assert masked_cosine(target, heavy_soft, w)[0] == pytest.approx(1.0)  # the failure mode
    assert masked_cosine(target - center, heavy_soft - center, w)[0] == pytest.approx(-1.0)
    assert match_scores(target, light_firm, center, w)[0] > 0.9
    assert match_scores(target, heavy_soft, center, w)[0] < 0.25


def test_closeness_term_rewards_being_close_not_just_same_side() -> None:
    center, w = np.array([0.5]), np.ones(1)
    target = np.array([0.7])
    shoes = np.array([[0.72], [1.0]])  # both above average: centred cosine = 1 for both
    scores = match_scores(target, shoes, center, w)
    assert scores[0] > scores[1]


def test_masked_cosine_ignores_unmasked_features() -> None:
    x = np.array([[0.2, 0.9, -0.3], [0.2, -0.9, 0.8]])
    w = np.array([1.0, 0.0, 0.0])
    sims = masked_cosine(np.array([0.4, 0.0, 0.0]), x, w)
    np.testing.assert_allclose(sims, [1.0, 1.0])
    assert masked_cosine(np.zeros(3), x, w).tolist() == [0.0, 0.0]  # nothing to compare: neutral


def test_fast_scores_equal_reference_and_stay_in_unit_interval() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(200, 12))
    center = x.mean(axis=0)
    xc = x - center
    for _ in range(50):
        w = rng.uniform(size=12) * (rng.uniform(size=12) < 0.4)
        w[rng.integers(12)] = 1.0
        t = rng.uniform(size=12)
        ref = match_scores(t, x, center, w)
        fast = centred_match_scores(
            t - center, w, np.ascontiguousarray(xc.T), np.ascontiguousarray((xc**2).T)
        )
        np.testing.assert_allclose(fast, ref, atol=1e-9)
        assert ref.min() >= 0.0 and ref.max() <= 1.0


def test_routing_and_widening() -> None:
    assert n_route(5) == 2 and n_route(3) == 1 and n_route(7) == 3
    centroids = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [2.0, 0.0], [9.0, 9.0]])
    order = route_clusters(np.array([0.9, 0.0]), centroids)
    assert order.tolist() == [1, 0, 3, 2, 4]
    labels = np.repeat(np.arange(5), 6)  # 6 shoes per cluster
    everyone = np.ones(30, bool)
    pool = cluster_candidates(order, labels, everyone, n_min=10, k_min=2)
    assert set(labels[pool]) == {0, 1}  # 12 shoes in the 2 nearest clusters: enough
    passing = labels >= 3  # only clusters 3 and 4 hold shoes meeting the must-haves
    pool = cluster_candidates(order, labels, passing, n_min=10, k_min=2)
    assert set(labels[pool]) == {0, 1, 2, 3, 4}  # widened until 12 passing shoes are in
    pool = cluster_candidates(order, labels, labels == 3, n_min=10, k_min=2)
    assert len(pool) == 30  # never enough: the whole catalog


def test_rank_top_puts_must_haves_before_score() -> None:
    scores = np.array([0.99, 0.5, 0.7, 0.2])
    violations = np.array([1, 0, 0, 0])
    assert rank_top(scores, violations, 3).tolist() == [2, 1, 3]
    assert rank_top(scores, violations, 2, candidates=np.array([True, True, False, True])).tolist() == [1, 3]


# --- the loaded model ------------------------------------------------------------------------


def test_recommend_json_shape(road_model) -> None:
    payload = orjson.loads(road_model.recommend_json({"pace": "Fast", "foot_width": "Wide"}))
    assert payload["status"] == "success"
    data = payload["data"]
    assert len(data) == 10
    assert len({d["shoe_id"] for d in data}) == 10
    for d in data:
        assert set(d) == {"shoe_id", "name", "brand", "cluster", "match_score", "meets", "misses"}
        assert "foot_width: Wide (wide width offered)" in d["meets"]  # the must-have every pick meets
        assert d["shoe_id"].startswith("R") and isinstance(d["cluster"], int)
        assert 0.0 <= d["match_score"] <= 1.0
    scores = [d["match_score"] for d in data]
    assert scores == sorted(scores, reverse=True)  # all meet the must-have, so plain score order


def test_json_and_structured_results_agree(trail_model) -> None:
    answers = {"terrain": "Muddy", "season": "Winter", "pace": "Steady"}
    recs = trail_model.recommend(answers)
    data = orjson.loads(trail_model.recommend_json(answers))["data"]
    assert [r.shoe_id for r in recs] == [d["shoe_id"] for d in data]
    assert [round(r.match_score, 4) for r in recs] == [d["match_score"] for d in data]


def test_empty_questionnaire_gives_central_daily_trainers(road_model) -> None:
    data = orjson.loads(road_model.recommend_json({}))["data"]
    assert road_model.recommend_json({"orthotic_usage": "No"}) == road_model.default_body  # sets nothing
    assert len(data) == 10
    fi = {f: i for i, f in enumerate(road_model.feature_names)}
    idx = [road_model.shoe_ids.index(d["shoe_id"]) for d in data]
    assert (road_model.raw[idx, fi["use_daily"]] == 1).all()
    # Nearer the catalog centroid than the average shoe.
    dist = np.linalg.norm(road_model.x - road_model.center, axis=1)
    assert dist[idx].max() < np.median(dist)


def test_results_are_deterministic(road_model, trail_model) -> None:
    for model in (road_model, trail_model):
        a = {"pace": "Steady", "season": "Summer"}
        assert model.recommend_json(a) == model.recommend_json(dict(a))


def test_pool_widens_when_must_haves_are_rare(trail_model) -> None:
    """Trail stability shoes are rare: the few that exist come first, the rest miss one must-have."""
    fi = {f: i for i, f in enumerate(trail_model.feature_names)}
    n_stable = int((trail_model.raw[:, fi["stability"]] == 1).sum())
    recs = trail_model.recommend({"arch_type": "Flat"})
    assert len(recs) == 10
    assert [r.missed for r in recs] == [0] * min(n_stable, 10) + [1] * max(0, 10 - n_stable)


# --- artifacts ------------------------------------------------------------------------------


def _copy_version(src: Path, kind_dir: Path, name: str) -> Path:
    dst = kind_dir / name
    shutil.copytree(src, dst)
    manifest = json.loads((dst / "manifest.json").read_text())
    manifest["version"] = name  # the manifest itself is not checksummed, only the files it lists
    (dst / "manifest.json").write_text(json.dumps(manifest))
    return dst


def test_corrupt_newest_version_falls_back_to_previous(content_artifacts: Path, tmp_path: Path) -> None:
    src = list_versions(content_artifacts / "road")[0]
    kind = tmp_path / "road"
    kind.mkdir()
    _copy_version(src, kind, "v_20200101_000000")
    newest = _copy_version(src, kind, "v_20300101_000000")
    assert load_content_model(tmp_path, "road").version == "v_20300101_000000"
    with (newest / "scaler.pkl").open("ab") as fh:  # tamper: checksum mismatch
        fh.write(b"x")
    model = load_content_model(tmp_path, "road")
    assert model is not None and model.version == "v_20200101_000000"
    (kind / "v_20200101_000000" / "serving.npz").unlink()  # missing file
    assert load_content_model(tmp_path, "road") is None
    assert not has_valid_artifacts(tmp_path, "road")


def test_no_versions_loads_none(tmp_path: Path) -> None:
    assert load_content_model(tmp_path, "trail") is None
    assert not has_valid_artifacts(tmp_path, "trail")
    with pytest.raises(ValueError):
        load_content_model(tmp_path, "gravel")


def test_version_of_another_type_or_schema_is_skipped(content_artifacts: Path, tmp_path: Path) -> None:
    src = list_versions(content_artifacts / "road")[0]
    (tmp_path / "trail").mkdir()
    _copy_version(src, tmp_path / "trail", "v_20300101_000000")  # a road model filed under trail
    assert load_content_model(tmp_path, "trail") is None
    assert has_valid_artifacts(content_artifacts, "road") and has_valid_artifacts(content_artifacts, "trail")


def test_serving_path_never_imports_tensorflow(content_artifacts: Path) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        import src.api.content
        from src.recommender.content_based import load_content_model
        for t in ("road", "trail"):
            m = load_content_model(Path({str(content_artifacts)!r}), t)
            assert m is not None
            m.recommend_json({{"pace": "Fast", "arch_type": "Flat"}})
            m.recommend_json({{}})
        bad = sorted(k for k in sys.modules if k.split(".")[0] in ("tensorflow", "keras"))
        assert not bad, bad
        print("ok")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
