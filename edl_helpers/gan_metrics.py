"""How good are a generator's samples? Scores computed from an independent classifier's outputs.

Everything here is NumPy: the notebook runs its classifier over the images (in batches) and passes the
class probabilities ``(n, k)`` and the penultimate-layer features ``(n, d)`` in.

* :func:`classifier_score` - the Inception-score analogue ``exp E_x[KL(p(y|x) || p(y))]``: from 1 (every
  sample gets the same class distribution) to ``k`` (confident, and every class equally often).
* :func:`frechet_distance` - the Frechet distance between Gaussians fitted to two feature sets (FID's formula
  in the classifier's feature space); 0 for identical statistics.
* :func:`class_fractions`, :func:`classes_covered` - how often each class is predicted, and how many reach a
  threshold share (a collapsed generator covers one class).
* :func:`mean_confidence` - the mean of the top class probability.
* :func:`feature_diversity` - how spread out a sample is in the classifier's feature space, relative to real
  data (1: as varied as real data, 0: every sample the same).
* :func:`nearest_neighbours` - the closest reference image of each sample (are samples copies?).
* :func:`in_batches` - apply a function to a large array batch by batch and concatenate the outputs.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .validation import check_float, check_int


def _probabilities(probabilities: np.ndarray) -> np.ndarray:
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or probabilities.shape[0] == 0 or probabilities.shape[1] < 2:
        raise ValueError(f"probabilities must have shape (n_samples > 0, n_classes >= 2), got {probabilities.shape}")
    if not np.all(np.isfinite(probabilities)) or probabilities.min() < 0:
        raise ValueError("probabilities must be finite and non-negative")
    sums = probabilities.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-3):
        raise ValueError(f"each row of probabilities must sum to 1 (found sums from {sums.min():.4g} to {sums.max():.4g})")
    return probabilities / sums[:, None]


def classifier_score(probabilities: np.ndarray, eps: float = 1e-12) -> float:
    """``exp(mean_x KL(p(y|x) || p(y)))`` where ``p(y)`` is the mean of the rows (the Inception score's formula).

    High when each sample is classified confidently (sharp ``p(y|x)``) AND the classes are used evenly (flat
    ``p(y)``); at most ``n_classes``.
    """
    p = _probabilities(probabilities)
    marginal = p.mean(axis=0)
    kl = np.sum(p * (np.log(p + eps) - np.log(marginal + eps)), axis=1)
    return float(np.exp(kl.mean()))


def class_fractions(probabilities: np.ndarray) -> np.ndarray:
    """Share of samples whose most probable class is each class: ``(n_classes,)``, sums to 1."""
    p = _probabilities(probabilities)
    return np.bincount(p.argmax(axis=1), minlength=p.shape[1]) / len(p)


def classes_covered(probabilities: np.ndarray, threshold: float = 0.05) -> int:
    """How many classes are the predicted class of at least ``threshold`` of the samples."""
    threshold = check_float("threshold", threshold, 0.0, 1.0)
    return int(np.sum(class_fractions(probabilities) >= threshold - 1e-12))


def mean_confidence(probabilities: np.ndarray) -> float:
    """Mean over samples of the top class probability (how sure the classifier is)."""
    return float(_probabilities(probabilities).max(axis=1).mean())


def _features(name: str, features: np.ndarray) -> np.ndarray:
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"{name} must have shape (n_samples >= 2, n_features), got {features.shape}")
    if not np.all(np.isfinite(features)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return features


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """Symmetric square root of a symmetric positive semi-definite matrix (tiny negative eigenvalues -> 0)."""
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to two feature sets ``(n_a, d)`` and ``(n_b, d)``.

    ``||mu_a - mu_b||^2 + tr(C_a + C_b - 2 (C_a^1/2 C_b C_a^1/2)^1/2)``, computed with symmetric eigen-
    decompositions (stable, never complex). 0 when both sets have the same mean and covariance.
    """
    a, b = _features("features_a", features_a), _features("features_b", features_b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"feature sets must have the same width, got {a.shape[1]} and {b.shape[1]}")
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False).reshape(a.shape[1], -1), np.cov(b, rowvar=False).reshape(b.shape[1], -1)
    root_a = _sqrt_psd(cov_a)
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0.0, None)).sum()
    value = float(np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2.0 * cross)
    return max(value, 0.0)


def feature_diversity(features: np.ndarray, reference_features: np.ndarray) -> float:
    """The mean per-feature standard deviation of ``features`` ``(n, d)`` over that of ``reference_features``.

    1 when a sample is as spread out in the classifier's feature space as the reference (real data), 0 when
    every sample has the same features (a collapsed generator). Measured in the features of a digit
    classifier rather than in pixels, variety counts only where it changes what the classifier sees.
    """
    sample, reference = _features("features", features), _features("reference_features", reference_features)
    if sample.shape[1] != reference.shape[1]:
        raise ValueError(f"feature sets must have the same width, got {sample.shape[1]} and {reference.shape[1]}")
    spread = reference.std(axis=0).mean()
    if spread == 0:
        raise ValueError("reference_features do not vary: no yardstick for diversity")
    return float(sample.std(axis=0).mean() / spread)


def nearest_neighbours(samples: np.ndarray, reference: np.ndarray, chunk: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """For each sample, the index of its nearest reference image and the Euclidean distance to it.

    Images of any shape are flattened; distances are computed chunk by chunk in float32
    (``||a||^2 + ||b||^2 - 2 a.b``). Returns ``(distances (n,), indices (n,))``.
    """
    samples = np.asarray(samples, dtype=np.float32).reshape(len(samples), -1)
    reference = np.asarray(reference, dtype=np.float32).reshape(len(reference), -1)
    if samples.shape[1] != reference.shape[1] or len(reference) == 0:
        raise ValueError(f"samples and reference must be non-empty images of the same size, got "
                         f"{samples.shape[1]} and {reference.shape[1] if reference.size else 0} values per image")
    chunk = check_int("chunk", chunk, 1)
    reference_norms = np.sum(reference ** 2, axis=1)
    distances, indices = np.empty(len(samples), dtype=np.float32), np.empty(len(samples), dtype=np.int64)
    for start in range(0, len(samples), chunk):
        block = samples[start:start + chunk]
        squared = np.sum(block ** 2, axis=1)[:, None] + reference_norms[None, :] - 2.0 * block @ reference.T
        best = squared.argmin(axis=1)
        indices[start:start + len(block)] = best
        distances[start:start + len(block)] = np.sqrt(np.clip(squared[np.arange(len(block)), best], 0.0, None))
    return distances, indices


def in_batches(function: Callable[[np.ndarray], object], data: np.ndarray,
               batch_size: int = 1000) -> np.ndarray | tuple[np.ndarray, ...]:
    """``function`` applied to ``data`` in batches of ``batch_size`` rows, outputs concatenated along axis 0.

    ``function`` may return one array or a tuple of arrays (e.g. probabilities and features); the result has
    the same structure. Tensors are converted with ``np.asarray``.
    """
    batch_size = check_int("batch_size", batch_size, 1)
    if len(data) == 0:
        raise ValueError("data is empty")
    parts: list[tuple[np.ndarray, ...]] = []
    single = False
    for start in range(0, len(data), batch_size):
        out = function(data[start:start + batch_size])
        single = not isinstance(out, (tuple, list))
        parts.append((np.asarray(out),) if single else tuple(np.asarray(item) for item in out))
    joined = tuple(np.concatenate(items, axis=0) for items in zip(*parts))
    return joined[0] if single else joined


def quality(probabilities: np.ndarray, features: np.ndarray, reference_features: np.ndarray,
            threshold: float = 0.05) -> dict[str, float]:
    """All four scores of one sample: ``classifier_score``, ``fid`` (against ``reference_features``),
    ``classes_covered`` (at ``threshold``) and ``mean_confidence``."""
    return {"classifier_score": classifier_score(probabilities),
            "fid": frechet_distance(features, reference_features),
            "classes_covered": classes_covered(probabilities, threshold),
            "mean_confidence": mean_confidence(probabilities)}
