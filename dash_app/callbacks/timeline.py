"""The timeline panel: the chart of one service (or every service, or the areas), and the time window."""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output, Patch, State

from dash_app import ids
from dash_app.callbacks._runs import Runs
from dash_app.data import DashboardData
from dash_app.figures import band_figure, lines_view, timeline_view, window_range

__all__ = ["make", "register"]


def make(data: DashboardData) -> dict[str, Callable]:
    """``timeline_figure`` and ``apply_window``, bound to ``data``."""
    runs = Runs(data)

    def timeline_figure(service, area, mode, band, window, store, step, plan=None) -> dict:
        """The timeline as a plain figure dict: cursor line first, strikes marked, one time per trace;
        the planning statistic ``plan`` leads, the central estimate a dashed reference."""
        current = runs.current(store)
        parts = runs.parts(current)
        view = {"service": service, "area": area, "mode": mode, "window": window, "step": step}
        if mode in ("services", "areas"):
            return lines_view(parts, current.dataset, view)
        unmodified = runs.unmodified(store)
        figure = band_figure(
            parts,
            service,
            area,
            "band" in (band or []),
            unmodified=None if unmodified is None else unmodified.dataset,
            baseline=runs.baseline_dataset(),
            names=data.names,
            plan_quantile=plan,
        )
        return timeline_view(figure, parts, current.dataset, view)

    def apply_window(window, store) -> tuple:
        """Move both time axes to the window: a Patch of ``xaxis.range``, not whole figures."""
        new_range = window_range(runs.current(store).dataset, window)
        patches = []
        for _graph in range(2):
            patch = Patch()
            patch["layout"]["xaxis"]["range"] = new_range
            patches.append(patch)
        return tuple(patches)

    return {"timeline_figure": timeline_figure, "apply_window": apply_window}


def register(app, cb, data: DashboardData) -> None:
    """Wire the timeline callbacks of ``cb`` to ``app``."""
    app.callback(
        Output(ids.TIMELINE_GRAPH, "figure"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.FILTER_MODE, "value"),
        Input(ids.FILTER_BAND, "value"),
        State(ids.FILTER_WINDOW, "value"),
        Input(ids.STORE_WHATIF, "data"),
        State(ids.CURSOR_SLIDER, "value"),
        Input(ids.FILTER_PLAN, "value"),
    )(cb.timeline_figure)
    app.callback(
        Output(ids.TIMELINE_GRAPH, "figure", allow_duplicate=True),
        Output(ids.ASSETS_GRAPH, "figure", allow_duplicate=True),
        Input(ids.FILTER_WINDOW, "value"),
        State(ids.STORE_WHATIF, "data"),
        prevent_initial_call=True,
    )(cb.apply_window)
