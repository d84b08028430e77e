"""Rolling power cuts (``blackouts.csv``) combined with strike outages (issue 5, part 4).

Layout of ``scenario_factory``: region R = R1 (1000 people, power through SUB) + R2 (500);
start 2025-12-19T00:00+02:00, one-hour steps, 48 h horizon; step k is at hour k (local hour k
on the first day, k - 24 on the second).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scenario_factory import at, fixed_curves, make_scenario, random_scenario, strike
from test_engine_random import assert_same

import impact
from impact import ScenarioError
from impact.engine import fast, reference
from impact.engine.compile import compile_scenario, schedule_intervals
from impact.figures.timeline import CUTS_NAME

SUB = [{"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1", "restoration_class": "c"}]
POWER = [{"area_id": "R1", "service": "power", "asset_id": "SUB", "share": 1.0}]


def schedule(area="R1", start=0.0, end=48.0, hours_off=12.0, queues=2) -> dict:
    return {
        "area_id": area,
        "start": at(start),
        "end": at(end),
        "hours_off_per_day": hours_off,
        "queues": queues,
        "source": "operator schedule (test)",
    }


def run(blackouts, strikes=None, samples=10):
    frames = pd.DataFrame(blackouts)
    scenario = make_scenario(
        assets=SUB,
        service_links=POWER,
        restoration=fixed_curves("c", 5),
        strikes=strikes if strikes is not None else [],
        samples=samples,
    )
    scenario = dataclasses.replace(scenario, blackouts=_typed(frames))
    return impact.run(scenario, samples=samples, seed=2).dataset.sel(service="power", area="R1")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Blackout rows as the loader types them (times parsed, line numbers)."""
    typed = frame.copy()
    typed["start"] = pd.to_datetime(typed["start"])
    typed["end"] = pd.to_datetime(typed["end"])
    typed["__line__"] = range(2, len(typed) + 2)
    return typed


def test_two_queues_twelve_hours_each_cut_half_the_people_around_the_clock():
    ds = run([schedule(hours_off=12, queues=2)])
    central = ds["people_without_central"].values
    # Queue 1 is off 00:00-12:00 local, queue 2 12:00-24:00: 500 of 1000 at every hour.
    assert (central == 500).all()
    assert (ds["people_without_scheduled_central"].values == 500).all()
    assert (ds["people_without"].sel(quantile=0.95).values == 500).all()


def test_a_strike_and_the_schedule_never_count_anyone_twice():
    # SUB struck at hour 2 for 5 h: everyone is without power at steps 2..6, half otherwise.
    ds = run([schedule(hours_off=12, queues=2)], strikes=[strike("S1", "SUB", 2.0)])
    central = ds["people_without_central"].values
    expected = np.full(48, 500.0)
    expected[2:7] = 1000
    assert np.array_equal(central, expected)
    scheduled = ds["people_without_scheduled_central"].values
    assert scheduled[2:7].tolist() == [0.0] * 5  # the strike already cuts everyone: nobody counted twice
    assert scheduled[0] == 500.0 and scheduled[7] == 500.0
    assert ds["people_without_mean"].values.tolist() == expected.tolist()


def test_six_queues_four_hours_off_a_window_of_one_day():
    # Six queues, 4 h each: queue q off from 4q to 4q + 4 local time, so 1/6 of the people
    # (167 or 166 of 1000, rounded on the running total) at every hour of the window.
    ds = run([schedule(start=6, end=30, hours_off=4, queues=6)])
    central = ds["people_without_central"].values
    assert (central[:6] == 0).all() and (central[30:] == 0).all()
    assert set(central[6:30].tolist()) <= {166.0, 167.0}
    assert central[6:30].sum() == 4 * 1000  # each queue's 4 hours, whole persons


def test_schedule_intervals_by_hand():
    start = pd.Timestamp("2025-12-19T00:00:00+02:00")
    per_queue = schedule_intervals(
        start + pd.Timedelta(hours=10), start + pd.Timedelta(hours=30), 16.0, 2, start, "Europe/Kyiv"
    )
    # Window [10, 30). Queue 1: 00:00-16:00 each day -> [10, 16) and [24, 30). Queue 2: 12:00 to
    # 04:00 the next day -> the cut of 18-19 December ends at hour 4, before the window; then [12, 28).
    assert per_queue[0] == [(10.0, 16.0), (24.0, 30.0)]
    assert per_queue[1] == [(12.0, 28.0)]


def test_assets_are_not_cut_and_helper_assets_stay_out_of_the_results():
    ds = run([schedule()])
    assert list(ds["asset"].values) == ["SUB"]
    assert (ds["asset_down_central"].values == 0).all()


def test_bad_schedules_are_reported_with_their_line():
    with pytest.raises(ScenarioError) as error:
        make_scenario(
            assets=SUB,
            service_links=POWER,
            restoration=fixed_curves("c", 5),
            strikes=[],
            blackouts=[
                schedule(start=10, end=5),
                schedule(area="R", start=0, end=20),
                schedule(area="R1", start=10, end=30),
                schedule(area="NOPE"),
            ],
        )
    text = str(error.value)
    assert "blackouts.csv:2: end:" in text and "is not after start" in text
    assert "blackouts.csv:4: start: the schedule overlaps the one on line 3 for area 'R1'" in text
    assert "blackouts.csv:5: area_id:" in text


def test_a_blackouts_file_loads_and_runs(tmp_path):
    import shutil

    from impact.scenario.bundled import find_bundled

    folder = tmp_path / "odesa"
    shutil.copytree(find_bundled("odesa-2025-12"), folder)
    (folder / "blackouts.csv").write_text(
        "area_id,start,end,hours_off_per_day,queues,source\n"
        "UA5110,2025-12-21T00:00:00+02:00,2025-12-25T00:00:00+02:00,16,6,example schedule\n",
        encoding="utf-8",
    )
    result = impact.run(impact.load_scenario(folder), samples=20)
    scheduled = result.dataset["people_without_scheduled_central"].sel(service="power", area="UA5110")
    assert float(scheduled.max()) > 0
    # assets are not cut: piped water keeps flowing; only the households on their own pumps (own_power,
    # 6 h of stored water) lose water in a 16 h cut, and never more of them than are linked
    water = result.dataset["people_without_scheduled_central"].sel(service="water", area="UA5110")
    links = result.scenario.service_links
    own = links[
        (links["asset_id"] == "own_power") & (links["service"] == "water") & links["area_id"].str.startswith("UA5110")
    ]
    population = result.scenario.areas.set_index("area_id")["population"]
    linked = sum(round(s * population[a]) + 1 for a, s in zip(own["area_id"], own["share"], strict=True))
    assert 0 < float(water.max()) <= linked
    with xr.open_dataset(result.export(tmp_path / "r.nc")) as back:
        assert "people_without_scheduled_central" in back


@pytest.mark.parametrize("seed", range(40))
def test_fast_equals_reference_with_schedules(seed):
    scenario = random_scenario(seed)
    config = scenario.config
    rng = np.random.default_rng(seed + 900)
    areas = list(scenario.areas["area_id"])
    rows = [
        {
            "area_id": str(rng.choice(areas)),
            "start": config.start + pd.Timedelta(minutes=int(rng.integers(-120, 600))),
            "end": config.start + pd.Timedelta(hours=float(config.horizon_hours) + 1),
            "hours_off_per_day": float(rng.choice([0, 4, 8.5, 12, 16, 24])),
            "queues": int(rng.integers(1, 7)),
            "source": "",
            "__line__": 2,
        }
    ]
    model = compile_scenario(dataclasses.replace(scenario, blackouts=pd.DataFrame(rows)))
    quantiles = np.array([0.05, 0.5, 0.95])
    for durations in (model.sample_durations(20, seed), model.central_durations()):
        assert_same(fast.compute(model, durations, quantiles), reference.compute(model, durations, quantiles))


def test_timeline_draws_the_rolling_cuts_as_their_own_component():
    frames = pd.DataFrame([schedule(hours_off=12, queues=2)])
    scenario = make_scenario(
        assets=SUB, service_links=POWER, restoration=fixed_curves("c", 5), strikes=[strike("S1", "SUB", 2.0)], samples=5
    )
    result = impact.run(dataclasses.replace(scenario, blackouts=_typed(frames)), samples=5)
    figure = impact.figures.timeline(result, service="power", area="R1")
    names = [trace.name for trace in figure.data]
    assert CUTS_NAME in names
    cuts = next(trace for trace in figure.data if trace.name == CUTS_NAME)
    assert list(cuts.y[:8]) == [500, 500, 0, 0, 0, 0, 0, 500]
    water = impact.figures.timeline(result, service="water", area="R2")
    assert CUTS_NAME not in [trace.name for trace in water.data]
