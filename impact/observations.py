"""Reported figures of people without service, in people."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

__all__ = [
    "SCORE_COLUMNS",
    "band_quantiles",
    "observation_variables",
    "observations_in_people",
    "score_observations",
    "summarise_scores",
]

#: Persons per unit, for units other than households and consumers.
_PER_UNIT = {"people": 1.0}


def observations_in_people(observations: pd.DataFrame, persons_per_household: float) -> pd.DataFrame:
    """Convert observations to people.

    Parameters
    ----------
    observations : DataFrame
        Typed ``observations.csv`` (columns ``time``, ``area_id``, ``service``, ``value``,
        ``unit``, ``source``).
    persons_per_household : float
        Persons per household, also used for consumers (metered accounts, roughly
        households) [persons].

    Returns
    -------
    DataFrame
        Columns ``time`` (UTC), ``area_id``, ``service``, ``value_people`` [persons],
        ``unit`` (as reported), ``source``.
    """
    factor = observations["unit"].map(lambda unit: _PER_UNIT.get(unit, persons_per_household))
    return pd.DataFrame(
        {
            "time": observations["time"],
            "area_id": observations["area_id"],
            "service": observations["service"],
            "value_people": observations["value"].astype(float) * factor.astype(float),
            "unit": observations["unit"],
            "source": observations["source"],
        }
    )


#: Columns of :func:`score_observations`.
SCORE_COLUMNS: tuple[str, ...] = (
    "time",
    "area_id",
    "service",
    "value_people",
    "source",
    "model_time",
    "central",
    "low",
    "high",
    "inside_band",
    "error",
    "relative_error",
)


def band_quantiles(quantiles: np.ndarray) -> tuple[float, float]:
    """The quantiles that bound the band: 0.05 and 0.95 when reported, else the lowest and highest."""
    values = [float(q) for q in quantiles]
    low = 0.05 if any(np.isclose(values, 0.05)) else min(values)
    high = 0.95 if any(np.isclose(values, 0.95)) else max(values)
    return low, high


def score_observations(
    ds: xr.Dataset | None, observations: pd.DataFrame | None, persons_per_household: float
) -> pd.DataFrame:
    """Compare each reported figure with the model at its area, service and time step.

    An observation at time t is compared with the step that contains it (the last step
    starting at or before t); observations before the first step or after the horizon are
    left out. Households and consumers are converted to people first
    (:func:`observations_in_people`).

    Parameters
    ----------
    ds : xarray.Dataset or None
        A result dataset (may be opened lazily from a file).
    observations : DataFrame
        Typed ``observations.csv``.
    persons_per_household : float
        [persons].

    Returns
    -------
    DataFrame
        One row per observation within the horizon, columns :data:`SCORE_COLUMNS`:
        ``value_people`` [persons] as reported; ``model_time`` (UTC) the step compared;
        ``central`` the central estimate, ``low`` / ``high`` the band (quantiles 0.05 and
        0.95 when reported, see :func:`band_quantiles`; NaN without Monte Carlo samples)
        [persons]; ``inside_band`` low <= value <= high; ``error`` = central - reported
        [persons]; ``relative_error`` = error / reported (NaN when 0 were reported).
    """
    if observations is None or len(observations) == 0:
        return pd.DataFrame(columns=list(SCORE_COLUMNS))
    if ds is None:
        raise ValueError("scoring reported figures needs the result dataset they are compared with")
    people = observations_in_people(observations, persons_per_household)
    times = pd.DatetimeIndex(ds["time"].values)
    moments = pd.DatetimeIndex(people["time"]).tz_convert("UTC").tz_localize(None)
    step = (times[1] - times[0]) if len(times) > 1 else pd.Timedelta(minutes=float(ds.attrs.get("step_minutes", 60)))
    position = times.searchsorted(moments, side="right") - 1
    within = (position >= 0) & (moments < times[-1] + step)
    people, position = people[within].reset_index(drop=True), position[within]
    low_q, high_q = band_quantiles(ds["quantile"].values)
    rows = []
    for row, index in zip(people.itertuples(index=False), position, strict=True):
        at = ds.isel(time=int(index)).sel(service=row.service, area=row.area_id)
        central = float(at["people_without_central"])
        low = float(at["people_without"].sel(quantile=low_q))
        high = float(at["people_without"].sel(quantile=high_q))
        error = central - row.value_people
        rows.append(
            {
                "time": row.time,
                "area_id": row.area_id,
                "service": row.service,
                "value_people": row.value_people,
                "source": row.source,
                "model_time": times[int(index)],
                "central": central,
                "low": low,
                "high": high,
                "inside_band": bool(low <= row.value_people <= high),
                "error": error,
                "relative_error": error / row.value_people if row.value_people else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))


def summarise_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Per service: how the model compares with the reported figures.

    Returns
    -------
    DataFrame
        Index service; ``observations`` (count), ``share_inside_band`` (share of reported
        figures within the 5-95 % band) [1], ``mean_error`` (central - reported; > 0: the
        model says more people are without service than reported) and
        ``mean_absolute_error`` [persons], ``median_relative_error`` [1].
    """
    columns = ["observations", "share_inside_band", "mean_error", "mean_absolute_error", "median_relative_error"]
    if len(scores) == 0:
        return pd.DataFrame(columns=columns).rename_axis("service")
    grouped = scores.groupby("service", sort=True)
    return pd.DataFrame(
        {
            "observations": grouped.size(),
            "share_inside_band": grouped["inside_band"].mean(),
            "mean_error": grouped["error"].mean(),
            "mean_absolute_error": grouped["error"].apply(lambda errors: errors.abs().mean()),
            "median_relative_error": grouped["relative_error"].median(),
        }
    )[columns]


def observation_variables(scores: pd.DataFrame) -> xr.Dataset:
    """Scores as result-dataset variables along an ``observation`` dimension.

    Parameters
    ----------
    scores : DataFrame
        :func:`score_observations`.

    Returns
    -------
    xarray.Dataset
        Coordinates ``observation_time`` (UTC), ``observation_area``, ``observation_service``,
        ``observation_source``; variables ``observation_people`` (reported, in people),
        ``observation_central``, ``observation_low``, ``observation_high``,
        ``observation_error`` (central - reported) [persons] and ``observation_inside_band``
        (reported figure within the band) [1].
    """
    dims = ("observation",)
    times = pd.DatetimeIndex(scores["time"]).tz_convert("UTC").tz_localize(None) if len(scores) else []

    def people(column: str, long_name: str) -> xr.DataArray:
        return xr.DataArray(
            scores[column].to_numpy(dtype=np.float64), dims=dims, attrs={"units": "persons", "long_name": long_name}
        )

    def text(column: str) -> tuple:
        return dims, scores[column].fillna("").astype(str).to_numpy(dtype=object)

    coords = {
        "observation_time": (
            dims,
            np.asarray(times, dtype="datetime64[ns]"),
            {"long_name": "time of the reported figure (UTC)"},
        ),
        "observation_area": (*text("area_id"), {"long_name": "area of the reported figure"}),
        "observation_service": (*text("service"), {"long_name": "service of the reported figure"}),
        "observation_source": (*text("source"), {"long_name": "source of the reported figure"}),
    }
    return xr.Dataset(
        {
            "observation_people": people("value_people", "reported people without service"),
            "observation_central": people("central", "central estimate at the reported time step"),
            "observation_low": people("low", "lower bound of the model band (quantile 0.05) at the reported step"),
            "observation_high": people("high", "upper bound of the model band (quantile 0.95) at the reported step"),
            "observation_error": people("error", "central estimate minus reported figure"),
            "observation_inside_band": xr.DataArray(
                scores["inside_band"].to_numpy(dtype=bool),
                dims=dims,
                attrs={"units": "1", "long_name": "reported figure within the model band (1 yes, 0 no)"},
            ),
        },
        coords=coords,
    )
