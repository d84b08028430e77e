"""The tab 'What drives the range': shares of the variance of person-days per strike or kind of input."""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output, no_update

from dash_app import ids
from dash_app.callbacks._runs import Runs
from dash_app.data import DashboardData
from dash_app.views.sensitivity import sensitivity_view

__all__ = ["make", "register"]


def make(data: DashboardData) -> dict[str, Callable]:
    """``sensitivity_panel``, bound to ``data``."""
    runs = Runs(data)

    def sensitivity_panel(service, area, by, store, tab) -> tuple:
        """The bars of the selected service and area, and how to read them.

        Computed only while the tab is open (``tab == "sensitivity"``); otherwise nothing is sent.
        """
        if tab != "sensitivity":
            return no_update, no_update
        current = runs.current(store)
        view = sensitivity_view(runs.sensitivity(current, area, by), service, area, by, data.source)
        return view.figure, view.note

    return {"sensitivity_panel": sensitivity_panel}


def register(app, cb, data: DashboardData) -> None:
    """Wire the sensitivity callback of ``cb`` to ``app``."""
    app.callback(
        Output(ids.SENSITIVITY_GRAPH, "figure"),
        Output(ids.SENSITIVITY_NOTE, "children"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.SENSITIVITY_BY, "value"),
        Input(ids.STORE_WHATIF, "data"),
        Input(ids.TABS, "value"),
    )(cb.sensitivity_panel)
