"""Asset status over time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
import xarray as xr

from impact.dataset import as_dataset, offsets_label, timezone_of, wall_clock
from impact.figures._base import add_strikes, check_choice, scatter_class, strike_table
from impact.scenario.weighted import alternative_values

__all__ = ["asset_status"]


def _default_assets(ds: xr.Dataset) -> list[str]:
    """Struck assets in strike order (unique; every candidate of a strike with candidate assets, in the
    order written); else assets ever down in the central run."""
    ids = [str(a) for a in ds["asset"].values]
    if "strike_asset" in ds.coords:
        known = set(ids)
        struck = list(
            dict.fromkeys(a for cell in ds["strike_asset"].values for a in alternative_values(str(cell), known))
        )
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
            check_choice(a, ids, "asset")
    tz = timezone_of(ds)
    fig.update_layout(xaxis_title=f"local time ({offsets_label(ds)})")
    if not chosen:
        fig.add_annotation(text="no asset is struck or down", showarrow=False)
        return fig

    x = wall_clock(ds["time"].values, tz)
    cls = scatter_class(len(x))
    names = dict(zip(ids, (str(v) for v in ds["asset_name"].values), strict=True)) if "asset_name" in ds.coords else {}
    hover = "%{x|%Y-%m-%d %H:%M} " + offsets_label(ds).split(", ")[-1]
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
    add_strikes(fig, strike_table(ds), y=1.05)
    return fig
