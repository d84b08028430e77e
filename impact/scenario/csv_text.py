"""Reading the CSV files of a scenario as text, every row with its line number.

Files are read as text (UTF-8, optional BOM) with the standard :mod:`csv` module so that
every row keeps its line number (column ``__line__``). Problems with a file as a whole, its
encoding, header or row shape become :class:`~impact.scenario.problems.Problem` objects naming file,
line and column; the cells themselves are checked by :mod:`impact.scenario.cells`.
"""

from __future__ import annotations

import csv
import difflib
import io
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from impact.scenario.problems import Problem
from impact.scenario.schema import Table

__all__ = [
    "BROKEN",
    "LINE",
    "frame_to_text",
    "not_a_file",
    "parse_csv_bytes",
    "read_file_bytes",
    "read_text_table",
    "unreadable",
]

#: Name of the hidden column holding each row's line number in its file.
LINE = "__line__"

#: Name of the hidden column marking rows whose number of fields differs from the header's
#: (already reported; their cells are checked but not reported again).
BROKEN = "__broken__"


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
    raw, problems = read_file_bytes(folder / table.name, table.name, "a CSV file", required=table.required)
    if raw is None:
        return None, problems
    return parse_csv_bytes(raw, table)


def read_file_bytes(path: Path, name: str, expected: str, *, required: bool) -> tuple[bytes | None, list[Problem]]:
    """The bytes of one file of a scenario folder, or the whole-file problem (line 0) instead.

    Parameters
    ----------
    path : Path
        The file.
    name : str
        Its name in messages.
    expected : str
        What it should be, for the message on a folder in its place (``"a CSV file"``).
    required : bool
        Whether a missing file is a problem; else it is ``(None, [])``.

    Returns
    -------
    raw : bytes or None
        The content; None when the file is missing, not a regular file or unreadable.
    problems : list of Problem
        At most one: missing (when required), not a regular file, or cannot be read
        (permission denied, I/O error...); never an exception.
    """
    try:
        if not path.exists():
            missing = Problem(name, 0, "-", "required file is missing from the scenario folder")
            return None, [missing] if required else []
        problem = not_a_file(path, name, expected)
        if problem:
            return None, [problem]
        return path.read_bytes(), []
    except OSError as error:
        return None, [unreadable(name, error)]


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
