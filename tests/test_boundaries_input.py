"""``boundaries.geojson`` and ``[boundaries] attribution`` in a scenario: loading and every check.

Each test writes a small GeoJSON file by hand into a copy of the corpus base
(``tests/malformed/_valid``: oblast UA51 with leaves UA5101 North and UA5102 South) and asserts
the exact problem lines (``boundaries.geojson:<feature number>: <member>: features[i] ...``).
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Polygon

import impact
from impact.boundaries import Boundaries
from impact.scenario.geojson import REPAIR_HINT, REPROJECT_HINT, check_boundaries

VALID = Path(__file__).parent / "malformed" / "_valid"
FILE = "boundaries.geojson"

NORTH = [[[30.0, 47.0], [31.0, 47.0], [31.0, 48.0], [30.0, 48.0], [30.0, 47.0]]]
SOUTH = [[[30.0, 46.0], [31.0, 46.0], [31.0, 47.0], [30.0, 47.0], [30.0, 46.0]]]
#: A bow tie: its edges cross at (30.5, 46.5).
BOW_TIE = [[[30.0, 46.0], [31.0, 47.0], [31.0, 46.0], [30.0, 47.0], [30.0, 46.0]]]
#: The South square in UTM metres (a projected file).
PROJECTED = [[[500000.0, 5094000.0], [577000.0, 5094000.0], [577000.0, 5205000.0], [500000.0, 5094000.0]]]


def feature(area_id: object, coordinates: object = None, kind: str = "Polygon", **properties: object) -> dict:
    """A GeoJSON Feature with ``area_id`` (left out when None) and a geometry."""
    props = dict(properties)
    if area_id is not None:
        props["area_id"] = area_id
    geometry = None if coordinates is None else {"type": kind, "coordinates": coordinates}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _nested(value: object, depth: int) -> object:
    for _ in range(depth):
        value = [value]
    return value


def collection(*features: dict, **members: object) -> dict:
    return {"type": "FeatureCollection", "features": list(features), **members}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(VALID, target)
    return target


def write(folder: Path, document: object) -> Path:
    path = folder / FILE
    path.write_text(json.dumps(document), encoding="utf-8")
    return folder


def problems(source: Path) -> list[str]:
    with pytest.raises(impact.ScenarioError) as caught:
        impact.load_scenario(source)
    return [str(problem) for problem in caught.value.problems]


# --- valid files --------------------------------------------------------------------------------


def test_a_folder_without_boundaries_has_none(folder: Path) -> None:
    scenario = impact.load_scenario(folder)
    assert scenario.boundaries is None
    assert scenario.config.boundaries_attribution == ""
    assert "boundaries" not in scenario.counts()


def test_a_valid_file_loads_with_its_attribution(folder: Path) -> None:
    write(folder, collection(feature("UA5101", NORTH, name="North"), feature("UA5102", SOUTH)))
    with (folder / "scenario.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[boundaries]\nattribution = "© OpenStreetMap contributors"\n')
    scenario = impact.load_scenario(folder)
    assert scenario.config.boundaries_attribution == "© OpenStreetMap contributors"
    boundaries = scenario.boundaries
    assert isinstance(boundaries, Boundaries)
    assert boundaries.attribution == "© OpenStreetMap contributors"
    assert boundaries.area_ids == ("UA5101", "UA5102")
    assert boundaries.get("UA5101").equals(Polygon(NORTH[0]))
    assert boundaries.get("UA5102").area == pytest.approx(1.0)
    assert scenario.counts().endswith(", boundaries for 3 of 3 areas")


def test_leaves_without_a_polygon_are_counted(folder: Path) -> None:
    write(folder, collection(feature("UA5101", NORTH)))
    scenario = impact.load_scenario(folder)
    assert scenario.counts() == (
        "mini: 3 areas, 4 assets, 3 dependencies, 3 service links, 2 strikes, 2 restoration curves, "
        "1 observation, 0 status updates, boundaries for 2 of 3 areas (1 leaf without a polygon)"
    )


def test_a_polygon_on_a_parent_only_is_allowed(folder: Path) -> None:
    oblast = [[[30.0, 46.0], [31.0, 46.0], [31.0, 48.0], [30.0, 48.0], [30.0, 46.0]]]
    write(folder, collection(feature("UA51", oblast)))
    scenario = impact.load_scenario(folder)
    assert scenario.boundaries.area_ids == ("UA51",)
    assert scenario.counts().endswith(", boundaries for 1 of 3 areas (2 leaves without a polygon)")


def test_multipolygon_holes_open_rings_and_other_properties_are_read(folder: Path) -> None:
    hole = [[30.4, 47.4], [30.4, 47.6], [30.6, 47.6], [30.6, 47.4], [30.4, 47.4]]
    left_open = [[30.0, 46.0], [31.0, 46.0], [31.0, 47.0], [30.0, 47.0]]  # closed by the loader
    islands = [[[[31.5, 46.0], [31.6, 46.0], [31.6, 46.1], [31.5, 46.0]]], [left_open]]
    write(
        folder,
        collection(
            feature("UA5101", [NORTH[0], hole], name_uk="Північ", admin_level=2),
            feature("UA5102", islands, kind="MultiPolygon"),
            crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        ),
    )
    boundaries = impact.load_scenario(folder).boundaries
    assert boundaries.get("UA5101").area == pytest.approx(1.0 - 0.04)
    assert boundaries.get("UA5102").geom_type == "MultiPolygon"
    assert boundaries.get("UA5102").area == pytest.approx(1.0 + 0.005)


def test_a_utf8_file_with_a_byte_order_mark_loads(folder: Path) -> None:
    (folder / FILE).write_bytes(b"\xef\xbb\xbf" + json.dumps(collection(feature("UA5101", NORTH))).encode())
    assert impact.load_scenario(folder).boundaries.area_ids == ("UA5101",)


# --- one problem per feature --------------------------------------------------------------------

FEATURE_CASES = {
    "no-area-id": (
        feature(None, SOUTH, name="South"),
        "boundaries.geojson:2: area_id: features[1]: feature without area_id; add the property area_id",
    ),
    "area-id-misspelt": (
        feature(None, SOUTH, AREA_ID="UA5102"),
        "boundaries.geojson:2: area_id: features[1]: feature without area_id; rename its property 'AREA_ID' to area_id",
    ),
    "no-properties": (
        {"type": "Feature", "properties": None, "geometry": {"type": "Polygon", "coordinates": SOUTH}},
        "boundaries.geojson:2: properties: features[1]: has no properties; add the property area_id (an area "
        "of areas.csv)",
    ),
    "unknown-area": (
        feature("UA5l02", SOUTH),
        "boundaries.geojson:2: area_id: features[1]: area_id 'UA5l02' is not in areas.csv (did you mean 'UA5102'?)",
    ),
    "unknown-numeric-area": (
        feature(7, SOUTH),
        "boundaries.geojson:2: area_id: features[1]: area_id '7' is not in areas.csv",
    ),
    "area-id-not-text": (
        feature(["UA5102"], SOUTH),
        "boundaries.geojson:2: area_id: features[1]: area_id ['UA5102'] must be text (an area id)",
    ),
    "duplicate-area": (
        feature("UA5101", SOUTH),
        "boundaries.geojson:2: area_id: features[1]: a second polygon for area 'UA5101', first in features[0] "
        "(line 1); merge them into one MultiPolygon",
    ),
    "point": (
        feature("UA5102", [30.5, 46.5], kind="Point"),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): a Point, not a polygon; each feature must "
        "be a Polygon or MultiPolygon",
    ),
    "linestring": (
        feature("UA5102", [[30.0, 46.0], [31.0, 47.0]], kind="LineString"),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): a LineString, not a polygon; each feature "
        "must be a Polygon or MultiPolygon",
    ),
    "null-geometry": (
        feature("UA5102"),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): empty geometry (null); give the area a "
        "Polygon or MultiPolygon, or leave the feature out",
    ),
    "empty-polygon": (
        feature("UA5102", []),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): empty geometry (a Polygon without coordinates)",
    ),
    "empty-multipolygon": (
        feature("UA5102", [], kind="MultiPolygon"),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): empty geometry (a MultiPolygon without "
        "coordinates)",
    ),
    "self-intersection": (
        feature("UA5102", BOW_TIE),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): invalid polygon: Self-intersection at "
        f"longitude 30.5, latitude 46.5; {REPAIR_HINT}",
    ),
    "hole-outside-shell": (
        feature("UA5102", [SOUTH[0], [[32.0, 46.0], [32.0, 46.1], [32.1, 46.1], [32.0, 46.0]]]),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): invalid polygon: Hole lies outside shell "
        f"at longitude 32, latitude 46; {REPAIR_HINT}",
    ),
    "projected": (
        feature("UA5102", PROJECTED),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): coordinates outside longitude [-180, 180] / "
        f"latitude [-90, 90] (e.g. 500000, 5094000): the file looks projected (metres); {REPROJECT_HINT}",
    ),
    "ring-too-short": (
        feature("UA5102", [[[30.0, 46.0], [31.0, 46.0], [30.0, 46.0]]]),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): exterior ring has fewer than 4 positions "
        "(a ring needs 3 corners and the first again at the end)",
    ),
    "not-positions": (
        feature("UA5102", [["30 46", "31 46", "31 47", "30 46"]]),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): exterior ring is not a list of "
        "[longitude, latitude] positions",
    ),
    "text-or-boolean-coordinates": (
        feature("UA5102", [[["30", "46"], ["31", "46"], ["31", "47"], ["30", "46"]]]),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): exterior ring is not a list of "
        "[longitude, latitude] positions",
    ),
    "boolean-coordinates": (
        feature("UA5102", [[[True, True], [False, True], [True, False], [True, True]]]),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): exterior ring is not a list of "
        "[longitude, latitude] positions",
    ),
    "coordinates-nested-too-deeply": (
        feature("UA5102", _nested([30.0, 46.0], 500)),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): exterior ring is not a list of "
        "[longitude, latitude] positions",
    ),
    "multipolygon-part-not-rings": (
        feature("UA5102", [SOUTH, [[30.0, 46.0], [31.0, 46.0]]], kind="MultiPolygon"),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): polygon 2: exterior ring is not a list of "
        "[longitude, latitude] positions",
    ),
    "not-a-feature": (
        "UA5102",
        'boundaries.geojson:2: -: features[1]: not a GeoJSON Feature (text); expected {"type": "Feature", ...}',
    ),
    "unknown-geometry-type": (
        feature("UA5102", SOUTH, kind="Polygone"),
        "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): geometry type 'Polygone' is not Polygon or "
        "MultiPolygon",
    ),
}


@pytest.mark.parametrize("case", sorted(FEATURE_CASES))
def test_a_bad_feature_is_reported_with_its_number_and_area(folder: Path, case: str) -> None:
    bad, expected = FEATURE_CASES[case]
    write(folder, collection(feature("UA5101", NORTH), bad))
    assert problems(folder) == [expected]


# --- the file as a whole ------------------------------------------------------------------------

FILE_CASES = {
    "not-utf8": (
        b'{"type": "FeatureCollection",\n "features": [], "name": "Odes\xe9"}',
        "boundaries.geojson:0: -: not valid UTF-8 (line 2); save the file as UTF-8 (GeoJSON is UTF-8)",
    ),
    "utf16": ("{}".encode("utf-16"), "boundaries.geojson:0: -: file is UTF-16; save it as UTF-8 (GeoJSON is UTF-8)"),
    "empty": (b"  \n", "boundaries.geojson:0: -: file is empty; expected a GeoJSON FeatureCollection"),
    "csv": (
        b"area_id,wkt\nUA5101,POLYGON((30 47, 31 47, 31 48, 30 47))\n",
        "boundaries.geojson:0: -: not valid JSON (line 1, column 1: Expecting value); expected a GeoJSON "
        "FeatureCollection",
    ),
    "truncated": (
        b'{"type": "FeatureCollection",\n"features": [',
        "boundaries.geojson:0: -: not valid JSON (line 2, column 14: Expecting value); expected a GeoJSON "
        "FeatureCollection",
    ),
    "nan": (
        b'{"type": "FeatureCollection", "features": [], "bbox": [NaN, 0, 1, 1]}',
        "boundaries.geojson:0: -: not valid JSON: NaN is not a JSON number",
    ),
    "nested-too-deeply": (
        b"[" * 200_000 + b"]" * 200_000,
        "boundaries.geojson:0: -: not a GeoJSON file: its JSON is nested too deeply to be read",
    ),
    "a-list": (
        json.dumps([feature("UA5101", NORTH)]).encode(),
        "boundaries.geojson:0: -: not a GeoJSON file: the JSON is a list; expected a GeoJSON FeatureCollection: "
        '{"type": "FeatureCollection", "features": [...]}',
    ),
    "a-single-feature": (
        json.dumps(feature("UA5101", NORTH)).encode(),
        "boundaries.geojson:0: type: a single Feature, not a FeatureCollection; put it in a list of features: "
        'expected a GeoJSON FeatureCollection: {"type": "FeatureCollection", "features": [...]}',
    ),
    "a-bare-geometry": (
        json.dumps({"type": "Polygon", "coordinates": NORTH}).encode(),
        "boundaries.geojson:0: type: a bare Polygon geometry, not a FeatureCollection; expected a GeoJSON "
        'FeatureCollection: {"type": "FeatureCollection", "features": [...]}',
    ),
    "topojson": (
        json.dumps({"type": "Topology", "objects": {}, "arcs": []}).encode(),
        "boundaries.geojson:0: type: a TopoJSON file, not GeoJSON; convert it, e.g. `mapshaper in.json -o "
        "format=geojson`",
    ),
    "features-not-a-list": (
        json.dumps({"type": "FeatureCollection", "features": {"UA5101": NORTH}}).encode(),
        "boundaries.geojson:0: features: 'features' must be a list of features, not an object",
    ),
    "projected-crs": (
        json.dumps(
            collection(
                feature("UA5101", NORTH), crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32636"}}
            )
        ).encode(),
        "boundaries.geojson:0: crs: the file declares the coordinate system 'urn:ogc:def:crs:EPSG::32636'; "
        f"{REPROJECT_HINT}",
    ),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_a_file_that_is_not_geojson_is_one_problem_on_line_0(folder: Path, case: str) -> None:
    content, expected = FILE_CASES[case]
    (folder / FILE).write_bytes(content)
    assert problems(folder) == [expected]


def test_a_folder_in_place_of_the_file(folder: Path) -> None:
    (folder / FILE).mkdir()
    assert problems(folder) == [
        "boundaries.geojson:0: -: is a folder, not a file; replace it with a GeoJSON file",
    ]


def test_every_problem_is_reported_at_once_with_those_of_the_tables(folder: Path) -> None:
    areas = folder / "areas.csv"
    areas.write_text(areas.read_text(encoding="utf-8").replace("UA5102,South,2,UA51,2000", "UA5102,South,2,UA51,"))
    write(
        folder,
        collection(
            feature("UA5101", BOW_TIE),
            feature("UA5103", PROJECTED),
            feature("UA5101", [30.5, 47.5], kind="Point"),
            feature(None, SOUTH),
        ),
    )
    assert problems(folder) == [
        "areas.csv:4: population: is empty; population is required on leaf areas",
        "boundaries.geojson:1: geometry: features[0] (area 'UA5101'): invalid polygon: Self-intersection at "
        f"longitude 30.5, latitude 46.5; {REPAIR_HINT}",
        "boundaries.geojson:2: area_id: features[1]: area_id 'UA5103' is not in areas.csv (did you mean 'UA5102'?)",
        "boundaries.geojson:2: geometry: features[1] (area 'UA5103'): coordinates outside longitude [-180, 180] / "
        f"latitude [-90, 90] (e.g. 500000, 5094000): the file looks projected (metres); {REPROJECT_HINT}",
        "boundaries.geojson:3: area_id: features[2]: a second polygon for area 'UA5101', first in features[0] "
        "(line 1); merge them into one MultiPolygon",
        "boundaries.geojson:3: geometry: features[2] (area 'UA5101'): a Point, not a polygon; each feature must "
        "be a Polygon or MultiPolygon",
        "boundaries.geojson:4: area_id: features[3]: feature without area_id; add the property area_id",
    ]


def test_the_repair_hint_repairs(folder: Path) -> None:
    """The first repair named in the message (shapely.make_valid) gives a file that loads."""
    repaired = shapely.make_valid(Polygon(BOW_TIE[0]))
    write(
        folder,
        collection(feature("UA5102", json.loads(shapely.to_geojson(repaired))["coordinates"], repaired.geom_type)),
    )
    assert impact.load_scenario(folder).boundaries.get("UA5102").area == pytest.approx(0.5)


def test_impact_validate_prints_the_problems_and_exits_2(folder: Path) -> None:
    from impact.cli import main

    write(folder, collection(feature("UA5101", NORTH), feature("UA5102", BOW_TIE)))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", str(folder)])
    assert code == 2
    text = out.getvalue() + err.getvalue()
    assert "boundaries.geojson:2: geometry: features[1] (area 'UA5102'): invalid polygon: Self-intersection" in text
    assert "Traceback" not in text


def test_impact_validate_prints_the_count_of_leaves_without_a_polygon(folder: Path) -> None:
    from impact.cli import main

    write(folder, collection(feature("UA5101", NORTH)))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["validate", str(folder)])
    assert code == 0
    assert "boundaries for 2 of 3 areas (1 leaf without a polygon)" in out.getvalue()
    assert "note: boundaries.geojson has no attribution" in out.getvalue()  # neither the file nor the toml gives one


# --- [boundaries] attribution -------------------------------------------------------------------


def test_attribution_must_be_text_and_the_section_knows_only_it(folder: Path) -> None:
    toml = folder / "scenario.toml"
    base = toml.read_text(encoding="utf-8")
    toml.write_text(base + "\n[boundaries]\nattribution = 3\nlicense = 'ODbL'\n", encoding="utf-8")
    lines = len(base.splitlines())
    assert problems(folder) == [
        f"scenario.toml:{lines + 3}: boundaries.attribution: 3 must be text",
        f"scenario.toml:{lines + 4}: boundaries.license: unknown key; valid keys: attribution",
    ]


def test_attribution_without_a_boundaries_file_is_kept(folder: Path) -> None:
    with (folder / "scenario.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[boundaries]\nattribution = "Source: OCHA COD-AB"\n')
    scenario = impact.load_scenario(folder)
    assert scenario.boundaries is None and scenario.config.boundaries_attribution == "Source: OCHA COD-AB"


# --- scenario_from_frames -----------------------------------------------------------------------


def _frames_scenario(boundaries: object, attribution: str | None = None) -> impact.Scenario:
    from scenario_factory import DEFAULT_AREAS, DEFAULT_ASSETS, DEFAULT_LINKS, _frame, make_settings, strike

    settings = make_settings()
    if attribution is not None:
        settings["boundaries"] = {"attribution": attribution}
    return impact.scenario_from_frames(
        settings,
        areas=_frame(DEFAULT_AREAS, "areas"),
        assets=_frame(DEFAULT_ASSETS, "assets"),
        service_links=_frame(DEFAULT_LINKS, "service_links"),
        strikes=_frame([strike("S1", "SUB", 2.0)], "strikes"),
        boundaries=boundaries,
    )


def test_frames_take_a_geojson_dict_checked_like_the_file() -> None:
    scenario = _frames_scenario(collection(feature("R1", NORTH), feature("R2", SOUTH)), "© test")
    assert scenario.boundaries.area_ids == ("R1", "R2")
    assert scenario.boundaries.attribution == "© test"
    assert scenario.counts().endswith(", boundaries for 3 of 3 areas")
    with pytest.raises(impact.ScenarioError) as caught:
        _frames_scenario(collection(feature("R1", NORTH), feature("R11", BOW_TIE)))
    assert [str(p) for p in caught.value.problems] == [
        "boundaries.geojson:2: area_id: features[1]: area_id 'R11' is not in areas.csv (did you mean 'R1'?)",
        "boundaries.geojson:2: geometry: features[1] (area 'R11'): invalid polygon: Self-intersection at "
        f"longitude 30.5, latitude 46.5; {REPAIR_HINT}",
    ]


def test_frames_take_a_ready_boundaries_as_is() -> None:
    ready = Boundaries({"R1": Polygon(NORTH[0])}, "© own")
    assert _frames_scenario(ready, "© settings").boundaries is ready
    unattributed = Boundaries({"R1": Polygon(NORTH[0])})
    given = _frames_scenario(unattributed, "© settings").boundaries
    assert given.attribution == "© settings" and given.shapes == unattributed.shapes
    assert _frames_scenario(unattributed).boundaries is unattributed


def test_frames_refuse_other_boundaries() -> None:
    with pytest.raises(TypeError, match="boundaries must be a GeoJSON FeatureCollection"):
        _frames_scenario("boundaries.geojson")


def test_the_files_own_attribution_is_used_when_scenario_toml_gives_none(tmp_path: Path) -> None:
    document = {"type": "FeatureCollection", "attribution": "© OpenStreetMap contributors (ODbL)", "features": []}
    boundaries, problems = check_boundaries(document, [], "")
    assert not problems and boundaries is not None
    assert boundaries.attribution == "© OpenStreetMap contributors (ODbL)"
    setting, _ = check_boundaries(document, [], "Boundaries: OCHA COD-AB (CC BY-IGO)")
    assert setting is not None and setting.attribution == "Boundaries: OCHA COD-AB (CC BY-IGO)"  # the setting wins
