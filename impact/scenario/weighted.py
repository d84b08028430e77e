"""Weighted cells: one value, or alternatives with probabilities (``moderate:0.6|extensive:0.4``).

``strikes.csv`` accepts them in ``asset_id`` (candidate assets: which one was hit is not
known) and ``damage_state`` (the state is not known); each Monte Carlo sample draws one
alternative (docs/method.md, section 2b). A cell without ``|`` or ``:`` is one value with
weight 1, so every scenario written before weights existed reads as before.

Grammar: ``VALUE:WEIGHT|VALUE:WEIGHT...``; every weight a number > 0, the weights summing to 1
within :data:`WEIGHT_TOLERANCE`, every value distinct. Ids may themselves contain ``:`` or
``|``: a cell that is a known value as it stands (``known``) is that value.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable

__all__ = [
    "ALTERNATIVE_SEPARATOR",
    "WEIGHT_SEPARATOR",
    "WEIGHT_TOLERANCE",
    "format_weighted",
    "is_weighted",
    "parse_weighted",
    "primary_value",
]

#: Separates alternatives in a weighted cell.
ALTERNATIVE_SEPARATOR = "|"

#: Separates a value from its weight.
WEIGHT_SEPARATOR = ":"

#: Largest difference allowed between the sum of the weights and 1.
WEIGHT_TOLERANCE = 1e-6

Weighted = tuple[tuple[str, float], ...]


def is_weighted(text: str, known: Collection[str] = ()) -> bool:
    """Whether a cell lists weighted alternatives (rather than being one plain value)."""
    text = str(text).strip()
    if text in known:
        return False
    return ALTERNATIVE_SEPARATOR in text or WEIGHT_SEPARATOR in text


def parse_weighted(text: str, known: Collection[str] = ()) -> Weighted:
    """The alternatives of a cell and their weights.

    Parameters
    ----------
    text : str
        The cell: one value, or ``VALUE:WEIGHT|VALUE:WEIGHT...``.
    known : collection of str, optional
        Values that are taken as they stand even when they contain ``:`` or ``|`` (asset ids).

    Returns
    -------
    tuple of (str, float)
        ``((value, 1.0),)`` for a plain value; otherwise the alternatives in the order written.

    Raises
    ------
    ValueError
        The message says what is wrong (a missing weight, a weight that is not a number or not
        > 0, a repeated value, weights not summing to 1).
    """
    text = str(text).strip()
    if not is_weighted(text, known):
        return ((text, 1.0),)
    pairs: list[tuple[str, float]] = []
    for part in text.split(ALTERNATIVE_SEPARATOR):
        part = part.strip()
        value, separator, weight_text = part.rpartition(WEIGHT_SEPARATOR)
        if not separator or not value.strip():
            raise ValueError(
                f"{part!r} has no weight; write alternatives as VALUE:WEIGHT separated by '|' "
                "(e.g. moderate:0.6|extensive:0.4)"
            )
        try:
            weight = float(weight_text)
        except ValueError:
            raise ValueError(f"the weight {weight_text.strip()!r} of {value.strip()!r} is not a number") from None
        if not math.isfinite(weight) or weight <= 0:
            raise ValueError(f"the weight of {value.strip()!r} must be a number > 0, not {weight_text.strip()!r}")
        pairs.append((value.strip(), weight))
    values = [value for value, _ in pairs]
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValueError(f"{', '.join(map(repr, repeated))} is listed more than once")
    total = math.fsum(weight for _, weight in pairs)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        raise ValueError(f"the weights sum to {total:.6g}; they must sum to 1")
    return tuple(pairs)


def primary_value(text: str, known: Collection[str] = ()) -> str:
    """The most likely alternative of a cell (the first listed on a tie); the value itself when plain."""
    pairs = parse_weighted(text, known)
    best = max(weight for _, weight in pairs)
    return next(value for value, weight in pairs if weight == best)


def format_weighted(pairs: Iterable[tuple[str, float]]) -> str:
    """Write alternatives as a cell: one value alone, else ``VALUE:WEIGHT|...`` (weights to 10 significant digits)."""
    pairs = list(pairs)
    if len(pairs) == 1:
        return pairs[0][0]
    return ALTERNATIVE_SEPARATOR.join(f"{value}{WEIGHT_SEPARATOR}{weight:.10g}" for value, weight in pairs)
