"""Plumbing for long loops: progress bars and keeping the best result when a learner interrupts."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterable, Iterator, TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(iterable: Iterable[T], total: int | None = None, description: str = "") -> Iterator[T]:
    """A progress bar over ``iterable`` (a widget in Jupyter/Colab, text elsewhere)."""
    return iter(tqdm(iterable, total=total, desc=description, mininterval=0.5))


@contextmanager
def stop_on_interrupt(what: str = "the loop") -> Iterator[None]:
    """Let a learner stop a long loop with Interrupt (Ctrl-C / the stop button) and carry on.

    Whatever the loop stored before the interrupt (the best individual so far, the history) is kept,
    so the following cells still run.
    """
    try:
        yield
    except KeyboardInterrupt:
        print(f"Interrupted: {what} stopped early; everything found so far is kept.")
