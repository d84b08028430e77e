"""P-codes: the OCHA COD rules for Ukraine, KATOTTH codes, and what makes a P-code usable as an id.

OCHA's P-codes for Ukraine (COD-AB Ukraine, HDX ``cod-ab-ukr``) are built from the state
classifier of administrative-territorial units, KATOTTH (КАТОТТГ, Ministry for Communities
and Territories Development of Ukraine, order No. 290 of 26 November 2020): ``UA``, then two
digits for the oblast (level 1), two for the raion (level 2), three for the hromada (level 3)
and three for the settlement (level 4). A KATOTTH code is 19 characters, ``UA`` and 17 digits:
those ten digits, two for a city district and five that make the code unique; a unit's P-code is its
KATOTTH code cut after its own level (``UA51140030000062458`` → hromada ``UA5114003``).
"""

from __future__ import annotations

import re

from impact.scenario.schema import ID_FORBIDDEN_STARTS

__all__ = [
    "KATOTTH_PATTERN",
    "UA_PCODE_LENGTHS",
    "pcode_from_katotth",
    "pcode_problem",
    "ua_level",
    "ua_parent",
]

#: Length of a Ukrainian P-code by admin level: country, oblast, raion, hromada, settlement.
UA_PCODE_LENGTHS: dict[int, int] = {0: 2, 1: 4, 2: 6, 3: 9, 4: 12}

#: A KATOTTH code: ``UA`` and 17 digits.
KATOTTH_PATTERN = re.compile(r"UA\d{17}")

_UA_PCODE = re.compile(r"UA(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?")

#: The digits of each level in a KATOTTH code (after ``UA``): oblast, raion, hromada, settlement.
_KATOTTH_LEVELS = ((1, 2, 4), (2, 4, 6), (3, 6, 9), (4, 9, 12))


def ua_level(pcode: str) -> int | None:
    """Admin level of a Ukrainian P-code from its length (``UA51`` → 1), or None if not one."""
    if not _UA_PCODE.fullmatch(pcode):
        return None
    return next(level for level, length in UA_PCODE_LENGTHS.items() if length == len(pcode))


def ua_parent(pcode: str) -> str | None:
    """Parent of a Ukrainian P-code by the COD prefix rule (``UA5114003`` → ``UA5114``).

    Returns None for an oblast (its country is not implied: import a level-0 layer for it) and
    for text that is not a Ukrainian P-code.
    """
    level = ua_level(pcode)
    if level is None or level <= 1:
        return None
    return pcode[: UA_PCODE_LENGTHS[level - 1]]


def pcode_from_katotth(code: str) -> tuple[str, int]:
    """The P-code and admin level of the unit a KATOTTH code names.

    Parameters
    ----------
    code : str
        19-character KATOTTH code, e.g. ``UA51140030000062458`` (a hromada) or
        ``UA51080000000061776`` (a raion: its hromada digits are zeros).

    Returns
    -------
    tuple of (str, int)
        P-code (``UA5114003``) and level (3): the code cut after its deepest non-zero level.

    Raises
    ------
    ValueError
        If ``code`` is not ``UA`` and 17 digits, or its oblast digits are zeros.
    """
    if not KATOTTH_PATTERN.fullmatch(code):
        raise ValueError(f"{code!r} is not a KATOTTH code (UA and 17 digits)")
    level = 0
    for candidate, start, end in _KATOTTH_LEVELS:
        if set(code[start:end]) != {"0"}:
            level = candidate
        else:
            break
    if level == 0:
        raise ValueError(f"{code!r} is not a KATOTTH code of a unit (its oblast digits are 00)")
    return code[: UA_PCODE_LENGTHS[level]], level


def pcode_problem(pcode: str) -> str:
    """Why ``pcode`` cannot be an area id of a scenario, or "" when it can."""
    if not pcode:
        return "the P-code is empty"
    if any(ch in pcode for ch in ",;\t\r\n") or pcode != pcode.strip():
        return f"P-code {pcode!r} has a comma, semicolon, tab, line break or surrounding space"
    if pcode.startswith(ID_FORBIDDEN_STARTS):
        return f"P-code {pcode!r} starts with {pcode[0]!r}; area ids must not start like a spreadsheet formula"
    return ""
