import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import edl_helpers as edl


def test_parameter_vector_round_trip():
    mlp = edl.MLP(2, 5, seed=1)
    assert mlp.n_parameters == 2 * 5 + 5 + 5 + 1
    flat = np.arange(mlp.n_parameters, dtype=float) / 10
    mlp.set_parameters(flat)
    np.testing.assert_array_equal(mlp.get_parameters(), flat)
    assert mlp.get_parameters() is not mlp.get_parameters()  # a copy, not a view into the network


def test_training_never_changes_the_vector_the_weights_came_from():
    X, Y = edl.make_problem("moons", 100, 1, 0)
    mlp = edl.MLP(2, 5, seed=1)
    start = mlp.get_parameters()
    kept = start.copy()
    mlp.set_parameters(start)
    mlp.train(X, Y, epochs=20)
    np.testing.assert_array_equal(start, kept)  # set_parameters copied it: a start vector can be reused
    assert not np.array_equal(mlp.get_parameters(), kept)


@pytest.mark.parametrize("bad", [np.zeros(20), np.zeros(22), np.zeros((1, 21)), [np.nan] * 21])
def test_set_parameters_rejects_wrong_vectors(bad):
    mlp = edl.MLP(2, 5)
    with pytest.raises(ValueError, match="21|NaN"):
        mlp.set_parameters(bad)


def test_forward_and_predict_shapes():
    mlp = edl.MLP(2, 4)
    X = np.random.default_rng(0).normal(size=(13, 2))
    out = mlp.forward(X)
    assert out.shape == (13,) and np.all((out > 0) & (out < 1))
    assert set(np.unique(mlp.predict(X))) <= {0, 1}
    with pytest.raises(ValueError, match="shape"):
        mlp.forward(np.zeros((3, 3)))



def test_initialisation_is_lecun_normal_with_zero_biases():
    mlp = edl.MLP(4, 500, seed=2)
    assert np.var(mlp.W1) == pytest.approx(1 / 4, rel=0.1)      # fan-in 4
    assert np.var(mlp.W2) == pytest.approx(1 / 500, rel=0.15)   # fan-in 500
    assert not mlp.b1.any() and not mlp.b2.any()
    np.testing.assert_array_equal(edl.MLP(4, 500, seed=2).get_parameters(), mlp.get_parameters())

@settings(max_examples=25, deadline=None)
@given(population=st.integers(1, 40), samples=st.integers(1, 60), hidden=st.integers(1, 12),
       inputs=st.integers(1, 4), seed=st.integers(0, 1000))
def test_batched_population_forward_equals_per_individual(population, samples, hidden, inputs, seed):
    rng = np.random.default_rng(seed)
    mlp = edl.MLP(inputs, hidden)
    vectors = rng.normal(0, 2, size=(population, mlp.n_parameters))
    X = rng.normal(size=(samples, inputs))
    batched = mlp.forward_population(vectors, X)
    exact = mlp.forward_population(vectors, X, dtype=np.float64, chunk=7)
    assert batched.shape == (population, samples)
    for p in range(population):
        mlp.set_parameters(vectors[p])
        np.testing.assert_allclose(batched[p], mlp.forward(X), rtol=0, atol=1e-5)
        np.testing.assert_allclose(exact[p], mlp.forward(X), rtol=1e-12, atol=1e-14)


def test_population_forward_accepts_lists_and_rejects_wrong_width():
    mlp = edl.MLP(2, 3)
    X = np.zeros((4, 2))
    assert mlp.forward_population([np.zeros(mlp.n_parameters)] * 2, X).shape == (2, 4)
    with pytest.raises(ValueError, match="population"):
        mlp.forward_population(np.zeros((2, 5)), X)


@pytest.mark.parametrize("problem, samples, minimum", [("moons", 100, 0.95), ("circles", 300, 0.9)])
def test_backprop_solves_nonlinear_problems(problem, samples, minimum):
    X, Y = edl.make_problem(problem, samples, 1, 0)
    X_train, X_test, Y_train, Y_test = edl.split_and_scale(X, Y, seed=0)
    mlp = edl.MLP(2, 10, seed=0)
    losses = mlp.train(X_train, Y_train, epochs=1500)
    assert losses[-1] < losses[0]
    assert mlp.accuracy(X_test, Y_test) >= minimum


def test_train_rejects_bad_arguments():
    mlp = edl.MLP(2, 3)
    X, Y = np.zeros((5, 2)), np.zeros(5)
    with pytest.raises(ValueError, match="learning_rate"):
        mlp.train(X, Y, learning_rate=-1)
    with pytest.raises(ValueError, match="rows"):
        mlp.train(X, np.zeros(4))
    with pytest.raises(ValueError, match="NaN"):
        mlp.train(X, np.array([0, 1, np.nan, 0, 1]))


def test_population_scores():
    probabilities = np.array([[0.9, 0.1, 0.8], [0.1, 0.9, 0.2]])
    Y = np.array([1, 0, 1])
    np.testing.assert_allclose(edl.population_accuracy(probabilities, Y), [1.0, 0.0])
    losses = edl.population_log_loss(probabilities, Y)
    assert losses[0] < losses[1] and np.all(np.isfinite(edl.population_log_loss(np.array([[0.0, 1.0, 0.0]]), Y)))


def test_backprop_gradients_match_finite_differences():
    """Notebook 01's `gradients` (edl_lessons.l01_backprop) is the derivative of its `log_loss`."""
    from edl_lessons.l01_backprop import forward_pass, gradients, log_loss

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(15, 3)), rng.integers(0, 2, 15).astype(float)
    mlp = edl.MLP(3, 4, seed=1)
    mlp.b1, mlp.b2 = rng.normal(size=4), rng.normal(size=1)
    parameters = [mlp.W1, mlp.b1, mlp.W2, mlp.b2]
    hidden, probabilities = forward_pass(X, *parameters)
    for array, gradient in zip(parameters, gradients(X, Y, mlp.W2, hidden, probabilities)):
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            original = array[index]
            array[index] = original + 1e-6
            up = log_loss(forward_pass(X, *parameters)[1], Y)
            array[index] = original - 1e-6
            down = log_loss(forward_pass(X, *parameters)[1], Y)
            array[index] = original
            numeric[index] = (up - down) / 2e-6
        np.testing.assert_allclose(gradient, numeric, rtol=1e-5, atol=1e-8)


def test_mlp_runs_notebook_01s_backprop():
    """`MLP.train` is notebook 01's `train_backprop`: the same losses and weights, bit for bit."""
    from edl_lessons.l01_backprop import train_backprop

    X, Y = edl.make_problem("moons", 100, 1, 0)
    first, second = edl.MLP(2, 5, seed=3), edl.MLP(2, 5, seed=3)
    assert first.train(X, Y, epochs=50) == train_backprop(second, X, Y, 50, 0.02)
    np.testing.assert_array_equal(first.get_parameters(), second.get_parameters())
