"""Population evaluation for the NumPy MLP: one individual at a time vs one batched pass.

Times, in one run, one generation's evaluation of 1,000 individuals of the 2-5-1 MLP on 1,000 points
(a) with ``set_parameters`` + ``forward`` per individual (float64, the only precision ``MLP.forward`` has) and
(b) with ``forward_population(..., dtype=np.float64)``: the same arithmetic in the same precision, so (a)/(b)
is what batching alone buys. The float32 batched pass (``forward_population``'s default, what the notebooks
use) is printed too, as context: part of its gain comes from the lower precision, not from batching. Then
one whole DEAP GA generation (selection, blend crossover, Gaussian mutation, batched evaluation) shows where
the time goes. The last line is the like-for-like ratio, ``speedup: <(a)/(b)>x``.

Both sides run with BLAS and OpenMP limited to one thread (threadpoolctl): the loop's tiny products never use
a second thread, and on a shared 2-core machine a threaded batched product measures the neighbours' load.

    python benchmarks/population_eval.py
"""
from __future__ import annotations

import random
import time

import numpy as np
from threadpoolctl import threadpool_limits
from deap import algorithms, base, creator, tools

import edl_helpers as edl

POPULATION, POINTS, HIDDEN, REPEATS = 1000, 1000, 5, 7


def best_time(function, repeats: int = REPEATS) -> float:
    """Smallest wall time of ``repeats`` calls (the least disturbed by other processes)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    X, Y = edl.make_problem("moons", POINTS, 1, 0)
    mlp = edl.MLP(2, HIDDEN)
    population = np.random.default_rng(0).uniform(-1, 1, (POPULATION, mlp.n_parameters))

    def per_individual() -> np.ndarray:
        outputs = np.empty((POPULATION, POINTS))
        for p, vector in enumerate(population):
            mlp.set_parameters(vector)
            outputs[p] = mlp.forward(X)
        return outputs

    def batched() -> np.ndarray:
        return mlp.forward_population(population, X, dtype=np.float64)

    def batched32() -> np.ndarray:
        return mlp.forward_population(population, X)

    assert np.allclose(per_individual(), batched(), rtol=0, atol=1e-12), "float64 batched outputs differ"
    assert np.allclose(per_individual(), batched32(), rtol=0, atol=1e-5), "float32 batched outputs differ"
    loop_seconds, batch_seconds, batch32_seconds = best_time(per_individual), best_time(batched), best_time(batched32)

    if not hasattr(creator, "BenchFitness"):
        creator.create("BenchFitness", base.Fitness, weights=(1.0,))
        creator.create("BenchIndividual", list, fitness=creator.BenchFitness)
    toolbox = base.Toolbox()
    toolbox.register("select", tools.selTournament, tournsize=5)
    toolbox.register("mate", tools.cxBlend, alpha=0.5)
    toolbox.register("mutate", tools.mutGaussian, mu=0.0, sigma=0.1, indpb=0.25)
    random.seed(0)
    individuals = [creator.BenchIndividual(vector) for vector in population.tolist()]

    def evaluate(group: list) -> None:
        accuracy = edl.population_accuracy(mlp.forward_population(np.asarray(group), X), Y)
        for individual, value in zip(group, accuracy):
            individual.fitness.values = (float(value),)

    evaluate(individuals)
    timings = {"selection": 0.0, "variation": 0.0, "evaluation": 0.0}
    for _ in range(REPEATS):
        started = time.perf_counter()
        offspring = toolbox.select(individuals, len(individuals))
        selected = time.perf_counter()
        offspring = algorithms.varAnd(offspring, toolbox, cxpb=0.5, mutpb=0.2)
        varied = time.perf_counter()
        evaluate(offspring)
        timings["selection"] += (selected - started) / REPEATS
        timings["variation"] += (varied - selected) / REPEATS
        timings["evaluation"] += (time.perf_counter() - varied) / REPEATS
        individuals = offspring
    generation = sum(timings.values())

    print(f"{POPULATION} individuals of a 2-{HIDDEN}-1 MLP ({mlp.n_parameters} parameters) on {POINTS} points, "
          "one thread")
    print(f"(a) per individual (set_parameters + forward), float64: {loop_seconds * 1e3:8.2f} ms "
          f"({loop_seconds / POPULATION * 1e6:.1f} us each)")
    print(f"(b) batched forward_population, float64:                {batch_seconds * 1e3:8.2f} ms "
          f"({batch_seconds / POPULATION * 1e6:.1f} us each)")
    print(f"    batched forward_population, float32 (its default):  {batch32_seconds * 1e3:8.2f} ms "
          f"(context: {loop_seconds / batch32_seconds:.1f}x vs (a), of which {batch_seconds / batch32_seconds:.1f}x "
          "comes from the lower precision)")
    print(f"one DEAP GA generation (batched evaluation): {generation * 1e3:.1f} ms = " + ", ".join(
        f"{name} {seconds * 1e3:.1f} ms ({seconds / generation:.0%})" for name, seconds in timings.items()))
    print(f"speedup: {loop_seconds / batch_seconds:.1f}x")  # (a)/(b): same precision, batching alone


if __name__ == "__main__":
    with threadpool_limits(limits=1):
        main()
