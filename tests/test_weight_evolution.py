"""Notebook 02's GA and fitness (edl_lessons.l02_ga) and notebook 03's ES (edl_lessons.l03_es), as notebook 04 uses them."""
import numpy as np
import pytest
from deap import base, creator

import edl_helpers as edl
from edl_lessons import l03_es
from edl_lessons.l02_ga import EvolutionResult, evaluate_individuals, evolve, make_ga_toolbox, run_ga, weight_fitness
from edl_lessons.l03_es import make_child, make_es_toolbox, run_es


def notebook_02_ga(X, Y, middle_layer=10, seed=0, population_size=100, generations=300, patience=50,
                      max_evaluations=None, evaluate=evaluate_individuals):
    """Notebook 02's GA (its toolbox and run_ga, CXPB 0.5, MUTPB 0.2) on a 2-middle_layer-1 MLP."""
    mlp = edl.MLP(X.shape[1], middle_layer)
    toolbox = make_ga_toolbox(mlp.n_parameters, evaluate, mlp=mlp, loss_weight=1.0)
    return run_ga(toolbox, X, Y, seed, population_size, generations, 0.5, 0.2, patience,
                  max_evaluations=max_evaluations)


def notebook_03_es(X, Y, middle_layer=10, seed=0, mu=10, lambda_=100, generations=300, patience=50,
                   min_strategy=0.01, max_strategy=0.5, max_evaluations=None, evaluate=evaluate_individuals):
    """Notebook 03's (mu, lambda)-ES (its toolbox and run_es, as notebook 04 runs it) on a 2-middle_layer-1 MLP."""
    mlp = edl.MLP(X.shape[1], middle_layer)
    toolbox = make_es_toolbox(mlp.n_parameters, min_strategy, max_strategy, evaluate, mlp=mlp, loss_weight=1.0)
    return run_es(toolbox, X, Y, seed, mu, lambda_, generations, patience, max_evaluations=max_evaluations)


@pytest.fixture(scope="module")
def easy():
    X, Y = edl.make_problem("blobs", 100, 1, 0)
    X_train, _, Y_train, _ = edl.split_and_scale(X, Y, test_fraction=0.3, seed=0)
    return X_train, Y_train


def test_the_es_reuses_notebook_02s_loop_and_copies_no_ga():
    assert l03_es.evolve is evolve  # one generation loop: notebook 02's, with the ES's own vary and survive
    assert not hasattr(l03_es, "run_ga") and not hasattr(l03_es, "weight_fitness")  # no second copy


def test_weight_fitness_is_accuracy_minus_weighted_log_loss():
    Y = np.array([0, 1, 1, 0])
    probabilities = np.array([[0.0, 1.0, 1.0, 0.0],   # all right, certain
                              [1.0, 0.0, 0.0, 1.0],   # all wrong, certain: accuracy 0, no division by zero
                              [0.4, 0.6, 0.4, 0.6]])  # half right
    fitness, accuracy = weight_fitness(probabilities, Y, loss_weight=1.0)
    np.testing.assert_allclose(accuracy, [1.0, 0.0, 0.5])
    assert fitness[0] == pytest.approx(1.0, abs=1e-6)
    assert np.all(np.isfinite(fitness)) and fitness[0] > fitness[2] > fitness[1]
    np.testing.assert_allclose(fitness, accuracy - edl.population_log_loss(probabilities, Y))
    np.testing.assert_array_equal(weight_fitness(probabilities, Y, loss_weight=0.0)[0], accuracy)


def test_evaluate_individuals_scores_the_whole_population_in_one_pass(easy):
    X, Y = easy
    mlp = edl.MLP(2, 4)
    if not hasattr(creator, "TestFitness"):
        creator.create("TestFitness", base.Fitness, weights=(1.0,))
        creator.create("TestIndividual", list, fitness=creator.TestFitness)
    rng = np.random.default_rng(1)
    individuals = [creator.TestIndividual(row) for row in rng.uniform(-1, 1, (6, mlp.n_parameters)).tolist()]
    evaluate_individuals(individuals, X, Y, mlp=mlp, loss_weight=0.5)
    evaluate_individuals([], X, Y, mlp=mlp)  # nothing to do, no error
    for individual in individuals:
        mlp.set_parameters(np.array(individual))
        assert individual.accuracy == pytest.approx(mlp.accuracy(X, Y))
        expected = mlp.accuracy(X, Y) - 0.5 * edl.population_log_loss(mlp.forward(X)[None, :], Y)[0]
        assert individual.fitness.values[0] == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("evolve, size", [(notebook_02_ga, {"population_size": 30}),
                                          (notebook_03_es, {"mu": 5, "lambda_": 30})])
def test_evolution_solves_an_easy_problem_and_repeats_exactly(easy, evolve, size):
    X, Y = easy
    first = evolve(X, Y, middle_layer=4, seed=3, generations=200, **size)
    again = evolve(X, Y, middle_layer=4, seed=3, generations=200, **size)
    assert isinstance(first, EvolutionResult)
    assert first.solved and first.train_accuracy == 1.0 and first.generations < 200
    mlp = edl.MLP(2, 4)
    mlp.set_parameters(first.best)
    assert mlp.accuracy(X, Y) == 1.0
    np.testing.assert_array_equal(first.best, again.best)
    assert (first.generations, first.evaluations) == (again.generations, again.evaluations)


@pytest.mark.parametrize("evolve, size, largest_generation", [
    (notebook_02_ga, {"population_size": 20}, 20), (notebook_03_es, {"mu": 4, "lambda_": 20}, 20)])
def test_max_evaluations_stops_within_one_generation(evolve, size, largest_generation):
    X, Y = edl.make_problem("circles", 200, 5, 0)  # noisy: never 100 %, so only the budget stops it
    result = evolve(X, Y, middle_layer=3, seed=0, generations=10**6, max_evaluations=300, **size)
    assert not result.solved
    assert 300 <= result.evaluations < 300 + largest_generation



def test_ga_keeps_improving_after_100_percent_and_stops_on_a_fitness_plateau(easy):
    X, Y = easy
    result = notebook_02_ga(X, Y, middle_layer=4, seed=3, population_size=30, generations=2000, patience=10)
    assert result.solved and result.evaluations_to_solve < result.evaluations  # went on after the first 100 %
    assert 0 < result.seconds_to_solve <= result.seconds
    assert result.generations < 2000 and not result.interrupted  # the plateau stopped it, not the cap
    longer = notebook_02_ga(X, Y, middle_layer=4, seed=3, population_size=30, generations=2000, patience=40)
    assert longer.evaluations_to_solve == result.evaluations_to_solve  # same run up to the first 100 %
    assert longer.generations > result.generations


def test_ga_reports_an_unsolved_run_and_an_interrupted_one():
    X, Y = edl.make_problem("circles", 200, 5, 0)  # noisy: never 100 %
    unsolved = notebook_02_ga(X, Y, middle_layer=3, seed=0, population_size=20, generations=5)
    assert not unsolved.solved and unsolved.evaluations_to_solve is None and unsolved.seconds_to_solve is None
    calls = []
    original = evaluate_individuals

    def press_stop_at_the_fourth_evaluation(individuals, *args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return original(individuals, *args, **kwargs)

    stopped = notebook_02_ga(X, Y, middle_layer=3, seed=0, population_size=20, generations=100,
                                evaluate=press_stop_at_the_fourth_evaluation)
    assert stopped.interrupted and stopped.generations == 3  # cut short in generation 3, best so far kept
    assert len(stopped.best) == edl.MLP(2, 3).n_parameters


def test_ga_rejects_a_bad_patience(easy):
    with pytest.raises(ValueError, match="patience"):
        notebook_02_ga(*easy, patience=0)


def test_es_step_sizes_stay_within_their_bounds(easy):
    X, Y = easy
    seen = []
    original = evaluate_individuals

    def spy(individuals, *args, **kwargs):
        seen.extend(s for individual in individuals for s in individual.strategy)
        return original(individuals, *args, **kwargs)

    notebook_03_es(X, Y, middle_layer=3, seed=0, mu=4, lambda_=20, generations=15, min_strategy=0.05,
                   max_strategy=0.2, evaluate=spy)
    assert seen and 0.05 <= min(seen) and max(seen) <= 0.2


def test_es_child_is_recombined_and_mutated_and_leaves_its_parents_alone():
    toolbox = make_es_toolbox(6, 0.01, 0.5, evaluate_individuals)
    for mu in (1, 3):  # mu = 1: a (1, lambda)-ES, mutation only
        parents = toolbox.population(n=mu)
        for parent in parents:
            parent.fitness.values = (0.5,)
        before = [(list(parent), list(parent.strategy)) for parent in parents]
        children = [make_child(parents, toolbox) for _ in range(20)]
        assert [(list(parent), list(parent.strategy)) for parent in parents] == before  # parents untouched
        for child in children:
            assert not child.fitness.valid and all(child is not parent for parent in parents)
            assert all(0.01 <= s <= 0.5 for s in child.strategy)
            assert all(gene != parent_gene for parent in parents for gene, parent_gene in zip(child, parent))


def test_es_comma_selection_never_keeps_a_parent(easy):
    X, Y = easy
    generations, original = [], evaluate_individuals

    def spy(individuals, *args, **kwargs):
        generations.append([list(individual) for individual in individuals])
        return original(individuals, *args, **kwargs)

    result = notebook_03_es(X, Y, middle_layer=3, seed=0, mu=4, lambda_=20, generations=10, evaluate=spy)
    assert result.evaluations == 4 + 10 * 20 and len(generations) == 11  # every child is new and evaluated
    for earlier, later in zip(generations, generations[1:]):
        assert not any(genome in earlier for genome in later)  # no genome is carried over unchanged


def test_es_with_a_single_parent_runs_mutation_only(easy):
    result = notebook_03_es(*easy, middle_layer=3, seed=0, mu=1, lambda_=10, generations=5)
    assert result.generations == 5 and result.evaluations == 1 + 5 * 10


def test_es_stops_on_a_fitness_plateau_and_reports_an_interruption(easy):
    X, Y = easy
    result = notebook_03_es(X, Y, middle_layer=4, seed=3, mu=5, lambda_=30, generations=2000, patience=10)
    assert result.solved and result.evaluations_to_solve < result.evaluations  # went on after the first 100 %
    assert result.generations < 2000 and not result.interrupted
    calls, original = [], evaluate_individuals

    def press_stop_at_the_fourth_evaluation(individuals, *args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return original(individuals, *args, **kwargs)

    stopped = notebook_03_es(X, Y, middle_layer=4, seed=3, mu=5, lambda_=30, generations=100,
                             evaluate=press_stop_at_the_fourth_evaluation)
    assert stopped.interrupted and stopped.generations == 3  # cut short in generation 3, best so far kept


def test_es_rejects_a_bad_patience(easy):
    with pytest.raises(ValueError, match="patience"):
        notebook_03_es(*easy, patience=0)


def test_one_stop_ends_a_multi_seed_check_of_the_ga():
    """Notebook 02's reliability check (edl.run_each over seeds): one KeyboardInterrupt ends the whole cell."""
    X, Y = edl.make_problem("circles", 200, 5, 0)
    calls, started = [], []

    def press_stop_once_in_the_second_seed(individuals, *args, **kwargs):
        calls.append(1)
        if len(calls) == 9:  # the second seed's fourth evaluation (each run: 1 initial + 5 generations here)
            raise KeyboardInterrupt
        return evaluate_individuals(individuals, *args, **kwargs)

    def run(seed):
        started.append(seed)
        return notebook_02_ga(X, Y, middle_layer=3, seed=seed, population_size=20, generations=5,
                              evaluate=press_stop_once_in_the_second_seed)

    outcomes = edl.run_each(run, range(20), show_progress=False)
    assert started == [0, 1], "no seed starts after the one that was stopped"
    assert [o.interrupted for o in outcomes] == [False, True]
    assert not outcomes[0].result.interrupted and outcomes[1].result.interrupted  # kept, and marked
