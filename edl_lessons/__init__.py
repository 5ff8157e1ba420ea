"""Code taught in the notebooks, generated from their ``#@save`` cells: edit the notebook, not these modules.

The course's code has two homes: what a lesson *teaches* (backprop, the GA, ...) is written once, on its
notebook page, and gathered here; :mod:`edl_helpers` holds the plumbing (data, plots, widgets, batched
forward passes, results). A lesson's module is named for its notebook, so the code of notebook 02 is in
``edl_lessons.l02_ga``.

``python -m edl_helpers.save_cells`` writes one module per notebook that has saved cells
(:data:`edl_helpers.save_cells.MODULE_NAMES`):

* :mod:`.l01_backprop` — notebook 01: the MLP's forward pass, backprop gradients and Adam training loop
  (used by :class:`edl_helpers.MLP`);
* :mod:`.l02_ga` — notebook 02: the GA's fitness, DEAP toolbox, the generation loop every evolutionary
  method shares (``evolve``) and the GA on it (``run_ga``), the run record and its ERT;
* :mod:`.l03_es` — notebook 03: the (μ, λ)-ES's toolbox and child, and ``run_es`` (02's loop, the ES's
  generation);
* :mod:`.l04_de` — notebook 04: DE/rand/1/bin (``run_de``) and the GA/ES/DE/backprop comparison;
* :mod:`.l05_keras_ga` — notebook 05: the batched forward of a population of Keras Dense models;
* :mod:`.l06_es` — notebook 06: the MNIST MLP, the minibatch GA and the OpenAI-style ES;
* :mod:`.l07_lstm_tuning` — notebook 07: the bitstring genome of LSTM hyperparameters, its GA and the
  random-search control;
* :mod:`.l08_architecture` — notebook 08: the architecture genome (decode, structured crossover and
  mutation), the networks it builds and the search;
* :mod:`.l09_gan` — notebook 09: the independent judge, the discriminator, the GA over generators and the
  gradient-trained reference GAN.

The solutions notebooks (``notebooks/NN_name_solutions.ipynb``) import these modules too.

``tests/test_saved_cells.py`` fails when a module and its notebook disagree.
"""
