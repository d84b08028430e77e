"""Benchmark ``impact.run`` in process against a dask LocalCluster of 1 and 2 workers (issue 4).

The national case (``impact synth --areas 1469 --assets 2000 --strikes 300 --days 90 --seed 1``,
generated into a temporary folder unless ``--scenario`` names one) at 500 samples, run five ways:

- ``in-process``: ``impact.run(scenario)``, the default thread pool over the machine's CPUs;
- ``workers=N, start-up included`` (N = 1, 2): ``impact.run(scenario, workers=N)``, which starts a
  ``LocalCluster`` of N worker processes, runs, and closes it, all inside the timed call;
- ``running cluster, N workers``: a ``distributed.LocalCluster(n_workers=N, threads_per_worker=1,
  processes=True)`` started before the clock, then ``impact.run(scenario, scheduler=address)``
  (the workers still import the engine on their first task; that is part of the run), and a
  second run on the same cluster (workers warm) after it.

Each measured run is a fresh process (a temporary ``.py`` file with a main guard, so dask's
worker processes can re-import it) that imports the libraries, loads the scenario and creates
one tiny ``xarray.DataArray`` before the clock. The five ways take turns within each repeat so
that background load spreads over all of them. Printed per way: wall time (median over
``--repeats``), the measuring process's peak resident memory (``ru_maxrss``; dask's workers are
other processes, so on a running cluster their peak over both runs is asked for and printed), and whether
``result.dataset`` is ``.identical()`` to an in-process run made afterwards in the same process
(for the in-process way: a second in-process run, so it checks run-to-run determinism).

    python benchmarks/bench_workers.py [--samples 500] [--repeats 3] [--workers 1 2] [--scenario /tmp/ua1469]

The machine is noisy (and has 2 cores): read medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = '''"""One measured run for bench_workers.py: python child.py SCENARIO WAY WORKERS SAMPLES."""
import json
import resource
import sys
import time

import numpy
import xarray

import impact


def _peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    folder, way, workers, samples = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    scenario = impact.load_scenario(folder)
    xarray.DataArray(numpy.zeros(1))  # one-time library import (xarray imports dask when installed), not the run
    cluster = None
    options = {}
    cluster_seconds = None
    if way == "startup":
        options = {"workers": workers}
    elif way == "running":
        import distributed

        begin = time.perf_counter()
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=":0")
        cluster_seconds = time.perf_counter() - begin
        options = {"scheduler": cluster.scheduler_address}
    begin = time.perf_counter()
    result = impact.run(scenario, samples=samples, seed=1, **options)
    seconds = time.perf_counter() - begin
    peak = _peak_mib()
    worker_peaks = again = None
    if cluster is not None:
        begin = time.perf_counter()
        impact.run(scenario, samples=samples, seed=1, **options)
        again = time.perf_counter() - begin
        with distributed.Client(cluster) as client:
            worker_peaks = sorted(client.run(_peak_mib).values())
        cluster.close()
    in_process = impact.run(scenario, samples=samples, seed=1)
    identical = bool(result.dataset.identical(in_process.dataset))
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "worker_peaks_mib": worker_peaks,
                      "cluster_seconds": cluster_seconds, "again": again, "identical": identical}))


if __name__ == "__main__":
    main()
'''


def _run_in_child(child: Path, folder: Path, way: str, workers: int, samples: int) -> dict:
    """Run one measured ``impact.run`` in a fresh process.

    Parameters
    ----------
    child : Path
        The child script (``_CHILD`` written to a file).
    folder : Path
        Scenario folder.
    way : {"threads", "startup", "running"}
        In process, ``workers=N`` (cluster start-up timed), or ``scheduler=`` a running cluster.
    workers : int
        Worker processes of the cluster (ignored in process).
    samples : int
        Monte Carlo samples.

    Returns
    -------
    dict
        ``seconds``, ``peak_mib``, ``identical``, and on a running cluster only (else None):
        ``worker_peaks_mib``, ``cluster_seconds`` (its start-up, not in ``seconds``) and ``again``
        (a second run on the same cluster, its workers warm).
    """
    process = subprocess.run(
        [sys.executable, str(child), str(folder), way, str(workers), str(samples)], capture_output=True, text=True
    )
    if process.returncode != 0:
        raise RuntimeError(f"measured run {way} ({workers}) failed ({process.returncode}):\n{process.stderr[-4000:]}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print the figures of each way to run the national case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=None, help="existing scenario folder")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="cluster sizes to try")
    args = parser.parse_args()

    import impact
    from impact.synth import write_synthetic

    ways = [("in-process (thread pool)", "threads", 0)]
    for workers in args.workers:
        ways.append((f"workers={workers}, start-up included", "startup", workers))
        ways.append((f"running cluster, {workers} worker{'s' if workers > 1 else ''}", "running", workers))

    with tempfile.TemporaryDirectory(prefix="impact-workers-") as tmp:
        folder = args.scenario or write_synthetic(
            Path(tmp) / "ua1469", areas=1469, assets=2000, strikes=300, days=90, seed=1
        )
        scenario = impact.load_scenario(folder)
        child = Path(tmp) / "bench_workers_child.py"
        child.write_text(_CHILD)
        runs: dict[str, list[dict]] = {name: [] for name, _way, _workers in ways}
        for _ in range(args.repeats):
            for name, way, workers in ways:
                runs[name].append(_run_in_child(child, folder, way, workers, args.samples))

    print(
        f"national case {scenario.id}: {len(scenario.areas)} areas, {len(scenario.assets)} assets, "
        f"{len(scenario.strikes)} strikes, {scenario.config.steps} steps, {args.samples} samples; "
        f"{args.repeats} runs per way, each in a fresh process"
    )
    baseline = statistics.median(r["seconds"] for r in runs[ways[0][0]])
    width = max(len(name) for name, _way, _workers in ways)
    for name, _way, _workers in ways:
        seconds = [r["seconds"] for r in runs[name]]
        median = statistics.median(seconds)
        line = (
            f"{name:<{width}}  wall median {median:6.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f}), "
            f"{median / baseline:4.2f}x in-process; peak RSS median "
            f"{statistics.median(r['peak_mib'] for r in runs[name]):5.0f} MiB"
        )
        worker_peaks = [peak for r in runs[name] for peak in (r["worker_peaks_mib"] or [])]
        if worker_peaks:
            line += f" (+ each worker: median {statistics.median(worker_peaks):.0f} MiB)"
        identical = [r["identical"] for r in runs[name]]
        line += f"; identical to in-process: {all(identical)} ({sum(identical)}/{len(identical)})"
        print(line)
        starts = [r["cluster_seconds"] for r in runs[name] if r["cluster_seconds"] is not None]
        if starts:
            again = [r["again"] for r in runs[name]]
            print(
                f"{'':<{width}}  (LocalCluster start-up before the clock: median {statistics.median(starts):.2f} s; "
                f"a second run on the same cluster, workers warm: median {statistics.median(again):.2f} s)"
            )


if __name__ == "__main__":
    main()
