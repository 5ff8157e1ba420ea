"""Run several searches side by side, so that one call of a map trains the candidates of all of them.

A search that trains its candidates through a ``map`` (a DEAP toolbox's ``map``, ``CachedTrainer.evaluate``)
waits for every call to return. With a pool of workers, a call that holds few candidates, or one long
training among short ones, leaves workers idle while the slowest finishes; run one after the other, five
seeds of a search wait like that five times as often. :func:`run_side_by_side` runs each search in a thread
of its own and hands it a *gathering* map: a call posts its candidates and waits. Once every unfinished
search is waiting, all their candidates go through the real map in one call (the workers stay busy), and
each search gets its own results back.

The results are exactly those of running the searches one after the other, in order:

- only one search runs at a time: they take turns, in the order given, as the iterations of a ``for`` loop
  would; the threads only let them wait for their trainings together;
- each search's draws from Python's global ``random`` (DEAP's operators use it) stay its own: its state is
  saved when the search starts waiting and put back when it resumes;
- a candidate's result does not depend on which call trains it, as long as its seed comes from the candidate
  (:func:`edl_helpers.keras_training.config_seed`).

Stop (■) reaches the real map's call; every search then sees the interrupt in its own gathering map, where
``edl.stop_on_interrupt`` keeps what it found.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .loops import Outcome
from .keras_training import MapFunction


@dataclass
class _Request:
    """One call of a gathering map: what to train, then the results (or the exception to raise instead)."""

    function: Callable[[Any], Any]
    items: list
    results: list | None = None
    error: BaseException | None = None


class _Search:
    """One search in its thread: it runs only between ``resume`` and its next wait (or its end)."""

    def __init__(self, run: Callable[[Any, MapFunction], Any], item: Any, yielded: threading.Semaphore) -> None:
        self.item, self.run = item, run
        self.resume, self.yielded = threading.Semaphore(0), yielded
        self.request: _Request | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self.thread = threading.Thread(target=self._main, daemon=True)

    def gathering_map(self, function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """The map this search trains through: post the call, wait for its turn, return the results."""
        request = _Request(function, list(items))
        if not request.items:
            return []
        state = random.getstate()
        self.request = request
        self.yielded.release()
        self.resume.acquire()
        random.setstate(state)
        self.request = None
        if request.error is not None:
            raise request.error
        return request.results  # type: ignore[return-value]

    def _main(self) -> None:
        self.resume.acquire()
        try:
            self.result = self.run(self.item, self.gathering_map)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            self.error = error
        self.done = True
        self.yielded.release()


def run_side_by_side(run: Callable[[Any, MapFunction], Any], items: Iterable[Any],
                     map_function: MapFunction) -> list[Outcome]:
    """``run(item, gathering_map)`` for every item, side by side; the real work goes through ``map_function``.

    ``run`` must train through the map it is given (e.g. build its DEAP toolbox with it). Returns one
    :class:`edl_helpers.Outcome` per item, in order, like :func:`edl_helpers.run_each`; a run that reports
    ``interrupted`` (or was stopped before it returned) is marked so. An exception in one run stops the
    others and is raised here.
    """
    yielded = threading.Semaphore(0)
    searches = [_Search(run, item, yielded) for item in items]
    for search in searches:
        search.thread.start()

    def take_turn(search: _Search) -> None:
        """Let ``search`` run until it waits again or ends (a Stop meanwhile is passed on at the next call)."""
        search.resume.release()
        while True:
            try:
                yielded.acquire()
                return
            except KeyboardInterrupt:
                nonlocal stopping
                stopping = True

    stopping = False  # set by Stop (■): every waiting search then gets the interrupt
    for search in searches:
        take_turn(search)
    while waiting := [search for search in searches if not search.done]:
        failed = next((search.error for search in searches if search.error is not None), None)
        if not stopping and failed is None:
            try:
                _serve([search.request for search in waiting], map_function)  # type: ignore[misc]
            except KeyboardInterrupt:
                stopping = True
        for search in waiting:
            if stopping or failed is not None:  # a fresh exception for each thread to raise
                search.request.error = KeyboardInterrupt() if stopping else _Cancelled()  # type: ignore[union-attr]
            take_turn(search)
    for search in searches:
        search.thread.join()
    failed = next((search.error for search in searches
                   if search.error is not None and not isinstance(search.error, (KeyboardInterrupt, _Cancelled))), None)
    if failed is not None:
        raise failed
    outcomes = [Outcome(search.item, search.result,
                        search.error is not None or bool(getattr(search.result, "interrupted", False)))
                for search in searches]
    if any(outcome.interrupted for outcome in outcomes):
        finished = sum(not outcome.interrupted for outcome in outcomes)
        print(f"Interrupted: {finished} of {len(outcomes)} runs finished; what the others found is kept.")
    return outcomes


class _Cancelled(Exception):
    """Raised in the other searches' maps when one search failed."""


def _serve(requests: list[_Request], map_function: MapFunction) -> None:
    """All ``requests`` through ``map_function``: one call per distinct function, results handed back."""
    by_function: dict[int, list[_Request]] = {}
    for request in requests:
        by_function.setdefault(id(request.function), []).append(request)
    for group in by_function.values():
        results = list(map_function(group[0].function, [item for request in group for item in request.items]))
        start = 0
        for request in group:
            request.results = results[start:start + len(request.items)]
            start += len(request.items)
