"""A CF NetCDF file written one block of areas at a time (results larger than memory).

:func:`write_netcdf_blocks` writes labelled result blocks (consecutive areas, in order) to one
file with the same content as :func:`impact.export.netcdf.write_netcdf` of the whole result:

1. the first block creates the file with ``area`` as its unlimited dimension and chunked,
   compressed variables (:data:`CHUNK_BYTES` per chunk);
2. every later block is appended along ``area`` with netCDF4;
3. the file is written under a temporary name and renamed when complete, so an interrupted
   run leaves no partial file (:mod:`impact.export.atomic`).

:func:`impact.run_to_netcdf` computes the blocks (see ``docs/method.md``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import netCDF4
import numpy as np
import xarray as xr

from impact.export.atomic import atomic_write
from impact.export.netcdf import NETCDF_LOCK, cf_dataset, library_errors

__all__ = ["CHUNK_BYTES", "write_netcdf_blocks"]

#: Target size of one stored chunk [bytes] (uncompressed).
CHUNK_BYTES = 4 << 20


def write_netcdf_blocks(blocks: Iterable[xr.Dataset], path: str | os.PathLike[str], area_block: int) -> Path:
    """Write result blocks of consecutive areas to one CF NetCDF file, atomically.

    Parameters
    ----------
    blocks : iterable of xarray.Dataset
        Labelled result datasets (:func:`impact.result.build_dataset`) of consecutive areas
        in order; the first also holds every variable without an ``area`` dimension (the
        observation scores). Consumed one at a time, so only one block is in memory.
    path : str or os.PathLike
        NetCDF file to write; its folder must exist.
    area_block : int
        Largest number of areas in a block [areas]; bounds the chunks along ``area``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """

    def writer(temporary: Path) -> None:
        start = 0
        for labelled in blocks:
            cf = cf_dataset(labelled)
            if start == 0:
                _first_block(cf, temporary, area_block)
            else:
                _append_block(cf, temporary, start)
            start += labelled.sizes["area"]

    return atomic_write(path, writer)


def _chunk_sizes(variable: xr.Variable, block: int) -> tuple[int, ...]:
    """Chunk shape: whole time series, one service, as many areas as fit in CHUNK_BYTES."""
    per_area = variable.dtype.itemsize
    for dim, size in zip(variable.dims, variable.shape, strict=True):
        if dim not in ("area", "service"):
            per_area *= size
    areas = max(1, min(block, CHUNK_BYTES // max(per_area, 1)))
    return tuple(
        areas if dim == "area" else 1 if dim == "service" else max(size, 1)
        for dim, size in zip(variable.dims, variable.shape, strict=True)
    )


def _first_block(cf: xr.Dataset, path: Path, block: int) -> None:
    """Create the file from the first block: ``area`` unlimited, area variables chunked."""
    for name, variable in cf.variables.items():
        if "area" in variable.dims and name != "area" and variable.dtype.kind != "O":
            variable.encoding = {**variable.encoding, "chunksizes": _chunk_sizes(variable, block)}
    with NETCDF_LOCK, library_errors(path):
        cf.to_netcdf(path, mode="w", format="NETCDF4", engine="netcdf4", unlimited_dims=["area"])


def _append_block(cf: xr.Dataset, path: Path, start: int) -> None:
    """Write a later block's area variables at areas ``start:start + len(block)``."""
    with NETCDF_LOCK, library_errors(path), netCDF4.Dataset(path, "a") as nc:
        for name, variable in cf.variables.items():
            if "area" not in variable.dims:
                continue
            encoded = xr.conventions.encode_cf_variable(variable, name=name)
            values = np.asarray(encoded.values)
            target = nc.variables[str(name)]
            target.set_auto_maskandscale(False)
            index = tuple(
                slice(start, start + values.shape[axis]) if dim == "area" else slice(None)
                for axis, dim in enumerate(variable.dims)
            )
            if values.dtype.kind in "OU":
                target.set_auto_chartostring(False)
                for offset in range(values.shape[0]):
                    target[start + offset] = str(values[offset])
            else:
                target[index] = values
