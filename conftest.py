"""pytest runs the unit tests and every notebook (nbval) in quick mode, offline, without TensorFlow log noise."""
import os

os.environ.setdefault("EDL_QUICK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

MODE_AT_START = os.environ["EDL_QUICK"]


def pytest_runtest_setup(item):
    """Stop at once if an earlier test left ``EDL_QUICK`` changed: later notebooks would run in another mode."""
    if os.environ.get("EDL_QUICK") != MODE_AT_START:
        raise RuntimeError(f"EDL_QUICK is {os.environ.get('EDL_QUICK')!r}, but this pytest session started with "
                           f"{MODE_AT_START!r}: a test changed it without restoring it")
