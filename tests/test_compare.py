"""Comparing two results (``impact.compare``, ``impact compare``): exact differences, matching, outputs.

Hand-checked cases use the test factory's default layout (region R = districts R1 with 1000
people and R2 with 500; R1's power through substation SUB, half of R2's water through pumping
station PMP; start 2025-12-19T00:00+02:00, 60-minute steps, 48 h) and fixed repair times, so
every Monte Carlo sample equals the central estimate and every number below is exact:

- baseline B: SUB struck at 02:00, down 10 h -> R1 without power steps 2-11: 10 x 1000 = 10,000
  person-hours, peak 1000 at 02:00;
- scenario A: B's strike, SUB struck again at 20:00 (10 h more: 10,000 person-hours more) and
  PMP at 05:00, down 5 h -> 250 people in R2 without water: 5 x 250 = 1,250 person-hours.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scenario_factory import DEFAULT_AREAS, DEFAULT_LINKS, START, fixed_curves, make_scenario, strike

import impact
from impact.cli import main
from impact.compare import CompareError, align, check_scenarios, compare, difference_timeseries
from impact.figures import compare_timeline
from impact.whatif import WhatIf, apply_whatif

CURVES = [*fixed_curves("h10", 10), *fixed_curves("h5", 5)]
ASSETS = [
    {"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1", "restoration_class": "h10"},
    {
        "asset_id": "PMP",
        "name": "Pumping station",
        "kind": "pumping_station",
        "area_id": "R1",
        "restoration_class": "h5",
    },
]
BASELINE_STRIKES = [strike("S1", "SUB", 2)]
SCENARIO_STRIKES = [strike("S1", "SUB", 2), strike("S2", "SUB", 20), strike("S3", "PMP", 5)]
ODESA = Path(__file__).resolve().parent.parent / "datasets" / "odesa-2025-12"


def small(strikes, *, areas=None, links=None, **settings):
    return make_scenario(
        areas=areas or DEFAULT_AREAS,
        assets=ASSETS,
        service_links=links or DEFAULT_LINKS,
        strikes=strikes,
        restoration=CURVES,
        **settings,
    )


def run(scenario, samples: int = 20, seed: int = 1):
    return impact.run(scenario, samples=samples, seed=seed)


@pytest.fixture(scope="module")
def hand():
    """Scenario A (one more SUB strike and a PMP strike) against baseline B."""
    return compare(run(small(SCENARIO_STRIKES)), run(small(BASELINE_STRIKES)))


def row(comparison, service: str, area: str) -> pd.Series:
    table = comparison.table
    return table[(table["service"] == service) & (table["area_id"] == area)].iloc[0]


# --------------------------------------------------------------------------- exact differences


@pytest.mark.parametrize("area", ["R1", "R"])
def test_one_more_strike_adds_its_person_hours_and_keeps_the_peak(hand, area: str) -> None:
    r = row(hand, "power", area)
    for kind in ("central", "mean", "q05", "q50", "q95"):  # fixed curves: every sample = the central estimate
        assert r[f"person_hours_without_{kind}_a"] == 20_000
        assert r[f"person_hours_without_{kind}_b"] == 10_000
        assert r[f"person_hours_without_{kind}_difference"] == 10_000
        assert r[f"person_hours_without_{kind}_relative_difference"] == 1.0
        assert r[f"peak_people_without_{kind}_a"] == r[f"peak_people_without_{kind}_b"] == 1000
        assert r[f"peak_people_without_{kind}_difference"] == 0
        assert r[f"peak_people_without_{kind}_relative_difference"] == 0
    assert r["peak_time_local_central_a"] == r["peak_time_local_central_b"] == "2025-12-19T02:00:00+02:00"
    assert r["peak_time_shift_hours"] == 0


def test_new_outage_against_none_has_no_relative_difference(hand) -> None:
    r = row(hand, "water", "R2")
    assert (r["person_hours_without_central_a"], r["person_hours_without_central_b"]) == (1250, 0)
    assert r["person_hours_without_central_difference"] == 1250
    assert np.isnan(r["person_hours_without_central_relative_difference"])  # B is 0, A is not
    assert (r["peak_people_without_central_a"], r["peak_people_without_central_difference"]) == (250, 250)
    assert r["peak_time_local_central_a"] == "2025-12-19T05:00:00+02:00"
    assert r["peak_time_local_central_b"] == ""
    assert np.isnan(r["peak_time_shift_hours"])
    untouched = row(hand, "heat", "R")
    assert untouched["person_hours_without_central_difference"] == 0
    assert untouched["person_hours_without_central_relative_difference"] == 0  # 0 against 0 is no change


def test_time_series_difference_is_the_extra_outage(hand) -> None:
    difference = hand.timeseries().sel(service="power", area="R1").values
    expected = np.zeros(48)
    expected[20:30] = 1000  # SUB's second outage, 20:00-06:00
    np.testing.assert_array_equal(difference, expected)
    np.testing.assert_array_equal(hand.timeseries("mean").sel(service="power", area="R1").values, expected)
    helper = difference_timeseries(run(small(SCENARIO_STRIKES)), run(small(BASELINE_STRIKES)))
    np.testing.assert_array_equal(helper.sel(service="power", area="R1").values, expected)
    assert helper.attrs["units"] == "persons"


def test_summary_is_per_service_for_the_top_area(hand) -> None:
    summary = hand.summary()
    assert list(summary.index) == ["power", "water", "heat"]
    assert summary.loc["power", "person_hours_central_difference"] == 10_000
    assert summary.loc["water", "peak_central_a"] == 250
    assert summary.loc["power", "peak_low_a"] == summary.loc["power", "peak_high_b"] == 1000
    assert summary.loc["power", "peak_time_a"] == "2025-12-19T02:00:00+02:00"
    assert hand.summary("R2").loc["water", "person_hours_central_a"] == 1250
    with pytest.raises(ValueError, match="'X' is not an area of both results"):
        hand.summary("X")


def test_sign_convention_swapping_a_and_b_negates_the_differences(hand) -> None:
    swapped = compare(run(small(BASELINE_STRIKES)), run(small(SCENARIO_STRIKES)))
    assert row(swapped, "power", "R")["person_hours_without_central_difference"] == -10_000
    assert row(swapped, "power", "R")["person_hours_without_central_relative_difference"] == -0.5
    np.testing.assert_array_equal(swapped.timeseries().values, -hand.timeseries().values)
    assert "A is worse" in hand.dataset.attrs["sign_convention"]


def test_a_result_against_itself_has_no_difference() -> None:
    result = run(small(SCENARIO_STRIKES))
    comparison = compare(result, result)
    numbers = comparison.table.filter(like="_difference")
    assert (numbers.fillna(0).to_numpy() == 0).all()
    assert comparison.notes == []


def test_central_only_results_compare_central_statistics() -> None:
    comparison = compare(run(small(SCENARIO_STRIKES), samples=0), run(small(BASELINE_STRIKES), samples=0))
    assert comparison.dataset.sizes["quantile"] == 0
    assert not any("_q" in column for column in comparison.table.columns)
    r = row(comparison, "power", "R")
    assert r["person_hours_without_central_difference"] == 10_000
    assert np.isnan(r["person_hours_without_mean_difference"])
    assert any("no Monte Carlo samples" in note for note in comparison.notes)


# --------------------------------------------------------------------------- matching two results


def test_different_horizons_compare_over_the_common_window() -> None:
    a = run(small(SCENARIO_STRIKES))  # 48 h
    b = run(small(BASELINE_STRIKES, horizon_hours=24))
    comparison = compare(a, b)
    assert comparison.dataset.sizes["time"] == 24
    assert comparison.dataset.attrs["window_end"] == "2025-12-19T23:00:00+02:00"
    r = row(comparison, "power", "R1")
    # A within the first 24 h: steps 2-11 and 20-23 = 14 h x 1000 people.
    assert r["person_hours_without_central_a"] == 14_000
    assert r["person_hours_without_central_b"] == 10_000
    assert r["person_hours_without_mean_a"] == 14_000  # the mean adds up over time; exact
    assert r["peak_people_without_central_a"] == 1000
    assert r["peak_time_local_central_a"] == "2025-12-19T02:00:00+02:00"
    assert np.isnan(r["peak_people_without_mean_a"])  # a mean peak needs the full horizon
    assert comparison.dataset.sizes["quantile"] == 0
    assert any(
        "common window 2025-12-19 00:00 +02:00 to 2025-12-19 23:00 +02:00 (24 steps)" in note
        for note in comparison.notes
    )


def test_a_later_start_is_compared_where_both_run() -> None:
    later = (pd.Timestamp(START) + pd.Timedelta(hours=12)).isoformat()
    comparison = compare(run(small(SCENARIO_STRIKES)), run(small(SCENARIO_STRIKES, start=later)))
    assert comparison.dataset.attrs["window_start"] == "2025-12-19T12:00:00+02:00"
    assert comparison.dataset.sizes["time"] == 36
    # Strike times are absolute: from 12:00 both have only SUB's second outage, 20:00-06:00 (the first
    # ends at 12:00), so the same strikes give the same person-hours over the common window.
    r = row(comparison, "power", "R1")
    assert r["person_hours_without_central_a"] == r["person_hours_without_central_b"] == 10_000
    assert r["person_hours_without_central_difference"] == 0
    assert r["peak_time_local_central_a"] == r["peak_time_local_central_b"] == "2025-12-19T20:00:00+02:00"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"step_minutes": 30}, "the time steps differ: A steps 60 minutes, B 30 minutes"),
        ({"start": "2025-12-25T00:00:00+02:00"}, "A and B have no time step in common"),
        ({"start": "2025-12-19T00:30:00+02:00"}, "the time steps fall at different minutes"),
    ],
)
def test_time_axes_that_cannot_be_matched_are_refused(settings: dict, message: str) -> None:
    with pytest.raises(CompareError, match=message):
        compare(run(small(SCENARIO_STRIKES), samples=0), run(small(BASELINE_STRIKES, **settings), samples=0))
    with pytest.raises(CompareError, match=message):
        check_scenarios(small(SCENARIO_STRIKES), small(BASELINE_STRIKES, **settings))


OTHER_AREAS = [
    {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
    {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1000},
    {"area_id": "R3", "name": "District 3", "admin_level": 2, "parent_id": "R", "population": 200},
]
OTHER_LINKS = [{"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0}]


def test_areas_in_one_result_only_are_left_out_and_named() -> None:
    b = run(small(BASELINE_STRIKES, areas=OTHER_AREAS, links=OTHER_LINKS))
    comparison = compare(run(small(SCENARIO_STRIKES)), b)
    assert list(comparison.dataset["area"].values) == ["R", "R1"]
    assert comparison.areas_only_in_a == ["R2"]
    assert comparison.areas_only_in_b == ["R3"]
    assert len(comparison.table) == 3 * 2
    notes = "\n".join(comparison.notes)
    assert "1 area(s) only in A, not compared: R2" in notes
    assert "1 area(s) only in B, not compared: R3" in notes
    assert "population differs in 1 area(s) (e.g. R: 1,500 in A, 1,200 in B)" in notes
    assert row(comparison, "power", "R")["person_hours_without_central_difference"] == 10_000
    with pytest.raises(ValueError, match="'R2' is not an area of both results; it is only in A"):
        comparison.summary("R2")


def test_no_area_in_common_is_refused() -> None:
    areas = [
        {"area_id": "X", "name": "X", "admin_level": 1, "parent_id": "", "population": None},
        {"area_id": "X1", "name": "X1", "admin_level": 2, "parent_id": "X", "population": 10},
    ]
    assets = [{**asset, "area_id": "X1"} for asset in ASSETS]
    links = [{"area_id": "X1", "service": "power", "asset_id": "SUB", "share": 1.0}]
    other = make_scenario(areas=areas, assets=assets, service_links=links, strikes=BASELINE_STRIKES, restoration=CURVES)
    with pytest.raises(CompareError, match=r"no area in common: A has R, R1, R2 \(3 areas\), B has X, X1"):
        compare(run(small(SCENARIO_STRIKES), samples=0), run(other, samples=0))


def test_different_seeds_are_noted() -> None:
    comparison = compare(run(small(SCENARIO_STRIKES), seed=1), run(small(BASELINE_STRIKES), seed=2))
    assert any("different seeds (1, 2)" in note for note in comparison.notes)


# --------------------------------------------------------------------------- a what-if on the bundled scenario


@pytest.fixture(scope="module")
def odesa_whatif():
    sc = impact.load_scenario("odesa-2025-12")
    faster = impact.run(apply_whatif(sc, WhatIf(repair_time_factor=0.5)), samples=50, seed=1)
    base = impact.run(sc, samples=50, seed=1)
    return faster, base, impact.compare(faster, base, names=("repairs x0.5", "baseline"))


def test_faster_repairs_never_leave_more_people_without_service(odesa_whatif) -> None:
    faster, base, comparison = odesa_whatif
    ds = comparison.dataset
    assert comparison.notes == []
    assert ds.attrs["full_window"] == 1 and ds.sizes["time"] == 744 and ds.sizes["area"] == 99
    assert list(ds["quantile"].values) == [0.05, 0.5, 0.95]
    # people without service at one hour (central) is not monotone under the grid's rotating cuts: with other
    # repair hours the queues are cut in another phase; person-hours, means and peaks are, and so are the
    # people disconnected by strikes (the central estimate without its cut component) at every hour
    strikes = {
        side: r.dataset["people_without_central"] - r.dataset["people_without_scheduled_central"]
        for side, r in (("a", faster), ("b", base))
    }
    assert float((strikes["a"] - strikes["b"]).max()) <= 1e-6
    for name in (
        "people_without_mean_difference",
        "person_hours_without_central_difference",
        "person_hours_without_mean_difference",
        "person_hours_without_difference",
        "peak_people_without_central_difference",
        "peak_people_without_difference",
    ):
        assert float(ds[name].max()) <= 1e-6, name  # common random numbers: every sample repairs sooner
    summary = comparison.summary()
    assert (summary["person_hours_central_difference"] < 0).all()
    assert (summary["person_hours_central_relative_difference"].between(-1, 0, inclusive="neither")).all()


def test_whatif_comparison_carries_both_results_unchanged(odesa_whatif) -> None:
    faster, base, comparison = odesa_whatif
    ds = comparison.dataset
    for side, result in (("a", faster), ("b", base)):
        for name in ("person_hours_without_central", "person_hours_without_mean", "peak_people_without_central"):
            np.testing.assert_array_equal(ds[f"{name}_{side}"].values, result.dataset[name].values)
        np.testing.assert_array_equal(
            ds[f"person_hours_without_{side}"].values, result.dataset["person_hours_without"].values
        )
    expected = faster.dataset["people_without_central"] - base.dataset["people_without_central"]
    np.testing.assert_array_equal(ds["people_without_central_difference"].values, expected.values)
    summary = comparison.summary()
    np.testing.assert_allclose(summary["person_hours_central_b"] / 24, base.summary()["person_days_central"])
    assert summary.loc["power", "peak_time_b"] == base.summary().loc["power", "peak_time"]
    assert comparison.names == ("repairs x0.5", "baseline")
    assert "repairs x0.5" in comparison._repr_html_()


def test_compare_timeline_draws_a_b_and_the_difference(odesa_whatif) -> None:
    faster, base, _comparison = odesa_whatif
    fig = compare_timeline(faster, base, "water", names=("repairs x0.5", "baseline"))
    names = [trace.name for trace in fig.data]
    assert names == [
        "A 5–95 % range (upper)",
        "A 5–95 % range",
        "A: repairs x0.5",
        "B: baseline",
        "A - B (central)",
        "strikes",
    ]
    difference = np.asarray(fig.data[4].y)
    expected = (
        (faster.dataset["people_without_central"] - base.dataset["people_without_central"])
        .sel(service="water", area="UA51")
        .values
    )
    np.testing.assert_array_equal(difference, expected)
    assert fig.data[4].yaxis == "y2"
    assert "UA51" in fig.layout.title.text
    assert "Europe/Kyiv" in fig.layout.xaxis2.title.text
    fig.to_json()
    with pytest.raises(ValueError, match="not a valid service of both results"):
        compare_timeline(faster, base, "gas")


# --------------------------------------------------------------------------- files


def test_export_csv_has_the_hxl_row_and_reads_back(hand, tmp_path: Path) -> None:
    path = hand.export(tmp_path / "cmp.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("#x_area+code,#x_area+name,#x_area+admin_level,#x_area+parent+code,#service+name")
    assert "#indicator+num+person_hours+central+difference" in lines[1]
    assert "#affected+ind+peak+q95+baseline" in lines[1]
    back = pd.read_csv(path, skiprows=[1], keep_default_na=False, na_values=[""])
    assert list(back.columns) == list(hand.table.columns)
    assert len(back) == 9
    r = back[(back["service"] == "power") & (back["area_id"] == "R")].iloc[0]
    assert r["person_hours_without_central_difference"] == 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp.csv"]


def test_export_xlsx_has_comparison_time_series_and_metadata(hand, tmp_path: Path) -> None:
    path = hand.export(tmp_path / "cmp.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["comparison", "time_series", "metadata"]
    rows = list(book["comparison"].iter_rows(values_only=True))
    assert rows[0][:5] == ("area_id", "area_name", "admin_level", "parent_id", "service")
    assert rows[1][0] == "#x_area+code"
    assert len(rows) == 2 + 9
    header = list(rows[0])
    power_r = next(r for r in rows[2:] if r[0] == "R" and r[4] == "power")
    assert power_r[header.index("person_hours_without_central_difference")] == 10_000
    assert power_r[header.index("peak_time_local_central_a")] == "2025-12-19T02:00:00+02:00"
    series = list(book["time_series"].iter_rows(values_only=True))
    assert len(series) == 2 + 3 * 3 * 48
    meta = {(r[0], r[1]): r[2] for r in book["metadata"].iter_rows(min_row=2, values_only=True)}
    assert "A is worse" in meta[("parameter", "sign_convention")]
    assert meta[("column", "comparison.person_hours_without_central_difference")] == (
        "#indicator+num+person_hours+central+difference"
    )
    book.close()


def test_export_refuses_other_types(hand, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.nc is not a valid output type; choose one of \.csv, \.xlsx"):
        hand.export(tmp_path / "cmp.nc")
    assert list(tmp_path.iterdir()) == []


def test_align_lists_what_is_shared() -> None:
    window = align(run(small(SCENARIO_STRIKES), samples=0), run(small(BASELINE_STRIKES), samples=0))
    assert window.services == ["power", "water", "heat"]
    assert window.areas == ["R", "R1", "R2"] and window.full and window.step_hours == 1.0


# --------------------------------------------------------------------------- the command line


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _copy_odesa(folder: Path, drop_strike: str | None = None, toml: tuple[str, str] | None = None) -> Path:
    folder.mkdir()
    for file in ODESA.iterdir():
        text = file.read_text(encoding="utf-8")
        if file.name == "strikes.csv" and drop_strike:
            text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith(f"{drop_strike},"))
        if file.name == "scenario.toml" and toml:
            text = text.replace(*toml)
        (folder / file.name).write_text(text, encoding="utf-8")
    return folder


def _write_small(folder: Path, areas: list[dict], links: list[dict]) -> Path:
    """A scenario folder on disk: the small layout with ``areas`` and ``links``."""
    folder.mkdir()
    area_ids = {a["area_id"] for a in areas}
    leaf = next(a["area_id"] for a in areas if a["area_id"] not in {b["parent_id"] for b in areas})
    tables = {
        "areas": areas,
        "assets": [
            {**asset, "area_id": asset["area_id"] if asset["area_id"] in area_ids else leaf} for asset in ASSETS
        ],
        "service_links": links,
        "strikes": SCENARIO_STRIKES,
        "restoration": CURVES,
    }
    for name, rows in tables.items():
        pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)
    (folder / "scenario.toml").write_text(
        f'[scenario]\nid = "{folder.name}"\ntitle = "Small {folder.name}"\ntimezone = "Europe/Kyiv"\n'
        f'start = "{START}"\nhorizon_hours = 48\nstep_minutes = 60\n\n[run]\nsamples = 10\nseed = 1\n'
        "quantiles = [0.05, 0.5, 0.95]\n",
        encoding="utf-8",
    )
    return folder


def test_cli_prints_the_top_area_and_writes_csv_matching_the_api(tmp_path: Path, capsys) -> None:
    fewer = _copy_odesa(tmp_path / "fewer", drop_strike="S02")
    out = tmp_path / "cmp.csv"
    code, stdout, err = _run(
        ["compare", "odesa-2025-12", str(fewer), "--samples", "20", "--seed", "3", "--out", str(out)], capsys
    )
    assert code == 0, err
    assert "Traceback" not in err
    assert "people without service in UA51 (Odeska); difference = A - B, positive: A is worse" in stdout
    assert "20 samples, seed 3" in stdout
    assert f"wrote {out}" in stdout
    expected = compare(impact.run("odesa-2025-12", samples=20, seed=3), impact.run(fewer, samples=20, seed=3))
    assert f"{expected.summary().loc['power', 'person_hours_central_difference'] / 24:+,.0f}" in stdout
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("#x_area+code,")
    back = pd.read_csv(out, skiprows=[1])
    assert len(back) == 3 * 99
    for column in (
        "person_hours_without_central_difference",
        "peak_people_without_q95_difference",
        "person_hours_without_mean_relative_difference",
    ):
        np.testing.assert_allclose(back[column].to_numpy(), expected.table[column].to_numpy(dtype=float))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp.csv", "fewer"]


@pytest.mark.slow
def test_cli_runs_both_with_a_seed_and_writes_xlsx_for_an_area(tmp_path: Path, capsys) -> None:
    out = tmp_path / "cmp.xlsx"
    code, stdout, err = _run(
        ["compare", "odesa-2025-12", "odesa-2025-12", "--samples", "0", "--area", "UA5110027", "--out", str(out)],
        capsys,
    )
    assert code == 0, err
    assert "people without service in UA5110027" in stdout
    assert "0 samples, seed 20251219" in stdout  # A's seed, used for both
    assert "+0 (+0%)" in stdout
    assert "note: A and B have no Monte Carlo samples" in err
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["comparison", "time_series", "metadata"]
    rows = list(book["comparison"].iter_rows(values_only=True))
    assert rows[1][:2] == ("#x_area+code", "#x_area+name")
    assert len(rows) == 2 + 3 * 99
    book.close()


def test_cli_notes_areas_in_one_scenario_only(tmp_path: Path, capsys) -> None:
    a = _write_small(tmp_path / "a", DEFAULT_AREAS, DEFAULT_LINKS)
    b = _write_small(tmp_path / "b", OTHER_AREAS, OTHER_LINKS)
    code, stdout, err = _run(["compare", str(a), str(b), "--samples", "0"], capsys)
    assert code == 0, err
    assert "note: 1 area(s) only in A, not compared: R2" in err
    assert "people without service in R (Region)" in stdout


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown", "neither a scenario folder nor a bundled scenario"),
        ("no-common-area", "cannot compare"),
        ("step", "the time steps differ: A steps 60 minutes, B 30 minutes"),
        ("area-only-in-a", "--area 'R2' is not an area of both scenarios (it is only in A)"),
        ("area-unknown", "--area 'UA99' is not an area of both scenarios (it is in neither)"),
        ("suffix", ".parquet is not a valid output type; choose one of .csv, .xlsx"),
        ("folder", "does not exist"),
    ],
)
def test_cli_bad_input_exits_2_without_traceback_or_file(case: str, message: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cmp.csv"
    a, b, extra = "odesa-2025-12", "odesa-2025-12", []
    if case == "unknown":
        b = "no-such-scenario"
    elif case == "no-common-area":
        b = str(_write_small(tmp_path / "small", DEFAULT_AREAS, DEFAULT_LINKS))
    elif case == "step":
        b = str(_copy_odesa(tmp_path / "half-hour", toml=("step_minutes = 60", "step_minutes = 30")))
    elif case == "area-only-in-a":
        a = str(_write_small(tmp_path / "a", DEFAULT_AREAS, DEFAULT_LINKS))
        b = str(_write_small(tmp_path / "b", OTHER_AREAS, OTHER_LINKS))
        extra = ["--area", "R2"]
    elif case == "area-unknown":
        extra = ["--area", "UA99"]
    elif case == "suffix":
        out = tmp_path / "cmp.parquet"
    elif case == "folder":
        out = tmp_path / "missing" / "cmp.csv"
    before = sorted(p.name for p in tmp_path.iterdir())
    code, _stdout, err = _run(["compare", a, b, "--samples", "0", "--out", str(out), *extra], capsys)
    assert code == 2
    assert message in err
    if case == "no-common-area":
        assert "no area in common" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
