"""``areas.csv`` name_uk, population_current and population_source: checks, both engines, the
result dataset and every export.

Hand case (``scenario_factory`` layout): region R = R1 (population 1000, population_current 800)
+ R2 (population 500, population_current 300). SUB (fixed 5 h repair) is struck at hour 2 and
serves all of R1's power; PMP depends on SUB and serves half of R2's water. So on steps 2-6 the
central estimate has 800 people of R1 without power (not 1000) and round(300 * 0.5) = 150 of
R2 without water (not 250); R has 800 and 150.
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
import xarray as xr
from scenario_factory import fixed_curves, make_scenario, strike

import impact
from impact.export import to_long_dataframe, to_summary_dataframe

SOURCE = "assumption: 20 % displaced (test)"

AREAS = [
    {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None, "name_uk": "Регіон"},
    {
        "area_id": "R1",
        "name": "District 1",
        "admin_level": 2,
        "parent_id": "R",
        "population": 1000,
        "name_uk": "Район 1",
        "population_current": 800,
        "population_source": SOURCE,
    },
    {
        "area_id": "R2",
        "name": "District 2",
        "admin_level": 2,
        "parent_id": "R",
        "population": 500,
        "population_current": 300,
        "population_source": SOURCE,
    },
]
ASSETS = [
    {"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1", "restoration_class": "h5"},
    {
        "asset_id": "PMP",
        "name": "Pumping station",
        "kind": "pumping_station",
        "area_id": "R1",
        "restoration_class": "h5",
    },
]
LINKS = [
    {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
    {"area_id": "R2", "service": "water", "asset_id": "PMP", "share": 0.5},
]
DEPENDENCIES = [{"asset_id": "PMP", "depends_on": "SUB", "group": "", "buffer_hours": None}]


def hand_scenario(areas: list[dict] = AREAS) -> impact.Scenario:
    return make_scenario(
        areas=areas,
        assets=ASSETS,
        service_links=LINKS,
        dependencies=DEPENDENCIES,
        strikes=[strike("S1", "SUB", 2)],
        restoration=fixed_curves("h5", 5),
    )


def steps(value: int, first: int = 2, stop: int = 7, length: int = 48) -> list[int]:
    return [value if first <= k < stop else 0 for k in range(length)]


@pytest.fixture(scope="module")
def result() -> impact.Result:
    return impact.run(hand_scenario(), samples=4, seed=1)


# --- checks -------------------------------------------------------------------------------------


def _problems(areas: list[dict]) -> list[str]:
    with pytest.raises(impact.ScenarioError) as caught:
        hand_scenario(areas)
    return [str(problem) for problem in caught.value.problems]


def test_population_current_must_be_a_whole_number_of_at_least_0() -> None:
    areas = [dict(AREAS[0]), {**AREAS[1], "population_current": -5}, {**AREAS[2], "population_current": 2.5}]
    assert _problems(areas) == [
        "areas.csv:3: population_current: '-5' is out of range; must be >= 0",
        "areas.csv:4: population_current: '2.5' is not a whole number",
    ]


def test_a_parent_population_current_is_checked_against_its_leaves_population_used() -> None:
    # The leaves use 800 + 300 = 1,100 people; 1,105 is within 0.5 %, 1,500 (the base sum) is not.
    assert hand_scenario([{**AREAS[0], "population_current": 1105}, *AREAS[1:]]).areas is not None
    assert _problems([{**AREAS[0], "population_current": 1500}, *AREAS[1:]]) == [
        "areas.csv:2: population_current: 1,500 differs from the sum of its children's population used "
        "(population_current where given, else population) 1,100 by more than 0.5 %; the model sums the "
        "leaves, so give population_current on the leaf areas",
    ]


def test_a_parent_population_is_still_checked_against_the_leaves_population() -> None:
    assert hand_scenario([{**AREAS[0], "population": 1500}, *AREAS[1:]]).areas is not None
    assert _problems([{**AREAS[0], "population": 1100}, *AREAS[1:]]) == [
        "areas.csv:2: population: 1,100 differs from the sum of its children 1,500 by more than 0.5 %",
    ]


def test_a_leaf_still_needs_its_population() -> None:
    assert _problems([AREAS[0], {**AREAS[1], "population": None}, AREAS[2]]) == [
        "areas.csv:3: population: is empty; population is required on leaf areas",
    ]


# --- both engines -------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_both_engines_use_population_current(engine: str) -> None:
    ds = impact.run(hand_scenario(), samples=0, engine=engine).dataset
    people = ds["people_without_central"]
    assert people.sel(service="power", area="R1").values.tolist() == steps(800)
    assert people.sel(service="water", area="R2").values.tolist() == steps(150)
    assert people.sel(service="power", area="R").values.tolist() == steps(800)
    assert people.sel(service="water", area="R").values.tolist() == steps(150)
    assert ds["population"].values.tolist() == [1100, 800, 300]
    assert ds["population_base"].values.tolist() == [1500, 1000, 500]


def test_without_population_current_nothing_changes() -> None:
    plain = [{k: v for k, v in row.items() if k not in ("population_current", "population_source")} for row in AREAS]
    ds = impact.run(hand_scenario(plain), samples=0).dataset
    assert ds["people_without_central"].sel(service="power", area="R1").values.tolist() == steps(1000)
    assert ds["people_without_central"].sel(service="water", area="R2").values.tolist() == steps(250)
    assert ds["population"].values.tolist() == ds["population_base"].values.tolist() == [1500, 1000, 500]
    assert ds["population_source"].values.tolist() == ["", "", ""]


def test_a_partial_population_current_falls_back_to_population() -> None:
    areas = [AREAS[0], AREAS[1], {**AREAS[2], "population_current": None, "population_source": None}]
    ds = impact.run(hand_scenario(areas), samples=0).dataset
    assert ds["population"].values.tolist() == [1300, 800, 500]
    assert ds["people_without_central"].sel(service="water", area="R2").values.tolist() == steps(250)
    assert ds["population_source"].values.tolist() == ["", SOURCE, ""]


# --- the result dataset and the exports ---------------------------------------------------------


def test_the_dataset_carries_the_new_coordinates(result: impact.Result) -> None:
    ds = result.dataset
    assert ds["name_uk"].values.tolist() == ["Регіон", "Район 1", ""]
    assert ds["population_source"].values.tolist() == ["", SOURCE, SOURCE]
    assert ds["population_base"].dtype == "int64"
    assert ds.attrs["boundaries_attribution"] == ""
    for name in ("name_uk", "population_source", "population_base"):
        assert ds[name].dims == ("area",) and name in ds.coords


def test_long_and_summary_tables_have_the_columns_in_place(result: impact.Result) -> None:
    for frame in (to_long_dataframe(result), to_summary_dataframe(result)):
        columns = list(frame.columns)
        assert columns[columns.index("area_name") + 1] == "area_name_uk"
        assert columns[columns.index("population") + 1] == "population_source"
        by_area = frame.drop_duplicates("area_id").set_index("area_id")
        assert by_area["area_name_uk"].to_dict() == {"R": "Регіон", "R1": "Район 1", "R2": ""}
        assert by_area["population"].to_dict() == {"R": 1100, "R1": 800, "R2": 300}
        assert by_area["population_source"].to_dict() == {"R": "", "R1": SOURCE, "R2": SOURCE}


def test_csv_has_the_hxl_hashtags(result: impact.Result, tmp_path) -> None:
    path = result.export(tmp_path / "r.csv")
    header, tags = path.read_text(encoding="utf-8").splitlines()[:2]
    tag_of = dict(zip(header.split(","), tags.split(","), strict=True))
    assert tag_of["area_name_uk"] == "#x_area+name+i_uk"
    assert tag_of["population_source"] == "#meta+source+population"
    back = pd.read_csv(path, skiprows=[1], keep_default_na=False)
    assert set(back.loc[back["area_id"] == "R1", "area_name_uk"]) == {"Район 1"}
    assert set(back.loc[back["area_id"] == "R2", "population_source"]) == {SOURCE}


def test_excel_sheets_and_metadata_describe_the_columns(result: impact.Result, tmp_path) -> None:
    path = result.export(tmp_path / "r.xlsx", include_needs=False)
    book = openpyxl.load_workbook(path)
    summary = list(book["summary"].values)
    header = list(summary[0])
    assert header[header.index("area_name") + 1] == "area_name_uk"
    assert header[header.index("population") + 1] == "population_source"
    rows = [dict(zip(header, row, strict=True)) for row in summary[2:]]
    assert {r["area_id"]: r["area_name_uk"] or "" for r in rows} == {"R": "Регіон", "R1": "Район 1", "R2": ""}
    metadata = [row for row in book["metadata"].values]
    described = {row[1]: row for row in metadata if row and row[0] == "column"}
    assert described["summary.area_name_uk"][2:] == (
        "#x_area+name+i_uk",
        None,
        "Area name in Ukrainian; empty when not given.",
    )
    assert described["time_series.population_source"][2] == "#meta+source+population"
    assert "population_current" in described["summary.population_source"][4]
    assert "population_current" in described["summary.population"][4]
    assert any(row[1] == "boundaries_attribution" for row in metadata if row)


def test_netcdf_keeps_the_coordinates(result: impact.Result, tmp_path) -> None:
    back = impact.open_result(result.export(tmp_path / "r.nc"))
    try:
        ds = back.dataset
        assert [str(v) for v in ds["name_uk"].values] == ["Регіон", "Район 1", ""]
        assert [str(v) for v in ds["population_source"].values] == ["", SOURCE, SOURCE]
        assert ds["population_base"].values.tolist() == [1500, 1000, 500]
        assert ds.attrs["boundaries_attribution"] == ""
        assert to_long_dataframe(ds).equals(to_long_dataframe(result))
    finally:
        back.dataset.close()


def test_streamed_netcdf_equals_the_whole_export(result: impact.Result, tmp_path) -> None:
    whole = result.export(tmp_path / "whole.nc")
    streamed = impact.run_to_netcdf(hand_scenario(), tmp_path / "streamed.nc", samples=4, seed=1, area_block=1)
    with xr.open_dataset(whole) as a, xr.open_dataset(streamed) as b:
        for name in ("name_uk", "population_source", "population_base", "population"):
            assert [str(v) for v in a[name].values] == [str(v) for v in b[name].values], name
    assert whole.read_bytes() != b""


def test_parquet_keeps_the_columns(result: impact.Result, tmp_path) -> None:
    back = pd.read_parquet(result.export(tmp_path / "r.parquet"))
    assert back.drop_duplicates("area_id").set_index("area_id")["area_name_uk"].to_dict() == {
        "R": "Регіон",
        "R1": "Район 1",
        "R2": "",
    }


def test_attribution_reaches_the_result() -> None:
    from shapely.geometry import box

    from impact.boundaries import Boundaries

    sc = hand_scenario()
    with_boundaries = type(sc)(**{**sc.__dict__, "boundaries": Boundaries({"R1": box(30, 46, 31, 47)}, "© test")})
    assert impact.run(with_boundaries, samples=0).dataset.attrs["boundaries_attribution"] == "© test"
