"""Benchmark how the cost of ``impact.run`` grows with samples, areas and strikes (issue 4; synthetic data).

Three sweeps of three points each, the other parameters held at the national case
(``impact synth --areas 1469 --assets 2000 --strikes 300 --days 90 --seed 1``, 500 samples):

- samples 125 / 250 / 500 on the national scenario (generated into a temporary folder unless
  ``--scenario`` names one);
- areas 367 / 734 / 1469 (leaf areas; a scenario generated per point with ``impact.synth``);
- strikes 75 / 150 / 300 (a scenario generated per point).

Each measured run is a fresh process that imports the libraries, loads the scenario and creates
one tiny ``xarray.DataArray`` (xarray imports dask on first use) before the clock, then times one
``impact.run`` (default thread pool) and reads its peak resident memory (``ru_maxrss``, loading
included). All points take turns within each repeat so that background load spreads over them.
Printed: a table of parameter, value, median wall time (and spread) over ``--repeats``, median
peak RSS, and the median time relative to the sweep's smallest point, next to the ratio of the
values themselves (what linear growth would give). The last point of every sweep is the same
national case, measured separately in each sweep.

    python benchmarks/bench_scaling.py [--repeats 3] [--samples 125 250 500] [--areas 367 734 1469]
                                       [--strikes 75 150 300] [--scenario /tmp/ua1469]

The machine is noisy: read medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import json, resource, sys, time
import numpy, xarray
import impact
scenario = impact.load_scenario(sys.argv[1])
xarray.DataArray(numpy.zeros(1))  # one-time library import (xarray imports dask when installed), not the run
begin = time.perf_counter()
impact.run(scenario, samples=int(sys.argv[2]), seed=1)
seconds = time.perf_counter() - begin
print(json.dumps({"seconds": seconds, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "areas": len(scenario.areas), "strikes": len(scenario.strikes)}))
"""

#: The national case: the value of each parameter while another one varies.
NATIONAL = {"samples": 500, "areas": 1469, "strikes": 300}


def _run_in_child(folder: Path, samples: int) -> dict:
    """Run one measured ``impact.run`` in a fresh process.

    Parameters
    ----------
    folder : Path
        Scenario folder.
    samples : int
        Monte Carlo samples.

    Returns
    -------
    dict
        ``seconds``, ``peak_mib``, and the scenario's ``areas`` (all levels) and ``strikes``.
    """
    process = subprocess.run([sys.executable, "-c", _CHILD, str(folder), str(samples)], capture_output=True, text=True)
    if process.returncode != 0:
        raise RuntimeError(f"measured run failed ({process.returncode}):\n{process.stderr[-4000:]}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print the scaling table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario",
        type=Path,
        default=None,
        help="existing national scenario folder (areas 1469, strikes 300) for the samples sweep",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, nargs="+", default=[125, 250, 500])
    parser.add_argument("--areas", type=int, nargs="+", default=[367, 734, 1469], help="leaf areas")
    parser.add_argument("--strikes", type=int, nargs="+", default=[75, 150, 300])
    args = parser.parse_args()

    from impact.synth import write_synthetic

    with tempfile.TemporaryDirectory(prefix="impact-scaling-") as tmp:
        folders: dict[tuple[int, int], Path] = {}

        def scenario(areas: int, strikes: int) -> Path:
            """Folder of the synthetic scenario with these areas and strikes, written once."""
            if (areas, strikes) not in folders:
                if args.scenario is not None and (areas, strikes) == (NATIONAL["areas"], NATIONAL["strikes"]):
                    folders[areas, strikes] = args.scenario
                else:
                    folders[areas, strikes] = write_synthetic(
                        Path(tmp) / f"ua{areas}-{strikes}", areas=areas, assets=2000, strikes=strikes, days=90, seed=1
                    )
            return folders[areas, strikes]

        points = [
            ("samples", value, scenario(NATIONAL["areas"], NATIONAL["strikes"]), value)
            for value in sorted(args.samples)
        ]
        points += [
            ("areas", value, scenario(value, NATIONAL["strikes"]), NATIONAL["samples"]) for value in sorted(args.areas)
        ]
        points += [
            ("strikes", value, scenario(NATIONAL["areas"], value), NATIONAL["samples"])
            for value in sorted(args.strikes)
        ]
        runs: dict[tuple[str, int], list[dict]] = {(name, value): [] for name, value, _folder, _samples in points}
        for _ in range(args.repeats):
            for name, value, folder, samples in points:
                runs[name, value].append(_run_in_child(folder, samples))

    print(
        f"impact.run scaling around the national case (areas {NATIONAL['areas']}, assets 2000, strikes "
        f"{NATIONAL['strikes']}, days 90, samples {NATIONAL['samples']}); {args.repeats} runs per point, "
        f"each in a fresh process"
    )
    print(
        f"{'parameter':<9} {'value':>6} {'all areas':>9} {'median s':>9} {'min s':>7} {'max s':>7} "
        f"{'peak MiB':>9} {'x time':>7} {'x value':>8}"
    )
    smallest: dict[str, tuple[int, float]] = {}
    for name, value, _folder, _samples in points:
        measured = runs[name, value]
        seconds = [r["seconds"] for r in measured]
        median = statistics.median(seconds)
        smallest_value, smallest_median = smallest.setdefault(name, (value, median))
        print(
            f"{name:<9} {value:>6} {measured[0]['areas']:>9} {median:>9.2f} {min(seconds):>7.2f} "
            f"{max(seconds):>7.2f} {statistics.median(r['peak_mib'] for r in measured):>9.0f} "
            f"{median / smallest_median:>7.2f} {value / smallest_value:>8.2f}"
        )
    print(
        "x time: median time / the sweep's smallest point's; x value: value / the smallest value (linear growth); "
        "all areas: every admin level, leaves are the value for the areas sweep"
    )


if __name__ == "__main__":
    main()
