"""The driver-behaviour data: shipped CSV = generator, loader checks, trips, windows, split, scaling."""
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from edl_helpers import driver_data
from edl_helpers.driver_data import (
    MIN_ROWS, ChannelScaling, load_driver_data, make_windows, prepare_driver_windows, split_by_trip, trip_ids,
)
from edl_helpers.driver_synth import CHANNELS, CLASSES, COLUMNS, generate_driver_data

REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shipped():
    return load_driver_data()


@pytest.fixture(scope="module")
def small():
    """A small simulated table: 4 trips per class."""
    return generate_driver_data(trips_per_class=4, seed=3)


def write(tmp_path, frame, name="drive.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


# --- the shipped data and the generator -----------------------------------------------------------------

def test_generator_script_writes_the_shipped_file_byte_for_byte(tmp_path):
    """data/make_driver_data.py, on this machine's NumPy, reproduces the package-data CSV exactly."""
    spec = importlib.util.spec_from_file_location("make_driver_data", REPOSITORY / "data" / "make_driver_data.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.OUTPUT == Path(str(driver_data.DEFAULT_CSV)).resolve()  # it writes the file the loader reads
    script.main(["--output", str(tmp_path / "driver_behavior.csv")])
    assert (tmp_path / "driver_behavior.csv").read_bytes() == driver_data.DEFAULT_CSV.read_bytes()


def test_the_loader_is_exported_by_the_package():
    import edl_helpers

    assert edl_helpers.load_driver_data is load_driver_data
    assert edl_helpers.prepare_driver_windows is prepare_driver_windows


def test_the_shipped_data_is_package_data(shipped):
    """The CSV sits inside the package (so a wheel and Colab get it) and is what load_driver_data() returns."""
    assert Path(str(driver_data.DEFAULT_CSV)).parent.parent == Path(driver_data.__file__).parent
    assert list(shipped.columns) == list(COLUMNS)
    pd.testing.assert_frame_equal(shipped, load_driver_data(Path(str(driver_data.DEFAULT_CSV))))


def test_generator_is_seeded(small):
    pd.testing.assert_frame_equal(small, generate_driver_data(trips_per_class=4, seed=3))
    assert not small.equals(generate_driver_data(trips_per_class=4, seed=4))


def test_shipped_data_is_balanced_and_zero_mean(shipped):
    shares = shipped["Class"].value_counts(normalize=True)
    assert set(shares.index) == set(CLASSES) and shares.min() > 0.3
    by_class = shipped.groupby("Class")[list(CHANNELS)]
    ratio = (by_class.mean().abs() / by_class.std()).to_numpy()
    assert (ratio < 0.1).all(), "every channel averages about zero in every class"


def test_shipped_data_is_small_and_has_several_trips_per_class(shipped):
    trips = pd.Series(trip_ids(shipped)).groupby(shipped["Class"].to_numpy()).nunique()
    assert (trips >= 10).all()
    assert len(driver_data.DEFAULT_CSV.read_bytes()) < 5e6


# --- bad input: each failure names the problem -----------------------------------------------------------

def test_missing_column(tmp_path, small):
    with pytest.raises(ValueError, match=r"missing column\(s\) 'GyroZ'"):
        load_driver_data(write(tmp_path, small.drop(columns="GyroZ")))


def test_misspelt_column_is_named(tmp_path, small):
    with pytest.raises(ValueError, match=r"'AccY' \(found 'Acc_Y': misspelt\?\)"):
        load_driver_data(write(tmp_path, small.rename(columns={"AccY": "Acc_Y"})))
    with pytest.raises(ValueError, match=r"'Class' \(found 'class'"):
        load_driver_data(write(tmp_path, small.rename(columns={"Class": "class"})))


def test_non_numeric_value_names_column_and_row(tmp_path, small):
    bad = small.astype({"AccZ": object})
    bad.loc[7, "AccZ"] = "0.1g"
    with pytest.raises(ValueError, match=r"column 'AccZ' holds a non-numeric value '0.1g' in row 7"):
        load_driver_data(write(tmp_path, bad))


def test_nan_names_column_and_row(tmp_path, small):
    bad = small.copy()
    bad.loc[12, "GyroX"] = np.nan
    with pytest.raises(ValueError, match=r"column 'GyroX' has a NaN or infinite value in row 12"):
        load_driver_data(write(tmp_path, bad))
    with pytest.raises(ValueError, match=r"column 'GyroX' has a NaN"):
        driver_data.validate_driver_frame(bad)


def test_unknown_class_label_names_label_and_row(tmp_path, small):
    bad = small.copy()
    bad.loc[20, "Class"] = "RECKLESS"
    with pytest.raises(ValueError, match=r"unknown class label 'RECKLESS' in row 20"):
        load_driver_data(write(tmp_path, bad))


def test_too_short_file(tmp_path, small):
    with pytest.raises(ValueError, match=rf"too short: 10 rows, at least {MIN_ROWS}"):
        load_driver_data(write(tmp_path, small.head(10)))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_driver_data(tmp_path / "nowhere.csv")


def test_empty_lines_and_extra_columns_are_reported(tmp_path, small, capsys):
    path = write(tmp_path, small.assign(Note="x"))
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:5] + ["", " , "] + lines[5:]) + "\n")
    frame = load_driver_data(path)
    out = capsys.readouterr().out
    assert "dropped 2 empty line(s)" in out and "extra column(s): Note" in out
    assert len(frame) == len(small) and list(frame.columns) == list(COLUMNS)


def test_columns_may_come_in_any_order(tmp_path, small):
    frame = load_driver_data(write(tmp_path, small[list(COLUMNS)[::-1]]))
    assert list(frame.columns) == list(COLUMNS)
    np.testing.assert_allclose(frame["AccX"], small["AccX"])


# --- trips, split, windows, scaling -----------------------------------------------------------------------

def test_trip_ids_start_at_gaps_class_changes_and_backward_jumps():
    frame = pd.DataFrame({"Timestamp": [0, 0, 1, 1, 40, 41, 41, 3, 4, 5],
                          "Class": ["SLOW"] * 6 + ["NORMAL"] + ["NORMAL"] * 3})
    np.testing.assert_array_equal(trip_ids(frame), [0, 0, 0, 0, 1, 1, 2, 3, 3, 3])


def test_split_keeps_trips_whole_and_covers_every_class(small):
    split, piece = split_by_trip(small, validation=0.25, test=0.25, seed=1)
    for owner in np.unique(piece):
        assert len(set(split[piece == owner])) == 1, "a trip is in one split only"
    for name in driver_data.SPLITS:
        assert set(small.loc[split == name, "Class"]) == set(CLASSES)


def test_a_lone_trip_per_class_is_cut_into_pieces(small, capsys):
    one_trip = small[trip_ids(small) % 4 == 0].copy()  # the first trip of each class
    split, piece = split_by_trip(one_trip)
    assert "cut into 5 contiguous pieces" in capsys.readouterr().out
    for name in driver_data.SPLITS:
        assert set(one_trip.loc[split == name, "Class"]) == set(CLASSES)


def test_windows_never_cross_pieces_and_drop_the_timestamp(small):
    pieces = trip_ids(small)
    x, y, owner = make_windows(small, pieces, length=20, stride=7)
    assert x.shape[1:] == (20, len(CHANNELS)) and x.dtype == np.float32
    values = small[list(CHANNELS)].to_numpy(dtype=np.float32)
    codes = small["Class"].map({name: i for i, name in enumerate(CLASSES)}).to_numpy()
    for window, label, trip in zip(x[::25], y[::25], owner[::25]):
        start = np.flatnonzero((values == window[0]).all(axis=1))[0]
        assert (pieces[start:start + 20] == trip).all()
        assert (codes[start:start + 20] == label).all()
    expected = sum((n - 20) // 7 + 1 for n in np.bincount(pieces) if n >= 20)
    assert len(x) == expected


@pytest.mark.parametrize("method", ["standard", "minmax"])
def test_scaling_statistics_come_from_the_training_split_only(small, method):
    windows = prepare_driver_windows(small, length=20, stride=10, seed=2, scaling=method)
    train = windows.row_split == "train"
    x_train_raw = make_windows(small.loc[train].reset_index(drop=True), windows.row_piece[train], 20, 10)[0]
    rows = x_train_raw.reshape(-1, len(CHANNELS)).astype(np.float64)
    if method == "standard":
        np.testing.assert_allclose(windows.scaling.center, rows.mean(axis=0), rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(windows.scaling.spread, rows.std(axis=0), rtol=1e-6)
        flat = windows.x_train.reshape(-1, len(CHANNELS))
        np.testing.assert_allclose(flat.mean(axis=0), 0, atol=1e-4)
        np.testing.assert_allclose(flat.std(axis=0), 1, atol=1e-4)
    else:
        np.testing.assert_allclose(windows.scaling.center - windows.scaling.spread, rows.min(axis=0), rtol=1e-6)
        np.testing.assert_allclose(windows.scaling.center + windows.scaling.spread, rows.max(axis=0), rtol=1e-6)
        assert windows.x_train.min() >= -1 - 1e-5 and windows.x_train.max() <= 1 + 1e-5
    # an outlier planted in the test split does not move the scaling
    planted = small.copy()
    planted.loc[np.flatnonzero(windows.row_split == "test")[3], "AccX"] = 1000.0
    again = prepare_driver_windows(planted, length=20, stride=10, seed=2, scaling=method)
    np.testing.assert_array_equal(again.scaling.center, windows.scaling.center)
    np.testing.assert_array_equal(again.scaling.spread, windows.scaling.spread)
    assert again.x_test.max() > 100


def test_counts_table(small):
    windows = prepare_driver_windows(small, length=20, stride=10, seed=2)
    counts = windows.counts()
    assert list(counts.index) == list(CLASSES)
    assert counts["train windows"].sum() == len(windows.y_train)
    assert (counts[["train trips", "validation trips", "test trips"]] >= 1).all().all()


def test_channel_scaling_round_numbers():
    x = np.array([[0.0, -2.0], [10.0, 2.0]])
    minmax = ChannelScaling.fit(x, "minmax")
    np.testing.assert_allclose(minmax.transform(np.array([[5.0, 0.0], [10.0, -2.0]])), [[0, 0], [1, -1]])
    standard = ChannelScaling.fit(x)
    np.testing.assert_allclose(standard.transform(x), [[-1, -1], [1, 1]])
    with pytest.raises(ValueError, match="method must be one of"):
        ChannelScaling.fit(x, "robust")


# --- the real Kaggle files as they come: two CSVs, a folder, a list -------------------------------------------

def kaggle_files(tmp_path, small, restart=True):
    """Kaggle-shaped train and test files: in each, every class is one continuous trip on one clock.

    The train file holds the first two simulated trips of each class, the test file the other two. With
    ``restart`` the test file's clock starts again where the train file's did (the two clocks overlap);
    otherwise it goes straight on from the train file's last row, in the train file's last class.
    """
    trips = trip_ids(small)
    per_class = small.groupby("Class", sort=False).ngroup().to_numpy()
    first_half = (trips - per_class * 4) < 2  # 4 trips per class, in class order
    train, test = small.loc[first_half], small.loc[~first_half]
    if not restart:  # the test file begins with the class the train file ends with
        order = {name: i for i, name in enumerate(reversed(CLASSES))}
        test = test.sort_values("Class", key=lambda c: c.map(order), kind="stable")
    parts = {"train_motion_data.csv": train.reset_index(drop=True), "test_motion_data.csv": test.reset_index(drop=True)}
    start = 3_581_629
    for part in parts.values():
        part["Timestamp"] = (start + np.arange(len(part)) // 2).astype(int)
        if not restart:
            start = int(part["Timestamp"].iloc[-1]) + 1
    folder = tmp_path / "archive"
    folder.mkdir()
    for name, part in parts.items():
        part.to_csv(folder / name, index=False)
    return folder, parts


def test_kaggle_train_and_test_files_load_as_a_list(tmp_path, small, capsys):
    folder, parts = kaggle_files(tmp_path, small)
    frame = load_driver_data([folder / "train_motion_data.csv", folder / "test_motion_data.csv"])
    assert list(frame.columns) == list(COLUMNS) + [driver_data.SOURCE]
    assert len(frame) == len(small)
    names = ["train_motion_data.csv", "test_motion_data.csv"]
    assert list(pd.unique(frame[driver_data.SOURCE])) == names
    for name in names:
        np.testing.assert_allclose(frame.loc[frame[driver_data.SOURCE] == name, "AccX"], parts[name]["AccX"])
    assert "2 files stacked in this order" in capsys.readouterr().out


def test_a_folder_reads_its_csv_files_in_name_order(tmp_path, small):
    folder, _ = kaggle_files(tmp_path, small)
    (folder / "README.txt").write_text("not a CSV")
    frame = load_driver_data(folder)
    assert list(pd.unique(frame[driver_data.SOURCE])) == ["test_motion_data.csv", "train_motion_data.csv"]
    listed = load_driver_data(str(folder / "test_motion_data.csv") + " , " + str(folder / "train_motion_data.csv"))
    pd.testing.assert_frame_equal(frame, listed)  # a comma-separated string is a list (a notebook's text field)
    as_tuple = (folder / "test_motion_data.csv", str(folder / "train_motion_data.csv"))  # paths or strings
    pd.testing.assert_frame_equal(frame, load_driver_data(as_tuple))


def test_one_file_in_a_list_loads_as_that_file(tmp_path, small):
    path = write(tmp_path, small)
    pd.testing.assert_frame_equal(load_driver_data([path]), load_driver_data(path))
    assert driver_data.SOURCE not in load_driver_data([str(path)]).columns


@pytest.mark.parametrize("restart", [True, False], ids=["clock restarts", "clock goes on"])
def test_a_new_file_starts_a_new_trip(tmp_path, small, restart):
    """Whether the second file's clock restarts or continues in the same class, no trip spans two files."""
    folder, parts = kaggle_files(tmp_path, small, restart=restart)
    frame = load_driver_data([folder / "train_motion_data.csv", folder / "test_motion_data.csv"])
    boundary = len(parts["train_motion_data.csv"])
    if not restart:  # without the file column, the clock and the class would glue the two files together
        assert frame.loc[boundary - 1, "Class"] == frame.loc[boundary, "Class"]
        assert trip_ids(frame.drop(columns=driver_data.SOURCE))[boundary - 1:boundary + 1].tolist() == [2, 2]
    trips = trip_ids(frame)
    assert trips[boundary] == trips[boundary - 1] + 1
    assert len(np.unique(trips)) == 6  # one trip per class in each file
    for trip in np.unique(trips):
        assert frame.loc[trips == trip, driver_data.SOURCE].nunique() == 1
    windows = prepare_driver_windows(frame, length=20, stride=10, seed=0)
    for piece in np.unique(windows.row_piece):
        assert frame.loc[windows.row_piece == piece, driver_data.SOURCE].nunique() == 1


def test_files_of_the_same_name_in_two_folders_stay_apart(tmp_path, small):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    half = len(small) // 2
    small.iloc[:half].to_csv(first / "drive.csv", index=False)
    small.iloc[half:].to_csv(second / "drive.csv", index=False)
    frame = load_driver_data([first / "drive.csv", second / "drive.csv"])
    assert list(pd.unique(frame[driver_data.SOURCE])) == [str(first / "drive.csv"), str(second / "drive.csv")]
    assert trip_ids(frame)[half] == trip_ids(frame)[half - 1] + 1


def test_several_files_bad_input_is_named(tmp_path, small):
    folder, parts = kaggle_files(tmp_path, small)
    train = folder / "train_motion_data.csv"
    with pytest.raises(ValueError, match="empty list"):
        load_driver_data([])
    with pytest.raises(FileNotFoundError, match="no driver-behaviour CSV at .*nowhere.csv"):
        load_driver_data([train, tmp_path / "nowhere.csv"])
    with pytest.raises(FileNotFoundError, match="no .csv file in the folder"):
        (tmp_path / "empty").mkdir()
        load_driver_data(tmp_path / "empty")
    with pytest.raises(ValueError, match="listed twice"):
        load_driver_data([train, folder])
    parts["test_motion_data.csv"].drop(columns="GyroZ").to_csv(folder / "test_motion_data.csv", index=False)
    with pytest.raises(ValueError, match=r"test_motion_data.csv: missing column\(s\) 'GyroZ'"):
        load_driver_data([train, folder / "test_motion_data.csv"])
    with pytest.raises(ValueError, match=r"test_motion_data.csv: missing column\(s\) 'GyroZ'"):
        load_driver_data(folder)
