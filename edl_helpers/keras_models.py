"""Keras models the course uses in more than one place (notebook 05, its benchmark, the tests)."""
from __future__ import annotations

from typing import Sequence

import keras

from .validation import check_int


def toy_classifier(n_inputs: int = 2, hidden: Sequence[int] = (16, 32), activation: str = "relu") -> keras.Model:
    """``n_inputs -> hidden... (activation) -> 1 (sigmoid)`` binary classifier; the default has 625 parameters."""
    layers = [keras.Input(shape=(check_int("n_inputs", n_inputs, 1),))]
    layers += [keras.layers.Dense(check_int("hidden", width, 1), activation=activation) for width in hidden]
    layers.append(keras.layers.Dense(1, activation="sigmoid"))
    return keras.Sequential(layers)
