"""The labelled result of a run (``docs/method.md``): :class:`Result`, how engine outputs become
its dataset (:func:`build_dataset`) and how a NetCDF export is read back (:func:`open_result`).

Runs themselves are :func:`impact.runner.run` and :func:`impact.runner.run_to_netcdf`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from impact._version import __version__
from impact.areas import AreaTree
from impact.dataset import (
    BEYOND_HOURS,
    PLAN_QUANTILE,
    beyond_label,
    check_dataset,
    plan_quantile_of,
    plan_values,
    statistic_name,
    top_area,
    with_units,
)
from impact.engine.compile import CompiledScenario
from impact.engine.cooling import COLD
from impact.engine.draws import Draws, restart_delays
from impact.engine.grid_compile import scenario_outdoor
from impact.engine.heat import DRAINED
from impact.engine.stats import EngineOutput
from impact.export import carries_needs, to_long_dataframe
from impact.export import export as write_result
from impact.needs import needs as compute_needs
from impact.observations import observation_variables, score_observations, summarise_scores
from impact.restoration import restoration_class_of
from impact.scenario import Scenario, load_scenario
from impact.scenario.schema import DAMAGE_STATES, SERVICES

__all__ = ["CAVEATS", "Result", "build_dataset", "open_result"]

CAVEATS = (
    "Model estimates, not observations. Restoration curves are seismic (HAZUS) or stated "
    "assumptions; missile damage may take longer to repair. Shares of people served by each "
    "asset are approximations. Quantiles are over Monte Carlo samples of repair times only; "
    "the network, damage states and populations are taken as given. Populations are those of "
    "areas.csv (its source column says from when): unless population_current gives an adjusted "
    "figure, they are not adjusted for displacement (the bundled Odesa scenario's are of "
    "1 January 2022, before the full-scale invasion)."
)


class Result:
    """The outcome of :func:`impact.run`.

    Attributes
    ----------
    dataset : xarray.Dataset
        Everything computed (see ``docs/method.md`` and ``docs/user-guide.md``, section 3).
    scenario : Scenario or None
        The scenario that was run; None for a result read back without it
        (:func:`open_result`).
    """

    def __init__(self, dataset: xr.Dataset, scenario: Scenario | None) -> None:
        self.dataset = dataset
        self.scenario = scenario

    def __repr__(self) -> str:
        attrs = self.dataset.attrs
        return (
            f"<Result {attrs['scenario_id']}: samples={attrs['samples']} seed={attrs['seed']} "
            f"areas={self.dataset.sizes['area']} steps={self.dataset.sizes['time']}>"
        )

    def to_dataframe(self) -> pd.DataFrame:
        """Tidy long table: one row per (service, area, time), local times; see :mod:`impact.export.frames`."""
        return to_long_dataframe(self.dataset)

    def observation_scores(self) -> pd.DataFrame:
        """Each reported figure of ``observations.csv`` against the model (see
        :func:`impact.observations.score_observations`).

        Raises
        ------
        ValueError
            The result has no scenario (read back with :func:`open_result` without one).
        """
        if self.scenario is None:
            raise ValueError("this result has no scenario; read it with open_result(path, scenario)")
        return score_observations(self.dataset, self.scenario.observations, self.scenario.config.persons_per_household)

    def observation_summary(self) -> pd.DataFrame:
        """Per service: share of reported figures inside the 5-95 % band and the error of the
        central estimate (see :func:`impact.observations.summarise_scores`)."""
        return summarise_scores(self.observation_scores())

    def summary(self, area: str | None = None) -> pd.DataFrame:
        """Small table per service for one area (default: the top area).

        Parameters
        ----------
        area : str, optional
            Area id; default the top of the hierarchy.

        Returns
        -------
        DataFrame
            Index service; columns ``peak_plan``, ``person_days_plan`` [person days] and
            ``restore_90_hours_plan`` [hours]: the planning statistic (the result's
            ``plan_quantile`` over samples, named in ``frame.attrs["plan_statistic"]``; NaN
            without samples); ``peak_central``, ``peak_low``, ``peak_high`` (lowest and
            highest quantile of the per-sample peak) [persons], ``peak_time`` (local, of the
            central peak), ``person_days_central`` [person days], ``restore_90_hours_central``
            [hours from the peak until at most 10 % of the peak are without service], then
            ``outage_beyond_{X}h_probability`` [1] for each X of ``beyond_hours``. Attributes
            ``plan_quantile`` and ``plan_statistic``.
        """
        ds = self.dataset
        area = area or top_area(ds)
        if area not in ds.indexes["area"]:
            raise ValueError(
                f"{area!r} is not an area of this result; choose one of {', '.join(map(str, ds['area'].values[:20]))}"
            )
        at = ds.sel(area=area)
        timezone = ds.attrs["timezone"]
        plan = plan_quantile_of(ds)
        rows = []
        for service in ds["service"].values:
            s = at.sel(service=service)
            peak_time = pd.Timestamp(s["peak_time_central"].values)
            beyond = s["outage_beyond_probability"] if "outage_beyond_probability" in s else None
            rows.append(
                {
                    "service": str(service),
                    "peak_plan": float(plan_values(s["peak_people_without"], plan)),
                    "person_days_plan": float(plan_values(s["person_hours_without"], plan)) / 24.0,
                    "restore_90_hours_plan": float(plan_values(s["restore_90_hours"], plan)),
                    "peak_central": float(s["peak_people_without_central"]),
                    "peak_low": float(s["peak_people_without"].isel(quantile=0)) if ds.sizes["quantile"] else np.nan,
                    "peak_high": float(s["peak_people_without"].isel(quantile=-1)) if ds.sizes["quantile"] else np.nan,
                    "peak_time": (
                        peak_time.tz_localize("UTC").tz_convert(timezone).isoformat() if not pd.isna(peak_time) else ""
                    ),
                    "person_days_central": float(s["person_hours_without_central"]) / 24.0,
                    "restore_90_hours_central": float(s["restore_90_hours_central"]),
                    **{
                        f"outage_beyond_{beyond_label(hours)}_probability": float(value)
                        for hours, value in zip(
                            [] if beyond is None else beyond["beyond_hours"].values,
                            [] if beyond is None else beyond.values,
                            strict=True,
                        )
                    },
                }
            )
        frame = pd.DataFrame(rows).set_index("service")
        frame.attrs.update(plan_quantile=plan, plan_statistic=statistic_name(plan))
        return frame

    def export(self, path: str | Path, *, include_needs: bool = True) -> Path:
        """Write the result to ``path`` by its suffix (.csv, .xlsx, .nc, .parquet), atomically.

        Parameters
        ----------
        path : str or Path
            Destination file; its folder must exist.
        include_needs : bool, default True
            Compute the needs (:func:`impact.needs`) and write them into the formats that
            carry them (``.xlsx``: a ``needs`` sheet); needs the result's scenario.

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        with_needs = include_needs and self.scenario is not None and carries_needs(path)
        return write_result(self.dataset, path, needs=compute_needs(self) if with_needs else None)


def _sources(scenario: Scenario) -> str:
    """The sources of the curves used and of the areas and strikes, one per line, in an order
    that does not depend on the order of rows in the files."""
    classes = set(restoration_class_of(scenario.assets).values())
    used = scenario.restoration[scenario.restoration["restoration_class"].isin(classes)]
    state_rank = {state: k for k, state in enumerate(DAMAGE_STATES)}
    curves = sorted(
        used.itertuples(index=False), key=lambda row: (row.restoration_class, state_rank.get(row.damage_state, 0))
    )
    lines = [f"restoration {row.restoration_class}/{row.damage_state}: {row.source}" for row in curves if row.source]
    for table, frame in (("areas", scenario.areas), ("strikes", scenario.strikes)):
        lines += [f"{table}: {s}" for s in sorted({str(s) for s in frame["source"] if isinstance(s, str) and s})]
    return "\n".join(dict.fromkeys(lines))


def _text_column(rows: pd.DataFrame, name: str) -> list[str]:
    """A text column of ``areas.csv`` rows as a list of str ("" where empty or absent)."""
    if name not in rows.columns:
        return [""] * len(rows)
    return ["" if pd.isna(value) else str(value) for value in rows[name]]


def _status_note(model: CompiledScenario) -> str:
    """How many status updates condition the forecast, and why any others do not."""
    used = len(model.reports)
    lines = [
        f"{used} status update{'s' if used != 1 else ''} used to condition the forecast (docs/method.md, section 3a)"
    ]
    return "\n".join(lines + model.report_notes)


def grid_variables(
    model: CompiledScenario, central: EngineOutput, monte_carlo: EngineOutput | None
) -> dict[str, xr.DataArray]:
    """The grid zones' demand and deficit share (docs/method.md, section 4b)."""
    if model.grid is None or central.deficit_mean is None:
        return {}
    data = {
        "grid_demand_mw": with_units(
            xr.DataArray(model.grid.demand_kw / 1000.0, dims=("zone", "time")), "MW", "electricity demand of the zone"
        ),
        "grid_deficit_share_central": with_units(
            xr.DataArray(central.deficit_mean, dims=("zone", "time")),
            "1",
            "share of the zone's demand its available supply cannot meet, max(0, 1 - available / demand), "
            "central estimate",
        ),
    }
    if monte_carlo is not None and monte_carlo.deficit_quantiles is not None:
        data["grid_deficit_share"] = with_units(
            xr.DataArray(monte_carlo.deficit_quantiles, dims=("zone", "time", "quantile")),
            "1",
            "share of the zone's demand its available supply cannot meet, quantiles over Monte Carlo samples",
        )
        data["grid_deficit_share_mean"] = with_units(
            xr.DataArray(monte_carlo.deficit_mean, dims=("zone", "time")),
            "1",
            "share of the zone's demand its available supply cannot meet, mean over Monte Carlo samples",
        )
    return data


def services_only(output: EngineOutput, count: int) -> EngineOutput:
    """An engine output restricted to its first ``count`` services (without the pseudo-services)."""
    if output.people_mean.shape[0] == count:
        return output
    return dataclasses.replace(
        output,
        people_quantiles=output.people_quantiles[:count],
        people_mean=output.people_mean[:count],
        stat_quantiles={name: values[:count] for name, values in output.stat_quantiles.items()},
        stat_means={name: values[:count] for name, values in output.stat_means.items()},
        per_sample=None
        if output.per_sample is None
        else {name: values[:, :count] for name, values in output.per_sample.items()},
    )


#: The pseudo-services of the engines and the result variables they become (docs/method.md, 4d-4e).
PSEUDO_SERVICES: dict[str, tuple[str, str]] = {
    DRAINED: (
        "people_drained",
        "people whose building heating systems are drained (district heating in frost, until restarted)",
    ),
    COLD: ("people_cold", "people in homes below the cold threshold (heat.cold_below_celsius)"),
}


def pseudo_service_variables(
    model: CompiledScenario, central: EngineOutput, monte_carlo: EngineOutput | None, quantiles: np.ndarray
) -> dict[str, xr.DataArray]:
    """``people_drained`` and ``people_cold``, each with ``_mean`` and ``_central`` (area, time),
    from the engines' pseudo-services (:data:`PSEUDO_SERVICES`); none without them."""
    data: dict[str, xr.DataArray] = {}
    for service, (name, what) in PSEUDO_SERVICES.items():
        if service not in model.services:
            continue
        v = model.services.index(service)
        shape = central.people_mean[v].shape
        if monte_carlo is None:
            people_q, people_mean = np.full((*shape, len(quantiles)), np.nan), np.full(shape, np.nan)
        else:
            people_q, people_mean = monte_carlo.people_quantiles[v], monte_carlo.people_mean[v]
        data[name] = with_units(
            xr.DataArray(people_q, dims=("area", "time", "quantile")),
            "persons",
            f"{what}, quantile over Monte Carlo samples",
        )
        data[f"{name}_mean"] = with_units(
            xr.DataArray(people_mean, dims=("area", "time")), "persons", f"{what}, mean over Monte Carlo samples"
        )
        data[f"{name}_central"] = with_units(
            xr.DataArray(central.people_mean[v], dims=("area", "time")),
            "persons",
            f"{what}, central estimate (every random input at its middle)",
        )
    return data


def build_dataset(
    scenario: Scenario,
    model: CompiledScenario,
    central: EngineOutput,
    monte_carlo: EngineOutput | None,
    quantiles: np.ndarray,
    samples: int,
    seed: int,
    areas: np.ndarray | None = None,
    unscheduled: EngineOutput | None = None,
    draws: tuple[Draws, np.ndarray, np.ndarray] | None = None,
    plan_quantile: float = PLAN_QUANTILE,
    beyond_hours: Sequence[float] | np.ndarray = BEYOND_HOURS,
) -> xr.Dataset:
    """Label engine outputs as the result Dataset (``docs/user-guide.md``, section 3).

    ``areas`` (indices) says which areas the outputs hold, in their order (default all).
    ``unscheduled`` is the central estimate without the rolling power cuts of
    ``blackouts.csv``; with it the dataset gets ``people_without_scheduled_central``.
    ``draws`` is the Monte Carlo draws with each strike's outage length and crew wait [hours]
    (:func:`impact.engine.fast.repair_schedule`); with them the dataset gets the ``drawn_*``
    variables on a ``sample`` axis (:func:`draw_variables`, for :func:`impact.sensitivity`).
    ``plan_quantile`` [1] is the planning statistic the headline figures lead with (attribute
    ``plan_quantile``; it should be one of ``quantiles``); ``beyond_hours`` [hours] the
    outage lengths of ``outage_beyond_probability`` (docs/method.md, section 5).
    """
    times = scenario.time_index().tz_convert("UTC").tz_localize(None).as_unit("ns")
    services = [service for service in model.services if service in SERVICES]
    pseudo = pseudo_service_variables(model, central, monte_carlo, quantiles)
    central = services_only(central, len(services))
    monte_carlo = None if monte_carlo is None else services_only(monte_carlo, len(services))
    unscheduled = None if unscheduled is None else services_only(unscheduled, len(services))
    every_area = areas is None
    selected = np.arange(len(model.area_ids)) if every_area else np.asarray(areas, dtype=np.int64)
    area_ids = [model.area_ids[i] for i in selected]
    area_rows = scenario.areas.iloc[selected]
    asset_table = scenario.assets
    strikes = scenario.strikes
    step = model.step_hours
    shape_vat = (len(services), len(area_ids), len(times))
    base_population = model.population if model.population_base is None else model.population_base

    if monte_carlo is None:
        people_q = np.full((*shape_vat, len(quantiles)), np.nan)
        people_mean = np.full(shape_vat, np.nan)
        probability = np.full((model.assets_shown, len(times)), np.nan)
        stat_q = {name: np.full((len(services), len(area_ids), len(quantiles)), np.nan) for name in central.stat_means}
        stat_mean = {name: np.full((len(services), len(area_ids)), np.nan) for name in central.stat_means}
    else:
        people_q, people_mean = monte_carlo.people_quantiles, monte_carlo.people_mean
        probability = monte_carlo.asset_down_count[: model.assets_shown] / monte_carlo.samples
        stat_q, stat_mean = monte_carlo.stat_quantiles, monte_carlo.stat_means

    central_people = central.people_mean
    peak_step = central_people.argmax(axis=2)
    peak_value = central_people.max(axis=2)
    peak_time = np.where(peak_value > 0, times.values[peak_step], np.datetime64("NaT", "ns"))

    def hours(values: np.ndarray) -> np.ndarray:
        return np.where(np.isinf(values), np.nan, values * step)

    vsa, vsaq = ("service", "area"), ("service", "area", "quantile")
    beyond = np.asarray(beyond_hours, dtype=np.float64)
    beyond_probability, sample_person_hours = _per_sample_variables(
        monte_carlo, beyond, scenario.config.step_minutes, step, (len(services), len(area_ids))
    )
    data = {
        "people_without": with_units(
            xr.DataArray(people_q, dims=(*vsa, "time", "quantile")),
            "persons",
            "people without service, quantile over Monte Carlo samples",
        ),
        "people_without_mean": with_units(
            xr.DataArray(people_mean, dims=(*vsa, "time")),
            "persons",
            "people without service, mean over Monte Carlo samples",
        ),
        "people_without_central": with_units(
            xr.DataArray(central_people, dims=(*vsa, "time")),
            "persons",
            "people without service, central estimate (median repair times)",
        ),
        "population": with_units(
            xr.DataArray(model.population[selected], dims=("area",)),
            "persons",
            "population used (population_current of areas.csv where given, else population)",
        ),
        "asset_down_probability": with_units(
            xr.DataArray(probability, dims=("asset", "time")), "1", "probability that the asset is down"
        ),
        "asset_down_central": with_units(
            xr.DataArray(central.asset_down_count[: model.assets_shown].astype(np.int8), dims=("asset", "time")),
            "1",
            "asset down in the central estimate (1 down, 0 up)",
        ),
        "peak_people_without_central": with_units(
            xr.DataArray(peak_value, dims=vsa), "persons", "peak people without service, central estimate"
        ),
        "peak_time_central": xr.DataArray(
            peak_time.astype("datetime64[ns]"), dims=vsa, attrs={"long_name": "first time of the central peak (UTC)"}
        ),
        "person_hours_without_central": with_units(
            xr.DataArray(central.stat_means["person_steps"] * step, dims=vsa),
            "person hours",
            "person-hours without service over the horizon, central estimate",
        ),
        "restore_90_hours_central": with_units(
            xr.DataArray(hours(central.stat_means["restore_steps"]), dims=vsa),
            "hours",
            "hours from the central peak until at most 10 % of the peak are without service (NaN: not "
            "within the horizon)",
        ),
        "peak_people_without": with_units(
            xr.DataArray(stat_q["peak"], dims=vsaq), "persons", "quantile over samples of each sample's peak"
        ),
        "peak_people_without_mean": with_units(
            xr.DataArray(stat_mean["peak"], dims=vsa), "persons", "mean over samples of each sample's peak"
        ),
        "person_hours_without": with_units(
            xr.DataArray(stat_q["person_steps"] * step, dims=vsaq),
            "person hours",
            "quantile over samples of person-hours without",
        ),
        "person_hours_without_mean": with_units(
            xr.DataArray(stat_mean["person_steps"] * step, dims=vsa),
            "person hours",
            "mean over samples of person-hours without",
        ),
        "restore_90_hours": with_units(
            xr.DataArray(hours(stat_q["restore_steps"]), dims=vsaq),
            "hours",
            "quantile over samples of hours from the peak to 90 % restored (NaN: not within the horizon)",
        ),
        "restore_90_hours_mean": with_units(
            xr.DataArray(hours(stat_mean["restore_steps"]), dims=vsa),
            "hours",
            "mean over samples of hours from the peak to 90 % restored (NaN if any sample is not restored)",
        ),
    }
    data["outage_beyond_probability"] = with_units(
        xr.DataArray(beyond_probability, dims=(*vsa, "beyond_hours")),
        "1",
        "probability that the outage lasts beyond beyond_hours: share of Monte Carlo samples whose hours from "
        "the peak until at most 10 % of the peak are without service (restore_90) exceed beyond_hours, a "
        "sample not restored within the horizon counting as beyond",
    )
    data["person_hours_without_sample"] = with_units(
        xr.DataArray(sample_person_hours, dims=(*vsa, "sample")),
        "person hours",
        "person-hours without service over the horizon in each Monte Carlo sample",
    )
    coords = {
        "service": services,
        "area": area_ids,
        "name": ("area", list(area_rows["name"])),
        "name_uk": ("area", _text_column(area_rows, "name_uk")),
        "admin_level": ("area", np.asarray(area_rows["admin_level"].astype("int64"))),
        "parent_id": ("area", list(area_rows["parent_id"])),
        "latitude": ("area", area_rows["latitude"].to_numpy(dtype=np.float64)),
        "longitude": ("area", area_rows["longitude"].to_numpy(dtype=np.float64)),
        "population_base": ("area", np.asarray(base_population[selected], dtype=np.int64)),
        "population_source": ("area", _text_column(area_rows, "population_source")),
        "time": times.values,
        "quantile": np.asarray(quantiles, dtype=np.float64),
        "beyond_hours": beyond,
        "asset": list(model.asset_ids[: model.assets_shown]),
        "asset_name": ("asset", list(asset_table["name"])),
        "asset_kind": ("asset", list(asset_table["kind"])),
        "asset_area": ("asset", list(asset_table["area_id"])),
        "strike": list(strikes["strike_id"]),
        "strike_time": (
            "strike",
            strikes["time"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]"),
        ),
        "strike_asset": ("strike", list(strikes["asset_id"])),
        "damage_state": ("strike", list(strikes["damage_state"])),
        "killed": ("strike", strikes["killed"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)),
        "injured": ("strike", strikes["injured"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)),
    }
    if unscheduled is not None:
        data["people_without_scheduled_central"] = with_units(
            xr.DataArray(central_people - unscheduled.people_mean, dims=(*vsa, "time")),
            "persons",
            "of the people without service, those cut by emergency and scheduled cuts (the rotating cuts that "
            "shed the grid's deficit, and blackouts.csv) and not by strikes, central estimate",
        )
    data.update(pseudo)
    outdoor = scenario_outdoor(scenario, AreaTree.from_table(scenario.areas))
    if outdoor is not None:
        data["outdoor_temperature"] = with_units(
            xr.DataArray(outdoor[selected], dims=("area", "time")),
            "degC",
            "outdoor air temperature of the area at the step (temperature.csv: its own readings, else its nearest "
            "ancestor's, else those for every area; NaN before the first reading)",
        )
    if central.deficit_mean is not None and model.grid is not None:
        coords["zone"] = list(model.grid.zone_ids)
        data.update(grid_variables(model, central, monte_carlo))
    config = scenario.config
    if draws is not None:
        data.update(draw_variables(model, *draws))
        coords["dependency"] = list(model.buffer_keys)
    dataset = xr.Dataset(data, coords=coords)
    if every_area:  # a block of areas (streaming) gets them from impact.runner
        dataset = dataset.merge(
            observation_variables(score_observations(dataset, scenario.observations, config.persons_per_household))
        )
    dataset["time"].attrs.update(standard_name="time", long_name="time (UTC)")
    dataset["latitude"].attrs.update(
        standard_name="latitude", units="degrees_north", long_name="area centroid latitude (coarse)"
    )
    dataset["longitude"].attrs.update(
        standard_name="longitude", units="degrees_east", long_name="area centroid longitude (coarse)"
    )
    dataset["beyond_hours"].attrs.update(units="hours", long_name="outage length exceeded (outage_beyond_probability)")
    dataset["name_uk"].attrs.update(long_name="area name in Ukrainian (empty when not given)")
    dataset["population_base"].attrs.update(
        units="persons",
        long_name="population column of areas.csv before any population_current, summed over the leaves",
    )
    dataset["population_source"].attrs.update(
        long_name="where the population used comes from when population_current is given (empty otherwise)"
    )
    boundaries = scenario.boundaries
    dataset.attrs.update(
        title=f"People without power, water and heat: {config.title}",
        scenario_id=config.id,
        scenario_title=config.title,
        timezone=config.timezone,
        start=config.start.tz_convert(config.timezone).isoformat(),
        step_minutes=config.step_minutes,
        horizon_hours=config.horizon_hours,
        samples=int(samples),
        seed=int(seed),
        model_version=__version__,
        quantile_method="linear",
        plan_quantile=float(plan_quantile),
        plan_statistic=statistic_name(plan_quantile),
        persons_per_household=config.persons_per_household,
        status_updates=_status_note(model),
        sources=_sources(scenario),
        caveats=CAVEATS,
        units="people counts in persons; time in UTC (local time zone in 'timezone')",
        boundaries_attribution=boundaries.attribution if boundaries is not None else config.boundaries_attribution,
    )
    return dataset


def draw_variables(
    model: CompiledScenario, draws: Draws, outage: np.ndarray, wait: np.ndarray
) -> dict[str, xr.DataArray]:
    """What each Monte Carlo sample drew, on a ``sample`` axis (docs/method.md, section 2b).

    Parameters
    ----------
    model : CompiledScenario
    draws : Draws
    outage, wait : ndarray of float, shape (N, S)
        Each strike's outage length after waiting for a crew, and the wait [hours].

    Returns
    -------
    dict of str to xarray.DataArray
        ``drawn_repair_hours``, ``drawn_outage_hours``, ``crew_wait_hours``,
        ``drawn_repair_quantile``, ``drawn_damage_state``, ``drawn_asset`` (sample, strike),
        ``drawn_buffer_hours`` (sample, dependency) and, when buildings can drain,
        ``drawn_restart_hours`` (sample, drain): the restart delay of the buildings behind each
        drain helper (docs/method.md, section 4d), coordinate ``drain`` its random stream's key
        (``{heating asset};{digest of the cold spans}``, in sorted order) and ``drain_asset``
        the heating asset.
    """
    strikes = len(model.strike_ids)
    names = np.array(model.asset_ids[: model.assets_shown], dtype=str)  # strikes hit real assets only
    states = np.array(DAMAGE_STATES, dtype=str)
    pair = ("sample", "strike")
    drawn = {
        "drawn_repair_hours": with_units(
            xr.DataArray(draws.durations[:, :strikes], dims=pair),
            "hours",
            "repair work drawn for each strike (one crew)",
        ),
        "drawn_outage_hours": with_units(
            xr.DataArray(outage, dims=pair), "hours", "outage from each strike until repaired, after waiting for a crew"
        ),
        "crew_wait_hours": with_units(
            xr.DataArray(wait, dims=pair), "hours", "time each strike's repair waited for a crew"
        ),
        "drawn_repair_quantile": with_units(
            xr.DataArray(draws.repair_quantile, dims=pair), "1", "quantile of the repair-time curve drawn"
        ),
        "drawn_damage_state": xr.DataArray(
            states[draws.damage_state.astype(np.int64)],
            dims=pair,
            attrs={"long_name": "damage state drawn", "units": "1"},
        ),
        "drawn_asset": xr.DataArray(
            names[draws.strike_asset],
            dims=pair,
            attrs={"long_name": "asset hit, drawn among the candidates", "units": "1"},
        ),
        "drawn_buffer_hours": with_units(
            xr.DataArray(draws.buffers, dims=("sample", "dependency")), "hours", "buffer of each dependency drawn"
        ),
    }
    if model.drains:  # in the order of their keys, whatever the order of the rows
        order = sorted(range(len(model.drains)), key=lambda k: model.drains[k].key)
        drawn["drawn_restart_hours"] = with_units(
            xr.DataArray(
                np.asarray(restart_delays(model, draws), dtype=np.float64)[:, order],
                dims=("sample", "drain"),
                coords={
                    "drain": [model.drains[k].key for k in order],
                    "drain_asset": ("drain", [model.asset_ids[model.drains[k].supply] for k in order]),
                },
            ),
            "hours",
            "restart delay drawn for the drained buildings behind each heating asset",
        )
    return drawn


def _per_sample_variables(
    monte_carlo: EngineOutput | None,
    beyond_hours: np.ndarray,
    step_minutes: float,
    step_hours: float,
    shape: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray]:
    """``outage_beyond_probability`` (V, A, X) [1] and ``person_hours_without_sample`` (V, A, N) [person hours].

    A sample's outage lasts beyond X hours when its hours from the peak to 90 % restored
    exceed X (steps x step, compared in minutes so that whole hours are exact), infinitely
    many (not restored within the horizon) included. Without samples: NaN, and no sample.
    """
    if monte_carlo is None or monte_carlo.per_sample is None:
        return np.full((*shape, len(beyond_hours)), np.nan), np.zeros((*shape, 0))
    restore_minutes = monte_carlo.per_sample["restore_steps"] * float(step_minutes)  # inf stays inf
    beyond = restore_minutes[..., None] > beyond_hours * 60.0
    probability = beyond.sum(axis=0) / monte_carlo.samples
    person_hours = np.moveaxis(monte_carlo.per_sample["person_steps"], 0, -1) * step_hours
    return probability, person_hours


def open_result(path: str | os.PathLike[str], scenario: str | Path | Scenario | None = None) -> Result:
    """Read a NetCDF export back as a :class:`Result` (the round trip of ``Result.export("x.nc")``
    and :func:`impact.run_to_netcdf`).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.nc`` file written by :func:`impact.export.write_netcdf` or
        :func:`impact.run_to_netcdf`.
    scenario : Scenario, str or Path, optional
        The scenario it was run from (loaded if a bundled id or folder); needed for
        :meth:`Result.observation_scores`. Default none.

    Returns
    -------
    Result
        Its dataset is read lazily from the file (a large streamed result is not loaded into
        memory); close it with ``result.dataset.close()`` when done.

    Raises
    ------
    OSError
        The file is missing or unreadable.
    ValueError
        The file is not a result (names what it lacks).
    """
    loaded = None if scenario is None else load_scenario(scenario)
    dataset = xr.open_dataset(path)
    try:
        check_dataset(dataset)
    except ValueError:
        dataset.close()
        raise
    return Result(dataset, loaded)
