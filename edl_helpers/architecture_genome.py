"""A network architecture as a fixed-length integer genome, with variation operators that respect it.

The genome of notebook 08 is a list of integers::

    [n_lstm, n_dense, lstm_units_1, ..., lstm_units_L, dense_units_1, ..., dense_units_D]

with ``L = space.max_lstm`` and ``D = space.max_dense`` width slots. The two *layer-count genes* say how
many LSTM and Dense layers the network has; only the first ``n_lstm`` LSTM slots and the first ``n_dense``
Dense slots are *active*. The other slots are *dormant*: kept (always valid) so that a layer which comes
back through mutation of a count gene gets a sensible width, but ignored by :func:`decode`.

The operators follow DEAP's conventions (they change their arguments in place and return them, as tuples)
and draw from Python's ``random`` unless given an ``rng`` (``random.Random``), so
:func:`edl_helpers.seed_everything` makes them repeatable. Nothing here imports TensorFlow: building the
Keras model from an :class:`Architecture` is the notebook's job.
"""
from __future__ import annotations

import dataclasses
import numbers
import random
from typing import Any, MutableSequence, Sequence

from .validation import check_float, check_int

N_LSTM, N_DENSE = 0, 1  # positions of the two layer-count genes


@dataclasses.dataclass(frozen=True)
class ArchitectureSpace:
    """The search space: layer-count limits and the grid of allowed widths.

    Widths are ``min_units, min_units + unit_step, ..., max_units``. Random widths are drawn uniformly
    from that grid, or, with ``log_uniform``, with probability proportional to ``1 / width`` (a
    log-uniform prior: a width in 32-64 is as likely as one in 128-256), which makes random networks
    cheaper to train.

    Raises:
        ValueError: naming the field, for counts outside 1-8, widths outside 1-4096, ``max_units`` below
            ``min_units``, or a ``unit_step`` (1-4096) that does not divide ``max_units - min_units``.
    """

    max_lstm: int = 3
    max_dense: int = 3
    min_units: int = 32
    max_units: int = 256
    unit_step: int = 32
    log_uniform: bool = False

    def __post_init__(self) -> None:
        checked = {"max_lstm": check_int("max_lstm", self.max_lstm, 1, 8),
                   "max_dense": check_int("max_dense", self.max_dense, 1, 8),
                   "min_units": check_int("min_units", self.min_units, 1, 4096)}
        checked["max_units"] = check_int("max_units", self.max_units, checked["min_units"], 4096)
        checked["unit_step"] = check_int("unit_step", self.unit_step, 1, 4096)
        for name, value in checked.items():  # store plain ints (e.g. 3.0 -> 3) in the frozen dataclass
            object.__setattr__(self, name, value)
        if (self.max_units - self.min_units) % self.unit_step:
            raise ValueError(f"unit_step must divide max_units - min_units = {self.max_units - self.min_units}, "
                             f"got {self.unit_step}")
        if not isinstance(self.log_uniform, bool):
            raise ValueError(f"log_uniform must be True or False, got {self.log_uniform!r}")

    @property
    def length(self) -> int:
        """Number of genes: two counts plus one width slot per possible layer."""
        return 2 + self.max_lstm + self.max_dense

    @property
    def widths(self) -> tuple[int, ...]:
        """Every allowed width, smallest first."""
        return tuple(range(self.min_units, self.max_units + 1, self.unit_step))

    @property
    def lstm_slots(self) -> range:
        """Genome positions of the LSTM width genes."""
        return range(2, 2 + self.max_lstm)

    @property
    def dense_slots(self) -> range:
        """Genome positions of the Dense width genes."""
        return range(2 + self.max_lstm, self.length)

    def gene_names(self) -> list[str]:
        """A name per gene, e.g. ``['n_lstm', 'n_dense', 'lstm_1', ..., 'dense_3']``."""
        return (["n_lstm", "n_dense"] + [f"lstm_{i + 1}" for i in range(self.max_lstm)]
                + [f"dense_{i + 1}" for i in range(self.max_dense)])

    def active_slots(self, genome: Sequence[int]) -> list[int]:
        """Positions of the width genes that :func:`decode` uses (the layers present in ``genome``)."""
        genome = validate_genome(genome, self)
        return list(self.lstm_slots[:genome[N_LSTM]]) + list(self.dense_slots[:genome[N_DENSE]])


DEFAULT_SPACE = ArchitectureSpace()


@dataclasses.dataclass(frozen=True)
class Architecture:
    """What a genome means: the widths of the stacked LSTM layers, then of the Dense layers.

    Hashable, and equal for every genome that differs only in dormant genes, so it is the right key for a
    cache of trained architectures.
    """

    lstm_units: tuple[int, ...]
    dense_units: tuple[int, ...]

    def describe(self) -> str:
        """A one-line summary, e.g. ``'LSTM(128)-LSTM(64) | Dense(96)'`` (``'LSTM(128)'`` without Dense layers)."""
        lstm = "-".join(f"LSTM({units})" for units in self.lstm_units)
        dense = "-".join(f"Dense({units})" for units in self.dense_units)
        return " | ".join(part for part in (lstm, dense) if part)

    def __str__(self) -> str:
        return self.describe()


def _rng(rng: random.Random | None) -> Any:
    """``rng``, or the ``random`` module itself (the generator ``random.seed`` and DEAP use)."""
    return random if rng is None else rng


def random_width(space: ArchitectureSpace = DEFAULT_SPACE, rng: random.Random | None = None) -> int:
    """One width from ``space.widths`` (log-uniform if ``space.log_uniform``, else uniform)."""
    widths = space.widths
    if not space.log_uniform:
        return _rng(rng).choice(widths)
    return _rng(rng).choices(widths, weights=[1.0 / width for width in widths])[0]


def random_architecture_genome(space: ArchitectureSpace = DEFAULT_SPACE,
                               rng: random.Random | None = None) -> list[int]:
    """A random valid genome: layer counts uniform in ``1..max``, every width slot from :func:`random_width`."""
    generator = _rng(rng)
    counts = [generator.randint(1, space.max_lstm), generator.randint(1, space.max_dense)]
    return counts + [random_width(space, generator) for _ in range(space.max_lstm + space.max_dense)]


def genome_problem(genome: object, space: ArchitectureSpace = DEFAULT_SPACE) -> str | None:
    """``None`` if ``genome`` is valid in ``space``, else a sentence saying which gene is wrong and why.

    Valid means: ``space.length`` integer genes (Python or NumPy integers, not floats or bools), layer
    counts in ``1..max_lstm`` and ``1..max_dense``, and every width slot, active or dormant, on the grid
    ``space.widths``.
    """
    if isinstance(genome, (str, bytes)) or not hasattr(genome, "__len__") or not hasattr(genome, "__iter__"):
        return f"a genome must be a sequence of {space.length} integers, got {type(genome).__name__}"
    genes = list(genome)  # type: ignore[call-overload]
    names = space.gene_names()
    if len(genes) != space.length:
        return f"a genome must have {space.length} genes {names}, got {len(genes)}"
    widths = [(space.min_units, space.max_units)] * (space.length - 2)
    limits = [(1, space.max_lstm), (1, space.max_dense)] + widths
    for index, (gene, (low, high)) in enumerate(zip(genes, limits)):
        if isinstance(gene, bool) or not isinstance(gene, numbers.Integral):
            return f"gene {index} ({names[index]}) must be an integer, got {gene!r}"
        if not low <= gene <= high:
            return f"gene {index} ({names[index]}) must be from {low} to {high}, got {gene}"
        if index >= 2 and (gene - space.min_units) % space.unit_step:
            return (f"gene {index} ({names[index]}) must be a width on the grid {space.min_units}, "
                    f"{space.min_units + space.unit_step}, ..., {space.max_units}, got {gene}")
    return None


def is_valid_genome(genome: object, space: ArchitectureSpace = DEFAULT_SPACE) -> bool:
    """True if ``genome`` has the right length, counts in range and every width slot on the grid."""
    return genome_problem(genome, space) is None


def validate_genome(genome: object, space: ArchitectureSpace = DEFAULT_SPACE) -> list[int]:
    """Return ``genome`` as a plain list of ``int``.

    Raises:
        ValueError: naming the first wrong gene (see :func:`genome_problem`).
    """
    problem = genome_problem(genome, space)
    if problem is not None:
        raise ValueError(problem)
    return [int(gene) for gene in genome]  # type: ignore[union-attr]


def decode(genome: Sequence[int], space: ArchitectureSpace = DEFAULT_SPACE) -> Architecture:
    """The :class:`Architecture` a valid genome describes (dormant width slots are ignored).

    Raises:
        ValueError: if ``genome`` is not valid in ``space``.
    """
    genes = validate_genome(genome, space)
    lstm = tuple(genes[slot] for slot in space.lstm_slots[:genes[N_LSTM]])
    dense = tuple(genes[slot] for slot in space.dense_slots[:genes[N_DENSE]])
    return Architecture(lstm_units=lstm, dense_units=dense)


def crossover(parent1: MutableSequence[int], parent2: MutableSequence[int],
              space: ArchitectureSpace = DEFAULT_SPACE, indpb: float = 0.5,
              rng: random.Random | None = None) -> tuple[MutableSequence[int], MutableSequence[int]]:
    """Uniform crossover that respects the structure; changes both parents in place and returns them.

    The layer-count genes are never exchanged (each child keeps its own depth). The width of LSTM layer
    ``i`` is swapped with probability ``indpb`` only when *both* parents have an LSTM layer ``i``; the same
    for Dense layers. Dormant slots (layers a parent does not have) are never touched.

    Raises:
        ValueError: if a parent is not a valid genome or ``indpb`` is not in [0, 1].
    """
    indpb = check_float("indpb", indpb, 0.0, 1.0)
    genes1, genes2 = validate_genome(parent1, space), validate_genome(parent2, space)
    generator = _rng(rng)
    for count, slots in ((N_LSTM, space.lstm_slots), (N_DENSE, space.dense_slots)):
        for slot in slots[:min(genes1[count], genes2[count])]:
            if generator.random() < indpb:
                parent1[slot], parent2[slot] = genes2[slot], genes1[slot]
    return parent1, parent2


def mutate(genome: MutableSequence[int], space: ArchitectureSpace = DEFAULT_SPACE, width_pb: float = 0.3,
           count_pb: float = 0.1, rng: random.Random | None = None) -> tuple[MutableSequence[int]]:
    """Mutation that respects the structure; changes ``genome`` in place and returns ``(genome,)``.

    First each *active* width gene is redrawn with :func:`random_width` with probability ``width_pb``
    (dormant slots are left alone). Then each layer-count gene moves one step up or down with probability
    ``count_pb``, staying within ``1..max`` (at a limit it moves inwards); a layer switched back on gets
    the width stored in its dormant slot.

    Raises:
        ValueError: if ``genome`` is not valid or a probability is not in [0, 1].
    """
    width_pb = check_float("width_pb", width_pb, 0.0, 1.0)
    count_pb = check_float("count_pb", count_pb, 0.0, 1.0)
    genes = validate_genome(genome, space)
    generator = _rng(rng)
    for slot in space.active_slots(genes):
        if generator.random() < width_pb:
            genome[slot] = random_width(space, generator)
    for count, limit in ((N_LSTM, space.max_lstm), (N_DENSE, space.max_dense)):
        if limit > 1 and generator.random() < count_pb:
            step = generator.choice((-1, 1))
            if not 1 <= genes[count] + step <= limit:
                step = -step
            genome[count] = genes[count] + step
    return (genome,)
