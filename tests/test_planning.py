"""Headline numbers a planner can act on (issue 13, part 8): the planning statistic every headline
figure leads with (``plan_quantile``), and the probability that an area's outage lasts beyond X hours
(``outage_beyond_probability``), from the engines to the exports and the command line.

The exceedance is checked against a case computed by hand (docs/method.md, section 5).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr
from scenario_factory import make_scenario

import impact
from impact.cli import main
from impact.dataset import plan_quantile_of, plan_values, statistic_name
from impact.engine import fast, reference
from impact.engine.compile import compile_scenario
from impact.export import needs_table, to_long_dataframe, write_excel, write_netcdf
from impact.export.frames import to_summary_dataframe
from impact.result import build_dataset
from impact.scenario.settings import settings_from_dict

#: Repair times of the one strike (SUB, 02:00) in five samples [hours]: R1's 1,000 people are without
#: power from step 2 until the repair ends, so restore_90 is the repair time itself, but for the last
#: sample, not repaired within the 100-hour horizon (restore_90 infinite).
REPAIRS = np.array([[10.0], [24.0], [30.0], [80.0], [200.0]])


@pytest.fixture(scope="module")
def hand() -> xr.Dataset:
    """The result dataset of the five hand-picked repair times, fast engine."""
    scenario = make_scenario(horizon_hours=100, samples=5)
    model = compile_scenario(scenario)
    central = fast.compute(model, model.central_durations(), [0.5])
    sampled = fast.compute(model, REPAIRS, [0.5])
    return build_dataset(scenario, model, central, sampled, np.array([0.5]), 5, 1, beyond_hours=(24, 72, 168))


def test_outage_beyond_probability_by_hand(hand: xr.Dataset) -> None:
    beyond = hand["outage_beyond_probability"]
    assert beyond.dims == ("service", "area", "beyond_hours")
    assert beyond["beyond_hours"].values.tolist() == [24.0, 72.0, 168.0]
    # restore_90 of the samples: 10, 24, 30, 80 and inf hours. Beyond 24 h: 30, 80, inf (24 is not
    # beyond 24); beyond 72 h: 80, inf; beyond 168 h: inf alone (not restored within the horizon).
    for area in ("R1", "R"):
        assert beyond.sel(service="power", area=area).values.tolist() == [3 / 5, 2 / 5, 1 / 5]
    assert beyond.sel(service="water").values.tolist() == [[0.0, 0.0, 0.0]] * 3  # never without water
    assert beyond.sel(service="power", area="R2").values.tolist() == [0.0, 0.0, 0.0]
    assert beyond.attrs["units"] == "1" and "beyond" in beyond.attrs["long_name"]
    assert hand["beyond_hours"].attrs["units"] == "hours"


def test_person_hours_of_each_sample_by_hand(hand: xr.Dataset) -> None:
    per_sample = hand["person_hours_without_sample"]
    assert per_sample.dims == ("service", "area", "sample")
    # 1,000 people for 10, 24, 30, 80 hours, and for the 98 hours from 02:00 to the end of the horizon
    assert per_sample.sel(service="power", area="R1").values.tolist() == [10_000, 24_000, 30_000, 80_000, 98_000]
    assert per_sample.attrs["units"] == "person hours"


def test_reference_engine_gives_the_same_dataset(hand: xr.Dataset) -> None:
    scenario = make_scenario(horizon_hours=100, samples=5)
    model = compile_scenario(scenario)
    central = reference.compute(model, model.central_durations(), [0.5])
    sampled = reference.compute(model, REPAIRS, [0.5])
    other = build_dataset(scenario, model, central, sampled, np.array([0.5]), 5, 1, beyond_hours=(24, 72, 168))
    xr.testing.assert_identical(other, hand)


def test_without_samples_the_probability_is_missing_and_there_is_no_sample() -> None:
    ds = impact.run(make_scenario(horizon_hours=24), samples=0).dataset
    assert np.isnan(ds["outage_beyond_probability"]).all()
    assert ds.sizes["sample"] == 0


@pytest.fixture(scope="module")
def odesa() -> impact.Scenario:
    return impact.load_scenario("odesa-2025-12").with_config(horizon_hours=168)


def test_the_planning_statistic_is_added_to_the_quantiles_and_changes_no_number(odesa) -> None:
    plain = impact.run(odesa, samples=40, seed=3, quantiles=[0.05, 0.95]).dataset
    planned = impact.run(odesa, samples=40, seed=3, quantiles=[0.05, 0.95], plan_quantile=0.9).dataset
    assert plain["quantile"].values.tolist() == [0.05, 0.5, 0.95]  # the default planning statistic, the median
    assert planned["quantile"].values.tolist() == [0.05, 0.9, 0.95]
    assert (plain.attrs["plan_quantile"], plain.attrs["plan_statistic"]) == (0.5, "median")
    assert (planned.attrs["plan_quantile"], planned.attrs["plan_statistic"]) == (0.9, "90th percentile")
    for name in ("people_without", "peak_people_without", "person_hours_without", "restore_90_hours"):
        for q in (0.05, 0.95):
            xr.testing.assert_identical(plain[name].sel(quantile=q), planned[name].sel(quantile=q))
    for name in ("people_without_central", "people_without_mean", "outage_beyond_probability"):
        xr.testing.assert_identical(plain[name], planned[name])
    # the sample-by-sample person-hours give back the quantiles of person-hours
    np.testing.assert_allclose(
        planned["person_hours_without_sample"].quantile(0.9, dim="sample").values,
        planned["person_hours_without"].sel(quantile=0.9).values,
        rtol=1e-12,
    )


def test_scenario_toml_and_run_give_the_planning_statistic(odesa) -> None:
    assert odesa.config.plan_quantile == 0.5
    settings, problems = settings_from_dict(
        {
            "scenario": {"id": "x", "title": "x", "timezone": "UTC", "start": "2025-01-01T00:00:00+00:00"}
            | {"horizon_hours": 24},
            "run": {"plan_quantile": 0.75},
        }
    )
    assert problems == [] and settings.plan_quantile == 0.75
    ds = impact.run(odesa.with_config(plan_quantile=0.75), samples=10).dataset
    assert plan_quantile_of(ds) == 0.75 and 0.75 in ds["quantile"].values
    assert impact.run(odesa.with_config(plan_quantile=0.75), samples=10, plan_quantile=0.95).dataset.attrs[
        "plan_quantile"
    ] == pytest.approx(0.95)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"plan_quantile": 0}, r"plan_quantile 0 must be a number in \(0, 1\]"),
        ({"plan_quantile": 1.5}, "plan_quantile 1.5 must be"),
        ({"plan_quantile": True}, "plan_quantile True must be"),
        ({"beyond_hours": []}, "beyond_hours must be a non-empty list"),
        ({"beyond_hours": [24, -1]}, "beyond_hours -1 is not a number of hours >= 0"),
        ({"beyond_hours": [24, 24.0]}, "beyond_hours must not repeat a value"),
        ({"plan_quantile": 0.5000000000001}, "too close to quantile 0.5"),
    ],
)
def test_run_refuses_bad_planning_settings(odesa, options, message) -> None:
    with pytest.raises(ValueError, match=message):
        impact.run(odesa, samples=2, **options)


def test_statistic_names() -> None:
    names = [statistic_name(q) for q in (0.5, 0.75, 0.9, 0.95, 0.01, 0.02, 0.03, 0.11, 0.21, 0.025, 1.0)]
    assert names == [
        "median",
        "75th percentile",
        "90th percentile",
        "95th percentile",
        "1st percentile",
        "2nd percentile",
        "3rd percentile",
        "11th percentile",
        "21st percentile",
        "2.5th percentile",
        "maximum",
    ]


@pytest.fixture(scope="module")
def result(odesa) -> impact.Result:
    return impact.run(odesa, samples=40, seed=5, plan_quantile=0.9, beyond_hours=(12, 48))


def test_summary_leads_with_the_planning_statistic(result) -> None:
    summary = result.summary()
    ds = result.dataset.sel(area="UA51")
    assert summary.attrs["plan_statistic"] == "90th percentile"
    assert summary.loc["water", "peak_plan"] == float(ds["peak_people_without"].sel(service="water", quantile=0.9))
    assert summary.loc["water", "person_days_plan"] * 24 == pytest.approx(
        float(ds["person_hours_without"].sel(service="water", quantile=0.9))
    )
    assert summary.loc["heat", "outage_beyond_48h_probability"] == float(
        ds["outage_beyond_probability"].sel(service="heat", beyond_hours=48)
    )


def test_needs_at_a_quantile(result) -> None:
    default = impact.needs(result)  # the result's planning statistic: the 90th percentile
    assert (default.attrs["plan_quantile"], default.attrs["plan_statistic"]) == (0.9, "90th percentile")
    xr.testing.assert_equal(default["water_litres_plan"], default["water_litres"].sel(quantile=0.9, drop=True))
    at95 = impact.needs(result, quantile=0.95)
    assert at95.attrs["plan_statistic"] == "95th percentile"
    for name in ("water_people", "water_litres", "water_truck_trips", "heating_places"):
        xr.testing.assert_equal(at95[f"{name}_plan"], at95[name].sel(quantile=0.95, drop=True))
        assert "95th percentile" in at95[f"{name}_plan"].attrs["long_name"]
    assert float(at95["water_litres_plan"].max()) > float(at95["water_litres_central"].max())  # not the central
    with pytest.raises(ValueError, match=r"quantile 0.75 is not one of the result's quantiles \(0.05, 0.5, 0.9"):
        impact.needs(result, quantile=0.75)
    table = needs_table(at95)
    columns = list(table.columns)
    assert columns.index("water_litres_plan_q95") == columns.index("water_litres_central") - 1
    assert table["water_litres_plan_q95"].tolist() == table["water_litres_q95"].tolist()


def test_export_columns_say_which_statistic_leads(result, tmp_path: Path) -> None:
    ds = result.dataset
    long = to_long_dataframe(ds)
    assert "people_without_plan_q90" in long and "outage_beyond_12h_probability" in long
    rows = long[(long["service"] == "power") & (long["area_id"] == "UA51")]
    assert rows["people_without_plan_q90"].tolist() == rows["people_without_q90"].tolist()
    assert set(rows["outage_beyond_48h_probability"]) == {
        float(ds["outage_beyond_probability"].sel(service="power", area="UA51", beyond_hours=48))
    }
    assert not any(column.endswith("_sample") or "sample" in column for column in long.columns)
    summary = to_summary_dataframe(ds)
    for prefix in ("peak_people_without", "person_hours_without", "restore_90_hours"):
        assert list(summary.columns).index(f"{prefix}_plan_q90") + 1 == list(summary.columns).index(f"{prefix}_central")
    assert "outage_beyond_12h_probability" in summary and "outage_beyond_48h_probability" in summary

    path = result.export(tmp_path / "r.csv")
    header, hashtags = path.read_text(encoding="utf-8").splitlines()[:2]
    names, tags = header.split(","), hashtags.split(",")
    assert tags[names.index("people_without_plan_q90")] == "#affected+ind+plan+q90"
    assert tags[names.index("outage_beyond_12h_probability")] == "#indicator+num+outage_probability+beyond_12h"

    book = openpyxl.load_workbook(write_excel(ds, tmp_path / "r.xlsx", needs=impact.needs(result)))
    meta = {(row[0], row[1]): row[2:] for row in book["metadata"].iter_rows(min_row=2, values_only=True)}
    assert meta[("parameter", "plan_quantile")][0] == 0.9
    assert meta[("parameter", "plan_statistic")][0] == "90th percentile"
    assert meta[("needs", "plan_statistic")][0] == "90th percentile"
    described = meta[("column", "summary.peak_people_without_plan_q90")]
    assert "planning statistic: the 90th percentile over Monte Carlo samples" in described[2]
    assert "person_hours_without_sample" in {key for section, key in meta if section == "variable"}

    with xr.open_dataset(write_netcdf(ds, tmp_path / "r.nc")) as back:
        assert back.attrs["plan_quantile"] == 0.9 and back.attrs["plan_statistic"] == "90th percentile"
        assert back["outage_beyond_probability"].attrs["units"] == "1"
        assert back["beyond_hours"].attrs["units"] == "h"
        assert back["person_hours_without_sample"].attrs["units"] == "h"
        np.testing.assert_array_equal(back["outage_beyond_probability"].values, ds["outage_beyond_probability"].values)


def test_plan_values_is_nan_for_a_quantile_the_result_lacks(result) -> None:
    assert np.isnan(plan_values(result.dataset["peak_people_without"], 0.75)).all()
    sliced = plan_values(result.dataset["peak_people_without"], 0.9)
    assert "quantile" not in sliced.dims


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_run_leads_with_the_chosen_statistic(tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.csv"
    args = ["run", "odesa-2025-12", "--samples", "20", "--plan-quantile", "0.9", "--beyond-hours", "12,48"]
    code, text, err = _cli([*args, "--out", str(out)], capsys)
    assert code == 0, err
    assert "the 90th percentile over samples leads" in text and "central = every repair at its median" in text
    assert "90th percentile" in text.split("central = every")[1] and "P(> 12 h)" in text and "P(> 48 h)" in text
    frame = pd.read_csv(out, skiprows=[1], nrows=2)
    assert "people_without_plan_q90" in frame and "outage_beyond_48h_probability" in frame
    code, text, err = _cli(["run", "odesa-2025-12", "--samples", "0"], capsys)
    assert code == 0 and "no samples: central = every repair at its median" in text and "median " not in text


def test_cli_needs_leads_with_the_chosen_statistic(capsys) -> None:
    args = ["needs", "odesa-2025-12", "--samples", "20", "--area", "UA5110027", "--plan-quantile", "0.95"]
    code, text, err = _cli(args, capsys)
    assert code == 0, err
    assert "each figure the 95th percentile over samples" in text and "central" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "odesa-2025-12", "--plan-quantile", "1.5"], "error: --plan-quantile 1.5 must be a number in (0, 1]"),
        (["needs", "odesa-2025-12", "--plan-quantile", "0"], "error: --plan-quantile 0.0 must be a number in (0, 1]"),
        (["run", "odesa-2025-12", "--beyond-hours", "a,b"], "must be hours separated by commas"),
        (["run", "odesa-2025-12", "--beyond-hours", "24,-3"], "error: --beyond-hours -3.0 is not a number of hours"),
        (
            ["run", "odesa-2025-12", "--quantiles", "0.5000000000001", "--plan-quantile", "0.5"],
            "too close to quantile",
        ),
    ],
)
def test_cli_refuses_bad_planning_options(args, message, capsys) -> None:
    code, _text, err = _cli(args, capsys)
    assert code == 2 and message in err and "Traceback" not in err
