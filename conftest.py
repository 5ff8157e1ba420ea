"""pytest runs the unit tests and every notebook (nbval) in quick mode, offline, without TensorFlow log noise."""
import os

os.environ.setdefault("EDL_QUICK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
