import numpy as np
import pytest

from edl_helpers.es_noise import NoiseTable


def mlp_parameters(hidden_units: int) -> int:
    """Notebook 06's network: 784 -> hidden_units -> 10, Keras layout W1, b1, W2, b2."""
    return 784 * hidden_units + hidden_units + hidden_units * 10 + 10


@pytest.fixture(scope="module")
def table_128():
    return NoiseTable(mlp_parameters(128), seed=0)  # exercise 1 of notebook 06: hidden_units = 128


@pytest.mark.parametrize("count", [200, 400, 800, 2000])  # mirrored / unmirrored / "population x2" / slider max
def test_hidden_128_draws_fresh_noise_every_generation(table_128, count):
    """The old table (one block at one random offset) had a single possible offset here: same noise every generation."""
    table = table_128
    rng = np.random.default_rng(0)
    first, second = table.draw(rng, count), table.draw(rng, count)
    assert len(set(first.tolist()) & set(second.tolist())) <= 1  # (a repeated offset has probability ~count²/16.7M)
    E1_a, rest_a = table.first_layer_and_rest(first[:3], 784, 128)
    E1_b, rest_b = table.first_layer_and_rest(second[:3], 784, 128)
    assert not np.allclose(E1_a, E1_b) and not np.allclose(rest_a, rest_b)
    assert first.min() >= 0 and first.max() < table.distinct_offsets


def test_offsets_cover_the_table():
    table = NoiseTable(100, seed=1, size=100_000)
    offsets = table.draw(np.random.default_rng(1), 5000)
    assert len(np.unique(offsets)) > 4800  # uniform over 99,901 offsets: few collisions
    assert offsets.max() <= len(table.table) - 100


def test_layout_matches_the_flat_perturbations():
    n_inputs, n_hidden, n_parameters = 6, 3, 6 * 3 + 3 + 3 * 2 + 2
    table = NoiseTable(n_parameters, seed=2, size=10_000)
    offsets = table.draw(np.random.default_rng(2), 4)
    flat = table.perturbations(offsets)
    E1, rest = table.first_layer_and_rest(offsets, n_inputs, n_hidden)
    assert E1.shape == (n_inputs, 4 * n_hidden) and rest.shape == (4, n_parameters - n_inputs * n_hidden)
    for member in range(4):
        kernel = E1[:, member * n_hidden:(member + 1) * n_hidden]
        np.testing.assert_array_equal(kernel.ravel(), flat[member, :n_inputs * n_hidden])
        np.testing.assert_array_equal(rest[member], flat[member, n_inputs * n_hidden:])
        np.testing.assert_array_equal(flat[member], table.table[offsets[member]:offsets[member] + n_parameters])


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
