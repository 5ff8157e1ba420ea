"""Run a whole population of parameter vectors through a Keras model of Dense layers in one batched pass.

Evaluating individuals one by one (``set_parameters(model, vector); model.predict(X)``) pays Keras'
per-call overhead for every individual. The batched pass itself — a ``(P, n_parameters)`` population sliced
into stacked kernels ``(P, in, out)`` and biases ``(P, out)``, one ``einsum`` per layer — is taught and
written once, in notebook 05 (:func:`edl_lessons.l05_keras_ga.stacked_forward`, generated from its ``#@save``
cell). :class:`KerasPopulationForward` adds what a general tool needs: it checks that the model is a plain
chain of Dense layers whose weights sit in the parameter vector in layer order (Sequential or functional,
with or without biases), compiles the pass once and checks it against ``model(X)``::

    from edl_helpers.keras_population import KerasPopulationForward
    forward = KerasPopulationForward(model)
    outputs = forward(population, X)          # (P, n) for one output unit, (P, n, k) for k > 1

The parameter layout is the one of :func:`edl_helpers.keras_params.get_parameters`. Models it cannot
reproduce exactly (any layer other than ``Dense``/``InputLayer``, branches, frozen layers, ...) are refused
when the object is built, never answered wrongly.
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from edl_lessons.l05_keras_ga import stacked_forward
from .keras_params import get_parameters, n_parameters


def _describe(layer: object) -> str:
    return f"layer {getattr(layer, 'name', '?')!r} ({type(layer).__name__})"


def _refuse(layer: object, reason: str) -> ValueError:
    return ValueError(f"{_describe(layer)} {reason}; only models made of Dense layers (plus an InputLayer) "
                      "can be batched by KerasPopulationForward")


def _model_kind(model: object) -> str:
    """``'sequential'`` or ``'functional'``; anything with its own ``call`` is refused."""
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model, got {type(model).__name__}")
    if isinstance(model, keras.Sequential) and type(model).call is keras.Sequential.call:
        return "sequential"
    functional = next((c for c in type(model).__mro__ if c.__name__ == "Functional"), None)
    if functional is not None and type(model).call is functional.call:
        return "functional"
    raise ValueError(f"model {model.name!r} ({type(model).__name__}) defines its own call(); only Sequential "
                     "or functional models made of Dense layers can be batched by KerasPopulationForward")


def _dense_layers(model: keras.Model) -> list:
    """The model's Dense layers in order, after checking it is a plain chain of plain Dense layers."""
    kind = _model_kind(model)
    operations = list(getattr(model, "operations", model.layers)) if kind == "functional" else list(model.layers)
    dense = []
    for layer in operations:
        if type(layer) is keras.layers.InputLayer:
            continue
        if type(layer) is not keras.layers.Dense:
            raise _refuse(layer, "is not a Dense layer")
        if not layer.built:
            raise _refuse(layer, "is not built yet (create the model with keras.Input(shape=(features,)))")
        if getattr(layer, "lora_enabled", False):
            raise _refuse(layer, "has LoRA enabled")
        if getattr(layer, "quantization_mode", None) is not None:
            raise _refuse(layer, f"is quantized ({layer.quantization_mode})")
        if layer.compute_dtype != "float32" or layer.kernel.dtype != "float32":
            raise _refuse(layer, f"computes in {layer.compute_dtype}, not float32")
        dense.append(layer)
    if not dense:
        raise ValueError(f"model {model.name!r} has no Dense layers to batch")
    try:
        inputs, outputs = list(model.inputs), list(model.outputs)
    except (AttributeError, ValueError):
        if kind == "functional":
            raise
        inputs, outputs = [], []
    if len(inputs) > 1 or len(outputs) > 1:
        raise ValueError(f"model {model.name!r} has {len(inputs)} inputs and {len(outputs)} outputs; "
                         "only a single-input, single-output chain of Dense layers can be batched")
    if inputs:
        shape, dtype = tuple(inputs[0].shape), inputs[0].dtype
        if len(shape) != 2 or shape[1] is None:
            raise ValueError(f"model {model.name!r} input must have shape (None, features), got {shape}; "
                             "only 2-D inputs can be batched")
        if dtype != "float32":
            raise ValueError(f"model {model.name!r} input dtype must be float32, got {dtype}")
    if kind == "functional":
        # Each KerasTensor comes from exactly one node, so this identity walk proves the output is computed
        # by exactly this chain of layers, each called once on the previous layer's output.
        current = inputs[0]
        for layer in dense:
            if layer.input is not current:
                raise ValueError(f"model {model.name!r} is not a simple chain: {_describe(layer)} does not take "
                                 "the previous layer's output as its input")
            current = layer.output
        if outputs[0] is not current:
            raise ValueError(f"model {model.name!r} is not a simple chain of Dense layers (its output is not the "
                             f"output of {_describe(dense[-1])} called once); only such chains can be batched")
    return dense


class KerasPopulationForward:
    """Batched forward pass of a population of parameter vectors through a Dense-only Keras model.

    Built once per model; every call reuses the same compiled TensorFlow graph (one trace, whatever the
    population size P or number of samples n). The model's own weights are never read or changed by a call.

    Raises ``ValueError`` at construction, naming the offending layer, for models it cannot reproduce
    exactly: any layer other than ``Dense``/``InputLayer`` (Dropout, BatchNormalization, LSTM, Conv2D, ...),
    frozen Dense layers, branching graphs, non-2-D or non-float32 inputs, or a subclassed ``call``.
    """

    def __init__(self, model: keras.Model) -> None:
        layers = _dense_layers(model)
        offsets, start = {}, 0
        for variable in model.trainable_weights:
            offsets[id(variable)] = start
            start += int(np.prod(tuple(variable.shape)))
        expected = 0  # stacked_forward reads each layer's kernel, then its bias, one after the other
        for layer in layers:
            for variable in [layer.kernel] + ([layer.bias] if layer.use_bias else []):
                if id(variable) not in offsets:
                    raise _refuse(layer, "is frozen (trainable=False), so its weights are not in the parameter vector")
                if offsets[id(variable)] != expected:
                    raise _refuse(layer, "has its weights out of layer order in the parameter vector")
                expected += int(np.prod(tuple(variable.shape)))
        if expected != start:
            raise ValueError(f"model {model.name!r} has trainable weights outside its Dense layers; "
                             "only models made of Dense layers can be batched")
        self.model_name = model.name
        self.n_parameters = n_parameters(model)
        self.n_inputs = int(layers[0].kernel.shape[0])
        self.n_outputs = int(layers[-1].kernel.shape[1])
        self._layers = tuple(layers)
        self._forward = tf.function(
            lambda population, X: stacked_forward(population, X, self._layers),  # (P, n, n_outputs), traced once
            input_signature=(tf.TensorSpec((None, self.n_parameters), tf.float32),
                             tf.TensorSpec((None, self.n_inputs), tf.float32)),
        )
        self._self_check(model)

    def _self_check(self, model: keras.Model) -> None:
        """Refuse the model if the batched pass does not reproduce ``model(X)`` for its current weights."""
        probe = np.random.default_rng(0).normal(size=(7, self.n_inputs)).astype(np.float32)
        expected = np.asarray(model(probe, training=False)).reshape(7, self.n_outputs)
        got = self._forward(get_parameters(model)[None, :], probe).numpy()[0]
        if not np.allclose(got, expected, rtol=1e-4, atol=1e-5, equal_nan=True):
            raise ValueError(f"model {self.model_name!r} cannot be batched: the batched forward pass does not "
                             "reproduce model(X) (custom activation or layer behaviour?)")

    @property
    def tracing_count(self) -> int:
        """How many times the batched function has been traced (stays 1: P and n are dynamic dimensions)."""
        return int(self._forward.experimental_get_tracing_count())

    def __call__(self, population: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Outputs of every parameter vector in ``population`` on the inputs ``X``, in one batched pass.

        Args:
            population: ``(P, n_parameters)`` array, or a list of P vectors (e.g. DEAP individuals), in the
                layout of :func:`edl_helpers.keras_params.get_parameters`.
            X: ``(n, n_inputs)`` inputs.

        Returns:
            ``float32`` array of shape ``(P, n)`` when the model has one output unit, else ``(P, n, k)``;
            slice ``p`` equals ``set_parameters(model, population[p]); model(X)`` (within float32 rounding).
        """
        with np.errstate(over="ignore"):  # numbers beyond float32's range become inf and are refused below
            population = np.asarray(population, dtype=np.float32)
        if population.ndim != 2 or population.shape[1] != self.n_parameters or population.shape[0] < 1:
            raise ValueError(f"population must have shape (P, {self.n_parameters}) with P >= 1 (one parameter "
                             f"vector per row for model {self.model_name!r}), got shape {population.shape}")
        if not np.isfinite(population).all():
            rows = np.flatnonzero(~np.isfinite(population).all(axis=1))
            raise ValueError(f"population contains NaN or infinite values in {len(rows)} individual(s), "
                             f"e.g. row {int(rows[0])}")
        X = np.asarray(X, dtype=np.float32)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (n_samples, {self.n_inputs}), got {X.shape}")
        out = self._forward(population, X).numpy()
        return out[..., 0] if self.n_outputs == 1 else out
