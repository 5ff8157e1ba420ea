import numpy as np
import pytest

from edl_helpers.es_noise import NoiseTable, low_rank_length


def mlp_parameters(hidden_units: int) -> int:
    """Notebook 06's network: 784 -> hidden_units -> 10, Keras layout W1, b1, W2, b2."""
    return 784 * hidden_units + hidden_units + hidden_units * 10 + 10


def mlp_noise_length(hidden_units: int) -> int:
    """Numbers in one of notebook 06's perturbations: a, b of the rank-one first kernel, then b1, W2, b2."""
    return low_rank_length(784, hidden_units, mlp_parameters(hidden_units))


@pytest.fixture(scope="module")
def table_128():
    return NoiseTable(mlp_noise_length(128), seed=0)  # exercise 1 of notebook 06: hidden_units = 128


def test_low_rank_length():
    assert low_rank_length(784, 32, mlp_parameters(32)) == 784 + 32 + 32 + 320 + 10
    with pytest.raises(ValueError, match="does not fit"):
        low_rank_length(784, 32, 1000)


@pytest.mark.parametrize("count", [200, 400, 800, 2000])  # mirrored / unmirrored / "population x2" / slider max
def test_hidden_128_draws_fresh_noise_every_generation(table_128, count):
    table = table_128
    rng = np.random.default_rng(0)
    first, second = table.draw(rng, count), table.draw(rng, count)
    assert len(set(first.tolist()) & set(second.tolist())) <= 1  # (a repeated offset has probability ~count²/16.7M)
    A_a, B_a, rest_a = table.low_rank_first_layer(first[:3], 784, 128)
    A_b, B_b, rest_b = table.low_rank_first_layer(second[:3], 784, 128)
    assert not np.allclose(A_a, A_b) and not np.allclose(B_a, B_b) and not np.allclose(rest_a, rest_b)
    assert first.min() >= 0 and first.max() < table.distinct_offsets


def test_offsets_cover_the_table():
    table = NoiseTable(100, seed=1, size=100_000)
    offsets = table.draw(np.random.default_rng(1), 5000)
    assert len(np.unique(offsets)) > 4800  # uniform over 99,901 offsets: few collisions
    assert offsets.max() <= len(table.table) - 100


def test_layout_matches_the_flat_perturbations():
    n_inputs, n_hidden = 6, 3
    length = low_rank_length(n_inputs, n_hidden, 6 * 3 + 3 + 3 * 2 + 2)
    table = NoiseTable(length, seed=2, size=10_000)
    offsets = table.draw(np.random.default_rng(2), 4)
    flat = table.perturbations(offsets)
    A, B, rest = table.low_rank_first_layer(offsets, n_inputs, n_hidden)
    assert A.shape == (n_inputs, 4) and B.shape == (4, n_hidden) and rest.shape == (4, length - n_inputs - n_hidden)
    for member in range(4):
        np.testing.assert_array_equal(flat[member], table.table[offsets[member]:offsets[member] + length])
        np.testing.assert_array_equal(A[:, member], flat[member, :n_inputs])
        np.testing.assert_array_equal(B[member], flat[member, n_inputs:n_inputs + n_hidden])
        np.testing.assert_array_equal(rest[member], flat[member, n_inputs + n_hidden:])


def test_rank_one_noise_has_the_covariance_of_full_noise():
    """E[(a bᵀ)(a bᵀ)ᵀ-entries]: every entry of a bᵀ has mean 0 and variance 1, and two entries are uncorrelated."""
    table = NoiseTable(5, seed=4, size=2_000_000)
    A, B, _ = table.low_rank_first_layer(table.draw(np.random.default_rng(4), 100_000), 3, 2)
    kernels = (A.T[:, :, None] * B[:, None, :]).reshape(len(B), -1)  # (count, 6) entries of a bᵀ
    covariance = np.cov(kernels, rowvar=False)
    np.testing.assert_allclose(covariance, np.eye(6), atol=0.03)
    np.testing.assert_allclose(kernels.mean(axis=0), 0, atol=0.02)


def test_table_is_seeded_standard_normal_float32():
    a, b = NoiseTable(10, seed=3, size=200_000), NoiseTable(10, seed=3, size=200_000)
    np.testing.assert_array_equal(a.table, b.table)
    assert a.table.dtype == np.float32
    assert abs(a.table.mean()) < 0.01 and abs(a.table.std() - 1) < 0.01


def test_too_small_a_table_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="reuse the same noise"):
        NoiseTable(mlp_parameters(128), seed=0, size=5_000_000)
    with pytest.raises(ValueError, match="count"):
        NoiseTable(100, seed=0, size=10_000).draw(np.random.default_rng(0), 0)
    with pytest.raises(ValueError, match="do not fit"):
        NoiseTable(10, seed=0, size=10_000).low_rank_first_layer(np.array([0]), 8, 4)
