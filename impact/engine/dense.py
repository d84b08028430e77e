"""Dense path: one area's people without service as a (sample x time) array.

Used for parent areas (the sum over many leaves takes too many values for level counting)
and for leaves fed by many links. The array of one area is built from its leaves' link
events with one ``bincount`` and one cumulative sum over time, summarised, and dropped; the
(sample x time x area) cube is never built.
"""

from __future__ import annotations

import numpy as np

from impact.engine.events import AssetSteps, gather
from impact.engine.stats import dense_quantiles, peak_and_restore

__all__ = ["dense_area", "dense_values"]


def dense_values(steps: AssetSteps, link_asset: np.ndarray, link_weight: np.ndarray) -> np.ndarray:
    """People without service per sample and step through a set of links [persons].

    Parameters
    ----------
    steps : AssetSteps
    link_asset : ndarray of int, shape (K,)
        Asset of each link.
    link_weight : ndarray of int, shape (K,)
        Weight of each link [persons].

    Returns
    -------
    ndarray of int, shape (N, T)
        int32 when the links' total weight fits, else int64.
    """
    samples, total_steps = steps.samples, steps.steps
    width = total_steps + 1
    link, sample, first, stop = gather(steps, link_asset)
    weight = np.asarray(link_weight, dtype=np.float64)[link]
    # Float sums of whole numbers below 2**53 are exact; the total weight bounds every partial sum.
    change = np.bincount(
        np.concatenate([sample * width + first, sample * width + stop]),
        weights=np.concatenate([weight, -weight]),
        minlength=samples * width,
    )
    total = int(np.sum(link_weight, dtype=np.int64))
    dtype = np.int32 if total <= np.iinfo(np.int32).max else np.int64
    # Each sample's changes sum to 0 (every +w has its -w in the same row, at most at the row's
    # last column), so one cumulative sum over the flat array is each row's own.
    values = np.cumsum(change.astype(dtype), dtype=dtype).reshape(samples, width)
    return values[:, :total_steps]


def dense_area(
    steps: AssetSteps,
    link_asset: np.ndarray,
    link_weight: np.ndarray,
    quantiles: np.ndarray,
    sample_stats: bool = True,
):
    """Quantiles and per-sample peak and restoration time of one area.

    Parameters
    ----------
    steps : AssetSteps
    link_asset, link_weight : ndarray of int, shape (K,)
        Every link of every leaf under the area and its weight [persons].
    quantiles : ndarray of float, shape (Q,)
    sample_stats : bool
        Whether to compute each sample's peak and restoration time (not for pseudo-services).

    Returns
    -------
    people_quantiles : ndarray of float, shape (T, Q) [persons]
    stats : dict of str to ndarray of float, shape (N,)
        :func:`impact.engine.stats.peak_and_restore`; empty without ``sample_stats``.
    """
    values = dense_values(steps, link_asset, link_weight)
    return dense_quantiles(values, quantiles).T, peak_and_restore(values) if sample_stats else {}
