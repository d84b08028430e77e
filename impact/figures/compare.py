"""Two results compared over time: scenario A against baseline B, and A minus B."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from impact.compare import align
from impact.dataset import area_name, as_dataset, offsets_label, timezone_of, top_area, wall_clock
from impact.figures._base import (
    BAND_FILL,
    BASELINE_COLOUR,
    CENTRAL_COLOUR,
    add_strikes,
    check_choice,
    scatter_class,
    strike_table,
)

__all__ = ["DIFFERENCE_COLOUR", "DIFFERENCE_FILL", "compare_timeline"]

#: Colour of the A - B line.
DIFFERENCE_COLOUR = "#D55E00"
DIFFERENCE_FILL = "rgba(213, 94, 0, 0.25)"


def compare_timeline(
    a: Any,
    b: Any,
    service: str = "power",
    area: str | None = None,
    *,
    names: tuple[str, str] | None = None,
    show_band: bool = True,
) -> go.Figure:
    """People without a service in one area: A and B over time (top), A minus B (bottom).

    Parameters
    ----------
    a, b : Result or xarray.Dataset
        Scenario (A) and baseline (B) results; only their common areas and time steps are
        drawn (see :func:`impact.compare.align`).
    service : str
        A service of both results.
    area : str, optional
        An area of both results; default the top area.
    names : tuple of str, optional
        Labels of A and B; default their scenario ids.
    show_band : bool
        Shade A's range between its lowest and highest quantile (when A has samples).

    Returns
    -------
    plotly.graph_objects.Figure
        Two rows sharing the local wall-clock time axis. Traces: A's quantile band (two
        traces, upper then lower, if drawn), ``A: name`` and ``B: name`` central estimates
        [persons], then ``A - B (central)`` [persons] in the bottom row, filled to zero
        (above zero A has more people without service), then A's ``strikes`` (markers in
        the top row; dotted lines through both).

    Raises
    ------
    ValueError
        If ``service`` or ``area`` is not in both results (the message lists the choices),
        or the results cannot be compared (:class:`impact.compare.CompareError`).
    """
    ds_a, ds_b = as_dataset(a), as_dataset(b)
    window = align(ds_a, ds_b)
    check_choice(service, window.services, "service of both results")
    if area is None:
        area = top_area(ds_a.sel(area=window.areas))
    check_choice(area, window.areas, "area of both results")
    if names is None:
        names = (str(ds_a.attrs.get("scenario_id", "A")), str(ds_b.attrs.get("scenario_id", "B")))
    label_a, label_b = f"A: {names[0]}", f"B: {names[1]}"

    select = {"service": service, "area": area}
    x = wall_clock(window.times, timezone_of(ds_a))
    cls = scatter_class(len(x))
    hover = "%{x|%Y-%m-%d %H:%M} " + offsets_label(ds_a).split(", ")[-1]
    central_a = np.asarray(ds_a["people_without_central"].sel(select).sel(time=window.times).values, float)
    central_b = np.asarray(ds_b["people_without_central"].sel(select).sel(time=window.times).values, float)

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.65, 0.35], vertical_spacing=0.06)
    quantiles = [float(q) for q in ds_a["quantile"].values] if "quantile" in ds_a.coords else []
    if show_band and len(quantiles) >= 2 and "people_without" in ds_a:
        band = ds_a["people_without"].sel(select).sel(time=window.times)
        low_q, high_q = min(quantiles), max(quantiles)
        high = np.asarray(band.sel(quantile=high_q).values, float)
        low = np.asarray(band.sel(quantile=low_q).values, float)
        if np.isfinite(high).any():
            text = f"A {low_q * 100:g}–{high_q * 100:g} % range"
            fig.add_trace(
                cls(
                    x=x,
                    y=high,
                    mode="lines",
                    name=f"{text} (upper)",
                    showlegend=False,
                    legendgroup="band",
                    line={"width": 0, "shape": "hv"},
                    hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>A q{high_q:g}</extra>",
                ),
                row=1,
                col=1,
            )
            fig.add_trace(
                cls(
                    x=x,
                    y=low,
                    mode="lines",
                    name=text,
                    legendgroup="band",
                    fill="tonexty",
                    fillcolor=BAND_FILL,
                    line={"width": 0, "shape": "hv"},
                    hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>A q{low_q:g}</extra>",
                ),
                row=1,
                col=1,
            )
    fig.add_trace(
        cls(
            x=x,
            y=central_a,
            mode="lines",
            name=label_a,
            line={"color": CENTRAL_COLOUR, "width": 2, "shape": "hv"},
            hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>A (central)</extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        cls(
            x=x,
            y=central_b,
            mode="lines",
            name=label_b,
            line={"color": BASELINE_COLOUR, "width": 2, "dash": "dot", "shape": "hv"},
            hovertemplate=f"{hover}<br>%{{y:,.0f}} people<extra>B (central)</extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        cls(
            x=x,
            y=central_a - central_b,
            mode="lines",
            name="A - B (central)",
            fill="tozeroy",
            fillcolor=DIFFERENCE_FILL,
            line={"color": DIFFERENCE_COLOUR, "width": 1.5, "shape": "hv"},
            hovertemplate=f"{hover}<br>%{{y:+,.0f}} people<extra>A - B</extra>",
        ),
        row=2,
        col=1,
    )
    peak = max(float(np.nanmax(central_a, initial=0.0)), float(np.nanmax(central_b, initial=0.0)))
    add_strikes(fig, strike_table(ds_a), y=peak * 1.05 if peak > 0 else 1.0)  # A's strikes, top row

    fig.update_layout(
        title={
            "text": f"People without {service}: {area_name(ds_a, area)} ({area}), {names[0]} (A) against {names[1]} (B)"
        },
        template="plotly_white",
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 90},
    )
    fig.update_yaxes(title_text="people without service [persons]", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="A - B [persons]", zeroline=True, zerolinecolor="#444444", row=2, col=1)
    fig.update_xaxes(title_text=f"local time ({offsets_label(ds_a)})", row=2, col=1)
    return fig
