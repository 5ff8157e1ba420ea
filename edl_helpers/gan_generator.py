"""A NumPy GAN generator whose flat parameter vector is a genome, plus the GA operators for such genomes.

:class:`GeneratorMLP` is ``latent -> hidden (tanh or leaky ReLU) -> side*side (sigmoid)``. Its weights live in
one flat vector ``[W1 (latent x hidden), b1, W2 (hidden x pixels), b2]``, so a population is a
``(P, n_parameters)`` array, and :meth:`GeneratorMLP.forward_population` turns a whole population into images
in one batched float32 pass (stacked matrix products, no loop over individuals)::

    from edl_helpers.gan_generator import GeneratorMLP, two_point_crossover
    generator = GeneratorMLP(latent_size=16, hidden_size=64)
    population = generator.initial_population(32, rng)              # (32, n_parameters) float32
    images = generator.forward_population(population, z)             # z (B, latent) -> (32, B, 28, 28) in [0, 1]
    children = population + generator.mutation_noise(32, rng, sigma=0.03, smoothing=3.0)

The variation operators of notebook 09's GA are :meth:`GeneratorMLP.mutation_noise` (Gaussian mutation,
optionally blurred over the image plane), :func:`two_point_crossover` and :func:`uniform_crossover`;
:func:`image_grid` tiles samples for display.
"""
from __future__ import annotations

import contextlib
from typing import ContextManager

import numpy as np

from edl_lessons.l01_backprop import sigmoid

from .validation import check_choice, check_float, check_int

ACTIVATIONS = ("tanh", "leaky_relu")
LEAKY_SLOPE = 0.2  # the negative slope of Keras 3's ``leaky_relu`` activation, so a Keras twin matches exactly

_CONTROLLER: object | None = None


def single_threaded_blas() -> ContextManager[object]:
    """A context in which NumPy's BLAS uses one thread (a no-op if ``threadpoolctl`` is missing).

    The generator's matrix products are small (a few dozen rows each): a second BLAS thread cannot speed them
    up, and when the CPU is shared (several notebooks, a busy Colab VM) waking it costs more than the product
    itself; measured here, 10-30x slower. Entering the context costs ~20 microseconds.
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # scikit-learn brings threadpoolctl, so this is only a safety net
            _CONTROLLER = False
        else:
            _CONTROLLER = ThreadpoolController()
    if _CONTROLLER is False:
        return contextlib.nullcontext()
    return _CONTROLLER.limit(limits=1, user_api="blas")  # type: ignore[union-attr]


class GeneratorMLP:
    """``latent_size -> hidden_size -> side * side`` MLP generator with a sigmoid output (pixels in [0, 1]).

    The object holds only the architecture; the weights are a flat vector (one genome) or a
    ``(P, n_parameters)`` array (a population), passed to every call.
    """

    def __init__(self, latent_size: int = 16, hidden_size: int = 64, side: int = 28,
                 activation: str = "leaky_relu") -> None:
        self.latent_size = check_int("latent_size", latent_size, 1, 4096)
        self.hidden_size = check_int("hidden_size", hidden_size, 1, 4096)
        self.side = check_int("side", side, 1, 256)
        self.activation = check_choice("activation", activation, ACTIVATIONS)

    @property
    def n_pixels(self) -> int:
        """Outputs per sample: ``side * side``."""
        return self.side * self.side

    @property
    def shapes(self) -> tuple[tuple[int, ...], ...]:
        """Shapes of ``W1, b1, W2, b2`` in the order they are stored in the flat vector."""
        l, h, o = self.latent_size, self.hidden_size, self.n_pixels
        return (l, h), (h,), (h, o), (o,)

    @property
    def n_parameters(self) -> int:
        """Length of the parameter vector (the genome)."""
        return sum(int(np.prod(shape)) for shape in self.shapes)

    def __repr__(self) -> str:
        return (f"GeneratorMLP({self.latent_size}-{self.hidden_size}-{self.n_pixels}, {self.activation}/sigmoid, "
                f"{self.n_parameters:,} parameters)")

    def initial_population(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """``size`` independently initialised genomes, ``(size, n_parameters)`` float32.

        Weights are drawn from N(0, 1/fan_in) (LeCun normal, as in the course's MLP), biases start at zero,
        so a new generator draws grey speckle around 0.5 whatever its latent input.
        """
        size = check_int("size", size, 1, 1_000_000)
        population = np.zeros((size, self.n_parameters), dtype=np.float32)
        W1, _, W2, _ = self.unflatten(population)
        W1[...] = rng.normal(0.0, np.sqrt(1.0 / self.latent_size), W1.shape)
        W2[...] = rng.normal(0.0, np.sqrt(1.0 / self.hidden_size), W2.shape)
        return population

    def mutation_noise(self, count: int, rng: np.random.Generator, sigma: float,
                       smoothing: float = 0.0) -> np.ndarray:
        """``(count, n_parameters)`` Gaussian mutation noise, each gene with standard deviation ``sigma``.

        With ``smoothing = 0`` every gene gets independent noise (plain Gaussian mutation). With ``smoothing > 0``
        the noise of the output layer (each hidden unit's ``side x side`` row of ``W2``, and ``b2``) is blurred
        with a Gaussian of that width in pixels, then rescaled to standard deviation ``sigma``: neighbouring
        pixels move together, so a mutation adds a soft blob instead of salt-and-pepper noise. The input
        layer's noise stays independent.
        """
        count = check_int("count", count, 1, 1_000_000)
        sigma = check_float("sigma", sigma, 0.0, 1e6)
        smoothing = check_float("smoothing", smoothing, 0.0, float(self.side))
        noise = rng.standard_normal((count, self.n_parameters), dtype=np.float32)
        if smoothing > 0:
            start = self.latent_size * self.hidden_size + self.hidden_size
            images = noise[:, start:].reshape(count, self.hidden_size + 1, self.side, self.side)
            blur = _blur_matrix(self.side, smoothing)
            with single_threaded_blas():
                images = blur @ images @ blur.T                     # separable blur: rows, then columns
            images /= _blurred_std(self.side, smoothing)           # back to unit variance at every pixel
            noise[:, start:] = images.reshape(count, -1)
        noise *= np.float32(sigma)
        return noise

    def unflatten(self, population: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Split a ``(P, n_parameters)`` array into stacked ``W1 (P,l,h), b1 (P,h), W2 (P,h,o), b2 (P,o)`` views."""
        population = self._check_population(population)
        ends = np.cumsum([int(np.prod(shape)) for shape in self.shapes])
        starts = np.concatenate([[0], ends[:-1]])
        return tuple(population[:, start:end].reshape((len(population),) + shape)  # type: ignore[return-value]
                     for start, end, shape in zip(starts, ends, self.shapes))

    def forward(self, genome: np.ndarray, z: np.ndarray, dtype: type = np.float32) -> np.ndarray:
        """Images of ONE genome (the plain, per-agent forward pass): ``z (n, latent)`` -> ``(n, side, side)``."""
        genome = np.asarray(genome, dtype=dtype)
        if genome.shape != (self.n_parameters,):
            raise ValueError(f"genome must be a vector of {self.n_parameters} numbers for {self!r}, "
                             f"got shape {genome.shape}")
        z = self._check_latent(z, dtype, batched=False)
        W1, b1, W2, b2 = (array[0] for array in self.unflatten(genome[None, :]))
        with single_threaded_blas():
            hidden = self._hidden_activation(z @ W1 + b1)
            logits = hidden @ W2 + b2
        return sigmoid(logits).reshape(len(z), self.side, self.side)

    def forward_population(self, population: np.ndarray, z: np.ndarray, dtype: type = np.float32,
                           chunk: int = 32) -> np.ndarray:
        """Images of every genome in ``population`` in one batched pass.

        Args:
            population: ``(P, n_parameters)`` genomes.
            z: latent codes, either ``(B, latent)`` shared by every genome (common random numbers: each
                generator is judged on the same inputs) or ``(P, B, latent)``, one batch per genome.
            dtype: computation dtype; float32 (default) is about twice as fast as float64.
            chunk: genomes processed together, to bound the memory of the hidden layer.

        Returns:
            ``(P, B, side, side)`` images in [0, 1]; entry ``p`` equals ``forward(population[p], z or z[p])``
            to the precision of ``dtype``.
        """
        population = self._check_population(population).astype(dtype, copy=False)
        z = self._check_latent(z, dtype, batched=True)
        if z.ndim == 3 and len(z) != len(population):
            raise ValueError(f"z of shape {z.shape} gives {len(z)} latent batches for {len(population)} genomes")
        chunk = check_int("chunk", chunk, 1)
        batch = z.shape[-2]
        images = np.empty((len(population), batch, self.n_pixels), dtype=dtype)
        with single_threaded_blas():
            for start in range(0, len(population), chunk):
                W1, b1, W2, b2 = self.unflatten(population[start:start + chunk])
                codes = z if z.ndim == 2 else z[start:start + chunk]
                hidden = np.matmul(codes, W1)                    # (k, B, h): every genome's hidden layer at once
                hidden += b1[:, None, :]
                hidden = self._hidden_activation(hidden)
                # W2 is a strided view into the population; a contiguous copy lets BLAS take the fast path.
                logits = np.matmul(hidden, np.ascontiguousarray(W2))   # (k, B, pixels)
                logits += b2[:, None, :]
                images[start:start + len(W1)] = sigmoid(logits)
        return images.reshape(len(population), batch, self.side, self.side)

    def _hidden_activation(self, x: np.ndarray) -> np.ndarray:
        if self.activation == "tanh":
            return np.tanh(x)
        return np.where(x > 0, x, LEAKY_SLOPE * x).astype(x.dtype, copy=False)

    def _check_population(self, population: np.ndarray) -> np.ndarray:
        population = np.asarray(population)
        if population.ndim != 2 or population.shape[1] != self.n_parameters:
            raise ValueError(f"population must have shape (P, {self.n_parameters}) for {self!r}, "
                             f"got {population.shape}")
        return population

    def _check_latent(self, z: np.ndarray, dtype: type, batched: bool) -> np.ndarray:
        z = np.asarray(z, dtype=dtype)
        allowed = (2, 3) if batched else (2,)
        if z.ndim not in allowed or z.shape[-1] != self.latent_size:
            wanted = "(B, latent) or (P, B, latent)" if batched else "(n, latent)"
            raise ValueError(f"z must have shape {wanted} with latent = {self.latent_size}, got {z.shape}")
        return z


def _blur_matrix(size: int, width: float) -> np.ndarray:
    """``(size, size)`` Gaussian blur weights (rows sum to 1; edges renormalised)."""
    offsets = np.arange(size)[:, None] - np.arange(size)[None, :]
    weights = np.exp(-0.5 * (offsets / width) ** 2)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


def _blurred_std(size: int, width: float) -> np.ndarray:
    """Per-pixel standard deviation of white noise after the separable blur: ``(size, size)``, float32.

    Dividing by it gives every pixel of the blurred noise unit variance (the edges are blurred less).
    """
    row = np.sqrt(np.sum(_blur_matrix(size, width).astype(np.float64) ** 2, axis=1))
    return np.outer(row, row).astype(np.float32)


def uniform_crossover(parent_a: np.ndarray, parent_b: np.ndarray, rng: np.random.Generator,
                      swap_probability: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Two children of two flat genomes: each gene is swapped between them with ``swap_probability``.

    Child A takes parent B's gene wherever a coin (probability ``swap_probability``) says swap, and parent A's
    elsewhere; child B is the exact complement, so no gene is lost and the two children differ wherever the
    parents differ (unlike averaging, or copying one child twice). The parents are not modified.

    Raises:
        ValueError: if the parents are not 1-D vectors of the same length, or the probability is not in [0, 1].
    """
    parent_a, parent_b = np.asarray(parent_a), np.asarray(parent_b)
    if parent_a.ndim != 1 or parent_a.shape != parent_b.shape:
        raise ValueError(f"parents must be flat vectors of the same length, got shapes {parent_a.shape} "
                         f"and {parent_b.shape}")
    swap_probability = check_float("swap_probability", swap_probability, 0.0, 1.0)
    swap = rng.random(parent_a.shape) < swap_probability
    return np.where(swap, parent_b, parent_a), np.where(swap, parent_a, parent_b)


def two_point_crossover(parent_a: np.ndarray, parent_b: np.ndarray,
                        rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two children of two flat genomes: the genes between two random cut points are swapped.

    Child A is parent A with the segment ``[cut_1, cut_2)`` taken from parent B; child B is the complement.
    The cuts are two distinct inner positions (``1 <= cut_1 < cut_2 <= n - 1``), so each child holds genes
    of both parents. Contiguous runs of genes stay together: a row of an output weight matrix (one hidden
    unit's image) is cut in at most two places. The children are new arrays (the parents, and any array
    they are views of, are not modified - DEAP's ``cxTwoPoint`` swaps slices in place, which corrupts
    NumPy individuals).

    Raises:
        ValueError: if the parents are not 1-D vectors of the same length with at least 3 genes.
    """
    parent_a, parent_b = np.asarray(parent_a), np.asarray(parent_b)
    if parent_a.ndim != 1 or parent_a.shape != parent_b.shape or len(parent_a) < 3:
        raise ValueError(f"parents must be flat vectors of the same length (at least 3), got shapes "
                         f"{parent_a.shape} and {parent_b.shape}")
    cut_1, cut_2 = np.sort(rng.choice(np.arange(1, len(parent_a)), size=2, replace=False))
    child_a, child_b = parent_a.copy(), parent_b.copy()
    child_a[cut_1:cut_2], child_b[cut_1:cut_2] = parent_b[cut_1:cut_2], parent_a[cut_1:cut_2]
    return child_a, child_b


def image_grid(images: np.ndarray, columns: int = 8, pad: int = 1, fill: float = 1.0) -> np.ndarray:
    """Tile ``(n, h, w)`` images into one ``(rows*(h+pad)-pad, columns*(w+pad)-pad)`` array for ``imshow``.

    Missing cells of the last row and the gaps between images are filled with ``fill``.
    """
    images = np.asarray(images)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (n > 0, height, width), got {images.shape}")
    columns = check_int("columns", columns, 1)
    pad = check_int("pad", pad, 0)
    n, height, width = images.shape
    columns = min(columns, n)
    rows = -(-n // columns)
    grid = np.full((rows * (height + pad) - pad, columns * (width + pad) - pad), fill, dtype=np.float32)
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        grid[row * (height + pad):row * (height + pad) + height,
             column * (width + pad):column * (width + pad) + width] = image
    return grid
