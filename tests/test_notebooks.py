"""Structure of the committed notebooks: badges, setup, parameters, stored outputs, results call."""
import json
import re
import tomllib
from pathlib import Path

import pytest

import edl_helpers as edl

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = "_solutions"  # notebooks/NN_name_solutions.ipynb carries out the exercises of NN_name.ipynb
LOCAL_PATH = re.compile(r"(/work/|/root/|/home/|/tmp/|/Users/|[A-Z]:\\\\)")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell["source"])


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_layout(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)
    cells = load(path)["cells"]
    badge = source(cells[0])
    assert cells[0]["cell_type"] == "markdown"
    assert f"({edl.colab_url(path.name)})" in badge, "the Colab badge must point at this notebook's own path"
    code = [c for c in cells if c["cell_type"] == "code"]
    setup, parameters = source(code[0]), code[1]
    assert 'if "google.colab" in sys.modules' in setup and edl.colab_install_line() in setup
    assert setup.index(edl.colab_install_line()) < setup.index("import edl_helpers")
    assert f'edl.start_notebook("{path.stem}")' in setup
    assert parameters.get("metadata", {}).get("tags") == ["parameters"]
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in cells) == 1
    assert "run.report(" in source(code[-1]), "the last code cell reports the results"
    if path.stem.endswith(SOLUTIONS):  # worked exercises: they end by pointing back at their lesson
        lesson = path.stem.removesuffix(SOLUTIONS)
        assert (ROOT / "notebooks" / f"{lesson}.ipynb").exists(), f"{path.name} solves the exercises of no lesson"
        assert f"({lesson}.ipynb)" in source(cells[-1]), "the last cell links back to the lesson"
    else:
        assert "Exercises" in source(cells[-1])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_are_clean_and_in_order(path):
    code = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), "run top to bottom, then save"
    for index, cell in enumerate(code):
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"cell {index} stores an error"
            text = json.dumps(output.get("text", "")) + json.dumps(output.get("data", {}).get("text/plain", ""))
            assert "Traceback" not in text, f"cell {index} stores a traceback"
            assert not LOCAL_PATH.search(text), f"cell {index} stores a machine-local path"


def test_readme_badges_and_package_url_agree_with_the_course_repository():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert edl.colab_url(path.name) in readme, f"README lacks the Colab badge of {path.name}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["urls"]["Repository"] == edl.REPOSITORY
    assert re.findall(r"colab\.research\.google\.com/github/([^/]+/[^/]+)/", readme) == \
        [edl.REPOSITORY.removeprefix("https://github.com/")] * len(re.findall("colab.research.google.com/github", readme))


RANGE_CALL = re.compile(r"(slider_controls|problem_controls|IntSlider|FloatSlider|Dropdown)\(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_parameter_range_is_declared_once_in_the_parameters_cell(path):
    """The parameters cell's #@param annotations are the only ranges: the controls are built from them."""
    from edl_helpers.widgets import parse_parameters

    cells = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    parameters_cell = source(cells[1])
    declared = parse_parameters(parameters_cell)
    assert declared, "the parameters cell declares its parameters with #@param"
    namespace: dict = {}
    exec(parameters_cell, {}, namespace)
    for name, parameter in declared.items():
        parameter.check(namespace[name])  # the defaults lie in their own declared ranges
    assert "edl.parameter_controls(globals()" in source(cells[2]), "the cell after the parameters shows the controls"
    for index, cell in enumerate(cells[2:], 2):
        assert not RANGE_CALL.search(source(cell)), f"code cell {index} declares a second control or range"


LESSONS = [path for path in NOTEBOOKS if not path.stem.endswith(SOLUTIONS)]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_exercise_has_a_hint_and_the_lesson_links_its_worked_solutions(path):
    exercises = source(load(path)["cells"][-1])
    numbered = re.findall(r"^\d+\. ", exercises, re.MULTILINE)
    assert len(numbered) >= 4, "a lesson ends with at least four exercises"
    assert exercises.count("<details>") == len(numbered), "one collapsed hint (<details>) per exercise"
    solutions = f"{path.stem}{SOLUTIONS}.ipynb"
    assert f"({solutions})" in exercises and (path.parent / solutions).exists(), f"link {solutions}"
