"""Status updates condition the forecast (docs/method.md, section 3a), checked by hand and against the reference.

Layout of ``scenario_factory``: R1 (1000 people) gets power through SUB; hours are hours since
the start, one-hour steps, 48 h horizon; step k is at hour k.
"""

from __future__ import annotations

import dataclasses
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from scenario_factory import at, fixed_curve, fixed_curves, make_scenario, random_scenario, strike
from test_engine_random import assert_same

import impact
from impact.engine import fast, reference
from impact.engine.compile import compile_scenario
from impact.restoration import DISTRIBUTION_CODES, conditional_hours

SUB = [{"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1", "restoration_class": "c"}]
POWER = [{"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0}]


def update(hours: float, status: str, asset: str = "SUB") -> dict:
    return {"time": at(hours), "asset_id": asset, "status": status, "source": "operator"}


def power_series(updates, restoration, strikes=None, samples: int = 20):
    scenario = make_scenario(
        assets=SUB,
        service_links=POWER,
        restoration=restoration,
        strikes=strikes or [strike("S1", "SUB", 2.0)],
        status_updates=updates,
        samples=samples,
    )
    result = impact.run(scenario, samples=samples, seed=3)
    ds = result.dataset.sel(service="power", area="R1")
    return ds["people_without_central"].values, ds, result


def down_steps(series: np.ndarray) -> list[int]:
    return np.flatnonzero(series).tolist()


def test_up_report_ends_the_outage_at_its_time():
    # Fixed 10 h repair from hour 2 (down 2..11); reported up at hour 6: down 2..5 only.
    central, ds, _ = power_series([update(6, "up")], fixed_curves("c", 10))
    assert down_steps(central) == [2, 3, 4, 5]
    assert np.array_equal(ds["people_without"].sel(quantile=0.95).values, central)


def test_up_report_between_strikes_leaves_the_later_strike():
    # Strikes at 2 and 8, 10 h each: [2, 12) and [8, 18) merge; up at 6 cuts the first only.
    central, _, _ = power_series(
        [update(6, "up")], fixed_curves("c", 10), strikes=[strike("S1", "SUB", 2.0), strike("S2", "SUB", 8.0)]
    )
    assert down_steps(central) == [2, 3, 4, 5, *range(8, 18)]


def test_down_report_past_a_fixed_repair_restarts_it():
    # Fixed 4 h from hour 2 would end at 6; still down at 8 (6 h elapsed): restart, 6 + 4 = 10 h, down 2..11.
    central, ds, _ = power_series([update(8, "down")], fixed_curves("c", 4))
    assert down_steps(central) == list(range(2, 12))
    assert np.array_equal(ds["people_without_mean"].values, central)


def test_down_report_within_the_repair_changes_nothing():
    central, _, _ = power_series([update(4, "down")], fixed_curves("c", 4))
    assert down_steps(central) == [2, 3, 4, 5]


def lognormal(median_days: float, sigma: float) -> list[dict]:
    return [
        {
            "restoration_class": "c",
            "damage_state": state,
            "distribution": "lognormal",
            "median_days": median_days,
            "dispersion": sigma,
            "source": "test",
        }
        for state in ("slight", "moderate", "extensive", "complete")
    ]


def test_down_report_conditional_median_by_hand():
    # Lognormal, median 1 day, sigma 0.5; strike at hour 0; still down at hour 48 (2 days).
    # F(2 d) = Phi(ln 2 / 0.5) = Phi(1.3863) = 0.91718; the conditional median is at
    # 0.91718 + 0.5 x 0.08282 = 0.95859, z = 1.7346, D = exp(0.5 x 1.7346) d = 2.3806 d = 57.13 h.
    central, ds, _ = power_series(
        [update(48, "down")], lognormal(1.0, 0.5), strikes=[strike("S1", "SUB", 0.0)], samples=200
    )
    # The 48 h horizon ends first: down at every step.
    assert down_steps(central) == list(range(48))
    hours = conditional_hours(DISTRIBUTION_CODES["lognormal"], 1.0, 0.5, 48.0, 1.0, np.array([0.5]))[0]
    assert hours == pytest.approx(57.13, abs=0.01)
    level = NormalDist().cdf(np.log(2) / 0.5)
    assert level == pytest.approx(0.91718, abs=1e-5)
    # Every Monte Carlo sample lasts past the report.
    assert (ds["people_without"].sel(quantile=0.05).values[:48] == 1000).all()


def test_conditioned_draws_all_last_past_the_report_and_follow_the_curve():
    draws = conditional_hours(
        DISTRIBUTION_CODES["lognormal"], 1.0, 0.5, 30.0, 1.0, np.random.default_rng(1).random(20_000)
    )
    assert (draws > 30.0).all()
    # P(D > 40 h | D > 30 h) = (1 - F(40 h)) / (1 - F(30 h)).
    cdf = NormalDist(0, 0.5).cdf
    expected = (1 - cdf(np.log(40 / 24))) / (1 - cdf(np.log(30 / 24)))
    assert (draws > 40.0).mean() == pytest.approx(expected, abs=0.01)
    normal = conditional_hours(DISTRIBUTION_CODES["normal"], 1.0, 0.25, 30.0, 1.0, np.array([0.0, 0.5, 0.9999]))
    assert (normal > 30.0).all() and np.all(np.diff(normal) > 0)


def test_down_report_redraws_only_samples_that_ended_before_it():
    # Lognormal median 10 h: most samples end before hour 20, some do not.
    scenario = make_scenario(
        assets=SUB,
        service_links=POWER,
        restoration=lognormal(10 / 24, 0.8),
        strikes=[strike("S1", "SUB", 0.0)],
        status_updates=[update(20, "down")],
        samples=300,
    )
    model = compile_scenario(scenario)
    durations = model.sample_durations(300, 5)
    plain = durations[:, 0]
    conditioned = durations[:, 1]
    assert (conditioned > 20).all()
    steps = fast.asset_steps(model, durations)
    down_at_20 = steps.down_counts()[0, 20]
    assert down_at_20 == 300
    last_down = {}
    for sample, stop in zip(steps.sample, steps.stop, strict=True):
        last_down[int(sample)] = int(stop)
    for n in range(300):
        expected = plain[n] if plain[n] > 20 else conditioned[n]
        assert last_down[n] == min(int(np.ceil(expected)), 48), n


def test_up_report_on_a_dependent_asset_overrides_its_supply_loss():
    assets = [
        *SUB,
        {"asset_id": "PMP", "name": "Pump", "kind": "pumping_station", "area_id": "R1", "restoration_class": "c"},
    ]
    scenario = make_scenario(
        assets=assets,
        dependencies=[{"asset_id": "PMP", "depends_on": "SUB", "group": "", "buffer_hours": 0}],
        service_links=[*POWER, {"area_id": "R2", "service": "water", "asset_id": "PMP", "share": 1.0}],
        restoration=fixed_curves("c", 10),
        strikes=[strike("S1", "SUB", 2.0)],
        status_updates=[update(5, "up", "PMP")],
    )
    ds = impact.run(scenario, samples=5).dataset
    assert down_steps(ds["people_without_central"].sel(service="water", area="R2").values) == [2, 3, 4]
    assert down_steps(ds["people_without_central"].sel(service="power", area="R1").values) == list(range(2, 12))


def test_reports_that_cannot_be_used_are_named():
    scenario = make_scenario(
        assets=SUB,
        service_links=POWER,
        restoration=fixed_curves("c", 10),
        strikes=[strike("S1", "SUB", 5.0)],
        status_updates=[update(3, "down"), update(6, "up"), update(9, "down")],
    )
    model = compile_scenario(scenario)
    assert [report.down for report in model.reports] == [False]
    assert model.report_notes == [
        "status_updates.csv:2: SUB reported down, but no strike on it at or before then; not used",
        "status_updates.csv:4: SUB reported down after an up report with no strike in between; not used",
    ]
    result = impact.run(scenario, samples=0)
    assert "not used" in result.dataset.attrs["status_updates"]


def with_random_updates(seed: int):
    scenario = random_scenario(seed)
    rng = np.random.default_rng(seed + 7000)
    config = scenario.config
    struck = sorted(set(scenario.strikes["asset_id"]))
    rows = []
    for _ in range(int(rng.integers(1, 6))):
        asset = str(rng.choice(struck)) if rng.random() < 0.8 else str(rng.choice(scenario.assets["asset_id"]))
        moment = config.start + pd.Timedelta(minutes=int(rng.integers(-60, int(config.horizon_hours * 60) + 60)))
        rows.append(
            {
                "time": moment,
                "asset_id": asset,
                "status": str(rng.choice(["up", "down"])),
                "source": "",
                "__line__": len(rows) + 2,
            }
        )
    updates = pd.DataFrame(rows)
    return dataclasses.replace(scenario, status_updates=updates)


@pytest.mark.parametrize("seed", range(60))
def test_fast_equals_reference_with_status_updates(seed):
    model = compile_scenario(with_random_updates(seed))
    quantiles = np.array([0.05, 0.5, 0.95])
    for durations in (model.sample_durations(25, seed), model.central_durations()):
        assert durations.shape[1] == len(model.strike_ids) + len(model.reports)
        assert_same(fast.compute(model, durations, quantiles), reference.compute(model, durations, quantiles))


def _curves_by_state(hours: dict[str, float]) -> list[dict]:
    return [fixed_curve("c", value, state) for state, value in hours.items()]


@pytest.mark.parametrize("order", [1, -1], ids=["as listed", "rows reversed"])
def test_a_down_report_on_two_strikes_at_one_time_conditions_the_greater_strike_id(order):
    # S1 (slight, 5 h) and S2 (complete, 20 h) both at hour 2: down 2..21. Reported down at 25,
    # 23 h after the strikes: S2 (the greater id) restarts, 23 + 20 = 43 h, down 2..44.
    # Conditioning S1 instead would give 23 + 5 = 28 h, down 2..29 -- whatever the row order.
    curves = _curves_by_state({"slight": 5, "moderate": 10, "extensive": 15, "complete": 20})
    strikes = [strike("S1", "SUB", 2.0, "slight"), strike("S2", "SUB", 2.0, "complete")][::order]
    central, _, _ = power_series([update(25, "down")], curves, strikes=strikes)
    assert down_steps(central) == list(range(2, 45))


@pytest.mark.parametrize("order", [1, -1], ids=["down listed first", "up listed first"])
def test_down_and_up_at_one_time_apply_down_then_up(order):
    # Fixed 10 h from hour 2 (down 2..11); down and up both at hour 6: up wins, down 2..5, and
    # both are used (were up applied first, the down report would be set aside as disagreeing).
    central, ds, _ = power_series([update(6, "down"), update(6, "up")][::order], fixed_curves("c", 10))
    assert down_steps(central) == [2, 3, 4, 5]
    assert ds.attrs["status_updates"] == "2 status updates used to condition the forecast (docs/method.md, section 3a)"
