"""Running a scenario: one run path for results in memory and results streamed to NetCDF.

:func:`run` and :func:`run_to_netcdf` check their settings with :func:`run_settings`, compile
the scenario once and ask one plan (:class:`_RunPlan`) for the labelled outputs (central
estimate, Monte Carlo quantiles, central estimate without scheduled power cuts) of a set of
areas: :func:`run` once for every area, :func:`run_to_netcdf` block by block.

:func:`run_to_netcdf` gives the same file content as ``impact.run(...).export("x.nc")``
(same variables, values, attributes and CF encoding, :mod:`impact.export.netcdf`) without
ever holding more than one block of areas in memory:

1. the assets' outage stage runs once for all samples (its size grows with assets and
   samples, not areas);
2. areas are taken in blocks of ``area_block``; each block is computed
   (:func:`impact.engine.fast.compute_from_steps`) and labelled like a full result
   (:func:`impact.result.build_dataset`);
3. :func:`impact.export.netcdf_blocks.write_netcdf_blocks` writes them into one file, ``area``
   its unlimited dimension, atomically (an interrupted run leaves no partial file).

Peak memory is about one block's results (people x services x steps x (quantiles + 2)
float64 per area) plus the outage stage. Read the file back with
:func:`impact.result.open_result` (lazily), or slice it with ``.isel(area=...)``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import xarray as xr

from impact import engine as engines
from impact.dataset import BEYOND_HOURS, PLAN_QUANTILE, quantile_label
from impact.distributed import cluster_mapper
from impact.engine.compile import CompiledScenario, compile_scenario
from impact.engine.draws import Draws
from impact.engine.events import AssetSteps
from impact.engine.fast import Mapper, compute_from_steps, outage_steps, repair_schedule, thread_mapper
from impact.engine.stats import EngineOutput
from impact.export.netcdf_blocks import write_netcdf_blocks
from impact.observations import observation_variables, score_observations
from impact.result import Result, build_dataset
from impact.scenario import Scenario, load_scenario
from impact.scenario.schema import SERVICES
from impact.scenario.settings import check_beyond_hours, check_plan_quantile, check_quantiles, check_seed

__all__ = ["AREA_BLOCK", "engine_options", "plan_settings", "result_bytes", "run", "run_settings", "run_to_netcdf"]

#: Areas per block of :func:`run_to_netcdf` by default.
AREA_BLOCK = 2048


def result_bytes(
    scenario: Scenario, quantiles: Sequence[float] | None = None, plan_quantile: float | None = None
) -> int:
    """Memory of a whole result's (service, area, time) variables [bytes], float64.

    Quantiles (with the planning statistic's, ``plan_quantile``, when given), the mean and
    the central estimate: (services + P) x areas x steps x (Q + 2) x 8, where P counts the
    winter-heat variables the scenario may give (docs/method.md, 4d and 4e): ``people_cold``
    with any outdoor reading, and ``people_drained`` with a reading at or below
    ``[heat] drain_below_celsius`` (an upper bound: an area without heat links has zeros).
    """
    chosen = {float(q) for q in (scenario.config.quantiles if quantiles is None else quantiles)}
    count = len(chosen | ({float(plan_quantile)} if plan_quantile is not None else set()))
    readings = scenario.temperature["temperature_c"]
    pseudo = int(len(readings) > 0) + int(bool((readings <= scenario.config.heat.drain_below_celsius).any()))
    return (len(SERVICES) + pseudo) * len(scenario.areas) * scenario.config.steps * (count + 2) * 8


def run_settings(
    scenario: Scenario,
    samples: int | None,
    seed: int | None,
    quantiles: Sequence[float] | None,
    plan_quantile: float | None = None,
) -> tuple[int, int, np.ndarray]:
    """Samples, seed and sorted quantiles of a run: the arguments, else ``scenario.toml``'s.

    Parameters
    ----------
    scenario : Scenario
        Gives the defaults (its ``[run]`` section).
    samples : int, optional
        Monte Carlo samples, a whole number >= 0.
    seed : int, optional
        Seed, a whole number from 0 to 2**63 - 1 (:data:`impact.scenario.schema.MAX_SEED`), the
        range ``scenario.toml`` and the command line accept.
    quantiles : sequence of float, optional
        Distinct numbers in [0, 1].
    plan_quantile : float, optional
        A planning statistic (:func:`plan_settings`), added to the quantiles when not among them.

    Returns
    -------
    tuple of (int, int, ndarray)
        Samples, seed and the quantiles in increasing order.

    Raises
    ------
    ValueError
        A value out of range, named in the message.
    """
    config = scenario.config
    samples = config.samples if samples is None else samples
    seed = config.seed if seed is None else seed
    quantiles = config.quantiles if quantiles is None else tuple(quantiles)
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 0:
        raise ValueError(f"samples must be a whole number >= 0, not {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, not {seed!r}")
    reason = check_seed(seed)  # the upper limit, shared with scenario.toml and the CLI
    if reason:
        raise ValueError(f"seed {reason}")
    reason = check_quantiles(list(quantiles))
    if reason:
        raise ValueError(f"quantiles {reason}")
    values = [float(q) for q in quantiles]
    if plan_quantile is not None and float(plan_quantile) not in values:
        clash = [q for q in values if quantile_label(q) == quantile_label(plan_quantile)]
        if clash:
            raise ValueError(
                f"plan_quantile {plan_quantile!r} is too close to quantile {clash[0]!r} to tell their columns "
                "apart; use the same number for both"
            )
        values.append(float(plan_quantile))
    return int(samples), int(seed), np.sort(np.asarray(values, dtype=np.float64))


def plan_settings(
    scenario: Scenario, plan_quantile: float | None, beyond_hours: Sequence[float] | None
) -> tuple[float, np.ndarray]:
    """The planning statistic and the outage lengths of a run: the arguments, else the defaults.

    Parameters
    ----------
    scenario : Scenario
        Gives the default planning statistic (``[run] plan_quantile``, 0.5 when absent).
    plan_quantile : float, optional
        Quantile over samples in (0, 1] every headline figure leads with [1].
    beyond_hours : sequence of float, optional
        Outage lengths of ``outage_beyond_probability``, distinct and >= 0 [hours]; default
        :data:`impact.dataset.BEYOND_HOURS`.

    Returns
    -------
    tuple of (float, ndarray)
        The planning statistic and the outage lengths in increasing order.

    Raises
    ------
    ValueError
        A value out of range, named in the message.
    """
    plan = scenario.config.plan_quantile if plan_quantile is None else plan_quantile
    reason = check_plan_quantile(plan)
    if reason:
        raise ValueError(f"plan_quantile {reason}")
    hours = BEYOND_HOURS if beyond_hours is None else tuple(beyond_hours)
    reason = check_beyond_hours(list(hours))
    if reason:
        raise ValueError(f"beyond_hours {reason}")
    return float(plan), np.sort(np.asarray(hours, dtype=np.float64))


@contextmanager
def engine_options(workers: int | None, scheduler: str | None) -> Iterator[dict]:
    """Engine options for a dask cluster when one is asked for; none otherwise.

    Parameters
    ----------
    workers : int, optional
        Worker processes of a local dask cluster.
    scheduler : str, optional
        Address of an existing dask.distributed scheduler.

    Yields
    ------
    dict
        ``mapper`` and ``sample_blocks`` for :func:`impact.engine.compute`, or nothing.
    """
    if workers is None and scheduler is None:
        yield {}
        return
    with cluster_mapper(workers=workers, scheduler=scheduler) as (mapper, sample_blocks):
        yield {"mapper": mapper, "sample_blocks": sample_blocks}


class _RunPlan:
    """One run: the compiled scenario, its settings, and its labelled outputs for any set of areas.

    With the fast engine the assets' outage stages may be computed once (:meth:`prepare`) and
    reused for every block of areas; otherwise each call of :meth:`labelled` computes them.
    """

    def __init__(
        self,
        scenario: Scenario,
        samples: int,
        seed: int,
        quantiles: np.ndarray,
        *,
        engine: str = "fast",
        mapper: Mapper | None = None,
        sample_blocks: int = 1,
        plan_quantile: float = PLAN_QUANTILE,
        beyond_hours: Sequence[float] | np.ndarray = BEYOND_HOURS,
    ) -> None:
        if engine not in engines.ENGINES:
            raise ValueError(f"{engine!r} is not a valid engine; choose one of {', '.join(engines.ENGINES)}")
        self.scenario, self.samples, self.seed, self.quantiles = scenario, samples, seed, quantiles
        self.plan_quantile, self.beyond_hours = plan_quantile, beyond_hours
        self.engine = engine
        self.options = {} if mapper is None else {"mapper": mapper, "sample_blocks": sample_blocks}
        self.mapper = mapper or thread_mapper()
        self.sample_blocks = sample_blocks
        self.model = compile_scenario(scenario)
        self._plain: CompiledScenario | None = None
        self._stages: dict[str, tuple[AssetSteps, np.ndarray, np.ndarray | None]] = {}
        self._sampled: Draws | None = None
        self._schedule: tuple[Draws, np.ndarray, np.ndarray] | None = None

    @property
    def plain(self) -> CompiledScenario | None:
        """The model without emergency and scheduled cuts (the grid's rotating cuts and
        ``blackouts.csv``); None without any."""
        has_cuts = len(self.scenario.blackouts) or (self.model.grid is not None and self.model.grid.shed)
        if self._plain is None and has_cuts:
            self._plain = compile_scenario(self.scenario, blackouts=False)
        return self._plain

    def _model(self, stage: str) -> CompiledScenario:
        """The model of a stage: ``"central"``, ``"sampled"`` or ``"plain"`` (without power cuts)."""
        model = self.plain if stage == "plain" else self.model
        if model is None:
            raise ValueError("the scenario has no rolling power cuts (blackouts.csv) to leave out")
        return model

    def _durations(self, stage: str) -> tuple[CompiledScenario, Draws]:
        """The model of a stage and its draws: every input at its middle, or sampled with the seed."""
        model = self._model(stage)
        if stage == "sampled":
            return model, self.sampled_draws()
        return model, model.central_draws()

    def sampled_draws(self) -> Draws:
        """The Monte Carlo draws of the run (drawn once, for every block of areas)."""
        if self._sampled is None:
            self._sampled = self.model.sample_draws(self.samples, self.seed)
        return self._sampled

    def _outages(self, stage: str) -> AssetSteps:
        model, durations = self._durations(stage)
        return outage_steps(model, durations, mapper=self.mapper, sample_blocks=self.sample_blocks)

    def prepare(self) -> None:
        """Compute the assets' outage stages once, for every later block (fast engine only)."""
        stages = ["central"] + (["plain"] if self.plain is not None else []) + (["sampled"] if self.samples else [])
        for stage in stages:
            down = self._outages(stage)
            self._stages[stage] = (down, down.down_counts(), down.down_steps() if stage == "sampled" else None)

    def _output(self, stage: str, areas: np.ndarray | None) -> EngineOutput:
        """One engine output: the central estimate, the Monte Carlo samples or the plain central."""
        if self.engine != "fast":
            if areas is not None:
                raise ValueError(f"the {self.engine} engine computes every area at once")
            stage_model, durations = self._durations(stage)
            return engines.compute(stage_model, durations, self.quantiles, self.engine, **self.options)
        model = self._model(stage)
        if stage in self._stages:
            down, counts, per_sample = self._stages[stage]
            return compute_from_steps(
                model, down, self.quantiles, mapper=self.mapper, areas=areas, down_counts=counts, down_steps=per_sample
            )
        return compute_from_steps(model, self._outages(stage), self.quantiles, mapper=self.mapper, areas=areas)

    def labelled(self, areas: np.ndarray | None = None, progress: Callable[[str], None] | None = None) -> xr.Dataset:
        """The labelled result of some areas (:func:`impact.result.build_dataset`).

        Parameters
        ----------
        areas : ndarray of int, optional
            Area indices, in the order of the result's ``area`` axis; default every area
            (then the observation scores are included too).
        progress : callable, optional
            Called with a short label as each stage starts.

        Returns
        -------
        xarray.Dataset
        """
        step = progress or _silent
        step("central estimate")
        central = self._output("central", areas)
        monte_carlo = None
        if self.samples > 0:
            step(f"{self.samples} samples")
            monte_carlo = self._output("sampled", areas)
        unscheduled = None if self.plain is None else self._output("plain", areas)
        step("labelling")
        draws = None
        if self.samples > 0:
            if self._schedule is None:  # once for every block of areas
                sampled = self.sampled_draws()
                self._schedule = (sampled, *repair_schedule(self.model, sampled))
            draws = self._schedule
        return build_dataset(
            self.scenario,
            self.model,
            central,
            monte_carlo,
            self.quantiles,
            self.samples,
            self.seed,
            areas=areas,
            unscheduled=unscheduled,
            draws=draws,
            plan_quantile=self.plan_quantile,
            beyond_hours=self.beyond_hours,
        )

    def observations(self) -> xr.Dataset:
        """The observation scores, computed from the observed areas alone."""
        scenario = self.scenario
        observations = scenario.observations
        if observations is None or len(observations) == 0:
            return observation_variables(score_observations(None, observations, 1.0))
        index = {area_id: a for a, area_id in enumerate(self.model.area_ids)}
        observed = self.labelled(np.array(sorted({index[area] for area in observations["area_id"]}), dtype=np.int64))
        return observation_variables(score_observations(observed, observations, scenario.config.persons_per_household))

    def blocks(self, area_block: int, progress: Callable[[str], None]) -> Iterator[xr.Dataset]:
        """The labelled result in blocks of ``area_block`` areas; the first with the observation scores."""
        observed = self.observations()
        total = len(self.model.area_ids)
        for start in range(0, total, area_block):
            areas = np.arange(start, min(start + area_block, total))
            progress(f"areas {start + 1}-{areas[-1] + 1} of {total}")
            labelled = self.labelled(areas)
            yield labelled.merge(observed) if start == 0 else labelled


def _silent(_label: str) -> None:
    """A progress callback that reports nothing."""


def run(
    scenario: str | Path | Scenario,
    samples: int | None = None,
    seed: int | None = None,
    quantiles: Sequence[float] | None = None,
    *,
    engine: str = "fast",
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    engine_name: str | None = None,
    plan_quantile: float | None = None,
    beyond_hours: Sequence[float] | None = None,
) -> Result:
    """Estimate people without power, water and heat over time.

    Parameters
    ----------
    scenario : str, Path or Scenario
        Bundled scenario id, scenario folder or loaded scenario.
    samples : int, optional
        Monte Carlo samples (default from ``scenario.toml``); 0 runs the central estimate
        alone and leaves every Monte Carlo variable NaN.
    seed : int, optional
        Seed of the random generator, 0 to 2**63 - 1 (default from ``scenario.toml``).
    quantiles : sequence of float, optional
        Quantiles in [0, 1] (default from ``scenario.toml``).
    engine : {"fast", "reference"}
        Engine to use; the reference engine is slow and meant for checks.
    progress : callable, optional
        Called with a short label as each stage starts.
    workers : int, optional
        Run the engine's tasks on a local dask cluster of this many worker processes
        (extra ``[dask]``). Default: a thread pool in this process.
    scheduler : str, optional
        Run them on an existing dask.distributed cluster, e.g. ``tcp://10.0.0.5:8786``.
        Results are identical whichever runs them.
    engine_name : str, optional
        Deprecated name of ``engine``.
    plan_quantile : float, optional
        Planning statistic: the quantile over samples in (0, 1] every headline figure leads
        with (default ``[run] plan_quantile`` of ``scenario.toml``, else 0.5, the median);
        added to ``quantiles`` when not among them; attribute ``plan_quantile``.
    beyond_hours : sequence of float, optional
        Outage lengths [hours] of ``outage_beyond_probability`` (the share of samples in
        which an area's outage lasts longer); default (24, 72, 168).

    Returns
    -------
    Result

    Raises
    ------
    ValueError
        Samples, seed, quantiles or engine out of range, named in the message.
    """
    if engine_name is not None:
        if engine != "fast":
            raise TypeError("impact.run() got both engine= and engine_name=; use engine= only")
        warnings.warn("impact.run(engine_name=...) is deprecated; use engine=...", DeprecationWarning, stacklevel=2)
        engine = engine_name
    scenario = load_scenario(scenario)
    plan_q, beyond = plan_settings(scenario, plan_quantile, beyond_hours)
    samples, seed, quantile_array = run_settings(scenario, samples, seed, quantiles, plan_q)
    step = progress or _silent
    step("compiling")
    with engine_options(workers, scheduler) as options:
        plan = _RunPlan(
            scenario, samples, seed, quantile_array, engine=engine, plan_quantile=plan_q, beyond_hours=beyond, **options
        )
        dataset = plan.labelled(progress=step)
    return Result(dataset, scenario)


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
    plan_quantile: float | None = None,
    beyond_hours: Sequence[float] | None = None,
) -> Path:
    """Run a scenario and write its result to a CF NetCDF file, one block of areas at a time.

    Parameters
    ----------
    scenario : str, Path or Scenario
        Bundled scenario id, scenario folder or loaded scenario.
    path : str or os.PathLike
        NetCDF file to write; its folder must exist. Written atomically.
    samples, seed, quantiles
        As :func:`run` (defaults from ``scenario.toml``).
    area_block : int
        Areas computed and written together [areas]; memory grows with it.
    workers, scheduler
        As :func:`run`: a local dask cluster or an existing one (extra ``[dask]``).
    progress : callable, optional
        Called with a short label as each stage and block starts.
    plan_quantile, beyond_hours
        As :func:`run`.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        ``area_block``, samples, seed or quantiles out of range, named in the message.
    """
    if area_block < 1:
        raise ValueError(f"area_block must be at least 1, not {area_block}")
    scenario = load_scenario(scenario)
    plan_q, beyond = plan_settings(scenario, plan_quantile, beyond_hours)
    samples, seed, quantile_array = run_settings(scenario, samples, seed, quantiles, plan_q)
    step = progress or _silent
    step("compiling")
    with engine_options(workers, scheduler) as options:
        plan = _RunPlan(scenario, samples, seed, quantile_array, plan_quantile=plan_q, beyond_hours=beyond, **options)
        step("outages")
        plan.prepare()
        written = write_netcdf_blocks(plan.blocks(area_block, step), path, area_block)
    step("done")
    return written
