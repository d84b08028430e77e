"""Restoration curves: the shipped defaults, sampling and merging (docs/method.md, section 2)."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from scenario_factory import fixed_curve, make_scenario, strike

from impact.engine.compile import compile_scenario
from impact.restoration import DISTRIBUTION_CODES, default_curves, median_hours, merge_curves, sample_hours
from impact.scenario.schema import DAMAGE_STATES, DISTRIBUTIONS, KIND_DEFAULT_CLASS

NORMAL, LOGNORMAL, FIXED = DISTRIBUTION_CODES["normal"], DISTRIBUTION_CODES["lognormal"], DISTRIBUTION_CODES["fixed"]


@pytest.fixture(scope="module")
def defaults() -> pd.DataFrame:
    return default_curves()


def test_default_table_loads(defaults):
    assert list(defaults.columns[:6]) == [
        "restoration_class",
        "damage_state",
        "distribution",
        "median_days",
        "dispersion",
        "source",
    ]
    assert len(defaults) > 0
    assert not defaults.duplicated(["restoration_class", "damage_state"]).any()
    assert set(defaults["distribution"]) <= set(DISTRIBUTIONS)
    assert set(defaults["damage_state"]) <= set(DAMAGE_STATES[1:])
    assert (defaults["median_days"] >= 0).all()
    needs_dispersion = defaults["distribution"].isin(["normal", "lognormal"])
    assert defaults.loc[needs_dispersion, "dispersion"].notna().all()


def test_every_kind_has_a_curve_for_every_damage_state(defaults):
    have = set(zip(defaults["restoration_class"], defaults["damage_state"], strict=True))
    for kind, klass in KIND_DEFAULT_CLASS.items():
        for state in DAMAGE_STATES[1:]:
            assert (klass, state) in have, (kind, state)


def test_every_row_has_a_source(defaults):
    assert defaults["source"].map(lambda s: isinstance(s, str) and s.strip() != "").all()


@pytest.mark.parametrize(
    ("state", "median", "dispersion"),
    [("slight", 1, 0.5), ("moderate", 3, 1.5), ("extensive", 7, 3.5), ("complete", 30, 15)],
)
def test_hazus_electric_substation_rows(defaults, state, median, dispersion):
    """HAZUS-MH Technical Manual Table 8-28: electric substations, normal, mean/sd in days."""
    row = defaults[(defaults["restoration_class"] == "electric_substation") & (defaults["damage_state"] == state)]
    assert len(row) == 1
    row = row.iloc[0]
    assert (row["distribution"], row["median_days"], row["dispersion"]) == ("normal", median, dispersion)
    assert "HAZUS" in row["source"] and "8-28" in row["source"]
    assert "assumption" not in row["source"].lower()


def test_rows_not_confirmed_say_assumption(defaults):
    """A row is either a HAZUS citation or says it is an assumption (and then not 'HAZUS-MH ... Table')."""
    for source in defaults["source"]:
        confirmed = source.startswith("HAZUS") and "not confirmed" not in source
        if not confirmed:
            assert source.lower().startswith("assumption"), source
        if "not confirmed" in source or "no hazus" in source.lower() or "remembered" in source:
            assert "assumption" in source.lower(), source


# --- sampling ---------------------------------------------------------------------------------


def draw(distribution, median, dispersion, samples=20_000, seed=1):
    return sample_hours(
        np.array([distribution]), np.array([median], dtype=float), np.array([dispersion], dtype=float), samples, seed
    )[:, 0]


def test_sampling_is_deterministic_for_a_seed():
    codes = np.array([NORMAL, LOGNORMAL, FIXED, NORMAL])
    medians = np.array([2.0, 1.0, 3.0, 0.1])
    spread = np.array([1.0, 0.6, np.nan, 5.0])
    first = sample_hours(codes, medians, spread, 300, 42)
    assert first.shape == (300, 4)
    assert np.array_equal(first, sample_hours(codes, medians, spread, 300, 42))
    assert not np.array_equal(first, sample_hours(codes, medians, spread, 300, 43))


@pytest.mark.parametrize(
    ("distribution", "median", "dispersion"),
    [
        (NORMAL, 0.1, 5.0),
        (NORMAL, 0.0, 1.0),
        (NORMAL, 3.0, 1.5),
        (LOGNORMAL, 2.0, 1.2),
        (LOGNORMAL, 0.0, 0.5),
        (FIXED, 0.0, np.nan),
        (FIXED, 4.0, np.nan),
    ],
)
def test_never_negative(distribution, median, dispersion):
    hours = draw(distribution, median, dispersion)
    assert np.all(hours >= 0) and np.all(np.isfinite(hours))


def test_normal_mean_is_the_median_for_a_small_dispersion():
    hours = draw(NORMAL, 10.0, 1.0, samples=40_000)
    assert abs(hours.mean() - 240.0) < 4 * 24.0 / np.sqrt(len(hours))
    assert abs(np.std(hours) - 24.0) < 0.5


def test_normal_draws_are_truncated_at_zero():
    """Mean 0.5 day, sd 1 day truncated at 0: no draw is 0, and the share below 1 hour is
    (Phi((1/24 - 0.5) / 1) - Phi(-0.5)) / (1 - Phi(-0.5)) = 0.0214 (docs/method.md, section 2b)."""
    hours = draw(NORMAL, 0.5, 1.0, samples=40_000)
    assert (hours > 0).all()
    normal = NormalDist()
    expected = (normal.cdf(1 / 24 - 0.5) - normal.cdf(-0.5)) / (1 - normal.cdf(-0.5))
    assert abs(expected - 0.0214) < 1e-4
    share = (hours < 1).mean()
    assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / len(hours))
    # the median of the draws is the truncated curve's median, above the stated 0.5 day
    median = (0.5 + normal.inv_cdf((1 + normal.cdf(-0.5)) / 2)) * 24
    assert abs(np.median(hours) - median) < 0.02 * median


def test_lognormal_median_is_the_median_days():
    samples, sigma = 40_001, 0.8
    hours = draw(LOGNORMAL, 2.0, sigma, samples=samples)
    # The sample median of ln D has a standard error of about sqrt(pi / 2) * sigma / sqrt(n).
    error = np.sqrt(np.pi / 2) * sigma / np.sqrt(samples)
    assert abs(np.log(np.median(hours) / 48.0)) < 4 * error
    assert abs(np.log(hours).std() - sigma) < 0.02


def test_fixed_is_exact():
    hours = draw(FIXED, 1.25, np.nan, samples=100)
    assert np.all(hours == 30.0)
    # A dispersion given with a fixed curve is ignored.
    assert np.all(draw(FIXED, 1.25, 9.0, samples=100) == 30.0)


def test_median_hours_is_the_stated_median_for_every_distribution():
    codes = np.array([NORMAL, LOGNORMAL, FIXED])
    assert median_hours(codes, np.array([1.5, 0.25, 3.0])).tolist() == [36.0, 6.0, 72.0]


# --- merging ----------------------------------------------------------------------------------


def test_merge_without_overrides(defaults):
    merged = merge_curves(defaults, None)
    assert (merged["origin"] == "default").all()
    assert merged.drop(columns="origin").equals(defaults)


def test_merge_overrides_rows_and_adds_classes(defaults):
    overrides = pd.DataFrame(
        [
            {
                "restoration_class": "electric_substation",
                "damage_state": "moderate",
                "distribution": "fixed",
                "median_days": 0.5,
                "dispersion": np.nan,
                "source": "operator",
            },
            {
                "restoration_class": "field_kitchen",
                "damage_state": "complete",
                "distribution": "lognormal",
                "median_days": 2.0,
                "dispersion": 0.4,
                "source": "assumption: test",
            },
        ]
    )
    merged = merge_curves(defaults, overrides)
    assert len(merged) == len(defaults) + 1
    assert not merged.duplicated(["restoration_class", "damage_state"]).any()
    row = merged[(merged["restoration_class"] == "electric_substation") & (merged["damage_state"] == "moderate")]
    assert len(row) == 1 and row.iloc[0]["distribution"] == "fixed" and row.iloc[0]["median_days"] == 0.5
    assert row.iloc[0]["origin"] == "scenario" and row.iloc[0]["source"] == "operator"
    added = merged[merged["restoration_class"] == "field_kitchen"]
    assert len(added) == 1 and added.iloc[0]["origin"] == "scenario"
    untouched = merged[(merged["restoration_class"] == "electric_substation") & (merged["damage_state"] == "slight")]
    assert untouched.iloc[0]["origin"] == "default" and untouched.iloc[0]["median_days"] == 1
    # Defaults first, then the scenario's rows.
    assert list(merged["origin"]) == ["default"] * (len(defaults) - 1) + ["scenario"] * 2


def test_scenario_curves_reach_the_model():
    """An overriding row changes the substation's moderate curve; a new class is usable."""
    sc = make_scenario(
        assets=[
            {"asset_id": "SUB", "name": "S", "kind": "substation", "area_id": "R1"},
            {
                "asset_id": "PMP",
                "name": "P",
                "kind": "pumping_station",
                "area_id": "R1",
                "restoration_class": "mobile_pump",
            },
        ],
        strikes=[
            strike("S1", "SUB", 2, "moderate"),
            strike("S2", "SUB", 3, "slight"),
            strike("S3", "PMP", 4, "complete"),
        ],
        restoration=[fixed_curve("electric_substation", 6, "moderate"), fixed_curve("mobile_pump", 3, "complete")],
    )
    model = compile_scenario(sc)
    # slight stays HAZUS (normal 1 +- 0.5 day), whose median truncated at 0 is 1 + 0.5 Phi^-1((1 + Phi(-2)) / 2) days
    normal = NormalDist()
    slight = (1 + 0.5 * normal.inv_cdf((1 + normal.cdf(-2)) / 2)) * 24
    central = model.central_durations()[0]
    assert central[[0, 2]].tolist() == [6.0, 3.0]
    assert central[1] == pytest.approx(slight, rel=1e-12)
    assert model.strike_distribution.tolist() == [FIXED, NORMAL, FIXED]
    origins = sc.restoration.set_index(["restoration_class", "damage_state"])["origin"]
    assert origins[("electric_substation", "moderate")] == "scenario"
    assert origins[("electric_substation", "slight")] == "default"


def test_draws_of_a_strike_depend_only_on_seed_and_its_id() -> None:
    """Common random numbers: other strikes coming or going leave a strike's draws alone."""
    distribution = np.array([1, 2, 1])
    median = np.array([3.0, 5.0, 7.0])
    spread = np.array([1.0, 0.5, 2.0])
    full = sample_hours(distribution, median, spread, 50, 9, keys=["S1", "S2", "S3"])
    fewer = sample_hours(distribution[[0, 2]], median[[0, 2]], spread[[0, 2]], 50, 9, keys=["S1", "S3"])
    assert np.array_equal(full[:, [0, 2]], fewer)
    other_seed = sample_hours(distribution, median, spread, 50, 10, keys=["S1", "S2", "S3"])
    assert not np.array_equal(full, other_seed)
