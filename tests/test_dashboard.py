"""Dashboard callbacks and views called as plain functions (no browser)."""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

import dash
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from component_tree import components as _components
from component_tree import text as _text
from dash import html

from dash_app import ids
from dash_app.app import build_app, create_app
from dash_app.cache import BoundedCache
from dash_app.text import percent
from dash_app.views import area_options, descendants, kpis, local_labels, ranked_areas, time_marks, view_dataset
from impact.whatif import WhatIf, apply_whatif

BUNDLED = Path(__file__).resolve().parent.parent / "datasets" / "odesa-2025-12"
FULL_WINDOW = [0, 743]


#: Odeskyi raion and its 22 hromadas (COD P-codes UA5110001, UA5110003 ... UA5110043).
ODESKYI = {"UA5110"} | {f"UA5110{number:03d}" for number in range(1, 44, 2)}


@pytest.fixture(scope="module")
def built():
    return build_app(samples=100, seed=3)


def test_layout_has_every_component_id(built) -> None:
    app, data, _cb = built
    assert data.wait_for_runs(60).state == "done"
    present = {getattr(c, "id", None) for c in _components(app.layout())}  # the layout is a function of the run
    elsewhere = {ids.PAGE_PROBLEMS, ids.PROGRESS_BAR, ids.PROGRESS_LABEL, ids.PROGRESS_ERROR}  # other pages
    elsewhere |= ids.BASELINE_ONLY  # the comparison tab: only with a baseline scenario
    elsewhere |= ids.GRID_ONLY  # the grid tab: only when the run has a grid (tests/test_dashboard_grid.py)
    wanted = {value for name, value in vars(ids).items() if name.isupper() and isinstance(value, str)} - elsewhere
    assert wanted <= present


def test_area_picker_lists_the_hierarchy_in_order(built) -> None:
    ds = built[1].result().dataset
    options = area_options(ds)
    values = [o["value"] for o in options]
    assert values[0] == "UA51"
    assert values.index("UA5110") < values.index("UA5110027") < values.index("UA5112")
    labels = {o["value"]: o["label"] for o in options}
    assert labels["UA5110027"].startswith("\u2003\u2003") and labels["UA5110"].startswith("\u2003")
    assert set(descendants(ds, "UA5110")) == ODESKYI  # the raion and its 22 hromadas
    assert descendants(ds, "UA5110027") == ["UA5110027"]


def test_time_labels_and_marks_are_local(built) -> None:
    ds = built[1].result().dataset
    labels = local_labels(ds)
    assert labels[0] == "2025-12-12 22:00 +02:00" and len(labels) == 744
    marks = time_marks(ds)
    assert marks[2] == "13 Dec" and len(marks) <= 8  # the first local midnight, 2 h after the start


def test_kpis_at_the_power_peak(built) -> None:
    ds = built[1].result().dataset
    cards = {k.service: k for k in kpis(ds, "UA51", 23)}  # 13 Dec 21:00: strikes and the evening's rotating cuts
    assert cards["power"].central_now == 1_755_082 and cards["power"].central_peak == 1_755_082
    assert cards["power"].now == 1_722_472 and cards["power"].peak == 1_737_992.5  # medians of 100 samples
    assert cards["power"].peak_time == "13 Dec 21:00"
    assert cards["power"].restored_by == "17 Dec 04:00"  # 79 h after the peak
    assert cards["power"].now_low <= cards["power"].now <= cards["power"].now_high
    assert cards["power"].unmodified_now is None


def test_ranked_areas_are_sorted_and_share_is_a_percentage(built) -> None:
    ds = built[1].result().dataset
    rows = ranked_areas(ds, "water", 40, "UA5110")
    assert next(r["area_id"] for r in rows) == "UA5110"
    values = [r["people_without"] for r in rows]
    assert values == sorted(values, reverse=True)
    for row in rows:
        assert 0 <= row["share"] <= 100
        assert row["share"] == pytest.approx(100 * row["people_without"] / row["population"], abs=0.05)


def test_timeline_callback_modes_cursor_first_and_window(built) -> None:
    _app, _data, cb = built
    band = cb.timeline_figure("water", "UA5110027", "band", ["band"], [10, 100], None, 50)
    names = [t["name"] for t in band["data"]]
    assert "median over samples" in names and "5–95 % range" in names
    assert "central (every repair at its median)" in names
    assert band["layout"]["shapes"][0]["name"] == "cursor"
    assert str(band["layout"]["xaxis"]["range"][0]).startswith("2025-12-13 08:00")
    no_band = cb.timeline_figure("water", "UA5110027", "band", [], FULL_WINDOW, None, 50)
    assert "5–95 % range" not in [t["name"] for t in no_band["data"]]
    services = cb.timeline_figure("power", "UA51", "services", [], FULL_WINDOW, None, 0)
    assert [t["name"] for t in services["data"]][:3] == ["power", "water", "heat"]
    areas = cb.timeline_figure("power", "UA5110", "areas", [], FULL_WINDOW, None, 0)
    drawn = [t["name"] for t in areas["data"] if t["name"] != "strikes"]
    assert len(drawn) == 9 and drawn[-1] == "14 other areas, summed"  # 22 hromadas below Odeskyi raion


def test_cursor_move_is_a_small_patch(built) -> None:
    patch = built[2].move_cursor(100, None).to_plotly_json()
    locations = [operation["location"] for operation in patch["operations"]]
    assert locations == [["layout", "shapes", 0, "x0"], ["layout", "shapes", 0, "x1"]]
    assert str(patch["operations"][0]["params"]["value"]).startswith("2025-12-17 02:00")


def test_cursor_views_give_cards_table_and_label(built) -> None:
    cards, rows, label = built[2].cursor_views("heat", "UA5110027", 30, None)
    assert len(cards) == 3
    assert label == "2025-12-14 04:00 +02:00"
    assert rows[0]["area_id"] == "UA5110027"


def test_map_callback_gives_the_map_at_the_cursor_and_its_note(built) -> None:
    figure, note = built[2].map_figure("heat", "UA5110027", "leaves", "share", "without", 30, None)
    assert figure["layout"]["title"]["text"] == "Without heat, 14 Dec 04:00 +02:00"
    assert "assets" not in [t["name"] for t in figure["data"]]  # positions only with --show-assets
    assert note.endswith("not adjusted for displacement.")


def test_show_assets_adds_asset_positions_to_the_map() -> None:
    _app, _data, cb = build_app(samples=20, show_assets=True)
    figure, _note = cb.map_figure("power", "UA51", "leaves", "share", "without", 4, None)
    assert "assets" in [t["name"] for t in figure["data"]]


def test_whatif_run_and_reset(built) -> None:
    _app, data, cb = built
    every = list(data.scenario.strikes["strike_id"])
    store, status, *_ = cb.run_whatif(1, None, 0.5, 6, [s for s in every if s != "S02"])
    assert store == {"repair_time_factor": 0.5, "extra_backup_hours": 6.0, "disabled_strikes": ["S02"]}
    assert status.startswith("Showing what-if: repairs x0.5")
    figure = cb.timeline_figure("power", "UA51", "band", ["band"], FULL_WINDOW, store, 4)
    assert "without the what-if (central)" in [t["name"] for t in figure["data"]]
    assert "baseline (central)" not in [t["name"] for t in figure["data"]]  # baseline is a scenario B
    cards = cb.cursor_views("power", "UA51", 200, store)[0]
    text = str(cards[0])
    assert "without the what-if:" in text
    unchanged, status, *_ = cb.run_whatif(2, None, 1, 0, every)
    assert unchanged is None and status == "Showing the unmodified run."
    reset = cb.run_whatif(2, 1, 0.5, 6, [], trigger=ids.WHATIF_RESET)
    assert reset == (None, "Showing the unmodified run.", 1, 0, every)
    bad = cb.run_whatif(3, None, 1, -5, every)
    assert bad[1].startswith("What-if not run: extra_backup_hours must be")


def test_whatif_gives_faster_recovery_with_faster_repairs() -> None:
    import impact

    scenario = impact.load_scenario("odesa-2025-12")
    base = impact.run(scenario, samples=0).dataset
    fast = impact.run(apply_whatif(scenario, WhatIf(repair_time_factor=0.5)), samples=0).dataset
    sel = {"service": "power", "area": "UA51"}
    assert float(fast["person_hours_without_central"].sel(sel)) < float(base["person_hours_without_central"].sel(sel))
    off = impact.run(apply_whatif(scenario, WhatIf(disabled_strikes={"S15"})), samples=0).dataset
    hub_hours = int(base["asset_down_central"].sel(asset="HUB-1").sum())
    assert 0 < int(off["asset_down_central"].sel(asset="HUB-1").sum()) < hub_hours  # still loses power
    backup = impact.run(apply_whatif(scenario, WhatIf(extra_backup_hours=48)), samples=0).dataset
    assert float(backup["person_hours_without_central"].sel(service="water", area="UA51")) <= float(
        base["person_hours_without_central"].sel(service="water", area="UA51")
    )
    with pytest.raises(ValueError, match="not in the scenario's strikes"):
        apply_whatif(scenario, WhatIf(disabled_strikes={"NOPE"}))


def test_view_download_holds_only_what_is_on_screen(built) -> None:
    _app, _data, cb = built
    assert cb.download(1, None, None, None, None, None, "water", "UA5110", [24, 47], None) == (
        dash.no_update,
        dash.no_update,
    )
    sent, status = cb.download(
        1, None, None, None, None, None, "water", "UA5110", [24, 47], None, trigger=ids.DOWNLOAD_VIEW_CSV
    )
    assert status.startswith("Sent odesa-2025-12_view.csv")
    assert sent["filename"] == "odesa-2025-12_view.csv"
    import base64

    content = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    frame = pd.read_csv(io.BytesIO(content), skiprows=[1])
    assert set(frame["service"]) == {"water"}
    assert set(frame["area_id"]) == ODESKYI
    assert frame["time_local"].iloc[0] == "2025-12-13T22:00:00+02:00" and frame["time_local"].nunique() == 24
    assert content.splitlines()[1].startswith(b"#")


def test_view_dataset_exports_through_the_cli_exporters(tmp_path: Path, built) -> None:
    import impact

    view = view_dataset(built[1].result().dataset, "heat", "UA5110027", (0, 23))
    for suffix in (".csv", ".xlsx", ".nc"):
        impact.export.export(view, tmp_path / f"v{suffix}")
    back = xr.open_dataset(tmp_path / "v.nc")
    assert list(back["area"].values) == ["UA5110027"] and back.sizes["time"] == 24
    back.close()


def test_invalid_scenario_shows_its_problems(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(BUNDLED, folder)
    areas = folder / "areas.csv"
    areas.write_text(areas.read_text(encoding="utf-8").replace("1010537", "many", 1), encoding="utf-8")
    app, data, cb = build_app(folder)
    assert cb is None and not data.ok
    problems = [c for c in _components(app.layout) if getattr(c, "id", None) == ids.PAGE_PROBLEMS]
    assert problems and "areas.csv" in str(problems[0]) and "'many' is not a whole number" in str(problems[0])


def test_create_app_serves_everything_itself() -> None:
    app = create_app(samples=10)
    assert app.config.serve_locally
    assert app.config.external_stylesheets == [] and app.config.external_scripts == []
    client = app.server.test_client()

    def text(url: str) -> str:
        with client.get(url) as response:
            assert response.status_code == 200, url
            return response.get_data(as_text=True)

    page = text("/")
    assert "/assets/vendor/bootstrap-5.3.8.min.css" in page
    assert "https://" not in page and "http://" not in page
    for url in ("/_dash-layout", "/_dash-dependencies"):
        text(url)
    css = text("/assets/vendor/bootstrap-5.3.8.min.css")
    assert "url(http" not in css and "@import" not in css


def test_bounded_cache_drops_the_least_recently_used() -> None:
    cache: BoundedCache[int] = BoundedCache(2)
    calls = []

    def make(value):
        return lambda: calls.append(value) or value

    assert cache.get("a", make(1)) == 1 and cache.get("b", make(2)) == 2
    assert cache.get("a", make(9)) == 1  # hit, now most recent
    cache.get("c", make(3))  # drops b
    assert len(cache) == 2 and cache.get("b", make(4)) == 4
    assert calls == [1, 2, 3, 4] and cache.hits == 1
    with pytest.raises(ValueError):
        BoundedCache(0)


def test_serve_warns_when_listening_beyond_this_machine(monkeypatch, capsys) -> None:
    import dash

    from dash_app import serve

    started = {}
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: started.update(kw))
    serve.serve(host="0.0.0.0", port=8999)
    assert started == {"host": "0.0.0.0", "port": 8999, "debug": False}
    assert "warning: listening on 0.0.0.0" in capsys.readouterr().err
    serve.serve(port=8998)
    assert started["host"] == "127.0.0.1"
    assert "warning" not in capsys.readouterr().err


def test_kpi_card_renders_ranges_and_no_outage() -> None:
    from dash_app.components import kpi_card
    from dash_app.views import Kpi

    card = kpi_card(Kpi("water", 10.0, np.nan, np.nan, 0.0, np.nan, np.nan, "", "", np.nan, np.nan, 100))
    text = str(card)
    assert "no outage" in text and "5–95 %" not in text
    assert isinstance(card.children.children.children[0], html.H3)


def test_time_window_moves_both_axes_with_small_patches(built) -> None:
    timeline_patch, assets_patch = built[2].apply_window([24, 47], None)
    for patch in (timeline_patch, assets_patch):
        (operation,) = patch.to_plotly_json()["operations"]
        assert operation["location"] == ["layout", "xaxis", "range"]
        first, last = operation["params"]["value"]
        assert str(first).startswith("2025-12-13 22:00") and str(last).startswith("2025-12-14 21:00")


def test_click_on_the_timeline_moves_the_cursor(built) -> None:
    cb = built[2]
    assert cb.click_to_cursor({"points": [{"x": "2025-12-20 10:30"}]}) == 180  # local wall clock, step 180
    assert cb.click_to_cursor({"points": [{"x": "2030-01-01 00:00"}]}) == 743
    assert cb.click_to_cursor(None) is dash.no_update


def test_callback_responses_are_gzipped_static_files_are_not() -> None:
    app = create_app(samples=10)
    client = app.server.test_client()
    with client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers.get("Content-Encoding") == "gzip"
    with client.get("/assets/vendor/bootstrap-5.3.8.min.css", headers={"Accept-Encoding": "gzip"}) as response:
        assert "Content-Encoding" not in response.headers


def test_dashboard_stays_thin() -> None:
    """No callback body over 40 lines; no plotly trace built in dash_app; only the public figures/export surface."""
    import ast

    import plotly.graph_objects as go

    root = Path(__file__).resolve().parents[1] / "dash_app"
    traces = {name for name in dir(go) if isinstance(getattr(go, name), type) and hasattr(getattr(go, name), "type")}
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("impact.figures.", "impact.export.")), (path, node.module)
                assert not (node.module.startswith("plotly") and traces & {a.name for a in node.names}), path
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                called_on = node.func.value
                assert not (isinstance(called_on, ast.Name) and called_on.id == "go" and node.func.attr in traces), (
                    path,
                    node.lineno,
                )
            if path.parent.name == "callbacks" and isinstance(node, ast.FunctionDef) and node.name == "make":
                for callback in node.body:
                    if isinstance(callback, ast.FunctionDef):
                        assert callback.end_lineno - callback.lineno <= 40, (path, callback.name)


@pytest.mark.parametrize(
    ("fraction", "text"),
    [(0.06, "+6 %"), (-0.12, "−12 %"), (-0.0049, "−0.5 %"), (0.011, "+1 %"), (0.0, "+0 %"), (-0.0001, "−0.0 %")],
)
def test_percent_keeps_the_sign_and_size_of_small_errors(fraction: float, text: str) -> None:
    assert percent(fraction) == text


def test_the_planning_statistic_control_leads_every_headline_and_names_it(built) -> None:
    app, data, cb = built
    assert data.wait_for_runs(60).state == "done"
    control = next(c for c in _components(app.layout()) if getattr(c, "id", None) == ids.FILTER_PLAN)
    assert [o["label"] for o in control.options] == ["median", "75 %", "90 %", "95 %"] and control.value == 0.5
    ds = data.result().dataset
    at = ds.sel(service="power", area="UA51")
    cards, rows, _label = cb.cursor_views("power", "UA51", 40, None, 0.9)
    card = next(c for c in _components(html.Div(cards)) if getattr(c, "id", None) == "kpi-power-now")
    assert card.children == f"{float(at['people_without'].isel(time=40).sel(quantile=0.9)):,.0f}"
    said = {getattr(c, "id", None): _text(c) for c in _components(html.Div(cards))}
    assert said["kpi-power-statistic"].startswith("90th percentile at the cursor")
    central = f"{float(at['people_without_central'].isel(time=40)):,.0f} now"
    assert said["kpi-power-central"].startswith(f"central (every repair at its median): {central}, peak ")
    shares = at["outage_beyond_probability"].values
    assert said["kpi-power-beyond"] == (
        f"outage beyond 24 h: {shares[0]:.0%}, 72 h: {shares[1]:.0%}, 168 h: {shares[2]:.0%}".replace("%", " %")
    )
    top = next(row for row in rows if row["area_id"] == "UA51")
    assert top["people_without"] == float(at["people_without"].isel(time=40).sel(quantile=0.9))
    assert top["central"] == float(at["people_without_central"].isel(time=40))
    assert top["beyond_72h"] == round(100 * float(shares[1]), 1)
    headers = [column["headerName"] for column in cb.area_columns_for(0.9)]
    assert headers[3:5] == ["without (90th percentile)", "central"] and headers[-1] == "out > 168 h [%]"
    assert cb.area_columns_for(0.5)[3]["headerName"] == "without (median)"
    timeline = cb.timeline_figure("power", "UA51", "band", ["band"], FULL_WINDOW, None, 40, 0.9)
    names = [t["name"] for t in timeline["data"]]
    assert "90th percentile over samples" in names and "central (every repair at its median)" in names
    sent, _status = cb.download(
        1, None, None, None, None, None, "power", "UA5110", [24, 47], None, trigger=ids.DOWNLOAD_VIEW_CSV, plan=0.9
    )
    content = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    assert b"people_without_plan_q90" in content.splitlines()[0]


def test_without_samples_the_central_estimate_leads_and_says_so() -> None:
    _app, data, cb = build_app(samples=0)
    assert data.wait_for_runs(60).state == "done"
    cards, rows, _label = cb.cursor_views("power", "UA51", 40, None, 0.9)
    said = {getattr(c, "id", None): _text(c) for c in _components(html.Div(cards))}
    assert said["kpi-power-statistic"].startswith("central (every repair at its median) at the cursor")
    assert "kpi-power-central" not in said  # the central estimate leads: no reference line
    assert rows[0]["people_without"] == rows[0]["central"] and rows[0]["beyond_24h"] is None
    assert cb.area_columns_for(0.9)[3]["headerName"] == "without (central)"
