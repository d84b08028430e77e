"""Level counting: exact statistics of many small leaves at once.

A leaf (area, service) fed by k links takes, in every sample and step, one of at most 2^k
values: the sum of the weights of the links whose asset is down. Which links are down is a
k-bit mask, the *level*. For a block of leaves with the same k this module

1. gathers every link's down ranges as +2^b / -2^b events keyed by (leaf, sample, step),
   sorts them once, and follows each (leaf, sample)'s mask through time;
2. counts, per leaf, level and step, the samples at or below that level (levels ordered
   by value; the level changes, one cumulative sum over time and one over levels);
3. reads exact order statistics from those counts, and each sample's peak and restoration
   time from the mask changes themselves (means and person-steps are linear in the links:
   :mod:`impact.engine.linear`).

Nothing of size samples x steps is built per leaf; the count array is leaves x 2^k x steps.
"""

from __future__ import annotations

import numpy as np

from impact.engine.events import AssetSteps, gather
from impact.engine.stats import lerp, order_statistic_quantiles

__all__ = ["level_block", "level_values"]


def level_values(weights: np.ndarray) -> np.ndarray:
    """People without service at each level of each leaf [persons].

    Parameters
    ----------
    weights : ndarray of int64, shape (L, k)
        Link weights of each leaf [persons].

    Returns
    -------
    ndarray of int64, shape (L, 2^k)
        Entry ``[l, m]`` is the sum of the weights of leaf l's links whose bit is set in m.
    """
    bits = weights.shape[1]
    membership = (np.arange(1 << bits)[:, None] >> np.arange(bits)[None, :]) & 1
    return np.asarray(weights, dtype=np.int64) @ membership.T


def _mask_changes(steps: AssetSteps, link_asset: np.ndarray, bits: int):
    """Each (leaf, sample)'s level before and after every step at which it changes.

    Returns
    -------
    segment, step, before, after : ndarray of int64
        Sorted by segment (``leaf * N + sample``) then step; one row per step at which the
        mask changes.
    """
    samples, total_steps = steps.samples, steps.steps
    link, sample, first, stop = gather(steps, link_asset)
    keep = stop < total_steps
    segment = np.concatenate([(link // bits) * samples + sample, ((link // bits) * samples + sample)[keep]])
    step = np.concatenate([first, stop[keep]])
    # Sort (segment, step) with the change packed in the low bits of one int64 key: a plain
    # sort of int64 is several times faster than an argsort. Code 2b + 1 is "+2^b", 2b is "-2^b".
    code = np.concatenate([2 * (link % bits) + 1, 2 * (link % bits)[keep]])
    code_bits = int(2 * bits).bit_length()
    segments = (len(link_asset) // bits) * samples
    if (segments * total_steps) << code_bits < np.iinfo(np.int64).max:
        key = ((segment * total_steps + step) << code_bits) | code
        key.sort()
        code = key & ((1 << code_bits) - 1)
        key >>= code_bits
        segment, step = np.divmod(key, total_steps)
    else:
        order = np.argsort(segment * total_steps + step, kind="stable")
        segment, step, code = segment[order], step[order], code[order]
    delta = np.where(code & 1, 1, -1) << (code >> 1)

    running = np.cumsum(delta)
    starts_segment = np.ones(len(segment), dtype=bool)
    starts_segment[1:] = segment[1:] != segment[:-1]
    segment_start = np.maximum.accumulate(np.where(starts_segment, np.arange(len(segment)), 0))
    mask = running - (running - delta)[segment_start]
    last_of_step = np.ones(len(segment), dtype=bool)
    last_of_step[:-1] = (segment[1:] != segment[:-1]) | (step[1:] != step[:-1])
    segment, step, after = segment[last_of_step], step[last_of_step], mask[last_of_step]
    before = np.zeros(len(segment), dtype=np.int64)
    before[1:] = np.where(segment[1:] == segment[:-1], after[:-1], 0)
    moved = before != after
    return segment[moved], step[moved], before[moved], after[moved]


def _segment_stats(segment: np.ndarray, step: np.ndarray, value: np.ndarray, segments: int) -> dict[str, np.ndarray]:
    """Per-segment peak and steps to 90 % restored, from sorted change points.

    Parameters
    ----------
    segment, step : ndarray of int64, shape (E,)
        Change points sorted by segment then step.
    value : ndarray of int64, shape (E,)
        People without service from each change point on [persons].
    segments : int
        Number of segments; a segment without change points has no outage.

    Returns
    -------
    dict of str to ndarray of float, shape (segments,)
        As :func:`impact.engine.stats.peak_and_restore`.
    """
    count = len(segment)
    peak = np.zeros(segments, dtype=np.int64)
    np.maximum.at(peak, segment, value)
    position = np.arange(count)
    segment_peak = peak[segment]
    at_peak = (value == segment_peak) & (segment_peak > 0)
    first_peak = np.full(segments, count, dtype=np.int64)
    np.minimum.at(first_peak, segment[at_peak], position[at_peak])
    low = (position > first_peak[segment]) & (10 * value <= segment_peak)
    first_low = np.full(segments, count, dtype=np.int64)
    np.minimum.at(first_low, segment[low], position[low])
    padded = np.append(step, 0)
    restore = np.where(first_low < count, (padded[first_low] - padded[first_peak]).astype(np.float64), np.inf)
    return {"peak": peak.astype(np.float64), "restore_steps": np.where(peak == 0, 0.0, restore)}


def level_block(
    steps: AssetSteps,
    link_asset: np.ndarray,
    weights: np.ndarray,
    quantiles: np.ndarray,
    values: np.ndarray | None = None,
):
    """Quantiles and per-sample peak and restoration time of a block of leaves with k links each.

    Parameters
    ----------
    steps : AssetSteps
    link_asset : ndarray of int, shape (L, k)
        Asset of each leaf's links (or of the factors its people depend on, with ``values``).
    weights : ndarray of int64, shape (L, k)
        Weight of each link [persons].
    quantiles : ndarray of float, shape (Q,)
    values : ndarray of int64, shape (L, 2^k), optional
        People without service at each level [persons], when they are not the sum of the
        weights of the down links (``level_values(weights)``, the default): e.g. a link through
        a rotating cut is down when its asset *or* its queue is down (:func:`impact.engine.fast.plan_tasks`).

    Returns
    -------
    people_quantiles : ndarray of float, shape (L, T, Q) [persons]
    stats : dict of str to ndarray of float, shape (N, L)
        ``peak`` and ``restore_steps`` (see :class:`impact.engine.stats.EngineOutput`).
    """
    samples, total_steps = steps.samples, steps.steps
    leaves, bits = weights.shape
    levels = 1 << bits
    segment, step, before, after = _mask_changes(steps, np.asarray(link_asset).ravel(), bits)
    leaf = segment // samples

    value = level_values(weights) if values is None else np.asarray(values, dtype=np.int64)
    by_value = np.argsort(value, axis=1, kind="stable")
    sorted_value = np.take_along_axis(value, by_value, axis=1).astype(np.float64)
    position = np.empty_like(by_value)
    np.put_along_axis(position, by_value, np.broadcast_to(np.arange(levels), by_value.shape), axis=1)

    # Samples per (leaf, level in value order, step): level changes, then a sum over time
    # (int64, numpy's fastest cumulative sum), then over levels, giving at_or_below[l, p, t]:
    # samples of leaf l whose value is among its p + 1 smallest levels at step t.
    change = np.zeros(leaves * levels * total_steps, dtype=np.int64)
    np.add.at(change, (leaf * levels + position[leaf, after]) * total_steps + step, 1)
    np.add.at(change, (leaf * levels + position[leaf, before]) * total_steps + step, -1)
    change = change.reshape(leaves, levels, total_steps)
    change[:, 0, 0] += samples
    count_type = np.int16 if samples <= np.iinfo(np.int16).max else np.int32
    at_or_below = np.cumsum(change, axis=2).astype(count_type)
    del change
    for p in range(1, levels):
        at_or_below[:, p] += at_or_below[:, p - 1]

    # The order statistic of rank r sits at the first level whose at_or_below exceeds r.
    below, above, gamma = order_statistic_quantiles(samples, quantiles)
    at_rank: dict[int, np.ndarray] = {}
    for rank in {*below.tolist(), *above.tolist()}:
        first_above = (at_or_below <= rank).sum(axis=1, dtype=np.intp)
        at_rank[rank] = np.take_along_axis(sorted_value, first_above, axis=1)
    people_quantiles = np.empty((leaves, total_steps, len(quantiles)))
    for q, (low_rank, high_rank, weight) in enumerate(zip(below, above, gamma, strict=True)):
        low, high = at_rank[int(low_rank)], at_rank[int(high_rank)]
        result = low.copy()
        differ = low != high
        result[differ] = lerp(low[differ], high[differ], weight)
        people_quantiles[:, :, q] = result

    stats = _segment_stats(segment, step, value[leaf, after], leaves * samples)
    stats = {name: values.reshape(leaves, samples).T for name, values in stats.items()}
    return people_quantiles, stats
