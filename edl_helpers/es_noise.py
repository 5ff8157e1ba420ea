"""The shared noise table of an OpenAI-style evolution strategy (Salimans et al. 2017), as used in notebook 06.

Standard-normal numbers are drawn once into a table. A perturbation ε of ``n_parameters`` weights is the
slice ``table[offset : offset + n_parameters]``; every member of every generation gets **its own** random
offset, so a generation costs ``count`` integers instead of ``count × n_parameters`` normal draws, and
consecutive generations get fresh directions whatever the population size::

    from edl_helpers.es_noise import NoiseTable
    table = NoiseTable(n_parameters, seed=0)
    offsets = table.draw(rng, count)                        # one offset per member
    E1, rest = table.first_layer_and_rest(offsets, 784, h)  # the layout of notebook 06's batched pass

A table too short for ``n_parameters`` would leave few distinct offsets, and the same perturbations would
come back generation after generation; the constructor refuses it.
"""
from __future__ import annotations

import numpy as np

from .validation import check_int

DEFAULT_SIZE = 2**24  # 16.8 million float32 numbers: 64 MB
MIN_PERTURBATIONS = 100  # the table must hold this many non-overlapping perturbations


class NoiseTable:
    """``size`` standard-normal float32 numbers drawn once (seeded); perturbations are slices of it.

    Raises ``ValueError`` unless the table holds at least ``MIN_PERTURBATIONS`` non-overlapping
    perturbations of ``n_parameters`` numbers, which leaves ``size - n_parameters + 1`` distinct offsets.
    """

    def __init__(self, n_parameters: int, seed: int, size: int = DEFAULT_SIZE) -> None:
        self.n_parameters = check_int("n_parameters", n_parameters, 1)
        size = check_int("size", size, 1)
        if size < MIN_PERTURBATIONS * self.n_parameters:
            raise ValueError(
                f"a noise table of {size:,} numbers holds fewer than {MIN_PERTURBATIONS} perturbations of "
                f"{self.n_parameters:,} parameters, so generations would reuse the same noise: "
                f"use size >= {MIN_PERTURBATIONS * self.n_parameters:,}")
        self.table = np.random.default_rng(seed).standard_normal(size, dtype=np.float32)

    @property
    def distinct_offsets(self) -> int:
        """How many different perturbations the table can give (one per possible offset)."""
        return len(self.table) - self.n_parameters + 1

    def draw(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """``count`` independent uniform offsets, one per member (int64, each in ``[0, distinct_offsets)``)."""
        count = check_int("count", count, 1)
        return rng.integers(0, self.distinct_offsets, count)

    def perturbations(self, offsets: np.ndarray) -> np.ndarray:
        """The perturbations at ``offsets`` as a ``(count, n_parameters)`` array (a copy)."""
        return np.stack([self.table[offset:offset + self.n_parameters] for offset in offsets])

    def first_layer_and_rest(self, offsets: np.ndarray, n_inputs: int, n_hidden: int) -> tuple[np.ndarray, np.ndarray]:
        """The perturbations at ``offsets``, split for a batched first-layer product.

        Each perturbation starts with a first kernel of ``n_inputs × n_hidden`` numbers (row by row, as in
        Keras' layout). Returns ``E1`` of shape ``(n_inputs, count * n_hidden)``, the first kernels side by
        side (member ``q`` owns columns ``q * n_hidden`` to ``q * n_hidden + n_hidden - 1``), so that
        ``X @ E1`` perturbs the first layer of every member in one matrix product, and ``rest`` of shape
        ``(count, n_parameters - n_inputs * n_hidden)``: each member's remaining numbers.
        """
        n_first = n_inputs * n_hidden
        if n_first > self.n_parameters:
            raise ValueError(f"a first kernel of {n_inputs} x {n_hidden} does not fit in {self.n_parameters} parameters")
        first = np.empty((n_inputs, len(offsets), n_hidden), dtype=np.float32)
        rest = np.empty((len(offsets), self.n_parameters - n_first), dtype=np.float32)
        for member, offset in enumerate(offsets):
            first[:, member, :] = self.table[offset:offset + n_first].reshape(n_inputs, n_hidden)
            rest[member] = self.table[offset + n_first:offset + self.n_parameters]
        return first.reshape(n_inputs, len(offsets) * n_hidden), rest
