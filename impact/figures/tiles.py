"""The maps' plane: Web-Mercator latitudes, their axis ticks, and XYZ map tiles placed on it.

The maps draw on a plain cartesian plane (SVG, no WebGL, no geo projection that fetches
topojson): x is longitude [degrees_east] and y the Web-Mercator latitude, kept in degrees,

    y = degrees(ln(tan(pi / 4 + latitude / 2)))

so one degree of x and one of y are the same length on screen (``scaleanchor`` 1:1) and
shapes keep their angles, as on every web map. On this plane an XYZ tile (the OpenStreetMap
"slippy map" scheme, https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames) of zoom z is
a square of 360 / 2**z degrees: tile (x, y) spans longitudes -180 + 360 x / 2**z to one tile
east, and Mercator y from 180 - 360 y / 2**z down by one tile. :func:`tile_images` places
tiles as plotly ``layout.images`` under the polygons; nothing is fetched unless a tile URL
is given.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

import numpy as np

__all__ = [
    "FEWEST_TILES_ACROSS",
    "MAX_LATITUDE",
    "MAX_TILE_ZOOM",
    "check_tile_template",
    "latitude_of",
    "latitude_ticks",
    "mercator_y",
    "tile_images",
    "tile_origin",
    "tile_size",
    "tile_zoom",
]

#: Latitude where the Web-Mercator world becomes square [degrees] (arctan(sinh(pi))).
MAX_LATITUDE = math.degrees(math.atan(math.sinh(math.pi)))

#: Tiles across the larger side of the map at the zoom chosen: between this and twice as many.
FEWEST_TILES_ACROSS = 4

#: Deepest zoom asked of a tile server (most serve 0-19).
MAX_TILE_ZOOM = 19

#: Latitude tick spacings tried, finest first [degrees].
_TICK_STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0)


def mercator_y(latitude) -> np.ndarray:
    """Web-Mercator y of ``latitude`` [degrees], in degrees; latitudes clipped to +-:data:`MAX_LATITUDE`.

    Computed as asinh(tan(latitude)), which equals ln(tan(pi / 4 + latitude / 2)) and is 0 at the equator.
    """
    lat = np.radians(np.clip(np.asarray(latitude, dtype=float), -MAX_LATITUDE, MAX_LATITUDE))
    return np.degrees(np.arcsinh(np.tan(lat)))


def latitude_of(y) -> np.ndarray:
    """Latitude [degrees] of Web-Mercator ``y`` [degrees]: the inverse of :func:`mercator_y`."""
    return np.degrees(2 * np.arctan(np.exp(np.radians(np.asarray(y, dtype=float)))) - np.pi / 2)


def latitude_ticks(south: float, north: float, most: int = 6, beyond: float = 1.0) -> tuple[list[float], list[str]]:
    """Ticks of the y axis at round latitudes, spaced for the box from ``south`` to ``north`` [degrees].

    Parameters
    ----------
    south, north : float
        Latitudes shown [degrees]: at most ``most`` ticks fall between them.
    most : int
        Most ticks between ``south`` and ``north``.
    beyond : float
        Ticks also cover this many box heights south and north of it (for panning) [1].

    Returns
    -------
    tickvals : list of float
        Mercator y of each tick [degrees].
    ticktext : list of str
        The latitude, e.g. ``46.5°N`` (``°S`` south of the equator).
    """
    if not (np.isfinite(south) and np.isfinite(north)) or north <= south:
        return [], []
    span = north - south
    step = next((s for s in _TICK_STEPS if span / s <= most), _TICK_STEPS[-1])
    low = max(south - beyond * span, -MAX_LATITUDE)
    high = min(north + beyond * span, MAX_LATITUDE)
    lats = [round(k * step, 6) for k in range(math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9) + 1)]
    decimals = len(f"{step:g}".partition(".")[2])
    text = [f"{abs(lat):.{decimals}f}°{'S' if lat < 0 else 'N' if lat > 0 else ''}" for lat in lats]
    return [float(v) for v in mercator_y(lats)], text


def tile_size(zoom: int) -> float:
    """Side of a tile of ``zoom`` on the map's plane [degrees of longitude and of Mercator y]."""
    return 360.0 / 2**zoom


def tile_zoom(west: float, south: float, east: float, north: float) -> int:
    """Zoom at which :data:`FEWEST_TILES_ACROSS` to twice as many tiles span the larger side of a box.

    Parameters
    ----------
    west, south, east, north : float
        The box [degrees of longitude and latitude].
    """
    span = max(east - west, float(mercator_y(north) - mercator_y(south)), 1e-9)
    zoom = math.ceil(math.log2(FEWEST_TILES_ACROSS * 360.0 / span))
    return int(min(max(zoom, 0), MAX_TILE_ZOOM))


#: A host name a tile URL may name: letters, digits, dots and hyphens (no wildcard), or an IPv6 address in brackets.
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")

#: Characters never allowed in a tile URL: they would end the URL or a rule of the Content-Security-Policy
#: header the URL's origin is written into (``;`` ``,`` quotes, spaces, controls), or are a wildcard.
_FORBIDDEN = frozenset(";,'\"*<>\\ ") | frozenset(chr(c) for c in range(32)) | {chr(127)}


def check_tile_template(template: str) -> str:
    """``template`` if it is an http(s) URL with one plain host and ``{z}``, ``{x}`` and ``{y}``;
    else ``ValueError`` saying why.

    The URL's origin goes into the dashboard's Content-Security-Policy header
    (:func:`tile_origin`), so the check is strict: no wildcard host, no ``{s}`` subdomain
    placeholder (name one server), no character that could end a rule of that header.
    """
    example = "e.g. https://tile.example.org/{z}/{x}/{y}.png"
    bad = sorted({c for c in template if c in _FORBIDDEN})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise ValueError(f"tile URL {template!r} contains {shown}: not allowed in a tile URL; {example}")
    if "{s}" in template:
        raise ValueError(f"tile URL {template!r} has a {{s}} subdomain placeholder: name one server instead; {example}")
    parts = urlsplit(template)
    try:
        parts.port  # noqa: B018 -- raises ValueError on a port out of range or not a number
    except ValueError:
        raise ValueError(f"tile URL {template!r} has an invalid port; {example}") from None
    netloc = parts.netloc.rpartition("@")[2]
    host = netloc[: netloc.find("]") + 1] if netloc.startswith("[") else netloc.split(":", 1)[0]
    if parts.scheme not in ("http", "https") or not parts.hostname or not _HOST.fullmatch(host):
        raise ValueError(f"tile URL {template!r} is not an http(s) URL with a plain host name; {example}")
    missing = [key for key in ("{z}", "{x}", "{y}") if key not in template]
    if missing:
        raise ValueError(
            f"tile URL {template!r} lacks {', '.join(missing)} (an XYZ template: .../{{z}}/{{x}}/{{y}}.png)"
        )
    return template


def tile_origin(template: str) -> str:
    """Scheme, host and port of a tile URL, e.g. ``https://tile.example.org`` (what a browser's CSP names),
    rebuilt from the checked parts (never the user's text as given)."""
    parts = urlsplit(check_tile_template(template))
    hostname = str(parts.hostname)
    host = f"[{hostname}]" if ":" in hostname else hostname
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port is not None else "")


def tile_images(
    template: str, west: float, south: float, east: float, north: float, zoom: int | None = None
) -> list[dict]:
    """Plotly ``layout.images`` of the XYZ tiles that cover a box, on the maps' plane, under the traces.

    Parameters
    ----------
    template : str
        Tile URL with ``{z}``, ``{x}`` and ``{y}``.
    west, south, east, north : float
        Box to cover [degrees of longitude and latitude].
    zoom : int, optional
        Tile zoom; default :func:`tile_zoom` of the box.

    Returns
    -------
    list of dict
        One image per tile: ``source`` the tile's URL, ``x`` its west edge [degrees], ``y``
        its north edge [Mercator degrees], ``sizex`` = ``sizey`` = :func:`tile_size`,
        anchored top left on the x and y axes, ``layer`` ``below``.
    """
    check_tile_template(template)
    zoom = tile_zoom(west, south, east, north) if zoom is None else int(zoom)
    count = 2**zoom
    size = tile_size(zoom)

    def column(lon: float) -> int:
        return int(min(max(math.floor((lon + 180.0) / size), 0), count - 1))

    def row(lat: float) -> int:
        return int(min(max(math.floor((180.0 - float(mercator_y(lat))) / size), 0), count - 1))

    images = []
    for y in range(row(north), row(south) + 1):
        for x in range(column(west), column(east) + 1):
            source = template.replace("{z}", str(zoom)).replace("{x}", str(x)).replace("{y}", str(y))
            images.append(
                {
                    "source": source,
                    "xref": "x",
                    "yref": "y",
                    "x": -180.0 + x * size,
                    "y": 180.0 - y * size,
                    "sizex": size,
                    "sizey": size,
                    "xanchor": "left",
                    "yanchor": "top",
                    "sizing": "stretch",
                    "layer": "below",
                }
            )
    return images
