"""Generated from notebooks/07_ga_lstm_tuning.ipynb by `python -m edl_helpers.save_cells`: edit the notebook, not this file.

The notebook's cells marked ``#@save``, in order.
"""

# ---- notebooks/07_ga_lstm_tuning.ipynb, cell 9 ----
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier


def timestamp_leak(frame, seed):
    """Test accuracy of a depth-3 decision tree that sees only `Timestamp` (30 % of the rows held out at random)."""
    timestamps, labels = frame[["Timestamp"]].to_numpy(), frame["Class"].to_numpy()
    t_train, t_test, c_train, c_test = train_test_split(timestamps, labels, test_size=0.3, random_state=seed)
    return DecisionTreeClassifier(max_depth=3, random_state=seed).fit(t_train, c_train).score(t_test, c_test)


# ---- notebooks/07_ga_lstm_tuning.ipynb, cell 19 ----
import dataclasses

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

WINDOW_STATISTICS = ("mean", "std", "min", "10%", "median", "90%", "max", "range")


def channel_statistics(x):
    """Statistics of each channel over the rows of each window: (n, length, channels) -> (n, 8 * channels).

    In the order of `WINDOW_STATISTICS`: mean, standard deviation, minimum, 10th percentile, median,
    90th percentile, maximum and range (maximum − minimum), each a block of one column per channel.
    """
    low, median, high = np.percentile(x, [10, 50, 90], axis=1)
    return np.concatenate([x.mean(axis=1), x.std(axis=1), x.min(axis=1), low, median, high, x.max(axis=1),
                           np.ptp(x, axis=1)], axis=1)


def window_features(x):
    """Features of each window for a model that does not read sequences: (n, length, channels) -> (n, 16 * channels).

    The statistics of each channel (`channel_statistics`), then the same statistics of its first differences
    along time (row t+1 − row t: how sharply the channel moves from one row to the next).
    """
    return np.concatenate([channel_statistics(x), channel_statistics(np.diff(x, axis=1))], axis=1)


@dataclasses.dataclass
class FeatureBaseline:
    """Gradient-boosted trees on `window_features`: the setting chosen on validation, the final model, its scores."""

    model: HistGradientBoostingClassifier
    learning_rate: float
    validation_accuracy: float  # the chosen setting, trained on the training windows only
    test_accuracy: float  # the final model (trained on train + validation), scored once
    validation_by_learning_rate: dict


def fit_feature_baseline(x_train, y_train, x_validation, y_validation, x_test, y_test, seed,
                         learning_rates=(0.1, 0.3), max_iter=100):
    """Gradient-boosted trees on per-window features, chosen and tested like the tuned LSTM.

    For each learning rate of the tiny grid, `max_iter` trees are trained on the training windows and scored
    on the validation windows; the best rate (the first, on a tie) is trained again on train + validation,
    and that final model scores the test windows once.
    """
    features = {name: window_features(x) for name, x in
                (("train", x_train), ("validation", x_validation), ("test", x_test))}

    def boosted_trees(learning_rate):
        return HistGradientBoostingClassifier(learning_rate=learning_rate, max_iter=max_iter, early_stopping=False,
                                              random_state=seed)

    # one thread: on a busy machine, OpenMP threads waiting for each other can make a fit many times slower
    with threadpool_limits(1, user_api="openmp"):
        validation = {rate: boosted_trees(rate).fit(features["train"], y_train)
                      .score(features["validation"], y_validation) for rate in learning_rates}
        chosen = max(learning_rates, key=validation.get)
        model = boosted_trees(chosen).fit(np.concatenate([features["train"], features["validation"]]),
                                          np.concatenate([y_train, y_validation]))
    return FeatureBaseline(model, chosen, validation[chosen], model.score(features["test"], y_test), validation)


# ---- notebooks/07_ga_lstm_tuning.ipynb, cell 22 ----
from bitstring import BitArray

N_GENES = 19
GENE_BITS = {"units_1": (0, 5), "second_layer": (5, 6), "units_2": (6, 10), "epochs": (10, 13),
             "batch_size": (13, 15), "learning_rate": (15, 19)}  # each gene's slice of the chromosome


def gene_values(genes):
    """A chromosome's genes as unsigned integers (each gene's bits read as a binary number)."""
    bits = BitArray(genes)
    return {name: bits[start:stop].uint for name, (start, stop) in GENE_BITS.items()}


def lstm_config(values):
    """Gene values (as `gene_values` reads them) -> a dict of LSTM hyperparameters (see the table above)."""
    return {
        "units_1": 2 + 2 * values["units_1"],
        "units_2": 2 + 2 * values["units_2"] if values["second_layer"] else 0,
        "epochs": 1 + 2 * values["epochs"],
        "batch_size": 32 * 2 ** values["batch_size"],
        "learning_rate": round(10 ** (-4 + 3 * values["learning_rate"] / 15), 6),
    }


def decode_lstm_genes(genes):
    """19 bits -> a dict of LSTM hyperparameters (see the table above)."""
    return lstm_config(gene_values(genes))


# ---- notebooks/07_ga_lstm_tuning.ipynb, cell 25 ----
import keras

from edl_helpers.keras_training import config_seed, fit_and_score


def build_lstm(config, input_shape, n_classes):
    """An LSTM classifier (one or two LSTM layers, softmax over the classes), compiled with Adam.

    A `dropout` entry in `config` (the lesson's chromosome has none: 0) is the first LSTM layer's input dropout.
    """
    layers = [keras.Input(shape=input_shape),
              keras.layers.LSTM(config["units_1"], return_sequences=config["units_2"] > 0,
                                dropout=config.get("dropout", 0.0))]
    if config["units_2"]:
        layers.append(keras.layers.LSTM(config["units_2"]))
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=config["learning_rate"]),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def score_configuration(config, data, n_classes, max_epochs, patience, seed):
    """Train one configuration on the training windows; fitness = best validation accuracy.

    `data` = (x_train, y_train, x_validation, y_validation); the epochs gene is capped at `max_epochs`.
    """
    return fit_and_score(lambda c: build_lstm(c, data[0].shape[1:], n_classes), config, data,
                         epochs=min(config["epochs"], max_epochs), batch_size=config["batch_size"],
                         seed=config_seed(config, seed), patience=patience,
                         validation_batch_size=len(data[2]))  # validation in one step per epoch


def refit_on_train_and_validation(config, epochs, x, y, n_classes, seed, callbacks=()):
    """Train a configuration on `x, y` (train + validation windows) for a fixed number of epochs; return the model."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(config_seed(config, seed))
    model = build_lstm(config, x.shape[1:], n_classes)
    model.fit(x, y, epochs=epochs, batch_size=config["batch_size"], verbose=0, callbacks=list(callbacks))
    return model


# ---- notebooks/07_ga_lstm_tuning.ipynb, cell 28 ----
import random

from deap import base, creator, tools


def make_lstm_toolbox(n_genes, bit_flip_probability, map_function=map):
    """The GA's DEAP toolbox for chromosomes of `n_genes` bits; `map_function` evaluates candidates."""
    if not hasattr(creator, "FitnessMax"):
        creator.create("FitnessMax", base.Fitness, weights=(1.0,))
    if not hasattr(creator, "BitIndividual"):
        creator.create("BitIndividual", list, fitness=creator.FitnessMax)
    toolbox = base.Toolbox()
    toolbox.register("bit", random.randint, 0, 1)
    toolbox.register("individual", tools.initRepeat, creator.BitIndividual, toolbox.bit, n=n_genes)
    toolbox.register("population", tools.initRepeat, list, toolbox.individual)
    toolbox.register("mate", tools.cxTwoPoint)
    toolbox.register("mutate", tools.mutFlipBit, indpb=bit_flip_probability)
    toolbox.register("select", tools.selTournament, tournsize=3)
    toolbox.register("map", map_function)
    return toolbox


# ---- notebooks/07_ga_lstm_tuning.ipynb, cell 32 ----
import random

import numpy as np
from deap import tools

import edl_helpers as edl
from edl_helpers.keras_training import CachedTrainer


def assign_fitness(individuals, trainer, toolbox, decode=decode_lstm_genes):
    """Fitness = validation accuracy (cached); returns the individuals the budget could score.

    A training in this process (`map`) reseeds Python's `random`, which the GA's operators draw from: its state
    is put back afterwards, so the GA's draws do not depend on where, or whether, a configuration is trained.
    """
    state = random.getstate()
    results = trainer.evaluate([decode(individual) for individual in individuals], map_function=toolbox.map)
    random.setstate(state)
    for individual, result in zip(individuals, results):
        if result is not None:
            individual.fitness.values = (result.score,)
    return [individual for individual in individuals if individual.fitness.valid]


def run_lstm_ga(search_seed, toolbox, score, budget, population_size, crossover_probability, shared=None,
                decode=decode_lstm_genes, verbose=True):
    """A generational GA with elitism, stopped when the trainings budget is spent (or by Stop); returns its trainer.

    `score(config)` trains one configuration (its result's `.score` is the fitness), `budget` counts trainings,
    `shared` is the store of results shared by several searches (see `CachedTrainer`), `decode` turns one of the
    toolbox's chromosomes into a configuration. `verbose=False`: no live plot and no progress bar.
    """
    random.seed(search_seed)
    trainer = CachedTrainer(score, budget=budget, description=f"GA, seed {search_seed}", progress=verbose,
                            shared=shared)
    live = edl.LivePlot(f"GA, search seed {search_seed}", every=1, ylabel="validation accuracy") if verbose else None
    population = assign_fitness(toolbox.population(n=population_size), trainer, toolbox, decode)
    generation = 0
    with edl.stop_on_interrupt("the GA") as stop:
        while True:
            fitnesses = [individual.fitness.values[0] for individual in population]
            if live is not None:
                live.update(generation, {"best": max(fitnesses), "mean": np.mean(fitnesses)})
            if trainer.exhausted:
                break
            offspring = [toolbox.clone(individual) for individual in toolbox.select(population, population_size)]
            for first, second in zip(offspring[::2], offspring[1::2]):
                if random.random() < crossover_probability:
                    toolbox.mate(first, second)
            for child in offspring:
                toolbox.mutate(child)
                del child.fitness.values  # unchanged children come back from the cache for free
            offspring = assign_fitness(offspring, trainer, toolbox, decode)
            population = tools.selBest(population, 1) + tools.selBest(offspring, population_size - 1)
            generation += 1
    if live is not None:
        live.finish()
    trainer.close()
    trainer.generations, trainer.interrupted = generation, stop.interrupted  # read by the table and edl.run_each
    return trainer


# ---- notebooks/07_ga_lstm_tuning.ipynb, cell 35 ----
def run_random_lstm_search(search_seed, score, budget, map_function=map, per_call=1, shared=None, n_genes=N_GENES,
                           decode=decode_lstm_genes, verbose=True):
    """Random chromosomes of `n_genes` bits until the trainings budget is spent (or Stop); returns the trainer.

    Chromosomes are drawn `per_call` at a time and trained through one call of `map_function` (enough to keep every
    worker busy); the other arguments are those of `run_lstm_ga`. The k-th chromosome drawn does not depend on
    `per_call`, so neither do the results.
    """
    generator = random.Random(search_seed)
    trainer = CachedTrainer(score, budget=budget, description=f"random search, seed {search_seed}",
                            progress=verbose, shared=shared)
    with edl.stop_on_interrupt("random search") as stop:
        while not trainer.exhausted:
            batch = [[generator.randint(0, 1) for _ in range(n_genes)] for _ in range(min(per_call, trainer.remaining))]
            trainer.evaluate([decode(genes) for genes in batch], map_function=map_function)
    trainer.close()
    trainer.interrupted = stop.interrupted  # read by edl.run_each
    return trainer


# ---- notebooks/07_ga_lstm_tuning.ipynb, cell 38 ----
import optuna


def suggest_gene_values(trial):
    """Ask an Optuna trial for each gene's value: an integer in the range its bits can hold (the decoder's grid)."""
    return {name: trial.suggest_int(name, 0, 2 ** (stop - start) - 1) for name, (start, stop) in GENE_BITS.items()}


def run_tpe_lstm_search(search_seed, score, budget, map_function=map, workers=1, shared=None, n_startup=10,
                        verbose=True):
    """Optuna's TPE over the decoder's gene values until the trainings budget is spent (or Stop); returns the trainer.

    The first `n_startup` trials are the first chromosomes random search draws with the same seed (the GA's
    initial population), enqueued as they are; TPE models the results from then on. Trials are asked `workers`
    at a time (a "constant liar" stands in for the results still out) and trained through `map_function`, so
    TPE's later trials depend on `workers`, never on the executor. The other arguments are those of `run_lstm_ga`.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # no log line per trial
    sampler = optuna.samplers.TPESampler(seed=search_seed, n_startup_trials=n_startup, constant_liar=True)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    generator = random.Random(search_seed)  # the draws of run_random_lstm_search with this seed
    for _ in range(n_startup):
        study.enqueue_trial(gene_values([generator.randint(0, 1) for _ in range(N_GENES)]))
    trainer = CachedTrainer(score, budget=budget, description=f"TPE, seed {search_seed}", progress=verbose,
                            shared=shared)
    with edl.stop_on_interrupt("TPE") as stop:
        while not trainer.exhausted:
            trials = [study.ask() for _ in range(min(workers, trainer.remaining))]
            configs = [lstm_config(suggest_gene_values(trial)) for trial in trials]
            for trial, result in zip(trials, trainer.evaluate(configs, map_function=map_function)):
                study.tell(trial, result.score)
    trainer.close()
    trainer.interrupted = stop.interrupted  # read by edl.run_each
    return trainer
