"""Plumbing for long loops: progress bars, and what the Stop button (■, Interrupt) does.

The rule of the course: **one press of Stop ends the whole cell and keeps what finished.**

* A single run (one GA, one ES, ...) wraps its generation loop in :func:`stop_on_interrupt`; an
  interrupt ends that loop, the run returns the best found so far and says so
  (``stop.interrupted`` → the run's ``interrupted`` field).
* A cell that runs several seeds or settings goes through :func:`run_each`: it stops at the first
  interrupted run — whether the run caught the interrupt itself or the interrupt arrived between runs —
  keeps every result that finished, and marks the cut-short one as interrupted.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")
R = TypeVar("R")


def progress(iterable: Iterable[T], total: int | None = None, description: str = "") -> Iterator[T]:
    """A progress bar over ``iterable`` (a widget in Jupyter/Colab, text elsewhere).

    A loop that leaves early (an early stop's ``break``, or Stop) counts the item it was working on and closes
    the bar as finished at that count, not in the red "danger" style of an unfinished bar: the printed
    messages say why the loop ended.
    """
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    bar = tqdm(total=total, desc=description, mininterval=0.5)
    try:
        for item in iterable:
            yield item
            bar.update(1)
    except GeneratorExit:  # the consumer left the loop while working on ``item``
        bar.update(1)
        bar.total = bar.n
        bar.refresh()
        raise
    finally:
        bar.close()


@dataclass
class Stop:
    """Set by :func:`stop_on_interrupt`: ``interrupted`` is True once the learner pressed Stop."""

    interrupted: bool = False


@contextmanager
def stop_on_interrupt(what: str = "the loop") -> Iterator[Stop]:
    """Let a learner stop a long loop with Interrupt (Ctrl-C / the Stop button ■) and keep what it found.

    ``with edl.stop_on_interrupt("the GA") as stop: ...`` — after the block, ``stop.interrupted`` tells
    whether the loop was cut short; a run reports it (its ``interrupted`` field) so that a cell running
    several runs (:func:`run_each`) ends at once instead of moving on to the next one.
    """
    stop = Stop()
    try:
        yield stop
    except KeyboardInterrupt:
        stop.interrupted = True
        print(f"Interrupted: {what} stopped early; everything found so far is kept.")


@dataclass
class Outcome:
    """One item of :func:`run_each`: its input, what the run returned (``None`` if it never returned)."""

    item: Any
    result: Any
    interrupted: bool = False


def run_each(run: Callable[[T], R], items: Iterable[T], description: str = "",
             show_progress: bool = True) -> list[Outcome]:
    """``run(item)`` for every item, in order, with one progress bar; one Stop ends them all.

    Returns an :class:`Outcome` per run that started. When a run reports ``interrupted`` (it caught the
    interrupt itself and returned its best so far) or an interrupt arrives while it runs, that run is kept,
    marked ``interrupted=True``, and no further run starts. Callers summarise the finished runs only
    (``[o for o in outcomes if not o.interrupted]``) and say that the cell was cut short.
    """
    items = list(items)
    outcomes: list[Outcome] = []
    loop = progress(items, description=description) if show_progress else iter(items)
    try:
        for item in loop:
            try:
                result = run(item)
            except KeyboardInterrupt:
                outcomes.append(Outcome(item, None, interrupted=True))
                break
            interrupted = bool(getattr(result, "interrupted", False))
            outcomes.append(Outcome(item, result, interrupted))
            if interrupted:
                break
    except KeyboardInterrupt:  # between two runs
        pass
    finally:
        if hasattr(loop, "close"):
            loop.close()
    if outcomes and outcomes[-1].interrupted or len(outcomes) < len(items):
        finished = sum(not o.interrupted for o in outcomes)
        print(f"Interrupted: {finished} of {len(items)} runs finished and are kept; the rest did not run.")
    return outcomes


class Plateau:
    """Early stop on a fitness plateau: no improvement of the best fitness by more than ``min_delta`` for
    ``patience`` consecutive generations.

    Unlike stopping at 100 % training accuracy, this keeps improving the margin that the smooth part of the
    fitness (the log-loss) still rewards after every training point is right. ``update(best_fitness)``
    returns True when the run should stop.
    """

    def __init__(self, patience: int, min_delta: float = 1e-4) -> None:
        from .validation import check_float, check_int

        self.patience = check_int("patience", patience, 1)
        self.min_delta = check_float("min_delta", min_delta, 0.0, float("inf"))
        self.best = float("-inf")
        self.stale = 0

    def update(self, best_fitness: float) -> bool:
        """Record this generation's best fitness; True once it has not improved for ``patience`` generations."""
        if best_fitness > self.best + self.min_delta:
            self.best, self.stale = best_fitness, 0
        else:
            self.stale += 1
        return self.stale >= self.patience
