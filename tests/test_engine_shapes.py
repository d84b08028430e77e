"""The fast engine equals the reference at the shapes issue 4 names, whatever runs its tasks.

Shapes: k = 1..12, 16 and 24 distinct struck assets under one leaf (level counting at every
k, over the levels that occur, and the dense path where they are too many), a deep dependency chain, many strikes on one
asset, and parents summing many leaves. Mappers: serial, a thread pool, and the assets'
outage stage split into sample blocks; all give the same bytes.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import fixed_curves, make_scenario, random_scenario, strike
from test_engine_random import assert_same

from impact.engine import fast, reference
from impact.engine.compile import compile_scenario
from impact.engine.events import AssetSteps
from impact.engine.levels import level_block

QUANTILES = np.array([0.05, 0.5, 0.95])


def _restoration() -> list[dict]:
    rows = fixed_curves("cls", 6.0)
    for row in rows:
        row.update(distribution="lognormal", dispersion=0.8)
    return rows


def leaf_with_links(links: int, samples: int = 40):
    """One leaf fed by ``links`` assets in a chain (each needs the one before, 1 h buffer),
    plus a second leaf and a parent; the first asset is struck five times."""
    assets = [
        {"asset_id": f"X{j}", "name": f"Asset {j}", "kind": "substation", "area_id": "R1", "restoration_class": "cls"}
        for j in range(links)
    ]
    dependencies = [
        {"asset_id": f"X{j}", "depends_on": f"X{j - 1}", "group": "", "buffer_hours": 1.0} for j in range(1, links)
    ]
    service_links = [
        {"area_id": "R1", "service": "power", "asset_id": f"X{j}", "share": 1 / links} for j in range(links)
    ]
    service_links.append({"area_id": "R2", "service": "water", "asset_id": f"X{links - 1}", "share": 0.7})
    strikes = [strike(f"S{i}", "X0", 2.0 + 5 * i) for i in range(5)]
    strikes += [strike(f"T{j}", f"X{j}", 3.0 + j) for j in range(1, links, 2)]
    scenario = make_scenario(
        assets=assets,
        dependencies=dependencies,
        service_links=service_links,
        strikes=strikes,
        restoration=_restoration(),
        horizon_hours=72,
        samples=samples,
    )
    model = compile_scenario(scenario)
    return model, model.sample_durations(samples, 7)


@pytest.mark.parametrize("links", range(1, 13))
def test_every_link_count_matches_the_reference(links):
    model, durations = leaf_with_links(links)
    expected = reference.compute(model, durations, QUANTILES)
    assert_same(fast.compute(model, durations, QUANTILES), expected)
    assert_same(fast.compute(model, durations, QUANTILES, level_limit=12), expected)
    assert_same(fast.compute(model, durations, QUANTILES, level_limit=0), expected)


def test_tasks_cover_each_linked_area_once_and_use_both_paths():
    model, durations = leaf_with_links(fast.MASK_BITS + 1, samples=40)
    steps = fast.asset_steps(model, durations)
    tasks = fast.plan_tasks(model, steps)
    pairs = [(task.service, area) for task in tasks for area in task.areas]
    assert len(pairs) == len(set(pairs))
    # R1 (power, 41 struck assets: more than a level's mask holds) is dense; R2 (water, 1 asset) counts levels.
    r1, r2 = model.area_ids.index("R1"), model.area_ids.index("R2")
    by_pair = {(task.service, area): task.by_levels for task in tasks for area in task.areas}
    assert by_pair[(0, r1)] is False
    assert by_pair[(1, r2)] is True


@pytest.mark.parametrize("links", [16, 24])
def test_leaves_beyond_twelve_links_count_the_levels_that_occur(links):
    """A chain of k assets fails in nested order, so its samples take few of the 2^k masks:
    the leaf is level-counted over those alone, and equals the reference."""
    model, durations = leaf_with_links(links)
    steps = fast.asset_steps(model, durations)
    r1 = model.area_ids.index("R1")
    task = next(task for task in fast.plan_tasks(model, steps) if task.service == 0 and r1 in task.areas)
    assert task.by_levels and len(task.link_asset[0]) == links
    expected = reference.compute(model, durations, QUANTILES)
    assert_same(fast.compute(model, durations, QUANTILES), expected)
    assert_same(fast.compute(model, durations, QUANTILES, level_limit=links), expected)  # never dense


def test_level_block_gives_the_same_numbers_densely_and_in_small_pieces():
    model, durations = random_case(3)
    steps = fast.asset_steps(model, durations)
    tasks = [task for task in fast.plan_tasks(model, steps, level_limit=14) if task.by_levels and len(task.areas) > 1]
    assert tasks
    for task in tasks:
        arguments = (steps, np.stack(task.link_asset), np.stack(task.link_weight), QUANTILES)
        if task.level_values is not None:
            arguments = (*arguments, np.stack(task.level_values))
        counted, stats = level_block(*arguments)
        for other, other_stats in (level_block(*arguments, most_levels=0), level_block(*arguments, max_cells=1)):
            assert np.array_equal(other, counted)
            assert all(np.array_equal(other_stats[name], stats[name]) for name in stats)


def random_case(seed: int):
    """A random scenario of the engine tests (many leaves) and 50 samples of it."""
    model = compile_scenario(random_scenario(seed))
    return model, model.sample_durations(50, seed)


@pytest.mark.parametrize("links", [3, 11])
def test_results_do_not_depend_on_the_mapper_or_sample_blocks(links):
    model, durations = leaf_with_links(links, samples=60)
    serial = fast.compute(model, durations, QUANTILES, mapper=fast.serial_mapper)
    assert_same(fast.compute(model, durations, QUANTILES, mapper=fast.thread_mapper(2)), serial)
    assert_same(fast.compute(model, durations, QUANTILES, mapper=fast.serial_mapper, sample_blocks=4), serial)
    assert_same(fast.compute(model, durations, QUANTILES, mapper=fast.thread_mapper(3), sample_blocks=60), serial)


def test_asset_steps_join_across_sample_blocks():
    model, durations = leaf_with_links(5, samples=30)
    whole = fast.asset_steps(model, durations)
    blocks = [fast.asset_steps(model, durations[lo:hi]) for lo, hi in ((0, 7), (7, 8), (8, 30))]
    joined = AssetSteps.concatenate(blocks)
    for name in ("sample", "first", "stop", "offset"):
        assert np.array_equal(getattr(joined, name), getattr(whole, name)), name
    assert np.array_equal(joined.down_counts(), whole.down_counts())
    assert np.array_equal(joined.down_steps(), whole.down_steps())
