"""The NumPy GAN generator of notebook 09: batched forward pass, genome layout, GA operators, image grid."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from edl_helpers.gan_generator import (GeneratorMLP, image_grid, single_threaded_blas, two_point_crossover,
                                       uniform_crossover)


def test_parameter_count_and_layout():
    generator = GeneratorMLP(latent_size=3, hidden_size=4, side=5)
    assert generator.n_parameters == 3 * 4 + 4 + 4 * 25 + 25
    assert generator.n_pixels == 25
    flat = np.arange(generator.n_parameters, dtype=np.float32)
    W1, b1, W2, b2 = generator.unflatten(flat[None, :])
    assert W1.shape == (1, 3, 4) and b1.shape == (1, 4) and W2.shape == (1, 4, 25) and b2.shape == (1, 25)
    assert W1[0, 0, 1] == 1 and b1[0, 0] == 12 and W2[0, 0, 0] == 16 and b2[0, -1] == generator.n_parameters - 1
    assert "141 parameters" in repr(generator)


@settings(max_examples=25, deadline=None)
@given(population=st.integers(1, 12), batch=st.integers(1, 9), latent=st.integers(1, 6),
       hidden=st.integers(1, 10), side=st.integers(2, 7), activation=st.sampled_from(["tanh", "leaky_relu"]),
       shared=st.booleans(), chunk=st.integers(1, 5), seed=st.integers(0, 1000))
def test_batched_forward_equals_per_agent_forward(population, batch, latent, hidden, side, activation, shared,
                                                   chunk, seed):
    rng = np.random.default_rng(seed)
    generator = GeneratorMLP(latent, hidden, side, activation)
    genomes = rng.normal(0, 1, (population, generator.n_parameters))
    z = rng.normal(size=(batch, latent) if shared else (population, batch, latent))
    batched = generator.forward_population(genomes, z, dtype=np.float64, chunk=chunk)
    assert batched.shape == (population, batch, side, side)
    for index in range(population):
        one = generator.forward(genomes[index], z if shared else z[index], dtype=np.float64)
        np.testing.assert_allclose(batched[index], one, rtol=1e-10, atol=1e-12)


def test_float32_forward_matches_float64_and_stays_in_unit_interval():
    rng = np.random.default_rng(0)
    generator = GeneratorMLP(16, 64)
    population = generator.initial_population(5, rng)
    assert population.dtype == np.float32 and population.shape == (5, generator.n_parameters)
    z = rng.standard_normal((7, 16))
    low = generator.forward_population(population, z)
    high = generator.forward_population(population, z, dtype=np.float64)
    assert low.dtype == np.float32
    np.testing.assert_allclose(low, high, atol=1e-5)
    assert np.all((low >= 0) & (low <= 1))


def test_initial_population_draws_grey_noise_and_distinct_agents():
    generator = GeneratorMLP(16, 64)
    population = generator.initial_population(4, np.random.default_rng(1))
    W1, b1, W2, b2 = generator.unflatten(population)
    assert np.all(b1 == 0) and np.all(b2 == 0)
    assert abs(W1.std() - 1 / np.sqrt(16)) < 0.02 and abs(W2.std() - 1 / np.sqrt(64)) < 0.01
    assert not np.allclose(population[0], population[1])
    images = generator.forward_population(population, np.random.default_rng(2).standard_normal((50, 16)))
    assert abs(images.mean() - 0.5) < 0.02


def test_leaky_relu_matches_keras_slope():
    generator = GeneratorMLP(1, 1, side=1, activation="leaky_relu")
    # W1 = 1, b1 = 0, W2 = 1, b2 = 0: output = sigmoid(leaky_relu(z))
    genome = np.array([1.0, 0.0, 1.0, 0.0])
    out = generator.forward(genome, np.array([[-2.0], [3.0]]), dtype=np.float64).ravel()
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-np.array([-0.4, 3.0]))))


@pytest.mark.parametrize("smoothing", [0.0, 3.0])
def test_mutation_noise_has_the_requested_scale(smoothing):
    generator = GeneratorMLP(8, 16)
    noise = generator.mutation_noise(40, np.random.default_rng(3), sigma=0.05, smoothing=smoothing)
    assert noise.shape == (40, generator.n_parameters) and noise.dtype == np.float32
    assert abs(noise.std() - 0.05) < 0.003 and abs(noise.mean()) < 0.003
    _, _, W2, _ = generator.unflatten(noise)
    pixels = W2.reshape(-1, 28, 28)
    neighbours = np.corrcoef(pixels[:, 10:18, 10].ravel(), pixels[:, 10:18, 11].ravel())[0, 1]
    if smoothing:
        assert neighbours > 0.9, "blurred noise: neighbouring pixels move together"
        corner = pixels.std(axis=0)[0, 0]
        assert abs(corner - 0.05) < 0.01, "edges are rescaled to the same standard deviation"
    else:
        assert abs(neighbours) < 0.05, "plain Gaussian mutation: independent genes"


def test_mutation_noise_is_repeatable_and_zero_sigma_is_no_mutation():
    generator = GeneratorMLP(4, 8)
    first = generator.mutation_noise(3, np.random.default_rng(5), 0.1, 2.0)
    second = generator.mutation_noise(3, np.random.default_rng(5), 0.1, 2.0)
    np.testing.assert_array_equal(first, second)
    assert not np.any(generator.mutation_noise(3, np.random.default_rng(5), 0.0, 2.0))


@pytest.mark.parametrize("crossover", [two_point_crossover, uniform_crossover])
def test_crossover_gives_two_distinct_children_that_mix_both_parents(crossover):
    rng = np.random.default_rng(7)
    parent_a, parent_b = np.zeros(1000, dtype=np.float32), np.ones(1000, dtype=np.float32)
    before_a, before_b = parent_a.copy(), parent_b.copy()
    for _ in range(50):
        child_a, child_b = crossover(parent_a, parent_b, rng)
        assert not np.array_equal(child_a, child_b), "two different children, not one copied twice"
        for child in (child_a, child_b):
            assert 0 < child.sum() < len(child), "each child holds genes of both parents"
        np.testing.assert_array_equal(child_a + child_b, np.ones(1000)), "complementary: no gene is lost"
        assert set(np.unique(child_a)) <= {0.0, 1.0}, "genes are inherited, not averaged"
    np.testing.assert_array_equal(parent_a, before_a)
    np.testing.assert_array_equal(parent_b, before_b)


def test_two_point_crossover_swaps_one_contiguous_segment_and_copies_views():
    rng = np.random.default_rng(8)
    population = np.stack([np.zeros(50), np.ones(50)])
    child_a, child_b = two_point_crossover(population[0], population[1], rng)
    changes = np.flatnonzero(np.diff(child_a))
    assert len(changes) == 2 and child_a[0] == 0 and child_a[-1] == 0
    child_a[:] = 5
    assert np.all(population[0] == 0), "children never share memory with the parents"


@settings(max_examples=30, deadline=None)
@given(n=st.integers(3, 40), seed=st.integers(0, 10_000))
def test_two_point_crossover_always_mixes(n, seed):
    child_a, child_b = two_point_crossover(np.zeros(n), np.ones(n), np.random.default_rng(seed))
    assert 0 < child_a.sum() < n and 0 < child_b.sum() < n


@pytest.mark.parametrize("a, b", [(np.zeros(5), np.zeros(6)), (np.zeros((2, 3)), np.zeros((2, 3))),
                                  (np.zeros(2), np.zeros(2))])
def test_two_point_crossover_rejects_bad_parents(a, b):
    with pytest.raises(ValueError, match="parents"):
        two_point_crossover(a, b, np.random.default_rng(0))


def test_bad_arguments_are_refused_with_their_names():
    generator = GeneratorMLP(4, 8)
    with pytest.raises(ValueError, match="population"):
        generator.forward_population(np.zeros((2, 5)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="z must"):
        generator.forward_population(np.zeros((2, generator.n_parameters)), np.zeros((3, 5)))
    with pytest.raises(ValueError, match="latent batches"):
        generator.forward_population(np.zeros((2, generator.n_parameters)), np.zeros((3, 1, 4)))
    with pytest.raises(ValueError, match="genome"):
        generator.forward(np.zeros(3), np.zeros((1, 4)))
    with pytest.raises(ValueError, match="activation"):
        GeneratorMLP(activation="relu6")
    with pytest.raises(ValueError, match="sigma"):
        generator.mutation_noise(2, np.random.default_rng(0), -1.0)
    with pytest.raises(ValueError, match="swap_probability"):
        uniform_crossover(np.zeros(3), np.ones(3), np.random.default_rng(0), 1.5)


def test_image_grid_tiles_with_gaps():
    images = np.zeros((5, 2, 3))
    grid = image_grid(images, columns=3, pad=1, fill=1.0)
    assert grid.shape == (2 * 3 - 1, 3 * 4 - 1)
    assert grid[0, 0] == 0 and grid[0, 3] == 1 and grid[3, 8] == 1  # gap column; missing sixth image
    assert image_grid(np.zeros((2, 4, 4)), columns=8).shape == (4, 9)
    with pytest.raises(ValueError, match="images"):
        image_grid(np.zeros((4, 4)))


def test_single_threaded_blas_is_a_context_manager():
    with single_threaded_blas():
        assert float(np.ones((3, 3)) @ np.ones(3) @ np.ones(3)) == 9.0
