"""The five two-dimensional toy problems of the course, with a difficulty knob that changes each one."""
from __future__ import annotations

import numpy as np
from sklearn import datasets

from .validation import check_choice, check_float, check_int

PROBLEMS = ("classification", "blobs", "gaussian quantiles", "moons", "circles")
SAMPLES_RANGE = (100, 1000)
DIFFICULTY_RANGE = (1, 5)

# One row per problem: what difficulty 1..5 sets (index difficulty - 1).
_CLASS_SEPARATION = (2.0, 1.4, 1.0, 0.7, 0.45)  # classification: distance between the class clusters
_LABEL_FLIP = (0.0, 0.02, 0.04, 0.07, 0.10)  # classification: fraction of labels flipped at random
_BLOB_SPREAD = (0.6, 1.0, 1.5, 2.2, 3.0)  # blobs: standard deviation of each blob
_QUANTILE_JITTER = (0.0, 0.15, 0.3, 0.45, 0.6)  # gaussian quantiles: noise added after labelling
_MOON_NOISE = (0.05, 0.12, 0.2, 0.28, 0.36)  # moons: noise on each point
_CIRCLE_NOISE = (0.05, 0.08, 0.11, 0.14, 0.17)  # circles: noise on each point
_CIRCLE_FACTOR = (0.5, 0.55, 0.6, 0.65, 0.7)  # circles: inner radius / outer radius


def make_problem(problem: str, number_samples: int, difficulty: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Generate one of the course's toy problems.

    Args:
        problem: one of ``PROBLEMS``: "classification", "blobs", "gaussian quantiles", "moons", "circles".
        number_samples: number of points, 100 to 1000.
        difficulty: 1 (easy) to 5 (hard); raises noise, overlap or label flips for every problem.
        seed: non-negative integer; the same seed gives the same data.

    Returns:
        ``(X, Y)``: ``X`` of shape ``(number_samples, 2)`` (float), ``Y`` of shape ``(number_samples,)`` with
        labels 0 and 1.

    Raises:
        ValueError: naming the parameter and its valid range or choices.
    """
    problem = check_choice("problem", problem, PROBLEMS)
    n = check_int("number_samples", number_samples, *SAMPLES_RANGE)
    level = check_int("difficulty", difficulty, *DIFFICULTY_RANGE) - 1
    seed = check_int("seed", seed, 0, 2**32 - 1)
    rng = np.random.default_rng(seed)
    if problem == "classification":
        X, Y = datasets.make_classification(
            n_samples=n, n_features=2, n_redundant=0, n_informative=2, n_clusters_per_class=1,
            class_sep=_CLASS_SEPARATION[level], flip_y=_LABEL_FLIP[level], random_state=seed)
    elif problem == "blobs":
        X, Y = datasets.make_blobs(n_samples=n, centers=[(-1.5, -1.5), (1.5, 1.5)],
                                   cluster_std=_BLOB_SPREAD[level], random_state=seed)
    elif problem == "gaussian quantiles":
        X, Y = datasets.make_gaussian_quantiles(n_samples=n, n_features=2, n_classes=2, random_state=seed)
        X = X + rng.normal(0.0, _QUANTILE_JITTER[level], X.shape)
    elif problem == "moons":
        X, Y = datasets.make_moons(n_samples=n, noise=_MOON_NOISE[level], random_state=seed)
    else:
        X, Y = datasets.make_circles(n_samples=n, noise=_CIRCLE_NOISE[level], factor=_CIRCLE_FACTOR[level],
                                     random_state=seed)
    return X.astype(float), Y.astype(int)


def split_and_scale(X: np.ndarray, Y: np.ndarray, test_fraction: float = 0.3, seed: int = 0
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stratified train/test split, then standardise both with the training split's mean and s.d.

    Returns ``(X_train, X_test, Y_train, Y_test)``. The test split never influences the scaling.
    """
    from sklearn.model_selection import train_test_split

    test_fraction = check_float("test_fraction", test_fraction, 0.05, 0.9)
    X_train, X_test, Y_train, Y_test = train_test_split(
        X, Y, test_size=test_fraction, random_state=check_int("seed", seed, 0, 2**32 - 1), stratify=Y)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0
    return (X_train - mean) / std, (X_test - mean) / std, Y_train, Y_test


def problem_splits(problem: str, number_samples: int, difficulty: int, seed: int = 0, test_fraction: float = 0.3
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Notebook 01's two data steps in one call: :func:`make_problem`, then :func:`split_and_scale`, one seed.

    Prints the sizes of the splits and returns ``(X_train, X_test, Y_train, Y_test)``. Notebooks 02-04 use it:
    their evolution sees only the training split, the test split scores the final genome.
    """
    X, Y = make_problem(problem, number_samples, difficulty, seed)
    X_train, X_test, Y_train, Y_test = split_and_scale(X, Y, test_fraction=test_fraction, seed=seed)
    print(f"{problem!r}, difficulty {difficulty}: {len(X_train)} training points (evolution sees only these), "
          f"{len(X_test)} held-out test points")
    return X_train, X_test, Y_train, Y_test
