"""process_map's workers share GPUs: each enables TensorFlow's memory growth first (tested without a GPU)."""
import pytest

from edl_helpers import keras_training
from edl_helpers.keras_training import enable_gpu_memory_growth, process_map

tf = pytest.importorskip("tensorflow")


def growth_was_enabled_here(_):
    """Run in a worker: whether enable_gpu_memory_growth already ran in that process."""
    return keras_training.enable_gpu_memory_growth.cache_info().currsize == 1


def test_harmless_without_a_gpu():
    assert enable_gpu_memory_growth() == len(tf.config.list_physical_devices("GPU"))


def test_every_gpu_gets_memory_growth_even_if_one_is_already_in_use(monkeypatch):
    calls = []

    def set_memory_growth(gpu, enable):
        calls.append((gpu, enable))
        if gpu == "GPU:1":
            raise RuntimeError("Physical devices cannot be modified after being initialized")

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind: ["GPU:0", "GPU:1", "GPU:2"])
    monkeypatch.setattr(tf.config.experimental, "set_memory_growth", set_memory_growth)
    assert enable_gpu_memory_growth.__wrapped__() == 3
    assert calls == [("GPU:0", True), ("GPU:1", True), ("GPU:2", True)]


def test_workers_enable_it_before_their_first_job():
    assert process_map(2)(growth_was_enabled_here, range(4)) == [True] * 4
