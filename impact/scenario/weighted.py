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
from collections.abc import Callable, Collection, Iterable

__all__ = [
    "ALTERNATIVE_SEPARATOR",
    "WEIGHT_SEPARATOR",
    "WEIGHT_TOLERANCE",
    "alternative_values",
    "describe_weighted",
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
    parts = [part.strip() for part in text.split(ALTERNATIVE_SEPARATOR)]
    if "" in parts:
        raise ValueError("an alternative is empty; write alternatives as VALUE:WEIGHT separated by one '|'")
    for part in parts:
        value, separator, weight_text = part.rpartition(WEIGHT_SEPARATOR)
        if separator and not value.strip():
            raise ValueError(f"{part!r} has no value before its weight; write alternatives as VALUE:WEIGHT")
        if not separator:
            raise ValueError(
                f"{part!r} has no weight; write alternatives as VALUE:WEIGHT separated by '|', e.g. {_example(parts)}"
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
        raise ValueError(f"the weights sum to {total:.10g}; they must sum to 1")
    return tuple(pairs)


def _example(parts: list[str]) -> str:
    """The alternatives of ``parts`` written with equal weights (two decimals, the last making the sum 1)."""
    values = [part.rpartition(WEIGHT_SEPARATOR)[0].strip() or part for part in parts]
    share = round(1 / len(values), 2)
    weights = [share] * (len(values) - 1) + [round(1 - share * (len(values) - 1), 2)]
    return ALTERNATIVE_SEPARATOR.join(
        f"{value}{WEIGHT_SEPARATOR}{weight:g}" for value, weight in zip(values, weights, strict=True)
    )


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


def alternative_values(text: str, known: Collection[str] = ()) -> tuple[str, ...]:
    """Every value a cell names, in the order written; the cell itself when it does not parse.

    For readers of a cell that was validated already (or that only show it): a cell that
    does not parse is taken as one plain value rather than an error.
    """
    try:
        return tuple(value for value, _ in parse_weighted(text, known))
    except ValueError:
        return (str(text).strip(),)


def describe_weighted(text: str, known: Collection[str] = (), label: Callable[[str], str] | None = None) -> str:
    """A cell for people: ``SUB-1 (60 %) or SUB-2 (40 %)``; a plain value as it is (through ``label``).

    Parameters
    ----------
    text : str
        The cell.
    known : collection of str, optional
        Values taken as they stand (as in :func:`parse_weighted`).
    label : callable, optional
        How to show one value (e.g. an asset's name and id); the value itself by default.

    Returns
    -------
    str
        A cell that does not parse is shown as written.
    """
    show = label or str
    try:
        pairs = parse_weighted(text, known)
    except ValueError:
        return str(text).strip()
    if len(pairs) == 1:
        return show(pairs[0][0])
    return " or ".join(f"{show(value)} ({weight * 100:.3g} %)" for value, weight in pairs)
