"""Tidy tables from a result dataset, shared by every export.

The long table (:func:`to_long_dataframe`) has one row per (service, area, time) and is what
the CSV and parquet files hold, what ``Result.to_dataframe()`` returns and what the Excel
``time_series`` sheet shows. :func:`to_summary_dataframe` has one row per (service, area),
:func:`to_assets_dataframe` one row per (asset, time) and :func:`to_strikes_dataframe` one row
per strike. Their columns are declared in :mod:`impact.export.columns`.

Times are shown in the scenario's time zone (``ds.attrs["timezone"]``, UTC when absent) as
ISO 8601 strings with their UTC offset, e.g. ``2025-12-19T00:00:00+02:00``: unambiguous
across daylight-saving changes and readable by spreadsheet users and HXL tools alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from impact.areas import AreaTree, read_ancestors
from impact.dataset import (
    as_dataset,
    check_dataset,
    iso_local,
    quantile_label,
    quantile_labels,
    quantiles_of,
    timezone_of,
)
from impact.export.columns import (
    ADMIN_LEVELS,
    HEAT_STATES,
    OutputColumn,
    assets_columns,
    beyond_column_name,
    long_columns,
    plan_quantile_for,
    strikes_columns,
    summary_columns,
)
from impact.scenario.weighted import describe_weighted

__all__ = [
    "area_table",
    "stat_data",
    "to_assets_dataframe",
    "to_long_dataframe",
    "to_strikes_dataframe",
    "to_summary_dataframe",
]


def area_table(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """The area columns of a dataset's areas, in dataset order.

    Parameters
    ----------
    ds : xarray.Dataset
        A result or needs dataset with an ``area`` dimension (``name``, ``admin_level`` and
        ``parent_id`` coordinates when present; ``attrs["ancestors"]`` names the ancestors of
        a subset's areas).

    Returns
    -------
    dict of str to numpy.ndarray
        ``area_id``, ``area_name``, ``area_name_uk`` ("" without a ``name_uk`` coordinate),
        ``admin_level`` and ``adm1_code`` … ``adm3_name``: the
        P-code and name of the area itself or its nearest ancestor at each admin level of
        :data:`impact.export.columns.ADMIN_LEVELS` ("" where there is none).
    """
    ids = [str(a) for a in ds["area"].values]
    n = len(ids)
    names = _coord_str(ds, "name", "area", default=ids)
    levels = (
        np.asarray(ds["admin_level"].values, dtype=np.int64)
        if "admin_level" in ds.coords
        else np.zeros(n, dtype=np.int64)
    )
    info = {a: (names[i], int(levels[i])) for i, a in enumerate(ids)}
    # A subset of a result (e.g. a dashboard view of one raion) names its areas' ancestors in
    # attrs["ancestors"] so adm codes stay filled.
    for area, (name, level, _parent) in read_ancestors(ds).items():
        info.setdefault(area, (name, level))
    tree = AreaTree.from_dataset(ds)

    cols: dict[str, np.ndarray] = {
        "area_id": np.array(ids, dtype=object),
        "area_name": np.array(names, dtype=object),
        "area_name_uk": np.array(_coord_str(ds, "name_uk", "area", default=[""] * n), dtype=object),
        "admin_level": levels,
    }
    for level in ADMIN_LEVELS:
        cols[f"adm{level}_code"] = np.full(n, "", dtype=object)
        cols[f"adm{level}_name"] = np.full(n, "", dtype=object)
    for i, area in enumerate(ids):
        for node in [area, *tree.ancestors_of(area)]:
            if node not in info:
                break
            name, level = info[node]
            if level in ADMIN_LEVELS and cols[f"adm{level}_code"][i] == "":
                cols[f"adm{level}_code"][i] = node
                cols[f"adm{level}_name"][i] = name
    return cols


def stat_data(
    prefix: str,
    central: np.ndarray,
    mean: np.ndarray,
    quantiles: np.ndarray,
    labels: Sequence[str],
    plan_label: str | None = None,
) -> dict[str, np.ndarray]:
    """The data of the :func:`impact.export.columns.stat_columns` of one statistic.

    Parameters
    ----------
    prefix : str
        Column name prefix, e.g. ``peak_people_without``.
    central, mean : numpy.ndarray, shape (rows,)
        Central estimate and Monte Carlo mean, in the statistic's unit.
    quantiles : numpy.ndarray, shape (rows, Q)
        One column per quantile, in the order of ``labels``.
    labels : sequence of str
        Quantile labels (:func:`impact.dataset.quantile_labels`).
    plan_label : str, optional
        Label of the planning statistic, one of ``labels``: adds ``{prefix}_plan_qNN``.

    Returns
    -------
    dict of str to numpy.ndarray
        ``{prefix}_plan_qNN`` (with ``plan_label``), ``{prefix}_central``, ``{prefix}_mean``
        and ``{prefix}_qNN``, in column order.
    """
    data = {} if plan_label is None else {f"{prefix}_plan_{plan_label}": quantiles[:, list(labels).index(plan_label)]}
    data |= {f"{prefix}_central": central, f"{prefix}_mean": mean}
    for j, label in enumerate(labels):
        data[f"{prefix}_{label}"] = quantiles[:, j]
    return data


def _coord_str(ds: xr.Dataset, name: str, dim: str, default: Sequence[str]) -> list[str]:
    if name in ds.coords and ds[name].dims == (dim,):
        return ["" if _isnull(v) else str(v) for v in ds[name].values]
    return list(default)


def _population_source(ds: xr.Dataset) -> np.ndarray:
    """The ``population_source`` coordinate per area ("" when absent)."""
    return np.array(_coord_str(ds, "population_source", "area", default=[""] * ds.sizes["area"]), dtype=object)


def _isnull(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def _values(ds: xr.Dataset, name: str, dims: Iterable[str], shape: tuple[int, ...]) -> np.ndarray:
    """Values of ``name`` transposed to ``dims`` as float64, or NaN when the variable is absent."""
    if name not in ds.variables:
        return np.full(shape, np.nan)
    return np.asarray(ds[name].transpose(*dims).values, dtype=np.float64)


def _frame(data: dict[str, Any], columns: Sequence[OutputColumn]) -> pd.DataFrame:
    return pd.DataFrame({c.name: data[c.name] for c in columns})


def to_long_dataframe(ds: Any) -> pd.DataFrame:
    """The long table: one row per (service, area, time).

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`long_columns`: area_id, area_name, area_name_uk, admin_level,
        adm1_code … adm3_name (the area's ancestors by admin level, "" where not applicable),
        service, time_local (ISO 8601 local time with offset), population [persons] (the
        population used), population_source,
        people_without_central, people_without_mean and people_without_qNN [persons].
        Rows sorted by service, area (dataset order) and time.
    """
    ds = as_dataset(ds)
    check_dataset(ds)
    if ds.sizes["time"] > 1 and not ds.indexes["time"].is_monotonic_increasing:
        ds = ds.sortby("time")
    n_s, n_a, n_t = ds.sizes["service"], ds.sizes["area"], ds.sizes["time"]
    qs = quantiles_of(ds)
    labels = quantile_labels(qs)
    n_rows = n_s * n_a * n_t

    areas = area_table(ds)
    # Row r = (s, a, t) with r = (s * n_a + a) * n_t + t.
    area_idx = np.tile(np.repeat(np.arange(n_a), n_t), n_s)
    data: dict[str, Any] = {k: v[area_idx] for k, v in areas.items()}
    data["service"] = np.repeat(np.array([str(s) for s in ds["service"].values], object), n_a * n_t)
    data["time_local"] = np.tile(iso_local(ds["time"].values, timezone_of(ds)), n_s * n_a)
    population = np.asarray(ds["population"].transpose("area").values)
    data["population"] = population[area_idx]
    data["population_source"] = _population_source(ds)[area_idx]
    dims3 = ("service", "area", "time")
    shape3 = (n_s, n_a, n_t)
    q = _values(ds, "people_without", (*dims3, "quantile"), (*shape3, len(qs)))
    data |= stat_data(
        "people_without",
        _values(ds, "people_without_central", dims3, shape3).reshape(n_rows),
        _values(ds, "people_without_mean", dims3, shape3).reshape(n_rows),
        q.reshape(n_rows, len(qs)),
        labels,
        _plan_label(ds),
    )
    data |= _heat_state_data(ds, labels, n_s)
    if "outdoor_temperature" in ds.variables:
        outdoor = _values(ds, "outdoor_temperature", ("area", "time"), (n_a, n_t))
        data["outdoor_temperature"] = np.tile(outdoor.reshape(n_a * n_t), n_s)
    data |= {
        name: np.repeat(values, n_t) for name, values in _beyond_data(ds, np.arange(n_s * n_a)).items()
    }  # one value per (service, area), repeated over its time steps
    return _frame(data, long_columns(ds))


def _heat_state_data(ds: xr.Dataset, labels: Sequence[str], n_s: int) -> dict[str, np.ndarray]:
    """``people_cold_*`` and ``people_drained_*`` (area, time) on the rows of the heat service, NaN on the
    others (:func:`impact.export.columns.heat_state_columns`)."""
    services = [str(s) for s in ds["service"].values]
    n_a, n_t = ds.sizes["area"], ds.sizes["time"]
    data: dict[str, np.ndarray] = {}
    for prefix in HEAT_STATES:
        if f"{prefix}_central" not in ds.variables:
            continue

        def on_heat_rows(values: np.ndarray) -> np.ndarray:
            out = np.full((n_s, *values.shape), np.nan)
            if "heat" in services:
                out[services.index("heat")] = values
            return out.reshape(n_s * n_a * n_t, *values.shape[2:])

        quantiles = _values(ds, prefix, ("area", "time", "quantile"), (n_a, n_t, len(labels)))
        data |= stat_data(
            prefix,
            on_heat_rows(_values(ds, f"{prefix}_central", ("area", "time"), (n_a, n_t))),
            on_heat_rows(_values(ds, f"{prefix}_mean", ("area", "time"), (n_a, n_t))),
            on_heat_rows(quantiles),
            labels,
            _plan_label(ds),
        )
    return data


def _plan_label(ds: xr.Dataset) -> str | None:
    """Quantile label of the planning statistic the tables lead with (None without it)."""
    plan = plan_quantile_for(ds)
    return None if plan is None else quantile_label(plan)


def _beyond_data(ds: xr.Dataset, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The :func:`impact.export.columns.beyond_columns` per (service, area) row (service-major order) [1]."""
    if "outage_beyond_probability" not in ds.variables:
        return {}
    values = np.asarray(
        ds["outage_beyond_probability"].transpose("service", "area", "beyond_hours").values, dtype=np.float64
    ).reshape(-1, ds.sizes["beyond_hours"])[rows]
    return {beyond_column_name(hours): values[:, k] for k, hours in enumerate(ds["beyond_hours"].values)}


def to_summary_dataframe(ds: Any) -> pd.DataFrame:
    """The summary table: one row per (service, area).

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`summary_columns`: the area columns, service, population
        [persons], population_source, peak people without (central, mean, quantiles) [persons], local time of
        the central peak, person-hours without [person hours] and hours to 90 %
        restoration [hours] (central, mean, quantiles). Rows sorted by service, then area.
    """
    ds = as_dataset(ds)
    check_dataset(ds)
    n_s, n_a = ds.sizes["service"], ds.sizes["area"]
    qs = quantiles_of(ds)
    labels = quantile_labels(qs)
    n_rows = n_s * n_a
    area_idx = np.tile(np.arange(n_a), n_s)
    data: dict[str, Any] = {k: v[area_idx] for k, v in area_table(ds).items()}
    data["service"] = np.repeat(np.array([str(s) for s in ds["service"].values], object), n_a)
    data["population"] = np.asarray(ds["population"].transpose("area").values)[area_idx]
    data["population_source"] = _population_source(ds)[area_idx]
    sa = ("service", "area")
    for prefix in ("peak_people_without", "person_hours_without", "restore_90_hours"):
        data |= stat_data(
            prefix,
            _values(ds, f"{prefix}_central", sa, (n_s, n_a)).reshape(n_rows),
            _values(ds, f"{prefix}_mean", sa, (n_s, n_a)).reshape(n_rows),
            _values(ds, prefix, (*sa, "quantile"), (n_s, n_a, len(qs))).reshape(n_rows, len(qs)),
            labels,
            _plan_label(ds),
        )
    data |= _beyond_data(ds, np.arange(n_rows))
    if "peak_time_central" in ds.variables:
        peak = ds["peak_time_central"].transpose(*sa).values.reshape(n_rows)
        data["peak_time_local_central"] = iso_local(peak, timezone_of(ds))
    else:
        data["peak_time_local_central"] = np.full(n_rows, "", dtype=object)
    return _frame(data, summary_columns(ds))


def to_assets_dataframe(ds: Any) -> pd.DataFrame:
    """Asset status over time: one row per (asset, time).

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`assets_columns`: asset_id, asset_name, asset_kind, area_id,
        time_local, down_probability [1] and down_central [1, 0 or 1]. Empty when the
        dataset has no assets.
    """
    ds = as_dataset(ds)
    cols = assets_columns(ds)
    if "asset" not in ds.dims or "asset_down_central" not in ds.variables:
        return pd.DataFrame({c.name: [] for c in cols})
    n_j, n_t = ds.sizes["asset"], ds.sizes["time"]
    ids = [str(a) for a in ds["asset"].values]
    idx = np.repeat(np.arange(n_j), n_t)
    data: dict[str, Any] = {
        "asset_id": np.array(ids, dtype=object)[idx],
        "asset_name": np.array(_coord_str(ds, "asset_name", "asset", ids), dtype=object)[idx],
        "asset_kind": np.array(_coord_str(ds, "asset_kind", "asset", [""] * n_j), object)[idx],
        "area_id": np.array(_coord_str(ds, "asset_area", "asset", [""] * n_j), object)[idx],
        "time_local": np.tile(iso_local(ds["time"].values, timezone_of(ds)), n_j),
        "down_probability": _values(ds, "asset_down_probability", ("asset", "time"), (n_j, n_t)).reshape(-1),
        "down_central": np.asarray(ds["asset_down_central"].transpose("asset", "time").values, dtype=np.int64).reshape(
            -1
        ),
    }
    return _frame(data, cols)


def to_strikes_dataframe(ds: Any) -> pd.DataFrame:
    """The strikes of the scenario: one row per strike.

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`strikes_columns`: strike_id, time_local, asset_id, asset_name,
        damage_state, killed [persons], injured [persons] (NaN when unknown). ``asset_id`` and
        ``damage_state`` are as written in strikes.csv (candidates with weights included); the
        ``asset_name`` of a strike with candidate assets lists their names with their
        probabilities (``Substation 1 (50 %) or Substation 2 (50 %)``).
    """
    ds = as_dataset(ds)
    cols = strikes_columns(ds)
    if "strike" not in ds.dims:
        return pd.DataFrame({c.name: [] for c in cols})
    n = ds.sizes["strike"]
    ids = [str(s) for s in ds["strike"].values]
    assets = _coord_str(ds, "strike_asset", "strike", [""] * n)
    asset_names: dict[str, str] = {}
    if "asset" in ds.dims:
        asset_ids = [str(a) for a in ds["asset"].values]
        asset_names = dict(zip(asset_ids, _coord_str(ds, "asset_name", "asset", asset_ids), strict=True))
    times = (
        iso_local(ds["strike_time"].values, timezone_of(ds))
        if "strike_time" in ds.coords
        else np.full(n, "", dtype=object)
    )

    def floats(name: str) -> np.ndarray:
        if name in ds.coords:
            return np.asarray(ds[name].values, dtype=np.float64)
        return np.full(n, np.nan)

    data = {
        "strike_id": np.array(ids, dtype=object),
        "time_local": times,
        "asset_id": np.array(assets, dtype=object),
        "asset_name": np.array(
            [describe_weighted(a, asset_names, lambda one: asset_names.get(one, "")) for a in assets], dtype=object
        ),
        "damage_state": np.array(_coord_str(ds, "damage_state", "strike", [""] * n), object),
        "killed": floats("killed"),
        "injured": floats("injured"),
    }
    return _frame(data, cols)
