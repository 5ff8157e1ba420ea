"""make_map's executors (serial, pool, Ray) give the same results; a search through Ray equals the serial one."""
import functools
import os
import subprocess
import sys
import types

import pytest

from edl_helpers import executors
from edl_helpers.executors import NO_RAY_SENTENCE, make_map, stop_ray
from edl_helpers.keras_training import enable_gpu_memory_growth


def square(x):
    """A pure function to map."""
    return x * x


def growth_was_enabled_here(_):
    """Run in a worker: whether enable_gpu_memory_growth already ran in that process."""
    return enable_gpu_memory_growth.cache_info().currsize == 1


def test_serial_and_pool_give_the_same_list():
    items = [3, -1, 2, 0]
    assert make_map("serial")(square, iter(items)) == [9, 1, 4, 0]
    assert make_map("pool", 2)(square, items) == [9, 1, 4, 0]


@pytest.mark.parametrize("arguments, named", [
    ({"kind": "dask"}, "kind must be one of 'serial', 'pool', 'ray'"),
    ({"kind": "pool", "workers": 0}, "workers must be a whole number from 1"),
    ({"kind": "ray", "workers": 1.5}, "workers must be a whole number from 1"),
    ({"kind": "pool", "address": "auto"}, "address must be None"),
    ({"kind": "ray", "address": ""}, "address must be None"),
])
def test_bad_arguments_are_named(arguments, named):
    with pytest.raises(ValueError, match=named):
        make_map(**arguments)


def test_without_ray_the_pool_is_used_and_said_in_one_sentence(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    map_function = make_map("ray", 2)
    assert capsys.readouterr().out == NO_RAY_SENTENCE + "\n"
    assert map_function(square, [1, 2, 3]) == [1, 4, 9]


def test_a_folder_named_ray_is_not_ray(monkeypatch, tmp_path, capsys):
    (tmp_path / "ray").mkdir()  # e.g. Ray's own /tmp/ray, seen from /tmp: `import ray` finds a namespace package
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    monkeypatch.delitem(sys.modules, "ray", raising=False)
    make_map("ray", 2)
    assert capsys.readouterr().out == NO_RAY_SENTENCE + "\n"


def test_a_failed_local_start_is_retried_quietly(monkeypatch, capsys):
    calls = []

    def init(**options):
        calls.append(dict(options, python_path=os.environ["PYTHONPATH"]))
        if len(calls) == 1:
            raise Exception("The current node timed out during startup.")

    monkeypatch.setitem(sys.modules, "ray", types.SimpleNamespace(init=init, is_initialized=lambda: False))
    monkeypatch.setattr(executors, "_started_here", False)
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.setenv("PYTHONPATH", "elsewhere")
    executors._ensure_ray(2, None)
    assert len(calls) == 2 and executors._started_here
    assert calls[1]["address"] == "local" and calls[1]["num_cpus"] == 2
    assert calls[1]["log_to_driver"] is False and calls[1]["include_dashboard"] is False
    assert calls[1]["python_path"] == os.pathsep.join([str(executors.RAY_STUBS), "elsewhere"])
    assert os.environ["PYTHONPATH"] == "elsewhere", "only the processes Ray starts see the stand-in"
    assert capsys.readouterr().out.count("\n") == 1, "one line per failed attempt"


def test_the_stand_in_hides_rfc3987_syntax_and_jsonschema_still_imports():
    pytest.importorskip("jsonschema")
    code = "import jsonschema\ntry:\n    import rfc3987_syntax\nexcept ImportError:\n    print('hidden')"
    run = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(executors.RAY_STUBS)),
                         capture_output=True, text=True, check=True)
    assert run.stdout == "hidden\n"


def test_stop_ray_without_ray_started_here_does_nothing(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # stop_ray must not even import Ray
    monkeypatch.setattr(executors, "_started_here", False)
    stop_ray()


# ---- Ray itself (the `cluster` extra): one local Ray with 2 CPUs for the tests below ----

@pytest.fixture(scope="module")
def ray_map():
    ray = pytest.importorskip("ray")
    this_module = sys.modules[__name__]  # Ray's workers cannot import it (pytest put tests/ on sys.path here only)
    ray.cloudpickle.register_pickle_by_value(this_module)
    try:
        map_function = make_map("ray", 2)
        map_function(square, [0])  # start Ray here: if it cannot start, every test below errs at once
        yield map_function
    finally:
        stop_ray()
        ray.cloudpickle.unregister_pickle_by_value(this_module)


def test_ray_gives_the_same_list_as_serial(ray_map):
    items = list(range(-3, 4))
    assert ray_map(square, items) == make_map("serial")(square, items)
    assert ray_map(square, []) == []


def test_ray_workers_enable_gpu_memory_growth_first(ray_map):
    assert ray_map(growth_was_enabled_here, range(4)) == [True] * 4


def test_an_lstm_search_through_ray_equals_the_serial_one(ray_map):
    """The issue's bar: notebook 07's GA, 4 real trainings, serial and on Ray: same candidates, order, scores."""
    pytest.importorskip("keras")
    from edl_helpers.driver_data import load_driver_data, prepare_driver_windows
    from edl_lessons.l07_lstm_tuning import N_GENES, make_lstm_toolbox, run_lstm_ga, score_configuration

    windows = prepare_driver_windows(load_driver_data(), length=10, stride=40)
    data = (windows.x_train, windows.y_train, windows.x_validation, windows.y_validation)
    score = functools.partial(score_configuration, data=data, n_classes=len(windows.classes), max_epochs=1,
                              patience=1, seed=0)

    def search(map_function):
        toolbox = make_lstm_toolbox(N_GENES, 0.1, map_function)
        trainer = run_lstm_ga(0, toolbox, score, budget=4, population_size=3, crossover_probability=0.7,
                              verbose=False)
        assert trainer.trainings == 4 and trainer.generations >= 1, "the budget reached an offspring generation"
        return [(result.config, result.seed, result.score) for result in trainer.history]

    assert search(ray_map) == search(make_map("serial"))
