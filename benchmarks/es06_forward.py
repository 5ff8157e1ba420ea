"""Notebook 06's ES forward pass: all members at once vs members in cache-sized chunks.

Times, in one run, one generation's work of the lesson's ES at its defaults (population 1000, so 500 mirrored
pairs; minibatch 250; a 784-32-10 MLP; rank-one first-layer noise from the noise table): ``perturbed_logits``
followed by ``cross_entropy``, (a) with every member in one chunk and (b) with the lesson's default chunk of 64
members. Both compute the same numbers (checked) with the same operations; only the order in which members pass
through memory differs, so (a)/(b) is what keeping each chunk's hidden activations in the CPU's cache buys.
The last line is that like-for-like ratio, ``speedup: <(a)/(b)>x``. Random images stand in for Fashion-MNIST
(the cost does not depend on the pixel values).

    python benchmarks/es06_forward.py
"""
from __future__ import annotations

import timeit

import numpy as np

from edl_helpers.es_noise import NoiseTable, low_rank_length
from edl_lessons.l06_es import cross_entropy, perturbed_logits, sample_noise

PAIRS, BATCH, HIDDEN, INPUTS, REPEATS = 500, 250, 32, 784, 15


def best_ms(function, repeats: int = REPEATS) -> float:
    """Smallest wall time of ``repeats`` calls, in milliseconds (the least disturbed by other processes)."""
    return 1000 * min(timeit.repeat(function, number=1, repeat=repeats))


def main() -> None:
    rng = np.random.default_rng(0)
    n_parameters = INPUTS * HIDDEN + HIDDEN + HIDDEN * 10 + 10
    table = NoiseTable(low_rank_length(INPUTS, HIDDEN, n_parameters), seed=0)
    theta = rng.normal(0.0, 0.05, n_parameters).astype(np.float32)
    X = rng.random((BATCH, INPUTS), dtype=np.float32)
    Y = rng.integers(0, 10, BATCH)
    A, B, rest = sample_noise(table, rng, PAIRS, INPUTS, HIDDEN)
    sigma = np.float32(0.05)

    def generation(chunk: int) -> np.ndarray:
        return cross_entropy(perturbed_logits(theta, A, B, rest, sigma, X, chunk=chunk), Y)

    difference = np.abs(generation(PAIRS) - generation(64)).max()
    assert difference < 1e-5, f"the chunked pass disagrees with the one-chunk pass by {difference}"
    one_chunk, chunked = best_ms(lambda: generation(PAIRS)), best_ms(lambda: generation(64))
    print(f"one generation: {2 * PAIRS} members x {BATCH} images, 784-{HIDDEN}-10 MLP, fastest of {REPEATS}")
    print(f"(a) all members in one chunk: {one_chunk:.1f} ms")
    print(f"(b) chunks of 64 members:     {chunked:.1f} ms (largest score difference from (a): {difference:.1e})")
    print(f"speedup: {one_chunk / chunked:.2f}x")


if __name__ == "__main__":
    main()
