"""edl_helpers: the plumbing behind the *Evolutionary Deep Learning, hands-on* notebooks.

What a lesson *teaches* is written once, on its notebook page, and gathered by ``python -m
edl_helpers.save_cells`` into the generated package :mod:`edl_lessons` (``l01_backprop``, ``l02_ga``, ...).
This package holds what the lessons *use*. Its modules are flat and named for what they hold; by course part:

=====================  =====================================================================================
every notebook         ``course`` (badge and install facts), ``widgets`` (one control per parameter), ``quick``
                       (``EDL_QUICK``), ``loops`` (progress bars, Stop, plateau stop), ``results`` and
                       ``runner`` (results records, the course runner), ``reproducibility``, ``validation``,
                       ``comparison`` (paired differences over seeds), ``save_cells`` (the ``#@save`` tool)
01–04 NumPy MLP        ``problems`` (five toy problems), ``mlp`` (the MLP around notebook 01's backprop, its
                       batched population pass), ``scoring`` (population accuracy and log-loss), ``plotting``
                       (decision surfaces, live curves)
05–06 Keras weights    ``keras_models``, ``keras_params`` (weights as one vector), ``keras_population``
                       (a population through a Dense stack in one pass), ``image_data`` ((Fashion-)MNIST
                       offline), ``es_noise`` (06's noise table)
07–08 hyperparameters  ``driver_data`` and ``driver_synth`` (07's telemetry), ``keras_training`` (train and
and architectures      score one candidate, cache, budget, process pool), ``executors`` (a toolbox's ``map``:
                       serial, process pool or Ray, with the same results); 08's genome is in ``edl_lessons``
09 GAN                 ``gan_generator`` (a NumPy generator whose parameters are a genome), ``gan_metrics``
=====================  =====================================================================================
"""
from .comparison import PairedDifference, paired_difference
from .course import REPOSITORY, colab_install_line, colab_url
from .driver_data import load_driver_data, prepare_driver_windows
from .executors import make_map, stop_ray
from .image_data import ImageData, load_mnist, subsample
from .loops import Outcome, Plateau, progress, run_each, stop_on_interrupt
from .mlp import MLP
from .plotting import LivePlot, as_probability_function, draw_predictions, show_predictions
from .problems import PROBLEMS, make_problem, problem_splits, split_and_scale
from .quick import is_quick, pick
from .reproducibility import seed_everything
from .results import NotebookRun, start_notebook
from .scoring import population_accuracy, population_log_loss
from .widgets import Controls, parameter_controls, problem_preview

__all__ = [
    "PairedDifference", "paired_difference",
    "REPOSITORY", "colab_install_line", "colab_url", "load_driver_data", "prepare_driver_windows", "make_map", "stop_ray", "ImageData", "load_mnist", "subsample", "Outcome", "Plateau", "progress", "run_each", "stop_on_interrupt", "MLP",
    "LivePlot", "as_probability_function", "draw_predictions", "show_predictions", "PROBLEMS",
    "make_problem", "problem_splits", "split_and_scale", "is_quick", "pick", "seed_everything", "NotebookRun", "start_notebook",
    "population_accuracy", "population_log_loss", "Controls", "parameter_controls", "problem_preview",
]
