"""The package's copies of the notebooks' ``#@save`` cells (edl_lessons/) are in step with the notebooks."""
import importlib
import json
import shutil

import pytest

from edl_helpers import save_cells
from edl_helpers.save_cells import MODULE_NAMES, NOTEBOOKS, lessons

LESSONS = lessons()


@pytest.mark.parametrize("notebook", sorted(LESSONS))
def test_generated_module_matches_the_notebook(notebook):
    problems = save_cells.differences(notebook)
    assert not problems, "\n".join(problems)


def test_every_notebook_with_saved_cells_has_a_module():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        if save_cells.saved_cells(path.stem):
            assert path.stem in MODULE_NAMES, (f"{path.name} has #@save cells but no module name: add it to "
                                               f"edl_helpers.save_cells.MODULE_NAMES and run `{save_cells.COMMAND}`")


@pytest.mark.parametrize("notebook", sorted(LESSONS))
def test_generated_module_imports(notebook):
    module = importlib.import_module(f"edl_lessons.{LESSONS[notebook]}")
    assert module.__doc__.startswith(f"Generated from notebooks/{notebook}.ipynb")


def _scratch_notebook(tmp_path, monkeypatch, notebook, edit):
    """A copy of ``notebook`` in ``tmp_path`` with ``edit(source)`` applied to its first saved cell."""
    shutil.copy(NOTEBOOKS / f"{notebook}.ipynb", tmp_path)
    path = tmp_path / f"{notebook}.ipynb"
    content = json.loads(path.read_text(encoding="utf-8"))
    cell = next(cell for cell in content["cells"] if "".join(cell["source"]).startswith(save_cells.MARK))
    cell["source"] = edit("".join(cell["source"]))
    path.write_text(json.dumps(content), encoding="utf-8")
    monkeypatch.setattr(save_cells, "NOTEBOOKS", tmp_path)


def test_an_edited_saved_cell_is_reported_with_its_cell_and_the_command(tmp_path, monkeypatch):
    _scratch_notebook(tmp_path, monkeypatch, "01_numpy_mlp", lambda source: source.replace("0.5 * z", "z"))
    problems = save_cells.differences("01_numpy_mlp")
    assert problems and "notebooks/01_numpy_mlp.ipynb cell" in problems[0] and "sigmoid" in problems[0]
    assert save_cells.COMMAND in problems[-1]


@pytest.mark.parametrize("added, message", [
    ("print('hello')", "may only import and define"),
    ("def uses_a_global():\n    return X_train", "X_train"),
])
def test_saved_cells_must_be_importable_code(tmp_path, monkeypatch, added, message):
    _scratch_notebook(tmp_path, monkeypatch, "01_numpy_mlp", lambda source: f"{source}\n\n{added}\n")
    with pytest.raises(ValueError, match=message):
        save_cells.module_source("01_numpy_mlp")
