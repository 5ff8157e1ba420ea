"""The shared noise table of an OpenAI-style evolution strategy (Salimans et al. 2017), as used in notebook 06.

Standard-normal numbers are drawn once into a table. A perturbation of ``length`` numbers is the slice
``table[offset : offset + length]``; every member of every generation gets **its own** random offset, so a
generation costs ``count`` integers instead of ``count × length`` normal draws, and consecutive generations
get fresh directions whatever the population size::

    from edl_helpers.es_noise import NoiseTable, low_rank_length
    table = NoiseTable(low_rank_length(784, h, n_parameters), seed=0)
    offsets = table.draw(rng, count)                        # one offset per member
    A, B, rest = table.low_rank_first_layer(offsets, 784, h)  # the layout of notebook 06's batched pass

Notebook 06 perturbs the first kernel (``n_inputs × n_hidden`` weights) with a rank-one matrix ``a bᵀ``
(``a``: ``n_inputs`` numbers, ``b``: ``n_hidden``) and the remaining weights with one number each, so a
perturbation holds ``n_inputs + n_hidden + (n_parameters - n_inputs * n_hidden)`` numbers
(:func:`low_rank_length`). A table too short for ``length`` would leave few distinct offsets, and the same
perturbations would come back generation after generation; the constructor refuses it.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .validation import check_int

DEFAULT_SIZE = 2**24  # 16.8 million float32 numbers: 64 MB
MIN_PERTURBATIONS = 100  # the table must hold this many non-overlapping perturbations


def low_rank_length(n_inputs: int, n_hidden: int, n_parameters: int) -> int:
    """Numbers in one perturbation whose first kernel (``n_inputs × n_hidden``) is the rank-one ``a bᵀ``.

    ``a`` and ``b`` take ``n_inputs + n_hidden`` numbers, the other ``n_parameters - n_inputs * n_hidden``
    parameters one number each. Raises ``ValueError`` if the first kernel does not fit in ``n_parameters``.
    """
    n_inputs, n_hidden = check_int("n_inputs", n_inputs, 1), check_int("n_hidden", n_hidden, 1)
    n_parameters = check_int("n_parameters", n_parameters, 1)
    if n_inputs * n_hidden > n_parameters:
        raise ValueError(f"a first kernel of {n_inputs} x {n_hidden} does not fit in {n_parameters} parameters")
    return n_inputs + n_hidden + n_parameters - n_inputs * n_hidden


class NoiseTable:
    """``size`` standard-normal float32 numbers drawn once (seeded); perturbations are slices of ``length``.

    Raises ``ValueError`` unless the table holds at least ``MIN_PERTURBATIONS`` non-overlapping
    perturbations of ``length`` numbers, which leaves ``size - length + 1`` distinct offsets.
    """

    def __init__(self, length: int, seed: int, size: int = DEFAULT_SIZE) -> None:
        self.length = check_int("length", length, 1)
        size = check_int("size", size, 1)
        if size < MIN_PERTURBATIONS * self.length:
            raise ValueError(
                f"a noise table of {size:,} numbers holds fewer than {MIN_PERTURBATIONS} perturbations of "
                f"{self.length:,} numbers, so generations would reuse the same noise: "
                f"use size >= {MIN_PERTURBATIONS * self.length:,}")
        self.table = np.random.default_rng(seed).standard_normal(size, dtype=np.float32)

    @property
    def distinct_offsets(self) -> int:
        """How many different perturbations the table can give (one per possible offset)."""
        return len(self.table) - self.length + 1

    def draw(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """``count`` independent uniform offsets, one per member (int64, each in ``[0, distinct_offsets)``)."""
        count = check_int("count", count, 1)
        return rng.integers(0, self.distinct_offsets, count)

    def perturbations(self, offsets: np.ndarray) -> np.ndarray:
        """The perturbations at ``offsets`` as a ``(count, length)`` array (a copy)."""
        return sliding_window_view(self.table, self.length)[np.asarray(offsets)]

    def low_rank_first_layer(self, offsets: np.ndarray, n_inputs: int,
                             n_hidden: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The perturbations at ``offsets``, split for a rank-one first kernel.

        Each perturbation is ``a`` (``n_inputs`` numbers), ``b`` (``n_hidden``), then the noise of the other
        parameters. Returns ``A`` of shape ``(n_inputs, count)`` (member ``q``'s ``a`` in column ``q``, so that
        ``X @ A`` projects the images on every member's ``a`` in one product), ``B`` of shape
        ``(count, n_hidden)`` and ``rest`` of shape ``(count, length - n_inputs - n_hidden)``. Member ``q``'s
        first-kernel noise is the outer product ``np.outer(A[:, q], B[q])``.
        """
        n_inputs, n_hidden = check_int("n_inputs", n_inputs, 1), check_int("n_hidden", n_hidden, 1)
        if n_inputs + n_hidden > self.length:
            raise ValueError(f"a and b ({n_inputs} + {n_hidden} numbers) do not fit in a perturbation of "
                             f"{self.length} numbers")
        noise = self.perturbations(offsets)
        return (np.ascontiguousarray(noise[:, :n_inputs].T), noise[:, n_inputs:n_inputs + n_hidden],
                noise[:, n_inputs + n_hidden:])
