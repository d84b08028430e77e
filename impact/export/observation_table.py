"""The reported figures of ``observations.csv`` against the model, as an exported table."""

from __future__ import annotations

import pandas as pd
import xarray as xr

from impact.dataset import local_times, timezone_of
from impact.export.columns import OutputColumn

__all__ = ["has_observations", "observation_columns", "to_observation_dataframe"]


def has_observations(ds: xr.Dataset) -> bool:
    """Whether the result dataset holds scored observations (an ``observation`` dimension of size > 0)."""
    return "observation" in ds.dims and ds.sizes["observation"] > 0


def to_observation_dataframe(ds: xr.Dataset) -> pd.DataFrame:
    """One row per reported figure: what was reported and what the model says (local times).

    Parameters
    ----------
    ds : xarray.Dataset
        A result dataset with the ``observation_*`` variables (:func:`impact.run`).

    Returns
    -------
    DataFrame
        Columns of :func:`observation_columns`.
    """
    moments = local_times(ds["observation_time"].values, timezone_of(ds))
    return pd.DataFrame(
        {
            "time_local": [moment.isoformat(timespec="minutes") for moment in moments],
            "area_id": ds["observation_area"].values.astype(str),
            "service": ds["observation_service"].values.astype(str),
            "reported_people": ds["observation_people"].values,
            "model_central": ds["observation_central"].values,
            "model_low": ds["observation_low"].values,
            "model_high": ds["observation_high"].values,
            "inside_band": ds["observation_inside_band"].values.astype(bool),
            "central_minus_reported": ds["observation_error"].values,
            "source": ds["observation_source"].values.astype(str),
        }
    )


def observation_columns(ds: xr.Dataset) -> list[OutputColumn]:
    """Columns of :func:`to_observation_dataframe`, in order."""
    tz = timezone_of(ds)
    return [
        OutputColumn("time_local", "#date+reported", "", f"Time of the reported figure, local time ({tz})."),
        OutputColumn("area_id", "#adm+code", "", "Area of the reported figure (P-code where one exists)."),
        OutputColumn("service", "#indicator+service", "", "power, water or heat."),
        OutputColumn(
            "reported_people",
            "#affected+ind+reported",
            "persons",
            "Reported people without service (households and consumers converted).",
        ),
        OutputColumn(
            "model_central", "#affected+ind+central", "persons", "Central estimate at the reported time step."
        ),
        OutputColumn("model_low", "#affected+ind+q05", "persons", "Lower bound of the model band (quantile 0.05)."),
        OutputColumn("model_high", "#affected+ind+q95", "persons", "Upper bound of the model band (quantile 0.95)."),
        OutputColumn("inside_band", "#indicator+inside_band", "", "Whether the reported figure lies within the band."),
        OutputColumn(
            "central_minus_reported", "#indicator+error", "persons", "Central estimate minus reported figure."
        ),
        OutputColumn("source", "#meta+source", "", "Source of the reported figure."),
    ]
