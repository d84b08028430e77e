"""What drives the range as a table: one row per (area, service, strike or kind of input), with HXL hashtags.

>>> import impact
>>> from impact.export import sensitivity_table, write_sensitivity
>>> by_strike = impact.sensitivity(result)            # doctest: +SKIP
>>> sensitivity_table(by_strike)                      # doctest: +SKIP
>>> write_sensitivity(by_strike, "drivers.xlsx")      # or .csv  # doctest: +SKIP

The shares themselves are computed by :func:`impact.sensitivity` (``docs/method.md``,
section 5a, 'What drives the range'); this module only lays them out for the CSV and Excel exports.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from impact.export.columns import sensitivity_columns
from impact.export.frames import area_table

__all__ = ["as_sensitivity_dataset", "sensitivity_table"]


def as_sensitivity_dataset(ds: Any) -> xr.Dataset:
    """``ds`` itself when it is a sensitivity dataset; a clear ``TypeError`` otherwise."""
    if isinstance(ds, xr.Dataset) and "variance_share" in ds.variables and ds.attrs.get("by") in ds.dims:
        return ds
    raise TypeError(
        f"expected a sensitivity dataset, got {type(ds).__name__}; pass impact.sensitivity(result), which "
        "computes the shares from a result's samples"
    )


def sensitivity_table(ds: xr.Dataset) -> pd.DataFrame:
    """The shares as a long table: one row per (area, service, strike or kind of input).

    Parameters
    ----------
    ds : xarray.Dataset
        A sensitivity dataset of :func:`impact.sensitivity`.

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`impact.export.columns.sensitivity_columns`: the area columns,
        ``service``, then ``strike_id`` and ``asset_id`` (by strike) or ``input``,
        ``input_label`` and ``input_variables`` (by input), ``variance_share`` and
        ``variance_share_noise`` [1],
        ``person_days_mean`` and ``person_days_std`` [person days]. Rows by area (dataset
        order), service, then strike or kind of input (dataset order).

    Raises
    ------
    TypeError
        If ``ds`` is not a sensitivity dataset.
    """
    ds = as_sensitivity_dataset(ds)
    by = str(ds.attrs["by"])
    n_a, n_s, n_k = ds.sizes["area"], ds.sizes["service"], ds.sizes[by]
    area_idx = np.repeat(np.arange(n_a), n_s * n_k)
    service_idx = np.tile(np.repeat(np.arange(n_s), n_k), n_a)
    item_idx = np.tile(np.arange(n_k), n_a * n_s)
    data: dict[str, Any] = {k: v[area_idx] for k, v in area_table(ds).items()}
    data["service"] = np.asarray(ds["service"].values).astype(str).astype(object)[service_idx]
    if by == "strike":
        data["strike_id"] = np.asarray(ds["strike"].values).astype(str).astype(object)[item_idx]
        assets = ds["strike_asset"].values if "strike_asset" in ds.coords else np.full(n_k, "")
        data["asset_id"] = np.asarray(assets).astype(str).astype(object)[item_idx]
    else:
        data["input"] = np.asarray(ds["input"].values).astype(str).astype(object)[item_idx]
        data["input_label"] = np.asarray(ds["input_label"].values).astype(str).astype(object)[item_idx]
        data["input_variables"] = np.asarray(ds["input_variables"].values, dtype=np.int64)[item_idx]
    for name in ("variance_share", "variance_share_noise"):
        data[name] = ds[name].transpose("area", "service", by).values.reshape(-1)
    for name in ("person_days_mean", "person_days_std"):
        data[name] = ds[name].transpose("area", "service").values.reshape(-1)[area_idx * n_s + service_idx]
    return pd.DataFrame({c.name: data[c.name] for c in sensitivity_columns(ds)})
