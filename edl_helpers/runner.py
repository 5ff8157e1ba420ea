"""The course runner: execute chosen (or all) notebooks headless and gather one results table.

    python -m edl_helpers.runner                   # every notebook, full mode
    python -m edl_helpers.runner 01 02 --quick     # two notebooks, CI sizes
    python -m edl_helpers.runner 01s               # the worked solutions of notebook 01's exercises
    python -m edl_helpers.runner 01 -p problem circles -p seed 3
    python -m edl_helpers.runner --inplace --readme README.md   # refresh stored outputs and the README table
    python -m edl_helpers.runner --collect --readme README.md   # table from the notebooks' stored outputs

It stops at the first failing cell and prints that cell's error.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from .results import RESULTS_VARIABLE, format_value, stored_results
from .quick import QUICK_VARIABLE

CELL_TIMEOUT = 1200  # seconds: a hung cell fails the run instead of blocking it forever
README_START, README_END = "<!-- results:start -->", "<!-- results:end -->"
SOLUTIONS_SUFFIX = "_solutions"  # notebooks/NN_name_solutions.ipynb: the worked exercises of NN_name


def find_notebooks(directory: Path, names: list[str]) -> list[Path]:
    """Notebooks in ``directory`` matching ``names``; all of them, each lesson before its solutions, if empty.

    A name is a lesson's number (``01``), that number with ``s`` for its solutions (``01s``), a stem
    (``01_numpy_mlp_solutions``) or a file name.
    """
    available = sorted(directory.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return available
    chosen = []
    for name in names:
        stem = Path(name).stem
        number, solutions = (stem[:-1], True) if re.fullmatch(r"\d\ds", stem) else (stem, False)
        matches = [p for p in available if p.stem == stem or (
            p.stem.split("_")[0] == number and p.stem.endswith(SOLUTIONS_SUFFIX) == solutions)]
        if not matches:
            known = ", ".join(p.stem for p in available)
            raise ValueError(f"notebook {name!r} not found in {directory}; available: {known}")
        chosen.extend(matches)
    return chosen


def parse_value(text: str) -> object:
    """Read a ``-p`` value as int, float, bool or string, as papermill's command line does."""
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return {"True": True, "False": False}.get(text, text)


def results_table(directory: Path, stems: list[str], since: float = 0.0) -> str:
    """A Markdown table of the results that the notebooks ``stems`` wrote into ``directory`` after ``since``.

    Only this run's records: a JSON left in ``directory`` by an earlier run (another notebook, or this
    notebook before it failed) is not a result of this run and is left out.
    """
    records = {}
    for stem in stems:
        path = directory / f"{stem}.json"
        if path.exists() and path.stat().st_mtime >= since:
            records[stem] = json.loads(path.read_text())
    return format_table(records)


def collect_table(notebooks: list[Path]) -> str:
    """A Markdown table of the results stored in the notebooks' own outputs (what GitHub and Colab show)."""
    records = {}
    for path in notebooks:
        record = stored_results(json.loads(path.read_text(encoding="utf-8")))
        if record is None:
            raise ValueError(f"{path.name} stores no results: execute it (--inplace) first")
        records[path.stem] = record
    return format_table(records)


def format_table(records: dict[str, dict]) -> str:
    """One Markdown row per notebook: mode, wall seconds and its figures."""
    rows = []
    for stem, record in records.items():
        record = dict(record)
        mode = "quick" if record.pop("quick", False) else "full"
        seconds = record.pop("seconds", "")
        figures = "; ".join(f"{key} = {format_value(value)}" for key, value in record.items())
        figures = figures.replace("|", "\\|")  # a "|" inside a value would split the Markdown cell
        rows.append(f"| {stem} | {mode} | {seconds} | {figures} |")
    return "| notebook | mode | seconds | results |\n|---|---|---|---|\n" + "\n".join(rows) + "\n"


def update_readme(readme: Path, table: str) -> None:
    """Replace the text between the results markers of ``readme`` with ``table``."""
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        raise ValueError(f"{readme} needs the markers {README_START} and {README_END}")
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.DOTALL)
    readme.write_text(pattern.sub(lambda _: f"{README_START}\n{table}{README_END}", text))


def clean_metadata(path: Path) -> None:
    """Drop papermill's per-cell timing metadata so stored notebooks diff cleanly."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables (inherited by the notebook kernels) for one block, then restore them.

    ``run`` is also called from tests: left set, ``EDL_QUICK=0`` would make every later notebook in the
    same pytest session run in full mode.
    """
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run(notebooks: list[Path], quick: bool, results_dir: Path, inplace: bool,
        parameters: dict[str, object]) -> int:
    """Execute ``notebooks`` in order; return 0, or 1 at the first failing cell."""
    import papermill

    executed = results_dir / "executed"
    executed.mkdir(parents=True, exist_ok=True)
    with environment({QUICK_VARIABLE: "1" if quick else "0", RESULTS_VARIABLE: str(results_dir.resolve())}):
        for index, notebook in enumerate(notebooks, 1):
            output = notebook if inplace else executed / notebook.name
            print(f"[{index}/{len(notebooks)}] {notebook.stem} ({'quick' if quick else 'full'} mode)", flush=True)
            started = time.perf_counter()
            try:
                papermill.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name="python3",
                                           cwd=str(notebook.parent), progress_bar=True, log_output=False,
                                           execution_timeout=CELL_TIMEOUT)
            except papermill.PapermillExecutionError as error:
                print(f"FAILED: {notebook.name}, cell {error.exec_count}: {error.ename}: {error.evalue}",
                      file=sys.stderr)
                print("".join(error.traceback[-3:]), file=sys.stderr)
                return 1
            if inplace:
                clean_metadata(output)
            print(f"    done in {time.perf_counter() - started:.1f} s -> {output}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (``python -m edl_helpers.runner --help``)."""
    parser = argparse.ArgumentParser(description="Run the course notebooks headless and gather their results.")
    parser.add_argument("notebooks", nargs="*", help="numbers or names (default: all), e.g. 01 02_ga_weights")
    parser.add_argument("--quick", action="store_true", help="CI sizes (EDL_QUICK=1); default: full mode")
    parser.add_argument("--dir", type=Path, default=Path("notebooks"), help="folder of the notebooks")
    parser.add_argument("--results-dir", type=Path, default=Path("results"), help="where JSON results go")
    parser.add_argument("--inplace", action="store_true", help="store outputs in the notebooks themselves")
    parser.add_argument("--readme", type=Path, help="write the results table into this README")
    parser.add_argument("--collect", action="store_true",
                        help="execute nothing: build the table from the notebooks' stored outputs")
    parser.add_argument("-p", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="override a parameter, e.g. -p problem moons")
    args = parser.parse_args(argv)
    if args.inplace and args.p:
        parser.error("--inplace stores the course defaults; run -p overrides without --inplace")
    notebooks = find_notebooks(args.dir, args.notebooks)
    if args.collect:
        table = collect_table(notebooks)
        print(table)
        if args.readme:
            update_readme(args.readme, table)
        return 0
    if args.readme and not args.inplace:
        parser.error("--readme quotes the notebooks' stored outputs: use it with --inplace or --collect")
    parameters = {name: parse_value(value) for name, value in args.p}
    started = time.time()
    status = run(notebooks, args.quick, args.results_dir, args.inplace, parameters)
    table = results_table(args.results_dir, [path.stem for path in notebooks], since=started)
    print(table)
    (args.results_dir / "results.md").write_text(table)
    if args.readme and status == 0:
        update_readme(args.readme, collect_table(find_notebooks(args.dir, [])))
    return status


if __name__ == "__main__":
    sys.exit(main())
