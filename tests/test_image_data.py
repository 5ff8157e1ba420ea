"""MNIST / Fashion-MNIST loader: local folders, IDX parsing, Keras cache, Debian package, digits fallback.

No test touches the network: an autouse fixture makes every Keras download attempt fail, and the Keras
cache and Debian folders point to empty temporary folders unless a test says otherwise.
"""
import gzip
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from edl_helpers import image_data
from edl_helpers.image_data import FALLBACK_NAME, FASHION_NAMES, ImageData, load_mnist, read_idx, subsample

N_TRAIN, N_TEST = 30, 10
REAL_DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
SHARED_TEST_SET = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist-t10k"


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No network, no real caches: downloads fail, caches and Debian folders are empty, no EDL_DATA_DIR."""
    def no_download(dataset):
        raise AssertionError("tests must never download")  # any Exception: the loader falls back

    monkeypatch.setattr(image_data, "_keras_download", no_download)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(image_data, "KERAS_CACHE_DIRS", (empty / "keras",))
    monkeypatch.setattr(image_data, "DEBIAN_DIRS", {"fashion_mnist": empty / "debian"})
    monkeypatch.delenv("EDL_DATA_DIR", raising=False)


def fake_split(n, seed):
    """Random images and labels 0..9 (every class present when n >= 10)."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), (np.arange(n) % 10).astype(np.uint8)


@pytest.fixture
def fake():
    x_train, y_train = fake_split(N_TRAIN, 1)
    x_test, y_test = fake_split(N_TEST, 2)
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def idx_bytes(array):
    """Encode a uint8 array as IDX: 00 00 08 ndim, big-endian sizes, data."""
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


IDX_NAMES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
             "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}


def write_idx(folder, arrays, gz):
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in IDX_NAMES.items():
        payload = idx_bytes(arrays[key])
        if gz:
            (folder / (name + ".gz")).write_bytes(gzip.compress(payload))
        else:
            (folder / name).write_bytes(payload)
    return folder


def assert_same(data, arrays):
    for key in IDX_NAMES:
        got = getattr(data, key)
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])
    assert data.x_train.shape == (N_TRAIN, 28, 28) and data.x_test.shape == (N_TEST, 28, 28)
    assert data.y_train.shape == (N_TRAIN,) and data.y_test.shape == (N_TEST,)


# ------------------------------------------------------------------------------------------ IDX parser

@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_round_trip(tmp_path, fake, gz):
    path = tmp_path / ("images.gz" if gz else "images")
    payload = idx_bytes(fake["x_train"])
    path.write_bytes(gzip.compress(payload) if gz else payload)
    np.testing.assert_array_equal(read_idx(path), fake["x_train"])


def test_read_idx_other_dtype(tmp_path):
    values = np.arange(6, dtype=">i4").reshape(2, 3)
    path = tmp_path / "ints"
    path.write_bytes(bytes([0, 0, 0x0C, 2]) + np.array([2, 3], ">u4").tobytes() + values.tobytes())
    result = read_idx(path)
    assert result.dtype == np.int32 and result.tolist() == [[0, 1, 2], [3, 4, 5]]


@pytest.mark.parametrize("content, message", [
    (b"\x00\x00\x08\x01", "truncated"),                       # header announces one size, none given
    (bytes([0, 0, 8, 1]) + np.array([5], ">u4").tobytes() + b"\x01\x02", "truncated"),
    (bytes([0, 0, 8, 1]) + np.array([1], ">u4").tobytes() + b"\x01\x02", "longer"),
    (b"\x12\x34\x08\x01\x00\x00\x00\x01\x05", "magic"),       # first two bytes must be zero
    (b"\x00\x00\x42\x01\x00\x00\x00\x01\x05", "magic"),       # unknown type byte
    (b"", "magic"),
])
def test_read_idx_malformed_names_file(tmp_path, content, message):
    path = tmp_path / "broken-idx1-ubyte"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as error:
        read_idx(path)
    assert str(path) in str(error.value)


def test_read_idx_truncated_gzip_names_file(tmp_path, fake):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(fake["x_train"]))[:-40])
    with pytest.raises(ValueError, match="gzip") as error:
        read_idx(path)
    assert str(path) in str(error.value)


# --------------------------------------------------------------------------------------- local folders

def test_unknown_dataset_lists_choices():
    with pytest.raises(ValueError, match="dataset.*'mnist'.*'fashion_mnist'"):
        load_mnist("cifar10")


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="data_dir"):
        load_mnist(data_dir=tmp_path / "does-not-exist")
    with pytest.raises(ValueError, match="allow_download"):
        load_mnist(allow_download="no")


def test_plain_idx_directly_in_data_dir(tmp_path, fake, capsys):
    write_idx(tmp_path / "data", fake, gz=False)
    data = load_mnist("mnist", data_dir=tmp_path / "data", allow_download=False)
    assert_same(data, fake)
    assert (data.name, data.source, data.class_names) == ("mnist", "data_dir", tuple("0123456789"))
    assert not data.is_fallback
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [f"mnist: {N_TRAIN} train / {N_TEST} test images from data_dir ({tmp_path / 'data'})"]


@pytest.mark.parametrize("subfolder", ["fashion_mnist", "fashion-mnist"])
def test_gz_idx_in_dataset_subfolder(tmp_path, fake, subfolder):
    write_idx(tmp_path / subfolder, fake, gz=True)
    data = load_mnist("fashion_mnist", data_dir=str(tmp_path), allow_download=False)
    assert_same(data, fake)
    assert data.name == "fashion_mnist" and data.class_names == FASHION_NAMES
    assert data.class_names[0] == "T-shirt/top" and data.class_names[9] == "Ankle boot"


def test_subfolder_wins_over_files_directly_in_folder(tmp_path, fake):
    other = {key: value[::-1].copy() for key, value in fake.items()}
    write_idx(tmp_path, other, gz=False)            # e.g. MNIST dumped straight into the folder
    write_idx(tmp_path / "fashion_mnist", fake, gz=True)
    assert_same(load_mnist("fashion_mnist", data_dir=tmp_path, allow_download=False), fake)
    assert_same(load_mnist("mnist", data_dir=tmp_path, allow_download=False), other)


def test_npz_via_environment_variable(tmp_path, fake, monkeypatch, capsys):
    np.savez(tmp_path / "mnist.npz", **fake)
    monkeypatch.setenv("EDL_DATA_DIR", str(tmp_path))
    data = load_mnist("mnist", allow_download=False)
    assert_same(data, fake)
    assert data.source == "EDL_DATA_DIR" and data.path == str(tmp_path / "mnist.npz")
    assert "from EDL_DATA_DIR" in capsys.readouterr().out


def test_fashion_npz_and_idx_via_environment_variable(tmp_path, fake, monkeypatch):
    np.savez_compressed(tmp_path / "fashion_mnist.npz", **fake)
    write_idx(tmp_path / "mnist", {key: value[::-1].copy() for key, value in fake.items()}, gz=True)
    monkeypatch.setenv("EDL_DATA_DIR", str(tmp_path))
    assert_same(load_mnist("fashion_mnist", allow_download=False), fake)
    assert load_mnist("mnist", allow_download=False).y_train[0] == fake["y_train"][-1]


def test_npz_missing_key_names_file(tmp_path, fake):
    np.savez(tmp_path / "mnist.npz", x_train=fake["x_train"], y_train=fake["y_train"])
    with pytest.raises(ValueError, match="x_test") as error:
        load_mnist(data_dir=tmp_path, allow_download=False)
    assert "mnist.npz" in str(error.value)


def test_damaged_npz_names_file(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match="mnist.npz"):
        load_mnist(data_dir=tmp_path, allow_download=False)


def test_incomplete_idx_set_lists_missing_files(tmp_path, fake):
    write_idx(tmp_path, fake, gz=False)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte"):
        load_mnist(data_dir=tmp_path, allow_download=False)


def test_malformed_idx_in_data_dir_names_file(tmp_path, fake):
    write_idx(tmp_path, fake, gz=False)
    broken = tmp_path / "train-labels-idx1-ubyte"
    broken.write_bytes(broken.read_bytes()[:-3])
    with pytest.raises(ValueError, match="truncated") as error:
        load_mnist(data_dir=tmp_path, allow_download=False)
    assert str(broken) in str(error.value)


def test_wrong_image_size_and_label_mismatch(tmp_path, fake):
    write_idx(tmp_path / "a", dict(fake, x_train=np.zeros((N_TRAIN, 8, 8), np.uint8)), gz=False)
    with pytest.raises(ValueError, match=r"x_train must have shape \(n, 28, 28\)"):
        load_mnist(data_dir=tmp_path / "a", allow_download=False)
    write_idx(tmp_path / "b", dict(fake, y_test=fake["y_test"][:-1]), gz=False)
    with pytest.raises(ValueError, match="test split has 10 images and 9 labels"):
        load_mnist(data_dir=tmp_path / "b", allow_download=False)


# ------------------------------------------------------------ the MNIST test set alone: mnist_t10k_split

def write_test_pair(folder, n=50, gz=True):
    """Only t10k-images + t10k-labels (n images, classes 0..9 in turn), like ../shared/data/mnist-t10k."""
    x, y = fake_split(n, 7)
    write_idx(folder, {"x_train": x, "y_train": y, "x_test": x, "y_test": y}, gz=gz)
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        (folder / (name + (".gz" if gz else ""))).unlink()
    return x, y


@pytest.mark.parametrize("gz", [True, False])
def test_test_pair_alone_is_served_as_its_own_split(tmp_path, monkeypatch, capsys, gz):
    x, y = write_test_pair(tmp_path, n=50, gz=gz)
    monkeypatch.setenv("EDL_DATA_DIR", str(tmp_path))
    data = load_mnist("mnist")  # downloads allowed: the local test digits still come first
    assert (data.name, data.source, data.path) == ("mnist_t10k_split", "EDL_DATA_DIR", str(tmp_path))
    assert not data.is_fallback and data.class_names == tuple("0123456789")
    assert len(data.y_train) == 40 and len(data.y_test) == 10
    assert np.bincount(data.y_test).tolist() == [1] * 10 and np.bincount(data.y_train).tolist() == [4] * 10
    # the two parts are disjoint and together are the whole file, image with its own label
    images = np.concatenate([data.x_train, data.x_test]).reshape(50, -1)
    order = np.lexsort(images.T[::-1])
    np.testing.assert_array_equal(images[order], x.reshape(50, -1)[np.lexsort(x.reshape(50, -1).T[::-1])])
    for image, label in zip(np.concatenate([data.x_train, data.x_test]), np.concatenate([data.y_train, data.y_test])):
        assert y[np.flatnonzero((x == image).all(axis=(1, 2)))[0]] == label
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Only the MNIST test set is available here") and lines[0].count(". ") == 0
    assert "mnist_t10k_split" in lines[0] and "not the standard 60,000/10,000 MNIST benchmark" in lines[0]
    assert lines[1] == f"mnist_t10k_split: 40 train / 10 test images from EDL_DATA_DIR ({tmp_path.name})"  # no absolute path
    again = load_mnist("mnist", data_dir=tmp_path)  # the same split every time
    np.testing.assert_array_equal(again.x_test, data.x_test)
    assert again.source == "data_dir"


def test_test_pair_in_mnist_subfolder(tmp_path):
    write_test_pair(tmp_path / "mnist", n=20)
    data = load_mnist("mnist", data_dir=tmp_path, allow_download=False)
    assert data.name == "mnist_t10k_split" and data.path == str(tmp_path / "mnist")
    assert (len(data.y_train), len(data.y_test)) == (16, 4)


def test_fashion_request_never_takes_the_mnist_test_pair(tmp_path, monkeypatch):
    write_test_pair(tmp_path)
    write_test_pair(tmp_path / "mnist")
    monkeypatch.setenv("EDL_DATA_DIR", str(tmp_path))
    assert load_mnist("fashion_mnist").name == FALLBACK_NAME


def test_full_mnist_comes_before_the_test_pair(tmp_path, fake, monkeypatch):
    write_test_pair(tmp_path / "pair")
    cache = tmp_path / "cache"
    cache.mkdir()
    np.savez(cache / "mnist.npz", **fake)
    monkeypatch.setattr(image_data, "KERAS_CACHE_DIRS", (cache,))
    data = load_mnist("mnist", data_dir=tmp_path / "pair")
    assert (data.name, data.source) == ("mnist", "Keras cache")
    write_idx(tmp_path / "full", fake, gz=True)
    write_test_pair(tmp_path / "full" / "mnist")  # the full set in the folder itself wins too
    assert load_mnist("mnist", data_dir=tmp_path / "full").name == "mnist"


def test_test_pair_with_mismatched_counts_names_folder(tmp_path):
    write_test_pair(tmp_path, n=20, gz=False)
    labels = tmp_path / "t10k-labels-idx1-ubyte"
    labels.write_bytes(idx_bytes(np.zeros(19, np.uint8)))
    with pytest.raises(ValueError, match="20 images and 19 labels") as error:
        load_mnist("mnist", data_dir=tmp_path, allow_download=False)
    assert str(tmp_path) in str(error.value)


@pytest.mark.skipif(not SHARED_TEST_SET.is_dir(), reason="../shared/data/mnist-t10k not on this machine")
def test_real_mnist_test_set_split():
    data = load_mnist("mnist", data_dir=SHARED_TEST_SET, allow_download=False)
    assert data.name == "mnist_t10k_split" and (len(data.y_train), len(data.y_test)) == (8000, 2000)
    assert np.bincount(data.y_test).tolist() == [196, 227, 206, 202, 196, 178, 192, 206, 195, 202]


# --------------------------------------------------------------- Keras cache, Debian package, download

def test_keras_cache_under_home(tmp_path, fake, monkeypatch):
    monkeypatch.setattr(image_data, "KERAS_CACHE_DIRS", None)  # the real lookup, with HOME moved
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    cache = tmp_path / ".keras" / "datasets"
    cache.mkdir(parents=True)
    np.savez(cache / "mnist.npz", **fake)
    write_idx(cache / "fashion-mnist", fake, gz=True)
    for dataset in ("mnist", "fashion_mnist"):
        data = load_mnist(dataset, allow_download=False)
        assert_same(data, fake)
        assert data.source == "Keras cache" and data.name == dataset


def test_data_dir_comes_before_keras_cache(tmp_path, fake, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    np.savez(cache / "mnist.npz", **{key: value[::-1].copy() for key, value in fake.items()})
    monkeypatch.setattr(image_data, "KERAS_CACHE_DIRS", (cache,))
    np.savez(tmp_path / "mnist.npz", **fake)
    assert_same(load_mnist(data_dir=tmp_path, allow_download=False), fake)
    assert load_mnist(allow_download=False).source == "Keras cache"


def test_fake_debian_folder_for_fashion(tmp_path, fake, monkeypatch, capsys):
    debian = write_idx(tmp_path / "debian", fake, gz=True)
    monkeypatch.setattr(image_data, "DEBIAN_DIRS", {"fashion_mnist": debian})
    data = load_mnist("fashion_mnist", allow_download=False)
    assert_same(data, fake)
    assert data.source == "Debian package dataset-fashion-mnist"
    assert capsys.readouterr().out.strip().endswith("from the Debian package dataset-fashion-mnist")


@pytest.mark.skipif(not REAL_DEBIAN_DIR.is_dir(), reason="Debian package dataset-fashion-mnist not installed")
def test_real_debian_fashion_mnist(monkeypatch):
    monkeypatch.setattr(image_data, "DEBIAN_DIRS", {"fashion_mnist": REAL_DEBIAN_DIR})
    data = load_mnist("fashion_mnist", allow_download=False)
    assert data.name == "fashion_mnist" and data.source.startswith("Debian package")
    assert data.x_train.shape == (60000, 28, 28) and data.x_test.shape == (10000, 28, 28)
    assert data.x_train.dtype == np.uint8 and np.bincount(data.y_test).tolist() == [1000] * 10


def test_successful_download_is_used(fake, monkeypatch, capsys):
    def download(dataset):
        print("Downloading data from https://example.invalid")  # Keras' own chatter is swallowed
        return fake["x_train"], fake["y_train"], fake["x_test"], fake["y_test"]

    monkeypatch.setattr(image_data, "_keras_download", download)
    data = load_mnist("mnist")
    assert_same(data, fake)
    assert data.source == "Keras download"
    assert capsys.readouterr().out.strip().splitlines() == [
        f"mnist: {N_TRAIN} train / {N_TEST} test images from Keras' download (now in its cache)"]


# ------------------------------------------------------------------------------------------- fallback

@pytest.mark.parametrize("dataset, allow_download, opening, reason", [
    ("mnist", True, "MNIST is not available here", "the download failed"),
    ("mnist", False, "MNIST is not available here", "downloading is switched off"),
    ("fashion_mnist", True, "Fashion-MNIST was not found", "the download failed"),
])
def test_digits_fallback(dataset, allow_download, opening, reason, capsys):
    data = load_mnist(dataset, allow_download=allow_download)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(opening) and reason in lines[0] and "28×28" in lines[0]
    assert lines[0].count(". ") == 0 and lines[0].endswith(".")  # one sentence
    assert lines[1] == "digits_fallback: 1,347 train / 450 test images from scikit-learn's load_digits"
    assert data.name == FALLBACK_NAME and data.is_fallback and data.source == "sklearn fallback"
    assert data.class_names == tuple("0123456789")
    for x, y in ((data.x_train, data.y_train), (data.x_test, data.y_test)):
        assert x.dtype == np.uint8 and x.shape[1:] == (28, 28) and len(x) == len(y)
        assert sorted(np.unique(y).tolist()) == list(range(10))
    assert data.x_train.max() == 255 and data.x_train[:, :4].max() == 0  # MNIST-like empty border
    again = load_mnist(dataset, allow_download=False)
    np.testing.assert_array_equal(again.y_test, data.y_test)  # deterministic split


# ------------------------------------------------------------------------------------------ subsample

def make_data(n_train=200, n_test=50):
    x_train, y_train = fake_split(n_train, 3)
    x_test, y_test = fake_split(n_test, 4)
    return ImageData(x_train, y_train, x_test, y_test, "mnist", "test", tuple("0123456789"))


def test_subsample_is_stratified_and_seeded():
    data = make_data()
    small = subsample(data, 100, 20, seed=5)
    assert small.x_train.shape == (100, 28, 28) and small.x_test.shape == (20, 28, 28)
    assert np.bincount(small.y_train).tolist() == [10] * 10 and np.bincount(small.y_test).tolist() == [2] * 10
    assert (small.name, small.source, small.class_names) == (data.name, data.source, data.class_names)
    same = subsample(data, 100, 20, seed=5)
    np.testing.assert_array_equal(same.x_train, small.x_train)
    assert not np.array_equal(subsample(data, 100, 20, seed=6).x_train, small.x_train)
    odd = subsample(data, 13, 3, seed=0)  # fewer than one per class still works
    assert len(odd.y_train) == 13 and len(odd.y_test) == 3
    full = subsample(data, 200, 50, seed=0)
    np.testing.assert_array_equal(full.x_train, data.x_train)


@pytest.mark.parametrize("n_train, n_test, seed, name", [
    (0, 10, 0, "n_train"), (201, 10, 0, "n_train"), (10, 0, 0, "n_test"), (10, 51, 0, "n_test"),
    (10, 10, -1, "seed"), (2.5, 10, 0, "n_train"),
])
def test_subsample_rejects_bad_sizes(n_train, n_test, seed, name):
    with pytest.raises(ValueError, match=name):
        subsample(make_data(), n_train, n_test, seed)


def test_import_does_not_load_tensorflow():
    code = ("import sys, edl_helpers.image_data; "
            "assert not {'tensorflow', 'keras'} & set(sys.modules), 'TensorFlow/Keras imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


REAL_DOWNLOAD = image_data._keras_download  # taken at import, before the fixture above replaces it


def test_offline_loaders_never_try_the_network(monkeypatch):
    monkeypatch.setenv("EDL_OFFLINE", "1")
    assert image_data.offline()
    with pytest.raises(ConnectionError, match="no download attempted"):
        REAL_DOWNLOAD("mnist")
    monkeypatch.setenv("EDL_OFFLINE", "0")
    assert not image_data.offline()
