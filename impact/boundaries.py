"""Area boundaries: one polygon (or multipolygon) per area, in WGS84 longitude/latitude.

A scenario may hold ``boundaries.geojson`` (checked by :mod:`impact.scenario.geojson`); the
map draws its polygons (:func:`impact.figures.area_map`), ``impact import-areas`` and
``impact synth`` write it. This module is the shared, validated-in-memory form:

- :class:`Boundaries` maps area ids to shapely geometries and carries the attribution the
  data's licence asks for (for OpenStreetMap data: "© OpenStreetMap contributors");
- :meth:`Boundaries.with_parents` dissolves a parent's polygon from its children where the
  parent has none of its own;
- :func:`display_shapes` simplifies the polygons of a level for the browser with
  :func:`shapely.coverage_simplify`, which keeps shared edges shared (no gaps, no overlaps
  between neighbours) and rounds coordinates to about 10 m.

Geometry is shapely's (GEOS; no GDAL is needed to read or check a scenario).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from impact.areas import AreaTree

__all__ = [
    "BOUNDARIES_FILE",
    "COORDINATE_DECIMALS",
    "COVERAGE_AREA_TOLERANCE",
    "Boundaries",
    "display_shapes",
    "representative_points",
]

#: Name of the boundaries file of a scenario folder.
BOUNDARIES_FILE = "boundaries.geojson"

#: Relative difference [1] between a parent's area and the sum of its children's up to which their
#: fast coverage union is accepted in :meth:`Boundaries.with_parents` (beyond it: an overlap, and
#: the full union is used). Floating-point noise of the area sums is far below it.
COVERAGE_AREA_TOLERANCE = 1e-9

#: Decimals kept in coordinates written or drawn (1e-4 degree: about 11 m north-south).
COORDINATE_DECIMALS = 4


@dataclass(frozen=True, eq=False)
class Boundaries:
    """Polygons of areas.

    Parameters
    ----------
    shapes : mapping of str to shapely geometry
        Area id to a valid, non-empty Polygon or MultiPolygon in WGS84 longitude/latitude
        [degrees_east, degrees_north].
    attribution : str
        Credit line the data's licence asks for, shown under every map drawn from them.
    """

    shapes: Mapping[str, BaseGeometry]
    attribution: str = ""
    _ids: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shapes", dict(self.shapes))
        object.__setattr__(self, "_ids", tuple(self.shapes))

    def __len__(self) -> int:
        return len(self.shapes)

    def __contains__(self, area_id: object) -> bool:
        return area_id in self.shapes

    @property
    def area_ids(self) -> tuple[str, ...]:
        """Areas that have a polygon, in file order."""
        return self._ids

    def get(self, area_id: str) -> BaseGeometry | None:
        """The polygon of ``area_id``, or None."""
        return self.shapes.get(area_id)

    def subset(self, area_ids: Iterable[str]) -> Boundaries:
        """Only the polygons of ``area_ids`` (those that have one), in that order."""
        return Boundaries({a: self.shapes[a] for a in area_ids if a in self.shapes}, self.attribution)

    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of every polygon [degrees]; NaNs when there are none."""
        if not self.shapes:
            return (np.nan, np.nan, np.nan, np.nan)
        return tuple(float(v) for v in shapely.total_bounds(list(self.shapes.values())))  # type: ignore[return-value]

    # ------------------------------------------------------------------ hierarchy

    def with_parents(self, tree: AreaTree) -> Boundaries:
        """A copy where every area without a polygon gets the union of its leaves' polygons.

        Areas whose leaves have no polygon at all stay without one. An area's own polygon
        always wins over the union of its children's. Boundary layers are usually coverages
        (neighbours share their edges exactly): when every child has a polygon, their union is
        first tried with :func:`shapely.coverage_union_all` (linear in the edges, many times
        faster) and kept when it is a valid polygon whose area is the sum of the children's
        (within :data:`COVERAGE_AREA_TOLERANCE`); otherwise, and for parents with some
        children missing, the general overlay union, repaired with :func:`shapely.make_valid`.
        """
        shapes = dict(self.shapes)
        for area in tree.bottom_up():
            if area in shapes or tree.is_leaf(area):
                continue
            parts = [shapes[child] for child in tree.children(area) if child in shapes]
            if not parts:
                continue
            merged = _coverage_union(parts) if len(parts) == len(tree.children(area)) else None
            if merged is None:
                merged = _polygonal(shapely.make_valid(shapely.union_all(parts)))
            if merged is not None:
                shapes[area] = merged
        ordered = {a: shapes[a] for a in tree.ids if a in shapes}
        ordered.update({a: g for a, g in shapes.items() if a not in ordered})
        return Boundaries(ordered, self.attribution)

    # ------------------------------------------------------------------ GeoJSON

    @classmethod
    def from_geojson(cls, collection: Mapping, attribution: str = "") -> Boundaries:
        """Boundaries from a GeoJSON FeatureCollection already checked (each feature a
        Polygon or MultiPolygon with property ``area_id``)."""
        shapes: dict[str, BaseGeometry] = {}
        for feature in collection["features"]:
            shapes[str(feature["properties"]["area_id"])] = shape(feature["geometry"])
        return cls(shapes, attribution)

    def to_geojson(self, properties: Mapping[str, Mapping[str, object]] | None = None) -> dict:
        """A GeoJSON FeatureCollection, coordinates rounded to :data:`COORDINATE_DECIMALS`.

        Parameters
        ----------
        properties : mapping, optional
            Extra properties per area id (names, admin level...), written after ``area_id``.
        """

        def props(area: str) -> dict:
            return {"area_id": area, **(dict(properties.get(area, {})) if properties else {})}

        features = [{"type": "Feature", "properties": props(area)} for area in self.shapes]
        for feature, text in zip(features, _rounded_geojson(list(self.shapes.values())), strict=True):
            feature["geometry"] = json.loads(text)
        collection: dict = {"type": "FeatureCollection", "features": features}
        if self.attribution:
            collection["attribution"] = self.attribution
        return collection


def _rounded_geojson(geometries: list[BaseGeometry]) -> list[str]:
    """GeoJSON geometry texts, coordinates snapped to the :data:`COORDINATE_DECIMALS` grid.

    :func:`shapely.set_precision` snaps with topology kept (a polygon stays valid); a shape
    smaller than the grid would vanish and is written unsnapped. Rounding in numpy then
    removes the floating-point noise of the snapped values (30.700000000000003 becomes 30.7),
    all in GEOS and numpy: no Python loop over coordinates.
    """
    if not geometries:
        return []
    original = np.array(geometries, dtype=object)
    snapped = shapely.set_precision(original, 10.0**-COORDINATE_DECIMALS)
    snapped = np.where(shapely.is_empty(snapped), original, snapped)
    rounded = shapely.transform(snapped, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    return [str(text) for text in shapely.to_geojson(rounded)]


def _coverage_union(parts: list[BaseGeometry]) -> BaseGeometry | None:
    """The union of polygons that form a coverage, or None when they do not (overlaps, a result
    that is not one valid polygonal geometry)."""
    try:
        merged = shapely.coverage_union_all(parts)
    except shapely.errors.GEOSException:  # "incorrectly noded inputs": not a coverage
        return None
    total = sum(part.area for part in parts)
    if (
        isinstance(merged, Polygon | MultiPolygon)
        and merged.is_valid
        and abs(merged.area - total) <= COVERAGE_AREA_TOLERANCE * total
    ):
        return merged
    return None


def _polygonal(geometry: BaseGeometry) -> BaseGeometry | None:
    """The polygonal part of a geometry (a GeometryCollection after make_valid), or None."""
    if isinstance(geometry, Polygon | MultiPolygon):
        return None if geometry.is_empty else geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon | MultiPolygon) and not g.is_empty]
    if not parts:
        return None
    return shapely.union_all(parts)


def display_shapes(boundaries: Boundaries, area_ids: Iterable[str], tolerance: float) -> dict[str, BaseGeometry]:
    """Polygons of ``area_ids`` simplified together for drawing, shared edges kept shared.

    Parameters
    ----------
    boundaries : Boundaries
        Source polygons.
    area_ids : iterable of str
        Areas to draw (one level: they should not overlap); those without a polygon are left out.
    tolerance : float
        Simplification tolerance [degrees]; 0 keeps every vertex.

    Returns
    -------
    dict of str to shapely geometry
        Area id to its simplified polygon, coordinates rounded to :data:`COORDINATE_DECIMALS`,
        exteriors counter-clockwise and holes clockwise.
    """
    ids = [a for a in area_ids if a in boundaries]
    if not ids:
        return {}
    geometries = np.array([boundaries.shapes[a] for a in ids], dtype=object)
    if tolerance > 0:
        geometries = shapely.coverage_simplify(geometries, tolerance, simplify_boundary=True)
    geometries = shapely.set_precision(geometries, 10.0**-COORDINATE_DECIMALS)
    geometries = shapely.orient_polygons(geometries)
    return {a: g for a, g in zip(ids, geometries, strict=True) if g is not None and not g.is_empty}


def representative_points(boundaries: Boundaries) -> dict[str, tuple[float, float]]:
    """A point inside each polygon (longitude, latitude) [degrees], for labels and centroid markers."""
    return {
        area: (float(point.x), float(point.y))
        for area, point in zip(
            boundaries.area_ids, shapely.point_on_surface(list(boundaries.shapes.values())), strict=True
        )
    }
