"""The dashboard with reported figures scored, and a scenario shown against a baseline scenario B.

The callbacks are called as plain functions (no browser) on the bundled Odesa scenario (A)
and a copy of it without strike S02 (B, so A - B is positive: A has one more extensive
strike); one browser test starts the dashboard with a baseline and reads what the page shows.
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import dash
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from component_tree import components as _components
from component_tree import text as _text
from dash import html

import impact
from dash_app import ids, layout
from dash_app.app import build_app
from dash_app.data import DashboardData
from dash_app.progress import Status
from dash_app.scores import ObservationScore, observation_score, score_line, scored_observations
from dash_app.text import signed
from dash_app.views import kpis
from dash_app.views.baseline import comparison_rows

ODESA = Path(__file__).resolve().parents[1] / "datasets" / "odesa-2025-12"
OBLAST, RAION, CITY = "UA51", "UA5110", "UA5110027"
WINDOW = [0, 743]
PEAK_STEP = 9  # 13 Dec 07:00, the power peak
B_NAME = "odesa-without-s02"


def _copy(
    folder: Path,
    scenario_id: str,
    *,
    drop_strike: str | None = None,
    observations: bool = True,
    step_minutes: int | None = None,
    drop_service: str | None = None,
) -> Path:
    shutil.copytree(ODESA, folder)
    toml = (folder / "scenario.toml").read_text(encoding="utf-8")
    toml = toml.replace('id = "odesa-2025-12"', f'id = "{scenario_id}"')
    if step_minutes is not None:
        toml = toml.replace("step_minutes = 60", f"step_minutes = {step_minutes}")
    (folder / "scenario.toml").write_text(toml, encoding="utf-8")
    if drop_strike:
        lines = (folder / "strikes.csv").read_text(encoding="utf-8").splitlines()
        (folder / "strikes.csv").write_text(
            "\n".join(li for li in lines if not li.startswith(f"{drop_strike},")) + "\n", encoding="utf-8"
        )
    if not observations:
        (folder / "observations.csv").unlink()
    if drop_service:
        frame = pd.read_csv(folder / "observations.csv", dtype=str, keep_default_na=False)
        frame[frame["service"] != drop_service].to_csv(folder / "observations.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def baseline_folder(tmp_path_factory) -> Path:
    return _copy(tmp_path_factory.mktemp("baseline") / "b", B_NAME, drop_strike="S02")


@pytest.fixture(scope="module")
def alone():
    app, data, cb = build_app(samples=50, seed=3)
    assert data.wait_for_runs(60).state == "done"
    return app, data, cb


@pytest.fixture(scope="module")
def against(baseline_folder):
    app, data, cb = build_app(baseline=baseline_folder, samples=50, seed=3)
    assert data.wait_for_runs(60).state == "done"
    return app, data, cb


def _values(array) -> np.ndarray:
    """A trace's x or y as numbers, whether a list or plotly's typed-array dict."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array, dtype=float)


def _trace(figure: dict, name: str) -> dict:
    return next(trace for trace in figure["data"] if trace.get("name") == name)


# ------------------------------------------------------------------------ reported figures scored


def test_score_line_for_the_bundled_report_matches_the_observation_summary(alone) -> None:
    _app, data, cb = alone
    summary = data.result().observation_summary().loc["power"]
    inside = round(summary["share_inside_band"] * 5)
    line = cb.observation_line("power", OBLAST, None)
    assert line.startswith(
        f"Reported figures of people without electricity: 5 reported figures, {inside} inside the "
        "5–95 % band; central estimate on average 335,405 above the reports (mean absolute error 335,405; "
        "median relative error +185 %)."
    )
    # the central errors of the dataset README (held-out table; the model counts the hour's rotating cuts,
    # the reports only people disconnected): +216,165, +525,740, +213,141 (calibration), +409,965 and +312,015
    assert summary["mean_error"] == (216_165 + 525_740 + 213_141 + 409_965 + 312_015) / 5
    assert "4 of them in Odeska: the green crosses on the timeline." in line  # the fifth is Odesa city's
    assert cb.observation_line("power", RAION, None).endswith("None in Odeskyi.")
    assert cb.observation_line("power", CITY, None).endswith("1 of them in Odeska: the green crosses on the timeline.")


def test_a_service_without_reported_figures_names_the_others(tmp_path) -> None:
    _app, data, cb = build_app(_copy(tmp_path / "dry", "dry", drop_service="water"), samples=0)
    assert data.wait_for_runs(60).state == "done"
    assert cb.observation_line("water", OBLAST, None) == (
        "No reported figure of people without this service; 2 of heating, 5 of electricity."
    )


def test_nothing_is_shown_when_the_scenario_has_no_reported_figures(tmp_path) -> None:
    _app, data, cb = build_app(_copy(tmp_path / "quiet", "quiet", observations=False), samples=0)
    assert data.wait_for_runs(60).state == "done"
    assert "observation" not in data.result().dataset.dims or data.result().dataset.sizes["observation"] == 0
    assert cb.observation_line("power", OBLAST, None) == ""
    figure = cb.timeline_figure("power", OBLAST, "band", ["band"], WINDOW, None, PEAK_STEP)
    assert "observed" not in [trace.get("name") for trace in figure["data"]]


def test_observed_markers_say_what_the_model_says(alone) -> None:
    _app, data, cb = alone
    ds = data.result().dataset
    figure = cb.timeline_figure("power", OBLAST, "band", ["band"], WINDOW, None, PEAK_STEP)
    observed = _trace(figure, "observed")
    # the oblast's power figures of 15, 16, 17 and 19 December (observations 0, 2, 3 and 6) and
    # the central errors of the dataset README (strikes and the hour's rotating cuts)
    words = [
        ("1,334,165", "216,165 above the report (+19 %)"),
        ("1,275,060", "525,740 above the report (+70 %)"),
        ("297,121", "213,141 above the report (+254 %)"),
        ("603,665", "409,965 above the report (+212 %)"),
    ]
    expected = []
    for index, (central, error) in zip((0, 2, 3, 6), words, strict=True):
        low, high = float(ds["observation_low"][index]), float(ds["observation_high"][index])
        inside = "inside" if bool(ds["observation_inside_band"][index]) else "outside"
        expected.append(
            f"model: central {central}, 5–95 % {low:,.0f}–{high:,.0f}: {inside} the band<br>central estimate {error}"
        )
    assert observed["customdata"] == expected
    assert "%{customdata}" in observed["hovertemplate"] and "%{hovertext}" in observed["hovertemplate"]
    assert observed["hovertext"][0].startswith("https://glavnoe.in.ua/")  # the source of the first figure


def test_several_reports_some_outside_the_band_and_no_band_without_samples() -> None:
    scores = pd.DataFrame(
        {
            "time": pd.to_datetime(["2025-12-19T10:00Z", "2025-12-20T10:00Z", "2025-12-20T10:00Z"]),
            "area_id": ["UA51", "UA5110", "UA51"],
            "service": ["water", "water", "power"],
            "value_people": [1000.0, 500.0, 10.0],
            "source": ["a", "b", "c"],
            "central": [1200.0, 300.0, 10.0],
            "low": [900.0, 400.0, 5.0],
            "high": [1300.0, 450.0, 20.0],
            "inside_band": [True, False, True],
            "error": [200.0, -200.0, 0.0],
            "relative_error": [0.2, -0.4, 0.0],
        }
    )
    ds = xr.Dataset(coords={"quantile": [0.05, 0.5, 0.95]}, attrs={"samples": 100})
    score = observation_score(scores, ds, "water", "UA51")
    assert (score.observations, score.inside, score.in_area, score.band) == (2, 1, 1, "5–95 %")
    assert score.text() == (
        "2 reported figures, 1 inside the 5–95 % band; central estimate on average equal to "
        "the reports (mean absolute error 200; median relative error −10 %)"
    )
    moved = scores.assign(error=[300.0, -100.0, 0.0], relative_error=[0.3, -0.2, 0.0])
    text = observation_score(moved, ds, "water").text()
    assert text == (
        "2 reported figures, 1 inside the 5–95 % band; central estimate on average 100 above the reports "
        "(mean absolute error 200; median relative error +5 %)"
    )
    line = score_line(score, area_name="Odeska oblast")
    assert line.endswith("1 of them in Odeska oblast: the green crosses on the timeline.")
    central_only = xr.Dataset(coords={"quantile": np.empty(0)}, attrs={"samples": 0})
    bare = observation_score(scores, central_only, "power")
    assert bare.band == "" and "no band to check them against" in bare.text()
    assert score_line(None) == "" and score_line(None, others={"power": 0}) == ""


def test_scored_observations_read_the_run_and_are_drawn_in_their_order(alone) -> None:
    result = alone[1].result()
    scores = scored_observations(result.dataset)
    reference = result.observation_scores()
    assert list(scores["area_id"]) == list(reference["area_id"])
    assert np.allclose(scores["error"], reference["error"])
    assert scores["time"].dt.tz is not None


# --------------------------------------------------------------------------- against a baseline B


def test_baseline_runs_after_the_scenario_with_its_samples_and_seed(against) -> None:
    _app, data, _cb = against
    assert data.has_baseline and data.names == ("odesa-2025-12", B_NAME)
    status = data.run_status()
    assert status.stages == 8 and status.stage.startswith(f"baseline {B_NAME}: ")
    a, b = data.result().dataset, data.baseline_result().dataset
    assert (b.attrs["seed"], b.attrs["samples"]) == (a.attrs["seed"], a.attrs["samples"]) == (3, 50)
    assert list(b["quantile"].values) == list(a["quantile"].values)
    assert "S02" in a["strike"].values and "S02" not in b["strike"].values


def test_page_names_the_baseline_and_opens_on_the_comparison(against) -> None:
    app, data, _cb = against
    page = app.layout()
    found = {getattr(c, "id", None): c for c in _components(page)}
    assert ids.BASELINE_ONLY <= set(found) and ids.OBSERVATION_SCORE in found
    assert found[ids.TABS].value == "compare"
    assert f"A: odesa-2025-12 · against baseline B: {B_NAME} · both with the same samples and seed" in _text(page)
    waiting = layout.progress_body(data, Status("running", "compiling", 1, 8, 0.1))
    assert f"then the same for the baseline scenario {B_NAME}" in _text(waiting)


def test_timeline_draws_b_beside_a(against) -> None:
    _app, data, cb = against
    figure = cb.timeline_figure("water", OBLAST, "band", ["band"], WINDOW, None, PEAK_STEP)
    names = [trace.get("name") for trace in figure["data"]]
    assert f"B: {B_NAME} (central)" in names and "A: odesa-2025-12 (central)" in names
    assert "baseline (central)" not in names
    line = _trace(figure, f"B: {B_NAME} (central)")
    expected = data.baseline_result().dataset["people_without_central"].sel(service="water", area=OBLAST).values
    assert np.array_equal(_values(line["y"]), expected)
    assert line["line"]["dash"] == "dot" and "x0" in line  # the compact time axis, as A's lines
    assert names[-1] == "strikes"


def test_kpi_cards_show_b_and_a_minus_b(against) -> None:
    _app, data, cb = against
    cards, _rows, _label = cb.cursor_views("power", OBLAST, PEAK_STEP, None)
    a, b = data.result().dataset, data.baseline_result().dataset
    now_a = float(a["people_without_central"].sel(service="power", area=OBLAST).isel(time=PEAK_STEP))
    now_b = float(b["people_without_central"].sel(service="power", area=OBLAST).isel(time=PEAK_STEP))
    peak_b = float(b["peak_people_without_central"].sel(service="power", area=OBLAST))
    peak_a = float(a["peak_people_without_central"].sel(service="power", area=OBLAST))
    assert now_a > now_b
    line = next(c for c in _components(html.Div(cards)) if getattr(c, "id", None) == "kpi-power-baseline")
    assert _text(line) == (
        f"B ({B_NAME}), central {now_b:,.0f} now, A − B {signed(now_a - now_b)}"
        f"peak {peak_b:,.0f}, A − B {signed(peak_a - peak_b)}"
    )
    assert signed(now_a - now_b).startswith("+")
    summary = impact.compare(data.result(), data.baseline_result()).summary(OBLAST)
    assert summary.loc["power", "peak_central_difference"] == peak_a - peak_b
    assert all(card.baseline is None for card in kpis(a, OBLAST, PEAK_STEP))  # without B, no B line


def test_comparison_tab_holds_impact_compare_for_the_selected_area(against) -> None:
    _app, data, cb = against
    title, table, figure, note = cb.compare_panel("heat", CITY, WINDOW, None, "compare")
    assert title.startswith(f"Odeska ({CITY}): A (odesa-2025-12) against baseline B ({B_NAME})")
    summary = impact.compare(data.result(), data.baseline_result(), names=data.names).summary(CITY)
    rows = [_text(row) for row in table[1].children]
    assert len(rows) == 3
    expected = comparison_rows(summary)
    assert rows[0].startswith(
        f"electricity|{expected[0]['hours_a']}|{expected[0]['hours_b']}|{expected[0]['hours_difference']}|"
    )
    power = summary.loc["power"]
    assert expected[0]["hours_a"] == f"{power['person_hours_central_a']:,.0f}"
    assert expected[0]["hours_difference"].startswith(f"+{power['person_hours_central_difference']:,.0f} (+")
    assert _text(table[0]).startswith("service|person-hours A|person-hours B|A − B|peak A|peak B|A − B|")
    names = [trace.get("name") for trace in figure["data"]]
    assert names[-1] == "strikes" and f"B: {B_NAME}" in names and "A - B (central)" in names
    difference = _values(_trace(figure, "A - B (central)")["y"])
    central = data.result().dataset["people_without_central"].sel(service="heat", area=CITY).values
    reference = data.baseline_result().dataset["people_without_central"].sel(service="heat", area=CITY).values
    assert np.array_equal(difference, central - reference)
    assert "seed 3" in note and "common random numbers" in note
    # nothing is computed or sent while another tab is open
    assert all(value is dash.no_update for value in cb.compare_panel("heat", CITY, WINDOW, None, "areas"))


def test_whatif_against_a_baseline_keeps_b_and_names_a_without_the_whatif(against) -> None:
    _app, data, cb = against
    store, status, *_ = cb.run_whatif(1, None, 0.5, 0, list(data.scenario.strikes["strike_id"]), trigger=ids.WHATIF_RUN)
    assert "light blue dotted line" in status
    names = [t.get("name") for t in cb.timeline_figure("power", OBLAST, "band", ["band"], WINDOW, store, 40)["data"]]
    assert f"B: {B_NAME} (central)" in names and "A: odesa-2025-12 without the what-if (central)" in names
    cards = _text(cb.cursor_views("power", OBLAST, 40, store)[0])
    assert "without the what-if: " in cards and f"B ({B_NAME})" in cards
    title = cb.compare_panel("power", OBLAST, WINDOW, store, "compare")[0]
    assert "A (odesa-2025-12 with the what-if) against baseline B" in title
    line = cb.observation_line("power", OBLAST, store)
    assert f"Baseline B ({B_NAME}): 5 reported figures" in line


def test_an_area_that_b_does_not_have_shows_a_alone(tmp_path) -> None:
    other = _copy(tmp_path / "renamed", "renamed", drop_strike="S02")
    for table in [*other.glob("*.csv"), *other.glob("*.geojson")]:
        table.write_text(table.read_text(encoding="utf-8").replace("UA5110041", "UA5110099"), encoding="utf-8")
    _app, data, cb = build_app(baseline=other, samples=0)
    assert data.wait_for_runs(60).state == "done"
    names = [t.get("name") for t in cb.timeline_figure("power", "UA5110041", "band", ["band"], WINDOW, None, 4)["data"]]
    assert "central (every repair at its median)" in names and not any(str(name).startswith("B: ") for name in names)
    assert "kpi-power-baseline" not in {
        getattr(c, "id", None) for c in _components(html.Div(cb.cursor_views("power", "UA5110041", 4, None)[0]))
    }
    title, table, _figure, _note = cb.compare_panel("power", "UA5110041", WINDOW, None, "compare")
    assert title.endswith("(UA5110041): not in baseline B (renamed), nothing to compare") and table == []
    notes = cb.compare_panel("power", OBLAST, WINDOW, None, "compare")[3]
    assert "1 area(s) only in A, not compared: UA5110041" in notes


def test_a_baseline_that_fails_to_load_gives_the_problems_page(tmp_path) -> None:
    broken = _copy(tmp_path / "broken", "broken")
    areas = (broken / "areas.csv").read_text(encoding="utf-8").splitlines()
    assert ",104969," in areas[2]  # Berezivskyi raion, line 3
    areas[2] = areas[2].replace(",104969,", ",many,", 1)
    (broken / "areas.csv").write_text("\n".join(areas) + "\n", encoding="utf-8")
    app, data, cb = build_app(baseline=broken, samples=0)
    assert not data.ok and cb is None and data.problems == []
    page = app.layout
    problems = next(c for c in _components(page) if getattr(c, "id", None) == ids.PAGE_PROBLEMS)
    assert [_text(item) for item in problems.children] == [
        "baseline: areas.csv:3: population: 'many' is not a whole number"
    ]
    assert "Baseline scenario could not be used" in _text(page)
    assert f"Baseline {broken}: 1 problem(s)." in _text(page)


def test_a_baseline_that_cannot_be_compared_is_a_problem(tmp_path) -> None:
    other = _copy(tmp_path / "half-hourly", "half-hourly", step_minutes=30)
    data = DashboardData(ODESA, baseline=other, samples=0)
    assert not data.ok and not data.has_baseline
    assert data.baseline_problems[0].startswith(f"cannot compare {ODESA} with {other}: the time steps differ")
    assert data.title.startswith("Baseline scenario half-hourly could not be used")
    missing = DashboardData(ODESA, baseline=tmp_path / "nowhere", samples=0)
    assert not missing.ok and missing.baseline_problems


def test_a_failed_baseline_run_says_so(monkeypatch, baseline_folder, caplog) -> None:
    real = impact.run

    def run(scenario, *args, **kwargs):
        if scenario.id == B_NAME:
            raise MemoryError("no room for B")
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(impact, "run", run)
    data = DashboardData(ODESA, baseline=baseline_folder, samples=0)
    data.start_runs()
    status = data.wait_for_runs(60)
    assert status.state == "failed"
    assert status.error == f"the run of the baseline scenario {baseline_folder}: MemoryError: no room for B"
    assert "The model run failed" in _text(layout.body_for(data, status))


def test_impact_serve_passes_the_baseline(monkeypatch, baseline_folder, capsys) -> None:
    import dash_app.app
    from impact.cli import main

    built = {}
    real = dash_app.app.build_app

    def build(scenario=None, **kwargs):
        built.update(kwargs, scenario=scenario)
        return real(scenario, **dict(kwargs, samples=0))

    monkeypatch.setattr(dash_app.app, "build_app", build)
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: built.update(run=kw))
    assert main(["serve", "--baseline", str(baseline_folder), "--port", "8997"]) == 0
    assert built["baseline"] == str(baseline_folder) and built["run"]["port"] == 8997
    assert f"against the baseline {baseline_folder}" in capsys.readouterr().err


def test_scores_dataclass_sentence_for_one_report_below() -> None:
    score = ObservationScore("heat", 1, 0, 1, "5–95 %", -2_000.0, 2_000.0, -0.25)
    assert score.text() == (
        "1 reported figure, 0 inside the 5–95 % band; central estimate 2,000 below the report (−25 %)"
    )


# ------------------------------------------------------------------------------- in a browser


@pytest.mark.browser
def test_baseline_and_score_in_the_browser(dash_duo, baseline_folder) -> None:
    from test_dashboard_browser import _figure, _no_console_errors, _start, _wait

    _start(dash_duo, baseline=baseline_folder, samples=50, seed=3)
    name = f"B: {B_NAME} (central)"
    _wait(lambda: name in _figure(dash_duo, ids.TIMELINE_GRAPH)["names"], message="B's line on the timeline")
    legend = [t.text for t in dash_duo.find_elements(f"#{ids.TIMELINE_GRAPH} .legendtext")]
    assert name in legend
    score = dash_duo.find_element(f"#{ids.OBSERVATION_SCORE}")
    _wait(lambda: "5 reported figures" in score.text, message="the score of the reported figures")
    assert "5–95 % band; central estimate on average 335,405 above the reports" in score.text
    _wait(lambda: f"B ({B_NAME})" in dash_duo.find_element("#kpi-power-baseline").text, message="A − B on the cards")
    table = dash_duo.wait_for_element(f"#{ids.COMPARE_TABLE} tbody tr", timeout=20)
    assert table.text.startswith("electricity")
    _wait(lambda: f"B: {B_NAME}" in _figure(dash_duo, ids.COMPARE_GRAPH)["names"], message="the comparison chart")
    assert "against baseline B" in dash_duo.find_element(f"#{ids.COMPARE_TITLE}").text
    _no_console_errors(dash_duo)


def test_side_names_ids_else_folders_else_a_and_b() -> None:
    from impact.compare import side_names

    assert side_names(("odesa", "odesa-b"), ("/x/a", "/y/b")) == ("odesa", "odesa-b")
    assert side_names(("odesa", "odesa"), ("/x/a", "/y/b")) == ("a", "b")
    assert side_names(("odesa", None), ("/x/a", "/y/b")) == ("a", "b")  # B did not load
    assert side_names(("odesa", "odesa"), ("/x/a", "/y/a")) == ("A", "B")
