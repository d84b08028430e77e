"""Sets of half-open time intervals, vectorised over Monte Carlo samples.

A set is a pair of float arrays ``(starts, ends)`` of shape (samples, slots) [hours].
Row n holds sample n's intervals in canonical form: sorted by start, disjoint and not
touching (``[0, 5)`` and ``[5, 8)`` are one interval ``[0, 8)``), every interval
non-empty; unused slots hold ``(inf, inf)``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "Intervals",
    "covers",
    "cut",
    "empty",
    "from_strikes",
    "intersect",
    "is_empty",
    "normalize",
    "shorten",
    "to_steps",
    "union",
]

Intervals = tuple[np.ndarray, np.ndarray]


def empty(samples: int) -> Intervals:
    """The empty set for every sample."""
    return np.full((samples, 1), np.inf), np.full((samples, 1), np.inf)


def is_empty(intervals: Intervals) -> bool:
    """Whether a canonical set is empty in every sample."""
    return bool(np.isinf(intervals[0][:, 0]).all())


def normalize(starts: np.ndarray, ends: np.ndarray) -> Intervals:
    """Canonical form of arbitrary intervals: drop empty ones, sort, merge overlapping or touching.

    Parameters
    ----------
    starts, ends : ndarray of float, shape (samples, slots)
        Interval bounds [hours]; an interval with ``start >= end`` is empty.

    Returns
    -------
    starts, ends : ndarray of float, shape (samples, slots')
        Canonical set, trimmed to the largest number of intervals of any sample (>= 1).
    """
    samples = starts.shape[0]
    if starts.shape[1] == 0:
        return empty(samples)
    valid = starts < ends
    starts = np.where(valid, starts, np.inf)
    ends = np.where(valid, ends, np.inf)
    order = np.argsort(starts, axis=1, kind="stable")
    starts = np.take_along_axis(starts, order, axis=1)
    ends = np.take_along_axis(ends, order, axis=1)
    reach = np.maximum.accumulate(ends, axis=1)
    is_new = np.ones_like(valid)
    is_new[:, 1:] = starts[:, 1:] > reach[:, :-1]
    is_new &= np.isfinite(starts)
    group = np.cumsum(is_new, axis=1) - 1
    width = max(int(is_new.sum(axis=1).max(initial=0)), 1)
    out_starts = np.full((samples, width), np.inf)
    out_ends = np.full((samples, width), np.inf)
    rows, cols = np.nonzero(is_new)
    out_starts[rows, group[rows, cols]] = starts[rows, cols]
    is_last = np.zeros_like(is_new)
    is_last[:, :-1] = is_new[:, 1:] | ~np.isfinite(starts[:, 1:])
    is_last[:, -1] = True
    is_last &= np.isfinite(starts) & (group >= 0)
    rows, cols = np.nonzero(is_last)
    out_ends[rows, group[rows, cols]] = reach[rows, cols]
    return out_starts, out_ends


def from_strikes(strike_hours: np.ndarray, durations: np.ndarray) -> Intervals:
    """Own outage of one asset: the union of ``[s_i, s_i + D_i)`` over its strikes.

    Parameters
    ----------
    strike_hours : ndarray of float, shape (k,)
        Strike times [hours since start].
    durations : ndarray of float, shape (samples, k)
        Repair times [hours].

    Returns
    -------
    Intervals
    """
    starts = np.broadcast_to(strike_hours[None, :], durations.shape)
    return normalize(np.array(starts), starts + durations)


def shorten(intervals: Intervals, buffer_hours: float | np.ndarray) -> Intervals:
    """Each interval ``[a, b)`` becomes ``[a + buffer, b)``, dropped when not positive.

    ``buffer_hours`` is one buffer [hours], or one per sample, shape (samples,) (a drawn range).
    """
    buffer = np.asarray(buffer_hours, dtype=np.float64)
    if not buffer.any():
        return intervals
    starts, ends = intervals
    return normalize(starts + (buffer[:, None] if buffer.ndim else buffer), ends)


def intersect(first: Intervals, second: Intervals) -> Intervals:
    """Intersection of two canonical sets, sample by sample."""
    starts = np.maximum(first[0][:, :, None], second[0][:, None, :])
    ends = np.minimum(first[1][:, :, None], second[1][:, None, :])
    samples = starts.shape[0]
    return normalize(starts.reshape(samples, -1), ends.reshape(samples, -1))


def union(first: Intervals, second: Intervals) -> Intervals:
    """Union of two sets, sample by sample."""
    return normalize(np.concatenate([first[0], second[0]], axis=1), np.concatenate([first[1], second[1]], axis=1))


def covers(intervals: Intervals, moment: float) -> np.ndarray:
    """Whether each sample's set contains the time ``moment`` [hours], shape (samples,)."""
    starts, ends = intervals
    return ((starts <= moment) & (moment < ends)).any(axis=1)


def cut(intervals: Intervals, moment: float) -> Intervals:
    """Every interval containing ``moment`` ends at it: ``[a, b)`` with a <= moment < b becomes ``[a, moment)``."""
    starts, ends = intervals
    return normalize(starts, np.where((starts <= moment) & (moment < ends), moment, ends))


def to_steps(intervals: Intervals, time_hours: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The time steps covered by each interval.

    Step k (at ``time_hours[k]``) is down when ``a <= time_hours[k] < b``, i.e. for
    k in ``[first, stop)`` with ``first = searchsorted(time_hours, a)`` and
    ``stop = searchsorted(time_hours, b)`` (both ``side="left"``).

    Returns
    -------
    sample, first, stop : ndarray of int, shape (intervals covering at least one step,)
        Sample index and step range of each interval; ``stop`` may equal T (down past
        the horizon).
    """
    starts, ends = intervals
    first = np.searchsorted(time_hours, starts.ravel(), side="left")
    stop = np.searchsorted(time_hours, ends.ravel(), side="left")
    sample = np.repeat(np.arange(starts.shape[0]), starts.shape[1])
    keep = first < stop
    return sample[keep], first[keep], stop[keep]
