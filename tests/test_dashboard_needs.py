"""The dashboard's needs panel: its callback called as a function, its downloads, and the tab in a browser."""

from __future__ import annotations

import base64
import io
import shutil

import dash
import openpyxl
import pandas as pd
import pytest
from component_tree import text as _text

import impact
from dash_app import ids
from dash_app.app import build_app
from dash_app.views import needs_view
from impact.needs import needs_table
from impact.scenario.bundled import find_bundled
from impact.whatif import WhatIf

CITY, OBLAST = "UA5110027", "UA51"


@pytest.fixture(scope="module")
def built():
    app, data, cb = build_app(samples=50, seed=3)
    assert data.wait_for_runs(60).state == "done"
    return app, data, cb


def _rows(table: list) -> list[str]:
    body = table[1]
    return [_text(row) for row in body.children]


def test_needs_panel_shows_water_per_day_with_the_quantile_range(built) -> None:
    _app, data, cb = built
    nd = impact.needs(data.result())
    title, table, note = cb.needs_panel("water", CITY, [2, 73], None)  # three whole local days from 13 Dec
    assert title.startswith(f"Needs per day in Odeska ({CITY}), 2025-12-13 to 2025-12-15")
    assert "each figure the median over samples" in title and "5–95 % range" in title
    assert "central estimate (every repair at its median)" in title
    assert _text(table[0]) == (
        "day|hours|people without water (mean over the day)|water to deliver [litres]|water-truck trips|"
        "water for critical sites [litres] (central)|"
    )
    rows = _rows(table)
    assert len(rows) == 3
    # 15 Dec: a day whose median over samples is not the central estimate (the city's water is
    # back in some samples), so the test tells which one leads
    at = nd.sel(area=CITY, day="2025-12-15")
    median = f"{float(at['water_litres'].sel(quantile=0.5)):,.0f}"  # the planning statistic leads
    band = f"5–95 %: {float(at['water_litres'][0]):,.0f}–{float(at['water_litres'][-1]):,.0f}"
    central = f"central: {float(at['water_litres_central']):,.0f}"
    trips = f"{float(at['water_truck_trips_central']):,.0f}"
    assert rows[2].startswith("2025-12-15|24|") and f"|{median}{band}{central}|" in rows[2] and trips in rows[2]
    assert median != f"{float(at['water_litres_central']):,.0f}"  # here the median is not the central estimate
    _title, table, _note = cb.needs_panel("water", CITY, [2, 73], None, 0.95)
    p95 = f"{float(at['water_litres'].sel(quantile=0.95)):,.0f}"
    assert f"|{p95}{band}{central}|" in _rows(table)[2] and "95th percentile" in _title
    assert "15 L per person per day (Sphere)" in note and "docs/needs.md" in note


def test_needs_panel_follows_service_area_and_window(built) -> None:
    _app, data, cb = built
    nd = impact.needs(data.result())
    title, table, _note = cb.needs_panel("heat", OBLAST, [26, 49], None)  # 14 Dec, a whole local day
    assert title.startswith(f"Needs per day in Odeska ({OBLAST}), 2025-12-14;")

    def cell(name: str) -> str:
        values = nd[name].sel(area=OBLAST, day="2025-12-14")
        central = float(nd[f"{name}_central"].sel(area=OBLAST, day="2025-12-14"))
        return (
            f"{float(values.sel(quantile=0.5)):,.0f}5–95 %: "
            f"{float(values[0]):,.0f}–{float(values[-1]):,.0f}central: {central:,.0f}|"
        )

    assert _rows(table) == [f"2025-12-14|24|{cell('cold_exposed')}{cell('heating_places')}"]
    _title, table, _note = cb.needs_panel("power", OBLAST, [2, 25], None)
    hours, gap, fuel = (
        float(nd[f"{name}_central"].sel(area=OBLAST, day="2025-12-13"))
        for name in ("generator_hours", "generator_gap_hours", "generator_fuel_litres")
    )
    # the bundled sites have no generator_kw: their hours are a generator gap; central only, no range
    assert gap > 0 and hours == fuel == 0
    assert _rows(table) == [f"2025-12-13|24|{hours:,.0f}|{gap:,.0f}|{fuel:,.0f}|"]
    view = needs_view(nd, data.result().dataset, "water", OBLAST, (722, 743))
    assert [row["day"] for row in view.rows] == ["2026-01-12"]


def test_needs_panel_shows_the_whatif_run(built) -> None:
    _app, data, cb = built
    store = {"repair_time_factor": 0.5, "extra_backup_hours": 0, "disabled_strikes": []}
    _title, table, _note = cb.needs_panel("water", OBLAST, [2, 25], store)
    faster = impact.needs(data.result(WhatIf(repair_time_factor=0.5)))
    litres = float(faster["water_litres_plan"].sel(area=OBLAST, day="2025-12-13"))
    assert f"|{litres:,.0f}" in _rows(table)[0]


@pytest.mark.slow
def test_needs_downloads(built) -> None:
    _app, data, cb = built
    states = ("water", OBLAST, [0, 743], None)
    buttons = (None,) * 8
    sent, status = cb.download(*buttons, *states, trigger=ids.DOWNLOAD_NEEDS_CSV)
    assert status.startswith("Sent odesa-2025-12_needs.csv")
    content = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    assert b"#inneed+ind+water+central" in content.splitlines()[1]
    frame = pd.read_csv(io.BytesIO(content), skiprows=[1])
    expected = needs_table(impact.needs(data.result()))
    assert frame["water_litres_central"].tolist() == pytest.approx(expected["water_litres_central"].tolist())

    sent, status = cb.download(*buttons, *states, trigger=ids.DOWNLOAD_NEEDS_XLSX)
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
    assert workbook.sheetnames == ["needs", "metadata"]

    # the whole bundled run is 3 services x 99 areas x 744 steps = 220,968 rows: too many for Excel from the page
    sent, status = cb.download(*buttons, *states, trigger=ids.DOWNLOAD_FULL_XLSX)
    assert sent is dash.no_update and "has 220,968 rows" in _text(status)


@pytest.mark.slow
def test_full_excel_download_has_a_needs_sheet(tmp_path) -> None:
    folder = tmp_path / "week"
    shutil.copytree(find_bundled("odesa-2025-12"), folder)
    toml = (folder / "scenario.toml").read_text(encoding="utf-8")
    assert "horizon_hours = 744" in toml
    (folder / "scenario.toml").write_text(toml.replace("horizon_hours = 744", "horizon_hours = 168"), encoding="utf-8")
    _app, data, cb = build_app(folder, samples=20, seed=3)  # 3 x 99 x 168 = 49,896 rows
    assert data.wait_for_runs(60).state == "done"
    sent, status = cb.download(*(None,) * 8, "water", OBLAST, [0, 167], None, trigger=ids.DOWNLOAD_FULL_XLSX)
    assert status.startswith("Sent odesa-2025-12_full.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
    assert workbook.sheetnames == ["summary", "needs", "observations", "time_series", "assets", "strikes", "metadata"]


# ------------------------------------------------------------------------------ in a browser


@pytest.mark.browser
def test_needs_tab_in_the_browser(dash_duo) -> None:
    from test_dashboard_browser import _click, _no_console_errors, _start, _wait

    _app, data = _start(dash_duo)
    nd = impact.needs(data.result())
    tab = dash_duo.driver.find_element("xpath", "//*[contains(@class, 'tab') and normalize-space()='Needs per day']")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", tab)
    tab.click()
    dash_duo.wait_for_element(f"#{ids.NEEDS_TABLE} tbody tr", timeout=20)
    hours = f"{float(nd['generator_hours_central'].sel(area=OBLAST, day='2025-12-13')):,.0f}"
    _wait(
        lambda: "generator hours" in dash_duo.find_element(f"#{ids.NEEDS_TABLE} thead").text, message="the power needs"
    )
    first, second = (row.text for row in dash_duo.find_elements(f"#{ids.NEEDS_TABLE} tbody tr")[:2])
    assert first.split()[:2] == ["2025-12-12", "2"]  # the first local day: the 2 h before midnight
    assert second.startswith("2025-12-13") and hours in second

    _click(dash_duo, f"#{ids.FILTER_SERVICE} input[value='water']")
    litres = f"{float(nd['water_litres_central'].sel(area=OBLAST, day='2025-12-13')):,.0f}"

    def second_row() -> str:
        return dash_duo.find_elements(f"#{ids.NEEDS_TABLE} tbody tr")[1].text

    _wait(lambda: litres in second_row(), message=f"{litres} litres on the first whole day")
    assert "5–95 %" in second_row()
    assert "Sphere" in dash_duo.find_element(f"#{ids.NEEDS_NOTE}").text
    _no_console_errors(dash_duo)
