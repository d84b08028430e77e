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

* ``normal``: median = mean = ``median_days``, ``dispersion`` = standard deviation;
  draws below 0 become 0.
* ``lognormal``: ``median_days`` = exp(mu), ``dispersion`` = standard deviation of ln D.
* ``fixed``: always ``median_days``.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np

from impact.scenario.curves import default_curves, merge_curves, restoration_class_of

__all__ = [
    "DISTRIBUTION_CODES",
    "conditional_draws",
    "conditional_hours",
    "default_curves",
    "median_hours",
    "merge_curves",
    "restoration_class_of",
    "sample_hours",
]

#: Distribution codes used in the compiled arrays.
DISTRIBUTION_CODES: dict[str, int] = {"fixed": 0, "normal": 1, "lognormal": 2}


def median_hours(distribution: np.ndarray, median_days: np.ndarray) -> np.ndarray:
    """Median repair time of each curve, the value the central estimate uses [hours].

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
        Repair times [hours], never negative.
    """
    keys = [str(i) for i in range(len(median_days))] if keys is None else [str(k) for k in keys]
    standard = np.empty((samples, len(keys)))
    for column, key in enumerate(keys):
        standard[:, column] = np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))]).standard_normal(samples)
    median = np.asarray(median_days, dtype=np.float64)[None, :]
    spread = np.nan_to_num(np.asarray(dispersion, dtype=np.float64))[None, :]
    code = np.asarray(distribution)[None, :]
    days = np.where(code == DISTRIBUTION_CODES["normal"], median + spread * standard, median)
    with np.errstate(over="ignore", invalid="ignore"):
        lognormal = np.where(median > 0, median * np.exp(spread * standard), 0.0)
    days = np.where(code == DISTRIBUTION_CODES["lognormal"], lognormal, days)
    return np.maximum(days, 0.0) * 24.0


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
    ``F^-1(F(e) + p (1 - F(e)))`` (inverse transform). ``normal`` draws below 0 count as 0,
    as in :func:`sample_hours`, which does not change the condition for e >= 0.

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
