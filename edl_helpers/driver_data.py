"""Driver-behaviour telemetry: a validated loader, trips, windows, a split by trip and scaling.

The CSV schema is that of the public Kaggle "Driving Behavior" data set (Cojocaru & Popescu, RoCHI 2022):
``AccX, AccY, AccZ, GyroX, GyroY, GyroZ, Class, Timestamp``, so the real files load with the same call: one
file, the folder holding ``train_motion_data.csv`` and ``test_motion_data.csv``, or a list of files. The
course ships a synthetic copy as package data (``edl_helpers/data/driver_behavior.csv``, see
``data/README.md``), so a checkout, a plain ``pip install`` and Colab all load the identical bytes.

Scaling statistics come from the training windows only (:class:`ChannelScaling`). ``Timestamp`` is never a
feature: each class was recorded in its own session, so the clock gives the label
away. It only serves to cut the rows into trips (:func:`trip_ids`); windows never cross a trip, and whole
trips go to train, validation or test (:func:`split_by_trip`). Rows read from several files carry the file
they came from (column ``File``), and a new file always starts a new trip.
"""
from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .driver_synth import CHANNELS, CLASSES, COLUMNS
from .validation import check_choice, check_float, check_int

# The synthetic data set, shipped inside the package (written by data/make_driver_data.py).
DEFAULT_CSV = resources.files(__package__) / "data" / "driver_behavior.csv"
MIN_ROWS = 60  # 30 s at 2 rows a second: less than that cannot make a useful window
SPLITS = ("train", "validation", "test")
SCALINGS = ("standard", "minmax")
PIECES_PER_LONE_TRIP = 5
SOURCE = "File"  # the column naming each row's file, when the rows come from several files

CsvPath = str | Path


def load_driver_data(path: CsvPath | Sequence[CsvPath] | None = None) -> pd.DataFrame:
    """Read one or several driver-behaviour CSVs and check them thoroughly.

    Args:
        path: where the rows are. ``None``: the course's synthetic data set, ``DEFAULT_CSV`` (package data, the
            same file wherever the package is installed). One CSV with the columns ``AccX, AccY, AccZ, GyroX,
            GyroY, GyroZ, Class, Timestamp`` (any order; extra columns are reported and left out). A folder:
            every ``*.csv`` in it, in the order of their names (the real Kaggle folder holds
            ``test_motion_data.csv`` and ``train_motion_data.csv``). A list or tuple of CSVs, read in that
            order. A string with commas, such as ``"train_motion_data.csv, test_motion_data.csv"``, is such a
            list (unless a file of that very name exists): a notebook's text parameter can name several files.

    Returns:
        A DataFrame with ``COLUMNS`` in that order: six float channels, ``Class`` (a string in ``CLASSES``) and
        ``Timestamp`` (float seconds). Rows from several files are stacked in the files' order, and a last
        column ``File`` (``SOURCE``) names each row's file: :func:`trip_ids` starts a new trip at every new
        file, even where the clocks of two files overlap or one restarts. Empty lines are dropped and counted
        in a message; nothing else is dropped.

    Raises:
        FileNotFoundError: a file or folder that does not exist, or a folder without a ``.csv`` file.
        ValueError: an empty list, a file listed twice, or, in any file (named in the message): a missing or
            misspelt column, a non-numeric value, a NaN or infinite value, an unknown class label, or fewer
            than ``MIN_ROWS`` rows; the message names the column and the row.
    """
    if path is None:
        with resources.as_file(DEFAULT_CSV) as packaged:
            return _read_driver_csv(packaged)
    paths = driver_csv_paths(path)
    if len(paths) == 1:
        return _read_driver_csv(paths[0])
    names = [p.name for p in paths]
    if len(set(names)) < len(names):  # two folders' files of the same name: keep the rows' files apart
        names = [str(p) for p in paths]
    frames = [_read_driver_csv(p).assign(**{SOURCE: name}) for p, name in zip(paths, names)]
    combined = pd.concat(frames, ignore_index=True)
    print(f"{len(paths)} files stacked in this order (column {SOURCE!r} names each row's file): "
          + ", ".join(f"{name} ({len(frame):,} rows)" for name, frame in zip(names, frames)))
    return combined


def driver_csv_paths(path: CsvPath | Sequence[CsvPath]) -> list[Path]:
    """The CSV files that ``path`` names, in reading order (see :func:`load_driver_data` for what it accepts).

    Raises ``FileNotFoundError`` for a missing file or folder (or a folder without a ``.csv`` file) and
    ``ValueError`` for an empty list or a file named twice.
    """
    if isinstance(path, str) and "," in path and not Path(path).exists():
        path = [part.strip() for part in path.split(",") if part.strip()]
    items = [path] if isinstance(path, (str, Path)) else list(path)
    if not items:
        raise ValueError("path is an empty list: name at least one driver-behaviour CSV (None: the course's data)")
    paths = []
    for item in map(Path, items):
        if item.is_dir():
            found = sorted(p for p in item.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
            if not found:
                raise FileNotFoundError(f"no .csv file in the folder {item}")
            paths.extend(found)
        elif item.is_file():
            paths.append(item)
        else:
            raise FileNotFoundError(f"no driver-behaviour CSV at {item}")
    resolved = [p.resolve() for p in paths]
    for index, where in enumerate(resolved):
        if where in resolved[:index]:
            raise ValueError(f"{paths[index]} is listed twice: each file's rows would be counted twice")
    return paths


def _read_driver_csv(path: Path) -> pd.DataFrame:
    """Read and check one CSV (see :func:`load_driver_data`); messages name the file."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False, skipinitialspace=True)
    empty = raw.apply(lambda column: column.str.strip() == "").all(axis=1).to_numpy()
    if empty.any():
        print(f"{path.name}: dropped {int(empty.sum())} empty line(s).")
        raw = raw.loc[~empty].reset_index(drop=True)
    return validate_driver_frame(raw, path.name)


def validate_driver_frame(frame: pd.DataFrame, source: str = "the data") -> pd.DataFrame:
    """Check the columns, values and length of a driver-behaviour table; return a clean copy.

    Numbers may arrive as strings (as read from a CSV); they are converted, and the first value that is not
    a number, or is NaN/infinite, raises a ``ValueError`` naming its column and row (row 0 is the first
    data line of a CSV). See :func:`load_driver_data` for the full list of checks.
    """
    columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        hints = []
        for name in missing:
            close = difflib.get_close_matches(name, [c for c in columns if c not in COLUMNS], n=1, cutoff=0.6)
            if not close:
                close = [c for c in columns if c.lower() == name.lower() and c not in COLUMNS]
            hints.append(f"{name!r} (found {close[0]!r}: misspelt?)" if close else repr(name))
        raise ValueError(f"{source}: missing column(s) {', '.join(hints)}; expected {', '.join(COLUMNS)}")
    frame = frame.set_axis(columns, axis=1)
    extra = [c for c in columns if c not in COLUMNS]
    if extra:
        print(f"{source}: left out {len(extra)} extra column(s): {', '.join(extra)}")
    frame = frame.loc[:, list(COLUMNS)].reset_index(drop=True)
    if len(frame) < MIN_ROWS:
        raise ValueError(f"{source} is too short: {len(frame)} rows, at least {MIN_ROWS} are needed "
                         f"({MIN_ROWS // 2} s at 2 rows a second)")
    clean = pd.DataFrame(index=frame.index)
    for column in CHANNELS + ("Timestamp",):
        clean[column] = _numeric_column(frame[column], column, source)
    labels = frame["Class"].astype(str).str.strip()
    unknown = ~labels.isin(CLASSES)
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise ValueError(f"{source}: unknown class label {labels.iloc[row]!r} in row {row} "
                         f"({int(unknown.sum())} row(s) in all); expected one of {', '.join(CLASSES)}")
    clean.insert(len(CHANNELS), "Class", labels)
    return clean


def _numeric_column(values: pd.Series, column: str, source: str) -> pd.Series:
    if not pd.api.types.is_numeric_dtype(values):
        text = values.astype(str).str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        written_nan = text.str.lower().isin({"", "nan", "na", "n/a", "null", "none"})
        bad = numbers.isna() & ~written_nan
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(f"{source}: column {column!r} holds a non-numeric value {text.iloc[row]!r} in row {row} "
                             f"({int(bad.sum())} such value(s) in all)")
    else:
        numbers = pd.to_numeric(values, errors="coerce")
    numbers = numbers.astype(float)
    missing = ~np.isfinite(numbers.to_numpy())
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{source}: column {column!r} has a NaN or infinite value in row {row} "
                         f"({int(missing.sum())} in all): fill or remove those rows first")
    return numbers


def trip_ids(frame: pd.DataFrame, gap_seconds: float = 10.0) -> np.ndarray:
    """Number the trips: a new trip starts where ``Class`` changes, where ``Timestamp`` jumps back or by more
    than ``gap_seconds``, and where the ``File`` column (rows from several files) changes. Returns one integer
    per row (0, 1, ...)."""
    gap_seconds = check_float("gap_seconds", gap_seconds, 0.5, 1e9)
    time = frame["Timestamp"].to_numpy(dtype=float)
    labels = frame["Class"].to_numpy()
    step = np.diff(time)
    new = (step < 0) | (step > gap_seconds) | (labels[1:] != labels[:-1])
    if SOURCE in frame.columns:
        files = frame[SOURCE].to_numpy()
        new |= files[1:] != files[:-1]
    return np.cumsum(np.concatenate([[True], new])) - 1


def split_by_trip(frame: pd.DataFrame, validation: float = 0.2, test: float = 0.2, seed: int = 0,
                  gap_seconds: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """Send whole trips to train, validation or test, class by class.

    Each class's trips are shuffled (``seed``); ``round(test × n)`` of them (at least one) go to test,
    as many for ``validation``, the rest to train. A class with fewer than three trips (the real data set
    holds one trip per class) has each trip cut into ``PIECES_PER_LONE_TRIP`` contiguous pieces, which are
    then dealt out like trips; a message says so.

    Returns:
        ``(split, piece)``: per row, the split name (one of ``SPLITS``) and the piece (trip, or part of a
        trip) it belongs to. Windows are cut inside one piece, so no window crosses two splits.
    """
    validation = check_float("validation", validation, 0.05, 0.45)
    test = check_float("test", test, 0.05, 0.45)
    seed = check_int("seed", seed, 0, 2**32 - 1)
    piece = trip_ids(frame, gap_seconds)
    labels = frame["Class"].to_numpy()
    rng = np.random.default_rng(seed)
    split = np.empty(len(frame), dtype=object)
    next_piece = piece.max() + 1
    for name in CLASSES:
        trips = np.unique(piece[labels == name])
        if len(trips) == 0:
            raise ValueError(f"class {name!r} has no rows: every class needs at least one trip")
        if len(trips) < 3:
            print(f"class {name} has {len(trips)} trip(s): each is cut into {PIECES_PER_LONE_TRIP} contiguous "
                  "pieces, dealt out to the splits like trips")
            for trip in trips:
                rows = np.flatnonzero(piece == trip)
                for part in np.array_split(rows, PIECES_PER_LONE_TRIP)[1:]:
                    piece[part] = next_piece
                    next_piece += 1
            trips = np.unique(piece[labels == name])
        trips = rng.permutation(trips)
        n_test = max(1, int(round(test * len(trips))))
        n_validation = max(1, int(round(validation * len(trips))))
        for index, trip in enumerate(trips):
            part = "test" if index < n_test else "validation" if index < n_test + n_validation else "train"
            split[piece == trip] = part
    return split, piece


def make_windows(frame: pd.DataFrame, pieces: np.ndarray, length: int = 30,
                 stride: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut the six channels into windows of ``length`` rows every ``stride`` rows, inside each piece.

    ``Timestamp`` is dropped. Returns ``(x, y, piece)``: ``x`` float32 of shape ``(n, length, 6)``, ``y`` the
    class index into ``CLASSES``, ``piece`` the piece each window comes from.
    """
    length = check_int("length", length, 2, 10_000)
    stride = check_int("stride", stride, 1, 10_000)
    values = frame.loc[:, list(CHANNELS)].to_numpy(dtype=np.float32)
    codes = frame["Class"].map({name: i for i, name in enumerate(CLASSES)}).to_numpy()
    starts, owners = [], []
    for owner in pd.unique(pieces):
        rows = np.flatnonzero(pieces == owner)
        for start in range(rows[0], rows[-1] - length + 2, stride):
            starts.append(start)
            owners.append(owner)
    if not starts:
        return (np.zeros((0, length, len(CHANNELS)), np.float32), np.zeros(0, int), np.zeros(0, int))
    index = np.asarray(starts)[:, None] + np.arange(length)
    return values[index], codes[index[:, 0]].astype(int), np.asarray(owners)


@dataclasses.dataclass(frozen=True)
class ChannelScaling:
    """Per-channel scaling ``(x - center) / spread``, learnt from the data given to :meth:`fit` only.

    ``method="standard"``: center = mean, spread = standard deviation (inputs of unit variance).
    ``method="minmax"``: the minimum and maximum map to −1 and +1.
    """

    method: str
    center: np.ndarray
    spread: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray, method: str = "standard") -> "ChannelScaling":
        """Learn each channel's statistics from ``x`` of shape ``(..., channels)`` — the training split only."""
        method = check_choice("method", method, SCALINGS)
        rows = np.asarray(x, dtype=np.float64).reshape(-1, np.shape(x)[-1])
        if method == "minmax":
            low, high = rows.min(axis=0), rows.max(axis=0)
            center, spread = (low + high) / 2, (high - low) / 2
        else:
            center, spread = rows.mean(axis=0), rows.std(axis=0)
        return cls(method, center, np.where(spread > 0, spread, 1.0))

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Scale ``x`` (float32); values beyond the fitted range are not clipped."""
        return ((np.asarray(x) - self.center) / self.spread).astype(np.float32)


@dataclasses.dataclass(frozen=True)
class DriverWindows:
    """Scaled windows of the three splits, and per row of the table: its split, piece (trip) and class."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    scaling: ChannelScaling
    row_split: np.ndarray
    row_piece: np.ndarray
    row_class: np.ndarray
    length: int
    stride: int
    classes: tuple[str, ...] = CLASSES
    channels: tuple[str, ...] = CHANNELS

    def counts(self) -> pd.DataFrame:
        """Windows and trips (pieces) per class and split."""
        table = {}
        for name, y in zip(SPLITS, (self.y_train, self.y_validation, self.y_test)):
            table[f"{name} windows"] = np.bincount(y, minlength=len(self.classes))
        for name in SPLITS:
            table[f"{name} trips"] = [
                len(np.unique(self.row_piece[(self.row_split == name) & (self.row_class == c)])) for c in self.classes]
        return pd.DataFrame(table, index=list(self.classes))


def prepare_driver_windows(frame: pd.DataFrame, length: int = 30, stride: int = 10, validation: float = 0.2,
                           test: float = 0.2, seed: int = 0, scaling: str = "standard") -> DriverWindows:
    """Split by trip (:func:`split_by_trip`), cut windows inside each piece (:func:`make_windows`), and scale
    every split with statistics of the training windows only (``scaling``: "standard" or "minmax", see
    :class:`ChannelScaling`)."""
    split, piece = split_by_trip(frame, validation, test, seed)
    parts = {}
    for name in SPLITS:
        rows = split == name
        x, y, _ = make_windows(frame.loc[rows].reset_index(drop=True), piece[rows], length, stride)
        if len(x) == 0:
            raise ValueError(f"the {name} split has no window of {length} rows: use shorter windows or more data")
        parts[name] = (x, y)
    fitted = ChannelScaling.fit(parts["train"][0], scaling)
    return DriverWindows(
        x_train=fitted.transform(parts["train"][0]), y_train=parts["train"][1],
        x_validation=fitted.transform(parts["validation"][0]), y_validation=parts["validation"][1],
        x_test=fitted.transform(parts["test"][0]), y_test=parts["test"][1],
        scaling=fitted, row_split=split, row_piece=piece, row_class=frame["Class"].to_numpy(),
        length=length, stride=stride)
