"""Argument checks that fail early with a message naming the parameter and its valid range."""
from __future__ import annotations

import numbers
from typing import Iterable

import numpy as np


def check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is a whole number in ``[low, high]``.

    Raises ``ValueError`` naming ``name`` and the valid range otherwise (bools are refused).
    """
    upper = "" if high is None else f" to {high}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number from {low}{upper}, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be a whole number from {low}{upper}, got {value}")
    return value


def check_float(name: str, value: object, low: float, high: float) -> float:
    """Return ``value`` as a ``float`` if it is a finite number in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(float(value)):
        raise ValueError(f"{name} must be a number from {low} to {high}, got {value!r}")
    value = float(value)
    if not low <= value <= high:
        raise ValueError(f"{name} must be a number from {low} to {high}, got {value}")
    return value


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise raise ``ValueError`` listing them."""
    options = list(choices)
    if value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return str(value)


def check_finite_array(name: str, array: object, ndim: int | None = None) -> np.ndarray:
    """Return ``array`` as a float ndarray, refusing NaN/inf values and a wrong number of dimensions."""
    try:
        result = np.asarray(array, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric: {error}") from None
    if ndim is not None and result.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {result.shape}")
    if not np.all(np.isfinite(result)):
        bad = int(np.size(result) - np.count_nonzero(np.isfinite(result)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s)")
    return result
