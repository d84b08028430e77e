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
3. keep events within ``radius_km`` of an area centroid or an asset of the scenario;
4. find the asset kinds the notes name (:data:`impact.acled_rules.KIND_KEYWORDS`) and take the
   nearest asset of those kinds within ``radius_km``; an asset's position is its own
   latitude/longitude, else the centroid of its area;
5. set the damage state from the notes (:data:`impact.acled_rules.DAMAGE_RULES`, first
   matching phrase wins, else the default ``moderate``);
6. time the strike at ``time_of_day`` (default 00:00) local time of the event day: ACLED gives
   the day only, so the time is precise to a day.

Every row of the file is accounted for in :attr:`AcledImport.account`: imported, or skipped
with its reason.

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
    DamageRule,
    KindKeyword,
    first_damage_rule,
    kind_mentions,
    read_damage_rules,
)
from impact.export.atomic import atomic_write
from impact.export.cells import neutralise, neutralise_frame
from impact.restoration import restoration_class_of
from impact.scenario import Scenario, load_scenario
from impact.scenario.cells import failing_cells, to_typed
from impact.scenario.csv_text import BROKEN, LINE, frame_to_text, parse_csv_bytes
from impact.scenario.problems import Problem, ScenarioError
from impact.scenario.schema import DAMAGE_STATES, STRIKES, Column, Table

__all__ = [
    "ACCOUNT_COLUMNS",
    "DEFAULT_RADIUS_KM",
    "DEFAULT_TIME_OF_DAY",
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
]

#: ACLED event type of strikes.
STRIKE_EVENT_TYPE = "Explosions/Remote violence"

#: ACLED sub-event types of strikes.
STRIKE_SUB_EVENT_TYPES: tuple[str, ...] = ("Air/drone strike", "Shelling/artillery/missile attack")

#: Default search radius around an event [km]: asset positions are area centroids, which can
#: lie some 20 km from the town ACLED names.
DEFAULT_RADIUS_KM = 25.0

#: Default local time of day given to an event (ACLED dates are days) [HH:MM].
DEFAULT_TIME_OF_DAY = "00:00"

#: Mean radius of the Earth [km] (IUGG), for great-circle distances.
EARTH_RADIUS_KM = 6371.0088

#: Most alternative assets listed per imported row of the account.
MAX_ALTERNATIVES = 5

#: Why a row was or was not imported: code -> description, in the order of the checks.
REASONS: dict[str, str] = {
    "imported": "imported as a strike",
    "bad_row": "row cannot be read (bad date, coordinates or fatalities, wrong number of fields)",
    "duplicate_event": "another row has the same event_id_cnty (an older version of the event)",
    "not_a_strike": "event or sub-event type is not a strike",
    "outside_time_window": "event day outside the scenario's time window",
    "outside_areas": "no area centroid or asset of the scenario within the radius",
    "no_kind_in_notes": "the notes name no asset kind",
    "no_asset_in_range": "no asset of a kind named in the notes within the radius",
    "no_restoration_curve": "the asset's restoration class has no curve for the damage state",
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
    "status",
    "reason_code",
    "reason",
    "strike_id",
    "time",
    "asset_id",
    "kind",
    "keyword",
    "distance_km",
    "damage_state",
    "damage_keyword",
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
        chosen time of day); ``killed`` is ACLED ``fatalities`` (Int64, missing when not given).
        Sorted by time, then by line of the file.
    account : DataFrame
        Columns :data:`ACCOUNT_COLUMNS`, one row per data row of the file in file order:
        ``status`` is ``imported`` or ``skipped``, ``reason_code`` one of :data:`REASONS`,
        ``reason`` says why in words; for imported rows the asset, its kind, the keyword that
        named it, the distance [km], the damage state and the phrase that set it, and the
        other assets that were as good a match or nearly (``alternatives``).
    source : str
        The ACLED file read.
    scenario : Scenario
        The scenario the events were matched against.
    radius_km : float
        Search radius used [km].
    time_of_day : datetime.time
        Local time of day given to every strike.
    default_damage_state : str
        Damage state of notes without any damage phrase.
    """

    strikes: pd.DataFrame
    account: pd.DataFrame
    source: str
    scenario: Scenario = field(repr=False)
    radius_km: float = DEFAULT_RADIUS_KM
    time_of_day: time = time(0, 0)
    default_damage_state: str = DEFAULT_DAMAGE_STATE

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
        because no other table refers to a strike id. ``asset_id`` is left exactly as in the
        scenario's ``assets.csv`` (changing it would break the reference); ``time``,
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
) -> AcledImport:
    """Read an ACLED-format CSV file and turn its strikes on the scenario's assets into strikes.

    Parameters
    ----------
    path : str or PathLike
        ACLED-format CSV (UTF-8, comma, header row) with at least the columns
        ``event_id_cnty``, ``event_date``, ``event_type``, ``sub_event_type``, ``latitude``,
        ``longitude`` and ``notes``; ``fatalities``, ``time_precision`` and ``location`` are
        used when present; other columns are ignored.
    scenario : str, PathLike or Scenario
        Bundled scenario id, scenario folder or loaded scenario.
    radius_km : float, optional
        Search radius around an event [km], default 25: the event must lie within it of an
        area centroid or asset of the scenario, and the struck asset within it of the event.
    time_of_day : str or datetime.time, optional
        Local time (``HH:MM``, scenario time zone) given to the event day, default 00:00.
    default_damage_state : str, optional
        Damage state when the notes contain no damage phrase, default ``moderate``.
    damage_rules : path or sequence of DamageRule, optional
        Rules replacing :data:`impact.acled_rules.DAMAGE_RULES`: a CSV file with columns
        ``keyword`` and ``damage_state`` (first matching row wins) or a sequence of rules.
    kind_keywords : sequence of KindKeyword, optional
        Keyword table replacing :data:`impact.acled_rules.KIND_KEYWORDS`.
    skip_bad_rows : bool, optional
        False (default): any unreadable row (bad date, coordinates or fatalities, wrong
        number of fields) is an error. True: such rows are skipped and listed with reason
        ``bad_row``.

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
        If ``radius_km``, ``time_of_day`` or ``default_damage_state`` is invalid.
    """
    if (
        not isinstance(radius_km, int | float)
        or isinstance(radius_km, bool)
        or not (math.isfinite(radius_km) and radius_km > 0)
    ):
        raise ValueError(f"radius_km must be a number of kilometres > 0, not {radius_km!r}")
    clock = parse_time_of_day(time_of_day)
    if default_damage_state not in DAMAGE_STATES:
        raise ValueError(f"{default_damage_state!r} is not a damage state; choose one of {', '.join(DAMAGE_STATES)}")
    rules = _damage_rules(damage_rules)
    loaded = load_scenario(scenario)
    source = os.fspath(path)
    frame, bad = _read_events(source, skip_bad_rows)
    rows = frame.to_dict("records")
    matcher = _Matcher(
        loaded,
        float(radius_km),
        clock,
        default_damage_state,
        rules,
        tuple(KIND_KEYWORDS if kind_keywords is None else kind_keywords),
        _kept_lines(rows, bad),
    )
    records = [matcher.account(row, bad) for row in rows]
    account = pd.DataFrame(records, columns=list(ACCOUNT_COLUMNS))
    account["line"] = account["line"].astype("int64")
    account["distance_km"] = account["distance_km"].astype("float64")
    strikes = _strikes_frame(matcher.strikes, loaded.config.timezone)
    return AcledImport(
        strikes=strikes,
        account=account,
        source=source,
        scenario=loaded,
        radius_km=float(radius_km),
        time_of_day=clock,
        default_damage_state=default_damage_state,
    )


def _damage_rules(rules: str | os.PathLike[str] | Sequence[DamageRule] | None) -> tuple[DamageRule, ...]:
    if rules is None:
        return DAMAGE_RULES
    if isinstance(rules, str | os.PathLike):
        read, problems = read_damage_rules(rules)
        if problems:
            raise AcledError(problems, os.fspath(rules))
        return tuple(read)
    for rule in rules:
        if rule.damage_state not in DAMAGE_STATES:
            raise ValueError(f"damage rule {rule.keyword!r}: {rule.damage_state!r} is not a damage state")
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


class _Matcher:
    """Scenario geometry, time window and rules; decides the fate of one ACLED row at a time."""

    def __init__(
        self,
        scenario: Scenario,
        radius_km: float,
        clock: time,
        default_state: str,
        rules: tuple[DamageRule, ...],
        keywords: tuple[KindKeyword, ...],
        kept_lines: dict[str, int],
    ) -> None:
        self.radius_km = radius_km
        self.clock = clock
        self.default_state = default_state
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
        record = {column: "" for column in ACCOUNT_COLUMNS}
        record.update(
            {
                "line": line,
                "distance_km": np.nan,
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
        outside = self._outside_reason(latitude, longitude)
        if outside is not None:
            record.update(status="skipped", reason_code="outside_areas", reason=outside)
            return record
        notes = str(row.get("notes", ""))
        mentions = kind_mentions(notes, self.keywords)
        if not mentions:
            record.update(
                status="skipped",
                reason_code="no_kind_in_notes",
                reason="no asset kind named in the notes (see the keyword table in docs/user-guide.md)",
            )
            return record
        choice = self._nearest(latitude, longitude, mentions)
        if isinstance(choice, str):
            record.update(status="skipped", reason_code="no_asset_in_range", reason=choice)
            return record
        index, distance, keyword, alternatives = choice
        asset_id, kind = str(self.asset_ids[index]), str(self.asset_kinds[index])
        rule = first_damage_rule(notes, self.rules)
        state = rule.damage_state if rule else self.default_state
        klass = self.classes.get(asset_id, "")
        if state != "none" and (klass, state) not in self.curves:
            record.update(
                status="skipped",
                reason_code="no_restoration_curve",
                asset_id=asset_id,
                kind=kind,
                damage_state=state,
                reason=f"asset {asset_id} (class {klass!r}) has no restoration curve at {state!r}; "
                "add a row to the scenario's restoration.csv",
            )
            return record
        moment = self._strike_time(day)
        event_id = str(row["event_id_cnty"])
        damage_text = f"the phrase '{rule.keyword}'" if rule else "default (no damage phrase in the notes)"
        fatalities = str(row.get("fatalities", "")).strip()
        self.strikes.append(
            {
                "strike_id": event_id,
                "time": moment,
                "asset_id": asset_id,
                "damage_state": state,
                "killed": int(float(fatalities)) if fatalities else pd.NA,
                "source": event_id,
                "notes": _strike_notes(notes, keyword, distance, damage_text, state, self.clock),
                LINE: line,
            }
        )
        record.update(
            status="imported",
            reason_code="imported",
            reason=f"{kind} {asset_id} named by '{keyword}', {distance:.1f} km away; damage {state}",
            strike_id=event_id,
            time=moment.isoformat(),
            asset_id=asset_id,
            kind=kind,
            keyword=keyword,
            distance_km=round(distance, 3),
            damage_state=state,
            damage_keyword=rule.keyword if rule else "",
            alternatives=alternatives,
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

    def _outside_reason(self, latitude: float, longitude: float) -> str | None:
        distances = distance_km(latitude, longitude, self.reference_lat, self.reference_lon)
        if not np.isfinite(distances).any():
            return "outside the scenario's areas: neither areas.csv nor assets.csv gives latitude/longitude"
        nearest = float(np.nanmin(distances))
        if nearest <= self.radius_km:
            return None
        return (
            f"outside the scenario's areas: no area centroid or asset within {self.radius_km:g} km "
            f"(nearest {nearest:.1f} km)"
        )

    def _nearest(self, latitude: float, longitude: float, mentions) -> tuple[int, float, str, str] | str:
        """Nearest asset of the named kinds in range, tier by tier; else why there is none."""
        distances = distance_km(latitude, longitude, self.asset_lat, self.asset_lon)
        order = np.arange(len(self.asset_ids))
        for mention in mentions:
            rank = {kind: number for number, kind in enumerate(mention.kinds)}
            kind_rank = np.array([rank.get(kind, -1) for kind in self.asset_kinds])
            usable = (kind_rank >= 0) & np.isfinite(distances) & (distances <= self.radius_km)
            if not usable.any():
                continue
            candidates = order[usable]
            ranked = candidates[np.lexsort((candidates, kind_rank[usable], np.round(distances[usable], 6)))]
            best = int(ranked[0])
            others = [f"{self.asset_ids[i]} ({distances[i]:.1f} km)" for i in ranked[1 : MAX_ALTERNATIVES + 1]]
            if len(ranked) > MAX_ALTERNATIVES + 1:
                others.append(f"... ({len(ranked) - 1 - MAX_ALTERNATIVES} more)")
            keyword = mention.keywords[str(self.asset_kinds[best])]
            return best, float(distances[best]), keyword, "; ".join(others)
        return self._none_in_range(distances, mentions[0])

    def _none_in_range(self, distances: np.ndarray, mention) -> str:
        named = ", ".join(f"{kind} ('{mention.keywords[kind]}')" for kind in mention.kinds)
        present = [kind for kind in mention.kinds if kind in self.kinds_present]
        if not present:
            return f"no asset of a kind named in the notes: the scenario has no {named}"
        of_kind = np.isin(self.asset_kinds, present) & np.isfinite(distances)
        if not of_kind.any():
            return f"no asset of a kind named in the notes ({named}) has a position (latitude/longitude)"
        nearest = int(np.flatnonzero(of_kind)[np.argmin(distances[of_kind])])
        return (
            f"no asset of a kind named in the notes ({named}) within {self.radius_km:g} km "
            f"(nearest {self.asset_ids[nearest]}, {distances[nearest]:.1f} km)"
        )


def _local(moment: datetime, timezone: str) -> pd.Timestamp:
    """Localise a naive time to ``timezone``.

    A time skipped by a clock change moves forward to the first existing one; a repeated one is
    taken at its first occurrence (summer time).
    """
    return pd.Timestamp(moment).tz_localize(timezone, nonexistent="shift_forward", ambiguous=True)


def _offset(moment: pd.Timestamp) -> str:
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def _strike_notes(notes: str, keyword: str, distance: float, damage: str, state: str, clock: time) -> str:
    """ACLED notes followed by how the import read them."""
    tag = (
        f"[impact import-acled: asset named by '{keyword}', {distance:.1f} km from the event; damage {state} "
        f"by {damage}; ACLED gives the day only, time of day {clock:%H:%M} assumed]"
    )
    return f"{notes} {tag}" if notes else tag
