"""One control per parameter: the notebook's ``parameters`` cell is the only place a range is written.

Each notebook declares its parameters once, in the cell tagged ``parameters``, with Colab's form syntax::

    difficulty = 1  #@param {type:"slider", min:1, max:5, step:1}
    problem = "moons"  #@param ["moons", "circles"]

* In **Colab** that cell is a form; the form is the control, and editing it re-runs the cell.
* In **Jupyter**, :func:`parameter_controls` reads the same annotations and shows a slider or a drop-down
  per annotated parameter. Moving one writes the new value straight into the notebook's variables, so the
  cells that follow simply use ``difficulty`` — there is no second step that could go stale.
* With **papermill** (``-p difficulty 3``) the injected value is what the variables, and so the sliders, hold.

Whatever the learner used last is the value the next cells see. Values are checked against the declared
ranges, so a bad value raises a ``ValueError`` naming the parameter and its range.
"""
from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from typing import Any, Callable, MutableMapping, Sequence

from .validation import check_choice, check_float, check_int

Preview = Callable[..., bytes]

_PARAM = re.compile(r"^\s*(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>.+?)\s*#@param\s*(?P<spec>.*)$")
_FIELD = re.compile(r'(\w+)\s*:\s*("[^"]*"|[-+0-9.eE]+)')


@dataclass(frozen=True)
class Parameter:
    """One ``#@param`` declaration: a drop-down (``choices``), a slider (``low``/``high``/``step``) or neither."""

    name: str
    kind: str  # "dropdown", "slider", or Colab's type for a typed box ("integer", "number", "string", ...)
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None

    def check(self, value: Any) -> Any:
        """``value`` if it lies in the declared range (drop-down choices or slider bounds), else ``ValueError``."""
        if self.kind == "dropdown":
            return check_choice(self.name, value, self.choices)
        if self.kind != "slider":
            return value
        if _is_int_slider(self):
            return check_int(self.name, value, int(self.low), int(self.high))
        return check_float(self.name, value, self.low, self.high)


def _is_int_slider(parameter: Parameter) -> bool:
    return all(float(v).is_integer() and not isinstance(v, float)
               for v in (parameter.low, parameter.high, parameter.step))


def _number(text: str) -> int | float:
    value = ast.literal_eval(text)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"not a number: {text!r}")
    return value


def parse_parameters(source: str) -> dict[str, Parameter]:
    """The ``#@param`` declarations of a parameters cell, by name, in order."""
    parameters: dict[str, Parameter] = {}
    for line in source.splitlines():
        match = _PARAM.match(line)
        if not match:
            continue
        name, spec = match["name"], match["spec"].strip()
        if spec.startswith("["):
            choices = ast.literal_eval(spec[: spec.index("]") + 1])
            parameters[name] = Parameter(name, "dropdown", choices=tuple(choices))
            continue
        fields = {key: value.strip('"') if value.startswith('"') else value
                  for key, value in _FIELD.findall(spec)}
        kind = fields.get("type", "raw")
        if kind == "slider":
            parameters[name] = Parameter(name, "slider", low=_number(fields["min"]), high=_number(fields["max"]),
                                         step=_number(fields.get("step", "1")))
        else:
            parameters[name] = Parameter(name, kind)
    return parameters


_last_parameters_cell: list[str] = []


def watch_parameters_cell() -> None:
    """Remember the source of every executed cell that declares ``#@param`` parameters.

    Called once by :func:`edl_helpers.start_notebook` (the setup cell). It hooks IPython's
    ``pre_run_cell`` event, which fires in Jupyter, Colab, papermill and nbval alike (``In`` is not kept
    by every executor). Outside IPython it does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with every notebook front end
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_edl_watching_parameters", False):
        return

    def remember(info: Any) -> None:
        source = getattr(info, "raw_cell", "") or ""
        if "#@param" in source:
            _last_parameters_cell[:] = [source]

    shell.events.register("pre_run_cell", remember)
    shell._edl_watching_parameters = True


def parameters_cell_source(namespace: MutableMapping[str, Any]) -> str:
    """The source of the last executed cell that declares ``#@param`` parameters."""
    for source in [*_last_parameters_cell, *reversed(namespace.get("In", []))]:
        if "#@param" in source:
            return source
    raise ValueError("no executed cell declares #@param parameters: run the parameters cell first")


def in_colab() -> bool:
    """True inside Google Colab, where the parameters cell is a form."""
    return "google.colab" in sys.modules


class Controls:
    """The controls of a notebook's parameters: validated values, and (in Jupyter) one widget each.

    Built by :func:`parameter_controls`. Displaying it shows the widgets; each widget writes its value into
    ``namespace`` (the notebook's globals) whenever it moves, and redraws ``preview`` if there is one.
    """

    def __init__(self, parameters: dict[str, Parameter], namespace: MutableMapping[str, Any],
                 preview: Preview | None = None, widgets_wanted: bool = True) -> None:
        self.parameters = parameters
        self.namespace = namespace
        self.preview = preview
        self.widgets_wanted = widgets_wanted
        self.widgets: dict[str, Any] = {}
        for name, parameter in parameters.items():
            if name not in namespace:
                raise ValueError(f"parameter {name} is declared but has no value: run the parameters cell first")
            namespace[name] = parameter.check(namespace[name])

    def values(self) -> dict[str, Any]:
        """The current value of every declared parameter (what the following cells will use)."""
        return {name: self.namespace[name] for name in self.parameters}

    def _ipython_display_(self) -> None:
        import ipywidgets
        from IPython.display import display

        image = ipywidgets.Image(format="png") if self.preview is not None else None

        def redraw() -> None:
            if image is not None:
                image.value = self.preview(**self.values())

        label_width = f"{max(map(len, self.parameters), default=0) + 2}ch"  # line the sliders up
        if self.widgets_wanted:
            for name, parameter in self.parameters.items():
                if parameter.kind in ("slider", "dropdown"):
                    self.widgets[name] = _make_widget(ipywidgets, parameter, self.namespace[name], label_width)
            for name, widget in self.widgets.items():
                widget.observe(self._writer(name, redraw), names="value")
        redraw()
        if not self.widgets:  # Colab: the form above is the control
            if image is not None:
                display(image)
            return
        box = ipywidgets.VBox(list(self.widgets.values()))
        display(ipywidgets.HBox([box, image]) if image is not None else box)

    def _writer(self, name: str, redraw: Callable[[], None]) -> Callable[[dict], None]:
        def write(change: dict) -> None:
            self.namespace[name] = change["new"]
            redraw()
        return write


def _make_widget(ipywidgets: Any, parameter: Parameter, value: Any, label_width: str) -> Any:
    """A drop-down or a slider for ``parameter`` (works with ipywidgets 7 and 8)."""
    style = {"description_width": label_width}
    if parameter.kind == "dropdown":
        return ipywidgets.Dropdown(options=list(parameter.choices), value=value, description=parameter.name,
                                   style=style)
    slider = ipywidgets.IntSlider if _is_int_slider(parameter) else ipywidgets.FloatSlider
    return slider(value=value, min=parameter.low, max=parameter.high, step=parameter.step,
                  description=parameter.name, style=style, continuous_update=False)


def parameter_controls(namespace: MutableMapping[str, Any], preview: Preview | None = None,
                       names: Sequence[str] | None = None) -> Controls:
    """Check the notebook's parameters against their ``#@param`` ranges and give one control per parameter.

    ``namespace`` is the notebook's ``globals()``; ``names`` (optional) picks the parameters of this panel,
    for a notebook that shows its controls in two places (each parameter still has exactly one control). Display the result: in Jupyter every slider or drop-down
    parameter gets a widget that writes into ``namespace`` when moved; in Colab the form is the control and
    no second one is shown. ``preview(**values)`` (optional) returns a PNG drawn beside the widgets and
    redrawn when one moves. Raises ``ValueError`` naming the parameter and its range for a value out of range.
    """
    parameters = parse_parameters(parameters_cell_source(namespace))
    if names is not None:
        unknown = sorted(set(names) - set(parameters))
        if unknown:
            raise ValueError(f"names {unknown} are not declared with #@param in the parameters cell")
        parameters = {name: parameters[name] for name in names}
    return Controls(parameters, namespace, preview, widgets_wanted=not in_colab())


def problem_preview(seed: int) -> Preview:
    """A preview of the toy problem chosen by ``problem``, ``number_samples`` and ``difficulty`` (PNG bytes)."""
    seed = check_int("seed", seed, 0, 2**32 - 1)

    def draw(problem: str, number_samples: int, difficulty: int, **_: Any) -> bytes:
        from .plotting import problem_png
        from .problems import make_problem

        X, Y = make_problem(problem, number_samples, difficulty, seed)
        return problem_png(X, Y, f"{problem}, {number_samples} samples, difficulty {difficulty}")

    return draw
