"""``boundaries.geojson``: reading and checking the area polygons of a scenario.

The file is optional. When present it must be a GeoJSON FeatureCollection (RFC 7946) in WGS84
longitude/latitude whose features are Polygons or MultiPolygons with a property ``area_id``
naming an area of ``areas.csv``; other properties are kept in the file but ignored. Every
problem is reported at once as a :class:`~impact.scenario.problems.Problem`:

- ``line`` is the feature's number counted from 1 (``features[0]`` is line 1), 0 for the
  file as a whole (not UTF-8, not JSON, not a FeatureCollection, a projected ``crs``);
- ``column`` is the member concerned: ``area_id``, ``geometry``, ``properties`` or ``-``;
- the message starts with the feature's JSON path and its area, e.g.
  ``boundaries.geojson:12: geometry: features[11] (area 'UA5108001'): invalid polygon:
  Self-intersection at longitude 30.1, latitude 46.2; ...``.

Leaves without a polygon are allowed (the map falls back to their centroids); a parent may
have a polygon of its own (else it is dissolved from its children's, see
:meth:`impact.boundaries.Boundaries.with_parents`). Geometry is checked with shapely (GEOS);
no GDAL is needed.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Collection
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from impact.boundaries import BOUNDARIES_FILE, Boundaries
from impact.scenario.csv_text import read_file_bytes
from impact.scenario.problems import Problem

__all__ = [
    "FILE",
    "REPAIR_HINT",
    "check_boundaries",
    "parse_boundaries_bytes",
    "read_boundaries",
]

#: Name of the boundaries file in a scenario folder.
FILE = BOUNDARIES_FILE

#: How to repair an invalid polygon, for messages and docs/data-format.md.
REPAIR_HINT = (
    "repair it with shapely.make_valid, QGIS 'Fix geometries' (Processing toolbox) or "
    "`impact import-areas`, which repairs invalid polygons"
)

#: What to do with a file in another coordinate system.
REPROJECT_HINT = (
    "boundaries must be WGS84 longitude/latitude (EPSG:4326); reproject the file, e.g. "
    "`ogr2ogr -t_srs EPSG:4326 boundaries.geojson input.gpkg` or `impact import-areas`, which reprojects"
)

#: ``crs`` names (GeoJSON 2008) that mean WGS84 longitude/latitude.
_WGS84_NAMES = re.compile(r"(CRS84|EPSG:{1,2}4326|EPSG/0/4326|WGS ?84)$", re.IGNORECASE)

#: Polygonal geometry types.
_POLYGONAL = ("Polygon", "MultiPolygon")

#: Other GeoJSON geometry types, recognised to say what the feature is instead.
_OTHER_GEOMETRIES = ("Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection")


def read_boundaries(folder: Path) -> tuple[object | None, list[Problem]]:
    """Read ``boundaries.geojson`` of a scenario folder as parsed JSON.

    Parameters
    ----------
    folder : Path
        Scenario folder.

    Returns
    -------
    document : object or None
        The parsed JSON (checked later by :func:`check_boundaries`); None when the file is
        absent (it is optional) or cannot be read or parsed.
    problems : list of Problem
        Whole-file problems (line 0): a folder or special file in its place, unreadable,
        not UTF-8, not JSON.
    """
    raw, problems = read_file_bytes(folder / FILE, FILE, "a GeoJSON file", required=False)
    if raw is None:
        return None, problems
    return parse_boundaries_bytes(raw)


def parse_boundaries_bytes(raw: bytes) -> tuple[object | None, list[Problem]]:
    """Decode and parse the bytes of a GeoJSON file.

    Parameters
    ----------
    raw : bytes
        File content (UTF-8, optional byte-order mark).

    Returns
    -------
    document : object or None
        Parsed JSON, None when it cannot be parsed.
    problems : list of Problem
        Encoding and JSON syntax problems, on line 0 (the JSON line and column are in the
        message).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(FILE, 0, "-", "file is UTF-16; save it as UTF-8 (GeoJSON is UTF-8)")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [
            Problem(FILE, 0, "-", f"not valid UTF-8 (line {line}); save the file as UTF-8 (GeoJSON is UTF-8)")
        ]
    if not text.strip():
        return None, [Problem(FILE, 0, "-", "file is empty; expected a GeoJSON FeatureCollection")]
    try:
        return json.loads(text, parse_constant=_reject_constant), []
    except json.JSONDecodeError as error:
        return None, [
            Problem(
                FILE,
                0,
                "-",
                f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
                "expected a GeoJSON FeatureCollection",
            )
        ]
    except _NotANumberError as error:
        return None, [Problem(FILE, 0, "-", f"not valid JSON: {error.args[0]} is not a JSON number")]
    except RecursionError:
        return None, [Problem(FILE, 0, "-", "not a GeoJSON file: its JSON is nested too deeply to be read")]


class _NotANumberError(ValueError):
    """NaN or Infinity in a JSON text (Python's json module accepts them; JSON does not)."""


def _reject_constant(name: str) -> float:
    raise _NotANumberError(name)


def check_boundaries(
    document: object, area_ids: Collection[str] | None, attribution: str = ""
) -> tuple[Boundaries | None, list[Problem]]:
    """Check a parsed GeoJSON document against the areas of the scenario.

    Parameters
    ----------
    document : object
        Parsed JSON (:func:`read_boundaries`) or a GeoJSON dict given to
        :func:`impact.scenario.scenario_from_frames`.
    area_ids : collection of str or None
        Ids of ``areas.csv``; None when they are unknown (``areas.csv`` could not be read),
        then only the file itself is checked.
    attribution : str
        Credit line for the :class:`~impact.boundaries.Boundaries` (``[boundaries]
        attribution`` of ``scenario.toml``); when empty, the document's own top-level
        ``attribution`` member (which ``impact import-areas`` and ``impact synth`` write) is
        used, so that a licence's credit is not lost with a missing setting.

    Returns
    -------
    boundaries : Boundaries or None
        The valid polygons, in file order; None when any problem was found.
    problems : list of Problem
        Every problem, located as described in the module docstring.
    """
    problems = _check_collection(document)
    if problems:
        return None, problems
    assert isinstance(document, dict)
    shapes: dict[str, BaseGeometry] = {}
    first_feature: dict[str, int] = {}
    known = set(area_ids) if area_ids is not None else None
    for index, feature in enumerate(document["features"]):
        area, feature_problems = _feature_area(index, feature, known, first_feature)
        problems += feature_problems
        geometry, geometry_problems = _feature_geometry(index, feature, area)
        problems += geometry_problems
        if area is not None and geometry is not None and not feature_problems:
            shapes[area] = geometry
    if problems:
        return None, problems
    own = document.get("attribution")
    if not attribution.strip() and isinstance(own, str):
        attribution = own.strip()
    return Boundaries(shapes, attribution), []


def _check_collection(document: object) -> list[Problem]:
    """The document as a whole: a FeatureCollection with a list of features, in WGS84."""

    def whole(message: str, column: str = "-") -> list[Problem]:
        return [Problem(FILE, 0, column, message)]

    expected = 'expected a GeoJSON FeatureCollection: {"type": "FeatureCollection", "features": [...]}'
    if not isinstance(document, dict):
        return whole(f"not a GeoJSON file: the JSON is {_json_kind(document)}; {expected}")
    kind = document.get("type")
    if kind == "Topology":
        return whole("a TopoJSON file, not GeoJSON; convert it, e.g. `mapshaper in.json -o format=geojson`", "type")
    if kind == "Feature":
        return whole(f"a single Feature, not a FeatureCollection; put it in a list of features: {expected}", "type")
    if kind in _POLYGONAL or kind in _OTHER_GEOMETRIES:
        return whole(f"a bare {kind} geometry, not a FeatureCollection; {expected}", "type")
    if kind != "FeatureCollection":
        return whole(f"not a GeoJSON FeatureCollection (type is {_short(kind)}); {expected}", "type")
    features = document.get("features")
    if not isinstance(features, list):
        return whole(f"'features' must be a list of features, not {_json_kind(features)}", "features")
    crs = document.get("crs")
    if crs is not None:
        properties = crs.get("properties") if isinstance(crs, dict) else None
        name = properties.get("name") if isinstance(properties, dict) else None
        if not isinstance(name, str) or not _WGS84_NAMES.search(name.strip()):
            return whole(f"the file declares the coordinate system {_short(name or crs)}; {REPROJECT_HINT}", "crs")
    return []


def _feature_area(
    index: int, feature: object, known: set[str] | None, first_feature: dict[str, int]
) -> tuple[str | None, list[Problem]]:
    """The ``area_id`` of a feature and the problems with it (missing, unknown, duplicate)."""
    line = index + 1
    where = f"features[{index}]"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        what = _json_kind(feature) if not isinstance(feature, dict) else f"type {_short(feature.get('type'))}"
        return None, [
            Problem(FILE, line, "-", f'{where}: not a GeoJSON Feature ({what}); expected {{"type": "Feature", ...}}')
        ]
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        message = f"{where}: has no properties; add the property area_id (an area of areas.csv)"
        return None, [Problem(FILE, line, "properties", message)]
    if "area_id" not in properties:
        keys = {str(key).lower(): str(key) for key in properties}
        close = difflib.get_close_matches("area_id", list(keys), n=1, cutoff=0.6)
        fix = f"rename its property {keys[close[0]]!r} to area_id" if close else "add the property area_id"
        return None, [Problem(FILE, line, "area_id", f"{where}: feature without area_id; {fix}")]
    value = properties["area_id"]
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None, [Problem(FILE, line, "area_id", f"{where}: area_id {_short(value)} must be text (an area id)")]
    area = str(value)
    if area == "" or area != area.strip():
        return None, [Problem(FILE, line, "area_id", f"{where}: area_id {area!r} is empty or has surrounding spaces")]
    problems = []
    if known is not None and area not in known:
        close = difflib.get_close_matches(area, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        message = f"{where}: area_id {area!r} is not in areas.csv{hint}"
        problems.append(Problem(FILE, line, "area_id", message))
    if area in first_feature:
        first = first_feature[area]
        message = (
            f"{where}: a second polygon for area {area!r}, first in features[{first}] (line {first + 1}); "
            "merge them into one MultiPolygon"
        )
        problems.append(Problem(FILE, line, "area_id", message))
    else:
        first_feature[area] = index
    return area, problems


def _feature_geometry(index: int, feature: object, area: str | None) -> tuple[BaseGeometry | None, list[Problem]]:
    """The feature's polygon, and the problems with its geometry."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, []  # reported by _feature_area
    line = index + 1
    where = f"features[{index}]" + (f" (area {area!r})" if area is not None else "")

    def problem(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(FILE, line, "geometry", f"{where}: {message}")]

    geometry = feature.get("geometry")
    if geometry is None:
        return problem("empty geometry (null); give the area a Polygon or MultiPolygon, or leave the feature out")
    if not isinstance(geometry, dict):
        return problem(f"geometry must be a GeoJSON geometry object, not {_json_kind(geometry)}")
    kind = geometry.get("type")
    if kind in _OTHER_GEOMETRIES:
        return problem(f"a {kind}, not a polygon; each feature must be a Polygon or MultiPolygon")
    if kind not in _POLYGONAL:
        return problem(f"geometry type {_short(kind)} is not Polygon or MultiPolygon")
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list):
        return problem(f"{kind} coordinates must be a list, not {_json_kind(coordinates)}")
    if not coordinates:
        return problem(f"empty geometry (a {kind} without coordinates)")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    built: list[Polygon] = []
    for number, rings in enumerate(polygons):
        part = f"polygon {number + 1}: " if kind == "MultiPolygon" else ""
        polygon, reason = _polygon(rings)
        if reason:
            return problem(part + reason)
        assert polygon is not None
        built.append(polygon)
    shape: BaseGeometry = built[0] if kind == "Polygon" else MultiPolygon(built)
    if shape.is_empty:
        return problem(f"empty geometry (a {kind} without area)")
    coords = shapely.get_coordinates(shape)
    outside = (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
    if outside.any():
        x, y = coords[int(np.argmax(outside))]
        return problem(
            f"coordinates outside longitude [-180, 180] / latitude [-90, 90] (e.g. {x:.12g}, {y:.12g}): "
            f"the file looks projected (metres); {REPROJECT_HINT}"
        )
    reason = shapely.is_valid_reason(shape)
    if reason != "Valid Geometry":
        return problem(f"invalid polygon: {_located(reason)}; {REPAIR_HINT}")
    return shape, []


def _polygon(rings: object) -> tuple[Polygon | None, str]:
    """A shapely polygon from GeoJSON rings, or why they are not rings."""
    if not isinstance(rings, list) or not rings:
        return None, "a polygon must be a non-empty list of linear rings (lists of [longitude, latitude])"
    arrays = []
    for number, ring in enumerate(rings):
        name = "exterior ring" if number == 0 else f"hole {number}"
        try:
            array = np.asarray(ring)
        except (ValueError, TypeError):
            return None, f"{name} is not a list of [longitude, latitude] positions"
        if array.dtype.kind not in "iuf":  # text ("30.5"), true/false or mixed values are not coordinates
            return None, f"{name} is not a list of [longitude, latitude] positions"
        array = array.astype(np.float64)
        if array.ndim != 2 or array.shape[1] not in (2, 3):
            return None, f"{name} is not a list of [longitude, latitude] positions"
        if not np.isfinite(array).all():
            return None, f"{name} has a coordinate that is not a finite number"
        if len(array) and not np.array_equal(array[0], array[-1]):
            array = np.vstack([array, array[:1]])  # RFC 7946 rings are closed; close a ring left open
        if len(array) < 4:
            return None, f"{name} has fewer than 4 positions (a ring needs 3 corners and the first again at the end)"
        arrays.append(array[:, :2])
    return Polygon(arrays[0], arrays[1:]), ""


def _located(reason: str) -> str:
    """``Self-intersection[30.1 46.2]`` -> ``Self-intersection at longitude 30.1, latitude 46.2``."""
    match = re.fullmatch(r"(.*)\[(\S+) (\S+)\]", reason.strip())
    if not match:
        return reason
    try:
        x, y = float(match.group(2)), float(match.group(3))
    except ValueError:
        return reason
    if not (math.isfinite(x) and math.isfinite(y)):
        return reason
    return f"{match.group(1)} at longitude {x:.6g}, latitude {y:.6g}"


def _json_kind(value: object) -> str:
    """What a JSON value is, in words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return "a number"


def _short(value: object, limit: int = 60) -> str:
    """A value for a message, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
