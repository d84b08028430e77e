"""Homes that cool without heat: when they fall below the cold threshold (docs/method.md, section 4e).

A home of one housing type, heated to ``indoor_celsius``, loses its heat at time a. Its
indoor temperature follows Newton's law towards the equilibrium E(t) = max(floor, T_out(t))
with the type's time constant tau; the outdoor temperature is a step series (each step's
value holds until the next, the last for ever; a step without a reading keeps the indoor
temperature where it is). On a span where E is constant the exact solution is

    T(t) = E + (T(s) - E) exp(-(t - s) / tau),

so the home falls below the threshold theta at ``s + tau ln((T(s) - E) / (theta - E))`` when
E < theta <= T(s). :func:`cold_onset` walks the spans of the outdoor series from a (never the
model's time steps per sample), vectorised over every outage at once; both engines call it,
so their onsets are the same numbers. A home that has fallen below theta stays cold until
``reheat_hours`` after its heat returns at b; one that has not is warm again at b, and the
next outage starts from ``indoor_celsius`` (a simplification that undercounts cold homes under
repeated short cuts: docs/method.md, section 7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from impact.engine import intervals as iv

__all__ = ["COLD", "Cooling", "cold_onset", "cold_state", "cold_state_reference", "cooling_spans"]

#: The pseudo-service whose "people without" are the people in homes below the cold threshold:
#: counted by the engines like a service, turned into ``people_cold`` by the result.
COLD = "cold"


@dataclass(frozen=True)
class Cooling:
    """One cold-home helper asset: the homes of one housing type behind one heat link.

    Attributes
    ----------
    helper : int
        Index of the helper asset (down while the homes are below the threshold).
    supply : int
        Index of the asset whose outages are the homes' heat outages (the heat link's asset:
        a district-heating helper, an ``own_power`` helper or a real asset).
    span_start : ndarray of float, shape (P,)
        Start of each span of constant equilibrium [hours since start]; the first is -inf.
    equilibrium : ndarray of float, shape (P,)
        max(floor, outdoor temperature) on each span [°C]; NaN where there is no reading.
    time_constant_hours, reheat_hours : float
        The housing type's tau and reheating time [hours].
    indoor_celsius, cold_below_celsius : float
        Start of cooling and the threshold [°C].
    """

    helper: int
    supply: int
    span_start: np.ndarray
    equilibrium: np.ndarray
    time_constant_hours: float
    reheat_hours: float
    indoor_celsius: float
    cold_below_celsius: float


def cooling_spans(outdoor: np.ndarray, time_hours: np.ndarray, floor_celsius: float) -> tuple[np.ndarray, np.ndarray]:
    """The spans of constant equilibrium max(floor, T_out) of a step series.

    Parameters
    ----------
    outdoor : ndarray of float, shape (T,)
        Outdoor temperature at each step [°C], NaN without a reading.
    time_hours : ndarray of float, shape (T,)
    floor_celsius : float
        The housing type's floor [°C]; -inf for none.

    Returns
    -------
    span_start : ndarray of float, shape (P,)
        The first span starts at -inf (the first step's value holds before it too).
    equilibrium : ndarray of float, shape (P,)
    """
    value = np.maximum(np.asarray(outdoor, dtype=np.float64), floor_celsius)  # NaN stays NaN
    changed = np.ones(len(value), dtype=bool)
    changed[1:] = ~((value[1:] == value[:-1]) | (np.isnan(value[1:]) & np.isnan(value[:-1])))
    start = np.asarray(time_hours, dtype=np.float64)[changed].copy()
    start[0] = -np.inf
    return start, value[changed]


def cold_onset(start: np.ndarray, end: np.ndarray, cooling: Cooling) -> np.ndarray:
    """When homes that lose heat at ``start`` fall below the threshold, if before ``end``.

    Parameters
    ----------
    start, end : ndarray of float, shape (M,)
        Heat outages ``[start, end)`` [hours]; entries with start = inf are unused.
    cooling : Cooling

    Returns
    -------
    ndarray of float, shape (M,)
        The onset [hours]; inf where the homes stay above the threshold until ``end``.
    """
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    onset = np.full(start.shape, np.inf)
    tau, theta = cooling.time_constant_hours, cooling.cold_below_celsius
    next_start = np.append(cooling.span_start[1:], np.inf)
    index = np.flatnonzero(np.isfinite(start) & (start < end))
    moment = start[index]
    temperature = np.full(len(index), float(cooling.indoor_celsius))
    span = np.searchsorted(cooling.span_start, moment, side="right") - 1
    while len(index):
        equilibrium = cooling.equilibrium[span]
        stop = np.minimum(next_start[span], end[index])
        falls = (equilibrium < theta) & (temperature >= theta)  # NaN (no reading) never falls
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing = moment + tau * np.log((temperature - equilibrium) / (theta - equilibrium))
        # rounding may leave a home a hair below theta at a span's start: cold from there
        crossing = np.where(temperature < theta, moment, crossing)
        falls |= temperature < theta
        hit = falls & (crossing < stop)
        onset[index[hit]] = crossing[hit]
        go_on = ~hit & (stop < end[index])
        with np.errstate(invalid="ignore"):
            cooled = equilibrium + (temperature - equilibrium) * np.exp(-(stop - moment) / tau)
        temperature = np.where(np.isnan(equilibrium), temperature, cooled)[go_on]
        index, moment, span = index[go_on], stop[go_on], span[go_on] + 1
    return onset


def cold_state(outage: iv.Intervals, cooling: Cooling) -> iv.Intervals:
    """When the homes are cold, in every sample: ``[onset, b + reheat)`` for each heat outage
    ``[a, b)`` whose homes fall below the threshold before b."""
    starts, ends = outage
    onset = cold_onset(starts.ravel(), ends.ravel(), cooling).reshape(starts.shape)
    cold = onset < ends
    return iv.normalize(np.where(cold, onset, np.inf), np.where(cold, ends + cooling.reheat_hours, np.inf))


def cold_state_reference(outage: list[tuple[float, float]], cooling: Cooling) -> list[tuple[float, float]]:
    """:func:`cold_state` of one sample, outage by outage (the reference engine; unmerged)."""
    pieces = []
    for start, end in outage:
        onset = float(cold_onset(np.array([start]), np.array([end]), cooling)[0])
        if onset < end:
            pieces.append((onset, end + cooling.reheat_hours))
    return pieces
