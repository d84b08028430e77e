"""Checking the cells of a scenario table against :mod:`impact.scenario.schema`, and typing them.

The per-column checks are a pandera schema built from the declarations in
:mod:`impact.scenario.schema`; every failing cell becomes a :class:`~impact.scenario.problems.Problem`
naming file, line and column. Typed tables are only built once the text passed (failing
cells are emptied first, :func:`blank_cells`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from impact.scenario.csv_text import BROKEN, LINE
from impact.scenario.problems import Problem, did_you_mean
from impact.scenario.schema import FALSE_WORDS, ID_FORBIDDEN_STARTS, ID_START_RULE, TRUE_WORDS, Column, Table
from impact.scenario.weighted import is_weighted, parse_weighted

__all__ = [
    "MAX_WHOLE",
    "blank_cells",
    "check_cells",
    "failing_cells",
    "parse_bool",
    "parse_time",
    "to_typed",
    "weighted_choice_problem",
]

#: Largest whole number accepted in an integer column (exactly representable as float64).
MAX_WHOLE = 2**53


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


def parse_bool(text: str) -> bool:
    """Read a ``bool`` cell: ``true``/``yes``/``1`` or ``false``/``no``/``0``, in any case.

    Raises
    ------
    ValueError
        If the text is none of them.
    """
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{text!r} is not true or false (also accepted: yes/no, 1/0)")


def _is_bool(text: str) -> bool:
    return text.strip().lower() in TRUE_WORDS + FALSE_WORDS


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


def weighted_choice_problem(text: str, column: Column) -> str | None:
    """Why a weighted cell of a ``choice`` column is wrong (its grammar, then its alternatives), or None.

    A plain cell (no ``|`` or ``:``) is None here: the column's plain choice check reports it.

    Parameters
    ----------
    text : str
        The cell, e.g. ``moderate:0.6|extensive:0.4``.
    column : Column
        A ``choice`` column declared ``weighted``.

    Returns
    -------
    str or None
        The message, quoting the cell: ``'moderate:0.6|extensive:0.3': the weights sum to 0.9; they
        must sum to 1``, or ``'destroyd' in 'moderate:0.6|destroyd:0.4' is not a valid
        damage_state; choose one of ...``.
    """
    if not is_weighted(text):
        return None
    try:
        pairs = parse_weighted(text)
    except ValueError as error:
        return f"{text!r}: {error}"
    unknown = [value for value, _ in pairs if value not in column.choices]
    if not unknown:
        return None
    named = " and ".join(f"{value!r}{did_you_mean(value, column.choices)}" for value in unknown)
    verb = "is not a valid" if len(unknown) == 1 else "are not valid"
    return f"{named} in {text!r} {verb} {column.name}; choose one of {', '.join(column.choices)}"


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

    With ``safe_ids`` (the table's :attr:`~impact.scenario.schema.Table.safe_ids`), an ``id`` cell must
    not start like a spreadsheet formula.

    Templates may use ``{value}`` (the cell), ``{first}`` (its first character), ``{hint}``
    (a did-you-mean hint among the column's choices) and ``{weighted}`` (the whole message on a
    weighted cell, :func:`weighted_choice_problem`); :func:`failing_cells` fills them in.
    """
    checks: list[tuple[Callable[[str], bool], str]] = []
    if column.dtype == "int":
        checks.append((_is_int, "{value!r} is not a whole number"))
        checks.append((_is_not_huge, f"{{value!r}} is too large; must be at most {MAX_WHOLE:,}"))
    elif column.dtype == "float":
        checks.append((_is_float, "{value!r} is not a number"))
    elif column.dtype == "bool":
        checks.append((_is_bool, "{value!r} is not true or false (also accepted: yes/no, 1/0)"))
    elif column.dtype == "time":
        checks.append(
            (_is_time, "{value!r} is not an ISO 8601 time with a UTC offset (e.g. 2025-12-19T19:00:00+02:00)")
        )
    elif column.dtype == "choice":
        allowed = ", ".join(column.choices)
        checks.append(
            (
                lambda v, c=column.choices, w=column.weighted: v in c or (w and is_weighted(v)),
                f"{{value!r}} is not a valid {column.name}{{hint}}; choose one of {allowed}",
            )
        )
        if column.weighted:
            checks.append((lambda v, c=column: weighted_choice_problem(v, c) is None, "{weighted}"))
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
        Text frame from :func:`~impact.scenario.csv_text.read_text_table` or
        :func:`~impact.scenario.csv_text.frame_to_text`.
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
            column = table.column(str(case.column))
            hint = did_you_mean(value, column.choices) if "{hint}" in message else ""
            weighted = (weighted_choice_problem(value, column) or "") if "{weighted}" in message else ""
            message = message.format(value=value, first=value[:1], hint=hint, weighted=weighted)
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
    ``bool`` -> boolean (nullable, NA when empty), text columns -> str with "" when empty.

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
        elif column.dtype == "bool":
            typed[column.name] = pd.array([parse_bool(v) if v != "" else pd.NA for v in cells], dtype="boolean")
        elif column.dtype == "time":
            typed[column.name] = pd.to_datetime([parse_time(v) if v != "" else pd.NaT for v in cells], utc=True)
        else:
            typed[column.name] = cells.to_numpy(dtype=object)
    typed[LINE] = frame[LINE].to_numpy()
    return typed.reset_index(drop=True)
