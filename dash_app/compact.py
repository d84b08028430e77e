"""Figures of :mod:`impact.figures` made light enough to send at national scale, without changing what they show.

The figure functions draw strikes (dotted lines and hover markers) on every call and give
every trace its own array of times. With 300 strikes and 2,160 hourly steps that is most of
the time spent and most of the bytes sent, although neither changes from one view to the
next. So the dashboard

- draws the series from the run without its strikes (:func:`without_strikes`) and adds
  the strike marks built once per run (:func:`strike_marks`, :func:`add_strike_marks`);
  strikes of the same hour share one dotted line (they would be drawn on top of each
  other), each keeps its own hover marker;
- sends a trace that covers the whole, evenly spaced time axis as its first time and step
  (plotly's ``x0`` / ``dx``) instead of 2,160 time strings (:func:`compact_time_axis`); a
  horizon that crosses a daylight-saving change keeps its explicit times.

Figures become plain dicts (``{"data": [...], "layout": {...}}``), which Dash sends as they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xarray as xr

from impact.dataset import timezone_of, wall_clock
from impact.figures.base import add_strikes, strike_table


def without_strikes(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` without its strike dimension (a shallow copy: no data is copied)."""
    return ds.drop_dims("strike") if "strike" in ds.dims else ds


def strike_marks(ds: xr.Dataset) -> tuple[list[dict], dict | None]:
    """The strike decorations :func:`impact.figures.base.add_strikes` draws, as plain dicts.

    Returns
    -------
    shapes : list of dict
        One dotted vertical line per distinct strike time (strikes at the same time share it).
    trace : dict or None
        The ``strikes`` marker trace (hover: id, time, asset, damage state, killed, injured),
        its ``y`` to be set by :func:`add_strike_marks`; None without strikes.
    """
    figure = go.Figure()
    add_strikes(figure, strike_table(ds), y=1.0)
    drawn = figure.to_plotly_json()
    shapes, seen = [], set()
    for shape in drawn["layout"].get("shapes", []):
        key = pd.Timestamp(shape["x0"])
        if key not in seen:
            seen.add(key)
            shapes.append(shape)
    trace = drawn["data"][0] if drawn["data"] else None
    return shapes, trace


def add_strike_marks(figure: dict, marks: tuple[list[dict], dict | None], height: float) -> None:
    """Add the strike lines (after the figure's own shapes) and markers at ``height`` (last trace), in place."""
    shapes, trace = marks
    layout = figure.setdefault("layout", {})
    layout["shapes"] = [*layout.get("shapes", []), *shapes]
    if trace is not None:
        figure["data"].append(dict(trace, y=np.full(len(trace["x"]), float(height))))


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


def merge(target: dict, changes: dict[str, Any]) -> dict:
    """Merge ``changes`` into ``target`` key by key, recursing into dicts; a None value deletes the key."""
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value
    return target
