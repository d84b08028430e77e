"""Needs (impact.needs): hand-computed cases, the [needs] settings, temperature.csv, the CLI and the exports."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr
from scenario_factory import at, fixed_curves, make_settings

import impact
from impact.cli import main
from impact.export import needs_columns, needs_table, write_excel, write_needs_csv, write_needs_excel
from impact.needs import heating_places_series, local_days
from impact.scenario.problems import ScenarioError
from impact.scenario.settings import FILE, NeedsSettings, read_settings

BUNDLED = Path(__file__).resolve().parent.parent / "datasets" / "odesa-2025-12"

AREAS = pd.DataFrame(
    [
        {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
        {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1000},
        {"area_id": "R2", "name": "District 2", "admin_level": 2, "parent_id": "R", "population": 500},
    ]
)
ASSETS = pd.DataFrame(
    [
        {
            "asset_id": "SUB1",
            "name": "Substation 1",
            "kind": "substation",
            "area_id": "R1",
            "restoration_class": "fix30",
        },
        {
            "asset_id": "SUB2",
            "name": "Substation 2",
            "kind": "substation",
            "area_id": "R1",
            "restoration_class": "fix5",
        },
        {
            "asset_id": "PMP",
            "name": "Pumping station",
            "kind": "pumping_station",
            "area_id": "R1",
            "restoration_class": "",
            "generator_kw": 100.0,
        },
        {"asset_id": "BH", "name": "Boiler house", "kind": "boiler_house", "area_id": "R2", "restoration_class": ""},
        {"asset_id": "PRT", "name": "Port", "kind": "port", "area_id": "R2", "restoration_class": ""},
    ]
)
#: PMP needs SUB1 (no alternative); BH needs SUB1 (4 h buffer); PRT (not critical) needs SUB1.
DEPENDENCIES = pd.DataFrame(
    [
        {"asset_id": "PMP", "depends_on": "SUB1", "group": "", "buffer_hours": None},
        {"asset_id": "BH", "depends_on": "SUB1", "group": "", "buffer_hours": 4},
        {"asset_id": "PRT", "depends_on": "SUB1", "group": "", "buffer_hours": None},
    ]
)
LINKS = pd.DataFrame(
    [
        {"area_id": "R1", "service": "water", "asset_id": "PMP", "share": 1.0},
        {"area_id": "R2", "service": "heat", "asset_id": "BH", "share": 1.0},
        {"area_id": "R1", "service": "power", "asset_id": "SUB1", "share": 1.0},
    ]
)
#: SUB1 down 30 h from 02:00 on day 1 (steps 2-31); SUB2 down 5 h from 10:00 (steps 10-14).
STRIKES = pd.DataFrame(
    [
        {"strike_id": "S1", "time": at(2), "asset_id": "SUB1", "damage_state": "moderate"},
        {"strike_id": "S2", "time": at(10), "asset_id": "SUB2", "damage_state": "moderate"},
    ]
)
RESTORATION = pd.DataFrame(fixed_curves("fix30", 30) + fixed_curves("fix5", 5))


def hand_scenario(
    *,
    needs: dict | None = None,
    temperature: pd.DataFrame | None = None,
    dependencies: pd.DataFrame = DEPENDENCIES,
    samples: int = 4,
    heat: dict | None = None,
    housing: pd.DataFrame | None = None,
) -> impact.Scenario:
    """Three local days (72 hourly steps from 2025-12-19 00:00 +02:00), every repair time fixed.

    The cases below are about the needs' rules: the buildings are never drained (``[heat]``
    ``drain_below_celsius`` -60 °C) unless ``heat`` says otherwise (tests/test_heat.py).
    """
    never_drained = {"drain_below_celsius": -60} if temperature is not None else None
    settings = make_settings(horizon_hours=72, samples=samples, heat=heat or never_drained)
    if needs is not None:
        settings["needs"] = needs
    return impact.scenario_from_frames(
        settings,
        areas=AREAS,
        assets=ASSETS,
        dependencies=dependencies,
        service_links=LINKS,
        strikes=STRIKES,
        restoration=RESTORATION,
        temperature=temperature,
        housing=housing,
    )


@pytest.fixture(scope="module")
def hand() -> xr.Dataset:
    return impact.needs(impact.run(hand_scenario()))


def values(nd: xr.Dataset, name: str, area: str) -> list[float]:
    return nd[name].sel(area=area).values.tolist()


# ------------------------------------------------------------------------------ hand-computed


def test_days_are_local_calendar_days(hand: xr.Dataset) -> None:
    assert list(hand["day"].values) == ["2025-12-19", "2025-12-20", "2025-12-21"]
    assert hand["hours"].values.tolist() == [24, 24, 24]


def test_water_litres_and_truck_trips_by_hand(hand: xr.Dataset) -> None:
    # R1's 1000 people are without water at steps 2-31: 22 h on day 1, 8 h on day 2.
    assert values(hand, "water_people_central", "R1") == pytest.approx([1000 * 22 / 24, 1000 * 8 / 24, 0])
    # Stored water bridges the first 12 h: water is delivered from step 14 (without water at every step
    # 2 ... 14), so steps 14-23 on day 1 and 24-31 on day 2.
    # 15 L/person/day x person-days: 15 x 10,000 / 24 = 6,250 L; 15 x 8,000 / 24 = 5,000 L
    assert values(hand, "water_litres_central", "R1") == [6_250, 5_000, 0]
    assert values(hand, "water_truck_trips_central", "R1") == [1, 1, 0]  # 10,000 L trucks, rounded up
    assert values(hand, "water_litres_central", "R") == [6_250, 5_000, 0]  # the parent: sum of its leaves
    assert values(hand, "water_litres_central", "R2") == [0, 0, 0]
    # every repair time is fixed: mean and every quantile equal the central estimate
    assert values(hand, "water_litres_mean", "R1") == [6_250, 5_000, 0]
    assert hand["water_litres"].sel(area="R1").values.tolist() == [[6_250] * 3, [5_000] * 3, [0] * 3]
    assert hand["water_truck_trips"].sel(area="R1", quantile=0.95).values.tolist() == [1, 1, 0]


def test_without_stored_water_every_hour_counts() -> None:
    nd = impact.needs(impact.run(hand_scenario(needs={"water_stored_hours": 0})))
    # 15 x 22,000 / 24 = 13,750 L on day 1; 15 x 8,000 / 24 = 5,000 L on day 2
    assert values(nd, "water_litres_central", "R1") == [13_750, 5_000, 0]
    assert values(nd, "water_truck_trips_central", "R1") == [2, 1, 0]


def test_cold_exposure_and_heating_places_after_24_hours_by_hand(hand: xr.Dataset) -> None:
    # BH keeps working 4 h on its buffer, so R2's 500 people are without heat at steps 6-31. At least
    # 24 h without heat at step t: without at every step t-24 ... t, i.e. t >= 30: steps 30 and 31 (day 2).
    assert values(hand, "cold_exposed_central", "R2") == [0, 500, 0]
    # R1's 1000 people are without power at steps 2-31: 24 h at least from step 26 (day 2)
    assert values(hand, "cold_exposed_central", "R1") == [0, 1000, 0]
    assert values(hand, "cold_exposed_central", "R") == [0, 1500, 0]  # both at steps 30-31
    assert values(hand, "cold_exposed_mean", "R2") == [0, 500, 0]
    assert hand["cold_exposed"].sel(area="R2").values.tolist() == [[0] * 3, [500] * 3, [0] * 3]
    # places: 5 % of the exposed, rounded up
    assert values(hand, "heating_places_central", "R2") == [0, 25, 0]
    assert values(hand, "heating_places_central", "R1") == [0, 50, 0]
    assert values(hand, "heating_places_central", "R") == [0, 75, 0]
    assert hand["heating_places"].sel(area="R2").values.tolist() == [[0] * 3, [25] * 3, [0] * 3]


def test_the_uptake_is_a_setting() -> None:
    nd = impact.needs(impact.run(hand_scenario()), settings=NeedsSettings(heating_uptake=1.0))
    assert values(nd, "heating_places_central", "R") == values(nd, "cold_exposed_central", "R") == [0, 1500, 0]
    nd = impact.needs(impact.run(hand_scenario()), settings=NeedsSettings(heating_uptake=0.013))
    assert values(nd, "heating_places_central", "R2") == [0, 7, 0]  # 6.5 rounded up


def test_generator_hours_count_from_the_grid_loss_by_hand(hand: xr.Dataset) -> None:
    # PMP and BH lose SUB1 at steps 2-31 (the boiler house's 4 h buffer still runs on its generator);
    # the port is not a critical kind.
    assert list(hand["site"].values) == ["PMP", "BH"]
    assert hand["site_generator_hours_central"].sel(site="PMP").values.tolist() == [22, 8, 0]
    assert hand["site_generator_hours_central"].sel(site="BH").values.tolist() == [22, 8, 0]
    assert hand["site_generator_kw"].values.tolist() == [100, 0]
    # PMP has a 100 kW generator: its hours are generator hours; BH has none: a generator gap
    assert values(hand, "generator_hours_central", "R1") == [22, 8, 0]
    assert values(hand, "generator_gap_hours_central", "R2") == [22, 8, 0]
    assert values(hand, "generator_hours_central", "R2") == [0, 0, 0]
    assert values(hand, "generator_hours_central", "R") == [22, 8, 0]
    assert values(hand, "generator_gap_hours_central", "R") == [22, 8, 0]
    # fuel: 22 h x 100 kW x 0.75 load x 0.27 L/kWh = 445.5 L; 8 h: 162 L
    assert values(hand, "generator_fuel_litres_central", "R1") == pytest.approx([445.5, 162, 0])
    assert values(hand, "generator_fuel_litres_central", "R") == pytest.approx([445.5, 162, 0])
    assert hand["site_generator_fuel_litres_central"].sel(site="BH").values.tolist() == [0, 0, 0]


def test_generator_hours_need_every_alternative_supply_down() -> None:
    deps = pd.DataFrame(
        [
            {"asset_id": "PMP", "depends_on": "SUB1", "group": "grid", "buffer_hours": None},
            {"asset_id": "PMP", "depends_on": "SUB2", "group": "grid", "buffer_hours": None},  # either suffices
            {"asset_id": "BH", "depends_on": "SUB1", "group": "", "buffer_hours": None},
            {"asset_id": "BH", "depends_on": "SUB2", "group": "", "buffer_hours": None},  # both needed
        ]
    )
    nd = impact.needs(impact.run(hand_scenario(dependencies=deps, samples=0)))
    # PMP: both substations down at steps 10-14 only; BH: either down, steps 2-31
    assert nd["site_generator_hours_central"].sel(site="PMP").values.tolist() == [5, 0, 0]
    assert nd["site_generator_hours_central"].sel(site="BH").values.tolist() == [22, 8, 0]


#: -3 °C from 20:00 on day 1 to 04:00 on day 2 (steps 20-27), +5 °C before and +2 °C after
TEMPERATURE = pd.DataFrame(
    [
        {"time": at(0), "temperature_c": 5.0, "area_id": ""},
        {"time": at(20), "temperature_c": -3.0, "area_id": ""},
        {"time": at(28), "temperature_c": 2.0, "area_id": ""},
    ]
)


def test_with_temperatures_the_people_in_cold_homes_are_exposed() -> None:
    # R2 in private houses (tau 10 h, no floor): heat lost at 6, at +5 °C 12 °C is reached after
    # 10 ln(15 / 7) = 7.62 h: cold from step 14 (day 1), until heat returns at 32 plus 6 h of reheating
    housing = pd.DataFrame([{"area_id": "R2", "housing_type": "private_house", "share": 1.0}])
    nd = impact.needs(impact.run(hand_scenario(temperature=TEMPERATURE, housing=housing)))
    assert values(nd, "cold_exposed_central", "R2") == [500, 500, 0]
    assert values(nd, "heating_places_central", "R2") == [25, 25, 0]
    assert nd["cold_exposed"].sel(area="R2", quantile=0.5).values.tolist() == [500, 500, 0]
    # panel_mid_rise (the default: tau 21 h, floor 8 °C): 21 ln(12 / 4) = 23.07 h, cold from step 30
    nd = impact.needs(impact.run(hand_scenario(temperature=TEMPERATURE)))
    assert values(nd, "cold_exposed_central", "R2") == [0, 500, 0]
    assert "3 temperature readings" in nd.attrs["temperature"]


def test_a_result_without_people_cold_keeps_the_temperature_rule() -> None:
    """A result written before issue 15 has no people_cold: below heating_below_celsius everyone
    without heat is exposed at once, else after heating_after_hours."""
    res = impact.run(hand_scenario(temperature=TEMPERATURE))
    old = res.dataset.drop_vars(["people_cold", "people_cold_mean", "people_cold_central"])
    nd = impact.needs(old, scenario=res.scenario)
    # day 1: steps 20-23 are cold and R2 has no heat since step 6, so all 500 are exposed at once
    assert values(nd, "cold_exposed_central", "R2") == [500, 500, 0]
    assert nd["cold_exposed"].sel(area="R2", quantile=0.5).values.tolist() == [500, 500, 0]
    # a threshold below -3 °C leaves only the duration rule
    colder = impact.needs(old, scenario=res.scenario, settings=NeedsSettings(heating_below_celsius=-5))
    assert values(colder, "cold_exposed_central", "R2") == [0, 500, 0]


def test_needs_settings_from_scenario_toml() -> None:
    settings = {
        "water_litres_per_person_day": 20,
        "truck_capacity_litres": 5000,
        "heating_after_hours": 6,
        "critical_kinds": ["boiler_house"],
    }
    nd = impact.needs(impact.run(hand_scenario(needs=settings)))
    # after 12 h of stored water: 20 x 10,000 / 24 = 8,333.3 L -> 2 trips of 5,000 L; 20 x 8,000 / 24 -> 2 trips
    assert values(nd, "water_litres_central", "R1") == pytest.approx([20 * 10_000 / 24, 20 * 8_000 / 24, 0])
    assert values(nd, "water_truck_trips_central", "R1") == [2, 2, 0]
    # 6 h: without heat at every step t-6 ... t, heat lost at steps 6-31: t = 12-31
    assert values(nd, "cold_exposed_central", "R2") == [500, 500, 0]
    assert list(nd["site"].values) == ["BH"]
    assert nd.attrs["water_litres_per_person_day"] == 20 and nd.attrs["critical_kinds"] == "boiler_house"


def test_settings_argument_overrides_the_scenario(hand: xr.Dataset) -> None:
    res = impact.run(hand_scenario())
    nd = impact.needs(res, settings=NeedsSettings(truck_capacity_litres=6_250))
    assert values(nd, "water_truck_trips_central", "R1") == [1, 1, 0]  # exactly one full load: no extra trip


def test_heating_places_series_is_the_minimum_over_the_window() -> None:
    series = np.array([[0, 5, 5, 3, 3, 3, 0, 2.0]])
    assert heating_places_series(series, 3).tolist() == [[0, 0, 0, 3, 3, 3, 0, 0]]
    assert heating_places_series(series, 1).tolist() == series.tolist()
    assert heating_places_series(series, 50).tolist() == [[0] * 8]
    cold = np.array([[False, True, False, False, False, False, False, True]])
    assert heating_places_series(series, 3, cold).tolist() == [[0, 5, 0, 3, 3, 3, 0, 2]]


def test_local_days_across_a_clock_change() -> None:
    # Europe/Kyiv moves to summer time at 03:00 on 29 March 2026 (23 hours) and back on 25 October (25 hours)
    times = pd.date_range("2026-03-27T22:00", periods=72, freq="h").values  # UTC: 28 March 00:00 local
    days = local_days(times, "Europe/Kyiv", 1.0)
    assert days.labels.tolist() == ["2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"]
    assert days.hours.tolist() == [24, 23, 24, 1]
    autumn = local_days(pd.date_range("2026-10-24T21:00", periods=25, freq="h").values, "Europe/Kyiv", 1.0)
    assert autumn.labels.tolist() == ["2026-10-25"] and autumn.hours.tolist() == [25]


def test_quantile_columns_apply_the_rule_to_each_quantile_series() -> None:
    res = impact.run("odesa-2025-12", samples=60, seed=5)
    nd = impact.needs(res)
    series = res.dataset["people_without"].sel(service="water", area="UA5110027").values  # (time, quantile)
    # people past the first 12 h (13 steps: without water at each of t-12 ... t), per quantile series
    waiting = heating_places_series(series.T, 13).T
    # the axis starts at 22:00 local: the first local day has 2 steps, the second (13 Dec) steps 2 to 25
    first, second = waiting[:2].sum(axis=0) * 15 / 24, waiting[2:26].sum(axis=0) * 15 / 24
    assert nd["water_litres"].sel(area="UA5110027", day="2025-12-12").values == pytest.approx(first)
    assert nd["water_litres"].sel(area="UA5110027", day="2025-12-13").values == pytest.approx(second)
    assert second.min() > 0
    low, central, high = (
        nd[name].sel(area="UA51") for name in ("water_litres_mean", "water_litres_central", "water_litres")
    )
    assert (high.isel(quantile=0) <= high.isel(quantile=-1)).all()
    assert np.isfinite(low).all() and np.isfinite(central).all()


def test_samples_zero_leaves_mean_and_quantiles_empty() -> None:
    nd = impact.needs(impact.run(hand_scenario(), samples=0))
    assert values(nd, "water_litres_central", "R1") == [6_250, 5_000, 0]
    assert np.isnan(nd["water_litres_mean"].values).all() and np.isnan(nd["heating_places"].values).all()


def test_needs_want_the_scenario() -> None:
    res = impact.run(hand_scenario(), samples=0)
    with pytest.raises(TypeError, match="scenario"):
        impact.needs(res.dataset)
    assert values(impact.needs(res.dataset, scenario=res.scenario), "water_litres_central", "R1") == [6_250, 5_000, 0]
    with pytest.raises(ValueError, match="not 'odesa-2025-12'"):
        impact.needs(res.dataset, scenario="odesa-2025-12")


# ------------------------------------------------------------------------------ settings and table


def _config_problems(tmp_path: Path, needs_text: str) -> list[str]:
    text = (BUNDLED / FILE).read_text(encoding="utf-8") + needs_text
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    config, problems = read_settings(tmp_path)
    assert (config is None) == bool(problems)
    return [str(problem) for problem in sorted(problems)]


def test_valid_needs_section_is_read(tmp_path: Path) -> None:
    text = (
        "\n[needs]\nwater_litres_per_person_day = 7.5\ntruck_capacity_litres = 12000\n"
        "heating_after_hours = 12\nheating_below_celsius = -5\ncritical_kinds = []\n"
    )
    assert _config_problems(tmp_path, text) == []
    config, _ = read_settings(tmp_path)
    assert config.needs == NeedsSettings(
        water_litres_per_person_day=7.5,
        truck_capacity_litres=12_000,
        heating_after_hours=12,
        heating_below_celsius=-5,
        critical_kinds=(),
    )


def test_bad_needs_values_are_reported_with_their_lines(tmp_path: Path) -> None:
    base = len((BUNDLED / FILE).read_text(encoding="utf-8").splitlines())
    text = (
        "\n[needs]\n"  # base + 2
        "water_litres_per_person_day = 0\n"  # base + 3
        'truck_capacity_litres = "big"\n'  # base + 4
        "heating_after_hours = -24\n"  # base + 5
        'heating_below_celsius = "cold"\n'  # base + 6
        'critical_kinds = ["pumping_station", "school"]\n'  # base + 7
        "water_liters_per_person_day = 15\n"
    )  # base + 8
    assert _config_problems(tmp_path, text) == [
        f"scenario.toml:{base + 3}: needs.water_litres_per_person_day: 0 must be a number > 0",
        f"scenario.toml:{base + 4}: needs.truck_capacity_litres: 'big' must be a number > 0",
        f"scenario.toml:{base + 5}: needs.heating_after_hours: -24 must be a number > 0",
        f"scenario.toml:{base + 6}: needs.heating_below_celsius: 'cold' must be a number",
        f"scenario.toml:{base + 7}: needs.critical_kinds: 'school' is not a valid asset kind; choose one of "
        "power_plant, chp_plant, substation, power_line, water_intake, water_treatment, pumping_station, "
        "reservoir, well, boiler_house, gas_node, port, logistics_hub, hospital, collective_centre",
        f"scenario.toml:{base + 8}: needs.water_liters_per_person_day: unknown key (did you mean "
        "'water_litres_per_person_day'?); valid keys: water_litres_per_person_day, truck_capacity_litres, "
        "heating_after_hours, heating_below_celsius, heating_uptake, power_after_hours, water_stored_hours, "
        "generator_load, diesel_litres_per_kwh, critical_kinds",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('\n[needs]\ncritical_kinds = "boiler_house"\n', "needs.critical_kinds: must be a list of asset kinds"),
        ('\n[needs]\ncritical_kinds = ["well", "well"]\n', "needs.critical_kinds: must not repeat a kind"),
        ("\n[needs]\ntruck_capacity_litres = true\n", "needs.truck_capacity_litres: True must be a number > 0"),
        ("\n[needs]\nheating_below_celsius = nan\n", "needs.heating_below_celsius: nan must be a number"),
    ],
)
def test_more_bad_needs_values(tmp_path: Path, text: str, message: str) -> None:
    problems = _config_problems(tmp_path, text)
    assert len(problems) == 1 and message in problems[0] and not problems[0].startswith("scenario.toml:0:")


def test_needs_must_be_a_table(tmp_path: Path) -> None:
    (tmp_path / FILE).write_text("needs = 3\n" + (BUNDLED / FILE).read_text(encoding="utf-8"), encoding="utf-8")
    _config, problems = read_settings(tmp_path)
    assert [str(p) for p in problems] == ["scenario.toml:1: needs: [needs] must be a table"]


def test_needs_settings_check_their_values() -> None:
    with pytest.raises(ValueError, match="truck_capacity_litres must be a number > 0"):
        NeedsSettings(truck_capacity_litres=0)
    with pytest.raises(ValueError, match="'school' is not a valid asset kind"):
        NeedsSettings(critical_kinds=("school",))


def test_temperature_table_problems_name_file_line_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "scenario"
    shutil.copytree(BUNDLED, folder)
    (folder / "temperature.csv").write_text(
        "time,temperature_c,area_id\n"
        "2025-12-19T00:00:00+02:00,-4.5,\n"
        "2025-12-19T00:00:00+02:00,-2,\n"  # a second reading for every area at that time
        "2025-12-19T06:00:00+02:00,cold,UA51\n"
        "2025-12-19T07:00:00+02:00,99,UA51\n"
        "2025-12-19T06:00:00,1,UA51\n"
        "2025-12-19T09:00:00+02:00,1,UA99\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as error:
        impact.load_scenario(folder)
    assert [str(p) for p in error.value.problems] == [
        "temperature.csv:3: time: a second reading for every area at 2025-12-19T00:00:00+02:00; first on line 2",
        "temperature.csv:4: temperature_c: 'cold' is not a number",
        "temperature.csv:5: temperature_c: '99' is out of range; must be >= -90 and <= 60",
        "temperature.csv:6: time: '2025-12-19T06:00:00' is not an ISO 8601 time with a UTC offset "
        "(e.g. 2025-12-19T19:00:00+02:00)",
        "temperature.csv:7: area_id: 'UA99' is not in areas.csv",
    ]


def test_temperature_table_loads_and_is_counted(tmp_path: Path) -> None:
    folder = tmp_path / "scenario"
    shutil.copytree(BUNDLED, folder)
    (folder / "temperature.csv").write_text(
        "time,temperature_c\n2025-12-19T00:00:00+02:00,-4.5\n2025-12-20T00:00:00+02:00,1\n", encoding="utf-8"
    )
    scenario = impact.load_scenario(folder)
    assert scenario.temperature["temperature_c"].tolist() == [-4.5, 1.0]
    assert scenario.counts().endswith(", 2 temperature readings, boundaries for 99 of 99 areas")


def test_needs_table_columns_and_hashtags(hand: xr.Dataset) -> None:
    table = needs_table(hand)
    columns = needs_columns(hand)
    assert list(table.columns) == [c.name for c in columns]
    assert len(table) == 3 * 3  # areas x days
    hxl = {c.name: c.hxl for c in columns}
    assert hxl["water_people_central"] == "#inneed+ind+water+central"
    assert hxl["heating_places_q95"] == "#inneed+ind+heating+q95"
    assert hxl["water_litres_mean"] == "#indicator+num+water_litres+mean"
    assert hxl["date"] == "#date" and hxl["generator_hours_central"] == "#indicator+num+generator_hours+central"
    row = table[(table["area_id"] == "R1") & (table["date"] == "2025-12-19")].iloc[0]
    assert row["water_litres_central"] == 6_250 and row["water_truck_trips_q05"] == 1
    assert row["adm1_code"] == "R" and row["population"] == 1000


# ------------------------------------------------------------------------------ exports and CLI


def test_needs_csv_reads_back(hand: xr.Dataset, tmp_path: Path) -> None:
    path = write_needs_csv(hand, tmp_path / "needs.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1].split(",")[:4] == ["#x_area+code", "#x_area+name", "#x_area+name+i_uk", "#x_area+admin_level"]
    assert "#inneed+ind+water+central" in lines[1].split(",") and "#inneed+ind+heating+mean" in lines[1]
    back = pd.read_csv(path, skiprows=[1], dtype={"adm2_code": str, "adm3_code": str})
    expected = needs_table(hand)
    pd.testing.assert_frame_equal(
        back[["area_id", "date", "water_litres_central", "heating_places_q50"]],
        expected[["area_id", "date", "water_litres_central", "heating_places_q50"]],
        check_dtype=False,
    )


def test_needs_excel_reads_back(hand: xr.Dataset, tmp_path: Path) -> None:
    path = write_needs_excel(hand, tmp_path / "needs.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["needs", "metadata"]
    sheet = wb["needs"]
    header = [c.value for c in sheet[1]]
    assert header == list(needs_table(hand).columns)
    hxl = [c.value for c in sheet[2]]
    assert hxl[header.index("heating_places_central")] == "#inneed+ind+heating+central"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    r1_day1 = next(r for r in rows if r[0] == "R1" and r[header.index("date")] == "2025-12-19")
    assert r1_day1[header.index("water_litres_central")] == 6_250
    meta = {(r[0], r[1]): r[2] for r in wb["metadata"].iter_rows(min_row=2, values_only=True)}
    assert meta[("parameter", "water_litres_per_person_day")] == 15
    assert meta[("column", "needs.water_people_central")] == "#inneed+ind+water+central"
    assert any(
        str(value).startswith("needs.water_litres_per_person_day: ") and "Sphere" in str(value)
        for (section, _key), value in meta.items()
        if section == "source"
    )


def test_excel_export_of_a_result_has_a_needs_sheet(tmp_path: Path) -> None:
    res = impact.run(hand_scenario())
    wb = openpyxl.load_workbook(write_excel(res, tmp_path / "result.xlsx", needs=impact.needs(res)))
    assert wb.sheetnames == ["summary", "needs", "time_series", "assets", "strikes", "metadata"]
    frame = pd.read_excel(tmp_path / "result.xlsx", sheet_name="needs", skiprows=[1])
    day = frame.loc[(frame["area_id"] == "R") & (frame["date"] == "2025-12-19")]
    assert day["generator_hours_central"].item() == 22 and day["generator_gap_hours_central"].item() == 22
    assert day["generator_fuel_litres_central"].item() == pytest.approx(445.5)
    meta = {(r[0], r[1]): r[2] for r in wb["metadata"].iter_rows(min_row=2, values_only=True)}
    assert meta[("needs", "truck_capacity_litres")] == 10_000
    assert meta[("needs source", 1)].startswith("needs.water_litres_per_person_day")
    # without needs, no needs sheet
    bare = openpyxl.load_workbook(write_excel(res.dataset, tmp_path / "bare.xlsx"))
    assert "needs" not in bare.sheetnames
    assert "needs" not in openpyxl.load_workbook(res.export(tmp_path / "plain.xlsx", include_needs=False)).sheetnames
    # Result.export adds the needs; same result, same bytes
    again = res.export(tmp_path / "again.xlsx")
    assert again.read_bytes() == (tmp_path / "result.xlsx").read_bytes()
    bare_again = impact.export.export(res.dataset, tmp_path / "bare-again.xlsx")
    assert bare_again.read_bytes() == (tmp_path / "bare.xlsx").read_bytes()


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_needs_prints_the_top_area_and_writes_csv(tmp_path: Path, capsys) -> None:
    out = tmp_path / "needs.csv"
    code, stdout, stderr = _cli(["needs", "odesa-2025-12", "--samples", "20", "--seed", "3", "--out", str(out)], capsys)
    assert code == 0, stderr
    assert "needs per day in UA51" in stdout and "2025-12-20" in stdout and f"wrote {out}" in stdout
    assert "15 L per person per day" in stdout
    text = out.read_text(encoding="utf-8")
    assert "#inneed+ind+water+central" in text.splitlines()[1]
    back = pd.read_csv(io.StringIO(text), skiprows=[1])
    res = impact.run("odesa-2025-12", samples=20, seed=3)
    expected = needs_table(impact.needs(res))
    np.testing.assert_allclose(back["water_litres_q95"], expected["water_litres_q95"])
    assert back["generator_hours_central"].tolist() == expected["generator_hours_central"].tolist()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["needs.csv"]


def test_cli_needs_writes_excel_for_an_area(tmp_path: Path, capsys) -> None:
    out = tmp_path / "needs.xlsx"
    code, stdout, stderr = _cli(
        ["needs", "odesa-2025-12", "--samples", "0", "--area", "UA5110027", "--out", str(out)], capsys
    )
    assert code == 0, stderr
    assert "needs per day in UA5110027" in stdout
    assert openpyxl.load_workbook(out).sheetnames == ["needs", "metadata"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["needs", "odesa-2025-12", "--out", "x.nc"], ".nc is not a valid output type; choose one of .csv, .xlsx"),
        (["needs", "odesa-2025-12", "--out", "/no/such/folder/x.csv"], "does not exist"),
        (["needs", "odesa-2025-12", "--area", "UA99"], "--area 'UA99' is not an area of odesa-2025-12"),
        (["needs", "odesa-2025-12", "--quantiles", "2"], "--quantiles 2.0 is not a number in [0, 1]"),
        (["needs", "no-such-scenario"], "neither a scenario folder nor a bundled scenario"),
    ],
)
def test_cli_needs_bad_input_exits_2(args: list[str], message: str, capsys) -> None:
    code, _out, err = _cli(args, capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_cli_needs_reports_a_bad_needs_section(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "scenario"
    shutil.copytree(BUNDLED, folder)
    with (folder / FILE).open("a", encoding="utf-8") as handle:
        handle.write("\n[needs]\ntruck_capacity_litres = -1\n")
    code, _out, err = _cli(["needs", str(folder)], capsys)
    assert code == 2 and "needs.truck_capacity_litres: -1 must be a number > 0" in err


def test_a_hospital_is_a_critical_site_with_fuel_and_water_needs() -> None:
    assets = pd.concat(
        [
            ASSETS,
            pd.DataFrame(
                [
                    {
                        "asset_id": "HOSP",
                        "name": "Hospital",
                        "kind": "hospital",
                        "area_id": "R1",
                        "restoration_class": "",
                        "generator_kw": 50.0,
                        "water_litres_per_day": 2400.0,
                    },
                    {"asset_id": "CC", "name": "Collective centre", "kind": "collective_centre", "area_id": "R2"},
                ]
            ),
        ],
        ignore_index=True,
    )
    deps = pd.concat(
        [
            DEPENDENCIES,
            pd.DataFrame(
                [
                    {"asset_id": "HOSP", "depends_on": "SUB1", "group": "", "buffer_hours": None},
                    {"asset_id": "HOSP", "depends_on": "PMP", "group": "", "buffer_hours": None},
                ]
            ),
        ],
        ignore_index=True,
    )
    scenario = impact.scenario_from_frames(
        make_settings(horizon_hours=72, samples=0),
        areas=AREAS,
        assets=assets,
        dependencies=deps,
        service_links=LINKS,
        strikes=STRIKES,
        restoration=RESTORATION,
    )
    nd = impact.needs(impact.run(scenario))
    assert list(nd["site"].values) == ["PMP", "BH", "HOSP", "CC"]  # hospitals and collective centres are critical
    # HOSP loses SUB1 and, through it, PMP at steps 2-31: 22 h on day 1, 8 h on day 2
    assert nd["site_generator_hours_central"].sel(site="HOSP").values.tolist() == [22, 8, 0]
    # fuel: 22 h x 50 kW x 0.75 x 0.27 L/kWh = 222.75 L; water: 2,400 L/day x 22 h / 24 = 2,200 L
    assert nd["site_generator_fuel_litres_central"].sel(site="HOSP").values.tolist() == pytest.approx([222.75, 81, 0])
    assert nd["site_water_litres_by_site_central"].sel(site="HOSP").values.tolist() == pytest.approx([2200, 800, 0])
    assert values(nd, "site_water_litres_central", "R") == pytest.approx([2200, 800, 0])
    assert values(nd, "generator_fuel_litres_central", "R1") == pytest.approx([445.5 + 222.75, 162 + 81, 0])
    # the collective centre has no supplies listed: it never counts
    assert nd["site_generator_hours_central"].sel(site="CC").values.tolist() == [0, 0, 0]
    table = needs_table(nd)
    row = table[(table["area_id"] == "R1") & (table["date"] == "2025-12-19")].iloc[0]
    assert row["site_water_litres_central"] == pytest.approx(2200)
