"""The same small LSTM search through the three executors of ``edl_helpers.executors.make_map``.

Notebook 07's GA (``edl_lessons.l07_lstm_tuning``: 8 trainings, a population of 4, at most 3 epochs each,
windows of 30 rows every 10 rows of the packaged driving data) runs once per executor, in one process:
``serial``, ``pool`` (2 processes) and ``ray`` (a local Ray with 2 CPUs). For each, ``start`` is the time to
make the workers ready (the pool's processes, Ray itself, TensorFlow imported in every worker) and ``search``
the search with warm workers. Checks that all three trained the same configurations in the same order with the
same scores (exit status 1 otherwise). The load average is printed before and after: on a shared machine the
ratios move with the neighbours' load. The last line is ``speedup (search, serial/ray): <ratio>x``.

    python benchmarks/executors.py            (needs Ray: pip install "edl-helpers[cluster]")
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import functools  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from edl_helpers.driver_data import load_driver_data, prepare_driver_windows  # noqa: E402
from edl_helpers.executors import make_map, stop_ray  # noqa: E402
from edl_lessons.l07_lstm_tuning import N_GENES, make_lstm_toolbox, run_lstm_ga, score_configuration  # noqa: E402

WORKERS, BUDGET, POPULATION, MAX_EPOCHS = 2, 8, 4, 3


def load() -> str:
    """The 1-, 5- and 15-minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    windows = prepare_driver_windows(load_driver_data(), length=30, stride=10)
    data = (windows.x_train, windows.y_train, windows.x_validation, windows.y_validation)
    score = functools.partial(score_configuration, data=data, n_classes=len(windows.classes),
                              max_epochs=MAX_EPOCHS, patience=2, seed=0)
    print(f"load average {load()}; {BUDGET} trainings, population {POPULATION}, {WORKERS} workers, "
          f"{len(windows.x_train)} training windows")
    times, histories = {}, {}
    for kind in ("serial", "pool", "ray"):
        started = time.perf_counter()
        map_function = make_map(kind, WORKERS)
        map_function(abs, range(WORKERS))  # start the workers; each imports TensorFlow before its first job
        ready = time.perf_counter()
        trainer = run_lstm_ga(0, make_lstm_toolbox(N_GENES, 0.1, map_function), score, BUDGET, POPULATION, 0.7,
                              verbose=False)
        times[kind] = (ready - started, time.perf_counter() - ready)
        histories[kind] = [(result.config, result.score) for result in trainer.history]
        print(f"{kind:>6}: start {times[kind][0]:5.1f} s, search {times[kind][1]:5.1f} s")
    stop_ray()
    print(f"load average {load()}")
    for kind in ("pool", "ray"):
        print(f"search time serial/{kind}: {times['serial'][1] / times[kind][1]:.2f}x")
    if not histories["serial"] == histories["pool"] == histories["ray"]:
        sys.exit("FAIL: the executors trained different configurations or got different scores")
    print("identical configurations, order and scores from all three executors")
    print(f"speedup (search, serial/ray): {times['serial'][1] / times['ray'][1]:.2f}x")


if __name__ == "__main__":
    main()
