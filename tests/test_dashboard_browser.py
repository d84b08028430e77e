"""The dashboard in a real (headless) Chromium, driven through ``dash[testing]``'s ``dash_duo``.

Each test serves the bundled Odesa scenario (or a copy of it) with :func:`dash_app.build_app`,
acts as a planner would (clicks, keys, downloads) and asserts on what the page shows, on the
figures Plotly draws and on downloaded files, checked against the library's own numbers.
Every test ends with no SEVERE browser console message.

They need Chromium and chromedriver (``apt-get install chromium chromium-driver``); outside CI
they skip when those are missing (see ``tests/conftest.py``).
"""

from __future__ import annotations

import base64
import json
import shutil
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
import shapely
from conftest import in_ci
from grid_scenario import grid_scenario
from scenario_factory import make_scenario
from shapely.geometry import MultiPoint, mapping

from dash_app import build_app, ids
from dash_app.text import GRID_TAB
from dash_app.views import default_window, kpis, local_labels, ranked_areas
from impact.areas import AreaTree
from impact.boundaries import representative_points
from impact.dataset import top_area
from impact.figures.tiles import latitude_of, mercator_y
from impact.figures.timeline import CENTRAL_NAME
from impact.whatif import WhatIf

try:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
except ImportError as error:  # dash[testing] not installed
    if in_ci():
        raise
    pytest.skip(
        f"browser tests skipped outside CI: selenium is missing ({error}); pip install -e '.[test]'",
        allow_module_level=True,
    )

pytestmark = pytest.mark.browser

ODESA = Path(__file__).resolve().parents[1] / "datasets" / "odesa-2025-12"
OBLAST, RAION, CITY = "UA51", "UA5110", "UA5110027"
SERVICES = ("power", "water", "heat")

#: Records the text of every Dash callback response (installed before the page's own scripts run).
RECORD_RESPONSES = """
window.__dashResponses = [];
const originalFetch = window.fetch;
window.fetch = function (...args) {
    return originalFetch.apply(this, args).then(function (response) {
        const url = response.url || '';
        if (url.includes('_dash-update-component') || url.includes('_dash-layout')) {
            response.clone().text().then(function (body) { window.__dashResponses.push(body); });
        }
        return response;
    });
};
"""


# ---------------------------------------------------------------------------------------- helpers


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _start(dash_duo, scenario=None, **kwargs):
    """Serve the dashboard; wait until the KPI cards show. Returns (app, data)."""
    app, data, _ = build_app(scenario, **kwargs)
    dash_duo.start_server(app)
    if data.ok:
        dash_duo.wait_for_element("#kpi-power-now", timeout=20)
        _settle(dash_duo)
    return app, data


def _settle(dash_duo, timeout: float = 20) -> None:
    """Wait until Dash has no callback in flight and both graphs are drawn."""
    script = """
        const loading = document.querySelector('[data-dash-is-loading="true"]');
        const drawn = ['timeline-graph', 'map-graph'].every(function (id) {
            const gd = document.getElementById(id);
            const plot = gd && gd.querySelector('.js-plotly-plot');
            return plot && plot.data && plot.data.length > 0;
        });
        return !loading && drawn;
    """
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if dash_duo.driver.execute_script(script):
            time.sleep(0.3)
            if dash_duo.driver.execute_script(script):
                return
        time.sleep(0.1)
    raise AssertionError("the page did not settle")


def _figure(dash_duo, graph_id: str) -> dict:
    """What Plotly draws in a dcc.Graph: title, trace names, each trace's decoded x/y, shapes."""
    return dash_duo.driver.execute_script(
        """
        const plot = document.getElementById(arguments[0]).querySelector('.js-plotly-plot');
        const title = plot.layout.title;
        return {
            title: (title && (title.text !== undefined ? title.text : title)) || '',
            names: plot.data.map(function (t) { return t.name; }),
            points: plot._fullData.map(function (t) {
                return {name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])};
            }),
            shapes: (plot.layout.shapes || []).map(function (s) { return {name: s.name, x0: s.x0}; }),
        };
    """,
        graph_id,
    )


def _kpi_texts(dash_duo) -> dict[str, str]:
    return {s: dash_duo.find_element(f"#kpi-{s}-now").text for s in SERVICES}


def _expected_kpis(data, area: str, step: int, whatif: WhatIf | None = None) -> dict[str, str]:
    """The KPI numbers the page should show, from the library (the what-if's run if given)."""
    return {card.service: _number(card.now) for card in kpis(data.result(whatif).dataset, area, step)}


#: Rows of the areas table AG Grid renders at least (it renders only the rows in view and a few more).
SHOWN_ROWS = 10


def _table_rows(dash_duo) -> list[dict[str, str]]:
    """Rows of the areas table (AG Grid) as shown, in display order: {column id: cell text}."""
    return dash_duo.driver.execute_script(
        """
        const rows = Array.from(document.querySelectorAll(
            '#' + arguments[0] + ' .ag-center-cols-container .ag-row'));
        rows.sort(function (a, b) { return +a.getAttribute('row-index') - +b.getAttribute('row-index'); });
        return rows.map(function (row) {
            const cells = {};
            row.querySelectorAll('.ag-cell').forEach(function (c) { cells[c.getAttribute('col-id')] = c.innerText; });
            return cells;
        });
    """,
        ids.TABLE_AREAS,
    )


def _wait(predicate, timeout: float = 15, message: str = "condition") -> None:
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            if predicate():
                return
        except Exception as error:  # the DOM may be mid-update
            last = error
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}" + (f" (last error: {last!r})" if last else ""))


def _no_console_errors(dash_duo) -> None:
    logs = dash_duo.get_logs()
    assert logs == [], f"browser console errors: {json.dumps(logs, indent=1)}"


def _start_step(data) -> int:
    return local_labels(data.result().dataset).index(_label_at_start(data))


def _label_at_start(data) -> str:
    ds = data.result().dataset
    peak = ds["peak_time_central"].sel(service="power", area=OBLAST).values
    step = int(ds.indexes["time"].get_indexer([peak], method="nearest")[0])
    return local_labels(ds)[step]


def _click(dash_duo, selector: str):
    """Scroll an element to the middle of the viewport at once (Bootstrap scrolls smoothly) and click it."""
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()
    return element


def _select_area(dash_duo, area: str) -> None:
    _click(dash_duo, f"#{ids.FILTER_AREA}")
    dash_duo.wait_for_element(".dash-dropdown-options")
    options = dash_duo.find_elements(".dash-dropdown-option")
    matching = [o for o in options if o.text.strip().endswith(f"({area})")]
    assert matching, f"no option for {area} among {[o.text for o in options]}"
    matching[0].click()


def _type(dash_duo, selector: str, text: str) -> None:
    """Replace the value of an input as a user does: select all, type, leave the field."""
    element = _click(dash_duo, selector)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text)
    element.send_keys(Keys.TAB)


def _download(dash_duo, button: str, suffix: str, timeout: float = 20) -> Path:
    folder = Path(dash_duo.download_path)
    before = set(folder.iterdir())
    _click(dash_duo, f"#{button}")
    found: list[Path] = []

    def done() -> bool:
        new = [p for p in set(folder.iterdir()) - before if p.suffix == suffix]
        found[:] = new
        return bool(new) and new[0].stat().st_size > 0

    _wait(done, timeout, f"a {suffix} file in {folder}")
    return found[0]


# ------------------------------------------------------------------------------------------ tests


def test_page_loads_with_kpi_cards_at_the_power_peak(dash_duo):
    _, data = _start(dash_duo)
    ds = data.result().dataset
    step = _start_step(data)

    expected = _expected_kpis(data, OBLAST, step)
    assert expected["power"] == "1,737,677"  # median of the samples at the central power peak (13 Dec 21:00)
    _wait(lambda: _kpi_texts(dash_duo) == expected, message=f"KPI cards {expected}")
    assert dash_duo.find_element(f"#{ids.CURSOR_LABEL}").text == _label_at_start(data)
    assert dash_duo.find_element(f"#{ids.HEADER_TITLE}").text == data.title

    timeline = _figure(dash_duo, ids.TIMELINE_GRAPH)
    assert timeline["title"] == "People without power: Odeska (UA51)"
    assert "central (every repair at its median)" in timeline["names"] and "strikes" in timeline["names"]
    assert "without the what-if (central)" not in timeline["names"]
    assert timeline["shapes"][0]["name"] == "cursor"

    mapped = _figure(dash_duo, ids.MAP_GRAPH)
    assert mapped["title"].startswith("Without power, ")
    assert "assets" not in mapped["names"]
    assert "areas" in mapped["names"] or _polygons(dash_duo)  # bubbles, or the polygons of a choropleth

    ranked = ranked_areas(ds, "power", step, OBLAST)
    _wait(lambda: len(_table_rows(dash_duo)) >= SHOWN_ROWS, message="the areas table")
    rows = _table_rows(dash_duo)  # the first rows, in view: the grid does not render all 99
    assert [r["area_id"] for r in rows] == [r["area_id"] for r in ranked[: len(rows)]]
    assert [r["people_without"] for r in rows] == [_number(r["people_without"]) for r in ranked[: len(rows)]]
    assert rows[0]["name"] == ranked[0]["name"]
    _no_console_errors(dash_duo)


def test_switching_service_changes_map_title_and_table(dash_duo):
    _, data = _start(dash_duo)
    ds = data.result().dataset
    step = _start_step(data)
    power_rows = _table_rows(dash_duo)
    kpi_before = _kpi_texts(dash_duo)

    _click(dash_duo, f"#{ids.FILTER_SERVICE} input[value='water']")
    _wait(lambda: _figure(dash_duo, ids.MAP_GRAPH)["title"].startswith("Without water, "), message="water map")
    _wait(
        lambda: _figure(dash_duo, ids.TIMELINE_GRAPH)["title"].startswith("People without water: "),
        message="water timeline",
    )
    ranked = ranked_areas(ds, "water", step, OBLAST)
    expected = [(r["area_id"], _number(r["people_without"])) for r in ranked]

    def shown() -> list[tuple[str, str]]:
        return [(r["area_id"], r["people_without"]) for r in _table_rows(dash_duo)]

    _wait(
        lambda: len(shown()) >= SHOWN_ROWS and shown() == expected[: len(shown())],
        message=f"the table ranked for water: {expected[:SHOWN_ROWS]}...",
    )
    assert _table_rows(dash_duo) != power_rows
    assert _kpi_texts(dash_duo) == kpi_before  # the cards show every service whatever the filter
    _no_console_errors(dash_duo)


def test_switching_area_to_odesa_city_changes_the_kpis(dash_duo):
    _, data = _start(dash_duo)
    step = _start_step(data)
    oblast = _kpi_texts(dash_duo)

    _select_area(dash_duo, CITY)
    expected = _expected_kpis(data, CITY, step)
    assert expected != oblast
    _wait(lambda: _kpi_texts(dash_duo) == expected, message=f"Odesa city KPIs {expected}")
    _wait(lambda: _figure(dash_duo, ids.TIMELINE_GRAPH)["title"].endswith(f"({CITY})"), message="city timeline")
    _wait(
        lambda: [r["area_id"] for r in _table_rows(dash_duo)] == [CITY],  # nothing below the city
        message="the table to show the city alone",
    )
    _no_console_errors(dash_duo)


def test_moving_the_cursor_by_keyboard_changes_label_and_kpis(dash_duo):
    _, data = _start(dash_duo)
    labels = local_labels(data.result().dataset)
    step = _start_step(data)
    label = dash_duo.find_element(f"#{ids.CURSOR_LABEL}")
    before = _kpi_texts(dash_duo)

    thumb = _click(dash_duo, f"#{ids.CURSOR_SLIDER} [role='slider']")
    moves = 48
    for _ in range(moves):
        thumb.send_keys(Keys.ARROW_RIGHT)
    target = step + moves
    _wait(lambda: label.text == labels[target], message=f"cursor label {labels[target]}")
    expected = _expected_kpis(data, OBLAST, target)
    assert expected != before
    _wait(lambda: _kpi_texts(dash_duo) == expected, message=f"KPIs at step {target}")
    # the timeline's cursor line followed (a Patch, not a redraw)
    shapes = _figure(dash_duo, ids.TIMELINE_GRAPH)["shapes"]
    assert shapes[0]["name"] == "cursor"
    assert str(shapes[0]["x0"]).replace("T", " ").startswith(labels[target][:16])
    _no_console_errors(dash_duo)


def test_clicking_the_timeline_moves_the_cursor(dash_duo):
    _, data = _start(dash_duo)
    label = dash_duo.find_element(f"#{ids.CURSOR_LABEL}")
    before = label.text
    kpi_before = _kpi_texts(dash_duo)
    # near the bottom of the plot, late in the horizon: the central line is at 0 there
    plot = dash_duo.find_element(f"#{ids.TIMELINE_GRAPH} .nsewdrag")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", plot)
    dash_duo.click_at_coord_fractions(plot, 0.8, 0.99)
    _wait(lambda: label.text != before, message="the cursor label to change")
    labels = local_labels(data.result().dataset)
    target = labels.index(label.text)
    assert target > _start_step(data)
    expected = _expected_kpis(data, OBLAST, target)
    assert expected != kpi_before
    _wait(lambda: _kpi_texts(dash_duo) == expected, message=f"KPIs at step {target}")
    _no_console_errors(dash_duo)


def test_whatif_shows_beside_the_unmodified_run_and_resets(dash_duo):
    _, data = _start(dash_duo)
    status = dash_duo.find_element(f"#{ids.WHATIF_STATUS}")
    assert status.text == "Showing the unmodified run."

    box = _click(dash_duo, f"#{ids.WHATIF_STRIKES} input[value='S02']")
    assert not box.is_selected()
    _click(dash_duo, f"#{ids.WHATIF_RUN}")
    _wait(lambda: status.text.startswith("Showing what-if"), timeout=60, message="the what-if status")
    assert "S02" in status.text
    _wait(
        lambda: "without the what-if (central)" in _figure(dash_duo, ids.TIMELINE_GRAPH)["names"],
        message="the unmodified run in the timeline",
    )
    legend = [t.text for t in dash_duo.find_elements(f"#{ids.TIMELINE_GRAPH} .legendtext")]
    assert "without the what-if (central)" in legend
    _wait(
        lambda: "without the what-if:" in dash_duo.find_element(f"#{ids.KPI_ROW}").text,
        message="unmodified figures on cards",
    )
    step = _start_step(data)
    whatif = _expected_kpis(data, OBLAST, step, WhatIf(disabled_strikes=frozenset({"S02"})))
    _wait(lambda: _kpi_texts(dash_duo) == whatif, message=f"the what-if's KPIs {whatif}")

    _click(dash_duo, f"#{ids.WHATIF_RESET}")
    _wait(lambda: status.text == "Showing the unmodified run.", message="the unmodified status")
    _wait(
        lambda: "without the what-if (central)" not in _figure(dash_duo, ids.TIMELINE_GRAPH)["names"],
        message="the unmodified trace to go",
    )
    assert dash_duo.find_element(f"#{ids.WHATIF_STRIKES} input[value='S02']").is_selected()
    _no_console_errors(dash_duo)


def test_download_view_and_full_csv(dash_duo):
    _, data = _start(dash_duo)
    ds = data.result().dataset
    labels = local_labels(ds)
    week = 7 * 24  # last step of the time window: the first week
    _click(dash_duo, f"#{ids.FILTER_SERVICE} input[value='water']")
    _wait(lambda: _figure(dash_duo, ids.MAP_GRAPH)["title"].startswith("Without water, "), message="water map")
    first, last = default_window(ds)
    assert first == 0 and last > week
    thumbs = dash_duo.find_elements(f"#{ids.FILTER_WINDOW} [role='slider']")
    thumbs[-1].click()
    for _ in range(last - week):  # the end of the window back to the first week, by keyboard
        thumbs[-1].send_keys(Keys.ARROW_LEFT)
    _wait(
        lambda: (
            dash_duo.driver.execute_script(
                "return document.querySelector('#' + arguments[0] + ' .js-plotly-plot').layout.xaxis.range[1];",
                ids.TIMELINE_GRAPH,
            )
            .replace("T", " ")
            .startswith(labels[week][:16])
        ),
        message="the timeline cut to the window",
    )

    view = _download(dash_duo, ids.DOWNLOAD_VIEW_CSV, ".csv")
    lines = view.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("#")  # the HXL hashtag row
    table = pd.read_csv(view, skiprows=[1])
    assert set(table["service"]) == {"water"}
    assert set(table["area_id"]) == {str(a) for a in ds["area"].values}  # the oblast and everything below
    assert len(table) == ds.sizes["area"] * (week + 1)
    city = table[table["area_id"] == CITY]
    assert city["time_local"].iloc[0].replace("T", " ").startswith(labels[0][:16])
    assert city["time_local"].iloc[-1].replace("T", " ").startswith(labels[week][:16])
    central = ds["people_without_central"].sel(service="water", area=CITY).isel(time=slice(0, week + 1))
    assert city["people_without_central"].tolist() == central.round().astype(int).values.tolist()
    assert city["people_without_central"].max() > 0

    full = _download(dash_duo, ids.DOWNLOAD_FULL_CSV, ".csv")
    assert full.name != view.name
    table = pd.read_csv(full, skiprows=[1])
    assert set(table["service"]) == set(SERVICES)
    peak = table[(table["area_id"] == OBLAST) & (table["service"] == "power")]["people_without_central"].max()
    assert _number(peak) == "1,755,082"
    _no_console_errors(dash_duo)


def test_view_download_of_a_raion_keeps_its_oblast_code(dash_duo):
    _start(dash_duo)
    _select_area(dash_duo, RAION)
    _wait(lambda: _figure(dash_duo, ids.TIMELINE_GRAPH)["title"].endswith(f"({RAION})"), message="raion timeline")
    table = pd.read_csv(_download(dash_duo, ids.DOWNLOAD_VIEW_CSV, ".csv"), skiprows=[1], dtype=str)
    assert set(table["adm1_code"]) == {OBLAST}


def _with_boundaries(tmp_path: Path) -> Path:
    """A copy of the Odesa scenario with boundaries: its own if it has them, else a Voronoi cell
    around each leaf's centroid, clipped to their hull (a valid coverage, no overlaps)."""
    folder = tmp_path / "odesa-choropleth"
    shutil.copytree(ODESA, folder)
    if (folder / "boundaries.geojson").exists():
        return folder
    areas = pd.read_csv(folder / "areas.csv", dtype=str, keep_default_na=False)
    leaves = areas[~areas["area_id"].isin(set(areas["parent_id"]))]
    points = MultiPoint(list(zip(leaves["longitude"].astype(float), leaves["latitude"].astype(float), strict=True)))
    land = points.convex_hull.buffer(0.3)
    cells = shapely.voronoi_polygons(points, extend_to=land, ordered=True).geoms
    features = [
        {"type": "Feature", "properties": {"area_id": area}, "geometry": mapping(cell.intersection(land))}
        for area, cell in zip(leaves["area_id"], cells, strict=True)
    ]
    (folder / "boundaries.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    with (folder / "scenario.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[boundaries]\nattribution = "test cells around the centroids"\n')
    return folder


def _polygons(dash_duo) -> list[str]:
    """Names of the map's filled traces that Plotly drew (an SVG fill path each)."""
    return dash_duo.driver.execute_script(
        """
        const plot = document.getElementById(arguments[0]).querySelector('.js-plotly-plot');
        const fills = plot.querySelectorAll('.scatterlayer .trace path.js-fill');
        return plot._fullData.filter(function (t) { return t.fill === 'toself'; })
            .filter(function (t, k) { return fills.length > k; })
            .map(function (t) { return t.name; });
        """,
        ids.MAP_GRAPH,
    )


def _map_pixel(dash_duo, x: float, y: float) -> tuple[int, int]:
    """Viewport pixel of a point of the map's plane (longitude, Web-Mercator y)."""
    return tuple(
        dash_duo.driver.execute_script(
            """
            const plot = document.getElementById(arguments[0]).querySelector('.js-plotly-plot');
            const layout = plot._fullLayout, box = plot.getBoundingClientRect();
            return [box.left + layout.xaxis._offset + layout.xaxis.l2p(arguments[1]),
                    box.top + layout.yaxis._offset + layout.yaxis.l2p(arguments[2])];
            """,
            ids.MAP_GRAPH,
            x,
            y,
        )
    )


def _on_plane(geometry):
    """A lon/lat geometry on the map's plane (latitudes as Web-Mercator y)."""
    return shapely.transform(geometry, lambda xy: np.column_stack([xy[:, 0], mercator_y(xy[:, 1])]))


def test_the_choropleth_draws_polygons_and_a_click_selects_an_area(dash_duo, tmp_path):
    folder = _with_boundaries(tmp_path)
    _, data = _start(dash_duo, folder)
    scenario = data.scenario
    ds = data.result().dataset
    leaves = AreaTree.from_dataset(ds).leaves()
    _wait(lambda: set(_polygons(dash_duo)) == set(leaves) & set(scenario.boundaries.area_ids), message="polygons")
    mapped = _figure(dash_duo, ids.MAP_GRAPH)
    assert mapped["title"].startswith("Without power, ")
    # the credit, wrapped into lines (SVG tspans) under a narrow map: compare without the breaks
    credit = dash_duo.find_element(f"#{ids.MAP_GRAPH} .annotation-text").text
    assert "".join(scenario.boundaries.attribution.split()) in "".join(credit.split())
    assert "Boundaries simplified for display" in dash_duo.find_element(f"#{ids.MAP_NOTE}").text
    # the oblast is selected: it is outlined
    assert "selected" in mapped["names"]
    graph = dash_duo.find_element(f"#{ids.MAP_GRAPH}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", graph)

    def hover(point) -> str:
        x, y = _map_pixel(dash_duo, point.x, point.y)
        ActionChains(dash_duo.driver).move_to_location(int(x), int(y)).perform()
        return dash_duo.find_element(f"#{ids.MAP_GRAPH} .hovertext").text

    # strikes are marked at a point inside their area (Odesa city's among them): the hover of a
    # mark names the area
    strikes = next(t for t in mapped["points"] if t["name"].startswith("strikes"))
    marked = dash_duo.driver.execute_script(
        """const plot = document.getElementById(arguments[0]).querySelector('.js-plotly-plot');
           return plot._fullData.filter(function (t) { return t.name.startsWith('strikes'); })[0].customdata;""",
        ids.MAP_GRAPH,
    )
    assert CITY in marked
    mark = shapely.Point(strikes["x"][marked.index(CITY)], strikes["y"][marked.index(CITY)])
    _wait(lambda: f"({CITY})" in hover(mark) and "strike" in hover(mark), message="the strikes' hover")
    # 14 pixels or more from every strike mark, the hover is the area's: take the largest area
    # with room for that (the 91 hromadas are small on a map of the whole oblast)
    pixel = 1 / dash_duo.driver.execute_script(
        "return document.getElementById(arguments[0]).querySelector('.js-plotly-plot')._fullLayout.xaxis._m;",
        ids.MAP_GRAPH,
    )
    marks = shapely.union_all(
        [shapely.Point(x, y).buffer(14 * pixel) for x, y in zip(strikes["x"], strikes["y"], strict=True)]
    )
    drawn = sorted(_polygons(dash_duo), key=lambda a: -scenario.boundaries.get(a).area)
    rooms = {area: _on_plane(scenario.boundaries.get(area)).buffer(-3 * pixel).difference(marks) for area in drawn}
    area = next(a for a in drawn if not rooms[a].is_empty and a != top_area(ds))
    spot = rooms[area].representative_point()
    _wait(lambda: f"P-code {area}" in hover(spot), message=f"the hover of {area}")
    # a click there makes it the page's area
    x, y = _map_pixel(dash_duo, spot.x, spot.y)
    ActionChains(dash_duo.driver).move_to_location(int(x), int(y)).click().perform()
    _wait(lambda: _figure(dash_duo, ids.TIMELINE_GRAPH)["title"].endswith(f"({area})"), message=f"{area}'s timeline")
    _wait(lambda: _kpi_texts(dash_duo) == _expected_kpis(data, area, _start_step(data)), message=f"{area}'s KPIs")
    selected = next(t for t in _figure(dash_duo, ids.MAP_GRAPH)["points"] if t["name"] == "selected")
    around = shapely.box(*scenario.boundaries.get(area).bounds).buffer(0.01)
    lats = latitude_of(selected["y"])
    assert all(around.contains(shapely.Point(a, b)) for a, b in zip(selected["x"], lats, strict=True))
    # the raions: fewer, larger polygons
    _click(dash_duo, f"#{ids.MAP_LEVEL} input[value='2']")
    raions = [str(a) for a, level in zip(ds["area"].values, ds["admin_level"].values, strict=True) if level == 2]
    _wait(lambda: sorted(_polygons(dash_duo)) == sorted(raions), message="the raions")
    _no_console_errors(dash_duo)


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG image of one colour (what a tile server sends)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_map_tiles_come_from_the_tile_server_alone(dash_duo, tmp_path):
    """``impact serve --tiles``: a tile server on another loopback port (with the CORS header tile
    servers send); the page loads its tiles under the polygons, the policy allows that host."""
    tile = _png(256, 256, (170, 200, 230))
    requested: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        template = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
        _start(dash_duo, _with_boundaries(tmp_path), tiles=template, tiles_attribution="test tiles")
        _wait(lambda: len(_polygons(dash_duo)) > 1, message="the polygons")
        script = """
            const plot = document.getElementById(arguments[0]).querySelector('.js-plotly-plot');
            return [plot.layout.images.map(function (i) { return i.source; }),
                    Array.from(plot.querySelectorAll('.imagelayer image')).map(function (i) {
                        return i.getAttribute('href') || i.getAttribute('xlink:href');
                    })];
        """
        _wait(
            lambda: len(requested) >= len(dash_duo.driver.execute_script(script, ids.MAP_GRAPH)[0]) > 0,
            timeout=20,
            message="the tiles fetched",
        )
        sources, drawn = dash_duo.driver.execute_script(script, ids.MAP_GRAPH)
        assert 4 <= len(sources) <= 81 and sorted(drawn) == sorted(sources)  # under the polygons
        origin = f"http://127.0.0.1:{server.server_port}"
        assert sorted(requested) == sorted(source.removeprefix(origin) for source in sources)
        assert "test tiles" in dash_duo.find_element(f"#{ids.MAP_GRAPH} .annotation-text").text
        _no_console_errors(dash_duo)  # a CSP violation would be a console error
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("choropleth", [False, True], ids=["bundled", "choropleth"])
def test_no_request_leaves_the_machine(dash_duo, tmp_path, choropleth):
    _start(dash_duo, _with_boundaries(tmp_path) if choropleth else None)
    if choropleth:
        _wait(lambda: len(_polygons(dash_duo)) > 1, message="the polygons")
    _click(dash_duo, f"#{ids.TABS} .tab:nth-child(2)")  # the asset status graph
    _wait(
        lambda: dash_duo.driver.execute_script(
            "const p = document.querySelector('#' + arguments[0] + ' .js-plotly-plot'); return p && p.data.length > 0;",
            ids.ASSETS_GRAPH,
        ),
        message="the asset status graph",
    )
    server = dash_duo.server_url.rstrip("/") + "/"
    names = dash_duo.driver.execute_script("""
        return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
            .map(function (e) { return e.name; });
    """)
    assert len(names) > 5
    outside = [n for n in names if not n.startswith(server) and not n.startswith("data:")]
    assert outside == [], f"requests leaving the machine: {outside}"
    referenced = dash_duo.driver.execute_script("""
        return Array.from(document.querySelectorAll('script[src], link[href], img[src]'))
            .map(function (e) { return e.src || e.href; });
    """)
    assert referenced and all(r.startswith(server) or r.startswith("data:") for r in referenced), referenced
    _no_console_errors(dash_duo)


def _asset_copy(tmp_path: Path, choropleth: bool = False) -> tuple[Path, pd.DataFrame]:
    """A copy of the Odesa scenario (with boundaries if ``choropleth``) whose assets sit at distinctive positions.

    The bundled assets sit at their area's centroid, which the page shows anyway; here each
    asset gets its own position, so finding one of them in what the server sent is a leak.
    """
    if choropleth:
        folder = _with_boundaries(tmp_path)
    else:
        folder = tmp_path / "odesa-distinct-assets"
        shutil.copytree(ODESA, folder)
    assets = pd.read_csv(folder / "assets.csv", dtype=str, keep_default_na=False)
    for k in range(len(assets)):
        assets.loc[k, "latitude"] = f"{46.0 + 0.013579 * (k + 1):.6f}"
        assets.loc[k, "longitude"] = f"{30.0 + 0.024681 * (k + 1):.6f}"
    assets.to_csv(folder / "assets.csv", index=False)
    return folder, assets


def _start_recording(dash_duo, scenario, **kwargs):
    """Serve the dashboard with every layout and callback response the page receives recorded."""
    app, data, _ = build_app(scenario, **kwargs)
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_RESPONSES})
    dash_duo.start_server(app)
    dash_duo.wait_for_element("#kpi-power-now", timeout=20)
    _settle(dash_duo)
    # show every view that draws positions: each service on the map, the asset tab
    for service in ("water", "heat"):
        _click(dash_duo, f"#{ids.FILTER_SERVICE} input[value='{service}']")
        _wait(
            lambda s=service: _figure(dash_duo, ids.MAP_GRAPH)["title"].startswith(f"Without {s}, "),
            message=f"the {service} map",
        )
    _click(dash_duo, f"#{ids.TABS} .tab:nth-child(2)")
    _settle(dash_duo)
    return app, data


def _numbers_and_strings(value, numbers: set, strings: set) -> None:
    """Every number (Plotly's base64 ``bdata`` arrays decoded) and string in a JSON value."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            numbers.update(np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist())
            return
        for item in value.values():
            _numbers_and_strings(item, numbers, strings)
    elif isinstance(value, list):
        for item in value:
            _numbers_and_strings(item, numbers, strings)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        numbers.add(value)
    elif isinstance(value, str):
        strings.add(value)


def _sent_to_browser(dash_duo) -> tuple[set, str]:
    """Numbers (rounded to 6 decimals) and text of the layout, dependencies and every callback response."""
    url = dash_duo.server_url.rstrip("/")
    bodies = [
        requests.get(f"{url}/_dash-layout", timeout=10).text,
        requests.get(f"{url}/_dash-dependencies", timeout=10).text,
    ]
    recorded = dash_duo.driver.execute_script("return window.__dashResponses || [];")
    assert len(recorded) >= 5, f"only {len(recorded)} responses recorded"
    numbers: set = set()
    strings: set = set()
    for body in bodies + recorded:
        _numbers_and_strings(json.loads(body), numbers, strings)
    rounded = {round(float(n), 6) for n in numbers if np.isfinite(n)}
    return rounded, "\n".join(strings)


def _positions(assets: pd.DataFrame) -> list[tuple[float, float]]:
    return list(zip(assets["longitude"].astype(float), assets["latitude"].astype(float), strict=True))


@pytest.mark.parametrize("choropleth", [False, True], ids=["bundled", "choropleth"])
def test_asset_positions_stay_on_the_server_without_show_assets(dash_duo, tmp_path, choropleth):
    folder, assets = _asset_copy(tmp_path, choropleth)
    _, data = _start_recording(dash_duo, folder)
    ds = data.result().dataset
    centroids = set(zip(ds["longitude"].values.round(6), ds["latitude"].values.round(6), strict=True))
    boundaries = data.scenario.boundaries
    if boundaries is not None:  # a choropleth: strikes at a point inside each area, on the Mercator plane
        inside = list(representative_points(boundaries.with_parents(AreaTree.from_dataset(ds))).values())
        lon = np.concatenate([ds["longitude"].values, [point[0] for point in inside]])
        lat = np.concatenate([ds["latitude"].values, [point[1] for point in inside]])
        centroids = set(zip(lon.round(6), mercator_y(lat).round(6), strict=True))

    for graph in (ids.MAP_GRAPH, ids.TIMELINE_GRAPH, ids.ASSETS_GRAPH):
        assert "assets" not in _figure(dash_duo, graph)["names"]
    for trace in _figure(dash_duo, ids.MAP_GRAPH)["points"]:  # bubbles and strikes: area centroids only
        if boundaries is not None and not trace["name"].startswith(("strikes", "areas without")):
            continue  # polygons and outlines: the boundaries, whose numbers are checked below
        for x, y in zip(trace["x"], trace["y"], strict=True):
            assert (round(x, 6), round(y, 6)) in centroids, (trace["name"], x, y)

    numbers, text = _sent_to_browser(dash_duo)
    leaked = [  # latitudes also as the choropleth draws them, on its Web-Mercator plane
        (x, y) for x, y in _positions(assets) if {round(x, 6), round(y, 6), round(float(mercator_y(y)), 6)} & numbers
    ]
    assert leaked == [], f"asset positions sent to the browser: {leaked}"
    named = [p for p in list(assets["latitude"]) + list(assets["longitude"]) if p in text]
    assert named == [], f"asset coordinates in text sent to the browser: {named}"
    _no_console_errors(dash_duo)


@pytest.mark.parametrize("choropleth", [False, True], ids=["bundled", "choropleth"])
def test_asset_positions_drawn_with_show_assets(dash_duo, tmp_path, choropleth):
    folder, assets = _asset_copy(tmp_path, choropleth)
    _, data = _start_recording(dash_duo, folder, show_assets=True)
    trace = next((t for t in _figure(dash_duo, ids.MAP_GRAPH)["points"] if t["name"] == "assets"), None)
    assert trace is not None, "no 'assets' trace on the map"
    # a choropleth draws latitudes on its Web-Mercator plane
    positions = [
        (x, round(float(mercator_y(y)), 6) if data.scenario.boundaries is not None else y)
        for x, y in _positions(assets)
    ]
    drawn = sorted((round(x, 6), round(y, 6)) for x, y in zip(trace["x"], trace["y"], strict=True))
    assert drawn == sorted(positions)
    # the check of the test above finds them when they are sent
    numbers, _ = _sent_to_browser(dash_duo)
    assert all(round(x, 6) in numbers and round(y, 6) in numbers for x, y in positions)
    _no_console_errors(dash_duo)


def test_invalid_scenario_shows_its_problems(dash_duo, tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(ODESA, folder)
    areas = (folder / "areas.csv").read_text(encoding="utf-8").splitlines()
    assert ",104969," in areas[2]
    areas[2] = areas[2].replace(",104969,", ",many,", 1)  # Berezivskyi raion's population
    (folder / "areas.csv").write_text("\n".join(areas) + "\n", encoding="utf-8")

    _start(dash_duo, folder)
    problems = dash_duo.wait_for_element(f"#{ids.PAGE_PROBLEMS}")
    items = problems.find_elements("css selector", "li")
    assert items, "no problem listed"
    assert [item.text for item in items] == ["areas.csv:3: population: 'many' is not a whole number"]
    assert "could not be loaded" in dash_duo.find_element(f"#{ids.HEADER_TITLE}").text
    assert not dash_duo.find_elements(f"#{ids.KPI_ROW}")
    _no_console_errors(dash_duo)


def _drawn(dash_duo, graph_id: str) -> bool:
    return dash_duo.driver.execute_script(
        "const p = document.querySelector('#' + arguments[0] + ' .js-plotly-plot'); return p && p.data.length > 0;",
        graph_id,
    )


def test_the_grid_tab_draws_the_deficit_of_the_chosen_zone(dash_duo):
    _, data = _start(dash_duo, grid_scenario(), samples=20, seed=1)
    ds = data.result().dataset
    tabs = dash_duo.find_elements(f"#{ids.TABS} .tab")
    assert tabs[-1].text == GRID_TAB
    _click(dash_duo, f"#{ids.TABS} .tab:last-child")
    _wait(lambda: _drawn(dash_duo, ids.GRID_GRAPH), message="the grid graph")
    drawn = _figure(dash_duo, ids.GRID_GRAPH)
    assert drawn["title"].endswith("zone east")
    assert drawn["names"][:4] == ["5–95 % range (upper)", "5–95 % range", CENTRAL_NAME, "Monte Carlo mean"]
    assert drawn["shapes"][0]["name"] == "cursor"
    central = next(p for p in drawn["points"] if p["name"] == CENTRAL_NAME)
    assert central["y"] == pytest.approx(list(ds["grid_deficit_share_central"].sel(zone="east").values))
    assert dash_duo.find_element(f"#{ids.GRID_NOTE}").text.startswith("Share of the zone's electricity demand")

    _click(dash_duo, f"#{ids.GRID_ZONE}")  # the picker: two zones
    dash_duo.wait_for_element(".dash-dropdown-options")
    next(o for o in dash_duo.find_elements(".dash-dropdown-option") if o.text.strip() == "zone west").click()
    _wait(lambda: _figure(dash_duo, ids.GRID_GRAPH)["title"].endswith("zone west"), message="zone west")
    central = next(p for p in _figure(dash_duo, ids.GRID_GRAPH)["points"] if p["name"] == CENTRAL_NAME)
    assert central["y"] == pytest.approx(list(ds["grid_deficit_share_central"].sel(zone="west").values))
    assert max(central["y"]) == pytest.approx(0.28)
    _no_console_errors(dash_duo)


def test_a_run_without_a_grid_has_no_grid_tab(dash_duo):
    _start(dash_duo, make_scenario(), samples=5)
    assert GRID_TAB not in [tab.text for tab in dash_duo.find_elements(f"#{ids.TABS} .tab")]
    assert not dash_duo.find_elements(f"#{ids.GRID_GRAPH}")
    _click(dash_duo, f"#{ids.TABS} .tab:last-child")  # the callbacks of the grid tab stay silent
    _settle(dash_duo)
    _no_console_errors(dash_duo)


def test_the_heat_map_shows_people_in_cold_homes_and_in_drained_buildings(dash_duo):
    from test_heat import boiler_scenario

    from impact.dataset import local_times, timezone_of

    # R1 (1,000 people) loses its boiler house at 02:00 for 30 h at -10 C: drained from 08:00
    _, data = _start(dash_duo, boiler_scenario([(0, -10.0)]), samples=10, seed=1)
    ds = data.result().dataset
    moments = local_times(ds["time"].values, timezone_of(ds))
    titles = [f"{m:%d %b %H:%M} {m.isoformat()[-6:]}" for m in moments]

    def selector_shown() -> bool:
        return dash_duo.find_element(f"#{ids.MAP_MEASURE_BOX}").is_displayed()

    _wait(lambda: not selector_shown(), message="no heat map selector on power, where the page opens")
    # the colour selector only where polygons are drawn
    polygons = data.scenario.boundaries is not None
    assert dash_duo.find_element(f"#{ids.MAP_COLOUR_BOX}").is_displayed() == polygons
    _click(dash_duo, f"#{ids.FILTER_SERVICE} input[value='heat']")
    _wait(lambda: _figure(dash_duo, ids.MAP_GRAPH)["title"].startswith("Without heat, "), message="the heat map")
    _wait(selector_shown, message="the heat map's selector")
    # the cursor 40 h on: homes cold (the default type from about 25 h) and buildings drained (8-56 h)
    label = dash_duo.find_element(f"#{ids.CURSOR_LABEL}")
    labels = local_labels(ds)
    start = labels.index(label.text)
    thumb = _click(dash_duo, f"#{ids.CURSOR_SLIDER} [role='slider']")
    for _ in range(40):
        thumb.send_keys(Keys.ARROW_RIGHT)
    _wait(lambda: label.text == labels[start + 40], message="the cursor 40 h on")
    shown = {
        "cold": ("In cold homes", "people_cold_central"),
        "drained": ("In drained buildings", "people_drained_central"),
    }
    for measure, (heading, variable) in shown.items():
        _click(dash_duo, f"#{ids.MAP_MEASURE} input[value='{measure}']")
        _wait(lambda h=heading: _figure(dash_duo, ids.MAP_GRAPH)["title"].startswith(h), message=f"the {measure} map")
        title = _figure(dash_duo, ids.MAP_GRAPH)["title"]
        step = titles.index(title.split(", ", 1)[1])
        people = dash_duo.driver.execute_script(
            "const plot = document.getElementById(arguments[0]).querySelector('.js-plotly-plot');"
            "return Number(plot.data[0].customdata[0][2]);",
            ids.MAP_GRAPH,
        )
        assert people == ds[variable].sel(area="R1").values[step] > 0
    # the choice is for heat only: power keeps its map, and the selector goes away
    _click(dash_duo, f"#{ids.FILTER_SERVICE} input[value='power']")
    _wait(lambda: _figure(dash_duo, ids.MAP_GRAPH)["title"].startswith("Without power, "), message="the power map")
    _wait(lambda: not selector_shown(), message="the selector hidden for power")
    _no_console_errors(dash_duo)
