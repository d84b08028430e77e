"""Small scenarios whose results are computed by hand (docs/method.md, sections 2-4).

Every case runs through :func:`impact.run`. Curves are ``fixed`` unless a case is about
another distribution, so the central estimate is exact and Monte Carlo samples equal it.
Default layout (``scenario_factory``): region R = districts R1 (1000 people) + R2 (500);
start 2025-12-19T00:00+02:00 (= 2025-12-18T22:00 UTC), 60-minute steps, 48 h horizon.
Hours below are hours since the start; step k is at k * step.
"""

from __future__ import annotations

import zlib
from statistics import NormalDist

import numpy as np
import pytest
import xarray as xr
from scenario_factory import fixed_curve, fixed_curves, make_scenario, strike

import impact
from impact.engine import fast, reference
from impact.engine.compile import compile_scenario

START_UTC = np.datetime64("2025-12-18T22:00:00", "ns")

#: Fixed classes used below: ``hN`` repairs in N hours whatever the damage state; ``two``
#: repairs moderate damage in 5 h and extensive damage in 10 h.
CURVES = [
    *fixed_curves("h0", 0),
    *fixed_curves("h1", 1),
    *fixed_curves("h2", 2),
    *fixed_curves("h5", 5),
    *fixed_curves("h8", 8),
    *fixed_curves("h10", 10),
    fixed_curve("two", 5, "moderate"),
    fixed_curve("two", 10, "extensive"),
]


def asset(asset_id: str, klass: str = "h5", kind: str = "substation", area: str = "R1") -> dict:
    return {
        "asset_id": asset_id,
        "name": f"Asset {asset_id}",
        "kind": kind,
        "area_id": area,
        "restoration_class": klass,
    }


def link(area: str, service: str, asset_id: str, share: float) -> dict:
    return {"area_id": area, "service": service, "asset_id": asset_id, "share": share}


def dep(asset_id: str, depends_on: str, group: str = "", buffer_hours: float | None = None) -> dict:
    return {"asset_id": asset_id, "depends_on": depends_on, "group": group, "buffer_hours": buffer_hours}


def scenario(assets, strikes, *, links=None, dependencies=None, restoration=CURVES, **settings):
    links = links or [link("R1", "power", assets[0]["asset_id"], 1.0)]
    return make_scenario(
        assets=assets,
        strikes=strikes,
        service_links=links,
        dependencies=dependencies,
        restoration=restoration,
        **settings,
    )


def central(sc) -> xr.Dataset:
    """The central estimate alone."""
    return impact.run(sc, samples=0).dataset


def down_steps(ds, asset_id: str) -> list[int]:
    """Steps at which the asset is down in the central estimate."""
    return [int(k) for k in np.flatnonzero(ds["asset_down_central"].sel(asset=asset_id).values)]


def people(ds, service: str, area: str) -> list[int]:
    """Central people without service, one value per step, as whole numbers."""
    values = ds["people_without_central"].sel(service=service, area=area).values
    assert np.array_equal(values, np.rint(values))
    return [int(v) for v in values]


def series(length: int, pieces: dict[tuple[int, int], int]) -> list[int]:
    """A step series: value v on steps [first, stop) for each (first, stop): v."""
    out = [0] * length
    for (first, stop), value in pieces.items():
        for k in range(first, stop):
            out[k] += value
    return out


# --- 3.1 own outage ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "klass", "step_minutes", "expected"),
    [
        (120, "h5", 60, [2, 3, 4, 5, 6]),  # [2, 7): the end is excluded
        (0, "h1", 60, [0]),  # [0, 1)
        (30, "h2", 60, [1, 2]),  # [0.5, 2.5): off the grid
        (30, "h2", 30, [1, 2, 3, 4]),  # same outage on a 30-minute grid
        (7, "h1", 15, [1, 2, 3, 4]),  # [7 min, 67 min) on a 15-minute grid
        (60 + 59, "h1", 60, [2]),  # [01:59, 02:59)
        (30, "h0", 60, []),  # zero repair time: no outage
        (-180, "h5", 60, [0, 1]),  # before the start: [-3, 2) is down at step 0
        (-600, "h5", 60, []),  # over before the start
        (-300, "h5", 60, []),  # [-5, 0): ends exactly at the start
        (47 * 60, "h5", 60, [47]),  # runs past the horizon
        (48 * 60, "h5", 60, []),  # at the end of the horizon
        (50 * 60, "h1", 60, []),  # after the horizon
    ],
)
def test_own_outage_covers_the_steps_in_its_interval(minutes, klass, step_minutes, expected):
    sc = scenario([asset("SUB", klass)], [strike("S1", "SUB", minutes=minutes)], step_minutes=step_minutes)
    ds = central(sc)
    assert down_steps(ds, "SUB") == expected
    assert [k for k, v in enumerate(people(ds, "power", "R1")) if v] == expected
    assert set(people(ds, "power", "R1")) <= {0, 1000}


def test_none_damage_starts_nothing():
    sc = scenario(
        [asset("SUB", "h5"), asset("PMP", "h5", "pumping_station")],
        [strike("S1", "SUB", 2, "none"), strike("S2", "PMP", 3, "none")],
        dependencies=[dep("PMP", "SUB")],
    )
    ds = central(sc)
    assert not ds["asset_down_central"].values.any()
    assert not ds["people_without_central"].values.any()


def test_none_damage_does_not_shorten_or_lengthen_an_outage():
    sc = scenario([asset("SUB", "h5")], [strike("S1", "SUB", 2), strike("S2", "SUB", 4, "none")])
    assert down_steps(central(sc), "SUB") == [2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("strikes", "expected"),
    [
        # [2, 7) and [4, 14): down until the later end.
        ([("moderate", 2), ("extensive", 4)], list(range(2, 14))),
        # [2, 12) and [4, 9): a shorter repair inside an outage does not shorten it.
        ([("extensive", 2), ("moderate", 4)], list(range(2, 12))),
        # [4, 9) listed before [2, 12): order of the rows does not matter.
        ([("moderate", 4), ("extensive", 2)], list(range(2, 12))),
        # [2, 7) and [7, 12) touch: one outage.
        ([("moderate", 2), ("moderate", 7)], list(range(2, 12))),
        # [2, 7) and [8, 13): a gap of one step.
        ([("moderate", 2), ("moderate", 8)], [*range(2, 7), *range(8, 13)]),
        # Three strikes at the same time: the longest wins.
        ([("moderate", 3), ("extensive", 3), ("moderate", 3)], list(range(3, 13))),
    ],
)
def test_strikes_on_one_asset_merge(strikes, expected):
    rows = [strike(f"S{i}", "SUB", hours, state) for i, (state, hours) in enumerate(strikes)]
    assert down_steps(central(scenario([asset("SUB", "two")], rows)), "SUB") == expected


def test_touching_outages_merge_before_a_buffer_shortens_them():
    """[2, 7) and [7, 12) are one outage [2, 12): a 3 h buffer gives [5, 12), not [5, 7) and [10, 12)."""
    assets = [asset("SUB", "two"), asset("PMP", "h5", "pumping_station")]
    touching = scenario(
        assets, [strike("S1", "SUB", 2), strike("S2", "SUB", 7)], dependencies=[dep("PMP", "SUB", buffer_hours=3)]
    )
    assert down_steps(central(touching), "PMP") == list(range(5, 12))
    gap = scenario(
        assets, [strike("S1", "SUB", 2), strike("S2", "SUB", 8)], dependencies=[dep("PMP", "SUB", buffer_hours=3)]
    )
    assert down_steps(central(gap), "PMP") == [5, 6, 11, 12]


# --- 3.2 cascade ------------------------------------------------------------------------------


def test_cascade_through_a_single_dependency():
    sc = scenario(
        [asset("SUB", "h5"), asset("PMP", "h5", "pumping_station")],
        [strike("S1", "SUB", 2)],
        links=[link("R1", "power", "SUB", 1.0), link("R2", "water", "PMP", 0.5)],
        dependencies=[dep("PMP", "SUB")],
    )
    ds = central(sc)
    assert down_steps(ds, "PMP") == [2, 3, 4, 5, 6]
    assert people(ds, "water", "R2") == series(48, {(2, 7): 250})
    assert people(ds, "water", "R") == series(48, {(2, 7): 250})
    assert people(ds, "power", "R") == series(48, {(2, 7): 1000})
    assert not any(people(ds, "heat", "R"))


def test_own_outage_and_cascade_add_up():
    sc = scenario(
        [asset("SUB", "h5"), asset("PMP", "h2", "pumping_station")],
        [strike("S1", "SUB", 2), strike("S2", "PMP", 20)],
        dependencies=[dep("PMP", "SUB")],
    )
    assert down_steps(central(sc), "PMP") == [2, 3, 4, 5, 6, 20, 21]


@pytest.mark.parametrize("groups", [("", ""), ("a", "b")])
def test_distinct_groups_are_all_needed(groups):
    """SUB [2, 7) and GEN [10, 12) in two groups: PMP is down whenever either is."""
    sc = scenario(
        [asset("SUB", "h5"), asset("GEN", "h2", "power_plant"), asset("PMP", "h1", "pumping_station")],
        [strike("S1", "SUB", 2), strike("S2", "GEN", 10)],
        dependencies=[dep("PMP", "SUB", groups[0]), dep("PMP", "GEN", groups[1])],
    )
    assert down_steps(central(sc), "PMP") == [2, 3, 4, 5, 6, 10, 11]


def test_or_group_is_down_only_while_every_member_is_down():
    """SUB [2, 7) or SUB2 [5, 13): PMP down on [5, 7)."""
    assets = [asset("SUB", "h5"), asset("SUB2", "h8"), asset("PMP", "h1", "pumping_station")]
    sc = scenario(
        assets,
        [strike("S1", "SUB", 2), strike("S2", "SUB2", 5)],
        dependencies=[dep("PMP", "SUB", "p"), dep("PMP", "SUB2", "p")],
    )
    assert down_steps(central(sc), "PMP") == [5, 6]
    spare_intact = scenario(
        assets, [strike("S1", "SUB", 2)], dependencies=[dep("PMP", "SUB", "p"), dep("PMP", "SUB2", "p")]
    )
    assert down_steps(central(spare_intact), "PMP") == []


def test_or_group_and_a_separate_group():
    """PMP needs (SUB or SUB2) and GAS: down on [5, 7) from the group and [30, 32) from GAS."""
    assets = [
        asset("SUB", "h5"),
        asset("SUB2", "h8"),
        asset("GAS", "h2", "gas_node"),
        asset("PMP", "h1", "pumping_station"),
    ]
    sc = scenario(
        assets,
        [strike("S1", "SUB", 2), strike("S2", "SUB2", 5), strike("S3", "GAS", 30)],
        dependencies=[dep("PMP", "SUB", "p"), dep("PMP", "SUB2", "p"), dep("PMP", "GAS")],
    )
    assert down_steps(central(sc), "PMP") == [5, 6, 30, 31]


@pytest.mark.parametrize(
    ("buffer", "expected"),
    [
        (None, [2, 3, 4, 5, 6]),  # empty cell: no buffer
        (0, [2, 3, 4, 5, 6]),
        (0.5, [3, 4, 5, 6]),  # [2.5, 7)
        (1.5, [4, 5, 6]),  # [3.5, 7)
        (2, [4, 5, 6]),  # [4, 7)
        (4.99, []),  # [6.99, 7) covers no step
        (5, []),  # [7, 7) is empty
        (6, []),  # buffer longer than the outage
        (100, []),
    ],
)
def test_buffer_shortens_the_lost_supply(buffer, expected):
    """SUB down [2, 7); PMP keeps working ``buffer`` hours: down on [2 + buffer, 7)."""
    sc = scenario(
        [asset("SUB", "h5"), asset("PMP", "h1", "pumping_station")],
        [strike("S1", "SUB", 2)],
        dependencies=[dep("PMP", "SUB", buffer_hours=buffer)],
    )
    assert down_steps(central(sc), "PMP") == expected


def test_buffer_on_one_or_member_only():
    """SUB [2, 10) with no buffer or SUB2 [4, 12) with 3 h: [2, 10) ∩ [7, 12) = [7, 10)."""
    assets = [asset("SUB", "h8"), asset("SUB2", "h8"), asset("PMP", "h1", "pumping_station")]
    sc = scenario(
        assets,
        [strike("S1", "SUB", 2), strike("S2", "SUB2", 4)],
        dependencies=[dep("PMP", "SUB", "p", 0), dep("PMP", "SUB2", "p", 3)],
    )
    assert down_steps(central(sc), "PMP") == [7, 8, 9]


def test_buffers_add_up_along_a_chain():
    """A [2, 12) -> B (2 h buffer) [4, 12) -> C (3 h buffer) [7, 12) -> D (no buffer) [7, 12)."""
    assets = [
        asset("A", "h10"),
        asset("B", "h1", "power_line"),
        asset("C", "h1", "pumping_station"),
        asset("D", "h1", "boiler_house"),
    ]
    sc = scenario(
        assets,
        [strike("S1", "A", 2)],
        dependencies=[dep("D", "C"), dep("C", "B", buffer_hours=3), dep("B", "A", buffer_hours=2)],
    )
    ds = central(sc)
    assert down_steps(ds, "B") == list(range(4, 12))
    assert down_steps(ds, "C") == list(range(7, 12))
    assert down_steps(ds, "D") == list(range(7, 12))


# --- 3.3 people -------------------------------------------------------------------------------


def test_people_are_population_times_share_rounded_per_link():
    """R1 has 1001 people: 0.5 -> rint(500.5) = 500 (half to even), 0.3333 -> rint(333.6333) = 334."""
    areas = [
        {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
        {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1001},
        {"area_id": "R2", "name": "District 2", "admin_level": 2, "parent_id": "R", "population": 1003},
    ]
    sc = make_scenario(
        areas=areas,
        assets=[asset("A", "h5"), asset("B", "h8")],
        strikes=[strike("S1", "A", 2), strike("S2", "B", 4)],
        restoration=CURVES,
        service_links=[link("R1", "power", "A", 0.5), link("R1", "power", "B", 0.3333), link("R2", "heat", "A", 0.5)],
    )
    ds = central(sc)
    # A [2, 7), B [4, 12).
    assert people(ds, "power", "R1") == series(48, {(2, 7): 500, (4, 12): 334})
    assert people(ds, "heat", "R2") == series(48, {(2, 7): 502})  # rint(501.5) = 502
    assert people(ds, "power", "R") == people(ds, "power", "R1")
    assert people(ds, "heat", "R") == people(ds, "heat", "R2")
    assert ds["population"].sel(area="R").item() == 2004


def test_shares_below_one_leave_the_rest_with_service():
    """60 % of R1 gets power through SUB: everything down still leaves 400 people with power."""
    sc = scenario(
        [asset("SUB", "h10"), asset("GEN", "h10", "power_plant")],
        [strike("S1", "SUB", 0), strike("S2", "GEN", 0)],
        links=[link("R1", "power", "SUB", 0.6)],
        dependencies=[dep("SUB", "GEN")],
    )
    ds = central(sc)
    assert max(people(ds, "power", "R1")) == 600
    assert people(ds, "power", "R1") == series(48, {(0, 10): 600})


def test_parents_sum_their_children_in_a_three_level_tree():
    areas = [
        {"area_id": "O", "name": "Oblast", "admin_level": 1, "parent_id": "", "population": None},
        {"area_id": "O1", "name": "Raion 1", "admin_level": 2, "parent_id": "O", "population": None},
        {"area_id": "O11", "name": "Hromada 11", "admin_level": 3, "parent_id": "O1", "population": 300},
        {"area_id": "O12", "name": "Hromada 12", "admin_level": 3, "parent_id": "O1", "population": 200},
        {"area_id": "O2", "name": "Raion 2", "admin_level": 2, "parent_id": "O", "population": 1000},
    ]
    sc = make_scenario(
        areas=areas,
        assets=[asset("A", "h5", area="O11"), asset("B", "h8", area="O2")],
        strikes=[strike("S1", "A", 2), strike("S2", "B", 4)],
        restoration=CURVES,
        service_links=[
            link("O11", "water", "A", 1.0),
            link("O12", "water", "A", 0.5),
            link("O2", "water", "B", 0.25),
            link("O2", "heat", "A", 0.1),
        ],
    )
    ds = central(sc)
    assert people(ds, "water", "O11") == series(48, {(2, 7): 300})
    assert people(ds, "water", "O12") == series(48, {(2, 7): 100})
    assert people(ds, "water", "O1") == series(48, {(2, 7): 400})
    assert people(ds, "water", "O2") == series(48, {(4, 12): 250})
    assert people(ds, "water", "O") == series(48, {(2, 7): 400, (4, 12): 250})
    assert people(ds, "heat", "O") == series(48, {(2, 7): 100})
    assert list(ds["population"].values) == [1500, 500, 300, 200, 1000]


# --- 3.5 summaries ----------------------------------------------------------------------------


def peak_scenario(share_a: float, share_b: float, hours_b: str = "h2", **settings):
    """R1 power through SA (down [2, 10)) and SB (down [4, 4 + hours_b))."""
    return scenario(
        [asset("SA", "h8"), asset("SB", hours_b)],
        [strike("S1", "SA", 2), strike("S2", "SB", 4)],
        links=[link("R1", "power", "SA", share_a), link("R1", "power", "SB", share_b)],
        **settings,
    )


def summary(ds, service: str = "power", area: str = "R1") -> tuple:
    at = ds.sel(service=service, area=area)
    return (
        float(at["peak_people_without_central"]),
        at["peak_time_central"].values,
        float(at["person_hours_without_central"]),
        float(at["restore_90_hours_central"]),
    )


def test_peak_person_hours_and_restoration_on_the_central():
    """500 on [2, 4), 950 on [4, 6), 500 on [6, 10): peak 950 at 02:00 UTC (04:00 local),
    500*2 + 950*2 + 500*4 = 4900 person-hours, at most 95 people first at step 10: 6 h."""
    ds = central(peak_scenario(0.5, 0.45))
    assert people(ds, "power", "R1") == series(48, {(2, 10): 500, (4, 6): 450})
    peak, when, person_hours, restore = summary(ds)
    assert (peak, person_hours, restore) == (950.0, 4900.0, 6.0)
    assert when == START_UTC + np.timedelta64(4, "h")
    assert summary(ds, area="R")[:3] == (peak, when, person_hours)
    # No outage: peak 0, no peak time, 0 person-hours, nothing to restore.
    peak, when, person_hours, restore = summary(ds, "water", "R2")
    assert (peak, person_hours, restore) == (0.0, 0.0, 0.0)
    assert np.isnat(when)
    table = impact.run(peak_scenario(0.5, 0.45), samples=0).summary("R1")
    assert table.loc["power", "peak_time"] == "2025-12-19T04:00:00+02:00"
    assert table.loc["power", "person_days_central"] == 4900 / 24


def test_restoration_counts_exactly_ten_percent_as_restored():
    """100 on [2, 10) plus 900 on [4, 5): peak 1000 at step 4, then 100 = 10 % of the peak,
    which counts as restored: 1 h after the peak."""
    ds = central(peak_scenario(0.1, 0.9, "h1"))
    assert people(ds, "power", "R1") == series(48, {(2, 10): 100, (4, 5): 900})
    # Peak 1000 at step 4 only; step 5 has 100 <= 10 % of 1000.
    assert summary(ds)[0] == 1000.0 and summary(ds)[2] == 100 * 8 + 900
    assert summary(ds)[3] == 1.0
    ds = central(peak_scenario(0.2, 0.8, "h2"))
    # 200 on [2, 4), 1000 on [4, 6), 200 on [6, 10): 20 % stays until step 10, 6 h after the peak.
    assert summary(ds)[3] == 6.0
    assert summary(ds)[2] == 200 * 8 + 800 * 2


def test_summaries_in_hours_on_a_30_minute_grid():
    """Same outages on a 30-minute grid: steps 4..19 and 8..11; sums in hours, not steps."""
    ds = central(peak_scenario(0.5, 0.45, step_minutes=30))
    assert people(ds, "power", "R1") == series(96, {(4, 20): 500, (8, 12): 450})
    peak, when, person_hours, restore = summary(ds)
    assert (peak, person_hours, restore) == (950.0, 4900.0, 6.0)
    assert when == START_UTC + np.timedelta64(4, "h")


def test_fixed_curves_make_every_sample_equal_the_central():
    sc = scenario(
        [asset("SUB", "h5"), asset("SUB2", "h8"), asset("PMP", "h1", "pumping_station")],
        [strike("S1", "SUB", 2), strike("S2", "SUB2", 5), strike("S3", "PMP", -0.5)],
        links=[link("R1", "power", "SUB", 0.7), link("R2", "water", "PMP", 1.0)],
        dependencies=[dep("PMP", "SUB", "p", 1), dep("PMP", "SUB2", "p")],
        quantiles=[0.0, 0.05, 0.5, 0.95, 1.0],
    )
    ds = impact.run(sc, samples=7, seed=3).dataset
    cent = ds["people_without_central"]
    for q in ds["quantile"].values:
        assert np.array_equal(ds["people_without"].sel(quantile=q).values, cent.values)
        assert np.array_equal(
            ds["peak_people_without"].sel(quantile=q).values, ds["peak_people_without_central"].values
        )
        assert np.array_equal(
            ds["person_hours_without"].sel(quantile=q).values, ds["person_hours_without_central"].values
        )
        assert np.array_equal(
            ds["restore_90_hours"].sel(quantile=q).values, ds["restore_90_hours_central"].values, equal_nan=True
        )
    assert np.array_equal(ds["people_without_mean"].values, cent.values)
    assert np.array_equal(ds["asset_down_probability"].values, ds["asset_down_central"].values)
    # Own [-0.5, 0.5), then SUB [2, 7) shortened by 1 h to [3, 7), ∩ SUB2 [5, 13) = [5, 7).
    assert down_steps(ds, "PMP") == [0, 5, 6]
    assert people(ds, "water", "R2") == series(48, {(0, 1): 500, (5, 7): 500})
    assert people(ds, "power", "R1") == series(48, {(2, 7): 700})


# --- curves -----------------------------------------------------------------------------------


def normal_curve(median_days: float, dispersion: float, klass: str = "nrm") -> list[dict]:
    return [
        {
            "restoration_class": klass,
            "damage_state": state,
            "distribution": "normal",
            "median_days": median_days,
            "dispersion": dispersion,
            "source": "test",
        }
        for state in ("slight", "moderate", "extensive", "complete")
    ]


def test_normal_curves_are_truncated_at_zero():
    """Median 0.025 day, standard deviation 0.25 day, truncated at 0 (docs/method.md, section 2b):
    a draw is D = 0.025 + 0.25 Phi^-1(P0 + Phi(z) (1 - P0)) with P0 = Phi(-0.1) and z the strike's
    own standard normal; no draw is an instant repair, and the share below one hour is what the
    truncated curve says, P(D < 1/24 day) = (Phi(1/150) - P0) / (1 - P0) = 0.123."""
    samples, seed = 400, 11
    sc = scenario([asset("SUB", "nrm")], [strike("S1", "SUB", 3)], restoration=normal_curve(0.025, 0.25))
    ds = impact.run(sc, samples=samples, seed=seed).dataset
    normal = NormalDist()
    below = normal.cdf(-0.1)
    z = np.random.default_rng([seed, zlib.crc32(b"S1")]).standard_normal(samples)  # the strike's own stream
    hours = np.array([(0.025 + 0.25 * normal.inv_cdf(below + normal.cdf(v) * (1 - below))) * 24 for v in z])
    model = compile_scenario(sc)
    drawn = model.sample_durations(samples, seed)[:, 0]
    np.testing.assert_allclose(drawn, hours, rtol=1e-9)
    assert (drawn > 0).all()
    share_below_hour = (normal.cdf((1 / 24 - 0.025) / 0.25) - below) / (1 - below)
    assert abs(share_below_hour - 0.1230) < 1e-4
    assert abs((drawn < 1).mean() - share_below_hour) < 4 * np.sqrt(share_below_hour * (1 - share_below_hour) / samples)
    time = np.arange(48.0)
    counts = ((time[None, :] >= 3) & (time[None, :] < 3 + drawn[:, None])).sum(axis=0)
    assert np.array_equal(ds["asset_down_probability"].sel(asset="SUB").values, counts / samples)
    assert counts[3] == samples  # every draw lasts past the strike step
    assert np.array_equal(ds["people_without_mean"].sel(service="power", area="R1").values, 1000 * counts / samples)
    # the central estimate is the truncated curve's median, 0.025 + 0.25 Phi^-1((1 + P0) / 2) days
    median = (0.025 + 0.25 * normal.inv_cdf((1 + below) / 2)) * 24
    assert model.central_durations()[0, 0] == pytest.approx(median, rel=1e-12)
    assert down_steps(ds, "SUB") == list(range(3, 3 + int(np.ceil(median))))


def test_normal_with_zero_median_is_half_normal():
    """Median 0, sd 0.5 day: the truncated curve is half-normal, median 0.5 Phi^-1(0.75) days = 8.09 h."""
    sc = scenario([asset("SUB", "nrm")], [strike("S1", "SUB", 3)], restoration=normal_curve(0.0, 0.5))
    ds = impact.run(sc, samples=50, seed=2).dataset
    assert down_steps(ds, "SUB") == list(range(3, 12))  # [3, 11.09)
    assert ds["asset_down_probability"].sel(asset="SUB").values[3] == 1


def test_default_curve_median_is_used_when_the_scenario_has_none():
    """A substation's default moderate curve is normal 3 +- 1.5 days truncated at 0: its median is
    3 + 1.5 Phi^-1((1 + Phi(-2)) / 2) = 3.0428 days = 73.03 h, so the central outage is [2, 75.03)."""
    sc = scenario(
        [{"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1"}],
        [strike("S1", "SUB", 2)],
        restoration=None,
        horizon_hours=96,
    )
    normal = NormalDist()
    median_hours = (3 + 1.5 * normal.inv_cdf((1 + normal.cdf(-2)) / 2)) * 24
    assert 73.0 < median_hours < 73.1
    assert down_steps(central(sc), "SUB") == list(range(2, 76))


# --- 3.6 time axis ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("horizon", "step", "length"), [(48, 60, 48), (48, 30, 96), (2.5, 30, 5), (1, 15, 4), (24, 60, 24)]
)
def test_time_axis_is_horizon_over_step_from_the_start_in_utc(horizon, step, length):
    sc = scenario([asset("SUB", "h0")], [strike("S1", "SUB", 0)], horizon_hours=horizon, step_minutes=step)
    ds = central(sc)
    times = ds["time"].values
    assert len(times) == length == sc.config.steps
    assert times[0] == START_UTC
    assert np.all(np.diff(times) == np.timedelta64(int(step), "m"))
    assert ds.sizes["time"] == ds["people_without_central"].shape[-1] == ds["asset_down_central"].shape[-1]
    assert ds.attrs["start"] == "2025-12-19T00:00:00+02:00"
    assert str(ds["strike_time"].values[0]) == "2025-12-18T22:00:00.000000000"


def test_start_in_another_offset_is_the_same_instant():
    sc = scenario([asset("SUB", "h1")], [strike("S1", "SUB", 0)], start="2025-12-18T22:00:00+00:00")
    assert central(sc)["time"].values[0] == START_UTC
    assert down_steps(central(sc), "SUB") == [0]


# --- engines agree on these cases, with N = 1 medians ---------------------------------------


def test_engines_agree_on_the_hand_cases():
    sc = scenario(
        [asset("SUB", "h5"), asset("SUB2", "h8"), asset("PMP", "h1", "pumping_station")],
        [strike("S1", "SUB", 2), strike("S2", "SUB2", 5)],
        links=[link("R1", "power", "SUB", 0.7), link("R1", "power", "SUB2", 0.3), link("R2", "water", "PMP", 1.0)],
        dependencies=[dep("PMP", "SUB", "p", 1), dep("PMP", "SUB2", "p")],
    )
    model = compile_scenario(sc)
    first = fast.compute(model, model.central_durations(), [0.5])
    second = reference.compute(model, model.central_durations(), [0.5])
    assert np.array_equal(first.people_mean, second.people_mean)
    assert np.array_equal(first.asset_down_count, second.asset_down_count)


# --- former bugs, kept as regression tests ---------------------------------------------------------------------------


def test_people_without_never_exceed_the_population():
    areas = [
        {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
        {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 3},
    ]
    sc = make_scenario(
        areas=areas,
        assets=[asset("A", "h5"), asset("B", "h5")],
        strikes=[strike("S1", "A", 2), strike("S2", "B", 2)],
        restoration=CURVES,
        service_links=[link("R1", "power", "A", 0.5), link("R1", "power", "B", 0.5)],
    )
    assert max(people(central(sc), "power", "R1")) <= 3


def test_outage_past_the_horizon_runs_without_warnings():
    sc = scenario([asset("SUB", "h10")], [strike("S1", "SUB", 40)])  # [40, 50) past the 48 h horizon
    ds = central(sc)
    assert np.isnan(float(ds["restore_90_hours_central"].sel(service="power", area="R1")))


def test_restore_quantiles_with_some_samples_not_restored():
    """Sample 0 repairs in 3 h (restored 3 steps after the peak); sample 1 in 100 h (never)."""
    sc = scenario([asset("SUB", "h5")], [strike("S1", "SUB", 2)])
    model = compile_scenario(sc)
    durations = np.array([[3.0], [100.0]])
    output = fast.compute(model, durations, [0.0, 0.5, 1.0])
    restore = output.stat_quantiles["restore_steps"][0, list(model.area_ids).index("R1")]
    assert restore[0] == 3.0
    assert np.isinf(restore[1]) and np.isinf(restore[2])


def test_ungrouped_row_stays_its_own_group_whatever_other_groups_are_called():
    """PMP needs SUB (no group) and GEN (group '__row0'): SUB down [2, 7) takes PMP down."""
    sc = scenario(
        [asset("SUB", "h5"), asset("GEN", "h5", "power_plant"), asset("PMP", "h1", "pumping_station")],
        [strike("S1", "SUB", 2)],
        dependencies=[dep("PMP", "SUB"), dep("PMP", "GEN", "__row0")],
    )
    assert down_steps(central(sc), "PMP") == [2, 3, 4, 5, 6]
