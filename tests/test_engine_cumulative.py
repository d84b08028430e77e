"""Cumulative sums that run well in threads, and level counting with hundreds of levels.

:func:`impact.engine.cumulative.cumsum_rows` replaces numpy's cumulative sum along an axis in
the engine's tasks (docs/performance.md, "Rank search, linear sums and threads"); the rank
search counts levels in the narrowest unsigned type that holds them, so a leaf taking more
than 255 levels takes the wider one.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import fixed_curves, make_scenario, strike
from test_engine_random import assert_same

from impact.engine import fast, reference
from impact.engine.compile import compile_scenario
from impact.engine.cumulative import cumsum_rows
from impact.engine.dense import dense_values


@pytest.mark.parametrize("shape", [(0, 5), (1, 7), (5, 0), (6, 9), (40, 2161)])
@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.int64])
def test_cumsum_rows_equals_numpy_along_the_rows(shape, dtype):
    values = np.random.default_rng(3).integers(-20, 20, size=shape).astype(dtype)
    result = cumsum_rows(values)
    assert result.dtype == values.dtype
    assert np.array_equal(result, np.cumsum(values, axis=1, dtype=dtype))


def test_cumsum_rows_of_a_hand_case():
    assert cumsum_rows(np.array([[1, 2, 3], [10, -10, 5], [0, 0, 7]])).tolist() == [[1, 3, 6], [10, 0, 5], [0, 0, 7]]


def test_a_leaf_taking_hundreds_of_levels_is_counted_exactly():
    """Twelve independent assets with random repairs over 300 samples: the leaf's samples take
    more than 255 of the 4,096 masks, so the rank search counts in 16 bits; level counting
    (``level_limit=12``: never dense) equals the reference engine."""
    links = 12
    assets = [
        {"asset_id": f"X{j}", "name": f"Asset {j}", "kind": "substation", "area_id": "R1", "restoration_class": "cls"}
        for j in range(links)
    ]
    service_links = [
        {"area_id": "R1", "service": "power", "asset_id": f"X{j}", "share": 1 / links} for j in range(links)
    ]
    restoration = fixed_curves("cls", 20.0)
    for row in restoration:
        row.update(distribution="lognormal", dispersion=1.0)
    scenario = make_scenario(
        assets=assets,
        service_links=service_links,
        strikes=[strike(f"S{j}", f"X{j}", 1.0 + j) for j in range(links)],
        restoration=restoration,
        horizon_hours=96,
        samples=300,
    )
    model = compile_scenario(scenario)
    durations = model.sample_durations(300, 11)
    steps = fast.asset_steps(model, durations)
    masks = dense_values(steps, np.arange(links), 1 << np.arange(links))
    assert len(np.unique(masks)) > 255
    expected = reference.compute(model, durations, np.array([0.05, 0.5, 0.95]))
    assert_same(fast.compute(model, durations, np.array([0.05, 0.5, 0.95]), level_limit=links), expected)
