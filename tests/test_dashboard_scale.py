"""The dashboard at scale, without a browser: first-load progress, the shared run cache, light figures.

The progress tests replace :func:`impact.run` by one that waits at a gate between its stages,
so each state of the page (run under way, done, failed) is reached on purpose, not by timing.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import dash
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from component_tree import components as _components

import impact
from dash_app import ids
from dash_app.app import build_app
from dash_app.cache import BoundedCache
from dash_app.figures import compact_time_axis, time_axis
from dash_app.progress import RunProgress
from dash_app.views import REST_AREA, area_lines, busiest_assets, map_level
from impact.figures import strike_marks
from impact.synth import write_synthetic

REAL_RUN = impact.run


def _ids(component) -> set:
    return {getattr(c, "id", None) for c in _components(component)} - {None}


def _by_id(component, wanted: str):
    return next(c for c in _components(component) if getattr(c, "id", None) == wanted)


class GatedRun:
    """Stands in for :func:`impact.run`: reports each stage, then waits for the test to open the gate.

    ``fail`` makes it raise after the first stage instead of finishing.
    """

    def __init__(self, fail: Exception | None = None) -> None:
        self.gate = threading.Event()
        self.reached = threading.Event()
        self.calls = 0
        self.fail = fail

    def __call__(self, scenario, samples=None, seed=None, quantiles=None, *, progress=None, **options):
        self.calls += 1
        progress("compiling")
        self.reached.set()
        assert self.gate.wait(20), "the test never opened the gate"
        if self.fail is not None:
            raise self.fail
        return REAL_RUN(scenario, samples=samples, seed=seed, quantiles=quantiles, progress=progress, **options)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """A small synthetic national scenario: 27 oblasts under the country, 60 hromadas, 4 days."""
    return write_synthetic(
        tmp_path_factory.mktemp("synthetic") / "ua60", areas=60, assets=60, strikes=24, days=4, seed=3, samples=20
    )


# ------------------------------------------------------------------------ progress of the run


def test_run_progress_reports_stages_elapsed_time_and_the_end() -> None:
    now = [100.0]
    progress = RunProgress(4, clock=lambda: now[0])
    waiting = progress.snapshot()
    assert (waiting.state, waiting.stage_number, waiting.percent, waiting.finished) == ("waiting", 0, 0, False)
    assert waiting.describe() == "Waiting for the model run to start…"
    progress.start()
    assert progress.snapshot().describe() == "Starting the model run… (0 s)"
    for label in ("compiling", "central estimate", "500 samples"):
        now[0] += 1.0
        progress.advance(label)
    now[0] += 1.5
    running = progress.snapshot()
    assert (running.state, running.stage, running.stage_number, running.percent) == ("running", "500 samples", 3, 50)
    assert running.elapsed_s == pytest.approx(4.5)
    assert running.describe() == "Step 3 of 4: 500 samples… (4 s)"
    progress.advance("labelling")
    progress.advance("one more than announced")
    assert progress.snapshot().stage_number == 4  # never beyond the stages announced
    progress.finish()
    now[0] += 10
    done = progress.snapshot()
    assert (done.state, done.percent, done.finished, done.elapsed_s) == ("done", 100, True, pytest.approx(4.5))


def test_run_progress_keeps_the_error_and_restarts_afresh() -> None:
    progress = RunProgress(3)
    progress.advance("compiling")
    progress.fail(MemoryError("cannot allocate 9 GB"))
    failed = progress.snapshot()
    assert failed.state == "failed" and failed.finished
    assert failed.error == "MemoryError: cannot allocate 9 GB"
    assert "The model run failed after" in failed.describe() and failed.error in failed.describe()
    progress.start()
    again = progress.snapshot()
    assert (again.state, again.error, again.stage_number) == ("running", "", 0)
    with pytest.raises(ValueError):
        RunProgress(0)


# ------------------------------------------------------------------------- the shared cache


def test_cache_computes_a_key_once_for_concurrent_callers() -> None:
    cache: BoundedCache[int] = BoundedCache(4)
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow() -> int:
        calls.append(1)
        started.set()
        assert release.wait(10)
        return 42

    got = []
    first = threading.Thread(target=lambda: got.append(cache.get("run", slow)))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: got.append(cache.get("run", lambda: calls.append(2) or 0)))
    second.start()
    time.sleep(0.05)
    assert got == []  # the second caller waits for the first computation
    release.set()
    first.join(10)
    second.join(10)
    assert got == [42, 42] and calls == [1] and cache.misses == 1


def test_cache_does_not_keep_a_failed_computation_and_every_waiter_sees_it() -> None:
    cache: BoundedCache[int] = BoundedCache(4)
    started, release = threading.Event(), threading.Event()

    def failing() -> int:
        started.set()
        assert release.wait(10)
        raise RuntimeError("engine exploded")

    errors = []

    def ask(compute) -> None:
        try:
            cache.get("run", compute)
        except RuntimeError as error:
            errors.append(str(error))

    owner = threading.Thread(target=ask, args=(failing,))
    owner.start()
    assert started.wait(10)
    waiter = threading.Thread(target=ask, args=(lambda: 0,))
    waiter.start()
    time.sleep(0.05)
    release.set()
    owner.join(10)
    waiter.join(10)
    assert errors == ["engine exploded", "engine exploded"]
    assert "run" not in cache and cache.get("run", lambda: 7) == 7  # the next request computes again


def test_cache_keeps_within_its_memory_budget_but_always_the_latest() -> None:
    cache: BoundedCache[bytes] = BoundedCache(16, max_bytes=100, weigh=len)
    cache.get("a", lambda: b"x" * 40)
    cache.get("b", lambda: b"x" * 40)
    cache.get("c", lambda: b"x" * 40)  # 120 bytes: drops a
    assert "a" not in cache and "b" in cache and "c" in cache and cache.bytes == 80
    cache.get("huge", lambda: b"x" * 500)  # alone over budget, but the latest is kept
    assert len(cache) == 1 and "huge" in cache
    with pytest.raises(ValueError, match="needs weigh"):
        BoundedCache(4, max_bytes=10)


# ------------------------------------------------------------------- first load of the page


def test_page_shows_progress_while_the_run_is_under_way_then_the_dashboard(monkeypatch) -> None:
    gated = GatedRun()
    monkeypatch.setattr(impact, "run", gated)
    app, data, cb = build_app(samples=10, seed=2)
    assert gated.reached.wait(10)

    begin = time.perf_counter()
    page = app.layout()  # answers while the run waits at the gate
    assert time.perf_counter() - begin < 1.0
    present = _ids(page)
    assert {ids.PROGRESS_BAR, ids.PROGRESS_LABEL, ids.PROGRESS_INTERVAL, ids.HEADER_TITLE} <= present
    assert ids.KPI_ROW not in present and ids.TIMELINE_GRAPH not in present
    assert _by_id(page, ids.PROGRESS_INTERVAL).disabled is False
    assert _by_id(page, ids.PROGRESS_LABEL).children.startswith("Step 1 of 4: compiling…")

    body, disabled = cb.poll_progress(1)
    assert disabled is False and ids.PROGRESS_BAR in _ids(body)

    gated.gate.set()
    assert data.wait_for_runs(60).state == "done"
    body, disabled = cb.poll_progress(2)
    assert disabled is True
    assert {ids.KPI_ROW, ids.TIMELINE_GRAPH, ids.MAP_GRAPH, ids.TABLE_AREAS, ids.STORE_WHATIF} <= _ids(body)
    assert ids.PROGRESS_BAR not in _ids(body)

    later = app.layout()  # a later visit gets the dashboard at once, polling off
    assert _by_id(later, ids.PROGRESS_INTERVAL).disabled is True
    assert _by_id(later, ids.PAGE_BODY).children is body  # built once, shared
    assert gated.calls == 1


def test_result_asked_for_during_the_background_run_waits_for_it(monkeypatch) -> None:
    gated = GatedRun()
    monkeypatch.setattr(impact, "run", gated)
    _app, data, _cb = build_app(samples=10, seed=2)
    assert gated.reached.wait(10)
    got = []
    asking = threading.Thread(target=lambda: got.append(data.result()))
    asking.start()
    time.sleep(0.05)
    assert got == []
    gated.gate.set()
    asking.join(60)
    assert got and got[0] is data.result() and gated.calls == 1
    assert got[0].dataset.attrs["samples"] == 10


def test_a_failed_run_shows_its_error_on_the_page(monkeypatch, caplog) -> None:
    gated = GatedRun(fail=RuntimeError("engine exploded"))
    monkeypatch.setattr(impact, "run", gated)
    app, data, cb = build_app(samples=10, seed=2)
    with caplog.at_level(logging.ERROR, logger="dash_app.data"):
        gated.gate.set()
        status = data.wait_for_runs(30)
    assert status.state == "failed" and status.error == "RuntimeError: engine exploded"
    assert "the run of odesa-2025-12 failed" in caplog.text and "engine exploded" in caplog.text

    body, disabled = cb.poll_progress(3)
    assert disabled is True
    assert "RuntimeError: engine exploded" in str(_by_id(body, ids.PROGRESS_ERROR).children)
    page = app.layout()
    assert _by_id(page, ids.PROGRESS_INTERVAL).disabled is True
    assert "RuntimeError: engine exploded" in str(_by_id(page, ids.PROGRESS_ERROR).children)
    assert ids.KPI_ROW not in _ids(page)


def test_validation_layout_names_every_callback_component_but_holds_no_data() -> None:
    app, data, _cb = build_app(samples=10, seed=2)
    named = set()
    for spec in app._callback_list:
        for part in (spec["output"].strip(".").split("..."), [i["id"] for i in spec["inputs"] + spec["state"]]):
            named |= {p.split(".", 1)[0].split("@", 1)[0] for p in part}
    assert named <= _ids(app.validation_layout)
    options = _by_id(app.validation_layout, ids.FILTER_AREA).options
    assert options == []
    data.wait_for_runs(60)


# ------------------------------------------------------------------------ figures at scale


def test_area_lines_draw_the_highest_peaks_and_sum_the_rest_exactly(synthetic) -> None:
    ds = impact.run(synthetic, samples=0).dataset
    lines, areas, note = area_lines(ds, "power", "UA", most=8)
    below = [str(a) for a, p in zip(ds["area"].values, ds["parent_id"].values, strict=True) if p == "UA"]
    assert len(below) == 27 and len(areas) == 9 and areas[-1] == REST_AREA
    peaks = ds["peak_people_without_central"].sel(service="power", area=below).to_series()
    assert set(areas[:-1]) == set(peaks.sort_values(ascending=False, kind="stable").index[:8])
    rest = [a for a in below if a not in areas]
    summed = ds["people_without_central"].sel(service="power", area=rest).sum("area").values
    np.testing.assert_allclose(lines["people_without_central"].sel(service="power", area=REST_AREA).values, summed)
    assert str(lines["name"].sel(area=REST_AREA).values) == "19 other areas, summed"
    assert note == (
        "the 8 of 27 areas below Ukraine (SYNTHETIC) with the highest peak; the other 19 summed in one line"
    )
    same, few, nothing = area_lines(ds, "power", "UA", most=30)
    assert same is ds and few == below and nothing == ""


def test_timeline_callback_at_scale_names_what_it_sums_and_sends_no_time_arrays(synthetic) -> None:
    _app, data, cb = build_app(synthetic)
    ds = data.result().dataset
    figure = cb.timeline_figure("power", "UA", "areas", [], [0, ds.sizes["time"] - 1], None, 5)
    lines = [t for t in figure["data"] if t["name"] != "strikes"]
    assert len(lines) == 9 and lines[-1]["name"] == "19 other areas, summed"
    assert figure["layout"]["title"]["subtitle"]["text"].startswith("the 8 of 27 areas below")
    assert figure["layout"]["shapes"][0]["name"] == "cursor"
    times = pd.DatetimeIndex(time_axis(ds)[0])
    for trace in lines:
        assert "x" not in trace and trace["x0"] == f"{times[0]:%Y-%m-%d %H:%M:%S}" and trace["dx"] == 3_600_000
    strikes = next(t for t in figure["data"] if t["name"] == "strikes")
    assert len(strikes["x"]) == ds.sizes["strike"]  # every strike keeps its hover marker


def test_map_draws_a_coarser_level_when_the_leaves_are_too_many(synthetic) -> None:
    ds = impact.run(synthetic, samples=0).dataset
    assert map_level(ds) == (None, "")
    level, note = map_level(ds, most=30)
    assert level == 2 and note == "admin level 2 (28 areas): the 60 smallest areas are too many to draw"
    assert map_level(ds, most=27) == (1, "admin level 1 (27 areas): the 60 smallest areas are too many to draw")
    assert map_level(ds, most=5) == (0, "admin level 0 (1 area): the 60 smallest areas are too many to draw")


def test_asset_chart_keeps_the_assets_down_longest(synthetic) -> None:
    ds = impact.run(synthetic, samples=20, seed=1).dataset
    struck = list(dict.fromkeys(str(a) for a in ds["strike_asset"].values))
    every, none_left_out = busiest_assets(ds)
    assert every == struck and none_left_out == ""
    chosen, note = busiest_assets(ds, most=3)
    hours = ds["asset_down_probability"].sel(asset=struck).sum("time").to_series()
    assert set(chosen) == set(hours.sort_values(ascending=False, kind="stable").index[:3])
    assert chosen == [a for a in struck if a in chosen]  # strike order
    assert note == f"the 3 of {len(struck)} struck assets with the most expected hours down"


def test_compact_time_axis_keeps_every_point_in_place(synthetic) -> None:
    ds = impact.run(synthetic, samples=0).dataset
    times, first, step_ms = time_axis(ds)
    figure = {"data": [{"x": times.copy(), "y": np.arange(len(times))}, {"x": times[:3], "y": [1, 2, 3]}]}
    compact_time_axis(figure, (times, first, step_ms))
    whole, part = figure["data"]
    rebuilt = pd.Timestamp(whole["x0"]) + pd.to_timedelta(np.arange(len(times)) * whole["dx"], unit="ms")
    assert (rebuilt.values == times).all()
    assert "x" in part and "x0" not in part  # a trace over part of the axis keeps its times


def test_time_axis_across_a_daylight_saving_change_keeps_explicit_times() -> None:
    utc = pd.date_range("2025-10-25T21:00", periods=6, freq="h")  # Kyiv: 00:00 .. 03:00 twice, 04:00 +02:00
    ds = xr.Dataset(coords={"time": utc.values}, attrs={"timezone": "Europe/Kyiv"})
    times, first, step_ms = time_axis(ds)
    assert first is None and step_ms is None and len(times) == 6
    figure = {"data": [{"x": times.copy()}]}
    compact_time_axis(figure, (times, first, step_ms))
    assert "x" in figure["data"][0]


def test_strike_marks_share_lines_of_the_same_time_but_keep_every_marker(synthetic) -> None:
    ds = impact.run(synthetic, samples=0).dataset
    shapes, trace = strike_marks(ds)
    times = pd.DatetimeIndex(ds["strike_time"].values)
    assert len(shapes) == times.nunique()
    assert len(trace["x"]) == ds.sizes["strike"] and trace["name"] == "strikes"


def test_downloads_too_big_for_the_page_are_refused_with_the_reason(monkeypatch) -> None:
    from dash_app import callbacks

    _app, _data, cb = build_app(samples=10, seed=2)
    monkeypatch.setitem(callbacks.MOST_TABLE_ROWS, ".csv", 100)
    sent, status = cb.download(
        None, None, None, 1, None, None, "power", "UA51", [0, 719], None, trigger=ids.DOWNLOAD_FULL_CSV
    )
    assert sent is dash.no_update
    reason = str(status.children)
    assert "Not sent: the full run as a table has" in reason and "more than the 100 a CSV download" in reason
    netcdf, fine = cb.download(
        None, None, None, None, None, 1, "power", "UA51", [0, 719], None, trigger=ids.DOWNLOAD_FULL_NC
    )
    assert netcdf["filename"] == "odesa-2025-12_full.nc" and fine.startswith("Sent odesa-2025-12_full.nc")

    def refuse(ds, path):
        raise ValueError("the time_series sheet would have too many rows")

    monkeypatch.setattr(callbacks.downloads, "export", refuse)
    sent, status = cb.download(
        None, 1, None, None, None, None, "power", "UA51", [0, 719], None, trigger=ids.DOWNLOAD_VIEW_XLSX
    )
    assert sent is dash.no_update and str(status.children) == "Not sent: the time_series sheet would have too many rows"
