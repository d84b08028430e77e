"""The grid's capacity balance and rotating cuts (issue 14; docs/method.md, sections 4b and 4c).

Hand-computed cases with exact numbers, both engines; the rotation rule against its plain
version on random inputs; fast == reference on random scenarios with zones, capacities,
own_power links, blackouts and strikes together are in tests/test_grid_random.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import at, fixed_curves, make_scenario, strike

import impact
from impact.engine import fast, reference
from impact.engine.compile import compile_scenario
from impact.engine.grid import (
    cut_intervals,
    cut_intervals_reference,
    rotate_queues,
    rotate_queues_reference,
)

#: A flat demand: 0.5 kW per person at every hour, no temperature dependence.
FLAT = {"demand_kw_per_person": 0.5, "demand_profile": [1.0] * 24, "demand_change_per_degree": 0.0}

AREAS = [
    {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
    {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": 1200},
]


def two_feeds(
    strikes, grid=None, capacity=(0.36, 0.36), links=None, assets_extra=(), dependencies_extra=(), **settings
):
    """R1 (1,200 people, demand 600 kW) fed by SUB, which needs either of two plants F1, F2."""
    assets = [
        {"asset_id": "F1", "name": "Plant 1", "kind": "power_plant", "area_id": "R", "capacity_mw": capacity[0]},
        {"asset_id": "F2", "name": "Plant 2", "kind": "power_plant", "area_id": "R", "capacity_mw": capacity[1]},
        {"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1"},
        {"asset_id": "PMP", "name": "Pumping station", "kind": "pumping_station", "area_id": "R1"},
        *assets_extra,
    ]
    dependencies = [
        {"asset_id": "SUB", "depends_on": "F1", "group": "feed"},
        {"asset_id": "SUB", "depends_on": "F2", "group": "feed"},
        {"asset_id": "PMP", "depends_on": "SUB"},
        *dependencies_extra,
    ]
    links = links or [
        {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
        {"area_id": "R1", "service": "water", "asset_id": "PMP", "share": 1.0},
    ]
    settings.setdefault("horizon_hours", 48)
    return make_scenario(
        areas=AREAS,
        assets=assets,
        dependencies=dependencies,
        service_links=links,
        strikes=strikes,
        grid={**FLAT, **(grid or {})},
        **settings,
    )


def central(scenario):
    """Central estimate of both engines (asserted equal), and the model."""
    model = compile_scenario(scenario)
    draws = model.central_draws()
    first = fast.compute(model, draws, [0.5])
    second = reference.compute(model, draws, [0.5])
    assert np.array_equal(first.people_mean, second.people_mean)
    assert np.array_equal(first.deficit_mean, second.deficit_mean)
    return first, model


POWER, WATER, HEAT = 0, 1, 2


def test_two_feeds_of_60_percent_one_lost_sheds_40_percent():
    """Deficit 1 - 360/600 = 0.4: 2.4 queues of 6 on average, 40 % of R1 over every 5 steps."""
    output, model = central(two_feeds([strike("S1", "F1", 0.0, "complete")]))
    r1 = model.area_ids.index("R1")
    assert np.allclose(output.deficit_mean[0], 0.4)
    power = output.people_mean[POWER, r1]
    assert set(power.tolist()) == {400.0, 600.0}  # 2 or 3 queues of 200 people
    for begin in range(0, 45, 5):
        assert power[begin : begin + 5].sum() == 5 * 480  # exactly 40 % over every 5 steps
    day = power[:24].sum() / 24
    assert day == pytest.approx(480, abs=200 / 24)  # within one queue-hour of 40 % over the day
    # each queue off its share of the day (9.6 h) to within one 4-hour block
    down = fast.asset_steps(model, model.central_draws()).down_counts()
    queue_hours = [int(down[model.asset_ids.index(f"~grid:all:queue{q}"), :24].sum()) for q in range(1, 7)]
    assert all(abs(hours - 9.6) < 4 for hours in queue_hours), queue_hours
    assert sum(queue_hours) == 57  # floor(24 x 2.4)
    # with 1-hour blocks: exactly 9 or 10 hours each
    hourly, model = central(two_feeds([strike("S1", "F1", 0.0, "complete")], grid={"cut_block_hours": 1}))
    down = fast.asset_steps(model, model.central_draws()).down_counts()
    queue_hours = [int(down[model.asset_ids.index(f"~grid:all:queue{q}"), :24].sum()) for q in range(1, 7)]
    assert set(queue_hours) <= {9, 10} and sum(queue_hours) == 57
    assert np.array_equal(hourly.people_mean, output.people_mean)  # the count per step is the same
    # the pumping station is critical (protected line): water never lost
    assert output.people_mean[WATER, r1].max() == 0


def test_ample_capacity_gives_the_results_of_a_run_without_grid():
    strikes = [strike("S1", "F1", 3.0, "complete"), strike("S2", "SUB", 10.0, "moderate")]
    with_grid = two_feeds(strikes, capacity=(0.6, 0.6))
    plain = make_scenario(
        areas=AREAS,
        assets=[{k: v for k, v in row.items() if k != "capacity_mw"} for row in with_grid.assets.to_dict("records")],
        dependencies=with_grid.dependencies.drop(columns="__line__", errors="ignore").to_dict("records"),
        service_links=with_grid.service_links.drop(columns="__line__", errors="ignore").to_dict("records"),
        strikes=strikes,
        horizon_hours=48,
    )
    first = impact.run(with_grid, samples=40, seed=3).dataset
    second = impact.run(plain, samples=40, seed=3).dataset
    assert float(first["grid_deficit_share"].max()) == 0.0
    for name in ("people_without", "people_without_central", "people_without_mean"):
        assert np.array_equal(first[name].values, second[name].values), name


def test_a_steady_50_percent_deficit_cuts_each_queue_12_hours_a_day_in_blocks():
    output, model = central(two_feeds([strike("S1", "F1", 0.0, "complete")], capacity=(0.3, 0.3), horizon_hours=72))
    r1 = model.area_ids.index("R1")
    assert np.all(output.people_mean[POWER, r1] == 600)  # 3 of 6 queues at every step
    down = fast.asset_steps(model, model.central_draws())
    queue1 = model.asset_ids.index("~grid:all:queue1")
    rows = slice(down.offset[queue1], down.offset[queue1 + 1])
    lengths = (down.stop[rows] - down.first[rows]).tolist()
    assert set(lengths) == {4}  # blocks of cut_block_hours = 4
    assert int(down.down_counts()[queue1, :24].sum()) == 12


def test_a_non_critical_asset_is_shed_with_its_queue_and_its_dependants_follow():
    extra = [{"asset_id": "BOOST", "name": "Booster", "kind": "pumping_station", "area_id": "R1", "critical": "false"}]
    links = [
        {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
        {"area_id": "R1", "service": "water", "asset_id": "PMP", "share": 0.5},
        {"area_id": "R1", "service": "water", "asset_id": "BOOST", "share": 0.5},
    ]
    output, model = central(
        two_feeds(
            [strike("S1", "F1", 0.0, "complete")],
            capacity=(0.3, 0.3),
            links=links,
            assets_extra=extra,
            dependencies_extra=[{"asset_id": "BOOST", "depends_on": "SUB"}],
        )
    )
    r1 = model.area_ids.index("R1")
    water = output.people_mean[WATER, r1]
    # BOOST takes queue 1 (the only shed asset): its 600 people lose water while queue 1 is cut
    down = fast.asset_steps(model, model.central_draws()).down_counts()
    queue1 = down[model.asset_ids.index("~grid:all:queue1")]
    assert np.array_equal(water, 600 * queue1)
    assert water.max() == 600 and water.min() == 0


def test_partial_damage_keeps_a_share_of_capacity_and_the_asset_up():
    # F1 moderate keeps 50 %: 180 + 360 = 540 of 600 kW -> deficit 0.1; SUB stays fed either way
    strikes = [strike("S1", "F1", 0.0, "moderate")]
    output, _model = central(two_feeds(strikes, grid={"partial_damage": True}))
    assert np.allclose(output.deficit_mean[0, :24], 0.1)
    off, _ = central(two_feeds(strikes))  # default: F1 down, 360 of 600 -> 0.4
    assert np.allclose(off.deficit_mean[0, :24], 0.4)


def test_partial_damage_of_a_sole_feed_keeps_the_substation_up():
    strikes = [strike("S1", "F1", 0.0, "moderate")]
    scenario = two_feeds(
        strikes, capacity=(0.72, 0.0), grid={"partial_damage": True, "kept_capacity": {"moderate": 0.5}}
    )
    output, model = central(scenario)
    r1 = model.area_ids.index("R1")
    assert np.allclose(output.deficit_mean[0, :24], 0.4)  # 360 of 600 kW
    assert output.people_mean[WATER, r1].max() == 0  # SUB and PMP up: the cascade sees F1 up
    plain, _ = central(two_feeds(strikes, capacity=(0.72, 0.0)))
    assert np.all(plain.deficit_mean[0] == 1.0)  # on/off: F1 down all along, F2 has no capacity
    assert np.all(plain.people_mean[POWER, r1] == 1200)  # every queue cut at every step


def test_own_power_people_follow_their_power_link_with_its_buffer():
    """R1: power 3/4 through SUB, 1/4 through SUB2; water own_power for half of R1 (600 people),
    buffer 2 h. SUB is struck at 0 for a fixed 10 h: its share of the own_power people, 600 x 3/4 =
    450, lose water from 2 h to 10 h; SUB2's 150 never do."""
    assets = [
        {"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1", "restoration_class": "fix10"},
        {"asset_id": "SUB2", "name": "Substation 2", "kind": "substation", "area_id": "R1"},
    ]
    links = [
        {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 0.75},
        {"area_id": "R1", "service": "power", "asset_id": "SUB2", "share": 0.25},
        {"area_id": "R1", "service": "water", "asset_id": "own_power", "share": 0.5, "buffer_hours": 2.0},
    ]
    scenario = make_scenario(
        areas=AREAS,
        assets=assets,
        service_links=links,
        strikes=[strike("S1", "SUB", 0.0, "moderate")],
        restoration=[
            {"restoration_class": "fix10", "damage_state": "moderate", "distribution": "fixed", "median_days": 10 / 24}
        ],
        horizon_hours=24,
    )
    model = compile_scenario(scenario)
    draws = model.central_draws()
    output = fast.compute(model, draws, [0.5])
    assert np.array_equal(output.people_mean, reference.compute(model, draws, [0.5]).people_mean)
    r1 = model.area_ids.index("R1")
    expected = np.zeros(24)
    expected[2:10] = 450
    assert np.array_equal(output.people_mean[WATER, r1], expected)
    power = np.zeros(24)
    power[:10] = 900
    assert np.array_equal(output.people_mean[POWER, r1], power)


def test_own_power_people_lose_water_during_their_queue_cuts():
    links = [
        {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
        {"area_id": "R1", "service": "heat", "asset_id": "own_power", "share": 0.6},
    ]
    output, model = central(two_feeds([strike("S1", "F1", 0.0, "complete")], capacity=(0.3, 0.3), links=links))
    r1 = model.area_ids.index("R1")
    # 3 of 6 queues cut at every step: half of the 720 own_power people without heat
    assert np.all(output.people_mean[HEAT, r1] == 360)


def test_blackouts_and_the_grid_never_count_anyone_twice():
    blackouts = [
        {
            "area_id": "R1",
            "start": at(0.0),
            "end": at(48.0),
            "hours_off_per_day": 24,
            "queues": 2,
        }
    ]
    scenario = two_feeds([strike("S1", "F1", 0.0, "complete")], blackouts=blackouts)
    output, model = central(scenario)
    r1 = model.area_ids.index("R1")
    assert np.all(output.people_mean[POWER, r1] == 1200)  # everyone cut by the schedule all along
    # half the day off (2 queues of 600, 12 h each) and the grid's 40 % on top: a person is without
    # power when either cuts them, so exactly 1200 x (1 - (1 - 1/2)(1 - q/6)) with q queues cut
    half = [{**blackouts[0], "hours_off_per_day": 12}]
    output, model = central(two_feeds([strike("S1", "F1", 0.0, "complete")], blackouts=half))
    down = fast.asset_steps(model, model.central_draws()).down_counts()
    grid_cut = sum(down[model.asset_ids.index(f"~grid:all:queue{q}")] for q in range(1, 7))
    assert np.array_equal(output.people_mean[POWER, r1], 1200 - 600 * (6 - grid_cut) // 6)
    result = impact.run(scenario, samples=0).dataset
    component = result["people_without_scheduled_central"].sel(service="power", area="R1").values
    assert component.max() == 1200 and component.min() >= 0


def test_the_cut_component_is_the_shed_people():
    result = impact.run(two_feeds([strike("S1", "F1", 0.0, "complete")]), samples=10, seed=2).dataset
    power = result["people_without_central"].sel(service="power", area="R1").values
    component = result["people_without_scheduled_central"].sel(service="power", area="R1").values
    assert np.array_equal(component, power)  # nobody is cut off by the strike itself (OR-feed)
    assert np.allclose(result["grid_deficit_share_central"].sel(zone="all").values, 0.4)
    assert result["grid_deficit_share"].sizes == {"zone": 1, "time": 48, "quantile": 3}
    assert float(result["grid_demand_mw"].max()) == pytest.approx(0.6)


@pytest.mark.parametrize("seed", range(40))
def test_rotation_equals_its_plain_rule(seed):
    rng = np.random.default_rng(seed)
    queues, block, steps, rows = int(rng.integers(1, 9)), int(rng.integers(1, 7)), int(rng.integers(1, 60)), 5
    deficit = rng.choice([0.0, 0.05, 0.2, 0.4, 0.5, 0.77, 1.0], size=(rows, steps))
    deficit = np.where(rng.random((rows, steps)) < 0.3, rng.random((rows, steps)), deficit)
    units = np.floor(deficit * queues * 1000 + 0.5).astype(np.int64)
    vectorised = rotate_queues(units, queues, block)
    time = np.arange(steps, dtype=float) * 0.5
    for row in range(rows):
        plain = rotate_queues_reference(units[row].tolist(), queues, block)
        assert np.array_equal(vectorised[row], np.array(plain, dtype=bool).reshape(queues, steps))
        # queue-steps cut = whole queues accumulated; each queue within one block of the average
        assert vectorised[row].sum() == units[row].sum() // 1000
        served = np.cumsum(vectorised[row], axis=1)
        assert np.abs(served - served.mean(axis=0)).max() <= block
        for q in range(queues):
            starts, ends = cut_intervals(vectorised[row, q][None, :], time, 0.5)
            expected = cut_intervals_reference(plain[q], time.tolist(), 0.5)
            got = [(a, b) for a, b in zip(starts[0], ends[0], strict=True) if np.isfinite(a)]
            assert got == expected


def test_a_zone_that_can_never_shed_gets_no_queues():
    """West's supply is struck (it may shed); east's is never struck and exceeds its demand."""
    areas = [
        *AREAS,
        {"area_id": "R2", "name": "District 2", "admin_level": 2, "parent_id": "R", "population": 500},
    ]
    areas = [{**row, "grid_zone": {"R1": "west", "R2": "east"}.get(row["area_id"])} for row in areas]
    extra = [
        {"asset_id": "FE", "name": "Plant E", "kind": "power_plant", "area_id": "R2", "capacity_mw": 1.0},
        {"asset_id": "SUBE", "name": "Substation E", "kind": "substation", "area_id": "R2"},
    ]
    links = [
        {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
        {"area_id": "R2", "service": "power", "asset_id": "SUBE", "share": 1.0},
    ]
    scenario = make_scenario(
        areas=areas,
        assets=[
            {"asset_id": "F1", "name": "Plant 1", "kind": "power_plant", "area_id": "R1", "capacity_mw": 0.36},
            {"asset_id": "F2", "name": "Plant 2", "kind": "power_plant", "area_id": "R1", "capacity_mw": 0.36},
            {"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1"},
            *extra,
        ],
        dependencies=[
            {"asset_id": "SUB", "depends_on": "F1", "group": "feed"},
            {"asset_id": "SUB", "depends_on": "F2", "group": "feed"},
            {"asset_id": "SUBE", "depends_on": "FE"},
        ],
        service_links=links,
        strikes=[strike("S1", "F1", 0.0, "complete")],
        grid=FLAT,
        horizon_hours=24,
    )
    model = compile_scenario(scenario)
    assert model.grid.zone_ids == ["east", "west"]
    assert (model.grid.queue_assets[0] == -1).all() and (model.grid.queue_assets[1] >= 0).all()
    assert not any(name.startswith("~SUBE|") for name in model.asset_ids)
    output, _ = central(scenario)
    assert output.deficit_mean[0].max() == 0 and np.allclose(output.deficit_mean[1], 0.4)


def test_every_supply_asset_is_settled_before_the_first_queue():
    """East's plant needs gas through a chain of assets, so it comes late in the topological
    order: the balance must still see it down while the gas is out (a bug found on the bundled
    CHP, which needs gas and make-up water)."""
    areas = [
        *AREAS,
        {"area_id": "R2", "name": "District 2", "admin_level": 2, "parent_id": "R", "population": 500},
    ]
    areas = [{**row, "grid_zone": {"R1": "west", "R2": "east"}.get(row["area_id"])} for row in areas]
    assets = [
        {"asset_id": "F1", "name": "Plant 1", "kind": "power_plant", "area_id": "R1", "capacity_mw": 1.0},
        {"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1"},
        {"asset_id": "G1", "name": "Gas 1", "kind": "gas_node", "area_id": "R2"},
        {"asset_id": "G2", "name": "Gas 2", "kind": "gas_node", "area_id": "R2"},
        {"asset_id": "G3", "name": "Gas 3", "kind": "gas_node", "area_id": "R2"},
        {"asset_id": "FE", "name": "CHP East", "kind": "chp_plant", "area_id": "R2", "capacity_mw": 0.5},
        {"asset_id": "SUBE", "name": "Substation E", "kind": "substation", "area_id": "R2"},
    ]
    dependencies = [
        {"asset_id": "SUB", "depends_on": "F1"},
        {"asset_id": "G2", "depends_on": "G1"},
        {"asset_id": "G3", "depends_on": "G2"},
        {"asset_id": "FE", "depends_on": "G3"},
    ]
    links = [
        {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
        {"area_id": "R2", "service": "power", "asset_id": "SUBE", "share": 1.0},
    ]
    scenario = make_scenario(
        areas=areas,
        assets=assets,
        dependencies=dependencies,
        service_links=links,
        strikes=[strike("S1", "G1", 0.0, "complete"), strike("S2", "F1", 0.0, "slight")],
        grid=FLAT,
        horizon_hours=12,
    )
    output, model = central(scenario)
    east = model.grid.zone_ids.index("east")
    assert np.all(output.deficit_mean[east] == 1.0)  # FE down with its gas: nothing for 250 kW


def test_what_a_critical_site_needs_is_never_cut():
    """A reservoir (not critical) that the critical pumping station needs stays on a protected
    line: water follows real outages only (found in review)."""
    extra = [{"asset_id": "RES", "name": "Reservoir", "kind": "reservoir", "area_id": "R1"}]
    output, model = central(
        two_feeds(
            [strike("S1", "F1", 0.0, "complete")],
            capacity=(0.3, 0.3),
            assets_extra=extra,
            dependencies_extra=[{"asset_id": "RES", "depends_on": "SUB"}, {"asset_id": "PMP", "depends_on": "RES"}],
        )
    )
    res = model.asset_ids.index("RES")
    assert all(member < model.assets_shown for group in model.groups[res] for member, _ in group)
    assert output.people_mean[WATER, model.area_ids.index("R1")].max() == 0


def test_a_cut_ends_where_the_next_step_begins():
    """A queue cut of step 5 is [5 h, 6 h): a schedule from 6 h continues the outage without a gap,
    so an own_power buffer of 1.5 h runs out at 6.5 h either way (found in review)."""

    def water(blackout_start: float) -> np.ndarray:
        scenario = make_scenario(
            areas=AREAS,
            assets=[
                {
                    "asset_id": "F",
                    "name": "Plant",
                    "kind": "power_plant",
                    "area_id": "R",
                    "capacity_mw": 0.6,
                    "restoration_class": "h1",
                },
                {"asset_id": "SUB", "name": "Sub", "kind": "substation", "area_id": "R1"},
            ],
            service_links=[
                {"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0},
                {"area_id": "R1", "service": "water", "asset_id": "own_power", "share": 0.5, "buffer_hours": 1.5},
            ],
            strikes=[strike("S1", "F", 5.0, "complete")],
            restoration=fixed_curves("h1", 1.0),
            blackouts=[
                {"area_id": "R1", "start": at(blackout_start), "end": at(9.0), "hours_off_per_day": 24, "queues": 1}
            ],
            grid={**FLAT, "queues": 1},
            horizon_hours=12,
        )
        output, model = central(scenario)
        return output.people_mean[WATER, model.area_ids.index("R1")]

    assert np.array_equal(water(6.0), water(5.0))
    assert water(6.0).tolist() == [0] * 7 + [600, 600] + [0] * 3
