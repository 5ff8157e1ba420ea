"""Generated from notebooks/04_de_weights.ipynb by `python -m edl_helpers.save_cells`: edit the notebook, not this file.

The notebook's cells marked ``#@save``, in order.
"""

# ---- notebooks/04_de_weights.ipynb, cell 9 ----
import time

import numpy as np

import edl_helpers as edl
from edl_lessons.l02_ga import EvolutionResult, weight_fitness


def run_de(mlp, X, Y, seed, NP, NGEN, F, CR, patience, loss_weight=1.0, max_evaluations=None, on_generation=None,
           progress=True):
    """DE/rand/1/bin on the weights of `mlp` (an edl.MLP), with notebook 02's fitness; returns an EvolutionResult.

    Stops after NGEN generations, when the best fitness has not improved for ``patience`` generations
    (``patience >= NGEN`` turns this off), once max_evaluations have been spent, or at Stop (■).
    ``on_generation(generation, population, fitness, best_index)`` is called after every generation (for
    live plots); with it a progress bar is shown too, unless ``progress=False`` (a callback that only records).
    """
    rng = edl.seed_everything(seed)
    started = time.perf_counter()
    number_of_genes = mlp.n_parameters
    population = rng.uniform(-1.0, 1.0, (NP, number_of_genes))
    fitness, accuracy = weight_fitness(mlp.forward_population(population, X), Y, loss_weight)
    evaluations, generation, rows, stopped_by = NP, 0, np.arange(NP), "NGEN reached"
    plateau = edl.Plateau(patience)
    solved_at = (evaluations, time.perf_counter() - started) if accuracy.max() == 1.0 else None
    generations = range(1, NGEN + 1)
    with edl.stop_on_interrupt("DE") as stop:
        for generation in edl.progress(generations, description="DE") if on_generation and progress else generations:
            # 1. mutation: for every target i, three distinct other members a, b, c
            others = np.argsort(rng.random((NP, NP - 1)), axis=1)[:, :3]  # 3 of the NP - 1 others
            others += others >= rows[:, None]  # skip the target itself
            a, b, c = population[others[:, 0]], population[others[:, 1]], population[others[:, 2]]
            mutant = a + F * (b - c)
            # 2. binomial crossover: each gene from the mutant with probability CR, at least one
            from_mutant = rng.random((NP, number_of_genes)) < CR
            from_mutant[rows, rng.integers(0, number_of_genes, NP)] = True
            trial = np.where(from_mutant, mutant, population)
            # 3. one-to-one selection: a trial replaces its own target if it is at least as fit
            trial_fitness, trial_accuracy = weight_fitness(mlp.forward_population(trial, X), Y, loss_weight)
            evaluations += NP
            better = trial_fitness >= fitness
            population[better], fitness[better], accuracy[better] = trial[better], trial_fitness[better], \
                trial_accuracy[better]
            best = int(np.argmax(fitness))
            if solved_at is None and accuracy[best] == 1.0:  # first time every training point is right
                solved_at = (evaluations, time.perf_counter() - started)
            if on_generation:
                on_generation(generation, population, fitness, best)
            if plateau.update(fitness[best]):  # no progress for `patience` generations
                stopped_by = f"no fitness improvement for {patience} generations"
                break
            if max_evaluations is not None and evaluations >= max_evaluations:  # the budget is spent
                stopped_by = f"{max_evaluations} evaluations spent"
                break
    best = int(np.argmax(fitness))
    return EvolutionResult(population[best].copy(), float(accuracy[best]), generation, evaluations,
                           time.perf_counter() - started, solved_at is not None, *(solved_at or (None, None)),
                           interrupted=stop.interrupted, stopped_by="Stop pressed" if stop.interrupted else stopped_by)


# ---- notebooks/04_de_weights.ipynb, cell 17 ----
from types import SimpleNamespace

import pandas as pd

from edl_lessons.l02_ga import evaluate_individuals, make_ga_toolbox, run_ga
from edl_lessons.l03_es import make_es_toolbox, run_es

METHODS = ("GA", "ES", "DE", "backprop")  # the comparison's methods, in the order of its tables
NO_EARLY_STOP = 1_000_000  # patience and generations: only the evaluation budget ends a run


def evolution_methods(mlp, max_evaluations, NP, F, CR, loss_weight=1.0):
    """The comparison's evolutionary methods on the weights of `mlp`: name -> train(X, Y, seed) -> EvolutionResult.

    Notebook 02's GA and notebook 03's ES with those notebooks' default settings, and `run_de` with NP, F and
    CR; each spends `max_evaluations` fitness evaluations, with no early stop.
    """
    ga_toolbox = make_ga_toolbox(mlp.n_parameters, evaluate_individuals, mlp=mlp, loss_weight=loss_weight)
    es_toolbox = make_es_toolbox(mlp.n_parameters, 0.01, 0.5, evaluate_individuals, mlp=mlp,  # 03's step-size bounds
                                 loss_weight=loss_weight)
    return {  # the GA and the ES with notebook 02's and notebook 03's default settings
        "GA": lambda X, Y, s: run_ga(ga_toolbox, X, Y, s, MU=100, NGEN=NO_EARLY_STOP, CXPB=0.5, MUTPB=0.2,
                                     patience=NO_EARLY_STOP, max_evaluations=max_evaluations),
        "ES": lambda X, Y, s: run_es(es_toolbox, X, Y, s, MU=10, LAMBDA=100, NGEN=NO_EARLY_STOP,
                                     patience=NO_EARLY_STOP, max_evaluations=max_evaluations),
        "DE": lambda X, Y, s: run_de(mlp, X, Y, s, NP, NO_EARLY_STOP, F, CR, NO_EARLY_STOP, loss_weight,
                                     max_evaluations=max_evaluations),
    }


def run_method(item, methods, mlp, samples, difficulty, epochs, learning_rate):
    """Train one method on one problem and seed; its accuracies, time and evaluations, and whether it was stopped.

    `item` is (problem, seed, method); `methods` comes from evolution_methods; "backprop" trains a fresh MLP of
    `mlp`'s shape, from its usual random start, for `epochs` full-batch Adam epochs.
    """
    name, run_seed, method = item
    X_cmp, Y_cmp = edl.make_problem(name, samples, difficulty, run_seed)
    X_cmp_train, X_cmp_test, Y_cmp_train, Y_cmp_test = edl.split_and_scale(X_cmp, Y_cmp, 0.3, seed=run_seed)
    if method == "backprop":
        network = edl.MLP(mlp.n_inputs, mlp.middle_layer, run_seed)
        started = time.perf_counter()
        network.train(X_cmp_train, Y_cmp_train, epochs=epochs, learning_rate=learning_rate)
        best, seconds, evaluations, interrupted = (network.get_parameters(), time.perf_counter() - started, np.nan,
                                                   False)
    else:
        outcome = methods[method](X_cmp_train, Y_cmp_train, run_seed)
        best, seconds, evaluations, interrupted = (outcome.best, outcome.seconds, outcome.evaluations,
                                                   outcome.interrupted)
    mlp.set_parameters(best)
    return SimpleNamespace(interrupted=interrupted, record={
        "method": method, "problem": name, "seed": run_seed, "seconds": seconds, "evaluations": evaluations,
        "train": mlp.accuracy(X_cmp_train, Y_cmp_train), "test": mlp.accuracy(X_cmp_test, Y_cmp_test)})


def run_comparison(mlp, problems, seeds, max_evaluations, NP, F, CR, samples, difficulty, epochs, learning_rate,
                   loss_weight=1.0, methods=METHODS):
    """Every method of `methods` on every problem and seed, paired (same data and split per problem and seed).

    Returns one record (a dict, see run_method) per finished run; one Stop (■) ends the whole comparison and
    keeps the runs that finished. `mlp` sets the network's shape (its parameters are overwritten).
    """
    trainers = evolution_methods(mlp, max_evaluations, NP, F, CR, loss_weight)
    items = [(name, s, method) for name in problems for s in seeds for method in methods]
    outcomes = edl.run_each(lambda item: run_method(item, trainers, mlp, samples, difficulty, epochs, learning_rate),
                            items, "comparison")
    return [o.result.record for o in outcomes if not o.interrupted]


def paired_differences(records, reference="GA", value="test"):
    """Each method's `value` minus the reference's, per problem and pooled over problems ("all problems").

    Only the (problem, seed) pairs on which every method finished count. Returns {(method, problem):
    edl.paired_difference} (mean and 95 % t-interval over the seeds) and that table of complete pairs.
    """
    table = pd.DataFrame(records).pivot_table(index=["problem", "seed"], columns="method", values=value).dropna()
    methods = [method for method in METHODS if method in table.columns and method != reference]
    differences = {}
    for name in [*table.index.unique("problem"), "all problems"]:
        rows = table if name == "all problems" else table.xs(name, level="problem")
        for method in methods:
            differences[method, name] = edl.paired_difference(rows[method] - rows[reference])  # 95 % t-interval
    return differences, table
