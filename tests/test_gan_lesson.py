"""Notebook 09's saved lesson code (edl_lessons.l09_gan): the budget count, the stabilised losses, short runs."""
import numpy as np
import pytest

pytest.importorskip("tensorflow")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from edl_helpers.gan_generator import GeneratorMLP  # noqa: E402
from edl_helpers.keras_params import get_parameters, set_parameters  # noqa: E402
from edl_lessons import l09_gan as lesson  # noqa: E402


def test_multiply_adds_counts_dense_and_conv_layers():
    dense = keras.Sequential([keras.Input(shape=(16,)), keras.layers.Dense(64), keras.layers.Dense(784)])
    assert lesson.multiply_adds(dense) == 16 * 64 + 64 * 784
    conv = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(16, 4, strides=2, padding="same")])
    assert lesson.multiply_adds(conv) == 14 * 14 * 4 * 4 * 1 * 16
    assert lesson.multiply_adds(lesson.make_discriminator()) == 14 * 14 * 16 * 16 + 7 * 7 * 16 * 16 * 32 + 7 * 7 * 32



def test_minibatch_std_channel_measures_the_spread_within_groups():
    layer = lesson.MinibatchStdDev(group_size=4)
    rng = np.random.default_rng(0)
    same = np.repeat(rng.normal(size=(1, 7, 7, 3)), 8, axis=0).astype(np.float32)   # a collapsed batch
    varied = rng.normal(size=(8, 7, 7, 3)).astype(np.float32)
    out_same, out_varied = layer(tf.constant(same)).numpy(), layer(tf.constant(varied)).numpy()
    assert out_same.shape == (8, 7, 7, 4)
    np.testing.assert_allclose(out_same[..., :3], same)
    assert np.all(out_same[..., 3] < 1e-3)
    # image i joins group i mod 2; each group's channel is the mean over features of the std over its 4 images
    expected = [varied[g::2].std(axis=0).mean() for g in range(2)]
    for i in range(8):
        np.testing.assert_allclose(out_varied[i, ..., 3], expected[i % 2], rtol=1e-4)
    assert layer(tf.constant(varied[:2])).shape == (2, 7, 7, 4)    # a batch smaller than a group: one group
    with pytest.raises(ValueError, match="group_size"):
        lesson.MinibatchStdDev(group_size=0)
    assert lesson.multiply_adds(lesson.make_discriminator(minibatch_std=True)) == (
        lesson.multiply_adds(lesson.make_discriminator()) + 7 * 7)

def test_discriminator_loss_with_one_sided_label_smoothing():
    real, fake = tf.constant([[2.0], [-1.0]]), tf.constant([[0.5], [-3.0]])
    sigmoid = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    r, f = np.array([2.0, -1.0]), np.array([0.5, -3.0])
    plain = -np.mean(np.log(sigmoid(r))) - np.mean(np.log(1 - sigmoid(f)))
    assert float(lesson.discriminator_loss(real, fake)) == pytest.approx(plain, rel=1e-5)
    smoothed = -np.mean(0.9 * np.log(sigmoid(r)) + 0.1 * np.log(1 - sigmoid(r))) - np.mean(np.log(1 - sigmoid(f)))
    assert float(lesson.discriminator_loss(real, fake, 0.9)) == pytest.approx(smoothed, rel=1e-5)


def test_r1_slope_of_a_linear_discriminator_is_its_squared_weight_norm():
    inputs = keras.Input(shape=(28, 28, 1))
    linear = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Flatten()(inputs)))
    images = tf.constant(real_images(5)[..., None])
    logits, slope = lesson.logits_and_slope(linear, images)
    weights = linear.layers[-1].kernel.numpy()
    np.testing.assert_allclose(logits.numpy(), linear(images).numpy(), rtol=1e-5)
    assert float(slope) == pytest.approx(float(np.sum(weights ** 2)), rel=1e-5)   # d logit / d x = w for every image


def test_r1_penalty_flattens_the_ga_discriminator():
    """The same discriminator trained on the same batches, with and without R1: R1 leaves a smaller slope."""
    slopes = []
    for r1_gamma in (0.0, 30.0):
        keras.utils.set_random_seed(0)
        discriminator = lesson.make_discriminator()
        step = lesson.discriminator_trainer(discriminator, keras.optimizers.Adam(1e-2), 0.9, r1_gamma)
        real, fake = real_images(16, 1)[..., None] ** 4, real_images(16, 2)[..., None]
        for _ in range(20):
            step(real, fake, tf.constant(0.0))
        slopes.append(float(lesson.logits_and_slope(discriminator, tf.constant(real))[1]))
    assert slopes[1] < slopes[0]


def real_images(n=64, seed=0):
    return np.random.default_rng(seed).random((n, 28, 28), dtype=np.float32)


def test_short_ga_run_counts_generations_and_rejects_no_budget():
    generator = GeneratorMLP(4, 8)
    rng = np.random.default_rng(0)
    settings = lesson.GASettings(samples_per_agent=8, final_samples=8)
    images = real_images()
    result = lesson.evolve_generator(generator, lesson.make_discriminator(), generator.initial_population(6, rng), images,
                                     rng, settings, lesson.real_image_spread(images), generations=3, show_progress=False)
    assert result.generations == 3 and len(result.history["discriminator_accuracy"]) == 3
    assert result.best_genome.shape == (generator.n_parameters,) and not result.interrupted
    with pytest.raises(ValueError, match="generations"):
        lesson.evolve_generator(generator, lesson.make_discriminator(), generator.initial_population(6, rng), images,
                                rng, settings, 1.0, generations=0)


def test_discriminator_learns_once_every_discriminator_every_generations():
    """Three generations with a step every 5 train the discriminator once, as one generation with a step every
    generation does (same seed, same first batch); 0 is refused."""
    generator, images = GeneratorMLP(4, 8), real_images()
    trained = []
    for generations, every in [(1, 1), (3, 5)]:
        keras.utils.set_random_seed(3)
        discriminator, rng = lesson.make_discriminator(), np.random.default_rng(0)
        settings = lesson.GASettings(samples_per_agent=8, final_samples=8, discriminator_every=every)
        lesson.evolve_generator(generator, discriminator, generator.initial_population(6, rng), images, rng,
                                settings, 1.0, generations=generations, show_progress=False)
        trained.append(np.concatenate([w.ravel() for w in discriminator.get_weights()]))
    np.testing.assert_allclose(trained[0], trained[1], atol=1e-6)
    with pytest.raises(ValueError, match="discriminator_every"):
        lesson.evolve_generator(generator, lesson.make_discriminator(), generator.initial_population(6, rng), images,
                                rng, lesson.GASettings(discriminator_every=0), 1.0, generations=1)


def test_gan_step_moves_the_weight_average_towards_the_generator():
    model, averaged = lesson.make_keras_generator(4, 8), lesson.make_keras_generator(4, 8)
    start = GeneratorMLP(4, 8).initial_population(1, np.random.default_rng(1))[0]
    set_parameters(model, start)
    set_parameters(averaged, start)
    steps = lesson.gan_trainer(model, lesson.make_discriminator(), 1e-2, 4, real_label=0.9,
                               averaged_generator=averaged, averaging=0.5)
    calls = []
    run = lesson.train_gan(steps, real_images(), np.random.default_rng(2), steps=2, instance_noise=0.1,
                           show_progress=False, on_steps=lambda done, seconds: calls.append(done))
    assert run.steps == 2 and not run.interrupted and calls == [2]
    moved, average = get_parameters(model) - start, get_parameters(averaged) - start
    assert np.abs(moved).max() > 0 and np.abs(average).max() > 0
    assert np.abs(average).sum() < np.abs(moved).sum()  # the average lags behind the generator


@pytest.mark.parametrize("r1_gamma", [0.0, 1.0])
def test_steps_per_call_does_not_change_the_training(r1_gamma):
    """The loop inside the graph runs the same steps as one call per step: same batches, noise and weights."""
    start = GeneratorMLP(4, 8).initial_population(1, np.random.default_rng(1))[0]
    trained = []
    for steps_per_call in (1, 4):
        keras.utils.set_random_seed(3)
        model = lesson.make_keras_generator(4, 8)
        set_parameters(model, start)
        steps = lesson.gan_trainer(model, lesson.make_discriminator(pack=2), 1e-2, 4, pack=2, r1_gamma=r1_gamma,
                                   r1_every=3)
        calls = []
        lesson.train_gan(steps, real_images(), np.random.default_rng(2), steps=6, instance_noise=0.1, batch_size=4,
                         show_progress=False, steps_per_call=steps_per_call,
                         on_steps=lambda done, seconds: calls.append(done))
        assert calls == ([1, 2, 3, 4, 5, 6] if steps_per_call == 1 else [4, 6])
        trained.append(get_parameters(model))
    np.testing.assert_allclose(trained[0], trained[1], atol=1e-5)
    with pytest.raises(ValueError, match="steps_per_call"):
        lesson.train_gan(steps, real_images(), np.random.default_rng(2), steps=2, steps_per_call=0, show_progress=False)


def test_train_reference_is_reproducible_and_returns_the_weight_average():
    """The reference from one seed: the same genome twice, another from another seed; the average is scored."""
    generator = GeneratorMLP(4, 8)
    settings = lesson.ReferenceSettings(learning_rate=1e-2, batch_size=4, steps_per_call=2)
    calls = []
    genome, run = lesson.train_reference(generator, real_images(), 5, 4, settings, show_progress=False,
                                         on_steps=lambda done, averaged: calls.append((done, get_parameters(averaged))))
    again, _ = lesson.train_reference(generator, real_images(), 5, 4, settings, show_progress=False)
    other, _ = lesson.train_reference(generator, real_images(), 6, 4, settings, show_progress=False)
    assert run.steps == 4 and not run.interrupted and [done for done, _ in calls] == [2, 4]
    assert genome.shape == (generator.n_parameters,)
    np.testing.assert_allclose(genome, calls[-1][1])          # the averaged generator is the one returned
    np.testing.assert_allclose(genome, again, atol=1e-6)
    assert np.abs(genome - other).max() > 1e-3
