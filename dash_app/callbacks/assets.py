"""The asset status panel."""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output, State

from dash_app import ids
from dash_app.callbacks._runs import Runs
from dash_app.data import DashboardData
from dash_app.figures import assets_view

__all__ = ["make", "register"]


def make(data: DashboardData) -> dict[str, Callable]:
    """``assets_figure``, bound to ``data``."""
    runs = Runs(data)

    def assets_figure(store, window) -> dict:
        """The asset status chart as a plain figure dict (at most the busiest assets; strikes marked)."""
        current = runs.current(store)
        return assets_view(runs.parts(current), current.dataset, window)

    return {"assets_figure": assets_figure}


def register(app, cb, data: DashboardData) -> None:
    """Wire the asset chart's callback of ``cb`` to ``app``."""
    app.callback(
        Output(ids.ASSETS_GRAPH, "figure"),
        Input(ids.STORE_WHATIF, "data"),
        State(ids.FILTER_WINDOW, "value"),
    )(cb.assets_figure)
