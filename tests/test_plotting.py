import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import edl_helpers as edl
from edl_helpers.plotting import GRID_POINTS


def test_grid_is_bounded_even_for_very_wide_data():
    X, Y = edl.make_problem("blobs", 1000, 5, 0)
    X = X * 1e6
    seen = []

    def model(points):
        seen.append(len(points))
        return np.zeros(len(points))

    edl.show_predictions(model, X, Y, "wide blobs")
    assert seen == [GRID_POINTS**2]
    plt.close("all")


@pytest.mark.parametrize("make_model", [
    lambda X, Y: LogisticRegression().fit(X, Y),
    lambda X, Y: edl.MLP(2, 3),
    lambda X, Y: (lambda points: points[:, 0] > 0),
])
def test_accepts_sklearn_models_predict_and_callables(make_model):
    X, Y = edl.make_problem("moons", 100, 1, 0)
    fig, ax = plt.subplots()
    edl.draw_predictions(ax, make_model(X, Y), X, Y, "title", grid_points=20)
    assert ax.get_title() == "title"
    plt.close(fig)


def test_rejects_unusable_models_and_inputs():
    X, Y = edl.make_problem("moons", 100, 1, 0)
    with pytest.raises(ValueError, match="model"):
        edl.show_predictions(object(), X, Y)
    with pytest.raises(ValueError, match="X"):
        edl.show_predictions(lambda p: p[:, 0], np.zeros((5, 3)), np.zeros(5))


def test_live_plot_records_everything_and_redraws_every_few_steps(monkeypatch):
    live = edl.LivePlot("fitness", every=5)
    draws = []
    monkeypatch.setattr(live, "draw", lambda: draws.append(len(live.steps)))
    for step in range(12):
        live.update(step, {"best": step, "mean": step / 2})
    live.finish()
    assert live.history["best"] == list(map(float, range(12)))
    assert draws == [1, 5, 10, 12]


def test_live_plot_draws_curves_and_panel():
    live = edl.LivePlot("fitness", every=1)
    panels = []
    live.update(0, {"best": 1.0}, panel=lambda ax: panels.append(ax))
    live.update(1, {"best": 2.0})
    assert len(panels) == 2
