"""Results larger than memory: computed in blocks of areas and written to NetCDF as they come.

:func:`run_to_netcdf` gives the same file content as ``impact.run(...).export("x.nc")``
(same variables, values, attributes and CF encoding, :mod:`impact.export.netcdf`) without
ever holding more than one block of areas in memory:

1. the assets' outage stage runs once for all samples (its size grows with assets and
   samples, not areas);
2. areas are taken in blocks of ``area_block``; each block is computed
   (:func:`impact.engine.fast.compute_from_steps`), labelled like a full result
   (:func:`impact.result.build_dataset`) and CF-encoded (:func:`impact.export.netcdf.cf_dataset`);
3. the first block creates the file with ``area`` as its unlimited dimension and chunked,
   compressed variables; every later block is appended along ``area`` with netCDF4;
4. the file is written under a temporary name and renamed when complete, so an interrupted
   run leaves no partial file.

Peak memory is about one block's results (people x services x steps x (quantiles + 2)
float64 per area) plus the outage stage. Read the file back lazily with
``xarray.open_dataset(path, chunks={})`` (dask) or slice it with ``.isel(area=...)``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import netCDF4
import numpy as np
import xarray as xr

from impact.engine.compile import compile_scenario
from impact.engine.fast import compute_from_steps, outage_steps, thread_mapper
from impact.export.atomic import atomic_write
from impact.export.netcdf import NETCDF_LOCK, cf_dataset, library_errors
from impact.observations import observation_variables, score_observations
from impact.result import build_dataset, engine_options, run_settings
from impact.scenario import Scenario, load_scenario
from impact.scenario.schema import SERVICES

#: Areas per block by default.
AREA_BLOCK = 2048

#: Target size of one stored chunk [bytes] (uncompressed).
CHUNK_BYTES = 4 << 20


def result_bytes(scenario: Scenario, quantiles: Sequence[float] | None = None) -> int:
    """Memory of a whole result's (service, area, time) variables [bytes], float64.

    Quantiles, the mean and the central estimate: services x areas x steps x (Q + 2) x 8.
    """
    count = len(scenario.config.quantiles if quantiles is None else quantiles)
    return len(SERVICES) * len(scenario.areas) * scenario.config.steps * (count + 2) * 8


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
            target = nc.variables[name]
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


def _observation_block(scenario: Scenario, model, labelled_block) -> xr.Dataset:
    """The observation scores (written with the first block), from the observed areas alone."""
    observations = scenario.observations
    if observations is None or len(observations) == 0:
        return observation_variables(score_observations(None, observations, 1.0))
    index = {area_id: a for a, area_id in enumerate(model.area_ids)}
    observed = labelled_block(np.array(sorted({index[area] for area in observations["area_id"]}), dtype=np.int64))
    return observation_variables(score_observations(observed, observations, scenario.config.persons_per_household))


def run_to_netcdf(
    scenario: str | Path | Scenario,
    path: str | os.PathLike[str],
    samples: int | None = None,
    seed: int | None = None,
    quantiles: Sequence[float] | None = None,
    *,
    area_block: int = AREA_BLOCK,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Run a scenario and write its result to a CF NetCDF file, one block of areas at a time.

    Parameters
    ----------
    scenario : str, Path or Scenario
        Bundled scenario id, scenario folder or loaded scenario.
    path : str or os.PathLike
        NetCDF file to write; its folder must exist. Written atomically.
    samples, seed, quantiles
        As :func:`impact.run` (defaults from ``scenario.toml``).
    area_block : int
        Areas computed and written together [areas]; memory grows with it.
    workers, scheduler
        As :func:`impact.run`: a local dask cluster or an existing one (extra ``[dask]``).
    progress : callable, optional
        Called with a short label as each stage and block starts.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    if area_block < 1:
        raise ValueError(f"area_block must be at least 1, not {area_block}")
    scenario = load_scenario(scenario)
    samples, seed, quantile_array = run_settings(scenario, samples, seed, quantiles)
    step = progress or (lambda _label: None)
    step("compiling")
    model = compile_scenario(scenario)
    total = len(model.area_ids)
    with engine_options(workers, scheduler) as options:
        mapper = options.get("mapper") or thread_mapper()
        step("outages")
        central_steps = outage_steps(model, model.central_durations())
        central_counts = central_steps.down_counts()
        plain = compile_scenario(scenario, blackouts=False) if len(scenario.blackouts) else None
        plain_steps = None if plain is None else outage_steps(plain, plain.central_durations())
        sampled_steps = sampled_counts = sampled_per_sample = None
        if samples > 0:
            sampled_steps = outage_steps(
                model,
                model.sample_durations(samples, seed),
                mapper=mapper,
                sample_blocks=options.get("sample_blocks", 1),
            )
            sampled_counts = sampled_steps.down_counts()
            sampled_per_sample = sampled_steps.down_steps()

        def labelled_block(areas: np.ndarray) -> xr.Dataset:
            central = compute_from_steps(
                model, central_steps, quantile_array, mapper=mapper, areas=areas, down_counts=central_counts
            )
            sampled = (
                None
                if sampled_steps is None
                else compute_from_steps(
                    model,
                    sampled_steps,
                    quantile_array,
                    mapper=mapper,
                    areas=areas,
                    down_counts=sampled_counts,
                    down_steps=sampled_per_sample,
                )
            )
            unscheduled = (
                None
                if plain is None
                else compute_from_steps(plain, plain_steps, quantile_array, mapper=mapper, areas=areas)
            )
            return build_dataset(
                scenario, model, central, sampled, quantile_array, samples, seed, areas=areas, unscheduled=unscheduled
            )

        def writer(temporary: Path) -> None:
            observed = _observation_block(scenario, model, labelled_block)
            for start in range(0, total, area_block):
                areas = np.arange(start, min(start + area_block, total))
                step(f"areas {start + 1}-{areas[-1] + 1} of {total}")
                labelled = labelled_block(areas)
                if start == 0:
                    _first_block(cf_dataset(labelled.merge(observed)), temporary, area_block)
                else:
                    _append_block(cf_dataset(labelled), temporary, start)

        written = atomic_write(path, writer)
    step("done")
    return written
