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


def test_problem_controls_default_values_and_display_without_front_end(monkeypatch):
    controls = edl.problem_controls("circles", 300, 2, 8, seed=1)
    assert controls.values() == {"problem": "circles", "number_samples": 300, "difficulty": 2, "middle_layer": 8}
    drawn = []
    monkeypatch.setattr("edl_helpers.plotting.problem_png",
                        lambda X, Y, name: drawn.append((len(X), name)) or b"png")
    controls._ipython_display_()  # what Jupyter does; under nbval nothing waits for a front end
    assert drawn == [(300, "circles, 300 samples, difficulty 2")]
    controls._widgets["difficulty"].value = 4  # moving a slider redraws the preview
    assert drawn[-1] == (300, "circles, 300 samples, difficulty 4")
    assert controls["difficulty"] == 4


def test_problem_png_is_a_png():
    X, Y = edl.make_problem("moons", 100, 1, 0)
    from edl_helpers.plotting import problem_png

    assert problem_png(X, Y, "moons").startswith(b"\x89PNG")


@pytest.mark.parametrize("kwargs, parameter, valid", [
    ({"number_samples": 5000}, "number_samples", "100 to 1000"),
    ({"difficulty": 0}, "difficulty", "1 to 5"),
    ({"middle_layer": 100}, "middle_layer", "1 to 64"),
    ({"problem": "spiral"}, "problem", "'moons'"),
])
def test_slider_values_out_of_range_raise(kwargs, parameter, valid):
    arguments = {"problem": "moons", "number_samples": 100, "difficulty": 1, "middle_layer": 10} | kwargs
    with pytest.raises(ValueError, match=parameter) as error:
        edl.problem_controls(**arguments)
    assert valid in str(error.value)


def test_slider_controls_checks_floats_and_ints():
    controls = edl.slider_controls(MU=(50, 10, 500, 10), CXPB=(0.5, 0.0, 1.0, 0.05))
    assert controls.values() == {"MU": 50, "CXPB": 0.5}
    with pytest.raises(ValueError, match="CXPB must be a number from 0.0 to 1.0"):
        edl.slider_controls(CXPB=(1.5, 0.0, 1.0, 0.05))
    controls._ipython_display_()
    assert controls["MU"] == 50


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


def test_stop_on_interrupt_keeps_going(capsys):
    best = []
    with edl.stop_on_interrupt("evolution"):
        for generation in range(5):
            best.append(generation)
            if generation == 2:
                raise KeyboardInterrupt
    assert best == [0, 1, 2]
    assert "Interrupted" in capsys.readouterr().out
