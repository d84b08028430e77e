"""CF-1.8 NetCDF export of the whole result dataset.

The file holds every variable of the result (time series, asset status, summaries,
strikes) with metadata following the CF conventions 1.8 for discrete sampling geometries:

- global ``Conventions = "CF-1.8"``, ``featureType = "timeSeries"``, ``title``,
  ``institution``, ``source``, ``history``, ``references`` (the scenario's sources) and
  ``comment`` (its caveats), plus every attribute of the result (scenario id, seed,
  samples, model version ...);
- the ``area`` variable (area ids) has ``cf_role = "timeseries_id"``: each area is one
  time-series instance (CF "orthogonal multidimensional" representation, with the extra
  ``service`` and ``quantile`` dimensions);
- ``time`` is ``hours since <scenario start in UTC>`` with ``standard_name = "time"`` and
  ``calendar = "standard"`` (int32 when every step is a whole hour, else float64); the
  strike times and peak times use the same units (float64, NaN for "no peak");
- head counts have ``units = "1"`` (CF has no unit for persons; ``long_name`` says what is
  counted), person-hours and hours have ``units = "h"``, probabilities ``"1"``;
  ``asset_down_central`` is a CF flag variable (0 up, 1 down);
- no wall-clock time is stored anywhere, so the same result gives the same bytes.

Areas carry ``latitude`` / ``longitude`` of their coarse centroids (``degrees_north`` /
``degrees_east``); no asset position is ever written (``docs/user-guide.md``: keep positions coarse).

Read back with ``xarray.open_dataset(path)``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from impact._version import __version__
from impact.dataset import as_dataset, check_dataset
from impact.export.atomic import atomic_write

__all__ = ["cf_dataset", "write_netcdf"]

#: Held around every NetCDF file operation of this package. The netCDF-C and HDF5 libraries
#: are not safe to call from several threads at once (two downloads written at the same time
#: by the dashboard's threads crashed the process with "NetCDF: HDF error" or a bus error);
#: xarray's own locks cover data reads and writes but not creating, defining and closing a
#: file. Re-entrant, so a writer may call another.
NETCDF_LOCK = threading.RLock()

#: Free space [bytes] below which a failure of the NetCDF library is taken for a full disk.
FULL_DISK_BYTES = 64 * 2**20


@contextlib.contextmanager
def library_errors(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn a failure inside the netCDF-C / HDF5 libraries into an :class:`OSError`.

    Those libraries report a full disk, a file size limit or an I/O error as a
    ``RuntimeError("NetCDF: HDF error")``; callers (the CLI, the dashboard) handle write
    failures as ``OSError``. With little space left in the file's folder the error is
    ``ENOSPC``, otherwise ``EIO`` with the library's message.

    Parameters
    ----------
    path : str or os.PathLike
        The file being written (named in the error).
    """
    try:
        yield
    except RuntimeError as error:
        folder = Path(path).parent
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = None
        if free is not None and free < FULL_DISK_BYTES:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path)) from error
        raise OSError(
            errno.EIO,
            f"the NetCDF library could not write the file ({error}): is the disk full, or "
            "the file larger than the file system or a limit allows?",
            str(path),
        ) from error


#: Result units → CF (UDUNITS) units.
CF_UNITS: dict[str, str] = {
    "persons": "1",
    "person": "1",
    "people": "1",
    "person hours": "h",
    "person-hours": "h",
    "hours": "h",
    "hour": "h",
    "1": "1",
}

_COORD_ATTRS: dict[str, dict[str, str]] = {
    "service": {"long_name": "service lost (power, water or heat)"},
    "area": {
        "long_name": "area identifier (OCHA COD P-code where one exists)",
        "cf_role": "timeseries_id",
    },
    "name": {"long_name": "area name"},
    "name_uk": {"long_name": "area name in Ukrainian (empty when not given)"},
    "population_base": {
        "long_name": "persons counted in the population column of areas.csv, before any population_current",
        "units": "1",
    },
    "population_source": {"long_name": "source of population_current (empty when not given)"},
    "admin_level": {"long_name": "administrative level of the area", "units": "1"},
    "parent_id": {"long_name": "identifier of the parent area (empty for the top)"},
    "quantile": {
        "long_name": "quantile of the Monte Carlo distribution over samples",
        "units": "1",
    },
    "beyond_hours": {"long_name": "outage length exceeded (outage_beyond_probability)", "units": "h"},
    "asset": {"long_name": "asset identifier"},
    "asset_name": {"long_name": "asset name"},
    "asset_kind": {"long_name": "asset kind"},
    "asset_area": {"long_name": "area the asset is in"},
    "strike": {"long_name": "strike identifier"},
    "strike_time": {"long_name": "time of the strike"},
    "strike_asset": {"long_name": "asset struck"},
    "damage_state": {"long_name": "damage state (HAZUS vocabulary)"},
    "killed": {"long_name": "people killed in the strike (NaN: unknown)", "units": "1"},
    "injured": {"long_name": "people injured in the strike (NaN: unknown)", "units": "1"},
}

_INSTITUTION = "Produced with the open-source humanitarian infrastructure impact model (impact)"


def _reference_time(ds: xr.Dataset) -> pd.Timestamp:
    """Scenario start as a naive UTC timestamp (first time step if ``start`` is absent)."""
    start = ds.attrs.get("start")
    if start:
        try:
            ts = pd.Timestamp(str(start))
            return ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo else ts
        except (ValueError, TypeError):
            pass
    return pd.Timestamp(ds["time"].values[0])


def _attr_value(value: Any) -> Any:
    """A dataset attribute in a type NetCDF can store."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return np.int8(value)
    if isinstance(value, str | int | float | np.integer | np.floating):
        return value
    if isinstance(value, list | tuple | np.ndarray):
        arr = np.asarray(value)
        if arr.dtype.kind in "iuf":
            return arr
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def cf_dataset(ds: Any) -> xr.Dataset:
    """The result dataset with CF-1.8 attributes and encodings, ready to write.

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).

    Returns
    -------
    xarray.Dataset
        A copy with CF attributes and NetCDF encodings set; values unchanged.
    """
    ds = as_dataset(ds)
    check_dataset(ds)
    out = ds.copy(deep=False)

    for name in list(out.variables):
        if out.variables[name].dtype.kind == "T":  # numpy StringDType: store as vlen str
            converted = out[name].astype(object)
            if name in out.coords:
                out = out.assign_coords({name: converted})
            else:
                out[name] = converted
    variables = out.variables
    for var in variables.values():
        var.encoding = {}

    ref = _reference_time(ds)
    time_units = f"hours since {ref.strftime('%Y-%m-%dT%H:%M:%S')}"
    offsets = (pd.DatetimeIndex(ds["time"].values) - ref) / pd.Timedelta(hours=1)
    whole = bool(np.all(np.asarray(offsets) == np.round(np.asarray(offsets))))
    variables["time"].attrs = {
        "standard_name": "time",
        "long_name": "time step start (UTC)",
        "axis": "T",
    }
    variables["time"].encoding = {
        "units": time_units,
        "calendar": "standard",
        "dtype": "int32" if whole else "float64",
    }
    # Other times (strikes, peaks) are encoded here as float hours since the same
    # reference, NaN for NaT: xarray reads them back as datetime64 (NaT for NaN).
    for name in [n for n, v in variables.items() if n != "time" and v.dtype.kind == "M"]:
        var = variables[name]
        values = np.asarray(var.values, dtype="datetime64[ns]")
        hours = (values - ref.to_datetime64()) / np.timedelta64(1, "h")
        attrs = {k: v for k, v in var.attrs.items() if k not in ("units", "calendar")}
        attrs.setdefault("long_name", name.replace("_", " "))
        attrs.update({"units": time_units, "calendar": "standard"})
        encoded = xr.Variable(var.dims, hours.astype(np.float64), attrs)
        encoded.encoding = {"_FillValue": np.nan}
        if name in out.coords:
            out = out.assign_coords({name: encoded})
        else:
            out[name] = encoded
    variables = out.variables

    for name in out.dims:  # CF: coordinate variables have no missing values
        if name in variables and name != "time" and variables[name].dtype.kind == "f":
            variables[name].encoding = {"_FillValue": None}

    for name, attrs in _COORD_ATTRS.items():
        if name in variables:
            variables[name].attrs = {**variables[name].attrs, **attrs}

    for name in out.data_vars:
        var = variables[name]
        if "calendar" in var.attrs:  # an encoded time
            continue
        attrs = dict(var.attrs)
        units = str(attrs.get("units", ""))
        if units:
            attrs["units"] = CF_UNITS.get(units, units)
        if name == "asset_down_central":
            attrs.pop("units", None)
            attrs["flag_values"] = np.array([0, 1], dtype=var.dtype)
            attrs["flag_meanings"] = "up down"
        var.attrs = attrs
        if "time" in var.dims:
            var.encoding = {"zlib": True, "complevel": 4, "shuffle": True}

    src = ds.attrs
    model_version = src.get("model_version", __version__)
    attrs = {k: _attr_value(v) for k, v in src.items()}
    attrs.update(
        {
            "Conventions": "CF-1.8",
            "featureType": "timeSeries",
            "title": str(src.get("title") or src.get("scenario_title") or src.get("scenario_id") or "impact result"),
            "institution": str(src.get("institution") or _INSTITUTION),
            "source": (
                f"impact model {model_version}: strikes -> asset outages (restoration "
                f"curves) -> dependency cascade -> people without service; "
                f"samples={src.get('samples', '')}, seed={src.get('seed', '')}"
            ),
            "history": f"written by impact {__version__} impact.export.write_netcdf",
            "references": str(src.get("sources", "")),
            "comment": str(src.get("caveats", "")),
        }
    )
    out.attrs = attrs
    return out


def write_netcdf(ds: Any, path: str | os.PathLike[str]) -> Path:
    """Write the result as a CF-1.8 NetCDF-4 file.

    Parameters
    ----------
    ds : xarray.Dataset or result object
        A result dataset (or an object with ``.dataset``).
    path : str or os.PathLike
        Destination file; its folder must exist. Written atomically.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    People counts are stored with ``units = "1"`` [persons], person-hours and hours with
    ``units = "h"``; times as hours since the scenario start (UTC). See the module
    documentation for every attribute written.
    """
    cf = cf_dataset(ds)

    def writer(tmp: Path) -> None:
        with NETCDF_LOCK, library_errors(path):
            cf.to_netcdf(tmp, mode="w", format="NETCDF4", engine="netcdf4")

    return atomic_write(path, writer)
