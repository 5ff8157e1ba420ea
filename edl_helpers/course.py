"""Facts about the course itself, kept in one place (tests check every badge and install line against them)."""
from __future__ import annotations

REPOSITORY = "https://github.com/edl-course/evolutionary-deep-learning"
BRANCH = "main"


def colab_url(notebook_file: str) -> str:
    """Open-in-Colab address of ``notebooks/<notebook_file>`` on the course repository."""
    path = REPOSITORY.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{path}/blob/{BRANCH}/notebooks/{notebook_file}"


def colab_install_line() -> str:
    """The ``%pip`` line the notebooks' setup cell runs in Colab (edl_helpers pulls in deap, livelossplot, bitstring and optuna)."""
    return f'%pip install -q "edl-helpers @ git+{REPOSITORY}"'
