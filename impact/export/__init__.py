"""Exports of a result: CSV (HXL), Excel, CF NetCDF and Parquet.

>>> from impact.export import export
>>> export(result, "odesa.xlsx")  # doctest: +SKIP

:func:`export` picks the format from the file suffix (:data:`SUFFIXES`). Every write is
atomic (:mod:`impact.export.atomic`): the file appears complete or not at all. The bytes
are reproducible: the same result always gives the same file.

- ``.csv``: the long table with an HXL hashtag row as line 2 (:func:`write_csv`);
- ``.xlsx``: summary, time series, assets, strikes and metadata sheets (:func:`write_excel`);
- ``.nc``: the whole result dataset, CF-1.8 (:func:`write_netcdf`);
- ``.parquet``: the long table, typed (:func:`write_parquet`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from impact.dataset import as_dataset
from impact.export.atomic import atomic_path, atomic_write
from impact.export.excel import write_excel
from impact.export.hxl_csv import write_csv
from impact.export.netcdf import write_netcdf
from impact.export.parquet import write_parquet
from impact.export.tidy import to_assets_dataframe, to_long_dataframe, to_strikes_dataframe, to_summary_dataframe

__all__ = [
    "SUFFIXES",
    "atomic_path",
    "atomic_write",
    "export",
    "to_assets_dataframe",
    "to_long_dataframe",
    "to_strikes_dataframe",
    "to_summary_dataframe",
    "write_csv",
    "write_excel",
    "write_netcdf",
    "write_parquet",
]

#: File suffix → writer. Iterating gives the valid suffixes.
SUFFIXES: MappingProxyType[str, Callable[[Any, str | os.PathLike[str]], Path]] = MappingProxyType(
    {
        ".csv": write_csv,
        ".xlsx": write_excel,
        ".nc": write_netcdf,
        ".parquet": write_parquet,
    }
)


def export(ds_or_result: Any, path: str | os.PathLike[str]) -> Path:
    """Write a result to ``path`` in the format its suffix names.

    Parameters
    ----------
    ds_or_result : xarray.Dataset or result object
        A result dataset, or any object with a ``.dataset`` attribute holding one.
    path : str or os.PathLike
        Destination file ending in ``.csv``, ``.xlsx``, ``.nc`` or ``.parquet`` (any
        case). Its folder must exist. Written atomically.

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
    suffix = path.suffix.lower()
    writer = SUFFIXES.get(suffix)
    if writer is None:
        shown = suffix or "no suffix"
        raise ValueError(f"{path.name}: {shown!s} is not a valid export format; choose one of {', '.join(SUFFIXES)}")
    as_dataset(ds_or_result)  # a clear TypeError for anything that is not a result
    return writer(ds_or_result, path)  # a result (with its scenario) adds its needs to the Excel file
