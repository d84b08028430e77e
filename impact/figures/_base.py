"""Shared pieces of the figures (private to impact.figures): colours, choices, local time axis, strike markers."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xarray as xr

from impact.dataset import local_times, timezone_of
from impact.scenario.weighted import describe_weighted, primary_value

WEBGL_THRESHOLD: int = 1000

CENTRAL_COLOUR = "#1f4e79"
MEAN_COLOUR = "#c0504d"
BAND_FILL = "rgba(31, 78, 121, 0.18)"
STRIKE_COLOUR = "#7f0000"
OBSERVATION_COLOUR = "#2e7d32"
BASELINE_COLOUR = "#7f7f7f"
CURSOR_COLOUR = "#000000"
SCHEDULED_COLOUR = "#b8860b"
SCHEDULED_FILL = "rgba(184, 134, 11, 0.25)"
COLD_COLOUR = "#5e35b1"
DRAINED_COLOUR = "#00838f"
OUTDOOR_COLOUR = "#90a4ae"

#: Okabe-Ito colours (distinguishable with the common colour-vision deficiencies).
OKABE_ITO: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")

#: Colour of each service in multi-service charts.
SERVICE_COLOURS: dict[str, str] = {"power": "#E69F00", "water": "#0072B2", "heat": "#D55E00"}

#: Colours cycled through for one line per area.
AREA_COLOURS: tuple[str, ...] = OKABE_ITO


def choices(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


def check_choice(value: str, valid: Sequence[str], what: str) -> None:
    if value not in valid:
        raise ValueError(f"{value!r} is not a valid {what}; choose one of {choices(valid)}")


def scatter_class(n: int) -> type:
    return go.Scattergl if n > WEBGL_THRESHOLD else go.Scatter


def strike_place_asset(text: str, known: Collection[str]) -> str:
    """The asset where a strike is drawn: the asset of its ``strike_asset`` cell, or its most likely
    candidate when the cell lists candidates (``SUB-1:0.6|SUB-2:0.4`` -> ``SUB-1``); a cell that does
    not parse is taken as written."""
    try:
        return primary_value(str(text), known)
    except ValueError:
        return str(text)


def strike_table(ds: xr.Dataset) -> pd.DataFrame:
    """Strikes with wall-clock local times and hover text; empty if the result has none."""
    if "strike" not in ds.dims or ds.sizes["strike"] == 0 or "strike_time" not in ds.coords:
        return pd.DataFrame(columns=["x", "text", "asset"])
    tz = timezone_of(ds)
    n = ds.sizes["strike"]

    def coord(name: str, default: Any) -> list[Any]:
        return list(ds[name].values) if name in ds.coords else [default] * n

    asset_names: dict[str, str] = {}
    if "asset" in ds.dims and "asset_name" in ds.coords:
        asset_names = {str(a): str(v) for a, v in zip(ds["asset"].values, ds["asset_name"].values, strict=True)}
    aware = local_times(ds["strike_time"].values, tz)
    texts = []
    assets = [str(a) for a in coord("strike_asset", "")]
    states, killed, injured = coord("damage_state", ""), coord("killed", np.nan), coord("injured", np.nan)
    known = {str(a) for a in ds["asset"].values} if "asset" in ds.dims else set(asset_names)

    def label(asset: str) -> str:
        return f"{asset_names[asset]} ({asset})" if asset in asset_names else asset

    for i, strike in enumerate(ds["strike"].values):
        parts = [
            f"strike {strike}",
            f"{aware[i].isoformat() if aware[i] is not pd.NaT else 'time unknown'}",
            f"asset: {describe_weighted(assets[i], known, label)}",
            f"damage state: {describe_weighted(str(states[i]))}",
            f"killed: {count(killed[i])}",
            f"injured: {count(injured[i])}",
        ]
        texts.append("<br>".join(parts))
    return pd.DataFrame({"x": aware.tz_localize(None), "text": texts, "asset": assets}).dropna(subset=["x"])


def count(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "unknown"
    if np.isnan(v):
        return "unknown"
    return f"{v:,.0f}"


def add_strikes(fig: go.Figure, strikes: pd.DataFrame, y: float) -> None:
    """Vertical dotted lines at the strikes and a marker trace at height ``y`` for hover."""
    lines = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": x,
            "x1": x,
            "y0": 0,
            "y1": 1,
            "line": {"color": STRIKE_COLOUR, "width": 1, "dash": "dot"},
            "layer": "below",
        }
        for x in strikes["x"]
    ]
    if lines:  # one layout update: add_shape per line re-validates the whole list each time
        fig.update_layout(shapes=[*fig.layout.shapes, *lines])
    if len(strikes):
        fig.add_trace(
            go.Scatter(
                x=strikes["x"],
                y=np.full(len(strikes), y),
                mode="markers",
                name="strikes",
                marker={"symbol": "triangle-down", "size": 11, "color": STRIKE_COLOUR},
                hovertext=strikes["text"],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
