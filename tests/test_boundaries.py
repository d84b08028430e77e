"""``impact.boundaries``: parents dissolved from children, topology-keeping simplification,
GeoJSON round trip, representative points.

Hand layout: region R = R1 (the unit square [0, 1] x [0, 1]) + R2 ([1, 2] x [0, 1]) + R3 (a
leaf without a polygon); R1 and R2 share the edge x = 1, drawn as a zigzag of 41 vertices so
that simplification has something to remove.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

import impact.boundaries as boundaries_module
from impact.areas import AreaTree
from impact.boundaries import COORDINATE_DECIMALS, Boundaries, display_shapes, representative_points
from impact.scenario.geojson import check_boundaries

#: The shared edge from (1, 0) up to (1, 1), wiggling 0.002 degrees left and right.
ZIGZAG = [(1.0 + (0.002 if k % 2 else 0.0), k / 40) for k in range(41)]
LEFT = Polygon([(0.0, 0.0), *ZIGZAG, (0.0, 1.0)])
RIGHT = Polygon([*ZIGZAG, (2.0, 1.0), (2.0, 0.0)])
TREE = AreaTree.from_pairs(["R", "R1", "R2", "R3"], ["", "R", "R", "R"])


def test_the_neighbours_tile_two_unit_squares() -> None:
    assert LEFT.is_valid and RIGHT.is_valid
    assert LEFT.area + RIGHT.area == pytest.approx(2.0)
    assert LEFT.intersection(RIGHT).area == pytest.approx(0.0, abs=1e-12)


def test_with_parents_dissolves_a_parent_from_its_children() -> None:
    parents = Boundaries({"R1": LEFT, "R2": RIGHT}, "© test").with_parents(TREE)
    assert parents.area_ids == ("R", "R1", "R2")  # tree order; R3 has none
    assert parents.attribution == "© test"
    region = parents.get("R")
    assert region.geom_type == "Polygon"
    assert region.area == pytest.approx(2.0)
    assert region.symmetric_difference(box(0, 0, 2, 1)).area == pytest.approx(0.0, abs=1e-12)
    assert len(region.interiors) == 0


def test_with_parents_keeps_a_parents_own_polygon_and_leaves_bare_areas_bare() -> None:
    own = box(-1, -1, 3, 2)
    parents = Boundaries({"R": own, "R1": LEFT}).with_parents(TREE)
    assert parents.get("R") is own
    only_bare = Boundaries({"R3": box(5, 5, 6, 6)}).with_parents(AreaTree.from_pairs(["R", "R1", "R3"], ["", "R", "R"]))
    assert only_bare.get("R").equals(box(5, 5, 6, 6))
    assert Boundaries({}).with_parents(TREE).area_ids == ()


def test_display_shapes_keep_shared_edges_shared() -> None:
    boundaries = Boundaries({"R1": LEFT, "R2": RIGHT})
    shapes = display_shapes(boundaries, ["R1", "R2", "R3"], tolerance=0.01)
    assert list(shapes) == ["R1", "R2"]  # R3 has no polygon
    left, right = shapes["R1"], shapes["R2"]
    # simplified: the 41-vertex zigzag is gone ...
    assert len(left.exterior.coords) < len(LEFT.exterior.coords) / 2
    assert len(right.exterior.coords) < len(RIGHT.exterior.coords) / 2
    # ... the same way on both sides: they touch along the whole edge, without gap or overlap
    assert left.intersection(right).area == 0.0
    assert left.touches(right)
    assert left.intersection(right).length == pytest.approx(1.0, abs=0.01)
    assert shapely.union_all([left, right]).area == pytest.approx(left.area + right.area)
    assert left.area + right.area == pytest.approx(2.0, abs=0.01)
    # coordinates rounded to COORDINATE_DECIMALS, exterior counter-clockwise
    coords = shapely.get_coordinates([left, right])
    assert np.array_equal(coords, np.round(coords, COORDINATE_DECIMALS))
    assert left.exterior.is_ccw and right.exterior.is_ccw


def _wiggly_coverage() -> dict[str, Polygon]:
    """Twelve Voronoi cells of the unit square whose shared edges wiggle (vertices every 0.01,
    moved up to 0.003 by a function of their position, so neighbours move them alike)."""
    seeds = shapely.MultiPoint(np.random.default_rng(3).uniform(0, 1, (12, 2)))
    cells = [shapely.intersection(cell, box(0, 0, 1, 1)) for cell in shapely.voronoi_polygons(seeds).geoms]
    cells = shapely.set_precision(np.array([shapely.segmentize(cell, 0.01) for cell in cells]), 1e-6)

    def wiggle(xy: np.ndarray) -> np.ndarray:
        x, y = xy[:, 0], xy[:, 1]
        return xy + 0.003 * np.stack([np.sin(37 * x + 11 * y), np.cos(23 * x - 17 * y)], axis=1)

    cells = shapely.set_precision(np.array([shapely.transform(cell, wiggle) for cell in cells]), 1e-6)
    assert shapely.coverage_is_valid(cells) and all(cell.is_valid for cell in cells)
    return {f"A{k:02d}": cell for k, cell in enumerate(cells)}


def _overlap(shapes: list) -> float:
    return sum(a.intersection(b).area for k, a in enumerate(shapes) for b in shapes[k + 1 :])


def test_neighbours_simplified_together_touch_without_gap_or_overlap() -> None:
    cells = _wiggly_coverage()
    shapes = display_shapes(Boundaries(cells), list(cells), tolerance=0.01)
    assert list(shapes) == list(cells)
    drawn = list(shapes.values())
    assert sum(len(g.exterior.coords) for g in drawn) < sum(len(g.exterior.coords) for g in cells.values()) / 4
    assert _overlap(drawn) == 0.0
    assert shapely.coverage_is_valid(np.array(drawn))
    for a in cells:
        for b in cells:
            if a < b and cells[a].intersection(cells[b]).length > 0.02:  # neighbours along an edge
                assert shapes[a].touches(shapes[b]), (a, b)
                assert shapes[a].intersection(shapes[b]).length > 0.01, (a, b)
    # simplified one by one, the same cells would overlap and leave gaps: what display_shapes avoids
    alone = list(shapely.simplify(np.array(list(cells.values())), 0.01))
    assert _overlap(alone) > 1e-4
    assert not shapely.coverage_is_valid(np.array(alone))


def test_display_shapes_without_simplification_keep_every_vertex() -> None:
    shapes = display_shapes(Boundaries({"R1": LEFT}), ["R1"], tolerance=0)
    assert len(shapes["R1"].exterior.coords) == len(LEFT.exterior.coords)
    assert display_shapes(Boundaries({"R1": LEFT}), ["R9"], tolerance=0.01) == {}


def test_to_geojson_round_trips_through_the_loader_checks() -> None:
    holed = Polygon(box(0, 0, 1, 1).exterior.coords, [box(0.25, 0.25, 0.5, 0.5).exterior.coords])
    islands = shapely.MultiPolygon([box(1, 0, 2, 1), box(3, 0, 3.5, 0.5)])
    boundaries = Boundaries({"R1": holed, "R2": islands}, "© OpenStreetMap contributors")
    document = json.loads(json.dumps(boundaries.to_geojson({"R1": {"name": "District 1"}})))
    assert document["type"] == "FeatureCollection"
    assert document["attribution"] == "© OpenStreetMap contributors"
    assert document["features"][0]["properties"] == {"area_id": "R1", "name": "District 1"}
    assert [f["geometry"]["type"] for f in document["features"]] == ["Polygon", "MultiPolygon"]
    back = Boundaries.from_geojson(document, "© OpenStreetMap contributors")
    assert back.area_ids == ("R1", "R2")
    for area in ("R1", "R2"):
        assert back.get(area).equals(boundaries.get(area))
    checked, problems = check_boundaries(document, {"R", "R1", "R2"}, "© x")
    assert problems == []
    assert checked.area_ids == ("R1", "R2") and checked.get("R1").area == pytest.approx(1 - 0.0625)


def test_to_geojson_rounds_coordinates() -> None:
    document = Boundaries({"R1": box(30.123456, 46.987654, 31.0, 47.5)}).to_geojson()
    ring = document["features"][0]["geometry"]["coordinates"][0]
    assert all(len(repr(v).split(".")[-1]) <= COORDINATE_DECIMALS for point in ring for v in point)
    assert [30.1235, 46.9877] in ring
    assert "attribution" not in document


def test_subset_bounds_and_representative_points() -> None:
    boundaries = Boundaries({"R1": LEFT, "R2": RIGHT}, "© a")
    subset = boundaries.subset(["R2", "R3", "R1"])
    assert subset.area_ids == ("R2", "R1") and subset.attribution == "© a"
    assert boundaries.bounds() == pytest.approx((0.0, 0.0, 2.0, 1.0))
    assert all(np.isnan(Boundaries({}).bounds()))
    points = representative_points(boundaries)
    assert list(points) == ["R1", "R2"]
    for area, (x, y) in points.items():
        assert boundaries.get(area).contains(shapely.Point(x, y))


def test_a_parent_of_a_coverage_takes_the_fast_union_and_of_overlapping_children_the_full_one(monkeypatch) -> None:
    tree = AreaTree.from_pairs(["P", "A", "B"], ["", "P", "P"])
    west, east = box(0, 0, 1, 1), box(1, 0, 2, 1)  # a coverage: one shared edge
    with monkeypatch.context() as patched:
        patched.setattr(boundaries_module.shapely, "union_all", lambda parts: pytest.fail("the slow union was used"))
        parent = Boundaries({"A": west, "B": east}).with_parents(tree).get("P")
    assert parent is not None and parent.equals(box(0, 0, 2, 1))
    # overlapping children: their coverage union is refused (its area is not the children's sum)
    overlapping = box(0.5, 0, 2, 1)
    parent = Boundaries({"A": west, "B": overlapping}).with_parents(tree).get("P")
    assert parent is not None and parent.is_valid and parent.equals(box(0, 0, 2, 1))
