"""The course's running example: a NumPy multilayer perceptron (tanh hidden layer, sigmoid output).

Its weights live in one flat parameter vector, so the same network can be trained by backprop
(:meth:`MLP.train`) or have its vector evolved (:meth:`MLP.set_parameters`), and a whole population of
vectors can be run at once (:meth:`MLP.forward_population`). The math itself — forward pass, backprop
gradients, Adam — is taught and written once, in notebook 01 (:mod:`edl_lessons.l01_backprop`,
generated from its ``#@save`` cells); this class holds the weights, checks its inputs and adds the plumbing.
"""
from __future__ import annotations

import numpy as np

from edl_lessons.l01_backprop import forward_pass, sigmoid, train_backprop
from .validation import check_finite_array, check_float, check_int


class MLP:
    """``n_inputs -> middle_layer (tanh) -> 1 (sigmoid)`` binary classifier.

    The flat parameter vector is ``[W1 (n_inputs x middle_layer), b1, W2 (middle_layer), b2]``. Weights start
    with LeCun's normal initialisation, ``N(0, 1/fan_in)`` (seeded by ``seed``); biases start at zero.
    """

    def __init__(self, n_inputs: int = 2, middle_layer: int = 10, seed: int = 0) -> None:
        self.n_inputs = check_int("n_inputs", n_inputs, 1)
        self.middle_layer = check_int("middle_layer", middle_layer, 1, 1024)
        rng = np.random.default_rng(check_int("seed", seed, 0, 2**32 - 1))
        # LeCun normal initialisation (variance 1/fan-in; Glorot's would be 2/(fan-in + fan-out)): small enough
        # that tanh is not saturated, different enough between hidden units to break their symmetry.
        self.W1 = rng.normal(0.0, np.sqrt(1.0 / self.n_inputs), (self.n_inputs, self.middle_layer))
        self.b1 = np.zeros(self.middle_layer)
        self.W2 = rng.normal(0.0, np.sqrt(1.0 / self.middle_layer), self.middle_layer)
        self.b2 = np.zeros(1)

    @property
    def n_parameters(self) -> int:
        """Number of weights and biases, i.e. the length of the parameter vector (the genome)."""
        return self.n_inputs * self.middle_layer + 2 * self.middle_layer + 1

    def get_parameters(self) -> np.ndarray:
        """A copy of all weights and biases as one flat vector."""
        return np.concatenate([self.W1.ravel(), self.b1, self.W2, self.b2])

    def set_parameters(self, flat: np.ndarray) -> None:
        """Load weights and biases from one flat vector of length :attr:`n_parameters` (copied: training the
        network later never changes the caller's vector)."""
        flat = check_finite_array("flat", flat)
        if flat.shape != (self.n_parameters,):
            raise ValueError(f"set_parameters needs a vector of {self.n_parameters} numbers for this "
                             f"{self.n_inputs}-{self.middle_layer}-1 MLP, got shape {flat.shape}")
        W1, b1, W2, b2 = self._unflatten(np.array(flat, dtype=float)[None, :])
        self.W1, self.b1, self.W2, self.b2 = W1[0], b1[0], W2[0], b2[0]

    def _unflatten(self, population: np.ndarray) -> tuple[np.ndarray, ...]:
        """Split a ``(P, n_parameters)`` array into stacked ``W1, b1, W2, b2`` (views, no copies)."""
        i, h = self.n_inputs, self.middle_layer
        ends = np.cumsum([i * h, h, h, 1])
        return (population[:, :ends[0]].reshape(-1, i, h), population[:, ends[0]:ends[1]],
                population[:, ends[1]:ends[2]], population[:, ends[2]:ends[3]])

    def _check_inputs(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (n_samples, {self.n_inputs}), got {X.shape}")
        return X

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Probability of class 1 for each row of ``X``: shape ``(n_samples,)``."""
        return forward_pass(self._check_inputs(X), self.W1, self.b1, self.W2, self.b2)[1]

    def forward_population(self, population: np.ndarray, X: np.ndarray, dtype: type = np.float32,
                           chunk: int = 64) -> np.ndarray:
        """Outputs of every parameter vector in ``population`` in one vectorised pass.

        Args:
            population: ``(P, n_parameters)`` array (or a list of P vectors, e.g. DEAP individuals).
            X: ``(n_samples, n_inputs)`` inputs.
            dtype: ``np.float32`` (default, like Keras and PyTorch: about 4x faster, since NumPy's
                float32 ``tanh`` is vectorised: ``benchmarks/population_eval.py``) or ``np.float64`` for agreement with :meth:`forward`
                to ~1e-15 instead of ~1e-7.
            chunk: individuals processed together; keeps the working set in the CPU cache.

        Returns:
            ``(P, n_samples)`` probabilities; row ``p`` equals ``set_parameters(population[p]); forward(X)``
            to floating-point precision of ``dtype``.
        """
        X = self._check_inputs(X)
        population = np.asarray(population, dtype=dtype)
        if population.ndim != 2 or population.shape[1] != self.n_parameters:
            raise ValueError(f"population must have shape (P, {self.n_parameters}), got {population.shape}")
        i, h, n = self.n_inputs, self.middle_layer, len(X)
        X_columns = np.ascontiguousarray(X.T, dtype=dtype)                # (i, n)
        outputs = np.empty((len(population), n), dtype=dtype)
        for start in range(0, len(population), chunk):
            W1, b1, W2, b2 = self._unflatten(population[start:start + chunk])
            k = len(W1)
            # All k*h hidden units of the chunk in one matrix product: rows are (individual, unit) pairs.
            hidden = W1.transpose(0, 2, 1).reshape(k * h, i) @ X_columns  # (k*h, n)
            hidden += b1.reshape(k * h, 1)
            np.tanh(hidden, out=hidden)
            logits = np.matmul(W2[:, None, :], hidden.reshape(k, h, n))[:, 0, :] + b2
            outputs[start:start + k] = sigmoid(logits)
        return outputs

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class labels (0 or 1) for each row of ``X``."""
        return (self.forward(X) >= 0.5).astype(int)

    def accuracy(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Fraction of rows of ``X`` classified as ``Y``."""
        return float(np.mean(self.predict(X) == np.asarray(Y)))

    def train(self, X: np.ndarray, Y: np.ndarray, epochs: int = 2000, learning_rate: float = 0.02) -> list[float]:
        """Backprop: full-batch gradient descent with Adam on the binary cross-entropy — notebook 01's
        ``train_backprop``, after checking the arguments.

        Returns the training loss of every epoch (measured before that epoch's update).
        """
        X = self._check_inputs(X)
        Y = check_finite_array("Y", Y, ndim=1)
        if len(Y) != len(X):
            raise ValueError(f"X has {len(X)} rows but Y has {len(Y)} labels")
        epochs = check_int("epochs", epochs, 1, 1_000_000)
        learning_rate = check_float("learning_rate", learning_rate, 1e-6, 10.0)
        return train_backprop(self, X, Y, epochs, learning_rate)
