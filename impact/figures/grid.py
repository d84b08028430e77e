"""The grid's capacity balance: the share of a zone's electricity demand its available supply cannot meet.

Drawn from the result's ``grid_deficit_share*`` variables (docs/method.md, the capacity balance
of issue 14); a result without a grid (no asset with ``capacity_mw``) has none of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
import xarray as xr

from impact.dataset import as_dataset, offsets_label, timezone_of, wall_clock
from impact.figures._base import (
    BAND_FILL,
    CENTRAL_COLOUR,
    MEAN_COLOUR,
    add_strikes,
    check_choice,
    scatter_class,
    strike_table,
)
from impact.figures.timeline import CENTRAL_NAME, cursor_shape
from impact.scenario.schema import DEFAULT_GRID_ZONE

__all__ = ["NO_GRID", "grid_deficit", "grid_zones", "zone_label"]

#: The note of the figure of a result without a grid capacity balance.
NO_GRID = "No grid capacity balance in this run: no asset of assets.csv has capacity_mw."


def grid_zones(result: Any) -> list[str]:
    """Zones of the result's grid capacity balance, in the dataset's order.

    Parameters
    ----------
    result : xarray.Dataset or result object

    Returns
    -------
    list of str
        The ``zone`` coordinate; empty when the result has no ``grid_deficit_share_central``.
    """
    ds = as_dataset(result)
    if "grid_deficit_share_central" not in ds or "zone" not in ds.dims:
        return []
    return [str(zone) for zone in ds["zone"].values]


def zone_label(zone: str) -> str:
    """A zone as titles name it: ``zone east``; the default zone ``all`` as ``the whole scenario (one zone)``."""
    return "the whole scenario (one zone)" if str(zone) == DEFAULT_GRID_ZONE else f"zone {zone}"


def _values(ds: xr.Dataset, name: str, zone: str, **selection: Any) -> np.ndarray:
    """One series of ``name`` in ``zone`` as floats; NaN everywhere when the result lacks ``name``."""
    if name not in ds:
        return np.full(ds.sizes["time"], np.nan)
    return np.asarray(ds[name].sel(zone=zone, **selection).values, dtype=np.float64)


def _empty(ds: xr.Dataset) -> go.Figure:
    """The figure of a result without a grid: no trace, the axes hidden and :data:`NO_GRID` in the middle."""
    fig = go.Figure()
    fig.add_annotation(text=NO_GRID, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_layout(
        title={"text": "Share of electricity demand not met"},
        xaxis={"visible": False},
        yaxis={"visible": False},
        template="plotly_white",
    )
    return fig


def _band(fig: go.Figure, ds: xr.Dataset, zone: str, x: Any, hover: str) -> float:
    """Add the range between the lowest and the highest quantile (upper, then lower and filled); its top [1]."""
    quantiles = [float(q) for q in ds["quantile"].values] if "quantile" in ds.coords else []
    if len(quantiles) < 2 or "grid_deficit_share" not in ds:
        return 0.0
    lo_q, hi_q = min(quantiles), max(quantiles)
    lo = _values(ds, "grid_deficit_share", zone, quantile=lo_q)
    hi = _values(ds, "grid_deficit_share", zone, quantile=hi_q)
    if not np.isfinite(hi).any():
        return 0.0
    cls = scatter_class(len(x))
    band = f"{lo_q * 100:g}–{hi_q * 100:g} % range"
    for y, q, extra in ((hi, hi_q, {"showlegend": False}), (lo, lo_q, {"fill": "tonexty", "fillcolor": BAND_FILL})):
        fig.add_trace(
            cls(
                x=x,
                y=y,
                mode="lines",
                name=f"{band} (upper)" if q == hi_q else band,
                line={"width": 0, "shape": "hv"},
                legendgroup="band",
                hovertemplate=f"{hover}<br>%{{y:.0%}} of demand not met<extra>q{q:g}</extra>",
                **extra,
            )
        )
    return float(np.nanmax(hi))


def grid_deficit(result: Any, zone: str | None = None, show_band: bool = True, *, cursor: Any = None) -> go.Figure:
    """Share of one grid zone's electricity demand that its available supply cannot meet, over time.

    The deficit share is ``max(0, 1 - available / demand)`` [1] each hour: available is the
    capacity of the zone's supply assets that are up (``capacity_mw``), demand the zone's
    (``grid_demand_mw``). The grid sheds that share of its customers by rotating cuts.

    Parameters
    ----------
    result : xarray.Dataset or result object
        A result dataset, or an object with ``.dataset``.
    zone : str, optional
        A zone of the result (:func:`grid_zones`); default the first.
    show_band : bool
        Shade the range between the lowest and the highest quantile over the Monte Carlo
        samples (when the result has at least two quantiles and samples).
    cursor : time, optional
        Draws a vertical ``cursor`` line at this time (:func:`impact.figures.cursor_shape`).

    Returns
    -------
    plotly.graph_objects.Figure
        Traces, in order: the quantile band (two traces, upper then lower, if drawn) [1],
        ``central (every repair at its median)`` [1] (solid; the hover gives the zone's demand
        [MW] and the shortfall [MW]), ``Monte Carlo mean`` [1] (dotted; omitted without
        samples) and ``strikes`` (markers; also dotted vertical lines). ``y`` holds the
        dataset's shares [1]; the axis shows them in per cent. The x axis is local wall-clock
        time. A result without a grid gives a figure with no trace and the note
        :data:`NO_GRID`.

    Raises
    ------
    ValueError
        If ``zone`` is not a zone of the result (the message lists the choices).
    """
    ds = as_dataset(result)
    zones = grid_zones(ds)
    if not zones:
        return _empty(ds)
    zone = zones[0] if zone is None else str(zone)
    check_choice(zone, zones, "grid zone")

    x = wall_clock(ds["time"].values, timezone_of(ds))
    cls = scatter_class(len(x))
    hover = "%{x|%Y-%m-%d %H:%M} " + offsets_label(ds).split(", ")[-1]
    fig = go.Figure()
    top = _band(fig, ds, zone, x, hover) if show_band else 0.0

    central = _values(ds, "grid_deficit_share_central", zone)
    demand = _values(ds, "grid_demand_mw", zone)
    fig.add_trace(
        cls(
            x=x,
            y=central,
            mode="lines",
            name=CENTRAL_NAME,
            line={"color": CENTRAL_COLOUR, "width": 2, "shape": "hv"},
            customdata=np.stack([demand, central * demand], axis=1),
            hovertemplate=f"{hover}<br>%{{y:.0%}} of demand not met<br>demand %{{customdata[0]:,.1f}} MW, "
            "%{customdata[1]:,.1f} MW short<extra>central</extra>",
        )
    )
    top = max(top, float(np.nanmax(central, initial=0.0)))
    mean = _values(ds, "grid_deficit_share_mean", zone)
    if np.isfinite(mean).any():
        fig.add_trace(
            cls(
                x=x,
                y=mean,
                mode="lines",
                name="Monte Carlo mean",
                line={"color": MEAN_COLOUR, "width": 1.5, "dash": "dot", "shape": "hv"},
                hovertemplate=f"{hover}<br>%{{y:.0%}} of demand not met<extra>mean</extra>",
            )
        )
        top = max(top, float(np.nanmax(mean)))

    add_strikes(fig, strike_table(ds), y=top * 1.05 if top > 0 else 1.0)
    if cursor is not None:
        fig.add_shape(cursor_shape(ds, cursor))
    fig.update_layout(
        title={"text": f"Share of electricity demand not met: {zone_label(zone)}"},
        xaxis_title=f"local time ({offsets_label(ds)})",
        yaxis_title="demand not met (deficit share) [%]",
        yaxis={"rangemode": "tozero", "tickformat": ".0%"},
        hovermode="closest",
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 90},
    )
    return fig
