"""Reading boundary layers: COD-AB or OSM-style polygons, with P-codes, names and WGS84 geometry.

A *source* is a file (GeoPackage, Shapefile, zipped Shapefile, GeoJSON: anything GDAL reads
through pyogrio), optionally followed by ``:LAYER`` to read one of its layers; without it every
polygon layer of the file is read (a COD-AB GeoPackage holds one per admin level; its line and
point layers are skipped).

Each layer is recognised by its fields (either case):

- **COD-AB**: the deepest ``ADMn_PCODE`` field gives the feature's P-code and level ``n``;
  ``ADMk_PCODE`` (k < n) its ancestors, named by ``ADMk_EN``/``ADMk_UA`` (see
  :mod:`impact.cod_ab.names`); without ``ADM(n-1)_PCODE``, ancestors follow the P-code prefix
  rule (:func:`impact.cod_ab.pcodes.ua_parent`);
- **OSM-style**: ``katotth`` gives the P-code and level (:func:`impact.cod_ab.pcodes.pcode_from_katotth`);
  a feature without one may carry ``pcode``; ancestors follow the prefix rule.

Geometry is reprojected to WGS84 longitude/latitude; a layer without a CRS is read as WGS84
only when its coordinates lie within longitude/latitude ranges. Invalid polygons are repaired
with :func:`shapely.make_valid` (polygonal parts kept) and the repair noted; empty or
non-polygonal geometry, a missing P-code field or an unreadable file are problems.

geopandas and pyogrio (the ``geo`` extra) are imported inside the functions, so that
``import impact`` never needs GDAL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from impact.cod_ab.names import cod_names, osm_names
from impact.cod_ab.pcodes import pcode_from_katotth, pcode_problem, ua_level, ua_parent

__all__ = [
    "GEO_EXTRA_HINT",
    "Ancestor",
    "Feature",
    "GeoUnavailable",
    "Layer",
    "read_layers",
    "same_shape",
    "split_source",
]

#: How to install what reading boundary files needs.
GEO_EXTRA_HINT = 'pip install "humanitarian-impact[geo]"'

_COD_FIELD = re.compile(r"adm(\d)_pcode")

#: Relative area [1] by which two polygons of one P-code may differ and still count as the same.
SAME_SHAPE_TOLERANCE = 1e-6


class GeoUnavailable(ImportError):
    """geopandas or pyogrio (the ``geo`` extra) is not installed."""


@dataclass(frozen=True)
class Ancestor:
    """An ancestor named in a feature's attributes (or implied by its P-code).

    Parameters
    ----------
    level : int
        Admin level.
    pcode : str
        P-code.
    name, name_uk : str
        English and Ukrainian names ("" when the feature does not give them).
    """

    level: int
    pcode: str
    name: str = ""
    name_uk: str = ""


@dataclass(frozen=True)
class Feature:
    """One area polygon read from a layer.

    Parameters
    ----------
    layer : str
        The layer as named in messages (``data/adm.gpkg (layer adm3)``: the path as given).
    source : str
        The layer as named in the files written (``adm.gpkg (layer adm3)``: no folder).
    index : int
        Position of the feature in the layer, from 0 (file order).
    pcode : str
        The area's P-code.
    level : int
        Admin level.
    name, name_uk : str
        English and Ukrainian names ("" when none).
    ancestors : tuple of Ancestor
        Parent first, then its parent...; the last one's parent is not known from this feature
        unless it is at level 0.
    geometry : shapely Polygon or MultiPolygon
        Valid, in WGS84 longitude/latitude [degrees].
    """

    layer: str
    source: str
    index: int
    pcode: str
    level: int
    name: str
    name_uk: str
    ancestors: tuple[Ancestor, ...]
    geometry: BaseGeometry

    @property
    def where(self) -> str:
        """``adm.gpkg (layer adm3): feature 3 (UA5104003)``: how messages name it."""
        return f"{self.layer}: feature {self.index} ({self.pcode})"


@dataclass(frozen=True)
class Layer:
    """A layer read: its features and what was noted about it.

    Parameters
    ----------
    name : str
        The layer as named in messages (the path as given).
    short : str
        The layer as named in the files written (no folder).
    file : str
        The file's path as given.
    style : str
        ``"COD-AB"`` or ``"OSM-style"``.
    pcode_field : str
        The field the P-codes come from (as spelt in the file).
    crs : str
        The layer's CRS as read (``EPSG:32636``), or a note that it had none.
    features : tuple of Feature
        In file order.
    notes : tuple of str
        Repairs and assumptions, one line each.
    """

    name: str
    short: str
    file: str
    style: str
    pcode_field: str
    crs: str
    features: tuple[Feature, ...]
    notes: tuple[str, ...]


def _geo_modules():
    """geopandas and pyogrio, or :class:`GeoUnavailable` naming the extra."""
    try:
        import geopandas
        import pyogrio
    except ImportError as error:
        raise GeoUnavailable(
            f"reading boundary files needs geopandas and pyogrio ({error}); install them with {GEO_EXTRA_HINT}"
        ) from None
    return geopandas, pyogrio


def same_shape(a: BaseGeometry, b: BaseGeometry) -> bool:
    """Whether two polygons are the same up to rounding (their symmetric difference is at
    most :data:`SAME_SHAPE_TOLERANCE` of the larger's area)."""
    if a.equals_exact(b, 0.0):
        return True
    difference = shapely.area(shapely.symmetric_difference(a, b))
    return bool(difference <= SAME_SHAPE_TOLERANCE * max(a.area, b.area))


# ---------------------------------------------------------------------------- sources


def split_source(source: str | Path) -> tuple[Path, str | None]:
    """``FILE`` or ``FILE:LAYER`` (a layer of a GeoPackage, a sheet of a workbook) → (path, layer);
    a path that exists as given is never split."""
    text = str(source)
    path = Path(text)
    if path.exists() or ":" not in text:
        return path, None
    head, layer = text.rsplit(":", 1)
    if head and Path(head).exists() and layer:
        return Path(head), layer
    return path, None


_POLYGONAL_TYPES = {"polygon", "multipolygon", "curvepolygon", "multisurface", "unknown"}


def _is_polygonal_type(geometry_type: object) -> bool:
    text = str(geometry_type or "unknown").lower().replace(" z", "").replace(" m", "").replace("3d ", "")
    return text in _POLYGONAL_TYPES


def _layers_of(path: Path, chosen: str | None, pyogrio) -> tuple[list[tuple[str, str, str]], list[str], list[str]]:
    """((layer, label, short label) to read, notes, problems) of one source."""
    try:
        listed = [(str(name), str(kind)) for name, kind in pyogrio.list_layers(path)]
    except Exception as error:  # pyogrio's DataSourceError and GDAL errors
        return (
            [],
            [],
            [f"{path}: cannot be read as a GIS file (GeoPackage, Shapefile, zipped Shapefile, GeoJSON): {error}"],
        )
    names = [name for name, _ in listed]
    if chosen is not None:
        if chosen not in names:
            return [], [], [f"{path}: has no layer {chosen!r}; its layers are: {', '.join(names) or 'none'}"]
        return [(chosen, f"{path} (layer {chosen})", f"{path.name} (layer {chosen})")], [], []
    if len(listed) == 1:  # a file of one layer is read whatever its type: its features are then named
        return [(names[0], str(path), path.name)], [], []
    polygonal = [name for name, kind in listed if _is_polygonal_type(kind)]
    skipped = [f"{name} ({kind.lower()})" for name, kind in listed if not _is_polygonal_type(kind)]
    notes = [f"{path}: layers without polygons skipped: {', '.join(skipped)}"] if skipped else []
    if not polygonal:
        return [], notes, [f"{path}: has no polygon layer; its layers are: {', '.join(names) or 'none'}"]
    return [(name, f"{path} (layer {name})", f"{path.name} (layer {name})") for name in polygonal], notes, []


# ---------------------------------------------------------------------------- geometry


def _in_lon_lat_range(bounds: Iterable[float]) -> bool:
    west, south, east, north = (float(v) for v in bounds)
    return -180.0 <= west <= east <= 180.0 and -90.0 <= south <= north <= 90.0


def _to_wgs84(frame: Any, label: str) -> tuple[Any, str, list[str], list[str]]:
    """(frame in WGS84, CRS text, notes, problems)."""
    geometries = [g for g in frame.geometry if g is not None and not g.is_empty]
    bounds = shapely.total_bounds(geometries) if geometries else np.array([0.0, 0.0, 0.0, 0.0])
    shown = ", ".join(f"{v:.6g}" for v in bounds)
    if frame.crs is None:
        if not _in_lon_lat_range(bounds):
            return (
                frame,
                "none",
                [],
                [
                    f"{label}: no coordinate reference system (for a Shapefile: no .prj file) and coordinates "
                    f"(bounds {shown}) are not longitude/latitude; add the .prj file or reproject to WGS84 (EPSG:4326)"
                ],
            )
        note = (
            f"{label}: no coordinate reference system; coordinates are within longitude/latitude ranges, read as WGS84"
        )
        return frame.set_crs(4326), "none (read as WGS84)", [note], []
    crs_text = frame.crs.to_string()
    if frame.crs.is_geographic and not _in_lon_lat_range(bounds):
        return (
            frame,
            crs_text,
            [],
            [
                f"{label}: CRS {crs_text} is longitude/latitude but coordinates (bounds {shown}) are out of range: "
                "a projected file labelled as WGS84? Give it its real CRS"
            ],
        )
    try:
        projected = frame.to_crs(4326)
    except Exception as error:  # pyproj's CRSError and ProjError
        return frame, crs_text, [], [f"{label}: cannot reproject from {crs_text} to WGS84: {error}"]
    finite = [g for g in projected.geometry if g is not None and not g.is_empty]
    if finite and not np.isfinite(shapely.total_bounds(finite)).all():
        return frame, crs_text, [], [f"{label}: reprojection from {crs_text} to WGS84 gives infinite coordinates"]
    return projected, crs_text, [], []


def _polygonal_part(geometry: BaseGeometry) -> BaseGeometry | None:
    """The polygons of a geometry (of a GeometryCollection after make_valid), or None."""
    if isinstance(geometry, Polygon | MultiPolygon):
        return None if geometry.is_empty else geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon | MultiPolygon) and not g.is_empty]
    return shapely.union_all(parts) if parts else None


def _checked_geometry(geometry: object, where: str) -> tuple[BaseGeometry | None, str, str]:
    """(valid polygon, note, problem) of one feature's geometry."""
    if geometry is None:
        return None, "", f"{where}: has no geometry"
    if not isinstance(geometry, BaseGeometry) or geometry.is_empty:
        return None, "", f"{where}: geometry is empty"
    flat: BaseGeometry = shapely.force_2d(geometry)
    if not isinstance(flat, Polygon | MultiPolygon):
        return None, "", f"{where}: is a {flat.geom_type}; areas need a Polygon or MultiPolygon"
    if not np.isfinite(shapely.bounds(flat)).all():
        return None, "", f"{where}: has non-finite coordinates"
    if flat.is_valid:
        return shapely.orient_polygons(flat), "", ""
    reason = shapely.is_valid_reason(flat)
    repaired = _polygonal_part(shapely.make_valid(flat, method="structure", keep_collapsed=False))
    if repaired is None or repaired.area <= 0:
        return None, "", f"{where}: invalid geometry ({reason}) has no area left after repair"
    parts = len(getattr(repaired, "geoms", [repaired]))
    note = (
        f"{where}: invalid geometry ({reason}) repaired with shapely.make_valid; polygonal parts kept: "
        f"{parts} polygon{'s' if parts != 1 else ''}"
    )
    return shapely.orient_polygons(repaired), note, ""


# ---------------------------------------------------------------------------- attributes


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _chain_by_prefix(pcode: str) -> tuple[Ancestor, ...]:
    """Ancestors of a Ukrainian P-code by the COD prefix rule, parent first (none above the oblast)."""
    chain: list[Ancestor] = []
    parent = ua_parent(pcode)
    while parent is not None:
        chain.append(Ancestor(ua_level(parent) or 0, parent))
        parent = ua_parent(parent)
    return tuple(chain)


def _cod_feature(row: Mapping[str, object], level: int, where: str) -> tuple[str, tuple, str]:
    """(pcode, (name, name_uk, ancestors), problem) of a COD-AB feature; ``row`` keys lower case."""
    pcode = _text(row.get(f"adm{level}_pcode")).upper()
    problem = pcode_problem(pcode)
    if problem:
        return pcode, (), f"{where}: ADM{level}_PCODE: {problem}"
    name, name_uk = cod_names(row, level)
    ancestors: list[Ancestor] = []
    for k in range(level - 1, -1, -1):
        key = f"adm{k}_pcode"
        if key not in row:
            break
        parent = _text(row.get(key)).upper()
        if not parent:
            break
        problem = pcode_problem(parent)
        if problem:
            return pcode, (), f"{where} ({pcode}): ADM{k}_PCODE: {problem}"
        ancestors.append(Ancestor(k, parent, *cod_names(row, k)))
    if not ancestors and f"adm{level - 1}_pcode" not in row:
        ancestors = list(_chain_by_prefix(pcode))
    return pcode, (name, name_uk, tuple(ancestors)), ""


def _osm_feature(row: Mapping[str, object], where: str) -> tuple[str, int, tuple, str]:
    """(pcode, level, (name, name_uk, ancestors), problem) of an OSM-style feature."""
    katotth = _text(row.get("katotth")).upper()
    stated = _text(row.get("pcode")).upper()
    if katotth:
        try:
            pcode, level = pcode_from_katotth(katotth)
        except ValueError as error:
            return stated, 0, (), f"{where}: katotth: {error}"
        if stated and stated != pcode:
            return (
                pcode,
                level,
                (),
                f"{where}: pcode {stated!r} disagrees with katotth {katotth!r}, which gives {pcode!r}",
            )
    elif stated:
        pcode, level = stated, ua_level(stated)  # type: ignore[assignment]
        if level is None:
            return stated, 0, (), f"{where}: no katotth, and pcode {stated!r} is not a Ukrainian P-code"
    else:
        return "", 0, (), f"{where}: neither katotth nor pcode is given"
    name, name_uk = osm_names(row)
    return pcode, level, (name, name_uk, _chain_by_prefix(pcode)), ""


def _read_layer(path: Path, layer: str, label: str, short: str, pyogrio) -> tuple[Layer | None, list[str]]:
    """One layer read and checked, or (None, problems)."""
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except Exception as error:  # GDAL errors surface as several pyogrio exception types
        return None, [f"{label}: cannot be read: {error}"]
    fields = {str(column).lower(): str(column) for column in frame.columns if column != frame.geometry.name}
    levels = sorted(int(m.group(1)) for f in fields if (m := _COD_FIELD.fullmatch(f)))
    if levels:
        style, level, pcode_field = "COD-AB", levels[-1], fields[f"adm{levels[-1]}_pcode"]
    elif "katotth" in fields:
        style, level, pcode_field = "OSM-style", -1, fields["katotth"]
    else:
        listed = ", ".join(fields.values()) or "none"
        return None, [
            f"{label}: no P-code field: expected ADMn_PCODE (n = 0-4, either case: COD-AB) or katotth "
            f"(OSM-style); its fields are: {listed}"
        ]
    if len(frame) == 0:
        return None, [f"{label}: has no features"]
    frame, crs_text, notes, problems = _to_wgs84(frame, label)
    if problems:
        return None, problems
    columns = {column: key for key, column in fields.items()}
    records = frame.drop(columns=frame.geometry.name).rename(columns=columns).to_dict("records")
    features: list[Feature] = []
    for index, (row, geometry) in enumerate(zip(records, frame.geometry, strict=True)):
        where = f"{label}: feature {index}"
        if style == "COD-AB":
            pcode, attributes, problem = _cod_feature(row, level, where)
            feature_level = level
        else:
            pcode, feature_level, attributes, problem = _osm_feature(row, where)
        if problem:
            problems.append(problem)
            continue
        checked, note, problem = _checked_geometry(geometry, f"{where} ({pcode})")
        if problem:
            problems.append(problem)
            continue
        if note:
            notes.append(note)
        name, name_uk, ancestors = attributes
        features.append(Feature(label, short, index, pcode, feature_level, name, name_uk, ancestors, checked))
    if problems:
        return None, problems
    return Layer(label, short, str(path), style, pcode_field, crs_text, tuple(features), tuple(notes)), []


def read_layers(sources: Iterable[str | Path]) -> tuple[list[Layer], list[str], list[str]]:
    """Read every layer of ``sources``.

    Parameters
    ----------
    sources : iterable of str or Path
        Files, each optionally followed by ``:LAYER``.

    Returns
    -------
    tuple of (list of Layer, list of str, list of str)
        The layers read, notes on the sources (layers skipped), and the problems found (every
        one: a file that cannot be read does not stop the others from being checked).

    Raises
    ------
    GeoUnavailable
        If geopandas or pyogrio is not installed.
    """
    _geopandas, pyogrio = _geo_modules()
    layers: list[Layer] = []
    notes: list[str] = []
    problems: list[str] = []
    for source in sources:
        path, chosen = split_source(source)
        if not path.exists():
            problems.append(f"{source}: no such file")
            continue
        targets, source_notes, source_problems = _layers_of(path, chosen, pyogrio)
        notes += source_notes
        problems += source_problems
        for layer, label, short in targets:
            read, layer_problems = _read_layer(path, layer, label, short, pyogrio)
            problems += layer_problems
            if read is not None:
                layers.append(read)
    return layers, notes, problems
