"""Three interchangeable executors for a DEAP toolbox's ``map`` slot: serial, a local process pool, Ray.

``toolbox.register("map", make_map(kind, workers))`` is the only line that changes between them:
``"serial"`` trains the candidates one after the other in this process, ``"pool"`` in ``workers`` local
processes (:func:`edl_helpers.keras_training.process_map`), ``"ray"`` as Ray tasks, on this machine or on a
cluster. Every executor returns the results in input order, and a search gets the same results from all
three, because each candidate's seed comes from its own configuration
(:func:`edl_helpers.keras_training.config_seed`), never from which process trains it or when.

Ray (``pip install "edl-helpers[cluster]"``) is what scalable neuroevolution (EvoTorch) and hyperparameter
search (Ray Tune) run on. Here it starts lazily, at the first call of the map: ``ray.init()`` on this machine
with ``workers`` CPUs, or ``ray.init(address=...)`` to join an existing cluster; a Ray already running in
this process is reused as it is. A local start takes seconds (Ray starts half a dozen helper processes;
:func:`_start_local_ray` explains what keeps it from failing on a busy machine), and each Ray worker imports
TensorFlow once, before its first training. Ray's own log lines are kept out of the notebook
(``logging_level=ERROR``, ``log_to_driver=False``: a worker's prints stay in Ray's log files, its exceptions
still reach the caller). :func:`stop_ray` shuts down the Ray this module started.

What changes on a real cluster:

- **address**: ``make_map("ray", address="ray://<head>:10001")`` (Ray Client, from outside the cluster) or
  ``address="auto"`` (from a node of the cluster). ``workers`` then sizes nothing: every task asks for one
  CPU, so the cluster trains as many candidates at once as it has CPUs.
- **data shipping**: the trained function travels with its closure, i.e. the training data. This map puts
  it into Ray's object store once per call (once per GA generation), and each node fetches it from there
  once; on one machine that is shared memory, on a cluster it crosses the network once per node and
  generation. For large data sets, put the arrays into the object store once (``ray.put``) and pass the
  reference, or have each node read them from storage it can reach.
- **one TensorFlow per worker process**: each Ray worker is a process that imports TensorFlow once and is
  reused for later tasks, so memory TensorFlow keeps after each trained model accumulates in it (the local
  pool replaces such a worker; Ray does not). Every worker enables GPU memory growth before its first job, as
  the pool's do, so that workers sharing a GPU do not each claim all of it; but these tasks ask Ray for CPUs
  only, so on a cluster Ray places them without regard to GPUs (ask for a share of one, ``num_gpus``, to
  train on GPU nodes). Every node needs the same packages (this one, TensorFlow): a cluster image, or
  ``runtime_env={"pip": [...]}``.
"""
from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import psutil

from .keras_training import MapFunction, enable_gpu_memory_growth, limit_tensorflow_threads, process_map
from .validation import check_choice, check_int

KINDS = ("serial", "pool", "ray")
LOCAL_OBJECT_STORE_BYTES = 256 * 2**20  # small: /dev/shm is small in many containers (Ray then uses /tmp)
LOCAL_START_ATTEMPTS = 2
RAY_STUBS = Path(__file__).parent / "ray_stubs"  # see _start_local_ray
NO_RAY_SENTENCE = 'Ray is not installed (pip install "edl-helpers[cluster]"): using the local process pool instead.'

_started_here = False  # True while a Ray that this module started (or connected to) is running


def make_map(kind: str = "pool", workers: int = 2, address: str | None = None) -> MapFunction:
    """A ``map(function, items) -> list`` for a DEAP toolbox: ``kind`` is "serial", "pool" or "ray".

    ``workers``: processes of the pool, or CPUs of a local Ray (unused by "serial" and by a Ray cluster).
    ``address``: an existing Ray cluster's address (only with ``kind="ray"``); ``None`` starts Ray on this
    machine (or, as in Ray itself, joins the cluster named by the environment variable ``RAY_ADDRESS``).
    Without Ray installed, ``kind="ray"`` says so in one sentence and returns the pool.
    """
    kind = check_choice("kind", kind, KINDS)
    workers = check_int("workers", workers, 1)
    if address is not None and (kind != "ray" or not isinstance(address, str) or not address):
        raise ValueError(f"address must be None, or a Ray cluster's address (a string) with kind='ray'; "
                         f"got address={address!r} with kind={kind!r}")
    if kind == "serial":
        return serial_map
    if kind == "ray" and _ray_is_installed():
        return _ray_map(workers, address)
    if kind == "ray":
        print(NO_RAY_SENTENCE)
    return process_map(workers)


def serial_map(function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    """The built-in ``map``, returning a list: every call in this process, one after the other."""
    return list(map(function, items))


def stop_ray() -> None:
    """Shut down the Ray that :func:`make_map` started (or disconnect from its cluster); otherwise do nothing."""
    global _started_here
    if _started_here:
        import ray

        ray.shutdown()
        _started_here = False


def _ray_is_installed() -> bool:
    """Whether ``import ray`` finds Ray (not merely a folder named ray, such as Ray's own /tmp/ray)."""
    spec = importlib.util.find_spec("ray")
    return spec is not None and spec.origin is not None


def _ray_map(workers: int, address: str | None) -> MapFunction:
    """A map that runs each call as a Ray task with one CPU; Ray starts at its first call."""

    def ray_map(function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        items = list(items)
        if not items:
            return []
        ray = _ensure_ray(workers, address)
        task = ray.remote(num_cpus=1)(_call_in_worker)
        function_ref = ray.put(function)  # shipped once per call, not once per task
        refs = [task.remote(function_ref, item) for item in items]
        try:
            return ray.get(refs)
        except KeyboardInterrupt:  # the notebook's Stop: end the trainings too (Ray replaces the workers)
            for ref in refs:
                ray.cancel(ref, force=True)
            raise

    return ray_map


def _call_in_worker(function: Callable[[Any], Any], item: Any) -> Any:
    """Run in a Ray worker: one thread for TensorFlow (the task's one CPU), GPU memory left to the other
    workers (see ``process_map``), then call."""
    limit_tensorflow_threads(1)
    enable_gpu_memory_growth()
    return function(item)


def _ensure_ray(workers: int, address: str | None) -> Any:
    """The ``ray`` module, connected: a running Ray is reused; else join ``address`` or start one here."""
    global _started_here
    import ray

    if ray.is_initialized():
        return ray
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False}
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address is None:
        _start_local_ray(ray, workers, quiet)
    else:
        ray.init(address=address, **quiet)
    _started_here = True
    return ray


def _start_local_ray(ray: Any, workers: int, quiet: dict) -> None:
    """``ray.init`` on this machine, tried up to ``LOCAL_START_ATTEMPTS`` times.

    Ray's raylet gives the helper processes it launches a fixed 15 s to come up (ray-project/ray#65983), and
    they spend most of it importing: each of Ray's Python processes imports jsonschema, which compiles a grammar
    of ``rfc3987_syntax`` (about 2.5 s of CPU, 3/4 of the import) wherever that package is installed, as
    JupyterLab installs it. On a busy machine the limit passed and Ray failed to start (measured on the course's
    2-core machine at load 8: 2 failures in 2 tries; with the stand-in below, 2 starts in 14 s each). So the processes
    of this Ray find a stand-in that raises ``ImportError`` (``edl_helpers/ray_stubs``): jsonschema then goes
    without its optional IRI format checks, which Ray never uses. If a start fails nonetheless, the processes
    it left are ended (by their ids) and the start is tried again.
    """
    for attempt in range(1, LOCAL_START_ATTEMPTS + 1):
        before = _ray_children()
        try:
            with _first_on_python_path(RAY_STUBS):  # inherited by the processes Ray starts, and only by them
                ray.init(address="local", num_cpus=workers, include_dashboard=False,
                         object_store_memory=LOCAL_OBJECT_STORE_BYTES, **quiet)
            return
        except (TypeError, ValueError):
            raise
        except Exception as error:  # Ray raises a bare Exception when its node times out during startup
            for process in _ray_children() - before:
                with contextlib.suppress(psutil.Error):  # ended meanwhile
                    process.kill()
            if attempt == LOCAL_START_ATTEMPTS:
                raise RuntimeError(f"Ray could not start on this machine in {attempt} attempts ({error}); on a "
                                   "busy machine, try again later, or use make_map('pool')") from error
            print(f"Ray's start failed ({error}): trying again ({attempt + 1} of {LOCAL_START_ATTEMPTS}).")


@contextlib.contextmanager
def _first_on_python_path(directory: Path) -> Iterator[None]:
    """Put ``directory`` first on ``PYTHONPATH`` (read by child processes, not by this one) for the block."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(directory)] + ([before] if before else []))
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


def _ray_children() -> set[psutil.Process]:
    """This process's descendants that run Ray's programs."""
    found = set()
    for process in psutil.Process().children(recursive=True):
        try:
            if any("/ray/" in part or part.startswith("ray::") for part in process.cmdline()):
                found.add(process)
        except psutil.Error:  # ended meanwhile
            pass
    return found
