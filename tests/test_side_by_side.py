"""run_side_by_side: searches that take turns and share each call of the map get the results they get alone."""
import random

import pytest

from edl_helpers import run_side_by_side, stop_on_interrupt
from edl_helpers.executors import serial_map


def square(x):
    return x * x


def toy_search(seed, map_function, rounds=4):
    """Draws from the global `random` (as DEAP's operators do) between calls of the map."""
    random.seed(seed)
    found = []
    for _ in range(rounds):
        items = [random.randint(0, 100) for _ in range(random.randint(0, 4))]  # sometimes an empty call
        found.extend(map_function(square, items))
        random.random()
    return found


class CountingMap:
    """serial_map that records the size of every call (and can raise Stop at one of them)."""

    def __init__(self, interrupt_at=None):
        self.sizes, self.interrupt_at = [], interrupt_at

    def __call__(self, function, items):
        items = list(items)
        self.sizes.append(len(items))
        if len(self.sizes) == self.interrupt_at:
            raise KeyboardInterrupt
        return serial_map(function, items)


def test_side_by_side_equals_one_after_the_other_and_gathers_the_calls():
    seeds = [0, 1, 2, 3]
    alone = [toy_search(seed, serial_map) for seed in seeds]
    counting = CountingMap()
    outcomes = run_side_by_side(toy_search, seeds, counting)
    assert [outcome.item for outcome in outcomes] == seeds
    assert [outcome.result for outcome in outcomes] == alone
    assert not any(outcome.interrupted for outcome in outcomes)
    assert sum(counting.sizes) == sum(len(found) for found in alone)
    assert len(counting.sizes) <= 4  # one call per round, not one per search and round


class Search:
    def __init__(self):
        self.found, self.interrupted = [], False


def stoppable_search(seed, map_function):
    search = Search()
    with stop_on_interrupt("the toy search") as stop:
        for round_ in range(5):
            search.found.extend(map_function(square, [seed, round_]))
    search.interrupted = stop.interrupted
    return search


def test_stop_ends_every_search_and_keeps_what_they_found(capsys):
    outcomes = run_side_by_side(stoppable_search, [1, 2, 3], CountingMap(interrupt_at=3))
    assert all(outcome.interrupted for outcome in outcomes)
    assert [len(outcome.result.found) for outcome in outcomes] == [4, 4, 4]  # two calls each went through
    assert "0 of 3 runs finished" in capsys.readouterr().out


def failing_search(seed, map_function):
    map_function(square, [seed])
    if seed == 2:
        raise ValueError("bad seed")
    return map_function(square, [seed, seed])


def test_an_error_in_one_search_is_raised():
    with pytest.raises(ValueError, match="bad seed"):
        run_side_by_side(failing_search, [1, 2, 3], serial_map)
