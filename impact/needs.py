"""Needs: outages turned into planning figures per area and local day.

>>> import impact
>>> res = impact.run("odesa-2025-12", samples=100, seed=1)
>>> nd = impact.needs(res)                        # xarray.Dataset (area, day, quantile)
>>> nd["water_litres_central"].sel(area="UA5110027")  # doctest: +SKIP
>>> from impact.export import needs_table, write_needs
>>> needs_table(nd)                               # one row per (area, day)  # doctest: +SKIP
>>> write_needs(nd, "needs.xlsx")                 # or .csv  # doctest: +SKIP

Four needs, each per area and local calendar day (the scenario's time zone):

``water_litres``
    Water to deliver: litres per person per day (``[needs] water_litres_per_person_day``,
    15 by default, Sphere) times the person-days without water that day,
    ``L × Σ_t P_water(t) × step / 24 h``.
``water_truck_trips``
    ``water_litres / truck_capacity_litres`` rounded up (10,000 L by default, an assumption).
``heating_places``
    The most people needing a heating-point place at once that day. At step ``t`` a person
    without heat needs a place when their outage has lasted at least ``heating_after_hours``
    (24 h by default, Ukrainian Invincibility Points), that is, the minimum of the per-step
    series over the steps ``t - H … t`` (nobody counts as without heat before the start);
    with ``temperature.csv``, everyone without heat at ``t`` counts at once while the
    outdoor temperature is below ``heating_below_celsius`` (0 °C by default, an assumption).
``generator_hours``
    Site-hours that critical sites in the area (kinds ``critical_kinds``: water intakes,
    treatment plants, pumping stations, wells, boiler houses) are without grid power in the
    central estimate: a site's grid power is lost while every member of one of its power
    dependency groups (suppliers of kinds :data:`impact.scenario.schema.POWER_KINDS`) is down.

Central and mean figures come from the central and mean series of the result; each quantile
column applies the same rule to that quantile's per-step series. The planning statistic
(``quantile=``, by default the result's ``plan_quantile``, the median) is one of those
quantiles, repeated as ``<name>_plan``: the figure every needs table leads with. Such a daily figure is not
the quantile of the per-sample daily figure (quantiles do not add up over hours): it equals
it when one set of repair times drives every hour of the day (the usual case), and is
otherwise a planning approximation. ``docs/needs.md`` states every definition and source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from impact._version import __version__
from impact.areas import AreaTree
from impact.dataset import (
    as_dataset,
    check_dataset,
    local_times,
    plan_quantile_of,
    quantiles_of,
    statistic_name,
    step_hours,
    timezone_of,
    with_units,
)
from impact.engine.grid_compile import outdoor_temperature
from impact.export.needs_table import needs_columns, needs_table  # documented here before: kept as aliases
from impact.scenario import Scenario, load_scenario
from impact.scenario.csv_text import LINE
from impact.scenario.schema import POWER_KINDS, SCENARIO_KEYS, WATER_KINDS
from impact.scenario.settings import NeedsSettings

__all__ = [
    "NEEDS",
    "NeedsSettings",
    "critical_sites",
    "heating_places_series",
    "local_days",
    "needs",
    "needs_columns",
    "needs_table",
    "power_lost",
]

#: Needs with Monte Carlo statistics: variable prefix -> (unit, long name).
NEEDS: dict[str, tuple[str, str]] = {
    "water_people": ("persons", "people without water, mean over the day's time steps"),
    "water_litres": ("litres", "water to deliver to the people without water that day"),
    "water_truck_trips": ("trips", "water-truck trips to deliver that water (rounded up)"),
    "cold_exposed": (
        "persons",
        "most people exposed to cold at once that day (cold homes or a long power outage)",
    ),
    "heating_places": ("persons", "most heating-point places needed at once that day (uptake x exposed)"),
}

#: Caveats stored with every needs dataset.
CAVEATS = (
    "Planning figures derived from model estimates, not assessed needs. Water people count everyone without "
    "piped water; water to deliver leaves out the first hours households bridge with stored water. Exposure "
    "to cold is the larger of two overlapping groups (a lower bound of their union); heating places apply an "
    "assumed uptake to it and are places at once, not visits a day. Generator hours count sites of the "
    "critical kinds whose grid supply is lost in the central estimate, including hours their own buffer "
    "covers and hours the site is itself damaged. Quantile columns apply each rule to that quantile's "
    "per-step series (see docs/needs.md)."
)

#: Relative tolerance when rounding truck trips up: loads this close above a whole number need no extra trip.
_TRIP_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Days:
    """Local calendar days of a time axis.

    Attributes
    ----------
    labels : ndarray of str, shape (D,)
        ``YYYY-MM-DD`` in the scenario's time zone.
    starts : ndarray of int, shape (D,)
        Index of each day's first time step.
    steps : ndarray of int, shape (D,)
        Time steps starting in each day.
    hours : ndarray of float, shape (D,)
        Hours of each day on the time axis [hours].
    """

    labels: np.ndarray
    starts: np.ndarray
    steps: np.ndarray
    hours: np.ndarray

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (..., T) over each day's steps, shape (..., D)."""
        return np.add.reduceat(values, self.starts, axis=-1)

    def max(self, values: np.ndarray) -> np.ndarray:
        """Largest of ``values`` (..., T) over each day's steps, shape (..., D); NaN when any is NaN."""
        return np.maximum.reduceat(values, self.starts, axis=-1)


def local_days(times: Any, timezone: str, step_hours: float) -> Days:
    """Group a sorted time axis into local calendar days.

    Parameters
    ----------
    times : array-like of datetime64
        Start of each time step, naive UTC, increasing.
    timezone : str
        IANA time zone of the days.
    step_hours : float
        Time step [hours].

    Returns
    -------
    Days
        A step belongs to the local day in which it starts.
    """
    labels = np.asarray(local_times(times, timezone).strftime("%Y-%m-%d"), dtype=object)
    if len(labels) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Days(labels, empty, empty, np.zeros(0))
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    steps = np.diff(np.r_[starts, len(labels)])
    return Days(labels[starts], starts, steps, steps * float(step_hours))


def heating_places_series(series: np.ndarray, window_steps: int, cold: np.ndarray | None = None) -> np.ndarray:
    """People needing a heating-point place at each time step.

    Parameters
    ----------
    series : ndarray, shape (..., T)
        People without heat at each step [persons].
    window_steps : int
        Steps in the window ``t - H … t`` (``floor(H / step) + 1`` for H hours); a person
        counts at ``t`` when without heat at each of them. Steps before the start count as
        without anybody.
    cold : ndarray of bool, shape (..., T) or broadcastable, optional
        Steps at which the outdoor temperature is below the threshold: there everyone
        without heat counts at once.

    Returns
    -------
    ndarray, shape (..., T)
        Heating-point places needed [persons].
    """
    series = np.asarray(series, dtype=np.float64)
    steps, window = series.shape[-1], max(int(window_steps), 1)
    # Minimum over each window of the zero-padded series in O(log window) passes: after the loop
    # minima[i] is the minimum of `width` values from i; two overlapping such windows cover `window`.
    padded = np.concatenate([np.zeros((*series.shape[:-1], window - 1)), series], axis=-1)
    minima, width = padded, 1
    while 2 * width <= window:
        minima = np.minimum(minima[..., :-width], minima[..., width:])
        width *= 2
    places = np.minimum(minima[..., :steps], minima[..., window - width : window - width + steps])
    if cold is not None:
        places = np.where(cold, series, places)
    return places


def _series(ds: xr.Dataset, service: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Central (A, T), mean (A, T) and quantile (A, Q, T) people without ``service``, or None if absent."""
    if service not in [str(s) for s in ds["service"].values]:
        return None
    at = ds.sel(service=service)
    central = np.asarray(at["people_without_central"].transpose("area", "time").values, dtype=np.float64)
    mean = np.asarray(at["people_without_mean"].transpose("area", "time").values, dtype=np.float64)
    quantiles = np.asarray(at["people_without"].transpose("area", "quantile", "time").values, dtype=np.float64)
    return central, mean, quantiles


def _cold(ds: xr.Dataset, tree: AreaTree, temperature: pd.DataFrame | None, threshold: float) -> np.ndarray | None:
    """(A, T) True where the area's outdoor temperature is below ``threshold``; None without readings.

    The readings that apply to each area and step are those of
    :func:`impact.engine.grid_compile.outdoor_temperature` (its own, else its nearest
    ancestor's, else every area's; a reading holds until the next); steps before the first
    reading have no temperature (never cold).
    """
    times = np.asarray(ds["time"].values, dtype="datetime64[ns]")
    outdoor = outdoor_temperature(temperature, tree, times)
    if outdoor is None:
        return None
    with np.errstate(invalid="ignore"):
        return ~np.isnan(outdoor) & (outdoor < threshold)


def critical_sites(scenario: Scenario, kinds: Sequence[str]) -> pd.DataFrame:
    """Critical sites and their grid power supplies.

    Parameters
    ----------
    scenario : Scenario
    kinds : sequence of str
        Asset kinds that are critical sites.

    Returns
    -------
    DataFrame
        One row per site of those kinds (``assets.csv`` order): ``asset_id``, ``name``,
        ``kind``, ``area_id``, ``generator_kw`` (its backup generator's rating [kW], 0 for
        none), ``water_litres_per_day`` [litres/day, 0 for none], ``power_groups``, a list of
        its dependency groups that hold a power supplier, each the list of those suppliers'
        ids (any one suffices), and ``water_groups`` likewise for water suppliers
        (:data:`impact.scenario.schema.WATER_KINDS`).
    """
    assets = scenario.assets
    kind_of = dict(zip(assets["asset_id"], assets["kind"], strict=True))
    groups: dict[str, dict[str, list[str]]] = {}
    water_groups: dict[str, dict[str, list[str]]] = {}
    deps = scenario.dependencies
    if deps is not None and len(deps):
        for asset, supplier, group, line in zip(
            deps["asset_id"], deps["depends_on"], deps["group"], deps[LINE], strict=True
        ):
            key = group if group else f"line {line}"
            if kind_of.get(supplier) in POWER_KINDS:
                groups.setdefault(asset, {}).setdefault(key, []).append(supplier)
            elif kind_of.get(supplier) in WATER_KINDS:
                water_groups.setdefault(asset, {}).setdefault(key, []).append(supplier)
    sites = assets[assets["kind"].isin(list(kinds))]

    def number(column: str) -> np.ndarray:
        if column not in sites.columns:
            return np.zeros(len(sites))
        return pd.to_numeric(sites[column], errors="coerce").fillna(0.0).to_numpy(dtype=np.float64)

    return pd.DataFrame(
        {
            "asset_id": list(sites["asset_id"]),
            "name": list(sites["name"]),
            "kind": list(sites["kind"]),
            "area_id": list(sites["area_id"]),
            "generator_kw": number("generator_kw"),
            "water_litres_per_day": number("water_litres_per_day"),
            "power_groups": [list(groups.get(site, {}).values()) for site in sites["asset_id"]],
            "water_groups": [list(water_groups.get(site, {}).values()) for site in sites["asset_id"]],
        }
    )


def power_lost(ds: xr.Dataset, sites: pd.DataFrame, column: str = "power_groups") -> np.ndarray:
    """Whether each site's grid power (or, with ``column="water_groups"``, its piped water) is
    lost at each step, central estimate.

    Parameters
    ----------
    ds : xarray.Dataset
        Result dataset with ``asset_down_central`` (asset, time).
    sites : DataFrame
        From :func:`critical_sites`.

    Returns
    -------
    ndarray of bool, shape (sites, T)
        True while every supplier of at least one of the site's power groups is down.
    """
    down = np.asarray(ds["asset_down_central"].transpose("asset", "time").values) > 0
    index = {str(a): i for i, a in enumerate(ds["asset"].values)}
    lost = np.zeros((len(sites), ds.sizes["time"]), dtype=bool)
    for s, groups in enumerate(sites[column]):
        for members in groups:
            missing = [m for m in members if m not in index]
            if missing:
                raise ValueError(
                    f"asset {missing[0]!r} of the scenario is not in the result; pass the scenario "
                    "the result was run from"
                )
            lost[s] |= np.logical_and.reduce([down[index[m]] for m in members])
    return lost


def _with(array: np.ndarray, dims: tuple[str, ...], units: str, long_name: str) -> xr.DataArray:
    return with_units(xr.DataArray(array, dims=dims), units, long_name)


def _trips(litres: np.ndarray, capacity: float) -> np.ndarray:
    """Truck trips for ``litres`` [L] of ``capacity`` [L] each, rounded up (a rounding error over a full load
    is no extra trip)."""
    return np.ceil(litres / capacity * (1.0 - _TRIP_TOLERANCE))


def _sources() -> str:
    return "\n".join(
        f"needs.{key}: {doc}" for (section, key), (*_rest, doc) in SCENARIO_KEYS.items() if section == "needs"
    )


#: Per-need figures: central (A, D), mean (A, D) and quantiles (A, Q, D).
_Figures = tuple[np.ndarray, np.ndarray, np.ndarray]


def _water(
    ds: xr.Dataset, days: Days, tree: AreaTree, settings: NeedsSettings, step: float
) -> dict[str, _Figures] | None:
    """Water people [persons], litres [litres] and truck trips [trips] per area and day; None without water.

    ``water_people`` counts everyone without piped water; the water to deliver only those whose
    outage has lasted ``water_stored_hours`` (the window rule of :func:`heating_places_series`:
    households bridge the first hours with stored and bottled water), on the leaves and summed
    up the tree for the central and mean series, on each area's own series for the quantiles.
    """
    water = _series(ds, "water")
    if water is None:
        return None
    sums = [days.sum(values) for values in water]
    people = [total / days.steps for total in sums]
    window = math.floor(settings.water_stored_hours / step + 1e-9) + 1
    central, mean, quantiles = water
    waiting = (
        tree.sum_leaves(heating_places_series(central, window)),
        tree.sum_leaves(heating_places_series(mean, window)),
        heating_places_series(quantiles, window),
    )
    litres = [settings.water_litres_per_person_day * days.sum(values) * step / 24.0 for values in waiting]
    trips = [_trips(values, settings.truck_capacity_litres) for values in litres]
    return {
        "water_people": (people[0], people[1], people[2]),
        "water_litres": (litres[0], litres[1], litres[2]),
        "water_truck_trips": (trips[0], trips[1], trips[2]),
    }


def _people_cold(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Central (A, T), mean (A, T) and quantile (A, Q, T) people in cold homes, or None without them."""
    if "people_cold_central" not in ds:
        return None
    return (
        np.asarray(ds["people_cold_central"].transpose("area", "time").values, dtype=np.float64),
        np.asarray(ds["people_cold_mean"].transpose("area", "time").values, dtype=np.float64),
        np.asarray(ds["people_cold"].transpose("area", "quantile", "time").values, dtype=np.float64),
    )


def _cold_exposure(
    ds: xr.Dataset, days: Days, tree: AreaTree, scenario: Scenario, settings: NeedsSettings, step: float
) -> tuple[_Figures, _Figures] | None:
    """People exposed to cold [persons] and heating-point places [persons] per area and day; None
    without heat or power.

    At each step the larger of two groups is exposed (they overlap; without per-person records
    their union is not known, and the larger is its lower bound):

    - through heat: the people in cold homes (``people_cold``, with ``temperature.csv``), or
      without it (and in areas without any temperature reading) the rule of
      ``heating_after_hours`` and ``heating_below_celsius`` on the heat outage
      (:func:`heating_places_series`);
    - through power: people without power for at least ``power_after_hours`` (the trigger of
      Invincibility Points).

    Places = ``heating_uptake`` x exposed, rounded up to whole persons. Each figure is the day's
    most at once. Central and mean are computed on the leaf areas and summed up the tree; each
    quantile applies the rule to that quantile's per-step series of the area itself.
    """
    heat, power, cold_homes = _series(ds, "heat"), _series(ds, "power"), _people_cold(ds)
    if heat is None and power is None and cold_homes is None:
        return None
    cold = _cold(ds, tree, scenario.temperature, settings.heating_below_celsius)
    heat_window = math.floor(settings.heating_after_hours / step + 1e-9) + 1
    power_window = math.floor(settings.power_after_hours / step + 1e-9) + 1
    # areas without any temperature reading have no cold homes counted: the duration rule there
    unread = (
        ~np.isfinite(np.asarray(ds["outdoor_temperature"].transpose("area", "time").values)).any(axis=1)
        if "outdoor_temperature" in ds
        else np.ones(len(tree.ids), dtype=bool)
    )
    exposed: list[np.ndarray] = []
    for k in range(3):  # central, mean, quantiles
        quantile_axis = k == 2
        groups = []
        if heat is not None:
            where = None if cold is None else (cold[:, None, :] if quantile_axis else cold)
            groups.append(heating_places_series(heat[k], heat_window, where))
        if cold_homes is not None:
            rule = groups.pop() if groups else np.zeros_like(cold_homes[k])
            mask = unread[:, None, None] if quantile_axis else unread[:, None]
            groups.append(np.where(mask, rule, cold_homes[k]))
        if power is not None:
            groups.append(heating_places_series(power[k], power_window))
        series = np.maximum.reduce(groups) if len(groups) > 1 else groups[0]
        exposed.append(series)
    places = [np.ceil(settings.heating_uptake * series * (1.0 - _TRIP_TOLERANCE)) for series in exposed]

    def daily(values: list[np.ndarray]) -> _Figures:
        return (
            days.max(tree.sum_leaves(values[0])),
            days.max(tree.sum_leaves(values[1])),
            days.max(values[2]),
        )

    return daily(exposed), daily(places)


def _generator_hours(
    ds: xr.Dataset, days: Days, tree: AreaTree, scenario: Scenario, settings: NeedsSettings, step: float
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Critical sites, their hours without grid power (site, D) [hours], their fuel (site, D)
    [litres], each area's sums over its sites (A, D): ``generator_hours`` (sites with a
    generator), ``generator_gap_hours`` (sites without) [hours], ``generator_fuel_litres`` and
    ``site_water_litres`` [litres], and each site's water to deliver (site, D) [litres]:
    ``water_litres_per_day`` x the day's hours without piped water / 24.

    A site counts in its own area and in every ancestor of it (the scenario's area tree).
    Fuel = hours x ``generator_kw`` x ``generator_load`` x ``diesel_litres_per_kwh``.
    """
    sites = critical_sites(scenario, settings.critical_kinds)
    n_d = len(days.labels)
    site_hours = days.sum(power_lost(ds, sites).astype(np.float64) * step) if len(sites) else np.zeros((0, n_d))
    rating = sites["generator_kw"].to_numpy(dtype=np.float64)
    site_fuel = site_hours * (rating * settings.generator_load * settings.diesel_litres_per_kwh)[:, None]
    scenario_tree = AreaTree.from_table(scenario.areas)
    sums = {name: np.zeros((len(tree.ids), n_d)) for name in ("generator_hours", "generator_gap_hours")}
    sums["generator_fuel_litres"] = np.zeros((len(tree.ids), n_d))
    sums["site_water_litres"] = np.zeros((len(tree.ids), n_d))
    water_hours = (
        days.sum(power_lost(ds, sites, "water_groups").astype(np.float64) * step) if len(sites) else np.zeros((0, n_d))
    )
    site_water = water_hours * sites["water_litres_per_day"].to_numpy(dtype=np.float64)[:, None] / 24.0
    for s, area in enumerate(sites["area_id"]):
        hours_name = "generator_hours" if rating[s] > 0 else "generator_gap_hours"
        for node in [area, *scenario_tree.ancestors_of(area)] if area else []:
            if node in tree:
                sums[hours_name][tree.index(node)] += site_hours[s]
                sums["generator_fuel_litres"][tree.index(node)] += site_fuel[s]
                sums["site_water_litres"][tree.index(node)] += site_water[s]
    return sites, site_hours, site_fuel, sums, site_water


def needs(
    result: Any,
    *,
    scenario: Scenario | str | None = None,
    settings: NeedsSettings | None = None,
    quantile: float | None = None,
) -> xr.Dataset:
    """Needs per area and local day: water, water-truck trips, heating places, generator hours.

    Parameters
    ----------
    result : Result or xarray.Dataset
        A result of :func:`impact.run` (its scenario is used), or a result dataset together
        with ``scenario``.
    scenario : Scenario, str or Path, optional
        The scenario the result was run from (default ``result.scenario``). Its ``[needs]``
        settings, ``temperature.csv`` and dependencies are used.
    settings : NeedsSettings, optional
        Planning figures overriding the scenario's ``[needs]`` section.
    quantile : float, optional
        The planning statistic the needs lead with: one of the result's quantiles [1];
        default the result's ``plan_quantile`` (0.5, the median).

    Returns
    -------
    xarray.Dataset
        Dims ``area`` (with ``name``, ``admin_level``, ``parent_id``), ``day`` (local
        ``YYYY-MM-DD``, with ``hours``: hours of the day on the time axis), ``quantile`` and
        ``site``. For each of ``water_people`` [persons], ``water_litres`` [litres],
        ``water_truck_trips`` [trips] and ``heating_places`` [persons]: ``<name>_plan``
        (area, day), the planning statistic (``<name>`` at ``quantile``; attributes
        ``plan_quantile`` and ``plan_statistic`` say which), ``<name>_central`` and
        ``<name>_mean`` (area, day) and ``<name>`` (area, day, quantile).
        ``generator_hours_central`` (area, day) [hours] and ``site_generator_hours_central``
        (site, day) [hours]. ``population`` (area) [persons]. Attributes carry the settings,
        their sources, the method and caveats. NaN where the result has no Monte Carlo
        samples or lacks the service.

    Raises
    ------
    TypeError
        If no scenario is given or found on ``result``.
    ValueError
        If the scenario is not the one the result was run from, or ``quantile`` is not one
        of the result's quantiles.
    """
    ds = as_dataset(result)
    check_dataset(ds)
    plan = plan_quantile_of(ds) if quantile is None else float(quantile)
    if plan not in quantiles_of(ds):
        raise ValueError(
            f"quantile {plan:g} is not one of the result's quantiles "
            f"({', '.join(f'{q:g}' for q in quantiles_of(ds)) or 'none'}); run with plan_quantile={plan:g} "
            "(it is added to the quantiles) or choose one of them"
        )
    scenario = scenario if scenario is not None else getattr(result, "scenario", None)
    if scenario is None:
        raise TypeError(
            "needs() takes a result of impact.run, or a result dataset with scenario=...: the "
            "[needs] settings, temperature.csv and dependencies come from the scenario"
        )
    scenario = load_scenario(scenario)
    run_id = ds.attrs.get("scenario_id")
    if run_id is not None and str(run_id) != scenario.id:
        raise ValueError(
            f"the result is of scenario {run_id!r}, not {scenario.id!r}; pass the scenario it was run from"
        )
    settings = settings if settings is not None else scenario.config.needs
    if ds.sizes["time"] > 1 and not ds.indexes["time"].is_monotonic_increasing:
        ds = ds.sortby("time")

    step = step_hours(ds)
    days = local_days(ds["time"].values, timezone_of(ds), step)
    tree = AreaTree.from_dataset(ds)
    n_a, n_d, n_q = len(tree.ids), len(days.labels), ds.sizes["quantile"]
    missing = (np.full((n_a, n_d), np.nan), np.full((n_a, n_d), np.nan), np.full((n_a, n_q, n_d), np.nan))
    water = _water(ds, days, tree, settings, step)
    exposure = _cold_exposure(ds, days, tree, scenario, settings, step)
    figures: dict[str, _Figures] = {
        "water_people": water["water_people"] if water else missing,
        "water_litres": water["water_litres"] if water else missing,
        "water_truck_trips": water["water_truck_trips"] if water else missing,
        "cold_exposed": exposure[0] if exposure else missing,
        "heating_places": exposure[1] if exposure else missing,
    }
    data: dict[str, xr.DataArray] = {}
    position = quantiles_of(ds).index(plan)
    for name, (central, mean, quantiles) in figures.items():
        unit, what = NEEDS[name]
        data[f"{name}_plan"] = _with(
            quantiles[:, position, :],
            ("area", "day"),
            unit,
            f"{what}, planning statistic: from the per-step series of the {statistic_name(plan)} over samples",
        )
        data[f"{name}_central"] = _with(central, ("area", "day"), unit, f"{what}, central estimate")
        data[f"{name}_mean"] = _with(mean, ("area", "day"), unit, f"{what}, from the Monte Carlo mean series")
        data[name] = _with(
            np.moveaxis(quantiles, 1, 2),
            ("area", "day", "quantile"),
            unit,
            f"{what}, from each quantile's per-step series",
        )

    sites, site_hours, site_fuel, sums, site_water = _generator_hours(ds, days, tree, scenario, settings, step)
    data["generator_hours_central"] = _with(
        sums["generator_hours"],
        ("area", "day"),
        "hours",
        "hours critical sites with a generator in the area run it (without grid power), summed over the sites, "
        "central estimate",
    )
    data["generator_gap_hours_central"] = _with(
        sums["generator_gap_hours"],
        ("area", "day"),
        "hours",
        "hours critical sites without a generator in the area are without grid power (a generator to deploy), "
        "summed over the sites, central estimate",
    )
    data["generator_fuel_litres_central"] = _with(
        sums["generator_fuel_litres"],
        ("area", "day"),
        "litres",
        "diesel the generators of the area's critical sites burn that day, central estimate",
    )
    data["site_generator_hours_central"] = _with(
        site_hours, ("site", "day"), "hours", "hours the critical site is without grid power, central estimate"
    )
    data["site_water_litres_central"] = _with(
        sums["site_water_litres"],
        ("area", "day"),
        "litres",
        "water to deliver to the area's critical sites (hospitals, collective centres...) while their piped "
        "water is lost: water_litres_per_day x hours lost / 24, central estimate",
    )
    data["site_water_litres_by_site_central"] = _with(
        site_water, ("site", "day"), "litres", "water to deliver to the critical site that day, central estimate"
    )
    data["site_generator_fuel_litres_central"] = _with(
        site_fuel, ("site", "day"), "litres", "diesel the critical site's generator burns that day, central estimate"
    )
    data["population"] = _with(
        np.asarray(ds["population"].transpose("area").values), ("area",), "persons", "population"
    )

    coords: dict[str, Any] = {
        "area": list(tree.ids),
        "day": np.asarray(days.labels, dtype=str),
        "hours": ("day", days.hours),
        "quantile": np.asarray(ds["quantile"].values, dtype=np.float64),
        "site": list(sites["asset_id"]),
        "site_name": ("site", list(sites["name"])),
        "site_kind": ("site", list(sites["kind"])),
        "site_area": ("site", list(sites["area_id"])),
        "site_generator_kw": ("site", sites["generator_kw"].to_numpy(dtype=np.float64)),
        "site_water_litres_per_day": ("site", sites["water_litres_per_day"].to_numpy(dtype=np.float64)),
    }
    for name in ("name", "name_uk", "admin_level", "parent_id"):
        if name in ds.coords:
            coords[name] = ("area", ds[name].values)
    out = xr.Dataset(data, coords=coords)
    out["day"].attrs.update(long_name=f"local calendar day ({timezone_of(ds)})")
    out["hours"].attrs.update(units="hours", long_name="hours of the day on the time axis")
    out.attrs.update(_attributes(ds, scenario, settings, step))
    out.attrs.update(plan_quantile=plan, plan_statistic=statistic_name(plan))
    return out


def _attributes(ds: xr.Dataset, scenario: Scenario, settings: NeedsSettings, step: float) -> dict[str, Any]:
    """Attributes of a needs dataset: the run, the settings, their sources, the method and caveats."""
    temperature = scenario.temperature
    return dict(
        title=f"Needs per area and day: {ds.attrs.get('scenario_title', scenario.title)}",
        scenario_id=scenario.id,
        scenario_title=str(ds.attrs.get("scenario_title", scenario.title)),
        timezone=timezone_of(ds),
        start=str(ds.attrs.get("start", "")),
        step_minutes=step * 60.0,
        samples=int(ds.attrs.get("samples", 0)),
        seed=int(ds.attrs.get("seed", 0)),
        model_version=__version__,
        water_litres_per_person_day=settings.water_litres_per_person_day,
        truck_capacity_litres=settings.truck_capacity_litres,
        heating_after_hours=settings.heating_after_hours,
        heating_below_celsius=settings.heating_below_celsius,
        heating_uptake=settings.heating_uptake,
        power_after_hours=settings.power_after_hours,
        water_stored_hours=settings.water_stored_hours,
        generator_load=settings.generator_load,
        diesel_litres_per_kwh=settings.diesel_litres_per_kwh,
        critical_kinds=", ".join(settings.critical_kinds),
        temperature=(
            f"{len(temperature)} temperature readings (temperature.csv): the people in cold homes "
            "(people_cold) are exposed to cold"
            if len(temperature)
            else "No temperature.csv: exposure to cold follows the outage-duration rules alone"
        ),
        method=(
            "Per local day. water_people: mean over the day's steps of people without water; water_litres: "
            "litres per person per day x person-days without water beyond the first water_stored_hours; "
            "water_truck_trips: litres / truck capacity, rounded up; cold_exposed: daily peak of the larger of "
            "the people in cold homes (people_cold; without it, people whose heat outage has lasted "
            "heating_after_hours, or everyone without heat while colder than heating_below_celsius) and the "
            "people without power for power_after_hours; heating_places: heating_uptake x cold_exposed per "
            "step, rounded up, daily peak; generator_hours: hours critical sites with a generator are without "
            "grid power (central), generator_gap_hours the same at sites without one, generator_fuel_litres: "
            "hours x generator_kw x generator_load x diesel_litres_per_kwh. Central and mean figures with a "
            "duration rule are computed on leaf areas and summed; quantiles apply each rule to that quantile's "
            "per-step series. See docs/needs.md."
        ),
        sources=_sources(),
        caveats=CAVEATS,
        ancestors=str(ds.attrs.get("ancestors", "{}") or "{}"),
    )
