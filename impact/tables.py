"""Reading scenario tables and checking them cell by cell against :mod:`impact.schema`.

Files are read as text (UTF-8, optional BOM) with the standard :mod:`csv` module so that
every row keeps its line number; the per-column checks are a pandera schema built from
the declarations in :mod:`impact.schema`, and every failing cell becomes a
:class:`~impact.problems.Problem` naming file, line and column. Typed tables are only
built once the text passed.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from impact.problems import Problem, did_you_mean
from impact.schema import ID_FORBIDDEN_STARTS, ID_START_RULE, Column, Table

#: Name of the hidden column holding each row's line number in its file.
LINE = "__line__"

#: Name of the hidden column marking rows whose number of fields differs from the header's
#: (already reported; their cells are checked but not reported again).
BROKEN = "__broken__"

#: Largest whole number accepted in an integer column (exactly representable as float64).
MAX_WHOLE = 2**53


def read_text_table(folder: Path, table: Table) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one CSV file of a scenario folder as text.

    Parameters
    ----------
    folder : Path
        Scenario folder.
    table : Table
        Declaration of the table to read.

    Returns
    -------
    frame : DataFrame or None
        One string column per header cell plus ``__line__`` (1-based line of the row in
        the file); None if the file is missing or unreadable.
    problems : list of Problem
        Problems with the file as a whole or its shape. A file that is missing (when
        required), a folder or not a regular file, or that cannot be read (permission
        denied, I/O error...) is a problem on line 0, never an exception.
    """
    path = folder / table.name
    try:
        if not path.exists():
            if table.required:
                return None, [Problem(table.name, 0, "-", "required file is missing from the scenario folder")]
            return None, []
        problem = not_a_file(path, table.name, "a CSV file")
        if problem:
            return None, [problem]
        raw = path.read_bytes()
    except OSError as error:
        return None, [unreadable(table.name, error)]
    return parse_csv_bytes(raw, table)


def not_a_file(path: Path, name: str, expected: str) -> Problem | None:
    """A whole-file problem when ``path`` exists but is not a regular file, else None.

    Parameters
    ----------
    path : Path
        An existing path of the scenario folder.
    name : str
        File name used in the problem (``areas.csv``, ``scenario.toml``).
    expected : str
        What the file should be, for the message (``a CSV file``).

    Returns
    -------
    Problem or None
        ``name:0: -: is a folder, not a file; ...`` for a folder, a similar problem for a
        pipe, socket or device (which could block or never end when read), None for a
        regular file (or a link to one).

    Raises
    ------
    OSError
        If ``path`` cannot be examined (e.g. a folder on its way that cannot be searched).
    """
    if path.is_dir():
        return Problem(name, 0, "-", f"is a folder, not a file; replace it with {expected}")
    if not path.is_file():
        return Problem(name, 0, "-", f"is not a regular file (a pipe, socket or device); replace it with {expected}")
    return None


def unreadable(name: str, error: OSError) -> Problem:
    """The whole-file problem for a file of the scenario folder that cannot be read.

    Parameters
    ----------
    name : str
        File name used in the problem.
    error : OSError
        The error raised when reading it (permission denied, I/O error...).

    Returns
    -------
    Problem
        ``name:0: -: cannot be read: <reason>``, the reason without the absolute path.
    """
    reason = error.strerror or type(error).__name__
    return Problem(name, 0, "-", f"cannot be read: {reason}; check that the file is readable")


def parse_csv_bytes(raw: bytes, table: Table) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Parse the bytes of a CSV file declared by ``table`` into a text frame.

    Parameters
    ----------
    raw : bytes
        File content.
    table : Table
        Declaration of the table.

    Returns
    -------
    frame : DataFrame or None
        Text frame with ``__line__``, or None when the file cannot be read at all.
    problems : list of Problem
        Encoding, emptiness, header and row-shape problems.
    """
    name = table.name
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(name, 0, "-", "file is UTF-16; save it as UTF-8 (CSV UTF-8 in spreadsheet programs)")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        return None, [
            Problem(name, line, "-", f"not valid UTF-8 (byte 0x{byte} at offset {error.start}); save the file as UTF-8")
        ]
    if not text.strip():
        expected = ", ".join(c.name for c in table.columns if c.required)
        return None, [Problem(name, 0, "-", f"file is empty; expected a header row with columns {expected}")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(name, line, "-", "contains a NUL byte; this is not a text CSV file")]

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    broken: list[bool] = []
    header: list[str] | None = None
    header_line = 1
    row_start = 1
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                row_start = reader.line_num + 1
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                header_line = row_start
            else:
                cells = [cell.strip() for cell in row]
                if len(cells) != len(header):
                    problems.append(
                        Problem(name, row_start, "-", f"row has {len(cells)} fields but the header has {len(header)}")
                    )
                    cells = (cells + [""] * len(header))[: len(header)]
                rows.append(cells)
                lines.append(row_start)
                broken.append(len(row) != len(header))
            row_start = reader.line_num + 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            message = 'a quoted field opened on this line is never closed (unbalanced ")'
        else:
            message = f"cannot be parsed as CSV: {error}"
        return None, [*problems, Problem(name, row_start, "-", message)]
    if header is None:  # pragma: no cover - text.strip() was non-empty
        return None, [Problem(name, 0, "-", "file has no header row")]

    hints = _header_hints(name, header_line, header, table)
    if any(hint.column == "-" for hint in hints):  # wrong separator: nothing else is meaningful
        return None, hints
    problems += hints
    seen: set[str] = set()
    for cell in header:
        if cell in seen and cell:
            problems.append(Problem(name, header_line, cell, "column appears twice in the header"))
        seen.add(cell)
    if "" in header:
        problems.append(Problem(name, header_line, "-", "header has an empty column name"))
    for column in table.columns:
        if column.required and column.name not in header:
            problems.append(Problem(name, header_line, column.name, "required column is missing from the header"))
    if any(p.line == header_line for p in problems):
        return None, problems

    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[LINE] = np.asarray(lines, dtype=np.int64)
    frame[BROKEN] = np.asarray(broken, dtype=bool)
    return frame, problems


def _header_hints(name: str, line: int, header: list[str], table: Table) -> list[Problem]:
    """Problems for a header written with another separator or with misspelt column names."""
    declared = [column.name for column in table.columns]
    if len(header) == 1 and header[0] not in declared:
        for separator, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if separator in header[0]:
                return [
                    Problem(
                        name,
                        line,
                        "-",
                        f"the header is separated by {label}, not commas; save the file as comma-separated CSV",
                    )
                ]
    problems = []
    for cell in header:
        if not cell or cell in declared:
            continue
        lowered = [d for d in declared if d.lower() == cell.lower().replace(" ", "_")]
        close = lowered or difflib.get_close_matches(cell.lower(), declared, n=1, cutoff=0.8)
        if close and close[0] not in header:
            problems.append(
                Problem(
                    name,
                    line,
                    cell,
                    f"unknown column; did you mean {close[0]!r}? "
                    "(column names are lower case, as in docs/data-format.md)",
                )
            )
    return problems


def frame_to_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn a user's DataFrame into the text frame the checks expect.

    Parameters
    ----------
    frame : DataFrame
        Any table with the declared column names; missing values become empty cells.
        Line numbers are those the rows would have in a CSV file with a header row.

    Returns
    -------
    DataFrame
        String cells and a ``__line__`` column.
    """
    text = pd.DataFrame(index=range(len(frame)))
    for name in frame.columns:
        values = frame[name].tolist()
        text[str(name)] = [_cell_text(value) for value in values]
    text = text.astype(object)
    text[LINE] = np.arange(2, len(frame) + 2, dtype=np.int64)
    return text


def _cell_text(value: object) -> str:
    try:
        missing = bool(pd.isna(value))
    except (TypeError, ValueError):
        missing = False
    if value is None or missing:
        return ""
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- cell checks -------------------------------------------------------------------------


def parse_time(text: str) -> pd.Timestamp:
    """Parse an ISO 8601 time that carries a UTC offset; return it in UTC.

    Raises
    ------
    ValueError
        If the text is not ISO 8601 or has no offset.
    """
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{text!r} has no UTC offset; write it like 2025-12-19T19:00:00+02:00")
    return pd.Timestamp(moment).tz_convert("UTC")


def _is_float(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _is_int(text: str) -> bool:
    try:
        return float(text).is_integer() and math.isfinite(float(text))
    except ValueError:
        return False


def _is_not_huge(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return True
    return not math.isfinite(value) or abs(value) <= MAX_WHOLE


def _is_time(text: str) -> bool:
    try:
        parse_time(text)
    except ValueError:
        return False
    return True


def _id_characters_ok(text: str) -> bool:
    return not any(ch in text for ch in ",;\n\t")


def _id_start_ok(text: str) -> bool:
    # A cell already reported for its characters is not reported again for its start.
    return not text.startswith(ID_FORBIDDEN_STARTS) or not _id_characters_ok(text)


def _in_range(column: Column) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        if not _is_float(text):
            return True
        value = float(text)
        if column.minimum is not None:
            if value < column.minimum or (column.exclusive_minimum and value == column.minimum):
                return False
        return column.maximum is None or value <= column.maximum

    return check


def _range_text(column: Column) -> str:
    low = "" if column.minimum is None else f"{'>' if column.exclusive_minimum else '>='} {column.minimum:g}"
    high = "" if column.maximum is None else f"<= {column.maximum:g}"
    return " and ".join(part for part in (low, high) if part)


def _cell_checks(column: Column, safe_ids: bool = True) -> list[tuple[Callable[[str], bool], str]]:
    """(predicate on a non-empty cell, message template) pairs for one column.

    With ``safe_ids`` (the table's :attr:`~impact.schema.Table.safe_ids`), an ``id`` cell must
    not start like a spreadsheet formula.

    Templates may use ``{value}`` (the cell), ``{first}`` (its first character) and ``{hint}``
    (a did-you-mean hint among the column's choices); :func:`failing_cells` fills them in.
    """
    checks: list[tuple[Callable[[str], bool], str]] = []
    if column.dtype == "int":
        checks.append((_is_int, "{value!r} is not a whole number"))
        checks.append((_is_not_huge, f"{{value!r}} is too large; must be at most {MAX_WHOLE:,}"))
    elif column.dtype == "float":
        checks.append((_is_float, "{value!r} is not a number"))
    elif column.dtype == "time":
        checks.append(
            (_is_time, "{value!r} is not an ISO 8601 time with a UTC offset (e.g. 2025-12-19T19:00:00+02:00)")
        )
    elif column.dtype == "choice":
        allowed = ", ".join(column.choices)
        checks.append(
            (
                lambda v, c=column.choices: v in c,
                f"{{value!r}} is not a valid {column.name}{{hint}}; choose one of {allowed}",
            )
        )
    elif column.dtype == "id":
        checks.append((_id_characters_ok, "{value!r} is not a valid id (no commas, semicolons, tabs or line breaks)"))
        if safe_ids:
            checks.append((_id_start_ok, f"{{value!r}} starts with {{first!r}}; {ID_START_RULE}"))
    if column.dtype in ("int", "float") and (column.minimum is not None or column.maximum is not None):
        checks.append((_in_range(column), f"{{value!r}} is out of range; must be {_range_text(column)}"))
    return checks


@cache
def _pandera_schema(table: Table) -> pa.DataFrameSchema:
    """Build (once) the pandera schema checking the text of ``table``'s cells."""
    columns = {}
    for column in table.columns:
        checks = []
        if not column.nullable:
            checks.append(pa.Check(lambda v: v != "", element_wise=True, error="is empty; a value is required"))
        for predicate, message in _cell_checks(column, table.safe_ids):
            checks.append(pa.Check(lambda v, p=predicate: v == "" or p(v), element_wise=True, error=message))
        columns[column.name] = pa.Column(object, checks=checks, required=False, nullable=False, coerce=False)
    return pa.DataFrameSchema(columns, strict=False)


def check_cells(frame: pd.DataFrame, table: Table) -> list[Problem]:
    """Check every declared cell of a text frame; return one problem per failing cell.

    Cells of rows marked broken (wrong number of fields, already reported) are checked
    but not reported.

    Parameters
    ----------
    frame : DataFrame
        Text frame from :func:`read_text_table` or :func:`frame_to_text`.
    table : Table
        Declaration of the table.

    Returns
    -------
    list of Problem
    """
    return [problem for problem, broken in failing_cells(frame, table) if not broken]


def failing_cells(frame: pd.DataFrame, table: Table) -> list[tuple[Problem, bool]]:
    """Every failing cell as (problem, whether its row is broken)."""
    frame = frame.reset_index(drop=True)
    try:
        _pandera_schema(table).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    failures = []
    lines = frame[LINE].to_numpy()
    broken = frame[BROKEN].to_numpy() if BROKEN in frame.columns else np.zeros(len(frame), dtype=bool)
    for case in cases.itertuples(index=False):
        if case.index is None or (isinstance(case.index, float) and math.isnan(case.index)):
            failures.append((Problem(table.name, 1, str(case.column), str(case.check)), False))
            continue
        message = str(case.check)
        if "{" in message:
            value = str(case.failure_case)
            hint = did_you_mean(value, table.column(str(case.column)).choices) if "{hint}" in message else ""
            message = message.format(value=value, first=value[:1], hint=hint)
        row = int(case.index)
        failures.append((Problem(table.name, int(lines[row]), str(case.column), message), bool(broken[row])))
    return failures


def blank_cells(frame: pd.DataFrame, failures: list[tuple[Problem, bool]]) -> pd.DataFrame:
    """A copy of a text frame with every failing cell emptied, so typed conversion cannot fail."""
    if not failures:
        return frame
    frame = frame.copy()
    position = {int(line): i for i, line in enumerate(frame[LINE].to_numpy())}
    for problem, _broken in failures:
        if problem.column in frame.columns and problem.line in position:
            frame.iat[position[problem.line], frame.columns.get_loc(problem.column)] = ""
    return frame


def to_typed(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Convert a text frame that passed :func:`check_cells` to typed columns.

    Declared columns missing from the file are added empty. Types: ``int`` -> Int64
    (nullable), ``float`` -> float64 (NaN when empty), ``time`` -> UTC timestamps,
    text columns -> str with "" when empty.

    Parameters
    ----------
    frame : DataFrame
        Checked text frame.
    table : Table
        Declaration of the table.

    Returns
    -------
    DataFrame
        Typed table, index 0..n-1, with ``__line__`` kept.
    """
    typed = pd.DataFrame(index=frame.index)
    for column in table.columns:
        cells = frame[column.name] if column.name in frame.columns else pd.Series("", index=frame.index)
        cells = cells.astype(str)
        if column.dtype == "int":
            typed[column.name] = pd.array([int(float(v)) if v != "" else pd.NA for v in cells], dtype="Int64")
        elif column.dtype == "float":
            typed[column.name] = np.array([float(v) if v != "" else np.nan for v in cells], dtype=np.float64)
        elif column.dtype == "time":
            typed[column.name] = pd.to_datetime([parse_time(v) if v != "" else pd.NaT for v in cells], utc=True)
        else:
            typed[column.name] = cells.to_numpy(dtype=object)
    typed[LINE] = frame[LINE].to_numpy()
    return typed.reset_index(drop=True)
