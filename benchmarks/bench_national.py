"""Benchmark the national reference case of issue 4 (synthetic; not real data).

Generates ``impact synth --areas 1469 --assets 2000 --strikes 300 --days 90 --seed 1`` into a
temporary folder (unless ``--scenario`` names one), then prints the wall time and peak
resident memory of ``impact.run`` at 500 samples, and the ratio of reference-engine to
fast-engine time on the same draws. Each repeat is a fresh process that imports the
libraries and loads the scenario (not timed), times a first ``impact.run`` (the figure
that counts) and a second one in the same process (memory already mapped). The
reference engine builds the full (sample x area x time) cube, so it runs a subset of
samples (``--reference-samples``) and its time is scaled linearly to the full sample count;
the fast engine is timed on the same subset too, so both ratios are printed.

    python benchmarks/bench_national.py [--samples 500] [--repeats 3] [--reference-samples 4]

Targets (issue 4): impact.run <= 3 s wall, <= 2 GB peak memory, >= 25x the reference.
The machine is noisy: read medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = """
import json, resource, sys, time
import numpy, xarray
import impact
scenario = impact.load_scenario(sys.argv[1])
xarray.DataArray(numpy.zeros(1))  # one-time library import (xarray imports dask when installed), not the run
begin = time.perf_counter()
impact.run(scenario, samples=int(sys.argv[2]), seed=1)
first = time.perf_counter() - begin
begin = time.perf_counter()
impact.run(scenario, samples=int(sys.argv[2]), seed=1)
print(json.dumps({"seconds": first, "again": time.perf_counter() - begin,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run_in_child(folder: Path, samples: int) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), str(samples)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    """Print the national case's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=None, help="existing scenario folder")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reference-samples", type=int, default=4)
    args = parser.parse_args()

    import numpy as np

    import impact
    from impact.engine import fast, reference
    from impact.engine.compile import compile_scenario
    from impact.synth import write_synthetic

    with tempfile.TemporaryDirectory(prefix="impact-national-") as tmp:
        folder = args.scenario or write_synthetic(
            Path(tmp) / "ua1469", areas=1469, assets=2000, strikes=300, days=90, seed=1
        )
        scenario = impact.load_scenario(folder)
        runs = [_run_in_child(folder, args.samples) for _ in range(args.repeats)]
        seconds = [r["seconds"] for r in runs]
        again = [r["again"] for r in runs]
        peaks = [r["peak_mib"] for r in runs]

        model = compile_scenario(scenario)
        quantiles = np.array(scenario.config.quantiles)
        subset = model.sample_durations(args.reference_samples, 1)
        begin = time.perf_counter()
        fast_subset = fast.compute(model, subset, quantiles)
        fast_seconds = time.perf_counter() - begin
        begin = time.perf_counter()
        oracle = reference.compute(model, subset, quantiles)
        reference_seconds = time.perf_counter() - begin
        exact = np.array_equal(fast_subset.people_quantiles, oracle.people_quantiles) and np.array_equal(
            fast_subset.people_mean, oracle.people_mean
        )

    print(
        f"national case {scenario.id}: {len(scenario.areas)} areas, {len(scenario.assets)} assets, "
        f"{len(scenario.strikes)} strikes, {scenario.config.steps} steps, {args.samples} samples"
    )
    print(
        f"impact.run wall time: median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}, "
        f"max {max(seconds):.2f}, {args.repeats} runs, each in a fresh process)"
    )
    print(f"second impact.run in the same process: median {statistics.median(again):.2f} s")
    print(f"peak resident memory (both runs): median {statistics.median(peaks):.0f} MiB")
    scaled = reference_seconds * args.samples / args.reference_samples
    print(
        f"reference engine on {args.reference_samples} samples: {reference_seconds:.1f} s, scaled linearly to "
        f"{args.samples} samples: {scaled:.0f} s; ratio to impact.run's median: "
        f"{scaled / statistics.median(seconds):.1f}x"
    )
    print(
        f"on the same {args.reference_samples} samples: fast {fast_seconds:.2f} s, reference "
        f"{reference_seconds:.1f} s, ratio {reference_seconds / fast_seconds:.1f}x, results identical: {exact}"
    )
    print("targets (issue 4): <= 3 s wall, <= 2048 MiB, >= 25x the reference")


if __name__ == "__main__":
    main()
