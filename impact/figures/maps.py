"""A map of people without service per area, drawn offline.

Areas are bubbles at their (coarse) centroids on a plain longitude/latitude plane: no map
tiles, no topojson, no request leaves the machine. A bubble's area is proportional to
the people without the service at the chosen time; its colour is the share of the area's
population (Cividis, readable with colour-blindness).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xarray as xr

from impact.areas import AreaTree
from impact.dataset import as_dataset, local_times, timezone_of
from impact.figures._base import STRIKE_COLOUR, check_choice

__all__ = ["MAX_BUBBLE_PX", "area_map"]

#: Diameter of the largest bubble [px].
MAX_BUBBLE_PX = 60


def _level_areas(ds: xr.Dataset, level: int | None) -> list[str]:
    """Areas drawn: those at ``level``, or by default the leaves (areas without children)."""
    if level is None:
        return AreaTree.from_dataset(ds).leaves()
    ids = [str(a) for a in ds["area"].values]
    levels = [int(v) for v in ds["admin_level"].values]
    return [a for a, lv in zip(ids, levels, strict=True) if lv == level]


def _time_index(ds: xr.Dataset, time: Any) -> int:
    """Index of the time step holding ``time`` (default: the first step)."""
    times = pd.DatetimeIndex(ds["time"].values)
    if time is None:
        return 0
    moment = pd.Timestamp(time)
    if moment.tzinfo is not None:
        moment = moment.tz_convert("UTC").tz_localize(None)
    position = int(times.searchsorted(moment, side="right")) - 1
    return min(max(position, 0), len(times) - 1)


def area_map(
    result: Any,
    service: str = "power",
    time: Any = None,
    *,
    level: int | None = None,
    assets: pd.DataFrame | None = None,
    statistic: str = "central",
) -> go.Figure:
    """Bubbles of people without ``service`` per area at one time.

    Parameters
    ----------
    result : xarray.Dataset or result object
        A result with ``latitude`` / ``longitude`` coordinates on ``area``.
    service : str
        Service shown.
    time : str, pandas.Timestamp or None
        Time shown (any time inside a step picks that step; naive times are UTC);
        default the first step.
    level : int, optional
        Admin level drawn; default the leaf areas.
    assets : DataFrame, optional
        Asset positions to draw (columns ``asset_id``, ``name``, ``kind``, ``latitude``,
        ``longitude``). Only pass them when the operator asked for asset positions.
    statistic : {"central", "mean"}
        Which estimate sizes the bubbles.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace ``areas`` (bubbles, hover: name, P-code, people without, share of population),
        ``strikes`` (markers at the struck assets' area centroids) and, if given,
        ``assets``.
    """
    ds = as_dataset(result)
    check_choice(service, [str(s) for s in ds["service"].values], "service")
    check_choice(statistic, ["central", "mean"], "statistic")
    areas = _level_areas(ds, level)
    step = _time_index(ds, time)
    at = ds.isel(time=step).sel(service=service, area=areas)
    people = np.nan_to_num(np.asarray(at[f"people_without_{statistic}"].values, dtype=float))
    population = np.asarray(at["population"].values, dtype=float)
    share = np.divide(people, population, out=np.zeros_like(people), where=population > 0)
    lat = np.asarray(at["latitude"].values, dtype=float) if "latitude" in at.coords else np.full(len(areas), np.nan)
    lon = np.asarray(at["longitude"].values, dtype=float) if "longitude" in at.coords else np.full(len(areas), np.nan)
    names = [str(n) for n in at["name"].values]
    largest = max(
        float(np.nanmax(ds[f"people_without_{statistic}"].sel(service=service, area=areas).values, initial=0.0)), 1.0
    )
    sizes = np.sqrt(people / largest) * MAX_BUBBLE_PX
    moment = local_times(ds["time"].values[step : step + 1], timezone_of(ds))[0]

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=lon,
            y=lat,
            mode="markers+text",
            name="areas",
            text=[f"{p / 1000:,.0f}k" if p >= 1000 else "" for p in people],
            textposition="middle center",
            textfont={"size": 10, "color": "#222"},
            marker={
                "size": np.maximum(sizes, 6),
                "color": share,
                "cmin": 0,
                "cmax": 1,
                "colorscale": "Cividis",
                "line": {"color": "#333", "width": 1},
                "opacity": 0.8,
                "colorbar": {"title": {"text": "share of<br>population"}, "tickformat": ".0%", "len": 0.8},
            },
            customdata=np.column_stack([areas, names, people, share, population]),
            hovertemplate=(
                "%{customdata[1]} (%{customdata[0]})<br>%{customdata[2]:,.0f} people without "
                f"{service}<br>%{{customdata[3]:.1%}} of %{{customdata[4]:,.0f}}<extra></extra>"
            ),
        )
    )
    _add_strike_markers(fig, ds, moment)
    if assets is not None and len(assets):
        fig.add_trace(
            go.Scatter(
                x=assets["longitude"],
                y=assets["latitude"],
                mode="markers",
                name="assets",
                marker={"symbol": "square", "size": 7, "color": "#555"},
                text=[
                    f"{n} ({a}, {k})"
                    for a, n, k in zip(assets["asset_id"], assets["name"], assets["kind"], strict=True)
                ],
                hovertemplate="%{text}<extra>asset</extra>",
            )
        )
    fig.update_layout(
        title={"text": f"Without {service}, {moment:%d %b %H:%M} {moment.isoformat()[-6:]}"},
        xaxis={"title": {"text": "longitude [°E]"}, "showgrid": False, "zeroline": False},
        yaxis={
            "title": {"text": "latitude [°N]"},
            "showgrid": False,
            "zeroline": False,
            "scaleanchor": "x",
            "scaleratio": 1 / max(np.cos(np.deg2rad(np.nanmean(lat) if np.isfinite(lat).any() else 0.0)), 0.1),
        },
        template="plotly_white",
        plot_bgcolor="#f4f6f8",
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"t": 70, "l": 50, "r": 10, "b": 40},
    )
    return fig


def _add_strike_markers(fig: go.Figure, ds: xr.Dataset, moment: pd.Timestamp) -> None:
    """Strikes up to ``moment`` at the centroid of their asset's area (never the asset's site)."""
    if "strike" not in ds.dims or ds.sizes["strike"] == 0 or "asset_area" not in ds.coords:
        return
    area_of = dict(zip((str(a) for a in ds["asset"].values), (str(a) for a in ds["asset_area"].values), strict=True))
    lat = dict(zip((str(a) for a in ds["area"].values), ds["latitude"].values, strict=True))
    lon = dict(zip((str(a) for a in ds["area"].values), ds["longitude"].values, strict=True))
    times = local_times(ds["strike_time"].values, timezone_of(ds))
    rows = [
        (
            lon.get(area_of.get(str(asset), ""), np.nan),
            lat.get(area_of.get(str(asset), ""), np.nan),
            f"strike {sid} {when:%d %b %H:%M}<br>{asset} ({state})",
        )
        for sid, asset, state, when in zip(
            ds["strike"].values, ds["strike_asset"].values, ds["damage_state"].values, times, strict=True
        )
        if when <= moment and state != "none"
    ]
    if not rows:
        return
    x, y, text = zip(*rows, strict=True)
    fig.add_trace(
        go.Scatter(
            x=list(x),
            y=list(y),
            mode="markers",
            name="strikes (at area centroid)",
            marker={"symbol": "x", "size": 12, "color": STRIKE_COLOUR, "line": {"width": 1}},
            text=list(text),
            hovertemplate="%{text}<extra></extra>",
        )
    )
