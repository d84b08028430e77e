"""Timelines of people without service."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xarray as xr

from impact.areas import AreaTree
from impact.dataset import (
    area_name,
    as_dataset,
    offsets_label,
    plan_quantile_of,
    plan_values,
    statistic_name,
    timezone_of,
    top_area,
    wall_clock,
)
from impact.figures._base import (
    AREA_COLOURS,
    BAND_FILL,
    BASELINE_COLOUR,
    CENTRAL_COLOUR,
    COLD_COLOUR,
    CURSOR_COLOUR,
    DRAINED_COLOUR,
    MEAN_COLOUR,
    OBSERVATION_COLOUR,
    OUTDOOR_COLOUR,
    SCHEDULED_COLOUR,
    SCHEDULED_FILL,
    SERVICE_COLOURS,
    add_strikes,
    check_choice,
    choices,
    scatter_class,
    strike_table,
)
from impact.observations import observations_in_people

__all__ = [
    "CENTRAL_NAME",
    "COLD_NAME",
    "CUTS_NAME",
    "DRAINED_NAME",
    "OUTDOOR_NAME",
    "areas_timeline",
    "cursor_shape",
    "services_timeline",
    "timeline",
]

#: Name of the central estimate's line beside the planning statistic.
CENTRAL_NAME = "central (every repair at its median)"

#: Name of the shaded component of the central estimate: people without power because of the rotating
#: cuts that shed the grid's deficit (emergency cuts) or the schedules of ``blackouts.csv`` (scheduled cuts).
CUTS_NAME = "of which emergency and scheduled cuts (central)"


def _observation_points(obs: pd.DataFrame, ds: xr.Dataset, service: str, area: str):
    required = ("time", "value_people")
    missing = [c for c in required if c not in obs.columns]
    if missing:
        raise ValueError(
            f"observations lack column(s) {choices(missing)}; expected time (tz-aware), "
            "value_people and optionally source, area_id, service"
        )
    sel = obs
    if "area_id" in sel.columns:
        sel = sel[sel["area_id"].astype(str) == area]
    if "service" in sel.columns:
        sel = sel[sel["service"].astype(str) == service]
    times = pd.to_datetime(sel["time"])
    times = pd.DatetimeIndex(times)
    if times.tz is None:  # naive times are taken as UTC, like the result's
        times = times.tz_localize("UTC")
    x = times.tz_convert(timezone_of(ds)).tz_localize(None)
    sources = sel["source"].astype(str).tolist() if "source" in sel.columns else [""] * len(sel)
    return x, pd.to_numeric(sel["value_people"]).to_numpy(dtype=float), sources


def timeline(
    result: Any,
    service: str = "power",
    area: str | None = None,
    show_band: bool = True,
    observations: pd.DataFrame | None = None,
    *,
    label: str | None = None,
    compare_with: Any = None,
    compare_label: str = "baseline",
    unmodified: Any = None,
    unmodified_label: str = "unmodified",
    cursor: Any = None,
    baseline: Any = None,
    plan_quantile: float | None = None,
) -> go.Figure:
    """People without a service over time in one area.

    Parameters
    ----------
    result : xarray.Dataset or result object
        A result dataset, or an object with ``.dataset``.
    service : str
        ``"power"``, ``"water"`` or ``"heat"`` (any service in the result).
    area : str, optional
        Area id; default the top area (the one whose ``parent_id`` is empty).
    show_band : bool
        Shade the range between the lowest and the highest quantile of the Monte Carlo
        distribution (when the result has at least two quantiles and samples).
    observations : pandas.DataFrame, optional
        Reported figures to draw as markers, with columns ``time`` (tz-aware; naive is
        read as UTC), ``value_people`` [persons] and optionally ``source``. Rows with
        ``area_id`` / ``service`` columns not matching ``area`` / ``service`` are left out.
        Default: the scenario's own observations (households and consumers converted with
        ``persons_per_household``) when ``result`` is a :class:`impact.Result`.
    label : str, optional
        Names this run's lines ``"{label} ({statistic})"`` and ``"{label} (central)"``; default
        ``"{statistic} over samples"`` and ``"central (every repair at its median)"``
        (:data:`CENTRAL_NAME`).
    compare_with : xarray.Dataset or result object, optional
        A baseline run (e.g. scenario B of :func:`impact.compare`) with the same areas and
        times, drawn as a grey dotted ``"{compare_label} (central)"`` line [persons].
    compare_label : str
        Name of that line (default ``baseline``).
    unmodified : xarray.Dataset or result object, optional
        The same scenario without a what-if, drawn as a faded dotted line in this run's
        colour, ``"{unmodified_label} (central)"`` [persons].
    unmodified_label : str
        Name of that line (default ``unmodified``).
    cursor : time, optional
        Draws a vertical ``cursor`` line at this time (see :func:`cursor_shape`).
    baseline : xarray.Dataset or result object, optional
        Deprecated alias of ``compare_with`` (emits :class:`DeprecationWarning`).
    plan_quantile : float, optional
        The planning statistic drawn as the leading line: one of the result's quantiles [1];
        default the result's ``plan_quantile`` (0.5, the median).

    Returns
    -------
    plotly.graph_objects.Figure
        Traces, in order: the quantile band (two traces, upper then lower, if drawn), the
        planning statistic, e.g. ``median over samples`` [persons] (solid; omitted without
        samples), ``central (every repair at its median)`` [persons] (dashed; solid without
        samples), ``Monte Carlo mean`` [persons] (dotted; omitted without samples),
        :data:`CUTS_NAME` [persons] (shaded; the part of the central estimate without power
        because of emergency cuts that shed the grid's deficit or the scheduled cuts of
        ``blackouts.csv``; drawn where there are any), for heat :data:`COLD_NAME` and
        :data:`DRAINED_NAME` [persons] (central; where the result has any), :data:`OUTDOOR_NAME`
        [°C] on a right-hand axis (with ``temperature.csv``), ``strikes`` (markers with strike id,
        asset, damage state, killed, injured in the hover text; also dotted vertical lines) and
        ``observed``, with the ``compare_with`` and ``unmodified`` lines before ``strikes``.
        The x axis is local wall-clock time.

    Raises
    ------
    ValueError
        If ``service`` or ``area`` is not in the result (the message lists the choices).
    """
    if baseline is not None:
        if compare_with is not None:
            raise TypeError("timeline() got both baseline= and compare_with=; use compare_with= only")
        warnings.warn(
            "timeline(baseline=...) is deprecated; use compare_with=... (and compare_label=...)",
            DeprecationWarning,
            stacklevel=2,
        )
        compare_with = baseline
    ds = as_dataset(result)
    services = [str(s) for s in ds["service"].values]
    check_choice(service, services, "service")
    areas = [str(a) for a in ds["area"].values]
    if area is None:
        area = top_area(ds)
    check_choice(area, areas, "area")

    tz = timezone_of(ds)
    x = wall_clock(ds["time"].values, tz)
    cls = scatter_class(len(x))
    sel = {"service": service, "area": area}
    central = np.asarray(ds["people_without_central"].sel(sel).values, dtype=float)
    mean = (
        np.asarray(ds["people_without_mean"].sel(sel).values, dtype=float)
        if "people_without_mean" in ds
        else np.full(len(x), np.nan)
    )
    fig = go.Figure()
    hover = "%{x|%Y-%m-%d %H:%M} " + offsets_label(ds).split(", ")[-1]
    ymax = float(np.nanmax(central)) if np.isfinite(central).any() else 0.0

    quantiles = [float(q) for q in ds["quantile"].values] if "quantile" in ds.coords else []
    if show_band and len(quantiles) >= 2 and "people_without" in ds:
        qda = ds["people_without"].sel(sel)
        lo_q, hi_q = min(quantiles), max(quantiles)
        lo = np.asarray(qda.sel(quantile=lo_q).values, dtype=float)
        hi = np.asarray(qda.sel(quantile=hi_q).values, dtype=float)
        if np.isfinite(hi).any():
            band = f"{lo_q * 100:g}–{hi_q * 100:g} % range"
            fig.add_trace(
                cls(
                    x=x,
                    y=hi,
                    mode="lines",
                    name=f"{band} (upper)",
                    line={"width": 0, "shape": "hv"},
                    showlegend=False,
                    legendgroup="band",
                    hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>q{hi_q:g}</extra>",
                )
            )
            fig.add_trace(
                cls(
                    x=x,
                    y=lo,
                    mode="lines",
                    name=band,
                    line={"width": 0, "shape": "hv"},
                    fill="tonexty",
                    fillcolor=BAND_FILL,
                    legendgroup="band",
                    hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>q{lo_q:g}</extra>",
                )
            )
            ymax = max(ymax, float(np.nanmax(hi)))

    plan = plan_quantile_of(ds) if plan_quantile is None else float(plan_quantile)
    statistic = statistic_name(plan)
    planned = (
        np.asarray(plan_values(ds["people_without"].sel(sel), plan).values, dtype=float)
        if "people_without" in ds
        else np.full(len(x), np.nan)
    )
    leads = bool(np.isfinite(planned).any())
    if leads:
        fig.add_trace(
            cls(
                x=x,
                y=planned,
                mode="lines",
                name=f"{statistic} over samples" if label is None else f"{label} ({statistic})",
                line={"color": CENTRAL_COLOUR, "width": 2, "shape": "hv"},
                hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>{statistic}</extra>",
            )
        )
        ymax = max(ymax, float(np.nanmax(planned)))
    fig.add_trace(
        cls(
            x=x,
            y=central,
            mode="lines",
            name=CENTRAL_NAME if label is None else f"{label} (central)",
            line={"color": CENTRAL_COLOUR, "width": 1.5 if leads else 2, "shape": "hv"}
            | ({"dash": "dash"} if leads else {}),
            hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>{'central' if label is None else label}</extra>",
        )
    )
    if np.isfinite(mean).any():
        fig.add_trace(
            cls(
                x=x,
                y=mean,
                mode="lines",
                name="Monte Carlo mean",
                line={"color": MEAN_COLOUR, "width": 1.5, "dash": "dot", "shape": "hv"},
                hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>mean</extra>",
            )
        )
        ymax = max(ymax, float(np.nanmax(mean)))

    if "people_without_scheduled_central" in ds:
        scheduled = np.asarray(ds["people_without_scheduled_central"].sel(sel).values, dtype=float)
        if np.nanmax(scheduled, initial=0.0) > 0:
            fig.add_trace(
                cls(
                    x=x,
                    y=scheduled,
                    mode="lines",
                    name=CUTS_NAME,
                    line={"color": SCHEDULED_COLOUR, "width": 1.5, "shape": "hv"},
                    fill="tozeroy",
                    fillcolor=SCHEDULED_FILL,
                    hovertemplate=(f"{hover}<br>%{{y:,.0f}} people in emergency or scheduled cuts<extra>cuts</extra>"),
                )
            )

    if service == "heat":
        ymax = max(ymax, _heat_states(fig, ds, area, x, cls, hover))
    _outdoor(fig, ds, area, x, cls, hover)

    scenario = getattr(result, "scenario", None)
    if observations is None and scenario is not None and len(scenario.observations):
        observations = observations_in_people(scenario.observations, scenario.config.persons_per_household)
    if observations is not None:
        ox, oy, sources = _observation_points(observations, ds, service, area)
        if len(ox):
            fig.add_trace(
                go.Scatter(
                    x=ox,
                    y=oy,
                    mode="markers",
                    name="observed",
                    marker={"symbol": "x", "size": 9, "color": OBSERVATION_COLOUR},
                    hovertext=sources,
                    hovertemplate=(f"{hover}<br>%{{y:,.0f}} people reported<br>%{{hovertext}}<extra>observed</extra>"),
                )
            )
            if np.isfinite(oy).any():
                ymax = max(ymax, float(np.nanmax(oy)))

    if compare_with is not None:
        base = as_dataset(compare_with)
        fig.add_trace(
            cls(
                x=x,
                y=np.asarray(base["people_without_central"].sel(sel).values, dtype=float),
                mode="lines",
                name=f"{compare_label} (central)",
                line={"color": BASELINE_COLOUR, "width": 2, "dash": "dot", "shape": "hv"},
                hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>{compare_label}</extra>",
            )
        )
    if unmodified is not None:
        fig.add_trace(
            cls(
                x=x,
                y=np.asarray(as_dataset(unmodified)["people_without_central"].sel(sel).values, dtype=float),
                mode="lines",
                name=f"{unmodified_label} (central)",
                line={"color": CENTRAL_COLOUR, "width": 2, "dash": "dot", "shape": "hv"},
                opacity=0.5,
                hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>{unmodified_label}</extra>",
            )
        )
    add_strikes(fig, strike_table(ds), y=ymax * 1.05 if ymax > 0 else 1.0)
    if cursor is not None:
        fig.add_shape(cursor_shape(ds, cursor))

    name = area_name(ds, area)
    fig.update_layout(
        title={"text": f"People without {service}: {name} ({area})"},
        xaxis_title=f"local time ({offsets_label(ds)})",
        yaxis_title="people without service [persons]",
        yaxis={"rangemode": "tozero"},
        hovermode="closest",
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 90},
    )
    return fig


#: Names of the heat timeline's lines of cold homes and drained buildings (docs/method.md, 4d-4e).
COLD_NAME = "in cold homes (central)"
DRAINED_NAME = "in drained buildings (central)"

#: Name of the outdoor temperature line (right axis).
OUTDOOR_NAME = "outdoor temperature [°C]"


def _heat_states(fig: go.Figure, ds: xr.Dataset, area: str, x: Any, cls: Any, hover: str) -> float:
    """Add the central lines of people in cold homes and in drained buildings (when the result
    has them); return their largest value [persons]."""
    peak = 0.0
    for variable, name, colour, dash in (
        ("people_cold_central", COLD_NAME, COLD_COLOUR, "solid"),
        ("people_drained_central", DRAINED_NAME, DRAINED_COLOUR, "dashdot"),
    ):
        if variable not in ds:
            continue
        values = np.asarray(ds[variable].sel(area=area).values, dtype=float)
        if not np.nanmax(values, initial=0.0) > 0:
            continue
        fig.add_trace(
            cls(
                x=x,
                y=values,
                mode="lines",
                name=name,
                line={"color": colour, "width": 1.5, "dash": dash, "shape": "hv"},
                hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>{name}</extra>",
            )
        )
        peak = max(peak, float(np.nanmax(values)))
    return peak


def _outdoor(fig: go.Figure, ds: xr.Dataset, area: str, x: Any, cls: Any, hover: str) -> None:
    """Add the area's outdoor temperature on a right-hand axis (when the result has it)."""
    if "outdoor_temperature" not in ds:
        return
    values = np.asarray(ds["outdoor_temperature"].sel(area=area).values, dtype=float)
    if not np.isfinite(values).any():
        return
    fig.add_trace(
        cls(
            x=x,
            y=values,
            mode="lines",
            name=OUTDOOR_NAME,
            yaxis="y2",
            line={"color": OUTDOOR_COLOUR, "width": 1, "shape": "hv"},
            hovertemplate=f"{hover}<br>%{{y:.1f}} °C<extra>outdoors</extra>",
        )
    )
    fig.update_layout(
        yaxis2={"title": "outdoor temperature [°C]", "overlaying": "y", "side": "right", "showgrid": False}
    )


def cursor_shape(result: Any, time: Any) -> dict:
    """The vertical line marking the page's time cursor, as a plotly shape dict.

    Parameters
    ----------
    result : xarray.Dataset or result object
    time : time
        Naive times are UTC; aware times are converted.

    Returns
    -------
    dict
        A ``line`` shape named ``cursor`` at the local wall-clock time (update its ``x0`` /
        ``x1`` to move it).
    """
    ds = as_dataset(result)
    moment = pd.Timestamp(time)
    if moment.tzinfo is None:
        moment = moment.tz_localize("UTC")
    x = moment.tz_convert(timezone_of(ds)).tz_localize(None)
    return {
        "type": "line",
        "name": "cursor",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": CURSOR_COLOUR, "width": 2},
    }


def _lines(ds: xr.Dataset, series: list[tuple[str, dict, str]], title: str, cursor: Any) -> go.Figure:
    """Central lines of several (label, selection, colour) series on one local time axis."""
    tz = timezone_of(ds)
    x = wall_clock(ds["time"].values, tz)
    cls = scatter_class(len(x))
    hover = "%{x|%Y-%m-%d %H:%M} " + offsets_label(ds).split(", ")[-1]
    fig = go.Figure()
    peak = 0.0
    for label, selection, colour in series:
        y = np.asarray(ds["people_without_central"].sel(selection).values, dtype=float)
        peak = max(peak, float(np.nanmax(y, initial=0.0)))
        fig.add_trace(
            cls(
                x=x,
                y=y,
                mode="lines",
                name=label,
                line={"color": colour, "width": 2, "shape": "hv"},
                hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>{label}</extra>",
            )
        )
    add_strikes(fig, strike_table(ds), y=peak * 1.05 if peak > 0 else 1.0)
    if cursor is not None:
        fig.add_shape(cursor_shape(ds, cursor))
    fig.update_layout(
        title={"text": title},
        xaxis_title=f"local time ({offsets_label(ds)})",
        yaxis_title="people without service [persons]",
        yaxis={"rangemode": "tozero"},
        template="plotly_white",
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 90},
    )
    return fig


def services_timeline(result: Any, area: str | None = None, *, cursor: Any = None) -> go.Figure:
    """Central estimate of people without each service in one area, one line per service.

    Parameters
    ----------
    result : xarray.Dataset or result object
    area : str, optional
        Area id; default the top area.
    cursor : time, optional
        Vertical cursor line.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per service (``power``, ``water``, ``heat``) [persons], strikes marked.
    """
    ds = as_dataset(result)
    area = area or top_area(ds)
    check_choice(area, [str(a) for a in ds["area"].values], "area")
    series = [
        (str(s), {"service": str(s), "area": area}, SERVICE_COLOURS.get(str(s), CENTRAL_COLOUR))
        for s in ds["service"].values
    ]
    return _lines(ds, series, f"People without service (central): {area_name(ds, area)} ({area})", cursor)


def areas_timeline(
    result: Any, service: str = "power", areas: list[str] | None = None, *, cursor: Any = None
) -> go.Figure:
    """Central estimate of people without one service, one line per area.

    Parameters
    ----------
    result : xarray.Dataset or result object
    service : str
    areas : list of str, optional
        Area ids; default the children of the top area.
    cursor : time, optional
        Vertical cursor line.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per area [persons], strikes marked.
    """
    ds = as_dataset(result)
    check_choice(service, [str(s) for s in ds["service"].values], "service")
    ids = [str(a) for a in ds["area"].values]
    if areas is None:
        top = top_area(ds)
        areas = AreaTree.from_dataset(ds).children(top) or [top]
    for area in areas:
        check_choice(area, ids, "area")
    series = [
        (f"{area_name(ds, a)} ({a})", {"service": service, "area": a}, AREA_COLOURS[i % len(AREA_COLOURS)])
        for i, a in enumerate(areas)
    ]
    return _lines(ds, series, f"People without {service} by area (central)", cursor)
