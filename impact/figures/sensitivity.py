"""What drives the range: bars of the share of the variance of person-days per strike or kind of input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
import xarray as xr

from impact.dataset import area_name, as_dataset, top_area
from impact.figures._base import CENTRAL_COLOUR, OKABE_ITO, check_choice
from impact.sensitivity import BY, INPUTS
from impact.sensitivity import sensitivity as compute_sensitivity

__all__ = ["INPUT_COLOURS", "MOST_STRIKES", "NOISE_COLOUR", "sensitivity"]

#: Strikes drawn, those with the largest shares (the subtitle names the largest share left out).
MOST_STRIKES: int = 12

#: Colour of the sampling-noise marks.
NOISE_COLOUR: str = "#000000"

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


@dataclass(frozen=True)
class _Bars:
    """The bars of one service and area, largest share first."""

    labels: list[str]
    shares: np.ndarray
    noise: np.ndarray
    colours: list[str]
    notes: list[str]
    left_out: str


def _bars(shares: xr.Dataset, service: str, area: str, most: int) -> _Bars:
    """Labels, shares [1], noise levels [1], colours and hover notes of the bars, and what is left out."""
    by = str(shares.attrs["by"])
    at = {"service": service, "area": area}
    values = np.asarray(shares["variance_share"].sel(at).values, dtype=np.float64)
    noise = np.asarray(shares["variance_share_noise"].sel(at).values, dtype=np.float64)
    order = np.argsort(-np.nan_to_num(values, nan=-1.0), kind="stable")
    if by == "input":
        counts = shares["input_variables"].values
        labels = [str(v) for v in shares["input_label"].values]
        notes = [
            "not recorded in this result" if c < 0 else f"{int(c)} variable(s) vary" if c else "fixed in this scenario"
            for c in counts
        ]
        colours = [INPUT_COLOURS.get(str(k), CENTRAL_COLOUR) for k in shares["input"].values]
        left_out = ""
    else:
        strikes = [str(s) for s in shares["strike"].values]
        assets = (
            [str(a) for a in shares["strike_asset"].values] if "strike_asset" in shares.coords else [""] * len(strikes)
        )
        labels = [f"{s} · {a}" if a else s for s, a in zip(strikes, assets, strict=True)]
        notes = [f"strike {s}, asset {a}" if a else f"strike {s}" for s, a in zip(strikes, assets, strict=True)]
        colours = [CENTRAL_COLOUR] * len(strikes)
        rest = order[most:]
        left_out = (
            f"the {most} largest of {len(order)} strikes; each other explains at most "
            f"{np.nanmax(values[rest]) * 100:.0f} %; "
            if len(rest)
            else ""
        )
        order = order[:most]
    return _Bars(
        labels=[labels[i] for i in order],
        shares=values[order],
        noise=noise[order],
        colours=[colours[i] for i in order],
        notes=[notes[i] for i in order],
        left_out=left_out,
    )


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
        Strikes drawn, those with the largest shares; the subtitle says how many are left out
        and the largest share among them.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace ``share``: one horizontal bar per strike (labelled ``strike · asset``) or kind of
        input, the largest share on top, ``x`` in per cent of the variance of person-days
        (first-order shares, which need not sum to 100 %); bars within their sampling noise
        are pale. Trace ``sampling noise``: a mark at each bar's noise level
        (``variance_share_noise``). The subtitle gives the mean and standard deviation of
        person-days [person days], the samples and the strikes left out. Where person-days do
        not vary, no trace and a note saying so.

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
        margin={"t": 110, "l": 10},
    )
    bars = _bars(shares, service, area, most)
    if not np.isfinite(bars.shares).any():
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
    percent, noise = bars.shares * 100, bars.noise * 100
    within = ~(percent > noise)
    fig.add_trace(
        go.Bar(
            x=percent,
            y=bars.labels,
            orientation="h",
            marker={"color": bars.colours, "opacity": [0.4 if w else 1.0 for w in within]},
            text=[f"{p:.0f} %" for p in percent],
            textposition="outside",
            customdata=np.stack([bars.notes, [f"{n:.0f}" for n in noise]], axis=1),
            hovertemplate="%{y}: %{x:.1f} % of the variance (sampling noise %{customdata[1]} %)<br>"
            "%{customdata[0]}<extra></extra>",
            name="share",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=noise,
            y=bars.labels,
            mode="markers",
            marker={"symbol": "line-ns", "size": 16, "line": {"width": 2, "color": NOISE_COLOUR}},
            hovertemplate="sampling noise: %{x:.0f} %<extra></extra>",
            name="sampling noise",
        )
    )
    fig.add_annotation(
        text=(
            f"person-days: mean {mean:,.0f}, standard deviation {std:,.0f}; {shares.attrs.get('samples', '?')} "
            f"samples; {bars.left_out}first-order shares, which need not sum to 100 %<br>"
            "| sampling noise: a paler bar that does not pass it cannot be told from noise"
        ),
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0,
        y=1.02,
        xanchor="left",
        yanchor="bottom",
        align="left",
        font={"size": 12},
    )
    return fig
