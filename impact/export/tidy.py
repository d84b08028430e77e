"""Tidy tables from a result dataset, shared by every export.

The long table (:func:`to_long_dataframe`) has one row per (service, area, time) and is what
the CSV and parquet files hold, what ``Result.to_dataframe()`` returns and what the Excel
``time_series`` sheet shows. :func:`to_summary_dataframe` has one row per (service, area),
:func:`to_assets_dataframe` one row per (asset, time) and :func:`to_strikes_dataframe` one row
per strike.

Every column is declared once as data (:class:`Column`: name, HXL hashtag, unit,
description), so the hashtag rows of the CSV and Excel files and the column documentation
in the Excel ``metadata`` sheet come from the same place.

Times are shown in the scenario's time zone (``ds.attrs["timezone"]``, UTC when absent) as
ISO 8601 strings with their UTC offset, e.g. ``2025-12-19T00:00:00+02:00``: unambiguous
across daylight-saving changes and readable by spreadsheet users and HXL tools alike.

HXL hashtags used (see ``DOMAIN.md``, "Humanitarian exchange conventions"):

=================================  ===============================================
column                             hashtag
=================================  ===============================================
``area_id``                        ``#x_area+code`` (custom: the row's own area)
``area_name``                      ``#x_area+name``
``admin_level``                    ``#x_area+admin_level``
``adm1_code`` … ``adm3_name``      ``#adm1+code``, ``#adm1+name`` … ``#adm3+name``
``service``                        ``#service+name``
``time_local``                     ``#date``
``population``                     ``#population``
``people_without_central``         ``#affected+ind+central``
``people_without_mean``            ``#affected+ind+mean``
``people_without_q05`` …           ``#affected+ind+q05`` …
``peak_people_without_*``          ``#affected+ind+peak+central`` / ``+mean`` / ``+q05``
``peak_time_local_central``        ``#date+peak+central``
``person_hours_without_*``         ``#indicator+num+person_hours+central`` …
``restore_90_hours_*``             ``#indicator+num+restore90_hours+central`` …
``asset_id``, ``asset_name``       ``#x_asset+code``, ``#x_asset+name``
``asset_kind``                     ``#x_asset+type``
``down_probability``               ``#indicator+num+down_probability``
``down_central``                   ``#indicator+num+down+central``
``strike_id``                      ``#event+code``
``damage_state``                   ``#x_damage_state``
``killed``, ``injured``            ``#affected+killed``, ``#affected+injured``
=================================  ===============================================

``+ind`` marks counts of individuals (not households). ``+central`` is the deterministic
estimate from every curve's median, ``+mean`` the Monte Carlo mean and ``+qNN`` the
Monte Carlo quantile NN % (see :func:`quantile_label`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from impact.dataset import (
    as_dataset,
    check_dataset,
    iso_local,
    local_times,
    quantile_label,
    timezone_of,
)
from impact.dataset import quantile_labels as _quantile_labels

__all__ = [
    "FORMULA_PREFIXES",
    "Column",
    "as_dataset",
    "assets_columns",
    "check_dataset",
    "iso_local",
    "local_times",
    "long_columns",
    "neutralise",
    "neutralise_frame",
    "quantile_label",
    "strikes_columns",
    "summary_columns",
    "timezone_of",
    "to_assets_dataframe",
    "to_long_dataframe",
    "to_strikes_dataframe",
    "to_summary_dataframe",
]

#: Admin levels that get ancestor columns (``adm1_code`` … ``adm3_name``).
ADMIN_LEVELS: tuple[int, ...] = (1, 2, 3)

#: Leading characters that make spreadsheet programs read a text cell as a formula
#: (OWASP "CSV injection"). Text cells starting with one of them get a leading ``'``.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of an exported table.

    Parameters
    ----------
    name : str
        Column header.
    hxl : str
        HXL hashtag with attributes, e.g. ``#affected+ind+central``.
    unit : str
        Unit of the values ("" for text).
    description : str
        What the column holds.
    """

    name: str
    hxl: str
    unit: str
    description: str


def _is_number_text(text: str) -> bool:
    """True when ``text`` is a plain finite number such as ``-45.5`` (no spaces, no formula)."""
    if text != text.strip():
        return False
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def neutralise(value: Any, keep_numbers: bool = False) -> Any:
    """Neutralise a text cell that a spreadsheet would read as a formula.

    Parameters
    ----------
    value : Any
        A cell value. Only ``str`` values are changed; numbers stay numbers.
    keep_numbers : bool, default False
        Leave text that is a plain finite number (``"-45.5"``) unchanged: a spreadsheet reads
        it as that number, not as a formula. Use it for columns holding numbers as read from
        a file (e.g. ACLED coordinates); by default ``"-1"`` is treated as text.

    Returns
    -------
    Any
        ``"'" + value`` when ``value`` is text starting with ``= + - @``, tab or carriage
        return; otherwise ``value`` unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        if keep_numbers and _is_number_text(value):
            return value
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame, keep_numbers: bool = False) -> pd.DataFrame:
    """Return a copy of ``df`` with every text cell passed through :func:`neutralise`.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; numeric and boolean columns are left alone.
    keep_numbers : bool, default False
        Passed to :func:`neutralise`.

    Returns
    -------
    pandas.DataFrame
        The neutralised copy (categorical text columns become plain object columns).
    """
    out = df.copy()
    for name in out.columns:
        col = out[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        if pd.api.types.is_string_dtype(col.dtype) or col.dtype == object:
            out[name] = col.map(lambda v: neutralise(v, keep_numbers))
    return out


# --------------------------------------------------------------------------- columns

_AREA_COLUMNS: tuple[Column, ...] = (
    Column("area_id", "#x_area+code", "", "Area identifier (OCHA COD P-code where one exists)."),
    Column("area_name", "#x_area+name", "", "Area name."),
    Column("admin_level", "#x_area+admin_level", "", "Administrative level of the area."),
    *(
        col
        for level in ADMIN_LEVELS
        for col in (
            Column(
                f"adm{level}_code",
                f"#adm{level}+code",
                "",
                f"P-code of the area's admin level {level} unit (itself or an ancestor); "
                "empty when the area is above that level.",
            ),
            Column(f"adm{level}_name", f"#adm{level}+name", "", f"Name of that ADM{level} unit."),
        )
    ),
)

_SERVICE = Column("service", "#service+name", "", "Service: power, water or heat.")
_POPULATION = Column("population", "#population", "persons", "People living in the area.")


def _stat_columns(prefix: str, hxl: str, unit: str, what: str, quantiles: Sequence[float]) -> list[Column]:
    cols = [
        Column(
            f"{prefix}_central",
            f"{hxl}+central",
            unit,
            f"{what}, central estimate (every restoration curve at its median).",
        ),
        Column(f"{prefix}_mean", f"{hxl}+mean", unit, f"{what}, Monte Carlo mean."),
    ]
    for q, label in zip(quantiles, _quantile_labels(quantiles), strict=True):
        cols.append(
            Column(
                f"{prefix}_{label}",
                f"{hxl}+{label}",
                unit,
                f"{what}, Monte Carlo quantile {float(q):g} (numpy 'linear' method).",
            )
        )
    return cols


def _quantiles(ds: xr.Dataset) -> list[float]:
    return [float(q) for q in ds["quantile"].values] if "quantile" in ds.coords else []


def long_columns(ds: xr.Dataset) -> list[Column]:
    """Columns of :func:`to_long_dataframe` for this dataset, in order.

    Parameters
    ----------
    ds : xarray.Dataset
        A result dataset (its quantiles name the quantile columns).

    Returns
    -------
    list of Column
    """
    tz = timezone_of(ds)
    return [
        *_AREA_COLUMNS,
        _SERVICE,
        Column("time_local", "#date", "", f"Time step start, local time ({tz}) with UTC offset."),
        _POPULATION,
        *_stat_columns(
            "people_without",
            "#affected+ind",
            "persons",
            "People without the service at this time",
            _quantiles(ds),
        ),
    ]


def summary_columns(ds: xr.Dataset) -> list[Column]:
    """Columns of :func:`to_summary_dataframe` for this dataset, in order.

    Parameters
    ----------
    ds : xarray.Dataset
        A result dataset.

    Returns
    -------
    list of Column
    """
    tz = timezone_of(ds)
    qs = _quantiles(ds)
    return [
        *_AREA_COLUMNS,
        _SERVICE,
        _POPULATION,
        *_stat_columns("peak_people_without", "#affected+ind+peak", "persons", "Peak people without", qs),
        Column(
            "peak_time_local_central",
            "#date+peak+central",
            "",
            f"Time of the central peak, local time ({tz}); empty if no outage.",
        ),
        *_stat_columns(
            "person_hours_without",
            "#indicator+num+person_hours",
            "person hours",
            "Person-hours without the service over the horizon",
            qs,
        ),
        *_stat_columns(
            "restore_90_hours",
            "#indicator+num+restore90_hours",
            "hours",
            "Hours from the peak until people without first fall to 10 % of the peak or "
            "fewer; empty if not within the horizon",
            qs,
        ),
    ]


def assets_columns(ds: xr.Dataset) -> list[Column]:
    """Columns of :func:`to_assets_dataframe`, in order."""
    tz = timezone_of(ds)
    return [
        Column("asset_id", "#x_asset+code", "", "Asset identifier."),
        Column("asset_name", "#x_asset+name", "", "Asset name."),
        Column("asset_kind", "#x_asset+type", "", "Asset kind."),
        Column("area_id", "#x_area+code", "", "Area the asset is in."),
        Column("time_local", "#date", "", f"Time step start, local time ({tz}) with UTC offset."),
        Column(
            "down_probability",
            "#indicator+num+down_probability",
            "1",
            "Share of Monte Carlo samples in which the asset is down (own damage or a lost "
            "supply); empty without samples.",
        ),
        Column(
            "down_central",
            "#indicator+num+down+central",
            "1",
            "1 if the asset is down in the central estimate, else 0.",
        ),
    ]


def strikes_columns(ds: xr.Dataset) -> list[Column]:
    """Columns of :func:`to_strikes_dataframe`, in order."""
    tz = timezone_of(ds)
    return [
        Column("strike_id", "#event+code", "", "Strike identifier."),
        Column("time_local", "#date", "", f"Time of the strike, local time ({tz})."),
        Column("asset_id", "#x_asset+code", "", "Asset struck."),
        Column("asset_name", "#x_asset+name", "", "Name of the asset struck."),
        Column("damage_state", "#x_damage_state", "", "HAZUS damage state."),
        Column("killed", "#affected+killed", "persons", "People killed; empty if unknown."),
        Column("injured", "#affected+injured", "persons", "People injured; empty if unknown."),
    ]


# --------------------------------------------------------------------------- tables


def _area_table(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """Area columns (one entry per area, in dataset order), ancestors from the parent chain."""
    ids = [str(a) for a in ds["area"].values]
    n = len(ids)
    names = _coord_str(ds, "name", "area", default=ids)
    levels = (
        np.asarray(ds["admin_level"].values, dtype=np.int64)
        if "admin_level" in ds.coords
        else np.zeros(n, dtype=np.int64)
    )
    parents = _coord_str(ds, "parent_id", "area", default=[""] * n)
    info = {a: (names[i], int(levels[i]), parents[i]) for i, a in enumerate(ids)}
    # A subset of a result (e.g. a dashboard view of one raion) names its areas' ancestors in
    # attrs["ancestors"] (JSON: id -> [name, admin_level, parent_id]) so adm codes stay filled.
    for area, (name, level, parent) in json.loads(ds.attrs.get("ancestors", "{}") or "{}").items():
        info.setdefault(str(area), (str(name), int(level), str(parent)))

    cols: dict[str, np.ndarray] = {
        "area_id": np.array(ids, dtype=object),
        "area_name": np.array(names, dtype=object),
        "admin_level": levels,
    }
    for level in ADMIN_LEVELS:
        cols[f"adm{level}_code"] = np.full(n, "", dtype=object)
        cols[f"adm{level}_name"] = np.full(n, "", dtype=object)
    for i, area in enumerate(ids):
        node, seen = area, set()
        while node and node in info and node not in seen:
            seen.add(node)
            name, level, parent = info[node]
            if level in ADMIN_LEVELS and cols[f"adm{level}_code"][i] == "":
                cols[f"adm{level}_code"][i] = node
                cols[f"adm{level}_name"][i] = name
            node = parent
    return cols


def _coord_str(ds: xr.Dataset, name: str, dim: str, default: Sequence[str]) -> list[str]:
    if name in ds.coords and ds[name].dims == (dim,):
        return ["" if _isnull(v) else str(v) for v in ds[name].values]
    return list(default)


def _isnull(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def _values(ds: xr.Dataset, name: str, dims: Iterable[str], shape: tuple[int, ...]) -> np.ndarray:
    """Values of ``name`` transposed to ``dims`` as float64, or NaN when the variable is absent."""
    if name not in ds.variables:
        return np.full(shape, np.nan)
    return np.asarray(ds[name].transpose(*dims).values, dtype=np.float64)


def _frame(data: dict[str, Any], columns: Sequence[Column]) -> pd.DataFrame:
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
        Columns as :func:`long_columns`: area_id, area_name, admin_level, adm1_code …
        adm3_name (the area's ancestors by admin level, "" where not applicable), service,
        time_local (ISO 8601 local time with offset), population [persons],
        people_without_central, people_without_mean and people_without_qNN [persons].
        Rows sorted by service, area (dataset order) and time.
    """
    ds = as_dataset(ds)
    check_dataset(ds)
    if ds.sizes["time"] > 1 and not ds.indexes["time"].is_monotonic_increasing:
        ds = ds.sortby("time")
    n_s, n_a, n_t = ds.sizes["service"], ds.sizes["area"], ds.sizes["time"]
    qs = _quantiles(ds)
    labels = _quantile_labels(qs)
    n_rows = n_s * n_a * n_t

    areas = _area_table(ds)
    # Row r = (s, a, t) with r = (s * n_a + a) * n_t + t.
    area_idx = np.tile(np.repeat(np.arange(n_a), n_t), n_s)
    data: dict[str, Any] = {k: v[area_idx] for k, v in areas.items()}
    data["service"] = np.repeat(np.array([str(s) for s in ds["service"].values], object), n_a * n_t)
    data["time_local"] = np.tile(iso_local(ds["time"].values, timezone_of(ds)), n_s * n_a)
    population = np.asarray(ds["population"].transpose("area").values)
    data["population"] = population[area_idx]
    dims3 = ("service", "area", "time")
    shape3 = (n_s, n_a, n_t)
    for name in ("people_without_central", "people_without_mean"):
        data[name] = _values(ds, name, dims3, shape3).reshape(n_rows)
    q = _values(ds, "people_without", (*dims3, "quantile"), (*shape3, len(qs)))
    q = q.reshape(n_rows, len(qs))
    for j, label in enumerate(labels):
        data[f"people_without_{label}"] = q[:, j]
    return _frame(data, long_columns(ds))


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
        [persons], peak people without (central, mean, quantiles) [persons], local time of
        the central peak, person-hours without [person hours] and hours to 90 %
        restoration [hours] (central, mean, quantiles). Rows sorted by service, then area.
    """
    ds = as_dataset(ds)
    check_dataset(ds)
    n_s, n_a = ds.sizes["service"], ds.sizes["area"]
    qs = _quantiles(ds)
    labels = _quantile_labels(qs)
    n_rows = n_s * n_a
    area_idx = np.tile(np.arange(n_a), n_s)
    data: dict[str, Any] = {k: v[area_idx] for k, v in _area_table(ds).items()}
    data["service"] = np.repeat(np.array([str(s) for s in ds["service"].values], object), n_a)
    data["population"] = np.asarray(ds["population"].transpose("area").values)[area_idx]
    sa = ("service", "area")
    for prefix in ("peak_people_without", "person_hours_without", "restore_90_hours"):
        data[f"{prefix}_central"] = _values(ds, f"{prefix}_central", sa, (n_s, n_a)).reshape(n_rows)
        data[f"{prefix}_mean"] = _values(ds, f"{prefix}_mean", sa, (n_s, n_a)).reshape(n_rows)
        q = _values(ds, prefix, (*sa, "quantile"), (n_s, n_a, len(qs))).reshape(n_rows, len(qs))
        for j, label in enumerate(labels):
            data[f"{prefix}_{label}"] = q[:, j]
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
        damage_state, killed [persons], injured [persons] (NaN when unknown).
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
        "asset_name": np.array([asset_names.get(a, "") for a in assets], dtype=object),
        "damage_state": np.array(_coord_str(ds, "damage_state", "strike", [""] * n), object),
        "killed": floats("killed"),
        "injured": floats("injured"),
    }
    return _frame(data, cols)
