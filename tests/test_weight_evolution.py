"""The GA and ES collected for notebook 04, and the shared fitness and batched evaluation."""
import numpy as np
import pytest
from deap import base, creator

import edl_helpers as edl
from edl_helpers.weight_evolution import (EvolutionResult, evaluate_individuals, evolve_weights_es,
                                          evolve_weights_ga, weight_fitness)


@pytest.fixture(scope="module")
def easy():
    X, Y = edl.make_problem("blobs", 100, 1, 0)
    X_train, _, Y_train, _ = edl.split_and_scale(X, Y, test_fraction=0.3, seed=0)
    return X_train, Y_train


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


@pytest.mark.parametrize("evolve, size", [(evolve_weights_ga, {"population_size": 30}),
                                          (evolve_weights_es, {"mu": 5, "lambda_": 30})])
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
    (evolve_weights_ga, {"population_size": 20}, 20), (evolve_weights_es, {"mu": 4, "lambda_": 20}, 20)])
def test_max_evaluations_stops_within_one_generation(evolve, size, largest_generation):
    X, Y = edl.make_problem("circles", 200, 5, 0)  # noisy: never 100 %, so only the budget stops it
    result = evolve(X, Y, middle_layer=3, seed=0, generations=10**6, max_evaluations=300, **size)
    assert not result.solved
    assert 300 <= result.evaluations < 300 + largest_generation


def test_es_step_sizes_stay_within_their_bounds(easy, monkeypatch):
    X, Y = easy
    seen = []
    original = evaluate_individuals

    def spy(individuals, *args, **kwargs):
        seen.extend(s for individual in individuals for s in individual.strategy)
        return original(individuals, *args, **kwargs)

    monkeypatch.setattr("edl_helpers.weight_evolution.evaluate_individuals", spy)
    evolve_weights_es(X, Y, middle_layer=3, seed=0, mu=4, lambda_=20, generations=15, min_strategy=0.05,
                      max_strategy=0.2)
    assert seen and 0.05 <= min(seen) and max(seen) <= 0.2


@pytest.mark.parametrize("evolve, kwargs, parameter", [
    (evolve_weights_ga, {"population_size": 1}, "population_size"),
    (evolve_weights_ga, {"crossover_probability": 1.5}, "crossover_probability"),
    (evolve_weights_ga, {"loss_weight": -1.0}, "loss_weight"),
    (evolve_weights_es, {"mu": 20, "lambda_": 10}, "lambda_"),
    (evolve_weights_es, {"crossover_probability": 0.8, "mutation_probability": 0.5}, "mutation_probability"),
    (evolve_weights_es, {"min_strategy": 0.5, "max_strategy": 0.1}, "max_strategy"),
    (evolve_weights_es, {"max_evaluations": 0}, "max_evaluations"),
])
def test_bad_settings_raise_naming_the_parameter(easy, evolve, kwargs, parameter):
    X, Y = easy
    with pytest.raises(ValueError, match=parameter):
        evolve(X, Y, **kwargs)
