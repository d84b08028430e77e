"""Level counting: exact statistics of many small leaves at once.

A leaf (area, service) fed by k links takes, in every sample and step, one of at most 2^k
values: the sum of the weights of the links whose asset is down. Which links are down is a
k-bit mask, the *level*. For a block of leaves with the same k this module

1. groups the leaves whose links go to the same assets (a *link set*: they are down
   together in every sample), gathers each set's down ranges as +2^b / -2^b events keyed
   by (set, sample, step), sorts them once, and follows each (set, sample)'s mask through
   time;
2. numbers the masks that actually occur, set by set (the *realized* levels: of the 2^k
   masks only a few occur when links fail together, as the housing types behind one heat
   link do);
3. counts, per set, realized level and step, the samples at that level (one cumulative sum
   over time); each leaf orders its set's levels by its own values and sums over them
   (leaves of one set whose levels come in the same order share this), giving the samples
   at or below each level;
4. reads exact order statistics from those counts, and each sample's peak and restoration
   time from the mask changes with the leaf's own values (means and person-steps are
   linear in the links: :mod:`impact.engine.linear`).

Nothing of size samples x steps is built per leaf; the count array is leaves x realized
levels x steps. A leaf whose samples take so many levels that a dense (sample x step) array
is cheaper is summarised from one (``most_levels``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impact.engine.cumulative import cumsum_rows
from impact.engine.dense import dense_values
from impact.engine.events import AssetSteps, gather
from impact.engine.stats import dense_quantiles, lerp, order_statistic_quantiles

__all__ = ["LEVEL_CELLS", "MASK_BITS", "level_block"]

#: Largest level-count array (leaves x levels x steps) built at once [cells]; bounds memory.
LEVEL_CELLS = 1 << 20

#: Most links a leaf may have for level counting: its level is a mask of that many bits,
#: packed with the number of its link set into one int64.
MASK_BITS = 40


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


@dataclass(frozen=True)
class _Levels:
    """The levels a block's link sets take in some sample at some step, numbered set by set.

    Attributes
    ----------
    first : ndarray of int64, shape (G,)
        Number of each link set's level 0 (no link down); its other levels follow it.
    count : ndarray of int64, shape (G,)
        Levels of each link set.
    mask : ndarray of int64, shape (U,)
        The mask of each level.
    after, before : ndarray of int64, shape (E,)
        Level after and before each change point of :func:`_mask_changes`.
    """

    first: np.ndarray
    count: np.ndarray
    mask: np.ndarray
    after: np.ndarray
    before: np.ndarray


def _realized_levels(owner: np.ndarray, before: np.ndarray, after: np.ndarray, sets: int, bits: int) -> _Levels:
    """Number the masks that occur (and 0) link set by link set.

    Of the 2^k masks of a link set only those some sample takes at some step matter; with
    links that fail together (the housing types of one heat link, the queues of one zone)
    they are few, so counting them alone keeps level counting cheap for k well above
    log2(samples).
    """
    if bits > MASK_BITS:
        raise ValueError(f"level counting takes at most {MASK_BITS} links per leaf, not {bits}")
    base = np.arange(sets, dtype=np.int64) << bits
    key = (owner << bits) | after
    unique = np.unique(np.concatenate([base, key]))
    first = np.searchsorted(unique, base)
    count = np.diff(np.append(first, len(unique)))
    return _Levels(
        first,
        count,
        unique & ((1 << bits) - 1),
        np.searchsorted(unique, key),
        np.searchsorted(unique, (owner << bits) | before),
    )


def _leaf_values(
    group: np.ndarray, levels: _Levels, weights: np.ndarray, values: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """People without service at each level of each leaf's link set [persons].

    Returns
    -------
    start : ndarray of int64, shape (L,)
        Where each leaf's levels begin in ``value``.
    value : ndarray of int64, shape (sum of the leaves' level counts,)
        Leaf by leaf, in the order of its link set's levels.
    """
    count = levels.count[group]
    start = np.cumsum(count) - count
    leaf = np.repeat(np.arange(len(group)), count)
    mask = levels.mask[np.arange(int(count.sum())) - start[leaf] + levels.first[group][leaf]]
    if values is not None:
        return start, np.asarray(values, dtype=np.int64)[leaf, mask]
    weights = np.asarray(weights, dtype=np.int64)
    value = np.zeros(len(mask), dtype=np.int64)
    for bit in range(weights.shape[1]):
        value += ((mask >> bit) & 1) * weights[leaf, bit]
    return start, value


def _count_levels(
    samples: int,
    total_steps: int,
    chunk: np.ndarray,
    group: np.ndarray,
    owner: np.ndarray,
    step: np.ndarray,
    levels: _Levels,
    leaf_start: np.ndarray,
    leaf_value: np.ndarray,
    quantiles: np.ndarray,
) -> np.ndarray:
    """Quantiles (len(chunk), T, Q) of some leaves, sorted by link set, from their sets' level changes.

    The samples at each level and step are counted once per link set (leaves with the same
    links share them); only the order of the levels by value is each leaf's own.
    """
    sets = np.unique(group[chunk])
    width = int(levels.count[sets].max())
    slot = np.full(int(sets[-1] - sets[0]) + 1, -1, dtype=np.int64)
    slot[sets - sets[0]] = np.arange(len(sets))
    rows = slice(*np.searchsorted(owner, [sets[0], sets[-1] + 1]))
    own = slot[owner[rows] - sets[0]]
    keep = own >= 0
    own, at_step = own[keep], step[rows][keep]
    offset = levels.first[owner[rows][keep]]
    after = levels.after[rows][keep] - offset
    before = levels.before[rows][keep] - offset

    # Samples per (link set, level, step): the level changes, then a sum over time (int64,
    # numpy's fastest cumulative sum).
    change = np.zeros(len(sets) * width * total_steps, dtype=np.int64)
    np.add.at(change, (own * width + after) * total_steps + at_step, 1)
    np.add.at(change, (own * width + before) * total_steps + at_step, -1)
    change = change.reshape(len(sets), width, total_steps)
    change[:, 0, 0] += samples  # every sample starts at level 0 (no link down)
    count_type = np.int16 if samples <= np.iinfo(np.int16).max else np.int32
    at_level = cumsum_rows(change.reshape(-1, total_steps)).astype(count_type).reshape(change.shape)
    del change

    # Each leaf's levels ordered by its values (unused slots last), then a sum over levels,
    # giving at_or_below[l, p, t]: samples of leaf l whose value is among its p + 1 smallest
    # levels at step t.
    count = levels.count[group[chunk]]
    used = np.arange(width)[None, :] < count[:, None]
    index = np.minimum(leaf_start[chunk][:, None] + np.arange(width)[None, :], len(leaf_value) - 1)
    value = np.where(used, leaf_value[index], np.iinfo(np.int64).max)
    by_value = np.argsort(value, axis=1, kind="stable")
    sorted_value = np.take_along_axis(value, by_value, axis=1).astype(np.float64)
    # Leaves of one link set whose levels come in the same order (every leaf of one link, most
    # leaves of one housing mix) have the same at_or_below: computed once per (set, order).
    # (rows compared as bytes: several times faster than numpy's unique over axis 0)
    set_and_order = np.ascontiguousarray(
        np.concatenate([slot[group[chunk] - sets[0]][:, None], by_value], axis=1), dtype=np.int64
    )
    row_bytes = set_and_order.view(np.dtype((np.void, set_and_order.itemsize * set_and_order.shape[1]))).ravel()
    _, first_of_order, same_as = np.unique(row_bytes, return_index=True, return_inverse=True)
    orders, same_as = set_and_order[first_of_order], same_as.reshape(-1)
    at_or_below = at_level[orders[:, :1], orders[:, 1:]]
    del at_level
    for p in range(1, width):
        at_or_below[:, p] += at_or_below[:, p - 1]

    # The order statistic of rank r sits at the first level whose at_or_below exceeds r.
    below, above, gamma = order_statistic_quantiles(samples, quantiles)
    level_type = np.min_scalar_type(width)  # first_above counts levels: at most width
    first_above: dict[int, np.ndarray] = {}
    for rank in {*below.tolist(), *above.tolist()}:
        # (a sum of booleans as bytes: several times faster than numpy's default sum of booleans)
        first_above[rank] = np.add.reduce((at_or_below <= rank).view(np.uint8), axis=1, dtype=level_type)
    del at_or_below
    people_quantiles = np.empty((len(chunk), total_steps, len(quantiles)))
    for q, (low_rank, high_rank, weight) in enumerate(zip(below, above, gamma, strict=True)):
        low_level = first_above[int(low_rank)][same_as]
        high_level = first_above[int(high_rank)][same_as]
        result = np.take_along_axis(sorted_value, low_level, axis=1)
        # the two order statistics are at different levels at few steps: interpolate there only
        differ = np.nonzero(low_level != high_level)
        if len(differ[0]):
            result[differ] = lerp(result[differ], sorted_value[differ[0], high_level[differ]], weight)
        people_quantiles[:, :, q] = result
    return people_quantiles


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
    *,
    most_levels: int | None = None,
    max_cells: int = LEVEL_CELLS,
    sample_stats: bool = True,
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
        weights of the down links (the default): e.g. a link through a rotating cut is down
        when its asset *or* its queue is down (:func:`impact.engine.fast.plan_tasks`).
        ``values[:, 0]`` must be 0 (nobody is out while no link is down).
    most_levels : int, optional
        A leaf whose samples take more distinct levels than this is summarised from a dense
        (sample x step) array instead (:func:`impact.engine.dense.dense_values`; the same
        numbers, cheaper when levels are many). Default: every leaf by levels. Ignored with
        ``values``.
    max_cells : int
        Largest count array (leaves x levels x steps) built at once [cells], bounding memory
        (a single leaf with more levels is counted alone, above it).
    sample_stats : bool
        Whether to compute each sample's peak and restoration time (not for pseudo-services,
        whose per-sample statistics nothing reads); without them ``stats`` is empty.

    Returns
    -------
    people_quantiles : ndarray of float, shape (L, T, Q) [persons]
    stats : dict of str to ndarray of float, shape (N, L)
        ``peak`` and ``restore_steps`` (see :class:`impact.engine.stats.EngineOutput`); empty
        without ``sample_stats``.
    """
    samples, total_steps = steps.samples, steps.steps
    leaves, bits = weights.shape
    link_asset = np.asarray(link_asset, dtype=np.int64).reshape(leaves, bits)
    # Leaves with the same links (the same assets in the same order) take the same levels at
    # the same steps in every sample: their changes and counts are computed once per set.
    link_sets, group = np.unique(link_asset, axis=0, return_inverse=True)
    group = group.reshape(-1)
    segment, step, before, after = _mask_changes(steps, link_sets.ravel(), bits)
    owner = segment // samples
    levels = _realized_levels(owner, before, after, len(link_sets), bits)
    leaf_start, leaf_value = _leaf_values(group, levels, weights, values)

    people_quantiles = np.empty((leaves, total_steps, len(quantiles)))
    dense = np.zeros(leaves, dtype=bool)
    if most_levels is not None and values is None:
        dense = levels.count[group] > most_levels
    for one in np.flatnonzero(dense).tolist():
        people_quantiles[one] = dense_quantiles(dense_values(steps, link_asset[one], weights[one]), quantiles).T
    counted = np.flatnonzero(~dense)
    counted = counted[np.argsort(group[counted], kind="stable")]
    width = levels.count[group[counted]]
    begin = 0
    while begin < len(counted):
        # consecutive leaves (by link set) whose count arrays stay within max_cells
        end, widest = begin + 1, int(width[begin])
        while end < len(counted) and (end - begin + 1) * max(widest, int(width[end])) * total_steps <= max_cells:
            widest = max(widest, int(width[end]))
            end += 1
        chunk = counted[begin:end]
        people_quantiles[chunk] = _count_levels(
            samples, total_steps, chunk, group, owner, step, levels, leaf_start, leaf_value, quantiles
        )
        begin = end

    if not sample_stats:
        return people_quantiles, {}
    # Each sample's peak and restoration time from its leaf's own values along its set's changes.
    set_start = np.searchsorted(owner, np.arange(len(link_sets)))
    length = (np.searchsorted(owner, np.arange(len(link_sets)), side="right") - set_start)[group]
    shift = np.repeat(set_start[group] - (np.cumsum(length) - length), length)
    row = np.arange(int(length.sum()), dtype=np.int64) + shift
    leaf = np.repeat(np.arange(leaves, dtype=np.int64), length)
    value = leaf_value[leaf_start[leaf] + levels.after[row] - levels.first[group[leaf]]]
    stats = _segment_stats(leaf * samples + segment[row] % samples, step[row], value, leaves * samples)
    stats = {name: stat.reshape(leaves, samples).T for name, stat in stats.items()}
    return people_quantiles, stats
