"""The input side: a scenario's data format, reading, checking and loading.

Modules, from the bottom up:

- :mod:`impact.scenario.schema`: the data format declared as data (tables, columns, units,
  ``scenario.toml`` keys); ``docs/data-format.md`` is generated from it;
- :mod:`impact.scenario.problems`: :class:`Problem` (file, line, column, message) and
  :class:`ScenarioError`, which lists problems in the order of the declared files;
- :mod:`impact.scenario.weighted`: weighted cells (``SUB-1:0.5|SUB-2:0.5``,
  ``moderate:0.6|extensive:0.4``) of ``strikes.csv``: their grammar and readers;
- :mod:`impact.scenario.csv_text`: reading CSV files as text, every row with its line number;
- :mod:`impact.scenario.cells`: checking every cell against the schema, and typing the tables;
- :mod:`impact.scenario.settings`: reading and checking ``scenario.toml``
  (:class:`ScenarioSettings`);
- :mod:`impact.scenario.curves`: the restoration curve table (defaults overlaid with the
  scenario's ``restoration.csv``) and the restoration class of each asset;
- :mod:`impact.scenario.grid`: grid zones of leaf areas and capacity assets, critical assets
  (the inputs of the grid model, ``[grid]``);
- :mod:`impact.scenario.consistency`: checks across the tables (references, the area tree,
  dependency cycles, schedules...);
- :mod:`impact.scenario.geojson`: reading and checking the optional ``boundaries.geojson``
  (area polygons, :class:`impact.boundaries.Boundaries`);
- :mod:`impact.scenario.bundled`: the scenarios shipped with the package;
- :mod:`impact.scenario.load`: :class:`Scenario`, :func:`load_scenario` and
  :func:`scenario_from_frames`, which run all of the above and report every problem at once
  (:class:`~impact.scenario.problems.ScenarioError`).
"""

from __future__ import annotations

from impact.scenario.consistency import population_used
from impact.scenario.grid import asset_grid_zones, asset_is_critical, leaf_grid_zones
from impact.scenario.load import Scenario, load_scenario, scenario_from_frames
from impact.scenario.problems import Problem, ScenarioError
from impact.scenario.settings import GridSettings, HeatSettings, NeedsSettings, ScenarioSettings

__all__ = [
    "GridSettings",
    "HeatSettings",
    "NeedsSettings",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioSettings",
    "asset_grid_zones",
    "asset_is_critical",
    "leaf_grid_zones",
    "load_scenario",
    "population_used",
    "scenario_from_frames",
]
