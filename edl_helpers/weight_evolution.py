"""The GA of notebook 02 and the ES of notebook 03, collected for the comparison at the end of notebook 04.

The notebooks write these algorithms out cell by cell (that is the lesson); this module holds the same
toolbox and the same loop once more, as plain functions, so that notebook 04 can run GA, ES, DE and
backprop side by side. Notebooks 02 and 03 check that, for the same seed, their own run and these
functions find the identical individual, so the two copies cannot drift apart unnoticed.

Both maximise the same fitness (DEAP weights ``(1.0,)``, :func:`weight_fitness`): training accuracy minus
``loss_weight`` times the log-loss, with one batched :meth:`edl_helpers.MLP.forward_population` per
generation (:func:`evaluate_individuals`, also used by notebook 03's toolbox; notebook 04's DE uses
:func:`weight_fitness` on its NumPy population).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from deap import algorithms, base, creator, tools

from .loops import Plateau, stop_on_interrupt
from .mlp import MLP
from .reproducibility import seed_everything
from .scoring import population_accuracy, population_log_loss
from .validation import check_float, check_int


@dataclass
class EvolutionResult:
    """What one evolutionary run found.

    Attributes:
        best: the best parameter vector (the genome of the best individual).
        train_accuracy: its training accuracy, as the fitness saw it (float32 forward pass).
        generations: generations run.
        evaluations: fitness evaluations spent, the initial population included.
        seconds: wall time of the run (initialisation, variation and evaluation).
        solved: True when the best individual reached 100 % training accuracy during the run.
        evaluations_to_solve: fitness evaluations spent when the best individual first reached 100 %
            training accuracy (``None`` if it never did): the run's time to solution, for the expected
            running time (ERT) of a multi-seed check.
        seconds_to_solve: wall time at that moment (``None`` if never solved).
        interrupted: True when the learner pressed Stop (■) and the run returned its best so far.
    """

    best: np.ndarray
    train_accuracy: float
    generations: int
    evaluations: int
    seconds: float
    solved: bool
    evaluations_to_solve: int | None = None
    seconds_to_solve: float | None = None
    interrupted: bool = False


def _fitness_class() -> Any:
    if not hasattr(creator, "EDLFitnessMax"):
        creator.create("EDLFitnessMax", base.Fitness, weights=(1.0,))
    return creator.EDLFitnessMax


def weight_fitness(probabilities: np.ndarray, Y: np.ndarray, loss_weight: float = 1.0
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Fitness of every row of a ``(P, n)`` probability array, to be maximised, and its accuracy.

    ``fitness = accuracy - loss_weight * log_loss``: at most 1 (every point right, with certainty), never
    a division, so an accuracy of 0 is simply a low score. The log-loss term is the smooth tie-breaker: it
    still rewards moving points towards the right side when no point changes class.

    Returns:
        ``(fitness, accuracy)``, two arrays of length P.
    """
    accuracy = population_accuracy(probabilities, Y)
    return accuracy - loss_weight * population_log_loss(probabilities, Y), accuracy


def evaluate_individuals(individuals: list, X: np.ndarray, Y: np.ndarray, mlp: MLP, loss_weight: float = 1.0) -> None:
    """Evaluate DEAP individuals (parameter vectors of ``mlp``) in one batched forward pass.

    Sets ``individual.fitness.values = (fitness,)`` (see :func:`weight_fitness`) and
    ``individual.accuracy`` (training accuracy) on each. Register it in a toolbox with
    ``toolbox.register("evaluate_population", evaluate_individuals, mlp=mlp, loss_weight=...)`` and call
    ``toolbox.evaluate_population(individuals, X, Y)``.
    """
    if not individuals:
        return
    fitness, accuracy = weight_fitness(mlp.forward_population(np.asarray(individuals), X), Y, loss_weight)
    for individual, value, correct in zip(individuals, fitness, accuracy):
        individual.fitness.values = (float(value),)
        individual.accuracy = float(correct)


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


def evolve_weights_ga(X: np.ndarray, Y: np.ndarray, middle_layer: int = 10, seed: int = 0,
                      population_size: int = 100, generations: int = 300, crossover_probability: float = 0.5,
                      mutation_probability: float = 0.2, loss_weight: float = 1.0, patience: int = 50,
                      max_evaluations: int | None = None) -> EvolutionResult:
    """Evolve the MLP's weights with the GA of notebook 02 (its defaults are the notebook's).

    Uniform initialisation in [-1, 1], tournament selection (size 5), blend crossover (alpha 0.5),
    Gaussian mutation (sigma 0.1, indpb 0.25), ``eaSimple``-style generations with a hall of fame.
    Stops when the best fitness has not improved for ``patience`` generations (:class:`edl_helpers.Plateau`;
    reaching 100 % training accuracy does not stop it, the log-loss part of the fitness still improves),
    after ``generations``, once ``max_evaluations`` have been spent (checked after each generation, so a
    run may overshoot by less than one generation), or at Stop (■). ``patience >= generations`` turns the
    plateau stop off. Records when the best first reached 100 % training accuracy
    (``evaluations_to_solve``, ``seconds_to_solve``).
    """
    X, Y = _check_common(X, Y, middle_layer, seed, generations, loss_weight, max_evaluations)
    check_int("population_size", population_size, 2, 10**6)
    check_float("crossover_probability", crossover_probability, 0.0, 1.0)
    check_float("mutation_probability", mutation_probability, 0.0, 1.0)
    check_int("patience", patience, 1, 10**7)
    if not hasattr(creator, "EDLGAIndividual"):
        creator.create("EDLGAIndividual", list, fitness=_fitness_class())
    genes = MLP(X.shape[1], middle_layer).n_parameters
    toolbox = base.Toolbox()
    toolbox.register("attribute", random.uniform, -1.0, 1.0)
    toolbox.register("individual", tools.initRepeat, creator.EDLGAIndividual, toolbox.attribute, genes)
    toolbox.register("population", tools.initRepeat, list, toolbox.individual)
    toolbox.register("select", tools.selTournament, tournsize=5)
    toolbox.register("mate", tools.cxBlend, alpha=0.5)
    toolbox.register("mutate", tools.mutGaussian, mu=0.0, sigma=0.1, indpb=0.25)
    toolbox.register("evaluate_population", evaluate_individuals, X=X, Y=Y, mlp=MLP(X.shape[1], middle_layer),
                     loss_weight=loss_weight)

    seed_everything(seed)
    started = time.perf_counter()
    population = toolbox.population(n=population_size)
    toolbox.evaluate_population(population)
    hall_of_fame = tools.HallOfFame(1)
    hall_of_fame.update(population)
    plateau = Plateau(patience)
    evaluations, generation = population_size, 0
    solved_at = (evaluations, time.perf_counter() - started) if hall_of_fame[0].accuracy == 1.0 else None
    with stop_on_interrupt("the GA") as stop:
        for generation in range(1, generations + 1):
            offspring = toolbox.select(population, len(population))
            offspring = algorithms.varAnd(offspring, toolbox, crossover_probability, mutation_probability)
            invalid = [individual for individual in offspring if not individual.fitness.valid]
            toolbox.evaluate_population(invalid)
            evaluations += len(invalid)
            population[:] = offspring
            hall_of_fame.update(population)
            if solved_at is None and hall_of_fame[0].accuracy == 1.0:
                solved_at = (evaluations, time.perf_counter() - started)
            if plateau.update(hall_of_fame[0].fitness.values[0]) or (
                    max_evaluations is not None and evaluations >= max_evaluations):
                break
    best = hall_of_fame[0]
    return EvolutionResult(np.array(best), best.accuracy, generation, evaluations, time.perf_counter() - started,
                           solved_at is not None, *(solved_at or (None, None)), interrupted=stop.interrupted)


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
