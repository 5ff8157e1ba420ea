"""Code taught in the notebooks, generated from their ``#@save`` cells: edit the notebook, not these modules.

``python -m edl_helpers.save_cells`` writes one module per notebook (:data:`edl_helpers.save_cells.LESSONS`):

* :mod:`.l01_backprop` — notebook 01: the MLP's forward pass, backprop gradients and Adam training loop
  (used by :class:`edl_helpers.MLP`);
* :mod:`.l02_ga` — notebook 02: the GA's fitness, DEAP toolbox and generation loop (``run_ga``), reused by
  the later notebooks.

``tests/test_saved_cells.py`` fails when a module and its notebook disagree.
"""
