"""Fast == reference on random scenarios with grid zones, capacities, partial damage, own_power
links, rolling cuts, temperatures and strikes together (issue 14), and invariants."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from scenario_factory import RANDOM_QUANTILES, make_scenario, random_scenario, random_tables
from test_engine_random import assert_same

import impact
from impact.engine import fast, reference
from impact.engine.compile import CompiledScenario, compile_scenario

QUICK_SEEDS = 12
SEEDS = range(60)
QUANTILES = np.asarray(RANDOM_QUANTILES)


def seeds() -> list:
    return [pytest.param(s, marks=pytest.mark.slow) if s >= QUICK_SEEDS else s for s in SEEDS]


@cache
def case(seed: int) -> tuple[CompiledScenario, object, object]:
    model = compile_scenario(random_scenario(seed, grid=True))
    return model, model.sample_draws(20 + seed % 17, seed), model.central_draws()


def assert_same_grid(first, second) -> None:
    assert_same(first, second)
    assert (first.deficit_mean is None) == (second.deficit_mean is None)
    if first.deficit_mean is not None:
        assert np.array_equal(first.deficit_mean, second.deficit_mean)
        assert np.array_equal(first.deficit_quantiles, second.deficit_quantiles)


@pytest.mark.parametrize("seed", seeds())
@pytest.mark.parametrize("which", ["samples", "central"])
def test_fast_equals_reference_with_the_grid(seed, which):
    model, sampled, central = case(seed)
    draws = sampled if which == "samples" else central
    assert model.grid is not None
    assert_same_grid(fast.compute(model, draws, QUANTILES), reference.compute(model, draws, QUANTILES))


@pytest.mark.parametrize("seed", range(QUICK_SEEDS))
def test_invariants_with_the_grid(seed):
    model, sampled, _ = case(seed)
    output = fast.compute(model, sampled, QUANTILES)
    assert np.all((output.deficit_quantiles >= 0) & (output.deficit_quantiles <= 1))
    population = model.population[None, :, None, None]
    assert np.all(output.people_quantiles <= population)
    # helper assets never show in the results
    assert output.asset_down_count.shape[0] == len(model.asset_ids)
    assert model.assets_shown < len(model.asset_ids)


def test_the_random_scenarios_shed_in_some_samples():
    """The generator is not vacuous: most seeds have a deficit and cuts somewhere."""
    with_deficit = 0
    for seed in range(QUICK_SEEDS):
        model, sampled, _ = case(seed)
        output = fast.compute(model, sampled, QUANTILES)
        with_deficit += bool(output.deficit_mean.max() > 0)
    assert with_deficit >= QUICK_SEEDS // 2


@pytest.mark.parametrize("seed", range(8))
def test_ample_capacity_changes_nothing(seed):
    """Capacities far above demand (and no partial damage, which changes the cascade itself):
    the same people as with the capacities and [grid] removed."""
    tables = random_tables(seed, grid=True)
    tables["grid"] = {**tables["grid"], "partial_damage": False}
    # supply assets never struck, so that the supply never falls below demand
    tables["strikes"] = [row for row in tables["strikes"] if not row["asset_id"].startswith("G")] or tables["strikes"][
        :1
    ]
    ample = [{**row, "capacity_mw": 1e6} if "capacity_mw" in row else row for row in tables["assets"]]
    bare = [{k: v for k, v in row.items() if k not in ("capacity_mw", "grid_zone")} for row in tables["assets"]]
    first = make_scenario(**{**tables, "assets": ample})
    second = make_scenario(**{**tables, "assets": bare, "grid": None})
    one, two = impact.run(first, samples=15, seed=seed).dataset, impact.run(second, samples=15, seed=seed).dataset
    assert float(one["grid_deficit_share"].max()) == 0
    assert "grid_deficit_share" not in two
    for name in ("people_without", "people_without_central", "people_without_mean"):
        assert np.array_equal(one[name].values, two[name].values), name


@pytest.mark.parametrize("seed", range(QUICK_SEEDS))
def test_factor_levels_and_dense_agree(seed):
    """Level counting over an area's factors (power assets and queues, not one link per
    (asset, queue)) gives what one dense array per area gives."""
    model, sampled, _ = case(seed)
    automatic = fast.compute(model, sampled, QUANTILES)
    for limit in (0, 14):
        other = fast.compute(model, sampled, QUANTILES, level_limit=limit)
        assert np.array_equal(automatic.people_quantiles, other.people_quantiles), limit
        for name in automatic.per_sample:
            assert np.array_equal(automatic.per_sample[name], other.per_sample[name]), (limit, name)


def test_factor_levels_are_used():
    """A leaf behind one power link and six queues is counted by levels over 7 factors."""
    from impact.engine.fast import link_factors, outage_steps, plan_tasks

    for seed in range(QUICK_SEEDS):
        model, sampled, _ = case(seed)
        if not link_factors(model):
            continue
        tasks = plan_tasks(model, outage_steps(model, sampled))
        if any(task.by_levels and task.level_values is not None for task in tasks):
            return
    pytest.fail("no random scenario used level counting over factors")


@pytest.mark.parametrize("seed", range(QUICK_SEEDS))
def test_blocks_of_samples_give_the_same_result(seed):
    """Blocks of samples may alias a helper in one block and not in another (its queue cut in
    some samples only): joined, the result is the one of a single block."""
    model, sampled, _ = case(seed)
    whole = fast.compute(model, sampled, QUANTILES, mapper=fast.serial_mapper)
    blocks = fast.compute(model, sampled, QUANTILES, mapper=fast.serial_mapper, sample_blocks=4)
    assert_same_grid(whole, blocks)
