"""The result dataset: its contract, and the helpers every layer reads it with.

A result dataset is what :func:`impact.run` returns in ``Result.dataset`` (an
:class:`xarray.Dataset`; ``docs/method.md`` and ``docs/user-guide.md`` describe its
variables). This module owns what the rest of the package may assume about it:

- access: :func:`as_dataset` (a dataset or a result), :func:`check_dataset`,
  :data:`REQUIRED_VARIABLES`, :data:`ResultLike`;
- time: results hold naive UTC times; :func:`timezone_of`, :func:`local_times`,
  :func:`iso_local`, :func:`wall_clock` and :func:`offsets_label` show them in the
  scenario's zone;
- areas: :func:`top_area` and :func:`area_name` (the hierarchy itself is
  :class:`impact.areas.AreaTree`);
- statistics: :func:`quantile_label` and :func:`quantile_labels` (column suffixes),
  :func:`quantiles_of`, :func:`samples_of`, :func:`step_hours`; the planning statistic the
  headline figures lead with (:func:`plan_quantile_of`, its name :func:`statistic_name`,
  :func:`plan_values`) and the hours of ``outage_beyond_probability`` (:data:`BEYOND_HOURS`);
- units: :func:`with_units` attaches ``units`` and ``long_name``, which every data variable
  carries.

It imports nothing from the rest of :mod:`impact` but :mod:`impact.areas`, so every layer (engine labelling,
features, exports, figures, the dashboard) can build on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd
import xarray as xr

from impact.areas import AreaTree

if TYPE_CHECKING:
    from impact.result import Result

__all__ = [
    "BEYOND_HOURS",
    "PLAN_QUANTILE",
    "REQUIRED_VARIABLES",
    "ResultLike",
    "area_name",
    "as_dataset",
    "beyond_label",
    "check_dataset",
    "iso_local",
    "local_times",
    "offsets_label",
    "plan_quantile_of",
    "plan_values",
    "quantile_label",
    "quantile_labels",
    "quantiles_of",
    "samples_of",
    "statistic_name",
    "step_hours",
    "timezone_of",
    "top_area",
    "wall_clock",
    "with_units",
]

#: A result object or its dataset: what every function reading a result accepts.
ResultLike: TypeAlias = "Result | xr.Dataset"

#: Default planning statistic: the quantile over Monte Carlo samples every headline figure leads
#: with (``impact.run(plan_quantile=...)``, attribute ``plan_quantile``) [1]; docs/method.md, section 5.
PLAN_QUANTILE = 0.5

#: Default hours of ``outage_beyond_probability`` (coordinate ``beyond_hours``): a day, three
#: days, a week [hours].
BEYOND_HOURS: tuple[float, ...] = (24.0, 72.0, 168.0)

#: Variables every result dataset must hold for the exports.
REQUIRED_VARIABLES: tuple[str, ...] = (
    "people_without",
    "people_without_mean",
    "people_without_central",
    "population",
)


def as_dataset(obj: Any) -> xr.Dataset:
    """Return the result dataset of ``obj``.

    Parameters
    ----------
    obj : xarray.Dataset or object with a ``.dataset`` attribute
        A result dataset or a result object.

    Returns
    -------
    xarray.Dataset
        The dataset itself.

    Raises
    ------
    TypeError
        If ``obj`` is neither.
    """
    if isinstance(obj, xr.Dataset):
        return obj
    ds = getattr(obj, "dataset", None)
    if isinstance(ds, xr.Dataset):
        return ds
    raise TypeError(f"expected an xarray.Dataset or a result with a .dataset attribute, got {type(obj).__name__}")


def check_dataset(ds: xr.Dataset) -> None:
    """Raise ``ValueError`` naming what a result dataset lacks for the exports."""
    missing = [v for v in REQUIRED_VARIABLES if v not in ds.variables]
    missing += [c for c in ("service", "area", "time", "quantile") if c not in ds.coords]
    if missing:
        raise ValueError(
            "the dataset is not a result dataset: missing "
            + ", ".join(missing)
            + " (expected the output of impact.run)"
        )


def timezone_of(ds: xr.Dataset) -> str:
    """IANA time zone of the results (``ds.attrs["timezone"]``, ``"UTC"`` when absent)."""
    return str(ds.attrs.get("timezone") or "UTC")


def local_times(values: Any, tz: str) -> pd.DatetimeIndex:
    """Convert naive UTC times to time-zone aware local times.

    Parameters
    ----------
    values : array-like of datetime64
        Naive times whose values are UTC.
    tz : str
        IANA time zone, e.g. ``"Europe/Kyiv"``.

    Returns
    -------
    pandas.DatetimeIndex
        Aware times in ``tz`` (NaT stays NaT).
    """
    idx = pd.DatetimeIndex(np.asarray(values, dtype="datetime64[ns]"))
    try:
        return idx.tz_localize("UTC").tz_convert(tz)
    except Exception as exc:  # zoneinfo and pytz raise different types
        raise ValueError(
            f"{tz!r} is not a valid IANA time zone (dataset attribute 'timezone'); use a name such as 'Europe/Kyiv'"
        ) from exc


def iso_local(values: Any, tz: str) -> np.ndarray:
    """ISO 8601 local times with UTC offset.

    Parameters
    ----------
    values : array-like of datetime64
        Naive times whose values are UTC.
    tz : str
        IANA time zone.

    Returns
    -------
    numpy.ndarray of object
        Strings such as ``"2025-12-19T00:00:00+02:00"``; ``""`` for NaT.
    """
    idx = local_times(values, tz)
    return np.array([("" if t is pd.NaT else t.isoformat()) for t in idx], dtype=object)


def wall_clock(values: Any, tz: str) -> pd.DatetimeIndex:
    """Naive local wall-clock times from naive UTC times."""
    return local_times(values, tz).tz_localize(None)


def _offset_text(delta: pd.Timedelta) -> str:
    """A UTC offset as ISO 8601 text, e.g. ``+02:00``."""
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def offsets_label(ds: xr.Dataset) -> str:
    """The zone and its UTC offsets over the horizon, e.g. ``Europe/Kyiv, UTC+02:00``; ``UTC`` in UTC."""
    tz = timezone_of(ds)
    idx = local_times(ds["time"].values, tz)
    valid = idx[~idx.isna()]
    offsets = sorted(
        {
            _offset_text(delta)
            for delta in (valid.tz_localize(None) - valid.tz_convert("UTC").tz_localize(None)).unique()
        }
    )
    if tz == "UTC" or offsets == ["+00:00"]:
        return "UTC"
    return f"{tz}, UTC{'/'.join(offsets)}"


def top_area(result: ResultLike) -> str:
    """Id of the top area: the first whose ``parent_id`` is empty (else the first area).

    Parameters
    ----------
    result : Result or xarray.Dataset
        A result.

    Returns
    -------
    str
        The area id.

    Raises
    ------
    ValueError
        If the result has no areas.
    """
    ds = as_dataset(result)
    tree = AreaTree.from_dataset(ds)
    tops = tree.tops()
    if tops:
        return tops[0]
    if not tree.ids:
        raise ValueError("the result has no areas")
    return tree.ids[0]


def area_name(ds: xr.Dataset, area: str) -> str:
    """Name of ``area`` (its id when the dataset has no ``name`` coordinate)."""
    if "name" in ds.coords:
        return str(ds["name"].sel(area=area).item())
    return area


def quantile_label(q: float) -> str:
    """Column suffix for a quantile: ``q05`` for 0.05, ``q50``, ``q95``, ``q025`` for 0.025.

    The quantile in per cent, integer part padded to at least two digits, the decimal
    point dropped: 0.05 → ``q05``, 0.975 → ``q975``, 0.001 → ``q001``, 1 → ``q100``.

    Parameters
    ----------
    q : float
        Quantile in [0, 1] [1].

    Returns
    -------
    str
        The label.
    """
    q = float(q)
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q} is not in [0, 1]")
    text = f"{q * 100:.10f}".rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    return "q" + whole.zfill(2) + frac


def quantile_labels(quantiles: Sequence[float]) -> list[str]:
    """Labels of :func:`quantile_label` for several quantiles; ``ValueError`` when two coincide."""
    labels = [quantile_label(q) for q in quantiles]
    if len(set(labels)) != len(labels):
        raise ValueError(f"quantiles {list(quantiles)} give duplicate column labels {labels}")
    return labels


def quantiles_of(result: ResultLike) -> list[float]:
    """The Monte Carlo quantiles of a result, in order (empty when it has none) [1]."""
    ds = as_dataset(result)
    return [float(q) for q in ds["quantile"].values] if "quantile" in ds.coords else []


def statistic_name(q: float) -> str:
    """The quantile ``q`` in words: ``median`` for 0.5, ``90th percentile`` for 0.9.

    ``minimum`` for 0 and ``maximum`` for 1; otherwise the percentile with its English
    ordinal suffix (``1st``, ``2nd``, ``3rd``, ``11th``, ``2.5th``).

    Parameters
    ----------
    q : float
        Quantile in [0, 1] [1].

    Returns
    -------
    str
    """
    q = float(q)
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q} is not in [0, 1]")
    if q == 0.5:
        return "median"
    if q in (0.0, 1.0):
        return "minimum" if q == 0.0 else "maximum"
    text = f"{q * 100:.10f}".rstrip("0").rstrip(".")
    suffix = "th"
    if "." not in text and int(text) % 100 not in (11, 12, 13):
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(int(text) % 10, "th")
    return f"{text}{suffix} percentile"


def plan_quantile_of(result: ResultLike) -> float:
    """The planning statistic of a result: ``attrs["plan_quantile"]``, :data:`PLAN_QUANTILE` when absent [1].

    Every headline figure (KPI cards, needs, command-line tables, the leading export columns)
    shows this quantile over Monte Carlo samples and says which it is (:func:`statistic_name`).
    """
    return float(as_dataset(result).attrs.get("plan_quantile", PLAN_QUANTILE))


def plan_values(array: xr.DataArray, q: float) -> xr.DataArray:
    """``array`` at quantile ``q`` (the ``quantile`` dimension dropped); NaN when ``q`` is not one of its quantiles.

    Parameters
    ----------
    array : xarray.DataArray
        A variable with a ``quantile`` dimension (e.g. ``people_without``).
    q : float
        The planning statistic's quantile [1].

    Returns
    -------
    xarray.DataArray
        NaN everywhere for a result without that quantile (or without samples).
    """
    quantiles = [float(v) for v in array["quantile"].values]
    if float(q) in quantiles:
        return array.isel(quantile=quantiles.index(float(q)), drop=True)
    return xr.full_like(array.sum("quantile"), np.nan, dtype=np.float64)


def beyond_label(hours: float) -> str:
    """Column-name part of an outage length of ``outage_beyond_probability``: ``24h`` for 24, ``1.5h`` for 1.5."""
    return f"{np.format_float_positional(float(hours), trim='-')}h"


def samples_of(result: ResultLike) -> int:
    """Monte Carlo samples behind a result.

    ``attrs["samples"]`` when present; otherwise 1 when the Monte Carlo mean has any finite
    value (a result of unknown sample count) and 0 when it has none (central only).
    """
    ds = as_dataset(result)
    if "samples" in ds.attrs:
        return int(ds.attrs["samples"])
    mean = ds.get("people_without_mean")
    return int(mean is not None and bool(np.isfinite(mean.values).any()))


def step_hours(result: ResultLike) -> float:
    """Length of one time step [hours].

    ``attrs["step_minutes"]`` when present; otherwise the median spacing of the time axis,
    and 1 hour for a result with a single step.
    """
    ds = as_dataset(result)
    minutes = ds.attrs.get("step_minutes")
    if minutes:
        return float(minutes) / 60.0
    times = np.asarray(ds["time"].values, dtype="datetime64[ns]")
    if len(times) > 1:
        return float(np.median(np.diff(times)) / np.timedelta64(1, "h"))
    return 1.0


def with_units(array: xr.DataArray, units: str, long_name: str) -> xr.DataArray:
    """``array`` with ``attrs`` ``units`` and ``long_name`` set (changed in place and returned).

    Parameters
    ----------
    array : xarray.DataArray
        A data variable.
    units : str
        UDUNITS-style unit, e.g. ``"persons"``, ``"hours"``, ``"1"``.
    long_name : str
        What the variable holds, in words.

    Returns
    -------
    xarray.DataArray
        ``array``.
    """
    array.attrs.update(units=units, long_name=long_name)
    return array
