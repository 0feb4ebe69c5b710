"""NumPy inference for the trained shoe encoder (no TensorFlow on the serving path).

The Keras encoder is a stack of blocks `Dense -> BatchNormalization -> activation` (dropout sits
after each block but is the identity at inference). Because BN comes right after the Dense layer
and before the activation, at inference it is an affine map and folds into the Dense weights:

    BN(xW + b) = (xW + b - mean) * gamma / sqrt(var + eps) + beta = x W' + b'
    W' = W * s,  b' = (b - mean) * s + beta,  s = gamma / sqrt(var + eps)

Hidden blocks use ReLU; the 8-D latent block is linear (BN output, no activation) so that K-Means
sees unbounded coordinates and no latent unit can die at zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

ACTIVATIONS = ("relu", "linear")


def fold_batchnorm(
    kernel: FloatArray,
    bias: FloatArray,
    gamma: FloatArray,
    beta: FloatArray,
    moving_mean: FloatArray,
    moving_var: FloatArray,
    epsilon: float,
) -> tuple[FloatArray, FloatArray]:
    """Dense kernel/bias followed by inference-mode BN -> one equivalent kernel/bias."""
    s = np.asarray(gamma, np.float64) / np.sqrt(np.asarray(moving_var, np.float64) + epsilon)
    w = np.asarray(kernel, np.float64) * s[None, :]
    b = (np.asarray(bias, np.float64) - moving_mean) * s + beta
    return w, b


def apply_activation(x: FloatArray, name: str) -> FloatArray:
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "linear":
        return x
    raise ValueError(f"unsupported activation {name!r}")


def encode(
    x: FloatArray, weights: Sequence[FloatArray], biases: Sequence[FloatArray], acts: Sequence[str]
) -> FloatArray:
    """Scaled features (n, F) or (F,) -> latents, through the folded layers."""
    h = x
    for w, b, act in zip(weights, biases, acts, strict=True):
        h = apply_activation(h @ w + b, act)
    return h


@dataclass(frozen=True)
class NumpyEncoder:
    weights: tuple[FloatArray, ...]
    biases: tuple[FloatArray, ...]
    acts: tuple[str, ...]

    def __post_init__(self) -> None:
        if not (len(self.weights) == len(self.biases) == len(self.acts)) or not self.weights:
            raise ValueError("encoder needs matching, non-empty weights/biases/activations")
        for w, b in zip(self.weights, self.biases, strict=True):
            if w.ndim != 2 or b.shape != (w.shape[1],):
                raise ValueError(f"bad layer shapes {w.shape} / {b.shape}")
        for w_prev, w_next in zip(self.weights, self.weights[1:], strict=False):
            if w_prev.shape[1] != w_next.shape[0]:
                raise ValueError("encoder layers do not chain")
        bad = set(self.acts) - set(ACTIVATIONS)
        if bad:
            raise ValueError(f"unsupported activations {bad}")

    @property
    def n_inputs(self) -> int:
        return int(self.weights[0].shape[0])

    @property
    def n_latent(self) -> int:
        return int(self.weights[-1].shape[1])

    def __call__(self, x: FloatArray) -> FloatArray:
        return encode(x, self.weights, self.biases, self.acts)

    def to_npz_fields(self, prefix: str = "enc_") -> dict[str, npt.NDArray]:
        fields: dict[str, npt.NDArray] = {f"{prefix}acts": np.array(self.acts)}
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            fields[f"{prefix}w{i}"] = w
            fields[f"{prefix}b{i}"] = b
        return fields

    @classmethod
    def from_npz_fields(cls, data: Mapping[str, Any], prefix: str = "enc_") -> NumpyEncoder:
        acts = tuple(str(a) for a in data[f"{prefix}acts"])
        weights = tuple(np.asarray(data[f"{prefix}w{i}"], np.float64) for i in range(len(acts)))
        biases = tuple(np.asarray(data[f"{prefix}b{i}"], np.float64) for i in range(len(acts)))
        return cls(weights, biases, acts)
