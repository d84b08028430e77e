"""Fast == reference on random scenarios with drained district-heating buildings (issue 15),
alone and with the grid's inputs of issue 14 (own_power heating, rotating cuts)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from scenario_factory import RANDOM_QUANTILES, make_scenario, random_scenario, random_tables
from test_grid_random import assert_same_grid

from impact.engine import fast, reference
from impact.engine.compile import CompiledScenario, compile_scenario

QUICK_SEEDS = 10
SEEDS = range(50)
QUANTILES = np.asarray(RANDOM_QUANTILES)


def seeds() -> list:
    return [pytest.param(s, marks=pytest.mark.slow) if s >= QUICK_SEEDS else s for s in SEEDS]


@cache
def case(seed: int) -> tuple[CompiledScenario, object, object]:
    model = compile_scenario(random_scenario(seed, grid=seed % 3 == 0, heat=True))
    return model, model.sample_draws(20 + seed % 13, seed), model.central_draws()


@pytest.mark.parametrize("seed", seeds())
@pytest.mark.parametrize("which", ["samples", "central"])
def test_fast_equals_reference_with_drained_buildings(seed, which):
    model, sampled, central = case(seed)
    draws = sampled if which == "samples" else central
    assert_same_grid(fast.compute(model, draws, QUANTILES), reference.compute(model, draws, QUANTILES))


def test_the_random_cases_drain_buildings():
    """The generator gives drains in most cases, and drained buildings in some samples."""
    with_drains = drained = 0
    for seed in range(QUICK_SEEDS):
        model, sampled, _ = case(seed)
        if model.drains:
            with_drains += 1
            down = fast.outage_steps(model, sampled).down_counts()
            drained += any(down[drain.helper].any() for drain in model.drains)
    assert with_drains >= QUICK_SEEDS // 2
    assert drained >= 2


@pytest.mark.parametrize("seed", range(QUICK_SEEDS))
def test_drains_only_lengthen_heat_outages(seed):
    """Sample by sample, drains never shorten a heat outage: every quantile and the mean of people
    without heat are at least those of the same scenario never cold enough to drain (the
    repair draws are the same: the restart delays have a stream of their own)."""
    model, sampled, _ = case(seed)
    tables = random_tables(seed, grid=seed % 3 == 0, heat=True)
    tables["heat"] = {**tables["heat"], "drain_below_celsius": -80}
    warm = compile_scenario(make_scenario(**tables))
    assert warm.drains == ()
    warm_draws = warm.sample_draws(sampled.samples, seed)
    assert np.array_equal(warm_draws.durations, sampled.durations)
    with_drains = fast.compute(model, sampled, QUANTILES)
    without = fast.compute(warm, warm_draws, QUANTILES)
    heat = 2
    assert np.all(with_drains.people_quantiles[heat] >= without.people_quantiles[heat])
    assert np.all(with_drains.people_mean[heat] >= without.people_mean[heat])
    assert np.array_equal(with_drains.people_mean[:heat], without.people_mean[:heat])
