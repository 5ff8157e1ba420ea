"""One call to seed every random number generator the course uses."""
from __future__ import annotations

import random
import sys

import numpy as np

from .validation import check_int


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python's ``random``, NumPy's global generator and, if imported, TensorFlow/Keras.

    DEAP draws from Python's ``random``, so this makes a DEAP run repeatable too. Returns a fresh
    ``numpy.random.Generator`` seeded with ``seed`` for code that prefers an explicit generator.
    """
    seed = check_int("seed", seed, 0, 2**32 - 1)
    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)
    elif "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.random.set_seed(seed)
    return np.random.default_rng(seed)
