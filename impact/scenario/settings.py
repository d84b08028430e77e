"""``scenario.toml``: reading and checking a scenario's settings."""

from __future__ import annotations

import math
import numbers
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from impact.scenario.cells import parse_time
from impact.scenario.csv_text import read_file_bytes
from impact.scenario.problems import Problem, did_you_mean
from impact.scenario.schema import (
    DAMAGE_STATES,
    DISTRIBUTIONS,
    GRID_DEFAULTS,
    HEAT_DEFAULTS,
    KINDS,
    MAX_SEED,
    NEEDS_DEFAULTS,
    SCENARIO_KEYS,
    SETTINGS_FILE,
)

__all__ = [
    "FILE",
    "MAX_QUEUES",
    "MAX_STEPS",
    "SECTIONS",
    "GridSettings",
    "HeatSettings",
    "NeedsSettings",
    "ScenarioSettings",
    "check_beyond_hours",
    "check_demand_profile",
    "check_fraction",
    "check_kept_capacity",
    "check_kinds",
    "check_plan_quantile",
    "check_quantiles",
    "check_queues",
    "read_settings",
    "section_line",
    "settings_from_dict",
]

#: Name of the settings file in a scenario folder.
FILE = SETTINGS_FILE

#: Largest number of time steps on the axis (ten years of hourly steps).
MAX_STEPS = 87_600


#: Sections of ``scenario.toml``.
SECTIONS: tuple[str, ...] = ("scenario", "run", "needs", "boundaries", "uncertainty", "grid", "heat")

#: Largest ``[grid] queues``: one queue per hour of the day.
MAX_QUEUES = 24

#: Hours of the daily demand profile (``[grid] demand_profile``).
_PROFILE_HOURS = 24

#: Damage states of ``[grid] kept_capacity``: every state that starts an outage.
_KEPT_STATES: tuple[str, ...] = DAMAGE_STATES[1:]


@dataclass(frozen=True)
class NeedsSettings:
    """Planning figures that turn outages into needs (``[needs]`` of ``scenario.toml``).

    Every default has its source in :data:`impact.scenario.schema.SCENARIO_KEYS` and ``docs/needs.md``.

    Parameters
    ----------
    water_litres_per_person_day : float
        Water to deliver per person without water [L/person/day]; default 15 (Sphere
        Handbook 2018, water supply standard 2.1).
    truck_capacity_litres : float
        Water one truck delivers per trip [L]; default 10,000 (assumption).
    heating_after_hours : float
        People whose heat outage has lasted at least this long need heating-point places
        [hours]; default 24 (Ukrainian Invincibility Points, 2022).
    heating_below_celsius : float
        With an outdoor temperature series: below this, everyone without heat needs a place
        at once [°C]; default 0 (assumption, after WHO Housing and Health Guidelines 2018).
    heating_uptake : float
        Share of the people exposed to cold who take a heating-point place, in [0, 1] [1];
        default 0.05 (assumption).
    power_after_hours : float
        People without power this long are exposed to cold [hours]; default 24
        (Invincibility Points).
    water_stored_hours : float
        Hours households bridge with stored water before water must be delivered, >= 0
        [hours]; default 12 (assumption).
    generator_load : float
        Share of its rating a site's generator runs at, in [0, 1] [1]; default 0.75 (assumption).
    diesel_litres_per_kwh : float
        Fuel per kWh produced, > 0 [L/kWh]; default 0.27 (assumption).
    critical_kinds : tuple of str
        Asset kinds whose sites count for generator hours (assumption).
    """

    water_litres_per_person_day: float = float(NEEDS_DEFAULTS["water_litres_per_person_day"])
    truck_capacity_litres: float = float(NEEDS_DEFAULTS["truck_capacity_litres"])
    heating_after_hours: float = float(NEEDS_DEFAULTS["heating_after_hours"])
    heating_below_celsius: float = float(NEEDS_DEFAULTS["heating_below_celsius"])
    heating_uptake: float = float(NEEDS_DEFAULTS["heating_uptake"])
    power_after_hours: float = float(NEEDS_DEFAULTS["power_after_hours"])
    water_stored_hours: float = float(NEEDS_DEFAULTS["water_stored_hours"])
    generator_load: float = float(NEEDS_DEFAULTS["generator_load"])
    diesel_litres_per_kwh: float = float(NEEDS_DEFAULTS["diesel_litres_per_kwh"])
    critical_kinds: tuple[str, ...] = tuple(NEEDS_DEFAULTS["critical_kinds"])

    def __post_init__(self) -> None:
        for name in ("heating_uptake", "generator_load"):
            if (reason := check_fraction(getattr(self, name))) is not None:
                raise ValueError(f"{name} {reason}")
        if (reason := _non_negative(self.water_stored_hours)) is not None:
            raise ValueError(f"water_stored_hours {reason}")
        positive = (
            "water_litres_per_person_day",
            "truck_capacity_litres",
            "heating_after_hours",
            "power_after_hours",
            "diesel_litres_per_kwh",
        )
        for name in positive:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"{name} must be a number > 0, not {value!r}")
        value = self.heating_below_celsius
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"heating_below_celsius must be a number, not {value!r}")
        reason = check_kinds(
            list(self.critical_kinds) if isinstance(self.critical_kinds, list | tuple) else self.critical_kinds
        )
        if reason:
            raise ValueError(f"critical_kinds {reason}")
        object.__setattr__(self, "critical_kinds", tuple(self.critical_kinds))


@dataclass(frozen=True)
class GridSettings:
    """The grid's capacity balance and load shedding (``[grid]`` of ``scenario.toml``).

    The grid model is active when any asset of ``assets.csv`` has a ``capacity_mw``; these
    settings say how demand is computed and shed. Every default has its source, or is marked
    as an assumption, in :data:`impact.scenario.schema.SCENARIO_KEYS`.

    Parameters
    ----------
    demand_kw_per_person : float
        Demand per resident at the profile's peak, before the temperature factor
        [kW/person]; default 0.5 (assumption).
    demand_profile : tuple of float
        24 multipliers of demand, one per local hour 0..23, each >= 0 and at least one > 0 [1];
        default :data:`impact.scenario.schema.GRID_DEFAULTS` ``["demand_profile"]`` (assumption).
    demand_reference_celsius : float
        Outdoor temperature at which the temperature factor is 1 [°C]; default 0.
    demand_change_per_degree : float
        Relative change of demand per degree below the reference [1/°C], >= 0; default 0.015
        (assumption). The factor is ``max(0, 1 + change * (reference - T))``.
    queues : int
        Queues a zone's grid customers are split into for load shedding, 1 to 24; default 6.
    cut_block_hours : float
        Length of one cut of a queue [hours], > 0; default 4 (assumption).
    partial_damage : bool
        Whether a struck supply asset keeps ``kept_capacity`` of its capacity until repaired;
        default False (a struck asset supplies nothing, as without ``[grid]``).
    kept_capacity : dict of str to float
        Share of its capacity a struck supply asset keeps, by damage state (keys ``slight``,
        ``moderate``, ``extensive``, ``complete``), each in [0, 1] [1] (assumption).
    present : bool
        Whether ``scenario.toml`` has a ``[grid]`` section.

    Raises
    ------
    ValueError
        If a value is out of its range (the messages of ``scenario.toml``'s checks).
    """

    demand_kw_per_person: float = float(GRID_DEFAULTS["demand_kw_per_person"])
    demand_profile: tuple[float, ...] = tuple(GRID_DEFAULTS["demand_profile"])
    demand_reference_celsius: float = float(GRID_DEFAULTS["demand_reference_celsius"])
    demand_change_per_degree: float = float(GRID_DEFAULTS["demand_change_per_degree"])
    queues: int = int(GRID_DEFAULTS["queues"])
    cut_block_hours: float = float(GRID_DEFAULTS["cut_block_hours"])
    partial_damage: bool = bool(GRID_DEFAULTS["partial_damage"])
    kept_capacity: dict[str, float] = field(default_factory=lambda: dict(GRID_DEFAULTS["kept_capacity"]), hash=False)
    present: bool = False

    def __post_init__(self) -> None:
        for name in ("demand_kw_per_person", "cut_block_hours"):
            if (reason := _positive(getattr(self, name))) is not None:
                raise ValueError(f"{name} {reason}")
        if (reason := _finite(self.demand_reference_celsius)) is not None:
            raise ValueError(f"demand_reference_celsius {reason}")
        if (reason := _non_negative(self.demand_change_per_degree)) is not None:
            raise ValueError(f"demand_change_per_degree {reason}")
        if (reason := check_demand_profile(self.demand_profile)) is not None:
            raise ValueError(f"demand_profile {reason}")
        if (reason := check_queues(self.queues)) is not None:
            raise ValueError(f"queues {reason}")
        if not isinstance(self.partial_damage, bool):
            raise ValueError(f"partial_damage {self.partial_damage!r} must be true or false")
        if (reason := check_kept_capacity(self.kept_capacity)) is not None:
            raise ValueError(f"kept_capacity {reason}")
        object.__setattr__(self, "demand_profile", tuple(float(value) for value in self.demand_profile))
        kept = dict(GRID_DEFAULTS["kept_capacity"]) | {str(k): float(v) for k, v in self.kept_capacity.items()}
        object.__setattr__(self, "kept_capacity", {state: float(kept[state]) for state in _KEPT_STATES})


@dataclass(frozen=True)
class HeatSettings:
    """District heating in frost: drained buildings and their restart (``[heat]`` of ``scenario.toml``).

    Used only with ``temperature.csv`` (docs/method.md, section 4d). Every default has its
    source, or is marked as an assumption, in :data:`impact.scenario.schema.SCENARIO_KEYS`.

    Parameters
    ----------
    drain_below_celsius : float
        Outdoor temperature at or below which a long district-heating outage drains the
        buildings it serves [°C]; default -3 (the Kyiv rule, 2026).
    drain_after_hours : float
        Hours an outage lasts before the buildings are drained, >= 0 [hours]; default 6 (assumption).
    restart_distribution : str
        ``lognormal``, ``normal`` or ``fixed``: the restart delay's distribution.
    restart_median_hours : float
        Median restart delay after district heat returns, >= 0 [hours]; default 24.
    restart_dispersion : float
        Log-units (lognormal) or hours (normal), >= 0; default 0.7 (assumption).
    cold_below_celsius : float
        Indoor temperature below which people count in ``people_cold`` [°C]; default 12.
    indoor_celsius : float
        Indoor temperature of a heated home [°C], above ``cold_below_celsius``; default 20.
    default_housing_type : str
        Type of home of residents ``housing.csv`` does not cover; default ``panel_mid_rise``.
    present : bool
        Whether ``scenario.toml`` has a ``[heat]`` section.
    """

    drain_below_celsius: float = float(HEAT_DEFAULTS["drain_below_celsius"])
    drain_after_hours: float = float(HEAT_DEFAULTS["drain_after_hours"])
    restart_distribution: str = str(HEAT_DEFAULTS["restart_distribution"])
    restart_median_hours: float = float(HEAT_DEFAULTS["restart_median_hours"])
    restart_dispersion: float = float(HEAT_DEFAULTS["restart_dispersion"])
    cold_below_celsius: float = float(HEAT_DEFAULTS["cold_below_celsius"])
    indoor_celsius: float = float(HEAT_DEFAULTS["indoor_celsius"])
    default_housing_type: str = str(HEAT_DEFAULTS["default_housing_type"])
    present: bool = False

    def __post_init__(self) -> None:
        for name in ("cold_below_celsius", "indoor_celsius"):
            if (reason := _finite(getattr(self, name))) is not None:
                raise ValueError(f"{name} {reason}")
        if (reason := check_indoor(self.indoor_celsius, self.cold_below_celsius)) is not None:
            raise ValueError(f"indoor_celsius {reason}")
        if (reason := _finite(self.drain_below_celsius)) is not None:
            raise ValueError(f"drain_below_celsius {reason}")
        for name in ("drain_after_hours", "restart_median_hours", "restart_dispersion"):
            if (reason := _non_negative(getattr(self, name))) is not None:
                raise ValueError(f"{name} {reason}")
        if (reason := check_distribution(self.restart_distribution)) is not None:
            raise ValueError(f"restart_distribution {reason}")


@dataclass(frozen=True)
class ScenarioSettings:
    """Settings of a scenario (``scenario.toml``).

    Parameters
    ----------
    id : str
        Scenario id.
    title : str
        Human title.
    timezone : str
        IANA time zone used for every local time shown.
    start : pandas.Timestamp
        Start of the time axis [UTC].
    horizon_hours : float
        Length of the time axis [hours].
    step_minutes : float
        Time step [minutes].
    persons_per_household : float
        Converts households and consumers to people [persons per household].
    samples : int
        Default number of Monte Carlo samples.
    seed : int
        Default seed.
    quantiles : tuple of float
        Default quantiles reported.
    plan_quantile : float
        Default planning statistic: the quantile over samples the headline figures lead with
        (``[run] plan_quantile``; 0.5, the median) [1].
    description : str
        Longer description.
    needs : NeedsSettings
        Planning figures of ``[needs]`` (defaults when the section is absent).
    boundaries_attribution : str
        ``[boundaries] attribution``: the credit line the licence of ``boundaries.geojson``
        asks for (e.g. "© OpenStreetMap contributors"), shown under every map; "" when none.
    repair_correlation : float
        ``[uncertainty] repair_correlation``: correlation between the normal scores of the repair
        times of one Monte Carlo sample (a Gaussian copula with one common factor) [1], from 0
        (independent, the default) to 1.
    grid : GridSettings
        ``[grid]``: demand and load shedding of the grid model (defaults when the section is
        absent; ``grid.present`` says whether it was written).
    heat : HeatSettings
        ``[heat]``: drained district-heating systems and their restart (defaults when absent).
    """

    id: str
    title: str
    timezone: str
    start: pd.Timestamp
    horizon_hours: float
    step_minutes: float
    persons_per_household: float = 2.6
    samples: int = 500
    seed: int = 0
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95)
    plan_quantile: float = 0.5
    description: str = ""
    needs: NeedsSettings = field(default_factory=NeedsSettings)
    boundaries_attribution: str = ""
    repair_correlation: float = 0.0
    grid: GridSettings = field(default_factory=GridSettings)
    heat: HeatSettings = field(default_factory=HeatSettings)

    @property
    def steps(self) -> int:
        """Number of time steps on the axis."""
        return round(self.horizon_hours * 60 / self.step_minutes)

    @property
    def step_hours(self) -> float:
        """Time step [hours]."""
        return self.step_minutes / 60


_TOML_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_TOML_HEADER = re.compile(r"^\[\[?\s*(" + _TOML_KEY_PART + r"(?:\s*\.\s*" + _TOML_KEY_PART + r")*)\s*\]\]?")
_TOML_KEY = re.compile(r"^(" + _TOML_KEY_PART + r"(?:\s*\.\s*" + _TOML_KEY_PART + r")*)\s*=")


def _dotted(keys: str) -> str:
    """``a . "b c"`` -> ``a.b c``: a TOML dotted key with its quotes and spaces removed."""
    return ".".join(part.strip("\"'") for part in re.findall(_TOML_KEY_PART, keys))


def _toml_paths(text: str) -> list[tuple[int, str]]:
    """(1-based line, full dotted path) of every table header and key/value line of a TOML text.

    Best effort, without a full parser: lines inside multi-line strings are skipped.
    """
    paths: list[tuple[int, str]] = []
    current = ""
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        quotes = stripped.count('"""') + stripped.count("'''")
        if in_string:
            in_string = quotes % 2 == 0
            continue
        header = _TOML_HEADER.match(stripped)
        key = None if header else _TOML_KEY.match(stripped)
        if header:
            current = _dotted(header.group(1))
            paths.append((number, current))
        elif key:
            path = _dotted(key.group(1))
            paths.append((number, f"{current}.{path}" if current else path))
        in_string = quotes % 2 == 1
    return paths


def _line_of(text: str, section: str, key: str = "") -> int:
    """1-based line where ``key`` of ``section`` is written in a TOML text (0 if it is not).

    ``section`` "" means a top-level key; ``key`` "" means the section itself (its
    ``[section]`` header, or the first line that writes a key of it).
    """
    wanted = ".".join(part for part in (section, key) if part)
    for number, path in _toml_paths(text):
        if path == wanted or path.startswith(wanted + "."):
            return number
    return 0


def section_line(text: str, section: str) -> int:
    """1-based line of a section of a ``scenario.toml`` text (its ``[section]`` header, or the first line
    writing one of its keys), 0 when the text does not write it.

    Parameters
    ----------
    text : str
        The TOML text.
    section : str
        Section name, e.g. ``grid``.
    """
    return _line_of(text, section)


def check_quantiles(values: object) -> str | None:
    """Return why ``values`` is not a valid list of quantiles, or None if it is."""
    if not isinstance(values, list | tuple) or not values:
        return "must be a non-empty list of numbers in [0, 1], e.g. [0.05, 0.5, 0.95]"
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            return f"{value!r} is not a number in [0, 1]"
    if len(set(values)) != len(values):
        return "must not repeat a value"
    return None


def check_plan_quantile(value: object) -> str | None:
    """Return why ``value`` is not a valid planning statistic (a quantile in (0, 1]), or None if it is."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value <= 1:
        return f"{value!r} must be a number in (0, 1], e.g. 0.5 (the median) or 0.9"
    return None


def check_beyond_hours(values: object) -> str | None:
    """Return why ``values`` are not valid outage lengths for ``outage_beyond_probability``, or None.

    Valid: a non-empty list of distinct finite numbers >= 0 [hours].
    """
    if not isinstance(values, list | tuple) or not values:
        return "must be a non-empty list of hours >= 0, e.g. [24, 72, 168]"
    for value in values:
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
            return f"{value!r} is not a number of hours >= 0"
    if len({float(value) for value in values}) != len(values):
        return "must not repeat a value"


def check_fraction(value: object) -> str | None:
    """Return why ``value`` is not a number from 0 to 1, or None if it is."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"{value!r} must be a number from 0 to 1"
    if not 0 <= value <= 1:
        return f"{value!r} is out of range; must be a number from 0 to 1"
    return None


def _positive(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        return f"{value!r} must be a number > 0"
    return None


def _finite(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        return f"{value!r} must be a number"
    return None


def _non_negative(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        return f"{value!r} must be a number >= 0"
    return None


def check_demand_profile(values: object) -> str | None:
    """Return why ``values`` is not a daily demand profile, or None if it is.

    Valid: 24 finite numbers >= 0 (local hours 0..23), at least one of them > 0 [1].
    """
    if not isinstance(values, list | tuple):
        return f"must be a list of {_PROFILE_HOURS} numbers >= 0, one per local hour 0..23"
    if len(values) != _PROFILE_HOURS:
        return f"has {len(values)} numbers; it must have {_PROFILE_HOURS}, one per local hour 0..23"
    for hour, value in enumerate(values):
        if _non_negative(value) is not None:
            return f"{value!r} (hour {hour}) is not a number >= 0"
    if not any(value > 0 for value in values):
        return "is 0 at every hour; at least one number must be > 0"
    return None


def check_queues(value: object) -> str | None:
    """Return why ``value`` is not a number of load-shedding queues (a whole number from 1 to 24), or None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 1 <= value <= MAX_QUEUES:
        return f"{value!r} must be a whole number from 1 to {MAX_QUEUES}"
    return None


def check_kept_capacity(value: object) -> str | None:
    """Return why ``value`` is not a table of kept capacity shares by damage state, or None if it is.

    Valid: a table whose keys are among ``slight``, ``moderate``, ``extensive`` and ``complete``
    (absent ones keep their defaults), each a number from 0 to 1 [1].
    """
    if not isinstance(value, dict):
        return (
            f"{value!r} must be a table of shares by damage state, e.g. "
            "{slight = 0.75, moderate = 0.5, extensive = 0, complete = 0}"
        )
    for state, share in value.items():
        if state not in _KEPT_STATES:
            return (
                f"{state!r} is not a damage state{did_you_mean(state, _KEPT_STATES)}; keys: {', '.join(_KEPT_STATES)}"
            )
        if (reason := check_fraction(share)) is not None:
            return f"{state}: {reason}"
    return None


def check_indoor(indoor: float, cold_below: float) -> str | None:
    """Why a heated indoor temperature does not fit the cold threshold, or None."""
    if indoor <= cold_below:
        return f"{indoor:g} must be above cold_below_celsius ({cold_below:g}): cooling starts from a warm home"
    return None


def check_distribution(value: object) -> str | None:
    """Why a restart distribution is not valid, or None: one of :data:`impact.scenario.schema.DISTRIBUTIONS`."""
    if not isinstance(value, str) or value not in DISTRIBUTIONS:
        return f"{value!r} must be one of {', '.join(DISTRIBUTIONS)}{did_you_mean(str(value), DISTRIBUTIONS)}"
    return None


def check_seed(value: object) -> str | None:
    """Return why ``value`` is not a valid seed, or None if it is.

    A seed is a whole number from 0 to :data:`impact.scenario.schema.MAX_SEED` (2**63 - 1, the
    largest that a NetCDF export stores as its signed 64-bit ``seed`` attribute).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        return f"{value!r} must be a whole number >= 0"
    if value > MAX_SEED:
        return f"{value} is too large; the seed must be a whole number from 0 to 2**63 - 1 ({MAX_SEED:,})"
    return None


def check_kinds(values: object) -> str | None:
    """Return why ``values`` is not a list of asset kinds, or None if it is (an empty list is one)."""
    if not isinstance(values, list | tuple):
        return f"must be a list of asset kinds, e.g. {NEEDS_DEFAULTS['critical_kinds']!r}"
    for value in values:
        if value not in KINDS:
            return f"{value!r} is not a valid asset kind{did_you_mean(value, KINDS)}; choose one of {', '.join(KINDS)}"
    if len(set(values)) != len(values):
        return "must not repeat a kind"
    return None


def read_settings(folder: Path) -> tuple[ScenarioSettings | None, list[Problem]]:
    """Read and check ``scenario.toml`` in ``folder``.

    Parameters
    ----------
    folder : Path
        Scenario folder.

    Returns
    -------
    settings : ScenarioSettings or None
        None when any problem was found.
    problems : list of Problem
        A file that is missing, a folder or not a regular file, or that cannot be read is
        a problem on line 0, never an exception.
    """
    raw, problems = read_file_bytes(folder / FILE, FILE, "a TOML file", required=True)
    if raw is None:
        return None, problems
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(FILE, line, "-", "not valid UTF-8; save the file as UTF-8")]
    if not text.strip():
        return None, [Problem(FILE, 0, "-", "file is empty; expected [scenario] and [run] sections")]
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match.group(1)) if match else max(1, len(text.splitlines()))  # "at end of document"
        return None, [Problem(FILE, line, "-", f"not valid TOML: {error}")]
    return settings_from_dict(document, text)


def settings_from_dict(document: dict, text: str = "") -> tuple[ScenarioSettings | None, list[Problem]]:
    """Check a parsed ``scenario.toml`` document and build the settings.

    Parameters
    ----------
    document : dict
        ``{"scenario": {...}, "run": {...}}``.
    text : str
        The TOML text, used to locate lines in messages.

    Returns
    -------
    settings : ScenarioSettings or None
    problems : list of Problem
    """
    problems = _check_sections(document, text)
    values, key_problems = _check_keys(document, text)
    problems += key_problems
    problems += _check_axis(values, text)
    indoor, cold = values.get("heat.indoor_celsius"), values.get("heat.cold_below_celsius")
    if isinstance(indoor, int | float) and isinstance(cold, int | float) and (reason := check_indoor(indoor, cold)):
        problems.append(_keyed(text, "heat", "indoor_celsius", reason))
    if problems:
        return None, problems
    return _settings(values), []


def _keyed(text: str, section: str, key: str, message: str) -> Problem:
    """A problem with ``section.key``; a key that is missing (or not found in the text) is
    located at its section's header."""
    line = _line_of(text, section, key) or _line_of(text, section)
    return Problem(FILE, line, f"{section}.{key}", message)


def _check_sections(document: dict, text: str) -> list[Problem]:
    """Unknown sections and keys, keys outside any section, sections that are not tables."""
    problems: list[Problem] = []
    for name, value in document.items():
        if name in SECTIONS:
            if not isinstance(value, dict):
                problems.append(Problem(FILE, _line_of(text, "", name), name, f"[{name}] must be a table"))
            continue
        owner = next((section for section, key in SCENARIO_KEYS if key == name), None)
        if owner and not isinstance(value, dict):
            message = f"key outside any section; move it below the [{owner}] header"
        else:
            message = (
                f"unknown {'section' if isinstance(value, dict) else 'top-level key'}"
                f"{did_you_mean(name, SECTIONS)}; valid sections: {', '.join(SECTIONS)}"
            )
        problems.append(Problem(FILE, _line_of(text, "", str(name)), str(name), message))
    for section in SECTIONS:
        table = document.get(section, {})
        if not isinstance(table, dict):
            continue
        known = [key for owner, key in SCENARIO_KEYS if owner == section]
        for key in table:
            if key not in known:
                problems.append(
                    _keyed(
                        text,
                        section,
                        str(key),
                        f"unknown key{did_you_mean(key, known)}; valid keys: {', '.join(known)}",
                    )
                )
    if "scenario" not in document:
        problems.append(Problem(FILE, 0, "scenario", "the [scenario] section is missing"))
    return problems


def _check_keys(document: dict, text: str) -> tuple[dict[str, object], list[Problem]]:
    """The value of every declared key (its default when it is optional and absent), and the
    problems with the values given."""
    problems: list[Problem] = []
    values: dict[str, object] = {}
    for (section, key), (kind, required, default, _doc) in SCENARIO_KEYS.items():
        table = document.get(section, {})
        if not isinstance(table, dict):
            continue
        name = _value_name(section, key)
        if key not in table:
            if required:
                problems.append(_keyed(text, section, key, "required key is missing"))
            else:
                values[name] = default
            continue
        value, reason = _checked_value(section, key, kind, table[key])
        if reason is None:
            values[name] = value
        else:
            problems.append(_keyed(text, section, key, reason))
    values["grid.present"] = isinstance(document.get("grid"), dict)
    values["heat.present"] = isinstance(document.get("heat"), dict)
    return values, problems


def _value_name(section: str, key: str) -> str:
    """The name a checked value is kept under: the key, or ``SECTION.KEY`` for the keys of
    ``[grid]`` and ``[heat]`` (so that they cannot collide with a key of another section)."""
    return f"{section}.{key}" if section in ("grid", "heat") else key


def _checked_value(section: str, key: str, kind: str, value: object) -> tuple[object, str | None]:
    """``(value as stored, None)`` for a valid value of a key of ``kind``, else ``(None, why not)``."""
    if kind == "text" and not isinstance(value, str):
        return None, f"{value!r} must be text"
    if (section, key) == ("grid", "queues"):
        reason = check_queues(value)
        return (None, reason) if reason else (int(value), None)
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        return None, f"{value!r} must be a whole number >= 0"
    if (section, key) == ("run", "seed") and (reason := check_seed(value)) is not None:
        return None, reason
    if (section, key) == ("run", "plan_quantile") and (reason := check_plan_quantile(value)) is not None:
        return None, reason
    if kind == "float" and (
        isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0
    ):
        return None, f"{value!r} must be a number > 0"
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)):
        return None, f"{value!r} must be a number"
    if kind == "fraction":
        reason = check_fraction(value)
        return (None, reason) if reason else (float(value), None)
    if kind == "number >= 0":
        reason = _non_negative(value)
        return (None, reason) if reason else (float(value), None)
    if kind == "profile":
        reason = check_demand_profile(value)
        return (None, reason) if reason else (tuple(float(v) for v in value), None)
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else (None, f"{value!r} must be true or false")
    if kind == "fractions":
        reason = check_kept_capacity(value)
        return (None, reason) if reason else (dict(value), None)
    if kind == "distribution":
        reason = check_distribution(value)
        return (None, reason) if reason else (str(value), None)
    if kind == "kinds":
        reason = check_kinds(value)
        return (None, reason) if reason else (tuple(value), None)
    if kind == "time":
        try:
            return parse_time(value.isoformat() if hasattr(value, "isoformat") else str(value)), None
        except ValueError as error:
            if "offset" in str(error):
                return None, f"{error}"
            return None, f"{str(value)!r} is not an ISO 8601 time with a UTC offset"
    if kind == "list":
        reason = check_quantiles(value)
        return (None, reason) if reason else (tuple(float(v) for v in value), None)  # impact.run sorts them
    return value, None


def _check_axis(values: dict[str, object], text: str) -> list[Problem]:
    """The scenario id's characters, the time zone, and the time axis (whole steps, not too many)."""
    problems: list[Problem] = []
    scenario_id = values.get("id")
    if isinstance(scenario_id, str) and not re.fullmatch(r"[A-Za-z0-9_.-]+", scenario_id):
        problems.append(
            _keyed(text, "scenario", "id", f"{scenario_id!r} may only contain letters, digits, '-', '_' and '.'")
        )
    timezone = values.get("timezone")
    if isinstance(timezone, str):
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(
                _keyed(text, "scenario", "timezone", f"{timezone!r} is not an IANA time zone (e.g. Europe/Kyiv)")
            )
    horizon, step = values.get("horizon_hours"), values.get("step_minutes")
    if isinstance(horizon, int | float) and isinstance(step, int | float) and step > 0:
        steps = horizon * 60 / step
        if abs(steps - round(steps)) > 1e-9 or round(steps) < 1:
            problems.append(
                _keyed(
                    text,
                    "scenario",
                    "horizon_hours",
                    f"horizon of {horizon:g} h is not a whole number (>= 1) of {step:g}-minute steps",
                )
            )
        elif round(steps) > MAX_STEPS:
            problems.append(
                _keyed(
                    text,
                    "scenario",
                    "horizon_hours",
                    f"horizon of {horizon:g} h is {round(steps):,} steps of {step:g} minutes; at most "
                    f"{MAX_STEPS:,} are supported (lengthen the step or shorten the horizon)",
                )
            )
    return problems


def _settings(values: dict) -> ScenarioSettings:
    """The settings from checked values."""
    return ScenarioSettings(
        id=values["id"],
        title=values["title"],
        timezone=values["timezone"],
        start=values["start"],
        horizon_hours=float(values["horizon_hours"]),
        step_minutes=float(values["step_minutes"]),
        persons_per_household=float(values["persons_per_household"]),
        samples=int(values["samples"]),
        seed=int(values["seed"]),
        quantiles=tuple(values["quantiles"]),
        plan_quantile=float(values["plan_quantile"]),
        description=values["description"],
        needs=NeedsSettings(
            water_litres_per_person_day=float(values["water_litres_per_person_day"]),
            truck_capacity_litres=float(values["truck_capacity_litres"]),
            heating_after_hours=float(values["heating_after_hours"]),
            heating_below_celsius=float(values["heating_below_celsius"]),
            heating_uptake=float(values["heating_uptake"]),
            power_after_hours=float(values["power_after_hours"]),
            water_stored_hours=float(values["water_stored_hours"]),
            generator_load=float(values["generator_load"]),
            diesel_litres_per_kwh=float(values["diesel_litres_per_kwh"]),
            critical_kinds=tuple(values["critical_kinds"]),
        ),
        boundaries_attribution=str(values["attribution"]),
        repair_correlation=float(values["repair_correlation"]),
        grid=GridSettings(
            demand_kw_per_person=float(values["grid.demand_kw_per_person"]),
            demand_profile=tuple(values["grid.demand_profile"]),
            demand_reference_celsius=float(values["grid.demand_reference_celsius"]),
            demand_change_per_degree=float(values["grid.demand_change_per_degree"]),
            queues=int(values["grid.queues"]),
            cut_block_hours=float(values["grid.cut_block_hours"]),
            partial_damage=bool(values["grid.partial_damage"]),
            kept_capacity=dict(values["grid.kept_capacity"]),
            present=bool(values["grid.present"]),
        ),
        heat=HeatSettings(
            drain_below_celsius=float(values["heat.drain_below_celsius"]),
            drain_after_hours=float(values["heat.drain_after_hours"]),
            restart_distribution=str(values["heat.restart_distribution"]),
            restart_median_hours=float(values["heat.restart_median_hours"]),
            restart_dispersion=float(values["heat.restart_dispersion"]),
            cold_below_celsius=float(values["heat.cold_below_celsius"]),
            indoor_celsius=float(values["heat.indoor_celsius"]),
            default_housing_type=str(values["heat.default_housing_type"]),
            present=bool(values["heat.present"]),
        ),
    )
