"""Excel workbook export (openpyxl, write-only mode).

Sheets, in order:

``summary``
    One row per (service, area): peak people without (central, mean, quantiles)
    [persons], local time of the central peak, person-hours without [person hours] and
    hours to 90 % restoration [hours] (:func:`impact.export.tidy.to_summary_dataframe`).
``needs``
    Only when the workbook is written from a result that carries its scenario (the
    :class:`impact.Result` of :func:`impact.run`): one row per (area, local day) with
    water to deliver [litres], water-truck trips, heating-point places [persons] and
    generator hours at critical sites [hours], central, mean and quantiles
    (:func:`impact.needs.needs_table`; ``#inneed`` hashtags on the people columns). A bare
    dataset has no needs sheet: the needs depend on the scenario's ``[needs]`` settings,
    temperature readings and dependencies.
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

Every table sheet has the column names in row 1 and the HXL hashtags in row 2 (data from
row 3; panes frozen below row 2). Missing numbers are empty cells; numbers are numeric
cells; times are ISO 8601 text in local time with offset (unambiguous, unlike Excel
dates, which have no time zone). Text cells starting with ``= + - @``, tab or carriage
return get a leading ``'`` so that no cell is ever a formula.

The bytes are reproducible: the document's created/modified properties are set to the
scenario start (UTC) and every zip entry gets that timestamp.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import io
import math
import os
import sys
import tempfile
import traceback
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

from impact._version import __version__
from impact.dataset import as_dataset, iso_local, timezone_of
from impact.export.atomic import atomic_write
from impact.export.observation_table import has_observations, observation_columns, to_observation_dataframe
from impact.export.tidy import (
    Column,
    long_columns,
    neutralise,
    neutralise_frame,
    strikes_columns,
    summary_columns,
    to_long_dataframe,
    to_strikes_dataframe,
    to_summary_dataframe,
)

__all__ = ["NEEDS_SHEETS", "SHEETS", "write_excel", "write_needs_excel"]

#: Sheet names, in workbook order (``needs`` only for a result that carries its scenario).
SHEETS: tuple[str, ...] = ("summary", "needs", "time_series", "assets", "strikes", "metadata")

#: Sheets of :func:`write_needs_excel`.
NEEDS_SHEETS: tuple[str, ...] = ("needs", "metadata")

#: Attributes of a needs dataset listed in the ``metadata`` sheet (section ``needs``).
_NEEDS_ATTRS: tuple[str, ...] = (
    "water_litres_per_person_day",
    "truck_capacity_litres",
    "heating_after_hours",
    "heating_below_celsius",
    "critical_kinds",
    "temperature",
    "method",
)

#: Excel's sheet limits (rows include the header and hashtag rows).
EXCEL_MAX_ROWS: int = 1_048_576
EXCEL_MAX_COLUMNS: int = 16_384

_CORE_XML = "docProps/core.xml"
_EPOCH = dt.datetime(2000, 1, 1)
_BOLD = Font(bold=True)
_ITALIC = Font(italic=True, color="666666")


try:  # openpyxl serialises with lxml when it is installed; its I/O errors are not OSErrors
    from lxml.etree import LxmlError

    _XML_ERRORS: tuple[type[BaseException], ...] = (LxmlError,)
except ImportError:  # pragma: no cover - without lxml, openpyxl's writes raise OSError themselves
    _XML_ERRORS = ()


def fixed_timestamp(ds: xr.Dataset) -> dt.datetime:
    """Timestamp stamped into the file: the scenario start in UTC (naive).

    Falls back to the first time step, then to 2000-01-01, so the bytes never depend on
    the wall clock. Zip timestamps cannot predate 1980; earlier starts use 1980-01-01.
    """
    stamp: pd.Timestamp | None = None
    start = ds.attrs.get("start")
    if start:
        try:
            ts = pd.Timestamp(str(start))
            stamp = ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo else ts
        except (ValueError, TypeError):
            stamp = None
    if stamp is None and "time" in ds.coords and ds.sizes.get("time", 0):
        stamp = pd.Timestamp(ds["time"].values[0])
    if stamp is None or stamp is pd.NaT:
        return _EPOCH
    return max(stamp.to_pydatetime().replace(microsecond=0), dt.datetime(1980, 1, 1))


def _cell_values(col: pd.Series) -> list[Any]:
    """Python cell values of a column: NaN/NA → None, numpy scalars → Python numbers."""
    if pd.api.types.is_bool_dtype(col.dtype):
        return [None if pd.isna(v) else bool(v) for v in col]
    if pd.api.types.is_integer_dtype(col.dtype):
        return [None if pd.isna(v) else int(v) for v in col]
    if pd.api.types.is_float_dtype(col.dtype):
        return [None if math.isnan(v) else v for v in col.to_numpy(dtype=np.float64).tolist()]
    return [
        None if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))) else v
        for v in col.astype(object).tolist()
    ]


def _write_table(wb: Workbook, title: str, df: pd.DataFrame, columns: Sequence[Column]) -> None:
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A3"
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(c.name) + 2))
    ws.append([_styled(ws, neutralise(c.name), _BOLD) for c in columns])
    ws.append([_styled(ws, c.hxl, _ITALIC) for c in columns])
    df = neutralise_frame(df)
    cols = [_cell_values(df[c.name]) for c in columns]
    for row in zip(*cols, strict=True):
        ws.append(row)


def _styled(ws: Any, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    return cell


def _attr_text(value: Any) -> Any:
    """A dataset attribute as a cell value: numbers stay numbers, the rest becomes text."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(str(v) for v in value)
    return str(value)


def _metadata_rows(ds: xr.Dataset, tables: Iterable[tuple[str, list[Column]]]) -> list[list]:
    rows: list[list[Any]] = []
    for key in sorted(ds.attrs):
        value = ds.attrs[key]
        if key in ("sources", "caveats"):
            continue
        rows.append(["parameter", key, _attr_text(value), "", ""])
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
    for sheet, columns in tables:
        for c in columns:
            rows.append(["column", f"{sheet}.{c.name}", c.hxl, c.unit, c.description])
    return [[neutralise(v) for v in row] for row in rows]


def assets_wide(ds: xr.Dataset) -> tuple[pd.DataFrame, list[Column]]:
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
    list of Column
        The columns, each asset's description naming it, its kind and area.
    """
    tz = timezone_of(ds)
    time_col = Column("time_local", "#date", "", f"Time step start, local time ({tz}).")
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
        columns.append(Column(asset, hxl, "1", f"{names[i]} ({kinds[i]}, area {areas[i]}): {what}."))
    return pd.DataFrame(data), columns


def _reproducible_zip(data: bytes, core_xml: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite an xlsx zip with fixed entry timestamps and the given core properties."""
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            payload = core_xml if info.filename == _CORE_XML else zin.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            zout.writestr(entry, payload)
    return out.getvalue()


def _needs_of(obj: Any) -> xr.Dataset | None:
    """The needs of a result that carries its scenario; None for a bare dataset."""
    if isinstance(obj, xr.Dataset) or getattr(obj, "scenario", None) is None:
        return None
    from impact.needs import needs

    return needs(obj)


def _needs_metadata(nd: xr.Dataset) -> list[list]:
    rows: list[list[Any]] = [
        ["needs", key, _attr_text(nd.attrs[key]), "", ""] for key in _NEEDS_ATTRS if key in nd.attrs
    ]
    for section, key in (("needs source", "sources"), ("needs caveat", "caveats")):
        lines = [line.strip() for line in str(nd.attrs.get(key, "")).splitlines() if line.strip()]
        rows += [[section, n, line, "", ""] for n, line in enumerate(lines, start=1)]
    return [[neutralise(v) for v in row] for row in rows]


def workbook_bytes(ds: Any) -> bytes:
    """The xlsx file of :func:`write_excel` as bytes.

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``); a result that also has its
        ``.scenario`` gets a ``needs`` sheet.

    Returns
    -------
    bytes
        A reproducible xlsx file.
    """
    nd = _needs_of(ds)
    ds = as_dataset(ds)
    tables = [("summary", to_summary_dataframe(ds), summary_columns(ds))]
    if nd is not None:
        from impact.needs import needs_columns, needs_table

        tables.append(("needs", needs_table(nd), needs_columns(nd)))
    if has_observations(ds):
        tables.append(("observations", to_observation_dataframe(ds), observation_columns(ds)))
    tables += [
        ("time_series", to_long_dataframe(ds), long_columns(ds)),
        ("assets", *assets_wide(ds)),
        ("strikes", to_strikes_dataframe(ds), strikes_columns(ds)),
    ]
    extra = _needs_metadata(nd) if nd is not None else []
    return _workbook(ds, tables, extra, "People without power, water and heat (model estimate)")


def needs_workbook_bytes(result: Any) -> bytes:
    """The xlsx file of :func:`write_needs_excel` as bytes.

    Parameters
    ----------
    result : Result or needs dataset
        A result with its scenario, or a needs dataset from :func:`impact.needs.needs`.

    Returns
    -------
    bytes
        A reproducible xlsx file with sheets ``needs`` and ``metadata``.
    """
    from impact.needs import needs, needs_columns, needs_table

    nd = result if isinstance(result, xr.Dataset) and "water_litres_central" in result.variables else needs(result)
    return _workbook(
        nd,
        [("needs", needs_table(nd), needs_columns(nd))],
        [],
        "Needs: water, water trucks, heating places, generator hours (model estimate)",
    )


def _workbook(ds: xr.Dataset, tables: list, extra_metadata: list[list], subject: str) -> bytes:
    """Write ``tables`` [(title, frame, columns)] and a metadata sheet of ``ds``; reproducible bytes.

    Raises
    ------
    OSError
        If a sheet could not be written: openpyxl's write-only sheets go through temporary
        files (in :func:`tempfile.gettempdir`), and lxml reports a full disk or a file size
        limit there as its own ``SerialisationError``.
    """
    wb = Workbook(write_only=True)
    try:
        with xml_failures_as_os_errors():
            return _build_workbook(wb, ds, tables, extra_metadata, subject)
    except BaseException:
        _close_sheet_streams(wb)
        raise


@contextlib.contextmanager
def xml_failures_as_os_errors() -> Iterator[None]:
    """Report a failed write inside openpyxl/lxml as an :class:`OSError`, quietly.

    openpyxl writes each sheet through a temporary file (in :func:`tempfile.gettempdir`);
    lxml reports a full disk or a file size limit there as ``SerialisationError("IO_ENOSPC")``,
    which callers would not recognise as a write failure. The half-written sheet streams of
    the failed save are finalised here, with their own complaints silenced, so that nothing
    is printed later as "Exception ignored".

    Raises
    ------
    OSError
        ``ENOSPC``, ``EFBIG`` or ``EIO`` after the library's error.
    """
    try:
        yield
    except _XML_ERRORS as error:
        text = str(error)
        code = errno.ENOSPC if "ENOSPC" in text else errno.EFBIG if "EFBIG" in text else errno.EIO
        failure = OSError(
            code,
            f"{os.strerror(code)} while building the workbook ({text}); openpyxl writes "
            f"each sheet to a temporary file in {tempfile.gettempdir()} first",
        )
        hook = sys.unraisablehook
        sys.unraisablehook = lambda _unraisable: None
        try:
            traceback.clear_frames(error.__traceback__)
            error.__traceback__ = None
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise failure from None


def _close_sheet_streams(wb: Workbook) -> None:
    """Close the write-only sheets' half-written streams now, so that their failures are not
    reported later as "Exception ignored" when they are garbage-collected."""
    for sheet in wb.worksheets:
        stream = getattr(getattr(sheet, "_writer", None), "xf", None)
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.close()


def _build_workbook(wb: Workbook, ds: xr.Dataset, tables: list, extra_metadata: list[list], subject: str) -> bytes:
    """The body of :func:`_workbook`, filling the empty write-only workbook ``wb``."""
    stamp = fixed_timestamp(ds)
    for title, df, columns in tables:
        if len(df) + 2 > EXCEL_MAX_ROWS or len(columns) > EXCEL_MAX_COLUMNS:
            raise ValueError(
                f"the {title} sheet would have {len(df) + 2:,} rows and {len(columns):,} "
                f"columns; Excel holds at most {EXCEL_MAX_ROWS:,} rows and "
                f"{EXCEL_MAX_COLUMNS:,} columns. Export to .csv or .parquet instead"
            )
    for title, df, columns in tables:
        _write_table(wb, title, df, columns)
    meta = wb.create_sheet("metadata")
    meta.column_dimensions["A"].width = 12
    meta.column_dimensions["B"].width = 36
    meta.column_dimensions["C"].width = 60
    meta.freeze_panes = "A2"
    meta.append([_styled(meta, h, _BOLD) for h in ("section", "key", "value", "unit", "description")])
    for row in [*_metadata_rows(ds, [(t, c) for t, _, c in tables]), *extra_metadata]:
        meta.append(row)

    props = wb.properties
    props.title = str(ds.attrs.get("scenario_title", "") or ds.attrs.get("scenario_id", ""))
    props.subject = subject
    props.identifier = str(ds.attrs.get("scenario_id", ""))
    return reproducible_bytes(wb, stamp)


def reproducible_bytes(workbook: Workbook, stamp: dt.datetime) -> bytes:
    """Save ``workbook`` as xlsx bytes that do not depend on the wall clock.

    openpyxl stamps the time of saving into the document properties and the zip entries;
    here both get ``stamp`` instead (e.g. :func:`fixed_timestamp`), so the same workbook
    always gives the same bytes.

    Parameters
    ----------
    workbook : openpyxl.Workbook
        The workbook to save; its creator is set to this package and version.
    stamp : datetime.datetime
        Naive UTC time written as created, modified and zip entry time (not before 1980).

    Returns
    -------
    bytes
        The xlsx file.
    """
    props = workbook.properties
    props.creator = f"impact {__version__}"
    props.created = stamp
    buffer = io.BytesIO()
    with xml_failures_as_os_errors():
        workbook.save(buffer)  # stamps the wall clock into "modified": replaced below
    props.modified = stamp
    core_xml = tostring(props.to_tree())
    return _reproducible_zip(buffer.getvalue(), core_xml, stamp)


def write_excel(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write the result as an Excel workbook (``.xlsx``).

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

    Raises
    ------
    ValueError
        If a sheet would exceed Excel's limits (1,048,576 rows, 16,384 columns); nothing
        is written then.

    Notes
    -----
    Sheets ``summary``, ``time_series``, ``assets``, ``strikes`` and ``metadata``, and
    ``needs`` when ``ds`` is a result with its scenario (see the module documentation).
    People counts are in [persons], person-hours in [person hours], restoration times in
    [hours], probabilities in [1], water in [litres].
    """
    data = workbook_bytes(ds)
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def write_needs_excel(result: Any, path: str | os.PathLike[str]) -> Path:
    """Write the needs of a result as an Excel workbook: sheets ``needs`` and ``metadata``.

    Parameters
    ----------
    result : Result or needs dataset
        A result of :func:`impact.run` (with its scenario), or a needs dataset from
        :func:`impact.needs.needs`.
    path : str or os.PathLike
        Destination file; its folder must exist. Written atomically.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    One row per (area, local day); columns as :func:`impact.needs.needs_columns`, HXL
    hashtags in row 2 (``#inneed+ind+water``, ``#inneed+ind+heating``...). Water in
    [litres], trips in [trips], places in [persons], generator hours in [hours].
    """
    data = needs_workbook_bytes(result)
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))
