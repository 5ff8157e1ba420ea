"""The garbage collection after each candidate training: with and without freezing the imports' objects.

``fit_and_score`` ends every training with ``keras.backend.clear_session()``, which runs a full garbage
collection; before its first training it calls ``freeze_long_lived_objects`` (``gc.freeze()``: the objects
alive then, mostly those the imports made, are no longer walked by the collector). This script trains one of
notebook 07's LSTM configurations ``ROUNDS`` times in one process, timing the collection after each training:
first without the freeze (a), then after it (b). The collections free the same garbage (the training's), so
(a)/(b) is what the freeze saves per training. The last line is that like-for-like ratio,
``speedup: <(a)/(b)>x``, preceded by the saving in milliseconds per training.

    python benchmarks/gc_freeze.py
"""
from __future__ import annotations

import gc
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402  (after the logging setting)

from edl_helpers.driver_data import load_driver_data, prepare_driver_windows  # noqa: E402
from edl_helpers.keras_training import build_training_state  # noqa: E402
from edl_lessons.l07_lstm_tuning import build_lstm  # noqa: E402

ROUNDS = 5
CONFIG = {"units_1": 32, "units_2": 16, "epochs": 2, "batch_size": 64, "learning_rate": 0.001}


def train_once(windows) -> None:
    """One short training of ``CONFIG`` on notebook 07's windows, leaving its garbage behind."""
    keras.backend.clear_session(free_memory=False)
    model = build_lstm(CONFIG, windows.x_train.shape[1:], len(windows.classes))
    build_training_state(model, windows.x_train, windows.y_train)
    model.fit(windows.x_train, windows.y_train, epochs=CONFIG["epochs"], batch_size=CONFIG["batch_size"], verbose=0)


def collection_ms(windows) -> float:
    """Median time of the full collection after a training, in milliseconds."""
    times = []
    for _ in range(ROUNDS):
        train_once(windows)
        started = time.perf_counter()
        keras.backend.clear_session()  # what fit_and_score does after each training (gc.collect inside)
        times.append(1000 * (time.perf_counter() - started))
    return sorted(times)[len(times) // 2]


def main() -> None:
    frame = load_driver_data(None)
    windows = prepare_driver_windows(frame, 30, 30, validation=0.2, test=0.2, seed=0, scaling="standard")
    train_once(windows)  # the first model of the process: TensorFlow's lazy imports happen here
    gc.collect()
    print(f"objects the collector tracks before the freeze: {len(gc.get_objects()):,}")
    unfrozen = collection_ms(windows)
    gc.collect()
    gc.freeze()
    frozen = collection_ms(windows)
    print(f"(a) collection after a training, nothing frozen: {unfrozen:.0f} ms")
    print(f"(b) collection after a training, imports frozen: {frozen:.0f} ms")
    print(f"saving per training: {unfrozen - frozen:.0f} ms")
    print(f"speedup: {unfrozen / frozen:.2f}x")


if __name__ == "__main__":
    main()
