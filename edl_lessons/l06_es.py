"""Generated from notebooks/06_mnist_es.ipynb by `python -m edl_helpers.save_cells`: edit the notebook, not this file.

The notebook's cells marked ``#@save``, in order.
"""

# ---- notebooks/06_mnist_es.ipynb, cell 7 ----
import numpy as np


def flat_pixels(images):
    """(n, 28, 28) uint8 images -> (n, 784) float32 in [0, 1]."""
    return images.reshape(len(images), -1).astype(np.float32) / 255.0


# ---- notebooks/06_mnist_es.ipynb, cell 10 ----
import keras
import numpy as np


def mnist_mlp(hidden_units, n_inputs=784):
    """The network of this notebook: n_inputs (784 pixels) -> hidden_units (ReLU) -> 10 (softmax)."""
    return keras.Sequential([
        keras.Input(shape=(n_inputs,)),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def keras_accuracy(network, X, Y):
    """Accuracy of a Keras model on images X with labels Y."""
    return float(np.mean(np.asarray(network(X, training=False)).argmax(axis=1) == Y))


# ---- notebooks/06_mnist_es.ipynb, cell 15 ----
import numpy as np


def mlp_layer_shapes(hidden_units, n_inputs=784):
    """The shapes of the MLP's parameters in Keras' layout: W1 (the first kernel), b1, W2, b2."""
    return [(n_inputs, hidden_units), (hidden_units,), (hidden_units, 10), (10,)]


def mlp_weights(theta, hidden_units, n_inputs=784):
    """A flat parameter vector θ -> [W1, b1, W2, b2]: views of θ in the shapes of `mlp_layer_shapes`."""
    shapes = mlp_layer_shapes(hidden_units, n_inputs)
    ends = np.cumsum([int(np.prod(shape)) for shape in shapes])
    return [part.reshape(shape) for part, shape in zip(np.split(theta, ends[:-1]), shapes)]


def vector_accuracy(forward, parameters, X, Y):
    """Accuracy of one parameter vector on images X with labels Y, through the batched pass `forward`."""
    return float(np.mean(forward(parameters[None], X)[0].argmax(axis=1) == Y))


# ---- notebooks/06_mnist_es.ipynb, cell 18 ----
import numpy as np
from deap import base, creator, tools


def blend_crossover(ind1, ind2, alpha):
    """DEAP's cxBlend on whole NumPy vectors: each gene mixes the parents with its own gamma in [-alpha, 1+alpha]."""
    gamma = (1.0 + 2.0 * alpha) * np.random.random(len(ind1)).astype(np.float32) - alpha
    parent1 = ind1.copy()
    ind1[:] = (1.0 - gamma) * parent1 + gamma * ind2
    ind2[:] = gamma * parent1 + (1.0 - gamma) * ind2
    return ind1, ind2


def gaussian_mutation(individual, sigma, indpb):
    """DEAP's mutGaussian (mu = 0) on a NumPy vector: each gene gets N(0, sigma) noise with probability indpb."""
    hit = np.random.random(len(individual)) < indpb
    individual[hit] += np.random.normal(0.0, sigma, int(hit.sum())).astype(np.float32)
    return (individual,)


def make_mlp_ga_toolbox(rng, hidden_units, n_inputs=784):
    """The GA's DEAP toolbox for the MLP's weights: a genome is the flat weight vector, drawn from `rng` like
    Keras' initial weights; tournament selection (size 3), blend crossover and Gaussian mutation (the NumPy
    operators above)."""
    if not hasattr(creator, "FitnessMax"):
        creator.create("FitnessMax", base.Fitness, weights=(1.0,))
    if not hasattr(creator, "ArrayIndividual"):
        creator.create("ArrayIndividual", np.ndarray, fitness=creator.FitnessMax)
    glorot = [np.sqrt(6.0 / (n_inputs + hidden_units)), 0.0, np.sqrt(6.0 / (hidden_units + 10)), 0.0]

    def glorot_genome():
        """A fresh individual drawn like Keras' initial weights (Glorot uniform kernels, zero biases)."""
        parts = [rng.uniform(-limit, limit, int(np.prod(shape)))
                 for limit, shape in zip(glorot, mlp_layer_shapes(hidden_units, n_inputs))]
        return creator.ArrayIndividual(np.concatenate(parts).astype(np.float32))

    toolbox = base.Toolbox()
    toolbox.register("individual", glorot_genome)
    toolbox.register("population", tools.initRepeat, list, toolbox.individual)
    toolbox.register("select", tools.selTournament, tournsize=3)
    toolbox.register("mate", blend_crossover, alpha=0.5)
    toolbox.register("mutate", gaussian_mutation, sigma=0.02, indpb=0.05)
    return toolbox


# ---- notebooks/06_mnist_es.ipynb, cell 21 ----
import random
import time
from typing import NamedTuple

import numpy as np
from deap import tools

import edl_helpers as edl


class MinibatchGARun(NamedTuple):
    """One GA run: the best individual of its last generation, generations run, training seconds, the
    validation-accuracy history of the best ({"seconds": [...], "validation accuracy": [...]}) and whether
    Stop cut it short."""
    best: np.ndarray
    generations: int
    seconds: float
    history: dict
    interrupted: bool


def run_minibatch_ga(toolbox, population_size, forward, X_train, Y_train, batch_size, rng, score,
                     budget_seconds=None, generations=None, crossover_probability=0.5, mutation_probability=0.3,
                     fitness="accuracy", record_every=None, live=None):
    """The GA for `budget_seconds` of training or for `generations`; the best always survives (elitism).

    Every generation scores the whole population in one batched pass, `forward(population, X)` -> class
    probabilities, on a fresh minibatch of `batch_size` training images drawn from `rng`. `fitness` is the
    accuracy on that minibatch (the classic) or "cross_entropy": minus its mean cross-entropy (the ES's
    fitness). Every `record_every` seconds, off the clock, `score(best)` (the validation accuracy of the
    best) is recorded and shown on `live`. Stop ends the run and returns the best so far.
    """
    population = toolbox.population(n=population_size)
    history = {"seconds": [], "validation accuracy": []}
    generation, clock, paused = 0, 0.0, 0.0
    started = time.perf_counter()
    with edl.stop_on_interrupt("the GA") as stop:
        while True:
            batch = rng.integers(0, len(X_train), batch_size)
            probabilities = forward(population, X_train[batch])  # one batched pass: (P, batch_size, 10)
            accuracy = np.mean(probabilities.argmax(axis=-1) == Y_train[batch], axis=1)
            if fitness == "accuracy":
                scores = accuracy
            else:  # mean log-probability of the true classes (floored: a float32 softmax can round to 0)
                true_class = probabilities[:, np.arange(batch_size), Y_train[batch]]
                scores = np.log(np.maximum(true_class, 1e-30)).mean(axis=1)
            for individual, value in zip(population, scores):
                individual.fitness.values = (float(value),)
            best = tools.selBest(population, 1)[0]
            generation += 1
            clock = time.perf_counter() - started - paused
            done = generation >= generations if generations else clock >= budget_seconds

            bookkeeping = time.perf_counter()
            if record_every and (not history["seconds"] or clock - history["seconds"][-1] >= record_every or done):
                history["seconds"].append(clock)
                history["validation accuracy"].append(score(best))
                if live is not None:
                    live.update(generation, {"minibatch accuracy (best)": accuracy.max(),
                                             "minibatch accuracy (mean)": accuracy.mean(),
                                             "validation accuracy (best)": history["validation accuracy"][-1]})
            paused += time.perf_counter() - bookkeeping
            if done:
                break

            offspring = [toolbox.clone(individual) for individual in toolbox.select(population, len(population) - 1)]
            for child1, child2 in zip(offspring[::2], offspring[1::2]):
                if random.random() < crossover_probability:
                    toolbox.mate(child1, child2)
            for mutant in offspring:
                if random.random() < mutation_probability:
                    toolbox.mutate(mutant)
            population = [toolbox.clone(best)] + offspring  # elitism: the best survives unchanged
    return MinibatchGARun(best, generation, clock, history, stop.interrupted)


# ---- notebooks/06_mnist_es.ipynb, cell 25 ----
import time
from typing import Callable, NamedTuple

import numpy as np

import edl_helpers as edl
from edl_helpers.es_noise import NoiseTable


class ESTask(NamedTuple):
    """What the ES trains: an n_inputs -> hidden_units -> 10 MLP from the start θ0 (a flat vector in Keras'
    layout), with perturbations from `noise_table` (of `low_rank_length` numbers each), on training images
    X_train (n, n_inputs) with labels Y_train; `score(θ)` is the validation accuracy that the run records."""
    start: np.ndarray
    hidden_units: int
    noise_table: NoiseTable
    X_train: np.ndarray
    Y_train: np.ndarray
    score: Callable[[np.ndarray], float]


def sample_noise(noise_table, rng, count, n_inputs, hidden_units):
    """`count` perturbations ε, each the slice of the noise table at its own random offset.

    Member q's first-kernel noise is the rank-one matrix outer(A[:, q], B[q]); returns A (n_inputs, count),
    B (count, h) and rest (count, h + 10h + 10): each member's b1, W2, b2 noise.
    """
    return noise_table.low_rank_first_layer(noise_table.draw(rng, count), n_inputs, hidden_units)


def perturbed_logits(theta, A, B, rest, sigma, X, mirrored=True, chunk=64):
    """Logits on images X (n, n_inputs) of θ + σε for every perturbation ε, then (mirrored) of θ − σε:
    (members, 10, n), the classes on the middle axis (so that sums and maxima over the 10 classes run along
    rows of n numbers, which NumPy does fast). The members go through `chunk` at a time, so that a chunk's
    hidden activations stay in the CPU's cache."""
    count, h = B.shape
    W1, b1, W2, b2 = mlp_weights(theta, h, n_inputs=X.shape[1])
    c1, E2, c2 = rest[:, :h], rest[:, h:h + 10 * h].reshape(count, h, 10), rest[:, h + 10 * h:]
    shared = (X @ W1 + b1).T                               # (h, n): XW1 + b1, once for everyone
    XA = (X @ A).T                                         # (count, n): every member's Xa, in one product
    signs = (1, -1) if mirrored else (1,)
    logits = np.empty((len(signs) * count, 10, len(X)), dtype=np.float32)
    for first in range(0, count, chunk):
        q = slice(first, first + chunk)                    # this chunk's members
        delta = B[q, :, None] * XA[q, None, :]             # (chunk, h, n): X(a bᵀ) = (Xa) bᵀ, transposed
        delta += c1[q, :, None]
        delta *= sigma
        for k, sign in enumerate(signs):
            hidden = shared + delta if sign > 0 else np.subtract(shared, delta, out=delta)  # θ − σε: in place
            np.maximum(hidden, 0.0, out=hidden)            # ReLU
            rows = slice(k * count + first, k * count + first + len(hidden))
            np.matmul((W2 + sign * sigma * E2[q]).transpose(0, 2, 1), hidden, out=logits[rows])
            logits[rows] += (b2 + sign * sigma * c2[q])[:, :, None]
    return logits


def noise_combination(A, B, rest, coefficients):
    """Σ_q coefficients[q] ε_q as one flat vector in the parameter layout (W1, then b1, W2, b2)."""
    first = (A * coefficients) @ B                         # Σ_q c_q a_q b_qᵀ: (n_inputs, h)
    return np.concatenate([first.ravel(), coefficients @ rest])


def cross_entropy(logits, Y):
    """Mean cross-entropy of logits (P, 10, n) against labels Y (n,): one value per individual."""
    top = logits.max(axis=1)                                                        # (P, n)
    log_sum_exp = np.log(np.exp(logits - top[:, None, :]).sum(axis=1)) + top        # (P, n)
    return (log_sum_exp - logits[:, Y, np.arange(len(Y))]).mean(axis=1)


def centered_ranks(scores):
    """Scores -> their ranks scaled to [-0.5, 0.5] (the lowest score gets -0.5, the highest +0.5)."""
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(scores)] = np.arange(len(scores), dtype=np.float32)
    return ranks / (len(scores) - 1) - 0.5


class ESRun(NamedTuple):
    """One ES run: the final θ, generations run, training seconds, the validation-accuracy history
    ({"seconds": [...], "validation accuracy": [...]}) and whether Stop cut it short."""
    theta: np.ndarray
    generations: int
    seconds: float
    history: dict
    interrupted: bool


def evolution_strategy(task, population_size, batch_size, seed, sigmas, learning_rates, budget_seconds=None,
                       generations=None, mirrored=True, rank_shaping=True, adam=True, smooth_fitness=True,
                       record_every=None, live=None):
    """OpenAI-style ES on the weights of `task` (an ESTask) for `budget_seconds` of training or for `generations`.

    `sigmas` and `learning_rates` are (start, end) pairs of the schedules. Every `record_every` seconds
    `task.score(θ)`, the validation accuracy of θ, is recorded (off the clock). Stop ends the run and
    returns θ as it is then.
    """
    (sigma_0, sigma_1), (rate_0, rate_1) = sigmas, learning_rates
    n_inputs = task.X_train.shape[1]
    rng = np.random.default_rng(seed)
    theta = task.start.copy()
    m, v = np.zeros_like(theta), np.zeros_like(theta)            # Adam's moment estimates
    beta1, beta2, epsilon = 0.9, 0.999, 1e-8
    pairs = population_size // 2
    history = {"seconds": [], "validation accuracy": []}
    generation, clock, paused = 0, 0.0, 0.0
    started = time.perf_counter()
    with edl.stop_on_interrupt("the ES") as stop:
        while True:
            progress = generation / generations if generations else clock / budget_seconds  # share of budget used
            if progress >= 1:
                break
            sigma = np.float32(sigma_0 * (sigma_1 / sigma_0) ** progress)
            learning_rate = np.float32(rate_0 * (rate_1 / rate_0) ** progress)

            batch = rng.integers(0, len(task.X_train), batch_size)   # one fresh minibatch shared by everyone
            A, B, rest = sample_noise(task.noise_table, rng, pairs if mirrored else 2 * pairs, n_inputs,
                                      task.hidden_units)
            logits = perturbed_logits(theta, A, B, rest, sigma, task.X_train[batch], mirrored)
            if smooth_fitness:
                scores = -cross_entropy(logits, task.Y_train[batch])
            else:
                scores = np.mean(logits.argmax(axis=1) == task.Y_train[batch], axis=1)
            if rank_shaping:
                weights = centered_ranks(scores)
            else:
                weights = ((scores - scores.mean()) / (scores.std() + 1e-8)).astype(np.float32)
            if mirrored:  # member i is θ + σε_i, member i + pairs is θ − σε_i
                weights = weights[:pairs] - weights[pairs:]
            gradient = noise_combination(A, B, rest, weights) / (2 * pairs * sigma)  # estimate of ∇ (smoothed fitness)

            generation += 1
            if adam:
                m = beta1 * m + (1 - beta1) * gradient
                v = beta2 * v + (1 - beta2) * gradient**2
                m_hat, v_hat = m / (1 - beta1**generation), v / (1 - beta2**generation)
                theta += learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
            else:
                theta += learning_rate * gradient                     # plain gradient ascent
            clock = time.perf_counter() - started - paused

            bookkeeping = time.perf_counter()
            if record_every and (not history["seconds"] or clock - history["seconds"][-1] >= record_every):
                history["seconds"].append(clock)
                history["validation accuracy"].append(task.score(theta))
                if live is not None:
                    live.update(generation, {"validation accuracy": history["validation accuracy"][-1]})
            paused += time.perf_counter() - bookkeeping
    if record_every:
        history["seconds"].append(clock)
        history["validation accuracy"].append(task.score(theta))
    return ESRun(theta, generation, clock, history, stop.interrupted)
