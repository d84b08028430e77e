"""The fast interval engine (DESIGN section 7).

Never builds the (sample x time x area) cube:

1. Outages are interval sets vectorised over samples (:mod:`impact.engine.intervals`),
   merged and propagated through the dependency graph in topological order.
2. Each asset's intervals become step ranges ``[first, stop)``; links turn them into
   +w / -w events.
3. A leaf (area, service) fed by k <= ``level_limit`` links takes one of at most 2^k
   values in every sample: the engine counts samples per level over time (events plus
   one cumulative sum) and reads exact order statistics from the counts. Larger leaves
   and parent areas use a dense (sample x time) difference array for that one area,
   one cumulative sum, and :func:`numpy.quantile`.

Head counts are int64 throughout, so results equal the reference engine's exactly.
"""

from __future__ import annotations

import numpy as np

from impact.engine import intervals as iv
from impact.engine.stats import (
    SAMPLE_STATS,
    EngineOutput,
    dense_quantiles,
    dense_sample_stats,
    lerp,
    order_statistic_quantiles,
    summarise_samples,
)
from impact.model import Model

#: Leaves fed by at most this many links use level counting; others a dense array.
LEVEL_LIMIT = 12

Steps = tuple[np.ndarray, np.ndarray, np.ndarray]


def effective_outages(model: Model, durations: np.ndarray) -> list[iv.Intervals]:
    """Effective outage interval sets of every asset (DESIGN 3.1-3.2).

    Parameters
    ----------
    model : Model
    durations : ndarray of float, shape (N, S)
        Repair time of each strike in each sample [hours].

    Returns
    -------
    list of Intervals
        Indexed by asset.
    """
    samples = durations.shape[0]
    effective: list[iv.Intervals | None] = [None] * len(model.asset_ids)
    for asset in model.topo_order:
        struck = np.flatnonzero(model.strike_asset == asset)
        outage = (iv.from_strikes(model.strike_hours[struck], durations[:, struck]) if len(struck)
                  else iv.empty(samples))
        for group in model.groups[asset]:
            lost: iv.Intervals | None = None
            for member, buffer in group:
                piece = iv.shorten(effective[member], buffer)
                lost = piece if lost is None else iv.intersect(lost, piece)
            outage = iv.union(outage, lost)
        effective[asset] = outage
    return effective


def _asset_down_counts(asset_steps: list[Steps], steps: int) -> np.ndarray:
    counts = np.zeros((len(asset_steps), steps), dtype=np.int64)
    for asset, (_sample, first, stop) in enumerate(asset_steps):
        change = np.bincount(first, minlength=steps + 1) - np.bincount(stop, minlength=steps + 1)
        counts[asset] = np.cumsum(change)[:steps]
    return counts


def _dense_values(link_steps: list[Steps], weights: list[int], samples: int, steps: int) -> np.ndarray:
    """People without service per (sample, step) from link events [persons]."""
    width = steps + 1
    flat = [np.zeros(0, dtype=np.int64)]
    amount = [np.zeros(0, dtype=np.float64)]
    for (sample, first, stop), weight in zip(link_steps, weights, strict=True):
        flat += [sample * width + first, sample * width + stop]
        amount += [np.full(len(first), float(weight)), np.full(len(stop), -float(weight))]
    change = np.bincount(np.concatenate(flat), weights=np.concatenate(amount), minlength=samples * width)
    return np.cumsum(np.rint(change).astype(np.int64).reshape(samples, width), axis=1)[:, :steps]


def _dense_area(link_steps, weights, samples, steps, quantiles):
    values = _dense_values(link_steps, weights, samples, steps)
    return (dense_quantiles(values, quantiles).T, values.sum(axis=0) / samples, dense_sample_stats(values))


def _event_sample_stats(sample, step, value, samples, steps) -> dict[str, np.ndarray]:
    """Per-sample statistics from sorted (sample, step) change points and the value after each."""
    count = len(sample)
    peak = np.zeros(samples, dtype=np.int64)
    np.maximum.at(peak, sample, value)
    following = np.empty(count, dtype=np.int64)
    following[:-1] = step[1:]
    last_in_sample = np.ones(count, dtype=bool)
    last_in_sample[:-1] = sample[1:] != sample[:-1]
    following[last_in_sample] = steps
    person_steps = np.zeros(samples, dtype=np.int64)
    np.add.at(person_steps, sample, value * (following - step))

    position = np.arange(count)
    at_peak = (value == peak[sample]) & (peak[sample] > 0)
    first_peak = np.full(samples, count, dtype=np.int64)
    np.minimum.at(first_peak, sample[at_peak], position[at_peak])
    low = (position > first_peak[sample]) & (10 * value <= peak[sample])
    first_low = np.full(samples, count, dtype=np.int64)
    np.minimum.at(first_low, sample[low], position[low])
    padded = np.append(step, 0)
    restore = np.where(first_low < count, (padded[first_low] - padded[first_peak]).astype(np.float64), np.inf)
    restore = np.where(peak == 0, 0.0, restore)
    return {"peak": peak.astype(np.float64), "person_steps": person_steps.astype(np.float64),
            "restore_steps": restore}


def _level_area(link_steps, weights, samples, steps, quantiles):
    """Exact quantiles, mean and per-sample stats of one leaf by counting samples per level."""
    bits = len(weights)
    levels = 1 << bits
    sample = np.concatenate([part for s, _f, _t in link_steps for part in (s, s)])
    step = np.concatenate([part for _s, f, t in link_steps for part in (f, t)])
    delta = np.concatenate([
        part for b, (s, _f, _t) in enumerate(link_steps)
        for part in (np.full(len(s), 1 << b, dtype=np.int64), np.full(len(s), -(1 << b), dtype=np.int64))
    ])
    keep = step < steps
    sample, step, delta = sample[keep], step[keep], delta[keep]
    order = np.lexsort((step, sample))
    sample, step, delta = sample[order], step[order], delta[order]

    running = np.cumsum(delta)
    first_of_sample = np.ones(len(sample), dtype=bool)
    first_of_sample[1:] = sample[1:] != sample[:-1]
    before_sample = np.where(first_of_sample, running - delta, 0)
    base = np.maximum.accumulate(np.where(first_of_sample, np.arange(len(sample)), 0))
    mask_after = running - before_sample[base]
    last_of_step = np.ones(len(sample), dtype=bool)
    last_of_step[:-1] = (sample[1:] != sample[:-1]) | (step[1:] != step[:-1])
    g_sample, g_step, g_mask = sample[last_of_step], step[last_of_step], mask_after[last_of_step]
    g_before = np.zeros(len(g_sample), dtype=np.int64)
    g_before[1:] = np.where(g_sample[1:] == g_sample[:-1], g_mask[:-1], 0)

    change = np.zeros((levels, steps), dtype=np.int64)
    moved = g_before != g_mask
    np.add.at(change, (g_before[moved], g_step[moved]), -1)
    np.add.at(change, (g_mask[moved], g_step[moved]), 1)
    change[0, 0] += samples
    counts = np.cumsum(change, axis=1)

    membership = (np.arange(levels)[:, None] >> np.arange(bits)[None, :]) & 1
    level_value = membership @ np.asarray(weights, dtype=np.int64)
    mean = (level_value[:, None] * counts).sum(axis=0) / samples

    by_value = np.argsort(level_value, kind="stable")
    sorted_value = level_value[by_value].astype(np.float64)
    cumulative = np.cumsum(counts[by_value], axis=0)
    below, above, gamma = order_statistic_quantiles(samples, quantiles)
    result = np.empty((steps, len(quantiles)))
    for q in range(len(quantiles)):
        low = sorted_value[(cumulative > below[q]).argmax(axis=0)]
        high = sorted_value[(cumulative > above[q]).argmax(axis=0)]
        result[:, q] = lerp(low, high, gamma[q])
    stats = _event_sample_stats(g_sample, g_step, level_value[g_mask], samples, steps)
    return result, mean, stats


def compute(model: Model, durations: np.ndarray, quantiles, level_limit: int | None = None) -> EngineOutput:
    """Run the fast engine on given repair times.

    Parameters
    ----------
    model : Model
    durations : ndarray of float, shape (N, S)
        Repair time of each strike in each sample [hours]; N = 1 with medians gives the
        central estimate.
    quantiles : sequence of float
        Quantiles to report, each in [0, 1].
    level_limit : int, optional
        Leaves with at most this many links use level counting. Default: automatic, level
        counting for k <= :data:`LEVEL_LIMIT` links when its 2^k levels are no more than
        the samples (otherwise a dense (samples x time) array of that one leaf is cheaper,
        e.g. for the central estimate with one sample).

    Returns
    -------
    EngineOutput
    """
    quantiles = np.asarray(quantiles, dtype=np.float64)
    samples, steps = durations.shape[0], model.steps
    services, areas = len(model.services), len(model.area_ids)
    effective = effective_outages(model, durations)
    asset_steps = [iv.to_steps(outage, model.time_hours) for outage in effective]
    down_counts = _asset_down_counts(asset_steps, steps)
    if samples == 1 and level_limit is None:
        return _single_sample(model, down_counts, quantiles)

    people_q = np.zeros((services, areas, steps, len(quantiles)))
    people_mean = np.zeros((services, areas, steps))
    stats = {name: np.zeros((samples, services, areas)) for name in SAMPLE_STATS}
    for v in range(services):
        for a in range(areas):
            leaf_links = [link for leaf in model.area_leaves[a] for link in model.links[v][leaf]]
            if not leaf_links:
                continue
            link_steps = [asset_steps[asset] for asset, _ in leaf_links]
            weights = [weight for _, weight in leaf_links]
            k = len(leaf_links)
            if level_limit is None:
                by_levels = k <= LEVEL_LIMIT and (1 << k) <= samples
            else:
                by_levels = k <= level_limit
            if model.area_is_leaf[a] and by_levels:
                q, mean, area_stats = _level_area(link_steps, weights, samples, steps, quantiles)
            else:
                q, mean, area_stats = _dense_area(link_steps, weights, samples, steps, quantiles)
            people_q[v, a], people_mean[v, a] = q, mean
            for name in SAMPLE_STATS:
                stats[name][:, v, a] = area_stats[name]
    stat_quantiles, stat_means = summarise_samples(stats, quantiles)
    return EngineOutput(people_q, people_mean, down_counts, stat_quantiles, stat_means, samples)


def _single_sample(model: Model, down: np.ndarray, quantiles: np.ndarray) -> EngineOutput:
    """One sample (the central estimate): every area's series at once from the assets' 0/1 status.

    With one sample every quantile and the mean equal the value itself, so a leaf's series is
    the sum of its links' weight x down, a parent's the sum of its leaves', and the per-sample
    statistics are taken over all areas together (areas in place of samples).
    """
    services, areas, steps = len(model.services), len(model.area_ids), model.steps
    values = np.zeros((services, areas, steps), dtype=np.int64)
    leaves = np.flatnonzero(model.area_is_leaf)
    for v in range(services):
        linked = [(a, asset, weight) for a in leaves for asset, weight in model.links[v][a]]
        if linked:
            area_of, asset_of, weight = (np.array(column, dtype=np.int64) for column in zip(*linked, strict=True))
            contribution = weight[:, None] * down[asset_of]
            starts = np.flatnonzero(np.r_[True, area_of[1:] != area_of[:-1]])
            values[v, area_of[starts]] = np.add.reduceat(contribution, starts, axis=0)
        for a in np.flatnonzero(~model.area_is_leaf):
            values[v, a] = values[v, model.area_leaves[a]].sum(axis=0)
    flat = values.reshape(services * areas, steps)
    per_area = dense_sample_stats(flat)
    stat_means = {name: per_area[name].reshape(services, areas) for name in SAMPLE_STATS}
    stat_quantiles = {name: np.repeat(stat_means[name][..., None], len(quantiles), axis=-1) for name in SAMPLE_STATS}
    people = values.astype(np.float64)
    return EngineOutput(np.repeat(people[..., None], len(quantiles), axis=-1), people, down, stat_quantiles,
                        stat_means, 1)
