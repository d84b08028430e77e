"""What drives the range, as the page shows it: the bars of :func:`impact.figures.sensitivity` and a note.

The shares come from :func:`impact.sensitivity` on the run on screen, for the selected area
only (computed once per run, area and split; ``docs/method.md``, section 5a, 'What drives the
range').
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import xarray as xr

import impact
from impact.sensitivity import MIN_SAMPLES, SensitivityError

__all__ = ["BY_OPTIONS", "SensitivityView", "area_shares", "sensitivity_view"]

#: The choices of the split, as the page offers them.
BY_OPTIONS: tuple[dict[str, str], ...] = (
    {"label": "by strike", "value": "strike"},
    {"label": "by kind of input", "value": "input"},
)


@dataclass(frozen=True)
class SensitivityView:
    """The tab's content.

    Attributes
    ----------
    figure : dict
        The bars as a plain figure dict (empty, with a note in ``note``, when there are no shares).
    note : str
        How to read the shares, or why there are none.
    """

    figure: dict
    note: str


def area_shares(result: impact.Result, area: str, by: str) -> xr.Dataset | str:
    """:func:`impact.sensitivity` of one area of ``result``, or the reason it cannot be computed."""
    try:
        return impact.sensitivity(result, by=by, areas=[area])
    except SensitivityError as error:
        return str(error)


def _reading(by: str, samples: Any, source: str) -> str:
    what = (
        "A strike's share is what knowing its own draws (how long its asset stayed down, and which asset it hit "
        "among candidates) would take off the variance"
        if by == "strike"
        else "A kind's share sums the shares of its variables (damage states, assets hit among candidates, where "
        "each repair falls on its curve, buffer ranges, crew waiting, restarts of drained buildings); a kind not "
        "uncertain here has none"
    )
    return (
        f"Share of the variance of person-days over the {samples} samples of this run, first order "
        f"(docs/method.md, section 5a). {what}. Shares need not add to 100 %: what inputs do only together is "
        "in none. The black mark on each bar is its sampling noise: a pale bar that does not pass it cannot be "
        "told from an input without effect. Every area: "
        f"`impact sensitivity {source} --by {by} --out FILE.xlsx`."
    )


def sensitivity_view(shares: xr.Dataset | str, service: str, area: str, by: str, source: str) -> SensitivityView:
    """The bars of one service in one area and the note under them.

    Parameters
    ----------
    shares : xarray.Dataset or str
        :func:`area_shares`: the area's shares, or why there are none.
    service, area : str
        Shown.
    by : {"strike", "input"}
        The split (for the note).
    source : str
        The scenario as the command line names it (for the note).
    """
    if isinstance(shares, str):
        return SensitivityView(
            {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}},
            f"No shares: {shares}. The dashboard runs with the samples of scenario.toml's [run] section; "
            f"what drives the range needs at least {MIN_SAMPLES}.",
        )
    figure = impact.figures.sensitivity(shares, service, area).to_plotly_json()
    figure["layout"]["uirevision"] = f"sensitivity-{service}-{area}-{by}"
    return SensitivityView(figure, _reading(by, shares.attrs.get("samples"), source))
