"""The dashboard's map panel called as plain functions: level and colour selectors, the map, a click
that selects an area, the note under the map, and map tiles with their Content-Security-Policy."""

from __future__ import annotations

import dash
import pytest
from scenario_factory import make_scenario
from shapely.geometry import box

from dash_app import ids
from dash_app.app import build_app
from dash_app.layout import PageSetup, dashboard_body
from dash_app.views.maps import LEAVES, clicked_area, level_of, level_options, level_value, map_note
from impact.boundaries import Boundaries

OSM = "© OpenStreetMap contributors"
TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
#: The factory's two districts (R1: 1,000 people, its power through SUB; R2: 500) side by side.
SQUARES = Boundaries({"R1": box(30, 46, 31, 47), "R2": box(31, 46, 32, 47)}, OSM)


@pytest.fixture(scope="module")
def squares():
    """A factory scenario with boundaries: (app, data, callbacks)."""
    return build_app(make_scenario(boundaries=SQUARES), samples=10)


@pytest.fixture(scope="module")
def bare():
    """The same scenario without boundaries."""
    return build_app(make_scenario(), samples=10)


def _components(component) -> list:
    found, stack = [], [component]
    while stack:
        node = stack.pop()
        found.append(node)
        children = getattr(node, "children", None)
        stack.extend(children if isinstance(children, list) else [children] if children is not None else [])
    return found


def _by_id(body, component_id: str):
    return next(c for c in _components(body) if getattr(c, "id", None) == component_id)


def test_selectors_offer_the_admin_levels_by_name(squares, bare) -> None:
    _app, data, _cb = squares
    ds = data.result().dataset
    setup = PageSetup.from_run(data, ds)
    assert setup.map_levels == [{"label": "admin level 1", "value": "1"}, {"label": "admin level 2", "value": "2"}]
    assert setup.map_level == "2" and setup.polygons  # the leaves: both districts are on level 2
    body = dashboard_body(data, setup)
    assert _by_id(body, ids.MAP_LEVEL).value == "2"
    colour = _by_id(body, ids.MAP_COLOUR)
    assert colour.value == "share" and [o["value"] for o in colour.options] == ["share", "people"]
    assert _by_id(body, ids.MAP_COLOUR_BOX).style is None
    # without boundaries the colour selector is hidden (bubbles are coloured by share)
    _app, plain, _cb = bare
    setup = PageSetup.from_run(plain, plain.result().dataset)
    assert not setup.polygons
    body = dashboard_body(plain, setup)
    assert _by_id(body, ids.MAP_COLOUR_BOX).style == {"display": "none"}


def test_level_options_name_levels_and_add_the_leaves_when_they_are_mixed(squares) -> None:
    ds = squares[1].result().dataset
    # ids that are not Ukrainian P-codes: the levels are not called oblast and raion
    assert level_options(ds) == [{"label": "admin level 1", "value": "1"}, {"label": "admin level 2", "value": "2"}]
    ukrainian = ds.assign_coords(
        area=[f"UA5{str(a)[1:]}" for a in ds["area"].values],
        parent_id=("area", [f"UA5{str(p)[1:]}" if p else "" for p in ds["parent_id"].values]),
    )
    assert [o["label"] for o in level_options(ukrainian)] == ["oblast", "raion"]
    assert level_value(ds, None) == "2" and level_value(ds, 1) == "1"
    assert (level_of("2"), level_of(LEAVES), level_of(None)) == (2, None, None)
    # R1 split into two level-3 areas: leaves on levels 2 (R2) and 3
    mixed = make_scenario(
        areas=[
            {"area_id": "R", "name": "Region", "admin_level": 1, "parent_id": "", "population": None},
            {"area_id": "R1", "name": "District 1", "admin_level": 2, "parent_id": "R", "population": None},
            {"area_id": "R1a", "name": "Town", "admin_level": 3, "parent_id": "R1", "population": 600},
            {"area_id": "R1b", "name": "Village", "admin_level": 3, "parent_id": "R1", "population": 400},
            {"area_id": "R2", "name": "District 2", "admin_level": 2, "parent_id": "R", "population": 500},
        ],
        assets=[{"asset_id": "SUB", "name": "Substation", "kind": "substation", "area_id": "R1a"}],
        service_links=[{"area_id": "R1a", "service": "power", "asset_id": "SUB", "share": 1.0}],
    )
    import impact

    ds = impact.run(mixed, samples=0).dataset
    assert [o["value"] for o in level_options(ds)] == ["1", "2", "3", LEAVES]
    assert level_options(ds)[-1]["label"] == "smallest areas" and level_value(ds, None) == LEAVES


def test_map_draws_the_polygons_with_the_selected_area_outlined(squares) -> None:
    _app, _data, cb = squares
    figure, note = cb.map_figure("power", "R1", "2", "share", "without", 4, None)
    names = [t["name"] for t in figure["data"]]
    assert names[:2] == ["R1", "R2"] and "selected" in names and "outline" in names
    assert figure["layout"]["annotations"][0]["text"] == OSM  # the attribution under the map
    assert figure["layout"]["images"] == []  # no tiles: nothing fetched
    assert note.startswith("Boundaries simplified for display. Strikes are marked inside the struck asset's area")
    # the strike on SUB (R1, 02:00) has cut R1's power at step 4: all 1,000 people, the top of the scale
    assert figure["data"][0]["fillcolor"] == "rgba(254, 232, 56, 1)"
    assert figure["data"][1]["fillcolor"] == "rgba(0, 34, 78, 1)"
    people, _note = cb.map_figure("power", "R1", "2", "people", "without", 4, None)
    scale = next(t for t in people["data"] if t["name"] == "colour scale")
    assert scale["marker"]["cmax"] == 1000
    region, _note = cb.map_figure("power", "R", "1", "share", "without", 4, None)
    assert [t["name"] for t in region["data"]][:1] == ["R"]  # dissolved from R1 and R2


def test_a_click_on_a_polygon_selects_its_area(squares) -> None:
    _app, _data, cb = squares
    assert cb.click_to_area({"points": [{"curveNumber": 1}]}, "2", None) == "R2"  # a fill: no pointNumber
    assert cb.click_to_area({"points": [{"curveNumber": 0, "pointNumber": None}]}, "1", None) == "R"
    # a strike mark sits inside its area: a click on it picks that area
    figure, _note = cb.map_figure("power", "R1", "2", "share", "without", 4, None)
    curve = next(k for k, t in enumerate(figure["data"]) if t["name"].startswith("strikes"))
    strike = {
        "points": [{"curveNumber": curve, "pointNumber": 0, "customdata": figure["data"][curve]["customdata"][0]}]
    }
    assert cb.click_to_area(strike, "2", None) == "R1"
    asset = {"points": [{"curveNumber": curve + 1, "pointNumber": 0, "x": 30.5, "y": 52.0}]}
    assert cb.click_to_area(asset, "2", None) is dash.no_update
    assert cb.click_to_area(None, "2", None) is dash.no_update


def test_clicked_area_reads_fills_bubbles_and_markers() -> None:
    areas = ["A", "B"]
    assert clicked_area({"points": [{"curveNumber": 1}]}, areas) == "B"
    assert clicked_area({"points": [{"curveNumber": 2}]}, areas) is None  # the outline or the colour bar
    bubble = {"points": [{"curveNumber": 0, "pointNumber": 3, "customdata": ["D", "District D", 10, 0.1, 100]}]}
    assert clicked_area(bubble, areas) == "D"
    marker = {"points": [{"curveNumber": 4, "pointNumber": 0, "customdata": "C"}]}
    assert clicked_area(marker, areas) == "C"
    assert clicked_area({"points": []}, areas) is None


def test_map_without_boundaries_is_bubbles(bare) -> None:
    _app, _data, cb = bare
    figure, note = cb.map_figure("power", "R1", "2", "share", "without", 4, None)
    assert figure["data"][0]["name"] == "areas"
    assert note == (
        "Areas drawn at their centroids (the scenario has no boundaries). Strikes at the area's centroid. "
        "Populations as in the scenario's areas.csv, not adjusted for displacement."
    )
    bubble = {"points": [{"curveNumber": 0, "pointNumber": 1, "customdata": ["R2", "District 2", 0, 0, 500]}]}
    assert cb.click_to_area(bubble, "2", None) == "R2"


def test_map_note_names_adjusted_populations(squares) -> None:
    ds = squares[1].result().dataset
    adjusted = ds.assign_coords(population_source=("area", ["", "census 2025", ""]))
    assert map_note(adjusted, True).endswith(
        "Populations of 1 area adjusted (census 2025); the others as in areas.csv."
    )


def test_tiles_are_drawn_and_their_host_alone_allowed_for_images() -> None:
    app, _data, cb = build_app(make_scenario(boundaries=SQUARES), samples=10, tiles=TILES, tiles_attribution="© T")
    figure, _note = cb.map_figure("power", "R1", "2", "share", "without", 4, None)
    assert figure["layout"]["images"] and all(
        i["source"].startswith("https://tiles.example.org/") for i in figure["layout"]["images"]
    )
    assert figure["layout"]["annotations"][0]["text"] == f"{OSM}<br>Tiles: © T"
    policy = app.server.test_client().get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["img-src"] == "'self' data: blob: https://tiles.example.org"
    assert directives["connect-src"] == "'self'" and directives["default-src"] == "'self'"
    plain = build_app(make_scenario(), samples=10)[0]
    policy = plain.server.test_client().get("/").headers["Content-Security-Policy"]
    assert dict(d.strip().split(" ", 1) for d in policy.split(";"))["img-src"] == "'self' data: blob:"
    with pytest.raises(ValueError, match=r"lacks \{x\}, \{y\}"):
        build_app(make_scenario(), samples=10, tiles="https://tiles.example.org/{z}.png")


def test_serve_takes_tiles_and_refuses_a_bad_template(monkeypatch, capsys) -> None:
    from dash_app import serve

    started = {}
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: started.update(kw))
    built = {}
    import dash_app.app as app_module  # serve() imports build_app from it when called

    original = app_module.build_app

    def spy(*args, **kwargs):
        built.update(kwargs)
        return original(make_scenario(), samples=5)

    monkeypatch.setattr(app_module, "build_app", spy)
    assert serve.main(["--tiles", TILES, "--tiles-attribution", "© T", "--port", "8997"]) == 0
    assert built["tiles"] == TILES and built["tiles_attribution"] == "© T" and started["port"] == 8997
    assert serve.main(["--tiles", "tiles.example.org/{z}/{x}/{y}.png"]) == 2
    assert "error: --tiles: tile URL 'tiles.example.org/{z}/{x}/{y}.png' is not an http(s) URL" in (
        capsys.readouterr().err
    )
    assert serve.main(["--tiles-attribution", "© T"]) == 2  # a credit for tiles never drawn
    assert "error: --tiles-attribution credits map tiles, but no --tiles URL was given" in capsys.readouterr().err


def test_the_heat_map_shows_people_in_cold_homes_or_drained_buildings(squares) -> None:
    from test_heat import boiler_scenario

    _app, data, cb = build_app(boiler_scenario([(0, -10.0)]), samples=10)
    ds = data.result().dataset
    setup = PageSetup.from_run(data, ds)
    assert [o["value"] for o in setup.map_measures] == ["without", "cold", "drained"]
    body = dashboard_body(data, setup)
    assert _by_id(body, ids.MAP_MEASURE).value == "without"
    # shown while the page shows heat: hidden on power, where the page opens
    assert _by_id(body, ids.MAP_MEASURE_BOX).style == {"display": "none"}
    assert cb.measure_box("heat", None) is None
    assert cb.measure_box("power", None) == cb.measure_box("water", None) == {"display": "none"}
    cold_at_40h = ds["people_cold_central"].sel(area="R1").values[40]
    figure, _note = cb.map_figure("heat", "R1", "2", "share", "cold", 40, None)
    assert figure["layout"]["title"]["text"].startswith("In cold homes, ")
    bubbles = figure["data"][0]
    assert "people in cold homes" in bubbles["hovertemplate"]
    assert float(bubbles["customdata"][0][2]) == cold_at_40h > 0
    drained, _note = cb.map_figure("heat", "R1", "2", "share", "drained", 40, None)
    assert drained["layout"]["title"]["text"].startswith("In drained buildings, ")
    # the choice applies to heat only: power still shows the people without power
    power, _note = cb.map_figure("power", "R1", "2", "share", "cold", 40, None)
    assert power["layout"]["title"]["text"].startswith("Without power, ")
    # a run without cold homes or drains has no selector
    _app, squares_data, _cb = squares
    plain = PageSetup.from_run(squares_data, squares_data.result().dataset)
    assert plain.map_measures == []
    body = dashboard_body(squares_data, plain)
    assert _by_id(body, ids.MAP_MEASURE_BOX).style == {"display": "none"}
    assert _cb.measure_box("heat", None) == {"display": "none"}
