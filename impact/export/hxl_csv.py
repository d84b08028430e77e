"""The long table as an HXL-tagged CSV file.

Layout (HXL convention: header row, then exactly one hashtag row, then data):

- line 1: column names (:func:`impact.export.columns.long_columns`);
- line 2: HXL hashtags, e.g. ``#adm1+code``, ``#date``, ``#affected+ind+central``;
- then one row per (service, area, time).

UTF-8 without byte-order mark, comma separated, ``\\n`` line endings, fields quoted only
when needed. Numbers are plain decimal numbers (shortest text that reads back to the same
float; integers without ``.0``; no exponent notation between 1e-12 and 1e21); missing
numbers are empty. Text cells that a spreadsheet would read as a formula (starting with
``= + - @``, tab or carriage return) get a leading ``'``. The same dataset always gives
the same bytes.

Read it back with ``pandas.read_csv(path, skiprows=[1])``.

:func:`write_needs_csv` writes the needs table (:func:`impact.export.needs_table.needs_table`:
one row per area and local day) the same way, with ``#inneed`` hashtags on its people columns, and
:func:`write_comparison_csv` a comparison table
(:func:`impact.export.comparison_table.comparison_table`) and :func:`write_sensitivity_csv` what
drives the range (:func:`impact.export.sensitivity_table.sensitivity_table`).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from impact.dataset import as_dataset
from impact.export.atomic import atomic_write
from impact.export.cells import neutralise_frame
from impact.export.columns import long_columns
from impact.export.comparison_table import comparison_columns, comparison_table
from impact.export.frames import to_long_dataframe
from impact.export.needs_table import needs_columns, needs_table
from impact.export.sensitivity_table import sensitivity_columns, sensitivity_table

__all__ = [
    "format_numbers",
    "write_comparison_csv",
    "write_csv",
    "write_needs_csv",
    "write_sensitivity_csv",
    "write_table_csv",
]


def format_numbers(values: Any) -> np.ndarray:
    """Format numbers as plain decimal text.

    Parameters
    ----------
    values : array-like of numbers
        Integers or floats.

    Returns
    -------
    numpy.ndarray of object
        Text such as ``"1015826"``, ``"0.05"``, ``"1234.5666666666666"``, ``"0.00001"``;
        ``""`` for NaN. Integral floats lose the ``.0``; the digits are the shortest that
        read back to the same float.
    """
    arr = np.asarray(values)
    if arr.dtype.kind in "iub":
        return arr.astype(np.int64).astype(str).astype(object)
    arr = arr.astype(np.float64)
    out = arr.astype(str).astype(object)  # shortest round-trip repr, C speed
    finite = np.isfinite(arr)
    out[np.isnan(arr)] = ""
    integral = finite & (arr == np.round(arr)) & (np.abs(arr) < 2.0**53)
    out[integral] = arr[integral].astype(np.int64).astype(str)
    # Exponent notation only appears below 1e-4 or at 1e16 and above; spell those out,
    # except for magnitudes no people count reaches (kept as repr to stay short).
    sane = (np.abs(arr) >= 1e-12) & (np.abs(arr) < 1e21)
    sci = finite & ~integral & sane & np.array(["e" in s for s in out], dtype=bool)
    for i in np.flatnonzero(sci):
        out[i] = np.format_float_positional(arr[i], unique=True, trim="-")
    return out


def _text_table(df: pd.DataFrame) -> pd.DataFrame:
    """All columns as text: numbers formatted, text neutralised."""
    df = neutralise_frame(df)
    out = {}
    for name in df.columns:
        col = df[name]
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col):
            out[name] = format_numbers(col.to_numpy())
        else:
            out[name] = col.astype(object).where(col.notna(), "").to_numpy(dtype=object)
    return pd.DataFrame(out, columns=df.columns, dtype=object)


def table_csv_bytes(df: pd.DataFrame, hxl: list[str]) -> bytes:
    """CSV bytes of ``df`` with its header row and the HXL hashtag row ``hxl`` as line 2."""
    if len(hxl) != len(df.columns):
        raise ValueError(f"{len(hxl)} hashtags for {len(df.columns)} columns")
    head = io.StringIO()
    writer = csv.writer(head, lineterminator="\n")
    writer.writerow([str(c) for c in df.columns])
    writer.writerow(hxl)
    body = _text_table(df).to_csv(index=False, header=False, lineterminator="\n")
    return (head.getvalue() + body).encode("utf-8")


def write_table_csv(df: pd.DataFrame, hxl: list[str], path: str | os.PathLike[str]) -> Path:
    """Write any table with an HXL hashtag row as line 2, atomically.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    hxl : list of str
        One hashtag per column.
    path : str or os.PathLike
        Destination file; its folder must exist.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    data = table_csv_bytes(df, hxl)
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def write_csv(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write the long table (one row per service, area, time) as an HXL-tagged CSV.

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).
    path : str or os.PathLike
        Destination file; its folder must exist. Written atomically.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Columns and hashtags as :func:`impact.export.columns.long_columns`; people counts are in
    [persons], times are local (``ds.attrs["timezone"]``) ISO 8601 with UTC offset.
    """
    ds = as_dataset(ds)
    df = to_long_dataframe(ds)
    return write_table_csv(df, [c.hxl for c in long_columns(ds)], path)


def write_needs_csv(nd: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write needs per area and local day as an HXL-tagged CSV.

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
    Line 1 the column names, line 2 the HXL hashtags (``#inneed+ind+water+central``,
    ``#indicator+num+water_litres+q95``, ``#inneed+ind+heating+mean``...), then one row per
    (area, day); columns as :func:`impact.export.needs_table.needs_columns`. Water in
    [litres], trips in [trips], people in [persons], generator hours in [hours]. Read it back
    with ``pandas.read_csv(path, skiprows=[1])``.
    """
    return write_table_csv(needs_table(nd), [c.hxl for c in needs_columns(nd)], path)


def write_comparison_csv(dataset: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write a comparison, one row per (service, area), as an HXL-tagged CSV.

    Parameters
    ----------
    dataset : xarray.Dataset
        A comparison dataset (:attr:`impact.compare.Comparison.dataset`).
    path : str or os.PathLike
        Destination file; its folder must exist. Written atomically.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Columns as :func:`impact.export.comparison_table.comparison_columns`: A, B, A - B and
    (A - B) / B of person-hours [person hours] and peaks [persons] (relative differences [1]).
    Read it back with ``pandas.read_csv(path, skiprows=[1])``.
    """
    return write_table_csv(comparison_table(dataset), [c.hxl for c in comparison_columns(dataset)], path)


def write_sensitivity_csv(ds: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write what drives the range, one row per (area, service, strike or kind of input), as an HXL-tagged CSV.

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
    Columns as :func:`impact.export.columns.sensitivity_columns`: shares of the variance of
    person-days [1] (``#indicator+num+variance_share``), mean and standard deviation of
    person-days [person days]. Read it back with ``pandas.read_csv(path, skiprows=[1])``.
    """
    return write_table_csv(sensitivity_table(ds), [c.hxl for c in sensitivity_columns(ds)], path)
