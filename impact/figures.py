"""Plotly figures of a result, shared by notebooks and the dashboard.

Pure functions ``(result, ...) -> plotly.graph_objects.Figure``; no Dash import. Each takes
a result dataset or any object with a ``.dataset`` attribute (a :class:`impact.Result`).

Times are drawn in the scenario's local time (``ds.attrs["timezone"]``) as wall-clock
times; the axis title names the zone and its UTC offset(s), and hover labels repeat the
offset. Plotly has no time-zone support of its own, so the wall-clock times are what
the browser shows whatever its own zone. Where the horizon crosses a daylight-saving
change, the repeated (autumn) or skipped (spring) local hour shows as such on the axis.
Values hold for the whole time step that starts at each time, so lines are drawn as steps.

Long series (more than :data:`WEBGL_THRESHOLD` points) use WebGL traces
(:class:`plotly.graph_objects.Scattergl`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xarray as xr

from impact.export.tidy import as_dataset, local_times, timezone_of
from impact.observations import observations_in_people

__all__ = ["WEBGL_THRESHOLD", "asset_status", "timeline"]

#: Series longer than this many points are drawn with WebGL (``go.Scattergl``).
WEBGL_THRESHOLD: int = 1000

_CENTRAL_COLOUR = "#1f4e79"
_MEAN_COLOUR = "#c0504d"
_BAND_FILL = "rgba(31, 78, 121, 0.18)"
_STRIKE_COLOUR = "#7f0000"
_OBSERVATION_COLOUR = "#2e7d32"


def _choices(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _check_choice(value: str, valid: Sequence[str], what: str) -> None:
    if value not in valid:
        raise ValueError(f"{value!r} is not a valid {what}; choose one of {_choices(valid)}")


def top_area(ds: xr.Dataset) -> str:
    """Id of the top area: the first whose ``parent_id`` is empty (else the first area)."""
    ids = [str(a) for a in ds["area"].values]
    if "parent_id" in ds.coords:
        for area, parent in zip(ids, ds["parent_id"].values, strict=True):
            if parent is None or (isinstance(parent, float) and np.isnan(parent)) or not parent:
                return area
    if not ids:
        raise ValueError("the result has no areas")
    return ids[0]


def _area_name(ds: xr.Dataset, area: str) -> str:
    if "name" in ds.coords:
        return str(ds["name"].sel(area=area).item())
    return area


def _wall_clock(values: Any, tz: str) -> pd.DatetimeIndex:
    """Naive local wall-clock times from naive UTC times."""
    return local_times(values, tz).tz_localize(None)


def _offsets_label(ds: xr.Dataset) -> str:
    tz = timezone_of(ds)
    idx = local_times(ds["time"].values, tz)
    offsets = sorted({t.isoformat()[-6:] for t in idx if t is not pd.NaT})
    if tz == "UTC" or offsets == ["+00:00"]:
        return "UTC"
    return f"{tz}, UTC{'/'.join(offsets)}"


def _scatter_class(n: int) -> type:
    return go.Scattergl if n > WEBGL_THRESHOLD else go.Scatter


def _strike_table(ds: xr.Dataset) -> pd.DataFrame:
    """Strikes with wall-clock local times and hover text; empty if the result has none."""
    if "strike" not in ds.dims or ds.sizes["strike"] == 0 or "strike_time" not in ds.coords:
        return pd.DataFrame(columns=["x", "text", "asset"])
    tz = timezone_of(ds)
    n = ds.sizes["strike"]

    def coord(name: str, default: Any) -> list[Any]:
        return list(ds[name].values) if name in ds.coords else [default] * n

    asset_names: dict[str, str] = {}
    if "asset" in ds.dims and "asset_name" in ds.coords:
        asset_names = {
            str(a): str(v) for a, v in zip(ds["asset"].values, ds["asset_name"].values, strict=True)
        }
    aware = local_times(ds["strike_time"].values, tz)
    texts = []
    assets = [str(a) for a in coord("strike_asset", "")]
    for i, strike in enumerate(ds["strike"].values):
        asset = assets[i]
        label = f"{asset_names[asset]} ({asset})" if asset in asset_names else asset
        parts = [
            f"strike {strike}",
            f"{aware[i].isoformat() if aware[i] is not pd.NaT else 'time unknown'}",
            f"asset: {label}",
            f"damage state: {coord('damage_state', '')[i]}",
            f"killed: {_count(coord('killed', np.nan)[i])}",
            f"injured: {_count(coord('injured', np.nan)[i])}",
        ]
        texts.append("<br>".join(parts))
    return pd.DataFrame({"x": aware.tz_localize(None), "text": texts, "asset": assets}).dropna(
        subset=["x"]
    )


def _count(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "unknown"
    if np.isnan(v):
        return "unknown"
    return f"{v:,.0f}"


def _add_strikes(fig: go.Figure, strikes: pd.DataFrame, y: float) -> None:
    """Vertical dotted lines at the strikes and a marker trace at height ``y`` for hover."""
    for x in strikes["x"]:
        fig.add_shape(
            type="line",
            xref="x",
            yref="paper",
            x0=x,
            x1=x,
            y0=0,
            y1=1,
            line={"color": _STRIKE_COLOUR, "width": 1, "dash": "dot"},
            layer="below",
        )
    if len(strikes):
        fig.add_trace(
            go.Scatter(
                x=strikes["x"],
                y=np.full(len(strikes), y),
                mode="markers",
                name="strikes",
                marker={"symbol": "triangle-down", "size": 11, "color": _STRIKE_COLOUR},
                hovertext=strikes["text"],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )


def _observation_points(obs: pd.DataFrame, ds: xr.Dataset, service: str, area: str):
    required = ("time", "value_people")
    missing = [c for c in required if c not in obs.columns]
    if missing:
        raise ValueError(
            f"observations lack column(s) {_choices(missing)}; expected time (tz-aware), "
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

    Returns
    -------
    plotly.graph_objects.Figure
        Traces, in order: the quantile band (two traces, upper then lower, if drawn),
        ``central estimate`` [persons], ``Monte Carlo mean`` [persons] (dashed; omitted
        without samples), ``strikes`` (markers with strike id, asset, damage state,
        killed, injured in the hover text; also dotted vertical lines) and ``observed``.
        The x axis is local wall-clock time.

    Raises
    ------
    ValueError
        If ``service`` or ``area`` is not in the result (the message lists the choices).
    """
    ds = as_dataset(result)
    services = [str(s) for s in ds["service"].values]
    _check_choice(service, services, "service")
    areas = [str(a) for a in ds["area"].values]
    if area is None:
        area = top_area(ds)
    _check_choice(area, areas, "area")

    tz = timezone_of(ds)
    x = _wall_clock(ds["time"].values, tz)
    cls = _scatter_class(len(x))
    sel = {"service": service, "area": area}
    central = np.asarray(ds["people_without_central"].sel(sel).values, dtype=float)
    mean = (
        np.asarray(ds["people_without_mean"].sel(sel).values, dtype=float)
        if "people_without_mean" in ds
        else np.full(len(x), np.nan)
    )
    fig = go.Figure()
    hover = "%{x|%Y-%m-%d %H:%M} " + _offsets_label(ds).split(", ")[-1]
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
                    fillcolor=_BAND_FILL,
                    legendgroup="band",
                    hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>q{lo_q:g}</extra>",
                )
            )
            ymax = max(ymax, float(np.nanmax(hi)))

    fig.add_trace(
        cls(
            x=x,
            y=central,
            mode="lines",
            name="central estimate",
            line={"color": _CENTRAL_COLOUR, "width": 2, "shape": "hv"},
            hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>central</extra>",
        )
    )
    if np.isfinite(mean).any():
        fig.add_trace(
            cls(
                x=x,
                y=mean,
                mode="lines",
                name="Monte Carlo mean",
                line={"color": _MEAN_COLOUR, "width": 1.5, "dash": "dash", "shape": "hv"},
                hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>mean</extra>",
            )
        )
        ymax = max(ymax, float(np.nanmax(mean)))

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
                    marker={"symbol": "x", "size": 9, "color": _OBSERVATION_COLOUR},
                    hovertext=sources,
                    hovertemplate=(
                        f"{hover}<br>%{{y:,.0f}} people reported<br>%{{hovertext}}"
                        "<extra>observed</extra>"
                    ),
                )
            )
            if np.isfinite(oy).any():
                ymax = max(ymax, float(np.nanmax(oy)))

    _add_strikes(fig, _strike_table(ds), y=ymax * 1.05 if ymax > 0 else 1.0)

    name = _area_name(ds, area)
    fig.update_layout(
        title={"text": f"People without {service}: {name} ({area})"},
        xaxis_title=f"local time ({_offsets_label(ds)})",
        yaxis_title="people without service [persons]",
        yaxis={"rangemode": "tozero"},
        hovermode="closest",
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 90},
    )
    return fig


def _default_assets(ds: xr.Dataset) -> list[str]:
    """Struck assets in strike order (unique); else assets ever down in the central run."""
    ids = [str(a) for a in ds["asset"].values]
    if "strike_asset" in ds.coords:
        struck = list(dict.fromkeys(str(a) for a in ds["strike_asset"].values))
        struck = [a for a in struck if a in ids]
        if struck:
            return struck
    if "asset_down_central" in ds:
        down = ds["asset_down_central"].transpose("asset", "time").values.any(axis=1)
        return [a for a, d in zip(ids, down, strict=True) if d]
    return []


def asset_status(result: Any, assets: str | Sequence[str] | None = None) -> go.Figure:
    """Probability that each asset is down, over time.

    Parameters
    ----------
    result : xarray.Dataset or result object
        A result dataset, or an object with ``.dataset``.
    assets : str or sequence of str, optional
        Asset ids to draw; default the struck assets (in strike order), or, without
        strikes, the assets down at some time in the central estimate.

    Returns
    -------
    plotly.graph_objects.Figure
        One step line per asset: the share of Monte Carlo samples in which it is down
        [1]; without samples, its central 0/1 status. Strikes are marked as in
        :func:`timeline`. An empty figure with a note when there is nothing to draw.

    Raises
    ------
    ValueError
        If an asset id is not in the result (the message lists the choices).
    """
    ds = as_dataset(result)
    fig = go.Figure()
    fig.update_layout(
        title={"text": "Assets down: probability over time"},
        yaxis={"title": {"text": "probability down [1]"}, "range": [-0.02, 1.08]},
        template="plotly_white",
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 90},
    )
    if "asset" not in ds.dims or ds.sizes["asset"] == 0 or "asset_down_central" not in ds:
        fig.add_annotation(text="the result has no assets", showarrow=False)
        return fig
    ids = [str(a) for a in ds["asset"].values]
    if assets is None:
        chosen = _default_assets(ds)
    else:
        chosen = [assets] if isinstance(assets, str) else [str(a) for a in assets]
        for a in chosen:
            _check_choice(a, ids, "asset")
    tz = timezone_of(ds)
    fig.update_layout(xaxis_title=f"local time ({_offsets_label(ds)})")
    if not chosen:
        fig.add_annotation(text="no asset is struck or down", showarrow=False)
        return fig

    x = _wall_clock(ds["time"].values, tz)
    cls = _scatter_class(len(x))
    names = (
        dict(zip(ids, (str(v) for v in ds["asset_name"].values), strict=True))
        if "asset_name" in ds.coords
        else {}
    )
    hover = "%{x|%Y-%m-%d %H:%M} " + _offsets_label(ds).split(", ")[-1]
    for asset in chosen:
        prob = (
            np.asarray(ds["asset_down_probability"].sel(asset=asset).values, dtype=float)
            if "asset_down_probability" in ds
            else np.full(len(x), np.nan)
        )
        what = "probability down"
        if not np.isfinite(prob).any():
            prob = np.asarray(ds["asset_down_central"].sel(asset=asset).values, dtype=float)
            what = "down (central)"
        label = f"{names[asset]} ({asset})" if asset in names else asset
        fig.add_trace(
            cls(
                x=x,
                y=prob,
                mode="lines",
                name=label,
                line={"shape": "hv"},
                hovertemplate=f"{hover}<br>{what}: %{{y:.2f}}<extra>{label}</extra>",
            )
        )
    _add_strikes(fig, _strike_table(ds), y=1.05)
    return fig
