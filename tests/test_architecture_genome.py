"""Notebook 08's architecture genomes (edl_lessons.l08_architecture, from the notebook's #@save cells): random,
decoded, crossed and mutated genomes are always valid and keep their fixed length (property-based); the GA and its
random-search control spend a budget of trainings, start from the same genomes and give the same results wherever
the trainings run."""
import copy
import random

import numpy as np
import pytest
from edl_helpers.keras_training import CachedTrainer, config_key, config_seed
from hypothesis import given, settings
from hypothesis import strategies as st

from edl_lessons.l08_architecture import (
    Architecture, ArchitectureSpace, GenomeIndividual, architecture_config, build_lstm_network, training_fitness,
    count_network_parameters, crossover, decode, evolve_architectures, genome_problem, is_valid_genome,
    make_architecture_toolbox, mutate, parameter_budget, random_architecture_genome, random_architecture_search,
    random_width, validate_genome)

DEFAULT_SPACE = ArchitectureSpace()  # notebook 08's space: up to 3 LSTM and 3 Dense layers, widths 32, 64, ..., 256

SPACES = st.builds(
    lambda max_lstm, max_dense, min_units, steps, unit_step, log_uniform: ArchitectureSpace(
        max_lstm, max_dense, min_units, min_units + steps * unit_step, unit_step, log_uniform),
    st.integers(1, 4), st.integers(1, 4), st.integers(1, 64), st.integers(0, 8), st.integers(1, 32), st.booleans())
PROBABILITIES = st.floats(0.0, 1.0)


@st.composite
def space_and_genomes(draw, count=1):
    """A space and ``count`` valid genomes in it (built gene by gene, not with random_architecture_genome)."""
    space = draw(SPACES)
    genomes = []
    for _ in range(count):
        widths = st.sampled_from(space.widths)
        genomes.append([draw(st.integers(1, space.max_lstm)), draw(st.integers(1, space.max_dense))]
                       + [draw(widths) for _ in range(space.max_lstm + space.max_dense)])
    return space, genomes


def expected_architecture(genome, space):
    lstm = genome[2:2 + genome[0]]
    dense = genome[2 + space.max_lstm:2 + space.max_lstm + genome[1]]
    return Architecture(tuple(lstm), tuple(dense))


@given(space_and_genomes(), st.integers(0, 2**32 - 1))
def test_random_genomes_are_valid_and_decode(pair, seed):
    space, _ = pair
    genome = random_architecture_genome(space, random.Random(seed))
    assert is_valid_genome(genome, space)
    architecture = decode(genome, space)
    assert 1 <= len(architecture.lstm_units) <= space.max_lstm
    assert 1 <= len(architecture.dense_units) <= space.max_dense
    assert set(architecture.lstm_units + architecture.dense_units) <= set(space.widths)


@given(space_and_genomes())
def test_decoding_reads_the_active_slots_only(pair):
    space, (genome,) = pair
    architecture = decode(genome, space)
    assert architecture == expected_architecture(genome, space)
    assert len(architecture.lstm_units) == genome[0] and len(architecture.dense_units) == genome[1]
    dormant = [slot for slot in range(2, space.length) if slot not in space.active_slots(genome)]
    changed = list(genome)
    for slot in dormant:
        changed[slot] = space.widths[0] if genome[slot] != space.widths[0] else space.widths[-1]
    assert decode(changed, space) == architecture  # dormant genes do not change the network (cache key)


@settings(max_examples=300)
@given(space_and_genomes(count=2), PROBABILITIES, st.integers(0, 2**32 - 1))
def test_crossover_keeps_counts_and_dormant_genes_and_stays_valid(pair, indpb, seed):
    space, (genome1, genome2) = pair
    child1, child2 = list(genome1), list(genome2)
    returned = crossover(child1, child2, space, indpb, random.Random(seed))
    assert returned[0] is child1 and returned[1] is child2
    assert is_valid_genome(child1, space) and is_valid_genome(child2, space)
    assert child1[:2] == genome1[:2] and child2[:2] == genome2[:2], "layer counts are not crossed"
    assert len(child1) == len(child2) == space.length, "the genome has a fixed length"
    shared = set(space.active_slots(genome1)) & set(space.active_slots(genome2))
    for slot in range(2, space.length):
        if slot in shared:
            assert {child1[slot], child2[slot]} == {genome1[slot], genome2[slot]}
            assert (child1[slot], child2[slot]) in ((genome1[slot], genome2[slot]), (genome2[slot], genome1[slot]))
        else:  # a layer missing in either parent: its slot is neither crossed
            assert child1[slot] == genome1[slot] and child2[slot] == genome2[slot]


@settings(max_examples=300)
@given(space_and_genomes(), PROBABILITIES, PROBABILITIES, st.integers(0, 2**32 - 1))
def test_mutation_stays_valid_and_leaves_dormant_genes_alone(pair, width_pb, count_pb, seed):
    space, (genome,) = pair
    mutant = list(genome)
    (returned,) = mutate(mutant, space, width_pb, count_pb, random.Random(seed))
    assert returned is mutant
    assert is_valid_genome(mutant, space) and len(mutant) == space.length
    active = set(space.active_slots(genome))
    for slot in range(2, space.length):
        if slot not in active:
            assert mutant[slot] == genome[slot], "a dormant width gene was mutated"
    for count in (0, 1):
        assert abs(mutant[count] - genome[count]) <= 1


@given(space_and_genomes(count=2), st.integers(0, 2**32 - 1))
def test_many_generations_of_variation_stay_valid(pair, seed):
    space, genomes = pair
    rng = random.Random(seed)
    for _ in range(20):
        crossover(genomes[0], genomes[1], space, 0.5, rng)
        for genome in genomes:
            mutate(genome, space, 0.5, 0.5, rng)
            assert is_valid_genome(genome, space)
            decode(genome, space)


def test_zero_probabilities_change_nothing_and_one_swaps_every_shared_width():
    genome1, genome2 = [1, 3, 64, 96, 128, 160, 192, 224], [2, 1, 32, 256, 32, 256, 64, 64]
    child1, child2 = crossover(list(genome1), list(genome2), DEFAULT_SPACE, indpb=0.0)
    assert (child1, child2) == (genome1, genome2)
    child1, child2 = crossover(list(genome1), list(genome2), DEFAULT_SPACE, indpb=1.0)
    assert child1 == [1, 3, 32, 96, 128, 256, 192, 224]  # LSTM 1 and Dense 1 swapped; the rest kept
    assert child2 == [2, 1, 64, 256, 32, 160, 64, 64]
    assert mutate(list(genome1), DEFAULT_SPACE, width_pb=0.0, count_pb=0.0)[0] == genome1


def test_count_mutation_moves_inwards_at_the_limits():
    rng = random.Random(0)
    for _ in range(50):
        mutant = mutate([1, 3, 32, 32, 32, 32, 32, 32], DEFAULT_SPACE, width_pb=0.0, count_pb=1.0, rng=rng)[0]
        assert mutant[:2] == [2, 2]
    only_one = ArchitectureSpace(max_lstm=1, max_dense=1)
    assert mutate([1, 1, 64, 64], only_one, width_pb=0.0, count_pb=1.0)[0] == [1, 1, 64, 64]


def test_decode_and_str():
    architecture = decode([2, 1, 128, 64, 256, 96, 32, 32], DEFAULT_SPACE)
    assert architecture == Architecture((128, 64), (96,))
    assert str(architecture) == "LSTM(128)-LSTM(64) | Dense(96)"
    assert decode(np.array([1, 1, 32, 32, 32, 32, 32, 32]), DEFAULT_SPACE) == Architecture((32,), (32,))
    assert str(Architecture((128,), ())) == "LSTM(128)"


@pytest.mark.parametrize("genome, message", [
    ([0, 1, 32, 32, 32, 32, 32, 32], "gene 0 (n_lstm) must be from 1 to 3"),
    ([1, 4, 32, 32, 32, 32, 32, 32], "gene 1 (n_dense) must be from 1 to 3"),
    ([1, 1, 32, 32, 32, 32, 32, 300], "gene 7 (dense_3) must be from 32 to 256"),
    ([1, 1, 33, 32, 32, 32, 32, 32], "gene 2 (lstm_1) must be a width on the grid"),
    ([1, 1, 32.0, 32, 32, 32, 32, 32], "gene 2 (lstm_1) must be an integer"),
    ([1, True, 32, 32, 32, 32, 32, 32], "gene 1 (n_dense) must be an integer"),
    ([1, 1, 32], "must have 8 genes"),
    ("12345678", "sequence of 8 integers"),
    (5, "sequence of 8 integers"),
])
def test_invalid_genomes_are_refused_with_the_gene_named(genome, message):
    assert message in genome_problem(genome, DEFAULT_SPACE)
    assert not is_valid_genome(genome, DEFAULT_SPACE)
    with pytest.raises(ValueError, match="gene|genome"):
        validate_genome(genome, DEFAULT_SPACE)
    with pytest.raises(ValueError):
        decode(genome, DEFAULT_SPACE)
    if isinstance(genome, list) and len(genome) == 8:
        with pytest.raises(ValueError):
            mutate(genome, DEFAULT_SPACE)
        with pytest.raises(ValueError):
            crossover(genome, [1, 1, 32, 32, 32, 32, 32, 32], DEFAULT_SPACE)


def test_bad_probabilities_and_spaces_are_refused():
    with pytest.raises(ValueError, match="indpb"):
        crossover([1, 1] + [32] * 6, [1, 1] + [32] * 6, DEFAULT_SPACE, indpb=1.5)
    with pytest.raises(ValueError, match="width_pb"):
        mutate([1, 1] + [32] * 6, DEFAULT_SPACE, width_pb=-0.1)
    with pytest.raises(ValueError, match="unit_step must divide"):
        ArchitectureSpace(min_units=32, max_units=256, unit_step=100)
    with pytest.raises(ValueError, match="max_lstm"):
        ArchitectureSpace(max_lstm=0)
    converted = ArchitectureSpace(max_lstm=2.0).max_lstm
    assert converted == 2 and isinstance(converted, int)


def test_default_widths_are_uniform_and_log_uniform_ones_prefer_small_layers():
    assert DEFAULT_SPACE.widths == (32, 64, 96, 128, 160, 192, 224, 256)
    assert DEFAULT_SPACE.gene_names() == ["n_lstm", "n_dense", "lstm_1", "lstm_2", "lstm_3",
                                          "dense_1", "dense_2", "dense_3"]
    rng = random.Random(0)
    draws = np.array([random_width(ArchitectureSpace(log_uniform=True), rng) for _ in range(4000)])
    assert np.mean(draws == 32) > 3 * np.mean(draws == 256)
    draws = np.array([random_width(DEFAULT_SPACE, rng) for _ in range(4000)])
    assert abs(np.mean(draws == 32) - np.mean(draws == 256)) < 0.05


def test_the_global_random_generator_is_used_by_default_so_seeding_repeats():
    random.seed(3)
    first = [random_architecture_genome(DEFAULT_SPACE) for _ in range(5)]
    random.seed(3)
    assert [random_architecture_genome(DEFAULT_SPACE) for _ in range(5)] == first


@pytest.mark.parametrize("architecture", [Architecture((32,), ()), Architecture((128, 64), (96,)),
                                          Architecture((224, 32, 64), (32, 256, 64))])
@pytest.mark.parametrize("batch_norm", [True, False])
def test_the_parameter_count_is_keras_count(architecture, batch_norm):
    model = build_lstm_network(architecture, n_classes=10, l2=1e-4, dropout=0.2, batch_norm=batch_norm)
    assert count_network_parameters(architecture, 10, batch_norm) == model.count_params()


def test_budget_feasibility_and_distance():
    count = lambda architecture: sum(architecture.lstm_units) + sum(architecture.dense_units)  # noqa: E731
    feasible, distance = parameter_budget(DEFAULT_SPACE, count, max_parameters=200)
    assert feasible([1, 1, 96, 256, 256, 64, 256, 256]) and distance([1, 1, 96, 256, 256, 64, 256, 256]) < 0
    assert not feasible([1, 2, 96, 256, 256, 64, 256, 256])
    assert distance([1, 2, 96, 256, 256, 64, 256, 256]) == pytest.approx((96 + 64 + 256) / 200 - 1)


def test_individuals_copy_like_creator_classes():
    individual = GenomeIndividual([1, 1, 32, 32, 32, 32, 32, 32])
    individual.fitness.values = (0.5,)
    clone = copy.deepcopy(individual)
    assert clone == individual and clone.fitness.values == (0.5,) and clone.fitness is not individual.fitness
    assert not GenomeIndividual().fitness.valid and GenomeIndividual.__mro__[1] is list


def _toy_search(seed, generations=6):
    """The lesson's GA with a fitness that needs no training (a made-up score of the architecture)."""
    count = lambda architecture: 1000 * len(architecture.lstm_units) + sum(architecture.dense_units)  # noqa: E731
    feasible, distance = parameter_budget(DEFAULT_SPACE, count, max_parameters=2400)
    scored = []

    def evaluate(genome):
        assert feasible(genome), "an infeasible genome must be penalised, not evaluated"
        scored.append(list(genome))
        architecture = decode(genome, DEFAULT_SPACE)
        return (sum(architecture.lstm_units) / 768 - len(architecture.dense_units) / 10,)

    toolbox = make_architecture_toolbox(DEFAULT_SPACE, evaluate, feasible, distance, tournament_size=3,
                                        width_pb=0.3, count_pb=0.3)
    best = []
    search = evolve_architectures(toolbox, 6, generations, 0.5, 0.5, feasible, seed,
                                  on_generation=lambda g, population, hall_of_fame: best.append(
                                      max(individual.fitness.values[0] for individual in population)))
    return search, best, scored


def test_the_search_repeats_keeps_its_best_and_penalises_without_evaluating():
    search, best, scored = _toy_search(seed=4)
    again, _, _ = _toy_search(seed=4)
    assert [list(g) for g in search.population] == [list(g) for g in again.population]
    assert search.generations == 6 and len(best) == 7 and not search.interrupted
    assert best == sorted(best), "elitism: the population's best never gets worse"
    assert best[-1] == search.hall_of_fame[0].fitness.values[0]
    assert all(is_valid_genome(genome, DEFAULT_SPACE) for genome in search.population)
    assert search.infeasible_children and all(genome not in scored for genome in search.infeasible_children)


# ---- a budget of trainings, the random-search control, and trainings in another process ----

BUDGET_COUNT = lambda architecture: 1000 * len(architecture.lstm_units) + sum(architecture.dense_units)  # noqa: E731


class _Result:
    def __init__(self, config, score):
        self.config, self.score = config, score


def _toy_training(config):
    """A made-up score of the architecture; like fit_and_score, it reseeds Python's random (as a Keras training does)."""
    random.seed(config_seed(config))
    return _Result(dict(config), sum(config["lstm_units"]) / 768 - len(config["dense_units"]) / 10 + random.random() / 100)


def _elsewhere(function, items):
    """A map that runs ``function`` as a worker process would: this process's random generator is left untouched."""
    results = []
    for item in items:
        state = random.getstate()
        results.append(function(item))
        random.setstate(state)
    return results


def _budgeted_ga(seed, budget, map_function, shared=None, population_size=6):
    feasible, distance = parameter_budget(DEFAULT_SPACE, BUDGET_COUNT, max_parameters=2400)
    trainer = CachedTrainer(_toy_training, budget=budget, progress=False, shared=shared)
    train, evaluate = training_fitness(trainer, DEFAULT_SPACE, map_function)
    toolbox = make_architecture_toolbox(DEFAULT_SPACE, evaluate, feasible, distance, tournament_size=3,
                                        width_pb=0.3, count_pb=0.3)
    toolbox.register("train", train)
    search = evolve_architectures(toolbox, population_size, 200, 0.5, 0.5, feasible, seed, trainer=trainer)
    return search, trainer, feasible


def test_the_budget_of_trainings_ends_the_search():
    search, trainer, _ = _budgeted_ga(seed=1, budget=15, map_function=map)
    assert trainer.trainings == 15 and trainer.exhausted
    assert 1 <= search.generations < 200, "the budget, not the cap on generations, ended the search"
    assert search.hall_of_fame[0].fitness.values[0] == pytest.approx(trainer.best().score)
    assert all(individual.fitness.valid for individual in search.population)


@pytest.mark.parametrize("seed", [0, 5])
def test_the_search_is_the_same_wherever_the_trainings_run(seed):
    here, here_trainer, _ = _budgeted_ga(seed, 14, map)
    there, there_trainer, _ = _budgeted_ga(seed, 14, _elsewhere)
    assert [r.config for r in here_trainer.history] == [r.config for r in there_trainer.history]
    assert [list(g) for g in here.population] == [list(g) for g in there.population]


def test_without_a_trainer_or_train_function_the_search_is_unchanged():
    """The solutions notebook's path: evaluate trains one genome at a time, no budget, a fixed number of generations."""
    search, best, _ = _toy_search(seed=2, generations=3)
    assert search.generations == 3 and len(best) == 4


@pytest.mark.parametrize("seed", [0, 3])
def test_random_search_starts_from_the_gas_first_genomes_and_copies_their_results(seed):
    shared = {}
    search, ga_trainer, feasible = _budgeted_ga(seed, 12, map, shared=shared)
    random_trainer = CachedTrainer(_toy_training, budget=ga_trainer.trainings, progress=False, shared=shared)
    random_architecture_search(random_trainer, DEFAULT_SPACE, feasible, seed)
    first = list(dict.fromkeys(config_key(r.config) for r in ga_trainer.history[:6]))
    initial = list(dict.fromkeys(config_key(architecture_config(g, DEFAULT_SPACE))
                                 for g in _initial_population(seed, feasible)))
    assert first[:len(initial)] == initial, "the GA trains its initial population first"
    assert [config_key(r.config) for r in random_trainer.history[:len(initial)]] == initial
    assert random_trainer.trainings == ga_trainer.trainings and random_trainer.reused >= len(initial)


def _initial_population(seed, feasible, size=6):
    from edl_lessons.l08_architecture import random_feasible_genome
    generator = random.Random(seed)
    return [random_feasible_genome(DEFAULT_SPACE, feasible, generator) for _ in range(size)]


def test_random_search_trains_the_same_architectures_with_any_number_of_workers():
    feasible, _ = parameter_budget(DEFAULT_SPACE, BUDGET_COUNT, max_parameters=2400)
    histories = []
    for workers in (1, 2, 5):
        trainer = CachedTrainer(_toy_training, budget=11, progress=False)
        assert not random_architecture_search(trainer, DEFAULT_SPACE, feasible, seed=7, map_function=_elsewhere,
                                              workers=workers)
        assert trainer.trainings == 11
        histories.append([r.config for r in trainer.history])
    assert histories[0] == histories[1] == histories[2]
    with pytest.raises(ValueError, match="workers"):
        random_architecture_search(CachedTrainer(_toy_training, budget=1, progress=False), DEFAULT_SPACE, feasible, 0,
                                   workers=0)


def test_training_fitness_is_none_beyond_the_budget_and_keeps_the_random_state():
    trainer = CachedTrainer(_toy_training, budget=1, progress=False)
    train, evaluate = training_fitness(trainer, DEFAULT_SPACE)
    random.seed(11)
    state = random.getstate()
    first = evaluate([1, 1, 32, 32, 32, 32, 32, 32])
    assert random.getstate() == state, "a training in this process must not move the GA's random generator"
    assert first is not None and evaluate([1, 1, 32, 64, 64, 32, 32, 32]) == first  # dormant genes: the same network
    assert evaluate([1, 1, 64, 32, 32, 32, 32, 32]) is None  # a new architecture, the budget spent
    train([[2, 1, 32, 32, 32, 32, 32, 32]])
    assert trainer.trainings == 1
