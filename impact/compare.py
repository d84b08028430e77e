"""Comparing two results: a scenario (A) against a baseline (B).

>>> import impact
>>> from impact.whatif import WhatIf, apply_whatif
>>> sc = impact.load_scenario("odesa-2025-12")
>>> faster = impact.run(apply_whatif(sc, WhatIf(repair_time_factor=0.5)), samples=200, seed=1)
>>> base = impact.run(sc, samples=200, seed=1)
>>> cmp = impact.compare(faster, base, names=("repairs x0.5", "baseline"))  # doctest: +SKIP
>>> cmp.summary()                    # per service, top area  # doctest: +SKIP
>>> cmp.table                        # one row per (service, area)  # doctest: +SKIP
>>> cmp.dataset["people_without_central_difference"].sel(service="water", area="UA51")  # doctest: +SKIP

**Sign convention.** ``difference = A - B`` and ``relative_difference = (A - B) / B``.
Positive means *more* people without service or *more* person-hours in A than in B: A is
worse. A what-if that helps (faster repairs, more backup, a strike switched off) compared
with its baseline gives negative differences. The relative difference is a fraction [1]
(0.25 = 25 % more); it is 0 where A and B are both 0 and NaN where B is 0 and A is not.

**What is compared.** Per (service, area): person-hours without service (central, Monte
Carlo mean, quantiles) [person hours], peak people without (central, mean, quantiles)
[persons] and the time of the central peak; per (service, area, time) the central and
mean people without [persons]. Quantile columns hold each side's quantile and their
difference: *the difference of two quantiles, not a quantile of the difference* (the
per-sample differences are not kept). Central and mean differences are exact.

**Matching the two results.**

- Areas: the areas in both are compared (in A's order); areas in one result only are
  listed in :attr:`Comparison.areas_only_in_a` / ``areas_only_in_b`` and in the notes. No
  area in common is an error. Services likewise.
- Time: both results must step by the same number of minutes (otherwise an error). When
  their time axes differ (other start or horizon), the comparison covers the common
  window, the time steps in both, and a note says so. Person-hours and peaks are then
  recomputed over that window from the central and mean time series; the per-sample
  statistics (quantiles of person-hours and peaks, mean peak) need each result's own full
  horizon and are left out (quantile columns absent, mean peak NaN).
- Quantiles: only when both results have Monte Carlo samples, those in both.
- Different seeds, sample counts, time zones or populations are allowed and noted: for a
  fair what-if run both with the same seed (common random numbers: each outage gets the
  same random repair time in both, so the difference comes from the change alone).

Times are kept in UTC (as in the result datasets); tables show local time with its offset
in A's time zone.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from impact._version import __version__
from impact.dataset import (
    as_dataset,
    iso_local,
    quantile_label,
    quantiles_of,
    samples_of,
    timezone_of,
    top_area,
    with_units,
)
from impact.export import COMPARISON_SUFFIXES, write_comparison
from impact.export.comparison_table import SIDES, STATISTICS, comparison_columns, comparison_table
from impact.scenario.schema import SERVICES

__all__ = [
    "SIDES",
    "SIGN_CONVENTION",
    "SUFFIXES",
    "CompareError",
    "Comparison",
    "Window",
    "align",
    "check_scenarios",
    "compare",
    "comparison_columns",
    "difference_timeseries",
    "side_names",
]

#: The sign convention, as written into every output.
SIGN_CONVENTION = (
    "difference = A - B, relative_difference = (A - B) / B; positive: more people without "
    "service in A than in B (A is worse)"
)

#: Output file types of :meth:`Comparison.export`.
SUFFIXES: tuple[str, ...] = COMPARISON_SUFFIXES


class CompareError(ValueError):
    """Two results (or scenarios) that cannot be compared; the message says why."""


@dataclass(frozen=True)
class Window:
    """What two results have in common, as found by :func:`align`.

    Attributes
    ----------
    services, areas : list of str
        Services and areas in both, in A's order.
    times : numpy.ndarray of datetime64[ns]
        Time steps in both (UTC), ascending.
    quantiles : numpy.ndarray of float
        Quantiles compared [1]: those in both when both have samples and the window is
        each result's full time axis; else empty.
    full : bool
        Whether ``times`` is the whole time axis of both results.
    step_hours : float
        Time step [hours].
    areas_only_in_a, areas_only_in_b : list of str
        Areas of one result only.
    notes : list of str
        Everything a reader should know about the match, one sentence each.
    """

    services: list[str]
    areas: list[str]
    times: np.ndarray
    quantiles: np.ndarray
    full: bool
    step_hours: float
    areas_only_in_a: list[str] = field(default_factory=list)
    areas_only_in_b: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _ids(values: Any) -> list[str]:
    return [str(v) for v in np.asarray(values)]


def _listing(ids: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _local(times: np.ndarray, tz: str) -> list[str]:
    return [text[:16].replace("T", " ") + " " + text[19:] for text in iso_local(times, tz)]


def _span(times: np.ndarray, tz: str) -> str:
    first, last = _local(np.asarray(times)[[0, -1]], tz)
    return f"{first} to {last} ({len(times)} steps)"


def _common_areas(areas_a: list[str], areas_b: list[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    in_b, in_a = set(areas_b), set(areas_a)
    common = [a for a in areas_a if a in in_b]
    only_a = [a for a in areas_a if a not in in_b]
    only_b = [b for b in areas_b if b not in in_a]
    if not common:
        raise CompareError(
            f"A and B have no area in common: A has {_listing(areas_a)} ({len(areas_a)} areas), B has "
            f"{_listing(areas_b)} ({len(areas_b)} areas); compare results of the same region"
        )
    notes = []
    if only_a:
        notes.append(f"{len(only_a)} area(s) only in A, not compared: {_listing(only_a)}")
    if only_b:
        notes.append(f"{len(only_b)} area(s) only in B, not compared: {_listing(only_b)}")
    return common, only_a, only_b, notes


def _common_times(
    times_a: np.ndarray, times_b: np.ndarray, step_a: float, step_b: float, tz: str
) -> tuple[np.ndarray, bool, list[str]]:
    """Common time steps (UTC), whether they are both full axes, and notes; ``step_*`` in minutes."""
    if not np.isclose(step_a, step_b):
        raise CompareError(
            f"the time steps differ: A steps {step_a:g} minutes, B {step_b:g} minutes; compare results with the "
            "same step_minutes (scenario.toml)"
        )
    times_a = np.asarray(times_a, dtype="datetime64[ns]")
    times_b = np.asarray(times_b, dtype="datetime64[ns]")
    if not len(times_a) or not len(times_b):
        raise CompareError("a result has no time steps")
    common = np.intersect1d(times_a, times_b)
    if not len(common):
        overlap = times_a.min() <= times_b.max() and times_b.min() <= times_a.max()
        why = (
            " (the windows overlap but the time steps fall at different minutes: align the start times)"
            if overlap
            else ""
        )
        raise CompareError(
            f"A and B have no time step in common: A covers {_span(np.sort(times_a), tz)}, "
            f"B covers {_span(np.sort(times_b), tz)}{why}"
        )
    full = len(common) == len(times_a) == len(times_b)
    notes = []
    if not full:
        notes.append(
            f"the time axes differ (A {_span(np.sort(times_a), tz)}, B {_span(np.sort(times_b), tz)}): compared "
            f"over the common window {_span(common, tz)}; person-hours and peaks are over that window, and the "
            "Monte Carlo quantiles and mean peak (which need each run's full horizon) are left out"
        )
    return common, full, notes


def _step_minutes(ds: xr.Dataset) -> float:
    if "step_minutes" in ds.attrs:
        return float(ds.attrs["step_minutes"])
    times = np.sort(np.asarray(ds["time"].values, dtype="datetime64[ns]"))
    if len(times) < 2:
        raise CompareError("cannot tell the time step of a result with one time step and no 'step_minutes' attribute")
    return float((times[1] - times[0]) / np.timedelta64(1, "m"))


def align(a: Any, b: Any) -> Window:
    """What two results have in common, and whether they can be compared.

    Parameters
    ----------
    a, b : Result or xarray.Dataset
        Scenario (A) and baseline (B) results of :func:`impact.run`.

    Returns
    -------
    Window

    Raises
    ------
    CompareError
        No area, service or time step in common, or different time steps (the message
        says which and what each result has).
    """
    ds_a, ds_b = as_dataset(a), as_dataset(b)
    tz = timezone_of(ds_a)
    notes: list[str] = []
    services_b = set(_ids(ds_b["service"].values))
    services = [s for s in _ids(ds_a["service"].values) if s in services_b]
    if not services:
        raise CompareError(
            f"A and B have no service in common (A: {_listing(_ids(ds_a['service'].values))}; "
            f"B: {_listing(_ids(ds_b['service'].values))})"
        )
    left_out = sorted(set(_ids(ds_a["service"].values)) ^ services_b)
    if left_out:
        notes.append(f"service(s) in one result only, not compared: {', '.join(left_out)}")
    areas, only_a, only_b, area_notes = _common_areas(_ids(ds_a["area"].values), _ids(ds_b["area"].values))
    notes += area_notes
    step = _step_minutes(ds_a)
    times, full, time_notes = _common_times(ds_a["time"].values, ds_b["time"].values, step, _step_minutes(ds_b), tz)
    notes += time_notes

    samples_a, samples_b = samples_of(ds_a), samples_of(ds_b)
    without = [side for side, samples in (("A", samples_a), ("B", samples_b)) if samples == 0]
    if without:
        notes.append(
            f"{' and '.join(without)} {'have' if len(without) == 2 else 'has'} no Monte Carlo samples "
            "(central estimates only): mean columns are empty and quantiles are not compared"
        )
    quantiles = np.empty(0)
    if samples_a and samples_b and full:
        qa, qb = (np.asarray(quantiles_of(ds), dtype=np.float64) for ds in (ds_a, ds_b))
        quantiles = np.asarray([q for q in qa if np.isclose(qb, q, rtol=0, atol=1e-12).any()], dtype=np.float64)
        differ = [f"{q:g}" for q in qa if q not in quantiles] + [
            f"{q:g}" for q in qb if not np.isclose(quantiles, q, rtol=0, atol=1e-12).any()
        ]
        if differ:
            notes.append(f"quantile(s) in one result only, not compared: {', '.join(differ)}")

    seed_a, seed_b = ds_a.attrs.get("seed"), ds_b.attrs.get("seed")
    if samples_a and samples_b and seed_a is not None and seed_b is not None and int(seed_a) != int(seed_b):
        notes.append(
            f"A and B were run with different seeds ({seed_a}, {seed_b}): the mean and quantile "
            "differences include Monte Carlo noise; run both with the same seed"
        )
    if samples_a and samples_b and samples_a != samples_b:
        notes.append(f"A and B were run with different numbers of samples ({samples_a}, {samples_b})")
    tz_b = timezone_of(ds_b)
    if tz_b != tz:
        notes.append(f"the time zones differ (A {tz}, B {tz_b}): local times are shown in A's, {tz}")
    pop_a = ds_a["population"].sel(area=areas).values.astype(np.float64)
    pop_b = ds_b["population"].sel(area=areas).values.astype(np.float64)
    differs = np.flatnonzero(~np.isclose(pop_a, pop_b, rtol=0, atol=0.5))
    if len(differs):
        i = int(differs[0])
        notes.append(
            f"population differs in {len(differs)} area(s) (e.g. {areas[i]}: {pop_a[i]:,.0f} in A, "
            f"{pop_b[i]:,.0f} in B)"
        )
    return Window(
        services=services,
        areas=areas,
        times=times,
        quantiles=quantiles,
        full=full,
        step_hours=step / 60.0,
        areas_only_in_a=only_a,
        areas_only_in_b=only_b,
        notes=notes,
    )


def check_scenarios(a: Any, b: Any) -> Window:
    """Check, before running them, that two scenarios give comparable results.

    Parameters
    ----------
    a, b : Scenario
        Loaded scenarios (:func:`impact.load_scenario`).

    Returns
    -------
    Window
        The common areas, services (every service) and time steps; ``quantiles`` empty
        (they depend on the run).

    Raises
    ------
    CompareError
        As :func:`align`: no area or time step in common, or different time steps.
    """
    tz = a.config.timezone
    areas, only_a, only_b, notes = _common_areas(
        list(a.areas["area_id"].astype(str)), list(b.areas["area_id"].astype(str))
    )

    def utc(scenario: Any) -> np.ndarray:
        return scenario.time_index().tz_convert("UTC").tz_localize(None).as_unit("ns").values

    times, full, time_notes = _common_times(utc(a), utc(b), a.config.step_minutes, b.config.step_minutes, tz)
    return Window(
        services=list(SERVICES),
        areas=areas,
        times=times,
        quantiles=np.empty(0),
        full=full,
        step_hours=a.config.step_minutes / 60.0,
        areas_only_in_a=only_a,
        areas_only_in_b=only_b,
        notes=notes + time_notes,
    )


# --------------------------------------------------------------------------- computing


def _sides(a: xr.DataArray, b: xr.DataArray) -> tuple[xr.DataArray, xr.DataArray]:
    """A - B and (A - B) / B (0 where both are 0, NaN where B is 0 and A is not)."""
    difference = a - b
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = xr.where(b != 0, difference / b.where(b != 0), xr.where(difference == 0, 0.0, np.nan))
    return difference, relative.where(a.notnull() & b.notnull())


def _with(array: xr.DataArray, units: str, long_name: str) -> xr.DataArray:
    """``array`` as float64 (times stay times) with only ``units`` and ``long_name`` as attributes."""
    array = array.astype(np.float64) if array.dtype.kind != "M" else array
    array.attrs = {}
    return with_units(array, units, long_name)


def _first_peak(central: xr.DataArray) -> tuple[xr.DataArray, xr.DataArray]:
    """Peak over time and the first time it is reached (NaT where the peak is 0)."""
    values = np.asarray(central.transpose("service", "area", "time").values, dtype=np.float64)
    peak = values.max(axis=2) if values.shape[2] else np.zeros(values.shape[:2])
    times = central["time"].values
    at = np.where(peak > 0, times[values.argmax(axis=2)], np.datetime64("NaT", "ns"))
    dims = ("service", "area")
    return xr.DataArray(peak, dims=dims), xr.DataArray(at.astype("datetime64[ns]"), dims=dims)


def _select_quantiles(array: xr.DataArray, quantiles: np.ndarray) -> xr.DataArray:
    own = np.asarray(array["quantile"].values, dtype=np.float64)
    index = [int(np.flatnonzero(np.isclose(own, q, rtol=0, atol=1e-12))[0]) for q in quantiles]
    return array.isel(quantile=index).assign_coords(quantile=quantiles)


def _side_statistics(ds: xr.Dataset, window: Window) -> dict[str, xr.DataArray]:
    """One side's statistics over the window, dims (service, area[, quantile]) / (service, area, time)."""
    at = {"service": window.services, "area": window.areas}
    dims = ("service", "area")
    central = ds["people_without_central"].sel(at).sel(time=window.times).transpose(*dims, "time")
    mean = (
        ds["people_without_mean"].sel(at).sel(time=window.times).transpose(*dims, "time")
        if "people_without_mean" in ds
        else xr.full_like(central, np.nan)
    )
    out = {
        "people_without_central": central.drop_vars([c for c in central.coords if c not in central.dims]),
        "people_without_mean": mean.drop_vars([c for c in mean.coords if c not in mean.dims]),
    }

    def stored(name: str, quantile: bool = False) -> xr.DataArray:
        if name not in ds:
            shape = (len(window.services), len(window.areas)) + ((len(window.quantiles),) if quantile else ())
            return xr.DataArray(np.full(shape, np.nan), dims=(*dims, "quantile") if quantile else dims)
        array = ds[name].sel(at)
        if quantile:
            array = _select_quantiles(array, window.quantiles).transpose(*dims, "quantile")
        else:
            array = array.transpose(*dims)
        return array.drop_vars([c for c in array.coords if c not in array.dims])

    if window.full:
        out["person_hours_without_central"] = stored("person_hours_without_central")
        out["person_hours_without_mean"] = stored("person_hours_without_mean")
        out["peak_people_without_central"] = stored("peak_people_without_central")
        out["peak_people_without_mean"] = stored("peak_people_without_mean")
        out["peak_time_central"] = stored("peak_time_central")
    else:  # recomputed over the common window from the time series
        out["person_hours_without_central"] = central.sum("time", skipna=False) * window.step_hours
        out["person_hours_without_mean"] = mean.sum("time", skipna=False) * window.step_hours
        out["peak_people_without_central"], out["peak_time_central"] = _first_peak(central)
        out["peak_people_without_mean"] = xr.full_like(out["peak_people_without_central"], np.nan)
    if len(window.quantiles):
        out["person_hours_without"] = stored("person_hours_without", quantile=True)
        out["peak_people_without"] = stored("peak_people_without", quantile=True)
    return {name: array.drop_vars([c for c in array.coords if c not in array.dims]) for name, array in out.items()}


def _name(ds: xr.Dataset, side: str) -> str:
    return str(ds.attrs.get("scenario_id") or side)


def _build(ds_a: xr.Dataset, ds_b: xr.Dataset, window: Window, names: tuple[str, str]) -> xr.Dataset:
    stats_a, stats_b = _side_statistics(ds_a, window), _side_statistics(ds_b, window)
    data: dict[str, xr.DataArray] = {}
    which = {
        "a": f"A ({names[0]})",
        "b": f"B ({names[1]})",
        "difference": "A minus B",
        "relative_difference": "(A minus B) / B",
    }
    for series in ("people_without_central", "people_without_mean"):
        what = "central estimate" if series.endswith("central") else "Monte Carlo mean"
        data[f"{series}_a"] = _with(stats_a[series], "persons", f"people without service, {what}, {which['a']}")
        data[f"{series}_b"] = _with(stats_b[series], "persons", f"people without service, {what}, {which['b']}")
        data[f"{series}_difference"] = _with(
            stats_a[series] - stats_b[series], "persons", f"people without service, {what}, A minus B"
        )
    for stat, _hxl, _relative_hxl, unit, description in STATISTICS:
        for kind in ("central", "mean", None):
            name = f"{stat}_{kind}" if kind else stat
            if name not in stats_a:
                continue
            what = {"central": "central estimate", "mean": "Monte Carlo mean", None: "Monte Carlo quantile"}[kind]
            difference, relative = _sides(stats_a[name], stats_b[name])
            for side, array in zip(SIDES, (stats_a[name], stats_b[name], difference, relative), strict=True):
                data[f"{name}_{side}"] = _with(
                    array,
                    "1" if side == "relative_difference" else unit,
                    f"{description.lower()}, {what}, {which[side]}",
                )
    for side, stats in (("a", stats_a), ("b", stats_b)):
        data[f"peak_time_central_{side}"] = stats["peak_time_central"]
        data[f"peak_time_central_{side}"].attrs = {"long_name": f"first time of the central peak, {which[side]} (UTC)"}
    shift = (stats_a["peak_time_central"] - stats_b["peak_time_central"]) / np.timedelta64(1, "h")
    data["peak_time_shift_hours"] = _with(
        shift, "hours", "time of the central peak, A minus B (positive: A peaks later; NaN where either has no outage)"
    )
    for side, ds in (("a", ds_a), ("b", ds_b)):
        population = ds["population"].sel(area=window.areas).copy()
        population.attrs = {"units": "persons", "long_name": f"population, {which[side]}"}
        data[f"population_{side}"] = population
    for array in data.values():
        array.encoding = {}
    coords = {
        "service": window.services,
        "area": window.areas,
        "time": window.times,
        "quantile": np.asarray(window.quantiles, dtype=np.float64),
    }
    for name in ("name", "admin_level", "parent_id"):
        if name in ds_a.coords and ds_a[name].dims == ("area",):
            coords[name] = ("area", ds_a[name].sel(area=window.areas).values)
    dataset = xr.Dataset(
        {k: v.drop_vars([c for c in v.coords if c not in v.dims]) for k, v in data.items()}, coords=coords
    )
    dataset["time"].attrs.update(standard_name="time", long_name="time (UTC)")
    tz = timezone_of(ds_a)
    first, last = iso_local(window.times[[0, -1]], tz)
    dataset.attrs.update(
        title=f"Comparison: {names[0]} (A) against {names[1]} (B)",
        sign_convention=SIGN_CONVENTION,
        name_a=names[0],
        name_b=names[1],
        scenario_id_a=str(ds_a.attrs.get("scenario_id", "")),
        scenario_id_b=str(ds_b.attrs.get("scenario_id", "")),
        scenario_title_a=str(ds_a.attrs.get("scenario_title", "")),
        scenario_title_b=str(ds_b.attrs.get("scenario_title", "")),
        samples_a=samples_of(ds_a),
        samples_b=samples_of(ds_b),
        seed_a=int(ds_a.attrs.get("seed", -1)),
        seed_b=int(ds_b.attrs.get("seed", -1)),
        timezone=tz,
        window_start=first,
        window_end=last,
        step_minutes=window.step_hours * 60,
        full_window=int(window.full),
        areas_only_in_a=", ".join(window.areas_only_in_a),
        areas_only_in_b=", ".join(window.areas_only_in_b),
        notes="\n".join(window.notes),
        model_version=__version__,
        units="people counts in persons; person-hours in person hours; relative differences as fractions [1]; "
        "time in UTC (local time zone in 'timezone')",
    )
    return dataset


# --------------------------------------------------------------------------- the comparison


class Comparison:
    """Two results compared: scenario A against baseline B (see the module documentation).

    Attributes
    ----------
    dataset : xarray.Dataset
        Dims ``service``, ``area`` (with ``name``, ``admin_level``, ``parent_id``), ``time``
        (UTC) and ``quantile``. Per (service, area), for each statistic
        ``person_hours_without_central``, ``person_hours_without_mean``,
        ``peak_people_without_central``, ``peak_people_without_mean`` and, over ``quantile``,
        ``person_hours_without`` and ``peak_people_without``: variables suffixed ``_a``,
        ``_b``, ``_difference`` (A - B) and ``_relative_difference`` ((A - B) / B [1]); also
        ``peak_time_central_a`` / ``_b`` (UTC), ``peak_time_shift_hours`` and
        ``population_a`` / ``_b`` [persons]. Per (service, area, time):
        ``people_without_central_a`` / ``_b`` / ``_difference`` and the same for
        ``people_without_mean`` [persons]. Attrs: names, scenario ids, seeds, samples,
        the window, the sign convention and the notes.
    names : tuple of str
        Labels of A and B.
    notes : list of str
        How the two results were matched (areas or time steps left out, seeds...).
    areas_only_in_a, areas_only_in_b : list of str
        Areas of one result only (not compared).
    """

    def __init__(self, dataset: xr.Dataset, window: Window) -> None:
        self.dataset = dataset
        self.window = window
        self.names = (str(dataset.attrs["name_a"]), str(dataset.attrs["name_b"]))
        self.notes = list(window.notes)
        self.areas_only_in_a = list(window.areas_only_in_a)
        self.areas_only_in_b = list(window.areas_only_in_b)

    def __repr__(self) -> str:
        ds = self.dataset
        return (
            f"<Comparison {self.names[0]} (A) - {self.names[1]} (B): areas={ds.sizes['area']} "
            f"steps={ds.sizes['time']} quantiles={ds.sizes['quantile']} notes={len(self.notes)}>"
        )

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
        area = top_area(self.dataset)
        name_a, name_b = (html.escape(name) for name in self.names)
        return (
            f"<p><b>{name_a}</b> (A) against <b>{name_b}</b> (B), area {html.escape(area)}; "
            f"{SIGN_CONVENTION}.</p>"
            + self.summary().to_html(float_format=lambda v: f"{v:,.4g}")
            + (f"<ul>{notes}</ul>" if notes else "")
        )

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per (service, area): every statistic for A, B, A - B and (A - B) / B.

        Columns as :func:`comparison_columns`: area id, name, admin level, parent,
        service, populations [persons], ``person_hours_without_{central,mean,qNN}_{a,b,
        difference,relative_difference}`` [person hours; relative: 1],
        ``peak_people_without_..._...`` [persons; relative: 1], the local time of each
        central peak and ``peak_time_shift_hours`` [hours]. Rows by service, then area.
        """
        return comparison_table(self.dataset)

    def to_dataframe(self) -> pd.DataFrame:
        """A copy of :attr:`table`."""
        return self.table.copy()

    def summary(self, area: str | None = None) -> pd.DataFrame:
        """Per service for one area (default the top area): central person-hours and peaks.

        Parameters
        ----------
        area : str, optional
            Area id (one of the compared areas).

        Returns
        -------
        DataFrame
            Index service; columns ``person_hours_central_a``, ``_b``, ``_difference``,
            ``_relative_difference`` [person hours; relative: 1], ``peak_central_a``, ``_b``,
            ``_difference``, ``_relative_difference`` [persons; relative: 1],
            ``peak_low_a`` / ``peak_high_a`` / ``peak_low_b`` / ``peak_high_b`` (lowest and
            highest compared quantile of the per-sample peak; NaN without quantiles)
            [persons], ``peak_time_a`` / ``peak_time_b`` (local ISO time, "" if no outage).

        Raises
        ------
        ValueError
            If ``area`` is not a compared area (the message says whether it is in one
            result only).
        """
        ds = self.dataset
        area = area or top_area(ds)
        if area not in ds.indexes["area"]:
            raise CompareError(self._area_message(area))
        table = self.table
        rows = table[table["area_id"] == area].set_index("service")
        out = pd.DataFrame(index=rows.index)
        for short, stat in (("person_hours", "person_hours_without"), ("peak", "peak_people_without")):
            for side in SIDES:
                out[f"{short}_central_{side}"] = rows[f"{stat}_central_{side}"]
        labels = [quantile_label(q) for q in ds["quantile"].values]
        for side in ("a", "b"):
            out[f"peak_low_{side}"] = rows[f"peak_people_without_{labels[0]}_{side}"] if labels else np.nan
            out[f"peak_high_{side}"] = rows[f"peak_people_without_{labels[-1]}_{side}"] if labels else np.nan
        for side in ("a", "b"):
            out[f"peak_time_{side}"] = rows[f"peak_time_local_central_{side}"]
        out.index.name = "service"
        return out

    def _area_message(self, area: str) -> str:
        areas = _ids(self.dataset["area"].values)
        where = (
            "it is only in A; "
            if area in self.areas_only_in_a
            else "it is only in B; "
            if area in self.areas_only_in_b
            else ""
        )
        return f"{area!r} is not an area of both results; {where}choose one of {_listing(areas, 20)}"

    def timeseries(self, statistic: str = "central") -> xr.DataArray:
        """People without service, A minus B, per (service, area, time) [persons].

        Parameters
        ----------
        statistic : {"central", "mean"}

        Returns
        -------
        xarray.DataArray
            ``people_without_{statistic}_difference`` over the compared window (UTC times).
        """
        if statistic not in ("central", "mean"):
            raise ValueError(f"statistic {statistic!r} is not valid; choose central or mean")
        return self.dataset[f"people_without_{statistic}_difference"]

    def export(self, path: str | os.PathLike[str]) -> Path:
        """Write the comparison to ``path``, atomically, by its suffix.

        Parameters
        ----------
        path : str or os.PathLike
            ``.csv``: :attr:`table` with column names on line 1, HXL hashtags on line 2
            (read it with ``pandas.read_csv(path, skiprows=[1])``). ``.xlsx``: sheets
            ``comparison`` (:attr:`table`), ``time_series`` (central and mean people
            without per service, area and local time: A, B, A - B; left out, with a note in
            ``metadata``, if it exceeds Excel's rows) and ``metadata`` (settings, notes,
            sign convention, every column with its hashtag, unit and meaning); rows 1-2 of
            the table sheets are the column names and hashtags.

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        ValueError
            Another suffix.
        """
        return write_comparison(self.dataset, path, notes=self.notes)


def compare(a: Any, b: Any, *, names: tuple[str, str] | None = None) -> Comparison:
    """Compare a scenario's result (A) with a baseline's (B).

    Parameters
    ----------
    a : Result or xarray.Dataset
        Result of the scenario assessed (e.g. a what-if), from :func:`impact.run`.
    b : Result or xarray.Dataset
        Result of the baseline. Run both with the same seed (common random numbers).
    names : tuple of str, optional
        Labels of A and B in tables and charts; default their scenario ids (for a
        what-if both are the same id: give labels such as ``("repairs x0.5", "baseline")``).

    Returns
    -------
    Comparison
        ``.table`` (one row per service and area), ``.summary(area)`` (per service for
        the top area by default), ``.dataset`` (xarray, with the time series),
        ``.timeseries()`` and ``.notes``. Differences are A - B: positive when A has more
        people without service (A is worse); see the module documentation.

    Raises
    ------
    CompareError
        A subclass of ValueError: no area, service or time step in common, or different
        time steps.
    """
    ds_a, ds_b = as_dataset(a), as_dataset(b)
    window = align(ds_a, ds_b)
    names = (_name(ds_a, "A"), _name(ds_b, "B")) if names is None else (str(names[0]), str(names[1]))
    return Comparison(_build(ds_a, ds_b, window, names), window)


def difference_timeseries(a: Any, b: Any, statistic: str = "central") -> xr.DataArray:
    """People without service, A minus B, per (service, area, time), for plotting.

    Parameters
    ----------
    a, b : Result or xarray.Dataset
        Scenario (A) and baseline (B) results.
    statistic : {"central", "mean"}
        The central estimate or the Monte Carlo mean.

    Returns
    -------
    xarray.DataArray
        [persons], dims (service, area, time) over the common areas and time steps (UTC);
        positive where A has more people without service.

    Raises
    ------
    CompareError
        As :func:`compare`.
    """
    if statistic not in ("central", "mean"):
        raise ValueError(f"statistic {statistic!r} is not valid; choose central or mean")
    ds_a, ds_b = as_dataset(a), as_dataset(b)
    window = align(ds_a, ds_b)
    sides = [_side_statistics(ds, window)[f"people_without_{statistic}"] for ds in (ds_a, ds_b)]
    difference = (sides[0] - sides[1]).assign_coords(service=window.services, area=window.areas, time=window.times)
    difference.name = f"people_without_{statistic}_difference"
    difference.attrs = {"units": "persons", "long_name": f"people without service, {statistic}, A minus B"}
    return difference


def side_names(ids: tuple[str | None, str | None], sources: tuple[str | None, str | None]) -> tuple[str, str]:
    """Labels of A and B in a comparison: the scenario ids, else the folder names, else ``("A", "B")``.

    A pair is used when both are non-empty and differ. Never the paths as typed, which would
    write absolute paths into the files and make the same comparison give other bytes when a
    scenario is named another way.

    Parameters
    ----------
    ids : (str or None, str or None)
        Scenario ids of A and B (None or empty when unknown, e.g. a scenario that failed to load).
    sources : (str or None, str or None)
        The scenarios as given: bundled ids or folders.

    Returns
    -------
    (str, str)
    """
    folders = tuple(Path(str(source)).name if source else "" for source in sources)
    for names in ((ids[0] or "", ids[1] or ""), folders):
        if all(names) and names[0] != names[1]:
            return str(names[0]), str(names[1])
    return ("A", "B")
