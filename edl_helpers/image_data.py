"""MNIST and Fashion-MNIST that load offline when they can, with clearly-labelled stand-ins when not.

:func:`load_mnist` looks, in order, in a local data folder (``data_dir`` or ``$EDL_DATA_DIR``), in Keras'
cache, in the Debian package ``dataset-fashion-mnist`` (Fashion-MNIST only); for MNIST it then takes a local
folder holding only the official test-set pair (``t10k-*``) and serves those 10,000 real digits as a data set of
their own, ``mnist_t10k_split`` (a seeded, stratified 8,000/2,000 split, not the standard benchmark); then it
asks Keras to download (if allowed, and unless ``$EDL_OFFLINE`` is set, as under pytest), and as a last
resort serves scikit-learn's bundled 8x8 digits upscaled to 28x28. It prints one line saying where the data
came from (plus one sentence when it serves a stand-in). TensorFlow/Keras is imported only for the download, so
importing this module stays fast.

Quick mode is not handled here: notebooks shrink the data themselves with :func:`subsample`.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gzip
import io
import os
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .validation import check_choice, check_int

DATASETS = ("mnist", "fashion_mnist")
FALLBACK_NAME = "digits_fallback"
T10K_SPLIT_NAME = "mnist_t10k_split"  # the 10,000 MNIST test digits split into training and test parts
T10K_TEST_SHARE = 0.2  # of each class, for the test part: 2,000 of the 10,000 official test digits
T10K_SPLIT_SEED = 0  # fixed, so every notebook (and every run) gets the same split
DATA_DIR_VARIABLE = "EDL_DATA_DIR"
OFFLINE_VARIABLE = "EDL_OFFLINE"  # set (to anything but "", "0"): never attempt a download

DIGIT_NAMES = tuple(str(digit) for digit in range(10))
FASHION_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
CLASS_NAMES = {"mnist": DIGIT_NAMES, "fashion_mnist": FASHION_NAMES, FALLBACK_NAME: DIGIT_NAMES,
               T10K_SPLIT_NAME: DIGIT_NAMES}
_TITLES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}

# Where to look; module-level so tests (or unusual machines) can point them elsewhere.
# None means: $KERAS_HOME/datasets if KERAS_HOME is set, else ~/.keras/datasets; then /tmp/.keras/datasets
# (where Keras caches when the home folder is not writable).
KERAS_CACHE_DIRS: tuple[Path, ...] | None = None
DEBIAN_DIRS: dict[str, Path] = {"fashion_mnist": Path("/usr/share/datasets/fashion-mnist")}
DEBIAN_PACKAGES: dict[str, str] = {"fashion_mnist": "dataset-fashion-mnist"}

# Local-folder layout: Keras-style .npz names, subfolders named after the dataset, and the four IDX files.
_NPZ_NAMES = {"mnist": ("mnist.npz",), "fashion_mnist": ("fashion_mnist.npz", "fashion-mnist.npz")}
_SUBFOLDERS = {"mnist": ("mnist", "MNIST", "MNIST/raw"),
               "fashion_mnist": ("fashion_mnist", "fashion-mnist", "FashionMNIST", "FashionMNIST/raw")}
_IDX_FILES = {"x_train": ("train-images", "idx3"), "y_train": ("train-labels", "idx1"),
              "x_test": ("t10k-images", "idx3"), "y_test": ("t10k-labels", "idx1")}
_NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")

# IDX type byte -> big-endian NumPy dtype (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT").
_IDX_DTYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
               0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}

_SIDE = 28  # images are 28 x 28
_DIGITS_INNER = 20  # the fallback digits fill the central 20 x 20 box, like MNIST's


@dataclasses.dataclass(frozen=True, repr=False)
class ImageData:
    """A 10-class image data set: ``x_*`` are ``(n, 28, 28)`` uint8 (0-255), ``y_*`` are ``(n,)`` uint8 (0-9).

    ``name`` is the data set actually used ("mnist", "fashion_mnist", "mnist_t10k_split" or
    "digits_fallback"); record it with any result made on these images. ``source`` says
    where it came from ("data_dir", "EDL_DATA_DIR", "Keras cache", "Debian package dataset-fashion-mnist",
    "Keras download" or "sklearn fallback"), ``path`` is the file or folder read (``None`` if not a file),
    and ``class_names`` holds the 10 label names.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    name: str
    source: str
    class_names: tuple[str, ...]
    path: str | None = None

    @property
    def is_fallback(self) -> bool:
        """True when these are the upscaled scikit-learn digits rather than the requested data set."""
        return self.name == FALLBACK_NAME

    def __repr__(self) -> str:
        return (f"ImageData(name={self.name!r}, source={self.source!r}, train={len(self.y_train)}, "
                f"test={len(self.y_test)}, image_shape={self.x_train.shape[1:]})")


def read_idx(path: str | Path) -> np.ndarray:
    """Read one IDX file (the original MNIST format), gzipped or not, into a NumPy array.

    The header is checked: two zero bytes, a known type byte, the number of dimensions, then one
    big-endian 32-bit size per dimension; the data must fill exactly the announced shape.

    Raises:
        ValueError: naming the file, if it cannot be read, is not IDX, or is truncated or too long.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read IDX file {path}: {error}") from None
    if raw[:2] == b"\x1f\x8b":  # gzip magic, whatever the file is called
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"IDX file {path} is a damaged or truncated gzip file: {error}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES or raw[3] == 0:
        raise ValueError(f"{path} is not an IDX file (bad magic number {raw[:4].hex() or 'empty'}; "
                         f"expected 00 00, a type byte in {sorted(hex(code) for code in _IDX_DTYPES)}, ndim > 0)")
    dtype, ndim = _IDX_DTYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"IDX file {path} is truncated: its header announces {ndim} dimension(s) "
                         f"but the file has only {len(raw)} bytes")
    shape = tuple(int(size) for size in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        problem = "truncated" if len(raw) - header < expected else "longer than its header says"
        raise ValueError(f"IDX file {path} is {problem}: shape {shape} needs {expected} data bytes, "
                         f"found {len(raw) - header}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def load_mnist(dataset: str = "mnist", *, data_dir: str | Path | None = None,
               allow_download: bool = True) -> ImageData:
    """Load MNIST or Fashion-MNIST (60,000 train / 10,000 test 28x28 images), offline whenever possible.

    Lookup order:
        1. ``data_dir`` or else ``$EDL_DATA_DIR``: ``mnist.npz`` / ``fashion_mnist.npz`` (Keras' keys
           x_train, y_train, x_test, y_test) or the four IDX files (``train-images-idx3-ubyte``,
           ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, ``.gz`` or
           not) in a subfolder named after the data set (``mnist/``, ``fashion_mnist/``, ``fashion-mnist/``)
           or directly in the folder. IDX files directly in the folder are taken to be the requested data
           set, so keep both data sets in subfolders if you have both.
        2. Keras' cache (``~/.keras/datasets/mnist.npz``, ``~/.keras/datasets/fashion-mnist/``), no network.
        3. Fashion-MNIST only: the Debian package ``dataset-fashion-mnist`` (``/usr/share/datasets/``).
        4. MNIST only: if the data folder (or its ``mnist/`` subfolder) holds only the test-set pair
           ``t10k-images-idx3-ubyte`` + ``t10k-labels-idx1-ubyte`` (``.gz`` or not), those real digits are
           served as their own data set, ``name = "mnist_t10k_split"``: a stratified split with a fixed seed
           (``T10K_SPLIT_SEED``) putting ``T10K_TEST_SHARE`` of each class (2,000 of the 10,000) in the
           test part and the rest (8,000) in the training part; one sentence says it is not the standard
           60,000/10,000 MNIST benchmark. A Fashion-MNIST request never takes these files.
        5. If ``allow_download``: Keras' download (which caches it); any failure moves on. It is not even
           attempted (it fails at once) when :func:`offline` (``$EDL_OFFLINE``, set under pytest).
        6. scikit-learn's bundled 8x8 digits, upscaled to 28x28, split 75/25 (stratified, fixed seed);
           ``name`` is then ``"digits_fallback"`` and one sentence says so.

    Args:
        dataset: one of ``DATASETS``: "mnist" or "fashion_mnist".
        data_dir: a folder holding the data; ``None`` uses ``$EDL_DATA_DIR`` if set.
        allow_download: whether to let Keras download the data when no local copy exists.

    Returns:
        An :class:`ImageData`; prints one line saying where the data came from.

    Raises:
        ValueError: for an unknown ``dataset``, a ``data_dir`` that is not a folder, or a local copy that is
            incomplete or malformed (the message names the file).
    """
    dataset = check_choice("dataset", dataset, DATASETS)
    if not isinstance(allow_download, bool):
        raise ValueError(f"allow_download must be True or False, got {allow_download!r}")
    if data_dir is not None:
        root, label = Path(data_dir).expanduser(), "data_dir"
        if not root.is_dir():
            raise ValueError(f"data_dir must be an existing folder, got {str(data_dir)!r}")
    elif os.environ.get(DATA_DIR_VARIABLE, "").strip():
        root, label = Path(os.environ[DATA_DIR_VARIABLE].strip()).expanduser(), DATA_DIR_VARIABLE
    else:
        root, label = None, ""

    result: ImageData | None = None
    if root is not None and root.is_dir():
        found = _search_folder(root, dataset, strict=True)
        if found is not None:
            data, where = found
            result = _make(dataset, data, label, where, f"{label} ({where})")
    if result is None:
        for cache in _keras_cache_dirs():
            found = _search_keras_cache(cache, dataset)
            if found is not None:
                data, where = found
                result = _make(dataset, data, "Keras cache", where, f"the Keras cache ({where})")
                break
    if result is None and dataset in DEBIAN_DIRS and Path(DEBIAN_DIRS[dataset]).is_dir():
        found = _idx_set(Path(DEBIAN_DIRS[dataset]), strict=False)
        if found is not None:
            data, where = found
            package = f"Debian package {DEBIAN_PACKAGES.get(dataset, 'dataset')}"
            result = _make(dataset, data, package, where, f"the {package}")
    if result is None and dataset == "mnist" and root is not None and root.is_dir():
        found = _search_test_pair(root)
        if found is not None:
            x, y, where = found
            result = _t10k_split(x, y, label, where)
    download_failed = False
    if result is None and allow_download:
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # Keras' "Downloading data from ..." line
                arrays = _keras_download(dataset)
            data = _checked(dict(zip(_NPZ_KEYS, arrays)), f"Keras' {dataset} download")
        except Exception:  # no network, blocked URL, Keras missing, damaged download: fall back below
            download_failed = True
        else:
            result = _make(dataset, data, "Keras download", None, "Keras' download (now in its cache)")
    if result is None:
        result = _digits_fallback()
        reason = "no local copy found and the download failed" if download_failed else (
            "no local copy found and downloading is switched off")
        if dataset == "mnist":
            print(f"MNIST is not available here ({reason}), so this notebook uses scikit-learn's bundled 8×8 "
                  "digits upscaled to 28×28 instead; results are not comparable to MNIST.")
        else:
            print(f"Fashion-MNIST was not found ({reason}), so this notebook uses scikit-learn's bundled 8×8 "
                  "handwritten digits upscaled to 28×28 instead; these are digits, not clothes, and results "
                  "are not comparable to Fashion-MNIST.")
        print(f"{FALLBACK_NAME}: {len(result.y_train):,} train / {len(result.y_test):,} test images "
              "from scikit-learn's load_digits")
    return result


def offline() -> bool:
    """True when ``$EDL_OFFLINE`` is set to anything but "" or "0": loaders then never try the network."""
    return os.environ.get(OFFLINE_VARIABLE, "").strip() not in ("", "0")


def subsample(data: ImageData, n_train: int, n_test: int, seed: int = 0) -> ImageData:
    """Return a smaller copy of ``data``: ``n_train`` / ``n_test`` images drawn per class in proportion.

    The draw is stratified (each class keeps its share, rounded) and depends only on ``seed``; the chosen
    images keep their original order. Name, source and class names are kept.

    Raises:
        ValueError: if ``n_train``/``n_test`` are not from 1 to the available number of images, or ``seed``
            is not a non-negative integer.
    """
    if not isinstance(data, ImageData):
        raise ValueError(f"data must be an ImageData (from load_mnist), got {type(data).__name__}")
    n_train = check_int("n_train", n_train, 1, len(data.y_train))
    n_test = check_int("n_test", n_test, 1, len(data.y_test))
    rng = np.random.default_rng(check_int("seed", seed, 0, 2**32 - 1))
    train = _stratified_indices(data.y_train, n_train, rng)
    test = _stratified_indices(data.y_test, n_test, rng)
    return dataclasses.replace(data, x_train=data.x_train[train], y_train=data.y_train[train],
                               x_test=data.x_test[test], y_test=data.y_test[test])


# --------------------------------------------------------------------------------------------- helpers

def _make(dataset: str, data: dict[str, np.ndarray], source: str, where: Path | None,
          described: str) -> ImageData:
    """Build the ImageData and print the one "which source" line."""
    result = ImageData(data["x_train"], data["y_train"], data["x_test"], data["y_test"], name=dataset,
                       source=source, class_names=CLASS_NAMES[dataset],
                       path=None if where is None else str(where))
    print(f"{dataset}: {len(result.y_train):,} train / {len(result.y_test):,} test images from {described}")
    return result


def _search_test_pair(root: Path) -> tuple[np.ndarray, np.ndarray, Path] | None:
    """The MNIST test-set pair alone (no training files) in ``root``'s MNIST subfolders or in ``root`` itself."""
    for folder in [root / sub for sub in _SUBFOLDERS["mnist"]] + [root]:
        paths = {key: _idx_file(folder, stem, kind) for key, (stem, kind) in _IDX_FILES.items()}
        if paths["x_test"] is None or paths["y_test"] is None or paths["x_train"] or paths["y_train"]:
            continue
        x = _check_one("x_test", read_idx(paths["x_test"]), str(paths["x_test"]))
        y = _check_one("y_test", read_idx(paths["y_test"]), str(paths["y_test"]))
        if len(x) != len(y) or len(y) < 2:
            raise ValueError(f"the MNIST test-set files in {folder} hold {len(x)} images and {len(y)} labels "
                             "(need the same number, at least 2)")
        return x, y, folder
    return None


def _t10k_split(x: np.ndarray, y: np.ndarray, source: str, where: Path) -> ImageData:
    """The MNIST test digits as their own data set: a seeded, stratified training/test split; says so."""
    n_test = min(max(1, round(T10K_TEST_SHARE * len(y))), len(y) - 1)
    test = _stratified_indices(y, n_test, np.random.default_rng(T10K_SPLIT_SEED))
    train = np.setdiff1d(np.arange(len(y)), test)
    print(f"Only the MNIST test set is available here, so this notebook uses its {len(y):,} real digits as a data "
          f"set of their own, {T10K_SPLIT_NAME}: a stratified split (seed {T10K_SPLIT_SEED}) into {len(train):,} "
          f"training and {len(test):,} test images, which is not the standard 60,000/10,000 MNIST benchmark.")
    data = {"x_train": x[train], "y_train": y[train], "x_test": x[test], "y_test": y[test]}
    return _make(T10K_SPLIT_NAME, data, source, where, f"{source} ({where.name})")  # no absolute path


def _keras_cache_dirs() -> tuple[Path, ...]:
    """Folders where Keras caches its data sets (see ``KERAS_CACHE_DIRS``)."""
    if KERAS_CACHE_DIRS is not None:
        return tuple(Path(folder) for folder in KERAS_CACHE_DIRS)
    home = os.environ.get("KERAS_HOME", "").strip()
    first = Path(home).expanduser() if home else Path.home() / ".keras"
    return first / "datasets", Path("/tmp/.keras/datasets")


def _search_folder(root: Path, dataset: str, strict: bool) -> tuple[dict[str, np.ndarray], Path] | None:
    """A data set in a user folder: named .npz first, then the dataset subfolders, then IDX files in ``root``."""
    for name in _NPZ_NAMES[dataset]:
        if (root / name).is_file():
            return _load_npz(root / name), root / name
    for sub in _SUBFOLDERS[dataset]:
        folder = root / sub
        if folder.is_dir():
            found = _search_folder_flat(folder, dataset, strict)
            if found is not None:
                return found
    return _idx_set(root, strict)


def _search_folder_flat(folder: Path, dataset: str, strict: bool) -> tuple[dict[str, np.ndarray], Path] | None:
    for name in _NPZ_NAMES[dataset]:
        if (folder / name).is_file():
            return _load_npz(folder / name), folder / name
    return _idx_set(folder, strict)


def _search_keras_cache(cache: Path, dataset: str) -> tuple[dict[str, np.ndarray], Path] | None:
    """Keras' own layout: ``mnist.npz``, and the four IDX .gz files in ``fashion-mnist/``."""
    if dataset == "mnist":
        return (_load_npz(cache / "mnist.npz"), cache / "mnist.npz") if (cache / "mnist.npz").is_file() else None
    folder = cache / "fashion-mnist"
    return _idx_set(folder, strict=False) if folder.is_dir() else None


def _idx_file(folder: Path, stem: str, kind: str) -> Path | None:
    """The first existing spelling of one IDX file: plain before .gz, '-idx3' before '.idx3'."""
    for base in (f"{stem}-{kind}-ubyte", f"{stem}.{kind}-ubyte"):
        for name in (base, base + ".gz"):
            if (folder / name).is_file():
                return folder / name
    return None


def _idx_set(folder: Path, strict: bool) -> tuple[dict[str, np.ndarray], Path] | None:
    """Load the four IDX files from ``folder``; ``None`` if absent, if only the test pair is there (a test set
    alone, such as the 10,000 MNIST test digits, is not a training set), or, unless ``strict``, if incomplete."""
    paths = {key: _idx_file(folder, stem, kind) for key, (stem, kind) in _IDX_FILES.items()}
    missing = [f"{stem}-{kind}-ubyte[.gz]" for key, (stem, kind) in _IDX_FILES.items() if paths[key] is None]
    only_test = [key for key, path in paths.items() if path is None] == ["x_train", "y_train"]
    if len(missing) == len(paths) or only_test or (missing and not strict):
        return None
    if missing:
        raise ValueError(f"{folder} holds only part of the IDX files; missing: {', '.join(missing)}")
    arrays = {key: read_idx(path) for key, path in paths.items()}
    for key, path in paths.items():
        _check_one(key, arrays[key], str(path))
    return _checked(arrays, f"the IDX files in {folder}"), folder


def _load_npz(path: Path) -> dict[str, np.ndarray]:
    """Load a Keras-style .npz (keys x_train, y_train, x_test, y_test)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [key for key in _NPZ_KEYS if key not in archive.files]
            if missing:
                raise ValueError(f"{path} lacks the key(s) {', '.join(missing)}; "
                                 f"expected {', '.join(_NPZ_KEYS)}")
            arrays = {key: archive[key] for key in _NPZ_KEYS}
    except ValueError as error:
        if str(path) in str(error):
            raise
        raise ValueError(f"cannot read {path} as a .npz file: {error}") from None
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as error:  # not a zip, truncated, damaged
        raise ValueError(f"cannot read {path} as a .npz file: {type(error).__name__}: {error}") from None
    return _checked(arrays, str(path))


def _check_one(key: str, array: np.ndarray, where: str) -> np.ndarray:
    """One array: images (n, 28, 28) of 0..255, labels (n,) of 0..9; returned as uint8."""
    if key.startswith("x"):
        if array.ndim != 3 or array.shape[1:] != (_SIDE, _SIDE):
            raise ValueError(f"{where}: {key} must have shape (n, {_SIDE}, {_SIDE}), got {array.shape}")
        low, high = 0, 255
    else:
        if array.ndim != 1:
            raise ValueError(f"{where}: {key} must have shape (n,), got {array.shape}")
        low, high = 0, 9
    if array.dtype == np.uint8 and high == 255:
        return array
    if not np.issubdtype(array.dtype, np.integer) or (array.size and (array.min() < low or array.max() > high)):
        raise ValueError(f"{where}: {key} must hold whole numbers from {low} to {high}")
    return array.astype(np.uint8)


def _checked(arrays: dict[str, np.ndarray], where: str) -> dict[str, np.ndarray]:
    """All four arrays checked, with matching image and label counts."""
    arrays = {key: _check_one(key, np.asarray(arrays[key]), where) for key in _NPZ_KEYS}
    for split in ("train", "test"):
        n_images, n_labels = len(arrays[f"x_{split}"]), len(arrays[f"y_{split}"])
        if n_images != n_labels or n_images == 0:
            raise ValueError(f"{where}: {split} split has {n_images} images and {n_labels} labels "
                             "(need the same, non-zero number)")
    return arrays


def _keras_download(dataset: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ask Keras to download (and cache) the data set; imports Keras, hence TensorFlow, only now.

    Raises:
        ConnectionError: at once, without touching the network, when :func:`offline`.
    """
    if offline():
        raise ConnectionError(f"${OFFLINE_VARIABLE} is set: no download attempted")
    import keras

    module = keras.datasets.mnist if dataset == "mnist" else keras.datasets.fashion_mnist
    (x_train, y_train), (x_test, y_test) = module.load_data()
    return x_train, y_train, x_test, y_test


def _resize_matrix(size_in: int, size_out: int) -> np.ndarray:
    """``(size_out, size_in)`` bilinear interpolation weights (pixel centres aligned, edges clamped)."""
    centres = np.clip((np.arange(size_out) + 0.5) * size_in / size_out - 0.5, 0, size_in - 1)
    left = np.floor(centres).astype(int)
    right = np.minimum(left + 1, size_in - 1)
    weight = centres - left
    matrix = np.zeros((size_out, size_in))
    np.add.at(matrix, (np.arange(size_out), left), 1 - weight)
    np.add.at(matrix, (np.arange(size_out), right), weight)
    return matrix


def _digits_fallback(seed: int = 0) -> ImageData:
    """scikit-learn's 1,797 8x8 digits, bilinearly upscaled to 20x20, padded to 28x28, split 75/25."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    small = digits.images  # (1797, 8, 8), values 0..16
    resize = _resize_matrix(small.shape[1], _DIGITS_INNER)
    large = np.einsum("ij,njk,lk->nil", resize, small, resize)
    pad = (_SIDE - _DIGITS_INNER) // 2
    large = np.pad(large, ((0, 0), (pad, pad), (pad, pad)))
    images = np.clip(np.rint(large * 255.0 / 16.0), 0, 255).astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=0.25, random_state=seed, stratify=labels)
    return ImageData(x_train, y_train, x_test, y_test, name=FALLBACK_NAME, source="sklearn fallback",
                     class_names=DIGIT_NAMES, path=None)


def _stratified_indices(labels: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` sorted indices, each class getting its share of ``n`` (largest remainders get the extra ones)."""
    if n == len(labels):
        return np.arange(n)
    classes, counts = np.unique(labels, return_counts=True)
    quota = counts * n / len(labels)
    take = np.floor(quota).astype(int)
    extra = n - int(take.sum())
    if extra:
        order = np.lexsort((rng.random(len(classes)), -(quota - take)))  # largest remainder, ties at random
        take[order[:extra]] += 1
    chosen = [rng.choice(np.flatnonzero(labels == cls), size=k, replace=False)
              for cls, k in zip(classes, take) if k]
    return np.sort(np.concatenate(chosen))
