"""Drained district-heating buildings and their restart delay (issue 15; docs/method.md, section 4d).

Hand-computed cases with exact numbers, in both engines: a boiler house down 30 h at a
constant −10 °C with a fixed restart delay of 24 h gives heat back 54 h after the strike; at
+5 °C nothing drains and heat is back at 30 h. Fast == reference on random scenarios with
drains is in tests/test_heat_random.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import at, fixed_curves, make_scenario, strike

import impact
from impact.engine import fast, reference
from impact.engine import intervals as iv
from impact.engine.compile import compile_scenario
from impact.engine.heat import cold_spans, drained_state, drained_state_reference
from impact.scenario import ScenarioError

HEAT = 2
FIXED_RESTART = {"restart_distribution": "fixed", "restart_median_hours": 24, "drain_after_hours": 6}


def boiler_scenario(
    readings, heat=None, repair_hours=30.0, strikes=None, horizon_hours=96, housing=None, housing_types=None, **settings
):
    """R1 (1,000 people) heated by boiler house BH, struck at 02:00 and repaired in ``repair_hours``.

    ``readings`` is a list of (hours since start, °C) for every area.
    """
    return make_scenario(
        areas=[
            {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
            {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1000},
        ],
        assets=[
            {
                "asset_id": "BH",
                "name": "Boiler house",
                "kind": "boiler_house",
                "area_id": "R1",
                "restoration_class": "bh",
            }
        ],
        service_links=[{"area_id": "R1", "service": "heat", "asset_id": "BH", "share": 1.0}],
        strikes=strikes if strikes is not None else [strike("S1", "BH", 2.0)],
        restoration=fixed_curves("bh", repair_hours),
        temperature=[{"time": at(h), "temperature_c": c, "area_id": ""} for h, c in readings],
        housing=housing,
        housing_types=housing_types,
        heat=FIXED_RESTART if heat is None else heat,
        horizon_hours=horizon_hours,
        **settings,
    )


def heat_series(scenario):
    """People without heat in R1 per step, central estimate, both engines asserted equal."""
    model = compile_scenario(scenario)
    draws = model.central_draws()
    first = fast.compute(model, draws, [0.5])
    second = reference.compute(model, draws, [0.5])
    assert np.array_equal(first.people_mean, second.people_mean)
    assert np.array_equal(first.people_quantiles, second.people_quantiles)
    return first.people_mean[HEAT, 1], model


def back_at(series) -> int:
    """The first step after the outage at which nobody is without heat."""
    out = np.flatnonzero(series > 0)
    return int(out[-1]) + 1


def test_thirty_hours_at_minus_ten_with_a_fixed_restart_of_24_hours_returns_heat_54_hours_after_the_strike():
    series, model = heat_series(boiler_scenario([(0, -10.0)]))
    assert len(model.drains) == 1
    assert series[2] == 1000 and series[1] == 0
    assert back_at(series) == 2 + 54
    assert np.all(series[2:56] == 1000)


def test_at_plus_five_nothing_drains_and_heat_is_back_at_30_hours():
    series, model = heat_series(boiler_scenario([(0, 5.0)]))
    assert model.drains == ()  # never cold: no helper at all
    assert back_at(series) == 2 + 30


def test_a_short_outage_is_not_drained():
    series, _model = heat_series(boiler_scenario([(0, -10.0)], repair_hours=5.0))
    assert back_at(series) == 2 + 5


def test_an_outage_of_exactly_the_drain_delay_is_not_drained_but_one_hour_more_is():
    # drained at a + 6 only if that moment comes before the supply returns
    series, _ = heat_series(boiler_scenario([(0, -10.0)], repair_hours=6.0))
    assert back_at(series) == 2 + 6
    series, _ = heat_series(boiler_scenario([(0, -10.0)], repair_hours=7.0))
    assert back_at(series) == 2 + 7 + 24


def test_frost_arriving_during_the_outage_drains_it_and_frost_after_it_does_not():
    # warm until hour 20, then -5 °C: the 30-hour outage [2, 32) drains at 20
    series, _ = heat_series(boiler_scenario([(0, 2.0), (20, -5.0)]))
    assert back_at(series) == 32 + 24
    # frost from hour 40, after the outage: not drained, but the helper exists
    series, model = heat_series(boiler_scenario([(0, 2.0), (40, -5.0)]))
    assert len(model.drains) == 1
    assert back_at(series) == 32


def test_the_threshold_is_at_or_below_and_configurable():
    series, _ = heat_series(boiler_scenario([(0, -3.0)]))
    assert back_at(series) == 56  # -3 °C is "at or below" the default -3
    series, _ = heat_series(boiler_scenario([(0, -3.0)], heat={**FIXED_RESTART, "drain_below_celsius": -4}))
    assert back_at(series) == 32


def test_an_outage_past_the_horizon_stays_out():
    series, _ = heat_series(boiler_scenario([(0, -10.0)], repair_hours=200.0, horizon_hours=48))
    assert np.all(series[2:] == 1000)


def test_two_outages_each_drain_and_the_restarts_merge():
    # BH struck at 2 (30 h) and again at 40 (10 h): drained at 8 -> heat back 56;
    # second outage [40, 50) drains at 46 -> heat back at 74
    strikes = [strike("S1", "BH", 2.0), strike("S2", "BH", 40.0)]
    scenario = boiler_scenario([(0, -10.0)], strikes=strikes)
    scenario.restoration.loc[:, "median_days"] = 30 / 24
    model = compile_scenario(scenario)
    draws = model.central_draws()
    durations = draws.durations.copy()
    durations[0, 1] = 10.0
    import dataclasses

    draws = dataclasses.replace(draws, durations=durations)
    first = fast.compute(model, draws, [0.5])
    second = reference.compute(model, draws, [0.5])
    assert np.array_equal(first.people_mean, second.people_mean)
    series = first.people_mean[HEAT, 1]
    assert np.flatnonzero(series > 0).tolist() == list(range(2, 74))


def test_sampled_restart_delays_are_lognormal_around_the_median_and_move_nothing_else():
    heat = {"restart_distribution": "lognormal", "restart_median_hours": 24, "restart_dispersion": 0.7}
    model = compile_scenario(boiler_scenario([(0, -10.0)], heat=heat))
    draws = model.sample_draws(4000, 7)
    restart = draws.restart[:, 0]
    assert np.median(restart) == pytest.approx(24, rel=0.05)
    assert np.quantile(restart, 0.9) / 24 == pytest.approx(np.exp(0.7 * 1.2816), rel=0.08)
    warm = compile_scenario(boiler_scenario([(0, 5.0)], heat=heat)).sample_draws(4000, 7)
    assert warm.restart is None
    assert np.array_equal(warm.durations, draws.durations)  # the restart stream is a stream of its own
    first = fast.compute(model, draws.rows(0, 200), [0.1, 0.5, 0.9])
    second = reference.compute(model, draws.rows(0, 200), [0.1, 0.5, 0.9])
    assert np.array_equal(first.people_quantiles, second.people_quantiles)
    assert np.array_equal(first.per_sample["restore_steps"], second.per_sample["restore_steps"])


def test_individual_heating_through_own_power_is_never_drained():
    scenario = make_scenario(
        areas=[
            {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
            {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1000},
        ],
        assets=[
            {"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1", "restoration_class": "s"}
        ],
        service_links=[
            {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
            {"area_id": "R1", "service": "heat", "asset_id": "own_power", "share": 0.5},
        ],
        strikes=[strike("S1", "SUB", 2.0)],
        restoration=fixed_curves("s", 30),
        temperature=[{"time": at(0), "temperature_c": -10.0, "area_id": ""}],
        heat=FIXED_RESTART,
        horizon_hours=96,
    )
    series, model = heat_series(scenario)
    assert model.drains == ()
    assert back_at(series) == 32 and series[10] == 500


def test_cold_spans_follow_the_step_series():
    time = np.arange(6, dtype=float)
    start, end = cold_spans(np.array([np.nan, -5, -2, -3, -4, 1]), time, -3.0)
    assert start.tolist() == [1.0, 3.0] and end.tolist() == [2.0, 5.0]
    start, end = cold_spans(np.array([1, 1, -9, -9, -9, -9.0]), time, -3.0)
    assert start.tolist() == [2.0] and end.tolist() == [np.inf]


@pytest.mark.parametrize("seed", range(30))
def test_the_drained_state_rule_equals_its_plain_version(seed):
    rng = np.random.default_rng(seed)
    samples = 25
    starts = np.sort(rng.uniform(-10, 80, (samples, 4)), axis=1)
    ends = starts + rng.choice([0.5, 3, 6, 7, 20, np.inf], (samples, 4))
    outage = iv.normalize(starts, ends)
    readings = rng.choice([-8.0, -3.0, 0.0, np.nan, 4.0], 48)
    cold_start, cold_end = cold_spans(readings, np.arange(48) * 2.0, -3.0)
    after = float(rng.choice([0.0, 2.0, 6.0]))
    restart = rng.uniform(0, 40, samples)
    fast_state = drained_state(outage, cold_start, cold_end, after, restart)
    cold = list(zip(cold_start.tolist(), cold_end.tolist(), strict=True))
    from impact.engine.reference import merge

    for n in range(samples):
        rows = [(a, b) for a, b in zip(*(x[n].tolist() for x in outage), strict=True) if np.isfinite(a)]
        expected = merge(drained_state_reference(rows, cold, after, float(restart[n])))
        pairs = zip(fast_state[0][n].tolist(), fast_state[1][n].tolist(), strict=True)
        got = [(a, b) for a, b in pairs if np.isfinite(a)]
        assert got == expected


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("drain_below_celsius", "cold", "must be a number"),
        ("drain_after_hours", -1, ">= 0"),
        ("restart_distribution", "weibull", "must be one of normal, lognormal, fixed"),
        ("restart_median_hours", float("nan"), ">= 0"),
        ("restart_dispersion", True, ">= 0"),
        ("restart_hours", 3, "unknown key"),
    ],
)
def test_heat_settings_are_checked_with_located_messages(key, value, message):
    with pytest.raises(ScenarioError) as error:
        boiler_scenario([(0, -10.0)], heat={key: value})
    text = str(error.value)
    assert f"heat.{key}" in text and message in text


def test_people_drained_are_counted_from_the_drain_until_the_restart():
    result = impact.run(boiler_scenario([(0, -10.0)]), samples=30, seed=3)
    ds = result.dataset
    drained = ds["people_drained_central"].sel(area="R1").values
    assert np.flatnonzero(drained).tolist() == list(range(8, 56))  # drained at 2 + 6, restarted at 32 + 24
    assert np.all(drained[8:56] == 1000)
    # the parent sums its leaves; a fixed restart makes every sample the same
    assert np.array_equal(ds["people_drained_central"].sel(area="R").values, drained)
    assert np.array_equal(ds["people_drained_mean"].sel(area="R1").values, drained)
    assert np.array_equal(ds["people_drained"].sel(area="R1", quantile=0.95).values, drained)
    assert ds["people_drained"].attrs["units"] == "persons"
    # the service axis holds the real services only
    assert list(ds["service"].values) == ["power", "water", "heat"]
    heat = ds["people_without_central"].sel(area="R1", service="heat").values
    assert np.flatnonzero(heat).tolist() == list(range(2, 56))


def test_without_frost_there_is_no_drained_variable():
    ds = impact.run(boiler_scenario([(0, 5.0)]), samples=5, seed=3).dataset
    assert "people_drained" not in ds


def test_sampled_restart_delays_are_kept_per_sample_and_split_the_variance_of_heat():
    lognormal = {**FIXED_RESTART, "restart_distribution": "lognormal", "restart_dispersion": 0.7}
    result = impact.run(boiler_scenario([(0, -10.0)], heat=lognormal), samples=200, seed=2)
    ds = result.dataset
    drawn = ds["drawn_restart_hours"]
    assert drawn.dims == ("sample", "drain") and list(drawn["drain_asset"].values) == ["BH"]
    assert str(drawn["drain"].values[0]).startswith("BH;") and len(str(drawn["drain"].values[0])) == 3 + 8
    assert drawn.attrs["units"] == "hours"
    # the same draws as the engine's: heat is back the restart delay after the repair (32 h),
    # on the hour after, within the 96 h horizon; out since the strike at 2 h
    heat_hours = ds["person_hours_without_sample"].sel(service="heat", area="R1").values / 1000
    assert np.array_equal(np.minimum(np.ceil(32 + drawn.values[:, 0]), 96) - 2, heat_hours)
    shares = impact.sensitivity(result, by="input", services="heat")
    r1 = shares["variance_share"].sel(service="heat", area="R1").to_series()
    assert r1["restart"] > 0.95 and r1.drop("restart").eq(0).all()  # the repair is fixed: the restart is all
    assert shares["input_variables"].sel(input="restart").item() == 1
    # a result written before the delays were kept: not recorded, rather than fixed
    older = impact.sensitivity(
        ds.drop_vars(["drawn_restart_hours", "drain", "drain_asset"]), by="input", services="heat"
    )
    assert older["input_variables"].sel(input="restart").item() == -1
    assert np.isnan(older["variance_share"].sel(service="heat", area="R1", input="restart").item())
    bars, _marks = impact.figures.sensitivity(older, "heat", "R1").data
    assert "not recorded in this result" in [row[0] for row in bars.customdata]
    # without drains there is no such variable and the kind is fixed
    mild = impact.run(boiler_scenario([(0, 5.0)], heat=lognormal), samples=30, seed=2)
    assert "drawn_restart_hours" not in mild.dataset
    assert impact.sensitivity(mild, by="input")["input_variables"].sel(input="restart").item() == 0


def test_restart_delays_do_not_depend_on_the_order_of_the_rows():
    lognormal = {**FIXED_RESTART, "restart_distribution": "lognormal", "restart_dispersion": 0.7}
    areas = [
        {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
        {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1000},
        {"area_id": "R2", "name": "District 2", "admin_level": 2, "parent_id": "R", "population": 500},
    ]
    links = [{"area_id": a, "service": "heat", "asset_id": "BH", "share": 1.0} for a in ("R1", "R2")]

    def run(order):
        scenario = make_scenario(
            areas=[areas[k] for k in order],
            assets=[{"asset_id": "BH", "name": "Boiler house", "kind": "boiler_house", "area_id": "R1"}],
            service_links=links if order[1] == 1 else links[::-1],
            strikes=[strike("S1", "BH", 2.0)],
            restoration=fixed_curves("boiler_house", 30.0),
            temperature=[{"time": at(0), "temperature_c": -10.0, "area_id": ""}],
            heat=lognormal,
            horizon_hours=96,
        )
        return impact.run(scenario, samples=20, seed=5).dataset

    first, second = run([0, 1, 2]), run([0, 2, 1])
    assert list(first["drain"].values) == list(second["drain"].values)
    assert np.array_equal(first["drawn_restart_hours"].values, second["drawn_restart_hours"].values)
    heat = first["people_without"].sel(service="heat", area=["R1", "R2"])
    assert heat.equals(second["people_without"].sel(service="heat", area=["R1", "R2"]))
