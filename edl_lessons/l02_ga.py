"""Generated from notebooks/02_ga_weights.ipynb by `python -m edl_helpers.save_cells`: edit the notebook, not this file.

The notebook's cells marked ``#@save``, in order.
"""

# ---- notebooks/02_ga_weights.ipynb, cell 11 ----
import numpy as np

import edl_helpers as edl


def weight_fitness(probabilities, Y, loss_weight=1.0):
    """Fitness (accuracy - loss_weight * log-loss, maximised) and accuracy of each row of a (P, n_points) array."""
    accuracy = edl.population_accuracy(probabilities, Y)
    return accuracy - loss_weight * edl.population_log_loss(probabilities, Y), accuracy


def evaluate_individuals(individuals, X, Y, mlp, loss_weight=1.0):
    """Set the fitness of every individual (a parameter vector of `mlp`) in one batched forward pass."""
    if not individuals:
        return
    probabilities = mlp.forward_population(np.asarray(individuals), X)  # (P, n_points), one batched pass
    fitness, accuracy = weight_fitness(probabilities, Y, loss_weight)
    for individual, value, correct in zip(individuals, fitness, accuracy):
        individual.fitness.values = (float(value),)  # DEAP fitnesses are tuples
        individual.accuracy = float(correct)  # kept for the reports and the time to solution


# ---- notebooks/02_ga_weights.ipynb, cell 13 ----
import random

from deap import base, creator, tools


def make_ga_toolbox(number_of_genes, evaluate, **evaluate_arguments):
    """The GA's DEAP toolbox for genomes of `number_of_genes` real numbers, scored by `evaluate`.

    `toolbox.evaluate_population(individuals, X, Y)` calls `evaluate(individuals, X, Y, **evaluate_arguments)`,
    which must set every individual's `fitness.values` and `accuracy` (as `evaluate_individuals` does).
    """
    if not hasattr(creator, "FitnessMax"):
        creator.create("FitnessMax", base.Fitness, weights=(1.0,))  # +1.0: higher fitness is better
    if not hasattr(creator, "GAIndividual"):
        creator.create("GAIndividual", list, fitness=creator.FitnessMax)  # a genome: a list of genes
    toolbox = base.Toolbox()
    toolbox.register("attribute", random.uniform, -1.0, 1.0)
    toolbox.register("individual", tools.initRepeat, creator.GAIndividual, toolbox.attribute, number_of_genes)
    toolbox.register("population", tools.initRepeat, list, toolbox.individual)
    toolbox.register("select", tools.selTournament, tournsize=5)
    toolbox.register("mate", tools.cxBlend, alpha=0.5)
    toolbox.register("mutate", tools.mutGaussian, mu=0.0, sigma=0.1, indpb=0.25)
    toolbox.register("evaluate_population", evaluate, **evaluate_arguments)
    return toolbox


# ---- notebooks/02_ga_weights.ipynb, cell 16 ----
import time
from dataclasses import dataclass

from deap import algorithms


@dataclass
class EvolutionResult:
    """What one evolutionary run found."""

    best: np.ndarray  # the best genome (parameter vector) ever seen
    train_accuracy: float  # its training accuracy, as the fitness saw it
    generations: int  # generations run
    evaluations: int  # fitness evaluations spent, the initial population included
    seconds: float  # wall time of the run
    solved: bool  # whether the best individual reached 100 % training accuracy
    evaluations_to_solve: int | None = None  # evaluations spent when it first did (None: never)
    seconds_to_solve: float | None = None  # wall time at that moment (None: never)
    interrupted: bool = False  # True when Stop (■) cut the run short
    stopped_by: str = ""  # which rule ended the run

    def describe(self):
        """One line: how long the run went, why it stopped, and when it first reached 100 % training accuracy."""
        solved = (f"100 % training accuracy first reached after {self.evaluations_to_solve} evaluations"
                  if self.solved else "100 % training accuracy never reached")
        return (f"stopped after {self.generations} generations ({self.stopped_by}), {self.evaluations} fitness "
                f"evaluations, {self.seconds:.2f} s; {solved}")


def expected_running_time(runs, seconds=False):
    """ERT: evaluations (or seconds) spent by all runs — until success, or in full when unsolved — per success.

    Rounded to whole evaluations (or 0.01 s); "none solved" when no run succeeded.
    """
    successes = sum(run.solved for run in runs)
    if seconds:
        spent = sum(run.seconds_to_solve if run.solved else run.seconds for run in runs)
    else:
        spent = sum(run.evaluations_to_solve if run.solved else run.evaluations for run in runs)
    return round(spent / successes, 2 if seconds else None) if successes else "none solved"


def evolve(toolbox, X, Y, seed, population_size, NGEN, patience, vary, survive=None, name="GA", min_delta=1e-4,
           max_evaluations=None, on_generation=None, progress=True):
    """The generation loop of the course's evolutionary methods, on (X, Y); returns an EvolutionResult.

    Each generation `vary(population)` makes the offspring (a new genome has no valid fitness, an unchanged
    copy keeps its own); the new ones are evaluated in one batched pass and the hall of fame sees them all;
    then `survive(offspring, population)` picks the next population (default: the offspring replace it).
    Stops on a fitness plateau (no improvement by more than `min_delta` for `patience` generations), after
    `NGEN` generations, once `max_evaluations` evaluations are spent (if given), or at Stop (■), keeping the
    best individual so far. `on_generation(generation, population, best)` is called after every generation
    (for live plots); with it a progress bar is shown too, unless `progress=False`.
    """
    edl.seed_everything(seed)  # DEAP draws from Python's random: same seed, same run
    started = time.perf_counter()
    population = toolbox.population(n=population_size)
    toolbox.evaluate_population(population, X, Y)
    hall_of_fame = tools.HallOfFame(1)
    hall_of_fame.update(population)
    plateau = edl.Plateau(patience, min_delta)
    evaluations, generation, stopped_by = population_size, 0, "NGEN reached"
    solved_at = (evaluations, time.perf_counter() - started) if hall_of_fame[0].accuracy == 1.0 else None
    generations = range(1, NGEN + 1)
    with edl.stop_on_interrupt(f"the {name}") as stop:
        for generation in edl.progress(generations, description=name) if on_generation and progress else generations:
            offspring = vary(population)
            new = [individual for individual in offspring if not individual.fitness.valid]
            toolbox.evaluate_population(new, X, Y)  # only the new genomes: copies keep their fitness
            evaluations += len(new)
            hall_of_fame.update(offspring)
            population[:] = survive(offspring, population) if survive else offspring
            if solved_at is None and hall_of_fame[0].accuracy == 1.0:  # time to solution: first 100 %
                solved_at = (evaluations, time.perf_counter() - started)
            if on_generation:
                on_generation(generation, population, hall_of_fame[0])
            if plateau.update(hall_of_fame[0].fitness.values[0]):  # no progress for `patience` generations
                stopped_by = f"no fitness improvement for {patience} generations"
                break
            if max_evaluations is not None and evaluations >= max_evaluations:  # the budget is spent
                stopped_by = f"{max_evaluations} evaluations spent"
                break
    best = hall_of_fame[0]
    return EvolutionResult(np.array(best), best.accuracy, generation, evaluations, time.perf_counter() - started,
                           solved_at is not None, *(solved_at or (None, None)), interrupted=stop.interrupted,
                           stopped_by="Stop pressed" if stop.interrupted else stopped_by)


def run_ga(toolbox, X, Y, seed, MU, NGEN, CXPB, MUTPB, patience, min_delta=1e-4, max_evaluations=None,
           on_generation=None):
    """The GA: `evolve` with tournament selection and `varAnd` (crossover with probability CXPB, then
    mutation with probability MUTPB); the offspring replace the population. Returns an EvolutionResult."""
    def select_and_vary(population):
        offspring = toolbox.select(population, len(population))
        return algorithms.varAnd(offspring, toolbox, CXPB, MUTPB)

    return evolve(toolbox, X, Y, seed, MU, NGEN, patience, select_and_vary, name="GA", min_delta=min_delta,
                  max_evaluations=max_evaluations, on_generation=on_generation)
