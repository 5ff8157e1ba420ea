"""Sliders and drop-downs for notebook parameters (ipywidgets in Jupyter and Colab).

Every parameter also sits in the notebook's ``parameters`` cell with a Colab ``#@param`` annotation, so
the notebook works as a form in Colab, as plain assignments anywhere, and with papermill overrides. The
widgets start from those values; moving them and re-running the following cells uses the new values.
Without a front end (nbval, papermill) the widgets are displayed once with their defaults and nothing waits.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from .problems import DIFFICULTY_RANGE, PROBLEMS, SAMPLES_RANGE
from .validation import check_choice, check_float, check_int

MIDDLE_LAYER_RANGE = (1, 64)

# A spec is (value, choices) for a drop-down, or (value, low, high, step) for a slider.
Spec = tuple


class Controls:
    """A panel of widgets built from ``{name: spec}``; :meth:`values` returns the current values.

    ``preview(**values)``, if given, returns a PNG image (bytes) shown beside the controls and redrawn
    whenever one of them moves.

    Values are checked against their ranges when the panel is built, so a bad value in the parameters
    cell raises a ``ValueError`` naming the parameter and its range.
    """

    def __init__(self, specs: dict[str, Spec], preview: Callable[..., bytes] | None = None) -> None:
        self._values: dict[str, Any] = {}
        self._specs = specs
        for name, spec in specs.items():
            self._values[name] = _check(name, spec)
        self._preview = preview
        self._widgets: dict[str, Any] = {}

    def values(self) -> dict[str, Any]:
        """The current value of every control (the widgets' values once they have been displayed)."""
        return {name: self._widgets[name].value if name in self._widgets else value
                for name, value in self._values.items()}

    def __getitem__(self, name: str) -> Any:
        return self.values()[name]

    def _ipython_display_(self) -> None:
        import ipywidgets as widgets
        from IPython.display import display

        for name, spec in self._specs.items():
            self._widgets[name] = _make_widget(widgets, name, self._values[name], spec)
        box = widgets.VBox(list(self._widgets.values()))
        if self._preview is None:
            display(box)
            return
        # The preview is a PNG in an Image widget, redrawn when a control moves. (An Output widget would
        # capture plt.show() instead, but capturing output intermittently hangs headless executors.)
        image = widgets.Image(format="png")

        def redraw(_: object = None) -> None:
            image.value = self._preview(**self.values())

        for control in self._widgets.values():
            control.observe(redraw, names="value")
        redraw()
        display(widgets.HBox([box, image]))


def _check(name: str, spec: Spec) -> Any:
    value = spec[0]
    if len(spec) == 2:
        return check_choice(name, value, spec[1])
    low, high = spec[1], spec[2]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high, spec[3])):
        return check_int(name, value, low, high)
    return check_float(name, value, low, high)


def _make_widget(widgets: Any, name: str, value: Any, spec: Spec) -> Any:
    style = {"description_width": "initial"}
    if len(spec) == 2:
        return widgets.Dropdown(options=list(spec[1]), value=value, description=name, style=style)
    low, high, step = spec[1], spec[2], spec[3]
    slider = widgets.IntSlider if isinstance(value, int) else widgets.FloatSlider
    return slider(value=value, min=low, max=high, step=step, description=name, style=style,
                  continuous_update=False)


def problem_controls(problem: str, number_samples: int, difficulty: int, middle_layer: int | None = None,
                     seed: int = 0, preview: bool = True) -> Controls:
    """The toy-problem panel: ``problem``, ``number_samples``, ``difficulty`` (and ``middle_layer``).

    With ``preview`` the data set is regenerated and redrawn whenever a control moves.
    """
    specs: dict[str, Spec] = {
        "problem": (problem, PROBLEMS),
        "number_samples": (number_samples, *SAMPLES_RANGE, 10),
        "difficulty": (difficulty, *DIFFICULTY_RANGE, 1),
    }
    if middle_layer is not None:
        specs["middle_layer"] = (middle_layer, *MIDDLE_LAYER_RANGE, 1)
    seed = check_int("seed", seed, 0, 2**32 - 1)

    def draw(problem: str, number_samples: int, difficulty: int, **_: Any) -> bytes:
        from .plotting import problem_png
        from .problems import make_problem

        X, Y = make_problem(problem, number_samples, difficulty, seed)
        return problem_png(X, Y, f"{problem}, {number_samples} samples, difficulty {difficulty}")

    return Controls(specs, preview=draw if preview else None)


def slider_controls(**specs: Sequence[Any]) -> Controls:
    """A panel from keyword specs, e.g. ``slider_controls(MU=(MU, 10, 500, 10), CXPB=(CXPB, 0.0, 1.0, 0.05))``."""
    return Controls({name: tuple(spec) for name, spec in specs.items()})
