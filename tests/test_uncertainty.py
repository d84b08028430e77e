"""Issue 13: what is uncertain is sampled (docs/method.md, section 2b).

Weighted damage states and candidate assets, buffer ranges, correlated repairs and crew
pools: the fast engine equals the reference engine exactly with all of them switched on, on
random scenarios; each drawn variable follows its weights; a scenario without them keeps
its draws bit for bit.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest
from scenario_factory import random_scenario
from scipy.special import ndtri
from test_engine_random import QUANTILES, assert_same

from impact.engine import fast, reference
from impact.engine.compile import CompiledScenario, compile_scenario
from impact.engine.draws import as_draws
from impact.restoration import sample_hours

SEEDS = range(60)
QUICK = 12


def seeds() -> list:
    return [pytest.param(s, marks=pytest.mark.slow) if s >= QUICK else s for s in SEEDS]


def uncertain(model: CompiledScenario, seed: int, crews: bool = True) -> CompiledScenario:
    """The random scenario's model with every issue-13 input switched on at random."""
    rng = np.random.default_rng([seed, 13])
    real = model.assets_shown
    curves = model.asset_curves
    candidates, candidate_weights, states, state_weights = [], [], [], []
    for i in range(len(model.strike_ids)):
        hit = int(model.strike_asset[i])
        options = [hit]
        if rng.random() < 0.5:
            others = [j for j in range(real) if j != hit]
            options += [
                int(j) for j in rng.choice(others, size=min(len(others), int(rng.integers(1, 3))), replace=False)
            ]
        usable = [k for k in range(len(curves[0])) if all(not np.isnan(curves[j, k, 1]) for j in options)]
        chosen = sorted(rng.choice(usable, size=min(len(usable), int(rng.integers(1, 4))), replace=False).tolist())
        candidates.append(np.array(options, dtype=np.int64))
        candidate_weights.append(rng.dirichlet(np.ones(len(options))))
        states.append(np.array(chosen, dtype=np.int64))
        state_weights.append(rng.dirichlet(np.ones(len(chosen))))
    high = model.buffer_low + np.where(
        rng.random(len(model.buffer_low)) < 0.6, rng.uniform(0, 30, len(model.buffer_low)), 0
    )
    changes = {
        "strike_candidates": tuple(candidates),
        "strike_candidate_weights": tuple(candidate_weights),
        "strike_states": tuple(states),
        "strike_state_weights": tuple(state_weights),
        "buffer_high": high,
        "repair_correlation": float(rng.choice([0.0, 0.3, 0.8, 1.0])),
    }
    if crews:
        assets = len(model.asset_ids)
        pools = int(rng.integers(1, 3))
        pool = np.where(rng.random(assets) < 0.7, rng.integers(0, pools, assets), -1)
        pool[real:] = -1
        priority = np.where(rng.random(assets) < 0.5, rng.integers(1, 4, assets).astype(float), np.inf)
        changes |= {
            "asset_pool": pool.astype(np.int64),
            "asset_priority": priority,
            "asset_order": np.argsort(np.argsort(np.array(model.asset_ids, dtype=object), kind="stable")).astype(
                np.int64
            ),
            "pool_ids": [f"P{p}" for p in range(pools)],
            "pool_crews": rng.integers(1, 3, pools).astype(np.int64),
        }
    return dataclasses.replace(model, **changes)


@cache
def uncertain_case(seed: int, crews: bool = True) -> CompiledScenario:
    return uncertain(compile_scenario(random_scenario(seed)), seed, crews)


@pytest.mark.parametrize("crews", [False, True], ids=["unlimited-crews", "crew-pools"])
@pytest.mark.parametrize("seed", seeds())
def test_fast_equals_reference_with_every_uncertain_input(seed, crews):
    model = uncertain_case(seed, crews=crews)
    draws = model.sample_draws(20 + seed % 17, seed)
    assert_same(fast.compute(model, draws, QUANTILES), reference.compute(model, draws, QUANTILES))
    central = model.central_draws()
    assert_same(fast.compute(model, central, QUANTILES), reference.compute(model, central, QUANTILES))


def test_without_new_inputs_each_strike_draws_from_its_own_curve_and_stream():
    """Without weights, candidates, ranges or correlation, the draws are each strike's curve at
    its own stream (``sample_hours``, as before issue 13), the asset and buffers fixed. (That the
    numbers themselves did not move is the golden tests' job: tests/test_determinism.py.)"""
    for seed in range(6):
        model = compile_scenario(random_scenario(seed))
        draws = model.sample_draws(30, seed)
        strikes = len(model.strike_ids)
        before = sample_hours(
            model.strike_distribution,
            model.strike_median_days,
            model.strike_dispersion,
            30,
            seed,
            keys=model.strike_ids,
        )
        assert np.array_equal(draws.durations[:, :strikes], before)
        assert np.array_equal(draws.strike_asset, np.broadcast_to(model.strike_asset, (30, strikes)))
        assert np.array_equal(draws.buffers, np.broadcast_to(model.buffer_low, draws.buffers.shape))
        plain = as_draws(model, draws.durations)
        assert np.array_equal(plain.strike_asset, draws.strike_asset)
        assert np.array_equal(plain.buffers, draws.buffers)


def test_weighted_states_and_candidates_follow_their_weights():
    """Shares of samples per state and per candidate within 4 binomial standard errors."""
    model = uncertain_case(3, crews=False)
    samples = 4000
    draws = model.sample_draws(samples, 99)
    checked = 0
    for i in range(len(model.strike_ids)):
        for options, weights, drawn in (
            (model.strike_states[i], model.strike_state_weights[i], draws.damage_state[:, i]),
            (model.strike_candidates[i], model.strike_candidate_weights[i], draws.strike_asset[:, i]),
        ):
            for option, weight in zip(options, weights, strict=True):
                share = (drawn == option).mean()
                assert abs(share - weight) <= 4 * np.sqrt(weight * (1 - weight) / samples) + 1e-12
                checked += 1
    assert checked > 10


def test_states_and_candidates_are_drawn_from_streams_of_their_own():
    """Adding weights to one strike moves none of the other strikes' draws, nor its own repair quantile."""
    model = compile_scenario(random_scenario(4))
    base = model.sample_draws(50, 7)
    states = list(model.strike_states)
    weights = list(model.strike_state_weights)
    usable = [k for k in range(1, 5) if not np.isnan(model.asset_curves[model.strike_asset[0], k, 1])]
    states[0] = np.array(usable[:2], dtype=np.int64)
    weights[0] = np.array([0.5, 0.5])
    changed = dataclasses.replace(model, strike_states=tuple(states), strike_state_weights=tuple(weights))
    after = changed.sample_draws(50, 7)
    assert np.array_equal(after.durations[:, 1:], base.durations[:, 1:])
    assert np.array_equal(after.repair_quantile, base.repair_quantile)


def test_buffers_are_uniform_in_their_range():
    model = uncertain_case(5, crews=False)
    ranged = np.flatnonzero(model.buffer_high > model.buffer_low)
    assert len(ranged)
    draws = model.sample_draws(3000, 1)
    for b in ranged:
        low, high = model.buffer_low[b], model.buffer_high[b]
        values = draws.buffers[:, b]
        assert (values >= low).all() and (values <= high).all()
        # the mean of a uniform within 4 standard errors
        assert abs(values.mean() - (low + high) / 2) < 4 * (high - low) / np.sqrt(12 * len(values))
    assert np.array_equal(model.central_draws().buffers[0], (model.buffer_low + model.buffer_high) / 2)


@pytest.mark.parametrize("correlation", [0.0, 0.4, 0.9])
def test_repair_correlation_is_the_correlation_of_the_latent_normals(correlation):
    model = dataclasses.replace(compile_scenario(random_scenario(8)), repair_correlation=correlation)
    draws = model.sample_draws(6000, 3)
    latent = ndtri(draws.repair_quantile)
    assert latent.shape[1] >= 2
    pairs = np.corrcoef(latent.T)[np.triu_indices(latent.shape[1], 1)]
    assert abs(pairs.mean() - correlation) < 0.05


def test_central_state_is_the_weighted_median_in_order_of_severity():
    model = compile_scenario(random_scenario(2))
    states = list(model.strike_states)
    weights = list(model.strike_state_weights)
    states[0], weights[0] = np.array([3, 2]), np.array([0.4, 0.6])  # extensive 0.4, moderate 0.6
    states[1], weights[1] = np.array([2, 3]), np.array([0.5, 0.5])  # a tie at 1/2: the lower state
    states[2], weights[2] = np.array([1, 2, 4]), np.array([0.2, 0.2, 0.6])  # complete
    changed = dataclasses.replace(model, strike_states=tuple(states), strike_state_weights=tuple(weights))
    assert changed.central_states()[:3].tolist() == [2, 2, 4]
