"""The polygons a map draws: one admin level, simplified for the browser, on the maps' plane, cached.

:func:`map_shapes` takes a scenario's :class:`~impact.boundaries.Boundaries` (parents
without a polygon of their own dissolved from their children,
:meth:`~impact.boundaries.Boundaries.with_parents`), keeps the areas of one level that have
a polygon, simplifies them together with :func:`impact.boundaries.display_shapes` (shared
edges stay shared: no gaps or overlaps between neighbours) at the tolerance of the level
(:data:`MAP_TOLERANCE_DEGREES`, coarser if the level would still hold more than
:data:`MOST_MAP_VERTICES` vertices), and turns each polygon into the float32 x / y arrays a
filled plotly trace draws: longitude and Web-Mercator y (:func:`impact.figures.tiles.mercator_y`),
one ring after another with a NaN between them.

Rings keep the orientation :func:`~impact.boundaries.display_shapes` gives them (exteriors
counter-clockwise, holes clockwise): plotly fills a trace's rings together with SVG's
``nonzero`` rule, so a hole stays empty and the enclave in it, drawn as its own trace, shows.
Areas are drawn largest first, so that where two polygons of a level overlap (an enclave
whose surrounding area lacks the hole) the smaller one is drawn, and hovered, on top.

Results are cached per ``Boundaries`` object (kept while it lives): the dashboard redraws the
same level at every step of its time cursor.
"""

from __future__ import annotations

import base64
import threading
import weakref
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from impact.areas import AreaTree
from impact.boundaries import Boundaries, display_shapes, representative_points
from impact.figures.tiles import mercator_y

__all__ = [
    "FINEST_TOLERANCE_DEGREES",
    "MAP_TOLERANCE_DEGREES",
    "MOST_MAP_VERTICES",
    "MapShapes",
    "area_boundaries",
    "level_tolerance",
    "map_shapes",
    "ring_arrays",
    "typed_array",
]

#: Simplification tolerance per admin level [degrees; 0.001 degree is about 110 m north-south and
#: 75 m east-west at 46°N]. Chosen so that the map of Odesa oblast stays far under 1 MB at every
#: level (``docs/performance.md``) while an edge moves by less than a pixel on a map of the
#: whole area (the dashboard's map is about 500 px wide: 1 px is about 0.01 degree for an
#: oblast, 0.05 for the country) and by about a pixel at 10x zoom. Assumption, measured.
MAP_TOLERANCE_DEGREES: dict[int, float] = {0: 0.01, 1: 0.005, 2: 0.002, 3: 0.001}

#: Tolerance below the levels of :data:`MAP_TOLERANCE_DEGREES` (settlements) [degrees].
FINEST_TOLERANCE_DEGREES = 0.0005

#: Most polygon vertices one map sends; above it the tolerance doubles until it fits (about
#: 11 bytes per vertex as base64 float32 pairs: 60,000 vertices are about 0.65 MB).
MOST_MAP_VERTICES = 60_000

#: Doublings of the tolerance tried to fit :data:`MOST_MAP_VERTICES`.
_MOST_DOUBLINGS = 10

#: Level drawings kept per Boundaries object.
_KEPT_PER_BOUNDARIES = 16


def level_tolerance(level: int | None) -> float:
    """Simplification tolerance of an admin level [degrees]; the leaves (None) get the finest."""
    if level is None:
        return FINEST_TOLERANCE_DEGREES
    return MAP_TOLERANCE_DEGREES.get(int(level), FINEST_TOLERANCE_DEGREES)


def ring_arrays(geometry: BaseGeometry | None, exteriors_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """x (longitude) and y (Web-Mercator) of every ring of a polygon or multipolygon, NaN between rings.

    Parameters
    ----------
    geometry : shapely Polygon or MultiPolygon, or None
    exteriors_only : bool
        Leave the holes out (an outline drawn for bearings: the gaps a source leaves between
        areas would show as lines inside it).

    Returns
    -------
    x, y : numpy.ndarray of float32
        [degrees]; empty for None or an empty geometry. Each ring is closed (its last vertex
        repeats its first).
    """
    if geometry is None or geometry.is_empty:
        return np.empty(0, dtype=np.float32), np.empty(0, dtype=np.float32)
    parts = shapely.get_parts(geometry)
    rings = shapely.get_exterior_ring(parts) if exteriors_only else shapely.get_rings(parts)
    chunks = []
    gap = np.full((1, 2), np.nan)
    for ring in rings:
        chunks += [shapely.get_coordinates(ring), gap]
    coordinates = np.concatenate(chunks[:-1])
    x = coordinates[:, 0].astype(np.float32)
    y = mercator_y(coordinates[:, 1]).astype(np.float32)
    return x, y


def typed_array(values: np.ndarray) -> dict[str, str]:
    """``values`` as a plotly typed array (``{"dtype": "f4", "bdata": <base64>}``): what plotly.py
    would make of a float32 array, made once (figures pass it through without copying)."""
    data = np.ascontiguousarray(values, dtype="<f4").tobytes()
    return {"dtype": "f4", "bdata": base64.b64encode(data).decode("ascii")}


@dataclass(frozen=True, eq=False)
class MapShapes:
    """The polygons of one map level, ready to draw.

    Attributes
    ----------
    area_ids : tuple of str
        Areas drawn as polygons, largest polygon first (ties in the order asked for).
    shapes : dict of str to shapely geometry
        Their simplified polygons [degrees longitude / latitude].
    x, y : dict of str to numpy.ndarray
        Per area, the arrays of :func:`ring_arrays` [degrees; y Web-Mercator].
    x_typed, y_typed : dict of str to dict
        The same as plotly typed arrays (:func:`typed_array`), what the figures send.
    tolerance : float
        Simplification tolerance used [degrees].
    bounds : (float, float, float, float)
        West, south, east, north of the drawn polygons [degrees longitude / latitude].
    outline : (numpy.ndarray, numpy.ndarray)
        Outer rings of the area they cover together (the union of the drawn polygons), for bearings.
    """

    area_ids: tuple[str, ...]
    shapes: dict[str, BaseGeometry]
    x: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    x_typed: dict[str, dict[str, str]]
    y_typed: dict[str, dict[str, str]]
    tolerance: float
    bounds: tuple[float, float, float, float]
    outline: tuple[np.ndarray, np.ndarray]
    _selected: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    @property
    def vertices(self) -> int:
        """Vertices of every drawn ring together."""
        return int(sum(int(np.isfinite(x).sum()) for x in self.x.values()))

    def selected_outline(self, area: str, tree: AreaTree, boundaries: Boundaries) -> tuple[np.ndarray, np.ndarray]:
        """Outer rings that outline ``area``: the union of the drawn polygons of ``area`` and the
        areas below it; when none is drawn, its own polygon simplified at :attr:`tolerance`; else empty."""
        if area not in self._selected:
            inside = [a for a in self.area_ids if a == area or (a in tree and area in tree.ancestors_of(a))]
            if inside:
                geometry = shapely.union_all([self.shapes[a] for a in inside])
            else:
                geometry = display_shapes(boundaries, [area], self.tolerance).get(area)
            self._selected[area] = ring_arrays(geometry, exteriors_only=True)
        return self._selected[area]


_lock = threading.Lock()
_parents_cache: weakref.WeakKeyDictionary[Boundaries, dict[tuple, tuple[Boundaries, dict]]] = (
    weakref.WeakKeyDictionary()
)
_shapes_cache: weakref.WeakKeyDictionary[Boundaries, dict[tuple, MapShapes]] = weakref.WeakKeyDictionary()


def _tree_key(tree: AreaTree) -> tuple:
    return (tree.ids, tree.parents)


def _remember(cache: weakref.WeakKeyDictionary, owner: Boundaries, key: tuple, build):
    with _lock:
        found = cache.setdefault(owner, {})
        if key in found:
            return found[key]
    value = build()
    with _lock:
        found = cache.setdefault(owner, {})
        if len(found) >= _KEPT_PER_BOUNDARIES:
            found.pop(next(iter(found)))
        return found.setdefault(key, value)


def area_boundaries(boundaries: Boundaries, tree: AreaTree) -> tuple[Boundaries, dict[str, tuple[float, float]]]:
    """``boundaries`` with the parents of ``tree`` dissolved from their children, and a point inside
    each polygon (longitude, latitude) [degrees] (cached per ``boundaries`` and tree)."""

    def build():
        full = boundaries.with_parents(tree)
        return full, representative_points(full)

    return _remember(_parents_cache, boundaries, _tree_key(tree), build)


def map_shapes(
    boundaries: Boundaries, tree: AreaTree, area_ids: list[str], level: int | None, top: str | None = None
) -> MapShapes:
    """The polygons of ``area_ids`` (one level) simplified for drawing (cached).

    Parameters
    ----------
    boundaries : Boundaries
        The scenario's polygons (parents are dissolved from children here).
    tree : AreaTree
        The result's areas.
    area_ids : list of str
        Areas of the level, in the result's order; those without a polygon are left out.
    level : int or None
        Their admin level (None: the leaves), which sets the tolerance (:func:`level_tolerance`).
    top : str, optional
        The top area: its polygon is the outline when some of ``area_ids`` have none.

    Returns
    -------
    MapShapes
    """
    key = (_tree_key(tree), tuple(area_ids), level, top)
    return _remember(_shapes_cache, boundaries, key, lambda: _build(boundaries, tree, area_ids, level, top))


def _build(
    boundaries: Boundaries, tree: AreaTree, area_ids: list[str], level: int | None, top: str | None
) -> MapShapes:
    full, _points = area_boundaries(boundaries, tree)
    tolerance = level_tolerance(level)
    for _ in range(_MOST_DOUBLINGS):
        shapes = display_shapes(full, area_ids, tolerance)
        if sum(shapely.get_num_coordinates(list(shapes.values()))) <= MOST_MAP_VERTICES or not shapes:
            break
        tolerance *= 2
    areas = {a: float(shapely.area(shapes[a])) for a in area_ids if a in shapes}
    ordered = sorted(areas, key=lambda a: -areas[a])  # a stable sort: ties keep the order asked for
    arrays = {a: ring_arrays(shapes[a]) for a in ordered}
    if len(ordered) < len(area_ids) and top is not None and top in full:
        outline = ring_arrays(display_shapes(full, [top], tolerance).get(top), exteriors_only=True)
    else:
        outline = ring_arrays(shapely.union_all(list(shapes.values())) if shapes else None, exteriors_only=True)
    bounds = (
        tuple(float(v) for v in shapely.total_bounds(list(shapes.values())))
        if shapes
        else (np.nan, np.nan, np.nan, np.nan)
    )
    return MapShapes(
        area_ids=tuple(ordered),
        shapes={a: shapes[a] for a in ordered},
        x={a: xy[0] for a, xy in arrays.items()},
        y={a: xy[1] for a, xy in arrays.items()},
        x_typed={a: typed_array(xy[0]) for a, xy in arrays.items()},
        y_typed={a: typed_array(xy[1]) for a, xy in arrays.items()},
        tolerance=tolerance,
        bounds=bounds,  # type: ignore[arg-type]
        outline=outline,
    )
