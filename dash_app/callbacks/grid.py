"""The tab 'Grid: demand not met' (only when the run has a grid): the deficit share of one grid zone."""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output, no_update

from dash_app import ids
from dash_app.callbacks._runs import Runs
from dash_app.data import DashboardData
from dash_app.views.grid import grid_view

__all__ = ["make", "register"]


def make(data: DashboardData) -> dict[str, Callable]:
    """``grid_panel``, bound to ``data``."""
    runs = Runs(data)

    def grid_panel(zone, window, step, store, tab) -> tuple:
        """The deficit share of the selected zone in the time window, the cursor at ``step``, and how to read it.

        Computed only while the tab is open (``tab == "grid"``); otherwise nothing is sent.
        """
        if tab != "grid":
            return no_update, no_update
        current = runs.current(store)
        view = grid_view(runs.parts(current), current.dataset, zone, window, step)
        return view.figure, view.note

    return {"grid_panel": grid_panel}


def register(app, cb, data: DashboardData) -> None:
    """Wire the grid callback of ``cb`` to ``app`` (its components are on the page only when the run has a grid)."""
    app.callback(
        Output(ids.GRID_GRAPH, "figure"),
        Output(ids.GRID_NOTE, "children"),
        Input(ids.GRID_ZONE, "value"),
        Input(ids.FILTER_WINDOW, "value"),
        Input(ids.CURSOR_SLIDER, "value"),
        Input(ids.STORE_WHATIF, "data"),
        Input(ids.TABS, "value"),
    )(cb.grid_panel)
