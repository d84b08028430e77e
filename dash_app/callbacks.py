"""Callbacks: read the inputs, call the library (:mod:`impact.figures`, :mod:`dash_app.views`), return.

Every callback is a plain function built by :func:`make_callbacks` so tests can call it
without a browser; :func:`register` wires them to the app.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import xarray as xr
from dash import Input, Output, Patch, State, ctx, dcc, html, no_update

import impact
from dash_app import ids
from dash_app.compact import (
    add_strike_marks,
    compact_time_axis,
    merge,
    strike_marks,
    time_axis,
    top_of,
    without_strikes,
)
from dash_app.comparison import (
    against_figures,
    comparison_figure,
    comparison_notes,
    comparison_rows,
    comparison_summary,
    reference_line,
    signed,
)
from dash_app.data import DashboardData
from dash_app.layout import SERVICE_LABELS, body_for
from dash_app.scores import observation_hover, observation_score, reported_counts, score_line, scored_observations
from dash_app.views import (
    REST_AREA,
    Kpi,
    NeedsView,
    area_lines,
    busiest_assets,
    kpis,
    local_label,
    map_level,
    needs_view,
    ranked_areas,
    view_dataset,
)
from impact.dataset import local_times, offsets_label, timezone_of, wall_clock
from impact.export.excel import write_excel, write_needs_excel
from impact.export.hxl_csv import write_needs_csv
from impact.figures import area_map, areas_timeline, asset_status, services_timeline, timeline
from impact.figures.base import CENTRAL_COLOUR, scatter_class
from impact.figures.timeline import cursor_shape
from impact.observations import observations_in_people
from impact.whatif import WhatIf, whatif_from_dict

#: Download buttons: id -> (which data, file suffix).
DOWNLOADS = {
    ids.DOWNLOAD_VIEW_CSV: ("view", ".csv"),
    ids.DOWNLOAD_VIEW_XLSX: ("view", ".xlsx"),
    ids.DOWNLOAD_VIEW_NC: ("view", ".nc"),
    ids.DOWNLOAD_FULL_CSV: ("full", ".csv"),
    ids.DOWNLOAD_FULL_XLSX: ("full", ".xlsx"),
    ids.DOWNLOAD_FULL_NC: ("full", ".nc"),
    ids.DOWNLOAD_NEEDS_CSV: ("needs", ".csv"),
    ids.DOWNLOAD_NEEDS_XLSX: ("needs", ".xlsx"),
}

#: Most rows (service x area x time step) a CSV or Excel download from the page may hold, by suffix. The
#: file travels inside one callback response (500,000 CSV rows are about 90 MB); Excel files are slow to
#: write (about 5,000 rows a second) and a spreadsheet opens at most 1,048,576 rows anyway.
MOST_TABLE_ROWS = {".csv": 500_000, ".xlsx": 100_000}


@dataclass(frozen=True)
class FigureParts:
    """What the charts of one run reuse from call to call (built once per run; see :mod:`dash_app.compact`).

    Attributes
    ----------
    bare : xarray.Dataset
        The run without its strikes: the figure functions draw the series from it.
    marks : tuple
        Strike lines and markers (:func:`dash_app.compact.strike_marks`).
    axis : tuple
        Wall-clock time axis (:func:`dash_app.compact.time_axis`).
    observations : pandas.DataFrame or None
        The reported figures drawn on the timeline, in people: those the run scored
        (:func:`dash_app.scores.scored_observations`), else the scenario's own.
    scores : pandas.DataFrame or None
        The run's scores of the reported figures (None when it has none).
    map_level : (int or None, str)
        Admin level the map draws and the note saying so (:func:`dash_app.views.map_level`).
    assets : (list of str or None, str)
        Assets the asset chart draws and the note (:func:`dash_app.views.busiest_assets`).
    """

    bare: xr.Dataset
    marks: tuple
    axis: tuple
    observations: pd.DataFrame | None
    map_level: tuple[int | None, str]
    assets: tuple[list[str] | None, str]
    scores: pd.DataFrame | None = None

    @classmethod
    def of(cls, result: impact.Result) -> FigureParts:
        """Build the parts of ``result``."""
        ds = result.dataset
        scenario = result.scenario
        scores = scored_observations(ds)
        observations = scores
        if scores is None and "observation" not in ds.dims and len(scenario.observations):
            observations = observations_in_people(scenario.observations, scenario.config.persons_per_household)
        return cls(
            bare=without_strikes(ds),
            marks=strike_marks(ds),
            axis=time_axis(ds),
            observations=observations,
            map_level=map_level(ds),
            assets=busiest_assets(ds),
            scores=scores,
        )


def _with_note(layout: dict, note: str) -> None:
    """Add ``note`` (what a chart leaves out or sums) under its title, and room for it."""
    if note:
        merge(
            layout,
            {
                "title": {"subtitle": {"text": note, "font": {"size": 11}}},
                "margin": {"t": layout.get("margin", {}).get("t", 40) + 16},
            },
        )


def _number(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:,.0f}"


def _range(low: float, high: float, unit: str = "") -> str:
    if low is None or not np.isfinite(low):
        return ""
    if high is None or not np.isfinite(high):  # e.g. hours to 90 % restored: some samples never within the horizon
        return f"5–95 %: {_number(low)}{unit} to beyond the horizon"
    if low == high:
        return f"5–95 %: {_number(low)}{unit} (no spread)"
    return f"5–95 %: {_number(low)}–{_number(high)}{unit}"


def _against_line(kpi: Kpi) -> html.Div | str:
    """The card's line on a baseline scenario B: B's figures and A - B, now and at peak."""
    against = kpi.against
    if against is None:
        return ""
    return html.Div(
        [
            html.Strong(f"B ({against.name}) "),
            f"{_number(against.now)} now, A − B {signed(against.now_difference)}",
            html.Br(),
            f"peak {_number(against.peak)}, A − B {signed(against.peak_difference)}",
        ],
        className="small mt-1 kpi-against",
        id=f"kpi-{kpi.service}-against",
    )


def kpi_card(kpi: Kpi, baseline_label: str = "baseline") -> dbc.Col:
    """One KPI card; ``baseline_label`` names the run without the what-if (when one is on screen)."""
    baseline = ""
    if kpi.baseline_now is not None:
        baseline = f"{baseline_label}: {_number(kpi.baseline_now)} now, {_number(kpi.baseline_peak)} at peak"
    restore = kpi.restored_by or "no outage"
    restore_range = _range(kpi.restore_hours_low, kpi.restore_hours_high, " h after peak")
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.H3(f"Without {SERVICE_LABELS.get(kpi.service, kpi.service).lower()}", className="h6 mb-1"),
                    html.Div(_number(kpi.now), className="fs-4 fw-bold", id=f"kpi-{kpi.service}-now"),
                    html.Div(
                        [
                            f"at the cursor · {100 * kpi.now / max(kpi.population, 1):.0f} % of population",
                            html.Br(),
                            _range(kpi.now_low, kpi.now_high),
                        ],
                        className="small text-muted",
                    ),
                    html.Div(
                        [
                            html.Strong("Peak "),
                            f"{_number(kpi.peak)} on {kpi.peak_time}" if kpi.peak_time else "none",
                            html.Br(),
                            html.Span(_range(kpi.peak_low, kpi.peak_high), className="text-muted"),
                        ],
                        className="small mt-1",
                    ),
                    html.Div(
                        [
                            html.Strong("90 % back "),
                            restore,
                            html.Br(),
                            html.Span(restore_range, className="text-muted"),
                        ],
                        className="small mt-1",
                    ),
                    html.Div(baseline, className="small text-primary mt-1"),
                    _against_line(kpi),
                ]
            ),
            className=f"h-100 border-top border-4 kpi-{kpi.service}",
        ),
        md=4,
    )


def _needs_cell(row: dict, prefix: str, band: str, digits: str = ",.0f") -> list:
    """A need's central figure, and its quantile range on a second line."""
    central = row[prefix]
    cell: list = [html.Strong("–" if central is None else format(central, digits))]
    low, high = row[f"{prefix}_low"], row[f"{prefix}_high"]
    if low is not None and high is not None:
        cell += [html.Br(), html.Span(f"{band}: {format(low, digits)}–{format(high, digits)}", className="text-muted")]
    return cell


def needs_table(view: NeedsView) -> list:
    """The needs table's header and body for a :class:`~dash_app.views.NeedsView`."""
    head = html.Thead(
        html.Tr(
            [
                html.Th("day"),
                html.Th("hours", className="text-end"),
                *[html.Th(header, className="text-end") for _prefix, header in view.columns],
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(row["day"]),
                    html.Td(f"{row['hours']:g}", className="text-end"),
                    *[
                        html.Td(_needs_cell(row, prefix, view.band), className="text-end")
                        for prefix, _header in view.columns
                    ],
                ]
            )
            for row in view.rows
        ]
        or [html.Tr(html.Td("No day in the time window.", colSpan=2 + len(view.columns)))]
    )
    return [head, body]


def compare_table(summary: pd.DataFrame) -> list:
    """The comparison table's header and body: per service person-hours and peaks of A, B and A - B."""
    headers = ["person-hours A", "person-hours B", "A − B", "peak A", "peak B", "A − B", "peak time A", "peak time B"]
    head = html.Thead(html.Tr([html.Th("service"), *[html.Th(h, className="text-end") for h in headers]]))

    def peak(value: str, band: str) -> list:
        return [html.Strong(value), html.Br(), html.Span(band, className="text-muted")] if band else [value]

    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(row["service"]),
                    html.Td(row["hours_a"], className="text-end"),
                    html.Td(row["hours_b"], className="text-end"),
                    html.Td(row["hours_difference"], className="text-end fw-semibold"),
                    html.Td(peak(row["peak_a"], row["peak_range_a"]), className="text-end"),
                    html.Td(peak(row["peak_b"], row["peak_range_b"]), className="text-end"),
                    html.Td(row["peak_difference"], className="text-end fw-semibold"),
                    html.Td(row["peak_time_a"], className="text-end"),
                    html.Td(row["peak_time_b"], className="text-end"),
                ]
            )
            for row in comparison_rows(summary)
        ]
    )
    return [head, body]


def _observation_hover(figure: dict, scores: pd.DataFrame, ds, service: str, area: str) -> None:
    """Give the ``observed`` markers of a timeline figure dict what the model says at each report, in place."""
    for trace in figure["data"]:
        if trace.get("name") == "observed":
            texts, template = observation_hover(scores, ds, service, area)  # the markers, in the same order
            trace["customdata"] = texts
            trace["hovertemplate"] = template


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

    def parts(result) -> FigureParts:
        return data.derived(result, "figure parts", lambda: FigureParts.of(result))

    def reference():
        """The run of the baseline scenario B, or None without one."""
        return data.reference_result() if data.has_reference else None

    def summary_of(current, area):
        """Person-hours and peaks of ``current`` (A) and B in ``area`` (computed once per run and area)."""
        return data.derived(
            current,
            f"comparison {area}",
            lambda: comparison_summary(current.dataset, reference().dataset, area, data.names),
        )

    def needs_of(result):
        return data.derived(result, "needs", lambda: impact.needs(result))

    def needs_panel(service, area, window, store):
        """The needs tab: title, table (central and quantile range per day) and the planning figures used."""
        current = results(store)[0]
        view = needs_view(needs_of(current), current.dataset, service, area, window)
        band = f"; below each figure its {view.band} range" if view.band else ""
        return view.title + band, needs_table(view), view.note

    def timeline_figure(service, area, mode, band, window, store, step):
        """The timeline as a plain figure dict: cursor line first, strikes marked, one time per trace."""
        current, baseline = results(store)
        ds = current.dataset
        pieces = parts(current)
        note = ""
        if mode == "services":
            figure = services_timeline(pieces.bare, area)
        elif mode == "areas":
            lines, areas, note = area_lines(pieces.bare, service, area)
            figure = areas_timeline(lines, service, areas)
        else:
            figure = _band_timeline(pieces, ds, service, area, band, baseline, reference())
        height = top_of(figure)
        drawn = figure.to_plotly_json()
        if mode not in ("services", "areas") and pieces.scores is not None:
            _observation_hover(drawn, pieces.scores, ds, service, area)
        add_strike_marks(drawn, pieces.marks, height * 1.05 if height > 0 else 1.0)
        layout = drawn["layout"]
        layout["shapes"] = [cursor_shape(ds, ds["time"].values[int(step)]), *layout["shapes"]]
        merge(
            layout,
            {
                "xaxis": {"range": _window_range(ds, window), "title": None},
                "margin": {"t": 40, "l": 60, "r": 10, "b": 40},
                "title": {"font": {"size": 14}, "y": 0.98},
                "uirevision": f"{service}-{area}-{mode}",
                "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "font": {"size": 11}},
            },
        )
        if note:
            rest = next(trace for trace in drawn["data"] if str(trace.get("name", "")).endswith(f"({REST_AREA})"))
            rest["name"] = rest["name"][: -len(f" ({REST_AREA})")]
            _with_note(layout, note)
        compact_time_axis(drawn, pieces.axis)
        return drawn

    def move_cursor(step, store):
        ds = results(store)[0].dataset
        moment = cursor_shape(ds, ds["time"].values[int(step)])["x0"]
        patch = Patch()
        patch["layout"]["shapes"][0]["x0"] = moment
        patch["layout"]["shapes"][0]["x1"] = moment
        return patch

    def _band_timeline(pieces, ds, service, area, band, baseline, against):
        """The timeline of one service with its band, observations, and the runs it is shown against.

        Without a baseline scenario B, a what-if's baseline is the grey dotted line. With B,
        B is the grey dotted line (as in :func:`impact.figures.compare_timeline`) and a
        what-if's baseline (A without it) a light blue dotted one.
        """
        if against is None or area not in against.dataset.indexes["area"]:  # B lacks the area: A alone
            return timeline(
                pieces.bare,
                service=service,
                area=area,
                show_band="band" in (band or []),
                observations=pieces.observations,
                baseline=baseline.dataset if baseline is not None else None,
            )
        figure = timeline(
            pieces.bare,
            service=service,
            area=area,
            show_band="band" in (band or []),
            observations=pieces.observations,
            baseline=reference_line(ds, against.dataset, service, area),
        )
        hover = "%{x|%Y-%m-%d %H:%M} " + offsets_label(ds).split(", ")[-1] + "<br>%{y:,.0f} people"
        name_a, name_b = data.names
        figure.update_traces(
            selector={"name": "baseline (central)"},
            name=f"B: {name_b} (central)",
            hovertemplate=f"{hover}<extra>B: {name_b}</extra>",
        )
        figure.update_traces(
            selector={"name": "central estimate"},
            name=f"A: {name_a} (central)",
            hovertemplate=f"{hover}<extra>A: {name_a}</extra>",
        )
        if baseline is not None:
            x = wall_clock(ds["time"].values, timezone_of(ds))
            y = baseline.dataset["people_without_central"].sel(service=service, area=area).values
            figure.add_trace(
                scatter_class(len(x))(
                    x=x,
                    y=np.asarray(y, dtype=float),
                    mode="lines",
                    name=f"A: {name_a} without the what-if (central)",
                    line={"color": CENTRAL_COLOUR, "width": 2, "dash": "dot", "shape": "hv"},
                    opacity=0.5,
                    hovertemplate=f"{hover}<extra>A without the what-if</extra>",
                )
            )
        return figure

    def cursor_views(service, area, step, store):
        current, baseline = results(store)
        ds = current.dataset
        step = int(step)
        against = None
        if data.has_reference:
            against = against_figures(ds, reference().dataset, summary_of(current, area), area, step, data.names[1])
        label = "without the what-if" if data.has_reference else "baseline"
        cards = [
            kpi_card(k, label)
            for k in kpis(ds, area, step, baseline.dataset if baseline is not None else None, against)
        ]
        level, note = parts(current).map_level
        figure = area_map(current, service, ds["time"].values[step], level=level, assets=data.asset_positions())
        figure.update_layout(
            title={"font": {"size": 14}, "x": 0.01, "xanchor": "left"},
            uirevision=service,
            margin={"t": 60},
            legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        )
        if note:
            figure.update_layout(title_subtitle={"text": note, "font": {"size": 11}}, margin={"t": 76})
        return cards, figure, ranked_areas(ds, service, step, area), local_label(ds, step)

    def assets_figure(store, window):
        """The asset status chart as a plain figure dict (at most the busiest assets; strikes marked)."""
        current = results(store)[0]
        pieces = parts(current)
        chosen, note = pieces.assets
        drawn = asset_status(pieces.bare, assets=chosen).to_plotly_json()
        if chosen:
            add_strike_marks(drawn, pieces.marks, 1.05)
        # one legend entry per asset, long names: a column on the right keeps the plot its height
        merge(
            drawn["layout"],
            {
                "xaxis": {"range": _window_range(current.dataset, window)},
                "legend": {"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top", "font": {"size": 10}},
                "margin": {"t": 50, "r": 10},
                "title": {"font": {"size": 14}, "y": 0.98},
            },
        )
        _with_note(drawn["layout"], note)
        compact_time_axis(drawn, pieces.axis)
        return drawn

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
            whatif = WhatIf(
                repair_time_factor=float(repair or 1),
                extra_backup_hours=float(backup or 0),
                disabled_strikes=frozenset(set(every) - set(active or [])),
            )
        except ValueError as error:
            return no_update, f"What-if not run: {error}", no_update, no_update, no_update
        begin = time.perf_counter()
        data.result(whatif)
        seconds = time.perf_counter() - begin
        store = (
            None
            if whatif.is_baseline
            else {
                "repair_time_factor": whatif.repair_time_factor,
                "extra_backup_hours": whatif.extra_backup_hours,
                "disabled_strikes": sorted(whatif.disabled_strikes),
            }
        )
        shown_as = (
            "light blue dotted line and 'without the what-if' figures: A without it"
            if data.has_reference
            else "grey dotted line and 'baseline' figures: the baseline"
        )
        status = (
            f"Showing what-if: {whatif.describe()} ({shown_as}; run in {seconds:.2f} s)"
            if store
            else "Showing the baseline."
        )
        return store, status, no_update, no_update, no_update

    def click_to_cursor(click):
        if not click or not click.get("points") or click["points"][0].get("x") is None:
            return no_update
        ds = data.result().dataset
        wall = local_times(ds["time"].values, timezone_of(ds)).tz_localize(None)
        position = int(wall.searchsorted(pd.Timestamp(click["points"][0]["x"]), side="right")) - 1
        return min(max(position, 0), ds.sizes["time"] - 1)

    def download(*args, trigger=None):
        """The file for the download button ``trigger`` and a status line; a refusal or failure says why."""
        service, area, window, store = args[-4:]
        if trigger not in DOWNLOADS:
            return no_update, no_update
        which, suffix = DOWNLOADS[trigger]
        current = results(store)[0]
        ds = current.dataset.copy() if which != "view" else view_dataset(current.dataset, service, area, window)
        rows = ds.sizes["service"] * ds.sizes["area"] * ds.sizes["time"]
        if which == "needs":
            rows = ds.sizes["area"] * int(needs_of(current).sizes["day"])
        most = MOST_TABLE_ROWS.get(suffix)
        if most is not None and rows > most:
            what = {"view": "current view", "full": "full run", "needs": "needs table"}[which]
            return no_update, html.Span(
                f"Not sent: the {what} as a table has {rows:,} rows (service × area × time step), more than the "
                f"{most:,} a {suffix[1:].upper()} download from the page holds. Narrow the area or the time "
                f"window, take NetCDF, or write the file with `impact run {data.source} --out FILE.parquet`.",
                className="text-danger",
            )
        whatif = whatif_from_dict(store)
        name = f"{ds.attrs['scenario_id']}_{which}{'' if whatif.is_baseline else '_whatif'}{suffix}"
        if not whatif.is_baseline:
            ds.attrs = dict(ds.attrs, whatif=whatif.describe())
        try:
            with tempfile.TemporaryDirectory(prefix="impact-download-") as folder:
                if which == "needs":
                    nd = needs_of(current).copy()
                    if not whatif.is_baseline:
                        nd.attrs = dict(nd.attrs, whatif=whatif.describe())
                    writer = write_needs_csv if suffix == ".csv" else write_needs_excel
                    path = writer(nd, Path(folder) / name)
                elif which == "full" and suffix == ".xlsx":  # the result with its scenario: a needs sheet too
                    path = write_excel(SimpleNamespace(dataset=ds, scenario=current.scenario), Path(folder) / name)
                else:
                    path = impact.export.export(ds, Path(folder) / name)
                content = path.read_bytes()
        except (ValueError, OSError) as error:
            return no_update, html.Span(f"Not sent: {error}", className="text-danger")
        return dcc.send_bytes(content, filename=name), f"Sent {name} ({len(content) / 1e6:,.1f} MB)."

    def observation_line(service, area, store):
        """The line under the KPI cards: how the run on screen (and B's) compares with the reported figures."""
        current = results(store)[0]
        ds = current.dataset
        scores = parts(current).scores
        score = observation_score(scores, ds, service, area)
        others = {s: n for s, n in reported_counts(scores).items() if s != service}
        against = None
        if data.has_reference and score is not None:
            ref = reference()
            against = observation_score(parts(ref).scores, ref.dataset, service)
        name = str(ds["name"].sel(area=area).values) if area in ds.indexes["area"] else area
        return score_line(score, others=others, area_name=name, reference=against, reference_name=data.names[1])

    def compare_panel(service, area, window, store, tab):
        """The comparison tab: title, table (person-hours and peaks of A, B, A - B), figure and notes.

        Computed only while the tab is open (``tab == "compare"``); otherwise nothing is sent.
        """
        if tab != "compare" or not data.has_reference:
            return no_update, no_update, no_update, no_update
        current = results(store)[0]
        against = reference()
        ds = current.dataset
        whatif = whatif_from_dict(store)
        name_a, name_b = data.names
        label_a = name_a if whatif.is_baseline else f"{name_a} with the what-if"
        place = f"{ds['name'].sel(area=area).values} ({area})" if area in ds.indexes["area"] else area
        summary = summary_of(current, area)
        if summary is None:
            return (
                f"{place}: not in baseline B ({name_b}), nothing to compare",
                [],
                {"data": [], "layout": {}},
                "Choose an area both scenarios have.",
            )
        title = (
            f"{place}: A ({label_a}) against baseline B ({name_b}), central estimates; "
            "A − B above 0: more people without service in A"
        )
        pieces = parts(current)
        drawn = comparison_figure(pieces.bare, parts(against).bare, service, area, (label_a, name_b))
        height = top_of(drawn)  # A - B never exceeds A: the top row's highest point
        figure = drawn.to_plotly_json()
        add_strike_marks(figure, pieces.marks, height * 1.05 if height > 0 else 1.0)
        new_range = _window_range(ds, window)
        merge(
            figure["layout"],
            {
                "xaxis": {"range": new_range},
                "xaxis2": {"range": new_range},
                "margin": {"t": 70, "l": 60, "r": 10, "b": 40},
                "title": {
                    "text": f"People without {SERVICE_LABELS.get(service, service).lower()} over time: A and B "
                    "(top), A − B (bottom)",
                    "font": {"size": 14},
                    "y": 0.98,
                },
                "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": 11}},
                "uirevision": f"compare-{service}-{area}",
            },
        )
        compact_time_axis(figure, pieces.axis)
        notes = [
            f"Both run with {data.samples:,} samples and seed {data.seed} (common random numbers: each outage "
            "of the two scenarios gets the same random repair time, so A − B comes from what differs between "
            "them). Person-hours over the horizon; below each peak the 5–95 % range of the per-sample peak "
            "(a difference of quantiles is not a quantile of the difference). Every area: "
            f"`impact compare {data.source} {data.reference_source} --out FILE.xlsx`."
        ]
        notes += data.derived(current, "comparison notes", lambda: comparison_notes(ds, against.dataset))
        return title, compare_table(summary), figure, " ".join(notes)

    def poll_progress(_n_intervals):
        """While the baseline run is under way: the progress panel; then the dashboard (or the error), polling off."""
        status = data.baseline_status()
        return body_for(data, status), status.finished

    return SimpleNamespace(
        timeline_figure=timeline_figure,
        move_cursor=move_cursor,
        cursor_views=cursor_views,
        assets_figure=assets_figure,
        apply_window=apply_window,
        run_whatif=run_whatif,
        click_to_cursor=click_to_cursor,
        download=download,
        poll_progress=poll_progress,
        needs_panel=needs_panel,
        observation_line=observation_line,
        compare_panel=compare_panel,
    )


def register(app, data: DashboardData) -> SimpleNamespace:
    """Wire the callbacks of :func:`make_callbacks` to ``app``; return them."""
    cb = make_callbacks(data)
    app.callback(
        Output(ids.TIMELINE_GRAPH, "figure"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.FILTER_MODE, "value"),
        Input(ids.FILTER_BAND, "value"),
        State(ids.FILTER_WINDOW, "value"),
        Input(ids.STORE_WHATIF, "data"),
        State(ids.CURSOR_SLIDER, "value"),
    )(cb.timeline_figure)
    app.callback(
        Output(ids.TIMELINE_GRAPH, "figure", allow_duplicate=True),
        Output(ids.ASSETS_GRAPH, "figure", allow_duplicate=True),
        Input(ids.FILTER_WINDOW, "value"),
        State(ids.STORE_WHATIF, "data"),
        prevent_initial_call=True,
    )(cb.apply_window)
    app.callback(
        Output(ids.TIMELINE_GRAPH, "figure", allow_duplicate=True),
        Input(ids.CURSOR_SLIDER, "value"),
        State(ids.STORE_WHATIF, "data"),
        prevent_initial_call=True,
    )(cb.move_cursor)
    app.callback(
        Output(ids.KPI_ROW, "children"),
        Output(ids.MAP_GRAPH, "figure"),
        Output(ids.TABLE_AREAS, "rowData"),
        Output(ids.CURSOR_LABEL, "children"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.CURSOR_SLIDER, "value"),
        Input(ids.STORE_WHATIF, "data"),
    )(cb.cursor_views)
    app.callback(
        Output(ids.ASSETS_GRAPH, "figure"),
        Input(ids.STORE_WHATIF, "data"),
        State(ids.FILTER_WINDOW, "value"),
    )(cb.assets_figure)
    app.callback(
        Output(ids.STORE_WHATIF, "data"),
        Output(ids.WHATIF_STATUS, "children"),
        Output(ids.WHATIF_REPAIR, "value"),
        Output(ids.WHATIF_BACKUP, "value"),
        Output(ids.WHATIF_STRIKES, "value"),
        Input(ids.WHATIF_RUN, "n_clicks"),
        Input(ids.WHATIF_RESET, "n_clicks"),
        State(ids.WHATIF_REPAIR, "value"),
        State(ids.WHATIF_BACKUP, "value"),
        State(ids.WHATIF_STRIKES, "value"),
        prevent_initial_call=True,
    )(lambda *args: cb.run_whatif(*args, trigger=ctx.triggered_id))
    app.callback(
        Output(ids.CURSOR_SLIDER, "value"),
        Input(ids.TIMELINE_GRAPH, "clickData"),
        prevent_initial_call=True,
    )(cb.click_to_cursor)
    app.callback(
        Output(ids.DOWNLOAD, "data"),
        Output(ids.DOWNLOAD_STATUS, "children"),
        *[Input(button, "n_clicks") for button in DOWNLOADS],
        State(ids.FILTER_SERVICE, "value"),
        State(ids.FILTER_AREA, "value"),
        State(ids.FILTER_WINDOW, "value"),
        State(ids.STORE_WHATIF, "data"),
        prevent_initial_call=True,
    )(lambda *args: cb.download(*args, trigger=ctx.triggered_id))
    app.callback(
        Output(ids.NEEDS_TITLE, "children"),
        Output(ids.NEEDS_TABLE, "children"),
        Output(ids.NEEDS_NOTE, "children"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.FILTER_WINDOW, "value"),
        Input(ids.STORE_WHATIF, "data"),
    )(cb.needs_panel)
    app.callback(
        Output(ids.OBSERVATION_SCORE, "children"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.STORE_WHATIF, "data"),
    )(cb.observation_line)
    if data.has_reference:
        app.callback(
            Output(ids.COMPARE_TITLE, "children"),
            Output(ids.COMPARE_TABLE, "children"),
            Output(ids.COMPARE_GRAPH, "figure"),
            Output(ids.COMPARE_NOTE, "children"),
            Input(ids.FILTER_SERVICE, "value"),
            Input(ids.FILTER_AREA, "value"),
            Input(ids.FILTER_WINDOW, "value"),
            Input(ids.STORE_WHATIF, "data"),
            Input(ids.TABS, "value"),
        )(cb.compare_panel)
    app.callback(
        Output(ids.PAGE_BODY, "children"),
        Output(ids.PROGRESS_INTERVAL, "disabled"),
        Input(ids.PROGRESS_INTERVAL, "n_intervals"),
        prevent_initial_call=True,
    )(cb.poll_progress)
    return cb
