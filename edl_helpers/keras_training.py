"""Plumbing for fitness functions that train a Keras model: seeding, early stopping, a cache and a budget.

A hyperparameter search decodes each genome into a configuration (a dict of plain values) and trains a
model for it. :func:`fit_and_score` trains one configuration reproducibly (a fresh Keras session, a seed,
early stopping on the validation split) and returns its validation score. :class:`CachedTrainer` makes
sure each distinct configuration is trained only once, counts the trainings against a budget, keeps them in
training order (for best-so-far curves) and shows a progress bar. Its ``map_function`` slot takes the
built-in ``map``, a DEAP toolbox's ``map`` or a process pool (:func:`process_map`) with the same results,
because every configuration is trained with a seed derived from the configuration itself
(:func:`config_seed`), never from the order of evaluation.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import os
import time
import warnings
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
from tqdm.auto import tqdm

from .validation import check_int

Config = Mapping[str, Any]
MapFunction = Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]


def config_key(config: Config) -> tuple:
    """A hashable key for a configuration: its items sorted by name."""
    return tuple(sorted(config.items()))


def config_seed(config: Config, base_seed: int = 0) -> int:
    """A seed in ``[0, 2**31)`` derived from the configuration (and ``base_seed``), the same in every process."""
    text = repr((int(base_seed), config_key(config)))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") % 2**31


@dataclasses.dataclass(frozen=True)
class TrainingResult:
    """One training: the configuration, its best validation score, when it was reached, and the cost."""

    config: dict
    score: float
    best_epoch: int
    epochs_run: int
    seconds: float
    seed: int


def fit_and_score(build_model: Callable[[Config], Any], config: Config,
                  data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], *, epochs: int, batch_size: int,
                  seed: int, patience: int = 3, monitor: str = "val_accuracy",
                  validation_batch_size: int | None = None) -> TrainingResult:
    """Train ``build_model(config)`` on ``data = (x_train, y_train, x_validation, y_validation)``; score it.

    The Keras session is cleared first (so memory stays flat over many candidates) and every generator is
    seeded with ``seed``. Training stops early when ``monitor`` has not improved for ``patience`` epochs.
    The score is the best ``monitor`` value (validation accuracy by default); ``best_epoch`` (1-based) is
    where it was reached, which is how long to train when the model is refitted on more data.
    The model must be compiled with the metric behind ``monitor``. ``validation_batch_size`` (default:
    ``batch_size``) only sets how many validation examples go through the model at once; the score does not
    depend on it, but a large one makes the validation after each epoch cheaper (fewer steps).
    """
    enable_gpu_memory_growth()  # before this process's first model: on a GPU runtime, leave memory to others
    import keras

    epochs = check_int("epochs", epochs, 1)
    batch_size = check_int("batch_size", batch_size, 1)
    patience = check_int("patience", patience, 0)
    seed = check_int("seed", seed, 0, 2**32 - 1)
    if validation_batch_size is not None:
        validation_batch_size = check_int("validation_batch_size", validation_batch_size, 1)
    started = time.perf_counter()
    freeze_long_lived_objects()
    keras.backend.clear_session(free_memory=False)  # garbage is collected at the end of each call
    gradients_before = custom_gradient_names()
    keras.utils.set_random_seed(seed)
    model = build_model(config)
    x_train, y_train, x_validation, y_validation = data
    build_training_state(model, x_train, y_train)  # one trace of the train step instead of two
    stop = keras.callbacks.EarlyStopping(monitor=monitor, mode="max", patience=patience)
    history = model.fit(x_train, y_train, validation_data=(x_validation, y_validation), epochs=epochs,
                        batch_size=batch_size, validation_batch_size=validation_batch_size, verbose=0,
                        callbacks=[stop]).history
    scores = np.asarray(history[monitor], dtype=float)
    best = int(np.argmax(scores))
    del model
    forget_custom_gradients(gradients_before)
    keras.backend.clear_session()
    return TrainingResult(dict(config), float(scores[best]), best + 1, len(scores),
                          time.perf_counter() - started, seed)


@functools.cache
def freeze_long_lived_objects() -> None:
    """Once per process: collect garbage, then move every object alive now out of the garbage collector's view.

    The collection after each training (``keras.backend.clear_session``) otherwise walks all the objects the
    imports made (some 440,000 after TensorFlow's import) to free the few thousand the training left behind:
    about a quarter of a second per training here (``benchmarks/gc_freeze.py``). Frozen objects are still freed
    by reference counting when nothing refers to them; the collector no longer frees reference cycles among
    them, so the cycles that exist now are collected first. Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()


def custom_gradient_names() -> set[str]:
    """The names of the custom gradients TensorFlow has registered so far in this process (see
    :func:`forget_custom_gradients`)."""
    return {name for name in _gradient_registry() if name.startswith("CustomGradient-")}


def forget_custom_gradients(before: set[str]) -> None:
    """Unregister the custom gradients registered since ``custom_gradient_names()`` returned ``before``.

    Each trace of a Keras train step (TensorFlow backend) registers a custom gradient in TensorFlow's global
    gradient registry (the optimizer's ``all_reduce``), and that entry keeps the whole traced graph alive for
    good: about 8 MB and 10,000 Python objects per training, so a worker that trains many models grows, and
    every garbage collection, hence every training, gets slower. Once the model is gone its graph can never be
    differentiated again, so the entries can go. Uses TensorFlow's private registry; does nothing if it moved.
    """
    registry = _gradient_registry()
    for name in [name for name in registry if name.startswith("CustomGradient-") and name not in before]:
        del registry[name]


def _gradient_registry() -> dict:
    """TensorFlow's registry of gradient functions (a private dict), or an empty dict if it is not there."""
    try:
        from tensorflow.python.framework import ops
        return ops._gradient_registry._registry
    except (ImportError, AttributeError):
        return {}


def build_training_state(model: Any, x: np.ndarray, y: np.ndarray) -> None:
    """Create a compiled model's optimizer and metric variables now, before its first ``fit``.

    Without a distribution strategy, Keras (TensorFlow backend) creates them while it traces the train step, and
    TensorFlow then traces that step a second time (a ``tf.function`` that created variables is traced again):
    for a small model the traces are most of the cost of a training. Building the variables first changes no
    result: the variables start at zero either way and no random number is drawn. Does nothing for a model
    that is not built yet (no ``keras.Input``) or has several outputs.
    """
    if not model.built or not isinstance(model.output_shape, tuple):
        return
    if model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    y_pred = np.zeros((1, *model.output_shape[1:]), dtype="float32")
    model.compute_metrics(x[:1], y[:1], y_pred)  # creates the compiled metrics' variables (one eager update) ...
    model.reset_metrics()  # ... and forgets that update


class CachedTrainer:
    """Train each distinct configuration once, within a budget of trainings.

    ``train(config)`` must return an object with a ``score`` (e.g. a :class:`TrainingResult`).
    :meth:`evaluate` looks every configuration up in the cache, sends the new ones (at most the remaining
    budget, in order) through ``map_function`` and returns one result per configuration, ``None`` for those
    the budget did not reach. ``trainings`` counts real trainings; cache hits are free.

    ``shared`` (optional) is a dict of results shared by several trainers, e.g. a GA and a random search
    compared at the same budget: a configuration that another trainer has already trained is copied from it
    instead of being trained again. It still counts as a training of this trainer (against its budget and
    in its best-so-far curve), since retraining it would give the same result when its seed comes from the
    configuration (:func:`config_seed`); only the wall time is saved. ``reused`` counts such copies.
    """

    def __init__(self, train: Callable[[Config], Any], budget: int | None = None, description: str = "",
                 progress: bool = True, shared: dict[tuple, Any] | None = None) -> None:
        self.train = train
        self.budget = None if budget is None else check_int("budget", budget, 1)
        self.shared = shared
        self.reused = 0
        self.cache: dict[tuple, Any] = {}
        self.history: list[Any] = []
        self.lookups = 0
        self._bar = tqdm(total=self.budget, desc=description, mininterval=0.5) if progress else None

    @property
    def trainings(self) -> int:
        """How many configurations have been trained."""
        return len(self.history)

    @property
    def remaining(self) -> int | None:
        """Trainings left in the budget (``None``: no budget)."""
        return None if self.budget is None else self.budget - self.trainings

    @property
    def exhausted(self) -> bool:
        """True once the budget is used up."""
        return self.budget is not None and self.trainings >= self.budget

    def evaluate(self, configs: Sequence[Config], map_function: MapFunction = map) -> list[Any]:
        """Results for ``configs`` (in order): cached, freshly trained, or ``None`` beyond the budget."""
        self.lookups += len(configs)
        new: dict[tuple, Config] = {}
        for config in configs:
            key = config_key(config)
            if key not in self.cache and key not in new:
                new[key] = dict(config)
        keys = list(new)[: self.remaining] if self.budget is not None else list(new)
        if keys:
            known = {} if self.shared is None else {k: self.shared[k] for k in keys if k in self.shared}
            fresh = [k for k in keys if k not in known]
            trained = dict(zip(fresh, map_function(self.train, [new[k] for k in fresh]))) if fresh else {}
            for key in keys:
                result = known[key] if key in known else trained[key]
                self.cache[key] = result
                self.history.append(result)
                if self.shared is not None:
                    self.shared[key] = result
            self.reused += len(known)
            if self._bar is not None:
                self._bar.update(len(keys))
                self._bar.set_postfix(best=f"{self.best().score:.3f}")
        if self._bar is not None and self.exhausted:
            self._bar.close()
        return [self.cache.get(config_key(config)) for config in configs]

    def best(self) -> Any:
        """The result with the highest score so far (the first one on ties)."""
        if not self.history:
            raise ValueError("nothing has been trained yet")
        return max(self.history, key=lambda result: result.score)

    def best_so_far(self) -> np.ndarray:
        """Best score after 1, 2, ... trainings (the curve to compare searches with)."""
        return np.maximum.accumulate([result.score for result in self.history])

    def close(self) -> None:
        """Close the progress bar (when a search stops before its budget): it ends at the trainings done,
        not in the red style of an unfinished bar."""
        if self._bar is not None:
            self._bar.total = self._bar.n
            self._bar.refresh()
            self._bar.close()


@functools.cache
def enable_gpu_memory_growth() -> int:
    """Let TensorFlow in this process take GPU memory as it needs it, instead of all of it at once.

    Runs once per process (cached). Must come before TensorFlow first touches a GPU: a GPU already in use
    keeps its setting (TensorFlow refuses the change; no error is raised here). Returns how many GPUs were
    found: 0 on a CPU-only machine, where it changes nothing.
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        with contextlib.suppress(RuntimeError):  # "cannot be modified after being initialized"
            tf.config.experimental.set_memory_growth(gpu, True)
    return len(gpus)


@functools.cache
def limit_tensorflow_threads(threads: int) -> int:
    """Let TensorFlow in this process run its operations on at most ``threads`` threads; returns ``threads``.

    Runs once per process (cached), and only takes effect before TensorFlow's first operation (later, TensorFlow
    refuses the change; no error is raised here). Worker processes call it with their share of the cores, so
    that ``workers`` processes of TensorFlow do not each start a thread per core and compete for the cores
    (TensorFlow's idle threads spin while they wait for work, which costs CPU time the trainings need).
    """
    import tensorflow as tf

    threads = check_int("threads", threads, 1)
    with contextlib.suppress(RuntimeError):  # "cannot be modified after initialization"
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    return threads


def worker_threads(workers: int) -> int:
    """Each of ``workers`` processes' share of this machine's cores (at least 1)."""
    return max(1, (os.cpu_count() or 1) // check_int("workers", workers, 1))


def process_map(workers: int = 2) -> MapFunction:
    """A ``map`` that runs the calls in ``workers`` separate processes (joblib's loky pool, kept warm).

    Functions defined in a notebook work too (loky pickles them with cloudpickle). Results come back in
    input order, so a DEAP toolbox can register it as its ``map``:
    ``toolbox.register("map", process_map(2))``. loky replaces a worker whose memory has grown by a few
    hundred MB (TensorFlow keeps some memory per trained model); the warning it prints then is silenced.

    GPU runtimes (e.g. Colab's): by default TensorFlow grabs all of a GPU's memory in the first process that
    uses it, so the second worker would fail. Every worker therefore calls :func:`enable_gpu_memory_growth`
    before its first job (and :func:`limit_tensorflow_threads` with its share of the cores, :func:`worker_threads`),
    and the workers share the GPUs, each taking only what its models need (a pool
    of ``workers`` trainings must still fit in the GPU's memory together). The calling process must not hold
    the whole GPU either: if it trains too, it should call :func:`enable_gpu_memory_growth` before its own
    first TensorFlow operation. On a CPU-only machine all this changes nothing.
    """
    from joblib import Parallel, delayed

    workers = check_int("workers", workers, 1)
    threads = worker_threads(workers)
    warnings.filterwarnings("ignore", message="A worker stopped while some jobs were given to the executor",
                            category=UserWarning)

    def call_in_worker(function: Callable[[Any], Any], item: Any) -> Any:
        limit_tensorflow_threads(threads)
        enable_gpu_memory_growth()
        return function(item)

    def parallel_map(function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        return Parallel(n_jobs=workers, backend="loky")(delayed(call_in_worker)(function, item) for item in items)

    return parallel_map
