"""Write edl_helpers/data/driver_behavior.csv, the course's synthetic driver-behaviour data set (data/README.md).

    python data/make_driver_data.py                  # the shipped file, from the shipped seed
    python data/make_driver_data.py --seed 7 --trips-per-class 20 --output /some/where.csv

The file is package data: ``load_driver_data()`` reads these bytes wherever the package is installed (Colab
too), so no learner depends on NumPy reproducing the random stream. ``tests/test_driver_data.py`` checks that
this script still writes the identical file.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from edl_helpers.driver_synth import DEFAULT_SEED, DEFAULT_TRIPS_PER_CLASS, generate_driver_data

OUTPUT = Path(__file__).resolve().parents[1] / "edl_helpers" / "data" / "driver_behavior.csv"


def main(argv: list[str] | None = None) -> None:
    """Simulate the trips and write the CSV (6 decimals, like the public data set)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--trips-per-class", type=int, default=DEFAULT_TRIPS_PER_CLASS)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    frame = generate_driver_data(trips_per_class=args.trips_per_class, seed=args.seed)
    frame.to_csv(args.output, index=False, float_format="%.6f")
    counts = ", ".join(f"{name} {count}" for name, count in frame["Class"].value_counts(sort=False).items())
    print(f"wrote {args.output.name}: {len(frame)} rows ({counts}), "
          f"{args.output.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
