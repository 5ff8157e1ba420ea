"""The ES of notebook 03, collected for the comparison at the end of notebook 04.

Notebook 03 writes the (mu, lambda)-ES out cell by cell (that is the lesson); this module holds the same
toolbox and loop once more, as a plain function, so that notebook 04 can run it beside the GA, DE and
backprop. Notebook 03 checks that, for the same seed, its own run and :func:`evolve_weights_es` find the
identical individual.

The GA needs no such copy: notebook 02's own cells (its fitness, toolbox and ``run_ga``) are saved into
:mod:`edl_lessons.l02_ga`, which notebook 04 imports. The ES maximises that same fitness (DEAP
weights ``(1.0,)``): :func:`weight_fitness`, training accuracy minus ``loss_weight`` times the log-loss, with
one batched :meth:`edl_helpers.MLP.forward_population` per generation (:func:`evaluate_individuals`). Both,
and :class:`EvolutionResult`, are notebook 02's, re-exported here for notebook 03.
"""
from __future__ import annotations

import random
import time
from typing import Any, Callable

import numpy as np
from deap import base, creator, tools

from edl_lessons.l02_ga import EvolutionResult, evaluate_individuals, weight_fitness
from .loops import Plateau, stop_on_interrupt
from .mlp import MLP
from .reproducibility import seed_everything
from .validation import check_float, check_int

__all__ = ["EvolutionResult", "evaluate_individuals", "evolve_weights_es", "weight_fitness"]


def _fitness_class() -> Any:
    if not hasattr(creator, "EDLFitnessMax"):
        creator.create("EDLFitnessMax", base.Fitness, weights=(1.0,))
    return creator.EDLFitnessMax


def _check_common(X: np.ndarray, Y: np.ndarray, middle_layer: int, seed: int, generations: int,
                  loss_weight: float, max_evaluations: int | None) -> tuple[np.ndarray, np.ndarray]:
    X, Y = np.asarray(X, dtype=float), np.asarray(Y)
    if X.ndim != 2 or len(X) != len(Y):
        raise ValueError(f"X must be (n_samples, n_inputs) with one label per row, got X {X.shape}, Y {Y.shape}")
    check_int("middle_layer", middle_layer, 1, 1024)
    check_int("seed", seed, 0, 2**32 - 1)
    check_int("generations", generations, 1, 10**7)
    check_float("loss_weight", loss_weight, 0.0, 100.0)
    if max_evaluations is not None:
        check_int("max_evaluations", max_evaluations, 1, 10**9)
    return X, Y


def _es_individual(individual_class: type, strategy_class: type, genes: int, min_strategy: float,
                   max_strategy: float) -> Any:
    """Genes uniform in [-1, 1], each with a step size uniform in ``[min_strategy, max_strategy]``."""
    individual = individual_class(random.uniform(-1.0, 1.0) for _ in range(genes))
    individual.strategy = strategy_class(random.uniform(min_strategy, max_strategy) for _ in range(genes))
    return individual


def _clamp_strategies(min_strategy: float, max_strategy: float) -> Callable:
    """Decorate a DEAP operator so that every child's step sizes stay in ``[min_strategy, max_strategy]``."""
    def decorator(operator: Callable) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            children = operator(*args, **kwargs)
            for child in children:
                child.strategy[:] = [min(max(s, min_strategy), max_strategy) for s in child.strategy]
            return children
        return wrapper
    return decorator


def _es_child(parents: list, toolbox: base.Toolbox) -> Any:
    """One child of the (mu, lambda)-ES: two distinct parents recombined (with ``mu = 1``, a clone of the only
    parent), then mutated, its fitness invalid. The parents themselves are never changed."""
    if len(parents) >= 2:
        child, _ = toolbox.mate(*(toolbox.clone(parent) for parent in random.sample(parents, 2)))
    else:
        child = toolbox.clone(parents[0])
    child, = toolbox.mutate(child)
    del child.fitness.values
    return child


def evolve_weights_es(X: np.ndarray, Y: np.ndarray, middle_layer: int = 10, seed: int = 0, mu: int = 10,
                      lambda_: int = 100, generations: int = 300, min_strategy: float = 0.01,
                      max_strategy: float = 0.5, loss_weight: float = 1.0, patience: int = 50,
                      max_evaluations: int | None = None) -> EvolutionResult:
    """Evolve the MLP's weights with the (mu, lambda)-ES of notebook 03 (its defaults are the notebook's).

    Every gene carries its own step size (strategy), drawn in ``[min_strategy, max_strategy]`` and kept
    there. Each of the ``lambda_`` children of a generation is recombined from two distinct parents
    (``cxESBlend``, alpha 0.1; with ``mu = 1`` a clone of the parent) **and** mutated (``mutESLogNormal``, c 1,
    every gene); the best ``mu`` children become the next parents and every parent dies (comma selection).
    Stops when the best fitness has not improved for ``patience`` generations (:class:`edl_helpers.Plateau`;
    ``patience >= generations`` turns this off), after ``generations``, once ``max_evaluations`` have been
    spent (checked after each generation), or at Stop (■). Records when the best first reached 100 %
    training accuracy (``evaluations_to_solve``, ``seconds_to_solve``).
    """
    X, Y = _check_common(X, Y, middle_layer, seed, generations, loss_weight, max_evaluations)
    check_int("mu", mu, 1, 10**6)
    check_int("lambda_", lambda_, mu, 10**7)
    check_float("min_strategy", min_strategy, 1e-9, 10.0)
    check_float("max_strategy", max_strategy, min_strategy, 10.0)
    check_int("patience", patience, 1, 10**7)
    if not hasattr(creator, "EDLESIndividual"):
        creator.create("EDLESIndividual", list, fitness=_fitness_class(), strategy=None)
    if not hasattr(creator, "EDLStrategy"):
        creator.create("EDLStrategy", list)
    genes = MLP(X.shape[1], middle_layer).n_parameters
    toolbox = base.Toolbox()
    toolbox.register("individual", _es_individual, creator.EDLESIndividual, creator.EDLStrategy, genes,
                     min_strategy, max_strategy)
    toolbox.register("population", tools.initRepeat, list, toolbox.individual)
    toolbox.register("mate", tools.cxESBlend, alpha=0.1)
    toolbox.register("mutate", tools.mutESLogNormal, c=1.0, indpb=1.0)
    toolbox.register("select", tools.selBest)
    toolbox.decorate("mate", _clamp_strategies(min_strategy, max_strategy))
    toolbox.decorate("mutate", _clamp_strategies(min_strategy, max_strategy))
    toolbox.register("evaluate_population", evaluate_individuals, X=X, Y=Y, mlp=MLP(X.shape[1], middle_layer),
                     loss_weight=loss_weight)

    seed_everything(seed)
    started = time.perf_counter()
    population = toolbox.population(n=mu)
    toolbox.evaluate_population(population)
    hall_of_fame = tools.HallOfFame(1)
    hall_of_fame.update(population)
    plateau = Plateau(patience)
    evaluations, generation = mu, 0
    solved_at = (evaluations, time.perf_counter() - started) if hall_of_fame[0].accuracy == 1.0 else None
    with stop_on_interrupt("the ES") as stop:
        for generation in range(1, generations + 1):
            offspring = [_es_child(population, toolbox) for _ in range(lambda_)]
            toolbox.evaluate_population(offspring)
            evaluations += lambda_
            hall_of_fame.update(offspring)
            population[:] = toolbox.select(offspring, mu)  # comma: only children can become parents
            if solved_at is None and hall_of_fame[0].accuracy == 1.0:
                solved_at = (evaluations, time.perf_counter() - started)
            if plateau.update(hall_of_fame[0].fitness.values[0]) or (
                    max_evaluations is not None and evaluations >= max_evaluations):
                break
    best = hall_of_fame[0]
    return EvolutionResult(np.array(best), best.accuracy, generation, evaluations, time.perf_counter() - started,
                           solved_at is not None, *(solved_at or (None, None)), interrupted=stop.interrupted)
