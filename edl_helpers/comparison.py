"""Paired comparisons over seeds: the mean difference with a t-interval, and a verdict that calls a tie a tie.

Two methods run on the same seeds (same data, same starting draw where that applies) give one difference
per seed; the mean of those differences and its 95 % t-interval say whether the seeds can tell the methods
apart. An interval that contains 0 is a **tie**.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class PairedDifference:
    """Mean of per-seed differences ``a - b`` and its t-interval ``[low, high]`` over ``n`` seeds."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width (infinite with fewer than two seeds: no interval)."""
        return (self.high - self.low) / 2

    @property
    def tie(self) -> bool:
        """True when the interval contains 0 (or there is no interval): the seeds cannot tell a from b."""
        return not (self.low > 0 or self.high < 0)

    def verdict(self, above: str, below: str, tie: str = "tie") -> str:
        """``tie``, or ``above`` when a − b is surely positive, ``below`` when surely negative."""
        return tie if self.tie else above if self.mean > 0 else below

    def __str__(self) -> str:
        return f"{self.mean:+.4f} [{self.low:+.4f}, {self.high:+.4f}]"


def paired_difference(differences: Sequence[float], confidence: float = 0.95) -> PairedDifference:
    """The mean of paired ``differences`` (one per seed) with its ``confidence`` t-interval.

    With fewer than two differences there is no interval: ``low``/``high`` are infinite, which reads as a tie.
    """
    from scipy import stats

    values = np.asarray(differences, dtype=float)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(f"differences must be a non-empty list of numbers, got shape {values.shape}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), got {confidence}")
    mean = float(values.mean())
    if len(values) < 2:
        return PairedDifference(mean, -np.inf, np.inf, len(values))
    half_width = float(stats.t.ppf(0.5 + confidence / 2, len(values) - 1) * stats.sem(values))
    return PairedDifference(mean, mean - half_width, mean + half_width, len(values))
