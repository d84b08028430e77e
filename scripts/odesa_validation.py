#!/usr/bin/env python3
"""Figures of docs/validation.md: the bundled scenario's rotating cuts against December 2025.

Usage::

    python scripts/odesa_validation.py [SCENARIO]

``SCENARIO`` defaults to the bundled ``odesa-2025-12``. The script runs it (the scenario's
samples and seed) and prints, for each reported date and grid zone, the consumers with a cut
that day and the hours without power per day of a customer in the zone, central and 5-95 %.

How the figures are read from the result (docs/validation.md says why):

* The deficit share of a zone per hour (``grid_deficit_share_central``) is turned back into the
  queues the model cut, with the engine's own rule (:func:`impact.engine.grid.rotate_queues`,
  6 queues, blocks of ``cut_block_hours``). A queue with at least one cut hour in a local day
  has cuts that day; its hours off that day are its cut hours.
* Consumers with cuts = the share of queues cut that day x the zone's residents who had supply
  (residents minus the day's mean of people without power by strikes alone, central) / persons
  per household.
* Hours off per day of a customer in a cut zone = the mean over the zone's queues of their cut
  hours that day (min and max over queues alongside).
* The 5-95 % band applies the same rule to the 5 % and 95 % deficit of each hour: quantiles per
  hour, not per sample trajectory (the result keeps no per-sample deficit). Within a day the
  samples are ordered alike at every hour (a node is up or down), so this is close to the
  quantile of the daily figure; it is an approximation all the same.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import impact  # noqa: E402
from impact.engine.grid import rotate_queues, shed_units  # noqa: E402

#: Local dates the reported cut figures refer to (docs/validation.md, reference README).
DATES = ("2025-12-17", "2025-12-20", "2025-12-21")


@dataclass(frozen=True)
class DayFigures:
    """Cut figures of one zone on one local day (central or one quantile)."""

    zone: str
    date: str
    statistic: str  # "central", "q05" or "q95"
    consumers_with_cuts: int
    hours_off_mean: float
    hours_off_min: int
    hours_off_max: int


def _queue_cuts(deficit: np.ndarray, queues: int, block_steps: int) -> np.ndarray:
    """Which queues are cut at each step for one zone's deficit series, shape (queues, T)."""
    return rotate_queues(shed_units(deficit[None, :], queues), queues, block_steps)[0]


def cut_figures(result: impact.Result, dates: Sequence[str] = DATES) -> list[DayFigures]:
    """Consumers with cuts and hours off per day, per zone and date (central, q05, q95)."""
    ds = result.dataset
    scenario = result.scenario
    grid = scenario.config.grid
    queues = grid.queues
    step_hours = ds.attrs["step_minutes"] / 60
    block_steps = max(1, round(grid.cut_block_hours / step_hours))
    persons = float(ds.attrs["persons_per_household"])
    local = pd.DatetimeIndex(ds["time"].values).tz_localize("UTC").tz_convert(ds.attrs["timezone"])
    day = np.asarray(local.strftime("%Y-%m-%d"))
    zones = impact.scenario.leaf_grid_zones(scenario)
    power = "power"
    strikes_only = ds["people_without_central"].sel(service=power) - ds["people_without_scheduled_central"].sel(
        service=power
    )
    out = []
    for zone in ds["zone"].values.tolist():
        leaves = [leaf for leaf, z in zones.items() if z == zone]
        residents = float(ds["population"].sel(area=leaves).sum())
        dark = strikes_only.sel(area=leaves).sum("area").values
        series = {"central": ds["grid_deficit_share_central"].sel(zone=zone).values}
        for label, q in (("q05", 0.05), ("q95", 0.95)):
            series[label] = ds["grid_deficit_share"].sel(zone=zone, quantile=q).values
        for statistic, deficit in series.items():
            cut = _queue_cuts(np.asarray(deficit, dtype=float), queues, block_steps)
            for date in dates:
                hours = cut[:, day == date].sum(axis=1) * step_hours
                cut_queues = int((hours > 0).sum())
                supplied = residents - float(dark[day == date].mean())
                out.append(
                    DayFigures(
                        zone,
                        date,
                        statistic,
                        round(cut_queues / queues * supplied / persons),
                        round(float(hours.mean()), 1),
                        int(hours.min()),
                        int(hours.max()),
                    )
                )
    return out


def zone_residents(result: impact.Result) -> dict[str, int]:
    """Residents of each grid zone (population of its leaves)."""
    zones = impact.scenario.leaf_grid_zones(result.scenario)
    population = result.dataset["population"]
    return {
        zone: int(population.sel(area=[a for a, z in zones.items() if z == zone]).sum())
        for zone in sorted(set(zones.values()))
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    result = impact.run(args[0] if args else "odesa-2025-12")
    print("zone residents:", zone_residents(result))
    rows = cut_figures(result)
    frame = pd.DataFrame([r.__dict__ for r in rows])
    with pd.option_context("display.width", 200, "display.max_rows", 200):
        print(frame.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
