import pytest


@pytest.fixture(scope="module")
def fresh_keras_session():
    """A clean Keras session for a test module that builds models."""
    keras = pytest.importorskip("keras")
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()
