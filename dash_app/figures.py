"""The page's figures: :mod:`impact.figures` called, laid out for the page, and made light enough to send.

No trace is built here: the figures come from :mod:`impact.figures`; this module sets
their layout (window, margins, notes, the cursor) and makes them light.

Light enough to send at national scale, without changing what they show:

The figure functions draw strikes (dotted lines and hover markers) on every call and give
every trace its own array of times. With 300 strikes and 2,160 hourly steps that is most of
the time spent and most of the bytes sent, although neither changes from one view to the
next. So the dashboard

- draws the series from the run without its strikes (:func:`without_strikes`) and adds
  the strike marks built once per run (:func:`impact.figures.strike_marks`,
  :func:`impact.figures.add_strike_marks`);
  strikes of the same hour share one dotted line (they would be drawn on top of each
  other), each keeps its own hover marker;
- sends a trace that covers the whole, evenly spaced time axis as its first time and step
  (plotly's ``x0`` / ``dx``) instead of 2,160 time strings (:func:`compact_time_axis`); a
  horizon that crosses a daylight-saving change keeps its explicit times.

Figures become plain dicts (``{"data": [...], "layout": {...}}``), which Dash sends as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xarray as xr

import impact
from dash_app.scores import observation_hover, scored_observations
from dash_app.text import service_label
from dash_app.views import REST_AREA, area_lines, busiest_assets, map_level
from dash_app.views.baseline import baseline_series
from impact.dataset import local_times, timezone_of, wall_clock
from impact.figures import (
    add_strike_marks,
    area_map_dict,
    areas_timeline,
    asset_status,
    compare_timeline,
    cursor_shape,
    grid_deficit,
    services_timeline,
    strike_marks,
    timeline,
)
from impact.observations import observations_in_people

__all__ = [
    "FigureParts",
    "assets_view",
    "compact_time_axis",
    "comparison_view",
    "cursor_moment",
    "deep_merge",
    "grid_figure",
    "map_view",
    "time_axis",
    "timeline_view",
    "top_of",
    "window_range",
    "without_strikes",
]


def without_strikes(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` without its strike dimension (a shallow copy: no data is copied)."""
    return ds.drop_dims("strike") if "strike" in ds.dims else ds


def top_of(figure: go.Figure) -> float:
    """Largest finite y value of the figure's traces [their unit]; 0 when there is none."""
    top = 0.0
    for trace in figure.data:
        values = np.asarray(trace.y if trace.y is not None else [], dtype=float)
        if values.size and np.isfinite(values).any():
            top = max(top, float(np.nanmax(values)))
    return top


def time_axis(ds: xr.Dataset) -> tuple[np.ndarray, str | None, float | None]:
    """The run's wall-clock time axis, with its first time and step [ms] when evenly spaced.

    Returns
    -------
    times : numpy.ndarray of datetime64[ns]
        Local wall-clock time of every step.
    first : str or None
        ``YYYY-MM-DD HH:MM:SS`` of the first step; None when the steps are not evenly spaced
        on the wall clock (the horizon crosses a daylight-saving change) or fewer than two.
    step_ms : float or None
        The step [ms]; None as ``first``.
    """
    times = np.asarray(wall_clock(ds["time"].values, timezone_of(ds)), dtype="datetime64[ns]")
    if len(times) < 2:
        return times, None, None
    steps = np.diff(times)
    if not (steps == steps[0]).all():
        return times, None, None
    first = pd.Timestamp(times[0]).strftime("%Y-%m-%d %H:%M:%S")
    return times, first, float(steps[0] / np.timedelta64(1, "ms"))


def compact_time_axis(figure: dict, axis: tuple[np.ndarray, str | None, float | None]) -> None:
    """Replace the ``x`` of every trace drawn over the whole evenly spaced axis by ``x0`` / ``dx``, in place.

    The points stay where they were: plotly places point k at ``x0 + k * dx``.
    """
    times, first, step_ms = axis
    if first is None:
        return
    for trace in figure["data"]:
        x = trace.get("x")
        if x is None or isinstance(x, dict) or len(x) != len(times):
            continue
        try:
            same = np.array_equal(np.asarray(x, dtype="datetime64[ns]"), times)
        except (TypeError, ValueError):
            continue
        if same:
            del trace["x"]
            trace["x0"], trace["dx"] = first, step_ms


def deep_merge(target: dict, changes: dict[str, Any]) -> dict:
    """Merge ``changes`` into ``target`` key by key, recursing into dicts; a None value deletes the key."""
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = value
    return target


@dataclass(frozen=True)
class FigureParts:
    """What the charts of one run reuse from call to call (built once per run).

    Attributes
    ----------
    bare : xarray.Dataset
        The run without its strikes: the figure functions draw the series from it.
    marks : tuple
        Strike lines and markers (:func:`impact.figures.strike_marks`).
    axis : tuple
        Wall-clock time axis (:func:`time_axis`).
    observations : pandas.DataFrame or None
        The reported figures drawn on the timeline, in people: those the run scored
        (:func:`dash_app.scores.scored_observations`), else the scenario's own.
    map_level : (int or None, str)
        Admin level the map draws and the note saying so (:func:`dash_app.views.map_level`).
    assets : (list of str or None, str)
        Assets the asset chart draws and the note (:func:`dash_app.views.busiest_assets`).
    scores : pandas.DataFrame or None
        The run's scores of the reported figures (None when it has none).
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


def with_note(layout: dict, note: str) -> None:
    """Add ``note`` (what a chart leaves out or sums) under its title, and room for it, in place."""
    if note:
        deep_merge(
            layout,
            {
                "title": {"subtitle": {"text": note, "font": {"size": 11}}},
                "margin": {"t": layout.get("margin", {}).get("t", 40) + 16},
            },
        )


def window_range(ds: xr.Dataset, window: tuple[int, int] | list[int]) -> list:
    """The x-axis range of the time window (first and last step), in local wall-clock time."""
    times = local_times(ds["time"].values, timezone_of(ds)).tz_localize(None)
    return [times[int(window[0])], times[int(window[1])]]


def cursor_moment(ds: xr.Dataset, step: int) -> Any:
    """Where the cursor line of time step ``step`` stands on the x axis (local wall-clock time)."""
    return cursor_shape(ds, ds["time"].values[int(step)])["x0"]


def _observation_hover(figure: dict, scores: pd.DataFrame, ds: xr.Dataset, service: str, area: str) -> None:
    """Give the ``observed`` markers of a timeline figure dict what the model says at each report, in place."""
    for trace in figure["data"]:
        if trace.get("name") == "observed":
            texts, template = observation_hover(scores, ds, service, area)  # the markers, in the same order
            trace["customdata"] = texts
            trace["hovertemplate"] = template


def band_figure(
    parts: FigureParts,
    service: str,
    area: str,
    band: bool,
    unmodified: xr.Dataset | None = None,
    baseline: xr.Dataset | None = None,
    names: tuple[str, str] = ("A", "B"),
    plan_quantile: float | None = None,
) -> go.Figure:
    """The timeline of one service with its band, observations, and the runs it is shown against.

    The planning statistic ``plan_quantile`` (default the run's) leads, the central estimate
    is a dashed reference line (:func:`impact.figures.timeline`).

    A baseline scenario B (when it has ``area``) is the grey dotted line, as in
    :func:`impact.figures.compare_timeline`; the run without the what-if (``unmodified``) a
    faded dotted line in A's colour.
    """
    compare, label, compare_label, unmodified_label = None, None, "baseline", "without the what-if"
    if baseline is not None and area in baseline.indexes["area"]:
        compare = baseline_series(parts.bare, baseline, service, area)
        label, compare_label = f"A: {names[0]}", f"B: {names[1]}"
        unmodified_label = f"A: {names[0]} without the what-if"
    return timeline(
        parts.bare,
        service=service,
        area=area,
        show_band=band,
        observations=parts.observations,
        label=label,
        compare_with=compare,
        compare_label=compare_label,
        unmodified=unmodified,
        unmodified_label=unmodified_label,
        plan_quantile=plan_quantile,
    )


def _lines_figure(parts: FigureParts, service: str, area: str, mode: str) -> tuple[go.Figure, str]:
    """The services or areas timeline, and a note on the areas summed into one line."""
    if mode == "services":
        return services_timeline(parts.bare, area), ""
    lines, areas, note = area_lines(parts.bare, service, area)
    return areas_timeline(lines, service, areas), note


def timeline_view(figure: go.Figure, parts: FigureParts, ds: xr.Dataset, view: dict, note: str = "") -> dict:
    """A timeline figure as the page sends it: a plain dict, cursor line first, strikes marked, window set.

    ``view`` holds ``service``, ``area``, ``mode``, ``window`` and ``step`` (the page's controls; mode ``grid``:
    the grid's deficit share of zone ``area``, :func:`grid_figure`).
    """
    height = top_of(figure)
    drawn = figure.to_plotly_json()
    if view["mode"] not in ("services", "areas", "grid") and parts.scores is not None:
        _observation_hover(drawn, parts.scores, ds, view["service"], view["area"])
    add_strike_marks(drawn, parts.marks, height * 1.05 if height > 0 else 1.0)
    layout = drawn["layout"]
    layout["shapes"] = [cursor_shape(ds, ds["time"].values[int(view["step"])]), *layout["shapes"]]
    deep_merge(
        layout,
        {
            "xaxis": {"range": window_range(ds, view["window"]), "title": None},
            "margin": {"t": 40, "l": 60, "r": 10, "b": 40},
            "title": {"font": {"size": 14}, "y": 0.98},
            "uirevision": f"{view['service']}-{view['area']}-{view['mode']}",
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "font": {"size": 11}},
        },
    )
    if note:
        rest = next(trace for trace in drawn["data"] if str(trace.get("name", "")).endswith(f"({REST_AREA})"))
        rest["name"] = rest["name"][: -len(f" ({REST_AREA})")]
        with_note(layout, note)
    compact_time_axis(drawn, parts.axis)
    return drawn


def lines_view(parts: FigureParts, ds: xr.Dataset, view: dict) -> dict:
    """The services or areas timeline (``view["mode"]``) as the page sends it (see :func:`timeline_view`)."""
    figure, note = _lines_figure(parts, view["service"], view["area"], view["mode"])
    return timeline_view(figure, parts, ds, view, note)


def assets_view(parts: FigureParts, ds: xr.Dataset, window: tuple[int, int] | list[int]) -> dict:
    """The asset status chart as a plain figure dict (at most the busiest assets; strikes marked)."""
    chosen, note = parts.assets
    drawn = asset_status(parts.bare, assets=chosen).to_plotly_json()
    if chosen:
        add_strike_marks(drawn, parts.marks, 1.05)
    # one legend entry per asset, long names: a column on the right keeps the plot its height
    deep_merge(
        drawn["layout"],
        {
            "xaxis": {"range": window_range(ds, window)},
            "legend": {"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top", "font": {"size": 10}},
            "margin": {"t": 50, "r": 10},
            "title": {"font": {"size": 14}, "y": 0.98},
        },
    )
    with_note(drawn["layout"], note)
    compact_time_axis(drawn, parts.axis)
    return drawn


def map_view(
    result: impact.Result,
    parts: FigureParts,
    service: str,
    step: int,
    assets: Any = None,
    *,
    level: int | None = None,
    colour_by: str = "share",
    selected: str | None = None,
    tiles: str | None = None,
    tiles_attribution: str = "",
    measure: str = "without",
) -> dict:
    """The map of ``service`` at time step ``step`` as the page sends it (a plain figure dict).

    A choropleth when the scenario has boundaries (``level``, ``colour_by``, the ``selected``
    area outlined, optional ``tiles``), else bubbles; see :func:`impact.figures.area_map`.
    When ``level`` is the one :func:`dash_app.views.map_level` chose for a scenario with too
    many small areas, the figure says so.
    """
    ds = result.dataset
    drawn = area_map_dict(
        result,
        service,
        ds["time"].values[int(step)],
        level=level,
        assets=assets,
        colour_by=colour_by,
        selected=selected,
        tiles=tiles,
        tiles_attribution=tiles_attribution,
        measure=measure,
    )
    layout = drawn["layout"]
    deep_merge(
        layout,
        {
            "title": {"font": {"size": 14}, "x": 0.01, "xanchor": "left"},
            "uirevision": f"map-{level}",
            "margin": {"t": 80},
            # the legend above the map, under its title: the credits take the foot of the map
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 11}},
        },
    )
    default_level, note = parts.map_level
    if note and level == default_level:
        with_note(layout, note)
    return drawn


def comparison_view(
    parts_a: FigureParts, bare_b: xr.Dataset, view: dict, names: tuple[str, str], ds: xr.Dataset
) -> dict:
    """A and B over time in the area (top) and A - B (bottom), as the page sends it.

    Only ``view["area"]`` is handed to :func:`impact.figures.compare_timeline`; A's strike
    marks (built once per run) are added. ``view`` holds ``service``, ``area`` and ``window``.
    """
    service, area = view["service"], view["area"]
    figure = compare_timeline(parts_a.bare.sel(area=[area]), bare_b.sel(area=[area]), service, area, names=names)
    height = top_of(figure)  # A - B never exceeds A: the top row's highest point
    drawn = figure.to_plotly_json()
    add_strike_marks(drawn, parts_a.marks, height * 1.05 if height > 0 else 1.0)
    new_range = window_range(ds, view["window"])
    title = f"People without {service_label(service).lower()} over time: A and B (top), A − B (bottom)"
    deep_merge(
        drawn["layout"],
        {
            "xaxis": {"range": new_range},
            "xaxis2": {"range": new_range},
            "margin": {"t": 70, "l": 60, "r": 10, "b": 40},
            "title": {"text": title, "font": {"size": 14}, "y": 0.98},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": 11}},
            "uirevision": f"compare-{service}-{area}",
        },
    )
    compact_time_axis(drawn, parts_a.axis)
    return drawn


def grid_figure(parts: FigureParts, ds: xr.Dataset, zone: str, window: tuple[int, int] | list[int], step: int) -> dict:
    """The share of ``zone``'s electricity demand not met (:func:`impact.figures.grid_deficit`) as the page sends
    it: a plain dict, cursor line first at ``step``, strikes marked, the time ``window`` set (see
    :func:`timeline_view`)."""
    view = {"service": "grid", "area": zone, "mode": "grid", "window": window, "step": step}
    return timeline_view(grid_deficit(parts.bare, zone), parts, ds, view)
