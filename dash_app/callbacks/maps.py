"""The map panel: the map at the cursor (level, colour, the selected area outlined); a click selects an area."""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output, State, no_update

from dash_app import ids
from dash_app.callbacks._runs import Runs
from dash_app.data import DashboardData
from dash_app.figures import map_view
from dash_app.views.maps import clicked_area, level_of, map_note, measure_box_style, measure_for, measure_options
from impact.figures import map_areas, map_boundaries

__all__ = ["make", "register"]


def make(data: DashboardData) -> dict[str, Callable]:
    """``map_figure``, ``click_to_area`` and ``measure_box``, bound to ``data``."""
    runs = Runs(data)

    def map_figure(service, area, level, colour_by, measure, step, store) -> tuple[dict, str]:
        """The map at time step ``step`` (``area`` outlined; for heat, the ``measure`` chosen) and the note under it."""
        current = runs.current(store)
        figure = map_view(
            current,
            runs.parts(current),
            service,
            step,
            assets=data.asset_positions(),
            level=level_of(level),
            colour_by=colour_by or "share",
            selected=area,
            tiles=data.tiles,
            tiles_attribution=data.tiles_attribution,
            measure=measure_for(service, measure),
        )
        return figure, map_note(current.dataset, map_boundaries(current) is not None)

    def click_to_area(click, level, store):
        """The area picked by a click on the map (it becomes the page's area); nothing for a strike or an asset."""
        area = clicked_area(click, map_areas(runs.current(store), level_of(level)))
        return no_update if area is None else area

    def measure_box(service, store) -> dict | None:
        """Show the heat map's selector only while the page shows heat (and the run counts cold homes)."""
        return measure_box_style(service, measure_options(runs.current(store).dataset))

    return {"map_figure": map_figure, "click_to_area": click_to_area, "measure_box": measure_box}


def register(app, cb, data: DashboardData) -> None:
    """Wire the map callbacks of ``cb`` to ``app``."""
    app.callback(
        Output(ids.MAP_GRAPH, "figure"),
        Output(ids.MAP_NOTE, "children"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.MAP_LEVEL, "value"),
        Input(ids.MAP_COLOUR, "value"),
        Input(ids.MAP_MEASURE, "value"),
        Input(ids.CURSOR_SLIDER, "value"),
        Input(ids.STORE_WHATIF, "data"),
    )(cb.map_figure)
    app.callback(
        Output(ids.MAP_MEASURE_BOX, "style"),
        Input(ids.FILTER_SERVICE, "value"),
        State(ids.STORE_WHATIF, "data"),
    )(cb.measure_box)
    app.callback(
        Output(ids.FILTER_AREA, "value"),
        Input(ids.MAP_GRAPH, "clickData"),
        State(ids.MAP_LEVEL, "value"),
        State(ids.STORE_WHATIF, "data"),
        prevent_initial_call=True,
    )(cb.click_to_area)
