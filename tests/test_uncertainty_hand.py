"""Issue 13 by hand, through the loader and ``impact.run``: crews, weighted damage states and
candidate assets with exact numbers or within binomial error (docs/method.md, sections 2b-2c).

Fixed curves (``two``: moderate 5 h, extensive 10 h; ``hN``: N hours) make every repair time
known; the central estimate (``samples=0``) then shows the queue exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_engine_hand import asset, central, down_steps, link, scenario, strike

import impact
from impact.engine import fast, reference
from impact.engine.compile import compile_scenario


def pooled(asset_id: str, klass: str, pool: str = "P", priority: int | None = None) -> dict:
    return asset(asset_id, klass) | {"crew_pool": pool, "priority": priority}


def test_one_crew_two_repairs_the_second_waits():
    """A (10 h) struck at 0, B (5 h) at 2, one crew: A is repaired on [0, 10); B waits for the crew
    until 10 and is repaired on [10, 15), so B is down on [2, 15) (13 h, not 5)."""
    sc = scenario(
        [pooled("A", "h10"), pooled("B", "h5")],
        [strike("S1", "A", 0), strike("S2", "B", 2)],
        links=[link("R1", "power", "A", 0.5), link("R1", "power", "B", 0.5)],
        crews=[{"crew_pool": "P", "crews": 1}],
    )
    ds = central(sc)
    assert down_steps(ds, "A") == list(range(0, 10))
    assert down_steps(ds, "B") == list(range(2, 15))
    people = ds["people_without_central"].sel(service="power", area="R1").values
    assert people[:2].tolist() == [500, 500] and people[2:10].tolist() == [1000] * 8
    assert people[10:15].tolist() == [500] * 5 and people[15:].sum() == 0
    # two crews: nobody waits
    sc2 = scenario(
        [pooled("A", "h10"), pooled("B", "h5")],
        [strike("S1", "A", 0), strike("S2", "B", 2)],
        links=[link("R1", "power", "A", 0.5), link("R1", "power", "B", 0.5)],
        crews=[{"crew_pool": "P", "crews": 2}],
    )
    assert down_steps(central(sc2), "B") == list(range(2, 7))


def test_priority_then_earliest_strike_then_asset_id():
    """Three assets struck at once, one crew: priority 1 first, then (no priority) by asset id."""
    sc = scenario(
        [pooled("C", "h5", priority=None), pooled("B", "h5", priority=None), pooled("A", "h5", priority=1)],
        [strike("S1", "C", 0), strike("S2", "B", 0), strike("S3", "A", 0)],
        links=[link("R1", "power", "A", 1.0)],
        crews=[{"crew_pool": "P", "crews": 1}],
        horizon_hours=24,
    )
    ds = central(sc)
    assert down_steps(ds, "A") == list(range(0, 5))
    assert down_steps(ds, "B") == list(range(0, 10))
    assert down_steps(ds, "C") == list(range(0, 15))


def test_an_asset_without_a_pool_is_repaired_at_once():
    sc = scenario(
        [pooled("A", "h10"), asset("B", "h5")],
        [strike("S1", "A", 0), strike("S2", "B", 2)],
        crews=[{"crew_pool": "P", "crews": 1}],
    )
    assert down_steps(central(sc), "B") == list(range(2, 7))


def test_crews_fast_equals_reference_in_samples():
    sc = scenario(
        [pooled("A", "two"), pooled("B", "two", priority=1), pooled("C", "h8")],
        [strike("S1", "A", 0, "moderate:0.5|extensive:0.5"), strike("S2", "B:0.5|C:0.5", 1), strike("S3", "C", 3)],
        links=[link("R1", "power", "A", 0.4), link("R1", "power", "B", 0.3), link("R1", "power", "C", 0.3)],
        crews=[{"crew_pool": "P", "crews": 1}],
    )
    model = compile_scenario(sc)
    draws = model.sample_draws(200, 4)
    q = [0.05, 0.5, 0.95]
    first, second = fast.compute(model, draws, q), reference.compute(model, draws, q)
    assert np.array_equal(first.people_quantiles, second.people_quantiles)
    assert np.array_equal(first.asset_down_count, second.asset_down_count)


def test_weighted_damage_state_shares_within_binomial_error():
    """moderate:0.6|extensive:0.4 on class ``two`` (5 h / 10 h): at step 7 only extensive draws
    are down, so P(down at 7) estimates 0.4; the central state is moderate (the weighted median)."""
    samples = 2000
    sc = scenario([asset("A", "two")], [strike("S1", "A", 0, "moderate:0.6|extensive:0.4")])
    ds = impact.run(sc, samples=samples, seed=1).dataset
    share = float(ds["asset_down_probability"].sel(asset="A").values[7])
    assert abs(share - 0.4) <= 4 * np.sqrt(0.4 * 0.6 / samples)
    assert float(ds["asset_down_probability"].sel(asset="A").values[4]) == 1.0
    drawn = ds["drawn_damage_state"].sel(strike="S1").values
    assert set(drawn) == {"moderate", "extensive"}
    assert share == pytest.approx((drawn == "extensive").mean(), abs=0)
    assert down_steps(ds, "A") == list(range(0, 5))


def test_candidate_assets_each_sample_hits_exactly_one():
    """A:0.5|B:0.5: in every sample exactly one of the two is down, each in about half."""
    samples = 2000
    sc = scenario(
        [asset("A", "h5"), asset("B", "h5")],
        [strike("S1", "A:0.5|B:0.5", 0)],
        links=[link("R1", "power", "A", 0.5), link("R1", "power", "B", 0.5)],
    )
    ds = impact.run(sc, samples=samples, seed=2).dataset
    a = ds["asset_down_probability"].sel(asset="A").values[0]
    b = ds["asset_down_probability"].sel(asset="B").values[0]
    assert a + b == 1.0
    assert abs(a - 0.5) <= 4 * np.sqrt(0.25 / samples)
    # half the people in every sample: the band is one number
    people = ds["people_without"].sel(service="power", area="R1").values[0]
    assert people.tolist() == [500.0, 500.0, 500.0]
    # the central estimate hits the first listed on a tie
    assert down_steps(ds, "A") == list(range(0, 5)) and down_steps(ds, "B") == []


def test_buffer_range_is_drawn_per_sample():
    """PMP needs SUB (down [0, 10)) with a buffer of 2 to 6 h: PMP is down from the buffer's end to
    10; P(PMP down at step 4) = P(buffer <= 4) = 1/2 for a uniform buffer on [2, 6]."""
    samples = 2000
    sc = scenario(
        [asset("SUB", "h10"), asset("PMP", "h0", kind="pumping_station")],
        [strike("S1", "SUB", 0)],
        dependencies=[{"asset_id": "PMP", "depends_on": "SUB", "buffer_hours": 2, "buffer_hours_max": 6}],
    )
    ds = impact.run(sc, samples=samples, seed=3).dataset
    probability = ds["asset_down_probability"].sel(asset="PMP").values
    assert probability[2] == pytest.approx((ds["drawn_buffer_hours"].values[:, 0] <= 2).mean(), abs=0)
    assert abs(probability[4] - 0.5) <= 4 * np.sqrt(0.25 / samples)
    assert probability[6] == 1.0 and probability[10] == 0.0
    assert down_steps(ds, "PMP") == list(range(4, 10))  # central buffer 4 h, the middle of the range


def test_a_down_report_weighs_the_damage_states():
    """none:0.6|extensive:0.4 on class ``two`` (extensive 10 h), reported down at hour 3: only the
    extensive state lasts past the report (P(D > 3 h) = 0 for none), so its posterior weight is 1
    and the asset is down on [0, 10) in every sample and in the central estimate."""
    from scenario_factory import at

    sc = scenario(
        [asset("A", "two")],
        [strike("S1", "A", 0, "none:0.6|extensive:0.4")],
        status_updates=[{"time": at(3), "asset_id": "A", "status": "down", "source": "operator"}],
    )
    ds = impact.run(sc, samples=300, seed=5).dataset
    assert ds["asset_down_probability"].sel(asset="A").values[:10].tolist() == [1.0] * 10
    assert ds["asset_down_probability"].sel(asset="A").values[10:].sum() == 0
    assert down_steps(ds, "A") == list(range(0, 10))
    model = compile_scenario(sc)
    draws = model.sample_draws(300, 5)
    q = [0.05, 0.5, 0.95]
    assert np.array_equal(
        fast.compute(model, draws, q).people_quantiles, reference.compute(model, draws, q).people_quantiles
    )


def test_a_down_report_prefers_the_strike_that_certainly_hit():
    """S1 certainly hit A; S2 may have hit A or B. A report that A is down is explained by S1, so
    S2 keeps its candidates (and no note says it was narrowed)."""
    from scenario_factory import at

    sc = scenario(
        [asset("A", "h10"), asset("B", "h10")],
        [strike("S1", "A", 0), strike("S2", "A:0.5|B:0.5", 1)],
        status_updates=[{"time": at(3), "asset_id": "A", "status": "down", "source": "operator"}],
    )
    model = compile_scenario(sc)
    assert [len(c) for c in model.strike_candidates] == [1, 2]
    assert model.reports[0].strike == 0
    assert not any("taken to have hit" in note for note in model.report_notes)
