"""What drives the range: bars of the share of the variance of person-days per strike or kind of input."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
import xarray as xr

from impact.dataset import area_name, as_dataset, top_area
from impact.figures._base import BASELINE_COLOUR, CENTRAL_COLOUR, OKABE_ITO, check_choice
from impact.sensitivity import BY, INPUTS
from impact.sensitivity import sensitivity as compute_sensitivity

__all__ = ["INPUT_COLOURS", "MOST_STRIKES", "sensitivity"]

#: Strikes drawn one bar each; the others share one bar.
MOST_STRIKES: int = 12

#: Colour of each kind of input.
INPUT_COLOURS: dict[str, str] = dict(zip(INPUTS, OKABE_ITO[1:], strict=False))


def _shares(result: Any, service: str, area: str | None, by: str) -> tuple[xr.Dataset, str]:
    """The sensitivity dataset to draw (computed for one service and area from a result) and the area."""
    if isinstance(result, xr.Dataset) and "variance_share" in result.variables:
        shares = result
    else:
        ds = as_dataset(result)
        check_choice(service, [str(s) for s in ds["service"].values], "service")
        area = top_area(ds) if area is None else area
        check_choice(area, [str(a) for a in ds["area"].values], "area")
        shares = compute_sensitivity(ds, by=by, services=service, areas=area)
    check_choice(service, [str(s) for s in shares["service"].values], "service")
    area = top_area(shares) if area is None else area
    check_choice(area, [str(a) for a in shares["area"].values], "area")
    return shares, area


def _bars(shares: xr.Dataset, service: str, area: str, most: int) -> tuple[list[str], np.ndarray, list[str], list[str]]:
    """Labels, shares [1], colours and hover notes of the bars, largest first."""
    by = str(shares.attrs["by"])
    values = np.asarray(shares["variance_share"].sel(service=service, area=area).values, dtype=np.float64)
    if by == "input":
        counts = shares["input_variables"].values
        labels = [str(v) for v in shares["input_label"].values]
        notes = [f"{int(c)} variable(s) vary" if c else "fixed in this scenario" for c in counts]
        colours = [INPUT_COLOURS.get(str(k), CENTRAL_COLOUR) for k in shares["input"].values]
        order = np.argsort(-values, kind="stable")
        return [labels[i] for i in order], values[order], [colours[i] for i in order], [notes[i] for i in order]
    strikes = [str(s) for s in shares["strike"].values]
    assets = [str(a) for a in shares["strike_asset"].values] if "strike_asset" in shares.coords else [""] * len(strikes)
    order = np.argsort(-values, kind="stable")
    shown, rest = order[:most], order[most:]
    labels = [f"{strikes[i]} · {assets[i]}" if assets[i] else strikes[i] for i in shown]
    notes = [f"asset {assets[i]}" for i in shown]
    bars = list(values[shown])
    colours = [CENTRAL_COLOUR] * len(shown)
    if len(rest):
        labels.append(f"{len(rest)} other strikes, summed")
        bars.append(float(values[rest].sum()))
        colours.append(BASELINE_COLOUR)
        notes.append(", ".join(strikes[i] for i in rest[:20]) + (" …" if len(rest) > 20 else ""))
    return labels, np.asarray(bars), colours, notes


def sensitivity(
    result: Any,
    service: str = "power",
    area: str | None = None,
    *,
    by: str = "strike",
    most: int = MOST_STRIKES,
) -> go.Figure:
    """What drives the range of person-days without a service in one area: one bar per strike or kind of input.

    Parameters
    ----------
    result : xarray.Dataset or result object
        A sensitivity dataset of :func:`impact.sensitivity` (drawn as it is), or a result
        with samples (the shares of ``service`` and ``area`` are computed from it).
    service : str
        A service of the dataset.
    area : str, optional
        An area of the dataset; default the top area.
    by : {"strike", "input"}
        What to split by when ``result`` is a result (a sensitivity dataset says itself).
    most : int
        Strikes drawn one bar each, the largest shares; the others are summed into one grey
        bar.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar per strike (labelled ``strike · asset``) or kind of input, the
        largest share on top, ``x`` in per cent of the variance of person-days (first-order
        shares, which need not sum to 100 %). The subtitle gives the mean and standard
        deviation of person-days [person days], the samples and the sum of the shares. Where
        person-days do not vary, no bar and a note saying so.

    Raises
    ------
    ValueError
        ``service``, ``area`` or ``by`` not valid (the message lists the choices), or a
        result the shares cannot be computed from (:class:`impact.sensitivity.SensitivityError`).
    """
    check_choice(by, list(BY), "way to split the variance")
    shares, area = _shares(result, service, area, by)
    split = str(shares.attrs["by"])
    place = area_name(shares, area)
    mean = float(shares["person_days_mean"].sel(service=service, area=area))
    std = float(shares["person_days_std"].sel(service=service, area=area))
    fig = go.Figure()
    fig.update_layout(
        title={
            "text": f"What drives the range of {service} person-days in {place} ({area}), by "
            f"{'strike' if split == 'strike' else 'kind of input'}"
        },
        xaxis={"title": {"text": "share of the variance of person-days [%]"}, "range": [0, 105]},
        yaxis={"autorange": "reversed"},
        template="plotly_white",
        showlegend=False,
        margin={"t": 90, "l": 10},
    )
    labels, values, colours, notes = _bars(shares, service, area, most)
    if not np.isfinite(values).any():
        fig.add_annotation(
            text=f"{service} person-days in {place} do not vary between samples ({mean:,.0f} in each): "
            "nothing to split",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
        )
        return fig
    percent = values * 100
    fig.add_trace(
        go.Bar(
            x=percent,
            y=labels,
            orientation="h",
            marker={"color": colours},
            text=[f"{p:.0f} %" for p in percent],
            textposition="outside",
            customdata=notes,
            hovertemplate="%{y}: %{x:.1f} % of the variance<br>%{customdata}<extra></extra>",
        )
    )
    total = float(np.nansum(values)) * 100
    fig.add_annotation(
        text=(
            f"person-days: mean {mean:,.0f}, standard deviation {std:,.0f}; {shares.attrs.get('samples', '?')} "
            f"samples; first-order shares sum to {total:.0f} % (interactions and noise are in none)"
        ),
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0,
        y=1.06,
        xanchor="left",
        font={"size": 12},
    )
    return fig
