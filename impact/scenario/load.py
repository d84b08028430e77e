"""A scenario: its settings and validated tables, loaded from a folder or from DataFrames.

Loading reads ``scenario.toml`` (:mod:`impact.scenario.settings`) and every CSV file as text
(:mod:`impact.scenario.csv_text`), checks the cells (:mod:`impact.scenario.cells`), then the
tables against each other (:mod:`impact.scenario.consistency`), and collects every problem
found into one :class:`~impact.scenario.problems.ScenarioError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from impact.areas import AreaTree
from impact.boundaries import Boundaries
from impact.scenario import consistency as checks
from impact.scenario.bundled import bundled_ids, find_bundled
from impact.scenario.cells import blank_cells, failing_cells, to_typed
from impact.scenario.csv_text import LINE, frame_to_text, read_text_table
from impact.scenario.curves import default_curves, merge_curves, restoration_class_of
from impact.scenario.geojson import check_boundaries, read_boundaries
from impact.scenario.housing import check_housing, merge_housing_types
from impact.scenario.problems import Problem, ScenarioError
from impact.scenario.schema import (
    AREAS,
    ASSETS,
    BLACKOUTS,
    CREWS,
    DEPENDENCIES,
    HOUSING,
    HOUSING_TYPES,
    OBSERVATIONS,
    OWN_POWER,
    RESTORATION,
    SERVICE_LINKS,
    STATUS_UPDATES,
    STRIKES,
    TABLES,
    TEMPERATURE,
    Table,
)
from impact.scenario.settings import FILE as SETTINGS_FILE
from impact.scenario.settings import ScenarioSettings, read_settings, section_line, settings_from_dict

__all__ = ["Scenario", "load_scenario", "scenario_from_frames"]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario.

    Parameters
    ----------
    config : ScenarioSettings
        Settings from ``scenario.toml``.
    areas, assets, dependencies, service_links, strikes, observations, status_updates : DataFrame
        Typed tables (see ``docs/data-format.md``); optional tables are empty when absent.
        Each keeps ``__line__``, the row's line in its file.
    restoration : DataFrame
        Default curves overlaid with the scenario's own (column ``origin``).
    path : Path or None
        Folder the scenario was read from.
    readme : str
        The folder's README.md, if any.
    temperature : DataFrame
        Outdoor temperature readings (``temperature.csv``; empty when absent), used by
        :func:`impact.needs`.
    blackouts : DataFrame
        Rolling power-cut schedules (``blackouts.csv``; empty when absent).
    crews : DataFrame
        Pools of repair crews (``crews.csv``: ``crew_pool``, ``crews``; empty when absent).
    boundaries : Boundaries or None
        Area polygons of ``boundaries.geojson`` (None when the folder has none); their
        ``attribution`` is ``[boundaries] attribution`` of ``scenario.toml``.
    housing : DataFrame
        The housing of areas (``housing.csv``: ``area_id``, ``housing_type``, ``share``; empty when absent).
    housing_types : DataFrame
        The package's housing types overlaid with the scenario's ``housing_types.csv`` (column ``origin``).
    """

    config: ScenarioSettings
    areas: pd.DataFrame
    assets: pd.DataFrame
    dependencies: pd.DataFrame
    service_links: pd.DataFrame
    strikes: pd.DataFrame
    restoration: pd.DataFrame
    observations: pd.DataFrame
    status_updates: pd.DataFrame
    path: Path | None = None
    readme: str = field(default="", repr=False)
    temperature: pd.DataFrame = field(default_factory=lambda: _empty(TEMPERATURE), repr=False)
    blackouts: pd.DataFrame = field(default_factory=lambda: _empty(BLACKOUTS), repr=False)
    crews: pd.DataFrame = field(default_factory=lambda: _empty(CREWS), repr=False)
    boundaries: Boundaries | None = field(default=None, repr=False)
    housing: pd.DataFrame = field(default_factory=lambda: _empty(HOUSING), repr=False)
    housing_types: pd.DataFrame = field(default_factory=lambda: merge_housing_types(None), repr=False)

    @property
    def id(self) -> str:
        """Scenario id."""
        return self.config.id

    @property
    def title(self) -> str:
        """Scenario title."""
        return self.config.title

    def time_index(self) -> pd.DatetimeIndex:
        """The time axis: ``start + k * step`` for k in [0, horizon / step) [UTC]."""
        step = pd.Timedelta(minutes=self.config.step_minutes)
        return pd.DatetimeIndex([self.config.start + k * step for k in range(self.config.steps)])

    def with_config(self, **changes: Any) -> Scenario:
        """A copy with some settings changed (e.g. ``horizon_hours=240``)."""
        return replace(self, config=replace(self.config, **changes))

    def with_strikes(self, strikes: pd.DataFrame) -> Scenario:
        """A copy with another strikes table (already typed, e.g. a filtered one)."""
        return replace(self, strikes=strikes.reset_index(drop=True))

    def counts(self) -> str:
        """One line counting what was read."""

        def count(number: int, noun: str) -> str:
            return f"{number} {noun}" + ("" if number == 1 else "s")

        parts = [
            count(len(self.areas), "area"),
            count(len(self.assets), "asset"),
            f"{len(self.dependencies)} {'dependency' if len(self.dependencies) == 1 else 'dependencies'}",
            count(len(self.service_links), "service link"),
            count(len(self.strikes), "strike"),
            count(int((self.restoration["origin"] == "scenario").sum()), "restoration curve"),
            count(len(self.observations), "observation"),
            count(len(self.status_updates), "status update"),
        ]
        if len(self.temperature):
            parts.append(count(len(self.temperature), "temperature reading"))
        if len(self.crews):
            parts.append(count(len(self.crews), "crew pool"))
        if len(self.housing):
            parts.append(count(len(self.housing), "housing row"))
        if self.boundaries is not None:
            parts.append(self._boundaries_count())
        return f"{self.id}: " + ", ".join(parts)

    def _boundaries_count(self) -> str:
        """``boundaries for 98 of 99 areas (1 leaf without a polygon)``: areas with a polygon of
        their own or dissolved from their leaves' (:meth:`Boundaries.with_parents`)."""
        assert self.boundaries is not None
        tree = AreaTree.from_table(self.areas)
        covered = {area for area in tree.ids if area in self.boundaries}
        for area in tree.bottom_up():
            if area not in covered and any(child in covered for child in tree.children(area)):
                covered.add(area)
        bare = sum(1 for area in tree.ids if tree.is_leaf(area) and area not in self.boundaries)
        text = f"boundaries for {len(covered)} of {len(tree.ids)} area{'' if len(tree.ids) == 1 else 's'}"
        if bare:
            text += f" ({bare} {'leaf' if bare == 1 else 'leaves'} without a polygon)"
        return text

    def __repr__(self) -> str:
        return f"<Scenario {self.counts()}>"


def _empty(table: Table) -> pd.DataFrame:
    return to_typed(pd.DataFrame({c.name: pd.Series(dtype=object) for c in table.columns} | {LINE: []}), table)


def _validate(
    config: ScenarioSettings | None,
    texts: dict[str, pd.DataFrame | None],
    problems: list[Problem],
    source: str,
    path: Path | None,
    boundaries: object | None = None,
    grid_line: int = 0,
    heat_line: int = 0,
) -> Scenario:
    """Check text tables cell by cell and across tables; build the typed scenario.

    ``boundaries`` is the parsed ``boundaries.geojson`` (checked here against the areas), a
    ready :class:`Boundaries` (taken as is) or None. ``grid_line`` is the line of the ``[grid]``
    header of ``scenario.toml`` (0 when not known), ``heat_line`` that of ``[heat]``.
    """
    typed: dict[str, pd.DataFrame | None] = {}
    bad_cells: dict[str, set[tuple[int, str]]] = {}
    for table in TABLES:
        text = texts.get(table.name)
        if text is None:
            typed[table.name] = None if table.required else _empty(table)
            bad_cells[table.name] = set()
            continue
        failures = failing_cells(text, table)
        problems += [problem for problem, broken in failures if not broken]
        bad_cells[table.name] = {(problem.line, problem.column) for problem, _broken in failures}
        full = to_typed(blank_cells(text, failures), table)
        problems += checks.check_unique(full, table)
        # Cross-table checks see the first row of each key only (duplicates are reported above).
        typed[table.name] = full.drop_duplicates(subset=list(table.key), keep="first") if table.key else full

    areas, assets = typed[AREAS.name], typed[ASSETS.name]
    deps, links = typed[DEPENDENCIES.name], typed[SERVICE_LINKS.name]
    strikes, curves = typed[STRIKES.name], typed[RESTORATION.name]
    observations, updates = typed[OBSERVATIONS.name], typed[STATUS_UPDATES.name]
    temperature = typed[TEMPERATURE.name]
    blackouts = typed[BLACKOUTS.name]
    crews = typed[CREWS.name]
    housing = typed[HOUSING.name]
    housing_types = merge_housing_types(typed[HOUSING_TYPES.name])
    area_ids = set(areas["area_id"]) if areas is not None else None
    asset_ids = set(assets["asset_id"]) if assets is not None else None
    merged = merge_curves(default_curves(), curves)

    if areas is not None:
        problems += checks.check_area_tree(areas, bad_cells[AREAS.name])
    if areas is not None and area_ids is not None:
        problems += checks.check_references(assets, "assets.csv", "area_id", area_ids, "areas.csv")
        problems += checks.check_references(links, "service_links.csv", "area_id", area_ids, "areas.csv")
        problems += checks.check_references(observations, "observations.csv", "area_id", area_ids, "areas.csv")
        problems += checks.check_references(temperature, TEMPERATURE.name, "area_id", area_ids, "areas.csv")
        problems += checks.check_references(blackouts, BLACKOUTS.name, "area_id", area_ids, "areas.csv")
        problems += checks.check_references(housing, HOUSING.name, "area_id", area_ids, "areas.csv")
        if links is not None:
            # An area that names itself as parent has no other child: a leaf here (the self-parent
            # is reported on areas.csv).
            tree = AreaTree.from_table(areas)
            leaves = {a for a in tree.ids if all(child == a for child in tree.children(a))}
            problems += checks.check_links(links, leaves & area_ids, area_ids)
    if asset_ids is not None:
        for frame, name, column in (
            (deps, "dependencies.csv", "asset_id"),
            (deps, "dependencies.csv", "depends_on"),
            (updates, "status_updates.csv", "asset_id"),
        ):
            problems += checks.check_references(frame, name, column, asset_ids, "assets.csv")
        # own_power is the reserved word of links (its service is checked below), never an asset.
        link_targets = asset_ids | {OWN_POWER}
        problems += checks.check_references(links, "service_links.csv", "asset_id", link_targets, "assets.csv")
        problems += checks.check_strike_assets(strikes, asset_ids)
        # crews.csv absent: one problem if pools are named; present but unreadable: reported already.
        crews_unread = texts.get(CREWS.name) is None
        if not (crews_unread and any(problem.file == CREWS.name for problem in problems)):
            problems += checks.check_crew_pools(assets, crews, crews_missing=crews_unread)
    problems += checks.check_reserved_asset_ids(assets)
    problems += checks.check_capacity(assets, bad_cells[ASSETS.name])
    problems += checks.check_own_power_links(links, bad_cells[SERVICE_LINKS.name])
    if areas is not None:
        grid_written = config.grid.present if config is not None else False
        problems += checks.check_grid_zones(areas, assets, grid_written, grid_line, bad_cells)
    if deps is not None:
        problems += checks.check_dependencies(deps)
        problems += checks.check_buffer_ranges(deps, texts.get(DEPENDENCIES.name))
    problems += _check_temperature(temperature, bad_cells[TEMPERATURE.name], texts.get(TEMPERATURE.name))
    if areas is not None:
        problems += checks.check_blackouts(blackouts, bad_cells[BLACKOUTS.name], areas, texts.get(BLACKOUTS.name))
    problems += checks.check_curve_rows(curves)
    default_type = config.heat.default_housing_type if config is not None else None
    problems += check_housing(housing, housing_types, default_type, bad_cells[HOUSING.name])
    # [heat] and housing change nothing without readings (a broken temperature.csv is reported already)
    no_readings = texts.get(TEMPERATURE.name) is not None and temperature is not None and not len(temperature)
    if texts.get(TEMPERATURE.name) is None or no_readings:
        without = "while temperature.csv has no readings" if no_readings else "without temperature.csv"
        if config is not None and config.heat.present:
            problems.append(
                Problem(
                    SETTINGS_FILE,
                    heat_line,
                    "heat",
                    f"[heat] has no effect {without}: drains and cooling follow the outdoor temperature",
                )
            )
        for table in (HOUSING, HOUSING_TYPES):
            rows = typed[table.name]
            if rows is not None and len(rows):
                problems.append(
                    Problem(table.name, 0, "-", f"{table.name} has no effect {without}: homes cool with it")
                )
    if assets is not None:
        problems += checks.check_asset_classes(assets, set(merged["restoration_class"]))
        if strikes is not None:
            problems += checks.check_strike_curves(strikes, restoration_class_of(assets), merged)

    attribution = config.boundaries_attribution if config is not None else ""
    polygons: Boundaries | None = None
    if isinstance(boundaries, Boundaries):
        polygons = (
            boundaries if boundaries.attribution or not attribution else Boundaries(boundaries.shapes, attribution)
        )
    elif boundaries is not None:
        polygons, boundary_problems = check_boundaries(boundaries, area_ids, attribution)
        problems += boundary_problems

    if problems or config is None:
        raise ScenarioError(problems, source)
    return Scenario(
        config=config,
        areas=areas,
        assets=assets,
        dependencies=deps,
        service_links=links,
        strikes=strikes,
        restoration=merged,
        observations=observations,
        status_updates=updates,
        path=path,
        readme=_readme(path),
        temperature=temperature,
        blackouts=blackouts,
        crews=crews,
        boundaries=polygons,
        housing=housing,
        housing_types=housing_types,
    )


def _readme(path: Path | None) -> str:
    """The text of the scenario folder's ``README.md``; "" when there is none or it cannot be read.

    The README is documentation, not data: a folder or an unreadable file in its place is
    not a problem of the scenario.
    """
    readme = path / "README.md" if path else None
    try:
        if readme is None or not readme.is_file():
            return ""
        return readme.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _check_temperature(
    temperature: pd.DataFrame, bad_cells: set[tuple[int, str]], text: pd.DataFrame | None = None
) -> list[Problem]:
    """Readings of one area (or of every area) at the same time, after the first.

    Parameters
    ----------
    temperature : DataFrame
        Typed ``temperature.csv``.
    bad_cells : set of (line, column)
        Cells already reported.
    text : DataFrame, optional
        The table as read, so that messages show the time as written (else in UTC).
    """
    problems = []
    written = checks.written_cells(text, ("time",))
    first: dict[tuple, int] = {}
    for time, area, line in zip(temperature["time"], temperature["area_id"], temperature[LINE], strict=True):
        if (line, "time") in bad_cells or (line, "area_id") in bad_cells or pd.isna(time):
            continue
        key = (time, area)
        if key in first:
            where = f"area {area!r}" if area else "every area"
            problems.append(
                Problem(
                    TEMPERATURE.name,
                    int(line),
                    "time",
                    f"a second reading for {where} at "
                    f"{written.get((int(line), 'time')) or time.isoformat()}; first on line "
                    f"{first[key]}",
                )
            )
        else:
            first[key] = int(line)
    return problems


def load_scenario(scenario: str | Path | Scenario) -> Scenario:
    """Load and validate a scenario.

    Parameters
    ----------
    scenario : str, Path or Scenario
        A bundled scenario's id (``"odesa-2025-12"``, see ``impact datasets``), a scenario
        folder, or an already loaded scenario (returned as is).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Listing every problem as ``file:line: column: message``.
    FileNotFoundError
        If ``scenario`` is neither a bundled id nor a folder.
    """
    if isinstance(scenario, Scenario):
        return scenario
    folder = Path(scenario)
    if not folder.is_dir():
        bundled = find_bundled(str(scenario))
        if bundled is None:
            raise FileNotFoundError(
                f"{str(scenario)!r} is neither a scenario folder nor a bundled scenario; "
                f"bundled: {', '.join(bundled_ids()) or 'none'}"
            )
        folder = bundled
    config, problems = read_settings(folder)
    texts: dict[str, pd.DataFrame | None] = {}
    for table in TABLES:
        text, table_problems = read_text_table(folder, table)
        texts[table.name] = text
        problems += table_problems
    document, boundary_problems = read_boundaries(folder)
    problems += boundary_problems
    grid_line = _section_line(folder, "grid") if config is not None and config.grid.present else 0
    heat_line = _section_line(folder, "heat") if config is not None and config.heat.present else 0
    return _validate(config, texts, problems, str(scenario), folder, document, grid_line, heat_line)


def _section_line(folder: Path, section: str) -> int:
    """Line of a section of the folder's ``scenario.toml`` (read already, so readable; 0 if not)."""
    try:
        text = (folder / SETTINGS_FILE).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 0
    return section_line(text, section)


def scenario_from_frames(
    settings: dict,
    *,
    areas: pd.DataFrame,
    assets: pd.DataFrame,
    service_links: pd.DataFrame,
    strikes: pd.DataFrame,
    dependencies: pd.DataFrame | None = None,
    restoration: pd.DataFrame | None = None,
    observations: pd.DataFrame | None = None,
    status_updates: pd.DataFrame | None = None,
    temperature: pd.DataFrame | None = None,
    blackouts: pd.DataFrame | None = None,
    crews: pd.DataFrame | None = None,
    boundaries: dict | Boundaries | None = None,
    housing: pd.DataFrame | None = None,
    housing_types: pd.DataFrame | None = None,
) -> Scenario:
    """Build and validate a scenario from DataFrames (for notebooks and tests).

    Parameters
    ----------
    settings : dict
        ``{"scenario": {...}, "run": {...}}`` as in ``scenario.toml``.
    areas, assets, service_links, strikes : DataFrame
        Required tables, columns as in the data format.
    dependencies, restoration, observations, status_updates, temperature, blackouts, crews : DataFrame, optional
        Optional tables.
    housing, housing_types : DataFrame, optional
        Optional tables ``housing.csv`` and ``housing_types.csv``.
    boundaries : dict or Boundaries, optional
        Area polygons: a GeoJSON FeatureCollection as a dict (checked as ``boundaries.geojson``
        is; problems name that file) or a ready :class:`~impact.boundaries.Boundaries` (taken
        as is; given the ``[boundaries] attribution`` setting when it has none).

    Returns
    -------
    Scenario
        Line numbers in messages are those the rows would have in a CSV file.
    """
    if not isinstance(settings, dict):
        raise TypeError(
            f"settings must be a dict like {{'scenario': {{...}}, 'run': {{...}}}}, not {type(settings).__name__}"
        )
    config, problems = settings_from_dict(settings)
    given = {
        AREAS.name: areas,
        ASSETS.name: assets,
        DEPENDENCIES.name: dependencies,
        SERVICE_LINKS.name: service_links,
        STRIKES.name: strikes,
        RESTORATION.name: restoration,
        OBSERVATIONS.name: observations,
        STATUS_UPDATES.name: status_updates,
        TEMPERATURE.name: temperature,
        BLACKOUTS.name: blackouts,
        CREWS.name: crews,
        HOUSING.name: housing,
        HOUSING_TYPES.name: housing_types,
    }
    texts: dict[str, pd.DataFrame | None] = {}
    for table in TABLES:
        frame = given[table.name]
        if frame is None:
            texts[table.name] = None
            continue
        missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
        problems += [Problem(table.name, 1, name, "required column is missing from the header") for name in missing]
        texts[table.name] = None if missing else frame_to_text(frame)
    for table in TABLES:
        if table.required and given[table.name] is None:
            problems.append(Problem(table.name, 0, "-", "required table is missing"))
    section = settings.get("scenario")
    source = str(section.get("id", "scenario")) if isinstance(section, dict) else "scenario"
    if boundaries is not None and not isinstance(boundaries, dict | Boundaries):
        raise TypeError(
            f"boundaries must be a GeoJSON FeatureCollection (dict) or a Boundaries, not {type(boundaries).__name__}"
        )
    return _validate(config, texts, problems, source, None, boundaries)
