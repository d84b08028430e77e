"""The plain reference engine: the oracle the fast engine must match exactly.

Written for obviousness, not speed. Sample by sample it builds each asset's outage as a
Python list of ``(start, end)`` intervals following docs/method.md sections 2-3 word for word, marks
the asset down at every time step inside one of them, adds up people per leaf area and
per parent area at every step (the full sample x area x time cube), and takes the
statistics over samples with :func:`numpy.quantile`.
"""

from __future__ import annotations

import numpy as np

from impact.engine.compile import CompiledScenario
from impact.engine.cooling import cold_state_reference
from impact.engine.draws import Draws, as_draws, restart_delays
from impact.engine.grid import (
    cut_intervals_reference,
    deficit_share_reference,
    rotate_queues_reference,
    shed_units_reference,
)
from impact.engine.heat import drained_state_reference
from impact.engine.stats import SAMPLE_STATS, EngineOutput, quantiles_allowing_inf

__all__ = ["asset_outages", "compute", "intersect", "merge", "outages_and_deficit"]


def merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Union of intervals: drop empty ones, merge overlapping or touching ones, sorted."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def intersect(first: list[tuple[float, float]], second: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Intersection of two interval lists."""
    return merge([(max(a, c), min(b, d)) for a, b in first for c, d in second])


def _cut(intervals: list[tuple[float, float]], moment: float) -> list[tuple[float, float]]:
    """Intervals containing ``moment`` end at it (an up report at ``moment``)."""
    return merge([(a, moment) if a <= moment < b else (a, b) for a, b in intervals])


def _strike_pieces(model: CompiledScenario, repair: dict[int, float]) -> list[tuple[float, float]]:
    """``[s_i, s_i + D_i)`` of the given strikes."""
    return [(float(model.strike_hours[i]), float(model.strike_hours[i]) + d) for i, d in repair.items()]


def _with_reports(
    strike_pieces: list[tuple[float, float]], lost: list[tuple[float, float]], up_times: list[float]
) -> list[tuple[float, float]]:
    """Outage from strike intervals and supply losses, cut at each up report in time order."""
    outage = merge(lost)
    remaining = list(strike_pieces)
    for moment in sorted(up_times):
        outage = _cut(merge(outage + [piece for piece in remaining if piece[0] <= moment]), moment)
        remaining = [piece for piece in remaining if piece[0] > moment]
    return merge(outage + remaining)


def repair_outages(model: CompiledScenario, draws: Draws) -> np.ndarray:
    """Each strike's outage length after waiting for a crew (docs/method.md, section 2c), shape (N, S) [hours].

    The plain event loop of :func:`impact.engine.crews.crew_outage_hours_reference`; without
    crew pools, the repair work itself.
    """
    strikes = len(model.strike_ids)
    work = draws.durations[:, :strikes]
    if not model.has_crews:
        return work
    from impact.engine.crews import crew_outage_hours_reference

    outage, _wait = crew_outage_hours_reference(
        model.strike_hours,
        draws.strike_asset,
        work,
        model.asset_pool,
        model.asset_priority,
        model.asset_order,
        model.pool_crews,
    )
    return outage


def asset_outages(
    model: CompiledScenario, drawn: Draws | np.ndarray, sample: int, outages: np.ndarray | None = None
) -> list[list[tuple[float, float]]]:
    """Effective outage intervals of every asset in one sample [hours since start] (docs/method.md, sections 2-4b).

    ``outages`` (:func:`repair_outages`) may be passed when already computed for every sample.
    """
    return outages_and_deficit(model, drawn, sample, outages)[0]


def _zone_cuts(
    model: CompiledScenario,
    effective: dict[int, list[tuple[float, float]]],
    partial: dict[int, list[tuple[float, float, int]]],
) -> tuple[list[list[float]], dict[int, list[tuple[float, float]]]]:
    """One sample's deficit share of every zone at every step, and the cuts of its queue helpers.

    Step by step: the capacity of the zone's supply assets that are up (the least kept by a
    partial strike under way), the deficit share, its thousandths of a queue, and the rule of
    :func:`impact.engine.grid.rotate_queues_reference`.
    """
    grid = model.grid
    time = [float(t) for t in model.time_hours]
    deficits: list[list[float]] = []
    cuts: dict[int, list[tuple[float, float]]] = {}
    for zone in range(len(grid.zone_ids)):
        shares = []
        for step, moment in enumerate(time):
            available = 0
            for asset, capacity in zip(grid.supply_assets[zone].tolist(), grid.supply_kw[zone].tolist(), strict=True):
                if any(a <= moment < b for a, b in effective[asset]):
                    continue
                for start, length, kept in partial.get(asset, []):
                    if start <= moment < start + length:
                        capacity = min(capacity, kept)
                available += capacity
            shares.append(deficit_share_reference(available, float(grid.demand_kw[zone, step])))
        deficits.append(shares)
        if grid.queue_assets[zone, 0] >= 0:
            units = [shed_units_reference(share, grid.queues) for share in shares]
            for queue, cut in enumerate(rotate_queues_reference(units, grid.queues, grid.block_steps)):
                cuts[int(grid.queue_assets[zone, queue])] = cut_intervals_reference(cut, time, model.step_hours)
    return deficits, cuts


def outages_and_deficit(
    model: CompiledScenario, drawn: Draws | np.ndarray, sample: int, outages: np.ndarray | None = None
) -> tuple[list[list[tuple[float, float]]], list[list[float]] | None]:
    """:func:`asset_outages`, and each grid zone's deficit share at each step in the sample
    (None without a capacity balance)."""
    draws = as_draws(model, drawn)
    durations = draws.durations
    outages = repair_outages(model, draws) if outages is None else outages
    strikes = len(model.strike_ids)
    grid = model.grid
    queue_of = {} if grid is None else grid.queue_of()
    partial: dict[int, list[tuple[float, float, int]]] = {}
    deficits: list[list[float]] | None = None
    cuts: dict[int, list[tuple[float, float]]] = {}
    effective: dict[int, list[tuple[float, float]]] = {}
    drain_of = {drain.helper: (k, drain) for k, drain in enumerate(model.drains)}
    restart = restart_delays(model, draws)
    cooling_of = {cooling.helper: cooling for cooling in model.coolings}
    for asset in model.topo_order:
        if asset in cooling_of:  # homes below the cold threshold (docs/method.md, section 4e)
            cooling = cooling_of[asset]
            effective[asset] = merge(cold_state_reference(effective[cooling.supply], cooling))
            continue
        if asset in drain_of:  # drained buildings (docs/method.md, section 4d)
            k, drain = drain_of[asset]
            cold = list(zip(drain.cold_start.tolist(), drain.cold_end.tolist(), strict=True))
            effective[asset] = merge(
                drained_state_reference(effective[drain.supply], cold, drain.after_hours, float(restart[sample, k]))
            )
            continue
        if asset in queue_of:
            if deficits is None:
                deficits, cuts = _zone_cuts(model, effective, partial)
            effective[asset] = cuts[asset]
            continue
        repair = {i: float(outages[sample, i]) for i in range(strikes) if draws.strike_asset[sample, i] == asset}
        if grid is not None and asset in grid.kept_kw:
            for i in list(repair):
                kept = int(grid.kept_kw[asset][int(draws.damage_state[sample, i])])
                if kept > 0:  # partial damage: works at reduced capacity until repaired, not down
                    partial.setdefault(asset, []).append((float(model.strike_hours[i]), repair.pop(i), kept))
        lost: list[tuple[float, float]] = []
        for g, group in enumerate(model.groups[asset]):
            group_lost = None
            for m, (member, fixed_buffer) in enumerate(group):
                column = model.buffer_column(asset, g, m)
                buffer = fixed_buffer if column < 0 else float(draws.buffers[sample, column])
                shortened = [(a + buffer, b) for a, b in effective[member] if a + buffer < b]
                group_lost = shortened if group_lost is None else intersect(group_lost, shortened)
            lost += group_lost
        lost += model.fixed_outage(asset)  # scheduled cuts (rolling blackouts), the same in every sample
        reports = [(r, report) for r, report in enumerate(model.reports) if report.asset == asset]
        for r, report in reports:
            if not report.down:
                continue
            ups_so_far = [other.hours for _, other in reports if not other.down and other.hours <= report.hours]
            now = _with_reports(_strike_pieces(model, repair), lost, ups_so_far)
            if not any(a <= report.hours < b for a, b in now):
                repair[report.strike] = float(durations[sample, strikes + r])
        effective[asset] = _with_reports(
            _strike_pieces(model, repair), lost, [report.hours for _, report in reports if not report.down]
        )
    if grid is not None and deficits is None:
        deficits, _cuts = _zone_cuts(model, effective, partial)
    return [effective[asset] for asset in range(len(model.asset_ids))], deficits


def _sample_stats(series: np.ndarray) -> tuple[float, float, float]:
    """Peak, person-steps and steps to 90 % restoration of one sample's series."""
    peak = int(series.max())
    person_steps = float(int(series.sum()))
    if peak == 0:
        return 0.0, person_steps, 0.0
    peak_step = int(np.nonzero(series == peak)[0][0])
    for step in range(peak_step + 1, len(series)):
        if 10 * int(series[step]) <= peak:
            return float(peak), person_steps, float(step - peak_step)
    return float(peak), person_steps, float("inf")


def compute(model: CompiledScenario, drawn: Draws | np.ndarray, quantiles) -> EngineOutput:
    """Run the reference engine on given draws (same contract as the fast one).

    Parameters
    ----------
    model : CompiledScenario
    drawn : Draws or ndarray of float, shape (N, S + R)
        The samples' random inputs, or their repair times alone [hours] (:func:`as_draws`).
    quantiles : sequence of float

    Returns
    -------
    EngineOutput
    """
    draws = as_draws(model, drawn)
    quantiles = np.asarray(quantiles, dtype=np.float64)
    samples, steps = draws.samples, model.steps
    services, areas, assets = len(model.services), len(model.area_ids), len(model.asset_ids)
    time = model.time_hours
    down = np.zeros((samples, assets, steps), dtype=bool)
    outages = repair_outages(model, draws)
    deficit = None if model.grid is None else np.zeros((samples, len(model.grid.zone_ids), steps))
    for n in range(samples):
        sample_outages, sample_deficit = outages_and_deficit(model, draws, n, outages)
        for asset, outage in enumerate(sample_outages):
            for start, end in outage:
                down[n, asset] |= (time >= start) & (time < end)
        if deficit is not None:
            deficit[n] = sample_deficit

    people = np.zeros((services, areas, samples, steps), dtype=np.int64)
    for v in range(services):
        for a in range(areas):
            if model.area_is_leaf[a]:
                for asset, weight in model.links[v][a]:
                    people[v, a] += weight * down[:, asset, :]
        for a in range(areas):
            if not model.area_is_leaf[a]:
                for leaf in model.area_leaves[a]:
                    people[v, a] += people[v, leaf]

    people_q = np.moveaxis(np.quantile(people.astype(np.float64), quantiles, axis=2, method="linear"), 0, -1)
    people_mean = people.sum(axis=2) / samples
    per_sample = {name: np.zeros((samples, services, areas)) for name in SAMPLE_STATS}
    for v in range(model.sample_statistics_services):  # the pseudo-services' rows stay 0
        for a in range(areas):
            for n in range(samples):
                values = _sample_stats(people[v, a, n])
                for name, value in zip(SAMPLE_STATS, values, strict=True):
                    per_sample[name][n, v, a] = value
    stat_quantiles = {
        name: np.moveaxis(quantiles_allowing_inf(values, quantiles), 0, -1) for name, values in per_sample.items()
    }
    with np.errstate(invalid="ignore"):
        stat_means = {name: values.sum(axis=0) / samples for name, values in per_sample.items()}
    deficit_q = None if deficit is None else np.moveaxis(np.quantile(deficit, quantiles, axis=0), 0, -1)
    deficit_mean = None if deficit is None else deficit.sum(axis=0) / samples
    return EngineOutput(
        people_q,
        people_mean,
        down.sum(axis=0).astype(np.int64),
        stat_quantiles,
        stat_means,
        samples,
        per_sample,
        deficit_q,
        deficit_mean,
    )
