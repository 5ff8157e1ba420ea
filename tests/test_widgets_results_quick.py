import json

import pytest

import edl_helpers as edl
from edl_helpers import results


def test_pick_follows_edl_quick(monkeypatch):
    monkeypatch.setenv("EDL_QUICK", "1")
    assert edl.is_quick() and edl.pick(100, 5) == 5
    monkeypatch.setenv("EDL_QUICK", "0")
    assert not edl.is_quick() and edl.pick(100, 5) == 100
    monkeypatch.delenv("EDL_QUICK")
    assert edl.pick("full", "quick") == "full"


PARAMETERS_CELL = """#@title Parameters { run: "auto" }
problem = "moons"  #@param ["moons", "circles"]
number_samples = 300  #@param {type:"slider", min:100, max:1000, step:10}
difficulty = 2  #@param {type:"slider", min:1, max:5, step:1}
CXPB = 0.5  #@param {type:"slider", min:0.0, max:1.0, step:0.05}
seed = 1  #@param {type:"integer"}
"""


def notebook_namespace(**overrides):
    """What a notebook's globals hold after running PARAMETERS_CELL (and papermill's overrides)."""
    namespace = {"In": ["import edl_helpers as edl", PARAMETERS_CELL]}
    exec(PARAMETERS_CELL, {}, namespace)
    namespace.update(overrides)
    return namespace


def test_parameters_cell_is_parsed_into_one_declaration_each():
    parameters = edl.widgets.parse_parameters(PARAMETERS_CELL)
    assert list(parameters) == ["problem", "number_samples", "difficulty", "CXPB", "seed"]
    assert parameters["problem"].choices == ("moons", "circles")
    assert (parameters["number_samples"].low, parameters["number_samples"].high) == (100, 1000)
    assert parameters["CXPB"].step == 0.05 and parameters["seed"].kind == "integer"


def test_sliders_write_the_notebook_variables_and_redraw_the_preview(monkeypatch):
    namespace = notebook_namespace()
    drawn = []
    monkeypatch.setattr("edl_helpers.plotting.problem_png",
                        lambda X, Y, name: drawn.append((len(X), name)) or b"png")
    controls = edl.parameter_controls(namespace, preview=edl.problem_preview(namespace["seed"]))
    controls._ipython_display_()  # what Jupyter does; under nbval nothing waits for a front end
    assert set(controls.widgets) == {"problem", "number_samples", "difficulty", "CXPB"}  # seed: edit the cell
    assert drawn == [(300, "moons, 300 samples, difficulty 2")]
    controls.widgets["difficulty"].value = 4  # moving a slider sets the variable the next cells read
    assert namespace["difficulty"] == 4 and drawn[-1] == (300, "moons, 300 samples, difficulty 4")
    controls.widgets["CXPB"].value = 0.75
    assert namespace["CXPB"] == 0.75


def test_papermill_values_are_what_the_controls_hold():
    namespace = notebook_namespace(difficulty=5)
    controls = edl.parameter_controls(namespace, names=["difficulty"])
    assert controls.values() == {"difficulty": 5}


def test_colab_shows_no_second_control(monkeypatch):
    monkeypatch.setattr(edl.widgets, "in_colab", lambda: True)
    controls = edl.parameter_controls(notebook_namespace())
    controls._ipython_display_()
    assert controls.widgets == {}


@pytest.mark.parametrize("overrides, parameter, valid", [
    ({"number_samples": 5000}, "number_samples", "100 to 1000"),
    ({"difficulty": 0}, "difficulty", "1 to 5"),
    ({"CXPB": 1.5}, "CXPB", "0.0 to 1.0"),
    ({"problem": "spiral"}, "problem", "'moons'"),
])
def test_values_out_of_range_raise(overrides, parameter, valid):
    with pytest.raises(ValueError, match=parameter) as error:
        edl.parameter_controls(notebook_namespace(**overrides))
    assert valid in str(error.value)


def test_controls_need_the_parameters_cell():
    with pytest.raises(ValueError, match="run the parameters cell first"):
        edl.parameter_controls({"In": ["x = 1"]})
    with pytest.raises(ValueError, match="not declared"):
        edl.parameter_controls(notebook_namespace(), names=["MU"])


def test_problem_png_is_a_png():
    X, Y = edl.make_problem("moons", 100, 1, 0)
    from edl_helpers.plotting import problem_png

    assert problem_png(X, Y, "moons").startswith(b"\x89PNG")


def test_report_writes_json_with_mode_and_seconds(tmp_path, monkeypatch):
    monkeypatch.setenv("EDL_RESULTS_DIR", str(tmp_path))
    monkeypatch.setenv("EDL_QUICK", "1")
    run = edl.start_notebook("01_numpy_mlp")
    run.report({"mlp_accuracy": 0.97, "problem": "moons", "generations": 12})
    saved = json.loads((tmp_path / "01_numpy_mlp.json").read_text())
    assert saved["mlp_accuracy"] == 0.97 and saved["problem"] == "moons" and saved["quick"] is True
    assert saved["seconds"] >= 0


def test_report_without_directory_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("EDL_RESULTS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    edl.NotebookRun("02_ga").report({"x": 1})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", [[1, 2], None, float("nan")])
def test_report_rejects_values_that_are_not_figures(value):
    with pytest.raises(ValueError, match="result 'bad'"):
        edl.NotebookRun("01_numpy_mlp").report({"bad": value})


def test_run_name_must_be_a_stem():
    with pytest.raises(ValueError, match="stem"):
        results.NotebookRun("notebooks/01_numpy_mlp.ipynb")


def test_seed_everything_repeats_numpy_and_random():
    import random

    import numpy as np

    edl.seed_everything(3)
    first = (random.random(), np.random.rand())
    edl.seed_everything(3)
    assert (random.random(), np.random.rand()) == first
    with pytest.raises(ValueError, match="seed"):
        edl.seed_everything(-1)


def test_stop_on_interrupt_keeps_what_was_found_and_says_so(capsys):
    best = []
    with edl.stop_on_interrupt("evolution") as stop:
        for generation in range(5):
            best.append(generation)
            if generation == 2:
                raise KeyboardInterrupt
    assert best == [0, 1, 2] and stop.interrupted
    assert "Interrupted" in capsys.readouterr().out
    with edl.stop_on_interrupt() as stop:
        pass
    assert not stop.interrupted


class Run:
    """A fake multi-seed run: seed 2 is interrupted (inside the run, or between runs)."""

    def __init__(self, caught: bool) -> None:
        self.caught = caught
        self.started = []

    def __call__(self, seed):
        self.started.append(seed)
        if seed == 2:
            if not self.caught:
                raise KeyboardInterrupt
            with edl.stop_on_interrupt("the GA") as stop:
                raise KeyboardInterrupt
            return type("Result", (), {"interrupted": stop.interrupted, "seed": seed})()
        return type("Result", (), {"interrupted": False, "seed": seed})()


@pytest.mark.parametrize("caught", [True, False])
def test_one_interrupt_ends_a_multi_seed_cell_and_keeps_what_finished(caught, capsys):
    run = Run(caught)
    outcomes = edl.run_each(run, range(10), show_progress=False)
    assert run.started == [0, 1, 2], "no run starts after the interrupted one"
    assert [o.item for o in outcomes] == [0, 1, 2]
    assert [o.interrupted for o in outcomes] == [False, False, True]
    assert "2 of 10 runs finished" in capsys.readouterr().out


def test_progress_closes_an_early_stop_as_finished(monkeypatch):
    import io

    from tqdm import tqdm

    bars = []

    class Recorder(tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, file=io.StringIO(), **kwargs)
            bars.append(self)

    monkeypatch.setattr("edl_helpers.loops.tqdm", Recorder)
    loop = edl.progress(range(10), description="GA")
    for generation in loop:
        if generation == 3:
            break  # an early stop after generation 3's work: the bar ends full at 4 of 4, not red
    loop.close()
    assert (bars[0].n, bars[0].total) == (4, 4)
    assert list(edl.progress(range(5))) == list(range(5)) and (bars[1].n, bars[1].total) == (5, 5)


def test_plateau_stops_after_patience_generations_without_improvement():
    plateau = edl.Plateau(patience=3, min_delta=0.01)
    assert [plateau.update(f) for f in [0.1, 0.5, 0.505, 0.509, 0.6, 0.6, 0.6, 0.6]] == \
        [False, False, False, False, False, False, False, True]
    with pytest.raises(ValueError, match="patience"):
        edl.Plateau(patience=0)
