"""Tests of impact.figures: traces, local time axis, strikes, choices in errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import xarray as xr
from factories import make_result_dataset

from impact import figures


class _Result:
    def __init__(self, ds: xr.Dataset) -> None:
        self.dataset = ds


@pytest.fixture
def ds() -> xr.Dataset:
    return make_result_dataset()


def _by_name(fig: go.Figure) -> dict[str, object]:
    return {t.name: t for t in fig.data}


def test_timeline_traces(ds: xr.Dataset) -> None:
    fig = figures.timeline(ds, service="water", area="UA5110027")
    names = [t.name for t in fig.data]
    assert names == [
        "5–95 % range (upper)",
        "5–95 % range",
        "central estimate",
        "Monte Carlo mean",
        "strikes",
    ]
    traces = _by_name(fig)
    assert all(isinstance(t, go.Scatter) for t in fig.data)  # short series: SVG
    central = traces["central estimate"]
    np.testing.assert_array_equal(central.y, ds["people_without_central"].sel(service="water", area="UA5110027").values)
    assert traces["Monte Carlo mean"].line.dash == "dash"
    lower, upper = traces["5–95 % range"], traces["5–95 % range (upper)"]
    assert lower.fill == "tonexty"
    np.testing.assert_array_equal(
        upper.y,
        ds["people_without"].sel(service="water", area="UA5110027", quantile=0.95).values,
    )
    assert "Odeska" in fig.layout.title.text and "water" in fig.layout.title.text


def test_timeline_local_time_axis(ds: xr.Dataset) -> None:
    fig = figures.timeline(ds)
    central = _by_name(fig)["central estimate"]
    # first step is 2025-12-18T22:00 UTC = 2025-12-19T00:00 in Kyiv (UTC+2)
    assert pd.Timestamp(central.x[0]) == pd.Timestamp("2025-12-19T00:00:00")
    assert "Europe/Kyiv" in fig.layout.xaxis.title.text
    assert "UTC+02:00" in fig.layout.xaxis.title.text


def test_timeline_defaults_to_top_area(ds: xr.Dataset) -> None:
    fig = figures.timeline(_Result(ds))
    assert "(UA51)" in fig.layout.title.text
    np.testing.assert_array_equal(
        _by_name(fig)["central estimate"].y,
        ds["people_without_central"].sel(service="power", area="UA51").values,
    )


def test_timeline_strikes(ds: xr.Dataset) -> None:
    fig = figures.timeline(ds)
    strikes = _by_name(fig)["strikes"]
    assert strikes.mode == "markers"
    assert len(strikes.x) == ds.sizes["strike"]
    assert pd.Timestamp(strikes.x[0]) == pd.Timestamp("2025-12-19T18:00:00")
    text = strikes.hovertext[0]
    for part in ("S1", "PRT-01", "Port terminal", "complete", "killed: 8", "injured: 27"):
        assert part in text
    assert "killed: unknown" in strikes.hovertext[1]
    assert len(fig.layout.shapes) == ds.sizes["strike"]  # one vertical line per strike


def test_timeline_without_band_or_samples() -> None:
    ds = make_result_dataset(samples=0)
    names = [t.name for t in figures.timeline(ds).data]
    assert names == ["central estimate", "strikes"]
    names = [t.name for t in figures.timeline(make_result_dataset(), show_band=False).data]
    assert names == ["central estimate", "Monte Carlo mean", "strikes"]


def test_timeline_observations(ds: xr.Dataset) -> None:
    obs = pd.DataFrame(
        {
            "time": pd.to_datetime(["2025-12-20T10:00:00+02:00", "2025-12-20T12:00:00+02:00"]),
            "value_people": [500_000, 450_000],
            "source": ["operator report", "regional administration"],
            "area_id": ["UA51", "UA5110"],
            "service": ["power", "power"],
        }
    )
    fig = figures.timeline(ds, observations=obs)
    observed = _by_name(fig)["observed"]
    assert observed.mode == "markers"
    assert list(observed.y) == [500_000]  # only the row for the area drawn
    assert pd.Timestamp(observed.x[0]) == pd.Timestamp("2025-12-20T10:00:00")
    assert list(observed.hovertext) == ["operator report"]
    with pytest.raises(ValueError, match="value_people"):
        figures.timeline(ds, observations=obs.drop(columns="value_people"))


def test_timeline_uses_webgl_for_long_series() -> None:
    ds = make_result_dataset(hours=24 * 50, samples=4)
    assert ds.sizes["time"] > figures.WEBGL_THRESHOLD
    fig = figures.timeline(ds)
    line_traces = [t for t in fig.data if t.name != "strikes"]
    assert line_traces and all(isinstance(t, go.Scattergl) for t in line_traces)


def test_timeline_errors_list_choices(ds: xr.Dataset) -> None:
    with pytest.raises(ValueError, match="choose one of power, water, heat"):
        figures.timeline(ds, service="gas")
    with pytest.raises(ValueError, match="'UA99' is not a valid area; choose one of UA51, "):
        figures.timeline(ds, area="UA99")


def test_asset_status_defaults_to_struck_assets(ds: xr.Dataset) -> None:
    fig = figures.asset_status(ds)
    lines = [t for t in fig.data if t.name != "strikes"]
    assert [t.name for t in lines] == [
        "Port terminal (PRT-01)",
        "Substation 1 (SUB-01)",
        "Boiler house 1 (BLR-01)",
    ]
    np.testing.assert_array_equal(lines[1].y, ds["asset_down_probability"].sel(asset="SUB-01").values)
    assert tuple(fig.layout.yaxis.range) == (-0.02, 1.08)


def test_asset_status_selection_and_central_fallback() -> None:
    ds = make_result_dataset(samples=0)
    fig = figures.asset_status(ds, assets="PMP-01")
    lines = [t for t in fig.data if t.name != "strikes"]
    assert [t.name for t in lines] == ["Pumping station 1 (PMP-01)"]
    np.testing.assert_array_equal(lines[0].y, ds["asset_down_central"].sel(asset="PMP-01"))
    with pytest.raises(ValueError, match="choose one of SUB-01, PMP-01, BLR-01, PRT-01"):
        figures.asset_status(ds, assets=["NOPE"])


def test_figures_serialise(ds: xr.Dataset) -> None:
    for fig in (figures.timeline(ds), figures.asset_status(ds)):
        assert fig.to_json()


def test_timeline_of_a_result_draws_the_scenarios_observations_in_people() -> None:
    import impact

    result = impact.run("odesa-2025-12", samples=20, seed=2)
    figure = impact.figures.timeline(result, service="power", area="UA51")
    (observed,) = [trace for trace in figure.data if trace.name == "observed"]
    # 430,000 and 32,300 consumers, 288,200 households and 74,500 consumers at 2.6 persons each
    assert list(observed.y) == [1_118_000.0, 749_320.0, 83_980.0, 193_700.0]
    water = impact.figures.timeline(result, service="water", area="UA51")
    (observed,) = [trace for trace in water.data if trace.name == "observed"]
    assert list(observed.y) == [0.0]  # "all settlements have water", in people
    raion = impact.figures.timeline(result, service="water", area="UA5110")
    assert "observed" not in [trace.name for trace in raion.data]


def test_observations_in_people_converts_households_and_consumers() -> None:
    import pandas as pd

    from impact.observations import observations_in_people

    frame = pd.DataFrame(
        {
            "time": pd.to_datetime(["2025-12-20T10:00:00Z"] * 3),
            "area_id": ["A"] * 3,
            "service": ["power"] * 3,
            "value": [100.0, 100.0, 100.0],
            "unit": ["people", "households", "consumers"],
            "source": ["x"] * 3,
        }
    )
    assert observations_in_people(frame, 2.5)["value_people"].tolist() == [100.0, 250.0, 250.0]


def test_offsets_label_names_every_offset_of_the_horizon():
    from impact.dataset import offsets_label

    times = pd.date_range("2026-03-28", periods=72, freq="h").values
    assert (
        offsets_label(xr.Dataset(coords={"time": times}, attrs={"timezone": "Europe/Kyiv"}))
        == "Europe/Kyiv, UTC+02:00/+03:00"
    )
    assert (
        offsets_label(xr.Dataset(coords={"time": times}, attrs={"timezone": "America/St_Johns"}))
        == "America/St_Johns, UTC-02:30"
    )  # Newfoundland daylight time since 8 March
    assert offsets_label(xr.Dataset(coords={"time": times}, attrs={"timezone": "UTC"})) == "UTC"


def test_timeline_compare_with_and_unmodified_lines(ds: xr.Dataset) -> None:
    """A baseline run is the grey dotted line; the unmodified run a faded dotted one in the run's colour."""
    other = ds.copy(deep=True)
    other["people_without_central"] = other["people_without_central"] * 0.5
    fig = figures.timeline(
        ds,
        service="water",
        area="UA5110027",
        label="A: now",
        compare_with=other,
        compare_label="B: last week",
        unmodified=_Result(other),
        unmodified_label="A without the what-if",
    )
    traces = _by_name(fig)
    assert [t.name for t in fig.data][-3:] == ["B: last week (central)", "A without the what-if (central)", "strikes"]
    assert "A: now (central)" in traces and "central estimate" not in traces
    expected = other["people_without_central"].sel(service="water", area="UA5110027").values
    np.testing.assert_array_equal(traces["B: last week (central)"].y, expected)
    np.testing.assert_array_equal(traces["A without the what-if (central)"].y, expected)
    assert traces["B: last week (central)"].line.dash == "dot"
    assert traces["A without the what-if (central)"].opacity == 0.5
    assert traces["B: last week (central)"].hovertemplate.endswith("<extra>B: last week</extra>")


def test_timeline_baseline_keyword_is_a_deprecated_alias_of_compare_with(ds: xr.Dataset) -> None:
    with pytest.warns(DeprecationWarning, match="compare_with"):
        old = figures.timeline(ds, service="water", baseline=ds)
    new = figures.timeline(ds, service="water", compare_with=ds)
    assert old.to_json() == new.to_json()
    assert "baseline (central)" in _by_name(new)


def test_strike_marks_are_the_timelines_strikes_once(ds: xr.Dataset) -> None:
    shapes, trace = figures.strike_marks(ds)
    drawn = figures.timeline(ds, service="water").to_plotly_json()
    assert trace is not None and trace["name"] == "strikes"
    assert len(shapes) == len({s["x0"] for s in drawn["layout"]["shapes"]})
    bare = {"data": [], "layout": {}}
    figures.add_strike_marks(bare, (shapes, trace), 7.0)
    assert bare["layout"]["shapes"] == shapes and list(bare["data"][0]["y"]) == [7.0] * len(trace["x"])
    cursor = figures.cursor_shape(ds, ds["time"].values[3])
    assert cursor["name"] == "cursor" and cursor["yref"] == "paper"
