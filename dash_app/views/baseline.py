"""Scenario A against a baseline scenario B, as the page shows it: B's line, A - B on the KPI cards, the comparison tab.

Both runs use A's samples and seed (common random numbers, see
:class:`dash_app.data.DashboardData`). Differences follow :mod:`impact.compare`:
``difference = A - B``, positive when A has more people without service (A is worse).
Person-hours and peaks come from :func:`impact.compare` on the selected area alone (a
fraction of the cost of comparing every area of a national run); the notes (areas, seeds,
time windows) from :func:`impact.compare.align` on the whole runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

import impact
from dash_app.text import day_label, format_count, service_word, signed
from impact.compare import align

__all__ = [
    "BaselineFigures",
    "baseline_figures",
    "baseline_series",
    "comparison_notes",
    "comparison_rows",
    "comparison_summary",
]


def baseline_series(ds_a: xr.Dataset, ds_b: xr.Dataset, service: str, area: str) -> xr.Dataset:
    """B's central estimate of one service and area on A's time axis (NaN where B has no step).

    Returns
    -------
    xarray.Dataset
        ``people_without_central`` (service, area, time) [persons], what
        :func:`impact.figures.timeline` draws as its ``compare_with`` line.
    """
    central = ds_b["people_without_central"].sel(service=[service], area=[area])
    central = central.reset_coords(drop=True).reindex(time=ds_a["time"].values)
    return xr.Dataset({"people_without_central": central})


def comparison_summary(ds_a: xr.Dataset, ds_b: xr.Dataset, area: str, names: tuple[str, str]) -> pd.DataFrame | None:
    """Person-hours and peaks of A and B in ``area``, per service; None when B does not have the area.

    Returns
    -------
    DataFrame or None
        :meth:`impact.compare.Comparison.summary` of the two runs restricted to ``area``:
        index service; ``person_hours_central_{a,b,difference,relative_difference}``
        [person hours; relative: 1], ``peak_central_...`` [persons; relative: 1],
        ``peak_low_a`` ... ``peak_high_b`` (the per-sample peak's 5 % and 95 % quantiles)
        [persons] and ``peak_time_a`` / ``peak_time_b`` (local ISO time).
    """
    if area not in ds_b.indexes["area"] or area not in ds_a.indexes["area"]:
        return None
    return impact.compare(ds_a.sel(area=[area]), ds_b.sel(area=[area]), names=names).summary(area)


@dataclass(frozen=True)
class BaselineFigures:
    """B's figures of one service for a KPI card, and A - B.

    Attributes
    ----------
    name : str
        B's label.
    now : float
        B's central estimate at the cursor's time (NaN when B has no such step) [persons].
    now_difference : float
        A - B at the cursor [persons].
    peak : float
        B's central peak [persons].
    peak_difference : float
        A - B of the central peaks [persons].
    """

    name: str
    now: float
    now_difference: float
    peak: float
    peak_difference: float


def baseline_figures(
    ds_a: xr.Dataset, ds_b: xr.Dataset, summary: pd.DataFrame | None, area: str, step: int, name: str
) -> dict[str, BaselineFigures]:
    """Per service: B's figures and A - B for the KPI cards of ``area`` at A's time step ``step``.

    Parameters
    ----------
    ds_a, ds_b : xarray.Dataset
        Runs of A (the one on screen, a what-if included) and of B.
    summary : DataFrame or None
        :func:`comparison_summary` for ``area`` (its peaks); None when B lacks the area.
    area : str
    step : int
        Time step of A.
    name : str
        B's label.

    Returns
    -------
    dict of str to BaselineFigures
        Empty when B lacks the area.
    """
    if summary is None:
        return {}
    moment = ds_a["time"].values[int(step)]
    b_times = ds_b.indexes["time"]
    figures = {}
    for service in summary.index:
        a_now = float(ds_a["people_without_central"].sel(service=service, area=area).isel(time=int(step)))
        b_now = (
            float(ds_b["people_without_central"].sel(service=service, area=area, time=moment))
            if moment in b_times
            else np.nan
        )
        row = summary.loc[service]
        figures[str(service)] = BaselineFigures(
            name=name,
            now=b_now,
            now_difference=a_now - b_now,
            peak=float(row["peak_central_b"]),
            peak_difference=float(row["peak_central_difference"]),
        )
    return figures


def comparison_rows(summary: pd.DataFrame) -> list[dict[str, str]]:
    """The comparison table's rows, one per service, as the page prints them.

    Each row: ``service`` (word), ``hours_a``, ``hours_b``, ``hours_difference`` (person-hours,
    A - B with the relative change), ``peak_a``, ``peak_b``, ``peak_difference``,
    ``peak_range_a`` / ``peak_range_b`` (the per-sample peak's 5–95 % range; empty without
    samples) and ``peak_time_a`` / ``peak_time_b`` (local, ``19 Dec 04:00``).
    """
    rows = []
    for service, row in summary.iterrows():
        ranges = {}
        for side in ("a", "b"):
            low, high = float(row[f"peak_low_{side}"]), float(row[f"peak_high_{side}"])
            ranges[side] = (
                ""
                if not (np.isfinite(low) and np.isfinite(high))
                else f"5–95 %: {low:,.0f} (no spread)"
                if low == high
                else f"5–95 %: {low:,.0f}–{high:,.0f}"
            )
        rows.append(
            {
                "service": service_word(service),
                "hours_a": format_count(row["person_hours_central_a"]),
                "hours_b": format_count(row["person_hours_central_b"]),
                "hours_difference": signed(
                    row["person_hours_central_difference"], row["person_hours_central_relative_difference"]
                ),
                "peak_a": format_count(row["peak_central_a"]),
                "peak_b": format_count(row["peak_central_b"]),
                "peak_difference": signed(row["peak_central_difference"], row["peak_central_relative_difference"]),
                "peak_range_a": ranges["a"],
                "peak_range_b": ranges["b"],
                "peak_time_a": day_label(str(row["peak_time_a"] or "")),
                "peak_time_b": day_label(str(row["peak_time_b"] or "")),
            }
        )
    return rows


def comparison_notes(ds_a: xr.Dataset, ds_b: xr.Dataset) -> list[str]:
    """How the two runs were matched (:func:`impact.compare.align`): areas or steps left out, seeds, samples."""
    return list(align(ds_a, ds_b).notes)
