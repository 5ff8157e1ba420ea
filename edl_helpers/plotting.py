"""Decision surfaces and live curves for the notebooks."""
from __future__ import annotations

from typing import Any, Callable

import matplotlib.pyplot as plt
import numpy as np

from .validation import check_int

GRID_POINTS = 200  # per axis: the surface always costs GRID_POINTS**2 evaluations, whatever the data's spread


def as_probability_function(model: Any) -> Callable[[np.ndarray], np.ndarray]:
    """Turn a model into ``f(X) -> scores in [0, 1]``.

    Accepts a plain callable, a scikit-learn classifier (``predict_proba``), a Keras model (called
    directly, no progress bar) or anything with ``predict``.
    """
    if hasattr(model, "predict_proba"):
        return lambda X: np.asarray(model.predict_proba(X))[:, -1]
    if type(model).__module__.startswith("keras"):
        return lambda X: np.asarray(model(np.asarray(X, dtype="float32"), training=False)).reshape(len(X))
    if hasattr(model, "predict"):
        return lambda X: np.asarray(model.predict(X), dtype=float).reshape(len(X))
    if callable(model):
        return lambda X: np.asarray(model(X), dtype=float).reshape(len(X))
    raise ValueError(f"model must be callable or have predict/predict_proba, got {type(model).__name__}")


def draw_predictions(ax: plt.Axes, model: Any, X: np.ndarray, Y: np.ndarray, name: str = "",
                     grid_points: int = GRID_POINTS) -> plt.Axes:
    """Draw ``model``'s decision surface over the bounding box of ``X`` and the labelled points on ``ax``."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2) to draw a decision surface, got {X.shape}")
    grid_points = check_int("grid_points", grid_points, 10, 1000)
    predict = as_probability_function(model)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (high - low) + 0.1
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], grid_points)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], grid_points)
    xx, yy = np.meshgrid(xs, ys)
    zz = predict(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    ax.contourf(xx, yy, zz, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.6)
    ax.contour(xx, yy, zz, levels=[0.5], colors="k", linewidths=1)
    ax.scatter(X[:, 0], X[:, 1], c=np.asarray(Y), cmap="RdBu", edgecolors="k", s=18, vmin=0, vmax=1)
    ax.set_title(name)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def show_predictions(model: Any, X: np.ndarray, Y: np.ndarray, name: str = "",
                     grid_points: int = GRID_POINTS) -> None:
    """Show the decision surface of ``model`` (callable or anything with ``predict``) with the points ``X, Y``.

    The grid has a fixed ``grid_points x grid_points`` size, so wide data never costs more memory or time.
    """
    fig, ax = plt.subplots(figsize=(4.5, 4))
    draw_predictions(ax, model, X, Y, name, grid_points)
    plt.show()


def problem_png(X: np.ndarray, Y: np.ndarray, name: str = "") -> bytes:
    """Scatter plot of a two-dimensional labelled problem, rendered to PNG bytes (for an image widget)."""
    import io

    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.scatter(X[:, 0], X[:, 1], c=Y, cmap="RdBu", edgecolors="k", s=18)
    ax.set_title(name)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    plt.close(fig)
    return buffer.getvalue()


class LivePlot:
    """Curves that redraw in place while a loop runs (one figure, updated every ``every`` steps).

    ``update(step, {"best": .., "mean": ..}, panel=draw)`` records the metrics; every ``every`` steps the
    figure is redrawn in the same output area: the curves on the left and, when ``panel`` is given, a
    second plot drawn by ``panel(ax)`` on the right (e.g. the best individual's decision surface).
    Call :meth:`finish` after the loop for the final picture. ``history`` keeps every value.
    """

    def __init__(self, title: str = "", every: int = 10, xlabel: str = "generation", ylabel: str = "fitness",
                 panel_title: str = "") -> None:
        self.title, self.xlabel, self.ylabel, self.panel_title = title, xlabel, ylabel, panel_title
        self.every = check_int("every", every, 1)
        self.steps: list[int] = []
        self.history: dict[str, list[float]] = {}
        self._handle: Any = None
        self._panel: Callable[[plt.Axes], Any] | None = None

    def update(self, step: int, metrics: dict[str, float], panel: Callable[[plt.Axes], Any] | None = None) -> None:
        """Record ``metrics`` for ``step``; redraw every ``every`` steps (``panel`` is only called then)."""
        self.steps.append(step)
        for key, value in metrics.items():
            self.history.setdefault(key, []).append(float(value))
        if panel is not None:
            self._panel = panel
        if len(self.steps) == 1 or len(self.steps) % self.every == 0:
            self.draw()

    def finish(self, panel: Callable[[plt.Axes], Any] | None = None) -> None:
        """Draw the final state (after the loop ends or is interrupted)."""
        if panel is not None:
            self._panel = panel
        self.draw()

    def draw(self) -> None:
        """Redraw the figure in this plot's output area."""
        from IPython.display import display

        columns = 2 if self._panel is not None else 1
        fig, axes = plt.subplots(1, columns, figsize=(5 * columns + 1, 3.8), squeeze=False)
        ax = axes[0, 0]
        for key, values in self.history.items():
            ax.plot(self.steps[:len(values)], values, label=key)
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel(self.ylabel)
        ax.set_title(self.title)
        ax.grid(alpha=0.3)
        if self.history:
            ax.legend(loc="best")
        if self._panel is not None:
            self._panel(axes[0, 1])
            if self.panel_title:
                axes[0, 1].set_title(self.panel_title)
        fig.tight_layout()
        plt.close(fig)
        if self._handle is None:
            self._handle = display(fig, display_id=True)
        else:
            self._handle.update(fig)
