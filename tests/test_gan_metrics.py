"""Generator quality metrics (notebook 09): classifier score, Frechet distance, coverage, nearest neighbours."""
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from edl_helpers.gan_metrics import (class_fractions, classes_covered, classifier_score, frechet_distance,
                                     in_batches, mean_confidence, nearest_neighbours, quality)


@pytest.fixture(scope="module")
def digits():
    """A real classifier on real digits: probabilities and features (the log-probabilities) of the test set."""
    data = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(data.data / 16.0, data.target, test_size=0.3,
                                                        random_state=0, stratify=data.target)
    model = LogisticRegression(C=100.0, max_iter=5000).fit(x_train, y_train)
    return model, x_train, x_test, y_test


def test_real_digits_cover_every_class_with_a_high_score(digits):
    model, _, x_test, y_test = digits
    probabilities = model.predict_proba(x_test)
    assert model.score(x_test, y_test) > 0.95
    assert classes_covered(probabilities) == 10
    assert classifier_score(probabilities) > 8.0
    assert mean_confidence(probabilities) > 0.85
    np.testing.assert_allclose(class_fractions(probabilities).sum(), 1.0)


def test_a_collapsed_sample_covers_one_class_and_scores_about_one(digits):
    model, _, x_test, y_test = digits
    collapsed = model.predict_proba(x_test[y_test == 3])
    assert classes_covered(collapsed) == 1
    assert classifier_score(collapsed) < 1.5
    one_image = model.predict_proba(np.repeat(x_test[:1], 200, axis=0))
    assert classes_covered(one_image) == 1 and classifier_score(one_image) == pytest.approx(1.0)


def test_classifier_score_bounds():
    assert classifier_score(np.eye(10)) == pytest.approx(10.0)        # confident and balanced: the maximum
    assert classifier_score(np.full((50, 10), 0.1)) == pytest.approx(1.0)  # unsure: the minimum
    half = np.repeat(np.eye(10)[:2], 50, axis=0)                       # only two classes, confident
    assert classifier_score(half) == pytest.approx(2.0)
    assert classes_covered(half) == 2


def test_coverage_threshold():
    labels = np.array([0] * 90 + [1] * 6 + [2] * 4)
    probabilities = np.eye(3)[labels]
    assert classes_covered(probabilities, threshold=0.05) == 2
    assert classes_covered(probabilities, threshold=0.03) == 3
    np.testing.assert_allclose(class_fractions(probabilities), [0.9, 0.06, 0.04])


def test_frechet_distance_known_values():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20_000, 3))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-9)
    shifted = a + np.array([3.0, 0.0, 4.0])
    assert frechet_distance(a, shifted) == pytest.approx(25.0, rel=1e-6)  # same covariance: |mean shift|^2
    scaled = a * 2.0
    # covariances C and 4C: tr(C + 4C - 2 * 2C) = tr(C) (about 3 for N(0, I) in 3-D), plus |mean(a)|^2
    expected = np.trace(np.cov(a, rowvar=False)) + np.sum(a.mean(axis=0) ** 2)
    assert frechet_distance(a, scaled) == pytest.approx(expected, rel=1e-9)
    assert expected == pytest.approx(3.0, rel=0.01)
    b = rng.normal(size=(20_000, 3))
    assert frechet_distance(a, b) < 0.01  # two samples of one distribution


def test_frechet_distance_orders_real_collapsed_and_noise(digits):
    model, x_train, x_test, y_test = digits
    features = lambda x: model.decision_function(x)  # noqa: E731 - a 10-d feature space
    real = frechet_distance(features(x_test), features(x_train))
    collapsed = frechet_distance(features(x_test[y_test == 3]), features(x_train))
    noise = frechet_distance(features(np.random.default_rng(1).random((500, 64))), features(x_train))
    assert real < collapsed and real < noise
    assert real < 0.1 * min(collapsed, noise)


def test_quality_bundles_the_four_scores(digits):
    model, x_train, x_test, _ = digits
    result = quality(model.predict_proba(x_test), model.decision_function(x_test), model.decision_function(x_train))
    assert set(result) == {"classifier_score", "fid", "classes_covered", "mean_confidence"}
    assert result["classes_covered"] == 10


def test_nearest_neighbours_finds_copies():
    rng = np.random.default_rng(2)
    reference = rng.random((300, 8, 8)).astype(np.float32)
    samples = reference[[5, 17, 250]] + 0.001
    distances, indices = nearest_neighbours(samples, reference, chunk=2)
    np.testing.assert_array_equal(indices, [5, 17, 250])
    np.testing.assert_allclose(distances, 0.008, atol=1e-3)
    with pytest.raises(ValueError, match="same size"):
        nearest_neighbours(np.zeros((2, 5)), np.zeros((3, 4)))


def test_nearest_neighbours_agrees_with_brute_force():
    rng = np.random.default_rng(3)
    samples, reference = rng.random((7, 20)), rng.random((30, 20))
    brute = np.sqrt(((samples[:, None, :] - reference[None]) ** 2).sum(-1))
    distances, indices = nearest_neighbours(samples, reference, chunk=3)
    np.testing.assert_array_equal(indices, brute.argmin(1))
    np.testing.assert_allclose(distances, brute.min(1), rtol=1e-4)


def test_in_batches_handles_single_and_tuple_outputs():
    data = np.arange(10.0)
    np.testing.assert_array_equal(in_batches(lambda x: x * 2, data, batch_size=3), data * 2)
    doubled, squared = in_batches(lambda x: (x * 2, x[:, None] ** 2), data, batch_size=4)
    np.testing.assert_array_equal(doubled, data * 2)
    assert squared.shape == (10, 1)
    with pytest.raises(ValueError, match="empty"):
        in_batches(lambda x: x, np.zeros(0))


@pytest.mark.parametrize("bad", [np.ones((3, 1)), np.full((2, 3), 0.5), np.array([[0.5, np.nan], [0.5, 0.5]]),
                                 np.zeros((0, 3))])
def test_probabilities_are_checked(bad):
    with pytest.raises(ValueError, match="probabilities"):
        classifier_score(bad)


def test_feature_sets_are_checked():
    with pytest.raises(ValueError, match="same width"):
        frechet_distance(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="features_a"):
        frechet_distance(np.zeros((1, 2)), np.zeros((5, 2)))


def test_feature_diversity_is_relative_to_the_reference():
    from edl_helpers import gan_metrics as gm

    rng = np.random.default_rng(0)
    reference = rng.standard_normal((500, 8))
    assert gm.feature_diversity(reference, reference) == pytest.approx(1.0)
    assert gm.feature_diversity(0.5 * rng.standard_normal((500, 8)), reference) == pytest.approx(0.5, abs=0.05)
    assert gm.feature_diversity(np.ones((50, 8)), reference) == 0.0          # a collapsed sample
    with pytest.raises(ValueError, match="same width"):
        gm.feature_diversity(reference[:, :4], reference)
    with pytest.raises(ValueError, match="reference_features do not vary"):
        gm.feature_diversity(reference, np.ones((10, 8)))
