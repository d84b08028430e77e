"""Invariants every result dataset keeps (docs/method.md, sections 3-5), checked on finished results.

``check_result`` is used wherever a result was produced under stress -- after a signal or a
full disk, by concurrent runs, from fuzzed-but-valid input files -- so that "the run
finished" always also means "the numbers still make sense". The engine-level checks on raw
engine outputs (per sample, against the reference engine) live in ``test_engine_random.py``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr


def _children(ds: xr.Dataset) -> dict[str, list[str]]:
    parents = [str(p) for p in ds["parent_id"].values]
    children: dict[str, list[str]] = {}
    for area, parent in zip((str(a) for a in ds["area"].values), parents, strict=True):
        if parent:
            children.setdefault(parent, []).append(area)
    return children


def check_result(ds: xr.Dataset) -> None:
    """Assert the invariants of a result dataset.

    - people without service (central, mean, every quantile) are finite, at least 0 and at
      most the area's population [persons]; the central estimate is whole persons;
    - quantiles do not decrease with q, and the mean lies between the lowest and highest
      requested quantile whenever q = 0 and q = 1 are both requested;
    - a parent's central series is exactly the sum of its children's (one sample sums);
    - asset down probabilities lie in [0, 1]; the central asset state is 0 or 1;
    - person-hours and peaks are at least 0, peaks at most the population; the central peak is
      the maximum of the central series and the central person-hours its sum times the step
      [hours];
    - the result leads with a planning statistic that is one of its quantiles
      (``plan_quantile``); the probability that an outage lasts beyond X hours lies in [0, 1]
      and does not increase with X; each sample's person-hours give back the person-hours
      quantiles (NaN and no sample without samples).

    Parameters
    ----------
    ds : xarray.Dataset
        ``Result.dataset`` of any run.
    """
    population = ds["population"]
    monte_carlo = (
        "people_without",
        "people_without_mean",
        "asset_down_probability",
        "peak_people_without",
        "person_hours_without",
        "outage_beyond_probability",
    )
    assert float(ds.attrs["plan_quantile"]) in [float(q) for q in ds["quantile"].values], "plan_quantile not reported"
    if not ds.attrs["samples"]:
        assert ds.sizes["sample"] == 0, "samples without a Monte Carlo run"
    if not ds.attrs["samples"]:  # the central estimate alone: the Monte Carlo variables are NaN (method.md)
        for name in monte_carlo:
            assert bool(np.isnan(ds[name]).all()), f"{name} is not NaN without samples"
        ds = ds.drop_vars(list(monte_carlo))
    for name in ("people_without", "people_without_mean", "people_without_central"):
        if name not in ds:
            continue
        values = ds[name]
        assert bool(np.isfinite(values).all()), f"{name} has NaN or infinite values"
        assert bool((values >= 0).all()), f"{name} has negative values"
        assert bool((values <= population).all()), f"{name} exceeds the population"
    central = ds["people_without_central"]
    assert np.array_equal(central.values, np.rint(central.values)), "central estimate is not whole persons"

    if "people_without" in ds:
        _check_monte_carlo(ds)

    for parent, kids in _children(ds).items():
        total = central.sel(area=kids).sum("area")
        assert np.array_equal(central.sel(area=parent).values, total.values), f"{parent} is not the sum of its children"

    assert set(np.unique(ds["asset_down_central"].values)) <= {0, 1}
    for name in ("person_hours_without_central", "peak_people_without_central"):
        assert bool((ds[name] >= 0).all()), f"{name} has negative values"
    assert np.array_equal(ds["peak_people_without_central"].values, central.max("time").values)
    step_hours = float(ds.attrs["step_minutes"]) / 60
    np.testing.assert_allclose(
        ds["person_hours_without_central"].values, central.sum("time").values * step_hours, rtol=1e-12
    )


def _check_monte_carlo(ds: xr.Dataset) -> None:
    """The Monte Carlo part of :func:`check_result`: quantile order, mean within the band, bounds."""
    quantiles = ds["people_without"].sortby("quantile")
    if quantiles.sizes["quantile"] > 1:
        assert bool((quantiles.diff("quantile") >= 0).all()), "quantiles decrease with q"
    q = [float(v) for v in quantiles["quantile"].values]
    if 0.0 in q and 1.0 in q:
        mean = ds["people_without_mean"]
        assert bool((quantiles.sel(quantile=0.0) <= mean + 1e-9).all()), "mean below the minimum"
        assert bool((mean <= quantiles.sel(quantile=1.0) + 1e-9).all()), "mean above the maximum"
    probability = ds["asset_down_probability"]
    assert bool(((probability >= 0) & (probability <= 1)).all()), "asset down probability outside [0, 1]"
    for name in ("person_hours_without", "peak_people_without"):
        assert bool((ds[name] >= 0).all()), f"{name} has negative values"
    assert bool((ds["peak_people_without"] <= ds["population"]).all()), "peak exceeds the population"
    beyond = ds["outage_beyond_probability"].sortby("beyond_hours")
    assert bool(((beyond >= 0) & (beyond <= 1)).all()), "outage beyond probability outside [0, 1]"
    if beyond.sizes["beyond_hours"] > 1:
        assert bool((beyond.diff("beyond_hours") <= 0).all()), "outage beyond probability grows with the hours"
    per_sample = ds["person_hours_without_sample"]
    assert per_sample.sizes["sample"] == int(ds.attrs["samples"]), "not one person-hours value per sample"
    np.testing.assert_allclose(
        per_sample.quantile(ds["person_hours_without"]["quantile"].values, dim="sample")
        .transpose(*ds["person_hours_without"].dims)
        .values,
        ds["person_hours_without"].values,
        rtol=1e-9,
        atol=1e-6,
    )
