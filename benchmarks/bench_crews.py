"""Benchmark the crew schedule of ``impact.engine.crews`` on a synthetic case.

Strikes spread uniformly over 90 days on random assets (a new asset in each sample, as with
candidate assets), lognormal work (median 24 h), assets split evenly over the pools, four
priority levels. Prints the median wall and CPU time of :func:`crew_outage_hours` over repeats,
the share of strikes that wait, and, on a few samples, its time against the reference loop
(and that both give the same floats).

    python benchmarks/bench_crews.py [--strikes 2000] [--samples 500] [--pools 3] [--crews 5]

The machine is noisy: read medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from impact.engine.crews import crew_outage_hours, crew_outage_hours_reference


def synthetic_case(strikes: int, samples: int, pools: int, crews: int, assets: int, seed: int = 1) -> dict:
    """Arguments of :func:`crew_outage_hours` for the synthetic case."""
    rng = np.random.default_rng(seed)
    return {
        "strike_hours": rng.uniform(0.0, 90 * 24.0, strikes),
        "strike_asset": rng.integers(0, assets, (samples, strikes)),
        "work_hours": rng.lognormal(np.log(24.0), 1.0, (samples, strikes)),
        "asset_pool": rng.integers(0, pools, assets),
        "asset_priority": rng.choice([1.0, 2.0, 3.0, np.inf], assets),
        "asset_order": rng.permutation(assets),
        "pool_crews": np.full(pools, crews),
    }


def main() -> None:
    """Print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strikes", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--pools", type=int, default=3)
    parser.add_argument("--crews", type=int, default=5, help="crews per pool")
    parser.add_argument("--assets", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reference-samples", type=int, default=2)
    args = parser.parse_args()

    case = synthetic_case(args.strikes, args.samples, args.pools, args.crews, args.assets)
    seconds, cpu_seconds = [], []
    for _ in range(args.repeats):
        begin, cpu_begin = time.perf_counter(), time.process_time()
        _outage, wait = crew_outage_hours(**case)
        seconds.append(time.perf_counter() - begin)
        cpu_seconds.append(time.process_time() - cpu_begin)
    without = dict(case, asset_pool=np.full(args.assets, -1))
    begin = time.perf_counter()
    crew_outage_hours(**without)
    without_seconds = time.perf_counter() - begin

    few = dict(
        case,
        strike_asset=case["strike_asset"][: args.reference_samples],
        work_hours=case["work_hours"][: args.reference_samples],
    )
    begin = time.perf_counter()
    fast = crew_outage_hours(**few)
    fast_seconds = time.perf_counter() - begin
    begin = time.perf_counter()
    oracle = crew_outage_hours_reference(**few)
    reference_seconds = time.perf_counter() - begin
    same = np.array_equal(fast[0], oracle[0]) and np.array_equal(fast[1], oracle[1])

    print(
        f"crews: {args.strikes} strikes x {args.samples} samples, {args.pools} pools of {args.crews} crews, "
        f"{args.assets} assets; {100 * (wait > 0).mean():.0f} % of strikes wait (mean {wait.mean():.0f} h)"
    )
    print(
        f"crew_outage_hours: median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}, "
        f"max {max(seconds):.2f}, {args.repeats} runs), CPU median {statistics.median(cpu_seconds):.2f} s; "
        f"without pools {1000 * without_seconds:.1f} ms"
    )
    print(
        f"on {args.reference_samples} samples: vectorised {fast_seconds:.2f} s, reference loop "
        f"{reference_seconds:.1f} s, same floats: {same}"
    )


if __name__ == "__main__":
    main()
