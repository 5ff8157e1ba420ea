"""A Keras model's trainable weights as one flat parameter vector (the genome), and back.

The vector holds every tensor of ``model.trainable_weights``, in that order, each flattened row-major
(a Dense kernel of shape ``(in, out)`` is stored row by row, then its bias). Nothing here imports
TensorFlow itself, but the functions are only useful with a built Keras 3 model::

    from edl_helpers.keras_params import n_parameters, get_parameters, set_parameters
"""
from __future__ import annotations

import numpy as np


def _size(variable: object) -> int:
    return int(np.prod(tuple(variable.shape), dtype=np.int64))


def n_parameters(model: object) -> int:
    """Number of trainable parameters of ``model``: the length of its parameter vector."""
    return sum(_size(variable) for variable in model.trainable_weights)


def get_parameters(model: object) -> np.ndarray:
    """A copy of all trainable weights of ``model`` as one flat ``float32`` vector.

    The order is that of ``model.trainable_weights``, each tensor flattened row-major.
    """
    weights = [np.asarray(variable.numpy(), dtype=np.float32).ravel() for variable in model.trainable_weights]
    return np.concatenate(weights) if weights else np.zeros(0, dtype=np.float32)


def set_parameters(model: object, flat: np.ndarray) -> None:
    """Load all trainable weights of ``model`` from one flat vector (the inverse of :func:`get_parameters`).

    The weights are assigned in place (``variable.assign``), so no new model or graph is built.
    Raises ``ValueError`` naming ``flat`` if it is not a vector of :func:`n_parameters` finite numbers.
    """
    variables = model.trainable_weights
    expected = sum(_size(variable) for variable in variables)
    try:
        with np.errstate(over="ignore"):  # numbers beyond float32's range become inf and are refused below
            flat = np.asarray(flat, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise ValueError(f"flat must be a vector of {expected} numbers: {error}") from None
    if flat.shape != (expected,):
        got = f"length {flat.shape[0]}" if flat.ndim == 1 else f"shape {flat.shape}"
        raise ValueError(f"flat must be a vector of {expected} numbers (one per trainable parameter of "
                         f"model {model.name!r}), got {got}")
    if not np.all(np.isfinite(flat)):
        bad = int(flat.size - np.count_nonzero(np.isfinite(flat)))
        raise ValueError(f"flat contains {bad} NaN or infinite value(s); all {expected} parameters must be finite")
    start = 0
    for variable in variables:
        end = start + _size(variable)
        variable.assign(flat[start:end].reshape(tuple(variable.shape)))
        start = end
