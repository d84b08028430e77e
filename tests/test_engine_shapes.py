"""The fast engine equals the reference at the shapes issue 4 names, whatever runs its tasks.

Shapes: k = 1..12 distinct struck assets under one leaf (so level counting at every k, and
the dense path where 2^k exceeds the samples), a deep dependency chain, many strikes on one
asset, and parents summing many leaves. Mappers: serial, a thread pool, and the assets'
outage stage split into sample blocks; all give the same bytes.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import fixed_curves, make_scenario, strike
from test_engine_random import assert_same

from impact.engine import fast, reference
from impact.engine.compile import compile_scenario
from impact.engine.events import AssetSteps

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
    model, durations = leaf_with_links(9, samples=40)
    steps = fast.asset_steps(model, durations)
    tasks = fast.plan_tasks(model, steps)
    pairs = [(task.service, area) for task in tasks for area in task.areas]
    assert len(pairs) == len(set(pairs))
    # R1 (power, 9 struck assets: 2^9 > 40 samples) is dense; R2 (water, 1 asset) counts levels.
    r1, r2 = model.area_ids.index("R1"), model.area_ids.index("R2")
    by_pair = {(task.service, area): task.by_levels for task in tasks for area in task.areas}
    assert by_pair[(0, r1)] is False
    assert by_pair[(1, r2)] is True


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
