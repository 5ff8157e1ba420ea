"""Notebook 09's GA settings: one GA run per sweep seed, scored as the notebook scores its generators.

Runs the lesson's ``evolve_generator`` (``edl_lessons.l09_gan``) as notebook 09 sets it up — the same data, the
same judge (its classifier trained as in the notebook), the same population, samples and budget in generations —
from the **sweep seeds** (100, 101, 102 by default: none of the notebook's compared runs), with the mutation steps
and the discriminator's learning rate given on the command line. Prints one line per seed and a summary: FID
against the *training* images' features (the test images are never touched), classes covered (≥ 5 % of the
samples each) and the GA's CPU seconds. It repeats the comparison behind the notebook's defaults (first made with
a scratch copy of this loop, TensorFlow on one thread, so its numbers can differ a little from these):

    EDL_DATA_DIR=../shared/data/mnist-t10k python benchmarks/gan09_settings.py                      # the defaults
    EDL_DATA_DIR=../shared/data/mnist-t10k python benchmarks/gan09_settings.py --sigmas 0.04 0.01 --discriminator-lr 1e-4
"""
from __future__ import annotations

import argparse
import math
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np

import edl_helpers as edl
from edl_helpers.gan_generator import GeneratorMLP
from edl_lessons.l09_gan import (GASettings, evolve_generator, make_discriminator, make_judge, measure,
                                 real_image_spread, train_classifier)


def main() -> None:
    defaults = GASettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sigmas", type=float, nargs=2, default=(defaults.mutation_sigma, defaults.mutation_sigma_end),
                        help="mutation_sigma at the start and at the end of the budget")
    parser.add_argument("--discriminator-lr", type=float, default=defaults.discriminator_learning_rate)
    parser.add_argument("--generations", type=int, default=500)
    parser.add_argument("--population", type=int, default=32)
    parser.add_argument("--seeds", type=int, nargs="+", default=(100, 101, 102))
    parser.add_argument("--evaluation-samples", type=int, default=10_000)
    args = parser.parse_args()

    data = edl.load_mnist("mnist")
    x_train = data.x_train.astype(np.float32) / 255.0
    edl.seed_everything(0)  # the judge, as the notebook trains it (seed 0, at least 24,000 images seen)
    classifier, _ = train_classifier(x_train, data.y_train, max(2, math.ceil(24_000 / len(x_train))))
    judge = make_judge(classifier)
    _, real_features = judge(x_train[np.random.default_rng(0).permutation(len(x_train))[:10_000]])
    generator = GeneratorMLP(16, 64)
    settings = GASettings(mutation_sigma=args.sigmas[0], mutation_sigma_end=args.sigmas[1],
                          discriminator_learning_rate=args.discriminator_lr)
    spread = real_image_spread(x_train[:1000])
    print(f"{data.name}: sigma {args.sigmas[0]} -> {args.sigmas[1]}, discriminator learning rate "
          f"{args.discriminator_lr:g}, population {args.population}, {args.generations} generations")
    fids, classes = [], []
    for seed in args.seeds:
        rng = edl.seed_everything(seed)
        started = time.process_time()
        run = evolve_generator(generator, make_discriminator(), generator.initial_population(args.population, rng),
                               x_train, rng, settings, spread, generations=args.generations, show_progress=False)
        cpu = time.process_time() - started
        z = np.random.default_rng(seed + 1).standard_normal((args.evaluation_samples, 16)).astype(np.float32)
        scores = measure(generator.forward(run.best_genome, z), judge, real_features)
        fids.append(scores["fid"])
        classes.append(scores["classes_covered"])
        print(f"seed {seed}: FID {scores['fid']:.1f}, classes >= 5 %: {scores['classes_covered']}, "
              f"CPU {cpu:.0f} s", flush=True)
    print(f"median over seeds {list(args.seeds)}: FID {np.median(fids):.1f}, classes {np.median(classes):g}")


if __name__ == "__main__":
    main()
