"""The one Excel workbook writer: table sheets, a metadata sheet, reproducible bytes.

Every ``.xlsx`` the package writes (a run, its needs, a comparison) goes through
:func:`build_workbook`. Each table sheet has the column names in row 1 (bold) and the HXL
hashtags in row 2 (italic), data from row 3, panes frozen below row 2. Missing numbers are
empty cells; numbers are numeric cells; text cells starting with ``= + - @``, tab or carriage
return get a leading ``'`` (:mod:`impact.export.cells`) so that no cell is ever a formula.
The last sheet, ``metadata``, has the columns ``section``, ``key``, ``value``, ``unit`` and
``description``.

The bytes are reproducible: the document's created/modified properties and every zip entry
get a fixed timestamp (:func:`fixed_timestamp`: the scenario start in UTC), never the wall
clock.
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
from dataclasses import dataclass
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
from impact.export.cells import neutralise, neutralise_frame
from impact.export.columns import OutputColumn

__all__ = [
    "EXCEL_MAX_COLUMNS",
    "EXCEL_MAX_ROWS",
    "METADATA_HEADER",
    "Sheet",
    "attr_cell",
    "build_workbook",
    "column_rows",
    "fits_in_a_sheet",
    "fixed_timestamp",
    "reproducible_bytes",
    "xml_failures_as_os_errors",
]

#: Excel's sheet limits (rows include the header and hashtag rows).
EXCEL_MAX_ROWS: int = 1_048_576
EXCEL_MAX_COLUMNS: int = 16_384

#: Header row of the ``metadata`` sheet.
METADATA_HEADER: tuple[str, ...] = ("section", "key", "value", "unit", "description")

_CORE_XML = "docProps/core.xml"
_EPOCH = dt.datetime(2000, 1, 1)
_BOLD = Font(bold=True)
_ITALIC = Font(italic=True, color="666666")


try:  # openpyxl serialises with lxml when it is installed; its I/O errors are not OSErrors
    from lxml.etree import LxmlError

    _XML_ERRORS: tuple[type[BaseException], ...] = (LxmlError,)
except ImportError:  # pragma: no cover - without lxml, openpyxl's writes raise OSError themselves
    _XML_ERRORS = ()


@dataclass(frozen=True)
class Sheet:
    """One table sheet of a workbook.

    Parameters
    ----------
    title : str
        Sheet name.
    frame : pandas.DataFrame
        The table; it holds at least the columns named in ``columns``.
    columns : sequence of OutputColumn
        The sheet's columns, in order, with their HXL hashtags (row 2).
    """

    title: str
    frame: pd.DataFrame
    columns: Sequence[OutputColumn]


def fixed_timestamp(ds: xr.Dataset) -> dt.datetime:
    """Timestamp stamped into the file: the scenario start in UTC (naive).

    Falls back to the first time step, then to 2000-01-01, so the bytes never depend on
    the wall clock. Zip timestamps cannot predate 1980; earlier starts use 1980-01-01.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset with ``attrs["start"]`` (ISO 8601) or a ``time`` coordinate.

    Returns
    -------
    datetime.datetime
        Naive UTC time, whole seconds, not before 1980-01-01.
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


def attr_cell(value: Any) -> Any:
    """A dataset attribute as a cell value: numbers stay numbers, the rest becomes text.

    Parameters
    ----------
    value : Any
        An attribute value.

    Returns
    -------
    Any
        ``None`` for None and NaN; ``"true"``/``"false"`` for booleans; Python ``int`` and
        ``float`` for numbers; lists joined with ``", "``; anything else as ``str``.
    """
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


def column_rows(sheets: Iterable[Sheet]) -> list[list[Any]]:
    """``metadata`` rows documenting every column of ``sheets``.

    Parameters
    ----------
    sheets : iterable of Sheet

    Returns
    -------
    list of list
        ``["column", "sheet.column", hashtag, unit, description]`` per column, in order.
    """
    return [["column", f"{s.title}.{c.name}", c.hxl, c.unit, c.description] for s in sheets for c in s.columns]


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


def _rows(sheet: Sheet) -> Iterator[tuple[Any, ...]]:
    """The data rows of a sheet: text neutralised, cells as Python values."""
    frame = neutralise_frame(sheet.frame)
    return zip(*[_cell_values(frame[c.name]) for c in sheet.columns], strict=True)


def _styled(ws: Any, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    return cell


def fits_in_a_sheet(rows: int) -> bool:
    """Whether ``rows`` data rows fit in one sheet with the header and hashtag rows (:data:`EXCEL_MAX_ROWS`)."""
    return rows + 2 <= EXCEL_MAX_ROWS


def _check_limits(sheets: Sequence[Sheet]) -> None:
    for sheet in sheets:
        rows, columns = len(sheet.frame) + 2, len(sheet.columns)
        if rows > EXCEL_MAX_ROWS or columns > EXCEL_MAX_COLUMNS:
            raise ValueError(
                f"the {sheet.title} sheet would have {rows:,} rows and {columns:,} "
                f"columns; Excel holds at most {EXCEL_MAX_ROWS:,} rows and "
                f"{EXCEL_MAX_COLUMNS:,} columns. Export to .csv or .parquet instead"
            )


def _fill_write_only(wb: Workbook, sheets: Sequence[Sheet], metadata: list[list[Any]]) -> None:
    """Write-only (streamed) sheets, with column widths and a frozen metadata header."""
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        ws.freeze_panes = "A3"
        for i, c in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(c.name) + 2))
        ws.append([_styled(ws, neutralise(c.name), _BOLD) for c in sheet.columns])
        ws.append([_styled(ws, c.hxl, _ITALIC) for c in sheet.columns])
        for row in _rows(sheet):
            ws.append(row)
    meta = wb.create_sheet("metadata")
    meta.column_dimensions["A"].width = 12
    meta.column_dimensions["B"].width = 36
    meta.column_dimensions["C"].width = 60
    meta.freeze_panes = "A2"
    meta.append([_styled(meta, h, _BOLD) for h in METADATA_HEADER])
    for line in metadata:
        meta.append(line)


def _fill_in_memory(wb: Workbook, sheets: Sequence[Sheet], metadata: list[list[Any]]) -> None:
    """In-memory sheets with default column widths (the layout of comparison workbooks)."""
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        ws.append([neutralise(c.name) for c in sheet.columns])
        ws.append([c.hxl for c in sheet.columns])
        for cell in ws[1]:
            cell.font = _BOLD
        for cell in ws[2]:
            cell.font = _ITALIC
        ws.freeze_panes = "A3"
        for row in _rows(sheet):
            ws.append(row)
    meta = wb.create_sheet("metadata")
    meta.append(list(METADATA_HEADER))
    for cell in meta[1]:
        cell.font = _BOLD
    for line in metadata:
        meta.append(line)


def build_workbook(
    sheets: Sequence[Sheet],
    metadata_rows: Iterable[Sequence[Any]],
    *,
    stamp: dt.datetime,
    title: str,
    subject: str | None = None,
    identifier: str | None = None,
    write_only: bool = True,
) -> bytes:
    """An xlsx file of table sheets and a ``metadata`` sheet, as reproducible bytes.

    Parameters
    ----------
    sheets : sequence of Sheet
        The table sheets, in order.
    metadata_rows : iterable of sequences
        Rows of the ``metadata`` sheet below its header (section, key, value, unit,
        description); text cells are neutralised here. :func:`column_rows` gives the rows
        documenting the sheets' columns.
    stamp : datetime.datetime
        Naive UTC time written as created, modified and zip entry time
        (:func:`fixed_timestamp`).
    title : str
        Document title property.
    subject, identifier : str, optional
        Document subject and identifier properties (left unset when None).
    write_only : bool, default True
        Stream the sheets through openpyxl's write-only mode, with column widths and a
        frozen metadata header (run and needs workbooks: large sheets in little memory).
        False builds the workbook in memory with default widths (comparison workbooks).

    Returns
    -------
    bytes
        The xlsx file; the same arguments always give the same bytes.

    Raises
    ------
    ValueError
        If a sheet would exceed Excel's limits (:data:`EXCEL_MAX_ROWS` rows with the
        header and hashtag rows, :data:`EXCEL_MAX_COLUMNS` columns).
    OSError
        If a sheet could not be written: openpyxl's write-only sheets go through temporary
        files (in :func:`tempfile.gettempdir`), and lxml reports a full disk or a file size
        limit there as its own ``SerialisationError``.
    """
    sheets = list(sheets)
    metadata = [[neutralise(v) for v in row] for row in metadata_rows]
    _check_limits(sheets)
    wb = Workbook(write_only=write_only)
    try:
        with xml_failures_as_os_errors():
            (_fill_write_only if write_only else _fill_in_memory)(wb, sheets, metadata)
            props = wb.properties
            props.title = title
            if subject is not None:
                props.subject = subject
            if identifier is not None:
                props.identifier = identifier
            return reproducible_bytes(wb, stamp)
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
