"""What the map panel shows besides the figure: its level and colour choices, the area a click
picks, and the note under the map. Pure functions, no Dash import."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from dash_app.views import MOST_MAP_AREAS
from impact.areas import AreaTree
from impact.figures import MEASURE_TEXTS, MEASURE_VARIABLES

__all__ = [
    "ADMIN_LEVEL_NAMES",
    "COLOUR_OPTIONS",
    "LEAVES",
    "clicked_area",
    "level_of",
    "level_options",
    "level_value",
    "map_note",
    "measure_box_style",
    "measure_for",
    "measure_options",
]

#: Names of Ukraine's admin levels (``admin_level`` in ``docs/data-format.md``), used when every
#: area's P-code is Ukrainian (starts with ``UA``); other countries' levels are "admin level N".
ADMIN_LEVEL_NAMES = {0: "country", 1: "oblast", 2: "raion", 3: "hromada", 4: "settlement"}

#: Value of the level option "the smallest areas" (the leaves, when they are not all on one level).
LEAVES = "leaves"

#: Options of the colour selector: what a polygon's colour shows (:func:`impact.figures.area_map`'s ``colour_by``).
COLOUR_OPTIONS = [
    {"label": "share of population", "value": "share"},
    {"label": "number of people", "value": "people"},
]


def measure_options(ds: xr.Dataset) -> list[dict]:
    """Options of the heat map's selector (:data:`impact.figures.maps.MEASURES`): people without heat,
    in cold homes, in drained buildings; empty when the run counts neither (no temperature.csv)."""
    present = [m for m in MEASURE_TEXTS if f"{MEASURE_VARIABLES[m]}_central" in ds.variables]
    if not present:
        return []
    labels = {"without": "without heat", **MEASURE_TEXTS}
    return [{"label": labels[m], "value": m} for m in ("without", *present)]


def measure_box_style(service: str, measures: list[dict]) -> dict | None:
    """Style of the heat map's selector: shown while the page shows heat and the run has ``measures``
    (:func:`measure_options`), hidden otherwise (it changes nothing for power or water)."""
    return None if measures and service == "heat" else {"display": "none"}


def measure_for(service: str, measure: str | None) -> str:
    """What the map shows of ``service``: the chosen heat measure for heat, people without service otherwise."""
    return (measure or "without") if service == "heat" else "without"


def level_options(ds: xr.Dataset) -> list[dict]:
    """Options of the level selector: each admin level of ``ds``, named (``oblast``, ``raion``, ``hromada``).

    Levels of more than :data:`~dash_app.views.MOST_MAP_AREAS` areas say how many. When the
    leaves are not all on one level, a last option draws them (value :data:`LEAVES`).
    """
    levels = np.asarray(ds["admin_level"].values, dtype=int)
    ukrainian = all(str(area).startswith("UA") for area in ds["area"].values)
    options = []
    for level in sorted(set(levels.tolist())):
        count = int((levels == level).sum())
        label = ADMIN_LEVEL_NAMES.get(level, f"level {level}") if ukrainian else f"admin level {level}"
        options.append({"label": label if count <= MOST_MAP_AREAS else f"{label} ({count:,})", "value": str(level)})
    leaves = AreaTree.from_dataset(ds).leaves()
    if len({int(v) for v in ds["admin_level"].sel(area=leaves).values}) > 1:
        options.append({"label": "smallest areas", "value": LEAVES})
    return options


def level_value(ds: xr.Dataset, level: int | None) -> str:
    """The selector's value for :func:`impact.figures.area_map`'s ``level`` (None: the leaves)."""
    if level is not None:
        return str(level)
    leaf_levels = {int(v) for v in ds["admin_level"].sel(area=AreaTree.from_dataset(ds).leaves()).values}
    return str(leaf_levels.pop()) if len(leaf_levels) == 1 else LEAVES


def level_of(value: str | None) -> int | None:
    """:func:`impact.figures.area_map`'s ``level`` for a selector value (None and :data:`LEAVES`: the leaves)."""
    return None if value in (None, "", LEAVES) else int(value)


def clicked_area(click: dict | None, areas: Sequence[str]) -> str | None:
    """The area a click on the map picked, or None (an asset, the outline, nothing).

    A click inside a polygon carries the trace (``curveNumber``) but no point: trace ``k`` is
    ``areas[k]`` (:func:`impact.figures.maps.map_areas`). A click on a bubble, on the marker of
    an area without a polygon or on a strike mark (which sits inside its area) carries the area
    id in ``customdata`` (its first item for bubbles).
    """
    if not click or not click.get("points"):
        return None
    point = click["points"][0]
    if point.get("pointNumber") is None:
        curve = point.get("curveNumber")
        return areas[curve] if isinstance(curve, int) and 0 <= curve < len(areas) else None
    data = point.get("customdata")
    if isinstance(data, list | tuple) and data:
        data = data[0]
    return str(data) if isinstance(data, str) and data else None


def map_note(ds: xr.Dataset, polygons: bool) -> str:
    """The caveats printed under the map: how places are drawn and whose populations they are."""
    parts = []
    if polygons:
        parts.append(
            "Boundaries simplified for display. Strikes are marked inside the struck asset's area, not at its site."
        )
    else:
        parts.append("Areas drawn at their centroids (the scenario has no boundaries). Strikes at the area's centroid.")
    sources = []
    if "population_source" in ds.coords:
        sources = sorted({str(s).strip() for s in ds["population_source"].values if str(s).strip()})
    if sources:
        adjusted = int(sum(1 for s in ds["population_source"].values if str(s).strip()))
        parts.append(
            f"Populations of {adjusted:,} area{'' if adjusted == 1 else 's'} adjusted ({'; '.join(sources)}); the "
            "others as in areas.csv."
        )
    else:
        parts.append("Populations as in the scenario's areas.csv, not adjusted for displacement.")
    return " ".join(parts)
