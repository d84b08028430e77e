"""The time cursor: the KPI cards and ranked areas at the cursor, and moving it (the map: callbacks.maps)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from dash import Input, Output, Patch, State, no_update

from dash_app import ids
from dash_app.callbacks._runs import Runs
from dash_app.components import kpi_card
from dash_app.data import DashboardData
from dash_app.figures import cursor_moment
from dash_app.views import kpis, local_label, ranked_areas
from dash_app.views.baseline import baseline_figures
from impact.dataset import local_times, timezone_of

__all__ = ["make", "register"]


def make(data: DashboardData) -> dict[str, Callable]:
    """``cursor_views``, ``move_cursor`` and ``click_to_cursor``, bound to ``data``."""
    runs = Runs(data)

    def cursor_views(service, area, step, store, plan=None) -> tuple:
        """KPI cards, ranked areas and the cursor's label at time step ``step``, leading with ``plan``."""
        current, unmodified = runs.current(store), runs.unmodified(store)
        ds = current.dataset
        step = int(step)
        baseline = None
        if data.has_baseline:
            summary = runs.summary(current, area)
            baseline = baseline_figures(ds, runs.baseline_dataset(), summary, area, step, data.names[1])
        unmodified_ds = None if unmodified is None else unmodified.dataset
        cards = [kpi_card(k) for k in kpis(ds, area, step, unmodified_ds, baseline, plan)]
        return cards, ranked_areas(ds, service, step, area, plan), local_label(ds, step)

    def move_cursor(step, store) -> Patch:
        """Move the cursor line (the timeline's first shape): a Patch, not a whole figure."""
        moment = cursor_moment(runs.current(store).dataset, step)
        patch = Patch()
        patch["layout"]["shapes"][0]["x0"] = moment
        patch["layout"]["shapes"][0]["x1"] = moment
        return patch

    def click_to_cursor(click):
        """The time step of a click on the timeline (the step whose time is at or before it)."""
        if not click or not click.get("points") or click["points"][0].get("x") is None:
            return no_update
        ds = data.unmodified_result().dataset
        wall = local_times(ds["time"].values, timezone_of(ds)).tz_localize(None)
        position = int(wall.searchsorted(pd.Timestamp(click["points"][0]["x"]), side="right")) - 1
        return min(max(position, 0), ds.sizes["time"] - 1)

    return {"cursor_views": cursor_views, "move_cursor": move_cursor, "click_to_cursor": click_to_cursor}


def register(app, cb, data: DashboardData) -> None:
    """Wire the cursor callbacks of ``cb`` to ``app``."""
    app.callback(
        Output(ids.TIMELINE_GRAPH, "figure", allow_duplicate=True),
        Input(ids.CURSOR_SLIDER, "value"),
        State(ids.STORE_WHATIF, "data"),
        prevent_initial_call=True,
    )(cb.move_cursor)
    app.callback(
        Output(ids.KPI_ROW, "children"),
        Output(ids.TABLE_AREAS, "rowData"),
        Output(ids.CURSOR_LABEL, "children"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.CURSOR_SLIDER, "value"),
        Input(ids.STORE_WHATIF, "data"),
        Input(ids.FILTER_PLAN, "value"),
    )(cb.cursor_views)
    app.callback(
        Output(ids.CURSOR_SLIDER, "value"),
        Input(ids.TIMELINE_GRAPH, "clickData"),
        prevent_initial_call=True,
    )(cb.click_to_cursor)
