"""Population evaluation for a Keras model: one individual at a time vs one batched pass.

Times, in one run, the evaluation of 100 parameter vectors of the course's Keras model
(2 -> 16 relu -> 32 relu -> 1 sigmoid, 625 parameters) on 100 points, four ways:

(a) ``set_parameters`` + ``model.predict(X, verbose=0)`` per individual (context: Keras' slowest way),
(b) ``set_parameters`` + ``model(X, training=False)`` per individual, eager (context),
(c) ``set_parameters`` + the same call compiled once with ``tf.function``, per individual,
(d) :class:`edl_helpers.keras_population.KerasPopulationForward` on all 100 at once (compiled once).

Every way is warmed up first (tracing and compilation are excluded from all of them); (b), (c) and (d) then
evaluate the whole population ``REPEATS`` times each and report the median, (a) once (it is slow, and only
context). Checks that (d) equals (c) within 1e-5 (exit status 1 otherwise). The last line is the
like-for-like ratio, both compiled, both warm, same repetitions: ``speedup: <(c)/(d)>x``.

    python benchmarks/keras_population_eval.py
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Callable  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from edl_helpers.keras_params import n_parameters as keras_n_parameters, set_parameters  # noqa: E402
from edl_helpers.keras_models import toy_classifier  # noqa: E402
from edl_helpers.keras_population import KerasPopulationForward  # noqa: E402

POPULATION, POINTS, REPEATS, PREDICT_REPEATS, TOLERANCE = 100, 100, 5, 1, 1e-5


def median_seconds(evaluate: Callable[[], np.ndarray], repeats: int) -> tuple[float, np.ndarray]:
    """Median wall time of ``repeats`` whole-population evaluations, and the last outputs."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        outputs = evaluate()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), outputs


def main() -> int:
    keras.utils.set_random_seed(0)
    model = toy_classifier()
    n_parameters = keras_n_parameters(model)
    rng = np.random.default_rng(0)
    population = rng.normal(0.0, 1.0, (POPULATION, n_parameters)).astype(np.float32)
    X = rng.uniform(-2.0, 2.0, (POINTS, 2)).astype(np.float32)
    compiled_call = tf.function(lambda inputs: model(inputs, training=False),
                                input_signature=(tf.TensorSpec((None, 2), tf.float32),))

    def one_by_one(call: Callable[[np.ndarray], object]) -> Callable[[], np.ndarray]:
        def evaluate() -> np.ndarray:
            outputs = np.empty((POPULATION, POINTS), dtype=np.float32)
            for p, vector in enumerate(population):
                set_parameters(model, vector)
                outputs[p] = np.asarray(call(X))[:, 0]
            return outputs
        return evaluate

    forward = KerasPopulationForward(model)
    ways = {
        "(a) set_parameters + model.predict per individual": one_by_one(lambda x: model.predict(x, verbose=0)),
        "(b) set_parameters + model(X) per individual, eager": one_by_one(lambda x: model(x, training=False)),
        "(c) set_parameters + model(X) per individual, tf.function": one_by_one(compiled_call),
        f"(d) KerasPopulationForward, all {POPULATION} in one call": lambda: forward(population, X),
    }
    # Warm up every way: builds predict's function, traces the tf.function and the batched graph.
    set_parameters(model, population[0])
    model.predict(X, verbose=0), model(X, training=False), compiled_call(X), forward(population, X)
    seconds, outputs = {}, {}
    for name, evaluate in ways.items():
        seconds[name], outputs[name] = median_seconds(evaluate, PREDICT_REPEATS if "predict" in name else REPEATS)

    print(f"{POPULATION} individuals of the 2-16-32-1 Keras model ({n_parameters} parameters) on {POINTS} points; "
          f"warm; median of {REPEATS} whole-population evaluations each ((a): {PREDICT_REPEATS})")
    for name, value in seconds.items():
        print(f"{name:<60} {value * 1e3:9.2f} ms ({value / POPULATION * 1e3:.4f} ms per individual)")
    (a, b, c, d) = seconds.values()
    print(f"traced: tf.function {compiled_call.experimental_get_tracing_count()} time(s), "
          f"batched {forward.tracing_count} time(s)")
    reference = outputs[list(ways)[2]]
    errors = [float(np.max(np.abs(out - reference))) for out in outputs.values()]
    print("max |outputs - (c)|: " + ", ".join(f"{name[:3]} {error:.1e}" for name, error in zip(ways, errors)))
    print(f"context: (a)/(d) = {a / d:.0f}x (predict per individual vs batched), (b)/(d) = {b / d:.0f}x, "
          f"(a)/(c) = {a / c:.0f}x")
    if not errors[3] <= TOLERANCE:
        print(f"FAIL: batched outputs differ from model(X) by {errors[3]:.2e} > {TOLERANCE}", file=sys.stderr)
        return 1
    print(f"speedup: {c / d:.0f}x")  # like for like: both compiled, both warm, same repetitions
    return 0


if __name__ == "__main__":
    sys.exit(main())
