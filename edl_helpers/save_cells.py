"""Gather the notebook cells marked ``#@save`` into the package: each algorithm is written once, where it is taught.

The cell that teaches a piece of code is its one source; its first line is ``#@save`` (as in the d2l book).
This script copies the saved cells of each notebook of :data:`MODULE_NAMES`, in order, into a generated module of
:mod:`edl_lessons`, which the package and later notebooks import
(``from edl_lessons.l02_ga import run_ga``)::

    python -m edl_helpers.save_cells           # rewrite edl_lessons/*.py from the notebooks
    python -m edl_helpers.save_cells --check   # exit 1, naming the cells, when a module is out of date

``tests/test_saved_cells.py`` runs the check in CI. A saved cell must be importable code: imports,
functions, classes and constants only, nothing that runs on import, and no function that reads a notebook
global (pass what it needs as arguments); :func:`module_source` refuses anything else, naming the cell.
"""
from __future__ import annotations

import argparse
import ast
import builtins
import json
import symtable
from dataclasses import dataclass
from pathlib import Path

MARK = "#@save"
PACKAGE = Path(__file__).resolve().parent
NOTEBOOKS = PACKAGE.parent / "notebooks"
LESSONS_DIR = PACKAGE.parent / "edl_lessons"
COMMAND = "python -m edl_helpers.save_cells"

#: notebook (file stem) -> the module of ``edl_lessons`` generated from its saved cells (if it has any)
MODULE_NAMES = {
    "01_numpy_mlp": "l01_backprop",
    "02_ga_weights": "l02_ga",
    "03_es_weights": "l03_es",
    "04_de_weights": "l04_de",
    "05_keras_ga": "l05_keras_ga",
    "06_mnist_es": "l06_es",
    "07_ga_lstm_tuning": "l07_lstm_tuning",
    "08_ga_lstm_architecture": "l08_architecture",
    "09_ga_gan": "l09_gan",
}


@dataclass
class SavedCell:
    """One ``#@save`` cell: where it is (``index`` counts every cell of the notebook from 0) and its code."""

    notebook: str
    index: int
    source: str

    @property
    def where(self) -> str:
        names = [node.name for node in ast.parse(self.source).body
                 if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
        return f"notebooks/{self.notebook}.ipynb cell {self.index}" + (f" ({', '.join(names)})" if names else "")


def saved_cells(notebook: str) -> list[SavedCell]:
    """The code cells of ``notebooks/<notebook>.ipynb`` whose first line is ``#@save``, mark removed, in order."""
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    saved = []
    for index, cell in enumerate(cells):
        lines = "".join(cell["source"]).splitlines()
        if cell["cell_type"] == "code" and lines and lines[0].strip() == MARK:
            saved.append(SavedCell(notebook, index, "\n".join(lines[1:]).strip("\n")))
    return saved


def _check_importable(cell: SavedCell, module_names: set[str]) -> None:
    """Raise ``ValueError`` naming the cell unless it only defines things and reads no notebook global."""
    for node in ast.parse(cell.source).body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        constant = isinstance(node, (ast.Assign, ast.AnnAssign)) and _is_literal(node.value)
        if not (docstring or constant or isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef,
                                                             ast.ClassDef))):
            raise ValueError(f"{cell.where}, line {node.lineno}: a #@save cell may only import and define "
                             f"functions, classes and constants (this statement would run on import)")
    known = module_names | set(dir(builtins))
    tables = [symtable.symtable(cell.source, cell.where, "exec")]
    while tables:
        table = tables.pop()
        tables.extend(table.get_children())
        if table.get_type() == "module":
            continue
        for symbol in table.get_symbols():
            if symbol.is_global() and symbol.is_referenced() and symbol.get_name() not in known:
                raise ValueError(f"{cell.where}: {table.get_name()}() reads {symbol.get_name()!r}, a notebook "
                                 f"global; pass it as an argument (saved code must not rely on notebook globals)")


def _is_literal(node: ast.expr | None) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


def _defined_names(source: str) -> set[str]:
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _cell_header(cell: SavedCell) -> str:
    return f"# ---- notebooks/{cell.notebook}.ipynb, cell {cell.index} ----"


def module_source(notebook: str) -> str:
    """The text of the generated module of ``notebook``: a header, then its saved cells in order."""
    cells = saved_cells(notebook)
    if not cells:
        raise ValueError(f"notebooks/{notebook}.ipynb has no cell whose first line is {MARK}")
    names = set().union(*(_defined_names(cell.source) for cell in cells))
    for cell in cells:
        _check_importable(cell, names)
    header = (f'"""Generated from notebooks/{notebook}.ipynb by `{COMMAND}`: edit the notebook, not this file.\n\n'
              f"The notebook's cells marked ``{MARK}``, in order.\n\"\"\"\n")
    return header + "".join(f"\n{_cell_header(cell)}\n{cell.source}\n\n" for cell in cells).rstrip("\n") + "\n"


def lessons() -> dict[str, str]:
    """The notebooks that have ``#@save`` cells, each with the name of its generated module."""
    return {notebook: module for notebook, module in MODULE_NAMES.items()
            if (NOTEBOOKS / f"{notebook}.ipynb").exists() and saved_cells(notebook)}


def module_path(notebook: str) -> Path:
    """Where the generated module of ``notebook`` lives."""
    return LESSONS_DIR / f"{MODULE_NAMES[notebook]}.py"


def differences(notebook: str) -> list[str]:
    """What differs between the saved cells of ``notebook`` and its generated module (empty when in step)."""
    path = module_path(notebook)
    relative = f"edl_lessons/{path.name}"
    expected = module_source(notebook)
    if not path.exists():
        return [f"{relative} is missing: run `{COMMAND}`"]
    actual = path.read_text(encoding="utf-8")
    if actual == expected:
        return []
    stored = {block.split("\n", 1)[0]: block for block in actual.split("\n# ---- ")[1:]}
    problems = []
    for cell in saved_cells(notebook):
        key = _cell_header(cell)[len("# ---- "):]
        if stored.get(key, "").rstrip("\n") != f"{key}\n{cell.source}":
            problems.append(f"{cell.where} differs from {relative}")
    return (problems or [f"{relative} differs from the #@save cells of notebooks/{notebook}.ipynb"]) + [
        f"edit the notebook, not the module, then run `{COMMAND}` to regenerate it"]


def main(argv: list[str] | None = None) -> int:
    """Write (or, with ``--check``, verify) every generated module; returns the exit status."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report modules that are out of date")
    check = parser.parse_args(argv).check
    status = 0
    for notebook in lessons():
        if check:
            problems = differences(notebook)
            print("\n".join(problems) if problems else f"{module_path(notebook).name}: in step")
            status |= bool(problems)
        else:
            module_path(notebook).write_text(module_source(notebook), encoding="utf-8")
            print(f"notebooks/{notebook}.ipynb -> edl_lessons/{module_path(notebook).name}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
