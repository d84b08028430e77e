"""A small scenario with a grid capacity balance (issue 14), for the figure and dashboard tests.

Two grid zones: ``west`` (district R1, 1,000 people, plants F1 and F2 of 0.36 MW each) and
``east`` (district R2, 500 people, plant FE of 0.2 MW). With 0.5 kW per person and a flat
profile, west needs 0.5 MW (ample until the strike on F1 at 02:00 takes half its supply:
deficit 0.28 while F1 is down, about a day) and east 0.25 MW (deficit 0.2 throughout).

The inputs are real ``capacity_mw`` and ``grid_zone`` columns and a ``[grid]`` section, validated
by the loader like any scenario's.
"""

from __future__ import annotations

from scenario_factory import make_scenario, strike

from impact.scenario import Scenario

#: ``[grid]`` of the scenario: flat demand of 0.5 kW per person, no temperature dependence.
GRID = {"demand_kw_per_person": 0.5, "demand_profile": [1.0] * 24, "demand_change_per_degree": 0.0}

AREAS = [
    {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
    {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1000},
    {"area_id": "R2", "name": "District 2", "admin_level": 2, "parent_id": "R", "population": 500},
]
ASSETS = [
    {"asset_id": "F1", "name": "Plant 1", "kind": "power_plant", "area_id": "R1", "restoration_class": "plant"},
    {"asset_id": "F2", "name": "Plant 2", "kind": "power_plant", "area_id": "R1"},
    {"asset_id": "FE", "name": "Plant East", "kind": "power_plant", "area_id": "R2"},
    {"asset_id": "SUB1", "name": "Substation 1", "kind": "substation", "area_id": "R1"},
    {"asset_id": "SUB2", "name": "Substation 2", "kind": "substation", "area_id": "R2"},
]
DEPENDENCIES = [
    {"asset_id": "SUB1", "depends_on": "F1", "group": "g"},
    {"asset_id": "SUB1", "depends_on": "F2", "group": "g"},
    {"asset_id": "SUB2", "depends_on": "FE"},
]
LINKS = [
    {"area_id": "R1", "service": "power", "asset_id": "SUB1", "share": 1.0},
    {"area_id": "R2", "service": "power", "asset_id": "SUB2", "share": 1.0},
]
#: F1's repair after a moderate strike: lognormal, median one day (the samples spread the deficit's end).
RESTORATION = [
    {
        "restoration_class": "plant",
        "damage_state": "moderate",
        "distribution": "lognormal",
        "median_days": 1.0,
        "dispersion": 0.5,
        "source": "test",
    }
]
#: Capacity [MW] and grid zone of each asset of :data:`ASSETS` (None: no capacity).
CAPACITY_MW = [0.36, 0.36, 0.2, None, None]
ASSET_ZONES = ["west", "west", "east", None, None]
#: Grid zone of each area of :data:`AREAS` (leaves only).
AREA_ZONES = [None, "west", "east"]


def grid_scenario(*, zones: bool = True, **settings: object) -> Scenario:
    """The scenario of this module's docstring.

    Parameters
    ----------
    zones : bool
        Two zones (``west``, ``east``); False: every leaf and capacity in the default zone ``all``.
    **settings
        ``scenario.toml`` keys for :func:`make_scenario` (``horizon_hours=72`` by default).
    """
    settings.setdefault("horizon_hours", 72)
    assets = [{**row, "capacity_mw": mw} for row, mw in zip(ASSETS, CAPACITY_MW, strict=True)]
    areas = [dict(row) for row in AREAS]
    if zones:
        assets = [{**row, "grid_zone": zone} for row, zone in zip(assets, ASSET_ZONES, strict=True)]
        areas = [{**row, "grid_zone": zone} for row, zone in zip(areas, AREA_ZONES, strict=True)]
    return make_scenario(
        areas=areas,
        assets=assets,
        dependencies=DEPENDENCIES,
        service_links=LINKS,
        strikes=[strike("S1", "F1", 2.0, "moderate")],
        restoration=RESTORATION,
        grid=GRID,
        **settings,
    )
