"""Pool workers share the cores: each one's TensorFlow gets its share of threads before its first job."""
import os

import pytest

from edl_helpers.keras_training import limit_tensorflow_threads, process_map, worker_threads

tf = pytest.importorskip("tensorflow")


@pytest.mark.parametrize(("cores", "workers", "threads"), [(8, 2, 4), (8, 3, 2), (2, 2, 1), (2, 4, 1), (None, 1, 1)])
def test_each_worker_gets_its_share_of_the_cores(monkeypatch, cores, workers, threads):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert worker_threads(workers) == threads


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="workers"):
        worker_threads(0)
    with pytest.raises(ValueError, match="threads"):
        limit_tensorflow_threads.__wrapped__(0)


def test_a_tensorflow_already_running_keeps_its_threads(monkeypatch):
    def refuse(threads):
        raise RuntimeError("Intra op parallelism cannot be modified after initialization.")

    monkeypatch.setattr(tf.config.threading, "set_intra_op_parallelism_threads", refuse)
    assert limit_tensorflow_threads.__wrapped__(3) == 3


def tensorflow_threads(_):
    """Run in a worker: the thread counts its TensorFlow was given."""
    return (tf.config.threading.get_intra_op_parallelism_threads(),
            tf.config.threading.get_inter_op_parallelism_threads())


def test_pool_workers_get_their_share_before_their_first_job():
    share = worker_threads(2)
    assert process_map(2)(tensorflow_threads, range(4)) == [(share, share)] * 4
