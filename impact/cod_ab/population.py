"""Population by P-code from a COD-PS style table, joined to the leaf areas imported.

OCHA's COD-PS population tables have one row per unit with its P-code in ``ADMn_PCODE`` and
the total population in ``T_TL`` (either case; CSV, often with an HXL hashtag row under the
header, or an Excel workbook with one sheet per level). Any other CSV or workbook works when
its P-code and population columns are named (``pcode_column``, ``population_column``).

The join puts each row's population on the leaf area of that P-code. Rows that match no area,
rows for parent areas (the loader sums parents from their leaves: their populations are left
empty) and leaves that get no population are all reported; rows outside the ``within`` areas
are only counted.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from impact.cod_ab.hierarchy import Hierarchy
from impact.cod_ab.layers import split_source
from impact.scenario.cells import MAX_WHOLE

__all__ = ["PopulationJoin", "PopulationRow", "PopulationTable", "join_population", "read_population"]

_COD_PCODE = re.compile(r"adm(\d)_pcode")
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class PopulationRow:
    """One row of a population table.

    Parameters
    ----------
    where : str
        ``line 5`` (CSV) or ``sheet adm3, row 5`` (workbook).
    pcode : str
        P-code (upper case), "" when the cell is empty.
    population : int or None
        Persons, rounded to a whole number; None when the cell is empty.
    """

    where: str
    pcode: str
    population: int | None


@dataclass(frozen=True)
class PopulationTable:
    """A population table read.

    Parameters
    ----------
    source : str
        The file (and sheet) as named in messages (the path as given).
    short : str
        The file (and sheet) as named in the files written (no folder).
    pcode_column, population_column : str
        The columns used, as spelt in the file.
    rows : tuple of PopulationRow
        Data rows in file order (the HXL hashtag row left out).
    notes : tuple of str
        Rounded values, repeated rows.
    """

    source: str
    short: str
    pcode_column: str
    population_column: str
    rows: tuple[PopulationRow, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PopulationJoin:
    """The populations joined to the leaf areas, and everything that did not match.

    Parameters
    ----------
    table : PopulationTable
        The table joined.
    values : dict of str to int
        Leaf area → population [persons].
    rows : dict of str to PopulationRow
        Leaf area → the row its population comes from.
    unmatched : tuple of (PopulationRow, str)
        Rows not used, each with the reason.
    outside : int
        Rows whose P-code lies outside the ``within`` areas (not listed).
    leaves_without : tuple of str
        Leaf areas no row gave a population.
    """

    table: PopulationTable
    values: dict[str, int]
    rows: dict[str, PopulationRow]
    unmatched: tuple[tuple[PopulationRow, str], ...]
    outside: int
    leaves_without: tuple[str, ...]


class _Candidate(NamedTuple):
    """A sheet (or the CSV file) and the columns it would be read with."""

    label: str
    header: list[str]
    rows: list[tuple[str, list[str]]]
    pcode_column: str
    population_column: str
    problems: list[str]
    depth: int


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _persons(text: str) -> float:
    """The number in a population cell (``12345``, ``12 345``, ``12,345``, ``12345.6``)."""
    compact = re.sub(r"[\s\u00a0\u202f_]", "", text)
    if _THOUSANDS.fullmatch(compact):
        compact = compact.replace(",", "")
    return float(compact)


def _choose_column(columns: Sequence[str], option: str | None, default: str | None, what: str, flag: str):
    """(column, problem): the column named by ``option`` (any case), else ``default``."""
    lower = {c.lower(): c for c in columns}
    wanted = option or default
    if wanted and wanted.lower() in lower:
        return lower[wanted.lower()], ""
    shown = ", ".join(columns) or "none"
    if option:
        return "", f"{flag} {option!r} is not a column; the columns are: {shown}"
    return (
        "",
        f"no {what} column ({default or 'ADMn_PCODE'}, either case); name it with {flag}; the columns are: {shown}",
    )


def _deepest_pcode_column(columns: Sequence[str]) -> str | None:
    found = sorted((int(m.group(1)), c) for c in columns if (m := _COD_PCODE.fullmatch(c.lower().strip())))
    return found[-1][1] if found else None


def _is_hxl_row(cells: Sequence[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


def _csv_sheets(path: Path) -> tuple[list[tuple[str, list[str], list[tuple[str, list[str]]]]], str]:
    """[(label, header, [(where, cells)])] of a CSV file, or a problem."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], f"{path}: is not UTF-8 text; save it as CSV UTF-8"
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[str, list[str]]] = []
    for cells in reader:
        if header is None:
            header = [c.strip() for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue
        rows.append((f"line {reader.line_num}", cells))
    if header is None:
        return [], f"{path}: is empty"
    return [(str(path), header, rows)], ""


def _excel_sheets(
    path: Path, chosen: str | None
) -> tuple[list[tuple[str, list[str], list[tuple[str, list[str]]]]], str]:
    try:
        book = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as error:  # openpyxl raises several kinds for a damaged workbook
        return [], f"{path}: cannot be read as an Excel workbook: {error}"
    if chosen is not None:
        if chosen not in book:
            return [], f"{path}: has no sheet {chosen!r}; its sheets are: {', '.join(map(str, book))}"
        book = {chosen: book[chosen]}
    sheets = []
    for name, frame in book.items():
        if frame.empty:
            continue
        values = [[_cell_text(v) for v in row] for row in frame.itertuples(index=False)]
        header = values[0]
        rows = [(f"sheet {name}, row {i + 2}", cells) for i, cells in enumerate(values[1:]) if any(cells)]
        sheets.append((f"{path} (sheet {name})", header, rows))
    if not sheets:
        return [], f"{path}: every sheet is empty"
    return sheets, ""


def read_population(
    source: str | Path, pcode_column: str | None = None, population_column: str | None = None
) -> tuple[PopulationTable | None, list[str]]:
    """Read a population table.

    Parameters
    ----------
    source : str or Path
        CSV (UTF-8; comma, semicolon or tab separated) or Excel workbook (``.xlsx``), optionally
        followed by ``:SHEET``. Without a sheet, the workbook's sheet with the deepest
        ``ADMn_PCODE`` column (and the population column) is read.
    pcode_column : str, optional
        Column of P-codes (any case); default the deepest ``ADMn_PCODE``.
    population_column : str, optional
        Column of populations [persons] (any case); default ``T_TL``.

    Returns
    -------
    tuple of (PopulationTable or None, list of str)
        The table, or None and every problem found (file, line and column named).
    """
    path, sheet = split_source(source)
    if not path.is_file():
        return None, [f"{source}: no such file"]
    if path.suffix.lower() == ".xls":
        return None, [f"{path}: old .xls workbooks are not read; save it as .xlsx or CSV"]
    excel = path.suffix.lower() in _EXCEL_SUFFIXES
    sheets, problem = _excel_sheets(path, sheet) if excel else _csv_sheets(path)
    if problem:
        return None, [problem]
    candidates: list[_Candidate] = []
    for label, header, rows in sheets:
        pcode, pcode_problem = _choose_column(
            header, pcode_column, _deepest_pcode_column(header), "P-code", "--pcode-column"
        )
        population, population_problem = _choose_column(
            header, population_column, "T_TL", "population", "--population-column"
        )
        match = _COD_PCODE.fullmatch(pcode.lower())
        found = [f"{label}: {p}" for p in (pcode_problem, population_problem) if p]
        candidates.append(
            _Candidate(label, header, rows, pcode, population, found, int(match.group(1)) if match else -1)
        )
    usable = [c for c in candidates if not c.problems]
    if not usable:
        return None, [problem for c in candidates for problem in c.problems]
    chosen = max(usable, key=lambda c: c.depth)
    label, header, rows, pcode_name, population_name = (
        chosen.label,
        chosen.header,
        chosen.rows,
        chosen.pcode_column,
        chosen.population_column,
    )
    pcode_index, population_index = header.index(pcode_name), header.index(population_name)
    problems: list[str] = []
    notes: list[str] = []
    read: list[PopulationRow] = []
    rounded = 0
    for position, (where, cells) in enumerate(rows):
        if position == 0 and _is_hxl_row(cells):
            continue
        cells = list(cells) + [""] * (len(header) - len(cells))
        pcode = cells[pcode_index].strip().upper()
        text = cells[population_index].strip()
        if not text:
            read.append(PopulationRow(where, pcode, None))
            continue
        try:
            value = _persons(text)
        except ValueError:
            problems.append(f"{label}: {where}: {population_name}: {text!r} is not a number of persons")
            continue
        if not math.isfinite(value) or value < 0:
            problems.append(f"{label}: {where}: {population_name}: {text!r} must be a number >= 0")
            continue
        if value > MAX_WHOLE:
            problems.append(f"{label}: {where}: {population_name}: {text!r} is more than {MAX_WHOLE:,} persons")
            continue
        whole = math.floor(value + 0.5)
        rounded += whole != value
        read.append(PopulationRow(where, pcode, int(whole)))
    if problems:
        return None, problems
    if rounded:
        notes.append(f"{label}: {rounded} population value(s) with decimals rounded to whole persons")
    seen: dict[str, PopulationRow] = {}
    for row in read:
        first = seen.setdefault(row.pcode, row) if row.pcode else row
        if first is row:
            continue
        if first.population != row.population:
            problems.append(
                f"{label}: {row.where}: {pcode_name}: {row.pcode} is repeated with a different population "
                f"({row.population} here, {first.population} on {first.where})"
            )
        else:
            notes.append(f"{label}: {row.where}: {row.pcode} repeats {first.where} with the same population")
    if problems:
        return None, problems
    short = label.replace(str(path), path.name, 1)
    return PopulationTable(label, short, pcode_name, population_name, tuple(read), tuple(notes)), []


def join_population(table: PopulationTable, hierarchy: Hierarchy, within: Sequence[str] = ()) -> PopulationJoin:
    """Put each row's population on the leaf area of its P-code.

    Parameters
    ----------
    table : PopulationTable
        Read by :func:`read_population`.
    hierarchy : Hierarchy
        The imported areas.
    within : sequence of str
        P-codes the import was limited to: rows outside them are counted, not listed.

    Returns
    -------
    PopulationJoin
    """
    levels = {a.pcode: a.level for a in hierarchy.areas}
    leaves = set(hierarchy.leaves())
    prefixes = tuple(w.strip().upper() for w in within)
    values: dict[str, int] = {}
    used: dict[str, PopulationRow] = {}
    unmatched: list[tuple[PopulationRow, str]] = []
    outside = 0
    for row in table.rows:
        if not row.pcode:
            unmatched.append((row, "no P-code in the row"))
        elif row.pcode in leaves:
            if row.population is None:
                unmatched.append((row, "the population cell is empty"))
            else:
                values.setdefault(row.pcode, row.population)
                used.setdefault(row.pcode, row)
        elif row.pcode in levels:
            unmatched.append(
                (
                    row,
                    f"a parent area (level {levels[row.pcode]}): populations go on leaf areas, parents are their sums",
                )
            )
        elif prefixes and not row.pcode.startswith(prefixes):
            outside += 1
        else:
            unmatched.append((row, "no area with this P-code"))
    without = tuple(p for p in hierarchy.leaves() if p not in values)
    return PopulationJoin(table, values, used, tuple(unmatched), outside, without)
