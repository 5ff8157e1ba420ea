"""Keras fitness plumbing: seeds from configurations, the cache and budget, serial = process pool."""
import numpy as np
import pytest

from edl_helpers.keras_training import CachedTrainer, TrainingResult, config_key, config_seed, process_map


def fake_train(config):
    """A stand-in for a training: the score is a function of the configuration."""
    return TrainingResult(dict(config), score=config["units"] / 100, best_epoch=1, epochs_run=1, seconds=0.0,
                          seed=config_seed(config))


def test_config_seed_is_stable_and_ignores_key_order():
    a = {"units": 8, "learning_rate": 0.01}
    b = {"learning_rate": 0.01, "units": 8}
    assert config_key(a) == config_key(b)
    assert config_seed(a) == config_seed(b) == config_seed(dict(a))
    assert config_seed(a) != config_seed(a, base_seed=1)
    assert config_seed(a) != config_seed({"units": 9, "learning_rate": 0.01})
    assert 0 <= config_seed(a) < 2**31


def test_cache_trains_each_configuration_once():
    calls = []
    trainer = CachedTrainer(lambda c: calls.append(c) or fake_train(c), progress=False)
    results = trainer.evaluate([{"units": 4}, {"units": 8}, {"units": 4}])
    assert [r.score for r in results] == [0.04, 0.08, 0.04]
    trainer.evaluate([{"units": 8}])
    assert trainer.trainings == len(calls) == 2 and trainer.lookups == 4
    assert trainer.best().score == 0.08


def test_budget_counts_trainings_and_leaves_the_rest_unscored():
    trainer = CachedTrainer(fake_train, budget=3, progress=False)
    results = trainer.evaluate([{"units": u} for u in (5, 5, 9, 1, 7, 9)])
    assert [None if r is None else r.score for r in results] == [0.05, 0.05, 0.09, 0.01, None, 0.09]
    assert trainer.exhausted and trainer.remaining == 0
    assert trainer.evaluate([{"units": 7}]) == [None]
    np.testing.assert_allclose(trainer.best_so_far(), [0.05, 0.09, 0.09])


def test_bad_budget_and_empty_best():
    with pytest.raises(ValueError, match="budget"):
        CachedTrainer(fake_train, budget=0)
    with pytest.raises(ValueError, match="nothing has been trained"):
        CachedTrainer(fake_train, progress=False).best()


def test_shared_results_count_as_trainings_but_are_not_retrained():
    calls = []
    shared = {}
    first = CachedTrainer(lambda c: calls.append(c) or fake_train(c), budget=2, progress=False, shared=shared)
    first.evaluate([{"units": 4}, {"units": 8}])
    second = CachedTrainer(lambda c: calls.append(c) or fake_train(c), budget=3, progress=False, shared=shared)
    results = second.evaluate([{"units": 8}, {"units": 6}, {"units": 4}, {"units": 2}])
    assert [None if r is None else r.score for r in results] == [0.08, 0.06, 0.04, None]
    assert len(calls) == 3, "only {'units': 6} is new"
    assert second.trainings == 3 and second.reused == 2 and second.exhausted
    np.testing.assert_allclose(second.best_so_far(), [0.08, 0.08, 0.08])
    assert first.reused == 0 and len(shared) == 3


def test_process_map_matches_map():
    configs = [{"units": u} for u in (3, 1, 2)]
    assert [r.score for r in process_map(2)(fake_train, configs)] == [r.score for r in map(fake_train, configs)]


keras = pytest.importorskip("keras")


def test_fit_and_score_is_reproducible_and_stops_early(fresh_keras_session):
    from edl_helpers.keras_training import fit_and_score

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5, 2)).astype(np.float32)
    y = (x[:, :, 0].sum(axis=1) > 0).astype(int)

    def build(config):
        model = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.LSTM(config["units"]),
                                  keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(config["learning_rate"]),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    config = {"units": 3, "learning_rate": 0.0}  # a zero learning rate never improves: patience ends it
    data = (x[:48], y[:48], x[48:], y[48:])
    first = fit_and_score(build, config, data, epochs=10, batch_size=16, seed=config_seed(config), patience=2)
    second = fit_and_score(build, config, data, epochs=10, batch_size=16, seed=config_seed(config), patience=2)
    assert first.score == second.score and 0 <= first.score <= 1
    assert first.epochs_run == 3 and first.best_epoch == 1
    learning = fit_and_score(build, {"units": 3, "learning_rate": 0.05}, data, epochs=4, batch_size=16, seed=1)
    assert 1 <= learning.best_epoch <= learning.epochs_run <= 4


def test_build_training_state_traces_the_train_step_once_and_changes_no_result(fresh_keras_session):
    from edl_helpers.keras_training import build_training_state

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5, 2)).astype(np.float32)
    y = (x[:, :, 0].sum(axis=1) > 0).astype(int)

    def fitted(prebuild):
        keras.backend.clear_session()
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.LSTM(4),
                                  keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        traces, train_step = [], model.train_step
        model.train_step = lambda data: traces.append(1) or train_step(data)  # counts the traces
        if prebuild:
            build_training_state(model, x, y)
        history = model.fit(x, y, epochs=3, batch_size=16, validation_data=(x, y), verbose=0).history
        return history, len(traces)

    (plain, plain_traces), (prebuilt, prebuilt_traces) = fitted(False), fitted(True)
    assert prebuilt == plain
    assert (plain_traces, prebuilt_traces) == (2, 1)


def test_fit_and_score_leaves_no_graph_behind(fresh_keras_session):
    """Each training's traced graph is freed: no custom gradient (which would keep it alive) stays registered."""
    from edl_helpers.keras_training import custom_gradient_names, fit_and_score

    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4, 2)).astype(np.float32)
    y = (x[:, :, 0].sum(axis=1) > 0).astype(int)

    def build(config):
        model = keras.Sequential([keras.Input(shape=(4, 2)), keras.layers.LSTM(config["units"]),
                                  keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    before = custom_gradient_names()
    for units in (2, 3):
        fit_and_score(build, {"units": units}, (x, y, x, y), epochs=2, batch_size=16, seed=0)
    assert custom_gradient_names() == before
