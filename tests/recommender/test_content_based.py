"""Content-based ranking: centred similarity, soft routing, family cap, default list, artifacts."""

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
    family_capped,
    has_valid_artifacts,
    load_content_model,
    masked_cosine,
    match_scores,
    routing_penalty,
    version_penalty,
)
from src.recommender.questionnaire import resolve
from src.recommender.trail_recommender import TRAIL_MAPPING

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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


def test_routing_penalty_is_zero_for_the_nearest_cluster_and_weight_for_the_farthest() -> None:
    centroids = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    labels = np.array([2, 0, 1, 1])
    # distances from (1, 0): 1, 0, 2 -> rescaled 0.5, 0, 1
    pen = routing_penalty(np.array([1.0, 0.0]), centroids, labels, 0.1)
    np.testing.assert_allclose(pen, [0.1, 0.05, 0.0, 0.0])
    # all clusters equally far: nobody pays
    same = routing_penalty(np.zeros(2), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1]), 0.1)
    np.testing.assert_allclose(same, [0.0, 0.0])


def test_version_penalty_grows_with_each_newer_release() -> None:
    np.testing.assert_allclose(version_penalty(np.array([0, 1, 3]), 0.03), [0.0, 0.03, 0.09])


def test_family_cap_keeps_two_per_family_in_order_and_fills_when_short() -> None:
    family = np.array([7, 7, 7, 3, 7, 5])
    order = np.array([0, 1, 2, 3, 4, 5])
    assert family_capped(order, family, 4, 2).tolist() == [0, 1, 3, 5]
    # only two families: the cap cannot be met, the skipped ones fill up in their order
    assert family_capped(np.array([0, 1, 2, 4]), family, 3, 2).tolist() == [0, 1, 2]
    assert family_capped(order, family, 3, 1).tolist() == [0, 3, 5]


def test_a_newer_version_below_an_older_one_of_its_lineage_is_skipped() -> None:
    # family 7: shoe 0 is two releases old and ranks first (it fits clearly better), shoe 1 is the
    # newest: listed below it, it adds no choice and another model takes its place
    family = np.array([7, 7, 3, 5, 4])
    lineage = np.array([14, 14, 6, 10, 8])
    behind = np.array([2, 0, 0, 0, 0])
    order = np.array([0, 1, 2, 3, 4])
    assert family_capped(order, family, 4, 2, lineage, behind).tolist() == [0, 2, 3, 4]
    # newest first is kept as it is, and a GTX edition (its own lineage) is not skipped
    assert family_capped(np.array([1, 0, 2]), family, 3, 2, lineage, behind).tolist() == [1, 0, 2]
    assert family_capped(order, family, 3, 2, np.array([15, 14, 6, 10, 8]), behind).tolist() == [0, 1, 2]
    # too few other shoes: the skipped newer version still fills the list
    assert family_capped(np.array([0, 1, 2]), family, 3, 2, lineage, behind).tolist() == [0, 2, 1]


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


@pytest.mark.parametrize(
    ("model", "answers"),
    [
        ("road_model", {"pace": "Fast", "running_purpose": "Race", "cushion_preferences": "Firm"}),
        ("road_model", {"running_purpose": "Race", "cushion_preferences": "Soft", "foot_width": "Wide"}),
        ("trail_model", {"terrain": "Rocky", "rock_sensitive": "Yes", "season": "Winter"}),
    ],
)
def test_every_answer_has_one_verdict_when_a_combination_fires(
    model: str, answers: dict[str, str], request: pytest.FixtureRequest
) -> None:
    """A combination rule is judged with the singles it combines: no answer is both met and missed."""
    data = orjson.loads(request.getfixturevalue(model).recommend_json(answers))["data"]

    def answered(entries: list[str]) -> list[str]:
        return [pair for e in entries for pair in e.split(" (")[0].split(" + ")]

    for item in data:
        met, missed = answered(item["meets"]), answered(item["misses"])
        assert not set(met) & set(missed), item
        assert sorted(met + missed) == sorted(f"{q}: {a}" for q, a in answers.items())  # each exactly once
        assert not any("not met:" in e for e in item["meets"])  # only a miss names the specs it missed


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
    """Trail stability shoes are rare: the few that exist come first (at most FAMILY_CAP of one
    family: the cap outranks must-haves), the rest miss one must-have."""
    fi = {f: i for i, f in enumerate(trail_model.feature_names)}
    stable = np.flatnonzero(trail_model.raw[:, fi["stability"]] == 1)
    _, per_family = np.unique(trail_model.family_ids[stable], return_counts=True)
    n_stable = int(np.minimum(per_family, 2).sum())
    recs = trail_model.recommend({"arch_type": "Flat"})
    assert len(recs) == 10
    assert [r.missed for r in recs] == [0] * min(n_stable, 10) + [1] * max(0, 10 - n_stable)


def test_narrow_trail_width_yields_to_the_membrane_wide_does_not(trail_model) -> None:
    """Fewer than ten narrow membrane trail shoes: a narrow runner who wants waterproof gets ten
    membrane shoes, the narrow ones first; a wide runner gets ten wide shoes, the membrane ones first."""
    fi = {f: i for i, f in enumerate(trail_model.feature_names)}
    raw = trail_model.raw
    membrane = raw[:, fi["water_resistance"]] == 2
    for width, flag in (("Narrow", "width_narrow"), ("Wide", "width_wide")):
        both = membrane & (raw[:, fi[flag]] == 1)
        assert 0 < int(both.sum()) < 10  # the catalog cannot meet both for ten shoes
        idx = [
            r.index for r in trail_model.recommend({"foot_width": width, "water_resistance": "Waterproof"})
        ]
        first = int(both[idx].sum())
        assert both[idx[:first]].all()  # those meeting both lead
        if width == "Narrow":
            assert membrane[idx].all()
        else:
            assert (raw[idx, fi[flag]] == 1).all()


def test_light_terrain_asks_for_lugs_well_below_the_catalogs(trail_model) -> None:
    """Lab lug depths run about 0.5 mm below the old hand table's: the Light target (2.5 mm) sits over
    1 mm below the catalog mean (3.6) and below the typical Light-rated shoe (3.15), as 3 mm sat below
    the hand table's 4.2; the list for Light alone is shallower than the catalog, no lug over 4 mm."""
    fi = {f: i for i, f in enumerate(trail_model.feature_names)}
    lugs = trail_model.raw[:, fi["lug_depth_mm"]]
    rated_light = trail_model.raw[:, fi["terrain_light"]] == 5
    light = resolve({"terrain": "Light"}, TRAIL_MAPPING)["lug_depth_mm"]
    assert light.value <= lugs.mean() - 1.0
    assert light.value < np.median(lugs[rated_light])
    assert light.hard == (1.0, 4.0)
    idx = [r.index for r in trail_model.recommend({"terrain": "Light"})]
    assert lugs[idx].mean() < lugs.mean() and lugs[idx].max() <= 4.0


def test_the_light_lug_cap_yields_to_every_other_must_have(trail_model) -> None:
    """A rock-sensitive forefoot striker on groomed paths: fewer than ten plated shoes with a drop of
    6 mm or less have lugs of 4 mm or less; those lead, and the plate and the drop hold for all ten."""
    fi = {f: i for i, f in enumerate(trail_model.feature_names)}
    raw = trail_model.raw
    others = (raw[:, fi["rock_plate"]] == 1) & (raw[:, fi["drop_mm"]] <= 6)
    shallow = others & (raw[:, fi["lug_depth_mm"]] <= 4)
    assert int(shallow.sum()) < 10 <= int(others.sum())
    answers = {"terrain": "Light", "rock_sensitive": "Yes", "strike_pattern": "Forefoot"}
    idx = [r.index for r in trail_model.recommend(answers)]
    assert others[idx].all()
    assert shallow[idx[: int(shallow[idx].sum())]].all()


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


def test_artifact_without_family_arrays_still_serves_and_says_retrain(
    content_artifacts: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A model trained before the family/version/role arrays: no crash, no family cap, a clear warning."""
    from src.recommender.content_based import ContentRecommender, read_serving_arrays

    version = list_versions(content_artifacts / "road")[0]
    arrays = read_serving_arrays(version)
    assert {"family_ids", "versions_behind"} <= set(arrays)
    assert json.loads((version / "manifest.json").read_text())["serving_arrays"] == [
        "family_ids",
        "versions_behind",
        "audience",
        "price",
        "popularity",
    ]
    old = {k: v for k, v in arrays.items() if k not in ("family_ids", "versions_behind")}
    with caplog.at_level("WARNING"):
        model = ContentRecommender("road", old)
    assert "retrain" in caplog.text and "python -m src.training.training_engine --type road" in caplog.text
    recs = model.recommend({"stability_need": "Guided"})
    assert len(recs) == 10 and all(r.missed == 0 for r in recs)
    # each shoe is its own family, so versions of one model are not capped
    assert len(set(model.family_ids.tolist())) == len(model.shoe_ids)


def test_shipped_arrays_cap_families_and_rank_newer_versions_first(road_model) -> None:
    """On the trained model: an easy, soft daily list never holds 3 versions of one family."""
    for answers in (
        {"running_purpose": "Daily", "cushion_preferences": "Soft"},
        {"stability_need": "Guided"},
    ):
        idx = [r.index for r in road_model.recommend(answers)]
        families = road_model.family_ids[idx].tolist()
        assert max(families.count(f) for f in families) <= 2


# --- budget (issue 22): a must-have when at least ten shoes of the catalog are within it ----------


def test_budget_keeps_the_top_ten_within_it_when_ten_shoes_are(road_model) -> None:
    prices = road_model.price
    answers = {"running_purpose": "Daily", "pace": "Steady", "foot_width": "Wide"}
    unlimited = road_model.recommend(answers)
    assert max(prices[r.index] for r in unlimited if np.isfinite(prices[r.index])) > 100  # it bites
    within = road_model.recommend({**answers, "budget_usd": 100})
    assert len(within) == 10
    assert all(prices[r.index] <= 100 for r in within)  # known and within (unknown prices count as over)
    assert all(r.missed == 0 for r in within)
    # the other must-haves still hold: wide and daily
    fi = {f: i for i, f in enumerate(road_model.feature_names)}
    assert all(road_model.raw[r.index, fi["width_wide"]] == 1 for r in within)
    # the budget alone narrows the default list too
    alone = orjson.loads(road_model.recommend_json({"budget_usd": 90}))["data"]
    assert len(alone) == 10
    assert all(prices[road_model.shoe_ids.index(d["shoe_id"])] <= 90 for d in alone)


def test_budget_too_low_for_ten_shoes_is_ignored(road_model) -> None:
    prices = road_model.price
    known = np.unique(prices[np.isfinite(prices)])
    floor = float(max(p for p in known if (prices <= p).sum() < 10))  # fewer than 10 cost this or less
    assert int((prices <= floor).sum()) < 10
    answers = {"running_purpose": "Race"}
    assert [r.shoe_id for r in road_model.recommend({**answers, "budget_usd": int(floor)})] == [
        r.shoe_id for r in road_model.recommend(answers)
    ]
