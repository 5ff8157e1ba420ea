"""Quick mode: the one place that reads ``EDL_QUICK``.

CI runs every notebook with ``EDL_QUICK=1``: populations, generations, epochs and data shrink, but
no cell is skipped. Notebooks wrap every size in :func:`pick`.
"""
from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")

QUICK_VARIABLE = "EDL_QUICK"


def is_quick() -> bool:
    """True when the environment variable ``EDL_QUICK`` is set to a true value (1/true/yes/on)."""
    return os.environ.get(QUICK_VARIABLE, "").strip().lower() in {"1", "true", "yes", "on"}


def pick(full: T, quick: T) -> T:
    """Return ``quick`` in quick mode (``EDL_QUICK=1``), ``full`` otherwise."""
    return quick if is_quick() else full
