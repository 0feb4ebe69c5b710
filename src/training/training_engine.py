"""Training CLI: catalog -> MinMaxScaler -> deep autoencoder -> K-Means, published as a version.

(Over 400 lines on purpose: one CLI that runs the whole offline pipeline in order; each step is a
function, and the order is easier to check in one file.)

    python -m src.training.training_engine --type all [--epochs N | --fast] [--artifacts-dir DIR]

Per shoe type the version directory holds the Keras encoder (`shoe_encoder.h5`), the sklearn
objects (`kmeans_model.pkl`, `scaler.pkl`), the catalog frames (`shoe_features.pkl`,
`shoe_metadata.pkl`), `serving.npz` (everything the API needs as plain arrays, so serving never
imports TensorFlow nor unpickles), `report.png` and the manifest. `write_version` builds it in a
temporary directory: a crash at any step publishes nothing.

Architecture: three encoder blocks Dense(32) -> Dense(16) -> Dense(8), each `Dense -> BatchNorm ->
activation -> Dropout(0.3)`, mirrored by Dense(16) -> Dense(32) blocks and a Dense(N, sigmoid)
output (features are MinMax-scaled to [0, 1]). Hidden activation: ReLU. The latent block has no
activation (linear BN output); the encoder model ends at that BN output. BN sits before the
activation so it folds exactly into the Dense weights for NumPy inference (encoder.py).

TensorFlow is imported lazily inside the training functions, so importing this module (or
`src.recommender.*`) stays cheap.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from src.artifacts import write_version
from src.config import (
    DESCRIPTIVE_COLUMNS,
    FEATURES,
    METADATA_COLUMNS,
    SHOE_TYPES,
    ShoeType,
    get_settings,
)
from src.recommender.encoder import NumpyEncoder, fold_batchnorm

if TYPE_CHECKING:
    import keras

FloatArray = npt.NDArray[np.float64]

ENCODER_UNITS: tuple[int, ...] = (32, 16, 8)
DECODER_UNITS: tuple[int, ...] = (16, 32)
DROPOUT = 0.3
HIDDEN_ACTIVATION = "relu"
LEARNING_RATE = 1e-3
BATCH_SIZE = 64
N_CLUSTERS = 5
KMEANS_N_INIT = 20
FAST_EPOCHS = 30

ENCODER_FILE = "shoe_encoder.h5"
SERVING_FILE = "serving.npz"


def quiet_tensorflow() -> None:
    """Silence TF's C++ and Python chatter; must run before `import tensorflow`."""
    # 3: the C++ runtime prints harmless "E0000 ... NodeDef mentions attribute" lines at level 2.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN reorders sums: breaks bit-reproducibility
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")


# --- pure helpers ----------------------------------------------------------------------------


def records_to_arrays(
    records: Sequence[dict[str, Any]], shoe_type: str
) -> tuple[FloatArray, list[dict[str, str]]]:
    """Records (metadata + features) -> feature matrix in schema order, metadata rows; sorted by id
    so that the same catalog always gives the same matrix whatever order the store returns."""
    feats = FEATURES[shoe_type]
    if not records:
        raise ValueError(f"no {shoe_type} shoes to train on")
    rows = sorted(records, key=lambda r: str(r["shoe_id"]))
    missing = [f for f in feats if f not in rows[0]]
    if missing:
        raise ValueError(f"{shoe_type} records lack features {missing}")
    x = np.array([[float(r[f]) for f in feats] for r in rows], dtype=np.float64)
    if not np.isfinite(x).all():
        raise ValueError(f"{shoe_type} catalog has non-finite feature values")
    meta = [{c: "" if r.get(c) is None else str(r.get(c)) for c in METADATA_COLUMNS} for r in rows]
    return x, meta


# Arrays serving.npz carries besides the model (listed in the manifest as `serving_arrays`).
DESCRIPTIVE_ARRAYS: tuple[str, ...] = ("family_ids", "versions_behind", "audience", "price", "popularity")


def descriptive_arrays(records: Sequence[dict[str, Any]]) -> dict[str, npt.NDArray[Any]]:
    """Per shoe, in `records_to_arrays` order (sorted by id): its model family's id, how many
    newer release years that family has in the catalog (0 = the newest), its RunRepeat audience
    score and its price in US dollars (NaN when no source gives one).

    Records from the store lack `family` unless `load_records` joined it from the catalog; a shoe
    without one is its own family."""
    rows = sorted(records, key=lambda r: str(r["shoe_id"]))
    families: dict[str, int] = {}
    family_ids = [
        families.setdefault(
            str(r.get("family") or f"{r.get('brand', '')} {r.get('name', r['shoe_id'])}"), len(families)
        )
        for r in rows
    ]
    years: dict[int, set[int]] = {}
    for fid, r in zip(family_ids, rows, strict=True):
        years.setdefault(fid, set()).add(int(r["release_year"]))
    behind = [
        sum(y > int(r["release_year"]) for y in years[fid]) for fid, r in zip(family_ids, rows, strict=True)
    ]
    audience = [r.get("audience_score") for r in rows]
    price = [r.get("price_usd") for r in rows]
    popularity = [r.get("popularity") for r in rows]
    return {
        "popularity": np.array([np.nan if p is None else float(p) for p in popularity], dtype=np.float64),
        "price": np.array([np.nan if p is None else float(p) for p in price], dtype=np.float64),
        "family_ids": np.array(family_ids, dtype=np.int64),
        "versions_behind": np.array(behind, dtype=np.int64),
        "audience": np.array([np.nan if a is None else float(a) for a in audience], dtype=np.float64),
    }


def catalog_hash(x: FloatArray, meta: Sequence[dict[str, str]]) -> str:
    """SHA-256 of the canonical catalog content (ids, metadata, features), independent of source."""
    payload = json.dumps({"meta": list(meta), "x": np.round(x, 6).tolist()}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def pca_2d(z: FloatArray) -> FloatArray:
    """First two principal components (for the report plot only)."""
    zc = z - z.mean(axis=0)
    _, _, vt = np.linalg.svd(zc, full_matrices=False)
    return zc @ vt[:2].T


# --- Keras ----------------------------------------------------------------------------------


def build_autoencoder(n_features: int) -> tuple[keras.Model, keras.Model]:
    """(autoencoder, encoder); the encoder shares layers and ends at the latent BN output."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(n_features,), name="features")
    h = inputs
    latent = None
    for i, units in enumerate(ENCODER_UNITS):
        is_latent = i == len(ENCODER_UNITS) - 1
        h = layers.Dense(units, name=f"enc_dense_{i}")(h)
        h = layers.BatchNormalization(name=f"enc_bn_{i}")(h)
        if is_latent:
            latent = h  # linear latent: K-Means works on the BN output directly
        else:
            h = layers.Activation(HIDDEN_ACTIVATION, name=f"enc_act_{i}")(h)
        h = layers.Dropout(DROPOUT, name=f"enc_drop_{i}")(h)
    for i, units in enumerate(DECODER_UNITS):
        h = layers.Dense(units, name=f"dec_dense_{i}")(h)
        h = layers.BatchNormalization(name=f"dec_bn_{i}")(h)
        h = layers.Activation(HIDDEN_ACTIVATION, name=f"dec_act_{i}")(h)
        h = layers.Dropout(DROPOUT, name=f"dec_drop_{i}")(h)
    outputs = layers.Dense(n_features, activation="sigmoid", name="reconstruction")(h)
    autoencoder = keras.Model(inputs, outputs, name="shoe_autoencoder")
    encoder = keras.Model(inputs, latent, name="shoe_encoder")
    autoencoder.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE), loss="mse", metrics=["mae"]
    )
    return autoencoder, encoder


def export_encoder(encoder: keras.Model) -> NumpyEncoder:
    """Fold every Dense+BN pair of the Keras encoder into NumPy weights."""
    weights, biases, acts = [], [], []
    for i in range(len(ENCODER_UNITS)):
        dense = encoder.get_layer(f"enc_dense_{i}")
        bn = encoder.get_layer(f"enc_bn_{i}")
        kernel, bias = (np.asarray(v, np.float64) for v in dense.get_weights())
        gamma, beta, mean, var = (np.asarray(v, np.float64) for v in bn.get_weights())
        w, b = fold_batchnorm(kernel, bias, gamma, beta, mean, var, float(bn.epsilon))
        weights.append(w)
        biases.append(b)
        acts.append("linear" if i == len(ENCODER_UNITS) - 1 else HIDDEN_ACTIVATION)
    return NumpyEncoder(tuple(weights), tuple(biases), tuple(acts))


def _progress_callback(epochs: int, label: str, out: Callable[[str], None]) -> Any:
    """Epoch progress: a bar on a terminal, about ten plain lines through `out` otherwise."""
    import keras

    from src.progress import Progress

    class EpochProgress(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.progress = Progress(epochs, f"[{label}] epoch", log=out)

        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            logs = logs or {}
            self.progress.update(loss=logs.get("loss", float("nan")), mae=logs.get("mae", float("nan")))

        def on_train_end(self, logs: dict[str, float] | None = None) -> None:
            self.progress.close()

    return EpochProgress()


def _configure_tf(seed: int) -> None:
    quiet_tensorflow()
    import keras
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    # absl warns that HDF5 is a legacy format on every save; the .h5 file name is the contract.
    logging.getLogger("absl").setLevel(logging.ERROR)
    keras.utils.set_random_seed(seed)
    with contextlib.suppress(Exception):  # older TF: seeds alone still give stable CPU runs
        tf.config.experimental.enable_op_determinism()
    try:  # two-core machines are shared: small graph, one inter-op thread is enough
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.threading.set_intra_op_parallelism_threads(2)
    except RuntimeError:
        pass  # already initialised in this process (e.g. a second train() call)


# --- training --------------------------------------------------------------------------------


def train(
    shoe_type: str,
    records: Sequence[dict[str, Any]],
    *,
    epochs: int,
    seed: int,
    artifacts_dir: Path,
    keep: int | None = None,
    batch_size: int = BATCH_SIZE,
    n_clusters: int = N_CLUSTERS,
    log: Callable[[str], None] = print,
) -> Path:
    """Train one shoe type and publish a version under `<artifacts_dir>/<shoe_type>/`; its path."""
    if shoe_type not in FEATURES:
        raise ValueError(f"unknown shoe type {shoe_type!r}")
    # a retired shoe is kept for runners' history, never recommended: never trained on
    records = [r for r in records if r.get("status", "active") == "active"]
    x_raw, meta = records_to_arrays(records, shoe_type)
    descriptive = descriptive_arrays(records)
    if x_raw.shape[0] < n_clusters * 2:
        raise ValueError(f"{shoe_type}: {x_raw.shape[0]} shoes are too few for {n_clusters} clusters")
    _configure_tf(seed)
    import keras
    import sklearn
    import tensorflow as tf
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import MinMaxScaler

    t0 = time.perf_counter()
    features = FEATURES[shoe_type]
    scaler = MinMaxScaler().fit(x_raw)
    x = scaler.transform(x_raw)

    autoencoder, encoder = build_autoencoder(len(features))
    history = autoencoder.fit(
        x.astype(np.float32),
        x.astype(np.float32),
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        verbose=0,
        callbacks=[_progress_callback(epochs, shoe_type, log)],
    )
    train_s = time.perf_counter() - t0

    latents_keras = np.asarray(encoder.predict(x.astype(np.float32), verbose=0), np.float64)
    recon = np.asarray(autoencoder.predict(x.astype(np.float32), verbose=0), np.float64)
    np_encoder = export_encoder(encoder)
    # Serving clusters the NumPy latents, so K-Means is fitted on exactly those.
    latents = np_encoder(x)
    max_diff = float(np.abs(latents - latents_keras).max())
    if max_diff > 1e-4:
        raise RuntimeError(f"folded NumPy encoder disagrees with Keras by {max_diff:.2e}")

    kmeans = KMeans(n_clusters=n_clusters, n_init=KMEANS_N_INIT, random_state=seed).fit(latents)
    labels = kmeans.labels_.astype(np.int64)
    sizes = np.bincount(labels, minlength=n_clusters).tolist()
    silhouette = float(silhouette_score(latents, labels)) if len(set(labels.tolist())) > 1 else float("nan")
    hist = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    log(
        f"[{shoe_type}] trained {epochs} epochs in {train_s:.1f}s; loss {hist['loss'][-1]:.5f}, "
        f"clusters {sizes}, silhouette {silhouette:.3f}"
    )

    def build(tmp: Path) -> dict[str, Any]:
        import pandas as pd

        encoder.save(tmp / ENCODER_FILE)
        with (tmp / "kmeans_model.pkl").open("wb") as fh:
            pickle.dump(kmeans, fh)
        with (tmp / "scaler.pkl").open("wb") as fh:
            pickle.dump(scaler, fh)
        ids = [m["shoe_id"] for m in meta]
        feat_df = pd.DataFrame(x_raw, columns=features, index=pd.Index(ids, name="shoe_id"))
        feat_df.to_pickle(tmp / "shoe_features.pkl")
        meta_df = pd.DataFrame(meta, columns=METADATA_COLUMNS).astype("string")
        meta_df["cluster"] = labels
        meta_df.to_pickle(tmp / "shoe_metadata.pkl")
        np.savez(
            tmp / SERVING_FILE,
            feature_names=np.array(features),
            scaler_min=scaler.min_.astype(np.float64),
            scaler_scale=scaler.scale_.astype(np.float64),
            data_min=scaler.data_min_.astype(np.float64),
            data_max=scaler.data_max_.astype(np.float64),
            features_raw=x_raw,
            features_scaled=x,
            latents=latents,
            centroids=kmeans.cluster_centers_.astype(np.float64),
            labels=labels,
            shoe_ids=np.array(ids),
            names=np.array([m["name"] for m in meta]),
            brands=np.array([m["brand"] for m in meta]),
            **descriptive,  # type: ignore[arg-type]
            **np_encoder.to_npz_fields(),  # type: ignore[arg-type]
        )
        write_report(tmp / "report.png", shoe_type, hist, sizes, latents, labels)
        return {
            "shoe_type": shoe_type,
            "catalog_hash": catalog_hash(x_raw, meta),
            "n_shoes": int(x_raw.shape[0]),
            "features": list(features),
            "metadata_columns": list(METADATA_COLUMNS),
            "serving_arrays": list(DESCRIPTIVE_ARRAYS),
            "families": int(descriptive["family_ids"].max()) + 1,
            "column_types": {**{c: "string" for c in METADATA_COLUMNS}, "cluster": "int64"}
            | {f: "float64" for f in features},
            "architecture": {
                "encoder_units": list(ENCODER_UNITS),
                "decoder_units": list(DECODER_UNITS),
                "dropout": DROPOUT,
                "hidden_activation": HIDDEN_ACTIVATION,
                "latent_activation": "linear (BatchNorm output)",
                "output_activation": "sigmoid",
                "loss": "mse",
                "optimizer": f"adam(lr={LEARNING_RATE})",
            },
            "epochs": epochs,
            "batch_size": batch_size,
            "seeds": {"keras": seed, "kmeans": seed},
            "final_loss": hist["loss"][-1],
            "final_mae": hist["mae"][-1],
            "reconstruction_mse": float(np.mean((recon - x) ** 2)),
            "reconstruction_mae": float(np.mean(np.abs(recon - x))),
            "encoder_fold_max_abs_diff": max_diff,
            "n_clusters": n_clusters,
            "kmeans_n_init": KMEANS_N_INIT,
            "cluster_sizes": sizes,
            "silhouette": silhouette,
            "train_seconds": round(train_s, 2),
            "library_versions": {
                "tensorflow": tf.__version__,
                "keras": keras.__version__,
                "sklearn": sklearn.__version__,
                "numpy": np.__version__,
                "python": sys.version.split()[0],
            },
            "loss_history": hist["loss"],
        }

    version = write_version(Path(artifacts_dir) / shoe_type, build, keep=keep, last_known_good=True)
    log(f"[{shoe_type}] published {version}")
    return version


def write_report(
    path: Path,
    shoe_type: str,
    history: dict[str, list[float]],
    sizes: Sequence[int],
    latents: FloatArray,
    labels: npt.NDArray[np.integer],
) -> None:
    """Loss curve, cluster sizes and a 2-D PCA projection of the latents, as one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    axes[0].plot(history["loss"], label="loss (MSE)")
    axes[0].plot(history["mae"], label="MAE")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("epoch")
    axes[0].set_title(f"{shoe_type}: training curves")
    axes[0].legend()
    axes[1].bar(range(len(sizes)), sizes, color=[f"C{i}" for i in range(len(sizes))])
    axes[1].set_xlabel("cluster")
    axes[1].set_ylabel("shoes")
    axes[1].set_title("cluster sizes")
    p = pca_2d(latents)
    for c in range(len(sizes)):
        sel = labels == c
        axes[2].scatter(p[sel, 0], p[sel, 1], s=12, color=f"C{c}", label=f"cluster {c}")
    axes[2].set_title("latent space (PCA)")
    axes[2].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


# --- CLI ------------------------------------------------------------------------------------


def load_records(shoe_type: ShoeType) -> list[dict[str, Any]]:
    """Shoes from the store (the embedded default creates and seeds itself on first use), with the
    catalog file's descriptive columns (family, current, role) joined by shoe_id: the store keeps
    specs only."""
    from src.catalog import load_catalog
    from src.store import get_store
    from src.store.sqlite import SQLiteStore

    settings = get_settings()
    path = settings.road_catalog if shoe_type == "road" else settings.trail_catalog
    descriptive = {r["shoe_id"]: r for r in load_catalog(path, shoe_type)}
    store = get_store()
    if isinstance(store, SQLiteStore):
        # the embedded store follows the catalog files: init() reseeds the shoes when the files
        # changed (get_store() seeds only a new file, so `make train` after `python
        # data/build_catalog.py` trained on the previous catalog) and is a no-op otherwise
        store.init()
    records = store.shoes(shoe_type)
    return [
        {**r, **{c: descriptive[r["shoe_id"]][c] for c in DESCRIPTIVE_COLUMNS}}
        if r["shoe_id"] in descriptive
        else r
        for r in records
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    settings = get_settings()
    p = argparse.ArgumentParser(
        prog="python -m src.training.training_engine", description=__doc__.split("\n")[0]
    )
    p.add_argument("--type", choices=[*SHOE_TYPES, "all"], default="all")
    p.add_argument("--epochs", type=int, default=None, help=f"default {settings.train_epochs} (TRAIN_EPOCHS)")
    p.add_argument("--fast", action="store_true", help=f"{FAST_EPOCHS} epochs, for tests and CI")
    p.add_argument("--artifacts-dir", type=Path, default=settings.artifacts_dir)
    p.add_argument("--seed", type=int, default=settings.train_seed)
    p.add_argument("--keep", type=int, default=settings.keep_versions)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    epochs = (
        args.epochs if args.epochs is not None else FAST_EPOCHS if args.fast else get_settings().train_epochs
    )
    if epochs < 1:
        print("--epochs must be >= 1", file=sys.stderr)
        return 2
    types = list(SHOE_TYPES) if args.type == "all" else [args.type]
    for shoe_type in types:
        records = load_records(shoe_type)
        print(f"[{shoe_type}] {len(records)} shoes, {epochs} epochs, seed {args.seed}", flush=True)
        train(
            shoe_type,
            records,
            epochs=epochs,
            seed=args.seed,
            artifacts_dir=args.artifacts_dir,
            keep=args.keep,
            log=lambda s: print(s, flush=True),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
