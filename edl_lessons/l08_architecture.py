"""Generated from notebooks/08_ga_lstm_architecture.ipynb by `python -m edl_helpers.save_cells`: edit the notebook, not this file.

The notebook's cells marked ``#@save``, in order.
"""

# ---- notebooks/08_ga_lstm_architecture.ipynb, cell 9 ----
import dataclasses
import numbers
import random
from typing import Any, MutableSequence, Sequence

from edl_helpers.validation import check_float, check_int

N_LSTM = 0  # position of the layer-count gene of the LSTM layers
N_DENSE = 1  # position of the layer-count gene of the Dense layers


@dataclasses.dataclass(frozen=True)
class ArchitectureSpace:
    """The search space: layer-count limits and the grid of allowed widths.

    Widths are ``min_units, min_units + unit_step, ..., max_units``. Random widths are drawn uniformly
    from that grid, or, with ``log_uniform``, with probability proportional to ``1 / width`` (a width in
    32-64 is then as likely as one in 128-256), which makes random networks cheaper to train.
    Raises ``ValueError`` naming the field for counts outside 1-8, widths outside 1-4096, ``max_units``
    below ``min_units``, or a ``unit_step`` that does not divide ``max_units - min_units``.
    """

    max_lstm: int = 3
    max_dense: int = 3
    min_units: int = 32
    max_units: int = 256
    unit_step: int = 32
    log_uniform: bool = False

    def __post_init__(self) -> None:
        checked = {"max_lstm": check_int("max_lstm", self.max_lstm, 1, 8),
                   "max_dense": check_int("max_dense", self.max_dense, 1, 8),
                   "min_units": check_int("min_units", self.min_units, 1, 4096)}
        checked["max_units"] = check_int("max_units", self.max_units, checked["min_units"], 4096)
        checked["unit_step"] = check_int("unit_step", self.unit_step, 1, 4096)
        for name, value in checked.items():  # store plain ints (e.g. 3.0 -> 3) in the frozen dataclass
            object.__setattr__(self, name, value)
        if (self.max_units - self.min_units) % self.unit_step:
            raise ValueError(f"unit_step must divide max_units - min_units = {self.max_units - self.min_units}, "
                             f"got {self.unit_step}")
        if not isinstance(self.log_uniform, bool):
            raise ValueError(f"log_uniform must be True or False, got {self.log_uniform!r}")

    @property
    def length(self) -> int:
        """Number of genes: two counts plus one width slot per possible layer."""
        return 2 + self.max_lstm + self.max_dense

    @property
    def widths(self) -> tuple[int, ...]:
        """Every allowed width, smallest first."""
        return tuple(range(self.min_units, self.max_units + 1, self.unit_step))

    @property
    def lstm_slots(self) -> range:
        """Genome positions of the LSTM width genes."""
        return range(2, 2 + self.max_lstm)

    @property
    def dense_slots(self) -> range:
        """Genome positions of the Dense width genes."""
        return range(2 + self.max_lstm, self.length)

    def gene_names(self) -> list[str]:
        """A name per gene, e.g. ``['n_lstm', 'n_dense', 'lstm_1', ..., 'dense_3']``."""
        return (["n_lstm", "n_dense"] + [f"lstm_{i + 1}" for i in range(self.max_lstm)]
                + [f"dense_{i + 1}" for i in range(self.max_dense)])

    def active_slots(self, genome: Sequence[int]) -> list[int]:
        """Positions of the width genes that ``decode`` uses (the layers present in ``genome``)."""
        genome = validate_genome(genome, self)
        return list(self.lstm_slots[:genome[N_LSTM]]) + list(self.dense_slots[:genome[N_DENSE]])


@dataclasses.dataclass(frozen=True)
class Architecture:
    """What a genome means: the widths of the stacked LSTM layers, then of the Dense layers.

    Hashable, and equal for every genome that differs only in dormant genes, so it is the right key for a
    cache of trained architectures.
    """

    lstm_units: tuple[int, ...]
    dense_units: tuple[int, ...]

    def __str__(self) -> str:
        """A one-line summary, e.g. ``'LSTM(128)-LSTM(64) | Dense(96)'`` (``'LSTM(128)'`` without Dense layers)."""
        lstm = "-".join(f"LSTM({units})" for units in self.lstm_units)
        dense = "-".join(f"Dense({units})" for units in self.dense_units)
        return " | ".join(part for part in (lstm, dense) if part)


# ---- notebooks/08_ga_lstm_architecture.ipynb, cell 11 ----
def genome_problem(genome: object, space: ArchitectureSpace) -> str | None:
    """``None`` if ``genome`` is valid in ``space``, else a sentence saying which gene is wrong and why.

    Valid means: ``space.length`` integer genes (Python or NumPy integers, not floats or bools), layer
    counts in ``1..max_lstm`` and ``1..max_dense``, and every width slot, active or dormant, on the grid
    ``space.widths``.
    """
    if isinstance(genome, (str, bytes)) or not hasattr(genome, "__len__") or not hasattr(genome, "__iter__"):
        return f"a genome must be a sequence of {space.length} integers, got {type(genome).__name__}"
    genes = list(genome)  # type: ignore[call-overload]
    names = space.gene_names()
    if len(genes) != space.length:
        return f"a genome must have {space.length} genes {names}, got {len(genes)}"
    widths = [(space.min_units, space.max_units)] * (space.length - 2)
    limits = [(1, space.max_lstm), (1, space.max_dense)] + widths
    for index, (gene, (low, high)) in enumerate(zip(genes, limits)):
        if isinstance(gene, bool) or not isinstance(gene, numbers.Integral):
            return f"gene {index} ({names[index]}) must be an integer, got {gene!r}"
        if not low <= gene <= high:
            return f"gene {index} ({names[index]}) must be from {low} to {high}, got {gene}"
        if index >= 2 and (gene - space.min_units) % space.unit_step:
            return (f"gene {index} ({names[index]}) must be a width on the grid {space.min_units}, "
                    f"{space.min_units + space.unit_step}, ..., {space.max_units}, got {gene}")
    return None


def is_valid_genome(genome: object, space: ArchitectureSpace) -> bool:
    """True if ``genome`` has the right length, counts in range and every width slot on the grid."""
    return genome_problem(genome, space) is None


def validate_genome(genome: object, space: ArchitectureSpace) -> list[int]:
    """``genome`` as a plain list of ``int``; ``ValueError`` naming the first wrong gene if it is not valid."""
    problem = genome_problem(genome, space)
    if problem is not None:
        raise ValueError(problem)
    return [int(gene) for gene in genome]  # type: ignore[union-attr]


def decode(genome: Sequence[int], space: ArchitectureSpace) -> Architecture:
    """The ``Architecture`` a valid genome describes: the active widths, in order (dormant slots are ignored)."""
    genes = validate_genome(genome, space)
    lstm = tuple(genes[slot] for slot in space.lstm_slots[:genes[N_LSTM]])
    dense = tuple(genes[slot] for slot in space.dense_slots[:genes[N_DENSE]])
    return Architecture(lstm_units=lstm, dense_units=dense)


def _generator(rng: random.Random | None) -> Any:
    """``rng``, or the ``random`` module itself (the generator that ``random.seed`` seeds and DEAP uses)."""
    return random if rng is None else rng


def random_width(space: ArchitectureSpace, rng: random.Random | None = None) -> int:
    """One width from ``space.widths`` (log-uniform if ``space.log_uniform``, else uniform)."""
    widths = space.widths
    if not space.log_uniform:
        return _generator(rng).choice(widths)
    return _generator(rng).choices(widths, weights=[1.0 / width for width in widths])[0]


def random_architecture_genome(space: ArchitectureSpace, rng: random.Random | None = None) -> list[int]:
    """A random valid genome: layer counts uniform in ``1..max``, every width slot from ``random_width``."""
    generator = _generator(rng)
    counts = [generator.randint(1, space.max_lstm), generator.randint(1, space.max_dense)]
    return counts + [random_width(space, generator) for _ in range(space.max_lstm + space.max_dense)]


# ---- notebooks/08_ga_lstm_architecture.ipynb, cell 14 ----
import keras
import numpy as np


def dense_head(x, dense_units, n_classes, l2, dropout, batch_norm):
    """The Dense blocks on ``x`` (Dense with an L2 penalty, batch norm, ReLU, dropout), then the softmax layer."""
    for index, units in enumerate(dense_units, 1):
        x = keras.layers.Dense(units, kernel_regularizer=keras.regularizers.L2(l2), name=f"dense_{index}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(momentum=0.9, name=f"batch_norm_{index}")(x)
        x = keras.layers.Activation("relu", name=f"relu_{index}")(x)
        x = keras.layers.Dropout(dropout, name=f"dropout_{index}")(x)
    return keras.layers.Dense(n_classes, activation="softmax", name="softmax")(x)


def build_lstm_network(architecture, n_classes, l2, dropout, batch_norm, name="evolved"):
    """The Keras model an Architecture describes: stacked LSTMs reading the image row by row, then the dense head."""
    inputs = keras.Input(shape=(28, 28), name="image_rows")
    x = inputs
    for index, units in enumerate(architecture.lstm_units, 1):  # all but the last LSTM pass on the whole sequence
        x = keras.layers.LSTM(units, return_sequences=index < len(architecture.lstm_units), name=f"lstm_{index}")(x)
    outputs = dense_head(x, architecture.dense_units, n_classes, l2, dropout, batch_norm)
    return keras.Model(inputs, outputs, name=name)


def compile_network(model, n_images, epochs, batch_size, learning_rate):
    """Compile for a run of ``epochs`` over ``n_images``: Adam, learning rate decaying along a cosine to 0."""
    steps = epochs * int(np.ceil(n_images / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def count_network_parameters(architecture, n_classes, batch_norm):
    """Parameters of build_lstm_network(architecture, n_classes, ..., batch_norm), computed without building it."""
    total, width = 0, 28
    for units in architecture.lstm_units:  # 4 gates, each with input weights, recurrent weights and a bias
        total, width = total + 4 * units * (width + units + 1), units
    for units in architecture.dense_units:  # kernel and bias, plus 4 batch-norm numbers per unit
        total, width = total + width * units + units + (4 * units if batch_norm else 0), units
    return total + width * n_classes + n_classes


# ---- notebooks/08_ga_lstm_architecture.ipynb, cell 17 ----
def crossover(parent1: MutableSequence[int], parent2: MutableSequence[int], space: ArchitectureSpace,
              indpb: float = 0.5,
              rng: random.Random | None = None) -> tuple[MutableSequence[int], MutableSequence[int]]:
    """Uniform crossover that respects the structure; changes both parents in place and returns them.

    The layer-count genes are never exchanged (each child keeps its own depth). The width of LSTM layer
    ``i`` is swapped with probability ``indpb`` only when *both* parents have an LSTM layer ``i``; the same
    for Dense layers. Dormant slots (layers a parent does not have) are never touched.
    Raises ``ValueError`` if a parent is not a valid genome or ``indpb`` is not in [0, 1].
    """
    indpb = check_float("indpb", indpb, 0.0, 1.0)
    genes1, genes2 = validate_genome(parent1, space), validate_genome(parent2, space)
    generator = _generator(rng)
    for count, slots in ((N_LSTM, space.lstm_slots), (N_DENSE, space.dense_slots)):
        for slot in slots[:min(genes1[count], genes2[count])]:  # layers both parents have
            if generator.random() < indpb:
                parent1[slot], parent2[slot] = genes2[slot], genes1[slot]
    return parent1, parent2


def mutate(genome: MutableSequence[int], space: ArchitectureSpace, width_pb: float = 0.3, count_pb: float = 0.1,
           rng: random.Random | None = None) -> tuple[MutableSequence[int]]:
    """Mutation that respects the structure; changes ``genome`` in place and returns ``(genome,)``.

    First each *active* width gene is redrawn with ``random_width`` with probability ``width_pb``
    (dormant slots are left alone). Then each layer-count gene moves one step up or down with probability
    ``count_pb``, staying within ``1..max`` (at a limit it moves inwards); a layer switched back on gets
    the width stored in its dormant slot.
    Raises ``ValueError`` if ``genome`` is not valid or a probability is not in [0, 1].
    """
    width_pb = check_float("width_pb", width_pb, 0.0, 1.0)
    count_pb = check_float("count_pb", count_pb, 0.0, 1.0)
    genes = validate_genome(genome, space)
    generator = _generator(rng)
    for slot in space.active_slots(genes):
        if generator.random() < width_pb:
            genome[slot] = random_width(space, generator)
    for count, limit in ((N_LSTM, space.max_lstm), (N_DENSE, space.max_dense)):
        if limit > 1 and generator.random() < count_pb:
            step = generator.choice((-1, 1))
            if not 1 <= genes[count] + step <= limit:
                step = -step
            genome[count] = genes[count] + step
    return (genome,)


# ---- notebooks/08_ga_lstm_architecture.ipynb, cell 21 ----
from edl_helpers.keras_training import config_seed, fit_and_score


def architecture_config(genome, space):
    """The training configuration of a genome: its decoded layer widths (the key of the fitness cache)."""
    architecture = decode(genome, space)
    return {"lstm_units": architecture.lstm_units, "dense_units": architecture.dense_units}


def train_and_score(config, build, data, epochs, batch_size, learning_rate, seed):
    """Train ``build(config)`` from scratch for ``epochs`` on ``data = (x_train, y_train, x_val, y_val)``,
    compiled by compile_network; return fit_and_score's result (``score``: the validation accuracy)."""
    return fit_and_score(lambda c: compile_network(build(c), len(data[1]), epochs, batch_size, learning_rate),
                         config, data, epochs=epochs, batch_size=batch_size, seed=config_seed(config, seed))


# ---- notebooks/08_ga_lstm_architecture.ipynb, cell 24 ----
def parameter_budget(space, count_parameters, max_parameters):
    """``(feasible, distance)`` for a budget of ``max_parameters``, the two functions DEAP's DeltaPenalty takes.

    ``feasible(genome)``: the decoded network has at most ``max_parameters`` parameters (counted by
    ``count_parameters(architecture)``); ``distance(genome)``: how far over budget, in multiples of the budget.
    """
    def feasible(genome):
        return count_parameters(decode(genome, space)) <= max_parameters

    def distance(genome):
        return count_parameters(decode(genome, space)) / max_parameters - 1

    return feasible, distance


def random_feasible_genome(space, feasible, rng=None):
    """Draw random genomes until one is feasible."""
    genome = random_architecture_genome(space, rng)
    while not feasible(genome):
        genome = random_architecture_genome(space, rng)
    return genome


# ---- notebooks/08_ga_lstm_architecture.ipynb, cell 27 ----
from deap import algorithms, base, tools


class MaxFitness(base.Fitness):
    """One fitness value, maximised: what creator.create("FitnessMax", base.Fitness, weights=(1.0,)) makes."""

    weights = (1.0,)


class GenomeIndividual(list):
    """A genome with a fitness: what creator.create("Individual", list, fitness=MaxFitness) makes."""

    def __init__(self, genes=()):
        super().__init__(genes)
        self.fitness = MaxFitness()


def make_architecture_toolbox(space, evaluate, feasible, distance, tournament_size, width_pb, count_pb, indpb=0.5,
                              random_genome=None):
    """The GA's toolbox: random initial genomes (``random_genome()``, by default random_feasible_genome), ``evaluate``
    behind the penalty (an infeasible genome scores ``0 - distance(genome)``, untrained), tournament selection,
    the structured crossover and mutation."""
    random_genome = random_genome or (lambda: random_feasible_genome(space, feasible))
    toolbox = base.Toolbox()
    toolbox.register("individual", tools.initIterate, GenomeIndividual, random_genome)
    toolbox.register("population", tools.initRepeat, list, toolbox.individual)
    toolbox.register("evaluate", evaluate)
    toolbox.decorate("evaluate", tools.DeltaPenalty(feasible, 0.0, distance))
    toolbox.register("select", tools.selTournament, tournsize=tournament_size)
    toolbox.register("mate", crossover, space=space, indpb=indpb)
    toolbox.register("mutate", mutate, space=space, width_pb=width_pb, count_pb=count_pb)
    return toolbox


# ---- notebooks/08_ga_lstm_architecture.ipynb, cell 29 ----
import time

import edl_helpers as edl


@dataclasses.dataclass
class ArchitectureSearch:
    """What evolve_architectures found."""

    population: list  # the last population
    hall_of_fame: tools.HallOfFame  # the best genome evaluated (hall_of_fame[0])
    generations: int  # generations completed after the initial population
    infeasible_children: list  # the children penalised without training (copies of their genomes)
    seconds: float  # wall time of the search
    interrupted: bool  # True when Stop (■) cut it short


def training_fitness(trainer, space, map_function=map):
    """``(train, evaluate)`` for a toolbox whose fitness is the validation accuracy that ``trainer`` (a CachedTrainer) gives.

    ``train(genomes)`` (for ``toolbox.train``) trains the new architectures among ``genomes`` through ``map_function`` (e.g. a process pool),
    as far as the trainer's budget goes; ``evaluate(genome)`` returns ``(validation accuracy,)`` from the trainer
    (training the architecture if it is new) or ``None`` once the budget is spent. Both put the state of Python's
    ``random`` back, which a training in this process reseeds, so that a search's draws do not depend on where, or
    whether, an architecture is trained.
    """
    def train_genomes(genomes):
        state = random.getstate()
        trainer.evaluate([architecture_config(genome, space) for genome in genomes], map_function)
        random.setstate(state)

    def genome_fitness(genome):
        state = random.getstate()
        (result,) = trainer.evaluate([architecture_config(genome, space)])
        random.setstate(state)
        return None if result is None else (result.score,)

    return train_genomes, genome_fitness


def score_genomes(individuals, toolbox, feasible):
    """Give ``individuals`` their fitness; return those that got one.

    If the toolbox has a ``train`` function, it first gets the feasible genomes all at once (to train their new
    architectures side by side); then ``toolbox.evaluate`` scores each genome: a cache lookup, a training, or the
    penalty. An evaluation that returns ``None`` (a budget of trainings that did not reach the genome) leaves the
    individual without a fitness.
    """
    if hasattr(toolbox, "train"):
        toolbox.train([individual for individual in individuals if feasible(individual)])
    for individual in individuals:
        fitness = toolbox.evaluate(individual)
        if fitness is not None:
            individual.fitness.values = fitness
    return [individual for individual in individuals if individual.fitness.valid]


def evolve_architectures(toolbox, population_size, generations, crossover_rate, mutation_rate, feasible, seed,
                         on_generation=None, trainer=None):
    """Evolve the genomes of ``toolbox`` (from make_architecture_toolbox); return an ArchitectureSearch.

    Notebook 02's generation (tournament selection, ``varAnd``, only changed children evaluated) with elitism
    of one: the next population is the best ``population_size - 1`` children plus the best genome found so far.
    Runs ``generations`` generations at most; with ``trainer`` (a CachedTrainer with a budget), no generation
    starts once its budget of trainings is spent. Stop (■) ends it early, keeping the best so far.
    ``on_generation(generation, population, hall_of_fame)`` is called after the initial population
    (generation 0) and after every generation.
    """
    edl.seed_everything(seed)  # DEAP draws from Python's random: same seed, same search
    started = time.perf_counter()
    hall_of_fame, population, infeasible, completed = tools.HallOfFame(1), [], [], 0
    with edl.stop_on_interrupt("the architecture search") as stop:
        population = score_genomes(toolbox.population(n=population_size), toolbox, feasible)
        hall_of_fame.update(population)
        if on_generation:
            on_generation(0, population, hall_of_fame)
        for generation in range(1, generations + 1):
            if trainer is not None and trainer.exhausted:
                break
            offspring = toolbox.select(population, len(population))
            offspring = algorithms.varAnd(offspring, toolbox, crossover_rate, mutation_rate)
            changed = [child for child in offspring if not child.fitness.valid]  # crossed or mutated
            infeasible += [list(child) for child in score_genomes(changed, toolbox, feasible) if not feasible(child)]
            offspring = [child for child in offspring if child.fitness.valid]  # less the children beyond the budget
            hall_of_fame.update(offspring)
            population[:] = tools.selBest(offspring, population_size - 1) + [toolbox.clone(hall_of_fame[0])]
            if on_generation:
                on_generation(generation, population, hall_of_fame)
            completed = generation
    return ArchitectureSearch(population, hall_of_fame, completed, infeasible, time.perf_counter() - started,
                              stop.interrupted)


# ---- notebooks/08_ga_lstm_architecture.ipynb, cell 31 ----
def random_architecture_search(trainer, space, feasible, seed, map_function=map, workers=1):
    """The GA's control: random feasible genomes until ``trainer``'s budget of trainings is spent; True if Stop (■) cut it short.

    Genomes come from ``random_feasible_genome(space, feasible, random.Random(seed))``: the stream, hence the first
    genomes, of the initial population of ``evolve_architectures`` with the same ``seed``. They are drawn ``workers``
    at a time and trained through ``map_function``; a repeated architecture is a free cache hit. The architectures
    trained, the first ``trainer.budget`` distinct ones drawn, do not depend on ``workers``.
    """
    workers = check_int("workers", workers, 1)
    generator = random.Random(seed)
    with edl.stop_on_interrupt("the random search") as stop:
        while not trainer.exhausted:
            genomes = [random_feasible_genome(space, feasible, generator) for _ in range(workers)]
            trainer.evaluate([architecture_config(genome, space) for genome in genomes], map_function)
    return stop.interrupted
