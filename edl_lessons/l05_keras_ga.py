"""Generated from notebooks/05_keras_ga.ipynb by `python -m edl_helpers.save_cells`: edit the notebook, not this file.

The notebook's cells marked ``#@save``, in order.
"""

# ---- notebooks/05_keras_ga.ipynb, cell 14 ----
import numpy as np
import tensorflow as tf

from edl_helpers.keras_params import n_parameters


def stacked_forward(population, X, dense_layers):
    """Outputs (P, n_points, n_out) of P networks shaped like `dense_layers`, one per genome (row) of `population`.

    A genome holds, layer by layer, the kernel (row by row) and then the bias: the order of get_parameters.
    """
    P, h, start = tf.shape(population)[0], X, 0
    for index, layer in enumerate(dense_layers):
        n_in, n_out = layer.kernel.shape
        kernels = tf.reshape(population[:, start:start + n_in * n_out], (P, n_in, n_out))  # P kernels, stacked
        start += n_in * n_out
        # one einsum: this layer of all P networks on all points (the first layer's input X is shared by all)
        h = tf.einsum("ni,pio->pno" if index == 0 else "pni,pio->pno", h, kernels)
        if layer.use_bias:
            h += population[:, None, start:start + n_out]  # the P biases (P, 1, out), added on every point
            start += n_out
        h = layer.activation(h)
    return h


class BatchedKerasMLP:
    """A Keras Sequential stack of Dense layers, run for a whole population of genomes in one compiled call."""

    def __init__(self, model):
        self.dense_layers = model.layers  # a Sequential's layers: here the Dense layers, in order
        self.n_parameters = n_parameters(model)
        n_inputs = self.dense_layers[0].kernel.shape[0]
        # compiled once: P and the number of points are left open, so no new population size traces it again
        self.compiled = tf.function(lambda population, X: stacked_forward(population, X, self.dense_layers),
                                    input_signature=(tf.TensorSpec((None, self.n_parameters), tf.float32),
                                                     tf.TensorSpec((None, n_inputs), tf.float32)))

    def forward_population(self, population, X):
        """Output probabilities (P, n_points) of the P genomes of `population` on the points X (one output unit)."""
        return self.compiled(np.asarray(population, np.float32), np.asarray(X, np.float32)).numpy()[..., 0]


# ---- notebooks/05_keras_ga.ipynb, cell 29 ----
import time

import keras

from edl_helpers.keras_params import set_parameters


class WarmAdam:
    """Keras' Adam on a copy of `model`, its training step traced once; each `train_from` starts a new Adam."""

    def __init__(self, model, X, Y, learning_rate, batch_size, loss="binary_crossentropy"):
        self.model = keras.models.clone_model(model)
        self.model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss,
                           metrics=["accuracy"])
        self.model.optimizer.build(self.model.trainable_variables)
        self.fresh_state = [variable.numpy() for variable in self.model.optimizer.variables]  # step 0, zero moments
        self.model.fit(X, Y, epochs=1, batch_size=batch_size, verbose=0)  # warm-up: traces the training step

    def train_from(self, initial_weights, X, Y, epochs, batch_size, patience, min_delta):
        """Train from `initial_weights` until the loss improves by no more than `min_delta` for `patience` epochs
        (or `epochs`); return (epochs run, seconds)."""
        set_parameters(self.model, initial_weights)
        for variable, value in zip(self.model.optimizer.variables, self.fresh_state):
            variable.assign(value)  # a new Adam: step counter and moments back to zero
        started = time.perf_counter()
        history = self.model.fit(X, Y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[
            keras.callbacks.EarlyStopping(monitor="loss", patience=patience, min_delta=min_delta)])
        return len(history.epoch), time.perf_counter() - started


# ---- notebooks/05_keras_ga.ipynb, cell 32 ----
import keras
import numpy as np
import tensorflow as tf

import edl_helpers as edl
from edl_helpers.keras_models import toy_classifier
from edl_helpers.keras_params import get_parameters


def random_directions(hidden, X, Y, seed, n_directions=200, step=0.01):
    """At a fresh initialisation of toy_classifier(hidden): how random unit steps change the log-loss on (X, Y).

    Returns (n weights, fraction of directions that go downhill, mean |cos| with the gradient,
    mean gain of the downhill steps as a fraction of the gain of a gradient step of the same length).
    """
    edl.seed_everything(seed)
    network = toy_classifier(hidden=hidden)
    weights = get_parameters(network)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.binary_crossentropy(Y[:, None].astype(np.float32), network(X)))
    gradient = np.concatenate([g.numpy().ravel() for g in tape.gradient(loss, network.trainable_weights)])
    unit_gradient = gradient / np.linalg.norm(gradient)
    directions = np.random.default_rng(seed).normal(size=(n_directions, len(weights))).astype(np.float32)
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    candidates = np.vstack([weights, weights - step * unit_gradient, weights + step * directions])
    losses = edl.population_log_loss(BatchedKerasMLP(network).forward_population(candidates, X), Y)
    start, gradient_step, random_steps = losses[0], losses[1], losses[2:]
    cosines = directions @ unit_gradient
    assert np.mean((random_steps < start) == (cosines < 0)) > 0.95, "the step is too large for first order"
    downhill = random_steps < start
    gain = np.mean(start - random_steps[downhill]) / (start - gradient_step)
    return len(weights), np.mean(downhill), np.mean(np.abs(cosines)), gain
