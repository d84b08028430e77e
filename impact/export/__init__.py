"""Every file the package writes: results, needs and comparisons, as CSV (HXL), Excel, NetCDF, Parquet.

>>> from impact.export import export
>>> export(result, "odesa.xlsx")  # doctest: +SKIP

:func:`export` picks the format from the file suffix (:data:`SUFFIXES`). Every write is
atomic (:mod:`impact.export.atomic`): the file appears complete or not at all. The bytes
are reproducible: the same result always gives the same file.

- ``.csv``: the long table with an HXL hashtag row as line 2 (:func:`write_csv`);
- ``.xlsx``: summary, time series, assets, strikes and metadata sheets, and a needs sheet
  when given the needs (:func:`write_excel`);
- ``.nc``: the whole result dataset, CF-1.8 (:func:`write_netcdf`);
- ``.parquet``: the long table, typed (:func:`write_parquet`).

Needs (:func:`impact.needs`) are written by :func:`write_needs_csv` and
:func:`write_needs_excel`, a comparison (:func:`impact.compare`) by :func:`write_comparison`,
what drives the range (:func:`impact.sensitivity`) by :func:`write_sensitivity`.
The writers only write: the tables come from :mod:`impact.export.frames`,
:mod:`impact.export.needs_table`, :mod:`impact.export.comparison_table` and
:mod:`impact.export.sensitivity_table`, their columns
from :mod:`impact.export.columns`, and every workbook from :mod:`impact.export.workbook`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import xarray as xr

from impact.dataset import as_dataset
from impact.export.atomic import atomic_path, atomic_write
from impact.export.comparison_table import comparison_columns, comparison_table
from impact.export.excel import (
    warn_if_needs_dropped,
    write_comparison_excel,
    write_excel,
    write_needs_excel,
    write_sensitivity_excel,
)
from impact.export.frames import to_assets_dataframe, to_long_dataframe, to_strikes_dataframe, to_summary_dataframe
from impact.export.hxl_csv import write_comparison_csv, write_csv, write_needs_csv, write_sensitivity_csv
from impact.export.needs_table import needs_columns, needs_table
from impact.export.netcdf import write_netcdf
from impact.export.observation_table import has_observations, observation_columns, to_observation_dataframe
from impact.export.parquet import write_parquet
from impact.export.sensitivity_table import sensitivity_columns, sensitivity_table

__all__ = [
    "COMPARISON_SUFFIXES",
    "NEEDS_SUFFIXES",
    "SENSITIVITY_SUFFIXES",
    "SUFFIXES",
    "atomic_path",
    "atomic_write",
    "carries_needs",
    "comparison_columns",
    "comparison_table",
    "export",
    "has_observations",
    "needs_columns",
    "needs_table",
    "observation_columns",
    "sensitivity_columns",
    "sensitivity_table",
    "to_assets_dataframe",
    "to_long_dataframe",
    "to_observation_dataframe",
    "to_strikes_dataframe",
    "to_summary_dataframe",
    "write_comparison",
    "write_comparison_csv",
    "write_comparison_excel",
    "write_csv",
    "write_excel",
    "write_needs",
    "write_needs_csv",
    "write_needs_excel",
    "write_netcdf",
    "write_parquet",
    "write_sensitivity",
    "write_sensitivity_csv",
    "write_sensitivity_excel",
]

#: File suffix → writer. Iterating gives the valid suffixes.
SUFFIXES: MappingProxyType[str, Callable[..., Path]] = MappingProxyType(
    {
        ".csv": write_csv,
        ".xlsx": write_excel,
        ".nc": write_netcdf,
        ".parquet": write_parquet,
    }
)

#: Suffixes whose file carries the needs when :func:`export` is given them.
_CARRIES_NEEDS: frozenset[str] = frozenset({".xlsx"})

#: File suffix → writer of needs (:func:`write_needs`).
NEEDS_SUFFIXES: MappingProxyType[str, Callable[[xr.Dataset, str | os.PathLike[str]], Path]] = MappingProxyType(
    {".csv": write_needs_csv, ".xlsx": write_needs_excel}
)

#: Output types of a comparison (:func:`write_comparison`).
COMPARISON_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx")

#: File suffix → writer of what drives the range (:func:`write_sensitivity`).
SENSITIVITY_SUFFIXES: MappingProxyType[str, Callable[[xr.Dataset, str | os.PathLike[str]], Path]] = MappingProxyType(
    {".csv": write_sensitivity_csv, ".xlsx": write_sensitivity_excel}
)


def _suffix(path: Path, valid: Sequence[str], what: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in valid:
        shown = suffix or "no suffix"
        raise ValueError(f"{path.name}: {shown!s} is not a valid {what}; choose one of {', '.join(valid)}")
    return suffix


def carries_needs(path: str | os.PathLike[str]) -> bool:
    """Whether :func:`export` writes the needs into a file of this suffix (``.xlsx``: a ``needs`` sheet)."""
    return Path(path).suffix.lower() in _CARRIES_NEEDS


def export(ds_or_result: Any, path: str | os.PathLike[str], *, needs: xr.Dataset | None = None) -> Path:
    """Write a result to ``path`` in the format its suffix names.

    Parameters
    ----------
    ds_or_result : xarray.Dataset or result object
        A result dataset, or any object with a ``.dataset`` attribute holding one.
    path : str or os.PathLike
        Destination file ending in ``.csv``, ``.xlsx``, ``.nc`` or ``.parquet`` (any
        case). Its folder must exist. Written atomically.
    needs : xarray.Dataset, optional
        The result's needs (:func:`impact.needs`); written into the formats that carry them
        (``.xlsx``: a ``needs`` sheet), ignored by the others.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If the suffix is not one of :data:`SUFFIXES` (the message lists them).
    FileNotFoundError
        If the destination folder does not exist.
    """
    path = Path(path)
    suffix = _suffix(path, list(SUFFIXES), "export format")
    ds = as_dataset(ds_or_result)  # a clear TypeError for anything that is not a result
    if suffix in _CARRIES_NEEDS:
        warn_if_needs_dropped(ds_or_result, needs, "export(result, 'x.xlsx')")
        return write_excel(ds, path, needs=needs)
    return SUFFIXES[suffix](ds, path)


def write_needs(nd: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write needs per area and local day to ``path`` by its suffix (``.csv`` or ``.xlsx``).

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

    Raises
    ------
    ValueError
        If the suffix is not one of :data:`NEEDS_SUFFIXES`.
    """
    path = Path(path)
    return NEEDS_SUFFIXES[_suffix(path, list(NEEDS_SUFFIXES), "needs output type")](nd, path)


def write_comparison(dataset: xr.Dataset, path: str | os.PathLike[str], *, notes: Sequence[str] | None = None) -> Path:
    """Write a comparison to ``path`` by its suffix, atomically.

    Parameters
    ----------
    dataset : xarray.Dataset
        A comparison dataset (:attr:`impact.compare.Comparison.dataset`).
    path : str or os.PathLike
        ``.csv``: the comparison table with column names on line 1, HXL hashtags on line 2
        (:func:`write_comparison_csv`). ``.xlsx``: sheets ``comparison``, ``time_series`` and
        ``metadata`` (:func:`write_comparison_excel`).
    notes : sequence of str, optional
        How the two results were matched (:attr:`impact.compare.Comparison.notes`), listed
        in the workbook's ``metadata``; default the lines of ``attrs["notes"]``.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        Another suffix.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return write_comparison_csv(dataset, path)
    if suffix == ".xlsx":
        return write_comparison_excel(dataset, path, notes=notes)
    raise ValueError(
        f"{str(path)!r}: {suffix or 'no suffix'} is not a valid output type; "
        f"choose one of {', '.join(COMPARISON_SUFFIXES)}"
    )


def write_sensitivity(ds: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write what drives the range to ``path`` by its suffix (``.csv`` or ``.xlsx``), atomically.

    Parameters
    ----------
    ds : xarray.Dataset
        A sensitivity dataset of :func:`impact.sensitivity`.
    path : str or os.PathLike
        ``.csv``: one row per (area, service, strike or kind of input), HXL hashtags on line 2
        (:func:`write_sensitivity_csv`). ``.xlsx``: sheets ``sensitivity`` and ``metadata``
        (:func:`write_sensitivity_excel`). Its folder must exist.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If the suffix is not one of :data:`SENSITIVITY_SUFFIXES`.
    """
    path = Path(path)
    return SENSITIVITY_SUFFIXES[_suffix(path, list(SENSITIVITY_SUFFIXES), "sensitivity output type")](ds, path)
