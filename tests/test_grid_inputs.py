"""The inputs of the grid model (issue 14): columns, ``[grid]``, their checks and the zone helpers.

``tests/malformed/_valid_grid`` is ``_valid`` with every grid input used once: leaves UA5101 (zone
``north``) and UA5102 (``south``); SUB-1 (0.4 MW, zone from its area) and SUB-2 (0.8 MW,
``grid_zone = south``, ``critical = no``); PMP-1 ``critical = TRUE``; ``own_power`` links for
water in UA5101 (0.2, 3 h buffer) and heat in UA5102 (0.4); a ``[grid]`` section. The corpus cases
``grid-*``, ``own-power-*``, ``link-buffer-*`` and ``toml-grid-*`` hold one message each
(``tests/test_validation.py`` runs them); here: the values loaded, defaults, the helpers, and
rules the corpus cannot show in one file.
"""

from __future__ import annotations

import dataclasses
import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from scenario_factory import make_scenario, make_settings

import impact
from impact.scenario import (
    GridSettings,
    ScenarioSettings,
    asset_grid_zones,
    asset_is_critical,
    leaf_grid_zones,
)
from impact.scenario.grid import area_zones, capacity_zones, critical_assets, grid_active, leaf_zones
from impact.scenario.schema import (
    ASSETS,
    DEFAULT_GRID_ZONE,
    GRID_DEFAULTS,
    OWN_POWER,
    POWER_KINDS,
    SCENARIO_KEYS,
    SERVICE_LINKS,
)
from impact.scenario.settings import SECTIONS, settings_from_dict

CORPUS = Path(__file__).parent / "malformed"
GRID = CORPUS / "_valid_grid"
VALID = CORPUS / "_valid"
TABLE_FILES = ("areas.csv", "assets.csv", "dependencies.csv", "service_links.csv", "strikes.csv", "restoration.csv")


def _problems(source: Path) -> list[str]:
    with pytest.raises(impact.ScenarioError) as caught:
        impact.load_scenario(source)
    return [str(problem) for problem in caught.value.problems]


def _frame_problems(**tables: object) -> list[str]:
    with pytest.raises(impact.ScenarioError) as caught:
        make_scenario(**tables)
    return [str(problem) for problem in caught.value.problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path.name, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _copy(tmp_path: Path, base: Path = GRID) -> Path:
    folder = tmp_path / "scenario"
    shutil.copytree(base, folder)
    return folder


# --- names fixed by the contract ---------------------------------------------------------------


def test_the_contract_names() -> None:
    assert DEFAULT_GRID_ZONE == "all" and OWN_POWER == "own_power"
    assert POWER_KINDS == ("power_plant", "chp_plant", "substation", "power_line")
    assert "grid" in SECTIONS
    assert [column.name for column in ASSETS.columns if column.name in ("capacity_mw", "grid_zone", "critical")] == [
        "capacity_mw",
        "grid_zone",
        "critical",
    ]
    assert ASSETS.column("capacity_mw").unit == "MW" and ASSETS.column("critical").dtype == "bool"
    assert SERVICE_LINKS.column("buffer_hours").unit == "hours"
    assert [field.name for field in dataclasses.fields(GridSettings)] == [
        "demand_kw_per_person",
        "demand_profile",
        "demand_reference_celsius",
        "demand_change_per_degree",
        "queues",
        "cut_block_hours",
        "partial_damage",
        "kept_capacity",
        "present",
    ]
    assert {key for section, key in SCENARIO_KEYS if section == "grid"} == set(GRID_DEFAULTS)


def test_every_grid_key_says_its_source_or_that_it_is_an_assumption() -> None:
    for (section, key), (_kind, required, default, doc) in SCENARIO_KEYS.items():
        if section != "grid" or key == "partial_damage":  # an option, off by default: no number to source
            continue
        assert not required and default == GRID_DEFAULTS[key]
        assert "Assumption" in doc or "Source" in doc, key


def test_grid_defaults() -> None:
    grid = GridSettings()
    assert grid.demand_kw_per_person == 0.5
    assert len(grid.demand_profile) == 24 and max(grid.demand_profile) == 1.0
    assert grid.demand_profile == tuple([0.70] * 6 + [0.78, 0.88] + [0.92] * 9 + [0.97] + [1.0] * 4 + [0.90, 0.80])
    assert (grid.demand_reference_celsius, grid.demand_change_per_degree) == (0.0, 0.015)
    assert (grid.queues, grid.cut_block_hours, grid.partial_damage, grid.present) == (6, 4.0, False, False)
    assert grid.kept_capacity == {"slight": 0.75, "moderate": 0.5, "extensive": 0.0, "complete": 0.0}
    assert GridSettings() == grid and hash(GridSettings()) == hash(grid)
    assert isinstance(grid.kept_capacity, dict) and grid.kept_capacity is not GridSettings().kept_capacity


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"demand_kw_per_person": 0}, "demand_kw_per_person 0 must be a number > 0"),
        ({"cut_block_hours": -1.0}, "cut_block_hours -1.0 must be a number > 0"),
        ({"demand_change_per_degree": -0.1}, "demand_change_per_degree -0.1 must be a number >= 0"),
        ({"demand_reference_celsius": float("nan")}, "demand_reference_celsius nan must be a number"),
        ({"demand_profile": (1.0,) * 23}, "demand_profile has 23 numbers; it must have 24"),
        ({"queues": 0}, "queues 0 must be a whole number from 1 to 24"),
        ({"queues": 2.5}, "queues 2.5 must be a whole number from 1 to 24"),
        ({"partial_damage": 1}, "partial_damage 1 must be true or false"),
        ({"kept_capacity": {"slight": 2}}, "kept_capacity slight: 2 is out of range"),
    ],
)
def test_grid_settings_refuse_values_out_of_range(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        GridSettings(**changes)


def test_grid_settings_keep_every_damage_state_of_a_partial_table() -> None:
    grid = GridSettings(kept_capacity={"moderate": 1}, demand_profile=[1] * 24)
    assert grid.kept_capacity == {"slight": 0.75, "moderate": 1.0, "extensive": 0.0, "complete": 0.0}
    assert grid.demand_profile == (1.0,) * 24 and all(isinstance(value, float) for value in grid.demand_profile)


# --- valid inputs ------------------------------------------------------------------------------


def test_base_with_every_grid_input_loads_cleanly() -> None:
    scenario = impact.load_scenario(GRID)
    assert scenario.counts() == (
        "mini-grid: 3 areas, 4 assets, 3 dependencies, 6 service links, 2 strikes, 2 restoration curves, "
        "1 observation, 0 status updates"
    )
    assets = scenario.assets
    assert assets["capacity_mw"].tolist()[:2] == [0.4, 0.8] and assets["capacity_mw"].isna().tolist()[2:] == [
        True,
        True,
    ]
    assert assets["grid_zone"].tolist() == ["", "south", "", ""]
    assert str(assets["critical"].dtype) == "boolean"
    assert assets["critical"].tolist()[1:3] == [False, True] and assets["critical"].isna().tolist() == [
        True,
        False,
        False,
        True,
    ]
    assert scenario.areas["grid_zone"].tolist() == ["", "north", "south"]
    links = scenario.service_links
    assert links.loc[links["asset_id"] == OWN_POWER, "buffer_hours"].fillna(-1).tolist() == [3.0, -1]
    grid = scenario.config.grid
    assert grid.present and (grid.demand_kw_per_person, grid.queues, grid.partial_damage) == (0.4, 4, True)
    assert grid.kept_capacity == {"slight": 1.0, "moderate": 0.5, "extensive": 0.0, "complete": 0.0}
    assert grid.demand_profile == GridSettings().demand_profile


def test_helpers_on_the_grid_base() -> None:
    scenario = impact.load_scenario(GRID)
    assert leaf_grid_zones(scenario) == {"UA5101": "north", "UA5102": "south"}
    assert asset_grid_zones(scenario) == {"SUB-1": "north", "SUB-2": "south"}  # SUB-1's from its area
    assert asset_is_critical(scenario) == {"SUB-1": False, "SUB-2": False, "PMP-1": True, "BLR-1": True}
    assert grid_active(scenario)
    assert area_zones(scenario.areas) == {
        "UA51": frozenset({"north", "south"}),
        "UA5101": frozenset({"north"}),
        "UA5102": frozenset({"south"}),
    }


def test_a_scenario_without_grid_inputs_gets_their_defaults() -> None:
    scenario = impact.load_scenario(VALID)
    assert scenario.config.grid == GridSettings() and not scenario.config.grid.present
    assert scenario.assets["capacity_mw"].isna().all() and scenario.assets["critical"].isna().all()
    assert scenario.assets["grid_zone"].tolist() == [""] * 4 and scenario.areas["grid_zone"].tolist() == [""] * 3
    assert scenario.service_links["buffer_hours"].isna().all()
    assert not grid_active(scenario) and asset_grid_zones(scenario) == {}
    assert leaf_grid_zones(scenario) == {"UA5101": DEFAULT_GRID_ZONE, "UA5102": DEFAULT_GRID_ZONE}
    # Critical by default: the kinds of [needs] critical_kinds (pumping stations, boiler houses...).
    assert asset_is_critical(scenario) == {"SUB-1": False, "SUB-2": False, "PMP-1": True, "BLR-1": True}


def test_critical_default_follows_the_needs_critical_kinds(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "scenario.toml", "[grid]\n", '[needs]\ncritical_kinds = ["substation"]\n\n[grid]\n')
    scenario = impact.load_scenario(folder)
    # SUB-1 (empty) follows its kind; SUB-2 says no, PMP-1 says TRUE; BLR-1 (empty) is no longer a critical kind.
    assert asset_is_critical(scenario) == {"SUB-1": True, "SUB-2": False, "PMP-1": True, "BLR-1": False}


def test_helpers_accept_tables_without_the_optional_columns() -> None:
    areas = pd.DataFrame({"area_id": ["R", "R1"], "parent_id": ["", "R"]})
    assets = pd.DataFrame({"asset_id": ["A", "B"], "kind": ["substation", "well"], "area_id": ["R", "R1"]})
    assert leaf_zones(areas) == {"R1": "all"}
    assert capacity_zones(assets, areas) == {}
    assert critical_assets(assets, ["well"]) == {"A": False, "B": True}


@pytest.mark.parametrize("word", ["true", "TRUE", "True", "yes", "Yes", "1", "false", "FALSE", "no", "NO", "0"])
def test_critical_reads_every_accepted_word_in_any_case(word: str) -> None:
    scenario = make_scenario(
        assets=[
            {"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1", "critical": word},
            {"asset_id": "PMP", "name": "Pumping station", "kind": "pumping_station", "area_id": "R1"},
        ]
    )
    expected = word.lower() in ("true", "yes", "1")
    assert asset_is_critical(scenario) == {"SUB": expected, "PMP": True}


def test_critical_from_python_booleans_in_a_frame() -> None:
    assets = pd.DataFrame(
        {
            "asset_id": ["SUB", "PMP"],
            "name": ["Substation", "Pumping station"],
            "kind": ["substation", "pumping_station"],
            "area_id": ["R1", "R1"],
            "critical": pd.array([True, pd.NA], dtype="boolean"),
        }
    )
    assert asset_is_critical(make_scenario(assets=assets)) == {"SUB": True, "PMP": True}


def _grid_areas(zones: dict[str, str]) -> list[dict]:
    """Region R with districts R1, R2 (leaves) in the given zones (absent: the default zone)."""
    rows = [{"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None}]
    for area, people in (("R1", 1000), ("R2", 500)):
        rows.append(
            {
                "area_id": area,
                "name": area,
                "admin_level": 2,
                "parent_id": "R",
                "population": people,
                "grid_zone": zones.get(area, ""),
            }
        )
    return rows


#: The default pumping station of make_scenario, without a capacity.
PUMP = {"asset_id": "PMP", "name": "Pumping station", "kind": "pumping_station", "area_id": "R1"}


def _supply(asset_id: str, area: str, capacity: float | None = 1.0, zone: str = "", kind: str = "substation") -> dict:
    return {
        "asset_id": asset_id,
        "name": asset_id,
        "kind": kind,
        "area_id": area,
        "capacity_mw": capacity,
        "grid_zone": zone,
    }


def test_one_zone_by_default_and_an_asset_of_the_region_serves_it() -> None:
    scenario = make_scenario(
        areas=_grid_areas({}),
        assets=[_supply("SUB", "R"), _supply("PMP", "R1", None, kind="pumping_station")],
        grid={},
    )
    assert leaf_grid_zones(scenario) == {"R1": "all", "R2": "all"}
    assert asset_grid_zones(scenario) == {"SUB": "all"}
    assert scenario.config.grid.present and scenario.config.grid == GridSettings(present=True)


def test_an_asset_of_a_parent_whose_leaves_share_a_zone_gets_that_zone() -> None:
    scenario = make_scenario(
        areas=_grid_areas({"R1": "z", "R2": "z"}),
        assets=[_supply("SUB", "R"), _supply("PLANT", "R1", 5.0, kind="power_plant"), PUMP],
    )
    assert asset_grid_zones(scenario) == {"SUB": "z", "PLANT": "z"}


def test_every_power_kind_may_have_a_capacity_and_zero_is_a_capacity() -> None:
    assets = [_supply(f"A{i}", "R1", 0.0 if i == 0 else 2.5, kind=kind) for i, kind in enumerate(POWER_KINDS)]
    scenario = make_scenario(areas=_grid_areas({}), assets=assets, service_links=[], strikes=[])
    assert asset_grid_zones(scenario) == {f"A{i}": "all" for i in range(len(POWER_KINDS))}


def test_own_power_links_for_water_and_heat() -> None:
    links = [
        {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
        {"area_id": "R2", "service": "water", "asset_id": "PMP", "share": 0.5},
        {"area_id": "R2", "service": "water", "asset_id": OWN_POWER, "share": 0.5, "buffer_hours": 12},
        {"area_id": "R1", "service": "heat", "asset_id": OWN_POWER, "share": 1.0},
    ]
    scenario = make_scenario(service_links=links)
    assert scenario.service_links["asset_id"].tolist().count(OWN_POWER) == 2
    assert scenario.service_links["buffer_hours"].tolist()[2] == 12.0


def test_make_scenario_passes_temperature() -> None:
    scenario = make_scenario(temperature=[{"time": "2025-12-19T00:00:00+02:00", "temperature_c": -5, "area_id": ""}])
    assert scenario.temperature["temperature_c"].tolist() == [-5.0]


def test_make_settings_writes_grid_only_when_asked() -> None:
    assert "grid" not in make_settings()
    assert make_settings(grid={"queues": 3})["grid"] == {"queues": 3}


# --- messages ----------------------------------------------------------------------------------


def test_grid_without_capacity_from_frames_is_located_on_line_0() -> None:
    assert _frame_problems(grid={"queues": 6}) == [
        "scenario.toml:0: grid: [grid] has no effect: no asset in assets.csv has capacity_mw"
    ]


def test_grid_as_a_table_of_tables_is_located_on_its_header(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder / "scenario.toml",
        "kept_capacity = {slight = 1, moderate = 0.5}\n",
        "\n[grid.kept_capacity]\nslight = 2\n",
    )
    assert _problems(folder) == [
        "scenario.toml:18: grid.kept_capacity: slight: 2 is out of range; must be a number from 0 to 1"
    ]


def test_grid_section_not_a_table(tmp_path: Path) -> None:
    folder = _copy(tmp_path, VALID)
    (folder / "scenario.toml").write_text(
        (VALID / "scenario.toml").read_text(encoding="utf-8") + "grid = 3\n", encoding="utf-8"
    )
    assert _problems(folder) == [
        "scenario.toml:12: run.grid: unknown key; valid keys: samples, seed, quantiles, plan_quantile"
    ]


def test_a_grid_key_outside_the_section_says_where_it_belongs() -> None:
    settings = make_settings()
    settings["queues"] = 6
    _config, problems = settings_from_dict(settings)
    assert [str(problem) for problem in problems] == [
        "scenario.toml:0: queues: key outside any section; move it below the [grid] header"
    ]


def test_every_grid_fault_is_reported_at_once(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "scenario.toml", "queues = 4", "queues = 30")
    _edit(folder / "areas.csv", "UA51,Oblast,1,,,", "UA51,Oblast,1,,,north")
    _edit(folder / "assets.csv", "pumping_station,UA5101,,,TRUE", "pumping_station,UA5101,3,,ja")
    _edit(folder / "service_links.csv", "UA5102,power,SUB-2,1,", "UA5102,power,own_power,1,")
    _edit(folder / "service_links.csv", "UA5102,heat,BLR-1,0.5,", "UA5102,heat,BLR-1,0.5,4")
    (folder / "assets.csv").write_text(
        (folder / "assets.csv").read_text(encoding="utf-8") + "own_power,Generator,power_plant,UA5101,,,\n",
        encoding="utf-8",
    )
    assert _problems(folder) == [
        "scenario.toml:15: grid.queues: 30 must be a whole number from 1 to 24",
        "areas.csv:2: grid_zone: 'north' given on an area with child areas; grid zones are set on leaf areas (the "
        "zones of a parent are those of its leaves)",
        "assets.csv:4: capacity_mw: given for a pumping_station; capacity_mw is the supply of a power asset: "
        "power_plant, chp_plant, substation, power_line",
        "assets.csv:4: critical: 'ja' is not true or false (also accepted: yes/no, 1/0)",
        "assets.csv:6: asset_id: 'own_power' is reserved: in service_links.csv it stands for households whose "
        "water or heat needs their own power; give the asset another id",
        "service_links.csv:5: asset_id: 'own_power' is for water and heat only (households whose own pumps or "
        "boilers need power); a power link names the asset the power comes through",
        "service_links.csv:6: buffer_hours: buffer_hours applies to own_power links only; an asset's buffer is in "
        "dependencies.csv",
    ]


def test_an_unknown_link_asset_is_still_reported_next_to_own_power() -> None:
    links = [
        {"area_id": "R1", "service": "water", "asset_id": OWN_POWER, "share": 0.5},
        {"area_id": "R1", "service": "water", "asset_id": "own_powr", "share": 0.5},
    ]
    assert _frame_problems(service_links=links) == ["service_links.csv:3: asset_id: 'own_powr' is not in assets.csv"]


def test_zones_of_several_capacity_assets_and_unserved_zones() -> None:
    areas = _grid_areas({"R1": "east"})  # R2 in the default zone
    assets = [_supply("SUB", "R1"), _supply("PMP", "R1", None, kind="pumping_station")]
    assert _frame_problems(areas=areas, assets=assets) == [
        "areas.csv:4: grid_zone: no asset with capacity_mw serves grid zone 'all' (leaf areas without a grid_zone), "
        "which has leaf areas R2; give a supply asset of the zone a capacity_mw"
    ]
    # Served by an asset of the region naming the zone; an asset of the region without a zone spans both.
    assert _frame_problems(areas=areas, assets=[*assets, _supply("GEN", "R")]) == [
        "assets.csv:4: grid_zone: is empty, and the leaves of area 'R' are in several grid zones (all, east); "
        "name the zone the asset's capacity serves"
    ]
    scenario = make_scenario(areas=areas, assets=[*assets, _supply("GEN", "R", zone="all")])
    assert asset_grid_zones(scenario) == {"SUB": "east", "GEN": "all"}


def test_a_capacity_that_fails_its_own_check_is_reported_once() -> None:
    areas = _grid_areas({"R1": "east", "R2": "west"})
    assets = [_supply("SUB", "R1", -1.0), _supply("SUB2", "R2"), PUMP]
    assert _frame_problems(areas=areas, assets=assets) == [
        "assets.csv:2: capacity_mw: '-1' is out of range; must be >= 0"
    ]


def test_grid_zone_given_with_a_capacity_that_failed_its_own_check_is_not_reported_twice() -> None:
    assets = [_supply("SUB", "R1", None, zone="z") | {"capacity_mw": "lots"}, PUMP]
    assert _frame_problems(areas=_grid_areas({"R1": "z", "R2": "z"}), assets=assets) == [
        "assets.csv:2: capacity_mw: 'lots' is not a number"
    ]


def test_a_zone_on_a_parent_is_reported_without_the_grid_model() -> None:
    areas = _grid_areas({})
    areas[0]["grid_zone"] = "z"
    assert _frame_problems(areas=areas) == [
        "areas.csv:2: grid_zone: 'z' given on an area with child areas; grid zones are set on leaf areas (the zones "
        "of a parent are those of its leaves)"
    ]


def test_settings_of_a_grid_section_written_as_toml_and_as_a_dict_agree() -> None:
    document = tomllib.loads((GRID / "scenario.toml").read_text(encoding="utf-8"))
    from_dict, problems = settings_from_dict(document)
    assert not problems and isinstance(from_dict, ScenarioSettings)
    assert from_dict.grid == impact.load_scenario(GRID).config.grid
