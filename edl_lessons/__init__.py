"""Code taught in the notebooks, generated from their ``#@save`` cells: edit the notebook, not these modules.

The course's code has two homes: what a lesson *teaches* (backprop, the GA, ...) is written once, on its
notebook page, and gathered here; :mod:`edl_helpers` holds the plumbing (data, plots, widgets, batched
forward passes, results). A lesson's module is named for its notebook, so the code of notebook 02 is in
``edl_lessons.l02_ga``.

``python -m edl_helpers.save_cells`` writes one module per notebook (:data:`edl_helpers.save_cells.LESSONS`):

* :mod:`.l01_backprop` — notebook 01: the MLP's forward pass, backprop gradients and Adam training loop
  (used by :class:`edl_helpers.MLP`);
* :mod:`.l02_ga` — notebook 02: the GA's fitness, DEAP toolbox and generation loop (``run_ga``), reused by
  the later notebooks;
* :mod:`.l03_es` — notebook 03: the (μ, λ)-ES's toolbox, child and generation loop (``run_es``), reused by
  notebook 04's comparison.

``tests/test_saved_cells.py`` fails when a module and its notebook disagree.
"""
