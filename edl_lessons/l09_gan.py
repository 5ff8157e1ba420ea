"""Generated from notebooks/09_ga_gan.ipynb by `python -m edl_helpers.save_cells`: edit the notebook, not this file.

The notebook's cells marked ``#@save``, in order.
"""

# ---- notebooks/09_ga_gan.ipynb, cell 9 ----
import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from edl_helpers import gan_metrics as gm


def make_classifier() -> keras.Model:
    """Conv-pool-conv-pool-dense CNN; outputs class probabilities and the 128 penultimate features."""
    inputs = keras.Input(shape=(28, 28, 1))
    hidden = keras.layers.Conv2D(32, 3, activation="relu")(inputs)
    hidden = keras.layers.MaxPooling2D()(hidden)
    hidden = keras.layers.Conv2D(64, 3, activation="relu")(hidden)
    hidden = keras.layers.MaxPooling2D()(hidden)
    hidden = keras.layers.Dropout(0.3)(keras.layers.Flatten()(hidden))
    features = keras.layers.Dense(128, activation="relu", name="features")(hidden)
    probabilities = keras.layers.Dense(10, activation="softmax")(keras.layers.Dropout(0.3)(features))
    return keras.Model(inputs, [probabilities, features])


def train_classifier(images: np.ndarray, labels: np.ndarray, epochs: int) -> tuple[keras.Model, keras.Model]:
    """A new classifier trained with Adam on (images, labels); returns it and its compiled probabilities-only
    twin (the model that was fitted, for ``evaluate``)."""
    classifier = make_classifier()
    trainable = keras.Model(classifier.input, classifier.output[0])
    trainable.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    trainable.fit(images[..., None], labels, epochs=epochs, batch_size=64, verbose=0)
    return classifier, trainable


def make_judge(classifier: keras.Model):
    """``judge(images)``: the classifier's class probabilities and penultimate features, 1,000 images at a time."""
    @tf.function(reduce_retracing=True)
    def classify_batch(images):
        return classifier(tf.reshape(images, (-1, 28, 28, 1)), training=False)

    def judge(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return gm.in_batches(lambda batch: [t.numpy() for t in classify_batch(batch)], images, 1000)
    return judge


COLUMNS = {"classifier_score": "classifier score", "fid": "FID", "classes_covered": "classes ≥ 5 %",
           "classes_covered_3pct": "classes ≥ 3 %", "mean_confidence": "mean confidence",
           "feature_diversity": "feature diversity"}


def score_table(scores: dict[str, dict], rows: list[str]) -> str:
    """The chosen rows of ``scores`` (name -> the dict of ``measure``) as a text table."""
    table = pd.DataFrame({name: {key: scores[name][key] for key in COLUMNS} for name in rows}).T.astype(float)
    table[["classes_covered", "classes_covered_3pct"]] = table[["classes_covered", "classes_covered_3pct"]].astype(int)
    return table.rename(columns=COLUMNS).to_string(float_format=lambda v: f"{v:.3f}")


def measure(images: np.ndarray, judge, real_features: np.ndarray) -> dict[str, object]:
    """The four scores of a sample (FID against ``real_features``), 3 % coverage, feature diversity, class shares."""
    probabilities, features = judge(images)
    result = gm.quality(probabilities, features, real_features)
    result["feature_diversity"] = gm.feature_diversity(features, real_features)
    result["classes_covered_3pct"] = gm.classes_covered(probabilities, threshold=0.03)
    result["fractions"] = gm.class_fractions(probabilities)
    return result


# ---- notebooks/09_ga_gan.ipynb, cell 17 ----
class MinibatchStdDev(keras.layers.Layer):
    """Appends one feature map: how much the images of a small group differ (Karras et al., 2018).

    The batch is split into groups of ``group_size`` images (image i joins group i mod ``groups``); for each
    group, the standard deviation of every feature over its images, averaged over all features, is one number,
    appended to each image of the group as a constant extra channel. A collapsed generator's group has a
    spread near 0, a real one's does not, so the discriminator can see collapse that no single image shows.
    """

    def __init__(self, group_size: int = 4, **kwargs) -> None:
        super().__init__(**kwargs)
        if int(group_size) < 1:
            raise ValueError(f"group_size must be an integer >= 1, got {group_size}")
        self.group_size = int(group_size)

    def call(self, x):
        shape = tf.shape(x)
        group = tf.minimum(self.group_size, shape[0])                     # the batch must be a multiple of it
        grouped = tf.reshape(x, tf.concat([[group, -1], shape[1:]], axis=0))
        spread = tf.reduce_mean(tf.sqrt(tf.math.reduce_variance(grouped, axis=0) + 1e-8), axis=[1, 2, 3],
                                keepdims=True)                              # (groups, 1, 1, 1)
        return tf.concat([x, tf.tile(spread, [group, shape[1], shape[2], 1])], axis=-1)


def make_discriminator(minibatch_std: bool = False, pack: int = 1) -> keras.Model:
    """28x28 image -> one logit (positive: 'real'); with ``minibatch_std``, a ``MinibatchStdDev`` channel
    is appended before the logit layer. With ``pack`` > 1 (PacGAN, Lin et al., 2018) the input is a pack of
    ``pack`` images stacked as channels (``pack_images``) and the logit judges the pack as a whole: a pack from
    a collapsed generator holds near-copies, which real packs rarely do."""
    inputs = keras.Input(shape=(28, 28, pack))
    hidden = keras.layers.Conv2D(16, 4, strides=2, padding="same", activation="leaky_relu")(inputs)
    hidden = keras.layers.Conv2D(32, 4, strides=2, padding="same", activation="leaky_relu")(hidden)
    if minibatch_std:
        hidden = MinibatchStdDev()(hidden)
    return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Flatten()(hidden)))


def pack_images(images, pack: int):
    """(n, 28, 28, 1) -> (n / pack, 28, 28, pack): images i, i + n / pack, ... share a pack."""
    if pack == 1:
        return images
    packs = tf.shape(images)[0] // pack
    return tf.concat([images[k * packs:(k + 1) * packs] for k in range(pack)], axis=-1)


def discriminator_loss(real_logits, fake_logits, real_label: float = 1.0):
    """Binary cross-entropy: real -> ``real_label`` (below 1: one-sided label smoothing), fake -> 0.

    ``softplus(-l) = -log sigmoid(l)`` and ``softplus(l) = -log(1 - sigmoid(l))``.
    """
    real_loss = real_label * tf.nn.softplus(-real_logits) + (1.0 - real_label) * tf.nn.softplus(real_logits)
    return tf.reduce_mean(real_loss) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def with_noise(images, noise):
    """``images`` plus Gaussian instance noise of standard deviation ``noise`` (a scalar tensor)."""
    return images + noise * tf.random.normal(tf.shape(images))


def logits_and_slope(discriminator: keras.Model, real_inputs):
    """The logits of ``real_inputs`` and the R1 penalty's measure of the slope: the squared norm of each logit's
    gradient with respect to its input, averaged over the inputs (Mescheder et al., 2018)."""
    with tf.GradientTape() as input_tape:
        input_tape.watch(real_inputs)
        logits = discriminator(real_inputs, training=True)
        total = tf.reduce_sum(logits)                                    # inside the tape, or no gradient
    slope = input_tape.gradient(total, real_inputs)
    return logits, tf.reduce_mean(tf.reduce_sum(tf.square(slope), axis=[1, 2, 3]))


def discriminator_trainer(discriminator: keras.Model, optimizer: keras.optimizers.Optimizer, real_label: float = 1.0,
                          r1_gamma: float = 0.0):
    """A compiled step ``step(real, fake, noise)``: one Adam update of ``discriminator`` on a real and a fake
    batch, both with instance noise of standard deviation ``noise``; returns loss, accuracy. With ``r1_gamma`` > 0
    the loss adds the R1 penalty ``r1_gamma / 2 * |d logit / d real input|^2`` (``logits_and_slope``)."""
    @tf.function(autograph=False)  # plain TensorFlow ops, no Python control flow over tensors to convert
    def step(real, fake, noise):
        with tf.GradientTape() as tape:
            real_inputs = with_noise(real, noise)
            if r1_gamma:
                real_logits, slope = logits_and_slope(discriminator, real_inputs)
            else:
                real_logits, slope = discriminator(real_inputs, training=True), 0.0
            fake_logits = discriminator(with_noise(fake, noise), training=True)
            loss = discriminator_loss(real_logits, fake_logits, real_label) + 0.5 * r1_gamma * slope
        gradients = tape.gradient(loss, discriminator.trainable_variables)
        optimizer.apply_gradients(zip(gradients, discriminator.trainable_variables))
        accuracy = 0.5 * (tf.reduce_mean(tf.cast(real_logits > 0, tf.float32))
                          + tf.reduce_mean(tf.cast(fake_logits < 0, tf.float32)))
        return loss, accuracy
    return step


# ---- notebooks/09_ga_gan.ipynb, cell 19 ----
def coarse(images: np.ndarray) -> np.ndarray:
    """Average 4x4 blocks: (..., 28, 28) -> (..., 7, 7)."""
    return images.reshape(*images.shape[:-2], 7, 4, 7, 4).mean(axis=(-3, -1))


def real_image_spread(images: np.ndarray) -> float:
    """The diversity term's yardstick: the per-pixel spread of real ``images`` (N, 28, 28) after ``coarse``."""
    return float(coarse(images).std(axis=0).mean())


def agent_fitness(logits_of, images: np.ndarray, real_spread: float,
                  diversity_weight: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fitness, realness and diversity of every agent; ``images`` is (P, B, 28, 28)."""
    agents, batch = images.shape[:2]
    logits = logits_of(images.reshape(agents * batch, 28, 28, 1)).numpy().reshape(agents, batch)
    realness = -np.logaddexp(0.0, -logits).mean(axis=1)            # mean log sigmoid(logit) = mean log D(x)
    diversity = np.minimum(coarse(images).std(axis=1).mean(axis=(1, 2)) / real_spread, 1.0)
    return realness + diversity_weight * diversity, realness, diversity


# ---- notebooks/09_ga_gan.ipynb, cell 21 ----
def tournament_select(fitness: np.ndarray, rng: np.random.Generator, tournament_size: int) -> int:
    """Index of the fittest of ``tournament_size`` agents drawn at random."""
    contestants = rng.choice(len(fitness), size=tournament_size, replace=False)
    return int(contestants[np.argmax(fitness[contestants])])


# ---- notebooks/09_ga_gan.ipynb, cell 24 ----
import time
from dataclasses import dataclass

import edl_helpers as edl
from edl_helpers.gan_generator import GeneratorMLP, two_point_crossover, uniform_crossover
from edl_helpers.validation import check_int


@dataclass
class GASettings:
    """How the GA evolves generators (the parameters cell's names; the defaults are the lesson's)."""

    samples_per_agent: int = 32            # the shared latent batch every agent is judged on
    elite_count: int = 2
    tournament_size: int = 3
    crossover: str = "two_point"           # or "uniform"
    crossover_rate: float = 0.5
    mutation_sigma: float = 0.08           # mutation step at the start of the budget ...
    mutation_sigma_end: float = 0.04       # ... shrinking geometrically to this at its end
    mutation_smoothing: float = 3.0        # blur of the output layer's noise in pixels (0: plain Gaussian)
    diversity_weight: float = 1.0
    discriminator_learning_rate: float = 2e-4
    discriminator_every: int = 2           # the discriminator learns once every this many generations
    r1_gamma: float = 30.0                 # R1 penalty of the discriminator (0: none)
    real_label: float = 0.9                # one-sided label smoothing of the discriminator's real images
    instance_noise: float = 0.1            # std of the noise on the discriminator's images, fading to 0
    final_samples: int = 512               # samples per agent when the last generation is re-ranked


@dataclass
class GARun:
    """What one GA run found."""

    best_genome: np.ndarray                # the best agent of the last generation (re-ranked)
    generation0_genome: np.ndarray         # the best agent of generation 0
    generations: int
    seconds: float                         # the GA's own work (the monitoring is not timed)
    history: dict[str, list[float]]        # per generation: fitness, realness, diversity, D accuracy (its last step)
    interrupted: bool = False              # True when Stop (■) cut the run short


def evolve_generator(generator: GeneratorMLP, discriminator: keras.Model, population: np.ndarray,
                     real_images: np.ndarray, rng: np.random.Generator, settings: GASettings, real_spread: float,
                     generations: int, on_generation=None, show_progress: bool = True) -> GARun:
    """Evolve ``population`` (genomes of ``generator``) against ``discriminator``, which learns alongside: one
    step every ``settings.discriminator_every`` generations, on 64 real images and 64 of that generation's fakes.

    Runs for ``generations`` generations (the mutation step and the instance noise shrink over them), or until
    Stop (■). ``on_generation(generation, best_genome, seconds)`` is called after every generation, outside the
    timed work (for live views). The last population, bred but not yet judged, is re-ranked on
    ``settings.final_samples`` samples per agent with the final discriminator (without noise).
    """
    generations = check_int("generations", generations, 1)
    check_int("discriminator_every", settings.discriminator_every, 1)
    train_discriminator = discriminator_trainer(
        discriminator, keras.optimizers.Adam(settings.discriminator_learning_rate, beta_1=0.5), settings.real_label,
        settings.r1_gamma)

    @tf.function(reduce_retracing=True, autograph=False)
    def ga_logits(images, noise):
        return discriminator(with_noise(images, noise), training=False)

    cross = two_point_crossover if settings.crossover == "two_point" else uniform_crossover
    size, elites = len(population), settings.elite_count
    history = {key: [] for key in ("best_fitness", "mean_fitness", "best_realness", "best_diversity",
                                   "discriminator_accuracy")}
    generation0_genome, seconds = population[0].copy(), 0.0
    with edl.stop_on_interrupt("evolution") as stop:
        counter = range(generations)
        for generation in edl.progress(counter, description="GA generations") if show_progress else counter:
            started = time.perf_counter()
            spent = generation / generations                                   # share of the budget used
            noise = tf.constant(settings.instance_noise * (1.0 - spent), tf.float32)
            z = rng.standard_normal((settings.samples_per_agent, generator.latent_size)).astype(np.float32)
            fakes = generator.forward_population(population, z)                   # (P, B, 28, 28), one pass
            fitness, realness, diversity = agent_fitness(lambda images: ga_logits(images, noise), fakes, real_spread,
                                                         settings.diversity_weight)
            order = np.argsort(-fitness)
            best_genome = population[order[0]].copy()
            if generation == 0:
                generation0_genome = best_genome.copy()
            if generation % settings.discriminator_every == 0:  # it learns from real images vs this generation's fakes
                real_batch = real_images[rng.integers(0, len(real_images), 64)][..., None]
                fake_batch = fakes.reshape(-1, 28, 28)[rng.integers(0, fakes.shape[0] * fakes.shape[1], 64)][..., None]
                _, d_accuracy = train_discriminator(real_batch, fake_batch, noise)
            # next generation: elites, then tournament selection, crossover, mutation
            children = []
            while len(children) < size - elites:
                mother = population[tournament_select(fitness, rng, settings.tournament_size)]
                father = population[tournament_select(fitness, rng, settings.tournament_size)]
                if rng.random() < settings.crossover_rate:
                    children.extend(cross(mother, father, rng))
                else:
                    children.extend([mother.copy(), father.copy()])
            children = np.stack(children[:size - elites])
            sigma = settings.mutation_sigma * (settings.mutation_sigma_end / settings.mutation_sigma) ** spent
            children += generator.mutation_noise(len(children), rng, sigma, settings.mutation_smoothing)
            population = np.concatenate([population[order[:elites]], children])
            seconds += time.perf_counter() - started
            for key, value in zip(history, (fitness[order[0]], fitness.mean(), realness[order[0]],
                                            diversity[order[0]], float(d_accuracy))):
                history[key].append(float(value))
            if on_generation:                                                  # monitoring: not timed
                on_generation(generation, best_genome, seconds)
    z_final = rng.standard_normal((settings.final_samples, generator.latent_size)).astype(np.float32)
    final_fitness, _, _ = agent_fitness(lambda images: ga_logits(images, tf.constant(0.0)),
                                        generator.forward_population(population, z_final), real_spread,
                                        settings.diversity_weight)
    return GARun(population[np.argmax(final_fitness)].copy(), generation0_genome, len(history["best_fitness"]),
                 seconds, history, stop.interrupted)


# ---- notebooks/09_ga_gan.ipynb, cell 30 ----
from edl_helpers.keras_params import get_parameters, set_parameters


def make_keras_generator(latent_size: int, hidden_size: int) -> keras.Model:
    """``GeneratorMLP``'s Keras twin: the same layers, and the same flat weight layout (``keras_params``)."""
    return keras.Sequential([keras.Input(shape=(latent_size,)),
                             keras.layers.Dense(hidden_size, activation="leaky_relu"),
                             keras.layers.Dense(28 * 28, activation="sigmoid"),
                             keras.layers.Reshape((28, 28, 1))])


def gan_trainer(generator_model: keras.Model, discriminator: keras.Model, learning_rate: float, latent_size: int,
                real_label: float = 1.0, averaged_generator: keras.Model | None = None, averaging: float = 0.999,
                pack: int = 1, r1_gamma: float = 0.0, r1_every: int = 4):
    """A compiled standard GAN training loop ``gan_steps(real_batches, noises)``: one step per batch of
    ``real_batches`` (k, batch, 28, 28, 1), with instance noise of std ``noises[i]`` in step i, all k steps in one
    call of the compiled graph (for networks this small, a Python call per step would cost more than the step).

    Each step: Adam (beta_1 = 0.5) on both networks, the non-saturating loss, real images labelled ``real_label``,
    instance noise on the discriminator's inputs, which sees packs of ``pack`` images (``pack_images``; the
    discriminator must be made with the same ``pack``). With ``r1_gamma`` > 0, every ``r1_every``-th step adds
    the R1 penalty (Mescheder et al., 2018) ``r1_gamma / 2 * |d logit / d real input|^2`` on the real packs,
    scaled by ``r1_every`` ("lazy" R1, Karras et al., 2020; the other steps skip its computation): it keeps the
    discriminator smooth around the real digits, so its gradient keeps pulling the generator towards all of
    them. If ``averaged_generator`` (same layers, same starting weights) is given, every step moves its weights
    towards the generator's: an exponential moving average with decay ``averaging``."""
    generator_optimizer = keras.optimizers.Adam(learning_rate, beta_1=0.5)
    discriminator_optimizer = keras.optimizers.Adam(learning_rate, beta_1=0.5)
    generator_optimizer.build(generator_model.trainable_variables)  # their state exists before the graph's loop
    discriminator_optimizer.build(discriminator.trainable_variables)
    averaged = [] if averaged_generator is None else averaged_generator.trainable_variables
    step_count = tf.Variable(0, dtype=tf.int64, trainable=False)

    def gan_step(real, noise, with_r1: bool):
        z = tf.random.normal((tf.shape(real)[0], latent_size))
        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            fake = generator_model(z, training=True)
            real_packs = pack_images(with_noise(real, noise), pack)
            if with_r1:
                real_logits, slope = logits_and_slope(discriminator, real_packs)
            else:
                real_logits = discriminator(real_packs, training=True)
            fake_logits = discriminator(pack_images(with_noise(fake, noise), pack), training=True)
            d_loss = discriminator_loss(real_logits, fake_logits, real_label)
            if with_r1:
                d_loss += 0.5 * r1_gamma * r1_every * slope
            g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits))        # -log D(G(z)), non-saturating
        d_gradients = discriminator_tape.gradient(d_loss, discriminator.trainable_variables)
        g_gradients = generator_tape.gradient(g_loss, generator_model.trainable_variables)
        discriminator_optimizer.apply_gradients(zip(d_gradients, discriminator.trainable_variables))
        generator_optimizer.apply_gradients(zip(g_gradients, generator_model.trainable_variables))
        for average, weight in zip(averaged, generator_model.trainable_variables):
            average.assign(averaging * average + (1.0 - averaging) * weight)
        step_count.assign_add(1)
        return d_loss, g_loss

    @tf.function(autograph=False, input_signature=[tf.TensorSpec((None, None, 28, 28, 1), tf.float32),
                                                   tf.TensorSpec((None,), tf.float32)])
    def gan_steps(real_batches, noises):
        def one_step(i, d_loss, g_loss):
            real, noise = real_batches[i], noises[i]
            if r1_gamma:
                return (i + 1, *tf.cond(step_count % r1_every == 0, lambda: gan_step(real, noise, with_r1=True),
                                        lambda: gan_step(real, noise, with_r1=False)))
            return (i + 1, *gan_step(real, noise, with_r1=False))

        _, d_loss, g_loss = tf.while_loop(lambda i, d_loss, g_loss: i < tf.shape(real_batches)[0], one_step,
                                          (tf.constant(0), tf.constant(0.0), tf.constant(0.0)))  # a loop in the graph
        return d_loss, g_loss
    return gan_steps


@dataclass
class GANRun:
    """How much gradient training one run did."""

    steps: int
    seconds: float                         # the training's own work (the monitoring is not timed)
    interrupted: bool = False              # True when Stop (■) cut the run short


def train_gan(gan_steps, real_images: np.ndarray, rng: np.random.Generator, steps: int, instance_noise: float = 0.0,
              on_steps=None, show_progress: bool = True, batch_size: int = 64, steps_per_call: int = 50) -> GANRun:
    """``gan_steps`` (from ``gan_trainer``) on batches of ``batch_size`` random real images for ``steps`` steps, or
    until Stop (■), ``steps_per_call`` steps per call; the instance noise fades from ``instance_noise`` to 0 over
    the steps. ``on_steps(steps_done, seconds)`` is called after every call, outside the timed work."""
    steps = check_int("steps", steps, 1)
    batch_size = check_int("batch_size", batch_size, 1)
    steps_per_call = check_int("steps_per_call", steps_per_call, 1)
    seconds, done = 0.0, 0
    calls = range(0, steps, steps_per_call)
    with edl.stop_on_interrupt("GAN training") as stop:
        for first in edl.progress(calls, description=f"gradient steps ({steps_per_call} per call)") if show_progress else calls:
            started = time.perf_counter()
            count = min(steps_per_call, steps - first)
            noises = instance_noise * (1.0 - np.arange(first, first + count) / steps)
            real_batches = real_images[rng.integers(0, len(real_images), (count, batch_size))][..., None]
            gan_steps(real_batches, noises.astype(np.float32))
            seconds += time.perf_counter() - started
            done = first + count
            if on_steps:
                on_steps(done, seconds)
    return GANRun(done, seconds, stop.interrupted)


@dataclass
class ReferenceSettings:
    """How the gradient reference trains (in brackets: the parameters cell's names; the defaults are the lesson's)."""

    learning_rate: float = 1e-3            # the notebook's sweep chooses it from learning_rate_sweep
    batch_size: int = 16                   # (gradient_batch)
    pack: int = 2                          # (gradient_pack) its discriminator judges packs of this many images
    r1_gamma: float = 1.0                  # lazy R1 ...
    r1_every: int = 4                      # ... on every r1_every-th step
    averaging: float = 0.999               # (generator_averaging) decay of the generator's weight average
    real_label: float = 0.9
    instance_noise: float = 0.1            # at the start, fading to 0 over the steps
    steps_per_call: int = 50               # steps per call of the compiled loop


def train_reference(generator: GeneratorMLP, real_images: np.ndarray, seed: int, steps: int,
                    settings: ReferenceSettings, on_steps=None, show_progress: bool = True) -> tuple[np.ndarray, GANRun]:
    """The gradient reference from ``seed``: the Keras twin of a fresh ``generator`` genome, its weight average, and a
    fresh discriminator with the minibatch standard deviation channel that judges packs of ``settings.pack``
    images, trained for ``steps`` steps (``gan_trainer``, ``train_gan``). Returns the averaged generator's genome
    and the ``GANRun``; ``on_steps(steps_done, averaged_model)`` is called after every call of the compiled loop."""
    rng = edl.seed_everything(seed)
    start = generator.initial_population(1, rng)[0]
    model = make_keras_generator(generator.latent_size, generator.hidden_size)
    averaged = make_keras_generator(generator.latent_size, generator.hidden_size)
    set_parameters(model, start)
    set_parameters(averaged, start)
    gan_steps = gan_trainer(model, make_discriminator(minibatch_std=True, pack=settings.pack), settings.learning_rate,
                            generator.latent_size, settings.real_label, averaged_generator=averaged,
                            averaging=settings.averaging, pack=settings.pack, r1_gamma=settings.r1_gamma,
                            r1_every=settings.r1_every)
    run = train_gan(gan_steps, real_images, rng, steps, settings.instance_noise, batch_size=settings.batch_size,
                    steps_per_call=settings.steps_per_call, show_progress=show_progress,
                    on_steps=(lambda steps_done, seconds: on_steps(steps_done, averaged)) if on_steps else None)
    return get_parameters(averaged), run


def multiply_adds(model: keras.Model) -> int:
    """Multiply-adds of one image's forward pass through ``model``'s Dense and Conv2D layers."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D)):
            positions = int(np.prod(layer.output.shape[1:-1]))  # 1 for Dense, height x width for Conv2D
            total += int(np.prod(layer.kernel.shape)) * positions
    return total
