"""The dashboard's tab 'Grid: demand not met' (issue 14): layout and callback with a grid scenario and without one."""

from __future__ import annotations

import base64

import dash
import numpy as np
import pytest
from component_tree import components
from grid_scenario import grid_scenario
from scenario_factory import make_scenario

from dash_app import ids
from dash_app.app import build_app
from dash_app.figures import window_range
from dash_app.text import GRID_NONE, GRID_TAB, grid_note
from impact.figures.timeline import CENTRAL_NAME

CENTRAL = CENTRAL_NAME


def _built(scenario, samples: int):
    app, data, cb = build_app(scenario, samples=samples, seed=1)
    assert data.wait_for_runs(60).state == "done"
    return app, data, cb


@pytest.fixture(scope="module")
def grid():
    return _built(grid_scenario(), 20)


@pytest.fixture(scope="module")
def plain():
    return _built(make_scenario(), 5)


def _values(array) -> np.ndarray:
    """A trace's y as numbers (plotly's typed arrays ``{"dtype", "bdata"}`` decoded)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array, dtype=float)


def _by_id(app) -> dict:
    return {getattr(c, "id", None): c for c in components(app.layout())}


def _tabs(app) -> list:
    return [(tab.label, tab.value) for tab in _by_id(app)[ids.TABS].children]


def test_a_run_with_a_grid_has_the_tab_and_a_zone_picker(grid) -> None:
    app, _data, _cb = grid
    assert (GRID_TAB, "grid") in _tabs(app)
    found = _by_id(app)
    assert ids.GRID_ONLY <= set(found)
    picker = found[ids.GRID_ZONE]
    assert [o["value"] for o in picker.options] == ["east", "west"] and picker.value == "east"
    assert [o["label"] for o in picker.options] == ["zone east", "zone west"]
    assert found[ids.GRID_ZONE_PICKER].style is None  # shown: two zones


def test_the_grid_callback_draws_the_zone_in_the_window(grid) -> None:
    _app, data, cb = grid
    ds = data.result().dataset
    figure, note = cb.grid_panel("west", [0, 47], 5, None, "grid")
    names = [trace["name"] for trace in figure["data"]]
    assert names[:4] == ["5–95 % range (upper)", "5–95 % range", CENTRAL, "Monte Carlo mean"]
    assert "strikes" in names
    central = next(trace for trace in figure["data"] if trace["name"] == CENTRAL)
    np.testing.assert_array_equal(_values(central["y"]), ds["grid_deficit_share_central"].sel(zone="west"))
    assert "x" not in central and "x0" in central  # the compact time axis of the page
    layout = figure["layout"]
    assert layout["shapes"][0]["name"] == "cursor"
    assert layout["xaxis"]["range"] == window_range(ds, [0, 47])
    assert layout["title"]["text"].endswith("zone west") and layout["yaxis"]["tickformat"] == ".0%"
    assert note == grid_note(20) and "emergency and scheduled cuts" in note


def test_the_grid_callback_waits_for_its_tab_and_falls_back_to_the_first_zone(grid) -> None:
    _app, _data, cb = grid
    assert cb.grid_panel("west", [0, 71], 0, None, "areas") == (dash.no_update, dash.no_update)
    figure, _note = cb.grid_panel(None, [0, 71], 0, None, "grid")
    assert figure["layout"]["title"]["text"].endswith("zone east")


def test_the_grid_follows_the_whatif(grid) -> None:
    _app, _data, cb = grid
    figure, _note = cb.grid_panel("west", [0, 71], 0, {"disabled_strikes": ["S1"]}, "grid")
    central = next(trace for trace in figure["data"] if trace["name"] == CENTRAL)
    assert np.nanmax(_values(central["y"])) == 0  # without the strike on F1, west has enough capacity


def test_one_zone_hides_the_picker() -> None:
    app, _data, cb = _built(grid_scenario(zones=False), 0)
    found = _by_id(app)
    assert found[ids.GRID_ZONE].value == "all" and found[ids.GRID_ZONE_PICKER].style == {"display": "none"}
    figure, note = cb.grid_panel("all", [0, 71], 0, None, "grid")
    assert [trace["name"] for trace in figure["data"]] == [CENTRAL, "strikes"]  # no samples: no band, no mean
    assert note == grid_note(0) and "band" not in note


def test_a_run_without_a_grid_shows_nothing_new(plain) -> None:
    app, _data, cb = plain
    assert "grid" not in [value for _label, value in _tabs(app)]
    assert not ids.GRID_ONLY & set(_by_id(app))
    assert ids.GRID_ONLY <= {getattr(c, "id", None) for c in components(app.validation_layout)}
    figure, note = cb.grid_panel(None, [0, 47], 0, None, "grid")  # were it asked for
    assert figure["data"] == [] and note == GRID_NONE
