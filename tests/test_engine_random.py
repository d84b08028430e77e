"""The fast engine equals the reference engine exactly on random scenarios, and both keep
the invariants of docs/method.md, sections 2-4.

Restoration times past the horizon make some per-sample ``restore_steps`` infinite; the
statistics must handle that without numpy warnings (warnings are errors in this suite).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
import xarray as xr
from scenario_factory import RANDOM_QUANTILES, random_scenario

import impact
from impact.engine import fast, reference
from impact.engine.compile import CompiledScenario, compile_scenario
from impact.engine.stats import SAMPLE_STATS, EngineOutput

SEEDS = range(200)
#: Seeds below this run in the quick loop (``-m "not slow"``); the rest are marked slow and run
#: in the full suite (the README's test command, CI).
QUICK_SEEDS = 20


def seeds(step: int = 1) -> list:
    """Every ``step``-th seed as test parameters, those from :data:`QUICK_SEEDS` on marked slow."""
    return [pytest.param(s, marks=pytest.mark.slow) if s >= QUICK_SEEDS else s for s in SEEDS[::step]]


QUANTILES = np.asarray(RANDOM_QUANTILES)


def samples_of(seed: int) -> int:
    """20 to 60 Monte Carlo samples, varying with the seed."""
    return 20 + (seed * 7) % 41


@cache
def case(seed: int) -> tuple[CompiledScenario, np.ndarray, np.ndarray]:
    """Compiled random scenario, Monte Carlo durations and central durations."""
    model = compile_scenario(random_scenario(seed))
    return model, model.sample_durations(samples_of(seed), seed), model.central_durations()


def compute(engine, model: CompiledScenario, durations: np.ndarray, quantiles=QUANTILES, **options) -> EngineOutput:
    return engine(model, durations, quantiles, **options)


@cache
def outputs(seed: int, which: str) -> tuple[EngineOutput, EngineOutput]:
    """(fast, reference) outputs on the Monte Carlo (``mc``) or central durations."""
    model, sampled, central = case(seed)
    durations = sampled if which == "mc" else central
    return compute(fast.compute, model, durations), compute(reference.compute, model, durations)


def assert_same(first: EngineOutput, second: EngineOutput) -> None:
    assert first.samples == second.samples
    assert first.people_quantiles.shape == second.people_quantiles.shape
    assert np.array_equal(first.people_quantiles, second.people_quantiles)
    assert np.array_equal(first.people_mean, second.people_mean)
    assert first.asset_down_count.dtype == second.asset_down_count.dtype
    assert np.array_equal(first.asset_down_count, second.asset_down_count)
    assert set(first.stat_quantiles) == set(second.stat_quantiles) == set(SAMPLE_STATS)
    for name in SAMPLE_STATS:
        assert np.array_equal(first.stat_quantiles[name], second.stat_quantiles[name], equal_nan=True), name
        assert np.array_equal(first.stat_means[name], second.stat_means[name], equal_nan=True), name
    assert set(first.per_sample) == set(second.per_sample) == set(SAMPLE_STATS)
    for name in SAMPLE_STATS:
        assert first.per_sample[name].shape == (first.samples, *first.stat_means[name].shape), name
        assert np.array_equal(first.per_sample[name], second.per_sample[name]), name


@pytest.mark.parametrize("seed", seeds())
def test_fast_equals_reference_on_samples(seed):
    assert_same(*outputs(seed, "mc"))


@pytest.mark.parametrize("seed", seeds())
def test_fast_equals_reference_on_central(seed):
    assert_same(*outputs(seed, "central"))


@pytest.mark.parametrize("seed", seeds(2))
def test_dense_fallback_and_level_counting_agree(seed):
    """Forcing every leaf to the dense path, or up to 14 links to level counting, changes nothing."""
    model, sampled, _ = case(seed)
    expected = outputs(seed, "mc")[1]
    assert_same(compute(fast.compute, model, sampled, level_limit=0), expected)
    assert_same(compute(fast.compute, model, sampled, level_limit=14), expected)


def per_sample_values(model: CompiledScenario, durations: np.ndarray) -> np.ndarray:
    """People without service of each sample, shape (N, V, A, T), one N=1 run per sample."""
    return np.stack(
        [compute(fast.compute, model, durations[[n]], [0.5]).people_mean for n in range(durations.shape[0])]
    )


def linked_people(model: CompiledScenario) -> np.ndarray:
    """Sum of the link head counts under each (service, area), shape (V, A) [persons]."""
    return np.array(
        [
            [
                sum(weight for leaf in model.area_leaves[a] for _, weight in model.links[v][leaf])
                for a in range(len(model.area_ids))
            ]
            for v in range(len(model.services))
        ],
        dtype=np.int64,
    )


def check_values(model: CompiledScenario, values: np.ndarray) -> None:
    """Values of shape (..., V, A, T): 0 <= people <= linked head counts, whole persons, parents
    equal the sum of their children.

    The bound is the sum of the rounded link head counts, not the population: rounding each
    link separately can exceed the population (see ``test_people_never_exceed_population``).
    """
    assert np.all(values >= 0)
    assert np.all(values <= linked_people(model)[..., None])
    assert np.array_equal(values, np.rint(values))
    for a in range(len(model.area_ids)):
        children = np.flatnonzero(model.area_parent == a)
        if len(children):
            assert np.array_equal(values[..., a, :], values[..., children, :].sum(axis=-2))


@pytest.mark.parametrize("seed", seeds())
def test_invariants(seed):
    model, sampled, central_durations = case(seed)
    mc, _ = outputs(seed, "mc")
    central, _ = outputs(seed, "central")
    samples, steps = sampled.shape[0], model.steps

    # The central run is one sample: its quantiles all equal its mean.
    check_values(model, central.people_mean)
    assert np.array_equal(central.people_quantiles, np.repeat(central.people_mean[..., None], len(QUANTILES), -1))
    assert set(np.unique(central.asset_down_count)) <= {0, 1}

    # A few samples one by one: whole persons, bounded, parents sum their children.
    picks = sorted({0, samples // 2, samples - 1})
    check_values(model, per_sample_values(model, sampled[picks]))

    # Quantiles over samples: bounded, non-decreasing in q, mean between min and max.
    q = mc.people_quantiles
    assert np.all(q >= 0) and np.all(q <= linked_people(model)[..., None, None])
    order = np.argsort(QUANTILES)
    assert np.all(np.diff(q[..., order], axis=-1) >= 0)
    low, high = q[..., list(QUANTILES).index(0.0)], q[..., list(QUANTILES).index(1.0)]
    assert np.all(low <= mc.people_mean) and np.all(mc.people_mean <= high)
    for name in SAMPLE_STATS:
        stat = mc.stat_quantiles[name][..., order]
        assert not np.isnan(stat).any(), name
        assert np.all(stat[..., 1:] >= stat[..., :-1]), name  # also where +inf (not restored)
    assert np.all(mc.stat_quantiles["peak"] <= linked_people(model)[..., None])

    probability = mc.asset_down_count / samples
    assert np.all((probability >= 0) & (probability <= 1))
    assert mc.asset_down_count.shape == (len(model.asset_ids), steps)

    # Nothing is down before the first strike or after the last possible end of an outage.
    for durations, output in ((sampled, mc), (central_durations, central)):
        lasting = durations.max(axis=0) > 0
        if not lasting.any():
            assert not output.asset_down_count.any()
            assert not output.people_mean.any()
            continue
        first = model.strike_hours[lasting].min()
        last = (model.strike_hours + durations.max(axis=0))[lasting].max()
        quiet = (model.time_hours < first) | (model.time_hours >= last)
        assert not output.asset_down_count[:, quiet].any()
        assert not output.people_quantiles[:, :, quiet].any()
        assert not output.people_mean[:, :, quiet].any()

    # Assets without strikes and without supplies are never down.
    for asset in range(len(model.asset_ids)):
        if asset not in model.strike_asset and not model.groups[asset]:
            assert not mc.asset_down_count[asset].any()


@pytest.mark.parametrize("seed", seeds(8))
def test_quantile_extremes_and_mean_match_each_sample(seed):
    """q=0 / q=1 are the min / max over samples of each sample's own run; the mean their average."""
    model, sampled, _ = case(seed)
    mc, _ = outputs(seed, "mc")
    values = per_sample_values(model, sampled)
    check_values(model, values)
    assert np.array_equal(mc.people_quantiles[..., list(QUANTILES).index(0.0)], values.min(axis=0))
    assert np.array_equal(mc.people_quantiles[..., list(QUANTILES).index(1.0)], values.max(axis=0))
    assert np.array_equal(
        mc.people_quantiles[..., list(QUANTILES).index(0.5)], np.quantile(values, 0.5, axis=0, method="linear")
    )
    assert np.array_equal(mc.people_mean, values.sum(axis=0) / len(values))


def run(scenario, **options) -> xr.Dataset:
    return impact.run(scenario, **options).dataset


@pytest.mark.parametrize("seed", seeds(20))
def test_run_is_deterministic_for_a_seed(seed):
    scenario = random_scenario(seed)
    first = run(scenario, samples=25, seed=seed)
    xr.testing.assert_identical(first, run(scenario, samples=25, seed=seed))
    other = run(scenario, samples=25, seed=seed + 1000)
    assert other.attrs["seed"] == seed + 1000
    model = compile_scenario(scenario)
    draws_differ = not np.array_equal(model.sample_durations(25, seed), model.sample_durations(25, seed + 1000))
    random_curves = (model.strike_distribution > 0) & (model.strike_dispersion > 0) & (model.strike_median_days > 0)
    assert draws_differ == bool(random_curves.any())
    # Different draws give different results wherever they reach a time step.
    down_first = compute(fast.compute, model, model.sample_durations(25, seed)).asset_down_count
    down_other = compute(fast.compute, model, model.sample_durations(25, seed + 1000)).asset_down_count
    differs = not first.equals(other)  # data and coords, not attrs
    if not np.array_equal(down_first, down_other):
        assert differs
    # The central estimate does not depend on the seed.
    xr.testing.assert_identical(first["people_without_central"], other["people_without_central"])


@pytest.mark.slow
def test_different_seeds_change_a_random_run():
    """Across the random scenarios most runs change with the seed."""
    changed = 0
    for seed in SEEDS[:12]:
        scenario = random_scenario(seed)
        first = run(scenario, samples=25, seed=1)["asset_down_probability"]
        second = run(scenario, samples=25, seed=2)["asset_down_probability"]
        changed += not first.equals(second)
    assert changed >= 4


@pytest.mark.parametrize("seed", seeds())
def test_people_never_exceed_population(seed):
    """0 <= people_without <= population in every random scenario."""
    model, _, _ = case(seed)
    population = model.population[None, :, None]
    mc, _ = outputs(seed, "mc")
    central, _ = outputs(seed, "central")
    assert (mc.people_quantiles.min(axis=-1) >= 0).all()
    assert (mc.people_quantiles.max(axis=-1) <= population).all()
    assert (central.people_mean >= 0).all()
    assert (central.people_mean <= population).all()
