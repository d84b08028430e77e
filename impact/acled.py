"""Strikes from ACLED-format event data (``impact import-acled``).

ACLED (Armed Conflict Location & Event Data) records one row per event with its date,
location (``latitude``, ``longitude``), type and a free-text description (ACLED Codebook;
column names as in ACLED's 2023 export format). Strikes on infrastructure are events of type
"Explosions/Remote violence" with sub-event type "Air/drone strike" or
"Shelling/artillery/missile attack"; ACLED has no infrastructure field, so the target is read
from ``notes``.

:func:`import_acled` turns such a file into rows of a scenario's ``strikes.csv``:

1. keep strike events (event and sub-event type as above);
2. keep events whose day lies in the scenario's time window: the first day of the scenario
   (its start, in its time zone) <= event day, and the event day starts before the end of the
   horizon (start + ``horizon_hours``);
3. keep events within the search radius of an area centroid or an asset of the scenario: the
   radius is ``radius_km`` for ACLED ``geo_precision`` 1 (the coordinates are the town's),
   :data:`GEO_PRECISION_RADIUS_FACTOR` times it for 2 (near a town, part of a region) and 3 (a
   larger region);
4. blank out the effects the notes report ("causing power outages", "leaving residents without
   water": :data:`impact.acled_rules.EFFECT_PATTERNS`), then find the asset kinds the rest
   names (:data:`impact.acled_rules.KIND_KEYWORDS`);
5. make the assets of those kinds that the location allows *candidates*: with
   ``geo_precision`` 1 those at the nearest place (within ``place_margin_km`` of the nearest
   one's distance), with 2 or 3 every one within the radius. Each candidate's weight is its
   kind's weight (the kind named first weighs most: 1, 1/2, 1/3... renormalised) shared
   equally among the candidates of its kind; an asset's position is its own
   latitude/longitude, else the centroid of its area;
6. set damage-state weights from the notes (:func:`impact.acled_rules.read_damage`: the first
   phrase of :data:`impact.acled_rules.DAMAGE_RULES` that is not negated, negated phrases
   lowering the state, else :data:`impact.acled_rules.DEFAULT_DAMAGE_STATE`);
7. time the strike at ``time_of_day`` (default 00:00) local time of the event day: ACLED gives
   the day only, so the time is precise to a day.

Candidates and weights are written as weighted cells (``SUB-1:0.5|SUB-2:0.5``,
``moderate:0.6|extensive:0.4``, :mod:`impact.scenario.weighted`); each Monte Carlo sample
draws one alternative. Every row of the file is accounted for in :attr:`AcledImport.account`:
imported (on one asset, or on candidates), or skipped with its reason.

>>> from impact.acled import import_acled
>>> imported = import_acled("acled.csv", "odesa-2025-12")  # doctest: +SKIP
>>> imported.write_strikes("strikes.csv")  # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from impact.acled_rules import (
    DAMAGE_RULES,
    DEFAULT_DAMAGE_STATE,
    KIND_KEYWORDS,
    DamageReading,
    DamageRule,
    KindKeyword,
    KindMention,
    kind_mentions,
    mask_effects,
    parse_damage_weights,
    read_damage,
    read_damage_rules,
)
from impact.export.atomic import atomic_write
from impact.export.cells import neutralise, neutralise_frame
from impact.restoration import restoration_class_of
from impact.scenario import Scenario, load_scenario
from impact.scenario.cells import failing_cells, to_typed
from impact.scenario.csv_text import BROKEN, LINE, frame_to_text, parse_csv_bytes
from impact.scenario.problems import Problem, ScenarioError
from impact.scenario.schema import STRIKES, Column, Table
from impact.scenario.weighted import ALTERNATIVE_SEPARATOR, format_weighted

__all__ = [
    "ACCOUNT_COLUMNS",
    "DEFAULT_RADIUS_KM",
    "DEFAULT_TIME_OF_DAY",
    "GEO_PRECISION_RADIUS_FACTOR",
    "PLACE_MARGIN_KM",
    "REASONS",
    "STRIKE_COLUMNS",
    "STRIKE_EVENT_TYPE",
    "STRIKE_SUB_EVENT_TYPES",
    "AcledError",
    "AcledImport",
    "distance_km",
    "import_acled",
    "parse_event_date",
    "parse_time_of_day",
    "weighted_cell",
]

#: ACLED event type of strikes.
STRIKE_EVENT_TYPE = "Explosions/Remote violence"

#: ACLED sub-event types of strikes.
STRIKE_SUB_EVENT_TYPES: tuple[str, ...] = ("Air/drone strike", "Shelling/artillery/missile attack")

#: Default search radius around an event [km]: asset positions are area centroids, which can
#: lie some 20 km from the town ACLED names.
DEFAULT_RADIUS_KM = 25.0

#: Search radius of an event per ACLED ``geo_precision``, as a multiple of ``radius_km`` [1]
#: (ACLED Codebook: 1 = the coordinates of the town named; 2 = near a town or in a small part
#: of a region, coded to the nearest town; 3 = only a larger region is known, coded to a
#: natural location or its capital). At the default 25 km: 50 km for 2, the size of a raion
#: (Ukrainian raions average some 4,400 km2, a disc of 38 km radius, plus the 20 km by which
#: centroids may miss); 100 km for 3, an oblast (24,000 km2 on average, a disc of 87 km;
#: Odesa oblast 33,300 km2, 103 km).
#: A missing ``geo_precision`` counts as 1. Reasoning in docs/user-guide.md, section 6.
GEO_PRECISION_RADIUS_FACTOR: dict[int, float] = {1: 1.0, 2: 2.0, 3: 4.0}

#: With ``geo_precision`` 1, assets of the named kinds within this distance [km] of the
#: nearest one's distance from the event are candidates as well: ACLED's point is the town's,
#: and a target anywhere in a town of some 80 km2 (about 300,000 people) lies within 5 km of it.
PLACE_MARGIN_KM = 5.0

#: Decimals of the weights written in weighted cells (:func:`weighted_cell`: the written weights
#: sum to exactly 1, each within one unit of the last decimal of its true value).
WEIGHT_DECIMALS = 6

#: Default local time of day given to an event (ACLED dates are days) [HH:MM].
DEFAULT_TIME_OF_DAY = "00:00"

#: Mean radius of the Earth [km] (IUGG), for great-circle distances.
EARTH_RADIUS_KM = 6371.0088

#: Most alternative assets listed per imported row of the account.
MAX_ALTERNATIVES = 5

#: Why a row was or was not imported: code -> description, in the order of the checks.
REASONS: dict[str, str] = {
    "imported": "imported as a strike on one asset",
    "imported_candidates": "imported as a strike on one of several candidate assets (weighted asset_id)",
    "bad_row": "row cannot be read (bad date, coordinates or fatalities, wrong number of fields)",
    "duplicate_event": "another row has the same event_id_cnty (an older version of the event)",
    "not_a_strike": "event or sub-event type is not a strike",
    "outside_time_window": "event day outside the scenario's time window",
    "outside_areas": "no area centroid or asset of the scenario within the radius",
    "no_kind_in_notes": "the notes name no asset kind",
    "effects_only": "the notes name asset kinds only in effects (outages, 'without water'), not as what was hit",
    "no_asset_in_range": "no asset of a kind named in the notes within the radius",
    "pipe_in_candidate_id": "several candidate assets and one's id contains '|', which a weighted asset_id cannot hold",
    "no_restoration_curve": "a candidate's restoration class has no curve for a damage state with weight",
}

#: Columns of :attr:`AcledImport.strikes` (those of ``strikes.csv`` that ACLED can fill).
STRIKE_COLUMNS: tuple[str, ...] = ("strike_id", "time", "asset_id", "damage_state", "killed", "source", "notes")

#: Columns of ``strikes.csv`` whose formula-like text is neutralised (text from the ACLED file).
_NEUTRALISED_STRIKE_COLUMNS: tuple[str, ...] = ("strike_id", "source", "notes")

#: Columns of :attr:`AcledImport.account`, one row per data row of the ACLED file.
ACCOUNT_COLUMNS: tuple[str, ...] = (
    "line",
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "status",
    "reason_code",
    "reason",
    "strike_id",
    "time",
    "asset_id",
    "candidates",
    "kind",
    "keyword",
    "distance_km",
    "radius_km",
    "damage_state",
    "damage_keyword",
    "negated",
    "effects",
    "alternatives",
    "date_note",
)

_ACLED_COLUMNS = (
    Column("event_id_cnty", "id", True, "ACLED event id (country code and number)."),
    Column("event_date", "text", True, "Day of the event: YYYY-MM-DD, dd-mm-yyyy or '19 December 2025'."),
    Column("event_type", "text", True, "ACLED event type."),
    Column("sub_event_type", "text", True, "ACLED sub-event type."),
    Column("latitude", "float", True, "Latitude of the location.", "degrees_north", minimum=-90, maximum=90),
    Column("longitude", "float", True, "Longitude of the location.", "degrees_east", minimum=-180, maximum=180),
    Column("notes", "text", True, "Description of the event.", nullable=True),
    Column("fatalities", "int", False, "Reported fatalities.", "persons", minimum=0, nullable=True),
    Column("time_precision", "int", False, "Certainty of the date: 1 = the day itself.", nullable=True),
    Column("location", "text", False, "Name of the location.", nullable=True),
    Column(
        "geo_precision",
        "int",
        False,
        "Certainty of the location: 1 = the town, 2 = near it or part of a region, 3 = a larger region.",
        minimum=1,
        maximum=3,
        nullable=True,
    ),
)

#: Declaration of the ACLED columns the import reads (others are ignored).
ACLED_TABLE = Table("acled.csv", True, "An ACLED event.", _ACLED_COLUMNS)

_MONTHS = {
    name: number
    for number, month in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
    for name in (month, month[:3], month[:4])
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_LONG_DATE = re.compile(r"(\d{1,2})[\s-]+([A-Za-z]+)\.?,?[\s-]+(\d{4})")
_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})")


class AcledError(ScenarioError):
    """An ACLED file, or a damage-rules file, cannot be read; ``problems`` lists every problem.

    Parameters
    ----------
    problems : list of Problem
        Each naming the file, line and column.
    source : str
        The file that was read.
    skippable : bool
        True when every problem is in a data row, so ``skip_bad_rows=True`` would import the
        other rows.
    """

    def __init__(self, problems: list[Problem], source: str = "", skippable: bool = False) -> None:
        super().__init__(problems, source)
        self.skippable = skippable


def parse_event_date(text: str) -> date:
    """Parse an ACLED ``event_date``.

    Parameters
    ----------
    text : str
        ``YYYY-MM-DD`` (ACLED API and current exports), ``dd-mm-yyyy`` (ACLED Codebook) or a
        day, English month name and year such as ``19 December 2025`` or ``19-Dec-2025``.

    Returns
    -------
    datetime.date

    Raises
    ------
    ValueError
        If the text is none of these or names no real day.
    """
    value = text.strip()
    hint = "ACLED dates are YYYY-MM-DD, dd-mm-yyyy or like '19 December 2025'"
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DMY_DATE.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
    elif (match := _LONG_DATE.fullmatch(value)) and match.group(2).lower() in _MONTHS:
        day, year = int(match.group(1)), int(match.group(3))
        month = _MONTHS[match.group(2).lower()]
    else:
        raise ValueError(f"{text!r} is not a date; {hint}")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a date ({error}); {hint}") from None


def parse_time_of_day(value: str | time) -> time:
    """Parse the local time of day given to events, ``HH:MM`` from 00:00 to 23:59.

    Raises
    ------
    ValueError
        If the text is not such a time.
    """
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    match = _TIME_OF_DAY.fullmatch(str(value).strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"{value!r} is not a time of day; write HH:MM from 00:00 to 23:59, e.g. 12:00")
    return time(int(match.group(1)), int(match.group(2)))


def distance_km(latitude: float, longitude: float, latitudes: np.ndarray, longitudes: np.ndarray) -> np.ndarray:
    """Great-circle distances from one point to many (haversine formula).

    Parameters
    ----------
    latitude, longitude : float
        The point [degrees].
    latitudes, longitudes : numpy.ndarray
        The other points [degrees]; NaN gives NaN.

    Returns
    -------
    numpy.ndarray
        Distances [km] on a sphere of radius :data:`EARTH_RADIUS_KM`.
    """
    phi1, lam1 = math.radians(latitude), math.radians(longitude)
    phi2, lam2 = np.radians(np.asarray(latitudes, dtype=float)), np.radians(np.asarray(longitudes, dtype=float))
    half = np.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(half, 0.0, 1.0)))


@dataclass(frozen=True)
class AcledImport:
    """Strikes imported from an ACLED file, and what became of every row.

    Parameters
    ----------
    strikes : DataFrame
        Columns :data:`STRIKE_COLUMNS`: ``strike_id`` and ``source`` are the ACLED
        ``event_id_cnty``; ``time`` is tz-aware in the scenario's time zone (event day at the
        chosen time of day); ``asset_id`` one asset or weighted candidates
        (``SUB-1:0.5|SUB-2:0.5``); ``damage_state`` one state or weights
        (``moderate:0.6|extensive:0.4``); ``killed`` is ACLED ``fatalities`` (Int64, missing
        when not given). Sorted by time, then by line of the file.
    account : DataFrame
        Columns :data:`ACCOUNT_COLUMNS`, one row per data row of the file in file order:
        ``status`` is ``imported`` or ``skipped``, ``reason_code`` one of :data:`REASONS`,
        ``reason`` says why in words; for imported rows the ``asset_id`` cell and the number of
        ``candidates`` (0 for skipped rows), their kinds, the keywords that named them, the
        distance of the nearest [km], the search radius used [km], the ``damage_state`` cell
        and the phrase that set it, the damage phrases read as ``negated``, the ``effects``
        not read as targets, and other assets of the named kinds within the radius that are
        not candidates (``alternatives``).
    source : str
        The ACLED file read.
    scenario : Scenario
        The scenario the events were matched against.
    radius_km : float
        Search radius for ACLED ``geo_precision`` 1 [km]; :data:`GEO_PRECISION_RADIUS_FACTOR`
        times it for 2 and 3.
    time_of_day : datetime.time
        Local time of day given to every strike.
    default_damage_state : str
        Damage state, or weights, of notes without any damage phrase.
    place_margin_km : float
        With ``geo_precision`` 1, how much farther than the nearest asset of the named kinds a
        candidate may lie [km].
    """

    strikes: pd.DataFrame
    account: pd.DataFrame
    source: str
    scenario: Scenario = field(repr=False)
    radius_km: float = DEFAULT_RADIUS_KM
    time_of_day: time = time(0, 0)
    default_damage_state: str = DEFAULT_DAMAGE_STATE
    place_margin_km: float = PLACE_MARGIN_KM

    def summary(self, max_ranges: int | None = None) -> pd.DataFrame:
        """Rows per reason.

        Parameters
        ----------
        max_ranges : int, optional
            Show at most this many line ranges per reason (then ``... (N more)``); all by default.

        Returns
        -------
        DataFrame
            Columns ``reason_code``, ``description``, ``rows`` and ``lines`` (e.g. ``2-4, 9``), one
            row per reason that occurs, in the order of :data:`REASONS`.
        """
        records = []
        for code, description in REASONS.items():
            lines = self.account.loc[self.account["reason_code"] == code, "line"].tolist()
            if lines:
                records.append(
                    {
                        "reason_code": code,
                        "description": description,
                        "rows": len(lines),
                        "lines": line_ranges(lines, max_ranges),
                    }
                )
        return pd.DataFrame(records, columns=["reason_code", "description", "rows", "lines"])

    def strikes_csv(self) -> str:
        """The strikes as the text of a ``strikes.csv`` file (times ISO 8601 with their UTC offset).

        Notes
        -----
        Text taken from the ACLED file (``strike_id``, ``source``, ``notes``) that a spreadsheet
        would read as a formula (starting with ``= + - @``, tab or carriage return) is prefixed
        with ``'`` (:func:`impact.export.cells.neutralise`); the file stays a valid scenario table
        because no other table refers to a strike id. Asset ids are left exactly as in the
        scenario's ``assets.csv`` (changing them would break the reference); ``time``,
        ``damage_state`` and ``killed`` cannot start with those characters.
        """
        frame = self.strikes.copy()
        for name in _NEUTRALISED_STRIKE_COLUMNS:
            frame[name] = frame[name].map(neutralise)
        frame["time"] = [moment.isoformat() for moment in frame["time"]]
        frame["killed"] = ["" if pd.isna(value) else str(int(value)) for value in frame["killed"]]
        return frame.to_csv(index=False, lineterminator="\n")

    def account_csv(self) -> str:
        """The per-row account as CSV text, with formula-like text neutralised.

        Text cells starting with ``= + - @``, tab or carriage return are prefixed with ``'``
        (:func:`impact.export.cells.neutralise_frame`); numbers stay numbers, including the
        coordinates kept as read (``-45.0``).
        """
        return neutralise_frame(self.account, keep_numbers=True).to_csv(index=False, lineterminator="\n")

    def write_strikes(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`strikes_csv` to ``path`` atomically (complete or not at all); return the path."""
        return _write_text(path, self.strikes_csv())

    def write_account(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`account_csv` to ``path`` atomically; return the path."""
        return _write_text(path, self.account_csv())

    def scenario_with_strikes(self) -> Scenario:
        """The scenario with its strikes replaced by the imported ones, checked like ``strikes.csv``.

        Raises
        ------
        ScenarioError
            If a cell of the imported strikes fails the checks of ``strikes.csv`` (it should not).
        """
        text = frame_to_text(self.strikes)
        problems = [problem for problem, _broken in failing_cells(text, STRIKES)]
        if problems:
            raise ScenarioError(problems, self.source)
        return self.scenario.with_strikes(to_typed(text, STRIKES))


def _write_text(path: str | os.PathLike[str], text: str) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))


def line_ranges(lines: Iterable[int], max_ranges: int | None = None) -> str:
    """Line numbers as ranges: ``[2, 3, 4, 9]`` -> ``"2-4, 9"``.

    Parameters
    ----------
    lines : iterable of int
        Line numbers, in any order.
    max_ranges : int, optional
        Show at most this many ranges, then ``... (N more)``; all by default.

    Returns
    -------
    str
    """
    parts: list[str] = []
    ordered = sorted(set(int(line) for line in lines))
    start = previous = None
    for line in [*ordered, None]:
        if previous is not None and line == previous + 1:
            previous = line
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = line
    if max_ranges is not None and len(parts) > max_ranges:
        parts = [*parts[:max_ranges], f"... ({len(parts) - max_ranges} more)"]
    return ", ".join(parts)


def import_acled(
    path: str | os.PathLike[str],
    scenario: str | os.PathLike[str] | Scenario,
    *,
    radius_km: float = DEFAULT_RADIUS_KM,
    time_of_day: str | time = DEFAULT_TIME_OF_DAY,
    default_damage_state: str = DEFAULT_DAMAGE_STATE,
    damage_rules: str | os.PathLike[str] | Sequence[DamageRule] | None = None,
    kind_keywords: Sequence[KindKeyword] | None = None,
    skip_bad_rows: bool = False,
    place_margin_km: float = PLACE_MARGIN_KM,
) -> AcledImport:
    """Read an ACLED-format CSV file and turn its strikes on the scenario's assets into strikes.

    Parameters
    ----------
    path : str or PathLike
        ACLED-format CSV (UTF-8, comma, header row) with at least the columns
        ``event_id_cnty``, ``event_date``, ``event_type``, ``sub_event_type``, ``latitude``,
        ``longitude`` and ``notes``; ``fatalities``, ``time_precision``, ``geo_precision``,
        ``location`` and ``timestamp`` are used when present; other columns are ignored.
    scenario : str, PathLike or Scenario
        Bundled scenario id, scenario folder or loaded scenario.
    radius_km : float, optional
        Search radius around an event of ACLED ``geo_precision`` 1 [km], default 25: the event
        must lie within it of an area centroid or asset of the scenario, and the candidate
        assets within it of the event. :data:`GEO_PRECISION_RADIUS_FACTOR` times it for
        ``geo_precision`` 2 and 3.
    time_of_day : str or datetime.time, optional
        Local time (``HH:MM``, scenario time zone) given to the event day, default 00:00.
    default_damage_state : str, optional
        Damage state, or weights such as ``moderate:0.6|extensive:0.4``, when the notes contain
        no damage phrase; default :data:`impact.acled_rules.DEFAULT_DAMAGE_STATE`.
    damage_rules : path or sequence of DamageRule, optional
        Rules replacing :data:`impact.acled_rules.DAMAGE_RULES`: a CSV file with columns
        ``keyword`` and ``damage_state`` (a state or weights; rows tried top to bottom as in
        :func:`impact.acled_rules.read_damage`) or a sequence of rules.
    kind_keywords : sequence of KindKeyword, optional
        Keyword table replacing :data:`impact.acled_rules.KIND_KEYWORDS`.
    skip_bad_rows : bool, optional
        False (default): any unreadable row (bad date, coordinates or fatalities, wrong
        number of fields) is an error. True: such rows are skipped and listed with reason
        ``bad_row``.
    place_margin_km : float, optional
        With ``geo_precision`` 1, assets of the named kinds up to this much farther [km] than
        the nearest one are candidates too; default :data:`PLACE_MARGIN_KM`.

    Returns
    -------
    AcledImport

    Raises
    ------
    AcledError
        If the file (or the damage-rules file) cannot be read: missing columns, wrong encoding,
        empty file, or bad rows without ``skip_bad_rows``; every problem names file, line and
        column.
    ScenarioError
        If the scenario is invalid.
    FileNotFoundError
        If the scenario is neither a bundled id nor a folder.
    ValueError
        If ``radius_km``, ``place_margin_km``, ``time_of_day`` or ``default_damage_state`` is
        invalid.
    """
    if not _is_distance(radius_km) or radius_km <= 0:
        raise ValueError(f"radius_km must be a number of kilometres > 0, not {radius_km!r}")
    if not _is_distance(place_margin_km):
        raise ValueError(f"place_margin_km must be a number of kilometres >= 0, not {place_margin_km!r}")
    clock = parse_time_of_day(time_of_day)
    default_weights = parse_damage_weights(default_damage_state)
    rules = _damage_rules(damage_rules)
    loaded = load_scenario(scenario)
    source = os.fspath(path)
    frame, bad = _read_events(source, skip_bad_rows)
    rows = frame.to_dict("records")
    matcher = _Matcher(
        loaded,
        float(radius_km),
        float(place_margin_km),
        clock,
        default_weights,
        rules,
        tuple(KIND_KEYWORDS if kind_keywords is None else kind_keywords),
        _kept_lines(rows, bad),
    )
    records = [matcher.account(row, bad) for row in rows]
    account = pd.DataFrame(records, columns=list(ACCOUNT_COLUMNS))
    account["line"] = account["line"].astype("int64")
    account["candidates"] = account["candidates"].astype("int64")
    for column in ("distance_km", "radius_km"):
        account[column] = account[column].astype("float64")
    strikes = _strikes_frame(matcher.strikes, loaded.config.timezone)
    return AcledImport(
        strikes=strikes,
        account=account,
        source=source,
        scenario=loaded,
        radius_km=float(radius_km),
        time_of_day=clock,
        default_damage_state=default_damage_state,
        place_margin_km=float(place_margin_km),
    )


def _is_distance(value: object) -> bool:
    """Whether ``value`` is a finite number >= 0 (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def weighted_cell(pairs: Iterable[tuple[str, float]]) -> str:
    """Write alternatives as a weighted cell whose written weights sum to exactly 1.

    Parameters
    ----------
    pairs : iterable of (str, float)
        Values and weights [1] (> 0; rescaled to sum to 1), in the order to write.

    Returns
    -------
    str
        One value alone, else ``VALUE:WEIGHT|...`` (:func:`impact.scenario.weighted.format_weighted`)
        with weights of :data:`WEIGHT_DECIMALS` decimals: each is rounded down, and the units of
        the last decimal still missing from 1 go to the weights with the largest remainders
        (ties: the first listed). The written weights sum to exactly 1 and each lies within one
        unit of the last decimal of its true value.

    Raises
    ------
    ValueError
        If a written weight would be 0 (a weight below one unit of the last decimal).
    """
    pairs = list(pairs)
    if len(pairs) == 1:
        return format_weighted([(pairs[0][0], 1.0)])
    unit = 10**WEIGHT_DECIMALS
    total = math.fsum(weight for _, weight in pairs)
    scaled = [weight / total * unit for _, weight in pairs]
    units = [math.floor(value + 1e-9) for value in scaled]
    by_remainder = sorted(range(len(pairs)), key=lambda i: (-(scaled[i] - units[i]), i))
    for i in by_remainder[: unit - sum(units)]:
        units[i] += 1
    if min(units) <= 0:
        raise ValueError(f"a weight is below 1e-{WEIGHT_DECIMALS} and cannot be written: {pairs!r}")
    return format_weighted([(value, count / unit) for (value, _), count in zip(pairs, units, strict=True)])


def _damage_rules(rules: str | os.PathLike[str] | Sequence[DamageRule] | None) -> tuple[DamageRule, ...]:
    if rules is None:
        return DAMAGE_RULES
    if isinstance(rules, str | os.PathLike):
        read, problems = read_damage_rules(rules)
        if problems:
            raise AcledError(problems, os.fspath(rules))
        return tuple(read)
    for rule in rules:
        try:
            parse_damage_weights(rule.damage_state)
        except ValueError as error:
            raise ValueError(f"damage rule {rule.keyword!r}: {error}") from None
    return tuple(rules)


def _read_events(source: str, skip_bad_rows: bool) -> tuple[pd.DataFrame, dict[int, str]]:
    """Read the ACLED file as text; return the rows and, per bad line, why it is bad."""
    table = replace(ACLED_TABLE, name=source)
    try:
        raw = Path(source).read_bytes()
    except FileNotFoundError:
        raise AcledError([Problem(source, 0, "-", "file not found")], source) from None
    except OSError as error:
        raise AcledError(
            [Problem(source, 0, "-", f"cannot read the file: {error.strerror or error}")], source
        ) from None
    frame, problems = parse_csv_bytes(raw, table)
    problems = [_acled_hint(problem) for problem in problems]
    if frame is None:
        raise AcledError(problems, source)
    if not len(frame):
        raise AcledError([*problems, Problem(source, 0, "-", "has a header row but no events")], source)
    row_problems = list(problems)
    row_problems += [problem for problem, broken in failing_cells(frame, table) if not broken]
    for date_text, line, broken in zip(frame["event_date"], frame[LINE], frame[BROKEN], strict=True):
        if date_text and not broken:
            try:
                parse_event_date(date_text)
            except ValueError as error:
                row_problems.append(Problem(source, int(line), "event_date", str(error)))
    if row_problems and not skip_bad_rows:
        raise AcledError(row_problems, source, skippable=True)
    bad: dict[int, list[str]] = {}
    for problem in sorted(row_problems):
        where = "row" if problem.column == "-" else problem.column
        bad.setdefault(problem.line, []).append(f"bad {where} on line {problem.line}: {problem.message}")
    return frame, {line: "; ".join(reasons) for line, reasons in bad.items()}


def _kept_lines(rows: list[dict], bad: dict[int, str]) -> dict[str, int]:
    """Per event id, the line of the row to consider.

    ACLED keeps an event's id when it updates the event (its ``timestamp`` changes), so of rows
    sharing an id the one with the latest timestamp wins, then the first; bad rows are left out.
    """
    best: dict[str, tuple[float, int]] = {}
    for row in rows:
        line = int(row[LINE])
        if line in bad:
            continue
        try:
            stamp = float(row.get("timestamp", "") or "nan")
        except ValueError:
            stamp = math.nan
        key = (stamp if math.isfinite(stamp) else -math.inf, -line)
        event_id = str(row["event_id_cnty"])
        if event_id not in best or key > best[event_id]:
            best[event_id] = key
    return {event_id: -key[1] for event_id, key in best.items()}


def _acled_hint(problem: Problem) -> Problem:
    """Point header hints at the ACLED codebook rather than the scenario data format."""
    message = problem.message.replace("as in docs/data-format.md", "as in the ACLED codebook")
    return replace(problem, message=message)


def _strikes_frame(records: list[dict], timezone: str) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=[*STRIKE_COLUMNS, LINE])
    frame["time"] = pd.to_datetime(frame["time"], utc=True).dt.tz_convert(timezone)
    frame["killed"] = pd.array(frame["killed"].tolist(), dtype="Int64")
    frame = frame.sort_values(["time", LINE], kind="stable").drop(columns=[LINE])
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class _Candidates:
    """Candidate assets of one event: indices into the scenario's assets, weights, distances."""

    indices: list[int]
    weights: list[float]
    distances: list[float]
    mention: KindMention
    alternatives: str


class _Matcher:
    """Scenario geometry, time window and rules; decides the fate of one ACLED row at a time."""

    def __init__(
        self,
        scenario: Scenario,
        radius_km: float,
        place_margin_km: float,
        clock: time,
        default_weights: tuple[tuple[str, float], ...],
        rules: tuple[DamageRule, ...],
        keywords: tuple[KindKeyword, ...],
        kept_lines: dict[str, int],
    ) -> None:
        self.radius_km = radius_km
        self.place_margin_km = place_margin_km
        self.clock = clock
        self.default_weights = default_weights
        self.rules = rules
        self.keywords = keywords
        config = scenario.config
        self.timezone = config.timezone
        self.first_day = config.start.tz_convert(config.timezone).date()
        self.end = config.start + pd.Timedelta(hours=config.horizon_hours)
        areas = scenario.areas.set_index("area_id")
        assets = scenario.assets
        own = assets["latitude"].notna() & assets["longitude"].notna()
        area_lat = assets["area_id"].map(areas["latitude"]).astype(float)
        area_lon = assets["area_id"].map(areas["longitude"]).astype(float)
        self.asset_ids = assets["asset_id"].to_numpy(dtype=object)
        self.asset_kinds = assets["kind"].to_numpy(dtype=object)
        self.asset_lat = np.where(own, assets["latitude"], area_lat).astype(float)
        self.asset_lon = np.where(own, assets["longitude"], area_lon).astype(float)
        centred = areas["latitude"].notna() & areas["longitude"].notna()
        self.reference_lat = np.concatenate([areas.loc[centred, "latitude"].to_numpy(float), self.asset_lat])
        self.reference_lon = np.concatenate([areas.loc[centred, "longitude"].to_numpy(float), self.asset_lon])
        self.kinds_present = set(self.asset_kinds)
        self.classes = restoration_class_of(assets)
        self.curves = set(
            zip(scenario.restoration["restoration_class"], scenario.restoration["damage_state"], strict=True)
        )
        self.kept_lines = kept_lines
        self.strikes: list[dict] = []

    # --- one row ---------------------------------------------------------------------------

    def account(self, row: dict, bad: dict[int, str]) -> dict:
        """The account record of one ACLED row; appends to :attr:`strikes` when it is imported."""
        line = int(row[LINE])
        record: dict[str, object] = {column: "" for column in ACCOUNT_COLUMNS}
        record.update(
            {
                "line": line,
                "candidates": 0,
                "distance_km": np.nan,
                "radius_km": np.nan,
                **{
                    column: row.get(column, "")
                    for column in (
                        "event_id_cnty",
                        "event_date",
                        "event_type",
                        "sub_event_type",
                        "location",
                        "latitude",
                        "longitude",
                        "geo_precision",
                    )
                },
            }
        )
        reason = self._skip_reason(row, line, bad)
        if reason is not None:
            code, text = reason
            record.update(status="skipped", reason_code=code, reason=text)
            return record
        day = parse_event_date(row["event_date"])
        precision = str(row.get("time_precision", "")).strip()
        if precision and float(precision) != 1:
            record["date_note"] = (
                f"ACLED time_precision {precision}: the date is less certain than the day; "
                "checked against the window as given"
            )
        window = self._window_reason(day)
        if window is not None:
            record.update(status="skipped", reason_code="outside_time_window", reason=window)
            return record
        latitude, longitude = float(row["latitude"]), float(row["longitude"])
        geo_text = str(row.get("geo_precision", "")).strip()
        geo_precision = int(float(geo_text)) if geo_text else 1
        radius = self.radius_km * GEO_PRECISION_RADIUS_FACTOR[geo_precision]
        record["radius_km"] = radius
        outside = self._outside_reason(latitude, longitude, radius)
        if outside is not None:
            record.update(status="skipped", reason_code="outside_areas", reason=outside)
            return record
        notes = str(row.get("notes", ""))
        targets, effects = mask_effects(notes)
        record["effects"] = "; ".join(effects)
        mentions = kind_mentions(targets, self.keywords)
        if not mentions:
            if kind_mentions(notes, self.keywords):
                record.update(
                    status="skipped",
                    reason_code="effects_only",
                    reason="the notes name asset kinds only in effects ("
                    + "; ".join(f"'{effect}'" for effect in effects)
                    + "), not what was hit (see docs/user-guide.md, section 6)",
                )
            else:
                record.update(
                    status="skipped",
                    reason_code="no_kind_in_notes",
                    reason="no asset kind named in the notes (see the keyword table in docs/user-guide.md)",
                )
            return record
        found = self._candidates(latitude, longitude, mentions, radius, geo_precision)
        if isinstance(found, str):
            record.update(status="skipped", reason_code="no_asset_in_range", reason=found)
            return record
        ids = [str(self.asset_ids[i]) for i in found.indices]
        kinds = list(dict.fromkeys(str(self.asset_kinds[i]) for i in found.indices))
        keywords = list(dict.fromkeys(found.mention.keywords[kind] for kind in kinds))
        reading = read_damage(notes, self.rules, self.default_weights)
        state_cell = weighted_cell(reading.weights)
        record.update(
            kind=", ".join(kinds),
            keyword=", ".join(keywords),
            distance_km=round(min(found.distances), 3),
            damage_state=state_cell,
            damage_keyword=reading.phrase,
            negated="; ".join(reading.negated),
            alternatives=found.alternatives,
            candidates=len(ids),
        )
        if len(ids) > 1 and any(ALTERNATIVE_SEPARATOR in asset_id for asset_id in ids):
            piped = ", ".join(asset_id for asset_id in ids if ALTERNATIVE_SEPARATOR in asset_id)
            record.update(
                status="skipped",
                reason_code="pipe_in_candidate_id",
                candidates=0,
                reason=f"{len(ids)} candidate assets and the id of {piped} contains '|', which a weighted "
                "asset_id cannot hold; rename the asset in assets.csv or write this strike by hand",
            )
            return record
        asset_cell = weighted_cell(zip(ids, found.weights, strict=True))
        record["asset_id"] = asset_cell
        missing = self._missing_curves(ids, reading)
        if missing:
            record.update(status="skipped", reason_code="no_restoration_curve", candidates=0, reason=missing)
            return record
        moment = self._strike_time(day)
        event_id = str(row["event_id_cnty"])
        fatalities = str(row.get("fatalities", "")).strip()
        span = _km_span(found.distances)
        place = (
            f"{len(ids)} candidate assets ({', '.join(kinds)}) named by {_quoted(keywords)}, {span} from the event"
            if len(ids) > 1
            else f"asset named by '{keywords[0]}', {span} from the event"
        )
        how = (
            f"every one within {radius:g} km: geo_precision {geo_precision}"
            if geo_precision > 1
            else f"the nearest place, up to {self.place_margin_km:g} km farther than the nearest"
        )
        self.strikes.append(
            {
                "strike_id": event_id,
                "time": moment,
                "asset_id": asset_cell,
                "damage_state": state_cell,
                "killed": int(float(fatalities)) if fatalities else pd.NA,
                "source": event_id,
                "notes": _strike_notes(notes, place, geo_text, radius, reading, state_cell, effects, self.clock),
                LINE: line,
            }
        )
        record.update(
            status="imported",
            reason_code="imported" if len(ids) == 1 else "imported_candidates",
            reason=(
                f"{kinds[0]} {ids[0]} named by '{keywords[0]}', {found.distances[0]:.1f} km away"
                if len(ids) == 1
                else f"{len(ids)} candidates ({', '.join(kinds)}) named by {_quoted(keywords)}, {span} away ({how})"
            )
            + f"; damage {state_cell}",
            strike_id=event_id,
            time=moment.isoformat(),
        )
        return record

    def _skip_reason(self, row: dict, line: int, bad: dict[int, str]) -> tuple[str, str] | None:
        """Reasons decided before dates and places are looked at."""
        if line in bad:
            return "bad_row", bad[line]
        event_id = str(row["event_id_cnty"])
        kept = self.kept_lines.get(event_id, line)
        if kept != line:
            return "duplicate_event", (
                f"same event_id_cnty {event_id} as line {kept}, the row considered instead "
                "(the latest ACLED timestamp, else the first row)"
            )
        if row["event_type"] != STRIKE_EVENT_TYPE:
            return "not_a_strike", f"event type {row['event_type']!r} is not a strike"
        if row["sub_event_type"] not in STRIKE_SUB_EVENT_TYPES:
            return "not_a_strike", (
                f"sub-event type {row['sub_event_type']!r} is not a strike "
                f"(strikes are {' and '.join(repr(s) for s in STRIKE_SUB_EVENT_TYPES)})"
            )
        return None

    def _midnight(self, day: date) -> pd.Timestamp:
        return _local(datetime.combine(day, time(0, 0)), self.timezone)

    def _strike_time(self, day: date) -> pd.Timestamp:
        return _local(datetime.combine(day, self.clock), self.timezone)

    def _window_reason(self, day: date) -> str | None:
        if day < self.first_day:
            return f"outside the time window: {day} is before the scenario's first day {self.first_day}"
        if self._midnight(day) >= self.end:
            end = self.end.tz_convert(self.timezone)
            return (
                f"outside the time window: {day} starts at or after the end of the horizon "
                f"({end.strftime('%Y-%m-%d %H:%M')} {_offset(end)})"
            )
        return None

    def _outside_reason(self, latitude: float, longitude: float, radius: float) -> str | None:
        distances = distance_km(latitude, longitude, self.reference_lat, self.reference_lon)
        if not np.isfinite(distances).any():
            return "outside the scenario's areas: neither areas.csv nor assets.csv gives latitude/longitude"
        nearest = float(np.nanmin(distances))
        if nearest <= radius:
            return None
        return (
            f"outside the scenario's areas: no area centroid or asset within {radius:g} km (nearest {nearest:.1f} km)"
        )

    def _candidates(
        self, latitude: float, longitude: float, mentions: list[KindMention], radius: float, geo_precision: int
    ) -> _Candidates | str:
        """Candidate assets of the named kinds, tier by tier (docs/user-guide.md, section 6); else why none."""
        distances = distance_km(latitude, longitude, self.asset_lat, self.asset_lon)
        order = np.arange(len(self.asset_ids))
        for mention in mentions:
            rank = {kind: number for number, kind in enumerate(mention.kinds)}
            kind_rank = np.array([rank.get(kind, -1) for kind in self.asset_kinds], dtype=int)
            usable = (kind_rank >= 0) & np.isfinite(distances) & (distances <= radius)
            if not usable.any():
                continue
            nearest = float(distances[usable].min())
            reach = radius if geo_precision > 1 else min(radius, nearest + self.place_margin_km)
            chosen = usable & (distances <= reach)
            present = sorted(set(kind_rank[chosen].tolist()))
            share = {level: 1.0 / (position + 1) for position, level in enumerate(present)}
            total = math.fsum(share.values())
            counts = {level: int((kind_rank[chosen] == level).sum()) for level in present}
            indices = order[chosen]
            weights = np.array([share[kind_rank[i]] / total / counts[kind_rank[i]] for i in indices])
            ranked = indices[np.lexsort((indices, np.round(distances[indices], 6), kind_rank[indices]))]
            weight_of = dict(zip(indices.tolist(), weights.tolist(), strict=True))
            others = order[usable & ~chosen]
            others = others[np.lexsort((others, np.round(distances[others], 6)))]
            listed = [f"{self.asset_ids[i]} ({distances[i]:.1f} km)" for i in others[:MAX_ALTERNATIVES]]
            if len(others) > MAX_ALTERNATIVES:
                listed.append(f"... ({len(others) - MAX_ALTERNATIVES} more)")
            return _Candidates(
                indices=[int(i) for i in ranked],
                weights=[weight_of[int(i)] for i in ranked],
                distances=[float(distances[i]) for i in ranked],
                mention=mention,
                alternatives="; ".join(listed),
            )
        return self._none_in_range(distances, mentions[0], radius)

    def _none_in_range(self, distances: np.ndarray, mention: KindMention, radius: float) -> str:
        named = ", ".join(f"{kind} ('{mention.keywords[kind]}')" for kind in mention.kinds)
        present = [kind for kind in mention.kinds if kind in self.kinds_present]
        if not present:
            return f"no asset of a kind named in the notes: the scenario has no {named}"
        of_kind = np.isin(self.asset_kinds, present) & np.isfinite(distances)
        if not of_kind.any():
            return f"no asset of a kind named in the notes ({named}) has a position (latitude/longitude)"
        nearest = int(np.flatnonzero(of_kind)[np.argmin(distances[of_kind])])
        return (
            f"no asset of a kind named in the notes ({named}) within {radius:g} km "
            f"(nearest {self.asset_ids[nearest]}, {distances[nearest]:.1f} km)"
        )

    def _missing_curves(self, asset_ids: list[str], reading: DamageReading) -> str:
        """Why some candidate has no restoration curve for a damage state with weight; "" if all have one."""
        states = [state for state, _weight in reading.weights if state != "none"]
        lacking: dict[str, tuple[list[str], list[str]]] = {}
        for asset_id in asset_ids:
            klass = self.classes.get(asset_id, "")
            absent = [state for state in states if (klass, state) not in self.curves]
            if absent:
                lacking.setdefault(klass, ([], absent))[0].append(asset_id)
        parts = [
            f"asset{'s' if len(ids) > 1 else ''} {', '.join(ids)} (class {klass!r}) "
            f"{'have' if len(ids) > 1 else 'has'} no restoration curve at {', '.join(map(repr, absent))}"
            for klass, (ids, absent) in lacking.items()
        ]
        if not parts:
            return ""
        return "; ".join(parts) + "; add rows to the scenario's restoration.csv"


def _km_span(distances: list[float]) -> str:
    low, high = f"{min(distances):.1f}", f"{max(distances):.1f}"
    return f"{low} km" if low == high else f"{low}-{high} km"


def _quoted(words: list[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)


def _local(moment: datetime, timezone: str) -> pd.Timestamp:
    """Localise a naive time to ``timezone``.

    A time skipped by a clock change moves forward to the first existing one; a repeated one is
    taken at its first occurrence (summer time).
    """
    return pd.Timestamp(moment).tz_localize(timezone, nonexistent="shift_forward", ambiguous=True)


def _offset(moment: pd.Timestamp) -> str:
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def _strike_notes(
    notes: str,
    place: str,
    geo_precision: str,
    radius: float,
    reading: DamageReading,
    state_cell: str,
    effects: tuple[str, ...],
    clock: time,
) -> str:
    """ACLED notes followed by how the import read them."""
    parts = [
        f"{place} (ACLED geo_precision {geo_precision or 'not given'}: radius {radius:g} km)",
        f"damage {state_cell} by {reading.description}",
    ]
    if effects:
        parts.append(f"effects not read as targets: {_quoted(list(effects))}")
    parts.append(f"ACLED gives the day only, time of day {clock:%H:%M} assumed")
    tag = f"[impact import-acled: {'; '.join(parts)}]"
    return f"{notes} {tag}" if notes else tag
