"""What drives the range: the share of the variance of person-days explained by each strike or kind of input.

>>> import impact
>>> res = impact.run("odesa-2025-12", samples=500, seed=1)
>>> by_strike = impact.sensitivity(res)                 # (service, area, strike)
>>> by_input = impact.sensitivity(res, by="input")      # (service, area, input)
>>> by_strike["variance_share"].sel(service="power", area="UA51")  # doctest: +SKIP
>>> from impact.export import write_sensitivity
>>> write_sensitivity(by_strike, "drivers.xlsx")        # or .csv  # doctest: +SKIP

The response is each sample's person-days without a service in an area
(``person_hours_without_sample / 24``); the inputs are what the run drew for that sample
(``drawn_*`` variables and ``crew_wait_hours`` of the result). Nothing is run again: the
shares come from the samples already drawn (``docs/method.md``, section 5a, 'What drives the range').

**Estimator.** For an input X the first-order share is ``Var(E[Y | X]) / Var(Y)``, the
correlation ratio. From given data it is estimated by partitioning X's samples into bins
(a categorical input by its values; a number into equal-count quantile bins, about
``sqrt(N)`` of them, at most :data:`MAX_BINS`) and taking the between-bin variance of Y
over its total variance, corrected for the bias of a finite sample as omega-squared does:

``share = (SS_between - (B - 1) MS_within) / (SS_total + MS_within)``, with
``MS_within = SS_within / (N - B)``, clipped to [0, 1].

Without the correction an input that does nothing would get ``(B - 1) / (N - 1)`` on
average (0.1 with 100 samples in 10 bins).

``by="strike"``
    The strike's own draws jointly: its drawn outage hours (after crews) binned, crossed
    with the asset it hit when it has candidates (the outage hours binned within each
    asset, about ``B`` cells in all).
``by="input"``
    One share per kind of input (:data:`INPUTS`): the sum, over the kind's variables that
    vary, of their first-order shares (each unclipped, so that the small-sample noise of
    inputs without effect cancels; the sum is clipped to [0, 1]). Damage states and assets
    per strike are categorical; repair times are the drawn quantile of each strike's curve
    (counted only for strikes whose curve gives different hours for one damage state);
    buffers per dependency; crews are the total crew-waiting hours of the sample; restarts
    are the restart delays of drained buildings per drain (``drawn_restart_hours``).

**Sampling noise.** Every share comes with ``variance_share_noise``: the shares of
:data:`NOISE_INPUTS` inputs without effect (the samples put into ``B`` equal-count bins at
random, from a generator of its own) give the standard deviation of a share that is pure
noise, for this very response; the noise level is :data:`NOISE_DEVIATIONS` of them, scaled to
the input's cells (``(cells - 1) / (B - 1)`` of the variance) and, for a kind, summed over its
variables. A share below its noise level cannot be told from sampling noise; with many strikes
a few pass it by chance.

**Limits.** First-order shares only: what an input explains through interactions with
others is in no share, so shares need not sum to 1 (the rest is interactions and, for
by-input sums, estimation noise). With ``repair_correlation > 0`` repair times are
correlated across strikes and per-strike shares overlap (a common factor shows in every
strike it moves). Crew waiting is not an independent input: it is a consequence of the
other draws, so its share overlaps theirs. With few samples the shares are noisy (about
``sqrt(2 (B - 1)) / N`` each, see above); :data:`MIN_SAMPLES` is the least accepted.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from impact._version import __version__
from impact.areas import ancestors_attribute
from impact.dataset import as_dataset, samples_of, with_units

__all__ = [
    "BY",
    "CAVEATS",
    "INPUTS",
    "INPUT_LABELS",
    "MAX_BINS",
    "METHOD",
    "MIN_SAMPLES",
    "NOISE_DEVIATIONS",
    "NOISE_INPUTS",
    "SAMPLE_VARIABLES",
    "UNRECORDED",
    "SensitivityError",
    "bin_count",
    "first_order_shares",
    "input_bins",
    "nested_bins",
    "sensitivity",
]

#: What the variance can be split by.
BY: tuple[str, ...] = ("strike", "input")

#: Kinds of input of ``by="input"``, in order.
INPUTS: tuple[str, ...] = ("damage_state", "asset", "repair_time", "buffer", "crews", "restart")

#: Each kind of input in words.
INPUT_LABELS: dict[str, str] = {
    "damage_state": "damage state",
    "asset": "asset hit",
    "repair_time": "repair time",
    "buffer": "buffers",
    "crews": "crew waiting",
    "restart": "heating restart",
}

#: ``input_variables`` of a kind the result did not keep the draws of (the restart delays of a
#: result written before they were kept, whose buildings drained); its shares are NaN.
UNRECORDED: int = -1

#: Fewest Monte Carlo samples the shares are computed from.
MIN_SAMPLES: int = 20

#: Most bins of a numeric input.
MAX_BINS: int = 50

#: Inputs without effect (samples put into bins at random) whose shares measure the sampling noise.
NOISE_INPUTS: int = 50

#: The noise level of a share: this many standard deviations of the share of an input without effect.
NOISE_DEVIATIONS: float = 2.0

#: The per-sample response: person-hours without service per (service, area, sample).
RESPONSE = "person_hours_without_sample"

#: Per-sample variables of the result each ``by`` reads.
SAMPLE_VARIABLES: dict[str, tuple[str, ...]] = {
    "strike": (RESPONSE, "drawn_outage_hours", "drawn_asset"),
    "input": (
        RESPONSE,
        "drawn_damage_state",
        "drawn_asset",
        "drawn_repair_quantile",
        "drawn_repair_hours",
        "drawn_buffer_hours",
        "crew_wait_hours",
    ),
}

#: The method in one paragraph, stored with every sensitivity dataset.
METHOD = (
    "First-order variance shares from the Monte Carlo samples already drawn (given-data estimator: "
    "Plischke, Borgonovo and Smith 2013): each input's samples are binned (categories as they are; "
    "numbers in equal-count quantile bins, about sqrt(samples)), and the between-bin variance of "
    "person-days over its total variance is corrected for the sample size as omega-squared does "
    "(Hays 1963): (SS_between - (B-1) MS_within) / (SS_total + MS_within), clipped to [0, 1]. "
    "See docs/method.md, section 5a, 'What drives the range'."
)

#: Caveats stored with every sensitivity dataset.
CAVEATS = (
    "First-order shares only: what inputs do together (interactions) is in no share, so shares need not "
    "sum to 1. A strike's share is that of its drawn outage hours (after crews) and, with candidate "
    "assets, the asset hit. An input kind's share is the sum of the first-order shares of its variables. "
    "With repair_correlation > 0 the strikes' repair times move together and their shares overlap. "
    "Crew waiting is a consequence of the other draws, not an independent input: its share overlaps "
    "theirs. Each share carries sampling noise of about sqrt(2 (B - 1)) / samples."
)


class SensitivityError(ValueError):
    """A result the shares cannot be computed from (no samples, too few, or no per-sample variables)."""


def bin_count(samples: int) -> int:
    """Bins of a numeric input: ``round(sqrt(samples))``, at least 2 and at most :data:`MAX_BINS`."""
    return int(min(MAX_BINS, max(2, round(math.sqrt(max(samples, 0))))))


def input_bins(values: Any, bins: int) -> np.ndarray:
    """The bin of each sample of one input.

    Parameters
    ----------
    values : array-like, shape (N,)
        The input's drawn values: text (categories) or numbers.
    bins : int
        Bins of a numeric input with more distinct values than this.

    Returns
    -------
    numpy.ndarray of int64, shape (N,)
        Bin indices ``0 … B-1``, every bin used. Text, and numbers with at most ``bins``
        distinct values, are binned by value. Other numbers go into ``bins`` equal-count
        bins by rank; samples with equal values share the bin of the first of them.
    """
    values = np.asarray(values)
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    distinct, inverse = np.unique(values, return_inverse=True)
    inverse = inverse.reshape(-1).astype(np.int64)
    if values.dtype.kind not in "fiub" or len(distinct) <= bins:
        return inverse
    order = np.argsort(values, kind="stable")
    by_rank = np.empty(n, dtype=np.int64)
    by_rank[order] = np.arange(n, dtype=np.int64) * bins // n
    first = np.full(len(distinct), bins, dtype=np.int64)
    np.minimum.at(first, inverse, by_rank)
    return np.unique(first[inverse], return_inverse=True)[1].reshape(-1).astype(np.int64)


def nested_bins(groups: Any, values: Any, bins: int) -> np.ndarray:
    """Bins of ``values`` within each group of ``groups`` (the two inputs crossed).

    Parameters
    ----------
    groups : array-like, shape (N,)
        A categorical input (e.g. the asset a strike hit).
    values : array-like of float, shape (N,)
        A numeric input (e.g. the strike's outage hours).
    bins : int
        Cells in all, about: a group of ``n_g`` samples gets ``round(bins * n_g / N)``
        equal-count bins of its values (at least 1).

    Returns
    -------
    numpy.ndarray of int64, shape (N,)
        Cell indices ``0 … C-1``, every cell used.
    """
    groups, values = np.asarray(groups), np.asarray(values)
    n = len(values)
    group_of = np.unique(groups, return_inverse=True)[1].reshape(-1)
    cells = np.zeros(n, dtype=np.int64)
    offset = 0
    for group in range(int(group_of.max()) + 1 if n else 0):
        members = np.flatnonzero(group_of == group)
        inside = input_bins(values[members], max(1, round(bins * len(members) / n)))
        cells[members] = inside + offset
        offset += int(inside.max()) + 1
    return cells


class _Response:
    """Responses (M, N) centred once, with their total sums of squares, for many inputs."""

    def __init__(self, response: Any) -> None:
        y = np.asarray(response, dtype=np.float64)
        self.rows, self.samples = y.shape
        self.spread = np.ptp(y, axis=1) > 0 if self.samples else np.zeros(self.rows, dtype=bool)
        varying = y[self.spread]
        self.centred = varying - varying.mean(axis=1, keepdims=True)
        self.total = np.einsum("ij,ij->i", self.centred, self.centred)

    def shares(self, codes: Any) -> np.ndarray:
        """:func:`first_order_shares` of these responses for one binned input."""
        codes = np.unique(np.asarray(codes, dtype=np.int64), return_inverse=True)[1].reshape(-1)
        shares = np.full(self.rows, np.nan)
        n = self.samples
        used = int(codes.max(initial=-1)) + 1
        if n - used < 1 or not self.spread.any():
            return shares
        members = np.zeros((n, used))  # one column per bin: a matrix product sums each bin (BLAS)
        members[np.arange(n), codes] = 1.0
        counts = members.sum(axis=0)
        sums = self.centred @ members
        between = (sums**2 / counts).sum(axis=1)
        within = np.maximum(self.total - between, 0.0)
        mean_square_within = within / (n - used)
        shares[self.spread] = (between - (used - 1) * mean_square_within) / (self.total + mean_square_within)
        return shares

    def noise(self, bins: int, seed: int) -> np.ndarray:
        """Standard deviation (M,) of the shares of :data:`NOISE_INPUTS` inputs without effect, each putting
        the samples into ``bins`` equal-count bins at random (from a generator of its own, keyed by ``seed``)."""
        n = self.samples
        rng = np.random.default_rng([int(seed), zlib.crc32(b"sensitivity noise")])
        assignment = np.arange(n, dtype=np.int64) * bins // max(n, 1)
        shares = np.stack([self.shares(rng.permutation(assignment)) for _ in range(NOISE_INPUTS)])
        return shares.std(axis=0, ddof=1)


def _noise_level(deviation: np.ndarray, bins: int, cells: list[int]) -> np.ndarray:
    """:data:`NOISE_DEVIATIONS` standard deviations of the sum of the shares of inputs without effect with
    these numbers of ``cells``: each one's variance scaled from ``bins`` bins by ``(cells - 1) / (bins - 1)``
    (the degrees of freedom of its between-bin sum of squares)."""
    scale = sum((c - 1) / max(bins - 1, 1) for c in cells if c > 1)
    return NOISE_DEVIATIONS * deviation * math.sqrt(scale)


def first_order_shares(response: Any, codes: Any) -> np.ndarray:
    """First-order variance shares of one binned input, bias-corrected and not clipped.

    Parameters
    ----------
    response : array-like of float, shape (M, N)
        M responses (e.g. person-days of M service-area pairs) in N samples.
    codes : array-like of int, shape (N,)
        The input's bin in each sample (:func:`input_bins`, :func:`nested_bins`).

    Returns
    -------
    numpy.ndarray of float, shape (M,)
        ``(SS_between - (B - 1) MS_within) / (SS_total + MS_within)`` [1] with B the bins
        used and ``MS_within = SS_within / (N - B)``: an estimate of
        ``Var(E[Y | X]) / Var(Y)`` whose mean is about 0 for an input without effect. Not
        clipped (it can be slightly below 0 or above 1). NaN where the response does not
        vary, and everywhere when every sample has its own bin (``N - B < 1``).
    """
    return _Response(response).shares(codes)


def _check(ds: xr.Dataset, by: str) -> int:
    """The number of samples, or :class:`SensitivityError` saying what the result lacks."""
    if by not in BY:
        raise ValueError(f"by={by!r} is not a valid choice; choose one of {', '.join(BY)}")
    samples = samples_of(ds)
    if samples == 0:
        raise SensitivityError(
            "the result has no Monte Carlo samples (samples=0, central estimate only): what drives the range "
            f"needs the samples; run with at least {MIN_SAMPLES} samples"
        )
    missing = [name for name in SAMPLE_VARIABLES[by] if name not in ds.variables]
    if missing:
        raise SensitivityError(
            f"the result has no per-sample variables ({', '.join(missing)} missing): it was made before they "
            "were stored (an older NetCDF file?) or by another program; run the scenario again with "
            "impact.run or `impact sensitivity SCENARIO`"
        )
    n = int(ds.sizes.get("sample", 0))
    if n < MIN_SAMPLES:
        raise SensitivityError(
            f"the result has {n} Monte Carlo samples; what drives the range needs at least {MIN_SAMPLES} "
            "(a few hundred for shares steady to a few per cent)"
        )
    return n


def _pick(ds: xr.Dataset, dim: str, chosen: Sequence[str] | None, what: str) -> list[str]:
    valid = [str(v) for v in ds[dim].values]
    if chosen is None:
        return valid
    chosen = [chosen] if isinstance(chosen, str) else [str(c) for c in chosen]
    unknown = [c for c in chosen if c not in valid]
    if unknown:
        shown = ", ".join(valid[:20]) + (f" and {len(valid) - 20} more" if len(valid) > 20 else "")
        raise ValueError(f"{what} {', '.join(map(repr, unknown))} not in the result; choose among {shown}")
    return chosen


def _draws(ds: xr.Dataset, name: str, dim: str) -> np.ndarray:
    """A (sample, dim) variable as a numpy array; text as str."""
    values = ds[name].transpose("sample", dim).values
    return values.astype(str) if values.dtype.kind in "OSU" else values


def _varies(values: np.ndarray) -> bool:
    return len(np.unique(values)) > 1


def _by_strike(
    response: _Response, deviation: np.ndarray, ds: xr.Dataset, bins: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares (M, S), clipped; their noise levels (M, S); whether each strike's draws vary (S,)."""
    outage = _draws(ds, "drawn_outage_hours", "strike")
    asset = _draws(ds, "drawn_asset", "strike")
    n_strikes = outage.shape[1]
    shares = np.zeros((response.rows, n_strikes))
    noise = np.zeros((response.rows, n_strikes))
    varies = np.zeros(n_strikes, dtype=bool)
    for i in range(n_strikes):
        if _varies(asset[:, i]):
            codes = nested_bins(asset[:, i], outage[:, i], bins)
        else:
            codes = input_bins(outage[:, i], bins)
        cells = int(codes.max(initial=0)) + 1
        varies[i] = cells > 1
        shares[:, i] = response.shares(codes) if varies[i] else 0.0
        noise[:, i] = _noise_level(deviation, bins, [cells])
    return np.clip(shares, 0.0, 1.0), noise, varies


def _repair_time_matters(hours: np.ndarray, states: np.ndarray) -> bool:
    """Whether a strike's drawn repair hours differ between samples of one damage state."""
    return any(np.ptp(hours[states == state]) > 0 for state in np.unique(states))


def _input_variables(ds: xr.Dataset, bins: int) -> dict[str, list[np.ndarray]]:
    """The bins of every varying variable of each kind of input."""
    states = _draws(ds, "drawn_damage_state", "strike")
    assets = _draws(ds, "drawn_asset", "strike")
    quantiles = _draws(ds, "drawn_repair_quantile", "strike")
    repair_hours = _draws(ds, "drawn_repair_hours", "strike")
    buffers = _draws(ds, "drawn_buffer_hours", "dependency")
    waiting = _draws(ds, "crew_wait_hours", "strike").sum(axis=1)
    found: dict[str, list[np.ndarray]] = {kind: [] for kind in INPUTS}
    for i in range(states.shape[1]):
        if _varies(states[:, i]):
            found["damage_state"].append(input_bins(states[:, i], bins))
        if _varies(assets[:, i]):
            found["asset"].append(input_bins(assets[:, i], bins))
        if _repair_time_matters(repair_hours[:, i], states[:, i]):
            found["repair_time"].append(input_bins(quantiles[:, i], bins))
    for k in range(buffers.shape[1]):
        if _varies(buffers[:, k]):
            found["buffer"].append(input_bins(buffers[:, k], bins))
    if _varies(waiting):
        found["crews"].append(input_bins(waiting, bins))
    if "drawn_restart_hours" in ds.variables:  # buildings that can drain (docs/method.md, 4d)
        restarts = _draws(ds, "drawn_restart_hours", "drain")
        for k in range(restarts.shape[1]):
            if _varies(restarts[:, k]):
                found["restart"].append(input_bins(restarts[:, k], bins))
    return found


def _by_input(
    response: _Response, deviation: np.ndarray, ds: xr.Dataset, bins: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares (M, kinds): sums of unclipped first-order shares, clipped; their noise levels (M, kinds);
    variables per kind."""
    found = _input_variables(ds, bins)
    shares = np.zeros((response.rows, len(INPUTS)))
    noise = np.zeros((response.rows, len(INPUTS)))
    for k, kind in enumerate(INPUTS):
        for codes in found[kind]:
            shares[:, k] += response.shares(codes)
        noise[:, k] = _noise_level(deviation, bins, [int(codes.max(initial=0)) + 1 for codes in found[kind]])
    counts = np.array([len(found[kind]) for kind in INPUTS], dtype=np.int64)
    shares = np.clip(shares, 0.0, 1.0)
    if "people_drained_central" in ds.variables and "drawn_restart_hours" not in ds.variables:
        # buildings drained, but the result was written before their restart delays were kept
        restart = INPUTS.index("restart")
        shares[:, restart] = noise[:, restart] = np.nan
        counts[restart] = UNRECORDED
    return shares, noise, counts


def _ancestors(ds: xr.Dataset, areas: list[str]) -> str | None:
    """``attrs["ancestors"]`` for a subset of areas (None for every area or without a hierarchy)."""
    if len(areas) == ds.sizes["area"] or not {"parent_id", "name", "admin_level"} <= set(ds.coords):
        return ds.attrs.get("ancestors")
    named: dict[str, Any] = json.loads(ds.attrs.get("ancestors", "{}") or "{}")
    for area in areas:
        named |= json.loads(ancestors_attribute(ds, area))
    return json.dumps({k: v for k, v in sorted(named.items()) if k not in set(areas)}, sort_keys=True)


def sensitivity(
    result: Any,
    by: str = "strike",
    *,
    services: str | Sequence[str] | None = None,
    areas: str | Sequence[str] | None = None,
) -> xr.Dataset:
    """The share of the variance of person-days explained by each strike or each kind of input.

    Parameters
    ----------
    result : Result or xarray.Dataset
        A result of :func:`impact.run` with Monte Carlo samples (at least
        :data:`MIN_SAMPLES`) and its per-sample variables.
    by : {"strike", "input"}
        Split by strike (the strike's own draws jointly) or by kind of input
        (:data:`INPUTS`: damage state, asset hit, repair time, buffers, crew waiting, heating restart).
    services, areas : str or sequence of str, optional
        Only these services or areas (default: all).

    Returns
    -------
    xarray.Dataset
        ``variance_share`` (service, area, strike|input) [1]: share of the variance over
        samples of person-days without the service in the area explained by the strike or
        kind of input (first order, bias-corrected, in [0, 1]; NaN where person-days do not
        vary); ``variance_share_noise`` (the same dims) [1]: the share's sampling noise,
        :data:`NOISE_DEVIATIONS` standard deviations of the share of inputs without effect binned
        alike (a share below it cannot be told from noise; 0 for an input that does not vary);
        ``person_days_mean`` and ``person_days_std`` (service, area) [person days]:
        mean and standard deviation over samples. By strike also ``strike_draws_vary``
        (strike) [bool]: whether the strike's outage hours or asset differ between samples
        (a strike whose draws do not vary has share 0). By input also ``input_variables``
        (input) [1]: how many variables of that kind vary (0: the kind is not uncertain in
        this scenario, share 0; :data:`UNRECORDED`: the result did not keep its draws, share
        NaN) and the coordinate ``input_label``. Area and strike
        coordinates of the result are kept; ``attrs`` hold ``by``, ``samples``, ``seed``,
        ``bins``, ``method`` and ``caveats``.

    Raises
    ------
    SensitivityError
        (a ValueError) The result has no samples, fewer than :data:`MIN_SAMPLES`, or lacks
        the per-sample variables (a result made before they were stored).
    ValueError
        ``by``, a service or an area not in the result (the message lists the choices).

    Notes
    -----
    ``docs/method.md``, section 5a, 'What drives the range', states the estimator, its source and its limits.
    """
    ds = as_dataset(result)
    n = _check(ds, by)
    chosen_services = _pick(ds, "service", services, "service(s)")
    chosen_areas = _pick(ds, "area", areas, "area(s)")
    hours = ds[RESPONSE].sel(service=chosen_services, area=chosen_areas).transpose("service", "area", "sample")
    days = np.asarray(hours.values, dtype=np.float64) / 24.0
    n_services, n_areas = len(chosen_services), len(chosen_areas)
    y = days.reshape(n_services * n_areas, n)
    bins = bin_count(n)
    response = _Response(y)
    deviation = response.noise(bins, int(ds.attrs.get("seed", 0) or 0))
    if by == "strike":
        shares, noise, varies = _by_strike(response, deviation, ds, bins)
        index = xr.DataArray(
            ds["strike"].values.astype(str), dims=("strike",), coords={"strike": ds["strike"].values.astype(str)}
        )
        extra = {
            "strike_draws_vary": with_units(
                xr.DataArray(varies, dims=("strike",)),
                "1",
                "whether the strike's drawn outage hours or asset differ between samples",
            )
        }
        coords = {name: coord for name, coord in ds["strike"].coords.items() if coord.dims == ("strike",)}
        coords["strike"] = index
        label = "strike"
    else:
        shares, noise, counts = _by_input(response, deviation, ds, bins)
        extra = {
            "input_variables": with_units(
                xr.DataArray(counts, dims=("input",)),
                "1",
                "number of variables of this kind of input that vary between samples",
            )
        }
        coords = {
            "input": xr.DataArray(list(INPUTS), dims=("input",)),
            "input_label": xr.DataArray([INPUT_LABELS[k] for k in INPUTS], dims=("input",)),
        }
        label = "kind of input"
    area_coords = {
        name: coord.sel(area=chosen_areas) for name, coord in ds["area"].coords.items() if coord.dims == ("area",)
    }
    dims = ("service", "area", by)
    shares[~response.spread] = np.nan
    noise[~response.spread] = np.nan
    data = {
        "variance_share": with_units(
            xr.DataArray(shares.reshape(n_services, n_areas, shares.shape[1]), dims=dims),
            "1",
            f"share of the variance of person-days without the service explained by the {label} "
            "(first order, bias-corrected, clipped to [0, 1])",
        ),
        "variance_share_noise": with_units(
            xr.DataArray(noise.reshape(n_services, n_areas, noise.shape[1]), dims=dims),
            "1",
            f"sampling noise of the share: {NOISE_DEVIATIONS:g} standard deviations of the share of inputs "
            "without effect binned alike; a share below it cannot be told from noise",
        ),
        "person_days_mean": with_units(
            xr.DataArray(days.mean(axis=2), dims=("service", "area")),
            "person days",
            "mean over samples of person-days without the service",
        ),
        "person_days_std": with_units(
            xr.DataArray(days.std(axis=2, ddof=1), dims=("service", "area")),
            "person days",
            "standard deviation over samples of person-days without the service",
        ),
        **extra,
    }
    out = xr.Dataset(data, coords={"service": chosen_services, **area_coords, **coords})
    kept = ("scenario_id", "scenario_title", "timezone", "start", "seed", "repair_correlation")
    attrs = {key: ds.attrs[key] for key in kept if key in ds.attrs}
    ancestors = _ancestors(ds, chosen_areas)
    if ancestors:
        attrs["ancestors"] = ancestors
    out.attrs = {
        "title": f"What drives the range of person-days without service, by {label}",
        **attrs,
        "by": by,
        "samples": n,
        "bins": bins,
        "method": METHOD,
        "caveats": CAVEATS,
        "model_version": __version__,
    }
    return out
