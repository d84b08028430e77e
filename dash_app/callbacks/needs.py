"""The needs panel: water, trucks, heating places and generator hours per day."""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output

from dash_app import ids
from dash_app.callbacks._runs import Runs
from dash_app.components import needs_table_component
from dash_app.data import DashboardData
from dash_app.text import CENTRAL_ESTIMATE
from dash_app.views import needs_view

__all__ = ["make", "register"]


def make(data: DashboardData) -> dict[str, Callable]:
    """``needs_panel``, bound to ``data``."""
    runs = Runs(data)

    def needs_panel(service, area, window, store, plan=None) -> tuple:
        """The needs tab: title, table (the planning statistic ``plan``, its quantile range and the
        central estimate per day) and the planning figures used."""
        current = runs.current(store)
        view = needs_view(runs.needs(current, plan), current.dataset, service, area, window)
        lead = f"; each figure the {view.statistic} over samples" if view.band else f"; {view.statistic}"
        below = f", below it its {view.band} range and the {CENTRAL_ESTIMATE}" if view.band else ""
        return view.title + lead + below, needs_table_component(view), view.note

    return {"needs_panel": needs_panel}


def register(app, cb, data: DashboardData) -> None:
    """Wire the needs callback of ``cb`` to ``app``."""
    app.callback(
        Output(ids.NEEDS_TITLE, "children"),
        Output(ids.NEEDS_TABLE, "children"),
        Output(ids.NEEDS_NOTE, "children"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.FILTER_WINDOW, "value"),
        Input(ids.STORE_WHATIF, "data"),
        Input(ids.FILTER_PLAN, "value"),
    )(cb.needs_panel)
