"""Homes that cool without heat: people_cold (issue 15; docs/method.md, section 4e).

Hand cases with the formula t = tau ln((T0 - E) / (theta - E)), both engines; the span walk
against a fine simulation; the housing mix; validation of housing.csv, housing_types.csv and
the new [heat] keys. Fast == reference on random scenarios: tests/test_heat_random.py.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scenario_factory import at, fixed_curves, make_scenario, strike
from shapely.geometry import box
from test_heat import FIXED_RESTART, boiler_scenario

import impact
from impact.boundaries import Boundaries
from impact.engine import fast, reference
from impact.engine.compile import compile_scenario
from impact.engine.cooling import Cooling, cold_onset, cooling_spans
from impact.scenario import ScenarioError
from impact.scenario.housing import default_housing_types

COLD = 3  # no drains below: power, water, heat, then cold
WARM_ENOUGH = {**FIXED_RESTART, "drain_below_celsius": -60}  # never drained: cooling alone


def cold_series(scenario, service=None):
    """People in cold homes in R1 per step, central estimate, both engines asserted equal."""
    model = compile_scenario(scenario)
    draws = model.central_draws()
    first = fast.compute(model, draws, [0.5])
    second = reference.compute(model, draws, [0.5])
    assert np.array_equal(first.people_mean, second.people_mean)
    v = model.services.index("cold") if service is None else service
    return first.people_mean[v, 1], model


def first_cold_step(series) -> int:
    return int(np.flatnonzero(series > 0)[0])


def test_a_home_crosses_12_degrees_at_the_hour_the_formula_gives():
    # panel_mid_rise: tau 21 h, floor 8 °C; at -10 °C outdoors E = 8: 12 °C after 21 ln(12 / 4) = 23.07 h
    series, model = cold_series(boiler_scenario([(0, -10.0)], heat=WARM_ENOUGH))
    onset = 2 + 21 * math.log((20 - 8) / (12 - 8))
    assert first_cold_step(series) == math.ceil(onset) == 26
    # cold until 12 h (its reheat) after heat returns at 32
    assert np.flatnonzero(series).tolist() == list(range(26, 32 + 12))
    assert np.all(series[26:44] == 1000)
    cooling = model.coolings[0]
    assert cold_onset(np.array([2.0]), np.array([32.0]), cooling)[0] == pytest.approx(onset, abs=1e-12)


@pytest.mark.parametrize(
    ("housing_type", "outdoor", "expected"),
    [
        ("panel_high_rise", -10.0, 11 * math.log(14 / 6)),  # floor 6: 9.32 h
        ("brick_mid_rise", -10.0, 40 * math.log(12 / 4)),  # 43.9 h
        ("private_house", -10.0, 10 * math.log(30 / 22)),  # no floor: 3.10 h
        ("private_house", 5.0, 10 * math.log(15 / 7)),  # 7.62 h
        ("panel_mid_rise", 5.0, 21 * math.log(12 / 4)),  # the floor, not the outdoors, sets E
    ],
)
def test_each_package_type_follows_its_time_constant_and_floor(housing_type, outdoor, expected):
    scenario = boiler_scenario(
        [(0, outdoor)],
        heat=WARM_ENOUGH,
        repair_hours=80,
        horizon_hours=120,
        housing=[{"area_id": "R1", "housing_type": housing_type, "share": 1.0}],
    )
    series, model = cold_series(scenario)
    assert first_cold_step(series) == math.ceil(2 + expected)
    assert cold_onset(np.array([2.0]), np.array([82.0]), model.coolings[0])[0] == pytest.approx(2 + expected)


def test_above_the_threshold_outdoors_nobody_is_cold_and_short_outages_stay_warm():
    series, _ = cold_series(boiler_scenario([(0, 14.0)], heat=WARM_ENOUGH, repair_hours=80, horizon_hours=120))
    assert not series.any()
    series, _ = cold_series(boiler_scenario([(0, -10.0)], heat=WARM_ENOUGH, repair_hours=20))
    assert not series.any()  # 20 h < 23.07 h: back before it was cold


def test_drained_buildings_stay_cold_until_their_restart_and_reheat():
    # drained at 8, heat back at 56; panel_mid_rise cold from 26 to 56 + 12
    series, _model = cold_series(boiler_scenario([(0, -10.0)]), service=4)
    assert np.flatnonzero(series).tolist() == list(range(26, 68))


def test_the_housing_mix_splits_each_link_and_the_rest_takes_the_default_type():
    scenario = boiler_scenario(
        [(0, -10.0)],
        heat=WARM_ENOUGH,
        repair_hours=80,
        horizon_hours=120,
        housing=[
            {"area_id": "R", "housing_type": "private_house", "share": 0.5},  # the parent covers R1
            {"area_id": "R", "housing_type": "panel_high_rise", "share": 0.3},
        ],
    )
    series, model = cold_series(scenario)
    assert len(model.coolings) == 3
    private, high, mid = (2 + 10 * math.log(30 / 22), 2 + 11 * math.log(14 / 6), 2 + 21 * math.log(3))
    assert series[math.ceil(private)] == 500
    assert series[math.ceil(high)] == 800
    assert series[math.ceil(mid)] == 1000
    assert series[math.ceil(private) - 1] == 0


def test_individual_heating_cools_while_power_is_out():
    scenario = make_scenario(
        areas=[
            {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
            {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1000},
        ],
        assets=[
            {"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1", "restoration_class": "s"}
        ],
        service_links=[
            {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
            {"area_id": "R1", "service": "heat", "asset_id": "own_power", "share": 0.4},
        ],
        strikes=[strike("S1", "SUB", 2.0)],
        restoration=fixed_curves("s", 30),
        temperature=[{"time": at(0), "temperature_c": -10.0, "area_id": ""}],
        housing=[{"area_id": "R1", "housing_type": "private_house", "share": 1.0}],
        heat=FIXED_RESTART,
        horizon_hours=60,
    )
    series, _ = cold_series(scenario, service=3)
    onset = 2 + 10 * math.log(30 / 22)
    assert np.flatnonzero(series).tolist() == list(range(math.ceil(onset), 32 + 6))
    assert series.max() == 400


def test_a_scenario_type_replaces_the_package_one():
    scenario = boiler_scenario(
        [(0, -10.0)],
        heat=WARM_ENOUGH,
        housing_types=[
            {"housing_type": "panel_mid_rise", "time_constant_hours": 5.0, "floor_celsius": 8.0, "reheat_hours": 0}
        ],
    )
    series, _ = cold_series(scenario)
    assert first_cold_step(series) == math.ceil(2 + 5 * math.log(3))
    assert np.flatnonzero(series)[-1] == 31  # no reheat: warm when heat returns at 32
    assert set(scenario.housing_types["origin"]) == {"package", "scenario"}


@pytest.mark.parametrize("seed", range(20))
def test_the_span_walk_equals_a_fine_simulation(seed):
    rng = np.random.default_rng(seed)
    time = np.arange(48, dtype=float)
    outdoor = rng.choice([-15.0, -5.0, 0.0, 6.0, 13.0, np.nan], 48)
    floor = float(rng.choice([-np.inf, 6.0, 10.0]))
    tau = float(rng.choice([3.0, 11.0, 21.0]))
    spans = cooling_spans(outdoor, time, floor)
    cooling = Cooling(0, 0, *spans, tau, 0.0, 20.0, 12.0)
    starts = rng.uniform(0, 40, 30)
    ends = starts + rng.uniform(0, 30, 30)
    onset = cold_onset(starts, ends, cooling)
    dt = 1 / 512  # exact exponential on each tiny step of the series, the series read where it holds
    for a, b, got in zip(starts, ends, onset, strict=True):
        t, temperature, found = a, 20.0, np.inf
        while t < b:
            k = min(int(np.floor(t)), 47)
            e = np.maximum(outdoor[k], floor) if not np.isnan(outdoor[k]) else np.nan
            step = min(dt, b - t, (k + 1) - t if k < 47 else dt)
            after = temperature if np.isnan(e) else e + (temperature - e) * np.exp(-step / tau)
            if after < 12.0:
                found = t + tau * np.log((temperature - e) / (12.0 - e))
                break
            t, temperature = t + step, after
        if np.isinf(found):
            assert np.isinf(got)
        else:
            assert got == pytest.approx(found, abs=1e-6)


def test_the_package_table_is_valid_and_sourced():
    types = default_housing_types()
    assert {"panel_high_rise", "panel_mid_rise", "brick_mid_rise", "private_house"} <= set(types["housing_type"])
    assert types["source"].str.len().min() > 40


def test_people_cold_in_the_result():
    ds = impact.run(boiler_scenario([(0, -10.0)], heat=WARM_ENOUGH), samples=10, seed=2).dataset
    assert ds["people_cold_central"].sel(area="R1").values[26] == 1000
    assert ds["people_cold_central"].sel(area="R").values[26] == 1000
    assert ds["people_cold"].dims == ("area", "time", "quantile")
    assert ds["people_cold_mean"].sel(area="R1").values[26] == 1000
    assert "people_drained" not in ds  # never drained
    mild = impact.run(boiler_scenario([(0, 14.0)], heat=WARM_ENOUGH), samples=3, seed=2).dataset
    assert float(mild["people_cold_central"].max()) == 0.0  # warmer outdoors than the threshold: nobody


def test_without_temperature_there_is_no_people_cold():
    scenario = impact.load_scenario("odesa-2025-12")
    assert compile_scenario(scenario).coolings == ()


@pytest.mark.parametrize(
    ("tables", "heat", "message"),
    [
        ({"housing": [{"area_id": "R1", "housing_type": "igloo", "share": 1.0}]}, None, "housing.csv:2: housing_type"),
        (
            {
                "housing": [
                    {"area_id": "R1", "housing_type": "private_house", "share": 0.7},
                    {"area_id": "R1", "housing_type": "panel_high_rise", "share": 0.6},
                ]
            },
            None,
            "housing.csv:3: share: the shares of area 'R1' sum to 1.3",
        ),
        ({"housing": [{"area_id": "R9", "housing_type": "private_house", "share": 1.0}]}, None, "housing.csv:2"),
        ({"housing": [{"area_id": "R1", "housing_type": "private_house", "share": 1.5}]}, None, "housing.csv:2: share"),
        (
            {"housing_types": [{"housing_type": "x", "time_constant_hours": 0, "floor_celsius": 1, "reheat_hours": 1}]},
            None,
            "housing_types.csv:2: time_constant_hours",
        ),
        ({}, {"default_housing_type": "tent"}, "heat.default_housing_type"),
        ({}, {"indoor_celsius": 10}, "heat.indoor_celsius"),
        ({}, {"cold_below_celsius": "x"}, "heat.cold_below_celsius"),
    ],
)
def test_housing_inputs_are_checked_with_located_messages(tables, heat, message):
    with pytest.raises(ScenarioError) as error:
        boiler_scenario([(0, -10.0)], heat={**FIXED_RESTART, **(heat or {})}, **tables)
    assert message in str(error.value)


def test_every_export_carries_people_cold_and_drained_on_heat_rows(tmp_path):
    import openpyxl
    import pandas as pd
    import pyarrow.parquet as pq
    import xarray as xr

    result = impact.run(boiler_scenario([(0, -10.0)]), samples=10, seed=4)
    for suffix in ("csv", "xlsx", "parquet", "nc"):
        result.export(tmp_path / f"out.{suffix}")
    table = pd.read_csv(tmp_path / "out.csv", skiprows=[1])
    hxl = dict(zip(table.columns, pd.read_csv(tmp_path / "out.csv", nrows=1).iloc[0], strict=True))
    assert hxl["people_cold_central"] == "#affected+ind+cold+central"
    assert hxl["people_drained_q95"] == "#affected+ind+drained+q95"
    heat = table[(table["service"] == "heat") & (table["area_id"] == "R1")].reset_index(drop=True)
    expected = result.dataset["people_cold_central"].sel(area="R1").values
    assert heat["people_cold_central"].tolist() == expected.tolist()
    assert heat["people_drained_central"].iloc[8] == 1000  # drained at 2 + 6
    assert table.loc[table["service"] != "heat", "people_cold_central"].isna().all()
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["time_series"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert "people_cold_plan_q50" in header and "people_drained_mean" in header
    assert "people_cold_q05" in pq.read_table(tmp_path / "out.parquet").column_names
    with xr.open_dataset(tmp_path / "out.nc") as back:
        assert back["people_cold_central"].sel(area="R1").values.tolist() == expected.tolist()
        assert back["people_drained"].dims == ("area", "time", "quantile")


def test_the_heat_timeline_shows_cold_homes_drained_buildings_and_the_outdoor_temperature(tmp_path):
    import pandas as pd

    from impact.figures.timeline import COLD_NAME, DRAINED_NAME, OUTDOOR_NAME

    result = impact.run(boiler_scenario([(0, -10.0), (40, 2.0)]), samples=10, seed=4)
    fig = impact.figures.timeline(result, "heat", "R1")
    names = [trace.name for trace in fig.data]
    assert names.index(COLD_NAME) < names.index(DRAINED_NAME) < names.index(OUTDOOR_NAME)
    outdoor = next(trace for trace in fig.data if trace.name == OUTDOOR_NAME)
    assert outdoor.yaxis == "y2" and list(outdoor.y[:41]) == [-10.0] * 40 + [2.0]
    assert fig.layout.yaxis2.title.text == "outdoor temperature [°C]"
    cold = next(trace for trace in fig.data if trace.name == COLD_NAME)
    assert list(cold.y) == result.dataset["people_cold_central"].sel(area="R1").values.tolist()
    power = [trace.name for trace in impact.figures.timeline(result, "power", "R1").data]
    assert OUTDOOR_NAME in power and COLD_NAME not in power
    # without temperatures nothing is added
    plain = impact.run("odesa-2025-12", samples=0)
    assert OUTDOOR_NAME not in [trace.name for trace in impact.figures.timeline(plain, "heat").data]
    # the long table carries the outdoor temperature on every row of the area and time
    result.export(tmp_path / "out.csv")
    table = pd.read_csv(tmp_path / "out.csv", skiprows=[1])
    r1 = table[table["area_id"] == "R1"]
    assert set(r1.groupby("time_local")["outdoor_temperature"].nunique()) == {1}
    assert r1["outdoor_temperature"].iloc[0] == -10.0


def test_the_map_shows_people_in_cold_homes_and_in_drained_buildings():
    from impact.figures import area_map

    # drained at 2 + 6 = 8 h until 32 + 24 = 56 h; a private house (tau 10 h, no floor) at -10 C
    # crosses 12 C at 2 + 10 ln(30 / 22) = 5.1 h and reheats 6 h after heat returns
    housing = [{"area_id": "R1", "housing_type": "private_house", "share": 0.5}]
    result = impact.run(boiler_scenario([(0, -10.0)], housing=housing), samples=10, seed=4)
    ds = result.dataset
    at_20h = ds["time"].values[20]
    shown = {}
    for measure in ("without", "cold", "drained"):
        fig = area_map(result, "heat", at_20h, measure=measure)
        bubbles = fig.data[0]
        assert list(bubbles.customdata[:, 0]) == ["R1"]  # the leaves
        shown[measure] = (fig.layout.title.text.split(",")[0], float(bubbles.customdata[0][2]))
    cold_at_20h = float(ds["people_cold_central"].sel(area="R1").values[20])
    assert shown == {
        "without": ("Without heat", 1000.0),
        "cold": ("In cold homes", cold_at_20h),
        "drained": ("In drained buildings", 1000.0),
    }
    assert cold_at_20h >= 500  # the private houses at least
    fig = area_map(result, "heat", at_20h, measure="cold")
    assert "people in cold homes" in fig.data[0].hovertemplate
    # on a choropleth: the polygon's hover text and the colour bar say what is shown
    square = Boundaries({"R1": box(30, 46, 31, 47)}, "test")
    fig = area_map(result, "heat", at_20h, measure="cold", boundaries=square, colour_by="people")
    polygon = next(trace for trace in fig.data if trace.name == "R1")
    assert f"{cold_at_20h:,.0f} in cold homes (central estimate)" in polygon.text
    assert next(t for t in fig.data if t.name == "colour scale").marker.colorbar.title.text == "people<br>in cold homes"
    with pytest.raises(ValueError, match="about heat"):
        area_map(result, "power", at_20h, measure="cold")
    with pytest.raises(ValueError, match="measure"):
        area_map(result, "heat", at_20h, measure="freezing")
    plain = impact.run(boiler_scenario([(0, 5.0)]), samples=5, seed=4)
    with pytest.raises(ValueError, match="no people_drained"):
        area_map(plain, "heat", measure="drained")


def test_heat_inputs_without_temperatures_are_reported():
    housing = [{"area_id": "R1", "housing_type": "private_house", "share": 1}]
    scenario_kwargs = {"heat": FIXED_RESTART, "housing": housing}
    with pytest.raises(ScenarioError) as error:
        make_scenario(
            areas=[
                {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
                {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1000},
            ],
            assets=[{"asset_id": "BH", "name": "Boiler house", "kind": "boiler_house", "area_id": "R1"}],
            service_links=[{"area_id": "R1", "service": "heat", "asset_id": "BH", "share": 1.0}],
            strikes=[],
            **scenario_kwargs,
        )
    text = str(error.value)
    assert "scenario.toml:0: heat: [heat] has no effect without temperature.csv" in text
    assert "housing.csv:0: -: housing.csv has no effect without temperature.csv" in text


def test_frost_before_the_start_drains_an_outage_that_began_before_it():
    # read -10 °C from 12 h before the start; struck 10 h before it, repaired in 9 h: drained at -4,
    # heat back at -1 + 24 = 23
    strikes = [{"strike_id": "S1", "time": at(-10.0), "asset_id": "BH", "damage_state": "moderate"}]
    series, _model = cold_series(boiler_scenario([(-12, -10.0)], repair_hours=9, strikes=strikes), service=2)
    assert np.flatnonzero(series).tolist() == list(range(0, 23))


def test_an_area_falls_back_to_its_ancestors_series_before_its_own_first_reading():
    from impact.areas import AreaTree
    from impact.engine.grid_compile import scenario_outdoor

    base = boiler_scenario([(0, -5.0)], heat=WARM_ENOUGH)
    own = base.temperature.iloc[[0]].copy()
    own["time"], own["temperature_c"], own["area_id"] = own["time"] + pd.Timedelta(hours=24), 3.0, "R1"
    scenario = dataclasses.replace(base, temperature=pd.concat([base.temperature, own], ignore_index=True))
    outdoor = scenario_outdoor(scenario, AreaTree.from_table(scenario.areas))
    r1 = outdoor[1]
    assert r1[:24].tolist() == [-5.0] * 24 and r1[24:].tolist() == [3.0] * (len(r1) - 24)


def test_a_heated_area_without_readings_keeps_the_duration_rule_in_the_needs():
    scenario = make_scenario(
        areas=[
            {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
            {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1000},
            {"area_id": "R2", "name": "District 2", "admin_level": 2, "parent_id": "R", "population": 500},
        ],
        assets=[
            {
                "asset_id": "BH",
                "name": "Boiler house",
                "kind": "boiler_house",
                "area_id": "R1",
                "restoration_class": "b",
            }
        ],
        service_links=[
            {"area_id": "R1", "service": "heat", "asset_id": "BH", "share": 1.0},
            {"area_id": "R2", "service": "heat", "asset_id": "BH", "share": 1.0},
        ],
        strikes=[strike("S1", "BH", 2.0)],
        restoration=fixed_curves("b", 40),
        temperature=[{"time": at(0), "temperature_c": 5.0, "area_id": "R2"}],  # R1 has none
        heat=WARM_ENOUGH,
        horizon_hours=72,
    )
    nd = impact.needs(impact.run(scenario, samples=0))
    # R1: 24 h without heat from step 26 (day 2 from 00:00 local is step 24); R2: panel_mid_rise at +5 °C,
    # E = 8 °C, cold after 23.07 h: from step 26 too
    assert nd["cold_exposed_central"].sel(area="R1").values.tolist()[1] == 1000
    assert nd["cold_exposed_central"].sel(area="R2").values.tolist()[1] == 500
    assert nd["cold_exposed_central"].sel(area="R").values.tolist()[1] == 1500


def test_a_leaf_whose_own_rows_are_all_zero_is_the_default_type_not_its_parents_mix():
    from impact.areas import AreaTree
    from impact.scenario.housing import leaf_housing

    tree = AreaTree.from_pairs(["R", "R1", "R2"], ["", "R", "R"])
    housing = pd.DataFrame(
        {
            "area_id": ["R", "R1", "R1"],
            "housing_type": ["private_house", "panel_high_rise", "private_house"],
            "share": [0.6, 0.0, 0.0],
        }
    )
    mixes = leaf_housing(housing, tree, "panel_mid_rise")
    assert mixes == {"R1": [("panel_mid_rise", 1.0)], "R2": [("private_house", 0.6), ("panel_mid_rise", 0.4)]}


def test_per_sample_statistics_are_of_the_real_services_only():
    """Nothing reads the pseudo-services' peaks, person-steps and restoration times (the result
    drops them), so neither engine computes them: their rows are 0 in both, sampled and
    central, while the real services' are as before and the people counts are unchanged."""
    scenario = boiler_scenario([(0, -10.0)])
    model = compile_scenario(scenario)
    assert model.services[model.sample_statistics_services :] == ("drained", "cold")
    for draws in (model.sample_draws(30, 4), model.central_draws()):
        first = fast.compute(model, draws, [0.1, 0.5, 0.9])
        second = reference.compute(model, draws, [0.1, 0.5, 0.9])
        assert np.array_equal(first.people_quantiles, second.people_quantiles)
        for name in ("peak", "person_steps", "restore_steps"):
            assert np.array_equal(first.per_sample[name], second.per_sample[name])
            assert not first.per_sample[name][:, 3:].any()  # drained and cold
        heat = model.services.index("heat")
        assert first.per_sample["peak"][:, heat].max() > 0  # the boiler house's people, as before
        assert first.people_mean[3:].max() > 0  # drained and cold people are still counted
