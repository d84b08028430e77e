"""The scenario data format, declared once as data.

Every table of a scenario folder is described here column by column: type, unit,
whether it is required, allowed values and a description. The loader
(:mod:`impact.scenario.cells`) builds its checks from these declarations and
``docs/data-format.md`` is generated from them (``python -m impact.docgen``), so the
format, its checks and its documentation cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from impact.boundaries import BOUNDARIES_FILE

__all__ = [
    "AREAS",
    "ASSETS",
    "BLACKOUTS",
    "BOUNDARIES",
    "CREWS",
    "DAMAGE_STATES",
    "DEFAULT_GRID_ZONE",
    "DEPENDENCIES",
    "DISTRIBUTIONS",
    "FALSE_WORDS",
    "GRID_DEFAULTS",
    "HEAT_DEFAULTS",
    "HOUSING",
    "HOUSING_TYPES",
    "ID_FORBIDDEN_STARTS",
    "ID_START_RULE",
    "KINDS",
    "KIND_DEFAULT_CLASS",
    "MAX_SEED",
    "NEEDS_DEFAULTS",
    "OBSERVATIONS",
    "OBSERVATION_UNITS",
    "OWN_POWER",
    "POWER_KINDS",
    "RESTORATION",
    "SCENARIO_KEYS",
    "SERVICES",
    "SERVICE_LINKS",
    "SETTINGS_FILE",
    "STATUSES",
    "STATUS_UPDATES",
    "STRIKES",
    "TABLES",
    "TEMPERATURE",
    "TRUE_WORDS",
    "WATER_KINDS",
    "WEIGHTED_CELLS",
    "Column",
    "FeatureFile",
    "Table",
]

#: Name of the settings file of a scenario folder (its keys are :data:`SCENARIO_KEYS`).
SETTINGS_FILE = "scenario.toml"

#: Services a leaf area can lose.
SERVICES: tuple[str, ...] = ("power", "water", "heat")

#: Damage states, in increasing severity (HAZUS vocabulary).
DAMAGE_STATES: tuple[str, ...] = ("none", "slight", "moderate", "extensive", "complete")

#: Restoration-time distributions understood by :mod:`impact.restoration`.
DISTRIBUTIONS: tuple[str, ...] = ("normal", "lognormal", "fixed")

#: Units an observation may be reported in; households and consumers are converted
#: to people with ``persons_per_household`` from ``scenario.toml``.
OBSERVATION_UNITS: tuple[str, ...] = ("people", "households", "consumers")

#: Operator status reports.
STATUSES: tuple[str, ...] = ("up", "down")

#: Asset kinds and the restoration class each one uses unless the asset names another.
KIND_DEFAULT_CLASS: dict[str, str] = {
    "power_plant": "generation_plant",
    "chp_plant": "chp_plant",
    "substation": "electric_substation",
    "power_line": "distribution_circuit",
    "water_intake": "pumping_plant",
    "water_treatment": "water_treatment_plant",
    "pumping_station": "pumping_plant",
    "reservoir": "water_storage_tank",
    "well": "well",
    "boiler_house": "boiler_house",
    "gas_node": "gas_node",
    "port": "port",
    "logistics_hub": "logistics_hub",
    "hospital": "public_building",
    "collective_centre": "public_building",
}

#: Asset kinds, in documentation order.
KINDS: tuple[str, ...] = tuple(KIND_DEFAULT_CLASS)


#: First characters an id must not have: a spreadsheet reads a cell starting with one of
#: them as a formula (the same characters :mod:`impact.export.cells` neutralises in outputs).
ID_FORBIDDEN_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: The rule on ids, in words, for messages and docs/data-format.md.
ID_START_RULE = (
    "ids must not start with =, +, -, @, a tab or a carriage return (spreadsheets would read them as formulas)"
)

#: Cells of a ``bool`` column read as true and as false (compared in lower case).
TRUE_WORDS: tuple[str, ...] = ("true", "yes", "1")
FALSE_WORDS: tuple[str, ...] = ("false", "no", "0")

#: Asset kinds that supply grid power: a dependency on one of them is a power supply (generator hours);
#: only they may have a ``capacity_mw``.
POWER_KINDS: tuple[str, ...] = ("power_plant", "chp_plant", "substation", "power_line")

#: Asset kinds that supply piped water: a dependency on one of them is a water supply (a critical
#: site's water needs, docs/needs.md).
WATER_KINDS: tuple[str, ...] = ("water_intake", "water_treatment", "pumping_station", "reservoir", "well")

#: The grid zone of a leaf area that names none (``areas.csv`` ``grid_zone``): one zone for the scenario.
DEFAULT_GRID_ZONE = "all"

#: Reserved ``asset_id`` of ``service_links.csv``: that share of the area's people has water or heat
#: (own pumps, individual boilers) only while they themselves have power. No asset may take this id.
OWN_POWER = "own_power"


@dataclass(frozen=True)
class Column:
    """One column of a scenario table.

    Parameters
    ----------
    name : str
        Header as it appears in the CSV file.
    dtype : str
        One of ``id`` (non-empty text without surrounding spaces), ``text``,
        ``int``, ``float``, ``time`` (ISO 8601 with a UTC offset), ``choice`` or ``bool``
        (:data:`TRUE_WORDS` or :data:`FALSE_WORDS`, in any case).
    required : bool
        Whether the column must be present in the file.
    description : str
        What the column means.
    unit : str
        Unit of the values, empty for text.
    choices : tuple of str
        Allowed values for ``choice`` columns.
    minimum, maximum : float or None
        Inclusive bounds for numbers.
    exclusive_minimum : bool
        Whether ``minimum`` itself is excluded.
    nullable : bool
        Whether a cell may be empty when the column is present.
    default : str
        What an empty cell means, for the documentation.
    weighted : bool
        Whether a cell may list weighted alternatives, ``VALUE:WEIGHT|VALUE:WEIGHT``
        (:data:`WEIGHTED_CELLS`, :mod:`impact.scenario.weighted`). Each alternative of a
        ``choice`` cell is checked against ``choices`` with the cell; those of an ``id`` cell
        against the table they name (:mod:`impact.scenario.consistency`).
    """

    name: str
    dtype: str
    required: bool
    description: str
    unit: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    nullable: bool = False
    default: str = ""
    weighted: bool = False


@dataclass(frozen=True)
class Table:
    """One table (CSV file) of a scenario folder.

    Parameters
    ----------
    name : str
        File name, e.g. ``assets.csv``.
    required : bool
        Whether the file must exist in a scenario folder.
    description : str
        What one row means.
    columns : tuple of Column
        The declared columns; others are kept but ignored.
    key : tuple of str
        Columns whose combination must be unique.
    safe_ids : bool
        Whether cells of ``id`` columns must not start like a spreadsheet formula
        (:data:`ID_FORBIDDEN_STARTS`). True for every scenario table; foreign inputs (an ACLED
        export) leave it False and neutralise such text when they write it.
    """

    name: str
    required: bool
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)
    safe_ids: bool = False

    def column(self, name: str) -> Column:
        """Return the declared column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{name!r} is not a column of {self.name}")


_SOURCE = Column("source", "text", False, "Where the row comes from (citation or 'assumption').", nullable=True)
_NOTES = Column("notes", "text", False, "Free text.", nullable=True)
_LAT = Column(
    "latitude",
    "float",
    False,
    "Coarse latitude (area centroid, never a precise site).",
    "degrees_north",
    minimum=-90,
    maximum=90,
    nullable=True,
)
_LON = Column(
    "longitude",
    "float",
    False,
    "Coarse longitude (area centroid, never a precise site).",
    "degrees_east",
    minimum=-180,
    maximum=180,
    nullable=True,
)

AREAS = Table(
    "areas.csv",
    True,
    "An administrative area: OCHA COD P-code where the area is a COD unit.",
    (
        Column("area_id", "id", True, "Area id, an OCHA COD P-code (UA51, UA5110, UA5110027) where one exists."),
        Column("name", "text", True, "Area name (English)."),
        Column("name_uk", "text", False, "Area name in Ukrainian, kept through the exports.", nullable=True),
        Column(
            "admin_level",
            "int",
            True,
            "Administrative level: 0 country, 1 oblast, 2 raion, 3 hromada, 4 settlement.",
            minimum=0,
            maximum=9,
        ),
        Column("parent_id", "id", True, "Parent area; empty for the top of the hierarchy.", nullable=True),
        Column(
            "population",
            "int",
            True,
            "Residents. Required on leaf areas; on a parent it is optional and must agree with the sum "
            "of its children within 0.5 %.",
            "persons",
            minimum=0,
            nullable=True,
            default="sum of the children",
        ),
        Column(
            "population_current",
            "int",
            False,
            "Residents now, where the population has changed since `population` was counted (e.g. adjusted "
            "for displacement); used instead of `population` where given. On a parent it is optional and must "
            "agree with the sum of its children's population used within 0.5 %.",
            "persons",
            minimum=0,
            nullable=True,
            default="`population`",
        ),
        Column(
            "population_source",
            "text",
            False,
            "Where `population_current` comes from (publisher, date, method).",
            nullable=True,
        ),
        Column("households", "float", False, "Households, where known.", "households", minimum=0, nullable=True),
        _LAT,
        _LON,
        Column(
            "grid_zone",
            "id",
            False,
            "Grid zone of a leaf area: the zone whose supply assets (`capacity_mw` in assets.csv) carry its "
            "power demand under `[grid]`. Leaf areas only; a parent's leaves give its zones.",
            nullable=True,
            default="`all` (one zone for the scenario)",
        ),
        _SOURCE,
    ),
    key=("area_id",),
    safe_ids=True,
)

ASSETS = Table(
    "assets.csv",
    True,
    "A piece of infrastructure that can be struck or can lose its supplies.",
    (
        Column("asset_id", "id", True, "Asset id, unique in the scenario."),
        Column("name", "text", True, "Generic name (never the exact name of a live site)."),
        Column("kind", "choice", True, "Kind of asset; sets the default restoration class.", choices=KINDS),
        Column("area_id", "id", True, "Area the asset lies in (any level)."),
        _LAT,
        _LON,
        Column(
            "restoration_class",
            "id",
            False,
            "Restoration curve class; must exist in the defaults or in restoration.csv.",
            nullable=True,
            default="the kind's default class",
        ),
        Column(
            "crew_pool",
            "id",
            False,
            "Pool of repair crews (crews.csv) that repairs the asset: a repair waits until a crew of the pool "
            "is free (docs/method.md).",
            nullable=True,
            default="repaired at once, no queue",
        ),
        Column(
            "priority",
            "int",
            False,
            "Repair priority within its crew pool, 1 first: a free crew takes the waiting repair with the "
            "lowest number, then the earliest struck, then the asset id.",
            minimum=1,
            nullable=True,
            default="after every numbered priority",
        ),
        Column(
            "capacity_mw",
            "float",
            False,
            "Supply capacity the asset brings to its grid zone (a power plant's or CHP's output, a substation's "
            "import from the wider grid) while it is effectively up; with any capacity given, demand beyond "
            "the zone's available capacity is shed by rotating queues (`[grid]` in scenario.toml, "
            "docs/method.md). Power kinds only (power_plant, chp_plant, substation, power_line).",
            "MW",
            minimum=0,
            nullable=True,
            default="no capacity: not part of the grid balance",
        ),
        Column(
            "grid_zone",
            "id",
            False,
            "Grid zone whose demand the asset's capacity serves; only with `capacity_mw`.",
            nullable=True,
            default="the zone of the leaves under `area_id` (they must be in one zone)",
        ),
        Column(
            "critical",
            "bool",
            False,
            "Whether the asset sits on a protected line that load shedding never cuts (true/false, also yes/no, 1/0).",
            nullable=True,
            default="true for the kinds of `[needs] critical_kinds`",
        ),
        Column(
            "generator_kw",
            "float",
            False,
            "Rated power of the site's backup generator. A critical site with one counts generator hours while "
            "its grid power is lost, turned into litres of fuel (`[needs] generator_load` and "
            "`diesel_litres_per_kwh`, docs/needs.md); one without counts the same hours as a generator gap.",
            "kW",
            minimum=0,
            nullable=True,
            default="no generator",
        ),
        Column(
            "water_litres_per_day",
            "float",
            False,
            "Water a critical site uses per day, to deliver while its piped water supply (a dependency on a "
            "water kind) is lost (docs/needs.md). Guidance: health facilities 40-60 L per inpatient and 5 L "
            "per outpatient a day (WHO, Essential environmental health standards in health care, 2008); "
            "collective centres 15 L per resident (Sphere).",
            "litres/day",
            minimum=0,
            nullable=True,
            default="none",
        ),
        _SOURCE,
        _NOTES,
    ),
    key=("asset_id",),
    safe_ids=True,
)

DEPENDENCIES = Table(
    "dependencies.csv",
    False,
    "The asset needs a supply from another asset. Rows of one asset sharing a group are "
    "alternatives (any one suffices); distinct groups are all needed.",
    (
        Column("asset_id", "id", True, "The dependent asset."),
        Column("depends_on", "id", True, "The asset it is supplied by."),
        Column(
            "group",
            "id",
            False,
            "OR-group name; rows without a group are groups of their own.",
            nullable=True,
            default="a group of its own",
        ),
        Column(
            "buffer_hours",
            "float",
            False,
            "How long the asset keeps working after this supply is lost (fuel, storage); with "
            "`buffer_hours_max`, the shortest such time.",
            "hours",
            minimum=0,
            nullable=True,
            default="0",
        ),
        Column(
            "buffer_hours_max",
            "float",
            False,
            "The longest the asset may keep working after this supply is lost, when it is not known exactly: "
            "each Monte Carlo sample draws the buffer uniformly between `buffer_hours` and this. Must be at "
            "least `buffer_hours`.",
            "hours",
            minimum=0,
            nullable=True,
            default="`buffer_hours` (a fixed buffer)",
        ),
        Column("kind", "text", False, "Kind of supply (power, water, gas, heat...), for reading only.", nullable=True),
        _NOTES,
    ),
    key=("asset_id", "depends_on"),
    safe_ids=True,
)

SERVICE_LINKS = Table(
    "service_links.csv",
    True,
    "A share of a leaf area's population gets a service through an asset.",
    (
        Column("area_id", "id", True, "Leaf area served."),
        Column("service", "choice", True, "Service delivered.", choices=SERVICES),
        Column(
            "asset_id",
            "id",
            True,
            "Asset the service flows through; for water and heat also `own_power`: that share of the area's "
            "people has the service (own pumps, individual boilers) only while they themselves have power.",
        ),
        Column(
            "share",
            "float",
            True,
            "Share of the area's population served through this asset; shares of one (area, service) sum to at "
            "most 1, `own_power` shares included.",
            "1",
            minimum=0,
            maximum=1,
            exclusive_minimum=True,
        ),
        Column(
            "buffer_hours",
            "float",
            False,
            "On an `own_power` row only: how long the households keep the service after their power is lost "
            "(a tank, a stove's heat). An asset's buffer is in dependencies.csv.",
            "hours",
            minimum=0,
            nullable=True,
            default="0",
        ),
        _NOTES,
    ),
    key=("area_id", "service", "asset_id"),
    safe_ids=True,
)

#: Weighted cells, in words, for docs/data-format.md (grammar in :mod:`impact.scenario.weighted`).
WEIGHTED_CELLS = (
    "Where it is not known which asset a strike hit, or how badly, `asset_id` and `damage_state` of "
    "strikes.csv take weighted alternatives instead of one value: `VALUE:WEIGHT` pairs separated by `|`, "
    "e.g. `SUB-ODE-1:0.5|SUB-ODE-2:0.5` (either substation, as likely) or `moderate:0.6|extensive:0.4`. "
    "Every weight is a number > 0, the weights of a cell sum to 1 (within 1e-6) and no value is listed "
    "twice; each Monte Carlo sample draws one alternative with these probabilities. A cell without `|` "
    "or `:` is one value, as before; an asset id that itself contains `:` or `|` is that asset when "
    "written alone. Every candidate asset must be in "
    "assets.csv, and its restoration class needs a curve at every damage state the strike may have. "
    "Problems name the cell and what is wrong in it: `strikes.csv:4: damage_state: "
    "'moderate:0.6|extensive:0.3': the weights sum to 0.9; they must sum to 1`."
)

STRIKES = Table(
    "strikes.csv",
    True,
    "A strike that damaged an asset. `asset_id` and `damage_state` may be weighted alternatives when they "
    "are not known for sure (see Weighted cells below).",
    (
        Column("strike_id", "id", True, "Strike id, unique in the scenario."),
        Column("time", "time", True, "When the strike hit, ISO 8601 with a UTC offset."),
        Column(
            "asset_id",
            "id",
            True,
            "Asset struck; or candidate assets with their probabilities when it is not known which was hit "
            "(`SUB-ODE-1:0.5|SUB-ODE-2:0.5`).",
            weighted=True,
        ),
        Column(
            "damage_state",
            "choice",
            True,
            "Damage state (HAZUS vocabulary); or states with their probabilities when it is not known "
            "(`moderate:0.6|extensive:0.4`).",
            choices=DAMAGE_STATES,
            weighted=True,
        ),
        Column("killed", "int", False, "People killed, as reported.", "persons", minimum=0, nullable=True),
        Column("injured", "int", False, "People injured, as reported.", "persons", minimum=0, nullable=True),
        _SOURCE,
        _NOTES,
    ),
    key=("strike_id",),
    safe_ids=True,
)

RESTORATION = Table(
    "restoration.csv",
    False,
    "A restoration curve: repair time of one class of asset in one damage state. Rows override "
    "the package defaults and may add classes.",
    (
        Column("restoration_class", "id", True, "Restoration class."),
        Column("damage_state", "choice", True, "Damage state.", choices=DAMAGE_STATES[1:]),
        Column(
            "distribution",
            "choice",
            True,
            "normal (median = mean, dispersion = standard deviation, draws below 0 become 0), "
            "lognormal (dispersion = standard deviation of the log) or fixed.",
            choices=DISTRIBUTIONS,
        ),
        Column("median_days", "float", True, "Median repair time.", "days", minimum=0),
        Column(
            "dispersion",
            "float",
            True,
            "Standard deviation (days) for normal, of the log for lognormal; empty for fixed.",
            "days or 1",
            minimum=0,
            nullable=True,
        ),
        _SOURCE,
    ),
    key=("restoration_class", "damage_state"),
    safe_ids=True,
)

CREWS = Table(
    "crews.csv",
    False,
    "A pool of repair crews. Assets name their pool in `crew_pool` (assets.csv); a repair needs one crew "
    "of its asset's pool for its drawn duration and waits while every crew of the pool is busy. Assets "
    "without a pool are repaired at once, as if crews were unlimited. See docs/method.md.",
    (
        Column("crew_pool", "id", True, "Crew pool id, as named in assets.csv."),
        Column("crews", "int", True, "Crews in the pool, each repairing one asset at a time.", "crews", minimum=1),
        _SOURCE,
        _NOTES,
    ),
    key=("crew_pool",),
    safe_ids=True,
)

OBSERVATIONS = Table(
    "observations.csv",
    False,
    "A reported figure of people (or households, consumers) without a service.",
    (
        Column("time", "time", True, "Time of the report, ISO 8601 with a UTC offset."),
        Column("area_id", "id", True, "Area reported on (any level)."),
        Column("service", "choice", True, "Service.", choices=SERVICES),
        Column("value", "float", True, "Reported number without the service.", "unit column", minimum=0),
        Column("unit", "choice", True, "Unit of value.", choices=OBSERVATION_UNITS),
        _SOURCE,
    ),
    safe_ids=True,
)

STATUS_UPDATES = Table(
    "status_updates.csv",
    False,
    "An operator's report that an asset was up or down at a time.",
    (
        Column("time", "time", True, "Time of the report, ISO 8601 with a UTC offset."),
        Column("asset_id", "id", True, "Asset reported on."),
        Column("status", "choice", True, "up or down.", choices=STATUSES),
        _SOURCE,
    ),
    safe_ids=True,
)

TEMPERATURE = Table(
    "temperature.csv",
    False,
    "An outdoor air temperature reading. Used by the heating need (docs/needs.md: while it is below "
    "`needs.heating_below_celsius`, everyone without heat needs a heating-point place at once), by the grid's "
    "demand (`grid.demand_change_per_degree`) and by drained district heating (docs/method.md, section 4d: "
    "at or below `heat.drain_below_celsius` a long heat outage drains the buildings, and heat returns only "
    "after their restart delay).",
    (
        Column(
            "time",
            "time",
            True,
            "Time of the reading, ISO 8601 with a UTC offset; the reading holds until the area's next one.",
        ),
        Column("temperature_c", "float", True, "Outdoor air temperature.", "°C", minimum=-90, maximum=60),
        Column(
            "area_id",
            "id",
            False,
            "Area the reading is for (any level; it also covers the areas below it that have no readings of "
            "their own); empty for every area.",
            nullable=True,
            default="every area",
        ),
        _SOURCE,
    ),
    safe_ids=True,
)

BLACKOUTS = Table(
    "blackouts.csv",
    False,
    "A published schedule of rolling power cuts (as grid operators publish them by queue): from `start` to "
    "`end`, the grid customers of the area's leaves are split evenly into `queues` queues, and each queue is "
    "switched off `hours_off_per_day` hours a day, the queues taking turns (queue q's cut starts each local "
    "day at q x 24 / queues hours). People already without power because of strikes are not counted twice; "
    "assets (pumping stations, boiler houses...) are not cut. See docs/method.md, section 4a.",
    (
        Column("area_id", "id", True, "Area whose leaf areas follow the schedule (any level)."),
        Column("start", "time", True, "First moment of the schedule, ISO 8601 with a UTC offset."),
        Column("end", "time", True, "End of the schedule (excluded), ISO 8601 with a UTC offset."),
        Column(
            "hours_off_per_day",
            "float",
            True,
            "Hours each queue is without power per day.",
            "hours",
            minimum=0,
            maximum=24,
        ),
        Column(
            "queues",
            "int",
            False,
            "Number of queues taking turns.",
            "1",
            minimum=1,
            maximum=24,
            nullable=True,
            default="6",
        ),
        _SOURCE,
    ),
    safe_ids=True,
)

HOUSING = Table(
    "housing.csv",
    False,
    "The housing of an area: the share of its residents living in one type of home. With temperature.csv "
    "the homes of people without heat cool by their type (docs/method.md, section 4e) and people in homes "
    "below `heat.cold_below_celsius` are counted in `people_cold`. A leaf takes its own rows, else those "
    "of its nearest ancestor that has some (rows of share 0 count as rows); residents not covered (no "
    "rows, or shares summing to less than 1) live in `heat.default_housing_type`.",
    (
        Column("area_id", "id", True, "Area (any level; it also covers the areas below it without rows of their own)."),
        Column(
            "housing_type",
            "id",
            True,
            "Type of home: one of the package table (panel_high_rise, panel_mid_rise, brick_mid_rise, "
            "private_house) or of the scenario's housing_types.csv.",
        ),
        Column("share", "float", True, "Share of the area's residents.", "1", minimum=0, maximum=1),
        _SOURCE,
    ),
    key=("area_id", "housing_type"),
    safe_ids=True,
)

HOUSING_TYPES = Table(
    "housing_types.csv",
    False,
    "How one type of home cools without heat. Rows override the package table (impact/data/"
    "housing_types.csv, every number sourced or marked as an assumption) and may add types. Indoors "
    "follows Newton's law: from `heat.indoor_celsius` it falls towards the warmer of the outdoor "
    "temperature and the floor, with the time constant.",
    (
        Column("housing_type", "id", True, "Type of home."),
        Column(
            "time_constant_hours",
            "float",
            True,
            "Time constant of cooling: hours for the gap to the equilibrium to shrink by a factor e.",
            "hours",
            minimum=0,
            exclusive_minimum=True,
        ),
        Column(
            "floor_celsius",
            "float",
            True,
            "The lowest temperature the home falls to, kept by neighbours and mass (empty: none, it falls "
            "to the outdoor temperature).",
            "°C",
            minimum=-90,
            maximum=60,
            nullable=True,
        ),
        Column(
            "reheat_hours",
            "float",
            True,
            "Hours a cold home stays below the threshold after heat returns.",
            "hours",
            minimum=0,
        ),
        _SOURCE,
    ),
    key=("housing_type",),
    safe_ids=True,
)

#: All tables, in documentation order.
TABLES: tuple[Table, ...] = (
    AREAS,
    ASSETS,
    DEPENDENCIES,
    SERVICE_LINKS,
    STRIKES,
    RESTORATION,
    CREWS,
    OBSERVATIONS,
    STATUS_UPDATES,
    TEMPERATURE,
    HOUSING,
    HOUSING_TYPES,
    BLACKOUTS,
)


@dataclass(frozen=True)
class FeatureFile:
    """A GeoJSON file of a scenario folder: features with declared properties.

    Parameters
    ----------
    name : str
        File name, e.g. ``boundaries.geojson``.
    required : bool
        Whether the file must exist in a scenario folder.
    description : str
        What the file holds and what one feature means.
    properties : tuple of Column
        The declared feature properties; others are kept but ignored.
    checks : tuple of str
        What the loader checks, in words (docs/data-format.md).
    """

    name: str
    required: bool
    description: str
    properties: tuple[Column, ...]
    checks: tuple[str, ...]


BOUNDARIES = FeatureFile(
    BOUNDARIES_FILE,
    False,
    "Area polygons for the maps: a GeoJSON FeatureCollection (RFC 7946) in WGS84 longitude/latitude "
    "(EPSG:4326), UTF-8. Each feature is the Polygon or MultiPolygon of one area of areas.csv. A parent "
    "may have a polygon of its own; otherwise the map dissolves it from its children's. Leaf areas "
    "without a polygon are allowed (the map shows them at their latitude/longitude) and counted by "
    "`impact validate` (`boundaries for 98 of 99 areas (1 leaf without a polygon)`). Credit the source "
    "with `boundaries.attribution` in scenario.toml (required by the licence of OpenStreetMap data). "
    "`impact import-areas` writes this file from OCHA COD-AB layers. Problems name the feature by its "
    "number counted from 1 in place of a line (`boundaries.geojson:12: geometry: features[11] (area "
    "'UA5108001'): ...`; line 0 is the file as a whole).",
    (Column("area_id", "id", True, "Area of areas.csv the polygon belongs to; one feature per area."),),
    (
        "the file is UTF-8 JSON (not nested beyond what can be read) and a GeoJSON FeatureCollection (a "
        "single Feature, a bare geometry or TopoJSON is reported as such);",
        "a `crs` member, if any, names WGS84 longitude/latitude (CRS84 or EPSG:4326);",
        "every feature has the property `area_id`, naming an area of areas.csv, and no two features name the "
        "same area (merge the parts of one area into a MultiPolygon);",
        "every geometry is a non-empty Polygon or MultiPolygon (not a Point, LineString or null) whose rings "
        "are lists of at least 4 [longitude, latitude] positions (a ring left open is closed);",
        "coordinates lie within longitude [-180, 180] and latitude [-90, 90]: larger numbers mean a projected "
        "file (metres), to be reprojected to EPSG:4326;",
        "every polygon is valid (OGC simple features, checked with GEOS): a self-intersection or a hole "
        "outside its shell is reported with its longitude and latitude; repair it with shapely.make_valid, "
        "QGIS 'Fix geometries' or `impact import-areas`, which repairs.",
    ),
)

#: Defaults of the ``[needs]`` section of ``scenario.toml`` (sources in :data:`SCENARIO_KEYS` and docs/needs.md).
NEEDS_DEFAULTS: dict[str, object] = {
    "water_litres_per_person_day": 15,
    "truck_capacity_litres": 10_000,
    "heating_after_hours": 24,
    "heating_below_celsius": 0,
    "heating_uptake": 0.05,
    "power_after_hours": 24,
    "water_stored_hours": 12,
    "generator_load": 0.75,
    "diesel_litres_per_kwh": 0.27,
    "critical_kinds": [
        "water_intake",
        "water_treatment",
        "pumping_station",
        "well",
        "boiler_house",
        "hospital",
        "collective_centre",
    ],
}

#: Defaults of the ``[grid]`` section of ``scenario.toml`` (sources or "Assumption" in :data:`SCENARIO_KEYS`).
GRID_DEFAULTS: dict[str, object] = {
    "demand_kw_per_person": 0.5,
    "demand_profile": [0.70] * 6 + [0.78, 0.88] + [0.92] * 9 + [0.97] + [1.0] * 4 + [0.90, 0.80],
    "demand_reference_celsius": 0,
    "demand_change_per_degree": 0.015,
    "queues": 6,
    "cut_block_hours": 4,
    "partial_damage": False,
    "kept_capacity": {"slight": 0.75, "moderate": 0.5, "extensive": 0.0, "complete": 0.0},
}

#: Defaults of the ``[heat]`` section of ``scenario.toml`` (sources or "Assumption" in :data:`SCENARIO_KEYS`).
HEAT_DEFAULTS: dict[str, object] = {
    "drain_below_celsius": -3,
    "drain_after_hours": 6,
    "restart_distribution": "lognormal",
    "restart_median_hours": 24,
    "restart_dispersion": 0.7,
    "cold_below_celsius": 12,
    "indoor_celsius": 20,
    "default_housing_type": "panel_mid_rise",
}

#: Largest ``[run] seed``: the seed is stored as a signed 64-bit attribute of NetCDF exports.
MAX_SEED = 2**63 - 1

#: Keys of ``scenario.toml``: (section, key) -> (type, required, default, description).
SCENARIO_KEYS: dict[tuple[str, str], tuple[str, bool, object, str]] = {
    ("scenario", "id"): ("text", True, None, "Scenario id (letters, digits, '-', '_')."),
    ("scenario", "title"): ("text", True, None, "Human title."),
    ("scenario", "timezone"): ("text", True, None, "IANA time zone in which local times are shown."),
    ("scenario", "start"): ("time", True, None, "Start of the time axis, ISO 8601 with a UTC offset."),
    ("scenario", "horizon_hours"): ("float", True, None, "Length of the time axis [hours]."),
    ("scenario", "step_minutes"): ("float", False, 60, "Time step [minutes]."),
    ("scenario", "persons_per_household"): (
        "float",
        False,
        2.6,
        "Converts households and consumers in observations to people [persons].",
    ),
    ("scenario", "description"): ("text", False, "", "Longer description."),
    ("run", "samples"): ("int", False, 500, "Monte Carlo samples."),
    ("run", "seed"): ("int", False, 0, "Seed of the random generator, from 0 to 2**63 - 1."),
    ("run", "quantiles"): ("list", False, [0.05, 0.5, 0.95], "Quantiles reported, each in [0, 1]."),
    ("run", "plan_quantile"): (
        "float",
        False,
        0.5,
        "Planning statistic, in (0, 1]: the quantile over Monte Carlo samples every headline figure leads "
        "with (0.5 the median, 0.9 the 90th percentile); always added to the quantiles reported.",
    ),
    ("needs", "water_litres_per_person_day"): (
        "float",
        False,
        NEEDS_DEFAULTS["water_litres_per_person_day"],
        "Water to deliver per person without piped water [litres per person per day]. Source: Sphere Handbook "
        "(2018), water supply standard 2.1: at least 15 L per person per day for drinking, cooking and hygiene; "
        "WHO/WEDC technical note 9 puts basic needs at 7.5-15 L.",
    ),
    ("needs", "truck_capacity_litres"): (
        "float",
        False,
        NEEDS_DEFAULTS["truck_capacity_litres"],
        "Water one truck delivers per trip [litres]. Assumption: a common tanker size; set your fleet's.",
    ),
    ("needs", "heating_after_hours"): (
        "float",
        False,
        NEEDS_DEFAULTS["heating_after_hours"],
        "People whose heat outage has lasted this long need heating-point places [hours]. Source: Government of "
        "Ukraine and State Emergency Service, Invincibility Points (November 2022), meant for outages of more "
        "than 24 hours.",
    ),
    ("needs", "heating_below_celsius"): (
        "number",
        False,
        NEEDS_DEFAULTS["heating_below_celsius"],
        "Only for results without people_cold (written before issue 15) and with temperature.csv: while the "
        "outdoor temperature is below this, everyone without heat is exposed to cold at once [°C]. Assumption: "
        "in frost an unheated home soon falls below the 18 °C the WHO Housing and Health Guidelines (2018) "
        "recommend indoors in the cold season.",
    ),
    ("needs", "heating_uptake"): (
        "fraction",
        False,
        NEEDS_DEFAULTS["heating_uptake"],
        "Share of the people exposed to cold who take a heating-point place at once: heating_places = "
        "heating_uptake x cold_exposed, a number from 0 to 1 [1]. Assumption, not from a survey: most exposed "
        "people stay home (blankets, gas stoves, neighbours); docs/validation.md checks the bundled scenario "
        "against the about 19,000 visits a day reported on 15 December 2025 and reports the ratio.",
    ),
    ("needs", "power_after_hours"): (
        "float",
        False,
        NEEDS_DEFAULTS["power_after_hours"],
        "People without power for at least this long are exposed to cold whatever their heat [hours]. Source: "
        "Government of Ukraine and State Emergency Service, Invincibility Points (November 2022), opened for "
        "power outages expected to last more than 24 hours.",
    ),
    ("needs", "water_stored_hours"): (
        "number >= 0",
        False,
        NEEDS_DEFAULTS["water_stored_hours"],
        "Hours households bridge with stored and bottled water: water to deliver counts only people whose water "
        "outage has lasted at least this long [hours]. Assumption: the utility asks residents to keep a "
        "supply, and bottled water stayed on sale in Odesa on 15 December 2025 (regional administration via "
        "UNN); a 12-24 h threshold is the range a WASH review proposed.",
    ),
    ("needs", "generator_load"): (
        "fraction",
        False,
        NEEDS_DEFAULTS["generator_load"],
        "Share of its rated power a site's generator runs at while the grid is lost, from 0 to 1 [1]. "
        "Assumption: generators are sized with a margin and run at about three quarters of their rating.",
    ),
    ("needs", "diesel_litres_per_kwh"): (
        "float",
        False,
        NEEDS_DEFAULTS["diesel_litres_per_kwh"],
        "Diesel a generator burns per kWh it produces [litres/kWh]. Assumption: the 0.25-0.3 L/kWh of "
        "diesel generators at 50-100 % load in manufacturers' consumption tables; set your fleet's.",
    ),
    ("needs", "critical_kinds"): (
        "kinds",
        False,
        NEEDS_DEFAULTS["critical_kinds"],
        "Asset kinds counted as critical sites: their generator hours are the hours their grid power supply is "
        "lost (central estimate). Assumption: the sites that keep water and heat flowing. A list of asset kinds.",
    ),
    ("boundaries", "attribution"): (
        "text",
        False,
        "",
        "Credit line the licence of boundaries.geojson asks for, shown under every map drawn from it and "
        'kept in the results (attribute boundaries_attribution), e.g. "© OpenStreetMap contributors (ODbL 1.0)" '
        "for boundaries from OpenStreetMap.",
    ),
    ("uncertainty", "repair_correlation"): (
        "fraction",
        False,
        0,
        "How much the repair times of one Monte Carlo sample move together, a number from 0 to 1: the "
        "correlation between the normal scores of any two repair times of a sample (a Gaussian copula with "
        "one common factor), so that a slow campaign is slow everywhere [1]. 0 (the default): every repair "
        "drawn on its own; 1: every repair of a sample at the same quantile of its curve.",
    ),
    ("grid", "demand_kw_per_person"): (
        "float",
        False,
        GRID_DEFAULTS["demand_kw_per_person"],
        "Power demand per resident at the peak hour of the daily profile, before the temperature factor "
        "[kW/person]. Assumption: Ukraine's pre-war winter peak of about 20 GW for about 41 million people "
        "(unconfirmed); set your grid operator's figure. Used only when some asset has capacity_mw.",
    ),
    ("grid", "demand_profile"): (
        "profile",
        False,
        GRID_DEFAULTS["demand_profile"],
        "Daily shape of demand: 24 numbers >= 0 (at least one > 0), one per local hour 0..23, multiplying "
        "demand_kw_per_person [1]. Assumption: a winter weekday with the evening peak = 1.",
    ),
    ("grid", "demand_reference_celsius"): (
        "number",
        False,
        GRID_DEFAULTS["demand_reference_celsius"],
        "With temperature.csv: the outdoor temperature at which the temperature factor is 1 [°C]. Demand of a "
        "leaf at time t is multiplied by max(0, 1 + demand_change_per_degree x (demand_reference_celsius - "
        "T(t))); leaves without a reading keep factor 1. Assumption.",
    ),
    ("grid", "demand_change_per_degree"): (
        "number >= 0",
        False,
        GRID_DEFAULTS["demand_change_per_degree"],
        "Relative change of demand per degree below demand_reference_celsius (and fall per degree above) "
        "[1/°C]. Assumption: 1.5 % per degree, electric heating topping up the district heat.",
    ),
    ("grid", "queues"): (
        "int",
        False,
        GRID_DEFAULTS["queues"],
        "Queues the grid customers of a zone are split into for load shedding, a whole number from 1 to 24. "
        "Source: Ukrainian distribution operators publish cut schedules for 6 queues (the usual split).",
    ),
    ("grid", "cut_block_hours"): (
        "float",
        False,
        GRID_DEFAULTS["cut_block_hours"],
        "Length of one cut of a queue: the queues take turns in blocks of this many hours [hours]. "
        "Assumption: published schedules cut a queue for blocks of a few hours.",
    ),
    ("grid", "partial_damage"): (
        "bool",
        False,
        GRID_DEFAULTS["partial_damage"],
        "Whether a struck supply asset keeps kept_capacity of its capacity_mw until repaired, instead of "
        "none (true or false). Off by default, so a struck asset is down as without [grid].",
    ),
    ("grid", "kept_capacity"): (
        "fractions",
        False,
        GRID_DEFAULTS["kept_capacity"],
        "With partial_damage: the share of its capacity a struck supply asset keeps until repaired, by damage "
        "state: a table with the keys slight, moderate, extensive and complete (those given replace their "
        "defaults), each a number from 0 to 1 [1]. Assumption.",
    ),
    ("heat", "drain_below_celsius"): (
        "number",
        False,
        HEAT_DEFAULTS["drain_below_celsius"],
        "With temperature.csv: a district-heating outage drains the buildings it serves once it has lasted "
        "drain_after_hours at an outdoor temperature at or below this [°C]. Source: Kyiv City State "
        "Administration's procedure for emergency heat outages (2026) applies at -3 °C and below.",
    ),
    ("heat", "drain_after_hours"): (
        "number >= 0",
        False,
        HEAT_DEFAULTS["drain_after_hours"],
        "How long a district-heating outage lasts before the buildings are drained, when it is cold enough "
        "[hours]. Assumption: the Kyiv procedure drains even for outages of hours, and engineers quoted in the "
        "Ukrainian press (January 2026) give an unheated block 6-10 h at -10 to -15 °C before its water freezes.",
    ),
    ("heat", "restart_distribution"): (
        "distribution",
        False,
        HEAT_DEFAULTS["restart_distribution"],
        "Distribution of the restart delay of drained buildings: lognormal, normal or fixed (as in "
        "restoration.csv); one delay per Monte Carlo sample and (district-heating asset, outdoor temperature "
        "series).",
    ),
    ("heat", "restart_median_hours"): (
        "number >= 0",
        False,
        HEAT_DEFAULTS["restart_median_hours"],
        "Median time from the return of district heat to the return of heat in drained buildings [hours]. "
        "Set from Kyiv, 9-10 January 2026: coolant reached about 4,000 of about 6,000 drained buildings within "
        "about a day, apartments warmed later (Kyiv administration via Ukrinform): about a day, indicative.",
    ),
    ("heat", "restart_dispersion"): (
        "number >= 0",
        False,
        HEAT_DEFAULTS["restart_dispersion"],
        "Spread of the restart delay: log-units for lognormal (0.7 puts the 90th percentile at about 2.5 times "
        "the median), hours of standard deviation for normal, unused for fixed. Assumption: Kyiv's long tail "
        "of buildings restarted days later.",
    ),
    ("heat", "cold_below_celsius"): (
        "number",
        False,
        HEAT_DEFAULTS["cold_below_celsius"],
        "With temperature.csv: people in homes below this indoor temperature are counted in people_cold [°C]. "
        "Assumption, after public-health guidance that puts cardiovascular risk below about 12 °C indoors "
        "(England's Cold Weather Plan; WHO Housing and Health Guidelines 2018 recommend at least 18 °C).",
    ),
    ("heat", "indoor_celsius"): (
        "number",
        False,
        HEAT_DEFAULTS["indoor_celsius"],
        "Indoor temperature of a heated home, where cooling starts when heat stops [°C]; above "
        "cold_below_celsius. Assumption: the usual design temperature of living rooms (18-22 °C).",
    ),
    ("heat", "default_housing_type"): (
        "text",
        False,
        HEAT_DEFAULTS["default_housing_type"],
        "Type of home of residents housing.csv does not cover (a housing_type of the package table or of "
        "housing_types.csv). Assumption: the most common urban block.",
    ),
}
