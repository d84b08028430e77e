"""The needs as a table: one row per (area, local day), columns declared with HXL hashtags.

>>> import impact
>>> from impact.export import needs_table
>>> needs_table(impact.needs(result))  # doctest: +SKIP

The needs themselves are computed by :func:`impact.needs` (``docs/needs.md`` states every
definition and source); this module only lays them out for the CSV and Excel exports.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from impact.dataset import quantile_label, quantile_labels
from impact.export.columns import AREA_COLUMNS, POPULATION, OutputColumn, plan_quantile_for, stat_columns
from impact.export.frames import area_table, stat_data

__all__ = ["NEEDS_STATISTICS", "as_needs_dataset", "needs_columns", "needs_table"]

#: Needs with central, mean and quantile columns, in column order (variables of a needs dataset).
NEEDS_STATISTICS: tuple[str, ...] = (
    "water_people",
    "water_litres",
    "water_truck_trips",
    "cold_exposed",
    "heating_places",
)


def as_needs_dataset(nd: Any) -> xr.Dataset:
    """``nd`` itself when it is a needs dataset; a clear ``TypeError`` otherwise.

    The needs depend on the scenario's ``[needs]`` settings, so the writers and tables take
    the needs computed by :func:`impact.needs`, never a result to compute them from.
    """
    if isinstance(nd, xr.Dataset) and "water_litres_central" in nd.variables:
        return nd
    raise TypeError(
        f"expected a needs dataset, got {type(nd).__name__}; pass impact.needs(result), "
        "which computes the needs from a result and its scenario"
    )


def needs_columns(nd: xr.Dataset) -> list[OutputColumn]:
    """Columns of :func:`needs_table` for a needs dataset, in order, with their HXL hashtags.

    Parameters
    ----------
    nd : xarray.Dataset
        From :func:`impact.needs`.

    Returns
    -------
    list of OutputColumn
    """
    nd = as_needs_dataset(nd)
    quantiles = [float(q) for q in nd["quantile"].values]
    plan = plan_quantile_for(nd)
    tz = str(nd.attrs.get("timezone", "UTC"))
    litres = float(nd.attrs.get("water_litres_per_person_day", np.nan))
    capacity = float(nd.attrs.get("truck_capacity_litres", np.nan))
    after = float(nd.attrs.get("heating_after_hours", np.nan))
    power_after = float(nd.attrs.get("power_after_hours", np.nan))
    uptake = float(nd.attrs.get("heating_uptake", np.nan))
    stored = float(nd.attrs.get("water_stored_hours", np.nan))
    load = float(nd.attrs.get("generator_load", np.nan))
    fuel = float(nd.attrs.get("diesel_litres_per_kwh", np.nan))
    return [
        *AREA_COLUMNS,
        OutputColumn("date", "#date", "", f"Local calendar day ({tz})."),
        OutputColumn(
            "hours",
            "#indicator+num+hours",
            "hours",
            "Hours of the day on the time axis (24 but on the first and last day and at clock changes).",
        ),
        POPULATION,
        *stat_columns(
            "water_people",
            "#inneed+ind+water",
            "persons",
            "People without water, mean over the day's time steps",
            quantiles,
            plan,
        ),
        *stat_columns(
            "water_litres",
            "#indicator+num+water_litres",
            "litres",
            f"Water to deliver that day: {litres:g} L per person per day x person-days without water beyond the "
            f"first {stored:g} h (bridged with stored and bottled water)",
            quantiles,
            plan,
        ),
        *stat_columns(
            "water_truck_trips",
            "#indicator+num+water_truck_trips",
            "trips",
            f"Water-truck trips of {capacity:g} L to deliver that water, rounded up",
            quantiles,
            plan,
        ),
        *stat_columns(
            "cold_exposed",
            "#affected+ind+exposed_cold",
            "persons",
            f"Most people at once exposed to cold that day: in homes below the cold threshold (with temperatures; "
            f"else without heat for {after:g} h) or without power for {power_after:g} h, the larger group",
            quantiles,
            plan,
        ),
        *stat_columns(
            "heating_places",
            "#inneed+ind+heating",
            "persons",
            f"Most heating-point places needed at once that day: {uptake:g} x the people exposed to cold, rounded up",
            quantiles,
            plan,
        ),
        OutputColumn(
            "generator_hours_central",
            "#indicator+num+generator_hours+central",
            "hours",
            "Hours critical sites with a generator (generator_kw) in the area run it that day (their grid power "
            "is lost), summed over the sites, central estimate.",
        ),
        OutputColumn(
            "generator_gap_hours_central",
            "#indicator+num+generator_gap_hours+central",
            "hours",
            "Hours critical sites without a generator in the area are without grid power that day (a generator to "
            "deploy), summed over the sites, central estimate.",
        ),
        OutputColumn(
            "generator_fuel_litres_central",
            "#indicator+num+fuel_litres+central",
            "litres",
            f"Diesel the generators of the area's critical sites burn that day: hours x generator_kw x "
            f"{load:g} load x {fuel:g} L/kWh, central estimate.",
        ),
        OutputColumn(
            "site_water_litres_central",
            "#indicator+num+site_water_litres+central",
            "litres",
            "Water to deliver that day to the area's critical sites (hospitals, collective centres...) while their "
            "piped water is lost: water_litres_per_day x hours lost / 24, central estimate.",
        ),
    ]


def needs_table(nd: xr.Dataset) -> pd.DataFrame:
    """The needs as a wide table: one row per (area, day).

    Parameters
    ----------
    nd : xarray.Dataset
        A needs dataset from :func:`impact.needs`.

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`needs_columns`: the area columns (``area_id``, ``area_name``,
        ``admin_level``, ``adm1_code`` … ``adm3_name``), ``date`` (local ``YYYY-MM-DD``),
        ``hours`` [hours], ``population`` [persons], then the planning statistic's
        (``<need>_plan_qNN``, the dataset's ``plan_quantile``), central, mean and quantile
        columns of ``water_people`` [persons], ``water_litres`` [litres], ``water_truck_trips``
        [trips], ``cold_exposed`` and ``heating_places`` [persons], ``generator_hours_central`` and
        ``generator_gap_hours_central`` [hours] and ``generator_fuel_litres_central`` [litres].
        Rows sorted by area (dataset order), then day.

    Raises
    ------
    TypeError
        If ``nd`` is not a needs dataset (e.g. a result: pass ``impact.needs(result)``).
    """
    nd = as_needs_dataset(nd)
    n_a, n_d = nd.sizes["area"], nd.sizes["day"]
    labels = quantile_labels([float(q) for q in nd["quantile"].values])
    plan = plan_quantile_for(nd)
    area_idx = np.repeat(np.arange(n_a), n_d)
    data: dict[str, Any] = {k: v[area_idx] for k, v in area_table(nd).items()}
    data["date"] = np.tile(np.asarray(nd["day"].values, dtype=object), n_a)
    data["hours"] = np.tile(np.asarray(nd["hours"].values, dtype=np.float64), n_a)
    data["population"] = np.asarray(nd["population"].values)[area_idx]
    for name in NEEDS_STATISTICS:
        data |= stat_data(
            name,
            np.asarray(nd[f"{name}_central"].transpose("area", "day").values).reshape(-1),
            np.asarray(nd[f"{name}_mean"].transpose("area", "day").values).reshape(-1),
            np.asarray(nd[name].transpose("area", "day", "quantile").values).reshape(n_a * n_d, -1),
            labels,
            None if plan is None else quantile_label(plan),
        )
    for name in (
        "generator_hours_central",
        "generator_gap_hours_central",
        "generator_fuel_litres_central",
        "site_water_litres_central",
    ):
        data[name] = np.asarray(nd[name].transpose("area", "day").values).reshape(-1)
    return pd.DataFrame({c.name: data[c.name] for c in needs_columns(nd)})
