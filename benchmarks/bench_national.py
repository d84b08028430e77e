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

    python benchmarks/bench_national.py [--samples 500] [--repeats 3] [--reference-samples 4] [--uncertain]

Targets (issue 4): impact.run <= 3 s wall, <= 2 GB peak memory, >= 25x the reference.
With ``--uncertain`` it also times, in the same run, a copy of the scenario with every
issue-13 input on (:func:`uncertain_copy`: damage-state weights on every strike, two candidate
assets on every other strike, buffer ranges, correlated repairs, a crew pool per kind of
asset) and prints its ratio to the plain case's time (issue 13: at most 2x).
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


def uncertain_copy(folder: Path, out: Path) -> Path:
    """A copy of a scenario folder with every issue-13 input switched on (for timing; not real data).

    Every strike's damage state becomes its state at 0.6 and the next one (or the previous, for
    ``complete``) at 0.4; every other strike gets a second candidate asset of the same kind at
    0.5; every dependency's buffer gets a range up to twice itself plus 6 hours;
    ``repair_correlation`` 0.3; the struck kinds share crew pools of 8 crews per kind, with
    priority 1 for power plants and substations.
    """
    import shutil

    import pandas as pd

    from impact.scenario.schema import DAMAGE_STATES

    shutil.copytree(folder, out)
    assets = pd.read_csv(out / "assets.csv", dtype=str, keep_default_na=False)
    strikes = pd.read_csv(out / "strikes.csv", dtype=str, keep_default_na=False)
    kind_of = dict(zip(assets["asset_id"], assets["kind"], strict=True))
    by_kind = assets.groupby("kind")["asset_id"].apply(list).to_dict()
    states, candidates = [], []
    for row_number, (asset_id, state) in enumerate(zip(strikes["asset_id"], strikes["damage_state"], strict=True)):
        k = DAMAGE_STATES.index(state)
        other = DAMAGE_STATES[k + 1] if 0 < k < len(DAMAGE_STATES) - 1 else DAMAGE_STATES[max(k - 1, 1)]
        states.append(state if k == 0 or other == state else f"{state}:0.6|{other}:0.4")
        peers = [a for a in by_kind[kind_of[asset_id]] if a != asset_id]
        second = peers[row_number % len(peers)] if peers and row_number % 2 == 0 else None
        candidates.append(f"{asset_id}:0.5|{second}:0.5" if second else asset_id)
    strikes["damage_state"], strikes["asset_id"] = states, candidates
    strikes.to_csv(out / "strikes.csv", index=False)
    struck_kinds = sorted({kind_of[a] for a in kind_of if a in set(pd.read_csv(folder / "strikes.csv")["asset_id"])})
    assets["crew_pool"] = [f"crews-{kind}" if kind in struck_kinds else "" for kind in assets["kind"]]
    assets["priority"] = ["1" if kind in ("power_plant", "substation") else "" for kind in assets["kind"]]
    assets.to_csv(out / "assets.csv", index=False)
    pd.DataFrame({"crew_pool": [f"crews-{kind}" for kind in struck_kinds], "crews": 8}).to_csv(
        out / "crews.csv", index=False
    )
    dependencies_file = out / "dependencies.csv"
    if dependencies_file.exists():
        dependencies = pd.read_csv(dependencies_file, dtype=str, keep_default_na=False)
        buffers = pd.to_numeric(dependencies["buffer_hours"], errors="coerce").fillna(0.0)
        dependencies["buffer_hours_max"] = (buffers * 2 + 6).map(lambda v: f"{v:g}")
        dependencies.to_csv(dependencies_file, index=False)
    settings = (out / "scenario.toml").read_text(encoding="utf-8")
    (out / "scenario.toml").write_text(settings + "\n[uncertainty]\nrepair_correlation = 0.3\n", encoding="utf-8")
    return out


def grid_copy(folder: Path, out: Path, margin: float = 1.2) -> Path:
    """A copy of a scenario folder with a grid zone per oblast and supply capacities (for timing; not real data).

    Every leaf area takes the zone of its oblast (its top-level ancestor); every power plant
    and CHP gets a capacity, and so does every substation that no other power asset needs
    (the import nodes), sized so that each zone's supply is 1.2 times its demand at the
    default 0.5 kW per person (``margin``): with 1.2 a strike on a zone's supply asset leaves a
    deficit there, so the struck oblasts shed load by rotating cuts while the others do not. ``[grid]`` keeps
    its defaults (6 queues, blocks of 4 hours, the default daily profile).
    """
    import shutil

    import pandas as pd

    shutil.copytree(folder, out)
    areas = pd.read_csv(out / "areas.csv", dtype=str, keep_default_na=False)
    assets = pd.read_csv(out / "assets.csv", dtype=str, keep_default_na=False)
    parent = dict(zip(areas["area_id"], areas["parent_id"], strict=True))

    def top(area: str) -> str:
        """The oblast of an area: its ancestor just below the country."""
        while parent.get(area) and parent.get(parent[area]):
            area = parent[area]
        return area

    parents = set(areas["parent_id"])
    areas["grid_zone"] = [top(a) if a not in parents else "" for a in areas["area_id"]]
    areas.to_csv(out / "areas.csv", index=False)
    dependencies = pd.read_csv(out / "dependencies.csv", dtype=str, keep_default_na=False)
    power = {"power_plant", "chp_plant", "substation"}
    kind_of = dict(zip(assets["asset_id"], assets["kind"], strict=True))
    zone = [top(area) for area in assets["area_id"]]
    zone_of = dict(zip(assets["asset_id"], zone, strict=True))
    # a substation fed by a power asset of its own oblast is inside the oblast's network, not an import node
    fed = {
        a
        for a, d in zip(dependencies["asset_id"], dependencies["depends_on"], strict=True)
        if kind_of.get(d) in power and zone_of.get(d) == zone_of.get(a)
    }
    supply = [
        kind in ("power_plant", "chp_plant") or (kind == "substation" and asset_id not in fed)
        for asset_id, kind in zip(assets["asset_id"], assets["kind"], strict=True)
    ]
    population = pd.to_numeric(areas["population"], errors="coerce").fillna(0)
    demand_mw = {z: 0.0 for z in set(zone)}
    for area, people in zip(areas["area_id"], population, strict=True):
        if area not in parents:
            demand_mw[top(area)] = demand_mw.get(top(area), 0.0) + people * 0.5 / 1000
    count = {z: sum(1 for zz, s in zip(zone, supply, strict=True) if s and zz == z) for z in set(zone)}
    assets["capacity_mw"] = [
        f"{margin * demand_mw.get(z, 0.0) / count[z]:.3f}" if s else "" for z, s in zip(zone, supply, strict=True)
    ]
    assets["grid_zone"] = [z if s else "" for z, s in zip(zone, supply, strict=True)]
    assets.to_csv(out / "assets.csv", index=False)
    return out


def heat_copy(folder: Path, out: Path) -> Path:
    """A copy of a scenario folder with an outdoor temperature series and a housing mix (for timing; not real data).

    ``temperature.csv``: one series for every area, -6 °C with a daily swing of 4 °C for the
    first 30 days (frost: buildings drain, homes cool), then +1 °C. ``housing.csv``: per leaf,
    a mix of all four package types (blocks in leaves of 20,000 residents or more, mostly
    private houses elsewhere), so every heat link is split four ways.
    """
    import shutil

    import numpy as np
    import pandas as pd

    shutil.copytree(folder, out)
    settings = impact_settings(out)
    hours = np.arange(-24, int(settings["horizon_hours"]) + 24)
    start = pd.Timestamp(settings["start"])
    outdoor = np.where(hours < 30 * 24, -6 + 4 * np.sin(2 * np.pi * (hours - 9) / 24), 1.0)
    pd.DataFrame(
        {
            "time": [(start + pd.Timedelta(hours=int(h))).isoformat() for h in hours],
            "temperature_c": np.round(outdoor, 1),
            "area_id": "",
        }
    ).to_csv(out / "temperature.csv", index=False)
    areas = pd.read_csv(out / "areas.csv", dtype=str, keep_default_na=False)
    parents = set(areas["parent_id"])
    population = pd.to_numeric(areas["population"], errors="coerce").fillna(0)
    urban = [("panel_high_rise", 0.25), ("panel_mid_rise", 0.4), ("brick_mid_rise", 0.15), ("private_house", 0.2)]
    rural = [("panel_high_rise", 0.05), ("panel_mid_rise", 0.1), ("brick_mid_rise", 0.1), ("private_house", 0.75)]
    rows = [
        {"area_id": area, "housing_type": kind, "share": share}
        for area, people in zip(areas["area_id"], population, strict=True)
        if area not in parents
        for kind, share in (urban if people >= 20_000 else rural)
    ]
    pd.DataFrame(rows).to_csv(out / "housing.csv", index=False)
    return out


def impact_settings(folder: Path) -> dict:
    """The ``[scenario]`` table of a folder's scenario.toml."""
    import tomllib

    return tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))["scenario"]


def main() -> None:
    """Print the national case's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=None, help="existing scenario folder")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reference-samples", type=int, default=4)
    parser.add_argument("--uncertain", action="store_true", help="also time the case with every issue-13 input on")
    parser.add_argument("--grid", action="store_true", help="also time the case with a grid zone per oblast (issue 14)")
    parser.add_argument(
        "--grid-margin", type=float, default=1.2, help="each oblast's supply over its peak demand (default 1.2)"
    )
    parser.add_argument(
        "--heat", action="store_true", help="also time the case with temperatures and a housing mix (issue 15)"
    )
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
        uncertain_runs: list[dict] = []
        grid_runs: list[dict] = []
        heat_runs: list[dict] = []
        if args.heat:
            heat_folder = heat_copy(Path(folder), Path(tmp) / "heat")
            heat_scenario = impact.load_scenario(heat_folder)
        if args.uncertain:
            uncertain_folder = uncertain_copy(Path(folder), Path(tmp) / "uncertain")
            impact.load_scenario(uncertain_folder)  # valid, or this raises
        if args.grid:
            grid_folder = grid_copy(Path(folder), Path(tmp) / "grid", args.grid_margin)
            grid_scenario = impact.load_scenario(grid_folder)
        runs = []
        for _ in range(args.repeats):  # interleaved, so that both see the same machine
            runs.append(_run_in_child(folder, args.samples))
            if args.uncertain:
                uncertain_runs.append(_run_in_child(uncertain_folder, args.samples))
            if args.grid:
                grid_runs.append(_run_in_child(grid_folder, args.samples))
            if args.heat:
                heat_runs.append(_run_in_child(heat_folder, args.samples))
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
        if args.grid:
            grid_model = compile_scenario(grid_scenario)
            grid_subset = grid_model.sample_draws(args.reference_samples, 1)
            grid_fast = fast.compute(grid_model, grid_subset, quantiles)
            grid_oracle = reference.compute(grid_model, grid_subset, quantiles)
            grid_exact = np.array_equal(grid_fast.people_quantiles, grid_oracle.people_quantiles) and np.array_equal(
                grid_fast.deficit_mean, grid_oracle.deficit_mean
            )
            shedding = int((grid_fast.deficit_mean > 0).any(axis=1).sum())
        if args.heat:
            heat_model = compile_scenario(heat_scenario)
            heat_subset = heat_model.sample_draws(args.reference_samples, 1)
            heat_fast = fast.compute(heat_model, heat_subset, quantiles)
            heat_oracle = reference.compute(heat_model, heat_subset, quantiles)
            heat_exact = np.array_equal(heat_fast.people_quantiles, heat_oracle.people_quantiles) and np.array_equal(
                heat_fast.people_mean, heat_oracle.people_mean
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
    if uncertain_runs:
        times = [r["seconds"] for r in uncertain_runs]
        print(
            f"with every issue-13 input on: impact.run median {statistics.median(times):.2f} s (min {min(times):.2f}, "
            f"max {max(times):.2f}), peak {statistics.median(r['peak_mib'] for r in uncertain_runs):.0f} MiB; "
            f"ratio to the plain case: {statistics.median(times) / statistics.median(seconds):.2f}x (issue 13: <= 2x)"
        )
    if grid_runs:
        times = [r["seconds"] for r in grid_runs]
        print(
            f"with a grid zone per oblast, margin {args.grid_margin:g} ({len(grid_model.grid.zone_ids)} zones, "
            f"{shedding} with a deficit in the "
            f"reference subset): impact.run median {statistics.median(times):.2f} s (min {min(times):.2f}, "
            f"max {max(times):.2f}), peak {statistics.median(r['peak_mib'] for r in grid_runs):.0f} MiB; ratio to "
            f"the plain case: {statistics.median(times) / statistics.median(seconds):.2f}x (issue 14: <= 1.5x); "
            f"fast == reference on {args.reference_samples} samples: {grid_exact}"
        )
    if heat_runs:
        times = [r["seconds"] for r in heat_runs]
        ratio = statistics.median(times) / statistics.median(seconds)
        print(
            f"with temperatures and a housing mix of 4 types ({len(heat_model.drains)} drain and "
            f"{len(heat_model.coolings)} cold-home helpers): impact.run median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}), "
            f"peak {statistics.median(r['peak_mib'] for r in heat_runs):.0f} MiB; "
            f"ratio to the plain case: {ratio:.2f}x "
            f"(issue 15: <= 1.5x); fast == reference on {args.reference_samples} samples: {heat_exact}"
        )


if __name__ == "__main__":
    main()
