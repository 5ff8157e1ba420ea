"""Each notebook's closing results: shown as a table and, with ``EDL_RESULTS_DIR`` set, saved as JSON."""
from __future__ import annotations

import json
import numbers
import os
import platform
import time
from pathlib import Path

import numpy as np

from .quick import is_quick

RESULTS_VARIABLE = "EDL_RESULTS_DIR"
METADATA_KEY = "edl_results"  # the stored output of the results cell carries the record under this key


class NotebookRun:
    """One run of a notebook: knows its name, its mode and when it started.

    Create it in the setup cell with :func:`start_notebook`; call :meth:`report` in the last code cell.
    """

    def __init__(self, name: str) -> None:
        if not name or "/" in name or name.endswith(".ipynb"):
            raise ValueError(f"name must be the notebook's file stem, e.g. '01_numpy_mlp', got {name!r}")
        self.name = name
        self.quick = is_quick()
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        """Wall-clock seconds since the run started."""
        return time.perf_counter() - self.started

    def report(self, figures: dict[str, object]) -> None:
        """Show the key figures as a table; write ``<name>.json`` to ``EDL_RESULTS_DIR`` when it is set.

        Values must be numbers, strings or booleans (NumPy scalars are converted). ``quick`` and
        ``seconds`` are added.
        """
        record: dict[str, object] = {}
        for key, value in figures.items():
            if isinstance(value, np.generic):
                value = value.item()
            if not isinstance(value, (numbers.Real, str, bool)):
                raise ValueError(f"result {key!r} must be a number, string or bool, got {type(value).__name__}")
            if isinstance(value, float) and not np.isfinite(value):
                raise ValueError(f"result {key!r} is {value}: a results table only holds finite numbers")
            record[key] = value
        record["quick"] = self.quick
        record["seconds"] = round(self.seconds, 1)
        _display_table(self.name, record)
        directory = os.environ.get(RESULTS_VARIABLE)
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            (Path(directory) / f"{self.name}.json").write_text(json.dumps(record, indent=2) + "\n")


def start_notebook(name: str) -> NotebookRun:
    """Start timing a notebook and say which mode it runs in."""
    import importlib.metadata

    from .widgets import watch_parameters_cell

    watch_parameters_cell()  # so that parameter_controls() finds the parameters cell, whoever executes it
    run = NotebookRun(name)
    try:
        version = importlib.metadata.version("edl-helpers")
    except importlib.metadata.PackageNotFoundError:
        version = "source"
    mode = "QUICK (EDL_QUICK=1: small sizes for CI)" if run.quick else "FULL (unset EDL_QUICK for full sizes)"
    print(f"{name}: edl_helpers {version}, Python {platform.python_version()}, mode {mode}")
    return run


def format_value(value: object) -> str:
    """Format a result for a table: floats with 4 significant digits, everything else as is."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _display_table(name: str, record: dict[str, object]) -> None:
    from IPython.display import Markdown, display

    rows = "\n".join(f"| {key} | {format_value(value)} |" for key, value in record.items())
    display(Markdown(f"**Results of {name}**\n\n| figure | value |\n|---|---|\n{rows}"),
            metadata={METADATA_KEY: record})


def stored_results(notebook: dict) -> dict[str, object] | None:
    """The results record a notebook's stored outputs carry (from :meth:`NotebookRun.report`), if any."""
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            record = output.get("metadata", {}).get(METADATA_KEY)
            if record is not None:
                return dict(record)
    return None
