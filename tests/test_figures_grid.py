"""impact.figures.grid_deficit: the share of a grid zone's demand not met (issue 14), and the cuts on the timeline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import make_result_dataset
from grid_scenario import grid_scenario

import impact
from impact import figures
from impact.dataset import wall_clock
from impact.figures.grid import NO_GRID, zone_label
from impact.figures.timeline import CUTS_NAME

BAND = "5–95 % range"


@pytest.fixture(scope="module")
def result() -> impact.Result:
    return impact.run(grid_scenario(), samples=20, seed=1)


def _by_name(fig) -> dict:
    return {trace.name: trace for trace in fig.data}


def test_zones_are_the_results(result) -> None:
    assert figures.grid_zones(result) == ["east", "west"]
    assert figures.grid_zones(make_result_dataset()) == []


def test_traces_are_the_band_the_central_line_the_mean_and_the_strikes(result) -> None:
    fig = figures.grid_deficit(result, "west")
    assert [trace.name for trace in fig.data] == [
        f"{BAND} (upper)",
        BAND,
        "central (every repair at its median)",
        "Monte Carlo mean",
        "strikes",
    ]
    assert fig.data[1].fill == "tonexty" and fig.data[0].showlegend is False
    assert fig.layout.title.text == "Share of electricity demand not met: zone west"
    assert fig.layout.yaxis.tickformat == ".0%" and "[%]" in fig.layout.yaxis.title.text
    assert fig.layout.xaxis.title.text == "local time (Europe/Kyiv, UTC+02:00)"


def test_values_are_the_datasets(result) -> None:
    ds = result.dataset
    for zone in ("west", "east"):
        traces = _by_name(figures.grid_deficit(result, zone))
        at = ds.sel(zone=zone)
        np.testing.assert_array_equal(
            traces["central (every repair at its median)"].y, at["grid_deficit_share_central"]
        )
        np.testing.assert_array_equal(traces["Monte Carlo mean"].y, at["grid_deficit_share_mean"])
        np.testing.assert_array_equal(traces[BAND].y, at["grid_deficit_share"].sel(quantile=0.05))
        np.testing.assert_array_equal(traces[f"{BAND} (upper)"].y, at["grid_deficit_share"].sel(quantile=0.95))
        demand = traces["central (every repair at its median)"].customdata
        np.testing.assert_array_equal(demand[:, 0], at["grid_demand_mw"])
        np.testing.assert_allclose(demand[:, 1], at["grid_deficit_share_central"] * at["grid_demand_mw"])


def test_the_scenarios_deficits(result) -> None:
    """West loses half its 0.72 MW for 0.5 MW of demand at 02:00 (0.28 short), east has 0.2 MW for 0.25 MW."""
    central = _by_name(figures.grid_deficit(result, "west"))["central (every repair at its median)"].y
    assert list(central[:4]) == [0.0, 0.0, 0.28, 0.28] and central[-1] == 0.0
    east = _by_name(figures.grid_deficit(result))  # the first zone by default
    np.testing.assert_allclose(east["central (every repair at its median)"].y, 0.2)
    upper = _by_name(figures.grid_deficit(result, "west"))[f"{BAND} (upper)"].y
    lower = _by_name(figures.grid_deficit(result, "west"))[BAND].y
    assert (upper >= lower).all() and (upper > lower).any()  # the samples spread the end of F1's repair


def test_times_are_local_wall_clock_and_the_hover_gives_demand(result) -> None:
    trace = _by_name(figures.grid_deficit(result, "west"))["central (every repair at its median)"]
    assert pd.Timestamp(trace.x[0]) == pd.Timestamp("2025-12-19 00:00")
    assert list(pd.DatetimeIndex(trace.x)) == list(wall_clock(result.dataset["time"].values, "Europe/Kyiv"))
    assert "+02:00" in trace.hovertemplate and "MW" in trace.hovertemplate and "%{y:.0%}" in trace.hovertemplate


def test_without_band_cursor_and_default_zone_label(result) -> None:
    fig = figures.grid_deficit(result, "east", show_band=False, cursor=result.dataset["time"].values[5])
    assert BAND not in _by_name(fig)
    assert [shape.name for shape in fig.layout.shapes if shape.name] == ["cursor"]
    single = impact.run(grid_scenario(zones=False), samples=0)
    assert figures.grid_zones(single) == ["all"]
    fig = figures.grid_deficit(single)
    assert fig.layout.title.text.endswith(zone_label("all")) and zone_label("all") == "the whole scenario (one zone)"
    assert [trace.name for trace in fig.data] == ["central (every repair at its median)", "strikes"]  # no samples


def test_no_grid_gives_an_empty_figure_with_a_note() -> None:
    fig = figures.grid_deficit(make_result_dataset())
    assert len(fig.data) == 0
    assert [note.text for note in fig.layout.annotations] == [NO_GRID]


def test_an_unknown_zone_lists_the_choices(result) -> None:
    with pytest.raises(ValueError, match="not a valid grid zone; choose one of east, west"):
        figures.grid_deficit(result, "north")


def test_the_timeline_shades_emergency_cuts_of_the_grid(result) -> None:
    """The shedding of the deficit is the timeline's component of emergency and scheduled cuts."""
    traces = _by_name(figures.timeline(result, service="power", area="R2"))
    cuts = traces[CUTS_NAME]
    assert cuts.fill == "tozeroy" and "emergency or scheduled cuts" in cuts.hovertemplate
    np.testing.assert_array_equal(
        cuts.y, result.dataset["people_without_scheduled_central"].sel(service="power", area="R2")
    )
    assert np.nanmax(cuts.y) > 0
