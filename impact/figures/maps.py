"""A map of people without service per area, drawn offline.

With boundaries (a scenario's ``boundaries.geojson``, :class:`impact.boundaries.Boundaries`)
the map is a choropleth: each area's polygon, simplified for the browser
(:mod:`impact.figures.map_shapes`), filled by the share of its population without the
service (or by the people without it), drawn on a plain cartesian plane of longitude and
Web-Mercator latitude (:mod:`impact.figures.tiles`): SVG only, no WebGL, no topojson, no map
tiles unless a tile URL is given, so no request leaves the machine by default.

Without boundaries, areas are bubbles at their (coarse) centroids on a plain
longitude/latitude plane. A bubble's area is proportional to the people without the service
at the chosen time; its colour is the share of the area's population.

Colours are Cividis (readable with colour-blindness). Strikes are marked at the centre of
their asset's area (a point inside its polygon), never at the asset's site, unless the
caller passes the asset positions.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xarray as xr
from plotly.colors import sample_colorscale, unlabel_rgb

from impact.areas import AreaTree
from impact.boundaries import Boundaries
from impact.dataset import as_dataset, local_times, quantiles_of, timezone_of, top_area
from impact.figures._base import STRIKE_COLOUR, check_choice, strike_place_asset
from impact.figures.map_shapes import MapShapes, area_boundaries, map_shapes, typed_array
from impact.figures.tiles import latitude_ticks, mercator_y, tile_images, tile_origin
from impact.scenario.weighted import describe_weighted

__all__ = [
    "AREA_LINE_COLOUR",
    "ATTRIBUTION_LINE_CHARS",
    "COLOUR_BY",
    "CREDIT_LINE_PX",
    "CREDIT_TICKS_PX",
    "MAP_TEMPLATE",
    "MAX_BUBBLE_PX",
    "MEASURES",
    "MEASURE_TEXTS",
    "MEASURE_VARIABLES",
    "OUTLINE_COLOUR",
    "POLYGON_OPACITY_WITH_TILES",
    "SELECTED_COLOUR",
    "STRIKE_HOVER_PX",
    "area_map",
    "area_map_dict",
    "map_areas",
    "map_boundaries",
]

#: Longest line of the credit text under the map [characters] (wrapped to fit a map about 330 px wide).
ATTRIBUTION_LINE_CHARS = 50

#: Height of one line of the credits under the map [px], and the room left above them for the longitude ticks [px].
CREDIT_LINE_PX = 13
CREDIT_TICKS_PX = 22

#: Diameter of the largest bubble [px].
MAX_BUBBLE_PX = 60

#: What the polygons' colour shows: the share of the population without the service, or the people without it.
COLOUR_BY = ("share", "people")

#: Colour of the edges between areas.
AREA_LINE_COLOUR = "rgba(255, 255, 255, 0.9)"

#: Colour of the outline of everything drawn (the oblast's border, for bearings).
OUTLINE_COLOUR = "#222222"

#: Colour of the selected area's outline (magenta stands out on every Cividis colour).
SELECTED_COLOUR = "#e7298a"

#: Opacity of the polygons over map tiles [1].
POLYGON_OPACITY_WITH_TILES = 0.6

#: Distance from a strike mark within which the hover shows the strike, not the area under it [px].
STRIKE_HOVER_PX = 6

#: Size of a strike mark [px]: small, so that the area under it stays easy to hover.
_STRIKE_SIZE_PX = 7


# --- which areas, which boundaries ------------------------------------------------------


def _level_areas(ds: xr.Dataset, level: int | None) -> list[str]:
    """Areas drawn: those at ``level``, or by default the leaves (areas without children)."""
    if level is None:
        return AreaTree.from_dataset(ds).leaves()
    ids = [str(a) for a in ds["area"].values]
    levels = [int(v) for v in ds["admin_level"].values]
    areas = [a for a, lv in zip(ids, levels, strict=True) if lv == level]
    if not areas:
        raise ValueError(f"no area at admin level {level}; the result has levels {sorted(set(levels))}")
    return areas


def map_boundaries(result: Any, boundaries: Boundaries | None = None) -> Boundaries | None:
    """The boundaries a map of ``result`` draws: ``boundaries`` if given, else its scenario's (or None)."""
    if boundaries is not None:
        return boundaries
    scenario = getattr(result, "scenario", None)  # a dataset has none; a Result may have none (open_result)
    return None if scenario is None else scenario.boundaries


def _drawing(ds: xr.Dataset, bounds: Boundaries | None, level: int | None, areas: list[str]) -> MapShapes | None:
    """The polygons of ``areas``, or None when none of them has one (the map then draws bubbles)."""
    if bounds is None or not len(bounds):
        return None
    levels = dict(zip((str(a) for a in ds["area"].values), (int(v) for v in ds["admin_level"].values), strict=True))
    tolerance_level = level if level is not None else max(levels[a] for a in areas)
    drawn = map_shapes(bounds, AreaTree.from_dataset(ds), areas, tolerance_level, top_area(ds))
    return drawn if drawn.area_ids else None


def map_areas(result: Any, level: int | None = None, boundaries: Boundaries | None = None) -> list[str]:
    """The areas :func:`area_map` draws, in the order of its traces.

    Parameters
    ----------
    result : xarray.Dataset or result object
    level : int, optional
        Admin level; default the leaves.
    boundaries : Boundaries, optional
        Default the scenario's (:func:`map_boundaries`).

    Returns
    -------
    list of str
        With polygons: the areas of the level that have one, largest first; trace ``k`` of
        the figure is area ``k`` (a click's ``curveNumber``). Without: every area of the
        level in the result's order; point ``k`` of the first trace (the bubbles) is area ``k``.
    """
    ds = as_dataset(result)
    areas = _level_areas(ds, level)
    drawn = _drawing(ds, map_boundaries(result, boundaries), level, areas)
    return list(drawn.area_ids) if drawn is not None else areas


# --- what is shown ------------------------------------------------------------------------


def _time_index(ds: xr.Dataset, time: Any) -> int:
    """Index of the time step holding ``time`` (default: the first step)."""
    times = pd.DatetimeIndex(ds["time"].values)
    if time is None:
        return 0
    moment = pd.Timestamp(time)
    if moment.tzinfo is not None:
        moment = moment.tz_convert("UTC").tz_localize(None)
    position = int(times.searchsorted(moment, side="right")) - 1
    return min(max(position, 0), len(times) - 1)


def _band(ds: xr.Dataset) -> tuple[int, int, str] | None:
    """Quantile indices of the 5 % and 95 % (else the lowest and highest quantile) and their label."""
    quantiles = quantiles_of(ds)
    if not quantiles:
        return None
    low = quantiles.index(0.05) if 0.05 in quantiles else int(np.argmin(quantiles))
    high = quantiles.index(0.95) if 0.95 in quantiles else int(np.argmax(quantiles))
    return low, high, f"{quantiles[low] * 100:g}–{quantiles[high] * 100:g} %"


@dataclass(frozen=True)
class _Values:
    """What the map shows of each area at one time step [persons; share 1]."""

    areas: list[str]
    names: list[str]
    people: np.ndarray
    population: np.ndarray
    share: np.ndarray
    largest: float


#: What a map can show of the people of an area (``measure`` of :func:`area_map`): without the
#: service, or, for heat, in homes below ``[heat] cold_below_celsius`` or in buildings whose
#: heating system is drained (docs/method.md, sections 4d and 4e).
MEASURES = ("without", "cold", "drained")
MEASURE_VARIABLES = {"without": "people_without", "cold": "people_cold", "drained": "people_drained"}
MEASURE_TEXTS = {"cold": "in cold homes", "drained": "in drained buildings"}


@dataclass(frozen=True)
class _Shown:
    """The people a map shows: ``measure`` (:data:`MEASURES`) of ``service``."""

    service: str
    measure: str = "without"

    @property
    def text(self) -> str:
        """``without heat``, ``in cold homes`` or ``in drained buildings``."""
        return f"without {self.service}" if self.measure == "without" else MEASURE_TEXTS[self.measure]

    @property
    def heading(self) -> str:
        """:attr:`text` with a capital first letter (the map's title)."""
        return self.text[:1].upper() + self.text[1:]

    def array(self, ds: xr.Dataset, suffix: str, index: np.ndarray) -> np.ndarray:
        """People shown per area of ``index`` and time (and quantile, for ``suffix`` "") [persons]."""
        name = MEASURE_VARIABLES[self.measure] + suffix
        extra = ("quantile",) if suffix == "" else ()
        if self.measure == "without":
            service = int(ds.indexes["service"].get_loc(self.service))
            return _array(ds, name, "service", "area", "time", *extra)[service][index]
        return _array(ds, name, "area", "time", *extra)[index]


def _shown(ds: xr.Dataset, service: str, measure: str) -> _Shown:
    """Check ``service`` and ``measure`` against the result; what the map shows."""
    check_choice(service, [str(s) for s in ds["service"].values], "service")
    check_choice(measure, list(MEASURES), "measure")
    if measure != "without":
        if service != "heat":
            raise ValueError(f"measure {measure!r} is about heat: pass service='heat', not {service!r}")
        if f"{MEASURE_VARIABLES[measure]}_central" not in ds.variables:
            raise ValueError(
                f"this result has no {MEASURE_VARIABLES[measure]}: people {MEASURE_TEXTS[measure]} are counted "
                "only in scenarios with temperature.csv (docs/user-guide.md, winter heat)"
            )
    return _Shown(service, measure)


def _where(ds: xr.Dataset, service: str, areas: list[str]) -> tuple[int, np.ndarray]:
    """Positions of ``service`` and of ``areas`` on their dimensions."""
    return int(ds.indexes["service"].get_loc(service)), ds.indexes["area"].get_indexer(areas)


def _array(ds: xr.Dataset, name: str, *dims: str) -> np.ndarray:
    """The values of ``ds[name]`` with its dimensions in the order ``dims`` (numpy indexing is much
    faster than xarray's here: xarray would carry every text coordinate of the areas along)."""
    return ds.variables[name].transpose(*dims).values


def _values(ds: xr.Dataset, shown: _Shown, areas: list[str], step: int, statistic: str) -> _Values:
    index = ds.indexes["area"].get_indexer(areas)
    series = shown.array(ds, f"_{statistic}", index)
    people = np.nan_to_num(np.asarray(series[:, step], dtype=float))
    population = np.asarray(ds["population"].values[index], dtype=float)
    share = np.divide(people, population, out=np.zeros_like(people), where=population > 0)
    largest = max(float(np.nanmax(series, initial=0.0)), 1.0)
    names = [str(n) for n in ds["name"].values[index]]
    return _Values(areas, names, people, population, share, largest)


def _texts(ds: xr.Dataset, values: _Values, shown: _Shown, step: int, statistic: str) -> list[str]:
    """Hover text of each area: names, P-code, people shown (and the 5-95 % range), share, population."""
    areas = values.areas
    band = _band(ds)
    low = high = np.full(len(areas), np.nan)
    s, index = _where(ds, shown.service, areas)
    if band is not None:
        q = shown.array(ds, "", index)[:, step]
        low, high = q[:, band[0]], q[:, band[1]]

    def coord(name: str, default: Any) -> list[Any]:  # results written before these coordinates lack them
        return list(ds[name].values[index]) if name in ds.coords else [default] * len(areas)

    names_uk = coord("name_uk", "")
    sources = coord("population_source", "")
    bases = coord("population_base", np.nan)
    beyond = _beyond_texts(ds, s, index) if shown.measure == "without" else [""] * len(areas)
    estimate = "central estimate" if statistic == "central" else "mean over samples"
    texts = []
    for k, area in enumerate(areas):
        name = html.escape(values.names[k], quote=False)
        uk = str(names_uk[k] or "").strip()
        lines = [f"<b>{name}</b>" + (f" ({html.escape(uk, quote=False)})" if uk and uk != values.names[k] else "")]
        lines.append(f"P-code {html.escape(area, quote=False)}")
        lines.append(f"{values.people[k]:,.0f} {shown.text} ({estimate})")
        if band is not None and np.isfinite(low[k]) and np.isfinite(high[k]):
            lines.append(f"{band[2]}: {low[k]:,.0f}–{high[k]:,.0f}")
        lines.append(f"{values.share[k]:.1%} of the population")
        population = f"population {values.population[k]:,.0f}"
        source = str(sources[k] or "").strip()
        base = float(bases[k]) if bases[k] is not None else np.nan
        adjusted = source or (np.isfinite(base) and base != values.population[k])
        if adjusted:
            details = [html.escape(source, quote=False)] if source else []
            if np.isfinite(base) and base != values.population[k]:
                details.append(f"{base:,.0f} before adjustment")
            population += f" ({'; '.join(details)})"
        lines.append(population)
        if beyond[k]:
            lines.append(beyond[k])
        texts.append("<br>".join(lines))
    return texts


def _beyond_texts(ds: xr.Dataset, service: int, index: np.ndarray) -> list[str]:
    """Per area, ``outage lasts beyond 24 h: 100 %, 72 h: 86 %, 168 h: 22 %`` (``outage_beyond_probability``);
    "" without samples or in a result written before the variable existed."""
    if "outage_beyond_probability" not in ds.variables:
        return [""] * len(index)
    values = _array(ds, "outage_beyond_probability", "service", "area", "beyond_hours")[service][index]
    hours = [f"{float(h):g} h" for h in ds["beyond_hours"].values]
    return [
        "outage lasts beyond " + ", ".join(f"{h}: {p:.0%}".replace("%", " %") for h, p in zip(hours, row, strict=True))
        if np.isfinite(row).all()
        else ""
        for row in values
    ]


def _colours(values: np.ndarray, alpha: float = 1.0) -> list[str]:
    """Cividis colours of ``values`` in [0, 1], as ``rgba(...)`` strings."""
    colours = sample_colorscale("Cividis", list(np.clip(np.nan_to_num(values), 0.0, 1.0)))
    out = []
    for colour in colours:
        r, g, b = unlabel_rgb(colour)
        out.append(f"rgba({r:.0f}, {g:.0f}, {b:.0f}, {alpha:g})")
    return out


def _title(ds: xr.Dataset, shown: _Shown, step: int) -> tuple[pd.Timestamp, str]:
    moment = local_times(ds["time"].values[step : step + 1], timezone_of(ds))[0]
    return moment, f"{shown.heading}, {moment:%d %b %H:%M} {moment.isoformat()[-6:]}"


# --- the figure -----------------------------------------------------------------------------


def area_map(
    result: Any,
    service: str = "power",
    time: Any = None,
    *,
    level: int | None = None,
    assets: pd.DataFrame | None = None,
    statistic: str = "central",
    boundaries: Boundaries | None = None,
    colour_by: str = "share",
    selected: str | None = None,
    tiles: str | None = None,
    tiles_attribution: str = "",
    measure: str = "without",
) -> go.Figure:
    """People without ``service`` per area at one time: a choropleth with boundaries, bubbles without.

    Parameters
    ----------
    result : xarray.Dataset or result object
        A result; with ``latitude`` / ``longitude`` coordinates on ``area`` for bubbles and
        for areas without a polygon.
    service : str
        Service shown.
    time : str, pandas.Timestamp or None
        Time shown (any time inside a step picks that step; naive times are UTC);
        default the first step.
    level : int, optional
        Admin level drawn; default the leaf areas. With boundaries, an area without a
        polygon of its own gets the union of its children's.
    assets : DataFrame, optional
        Asset positions to draw (columns ``asset_id``, ``name``, ``kind``, ``latitude``,
        ``longitude``). Only pass them when the operator asked for asset positions; on a
        choropleth the strikes are then marked at their asset's position.
    statistic : {"central", "mean"}
        Which estimate colours the areas (sizes the bubbles).
    boundaries : Boundaries, optional
        Area polygons; default ``result.scenario.boundaries`` for an :class:`impact.Result`
        whose scenario has them. None: bubbles.
    colour_by : {"share", "people"}
        Colour of a polygon: the share of its population without the service (0 to 100 %),
        or the people without it (0 to the largest number in any drawn area at any time, so
        colours compare across times). Bubbles are always coloured by share.
    selected : str, optional
        Area outlined (a thick line) on a choropleth.
    tiles : str, optional
        XYZ tile URL template (``https://host/{z}/{x}/{y}.png``) drawn under a choropleth
        (the polygons then semi-transparent). Default none: nothing is fetched.
    tiles_attribution : str
        Credit the tile server asks for, shown under the map with the boundaries' own.
    measure : {"without", "cold", "drained"}
        Which people are shown: without ``service``; or, with ``service="heat"`` and a result
        with them (a scenario with temperature.csv), people in homes below
        ``[heat] cold_below_celsius`` (``people_cold``) or in buildings whose heating system is
        drained (``people_drained``). Colours, sizes, hover texts and the title follow it.

    Returns
    -------
    plotly.graph_objects.Figure
        Choropleth: first one filled trace per area, in the order of :func:`map_areas`
        (named by area id; hover: name and Ukrainian name, P-code, people without and the
        5–95 % range, share, population and its source), then ``colour scale`` (the
        colour bar), ``outline`` (everything drawn), ``areas without boundary`` (markers at
        the centroids of areas of the level without a polygon), ``selected``, ``strikes``
        and ``assets`` when there are any; the boundaries' attribution under the plot.
        Bubbles: trace ``areas``, ``strikes`` (at the struck assets' area centroids) and,
        if given, ``assets``.
    """
    figure = _map(
        result,
        service,
        time,
        level,
        assets,
        statistic,
        boundaries,
        colour_by,
        selected,
        tiles,
        tiles_attribution,
        measure,
    )
    return figure if isinstance(figure, go.Figure) else go.Figure(figure)


def area_map_dict(
    result: Any,
    service: str = "power",
    time: Any = None,
    *,
    level: int | None = None,
    assets: pd.DataFrame | None = None,
    statistic: str = "central",
    boundaries: Boundaries | None = None,
    colour_by: str = "share",
    selected: str | None = None,
    tiles: str | None = None,
    tiles_attribution: str = "",
    measure: str = "without",
) -> dict:
    """:func:`area_map` as a plain figure dict (``{"data": [...], "layout": {...}}``), what a web page sends.

    The same traces and layout, without building plotly's validated objects: a choropleth
    of a hundred areas is about 40 ms faster to draw (the dashboard redraws it at every
    step of its time cursor). Parameters as :func:`area_map`.
    """
    figure = _map(
        result,
        service,
        time,
        level,
        assets,
        statistic,
        boundaries,
        colour_by,
        selected,
        tiles,
        tiles_attribution,
        measure,
    )
    return figure.to_plotly_json() if isinstance(figure, go.Figure) else figure


def _map(
    result: Any,
    service: str,
    time: Any,
    level: int | None,
    assets: pd.DataFrame | None,
    statistic: str,
    boundaries: Boundaries | None,
    colour_by: str,
    selected: str | None,
    tiles: str | None,
    tiles_attribution: str,
    measure: str,
) -> go.Figure | dict:
    """Bubbles as a figure, or the choropleth as a plain dict."""
    ds = as_dataset(result)
    shown = _shown(ds, service, measure)
    check_choice(statistic, ["central", "mean"], "statistic")
    check_choice(colour_by, list(COLOUR_BY), "colour_by")
    if selected is not None:
        check_choice(selected, [str(a) for a in ds["area"].values], "selected area")
    areas = _level_areas(ds, level)
    step = _time_index(ds, time)
    bounds = map_boundaries(result, boundaries)
    drawn = _drawing(ds, bounds, level, areas)
    if drawn is None or bounds is None:
        return _bubble_map(ds, shown, areas, step, statistic, assets)
    return _choropleth(
        ds,
        shown,
        areas,
        step,
        drawn,
        bounds,
        statistic=statistic,
        colour_by=colour_by,
        selected=selected,
        assets=assets,
        tiles=tiles,
        tiles_attribution=tiles_attribution,
    )


#: Layout defaults of the choropleth (a small template: plotly's named templates take tens of
#: milliseconds to validate, and the map is redrawn at every step of the dashboard's cursor).
MAP_TEMPLATE = {"layout": {"font": {"color": "#2a3f5f"}, "paper_bgcolor": "white", "hoverlabel": {"align": "left"}}}


def _choropleth(
    ds: xr.Dataset,
    shown: _Shown,
    areas: list[str],
    step: int,
    drawn: MapShapes,
    bounds: Boundaries,
    *,
    statistic: str,
    colour_by: str,
    selected: str | None,
    assets: pd.DataFrame | None,
    tiles: str | None,
    tiles_attribution: str,
) -> dict:
    """The choropleth as a plain figure dict."""
    values = _values(ds, shown, areas, step, statistic)
    texts = _texts(ds, values, shown, step, statistic)
    by_share = colour_by == "share"
    fill = values.share if by_share else values.people / values.largest
    colours = dict(zip(areas, _colours(fill, POLYGON_OPACITY_WITH_TILES if tiles else 1.0), strict=True))
    text_of = dict(zip(areas, texts, strict=True))
    tree = AreaTree.from_dataset(ds)
    full, points = area_boundaries(bounds, tree)
    moment, title = _title(ds, shown, step)
    west, south, east, north = drawn.bounds
    edge = {"color": AREA_LINE_COLOUR if not tiles else "rgba(60, 60, 60, 0.6)", "width": 0.6}

    traces: list[dict] = [
        {
            "type": "scatter",
            "x": drawn.x_typed[area],
            "y": drawn.y_typed[area],
            "name": area,
            "mode": "lines",
            "fill": "toself",
            "fillcolor": colours[area],
            "line": edge,
            "hoveron": "fills",
            "hoverinfo": "text",
            "text": text_of[area],
            "showlegend": False,
        }
        for area in drawn.area_ids
    ]
    traces.append(_colour_scale(drawn, by_share, values.largest, shown))
    traces.append(_line("outline", drawn.outline, OUTLINE_COLOUR, 1.4))
    missing = [a for a in areas if a not in drawn.shapes]
    if missing:
        index = ds.indexes["area"].get_indexer(missing)
        lat = ds["latitude"].values[index] if "latitude" in ds.coords else np.full(len(missing), np.nan)
        lon = ds["longitude"].values[index] if "longitude" in ds.coords else np.full(len(missing), np.nan)
        traces.append(
            {
                "type": "scatter",
                "x": lon,
                "y": mercator_y(lat),
                "name": "areas without boundary",
                "mode": "markers",
                "marker": {
                    "size": 11,
                    "color": [colours[a] for a in missing],
                    "line": {"color": OUTLINE_COLOUR, "width": 1},
                },
                "text": [text_of[a] for a in missing],
                "customdata": missing,
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    if selected is not None:
        outline = drawn.selected_outline(selected, tree, full)
        if len(outline[0]):
            traces.append(_line("selected", outline, SELECTED_COLOUR, 3.0))
    strikes = _strike_positions(ds, moment, points, assets)
    if strikes is not None:
        traces.append(strikes)
    if assets is not None and len(assets):
        traces.append(_asset_trace(assets, mercator=True).to_plotly_json())

    ticks = latitude_ticks(south, north)
    credits = [bounds.attribution.strip()] if bounds.attribution.strip() else []
    images: list[dict] = []
    if tiles:
        credits.append(f"Tiles: {tiles_attribution.strip() or tile_origin(tiles)}")
        pad_x, pad_y = 0.05 * (east - west), 0.05 * (north - south)
        images = tile_images(tiles, west - pad_x, south - pad_y, east + pad_x, north + pad_y)
    layout = {
        "template": MAP_TEMPLATE,
        "title": {"text": title},
        "xaxis": {"showgrid": False, "zeroline": False, "ticksuffix": "°E" if west >= 0 else "°", "ticks": ""},
        "yaxis": {
            "showgrid": False,
            "zeroline": False,
            "scaleanchor": "x",
            "scaleratio": 1,
            "tickmode": "array",
            "tickvals": ticks[0],
            "ticktext": ticks[1],
        },
        "plot_bgcolor": "#eef2f5" if not tiles else "rgba(0, 0, 0, 0)",
        "hovermode": "closest",
        "hoverdistance": STRIKE_HOVER_PX,
        "hoverlabel": {"bgcolor": "white", "font": {"size": 12}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "margin": {"t": 70, "l": 55, "r": 10, "b": 40 + CREDIT_LINE_PX * len(_credit_lines(credits))},
        "annotations": [_attribution(credits)] if credits else [],
        "images": images,
    }
    return {"data": traces, "layout": layout}


def _colour_scale(drawn: MapShapes, by_share: bool, largest: float, shown: _Shown) -> dict:
    """An invisible marker in the middle of the map that carries the colour bar."""
    west, south, east, north = drawn.bounds
    return {
        "type": "scatter",
        "x": [(west + east) / 2],
        "y": [float(mercator_y((south + north) / 2))],
        "name": "colour scale",
        "mode": "markers",
        "marker": {
            "size": 1,
            "opacity": 0,
            "color": [0.0],
            "cmin": 0,
            "cmax": 1 if by_share else largest,
            "colorscale": "Cividis",
            "showscale": True,
            "colorbar": {
                "title": {"text": "share of<br>population" if by_share else f"people<br>{shown.text}"},
                "tickformat": ".0%" if by_share else ",.0f",
                "len": 0.8,
                "thickness": 14,
                "outlinewidth": 0,
            },
        },
        "hoverinfo": "skip",
        "showlegend": False,
    }


def _line(name: str, rings: tuple[np.ndarray, np.ndarray], colour: str, width: float) -> dict:
    """A line trace along ``rings`` that takes no hover (the areas under it keep theirs)."""
    return {
        "type": "scatter",
        "x": typed_array(rings[0]),
        "y": typed_array(rings[1]),
        "name": name,
        "mode": "lines",
        "line": {"color": colour, "width": width},
        "hoverinfo": "skip",
        "showlegend": False,
    }


def _credit_lines(credits: list[str]) -> list[str]:
    """The credits wrapped to lines of at most :data:`ATTRIBUTION_LINE_CHARS` characters."""
    return [
        line for credit in credits for line in textwrap.wrap(credit, ATTRIBUTION_LINE_CHARS, break_on_hyphens=False)
    ]


def _attribution(credits: list[str]) -> dict:
    """The credit lines under the map, right-aligned below the longitude ticks (boundaries, tiles),
    wrapped so that a long credit stays inside a narrow map; the bottom margin grows with them."""
    return {
        "text": "<br>".join(html.escape(line, quote=False) for line in _credit_lines(credits)),
        "name": "attribution",
        "xref": "paper",
        "yref": "paper",
        "x": 1,
        "y": 0,
        "xanchor": "right",
        "yanchor": "top",
        "yshift": -CREDIT_TICKS_PX,
        "showarrow": False,
        "align": "right",
        "font": {"size": 10, "color": "#444444"},
    }


def _strike_positions(
    ds: xr.Dataset, moment: pd.Timestamp, points: dict[str, tuple[float, float]], assets: pd.DataFrame | None
) -> dict | None:
    """One mark per place struck up to ``moment``: a point inside the asset's area (or the area's
    centroid), or the asset's own position when ``assets`` gives it; hover lists the strikes there
    with their areas, ``customdata`` is the area (a click on the mark picks it). A strike with
    candidate assets is drawn at its most likely candidate and its hover lists every candidate."""
    if "strike" not in ds.dims or ds.sizes["strike"] == 0 or "asset_area" not in ds.coords:
        return None
    area_of = dict(zip((str(a) for a in ds["asset"].values), (str(a) for a in ds["asset_area"].values), strict=True))
    ids = [str(a) for a in ds["area"].values]
    names = dict(zip(ids, (str(n) for n in ds["name"].values), strict=True)) if "name" in ds.coords else {}
    lat = dict(zip(ids, ds["latitude"].values, strict=True)) if "latitude" in ds.coords else {}
    lon = dict(zip(ids, ds["longitude"].values, strict=True)) if "longitude" in ds.coords else {}
    sites: dict[str, tuple[float, float]] = {}
    if assets is not None and len(assets):
        sites = {
            str(a): (float(x), float(y))
            for a, x, y in zip(assets["asset_id"], assets["longitude"], assets["latitude"], strict=True)
            if pd.notna(x) and pd.notna(y)
        }
    times = local_times(ds["strike_time"].values, timezone_of(ds))
    places: dict[tuple[float, float], list[str]] = {}
    place_area: dict[tuple[float, float], str] = {}
    for sid, cell, state, when in zip(
        ds["strike"].values, ds["strike_asset"].values, ds["damage_state"].values, times, strict=True
    ):
        if not (when <= moment and state != "none"):
            continue
        asset = strike_place_asset(str(cell), area_of)
        area = area_of.get(asset, "")
        if asset in sites:
            where = sites[asset]
        elif area in points:
            where = points[area]
        else:
            where = (float(lon.get(area, np.nan)), float(lat.get(area, np.nan)))
        if not np.isfinite(where).all():
            continue
        label = html.escape(f"{names.get(area, area)} ({area})", quote=False)
        struck = html.escape(f"{describe_weighted(str(cell), area_of)} ({describe_weighted(str(state))})", quote=False)
        places.setdefault(where, []).append(f"strike {sid} {when:%d %b %H:%M}: {struck}, {label}")
        place_area.setdefault(where, area)
    if not places:
        return None
    x = [p[0] for p in places]
    y = mercator_y([p[1] for p in places])
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "markers",
        "name": "strikes" if sites else "strikes (at area centre)",
        "marker": {
            "symbol": "x",
            "size": _STRIKE_SIZE_PX,
            "color": STRIKE_COLOUR,
            "line": {"width": 0.5, "color": "white"},
        },
        "text": ["<br>".join(lines) for lines in places.values()],
        "customdata": list(place_area.values()),
        "hovertemplate": "%{text}<extra></extra>",
    }


def _asset_trace(assets: pd.DataFrame, mercator: bool = False) -> go.Scatter:
    latitude = np.asarray(assets["latitude"], dtype=float)
    return go.Scatter(
        x=assets["longitude"],
        y=mercator_y(latitude) if mercator else assets["latitude"],
        mode="markers",
        name="assets",
        marker={"symbol": "square", "size": 7, "color": "#555"},
        text=[f"{n} ({a}, {k})" for a, n, k in zip(assets["asset_id"], assets["name"], assets["kind"], strict=True)],
        hovertemplate="%{text}<extra>asset</extra>",
    )


# --- bubbles (no boundaries) ----------------------------------------------------------------


def _bubble_map(
    ds: xr.Dataset, shown: _Shown, areas: Sequence[str], step: int, statistic: str, assets: pd.DataFrame | None
) -> go.Figure:
    """Bubbles of the people ``shown`` per area at their centroids (no boundaries)."""
    areas = list(areas)
    at = ds.isel(time=step).sel(service=shown.service, area=areas)
    values = _values(ds, shown, areas, step, statistic)
    people, population, share = values.people, values.population, values.share
    lat = np.asarray(at["latitude"].values, dtype=float) if "latitude" in at.coords else np.full(len(areas), np.nan)
    lon = np.asarray(at["longitude"].values, dtype=float) if "longitude" in at.coords else np.full(len(areas), np.nan)
    sizes = np.sqrt(people / values.largest) * MAX_BUBBLE_PX
    moment, title = _title(ds, shown, step)

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=lon,
            y=lat,
            mode="markers+text",
            name="areas",
            text=[f"{p / 1000:,.0f}k" if p >= 1000 else "" for p in people],
            textposition="middle center",
            textfont={"size": 10, "color": "#222"},
            marker={
                "size": np.maximum(sizes, 6),
                "color": share,
                "cmin": 0,
                "cmax": 1,
                "colorscale": "Cividis",
                "line": {"color": "#333", "width": 1},
                "opacity": 0.8,
                "colorbar": {"title": {"text": "share of<br>population"}, "tickformat": ".0%", "len": 0.8},
            },
            customdata=np.column_stack([areas, values.names, people, share, population]),
            hovertemplate=(
                "%{customdata[1]} (%{customdata[0]})<br>%{customdata[2]:,.0f} people "
                f"{shown.text}<br>%{{customdata[3]:.1%}} of %{{customdata[4]:,.0f}}<extra></extra>"
            ),
        )
    )
    _add_strike_markers(fig, ds, moment)
    if assets is not None and len(assets):
        fig.add_trace(_asset_trace(assets))
    fig.update_layout(
        title={"text": title},
        xaxis={"title": {"text": "longitude [°E]"}, "showgrid": False, "zeroline": False},
        yaxis={
            "title": {"text": "latitude [°N]"},
            "showgrid": False,
            "zeroline": False,
            "scaleanchor": "x",
            "scaleratio": 1 / max(np.cos(np.deg2rad(np.nanmean(lat) if np.isfinite(lat).any() else 0.0)), 0.1),
        },
        template="plotly_white",
        plot_bgcolor="#f4f6f8",
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"t": 70, "l": 50, "r": 10, "b": 40},
    )
    return fig


def _add_strike_markers(fig: go.Figure, ds: xr.Dataset, moment: pd.Timestamp) -> None:
    """Strikes up to ``moment`` at the centroid of their asset's area (never the asset's site)."""
    if "strike" not in ds.dims or ds.sizes["strike"] == 0 or "asset_area" not in ds.coords:
        return
    area_of = dict(zip((str(a) for a in ds["asset"].values), (str(a) for a in ds["asset_area"].values), strict=True))
    ids = [str(a) for a in ds["area"].values]
    lat = dict(zip(ids, ds["latitude"].values, strict=True)) if "latitude" in ds.coords else {}
    lon = dict(zip(ids, ds["longitude"].values, strict=True)) if "longitude" in ds.coords else {}
    times = local_times(ds["strike_time"].values, timezone_of(ds))
    rows = []
    for sid, cell, state, when in zip(
        ds["strike"].values, ds["strike_asset"].values, ds["damage_state"].values, times, strict=True
    ):
        if not (when <= moment and state != "none"):
            continue
        area = area_of.get(strike_place_asset(str(cell), area_of), "")  # a candidate cell: its most likely asset
        struck = f"{describe_weighted(str(cell), area_of)} ({describe_weighted(str(state))})"
        rows.append((lon.get(area, np.nan), lat.get(area, np.nan), f"strike {sid} {when:%d %b %H:%M}<br>{struck}"))
    if not rows:
        return
    x, y, text = zip(*rows, strict=True)
    fig.add_trace(
        go.Scatter(
            x=list(x),
            y=list(y),
            mode="markers",
            name="strikes (at area centroid)",
            marker={"symbol": "x", "size": 12, "color": STRIKE_COLOUR, "line": {"width": 1}},
            text=list(text),
            hovertemplate="%{text}<extra></extra>",
        )
    )
