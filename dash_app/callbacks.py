"""Callbacks: read the inputs, call the library (:mod:`impact.figures`, :mod:`dash_app.views`), return.

Every callback is a plain function built by :func:`make_callbacks` so tests can call it
without a browser; :func:`register` wires them to the app.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, Patch, State, ctx, dcc, html, no_update

import impact
from dash_app import ids
from dash_app.data import DashboardData
from dash_app.layout import SERVICE_LABELS
from dash_app.views import Kpi, kpis, local_label, ranked_areas, view_dataset
from impact.export.tidy import local_times, timezone_of
from impact.figures import area_map, areas_timeline, asset_status, services_timeline, timeline
from impact.figures.timeline import cursor_shape
from impact.whatif import WhatIf, whatif_from_dict

#: Download buttons: id -> (which data, file suffix).
DOWNLOADS = {
    ids.DOWNLOAD_VIEW_CSV: ("view", ".csv"), ids.DOWNLOAD_VIEW_XLSX: ("view", ".xlsx"),
    ids.DOWNLOAD_VIEW_NC: ("view", ".nc"), ids.DOWNLOAD_FULL_CSV: ("full", ".csv"),
    ids.DOWNLOAD_FULL_XLSX: ("full", ".xlsx"), ids.DOWNLOAD_FULL_NC: ("full", ".nc"),
}


def _number(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:,.0f}"


def _range(low: float, high: float, unit: str = "") -> str:
    if low is None or not np.isfinite(low):
        return ""
    if low == high:
        return f"5–95 %: {_number(low)}{unit} (no spread)"
    return f"5–95 %: {_number(low)}–{_number(high)}{unit}"


def kpi_card(kpi: Kpi) -> dbc.Col:
    """One KPI card."""
    baseline = ""
    if kpi.baseline_now is not None:
        baseline = f"baseline: {_number(kpi.baseline_now)} now, {_number(kpi.baseline_peak)} at peak"
    restore = kpi.restored_by or "no outage"
    restore_range = _range(kpi.restore_hours_low, kpi.restore_hours_high, " h after peak")
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.H3(f"Without {SERVICE_LABELS.get(kpi.service, kpi.service).lower()}", className="h6 mb-1"),
        html.Div(_number(kpi.now), className="fs-4 fw-bold", id=f"kpi-{kpi.service}-now"),
        html.Div([f"at the cursor · {100 * kpi.now / max(kpi.population, 1):.0f} % of population",
                  html.Br(), _range(kpi.now_low, kpi.now_high)], className="small text-muted"),
        html.Div([html.Strong("Peak "), f"{_number(kpi.peak)} on {kpi.peak_time}" if kpi.peak_time else "none",
                  html.Br(), html.Span(_range(kpi.peak_low, kpi.peak_high), className="text-muted")],
                 className="small mt-1"),
        html.Div([html.Strong("90 % back "), restore, html.Br(), html.Span(restore_range, className="text-muted")],
                 className="small mt-1"),
        html.Div(baseline, className="small text-primary mt-1"),
    ]), className=f"h-100 border-top border-4 kpi-{kpi.service}"), md=4)


def _window_range(ds, window) -> list:
    times = local_times(ds["time"].values, timezone_of(ds)).tz_localize(None)
    first, last = int(window[0]), int(window[1])
    return [times[first], times[last]]


def make_callbacks(data: DashboardData) -> SimpleNamespace:
    """The callbacks of the page as plain functions bound to ``data``.

    Callbacks that depend on which button fired take it as ``trigger`` (the component id);
    :func:`register` passes ``dash.ctx.triggered_id``.
    """

    def results(store):
        whatif = whatif_from_dict(store)
        current = data.result(whatif)
        baseline = data.result() if not whatif.is_baseline else None
        return current, baseline

    def timeline_figure(service, area, mode, band, window, store, step):
        current, baseline = results(store)
        ds = current.dataset
        if mode == "services":
            figure = services_timeline(current, area)
        elif mode == "areas":
            children = [str(a) for a, p in zip(ds["area"].values, ds["parent_id"].values, strict=True)
                        if str(p) == area]
            figure = areas_timeline(current, service, children or [area])
        else:
            figure = timeline(current, service=service, area=area, show_band="band" in (band or []),
                              baseline=baseline)
        moment = ds["time"].values[int(step)]
        figure.layout.shapes = (go.layout.Shape(cursor_shape(ds, moment)), *figure.layout.shapes)
        figure.update_layout(xaxis={"range": _window_range(ds, window)}, margin={"t": 40, "l": 60, "r": 10, "b": 40},
                             title={"font": {"size": 14}, "y": 0.98}, uirevision=f"{service}-{area}-{mode}",
                             legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "font": {"size": 11}},
                             xaxis_title=None)
        return figure

    def move_cursor(step, store):
        ds = results(store)[0].dataset
        moment = cursor_shape(ds, ds["time"].values[int(step)])["x0"]
        patch = Patch()
        patch["layout"]["shapes"][0]["x0"] = moment
        patch["layout"]["shapes"][0]["x1"] = moment
        return patch

    def cursor_views(service, area, step, store):
        current, baseline = results(store)
        ds = current.dataset
        step = int(step)
        cards = [kpi_card(k) for k in kpis(ds, area, step, baseline.dataset if baseline is not None else None)]
        figure = area_map(current, service, ds["time"].values[step], assets=data.asset_positions())
        figure.update_layout(title={"font": {"size": 14}, "x": 0.01, "xanchor": "left"}, uirevision=service,
                             margin={"t": 60}, legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0})
        return cards, figure, ranked_areas(ds, service, step, area), local_label(ds, step)

    def assets_figure(store, window):
        current = results(store)[0]
        figure = asset_status(current)
        figure.update_layout(xaxis={"range": _window_range(current.dataset, window)})
        return figure

    def apply_window(window, store):
        """Move both time axes to the window: a Patch of ``xaxis.range``, not whole figures."""
        new_range = _window_range(results(store)[0].dataset, window)
        patches = []
        for _graph in range(2):
            patch = Patch()
            patch["layout"]["xaxis"]["range"] = new_range
            patches.append(patch)
        return tuple(patches)

    def run_whatif(_run, _reset, repair, backup, active, trigger=ids.WHATIF_RUN):
        if trigger == ids.WHATIF_RESET:
            return None, "Showing the baseline.", 1, 0, list(data.scenario.strikes["strike_id"])
        every = list(data.scenario.strikes["strike_id"])
        try:
            whatif = WhatIf(repair_time_factor=float(repair or 1), extra_backup_hours=float(backup or 0),
                            disabled_strikes=frozenset(set(every) - set(active or [])))
        except ValueError as error:
            return no_update, f"What-if not run: {error}", no_update, no_update, no_update
        begin = time.perf_counter()
        data.result(whatif)
        seconds = time.perf_counter() - begin
        store = None if whatif.is_baseline else {
            "repair_time_factor": whatif.repair_time_factor, "extra_backup_hours": whatif.extra_backup_hours,
            "disabled_strikes": sorted(whatif.disabled_strikes)}
        status = (f"Showing what-if: {whatif.describe()} (grey dotted line and 'baseline' figures: the baseline; "
                  f"run in {seconds:.2f} s)" if store else "Showing the baseline.")
        return store, status, no_update, no_update, no_update

    def click_to_cursor(click):
        if not click or not click.get("points") or click["points"][0].get("x") is None:
            return no_update
        ds = data.result().dataset
        wall = local_times(ds["time"].values, timezone_of(ds)).tz_localize(None)
        position = int(wall.searchsorted(pd.Timestamp(click["points"][0]["x"]), side="right")) - 1
        return min(max(position, 0), ds.sizes["time"] - 1)

    def download(*args, trigger=None):
        service, area, window, store = args[-4:]
        if trigger not in DOWNLOADS:
            return no_update
        which, suffix = DOWNLOADS[trigger]
        current = results(store)[0]
        ds = current.dataset.copy() if which == "full" else view_dataset(current.dataset, service, area, window)
        whatif = whatif_from_dict(store)
        name = f"{ds.attrs['scenario_id']}_{which}{'' if whatif.is_baseline else '_whatif'}{suffix}"
        if not whatif.is_baseline:
            ds.attrs = dict(ds.attrs, whatif=whatif.describe())
        with tempfile.TemporaryDirectory(prefix="impact-download-") as folder:
            path = impact.export.export(ds, Path(folder) / name)
            content = path.read_bytes()
        return dcc.send_bytes(content, filename=name)

    return SimpleNamespace(
        timeline_figure=timeline_figure, move_cursor=move_cursor, cursor_views=cursor_views,
        assets_figure=assets_figure, apply_window=apply_window, run_whatif=run_whatif,
        click_to_cursor=click_to_cursor, download=download,
    )


def register(app, data: DashboardData) -> SimpleNamespace:
    """Wire the callbacks of :func:`make_callbacks` to ``app``; return them."""
    cb = make_callbacks(data)
    app.callback(
        Output(ids.TIMELINE_GRAPH, "figure"),
        Input(ids.FILTER_SERVICE, "value"), Input(ids.FILTER_AREA, "value"), Input(ids.FILTER_MODE, "value"),
        Input(ids.FILTER_BAND, "value"), State(ids.FILTER_WINDOW, "value"), Input(ids.STORE_WHATIF, "data"),
        State(ids.CURSOR_SLIDER, "value"),
    )(cb.timeline_figure)
    app.callback(
        Output(ids.TIMELINE_GRAPH, "figure", allow_duplicate=True),
        Output(ids.ASSETS_GRAPH, "figure", allow_duplicate=True),
        Input(ids.FILTER_WINDOW, "value"), State(ids.STORE_WHATIF, "data"),
        prevent_initial_call=True,
    )(cb.apply_window)
    app.callback(
        Output(ids.TIMELINE_GRAPH, "figure", allow_duplicate=True),
        Input(ids.CURSOR_SLIDER, "value"), State(ids.STORE_WHATIF, "data"),
        prevent_initial_call=True,
    )(cb.move_cursor)
    app.callback(
        Output(ids.KPI_ROW, "children"), Output(ids.MAP_GRAPH, "figure"), Output(ids.TABLE_AREAS, "rowData"),
        Output(ids.CURSOR_LABEL, "children"),
        Input(ids.FILTER_SERVICE, "value"), Input(ids.FILTER_AREA, "value"), Input(ids.CURSOR_SLIDER, "value"),
        Input(ids.STORE_WHATIF, "data"),
    )(cb.cursor_views)
    app.callback(
        Output(ids.ASSETS_GRAPH, "figure"), Input(ids.STORE_WHATIF, "data"), State(ids.FILTER_WINDOW, "value"),
    )(cb.assets_figure)
    app.callback(
        Output(ids.STORE_WHATIF, "data"), Output(ids.WHATIF_STATUS, "children"),
        Output(ids.WHATIF_REPAIR, "value"), Output(ids.WHATIF_BACKUP, "value"), Output(ids.WHATIF_STRIKES, "value"),
        Input(ids.WHATIF_RUN, "n_clicks"), Input(ids.WHATIF_RESET, "n_clicks"),
        State(ids.WHATIF_REPAIR, "value"), State(ids.WHATIF_BACKUP, "value"), State(ids.WHATIF_STRIKES, "value"),
        prevent_initial_call=True,
    )(lambda *args: cb.run_whatif(*args, trigger=ctx.triggered_id))
    app.callback(
        Output(ids.CURSOR_SLIDER, "value"), Input(ids.TIMELINE_GRAPH, "clickData"), prevent_initial_call=True,
    )(cb.click_to_cursor)
    app.callback(
        Output(ids.DOWNLOAD, "data"),
        *[Input(button, "n_clicks") for button in DOWNLOADS],
        State(ids.FILTER_SERVICE, "value"), State(ids.FILTER_AREA, "value"), State(ids.FILTER_WINDOW, "value"),
        State(ids.STORE_WHATIF, "data"),
        prevent_initial_call=True,
    )(lambda *args: cb.download(*args, trigger=ctx.triggered_id))
    return cb
