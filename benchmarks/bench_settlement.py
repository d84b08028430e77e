"""Benchmark the settlement-scale case of issue 4 end to end into NetCDF (synthetic; not real data).

Generates ``impact synth --areas 28656 --assets 2000 --strikes 300 --days 90 --seed 1`` into a
temporary folder (unless ``--scenario`` names one), then runs ``impact.run_to_netcdf`` at 500
samples into a temporary file: its whole in-memory result would be about 8 GB, so the areas are
computed and written in blocks (``--area-block``). Each repeat is a fresh process that imports
the libraries and creates one tiny ``xarray.DataArray`` (xarray imports dask on first use; not
timed), then times ``impact.load_scenario`` and ``impact.run_to_netcdf`` separately. Printed:
wall time of both (median over repeats), peak resident memory of the process (loading and run;
``ru_maxrss``), the time spent per stage (outages, area blocks), the file's size, and a read-back
check of the last file with ``xarray.open_dataset(path, chunks={})``: its sizes, chunks, and
that the last block of areas holds numbers.

    python benchmarks/bench_settlement.py [--areas 28656] [--samples 500] [--repeats 2]
                                          [--area-block 2048] [--scenario /tmp/ua28656]

Target (issue 4): peak memory within 16 GB (16384 MiB). One run takes about 1.5-2 minutes on
a 2-core machine. The machine is noisy: read medians.
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
import json, os, resource, sys, time
import numpy, xarray
import impact
xarray.DataArray(numpy.zeros(1))  # one-time library import (xarray imports dask when installed), not the run
begin = time.perf_counter()
scenario = impact.load_scenario(sys.argv[1])
loading = time.perf_counter() - begin
loaded_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
stages = []
begin = time.perf_counter()
impact.run_to_netcdf(scenario, sys.argv[2], samples=int(sys.argv[3]), seed=1, area_block=int(sys.argv[4]),
                     progress=lambda label: stages.append((label, time.perf_counter() - begin)))
seconds = time.perf_counter() - begin
print(json.dumps({"load_seconds": loading, "seconds": seconds, "loaded_mib": loaded_mib,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "bytes": os.path.getsize(sys.argv[2]), "stages": stages}))
"""


def _run_in_child(folder: Path, path: Path, samples: int, area_block: int) -> dict:
    """Run one measured ``run_to_netcdf`` in a fresh process.

    Parameters
    ----------
    folder : Path
        Scenario folder.
    path : Path
        NetCDF file to write (overwritten).
    samples : int
        Monte Carlo samples.
    area_block : int
        Areas per block.

    Returns
    -------
    dict
        The child's figures: ``load_seconds``, ``seconds``, ``loaded_mib``, ``peak_mib``,
        ``bytes`` and ``stages`` (label, seconds since the run started).
    """
    process = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), str(path), str(samples), str(area_block)],
        capture_output=True,
        text=True,
    )
    if process.returncode != 0:
        raise RuntimeError(f"measured run failed ({process.returncode}):\n{process.stderr[-4000:]}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def _stage_seconds(stages: list[list]) -> dict[str, float | list[float]]:
    """Split a run's progress marks into the time before the first block and each block's time.

    Parameters
    ----------
    stages : list of [str, float]
        Progress labels and their times since the run started [s], in order; the last is ``done``.

    Returns
    -------
    dict
        ``before_blocks`` (compiling and the outage stage) [s] and ``blocks`` (one time per
        block of areas, computing and writing) [s].
    """
    marks = [seconds for label, seconds in stages if label.startswith("areas ")]
    ends = [*marks[1:], stages[-1][1]]
    return {
        "before_blocks": marks[0] if marks else stages[-1][1],
        "blocks": [end - start for start, end in zip(marks, ends, strict=True)],
    }


def _read_back(path: Path) -> list[str]:
    """Open the file lazily and describe it.

    Parameters
    ----------
    path : Path
        NetCDF file written by ``run_to_netcdf``.

    Returns
    -------
    list of str
        Lines to print: sizes, chunks of the main variable, and the check of the last areas.
    """
    import numpy as np
    import xarray as xr

    begin = time.perf_counter()
    with xr.open_dataset(path, chunks={}) as dataset:
        opened = time.perf_counter() - begin
        sizes = ", ".join(f"{name}={size}" for name, size in dataset.sizes.items())
        variable = dataset["people_without"]
        chunks = "x".join(str(dim_chunks[0]) for dim_chunks in variable.chunks) if variable.chunks else "none"
        begin = time.perf_counter()
        last = dataset["people_without_mean"].isel(area=slice(-16, None)).values
        central = dataset["people_without_central"].isel(area=slice(-16, None)).values
        read = time.perf_counter() - begin
        finite = bool(np.isfinite(last).all() and np.isfinite(central).all())
        lines = [
            f"read back with xarray.open_dataset(path, chunks={{}}) in {opened:.2f} s: {sizes}",
            f"  variables: {len(dataset.data_vars)}; people_without {variable.dims} = {variable.shape}, "
            f"dask chunks of {chunks}, {variable.nbytes / 2**30:.2f} GiB uncompressed",
            f"  last 16 areas' mean and central series read in {read:.2f} s: all finite: {finite}, "
            f"largest mean {np.nanmax(last):,.0f} persons",
        ]
    return lines


def main() -> None:
    """Print the settlement case's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=None, help="existing scenario folder")
    parser.add_argument("--areas", type=int, default=28656, help="leaf areas of the generated scenario")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--area-block", type=int, default=2048)
    args = parser.parse_args()

    import impact
    from impact.runner import result_bytes
    from impact.synth import write_synthetic

    with tempfile.TemporaryDirectory(prefix="impact-settlement-") as tmp:
        folder = args.scenario or write_synthetic(
            Path(tmp) / f"ua{args.areas}", areas=args.areas, assets=2000, strikes=300, days=90, seed=1
        )
        scenario = impact.load_scenario(folder)
        path = Path(tmp) / "result.nc"
        runs = [_run_in_child(folder, path, args.samples, args.area_block) for _ in range(args.repeats)]
        read_back = _read_back(path)

    loads = [r["load_seconds"] for r in runs]
    seconds = [r["seconds"] for r in runs]
    peaks = [r["peak_mib"] for r in runs]
    stages = [_stage_seconds(r["stages"]) for r in runs]
    firsts = [stage["blocks"][0] for stage in stages if stage["blocks"]]
    blocks = [block for stage in stages for block in stage["blocks"][1:]] or firsts
    config = scenario.config
    leaves = int((~scenario.areas["area_id"].isin(scenario.areas["parent_id"].dropna())).sum())
    print(
        f"settlement case {scenario.id}: {len(scenario.areas)} areas ({leaves} leaves), {len(scenario.assets)} "
        f"assets, {len(scenario.strikes)} strikes, {config.steps} steps, {args.samples} samples, "
        f"area block {args.area_block}"
    )
    print(
        f"whole result in memory would be {result_bytes(scenario) / 2**30:.1f} GiB "
        f"(services x areas x steps x (quantiles + 2) x float64)"
    )
    print(
        f"impact.load_scenario: median {statistics.median(loads):.2f} s (min {min(loads):.2f}, "
        f"max {max(loads):.2f}); peak resident memory after loading: "
        f"median {statistics.median(r['loaded_mib'] for r in runs):.0f} MiB"
    )
    print(
        f"impact.run_to_netcdf wall time: median {statistics.median(seconds):.1f} s (min {min(seconds):.1f}, "
        f"max {max(seconds):.1f}, {args.repeats} runs, each in a fresh process)"
    )
    print(
        f"  before the first block (compiling, outage stage): median "
        f"{statistics.median(s['before_blocks'] for s in stages):.1f} s; {len(stages[0]['blocks'])} blocks of "
        f"areas: the first (creates the file) median {statistics.median(firsts):.1f} s, the others median "
        f"{statistics.median(blocks):.1f} s per block (min {min(blocks):.1f}, max {max(blocks):.1f})"
    )
    print(
        f"peak resident memory (loading and run): median {statistics.median(peaks):.0f} MiB (max {max(peaks):.0f} MiB)"
    )
    print(f"file size: {runs[-1]['bytes'] / 2**20:.1f} MiB")
    for line in read_back:
        print(line)
    print(f"target (issue 4): peak memory <= 16384 MiB: {'PASS' if max(peaks) <= 16384 else 'FAIL'}")


if __name__ == "__main__":
    main()
