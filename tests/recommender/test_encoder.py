"""NumPy encoder: BN folding is exact, and the folded encoder reproduces the Keras one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from src.artifacts import list_versions
from src.recommender.content_based import read_serving_arrays
from src.recommender.encoder import NumpyEncoder, apply_activation, encode, fold_batchnorm


def test_fold_batchnorm_matches_dense_then_bn() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 5))
    kernel, bias = rng.normal(size=(5, 3)), rng.normal(size=3)
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    mean, var, eps = rng.normal(size=3), rng.uniform(0.1, 2.0, size=3), 1e-3
    expected = ((x @ kernel + bias) - mean) / np.sqrt(var + eps) * gamma + beta
    w, b = fold_batchnorm(kernel, bias, gamma, beta, mean, var, eps)
    np.testing.assert_allclose(x @ w + b, expected, rtol=1e-12, atol=1e-12)


def test_encode_applies_relu_on_hidden_and_linear_on_latent() -> None:
    w0, b0 = np.eye(2), np.array([-1.0, 0.0])
    w1, b1 = np.eye(2), np.array([-5.0, 0.0])
    out = encode(np.array([[0.5, 2.0]]), [w0, w1], [b0, b1], ["relu", "linear"])
    np.testing.assert_allclose(out, [[-5.0, 2.0]])  # relu clipped -0.5 to 0, latent kept -5
    with pytest.raises(ValueError):
        apply_activation(np.zeros(2), "tanh")


def test_numpy_encoder_validates_shapes() -> None:
    with pytest.raises(ValueError):
        NumpyEncoder((np.zeros((3, 4)), np.zeros((5, 2))), (np.zeros(4), np.zeros(2)), ("relu", "linear"))
    with pytest.raises(ValueError):
        NumpyEncoder((np.zeros((3, 4)),), (np.zeros(3),), ("linear",))


@pytest.mark.parametrize("shoe_type", ["road", "trail"])
def test_numpy_encoder_matches_keras_on_whole_catalog(content_artifacts: Path, shoe_type: str) -> None:
    import keras

    version = list_versions(content_artifacts / shoe_type)[0]
    arrays = read_serving_arrays(version)
    model = keras.models.load_model(version / "shoe_encoder.h5", compile=False)
    x = arrays["features_scaled"]
    keras_latents = np.asarray(model.predict(x.astype(np.float32), verbose=0), np.float64)
    numpy_latents = NumpyEncoder.from_npz_fields(arrays)(x)
    assert numpy_latents.shape == (x.shape[0], 8)
    np.testing.assert_allclose(numpy_latents, keras_latents, atol=1e-5, rtol=0)
    # The latents the clusters were fitted on are the NumPy ones that serving computes.
    np.testing.assert_allclose(arrays["latents"], numpy_latents, atol=1e-12)
