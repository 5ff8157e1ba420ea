import json
import os

import nbformat
import pytest

from edl_helpers import runner


def write_notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, path)
    return path


def test_find_notebooks_by_number_stem_or_all(tmp_path):
    for name in ("01_numpy_mlp", "01_numpy_mlp_solutions", "02_ga_weights"):
        write_notebook(tmp_path / f"{name}.ipynb", "1")
    assert [p.stem for p in runner.find_notebooks(tmp_path, [])] == [
        "01_numpy_mlp", "01_numpy_mlp_solutions", "02_ga_weights"]  # each lesson, then its solutions
    assert [p.stem for p in runner.find_notebooks(tmp_path, ["02"])] == ["02_ga_weights"]
    assert [p.stem for p in runner.find_notebooks(tmp_path, ["01"])] == ["01_numpy_mlp"]
    assert [p.stem for p in runner.find_notebooks(tmp_path, ["01s"])] == ["01_numpy_mlp_solutions"]
    assert [p.stem for p in runner.find_notebooks(tmp_path, ["01_numpy_mlp.ipynb"])] == ["01_numpy_mlp"]
    assert [p.stem for p in runner.find_notebooks(tmp_path, ["01_numpy_mlp_solutions"])] == ["01_numpy_mlp_solutions"]
    with pytest.raises(ValueError, match="available: 01_numpy_mlp, 01_numpy_mlp_solutions, 02_ga_weights"):
        runner.find_notebooks(tmp_path, ["07"])


def test_parse_value_like_papermill():
    assert runner.parse_value("3") == 3 and runner.parse_value("0.5") == 0.5
    assert runner.parse_value("moons") == "moons" and runner.parse_value("True") is True


def test_results_table_and_readme(tmp_path):
    (tmp_path / "01_numpy_mlp.json").write_text(json.dumps({"mlp_accuracy": 0.96667, "quick": False, "seconds": 4.2}))
    table = runner.results_table(tmp_path, ["01_numpy_mlp"])
    assert "| 01_numpy_mlp | full | 4.2 | mlp_accuracy = 0.9667 |" in table
    pipe = runner.format_table({"08_x": {"best_architecture": "LSTM(224) | Dense(64)", "seconds": 1.0}})
    assert "best_architecture = LSTM(224) \\| Dense(64) |" in pipe
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{runner.README_START}\nold\n{runner.README_END}\nend\n")
    runner.update_readme(readme, table)
    text = readme.read_text()
    assert "old" not in text and "mlp_accuracy = 0.9667" in text and text.endswith("end\n")
    readme.write_text("no markers")
    with pytest.raises(ValueError, match="markers"):
        runner.update_readme(readme, table)


def test_results_table_leaves_out_stale_records(tmp_path):
    import os

    (tmp_path / "01_numpy_mlp.json").write_text(json.dumps({"a": 1}))
    (tmp_path / "02_old.json").write_text(json.dumps({"b": 2}))
    os.utime(tmp_path / "01_numpy_mlp.json", (1_000, 1_000))  # written long before this run
    assert runner.results_table(tmp_path, ["01_numpy_mlp", "02_old"], since=2_000).count("\n| 0") == 1
    assert "02_old" in runner.results_table(tmp_path, ["02_old"], since=2_000)
    assert "01_numpy_mlp" not in runner.results_table(tmp_path, ["01_numpy_mlp"], since=2_000)


def test_readme_needs_stored_outputs():
    with pytest.raises(SystemExit):
        runner.main(["01", "--readme", "README.md"])


def test_runner_executes_reports_and_stops_at_first_failing_cell(tmp_path, capsys):
    good = write_notebook(tmp_path / "00_good.ipynb", "import edl_helpers as edl\nrun = edl.start_notebook('00_good')",
                          "run.report({'answer': 42})")
    bad = write_notebook(tmp_path / "01_bad.ipynb", "x = 1", "raise ValueError('boom: difficulty out of range')",
                         "open('should_not_run', 'w')")
    later = write_notebook(tmp_path / "02_later.ipynb", "open('should_not_run', 'w')")
    status = runner.run([good, bad, later], quick=True, results_dir=tmp_path / "results", inplace=False, parameters={})
    assert status == 1
    saved = json.loads((tmp_path / "results" / "00_good.json").read_text())
    assert saved["answer"] == 42 and saved["quick"] is True
    err = capsys.readouterr().err
    assert "01_bad.ipynb, cell 2: ValueError: boom: difficulty out of range" in err
    assert not (tmp_path / "should_not_run").exists()


def test_collect_table_reads_the_results_stored_in_executed_notebooks(tmp_path):
    good = write_notebook(tmp_path / "00_good.ipynb", "import edl_helpers as edl\nrun = edl.start_notebook('00_good')",
                          "run.report({'answer': 42, 'problem': 'moons'})")
    assert runner.run([good], quick=False, results_dir=tmp_path / "results", inplace=True, parameters={}) == 0
    table = runner.collect_table([good])
    assert "| 00_good | full |" in table and "answer = 42; problem = moons |" in table
    unexecuted = write_notebook(tmp_path / "01_new.ipynb", "1")
    with pytest.raises(ValueError, match="01_new.ipynb stores no results"):
        runner.collect_table([unexecuted])


def test_runner_restores_the_environment_it_sets(tmp_path, monkeypatch):
    """A full-mode run inside pytest must not leave EDL_QUICK=0 behind for the notebooks that nbval runs later."""
    monkeypatch.setenv("EDL_QUICK", "1")
    monkeypatch.delenv("EDL_RESULTS_DIR", raising=False)
    seen = write_notebook(tmp_path / "00_env.ipynb", "import os, json\n"
                          "json.dump(os.environ.get('EDL_QUICK'), open('quick_seen.json', 'w'))")
    assert runner.run([seen], quick=False, results_dir=tmp_path / "results", inplace=False, parameters={}) == 0
    assert json.loads((tmp_path / "quick_seen.json").read_text()) == "0"  # the kernel ran in full mode
    assert os.environ["EDL_QUICK"] == "1" and "EDL_RESULTS_DIR" not in os.environ
