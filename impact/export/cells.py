"""Cells that no spreadsheet reads as a formula (OWASP "CSV injection").

Every text cell the exports write goes through :func:`neutralise` (or :func:`neutralise_frame`
for a whole table): text starting with one of :data:`FORMULA_PREFIXES` gets a leading ``'``.
The prefixes are the characters scenario identifiers may not start with
(:data:`impact.scenario.schema.ID_FORBIDDEN_STARTS`): one list for inputs and outputs.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from impact.scenario.schema import ID_FORBIDDEN_STARTS

__all__ = ["FORMULA_PREFIXES", "neutralise", "neutralise_frame"]

#: Leading characters that make spreadsheet programs read a text cell as a formula
#: (``= + - @``, tab, carriage return). Text cells starting with one of them get a leading ``'``.
FORMULA_PREFIXES: tuple[str, ...] = ID_FORBIDDEN_STARTS


def _is_number_text(text: str) -> bool:
    """True when ``text`` is a plain finite number such as ``-45.5`` (no spaces, no formula)."""
    if text != text.strip():
        return False
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def neutralise(value: Any, keep_numbers: bool = False) -> Any:
    """Neutralise a text cell that a spreadsheet would read as a formula.

    Parameters
    ----------
    value : Any
        A cell value. Only ``str`` values are changed; numbers stay numbers.
    keep_numbers : bool, default False
        Leave text that is a plain finite number (``"-45.5"``) unchanged: a spreadsheet reads
        it as that number, not as a formula. Use it for columns holding numbers as read from
        a file (e.g. ACLED coordinates); by default ``"-1"`` is treated as text.

    Returns
    -------
    Any
        ``"'" + value`` when ``value`` is text starting with ``= + - @``, tab or carriage
        return; otherwise ``value`` unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        if keep_numbers and _is_number_text(value):
            return value
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame, keep_numbers: bool = False) -> pd.DataFrame:
    """Return a copy of ``df`` with every text cell passed through :func:`neutralise`.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; numeric and boolean columns are left alone.
    keep_numbers : bool, default False
        Passed to :func:`neutralise`.

    Returns
    -------
    pandas.DataFrame
        The neutralised copy (categorical text columns become plain object columns).
    """
    out = df.copy()
    for name in out.columns:
        col = out[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        if pd.api.types.is_string_dtype(col.dtype) or col.dtype == object:
            out[name] = col.map(lambda v: neutralise(v, keep_numbers))
    return out
