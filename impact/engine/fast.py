"""The fast interval engine (docs/method.md, section 6).

Never builds the (sample x time x area) cube:

1. Outages are interval sets vectorised over samples (:mod:`impact.engine.intervals`),
   merged and propagated through the dependency graph in topological order, and turned
   into step ranges per asset (:class:`impact.engine.events.AssetSteps`). This stage can
   run in blocks of samples.
2. The (service, area) pairs are split into independent tasks (:class:`AreaTask`):
   leaves fed by k <= ``level_limit`` links are counted per level in blocks of leaves with
   the same k (:mod:`impact.engine.levels`); parents and larger leaves use one dense
   (sample x time) array per area (:mod:`impact.engine.dense`).
3. Tasks run on a thread pool by default, or on any *mapper* (e.g. a dask.distributed
   cluster, :mod:`impact.distributed`); results are placed by index, so the output does
   not depend on where or in which order tasks ran.

Head counts are whole numbers throughout, so results equal the reference engine's exactly.
"""

from __future__ import annotations

import concurrent.futures.thread
import dataclasses
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from impact.engine import intervals as iv
from impact.engine.compile import CompiledScenario
from impact.engine.cooling import cold_state
from impact.engine.dense import dense_area
from impact.engine.draws import Draws, as_draws, restart_delays
from impact.engine.events import AssetSteps
from impact.engine.grid import PartialStrike, zone_cuts
from impact.engine.heat import drained_state
from impact.engine.levels import LEVEL_CELLS, MASK_BITS, level_block
from impact.engine.linear import leaf_link_sums
from impact.engine.memory import sparse_zeros
from impact.engine.stats import SAMPLE_STATS, EngineOutput, peak_and_restore, summarise_samples

__all__ = [
    "DENSE_LEVEL_SHARE",
    "LEVEL_CELLS",
    "LEVEL_LIMIT",
    "MASK_BITS",
    "AreaTask",
    "LinearResult",
    "LinearTask",
    "Mapper",
    "TaskInput",
    "TaskResult",
    "asset_steps",
    "available_cpus",
    "compute",
    "compute_from_steps",
    "down_links",
    "effective_and_deficit",
    "effective_outages",
    "link_factors",
    "outage_steps",
    "plan_tasks",
    "repair_outages",
    "repair_schedule",
    "run_task",
    "serial_mapper",
    "thread_mapper",
]

#: Areas whose links go through helpers of :func:`link_factors` use level counting with at most
#: this many factors (their 2^k level values are listed); others a dense array.
LEVEL_LIMIT = 12

#: A level-counted area whose samples take more distinct levels than this share of the samples
#: is summarised from a dense (sample x step) array instead: a level costs about what a sample
#: does (measured in docs/performance.md, "Realized levels").
DENSE_LEVEL_SHARE = 0.5

#: ``mapper(function, shared, items)`` returns ``[function(shared, item) for item in items]``,
#: computed anywhere (threads, processes, a cluster), in the order of ``items``.
Mapper = Callable[[Callable, object, Sequence], Iterable]


def repair_schedule(model: CompiledScenario, draws: Draws) -> tuple[np.ndarray, np.ndarray]:
    """Each strike's outage length after waiting for a crew, and its wait (docs/method.md, section 2c).

    :func:`impact.engine.crews.crew_outage_hours`, vectorised over samples; without crew
    pools, the repair work itself and no wait.

    Returns
    -------
    outage, wait : ndarray of float, shape (N, S)
        [hours].
    """
    strikes = len(model.strike_ids)
    work = draws.durations[:, :strikes]
    if not model.has_crews:
        return work, np.zeros_like(work)
    from impact.engine.crews import crew_outage_hours

    return crew_outage_hours(
        model.strike_hours,
        draws.strike_asset,
        work,
        model.asset_pool,
        model.asset_priority,
        model.asset_order,
        model.pool_crews,
    )


def repair_outages(model: CompiledScenario, draws: Draws) -> np.ndarray:
    """Each strike's outage length after waiting for a crew, shape (N, S) [hours] (:func:`repair_schedule`)."""
    return repair_schedule(model, draws)[0]


def effective_outages(model: CompiledScenario, drawn: Draws | np.ndarray) -> list[iv.Intervals]:
    """Effective outage interval sets of every asset (docs/method.md, sections 2-3).

    Parameters
    ----------
    model : CompiledScenario
    drawn : Draws or ndarray of float, shape (N, S + R)
        The samples' random inputs, or their repair times alone [hours].

    Returns
    -------
    list of Intervals
        Indexed by asset.
    """
    return effective_and_deficit(model, drawn)[0]


def effective_and_deficit(
    model: CompiledScenario, drawn: Draws | np.ndarray
) -> tuple[list[iv.Intervals], np.ndarray | None]:
    """:func:`effective_outages`, and each grid zone's deficit share (N, Z, T) [1] (None
    without a capacity balance; docs/method.md, section 4b)."""
    effective, deficit, _alias = _effective(model, drawn)
    return effective, deficit


def _effective(
    model: CompiledScenario, drawn: Draws | np.ndarray
) -> tuple[list[iv.Intervals], np.ndarray | None, np.ndarray | None]:
    """:func:`effective_and_deficit`, and the aliases of :class:`AssetSteps` (None when no
    helper is an alias): a helper of :func:`link_factors` of which one factor alone is ever
    down in these samples is down exactly when that factor is (a split of a power link by a
    queue that is never cut), so it takes that factor's outage without computing a union."""
    draws = as_draws(model, drawn)
    factors = link_factors(model) if model.grid is not None else {}
    alias: np.ndarray | None = None
    samples = draws.samples
    strikes = len(model.strike_ids)
    outages = repair_outages(model, draws)
    grid = model.grid
    queue_of = {} if grid is None else grid.queue_of()
    partial: dict[int, list[PartialStrike]] = {}
    deficit: np.ndarray | None = None
    cuts: dict[int, iv.Intervals] = {}
    # A strike whose asset differs between samples (candidate assets) counts on each asset it
    # hits in some sample, with an outage of 0 (no interval) in the samples where it hit another.
    hit_by: dict[int, list[int]] = {}
    certain = samples == 0 or bool((draws.strike_asset == draws.strike_asset[:1]).all())
    for strike in range(strikes):
        hit = draws.strike_asset[:1, strike] if certain else np.unique(draws.strike_asset[:, strike])
        for asset in hit.tolist():
            hit_by.setdefault(int(asset), []).append(strike)
    # a buffer drawn the same in every sample is applied as one number (as before buffer ranges)
    same_buffer = (draws.buffers == draws.buffers[:1]).all(axis=0) if samples else np.ones(0, dtype=bool)
    nothing = iv.empty(samples)
    reports_of: dict[int, list[int]] = {}
    for r, report in enumerate(model.reports):
        reports_of.setdefault(report.asset, []).append(r)
    effective: list[iv.Intervals] = [nothing] * len(model.asset_ids)
    drain_of = {drain.helper: (k, drain) for k, drain in enumerate(model.drains)}
    cooling_of = {cooling.helper: cooling for cooling in model.coolings}
    restart = restart_delays(model, draws)
    for asset in model.topo_order:
        if asset in cooling_of:  # homes below the cold threshold (docs/method.md, section 4e)
            cooling = cooling_of[asset]
            supply = effective[cooling.supply]
            effective[asset] = nothing if iv.is_empty(supply) else cold_state(supply, cooling)
            continue
        if asset in drain_of:
            k, drain = drain_of[asset]
            supply = effective[drain.supply]
            effective[asset] = (
                nothing
                if iv.is_empty(supply)
                else drained_state(supply, drain.cold_start, drain.cold_end, drain.after_hours, restart[:, k])
            )
            continue
        if asset in queue_of:
            if deficit is None:  # every supply asset is done (topological order): balance all zones
                deficit, cuts = zone_cuts(grid, effective, partial, model.time_hours, model.step_hours, samples)
            effective[asset] = cuts[asset]
            continue
        if asset in factors:
            down = [f for f in factors[asset] if not iv.is_empty(effective[f])]
            if len(down) == 1:
                if alias is None:
                    alias = np.arange(len(model.asset_ids), dtype=np.int64)
                alias[asset] = down[0]
                effective[asset] = effective[down[0]]
                continue
        struck = np.array(hit_by.get(asset, []), dtype=np.int64)
        if certain:
            repair = outages[:, struck]
        else:
            repair = np.where(draws.strike_asset[:, struck] == asset, outages[:, struck], 0.0)
        if grid is not None and asset in grid.kept_kw and len(struck):
            repair = _partial_strikes(model, draws, asset, struck, repair, partial)
        lost = nothing
        for g, group in enumerate(model.groups[asset]):
            if any(iv.is_empty(effective[member]) for member, _buffer in group):
                continue  # a member never down: the group never fails
            group_lost: iv.Intervals | None = None
            for m, (member, fixed_buffer) in enumerate(group):
                column = model.buffer_column(asset, g, m)
                if column < 0:
                    buffer = fixed_buffer
                elif same_buffer[column]:
                    buffer = float(draws.buffers[0, column])
                else:
                    buffer = draws.buffers[:, column]
                piece = iv.shorten(effective[member], buffer)
                group_lost = piece if group_lost is None else iv.intersect(group_lost, piece)
            if not iv.is_empty(group_lost):
                lost = group_lost if iv.is_empty(lost) else iv.union(lost, group_lost)
        scheduled = model.fixed_outage(asset)
        if scheduled:
            fixed = np.array(scheduled, dtype=np.float64)
            pieces = iv.normalize(
                np.broadcast_to(fixed[:, 0], (samples, len(fixed))).copy(),
                np.broadcast_to(fixed[:, 1], (samples, len(fixed))).copy(),
            )
            lost = pieces if iv.is_empty(lost) else iv.union(lost, pieces)
        if asset in reports_of:
            effective[asset] = _reported_outage(
                model, draws.durations, repair, struck, lost, reports_of[asset], strikes
            )
            continue
        outage = iv.from_strikes(model.strike_hours[struck], repair) if len(struck) else nothing
        effective[asset] = lost if iv.is_empty(outage) else outage if iv.is_empty(lost) else iv.union(outage, lost)
    if grid is not None and deficit is None:  # compiled without shedding: the balance alone
        deficit, _cuts = zone_cuts(grid, effective, partial, model.time_hours, model.step_hours, samples)
    return effective, deficit, alias


def _partial_strikes(
    model: CompiledScenario,
    draws: Draws,
    asset: int,
    struck: np.ndarray,
    repair: np.ndarray,
    partial: dict[int, list[PartialStrike]],
) -> np.ndarray:
    """With ``partial_damage``: the strikes that leave a supply asset working at reduced capacity.

    Returns the strikes' outage lengths with those strikes' set to 0 (they do not put the
    asset down) and records them in ``partial`` (docs/method.md, section 4b).
    """
    kept = model.grid.kept_kw[asset][draws.damage_state[:, struck].astype(np.int64)]
    reduced = (draws.strike_asset[:, struck] == asset) & (kept > 0)
    for column, strike in enumerate(struck.tolist()):
        partial.setdefault(asset, []).append(
            PartialStrike(
                float(model.strike_hours[strike]), np.where(reduced[:, column], repair[:, column], 0.0), kept[:, column]
            )
        )
    return np.where(reduced, 0.0, repair)


def _reported_outage(
    model: CompiledScenario,
    durations: np.ndarray,
    strike_outages: np.ndarray,
    struck: np.ndarray,
    lost: iv.Intervals,
    report_indices: list[int],
    strikes: int,
) -> iv.Intervals:
    """Effective outage of an asset with status reports (docs/method.md, section 3a), reports in time order.

    ``strike_outages`` (N, len(struck)) holds the struck strikes' outage lengths [hours] (0 in
    samples where a candidate strike hit another asset). A down report at u replaces its
    strike's repair time by the conditioned one (column ``strikes + r`` of ``durations``) in
    the samples where the asset is not down at u; an up report at u ends at u every outage
    interval containing it (strikes after u start new outages as usual).
    """
    hours = model.strike_hours[struck]
    repair = strike_outages.copy()
    column = {int(strike): position for position, strike in enumerate(struck)}

    def build(up_until: float) -> iv.Intervals:
        outage, used = lost, np.zeros(len(struck), dtype=bool)
        for r in report_indices:
            report = model.reports[r]
            if report.down or report.hours > up_until:
                continue
            take = (hours <= report.hours) & ~used
            if take.any():
                outage = iv.union(outage, iv.from_strikes(hours[take], repair[:, take]))
            used |= take
            outage = iv.cut(outage, report.hours)
        if (~used).any():
            outage = iv.union(outage, iv.from_strikes(hours[~used], repair[:, ~used]))
        return outage

    for r in report_indices:
        report = model.reports[r]
        if report.down:
            missing = ~iv.covers(build(report.hours), report.hours)
            repair[missing, column[report.strike]] = durations[missing, strikes + r]
    return build(np.inf)


def asset_steps(model: CompiledScenario, drawn: Draws | np.ndarray) -> AssetSteps:
    """Step ranges in which every asset is down, for the given draws.

    Parameters
    ----------
    model : CompiledScenario
    drawn : Draws or ndarray of float, shape (N, S + R)
        The samples' random inputs, or their repair times alone [hours].

    Returns
    -------
    AssetSteps
    """
    draws = as_draws(model, drawn)
    effective, deficit, alias = _effective(model, draws)
    return AssetSteps.from_intervals(effective, model.time_hours, draws.samples, grid_deficit=deficit, alias=alias)


@dataclass(frozen=True)
class AreaTask:
    """One independent piece of work: some areas of one service.

    Each area is reduced to the distinct assets that are ever down under it, with the summed
    weights of the links to them (an asset never down adds nothing, and two links to one
    asset are down together), so a parent with few struck assets is as cheap as a leaf.

    Attributes
    ----------
    service : int
        Service index.
    areas : tuple of int
        Area indices.
    link_asset, link_weight : tuple of ndarray of int64
        Per area: the distinct assets ever down under it and their weights [persons].
        With ``by_levels`` all areas have the same number of them.
    by_levels : bool
        Level counting (:func:`impact.engine.levels.level_block`) or one dense array per
        area (:func:`impact.engine.dense.dense_area`).
    level_values : tuple of ndarray of int64, optional
        With ``by_levels``: per area, its people without service at each of the 2^k levels of
        ``link_asset`` [persons], when its links go through helper assets that are down when any
        of their factors is (:func:`link_factors`); ``link_asset`` then holds the factors.
    """

    service: int
    areas: tuple[int, ...]
    link_asset: tuple[np.ndarray, ...]
    link_weight: tuple[np.ndarray, ...]
    by_levels: bool
    level_values: tuple[np.ndarray, ...] | None = None


@dataclass(frozen=True)
class LinearTask:
    """The statistics linear in the links (:mod:`impact.engine.linear`) of one service.

    Attributes
    ----------
    service : int
    areas : tuple of int
        Areas to compute, in output order.
    """

    service: int
    areas: tuple[int, ...]


@dataclass
class LinearResult:
    """Sums over samples per step, shape (len(areas), T), and person-steps per sample,
    shape (len(areas), N), of a :class:`LinearTask` [persons, persons x steps]; no
    person-steps (None) for a pseudo-service (:attr:`CompiledScenario.sample_statistics_services`)."""

    task: LinearTask
    people_sum: np.ndarray
    person_steps: np.ndarray | None


@dataclass(frozen=True)
class TaskInput:
    """What every task needs besides itself.

    Attributes
    ----------
    model : CompiledScenario
    steps : AssetSteps
        The assets' down ranges.
    quantiles : ndarray of float, shape (Q,)
    down_counts : ndarray of int64, shape (J, T)
        Samples in which each asset is down (:meth:`AssetSteps.down_counts`).
    down_steps : ndarray of int64, shape (J, N)
        Steps each asset is down per sample (:meth:`AssetSteps.down_steps`).
    most_levels : int, optional
        A level-counted area taking more levels than this is summarised densely
        (:func:`impact.engine.levels.level_block`); None: never.
    """

    model: CompiledScenario
    steps: AssetSteps
    quantiles: np.ndarray
    down_counts: np.ndarray
    down_steps: np.ndarray
    most_levels: int | None = None


@dataclass
class TaskResult:
    """Statistics of a task's areas, in the order of ``task.areas``.

    Attributes
    ----------
    task : AreaTask
    people_quantiles : ndarray of float, shape (len(areas), T, Q) [persons]
    stats : dict of str to ndarray of float, shape (N, len(areas))
        The :data:`impact.engine.stats.SERIES_STATS`; empty for a pseudo-service
        (:attr:`impact.engine.compile.CompiledScenario.sample_statistics_services`).
    """

    task: AreaTask
    people_quantiles: np.ndarray
    stats: dict[str, np.ndarray]


def down_links(
    model: CompiledScenario, service: int, area: int, ever_down: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct assets ever down under an area and their summed link weights.

    Parameters
    ----------
    model : CompiledScenario
    service, area : int
    ever_down : ndarray of bool, shape (J,)
        Whether each asset is down in any sample at any step.

    Returns
    -------
    asset : ndarray of int64, shape (k,)
        Sorted asset indices.
    weight : ndarray of int64, shape (k,)
        Sum of the weights of the area's links (through its leaves) to each [persons].
    """
    weights: dict[int, int] = {}
    for leaf in model.area_leaves[area]:
        for asset, weight in model.links[service][leaf]:
            if ever_down[asset]:
                weights[asset] = weights.get(asset, 0) + weight
    asset = np.array(sorted(weights), dtype=np.int64)
    return asset, np.array([weights[j] for j in asset.tolist()], dtype=np.int64)


def link_factors(model: CompiledScenario) -> dict[int, frozenset[int]]:
    """Helper assets that are down exactly when any of some other assets is, and those assets.

    A helper (after the real assets) with no scheduled outage whose every dependency group
    has one member and no buffer is down when any member is (the splits of rolling and
    emergency cuts, :func:`impact.engine.compile.add_blackouts` and
    :mod:`impact.engine.grid_compile`); members that are such helpers themselves are
    expanded in turn. Level counting can then follow the few factors (a power asset and its
    zone's queues) instead of one link per (asset, queue).

    Returns
    -------
    dict of int to frozenset of int
        Helper asset -> the assets (not such helpers) whose downs it is the OR of.
    """
    queue_assets = set() if model.grid is None else set(model.grid.queue_of())
    # computed by rules of their own, like queues
    queue_assets |= {drain.helper for drain in model.drains} | {cooling.helper for cooling in model.coolings}
    factors: dict[int, frozenset[int]] = {}
    for asset in model.topo_order:  # members before the helpers that need them
        if asset < model.assets_shown or asset in queue_assets or model.fixed_outage(asset):
            continue
        groups = model.groups[asset]
        if not groups or any(len(group) != 1 or group[0][1] != 0 for group in groups):
            continue
        if any(model.buffer_column(asset, g, 0) >= 0 for g in range(len(groups))):
            continue
        factors[asset] = frozenset().union(*(factors.get(group[0][0], {group[0][0]}) for group in groups))
    return factors


def _factor_values(
    asset: np.ndarray,
    weight: np.ndarray,
    factors: dict[int, frozenset[int]],
    ever_down: np.ndarray,
    fits: Callable[[int], bool],
) -> tuple[np.ndarray, np.ndarray | None] | None:
    """The factors an area's links depend on and its people at each of their levels (None
    when there are too many factors for level counting); None when no link goes through a
    helper of :func:`link_factors`."""
    if not any(int(a) in factors for a in asset.tolist()):
        return None
    link_sets = [[f for f in factors.get(a, {a}) if ever_down[f]] for a in asset.tolist()]
    factor_ids = np.array(sorted({f for link in link_sets for f in link}), dtype=np.int64)
    if not fits(len(factor_ids)):
        return factor_ids, None
    bit = {int(f): b for b, f in enumerate(factor_ids.tolist())}
    masks = np.array([sum(1 << bit[f] for f in link) for link in link_sets], dtype=np.int64)
    levels = np.arange(1 << len(factor_ids), dtype=np.int64)
    values = ((levels[:, None] & masks[None, :]) != 0).astype(np.int64) @ np.asarray(weight, dtype=np.int64)
    return factor_ids, values


def plan_tasks(
    model: CompiledScenario,
    steps: AssetSteps,
    level_limit: int | None = None,
    areas: Sequence[int] | np.ndarray | None = None,
) -> list[AreaTask]:
    """Split the (service, area) pairs with any asset ever down into independent tasks.

    Parameters
    ----------
    model : CompiledScenario
    steps : AssetSteps
        The assets' down ranges (which assets are ever down decides the work).
    level_limit : int, optional
        See :func:`compute`.
    areas : sequence of int, optional
        Areas to plan (default all).

    Returns
    -------
    list of AreaTask
        Dense tasks first, largest first (so that a pool finishes evenly), then level blocks
        of areas with the same k (each builds about :data:`LEVEL_CELLS` cells at a time).
        Pairs without any asset ever down are in no task: nobody there is ever without
        service.
    """
    ever_down = np.diff(steps.offset) > 0
    factors = link_factors(model)
    dense: list[AreaTask] = []
    level_tasks: list[AreaTask] = []

    def values_fit(count: int) -> bool:  # level values listed: 2^count of them
        if level_limit is None:
            return count <= LEVEL_LIMIT and (1 << count) <= steps.samples
        return count <= level_limit

    def levels_fit(count: int) -> bool:  # realized levels only (impact.engine.levels)
        return count <= (MASK_BITS if level_limit is None else min(level_limit, MASK_BITS))

    for service in range(len(model.services)):
        by_count: dict[tuple[int, bool], list[tuple[int, np.ndarray, np.ndarray, np.ndarray | None]]] = {}
        for area in range(len(model.area_ids)) if areas is None else areas:
            area = int(area)
            asset, weight = down_links(model, service, area, ever_down)
            if len(asset) == 0:
                continue
            expanded = _factor_values(asset, weight, factors, ever_down, values_fit) if factors else None
            if expanded is not None and expanded[1] is not None:
                by_count.setdefault((len(expanded[0]), True), []).append((area, expanded[0], weight, expanded[1]))
            elif expanded is None and levels_fit(len(asset)):
                by_count.setdefault((len(asset), False), []).append((area, asset, weight, None))
            else:
                dense.append(AreaTask(service, (area,), (asset,), (weight,), False))
        for (count, listed), members in sorted(by_count.items()):
            # a block's size guesses its levels; level_block bounds the memory of what it builds
            block = max(1, LEVEL_CELLS // (min(1 << count, 64) * steps.steps))
            for begin in range(0, len(members), block):
                part = members[begin : begin + block]
                level_tasks.append(
                    AreaTask(
                        service,
                        tuple(m[0] for m in part),
                        tuple(m[1] for m in part),
                        tuple(np.zeros(count, dtype=np.int64) if listed else m[2] for m in part),
                        True,
                        tuple(m[3] for m in part) if listed else None,
                    )
                )
    dense.sort(key=lambda task: -len(task.link_asset[0]))
    return dense + level_tasks


def run_task(shared: TaskInput, task: AreaTask | LinearTask) -> TaskResult | LinearResult:
    """Compute one task (see :class:`AreaTask` and :class:`LinearTask`)."""
    # per-sample statistics of the real services only (CompiledScenario.sample_statistics_services)
    per_sample = task.service < shared.model.sample_statistics_services
    if isinstance(task, LinearTask):
        return LinearResult(
            task,
            leaf_link_sums(shared.model, task.service, shared.down_counts, task.areas),
            leaf_link_sums(shared.model, task.service, shared.down_steps, task.areas) if per_sample else None,
        )
    if task.by_levels:
        people_q, stats = level_block(
            shared.steps,
            np.stack(task.link_asset),
            np.stack(task.link_weight),
            shared.quantiles,
            None if task.level_values is None else np.stack(task.level_values),
            most_levels=shared.most_levels,
            sample_stats=per_sample,
        )
        return TaskResult(task, people_q, stats)
    parts = [
        dense_area(shared.steps, asset, weight, shared.quantiles, sample_stats=per_sample)
        for asset, weight in zip(task.link_asset, task.link_weight, strict=True)
    ]
    return TaskResult(
        task,
        np.stack([p[0] for p in parts]),
        {name: np.stack([p[1][name] for p in parts], axis=1) for name in parts[0][1]},
    )


def available_cpus() -> int:
    """Number of CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def thread_mapper(threads: int | None = None) -> Mapper:
    """A mapper running tasks on a pool of threads (numpy releases the GIL in its loops).

    Parameters
    ----------
    threads : int, optional
        Number of threads; default the number of CPUs this process may use.
    """
    count = threads or available_cpus()

    def mapper(function: Callable, shared: object, items: Sequence) -> list:
        if count <= 1 or len(items) <= 1:
            return [function(shared, item) for item in items]
        try:
            with ThreadPoolExecutor(max_workers=count) as pool:
                return list(pool.map(lambda item: function(shared, item), items))
        except RuntimeError:
            # Python refuses new pool threads once the interpreter shuts down (a daemon thread,
            # such as the dashboard's background run, may still be computing): finish serially.
            # Tasks are pure, so any that ran on the pool are simply computed again.
            if not _pool_closed():
                raise
            return [function(shared, item) for item in items]

    mapper.in_process = True  # results may be placed by the threads themselves
    return mapper


def _pool_closed() -> bool:
    """Whether thread pools refuse new work because the interpreter is shutting down."""
    return sys.is_finalizing() or bool(getattr(concurrent.futures.thread, "_shutdown", False))


def serial_mapper(function: Callable, shared: object, items: Sequence) -> list:
    """A mapper running tasks one after another in this thread."""
    return [function(shared, item) for item in items]


serial_mapper.in_process = True


def outage_steps(
    model: CompiledScenario, drawn: Draws | np.ndarray, *, mapper: Mapper | None = None, sample_blocks: int = 1
) -> AssetSteps:
    """The assets' down ranges (stage 1), optionally in blocks of samples on a mapper.

    Parameters
    ----------
    model : CompiledScenario
    drawn : Draws or ndarray of float, shape (N, S + R)
        The samples' random inputs, or their repair times alone [hours].
    mapper : Mapper, optional
        Where the blocks run; default in this thread.
    sample_blocks : int
        Number of blocks of consecutive samples.

    Returns
    -------
    AssetSteps
        The same whatever the mapper and the blocks.
    """
    draws = as_draws(model, drawn)
    samples = draws.samples
    bounds = np.linspace(0, samples, max(1, min(sample_blocks, samples)) + 1).astype(int)
    blocks = [draws.rows(lo, hi) for lo, hi in itertools.pairwise(bounds)]
    return AssetSteps.concatenate(list((mapper or serial_mapper)(asset_steps, model, blocks)))


def compute(
    model: CompiledScenario,
    drawn: Draws | np.ndarray,
    quantiles,
    level_limit: int | None = None,
    *,
    mapper: Mapper | None = None,
    sample_blocks: int = 1,
    areas: Sequence[int] | np.ndarray | None = None,
) -> EngineOutput:
    """Run the fast engine on given draws.

    Parameters
    ----------
    model : CompiledScenario
    drawn : Draws or ndarray of float, shape (N, S + R)
        The samples' random inputs (:class:`impact.engine.draws.Draws`), or their repair times
        alone [hours]; one sample at the medians gives the central estimate.
    quantiles : sequence of float
        Quantiles to report, each in [0, 1].
    level_limit : int, optional
        Areas with at most this many distinct assets ever down under them use level
        counting (at most :data:`MASK_BITS`), whatever the number of levels they take.
        Default: automatic, level counting for k <= :data:`MASK_BITS` assets, an area
        whose samples take more than :data:`DENSE_LEVEL_SHARE` x samples distinct levels
        summarised from a dense (samples x time) array instead (cheaper there); areas
        counted over the factors of :func:`link_factors` when their 2^k listed levels, k <=
        :data:`LEVEL_LIMIT`, are no more than the samples.
    mapper : Mapper, optional
        Where tasks run; default :func:`thread_mapper` (all CPUs of this process).
    sample_blocks : int
        Split the assets' outage stage into this many blocks of samples, each one call of
        the mapper (useful when the mapper runs in other processes).
    areas : sequence of int, optional
        Compute only these areas (their area axis follows this order); default all.

    Returns
    -------
    EngineOutput
        The same whatever the mapper and the blocks.
    """
    mapper = mapper or thread_mapper()
    down = outage_steps(model, drawn, mapper=mapper, sample_blocks=sample_blocks)
    return compute_from_steps(model, down, quantiles, level_limit, mapper=mapper, areas=areas)


def compute_from_steps(
    model: CompiledScenario,
    down: AssetSteps,
    quantiles,
    level_limit: int | None = None,
    *,
    mapper: Mapper | None = None,
    areas: Sequence[int] | np.ndarray | None = None,
    down_counts: np.ndarray | None = None,
    down_steps: np.ndarray | None = None,
) -> EngineOutput:
    """Statistics of some or all areas from the assets' down ranges (see :func:`compute`).

    ``down_counts`` (:meth:`AssetSteps.down_counts`) and ``down_steps``
    (:meth:`AssetSteps.down_steps`) may be passed when already known, as when a large
    scenario is computed in blocks of areas.
    """
    quantiles = np.asarray(quantiles, dtype=np.float64)
    samples, steps = down.samples, model.steps
    services = len(model.services)
    selected = np.arange(len(model.area_ids)) if areas is None else np.asarray(areas, dtype=np.int64)
    mapper = mapper or thread_mapper()
    model = aliased_model(model, down.alias)
    down_counts = down.down_counts() if down_counts is None else down_counts
    if samples == 1 and level_limit is None:
        single = _single_sample(model, down_counts, quantiles, selected)
        deficit_q, deficit_mean = deficit_statistics(down, quantiles)
        return dataclasses.replace(single, deficit_quantiles=deficit_q, deficit_mean=deficit_mean)

    position = {int(area): i for i, area in enumerate(selected)}
    people_q = sparse_zeros((services, len(selected), steps, len(quantiles)))  # written where anyone is out
    people_mean = np.empty((services, len(selected), steps))  # every row written by a LinearTask below
    # (sample, service, area) views of (service, area, sample) arrays: an area's samples are
    # written together; peaks and restoration times of areas nobody is ever out in are never
    # written (memory.sparse_zeros; person-steps are written for every area of a real service;
    # a pseudo-service's per-sample statistics stay 0: CompiledScenario.sample_statistics_services)
    stats = {name: sparse_zeros((services, len(selected), samples)).transpose(2, 0, 1) for name in SAMPLE_STATS}

    def place(result: TaskResult | LinearResult) -> None:
        service = result.task.service
        if isinstance(result, LinearResult):
            np.divide(result.people_sum, samples, out=people_mean[service])
            if result.person_steps is not None:
                stats["person_steps"][:, service, :] = result.person_steps.T
            return
        where = [position[area] for area in result.task.areas]
        people_q[service, where] = result.people_quantiles
        for name, values in result.stats.items():
            stats[name][:, service, where] = values

    jobs = [LinearTask(service, tuple(selected.tolist())) for service in range(services)]
    jobs += plan_tasks(model, down, level_limit, areas=selected)
    shared = TaskInput(
        model,
        down,
        quantiles,
        down_counts,
        down.down_steps() if down_steps is None else down_steps,
        None if level_limit is not None else int(DENSE_LEVEL_SHARE * samples),
    )
    if getattr(mapper, "in_process", False):  # threads: each places its own result, in parallel
        mapper(lambda shared_input, job: place(run_task(shared_input, job)), shared, jobs)
    else:
        for result in mapper(run_task, shared, jobs):
            place(result)
    stat_quantiles, stat_means = summarise_samples(stats, quantiles)
    return EngineOutput(
        people_q,
        people_mean,
        down_counts,
        stat_quantiles,
        stat_means,
        samples,
        stats,
        *deficit_statistics(down, quantiles),
    )


def aliased_model(model: CompiledScenario, alias: np.ndarray | None) -> CompiledScenario:
    """The model with each link through an aliased helper asset (:class:`AssetSteps`) taken to
    the asset it is an alias of: the same people down at the same steps, counted through
    fewer distinct assets."""
    if alias is None:
        return model
    links = [
        [[(int(alias[asset]), weight) for asset, weight in area_links] for area_links in service_links]
        for service_links in model.links
    ]
    return dataclasses.replace(model, links=links)


def deficit_statistics(down: AssetSteps, quantiles: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Quantiles (Z, T, Q) and mean (Z, T) over samples of each zone's deficit share [1]; None without one."""
    if down.grid_deficit is None:
        return None, None
    deficit = down.grid_deficit
    return np.moveaxis(np.quantile(deficit, quantiles, axis=0), 0, -1), deficit.sum(axis=0) / deficit.shape[0]


def _single_sample(model: CompiledScenario, down: np.ndarray, quantiles: np.ndarray, areas: np.ndarray) -> EngineOutput:
    """One sample (the central estimate): every area's series at once from the assets' 0/1 status.

    With one sample every quantile and the mean equal the value itself, so a leaf's series is
    the sum of its links' weight x down, a parent's the sum of its leaves', and the per-sample
    statistics are taken over all areas together (areas in place of samples).
    """
    services = len(model.services)
    # Whole numbers below 2**53 are exact in float64, so the series are kept as float64 only.
    people = np.empty((services, len(areas), model.steps))
    for service in range(services):
        people[service] = leaf_link_sums(model, service, down, areas)
    # per-sample statistics of the real services only; the pseudo-services' rows stay 0
    counted = people[: model.sample_statistics_services].reshape(-1, model.steps)
    stats = peak_and_restore(counted)
    stats["person_steps"] = counted.sum(axis=1)
    stat_means = {name: np.zeros((services, len(areas))) for name in SAMPLE_STATS}
    for name in SAMPLE_STATS:
        stat_means[name][: model.sample_statistics_services] = stats[name].reshape(-1, len(areas))
    stat_quantiles = {name: np.repeat(stat_means[name][..., None], len(quantiles), axis=-1) for name in SAMPLE_STATS}
    return EngineOutput(
        np.broadcast_to(people[..., None], (*people.shape, len(quantiles))),
        people,
        down,
        stat_quantiles,
        stat_means,
        1,
        per_sample={name: stat_means[name][None] for name in SAMPLE_STATS},
    )
