"""Reported figures against the model, as the page shows them: a line per service and the markers' hover.

A run scores every reported figure of ``observations.csv`` within its horizon (the
``observation_*`` variables of the result dataset, see :mod:`impact.observations`): the
central estimate and the 5-95 % band at the time step of the report, whether the report
lies inside the band and the error (central - reported). These functions read those
variables; they import nothing from Dash.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from dash_app.text import percent, service_word
from impact.dataset import offsets_label, timezone_of
from impact.observations import band_quantiles, summarise_scores

__all__ = [
    "ObservationScore",
    "band_label",
    "observation_hover",
    "observation_score",
    "reported_counts",
    "score_line",
    "scored_observations",
]


def scored_observations(ds: xr.Dataset) -> pd.DataFrame | None:
    """The reported figures a run scored, one row each, in the dataset's order; None when there are none.

    Parameters
    ----------
    ds : xarray.Dataset
        A result dataset of :func:`impact.run`.

    Returns
    -------
    DataFrame or None
        Columns ``time`` (UTC, tz-aware), ``area_id``, ``service``, ``value_people``
        (reported) [persons], ``source``, ``central``, ``low``, ``high`` [persons],
        ``inside_band`` (bool), ``error`` (central - reported) [persons] and
        ``relative_error`` (error / reported [1]; NaN when 0 were reported). The columns
        :func:`impact.figures.timeline` draws (``time``, ``value_people``, ``source``,
        ``area_id``, ``service``) and those :func:`impact.observations.summarise_scores` reads.
    """
    if "observation" not in ds.dims or ds.sizes["observation"] == 0:
        return None
    people = np.asarray(ds["observation_people"].values, dtype=float)
    error = np.asarray(ds["observation_error"].values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(people != 0, error / np.where(people != 0, people, 1.0), np.nan)
    return pd.DataFrame(
        {
            "time": pd.DatetimeIndex(ds["observation_time"].values).tz_localize("UTC"),
            "area_id": ds["observation_area"].values.astype(str),
            "service": ds["observation_service"].values.astype(str),
            "value_people": people,
            "source": ds["observation_source"].values.astype(str),
            "central": np.asarray(ds["observation_central"].values, dtype=float),
            "low": np.asarray(ds["observation_low"].values, dtype=float),
            "high": np.asarray(ds["observation_high"].values, dtype=float),
            "inside_band": ds["observation_inside_band"].values.astype(bool),
            "error": error,
            "relative_error": relative,
        }
    )


def band_label(ds: xr.Dataset) -> str:
    """The band reported figures are checked against, e.g. ``5–95 %``; empty without Monte Carlo samples."""
    quantiles = ds["quantile"].values if "quantile" in ds.coords else []
    if len(quantiles) < 2 or not int(ds.attrs.get("samples", 1)):
        return ""
    low, high = band_quantiles(np.asarray(quantiles))
    return f"{low * 100:g}–{high * 100:g} %"


def _figures(n: int) -> str:
    return f"{n:,} reported figure{'' if n == 1 else 's'}"


def _error_words(mean_error: float, median_relative: float, n: int) -> str:
    """``central estimate 127,229 above the report (+6 %)``, or on average, for several."""
    reports = "the report" if n == 1 else "the reports"
    if not np.isfinite(mean_error):
        return ""
    average = "" if n == 1 else "on average "
    if mean_error == 0:
        return f"central estimate {average}equal to {reports}"
    side = "above" if mean_error > 0 else "below"
    relative = f" ({percent(median_relative)})" if np.isfinite(median_relative) and n == 1 else ""
    return f"central estimate {average}{abs(mean_error):,.0f} {side} {reports}{relative}"


@dataclass(frozen=True)
class ObservationScore:
    """How a run compares with the reported figures of one service.

    Attributes
    ----------
    service : str
    observations : int
        Reported figures of the service within the horizon (every area).
    inside : int
        Those inside the band.
    in_area : int
        Those of the selected area (drawn on its timeline).
    band : str
        The band, e.g. ``5–95 %`` (empty without Monte Carlo samples).
    mean_error, mean_absolute_error : float
        Central estimate minus reported, mean and mean absolute [persons].
    median_relative_error : float
        Median of (central - reported) / reported [1].
    """

    service: str
    observations: int
    inside: int
    in_area: int
    band: str
    mean_error: float
    mean_absolute_error: float
    median_relative_error: float

    def text(self) -> str:
        """One sentence, e.g. ``1 reported figure, 1 inside the 5–95 % band; central estimate 127,229 above the
        report (+6 %)``."""
        n = self.observations
        band = (
            f"{self.inside:,} inside the {self.band} band"
            if self.band
            else "no band to check them against (central estimate only, no Monte Carlo samples)"
        )
        parts = [f"{_figures(n)}, {band}"]
        error = _error_words(self.mean_error, self.median_relative_error, n)
        if error and n > 1:
            error += (
                f" (mean absolute error {self.mean_absolute_error:,.0f}; median relative error "
                f"{percent(self.median_relative_error)})"
                if np.isfinite(self.median_relative_error)
                else f" (mean absolute error {self.mean_absolute_error:,.0f})"
            )
        if error:
            parts.append(error)
        return "; ".join(parts)


def observation_score(
    scores: pd.DataFrame | None, ds: xr.Dataset, service: str, area: str | None = None
) -> ObservationScore | None:
    """The score of the run ``ds`` against the reported figures of ``service``; None without any.

    Parameters
    ----------
    scores : DataFrame or None
        :func:`scored_observations` of ``ds``.
    ds : xarray.Dataset
        The result dataset (for the band's quantiles).
    service : str
    area : str, optional
        Selected area: ``in_area`` counts its reported figures.

    Returns
    -------
    ObservationScore or None
        The figures of :func:`impact.observations.summarise_scores` for the service (the
        same as ``Result.observation_summary()``), or None when the service has no reported
        figure within the horizon.
    """
    if scores is None:
        return None
    own = scores[scores["service"] == service]
    if own.empty:
        return None
    row = summarise_scores(own).iloc[0]
    band = band_label(ds)
    return ObservationScore(
        service=service,
        observations=int(row["observations"]),
        inside=int(own["inside_band"].sum()) if band else 0,
        in_area=int((own["area_id"] == area).sum()) if area is not None else 0,
        band=band,
        mean_error=float(row["mean_error"]),
        mean_absolute_error=float(row["mean_absolute_error"]),
        median_relative_error=float(row["median_relative_error"]),
    )


def score_line(
    score: ObservationScore | None,
    *,
    others: dict[str, int] | None = None,
    area_name: str = "",
    baseline: ObservationScore | None = None,
    baseline_name: str = "",
) -> str:
    """The line the page shows under the KPI cards for the selected service; empty when nothing was reported.

    Parameters
    ----------
    score : ObservationScore or None
        The current run's score for the service (:func:`observation_score`).
    others : dict of str to int, optional
        Reported figures of each other service: said when the service itself has none.
    area_name : str
        Name of the selected area.
    baseline, baseline_name : optional
        Baseline scenario B's score for the service and B's label.
    """
    if score is None:
        others = {service: n for service, n in (others or {}).items() if n}
        if not others:
            return ""
        listed = ", ".join(f"{n:,} of {service_word(service)}" for service, n in others.items())
        return f"No reported figure of people without this service; {listed}."
    word = service_word(score.service)
    line = f"Reported figures of people without {word}: {score.text()}."
    where = f"in {area_name}" if area_name else "in this area"
    if score.in_area == score.observations and score.observations == 1:
        line += f" It is {where}: the green cross on the timeline."
    elif score.in_area:
        line += f" {score.in_area:,} of them {where}: the green crosses on the timeline."
    else:
        line += f" None {where}."
    if baseline is not None:
        line += f" Baseline B ({baseline_name}): {baseline.text()}."
    return line


def reported_counts(scores: pd.DataFrame | None) -> dict[str, int]:
    """Reported figures per service within the horizon."""
    if scores is None:
        return {}
    return {str(service): int(n) for service, n in scores.groupby("service").size().items()}


def observation_hover(scores: pd.DataFrame, ds: xr.Dataset, service: str, area: str) -> tuple[list[str], str]:
    """Hover of the ``observed`` markers of one timeline: what the model says at each reported figure.

    Parameters
    ----------
    scores : DataFrame
        :func:`scored_observations`; the markers are its rows of ``area`` and ``service``,
        in order (as :func:`impact.figures.timeline` draws them).
    ds : xarray.Dataset
    service, area : str

    Returns
    -------
    customdata : list of str
        Per marker, e.g. ``model: central 216,255, 5–95 % 135,412–757,903: inside the band;
        central 22,555 above the report``.
    hovertemplate : str
        Local time, people reported, that text and the source.
    """
    own = scores[(scores["area_id"] == area) & (scores["service"] == service)]
    band = band_label(ds)
    texts = []
    for row in own.itertuples(index=False):
        text = f"model: central {row.central:,.0f}"
        if band and np.isfinite(row.low) and np.isfinite(row.high):
            inside = "inside the band" if row.inside_band else "outside the band"
            text += f", {band} {row.low:,.0f}–{row.high:,.0f}: {inside}"
        error = _error_words(row.error, row.relative_error, 1)
        texts.append(f"{text}<br>{error}" if error else text)
    offset = offsets_label(ds).split(", ")[-1] if timezone_of(ds) else ""
    template = (
        f"%{{x|%Y-%m-%d %H:%M}} {offset}<br>%{{y:,.0f}} people reported<br>%{{customdata}}"
        "<br>%{hovertext}<extra>observed</extra>"
    )
    return texts, template
