"""edl_helpers: the plumbing behind the *Evolutionary Deep Learning, hands-on* notebooks.

The algorithms being taught live in the notebooks; this package holds what they share: toy problems,
the NumPy MLP and its batched population forward pass, plots, widgets, quick mode and results reporting.
"""
from .comparison import PairedDifference, paired_difference
from .course import REPOSITORY, colab_install_line, colab_url
from .driver_data import load_driver_data, prepare_driver_windows
from .image_data import ImageData, load_mnist, subsample
from .loops import Outcome, Plateau, progress, run_each, stop_on_interrupt
from .mlp import MLP
from .plotting import LivePlot, as_probability_function, draw_predictions, show_predictions
from .problems import PROBLEMS, make_problem, split_and_scale
from .quick import is_quick, pick
from .reproducibility import seed_everything
from .results import NotebookRun, start_notebook
from .scoring import population_accuracy, population_log_loss
from .widgets import Controls, parameter_controls, problem_preview

__all__ = [
    "PairedDifference", "paired_difference",
    "REPOSITORY", "colab_install_line", "colab_url", "load_driver_data", "prepare_driver_windows", "ImageData", "load_mnist", "subsample", "Outcome", "Plateau", "progress", "run_each", "stop_on_interrupt", "MLP",
    "LivePlot", "as_probability_function", "draw_predictions", "show_predictions", "PROBLEMS",
    "make_problem", "split_and_scale", "is_quick", "pick", "seed_everything", "NotebookRun", "start_notebook",
    "population_accuracy", "population_log_loss", "Controls", "parameter_controls", "problem_preview",
]
