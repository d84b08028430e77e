"""What both engines report, and the statistics they share.

Head counts are whole persons held in int64, so every sum over links, areas and samples
is exact whatever its order; the engines then differ only in how they get there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "SAMPLE_STATS",
    "SERIES_STATS",
    "EngineOutput",
    "dense_quantiles",
    "dense_sample_stats",
    "lerp",
    "order_statistic_quantiles",
    "peak_and_restore",
    "quantiles_allowing_inf",
    "summarise_samples",
]

#: Per-sample summary statistics reported per (service, area).
SAMPLE_STATS: tuple[str, ...] = ("peak", "person_steps", "restore_steps")


@dataclass
class EngineOutput:
    """Raw engine results (no labels).

    Attributes
    ----------
    people_quantiles : ndarray of float, shape (V, A, T, Q)
        Quantiles over samples of people without service [persons].
    people_mean : ndarray of float, shape (V, A, T)
        Mean over samples [persons].
    asset_down_count : ndarray of int, shape (J, T)
        Samples in which each asset is down.
    stat_quantiles : dict of str to ndarray, shape (V, A, Q)
        Quantiles over samples of each per-sample statistic: ``peak`` [persons],
        ``person_steps`` [persons x steps], ``restore_steps`` [steps from the peak until at
        most 10 % of the peak are without service; inf if not within the horizon]. Kept in
        steps so that sums stay exact; the result converts them to hours.
    stat_means : dict of str to ndarray, shape (V, A)
        Means over samples of the same.
    samples : int
        Number of samples N.
    per_sample : dict of str to ndarray, shape (N, V, A), or None
        Each sample's own value of the same statistics (the input of ``stat_quantiles`` and
        ``stat_means``), for statistics the quantiles cannot give, such as the share of
        samples whose ``restore_steps`` exceed a number of hours (docs/method.md, section 5).
        None when an engine output was built without them. Every per-sample statistic of a
        pseudo-service (drained, cold: after the real services) is 0 in both engines: nothing
        reads them (:attr:`impact.engine.compile.CompiledScenario.sample_statistics_services`).
    deficit_quantiles : ndarray of float, shape (Z, T, Q), or None
        Quantiles over samples of each grid zone's deficit share (docs/method.md, section 4b)
        [1]; None without a capacity balance.
    deficit_mean : ndarray of float, shape (Z, T), or None
        Mean over samples of the same [1].
    """

    people_quantiles: np.ndarray
    people_mean: np.ndarray
    asset_down_count: np.ndarray
    stat_quantiles: dict[str, np.ndarray]
    stat_means: dict[str, np.ndarray]
    samples: int
    per_sample: dict[str, np.ndarray] | None = None
    deficit_quantiles: np.ndarray | None = None
    deficit_mean: np.ndarray | None = None


def order_statistic_quantiles(count: int, quantiles: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions and weights of numpy's "linear" quantile method.

    Parameters
    ----------
    count : int
        Number of samples n.
    quantiles : ndarray of float, shape (Q,)

    Returns
    -------
    below, above : ndarray of int, shape (Q,)
        0-based ranks of the order statistics interpolated between.
    gamma : ndarray of float, shape (Q,)
        Interpolation weight, exactly as :func:`numpy.quantile` computes it.
    """
    virtual = (count - 1) * np.asarray(quantiles, dtype=np.float64)
    below = np.floor(virtual)
    above = below + 1
    at_top = virtual >= count - 1
    below[at_top] = -1
    above[at_top] = -1
    below_zero = virtual < 0
    below[below_zero] = 0
    above[below_zero] = 0
    gamma = virtual - below
    below_rank = np.where(below < 0, count + below, below).astype(np.int64)
    above_rank = np.where(above < 0, count + above, above).astype(np.int64)
    return below_rank, above_rank, gamma


def lerp(low: np.ndarray, high: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Linear interpolation computed exactly as :func:`numpy.quantile` does it."""
    difference = high - low
    result = low + difference * gamma
    return np.where(gamma >= 0.5, high - difference * (1 - gamma), result)


def dense_quantiles(values: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Quantiles over axis 0 of integer head counts, exactly as numpy's "linear" method.

    Sorts each time step's samples (as int32 when the counts fit, which numpy sorts with
    SIMD many times faster than int64 or float64) and interpolates between the order
    statistics with :func:`lerp`, so the result equals :func:`numpy.quantile` bit for bit.

    Parameters
    ----------
    values : ndarray of int, shape (N, T)
        People without service per sample and step [persons].
    quantiles : ndarray of float, shape (Q,)

    Returns
    -------
    ndarray of float, shape (Q, T)
    """
    samples = values.shape[0]
    fits = values.size == 0 or (
        int(values.min()) >= np.iinfo(np.int32).min and int(values.max()) <= np.iinfo(np.int32).max
    )
    below, above, gamma = order_statistic_quantiles(samples, quantiles)
    result = np.zeros((len(quantiles), values.shape[1]))
    # Steps at which every sample is 0 have every quantile 0 (lerp(0, 0, g) == 0.0): sort the others only.
    busy = np.flatnonzero(values.any(axis=0)) if samples else np.zeros(0, dtype=np.intp)
    if len(busy) == 0:
        return result
    by_step = np.ascontiguousarray(values[:, busy].T, dtype=np.int32 if fits else values.dtype)
    by_step.sort(axis=1)
    low = by_step[:, below].astype(np.float64).T
    high = by_step[:, above].astype(np.float64).T
    result[:, busy] = lerp(low, high, gamma[:, None])
    return result


#: Per-sample statistics that need each area's whole series (the others are linear in the links).
SERIES_STATS: tuple[str, ...] = ("peak", "restore_steps")


def peak_and_restore(values: np.ndarray) -> dict[str, np.ndarray]:
    """Per-sample peak and steps from the peak until 90 % of it is restored.

    Parameters
    ----------
    values : ndarray of int or float, shape (N, T)
        People without service per sample and step [persons], whole numbers >= 0.

    Returns
    -------
    dict of str to ndarray of float, shape (N,)
        ``peak`` [persons]; ``restore_steps``: steps from the first step at the peak to the
        first later step with at most 10 % of the peak without service (0 with no outage,
        inf when not within the horizon).
    """
    steps = values.shape[1]
    peak = values.max(axis=1)
    peak_step = values.argmax(axis=1)
    # For whole numbers v, p >= 0: 10 v <= p exactly when v <= p // 10 (no overflow in 10 v).
    after_peak = np.arange(steps, dtype=np.int32)[None, :] > peak_step[:, None].astype(np.int32)
    restored = (values <= (peak // 10)[:, None]) & after_peak
    first = restored.argmax(axis=1)
    has = restored[np.arange(len(first)), first]
    restore = np.where(has, (first - peak_step).astype(np.float64), np.inf)
    return {"peak": peak.astype(np.float64), "restore_steps": np.where(peak == 0, 0.0, restore)}


def dense_sample_stats(values: np.ndarray) -> dict[str, np.ndarray]:
    """Per-sample peak, person-hours and hours until 90 % of the peak is restored.

    Parameters
    ----------
    values : ndarray of int, shape (N, T)
        People without service per sample and step [persons], >= 0.

    Returns
    -------
    dict of str to ndarray of float, shape (N,)
        ``peak`` [persons]; ``person_steps`` [persons x steps]; ``restore_steps`` as in
        :func:`peak_and_restore`.
    """
    stats = peak_and_restore(values)
    return {
        "peak": stats["peak"],
        "person_steps": values.sum(axis=1, dtype=np.int64).astype(np.float64),
        "restore_steps": stats["restore_steps"],
    }


def quantiles_allowing_inf(values: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Quantiles over axis 0, numpy "linear" method, where +inf means "not within the horizon".

    Equal to :func:`numpy.quantile` for finite values. Between an order statistic and +inf
    the quantile is +inf (or the finite one when the weight on +inf is 0), where numpy
    would give NaN.

    Parameters
    ----------
    values : ndarray of float, shape (N, ...)
        Per-sample values; +inf allowed, no NaN.
    quantiles : ndarray of float, shape (Q,)

    Returns
    -------
    ndarray of float, shape (Q, ...)
    """
    ordered = np.sort(values, axis=0)
    below, above, gamma = order_statistic_quantiles(ordered.shape[0], quantiles)
    gamma = gamma.reshape((-1,) + (1,) * (ordered.ndim - 1))
    low, high = ordered[below], ordered[above]
    finite = np.isfinite(low) & np.isfinite(high)
    with np.errstate(invalid="ignore"):
        interpolated = lerp(np.where(finite, low, 0.0), np.where(finite, high, 0.0), gamma)
    return np.where(finite, interpolated, np.where(gamma == 0, low, high))


def summarise_samples(stats: dict[str, np.ndarray], quantiles: np.ndarray) -> tuple[dict, dict]:
    """Quantiles (:func:`quantiles_allowing_inf`) and means over samples (axis 0) of per-sample statistics."""
    stat_quantiles, stat_means = {}, {}
    for name, values in stats.items():
        stat_quantiles[name] = np.moveaxis(quantiles_allowing_inf(values, quantiles), 0, -1)
        with np.errstate(invalid="ignore"):
            stat_means[name] = values.sum(axis=0) / values.shape[0]
    return stat_quantiles, stat_means
