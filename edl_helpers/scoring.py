"""Scores for a whole population at once: one row of probabilities per individual."""
from __future__ import annotations

import numpy as np


def population_accuracy(probabilities: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Accuracy of each row of a ``(P, n)`` probability array against labels ``Y`` (threshold 0.5)."""
    return np.mean((np.asarray(probabilities) >= 0.5) == np.asarray(Y, dtype=bool), axis=-1)


def population_log_loss(probabilities: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Binary cross-entropy of each row of a ``(P, n)`` probability array (clipped, never infinite)."""
    p = np.clip(np.asarray(probabilities, dtype=float), 1e-7, 1 - 1e-7)
    Y = np.asarray(Y, dtype=float)
    return -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p), axis=-1)
