"""Population evaluation for a Keras model: one individual at a time vs one batched pass.

Times, in one run, the evaluation of 100 parameter vectors of the course's Keras model
(2 -> 16 relu -> 32 relu -> 1 sigmoid, 625 parameters) on 100 points, three ways:

(a) ``set_parameters`` + ``model.predict(X, verbose=0)`` per individual,
(b) ``set_parameters`` + ``model(X, training=False)`` per individual,
(c) :class:`edl_helpers.keras_population.KerasPopulationForward` on all 100 at once.

Checks that (c) equals (b) within 1e-5 (exit status 1 otherwise). The last line is ``speedup: <(a)/(c)>x``.

    python benchmarks/keras_population_eval.py
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

from edl_helpers.keras_params import count_parameters, set_parameters  # noqa: E402
from edl_helpers.keras_models import toy_classifier  # noqa: E402
from edl_helpers.keras_population import KerasPopulationForward  # noqa: E402

POPULATION, POINTS, BATCHED_CALLS, TOLERANCE = 100, 100, 200, 1e-5


def main() -> int:
    keras.utils.set_random_seed(0)
    model = toy_classifier()
    n_parameters = count_parameters(model)
    rng = np.random.default_rng(0)
    population = rng.normal(0.0, 1.0, (POPULATION, n_parameters))
    X = rng.uniform(-2.0, 2.0, (POINTS, 2))

    def with_predict(individuals: np.ndarray) -> np.ndarray:
        outputs = np.empty((len(individuals), POINTS), dtype=np.float32)
        for p, vector in enumerate(individuals):
            set_parameters(model, vector)
            outputs[p] = model.predict(X, verbose=0)[:, 0]
        return outputs

    def with_call(individuals: np.ndarray) -> np.ndarray:
        outputs = np.empty((len(individuals), POINTS), dtype=np.float32)
        for p, vector in enumerate(individuals):
            set_parameters(model, vector)
            outputs[p] = np.asarray(model(X, training=False))[:, 0]
        return outputs

    forward = KerasPopulationForward(model)

    # Warm up every method (tracing, predict's function, the batched graph) before timing.
    with_predict(population[:3])
    with_call(population[:3])
    for _ in range(10):
        forward(population, X)

    started = time.perf_counter()
    predicted = with_predict(population)
    seconds_a = (time.perf_counter() - started) / POPULATION
    timings_b = []
    for _ in range(2):
        started = time.perf_counter()
        called = with_call(population)
        timings_b.append((time.perf_counter() - started) / POPULATION)
    seconds_b = min(timings_b)
    timings_c = []
    for _ in range(BATCHED_CALLS):
        started = time.perf_counter()
        batched = forward(population, X)
        timings_c.append(time.perf_counter() - started)
    seconds_c = statistics.median(timings_c) / POPULATION

    error = float(np.max(np.abs(batched - called)))
    error_predict = float(np.max(np.abs(predicted - called)))
    print(f"{POPULATION} individuals of the 2-16-32-1 Keras model ({n_parameters} parameters) on {POINTS} points")
    print(f"(a) set_parameters + model.predict per individual: {seconds_a * 1e3:9.4f} ms per individual")
    print(f"(b) set_parameters + model(X) per individual:      {seconds_b * 1e3:9.4f} ms per individual")
    print(f"(c) KerasPopulationForward, all {POPULATION} at once:     {seconds_c * 1e3:9.4f} ms per individual "
          f"(median of {BATCHED_CALLS} calls: {seconds_c * POPULATION * 1e3:.3f} ms per call; "
          f"traced {forward.tracing_count} time(s))")
    print(f"max |(c) - (b)| = {error:.2e}, max |(a) - (b)| = {error_predict:.2e}")
    print(f"(a)/(c) = {seconds_a / seconds_c:.0f}, (b)/(c) = {seconds_b / seconds_c:.0f}")
    if not error <= TOLERANCE:
        print(f"FAIL: batched outputs differ from model(X) by {error:.2e} > {TOLERANCE}", file=sys.stderr)
        return 1
    print(f"speedup: {round(seconds_a / seconds_c)}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
