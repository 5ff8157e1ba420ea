"""Notebook 06's ES at a fixed number of generations: the validation accuracy behind its chosen settings.

Runs the lesson's ``evolution_strategy`` (``edl_lessons.l06_es``) on Fashion-MNIST exactly as notebook 06 sets
it up (seed 0: the same split, the same initial weights as Adam, the same noise table) for a fixed number of
generations instead of a wall-clock budget, so that a busy machine changes only the timing, not the result.
The schedules are compressed into those generations. Prints one line: the settings, the validation accuracy of
the final θ (the test set is never touched) and the CPU milliseconds per generation (CPU time is less disturbed
than wall time by other processes; use it for cost *ratios* between settings measured on the same machine).

    python benchmarks/es06_settings.py                       # the notebook's defaults
    python benchmarks/es06_settings.py --population 2000 --generations 3000
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

import edl_helpers as edl
from edl_helpers.es_noise import NoiseTable, low_rank_length
from edl_helpers.keras_params import get_parameters
from edl_helpers.keras_population import KerasPopulationForward
from edl_lessons.l06_es import ESTask, evolution_strategy, flat_pixels, mnist_mlp, vector_accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--generations", type=int, default=6000)
    parser.add_argument("--sigmas", type=float, nargs=2, default=(0.1, 0.005))
    parser.add_argument("--learning-rates", type=float, nargs=2, default=(0.01, 0.0002))
    parser.add_argument("--hidden-units", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    data = edl.load_mnist("fashion_mnist")
    data = edl.subsample(data, len(data.y_train), len(data.y_test), args.seed)  # the notebook's data cell
    n_validation = min(5000, len(data.y_train) // 10)
    X_train, Y_train = flat_pixels(data.x_train[n_validation:]), data.y_train[n_validation:].astype(np.int64)
    X_val, Y_val = flat_pixels(data.x_train[:n_validation]), data.y_train[:n_validation].astype(np.int64)
    edl.seed_everything(args.seed)
    model = mnist_mlp(args.hidden_units)
    start = get_parameters(model)
    forward = KerasPopulationForward(model)
    table = NoiseTable(low_rank_length(784, args.hidden_units, len(start)), args.seed)
    task = ESTask(start, args.hidden_units, table, X_train, Y_train,
                  score=lambda theta: vector_accuracy(forward, theta, X_val, Y_val))
    cpu = time.process_time()
    result = evolution_strategy(task, args.population, args.batch, args.seed, tuple(args.sigmas),
                                tuple(args.learning_rates), generations=args.generations)
    cpu_ms = 1000 * (time.process_time() - cpu) / result.generations
    print(f"{data.name}, seed {args.seed}: population {args.population}, minibatch {args.batch}, "
          f"{result.generations} generations, sigma {args.sigmas[0]:g} -> {args.sigmas[1]:g}, learning rate "
          f"{args.learning_rates[0]:g} -> {args.learning_rates[1]:g}: validation accuracy "
          f"{task.score(result.theta):.4f}; {cpu_ms:.0f} CPU ms per generation")


if __name__ == "__main__":
    main()
