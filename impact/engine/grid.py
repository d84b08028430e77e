"""The grid's capacity: supply against demand per zone, and the rotating cuts that shed the deficit.

docs/method.md, section 4b. Per Monte Carlo sample, zone and time step:

1. **Available capacity** [kW]: the capacity of the zone's supply assets (``capacity_mw`` of
   assets.csv) that are effectively up after the cascade; with ``[grid] partial_damage`` a
   struck supply asset keeps ``kept_capacity`` of its damage state until repaired
   (:class:`GridModel`, ``kept_kw``) instead of going down.
2. **Deficit share** = max(0, 1 - available / demand) [1] (:func:`deficit_share`).
3. **Rotating cuts**: the deficit x queues, in thousandths of a queue, accumulates step by step;
   each step cuts as many queues as whole queues have accumulated since the last step
   (:func:`shed_units`, so that over time the share of queues cut matches the deficit), in
   blocks of ``cut_block_hours``, the queues cut least so far first, queue after queue
   (:func:`rotate_queues`).

Both a plain loop (the reference engine's) and a version vectorised over samples and zones
(the fast engine's) are here, like :mod:`impact.engine.crews`; they agree exactly because the
capacities are whole kilowatts and the accumulation is in whole thousandths of a queue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from impact.engine import intervals as iv

__all__ = [
    "CUT_UNITS",
    "GridModel",
    "cut_intervals",
    "cut_intervals_reference",
    "deficit_share",
    "deficit_share_reference",
    "rotate_queues",
    "rotate_queues_reference",
    "shed_units",
    "shed_units_reference",
]

#: Resolution of the accumulated deficit: thousandths of a queue per step.
CUT_UNITS = 1000


@dataclass(frozen=True)
class GridModel:
    """The compiled capacity balance of a scenario (``[grid]`` and ``capacity_mw``).

    Attributes
    ----------
    zone_ids : list of str
        Grid zones (sorted).
    queues : int
        Rotating queues per zone Q.
    block_steps : int
        Steps a queue's cut lasts once started (``cut_block_hours``, at least one step).
    demand_kw : ndarray of float, shape (Z, T)
        Demand of each zone at each step [kW].
    supply_assets : tuple of ndarray of int64
        Per zone, the indices of its supply assets.
    supply_kw : tuple of ndarray of int64
        Per zone, the capacity of each supply asset [kW, whole].
    kept_kw : dict of int to ndarray of int64, shape (5,)
        With ``partial_damage``: per supply asset, the capacity it keeps while struck, by
        damage state (index in ``DAMAGE_STATES``) [kW]; 0 means the strike puts it down.
        Empty without ``partial_damage``; assets with status reports are never here.
    queue_assets : ndarray of int64, shape (Z, Q)
        The helper asset of each zone's queues (down while the queue is cut); -1 for a zone
        that can never have a deficit (full capacity above demand at every step and no strike
        on its supply, :func:`impact.engine.grid_compile.compile_grid`) and for every zone when
        the model is compiled without shedding (the balance with partial damage alone).
    """

    zone_ids: list[str]
    queues: int
    block_steps: int
    demand_kw: np.ndarray
    supply_assets: tuple[np.ndarray, ...]
    supply_kw: tuple[np.ndarray, ...]
    kept_kw: dict[int, np.ndarray] = field(default_factory=dict)
    queue_assets: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))

    @property
    def shed(self) -> bool:
        """Whether any zone's deficit is shed by rotating cuts (helper queue assets exist)."""
        return bool((self.queue_assets >= 0).any())

    def queue_of(self) -> dict[int, tuple[int, int]]:
        """Helper asset index -> (zone, queue)."""
        return {int(a): (z, q) for (z, q), a in np.ndenumerate(self.queue_assets) if a >= 0}


def deficit_share(available_kw: np.ndarray, demand_kw: np.ndarray) -> np.ndarray:
    """Share of demand that cannot be supplied, max(0, 1 - available / demand) [1]; 0 without demand.

    Parameters
    ----------
    available_kw : ndarray of int64, shape (..., T)
        Available capacity [kW].
    demand_kw : ndarray of float, shape (T,)
        Demand [kW].
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.maximum(0.0, 1.0 - available_kw / demand_kw)
    return np.where(demand_kw > 0, share, 0.0)


def deficit_share_reference(available_kw: int, demand_kw: float) -> float:
    """One step of :func:`deficit_share`, in plain Python."""
    if demand_kw <= 0:
        return 0.0
    return max(0.0, 1.0 - available_kw / demand_kw)


def shed_units(deficit: np.ndarray, queues: int) -> np.ndarray:
    """The deficit in thousandths of a queue per step, ``floor(deficit x queues x 1000 + 1/2)``."""
    return np.floor(deficit * queues * CUT_UNITS + 0.5).astype(np.int64)


def shed_units_reference(deficit: float, queues: int) -> int:
    """One step of :func:`shed_units`, in plain Python."""
    return math.floor(deficit * queues * CUT_UNITS + 0.5)


def rotate_queues_reference(units: list[int], queues: int, block_steps: int) -> list[list[bool]]:
    """Which queues are cut at each step, for one sample and zone (the plain rule).

    The rule, step by step (docs/method.md, section 4b):

    1. The units accumulate; the step cuts ``K`` queues, the whole queues accumulated since the
       previous step (``K = total // 1000 - previous total // 1000``, at most ``queues``).
    2. The queues are ranked: first those whose cut block is under way (cut at the previous
       step, for fewer than ``block_steps`` steps), then the others; within each, the queue cut
       the fewest steps so far first, then queue order starting after the last queue that
       started a block. The first ``K`` are cut.

    So blocks run their length when the deficit allows, and the cut time is shared: at every
    step each queue's total cut time is within about one block of the zone's average.

    Parameters
    ----------
    units : list of int
        :func:`shed_units_reference` of each step.
    queues, block_steps : int

    Returns
    -------
    list of list of bool
        ``cut[q][k]``.
    """
    cut = [[False] * len(units) for _ in range(queues)]
    age = [0] * queues  # steps each queue has been cut in its current block (0: not cut)
    served = [0] * queues  # steps each queue has been cut so far
    pointer, total = 0, 0
    for step, unit in enumerate(units):
        previous = total // CUT_UNITS
        total += unit
        count = total // CUT_UNITS - previous
        under_way = [0 < age[q] < block_steps for q in range(queues)]
        ranked = sorted(range(queues), key=lambda q: (not under_way[q], served[q], (q - pointer) % queues))
        chosen = set(ranked[:count])
        started = [q for q in ranked[:count] if not under_way[q]]
        if started:
            pointer = (max(started, key=lambda q: (q - pointer) % queues) + 1) % queues
        for q in range(queues):
            if q in chosen:
                age[q] = age[q] + 1 if under_way[q] else 1
                served[q] += 1
            else:
                age[q] = 0
            cut[q][step] = q in chosen
    return cut


def rotate_queues(units: np.ndarray, queues: int, block_steps: int) -> np.ndarray:
    """:func:`rotate_queues_reference` for many rows (samples x zones) at once.

    A row whose step cuts no queue keeps only its pointer and its queues' cut time (every
    block ends), so each step works on the rows that cut something then.

    Parameters
    ----------
    units : ndarray of int64, shape (R, T)
    queues, block_steps : int

    Returns
    -------
    ndarray of bool, shape (R, Q, T)
    """
    rows, steps = units.shape
    cut = np.zeros((rows, queues, steps), dtype=bool)
    counts = np.diff(np.cumsum(units, axis=1) // CUT_UNITS, axis=1, prepend=0)
    step_of, row_of = np.nonzero(counts.T)  # (step, row) pairs cutting something, by step
    if len(step_of) == 0:
        return cut
    bounds = np.flatnonzero(np.diff(step_of)) + 1
    queue = np.arange(queues)
    age = np.zeros((rows, queues), dtype=np.int64)
    served = np.zeros((rows, queues), dtype=np.int64)
    pointer = np.zeros(rows, dtype=np.int64)
    last = np.full(rows, -2, dtype=np.int64)  # the last step each row cut something
    later = (steps + 1) * queues  # ranks every queue whose block is not under way after those that are
    for active in np.split(np.arange(len(step_of)), bounds):
        step = int(step_of[active[0]])
        row = row_of[active]
        count = counts[row, step]
        row_age = np.where((last[row] == step - 1)[:, None], age[row], 0)
        under_way = (row_age > 0) & (row_age < block_steps)
        row_pointer = pointer[row]
        distance = (queue[None, :] - row_pointer[:, None]) % queues
        key = np.where(under_way, 0, later) + served[row] * queues + distance  # distinct within a row
        rank = (key[:, None, :] < key[:, :, None]).sum(axis=2)
        chosen = rank < count[:, None]
        started = chosen & ~under_way
        farthest = np.where(started, distance, -1).max(axis=1)
        pointer[row] = np.where(farthest >= 0, (row_pointer + farthest + 1) % queues, row_pointer)
        age[row] = np.where(chosen, np.where(under_way, row_age + 1, 1), 0)
        served[row] += chosen
        last[row] = step
        cut[row, :, step] = chosen
    return cut


def cut_intervals_reference(cut: list[bool], time_hours: list[float], step_hours: float) -> list[tuple[float, float]]:
    """The cut steps of one queue as intervals [hours]: each run of steps ``k..m`` is
    ``[time[k], time[m + 1])`` (``time[m] + step`` for the last step), covering exactly those
    steps and ending where the next step begins, so that an outage starting then continues it."""
    intervals: list[tuple[float, float]] = []
    start = None
    for step, is_cut in enumerate(cut):
        if is_cut and start is None:
            start = step
        if start is not None and (not is_cut or step == len(cut) - 1):
            end = step if is_cut else step - 1
            intervals.append(
                (time_hours[start], time_hours[end + 1] if end + 1 < len(cut) else time_hours[end] + step_hours)
            )
            start = None
    return intervals


def cut_intervals(cut: np.ndarray, time_hours: np.ndarray, step_hours: float) -> iv.Intervals:
    """:func:`cut_intervals_reference` for every sample at once.

    Parameters
    ----------
    cut : ndarray of bool, shape (N, T)
    time_hours : ndarray of float, shape (T,)
    step_hours : float

    Returns
    -------
    Intervals
    """
    samples, steps = cut.shape
    padded = np.zeros((samples, steps + 2), dtype=bool)
    padded[:, 1:-1] = cut
    rows_start, first = np.nonzero(padded[:, 1:-1] & ~padded[:, :-2])
    rows_end, final = np.nonzero(padded[:, 1:-1] & ~padded[:, 2:])
    if len(first) == 0:
        return iv.empty(samples)
    per_row = np.bincount(rows_start, minlength=samples)
    width = int(per_row.max())
    slot = np.arange(len(first)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    starts = np.full((samples, width), np.inf)
    ends = np.full((samples, width), np.inf)
    starts[rows_start, slot] = time_hours[first]
    ends[rows_end, slot] = np.append(time_hours, time_hours[-1] + step_hours)[final + 1]
    return starts, ends


def down_mask(intervals: iv.Intervals, time_hours: np.ndarray) -> np.ndarray:
    """Whether the set covers each step, shape (N, T) (step k covered when ``a <= time[k] < b``)."""
    samples, steps = intervals[0].shape[0], len(time_hours)
    sample, first, stop = iv.to_steps(intervals, time_hours)
    width = steps + 1
    size = samples * width
    change = np.bincount(sample * width + first, minlength=size) - np.bincount(
        sample * width + np.minimum(stop, steps), minlength=size
    )
    return np.cumsum(change.reshape(samples, width), axis=1)[:, :steps] > 0


@dataclass(frozen=True)
class PartialStrike:
    """A strike that left a supply asset working at reduced capacity (``partial_damage``).

    Attributes
    ----------
    start : float
        Strike time [hours since start].
    length : ndarray of float, shape (N,)
        How long the asset works at reduced capacity in each sample (its outage after any
        crew wait) [hours]; 0 in samples where the strike puts it down or hits another asset.
    kept_kw : ndarray of int64, shape (N,)
        Capacity kept meanwhile [kW].
    """

    start: float
    length: np.ndarray
    kept_kw: np.ndarray


def available_kw(
    grid: GridModel,
    zone: int,
    effective: list[iv.Intervals],
    partial: dict[int, list[PartialStrike]],
    time_hours: np.ndarray,
    samples: int,
) -> np.ndarray:
    """Capacity of a zone's supply assets that are up at each step, shape (N, T) [kW].

    A supply asset adds its capacity while it is not down, or the smallest capacity kept by
    the partial strikes under way (:class:`PartialStrike`). The capacity lost to outages is
    gathered as +capacity / -capacity events at the first and last step of every outage, in
    one pass for all the zone's assets (whole kilowatts: the float sums are exact).
    """
    steps = len(time_hours)
    width = steps + 1
    index, lost = [], []
    total = np.full((samples, steps), int(grid.supply_kw[zone].sum()), dtype=np.int64)
    for asset, capacity in zip(grid.supply_assets[zone].tolist(), grid.supply_kw[zone].tolist(), strict=True):
        if asset in partial:
            kept = np.full((samples, steps), capacity, dtype=np.int64)
            for strike in partial[asset]:
                under_way = (time_hours[None, :] >= strike.start) & (
                    time_hours[None, :] < strike.start + strike.length[:, None]
                )
                kept = np.where(under_way, np.minimum(kept, strike.kept_kw[:, None]), kept)
            total -= np.where(down_mask(effective[asset], time_hours), capacity, capacity - kept)
            continue
        sample, first, stop = iv.to_steps(effective[asset], time_hours)
        index += [sample * width + first, sample * width + np.minimum(stop, steps)]
        lost += [np.full(len(sample), float(capacity)), np.full(len(sample), -float(capacity))]
    if index:
        change = np.bincount(np.concatenate(index), weights=np.concatenate(lost), minlength=samples * width)
        total -= np.rint(np.cumsum(change.reshape(samples, width), axis=1)[:, :steps]).astype(np.int64)
    return total


def zone_cuts(
    grid: GridModel,
    effective: list[iv.Intervals],
    partial: dict[int, list[PartialStrike]],
    time_hours: np.ndarray,
    step_hours: float,
    samples: int,
) -> tuple[np.ndarray, dict[int, iv.Intervals]]:
    """Every zone's deficit share and the cuts of every queue helper asset (the fast path).

    Returns
    -------
    deficit : ndarray of float, shape (N, Z, T)
        Deficit share [1].
    cuts : dict of int to Intervals
        Outage of each queue helper asset (empty when compiled without shedding).
    """
    zones, steps = len(grid.zone_ids), len(time_hours)
    deficit = np.zeros((samples, zones, steps))
    cuts: dict[int, iv.Intervals] = {}
    for z in range(zones):
        share = deficit_share(available_kw(grid, z, effective, partial, time_hours, samples), grid.demand_kw[z])
        deficit[:, z] = share
        if grid.queue_assets[z, 0] < 0:
            continue
        if not share.any():
            for q in range(grid.queues):
                cuts[int(grid.queue_assets[z, q])] = iv.empty(samples)
            continue
        cut = rotate_queues(shed_units(share, grid.queues), grid.queues, grid.block_steps)
        for q in range(grid.queues):
            cuts[int(grid.queue_assets[z, q])] = cut_intervals(cut[:, q], time_hours, step_hours)
    return deficit, cuts
