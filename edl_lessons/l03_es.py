"""Generated from notebooks/03_es_weights.ipynb by `python -m edl_helpers.save_cells`: edit the notebook, not this file.

The notebook's cells marked ``#@save``, in order.
"""

# ---- notebooks/03_es_weights.ipynb, cell 9 ----
import random

from deap import base, creator, tools


def make_es_individual(individual_class, strategy_class, size, min_strategy, max_strategy):
    """Genes uniform in [-1, 1], each with a step size uniform in [min_strategy, max_strategy]."""
    individual = individual_class(random.uniform(-1.0, 1.0) for _ in range(size))
    individual.strategy = strategy_class(random.uniform(min_strategy, max_strategy) for _ in range(size))
    return individual


def bound_strategies(min_strategy, max_strategy):
    """Decorate a DEAP operator so that every child's step sizes stay in [min_strategy, max_strategy]."""
    def clamp_operator(operator):
        def clamped(*args, **kwargs):
            children = operator(*args, **kwargs)
            for child in children:
                child.strategy[:] = [min(max(s, min_strategy), max_strategy) for s in child.strategy]
            return children
        return clamped
    return clamp_operator


def make_es_toolbox(number_of_genes, min_strategy, max_strategy, evaluate, **evaluate_arguments):
    """The ES's DEAP toolbox for genomes of `number_of_genes` weights, each with its own step size.

    `toolbox.evaluate_population(individuals, X, Y)` calls `evaluate(individuals, X, Y, **evaluate_arguments)`,
    as in notebook 02's `make_ga_toolbox`.
    """
    if not hasattr(creator, "FitnessMax"):
        creator.create("FitnessMax", base.Fitness, weights=(1.0,))  # +1.0: higher fitness is better
    if not hasattr(creator, "ESIndividual"):
        creator.create("ESIndividual", list, fitness=creator.FitnessMax, strategy=None)
    if not hasattr(creator, "Strategy"):
        creator.create("Strategy", list)
    toolbox = base.Toolbox()
    toolbox.register("individual", make_es_individual, creator.ESIndividual, creator.Strategy, number_of_genes,
                     min_strategy, max_strategy)
    toolbox.register("population", tools.initRepeat, list, toolbox.individual)
    toolbox.register("mate", tools.cxESBlend, alpha=0.1)  # blends genes and step sizes
    toolbox.register("mutate", tools.mutESLogNormal, c=1.0, indpb=1.0)  # every gene, with its own step size
    toolbox.register("select", tools.selBest)
    toolbox.decorate("mate", bound_strategies(min_strategy, max_strategy))
    toolbox.decorate("mutate", bound_strategies(min_strategy, max_strategy))
    toolbox.register("evaluate_population", evaluate, **evaluate_arguments)
    return toolbox


def make_child(parents, toolbox):
    """One child: two distinct parents recombined, then mutated; the parents themselves are never changed."""
    if len(parents) >= 2:
        child, _ = toolbox.mate(*(toolbox.clone(parent) for parent in random.sample(parents, 2)))
    else:  # MU = 1: nobody to recombine with, a (1, LAMBDA)-ES mutates a copy of the single parent
        child = toolbox.clone(parents[0])
    child, = toolbox.mutate(child)
    del child.fitness.values  # a new genome: it must be evaluated
    return child


# ---- notebooks/03_es_weights.ipynb, cell 12 ----
import time

import numpy as np

import edl_helpers as edl
from edl_lessons.l02_ga import EvolutionResult


def run_es(toolbox, X, Y, seed, MU, LAMBDA, NGEN, patience, plus=False, max_evaluations=None, on_generation=None):
    """Evolve the genomes of `toolbox` (from make_es_toolbox) on (X, Y) with the (MU, LAMBDA) ES; return an
    EvolutionResult.

    Stops when the best fitness has not improved for `patience` generations, after NGEN generations, once
    `max_evaluations` evaluations are spent (if given), or at Stop (■), keeping the best so far.
    `plus=True`: (MU + LAMBDA) selection, parents and children compete. `on_generation(generation, parents,
    best)` is called after every generation (for live plots); with it a progress bar is shown too.
    """
    edl.seed_everything(seed)  # DEAP draws from Python's random: same seed, same run
    started = time.perf_counter()
    population = toolbox.population(n=MU)
    toolbox.evaluate_population(population, X, Y)
    hall_of_fame = tools.HallOfFame(1)
    hall_of_fame.update(population)
    plateau = edl.Plateau(patience)
    evaluations, generation = MU, 0
    solved_at = (evaluations, time.perf_counter() - started) if hall_of_fame[0].accuracy == 1.0 else None
    generations = range(1, NGEN + 1)
    with edl.stop_on_interrupt("the ES") as stop:
        for generation in edl.progress(generations, description="ES") if on_generation else generations:
            offspring = [make_child(population, toolbox) for _ in range(LAMBDA)]  # all new: recombined and mutated
            toolbox.evaluate_population(offspring, X, Y)
            evaluations += LAMBDA
            hall_of_fame.update(offspring)
            # (MU, LAMBDA): only the children compete and every parent dies; (MU + LAMBDA): parents compete too
            population[:] = toolbox.select(offspring + population if plus else offspring, MU)
            if solved_at is None and hall_of_fame[0].accuracy == 1.0:  # first time every training point is right
                solved_at = (evaluations, time.perf_counter() - started)
            if on_generation:
                on_generation(generation, population, hall_of_fame[0])
            if plateau.update(hall_of_fame[0].fitness.values[0]) or (  # no progress for `patience` generations
                    max_evaluations is not None and evaluations >= max_evaluations):  # or the budget is spent
                break
    best = hall_of_fame[0]
    return EvolutionResult(np.array(best), best.accuracy, generation, evaluations, time.perf_counter() - started,
                           solved_at is not None, *(solved_at or (None, None)), interrupted=stop.interrupted)
