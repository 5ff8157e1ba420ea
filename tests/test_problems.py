import numpy as np
import pytest
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier

import edl_helpers as edl


@pytest.mark.parametrize("problem", edl.PROBLEMS)
def test_shapes_labels_and_seed(problem):
    X, Y = edl.make_problem(problem, 250, 3, seed=7)
    assert X.shape == (250, 2) and Y.shape == (250,)
    assert set(np.unique(Y)) == {0, 1}
    X2, Y2 = edl.make_problem(problem, 250, 3, seed=7)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    X3, _ = edl.make_problem(problem, 250, 3, seed=8)
    assert not np.array_equal(X, X3)


@pytest.mark.parametrize("problem", edl.PROBLEMS)
def test_difficulty_makes_every_problem_harder(problem):
    def knn_accuracy(difficulty):
        scores = []
        for seed in range(3):
            X, Y = edl.make_problem(problem, 600, difficulty, seed)
            scores.append(cross_val_score(KNeighborsClassifier(15), X, Y, cv=5).mean())
        return np.mean(scores)

    easy, hard = knn_accuracy(1), knn_accuracy(5)
    assert hard < easy - 0.05, f"{problem}: difficulty 5 ({hard:.3f}) is not clearly harder than 1 ({easy:.3f})"


@pytest.mark.parametrize("args, parameter", [
    (("circles", 0, 1, 0), "number_samples"),
    (("spirals", 100, 1, 0), "problem"),
    (("moons", 100, 9, 0), "difficulty"),
    (("moons", 1001, 1, 0), "number_samples"),
    (("moons", 100.5, 1, 0), "number_samples"),
    (("moons", 100, True, 0), "difficulty"),
    (("moons", 100, 1, -1), "seed"),
])
def test_bad_arguments_name_the_parameter_and_range(args, parameter):
    with pytest.raises(ValueError, match=parameter) as error:
        edl.make_problem(*args)
    message = str(error.value)
    if parameter == "problem":
        assert "'circles'" in message and "'spirals'" in message
    elif parameter == "number_samples":
        assert "100 to 1000" in message
    elif parameter == "difficulty":
        assert "1 to 5" in message


def test_split_and_scale_uses_training_statistics_only():
    X, Y = edl.make_problem("blobs", 400, 5, 0)
    X_train, X_test, Y_train, Y_test = edl.split_and_scale(X, Y, test_fraction=0.25, seed=0)
    assert len(X_train) == 300 and len(X_test) == 100
    np.testing.assert_allclose(X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X_train.std(axis=0), 1, atol=1e-12)
    assert abs(np.mean(Y_train) - np.mean(Y_test)) < 0.02  # stratified
    with pytest.raises(ValueError, match="test_fraction"):
        edl.split_and_scale(X, Y, test_fraction=1.5)
