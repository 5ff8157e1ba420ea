import numpy as np
import pytest

keras = pytest.importorskip("keras")

from edl_helpers.keras_params import n_parameters, get_parameters, set_parameters  # noqa: E402
from edl_helpers.keras_models import toy_classifier  # noqa: E402

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


def test_count_matches_keras():
    model = toy_classifier()
    assert n_parameters(model) == model.count_params() == 625
    assert get_parameters(model).shape == (625,)
    assert get_parameters(model).dtype == np.float32


def test_round_trip_and_layout():
    model = toy_classifier()
    flat = np.random.default_rng(0).normal(size=625).astype(np.float32)
    set_parameters(model, flat)
    np.testing.assert_array_equal(get_parameters(model), flat)
    # Layout: trainable_weights order, each flattened row-major (kernel (2, 16) first, then its bias).
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), flat[:32].reshape(2, 16))
    np.testing.assert_array_equal(model.layers[0].bias.numpy(), flat[32:48])
    assert get_parameters(model) is not get_parameters(model)


def test_set_parameters_changes_predictions_in_place():
    model = toy_classifier()
    X = np.random.default_rng(1).normal(size=(5, 2)).astype(np.float32)
    set_parameters(model, np.zeros(625))
    np.testing.assert_allclose(np.asarray(model(X)), 0.5)  # all weights 0: sigmoid(0)
    set_parameters(model, [0.5] * 625)  # a plain list (e.g. a DEAP individual) works too
    assert not np.allclose(np.asarray(model(X)), 0.5)


def test_frozen_layers_are_not_parameters():
    model = toy_classifier()
    model.layers[0].trainable = False
    assert n_parameters(model) == 625 - 48 == len(get_parameters(model))


@pytest.mark.parametrize("bad, expected", [
    (np.zeros(624), "625.*length 624"),
    (np.zeros(626), "625.*length 626"),
    (np.zeros((1, 625)), r"625.*shape \(1, 625\)"),
    (np.zeros(()), r"625.*shape \(\)"),
])
def test_wrong_length_is_refused(bad, expected):
    model = toy_classifier()
    before = get_parameters(model)
    with pytest.raises(ValueError, match=f"flat.*{expected}"):
        set_parameters(model, bad)
    np.testing.assert_array_equal(get_parameters(model), before)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, 1e39])
def test_non_finite_values_are_refused(value):
    model = toy_classifier()
    flat = np.zeros(625)
    flat[[3, 100]] = value
    with pytest.raises(ValueError, match="flat contains 2 NaN or infinite"):
        set_parameters(model, flat)


def test_non_numeric_is_refused():
    with pytest.raises(ValueError, match="flat must be a vector of 625"):
        set_parameters(toy_classifier(), ["a"] * 625)
