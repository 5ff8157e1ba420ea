"""Notebook 09's settings: one run per sweep seed, scored as the notebook scores its generators.

Runs the lesson's ``evolve_generator`` (``edl_lessons.l09_gan``) as notebook 09 sets it up — the same data, the
same judge (its classifier trained as in the notebook), the same population, samples and budget in generations —
from the **sweep seeds** (100, 101, 102 by default: none of the notebook's compared runs), with the mutation steps,
the samples per agent, the discriminator's learning rate, its R1 strength and how often it learns given on the
command line. With ``--gradient`` it runs the
gradient reference instead (the lesson's ``train_reference`` at its defaults, the notebook's: the learning rate
its sweep chose and the steps its budget gives), with the R1 strength of its discriminator given by
``--r1-gamma``. Prints one line per seed and a summary: FID against the *training* images' features (the test
images are never touched), classes covered (≥ 5 % of the samples each) and the run's CPU seconds. It repeats the
comparisons behind the notebook's defaults (first made with a scratch copy of these loops, TensorFlow on one
thread, so its numbers can differ a little from these):

    EDL_DATA_DIR=../shared/data/mnist-t10k python benchmarks/gan09_settings.py                      # the GA's defaults
    EDL_DATA_DIR=../shared/data/mnist-t10k python benchmarks/gan09_settings.py --sigmas 0.04 0.01 --discriminator-lr 1e-4
    EDL_DATA_DIR=../shared/data/mnist-t10k python benchmarks/gan09_settings.py --r1-gamma 0        # the GA without R1
    EDL_DATA_DIR=../shared/data/mnist-t10k python benchmarks/gan09_settings.py --samples 64 --discriminator-every 1 --generations 500
    EDL_DATA_DIR=../shared/data/mnist-t10k python benchmarks/gan09_settings.py --gradient --steps 16959  # the reference
    EDL_DATA_DIR=../shared/data/mnist-t10k python benchmarks/gan09_settings.py --gradient --steps 16959 --instance-noise 0

(``--steps``: the ``gradient_steps`` that notebook 09 prints under its budget cell.)
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
from edl_lessons.l09_gan import (GASettings, ReferenceSettings, evolve_generator, make_discriminator, make_judge,
                                 measure, real_image_spread, train_classifier, train_reference)


def main() -> None:
    defaults, reference_defaults = GASettings(), ReferenceSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sigmas", type=float, nargs=2, default=(defaults.mutation_sigma, defaults.mutation_sigma_end),
                        help="mutation_sigma at the start and at the end of the budget")
    parser.add_argument("--discriminator-lr", type=float, default=defaults.discriminator_learning_rate)
    parser.add_argument("--discriminator-every", type=int, default=defaults.discriminator_every,
                        help="generations per step of the GA's discriminator")
    parser.add_argument("--r1-gamma", type=float, default=None,
                        help=f"R1 strength of the discriminator (default: the GA's {defaults.r1_gamma:g}, or with "
                             f"--gradient the reference's {reference_defaults.r1_gamma:g})")
    parser.add_argument("--instance-noise", type=float, default=defaults.instance_noise,
                        help="instance noise at the start, fading to 0 (either method)")
    parser.add_argument("--gradient", action="store_true", help="run the gradient reference instead of the GA")
    parser.add_argument("--learning-rate", type=float, default=reference_defaults.learning_rate,
                        help="the gradient reference's (with --gradient)")
    parser.add_argument("--steps", type=int, help="the gradient reference's steps (required with --gradient)")
    parser.add_argument("--generations", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=defaults.samples_per_agent, help="samples per agent")
    parser.add_argument("--population", type=int, default=32)
    parser.add_argument("--seeds", type=int, nargs="+", default=(100, 101, 102))
    parser.add_argument("--evaluation-samples", type=int, default=10_000)
    args = parser.parse_args()
    if args.gradient and not args.steps:
        parser.error("--gradient needs --steps: the gradient_steps that notebook 09 prints under its budget cell")
    r1_gamma = args.r1_gamma if args.r1_gamma is not None else (
        reference_defaults.r1_gamma if args.gradient else defaults.r1_gamma)

    data = edl.load_mnist("mnist")
    x_train = data.x_train.astype(np.float32) / 255.0
    edl.seed_everything(0)  # the judge, as the notebook trains it (seed 0, at least 24,000 images seen)
    classifier, _ = train_classifier(x_train, data.y_train, max(2, math.ceil(24_000 / len(x_train))))
    judge = make_judge(classifier)
    _, real_features = judge(x_train[np.random.default_rng(0).permutation(len(x_train))[:10_000]])
    generator = GeneratorMLP(16, 64)
    settings = GASettings(mutation_sigma=args.sigmas[0], mutation_sigma_end=args.sigmas[1],
                          discriminator_learning_rate=args.discriminator_lr,
                          discriminator_every=args.discriminator_every, r1_gamma=r1_gamma,
                          instance_noise=args.instance_noise, samples_per_agent=args.samples)
    reference = ReferenceSettings(learning_rate=args.learning_rate, r1_gamma=r1_gamma,
                                  instance_noise=args.instance_noise)
    spread = real_image_spread(x_train[:1000])
    if args.gradient:
        print(f"{data.name}: gradient reference, learning rate {args.learning_rate:g}, {args.steps} steps, "
              f"R1 gamma {r1_gamma:g}, instance noise {args.instance_noise:g}")
    else:
        print(f"{data.name}: GA, sigma {args.sigmas[0]} -> {args.sigmas[1]}, discriminator learning rate "
              f"{args.discriminator_lr:g} (a step every {args.discriminator_every} generations), R1 gamma "
              f"{r1_gamma:g}, instance noise {args.instance_noise:g}, population {args.population} x {args.samples} "
              f"samples, {args.generations} generations")
    fids, classes = [], []
    for seed in args.seeds:
        started = time.process_time()
        if args.gradient:
            genome, _ = train_reference(generator, x_train, seed, args.steps, reference, show_progress=False)
        else:
            rng = edl.seed_everything(seed)
            genome = evolve_generator(generator, make_discriminator(), generator.initial_population(args.population, rng),
                                      x_train, rng, settings, spread, generations=args.generations,
                                      show_progress=False).best_genome
        cpu = time.process_time() - started
        z = np.random.default_rng(seed + 1).standard_normal((args.evaluation_samples, 16)).astype(np.float32)
        scores = measure(generator.forward(genome, z), judge, real_features)
        fids.append(scores["fid"])
        classes.append(scores["classes_covered"])
        print(f"seed {seed}: FID {scores['fid']:.1f}, classes >= 5 %: {scores['classes_covered']}, "
              f"CPU {cpu:.0f} s", flush=True)
    print(f"median over seeds {list(args.seeds)}: FID {np.median(fids):.1f}, classes {np.median(classes):g}")


if __name__ == "__main__":
    main()
