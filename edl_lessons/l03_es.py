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
from edl_lessons.l02_ga import evolve


def run_es(toolbox, X, Y, seed, MU, LAMBDA, NGEN, patience, plus=False, max_evaluations=None, on_generation=None,
           progress=True):
    """The (MU, LAMBDA) ES on (X, Y): notebook 02's generation loop `evolve` with the ES's own generation.

    Its `vary`, `make_children`: LAMBDA children from `make_child`, all new (recombined and mutated). Its
    `survive`, `best_of`: the best MU of the children become the parents and every parent dies; with `plus=True`, (MU + LAMBDA) selection, parents and
    children compete. Stops, calls `on_generation(generation, parents, best)` and returns an EvolutionResult as
    `evolve` does (`progress=False`: a callback that only records, without a progress bar).
    """
    def make_children(parents):
        return [make_child(parents, toolbox) for _ in range(LAMBDA)]

    def best_of(children, parents):
        return toolbox.select(children + parents if plus else children, MU)

    return evolve(toolbox, X, Y, seed, MU, NGEN, patience, make_children, best_of, name="ES",
                  max_evaluations=max_evaluations, on_generation=on_generation, progress=progress)
