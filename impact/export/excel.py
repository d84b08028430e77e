"""Excel workbooks of a result, its needs and a comparison (:mod:`impact.export.workbook` writes them).

Sheets, in order:

``summary``
    One row per (service, area): peak people without (central, mean, quantiles)
    [persons], local time of the central peak, person-hours without [person hours] and
    hours to 90 % restoration [hours] (:func:`impact.export.frames.to_summary_dataframe`).
``needs``
    Only when :func:`write_excel` is given the needs (``needs=impact.needs(result)``;
    :meth:`impact.Result.export` passes them): one row per (area, local day) with water to
    deliver [litres], water-truck trips, heating-point places [persons] and generator hours
    at critical sites [hours], central, mean and quantiles
    (:func:`impact.export.needs_table.needs_table`; ``#inneed`` hashtags on the people
    columns).
``time_series``
    The long table, one row per (service, area, time), as in the CSV export.
``assets``
    Asset status, wide: one row per time step, one column per asset (headed by the asset
    id) holding the share of Monte Carlo samples in which the asset is down [1], or, for
    a run without samples, its central 0/1 status. Each asset's name, kind and area are
    listed with its column in ``metadata``.
``strikes``
    One row per strike: local time, asset, damage state, killed, injured.
``metadata``
    Scenario and run parameters (dataset attributes), sources, caveats, every variable's
    units, and every column of the other sheets with its HXL hashtag, unit and meaning;
    with a ``needs`` sheet also its parameters (section ``needs``), their sources and caveats.

:func:`write_needs_excel` writes the needs alone: sheets ``needs`` and ``metadata``.
:func:`write_comparison_excel` writes a comparison: sheets ``comparison``, ``time_series`` and
``metadata``; :func:`write_sensitivity_excel` what drives the range: sheets ``sensitivity`` and
``metadata``.

Every table sheet has the column names in row 1 and the HXL hashtags in row 2 (data from
row 3; panes frozen below row 2). Missing numbers are empty cells; numbers are numeric
cells; times are ISO 8601 text in local time with offset (unambiguous, unlike Excel
dates, which have no time zone). Text cells starting with ``= + - @``, tab or carriage
return get a leading ``'`` so that no cell is ever a formula.

The bytes are reproducible (:func:`impact.export.workbook.build_workbook`): the document's
created/modified properties are set to the scenario start (UTC) and every zip entry gets
that timestamp.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from impact.dataset import as_dataset, iso_local, timezone_of
from impact.export.atomic import atomic_write
from impact.export.columns import OutputColumn, long_columns, strikes_columns, summary_columns
from impact.export.comparison_table import (
    COMPARISON_METADATA_KEYS,
    comparison_columns,
    comparison_table,
    time_series_table,
)
from impact.export.frames import to_long_dataframe, to_strikes_dataframe, to_summary_dataframe
from impact.export.needs_table import needs_columns, needs_table
from impact.export.observation_table import has_observations, observation_columns, to_observation_dataframe
from impact.export.sensitivity_table import sensitivity_columns, sensitivity_table
from impact.export.workbook import (
    Sheet,
    attr_cell,
    build_workbook,
    column_rows,
    fits_in_a_sheet,
    fixed_timestamp,
)

__all__ = [
    "NEEDS_SHEETS",
    "SHEETS",
    "assets_wide",
    "comparison_workbook_bytes",
    "needs_workbook_bytes",
    "sensitivity_workbook_bytes",
    "warn_if_needs_dropped",
    "workbook_bytes",
    "write_comparison_excel",
    "write_excel",
    "write_needs_excel",
    "write_sensitivity_excel",
]

#: Sheet names, in workbook order (``needs`` only when the needs are given, ``observations``
#: only when the result scores reported figures).
SHEETS: tuple[str, ...] = ("summary", "needs", "observations", "time_series", "assets", "strikes", "metadata")

#: Sheets of :func:`write_needs_excel`.
NEEDS_SHEETS: tuple[str, ...] = ("needs", "metadata")

#: Attributes of a needs dataset listed in the ``metadata`` sheet (section ``needs``).
_NEEDS_ATTRS: tuple[str, ...] = (
    "plan_quantile",
    "plan_statistic",
    "water_litres_per_person_day",
    "truck_capacity_litres",
    "heating_after_hours",
    "heating_below_celsius",
    "critical_kinds",
    "temperature",
    "method",
)


def _metadata_rows(ds: xr.Dataset) -> list[list[Any]]:
    """Parameters (every attribute), sources, caveats and variables of a dataset."""
    rows: list[list[Any]] = []
    for key in sorted(ds.attrs, key=str):
        value = ds.attrs[key]
        if key in ("sources", "caveats"):
            continue
        rows.append(["parameter", key, attr_cell(value), "", ""])
    for section, key in (("source", "sources"), ("caveat", "caveats")):
        text = ds.attrs.get(key)
        if text is None:
            continue
        lines = [line.strip() for line in str(text).splitlines() if line.strip()]
        for n, line in enumerate(lines, start=1):
            rows.append([section, n, line, "", ""])
    for name in sorted(ds.data_vars):
        var = ds[name]
        rows.append(
            [
                "variable",
                name,
                str(var.attrs.get("long_name", "")),
                str(var.attrs.get("units", "")),
                "dims: " + ", ".join(str(d) for d in var.dims),
            ]
        )
    return rows


def assets_wide(ds: xr.Dataset) -> tuple[pd.DataFrame, list[OutputColumn]]:
    """Asset status as a wide table: one row per time step, one column per asset.

    Parameters
    ----------
    ds : xarray.Dataset
        A result dataset.

    Returns
    -------
    pandas.DataFrame
        Column ``time_local`` then one column per asset id: probability down [1], or the
        central 0/1 status when the run has no samples.
    list of OutputColumn
        The columns, each asset's description naming it, its kind and area.
    """
    tz = timezone_of(ds)
    time_col = OutputColumn("time_local", "#date", "", f"Time step start, local time ({tz}).")
    data: dict[str, Any] = {"time_local": iso_local(ds["time"].values, tz)}
    columns = [time_col]
    if "asset" not in ds.dims or "asset_down_central" not in ds.variables:
        return pd.DataFrame(data), columns
    prob = (
        ds["asset_down_probability"].transpose("asset", "time").values
        if "asset_down_probability" in ds.variables
        else None
    )
    sampled = prob is not None and bool(np.isfinite(prob).any())
    values = (
        np.asarray(prob, dtype=np.float64)
        if sampled
        else np.asarray(ds["asset_down_central"].transpose("asset", "time").values, np.int64)
    )
    ids = [str(a) for a in ds["asset"].values]

    def coord(name: str) -> list[str]:
        return [str(v) for v in ds[name].values] if name in ds.coords else [""] * len(ids)

    names, kinds, areas = coord("asset_name"), coord("asset_kind"), coord("asset_area")
    what = (
        "share of Monte Carlo samples in which it is down"
        if sampled
        else "1 if down in the central estimate, else 0 (run without samples)"
    )
    hxl = "#indicator+num+down_probability" if sampled else "#indicator+num+down+central"
    for i, asset in enumerate(ids):
        if asset in data:
            raise ValueError(f"asset id {asset!r} clashes with another column of the assets sheet")
        data[asset] = values[i]
        columns.append(OutputColumn(asset, hxl, "1", f"{names[i]} ({kinds[i]}, area {areas[i]}): {what}."))
    return pd.DataFrame(data), columns


def _needs_metadata(nd: xr.Dataset) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["needs", key, attr_cell(nd.attrs[key]), "", ""] for key in _NEEDS_ATTRS if key in nd.attrs
    ]
    for section, key in (("needs source", "sources"), ("needs caveat", "caveats")):
        lines = [line.strip() for line in str(nd.attrs.get(key, "")).splitlines() if line.strip()]
        rows += [[section, n, line, "", ""] for n, line in enumerate(lines, start=1)]
    return rows


def _result_workbook(ds: xr.Dataset, sheets: list[Sheet], extra: Iterable[Sequence[Any]], subject: str) -> bytes:
    """A workbook of ``sheets`` whose metadata documents ``ds``, then ``extra`` rows."""
    return build_workbook(
        sheets,
        [*_metadata_rows(ds), *column_rows(sheets), *extra],
        stamp=fixed_timestamp(ds),
        title=str(ds.attrs.get("scenario_title", "") or ds.attrs.get("scenario_id", "")),
        subject=subject,
        identifier=str(ds.attrs.get("scenario_id", "")),
    )


def workbook_bytes(ds: Any, needs: xr.Dataset | None = None) -> bytes:
    """The xlsx file of :func:`write_excel` as bytes.

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).
    needs : xarray.Dataset, optional
        Its needs (:func:`impact.needs`), written as a ``needs`` sheet.

    Returns
    -------
    bytes
        A reproducible xlsx file.
    """
    ds = as_dataset(ds)
    sheets = [Sheet("summary", to_summary_dataframe(ds), summary_columns(ds))]
    if needs is not None:
        sheets.append(Sheet("needs", needs_table(needs), needs_columns(needs)))
    if has_observations(ds):
        sheets.append(Sheet("observations", to_observation_dataframe(ds), observation_columns(ds)))
    sheets += [
        Sheet("time_series", to_long_dataframe(ds), long_columns(ds)),
        Sheet("assets", *assets_wide(ds)),
        Sheet("strikes", to_strikes_dataframe(ds), strikes_columns(ds)),
    ]
    extra = _needs_metadata(needs) if needs is not None else []
    return _result_workbook(ds, sheets, extra, "People without power, water and heat (model estimate)")


def needs_workbook_bytes(nd: xr.Dataset) -> bytes:
    """The xlsx file of :func:`write_needs_excel` as bytes.

    Parameters
    ----------
    nd : xarray.Dataset
        A needs dataset from :func:`impact.needs`.

    Returns
    -------
    bytes
        A reproducible xlsx file with sheets ``needs`` and ``metadata``.
    """
    return _result_workbook(
        nd,
        [Sheet("needs", needs_table(nd), needs_columns(nd))],
        [],
        "Needs: water, water trucks, heating places, generator hours (model estimate)",
    )


def comparison_workbook_bytes(dataset: xr.Dataset, notes: Sequence[str] | None = None) -> bytes:
    """The xlsx file of :func:`write_comparison_excel` as bytes.

    Parameters
    ----------
    dataset : xarray.Dataset
        A comparison dataset (:attr:`impact.compare.Comparison.dataset`).
    notes : sequence of str, optional
        How the two results were matched; default the lines of ``attrs["notes"]``.

    Returns
    -------
    bytes
        A reproducible xlsx file with sheets ``comparison``, ``time_series`` (left out, with a
        note in ``metadata``, when it would exceed Excel's rows) and ``metadata``.
    """
    if notes is None:
        notes = [line for line in str(dataset.attrs.get("notes", "")).splitlines() if line]
    sheets = [Sheet("comparison", comparison_table(dataset), comparison_columns(dataset))]
    extra: list[list[Any]] = []
    n_series = dataset.sizes["service"] * dataset.sizes["area"] * dataset.sizes["time"]
    if fits_in_a_sheet(n_series):
        sheets.append(Sheet("time_series", *time_series_table(dataset)))
    else:
        extra.append(
            [
                "note",
                "time_series",
                f"left out: {n_series:,} rows exceed Excel's limit; use Comparison.dataset in Python",
                "",
                "",
            ]
        )
    rows: list[list[Any]] = [
        ["parameter", key, attr_cell(dataset.attrs.get(key, "")), "", ""] for key in COMPARISON_METADATA_KEYS
    ]
    rows += [["note", number, note, "", ""] for number, note in enumerate(notes, start=1)]
    return build_workbook(
        sheets,
        [*rows, *extra, *column_rows(sheets)],
        stamp=fixed_timestamp(dataset),
        title=str(dataset.attrs["title"]),
        write_only=False,
    )


def _write(path: str | os.PathLike[str], data: bytes) -> Path:
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def write_excel(ds: Any, path: str | os.PathLike[str], *, needs: xr.Dataset | None = None) -> Path:
    """Write the result as an Excel workbook (``.xlsx``).

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).
    path : str or os.PathLike
        Destination file; its folder must exist. Written atomically.
    needs : xarray.Dataset, optional
        The result's needs (:func:`impact.needs`), written as a ``needs`` sheet; without
        them the workbook has no ``needs`` sheet.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If a sheet would exceed Excel's limits (1,048,576 rows, 16,384 columns); nothing
        is written then.

    Notes
    -----
    Sheets ``summary``, ``time_series``, ``assets``, ``strikes`` and ``metadata``, and
    ``needs`` when given (see the module documentation). People counts are in [persons],
    person-hours in [person hours], restoration times in [hours], probabilities in [1],
    water in [litres].
    """
    warn_if_needs_dropped(ds, needs, "write_excel(result, path)")
    return _write(path, workbook_bytes(ds, needs))


def warn_if_needs_dropped(obj: Any, needs: xr.Dataset | None, call: str) -> None:
    """Warn (DeprecationWarning, for one release) when a result with its scenario is written to
    Excel without ``needs``: before issue 11 the writer computed them and added a ``needs`` sheet."""
    if needs is None and getattr(obj, "scenario", None) is not None:
        warnings.warn(
            f"{call} no longer adds the needs sheet by itself: pass needs=impact.needs(result), "
            "or write with result.export(path)",
            DeprecationWarning,
            stacklevel=3,
        )


def write_needs_excel(nd: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write needs as an Excel workbook: sheets ``needs`` and ``metadata``.

    Parameters
    ----------
    nd : xarray.Dataset
        A needs dataset from :func:`impact.needs`.
    path : str or os.PathLike
        Destination file; its folder must exist. Written atomically.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    One row per (area, local day); columns as :func:`impact.export.needs_table.needs_columns`,
    HXL hashtags in row 2 (``#inneed+ind+water``, ``#inneed+ind+heating``...). Water in
    [litres], trips in [trips], places in [persons], generator hours in [hours].
    """
    return _write(path, needs_workbook_bytes(nd))


def write_comparison_excel(
    dataset: xr.Dataset, path: str | os.PathLike[str], *, notes: Sequence[str] | None = None
) -> Path:
    """Write a comparison as an Excel workbook.

    Parameters
    ----------
    dataset : xarray.Dataset
        A comparison dataset (:attr:`impact.compare.Comparison.dataset`).
    path : str or os.PathLike
        Destination file; its folder must exist. Written atomically.
    notes : sequence of str, optional
        How the two results were matched (:attr:`impact.compare.Comparison.notes`); default
        the lines of ``attrs["notes"]``.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Sheets ``comparison`` (:func:`impact.export.comparison_table.comparison_table`),
    ``time_series`` (central and mean people without per service, area and local time: A,
    B, A - B [persons]; left out, with a note in ``metadata``, if it exceeds Excel's rows) and
    ``metadata`` (settings, notes, sign convention, every column with its hashtag, unit and
    meaning).
    """
    return _write(path, comparison_workbook_bytes(dataset, notes))


def sensitivity_workbook_bytes(ds: xr.Dataset) -> bytes:
    """The xlsx file of :func:`write_sensitivity_excel` as bytes.

    Parameters
    ----------
    ds : xarray.Dataset
        A sensitivity dataset of :func:`impact.sensitivity`.

    Returns
    -------
    bytes
        A reproducible xlsx file with sheets ``sensitivity`` and ``metadata``.
    """
    return _result_workbook(
        ds,
        [Sheet("sensitivity", sensitivity_table(ds), sensitivity_columns(ds))],
        [],
        "What drives the range of person-days without service (model estimate)",
    )


def write_sensitivity_excel(ds: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write what drives the range as an Excel workbook: sheets ``sensitivity`` and ``metadata``.

    Parameters
    ----------
    ds : xarray.Dataset
        A sensitivity dataset of :func:`impact.sensitivity`.
    path : str or os.PathLike
        Destination file; its folder must exist. Written atomically.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    One row per (area, service, strike or kind of input); columns as
    :func:`impact.export.columns.sensitivity_columns`, HXL hashtags in row 2. Shares in [1],
    person-days in [person days]; ``metadata`` holds the method, its caveats and every column.
    """
    return _write(path, sensitivity_workbook_bytes(ds))
