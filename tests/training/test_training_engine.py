"""Training: manifest, atomic publishing, pruning, CLI, reproducibility."""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from src.artifacts import list_versions, read_manifest
from src.config import FEATURES, METADATA_COLUMNS
from src.recommender.content_based import read_serving_arrays
from src.training import training_engine
from src.training.training_engine import catalog_hash, main, records_to_arrays, train
from tests.plugins.content import catalog_records

EXPECTED_FILES = {
    "shoe_encoder.h5",
    "kmeans_model.pkl",
    "scaler.pkl",
    "shoe_features.pkl",
    "shoe_metadata.pkl",
    "serving.npz",
    "report.png",
}


@pytest.fixture(scope="module")
def road_records() -> list[dict]:
    return catalog_records("road")


def _quiet(_: str) -> None:
    pass


def test_published_version_has_files_and_manifest(content_artifacts: Path) -> None:
    for shoe_type in ("road", "trail"):
        version = list_versions(content_artifacts / shoe_type)[0]
        manifest = read_manifest(version)
        assert set(manifest["files"]) == EXPECTED_FILES
        assert manifest["shoe_type"] == shoe_type
        assert manifest["features"] == FEATURES[shoe_type]
        assert len(manifest["catalog_hash"]) == 64
        assert manifest["epochs"] == 30 and manifest["seeds"] == {"keras": 42, "kmeans": 42}
        assert sum(manifest["cluster_sizes"]) == manifest["n_shoes"] and len(manifest["cluster_sizes"]) == 5
        assert -1 <= manifest["silhouette"] <= 1
        assert manifest["final_loss"] > 0 and manifest["final_mae"] > 0
        assert set(manifest["library_versions"]) >= {"tensorflow", "keras", "sklearn", "numpy"}
        assert manifest["encoder_fold_max_abs_diff"] < 1e-5
        meta = pd.read_pickle(version / "shoe_metadata.pkl")
        assert list(meta.columns) == [*METADATA_COLUMNS, "cluster"]
        assert str(meta["cluster"].dtype) == "int64" and str(meta["name"].dtype) == "string"
        feats = pd.read_pickle(version / "shoe_features.pkl")
        assert list(feats.columns) == FEATURES[shoe_type]
        with (version / "scaler.pkl").open("rb") as fh:
            scaler = pickle.load(fh)
        arrays = read_serving_arrays(version)
        np.testing.assert_allclose(scaler.transform(feats.to_numpy()), arrays["features_scaled"])
        with (version / "kmeans_model.pkl").open("rb") as fh:
            kmeans = pickle.load(fh)
        np.testing.assert_array_equal(kmeans.predict(arrays["latents"]), arrays["labels"])


def test_records_order_does_not_matter(road_records: list[dict]) -> None:
    shuffled = list(road_records)
    random.Random(1).shuffle(shuffled)
    x1, m1 = records_to_arrays(road_records, "road")
    x2, m2 = records_to_arrays(shuffled, "road")
    np.testing.assert_array_equal(x1, x2)
    assert catalog_hash(x1, m1) == catalog_hash(x2, m2)
    x2[0, 0] += 1
    assert catalog_hash(x1, m1) != catalog_hash(x2, m2)


def test_bad_records_are_rejected(road_records: list[dict]) -> None:
    with pytest.raises(ValueError):
        records_to_arrays([], "road")
    broken = [dict(r) for r in road_records]
    del broken[0]["drop_mm"]
    with pytest.raises(ValueError):
        records_to_arrays(broken[:1], "road")


def test_crash_inside_build_publishes_nothing(
    road_records: list[dict], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object, **_kw: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(training_engine, "write_report", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        train("road", road_records, epochs=1, seed=1, artifacts_dir=tmp_path, log=_quiet)
    assert list((tmp_path / "road").iterdir()) == []  # no version, no leftover temp dir


def test_pruning_keeps_n_and_seeded_runs_reproduce(road_records: list[dict], tmp_path: Path) -> None:
    paths = [
        train("road", road_records, epochs=3, seed=7, artifacts_dir=tmp_path, keep=2, log=_quiet)
        for _ in range(3)
    ]
    versions = list_versions(tmp_path / "road")
    assert versions == [paths[2], paths[1]]  # newest first, the oldest pruned
    a, b = (read_serving_arrays(p) for p in paths[1:])
    np.testing.assert_allclose(a["latents"], b["latents"], atol=1e-6)
    np.testing.assert_array_equal(a["labels"], b["labels"])
    ma, mb = (read_manifest(p) for p in paths[1:])
    assert ma["catalog_hash"] == mb["catalog_hash"]
    assert ma["final_loss"] == pytest.approx(mb["final_loss"], rel=1e-6)


def test_cli_trains_one_type(
    road_records: list[dict],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(training_engine, "load_records", lambda shoe_type: road_records)
    assert main(["--type", "road", "--epochs", "2", "--artifacts-dir", str(tmp_path), "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "epoch 2/2" in out and "published" in out
    (version,) = list_versions(tmp_path / "road")
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["epochs"] == 2 and manifest["seeds"]["keras"] == 3
    assert not (tmp_path / "trail").exists()
    assert main(["--type", "road", "--epochs", "0", "--artifacts-dir", str(tmp_path)]) == 2


def test_autoencoder_architecture() -> None:
    ae, enc = training_engine.build_autoencoder(18)
    dense = [layer.units for layer in ae.layers if layer.__class__.__name__ == "Dense"]
    assert dense == [32, 16, 8, 16, 32, 18]
    drops = [layer.rate for layer in ae.layers if layer.__class__.__name__ == "Dropout"]
    assert drops == [0.3] * 5
    assert ae.layers[-1].activation.__name__ == "sigmoid"
    assert enc.output.shape[-1] == 8 and enc.layers[-1].name == "enc_bn_2"  # latent = BN output
