"""Restoration curves: how long repairs take, by restoration class and damage state.

The package ships a default table (``impact/data/restoration_defaults.csv``), every row
with its source: HAZUS rows where published (HAZUS-MH Earthquake Technical Manual,
Tables 8-2 and 8-28, as implemented in IN-CORE), every other number marked as an
assumption with its reasoning. A scenario's ``restoration.csv`` overrides rows of the
defaults and may add classes of its own. The table and the class of each asset (its own,
else its kind's default) are read with the scenario, in :mod:`impact.scenario.curves`;
:func:`default_curves`, :func:`merge_curves` and :func:`restoration_class_of` are re-exported
here.

Distributions of the repair time ``D`` [days]:

* ``normal``: a normal curve of mean ``median_days`` and standard deviation ``dispersion``,
  truncated at 0 and renormalised (docs/method.md, section 2b): no draw is below 0, and the
  share of draws below one hour is what the curve says (before issue 13, draws below 0
  became 0, an instant repair in up to 16 % of draws). Its median is above ``median_days``
  when the dispersion is large (:func:`curve_median_hours`).
* ``lognormal``: ``median_days`` = exp(mu), ``dispersion`` = standard deviation of ln D.
* ``fixed``: always ``median_days``.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
from scipy.special import ndtr, ndtri

from impact.scenario.curves import default_curves, merge_curves, restoration_class_of

__all__ = [
    "DISTRIBUTION_CODES",
    "STREAM_BUFFER",
    "STREAM_CANDIDATE",
    "STREAM_COMMON",
    "STREAM_DAMAGE_STATE",
    "STREAM_REPORT_STATE",
    "STREAM_RESTART",
    "choose",
    "common_factor",
    "conditional_draws",
    "conditional_hours",
    "correlated_normals",
    "curve_hours",
    "curve_median_hours",
    "curve_survival",
    "default_curves",
    "median_hours",
    "merge_curves",
    "restoration_class_of",
    "sample_hours",
    "standard_normals",
    "stream",
]

#: Distribution codes used in the compiled arrays.
DISTRIBUTION_CODES: dict[str, int] = {"fixed": 0, "normal": 1, "lognormal": 2}

#: Tags of the random streams added by issue 13, each variable from
#: ``default_rng([seed, tag, crc32(key)])`` (:func:`stream`), so that they never move the repair-time
#: streams ``default_rng([seed, crc32(strike_id)])`` that existed before them.
STREAM_DAMAGE_STATE = 1
STREAM_CANDIDATE = 2
STREAM_BUFFER = 3
STREAM_COMMON = 4
STREAM_REPORT_STATE = 5
#: The restart delay of drained buildings (issue 15), keyed by :attr:`impact.engine.heat.Drain.key`.
STREAM_RESTART = 6


def stream(seed: int, tag: int, key: str) -> np.random.Generator:
    """The random generator of one issue-13 variable: ``default_rng([seed, tag, crc32(key)])``."""
    return np.random.default_rng([seed, tag, zlib.crc32(key.encode("utf-8"))])


def standard_normals(samples: int, seed: int, keys: Sequence[str]) -> np.ndarray:
    """Each key's standard normal column from ``default_rng([seed, crc32(key)])``, shape (samples, keys)."""
    standard = np.empty((samples, len(keys)))
    for column, key in enumerate(keys):
        standard[:, column] = np.random.default_rng([seed, zlib.crc32(str(key).encode("utf-8"))]).standard_normal(
            samples
        )
    return standard


def common_factor(samples: int, seed: int) -> np.ndarray:
    """Each sample's common factor of the repair times (Gaussian copula), shape (samples,)."""
    return stream(seed, STREAM_COMMON, "repair_correlation").standard_normal(samples)


def correlated_normals(standard: np.ndarray, correlation: float, common: np.ndarray) -> np.ndarray:
    """``sqrt(rho) c + sqrt(1 - rho) z``: standard normals whose pairwise correlation is rho [1].

    With rho = 0 the own draws are returned unchanged (not recomputed), so that a scenario
    without ``repair_correlation`` keeps its numbers bit for bit.

    Parameters
    ----------
    standard : ndarray of float, shape (N, S)
        Each repair's own standard normal draws.
    correlation : float
        rho in [0, 1]: the correlation between any two repairs' latent normals.
    common : ndarray of float, shape (N,)
        The common factor c of each sample (:func:`common_factor`).
    """
    if correlation <= 0:
        return standard
    return np.sqrt(correlation) * common[:, None] + np.sqrt(1.0 - correlation) * standard


def choose(weights: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Index of the alternative each uniform draw falls in (inverse of the cumulative weights).

    Parameters
    ----------
    weights : ndarray of float, shape (K,)
        Probabilities of the alternatives, summing to 1 (within 1e-6).
    uniform : ndarray of float, shape (N,)
        Draws in [0, 1).

    Returns
    -------
    ndarray of int64, shape (N,)
        Alternative ``k`` when ``sum(weights[:k]) <= u < sum(weights[:k+1])``; the last one
        takes any rounding remainder.
    """
    edges = np.cumsum(np.asarray(weights, dtype=np.float64))[:-1]
    return np.searchsorted(edges, uniform, side="right").astype(np.int64)


def curve_hours(distribution: np.ndarray, median_days: np.ndarray, dispersion: np.ndarray, standard: np.ndarray):
    """Repair times at given standard-normal draws, each curve's quantile at ``Phi(z)`` [hours].

    ``lognormal`` is ``median exp(dispersion z)`` and ``fixed`` is ``median`` (as before issue
    13, bit for bit); ``normal`` is the normal of mean ``median`` and standard deviation
    ``dispersion`` truncated at 0: ``median + dispersion Phi^-1(P0 + Phi(z) (1 - P0))`` with
    ``P0 = Phi(-median / dispersion)`` (docs/method.md, section 2b).

    Parameters
    ----------
    distribution, median_days, dispersion : ndarray, broadcastable to ``standard``
        The curves (codes of :data:`DISTRIBUTION_CODES`; days; days or log-days).
    standard : ndarray of float
        Standard normal draws z.

    Returns
    -------
    ndarray of float
        Repair times [hours], never negative.
    """
    median = np.asarray(median_days, dtype=np.float64)
    spread = np.nan_to_num(np.asarray(dispersion, dtype=np.float64))
    code = np.asarray(distribution)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        lognormal = np.where(median > 0, median * np.exp(spread * standard), 0.0)
        below_zero = ndtr(-median / np.where(spread > 0, spread, np.inf))
        level = below_zero + ndtr(standard) * (1.0 - below_zero)
        # keep the level strictly inside (0, 1): the quantile stays finite and >= 0
        level = np.clip(level, np.nextafter(below_zero, 1.0), np.nextafter(1.0, 0.0))
        truncated = median + spread * ndtri(level)
    normal = np.where(spread > 0, truncated, median)
    days = np.where(code == DISTRIBUTION_CODES["normal"], normal, median + 0.0 * standard)
    days = np.where(code == DISTRIBUTION_CODES["lognormal"], lognormal, days)
    return np.maximum(days, 0.0) * 24.0


def curve_median_hours(distribution: np.ndarray, median_days: np.ndarray, dispersion: np.ndarray) -> np.ndarray:
    """Median repair time of each curve as sampled, the value the central estimate uses [hours].

    ``median_days`` for ``fixed`` and ``lognormal``; for ``normal`` the median of the curve
    truncated at 0, ``median + dispersion Phi^-1((1 + P0) / 2)``, above ``median_days`` by
    ``dispersion Phi^-1((1 + P0) / 2)`` (e.g. 14.7 days for a 93 +- 85 day tank repair).
    """
    return curve_hours(distribution, median_days, dispersion, np.zeros(np.shape(median_days)))


def curve_survival(distribution: int, median_days: float, dispersion: float, elapsed_hours: float) -> float:
    """P(D > e): the probability that a repair drawn from the curve lasts past ``elapsed_hours`` [1].

    As sampled by :func:`curve_hours` (normal curves truncated at 0). Used to weigh the damage
    states of a strike reported still down ``elapsed_hours`` after it (docs/method.md, section 3a).
    """
    elapsed_days = max(float(elapsed_hours), 0.0) / 24.0
    median = max(float(median_days), 0.0)
    spread = 0.0 if dispersion is None or np.isnan(dispersion) else float(dispersion)
    if distribution == DISTRIBUTION_CODES["fixed"] or spread <= 0:
        return 1.0 if median > elapsed_days else 0.0
    if distribution == DISTRIBUTION_CODES["lognormal"]:
        if median <= 0:
            return 0.0
        return 1.0 if elapsed_days <= 0 else float(ndtr(-(np.log(elapsed_days) - np.log(median)) / spread))
    below_zero = float(ndtr(-median / spread))
    return float(ndtr(-(elapsed_days - median) / spread)) / (1.0 - below_zero)


def median_hours(distribution: np.ndarray, median_days: np.ndarray) -> np.ndarray:
    """The stated median of each curve, ``median_days`` [hours] (before truncation of normal curves).

    Parameters
    ----------
    distribution : ndarray of int
        Codes from :data:`DISTRIBUTION_CODES`.
    median_days : ndarray of float
        Median repair times [days].

    Returns
    -------
    ndarray of float
        ``max(median_days, 0) * 24`` [hours] (the median of every supported distribution).
    """
    del distribution  # the median is the stated median for all three distributions
    return np.maximum(np.asarray(median_days, dtype=np.float64), 0.0) * 24.0


def sample_hours(
    distribution: np.ndarray,
    median_days: np.ndarray,
    dispersion: np.ndarray,
    samples: int,
    seed: int,
    keys: Sequence[str] | None = None,
) -> np.ndarray:
    """Draw repair times for each outage, independently per sample [hours].

    Each outage draws its own standard-normal column from
    ``numpy.random.default_rng([seed, crc32(key)])``, so the same seed always gives the
    same draws, and an outage's draws depend only on the seed and its key (the strike id):
    adding, removing or switching off other strikes leaves them unchanged (common random
    numbers for comparing scenarios).

    Parameters
    ----------
    distribution : ndarray of int, shape (outages,)
        Codes from :data:`DISTRIBUTION_CODES`.
    median_days : ndarray of float, shape (outages,)
        Median repair time [days].
    dispersion : ndarray of float, shape (outages,)
        Standard deviation [days] (normal) or of the log (lognormal); ignored for fixed.
    samples : int
        Number of Monte Carlo samples.
    seed : int
        Seed of the generators.
    keys : sequence of str, optional
        Stable key of each outage (strike id); default the position.

    Returns
    -------
    ndarray of float, shape (samples, outages)
        Repair times [hours], never negative (:func:`curve_hours`).
    """
    keys = [str(i) for i in range(len(median_days))] if keys is None else [str(k) for k in keys]
    standard = standard_normals(samples, seed, keys)
    return curve_hours(
        np.asarray(distribution)[None, :],
        np.asarray(median_days, dtype=np.float64)[None, :],
        np.asarray(dispersion, dtype=np.float64)[None, :],
        standard,
    )


def conditional_hours(
    distribution: int,
    median_days: float,
    dispersion: float,
    elapsed_hours: float,
    step_hours: float,
    probabilities: np.ndarray,
) -> np.ndarray:
    """Repair times drawn from a curve conditioned on lasting longer than ``elapsed_hours`` [hours].

    A repair time D with distribution function F, known to exceed e, has the distribution
    function ``(F(x) - F(e)) / (1 - F(e))`` for x > e; its quantile at p is
    ``F^-1(F(e) + p (1 - F(e)))`` (inverse transform). A ``normal`` curve truncated at 0
    (:func:`curve_hours`) conditioned on D > e >= 0 is the untruncated normal conditioned on
    D > e, so the truncation changes nothing here.

    A degenerate curve (``fixed``, or a dispersion of 0) that ends at or before e cannot
    last past it: the repair is taken to start again at the report, ``D = e + median``
    (``e + step_hours`` when the median is 0, i.e. down at least until the next step).

    Parameters
    ----------
    distribution : int
        Code from :data:`DISTRIBUTION_CODES`.
    median_days, dispersion : float
        The curve [days; days or log-days]; dispersion NaN or 0 for a degenerate curve.
    elapsed_hours : float
        e: time from the strike to the report that the asset is still down [hours], >= 0.
    step_hours : float
        Time step [hours].
    probabilities : ndarray of float, shape (n,)
        p in [0, 1): uniform draws for Monte Carlo samples, 0.5 for the conditional median.

    Returns
    -------
    ndarray of float, shape (n,)
        Conditioned repair times [hours], each > e.
    """
    elapsed_days = max(float(elapsed_hours), 0.0) / 24.0
    median = max(float(median_days), 0.0)
    spread = 0.0 if dispersion is None or np.isnan(dispersion) else float(dispersion)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    degenerate = (
        distribution == DISTRIBUTION_CODES["fixed"]
        or spread <= 0
        or (distribution == DISTRIBUTION_CODES["lognormal"] and median <= 0)
    )
    if degenerate:
        hours = median * 24.0 if median * 24.0 > elapsed_hours else elapsed_hours + (median * 24.0 or step_hours)
        return np.full(probabilities.shape, hours)
    normal = NormalDist()
    if distribution == DISTRIBUTION_CODES["lognormal"]:
        below = normal.cdf((np.log(elapsed_days) - np.log(median)) / spread) if elapsed_days > 0 else 0.0
    else:
        below = normal.cdf((elapsed_days - median) / spread)
    # Keep p strictly below 1 so that the inverse stays finite.
    levels = np.minimum(below + probabilities * (1.0 - below), np.nextafter(1.0, 0.0))
    standard = np.array([normal.inv_cdf(level) if level > 0 else -np.inf for level in levels.tolist()])
    if distribution == DISTRIBUTION_CODES["lognormal"]:
        days = median * np.exp(spread * standard)
    else:
        days = median + spread * standard
    hours = np.maximum(days, 0.0) * 24.0
    # Rounding at the far tail may land at e itself; the report says the outage lasts past it.
    return np.where(hours > elapsed_hours, hours, np.nextafter(elapsed_hours, np.inf))


def conditional_draws(samples: int, seed: int, key: str) -> np.ndarray:
    """Uniform draws in [0, 1) for one conditioned repair, from ``default_rng([seed, crc32(key)])``."""
    return np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))]).random(samples)
