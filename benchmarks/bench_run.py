"""Benchmark ``impact.run`` on the bundled Odesa scenario.

Prints the wall time of ``impact.run`` (median and spread over repeats), its peak Python
memory (tracemalloc) and the process's peak resident memory, and the ratio of
reference-engine to fast-engine time on the same repair-time draws, measured in this run.

    python benchmarks/bench_run.py [--samples 500] [--repeats 7] [--scenario odesa-2025-12]

The machine is noisy: read medians and ratios, not single timings.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc

import numpy as np

import impact
from impact.engine import fast, reference
from impact.engine.compile import compile_scenario


def _timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        function()
        times.append(time.perf_counter() - begin)
    return times


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="odesa-2025-12")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--reference-repeats", type=int, default=3)
    args = parser.parse_args()

    scenario = impact.load_scenario(args.scenario)
    impact.run(scenario, samples=args.samples, seed=1)  # warm caches and imports
    run_times = _timed(lambda: impact.run(scenario, samples=args.samples, seed=1), args.repeats)

    tracemalloc.start()
    impact.run(scenario, samples=args.samples, seed=1)
    _current, peak_python = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    model = compile_scenario(scenario)
    durations = model.sample_durations(args.samples, 1)
    quantiles = np.array(scenario.config.quantiles)
    fast_times = _timed(lambda: fast.compute(model, durations, quantiles), args.repeats)
    reference_times = _timed(lambda: reference.compute(model, durations, quantiles), args.reference_repeats)
    same = fast.compute(model, durations, quantiles)
    oracle = reference.compute(model, durations, quantiles)
    exact = all(
        np.array_equal(getattr(same, name), getattr(oracle, name))
        for name in ("people_quantiles", "people_mean", "asset_down_count")
    )

    config = scenario.config
    print(
        f"scenario {scenario.id}: {len(scenario.areas)} areas, {len(scenario.assets)} assets, "
        f"{len(scenario.strikes)} strikes, {config.steps} steps, {args.samples} samples"
    )
    print(
        f"impact.run wall time: median {statistics.median(run_times):.3f} s "
        f"(min {min(run_times):.3f}, max {max(run_times):.3f}, {args.repeats} runs)"
    )
    print(f"impact.run peak Python memory (tracemalloc): {peak_python / 2**20:.1f} MiB")
    print(f"process peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    fast_median = statistics.median(fast_times)
    reference_median = statistics.median(reference_times)
    print(
        f"engine on the same draws: fast median {fast_median:.3f} s, reference median "
        f"{reference_median:.3f} s, ratio reference/fast {reference_median / fast_median:.1f}x "
        f"(results identical: {exact})"
    )


if __name__ == "__main__":
    main()
