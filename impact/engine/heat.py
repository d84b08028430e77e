"""District heating in frost: drained buildings and their restart delay (docs/method.md, section 4d).

Kyiv's procedure for emergency heat outages (2026) drains a building's heating system when
the outdoor temperature is at or below −3 °C, to save the pipes; heat then returns only when
the building has been refilled and restarted, building by building, a day or more after the
boiler house is back. For each district-heating asset X (a real asset with heat links) and
each outdoor temperature series of the leaves it heats, the compiler adds two helper assets:

- ``~drained|{X}|{area}`` (*D*): the buildings' systems are drained. An outage ``[a, b)`` of X
  drains them at the first moment ``t >= a + drain_after_hours`` whose outdoor temperature is
  at or below ``drain_below_celsius``, if that moment comes before ``b``; they stay drained
  until ``b + r``, with r the sample's restart delay: D is down over ``[t, b + r)``.
- ``~heat|{X}|{area}`` (*H*): heat delivered to the buildings, down while X or D is (an
  ordinary helper with two one-member groups), so heat is out over ``[a, b + r)`` when the
  outage drains the buildings and over ``[a, b)`` otherwise. The leaves' heat links to X go
  through H.

The outdoor temperature of a step holds until the next step (the reading that holds at the
step's time, :func:`impact.engine.grid_compile.outdoor_temperature`); steps without a reading
are not cold. The cold moments are therefore a fixed union of step spans, the same in every
sample, and the drain moment is found from interval bounds alone (no stepping): the first
span ending after ``a + drain_after_hours``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impact.engine import intervals as iv

__all__ = ["DRAINED", "Drain", "cold_spans", "drained_state", "drained_state_reference"]

#: The pseudo-service whose "people without" are the people whose building systems are drained:
#: the engines count it like a service (links to the drained-state helpers), and the result
#: turns it into ``people_drained`` (:func:`impact.result.build_dataset`).
DRAINED = "drained"


@dataclass(frozen=True)
class Drain:
    """One drained-state helper asset and what it follows.

    Attributes
    ----------
    helper : int
        Index of the helper asset D (down while the buildings are drained).
    supply : int
        Index of the district-heating asset X whose outages drain them.
    key : str
        Key of the restart delay's random stream: ``{X's asset_id};{digest of the cold spans}``
        (:func:`impact.engine.heat_compile.spans_digest`), independent of the rows' order.
    cold_start, cold_end : ndarray of float, shape (C,)
        Sorted, disjoint spans of time whose outdoor temperature is at or below
        ``drain_below_celsius`` [hours since start]; the last may end at inf.
    after_hours : float
        ``drain_after_hours`` [hours].
    """

    helper: int
    supply: int
    key: str
    cold_start: np.ndarray
    cold_end: np.ndarray
    after_hours: float


def cold_spans(outdoor: np.ndarray, time_hours: np.ndarray, below_celsius: float) -> tuple[np.ndarray, np.ndarray]:
    """The spans of time at or below a temperature, from a step series.

    Parameters
    ----------
    outdoor : ndarray of float, shape (T,)
        Outdoor temperature at each step, NaN without a reading [°C]; each holds until the
        next step, the last one for ever.
    time_hours : ndarray of float, shape (T,)
        Time of each step [hours since start].
    below_celsius : float
        Threshold [°C]; a step at or below it is cold.

    Returns
    -------
    start, end : ndarray of float, shape (C,)
        Maximal cold spans ``[start, end)`` [hours], sorted; the first starts at -inf when the
        first step is cold (its temperature holds before the axis too, as for cooling), the
        last ends at inf when the last step is cold.
    """
    cold = np.asarray(outdoor, dtype=np.float64) <= below_celsius  # NaN compares False: not cold
    edges = np.diff(np.concatenate([[False], cold, [False]]).astype(np.int8))
    first, stop = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    bounds = np.append(np.asarray(time_hours, dtype=np.float64), np.inf)
    start = bounds[first]
    if len(start) and first[0] == 0:
        start[0] = -np.inf  # the first step's temperature holds before it too (outages before the start)
    return start, bounds[stop]


def drained_state(
    outage: iv.Intervals,
    cold_start: np.ndarray,
    cold_end: np.ndarray,
    after_hours: float,
    restart_hours: np.ndarray,
) -> iv.Intervals:
    """When the buildings behind a district-heating asset are drained, in every sample.

    Parameters
    ----------
    outage : Intervals
        Effective outage of the district-heating asset X [hours].
    cold_start, cold_end : ndarray of float, shape (C,)
        :func:`cold_spans` [hours].
    after_hours : float
        ``drain_after_hours`` [hours].
    restart_hours : ndarray of float, shape (samples,)
        Each sample's restart delay r [hours].

    Returns
    -------
    Intervals
        ``[t, b + r)`` for each outage ``[a, b)`` drained at t (module docstring).
    """
    starts, ends = outage
    if len(cold_start) == 0:
        return iv.empty(starts.shape[0])
    earliest = starts + after_hours
    # The first cold span that ends after the earliest moment; the drain comes at its start or then.
    span = np.searchsorted(cold_end, earliest, side="right")
    known = span < len(cold_start)
    drain = np.where(known, np.maximum(earliest, cold_start[np.minimum(span, len(cold_start) - 1)]), np.inf)
    drained = known & (drain < ends)
    return iv.normalize(np.where(drained, drain, np.inf), np.where(drained, ends + restart_hours[:, None], np.inf))


def drained_state_reference(
    outage: list[tuple[float, float]],
    cold: list[tuple[float, float]],
    after_hours: float,
    restart_hours: float,
) -> list[tuple[float, float]]:
    """:func:`drained_state` of one sample, interval by interval and span by span (the reference engine)."""
    pieces = []
    for start, end in outage:
        earliest = start + after_hours
        for cold_start, cold_end in cold:
            if cold_end > earliest:  # the first span still cold after the earliest moment
                drain = max(earliest, cold_start)
                if drain < end:
                    pieces.append((drain, end + restart_hours))
                break
    return pieces
