import numpy as np
import pytest

keras = pytest.importorskip("keras")

from edl_helpers.keras_params import get_parameters, set_parameters  # noqa: E402
from edl_helpers.keras_population import KerasPopulationForward  # noqa: E402
from edl_helpers.keras_models import toy_classifier  # noqa: E402
from edl_lessons.l05_keras_ga import BatchedKerasMLP  # noqa: E402

pytestmark = pytest.mark.usefixtures("fresh_keras_session")


def softmax_model() -> keras.Model:
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(8, activation="tanh")(inputs)
    return keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(hidden))


def one_by_one(model: keras.Model, population: np.ndarray, X: np.ndarray) -> np.ndarray:
    outputs = []
    for vector in population:
        set_parameters(model, vector)
        outputs.append(np.asarray(model(X, training=False)))
    return np.stack(outputs)


@pytest.mark.parametrize("P, n", [(1, 1), (37, 50), (5, 3)])
def test_course_model_matches_model_call(P, n):
    model = toy_classifier()
    forward = KerasPopulationForward(model)
    assert (forward.n_parameters, forward.n_inputs, forward.n_outputs) == (625, 2, 1)
    rng = np.random.default_rng(P)
    population, X = rng.normal(size=(P, 625)), rng.normal(size=(n, 2))
    out = forward(population, X)
    assert out.shape == (P, n) and out.dtype == np.float32
    np.testing.assert_allclose(out, one_by_one(model, population, X)[..., 0], rtol=0, atol=1e-5)


def test_softmax_model_matches_model_call_and_accepts_lists():
    model = softmax_model()
    forward = KerasPopulationForward(model)
    assert (forward.n_parameters, forward.n_inputs, forward.n_outputs) == (4 * 8 + 8 + 8 * 3 + 3, 4, 3)
    rng = np.random.default_rng(0)
    population = rng.normal(size=(37, forward.n_parameters))
    X = rng.normal(size=(20, 4))
    out = forward([list(vector) for vector in population], X.tolist())  # e.g. DEAP individuals
    assert out.shape == (37, 20, 3)
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, atol=1e-5)
    np.testing.assert_allclose(out, one_by_one(model, population, X), rtol=0, atol=1e-5)


@pytest.mark.parametrize("activation", ["elu", "leaky_relu", "linear", "softplus", "gelu", "selu", "swish"])
def test_other_activations_and_no_bias(activation):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(5, activation=activation),
                              keras.layers.Dense(2, use_bias=False)])
    forward = KerasPopulationForward(model)
    assert forward.n_parameters == 3 * 5 + 5 + 5 * 2
    rng = np.random.default_rng(1)
    population, X = rng.normal(size=(4, forward.n_parameters)), rng.normal(size=(6, 3))
    np.testing.assert_allclose(forward(population, X), one_by_one(model, population, X), rtol=0, atol=1e-5)


@pytest.mark.parametrize("hidden", [(16, 32), (8,), (16, 32, 32)])
def test_notebook_05_batched_mlp_matches_model_call_and_the_package(hidden):
    """Notebook 05's own class (its #@save cell) and the package's general one give the model's outputs."""
    model = toy_classifier(hidden=hidden)
    batched, general = BatchedKerasMLP(model), KerasPopulationForward(model)
    assert batched.n_parameters == general.n_parameters
    rng = np.random.default_rng(len(hidden))
    population = rng.uniform(-1, 1, size=(23, batched.n_parameters))
    X = rng.normal(size=(40, 2))
    out = batched.forward_population([list(vector) for vector in population], X)  # e.g. DEAP individuals
    assert out.shape == (23, 40) and out.dtype == np.float32
    np.testing.assert_array_equal(out, general(population, X))
    np.testing.assert_allclose(out, one_by_one(model, population, X)[..., 0], rtol=0, atol=1e-5)
    batched.forward_population(population[:5], X[:7])
    assert batched.compiled.experimental_get_tracing_count() == 1


def test_call_leaves_the_model_alone_and_never_retraces():
    model = toy_classifier()
    before = get_parameters(model)
    forward = KerasPopulationForward(model)
    rng = np.random.default_rng(2)
    for i in range(60):
        forward(rng.normal(size=(1 + i % 7, 625)), rng.normal(size=(1 + i % 11, 2)))
    assert forward.tracing_count == 1
    np.testing.assert_array_equal(get_parameters(model), before)


@pytest.mark.parametrize("extra, name", [
    (lambda: keras.layers.Dropout(0.5, name="drop_me"), "drop_me"),
    (lambda: keras.layers.BatchNormalization(name="norm_me"), "norm_me"),
])
def test_models_with_other_layers_are_refused(extra, name):
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(4), extra(), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=f"layer '{name}' .*only .*Dense layers"):
        KerasPopulationForward(model)


def test_recurrent_and_convolutional_models_are_refused():
    lstm = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.LSTM(3, name="memory"), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"'memory' \(LSTM\)"):
        KerasPopulationForward(lstm)
    conv = keras.Sequential([keras.Input(shape=(6, 6, 1)), keras.layers.Conv2D(2, 3, name="conv"),
                             keras.layers.Flatten(), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"'conv' \(Conv2D\)"):
        KerasPopulationForward(conv)


def test_inputs_that_are_not_plain_vectors_are_refused():
    model = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"shape \(None, features\)"):
        KerasPopulationForward(model)
    unbuilt = keras.Sequential([keras.layers.Dense(1, name="lazy")])
    with pytest.raises(ValueError, match="'lazy'.*not built"):
        KerasPopulationForward(unbuilt)


def test_branching_frozen_and_subclassed_models_are_refused():
    inputs = keras.Input(shape=(2,))
    a = keras.layers.Dense(3, name="a")(inputs)
    b = keras.layers.Dense(3, name="b")(inputs)
    skip = keras.Model(inputs, keras.layers.Dense(1, name="c")(keras.layers.Add(name="join")([a, b])))
    with pytest.raises(ValueError, match="'join' \\(Add\\)"):
        KerasPopulationForward(skip)
    inputs = keras.Input(shape=(2,))
    a = keras.layers.Dense(3, name="a")(inputs)
    b = keras.layers.Dense(3, name="b")(inputs)
    two_heads = keras.Model(inputs, [a, b])
    with pytest.raises(ValueError, match="2 outputs"):
        KerasPopulationForward(two_heads)

    frozen = toy_classifier()
    frozen.layers[1].trainable = False
    with pytest.raises(ValueError, match=f"'{frozen.layers[1].name}'.*frozen"):
        KerasPopulationForward(frozen)

    class Doubling(keras.Sequential):
        def call(self, inputs, training=None, mask=None):
            return 2 * super().call(inputs, training=training, mask=mask)

    doubled = Doubling([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="own call"):
        KerasPopulationForward(doubled)


def test_wrong_population_or_inputs_are_refused():
    forward = KerasPopulationForward(toy_classifier())
    rng = np.random.default_rng(3)
    X = rng.normal(size=(4, 2))
    for bad in (np.zeros(625), np.zeros((3, 624)), np.zeros((0, 625))):
        with pytest.raises(ValueError, match=r"population must have shape \(P, 625\)"):
            forward(bad, X)
    population = rng.normal(size=(3, 625))
    population[2, 7] = np.nan
    with pytest.raises(ValueError, match="population contains NaN.*row 2"):
        forward(population, X)
    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, 2\)"):
        forward(np.zeros((3, 625)), np.zeros((4, 3)))
