"""Plotly figures of a result, shared by notebooks and the dashboard.

Pure functions ``(result, ...) -> plotly.graph_objects.Figure``; no Dash import. Each takes
a result dataset or any object with a ``.dataset`` attribute (a :class:`impact.Result`).

Times are drawn in the scenario's local time (``ds.attrs["timezone"]``) as wall-clock
times; the axis title names the zone and its UTC offset(s), and hover labels repeat the
offset. Plotly has no time-zone support of its own, so the wall-clock times are what
the browser shows whatever its own zone. Where the horizon crosses a daylight-saving
change, the repeated (autumn) or skipped (spring) local hour shows as such on the axis.
Values hold for the whole time step that starts at each time, so lines are drawn as steps.

Long series (more than :data:`WEBGL_THRESHOLD` points) use WebGL traces
(:class:`plotly.graph_objects.Scattergl`). Maps are SVG only: :func:`area_map` draws the
scenario's boundaries on a plane of longitude and Web-Mercator latitude
(:mod:`impact.figures.maps`, :mod:`impact.figures.map_shapes`, :mod:`impact.figures.tiles`).
:func:`grid_deficit` draws the grid's capacity balance of one zone (:mod:`impact.figures.grid`).
"""

from impact.dataset import top_area
from impact.figures._base import WEBGL_THRESHOLD
from impact.figures.assets import asset_status
from impact.figures.compare import compare_timeline
from impact.figures.grid import grid_deficit, grid_zones, zone_label
from impact.figures.maps import MEASURE_TEXTS, MEASURE_VARIABLES, area_map, area_map_dict, map_areas, map_boundaries
from impact.figures.marks import add_strike_marks, strike_marks
from impact.figures.sensitivity import sensitivity
from impact.figures.tiles import check_tile_template, tile_origin
from impact.figures.timeline import areas_timeline, cursor_shape, services_timeline, timeline

__all__ = [
    "MEASURE_TEXTS",
    "MEASURE_VARIABLES",
    "WEBGL_THRESHOLD",
    "add_strike_marks",
    "area_map",
    "area_map_dict",
    "areas_timeline",
    "asset_status",
    "check_tile_template",
    "compare_timeline",
    "cursor_shape",
    "grid_deficit",
    "grid_zones",
    "map_areas",
    "map_boundaries",
    "sensitivity",
    "services_timeline",
    "strike_marks",
    "tile_origin",
    "timeline",
    "top_area",
    "zone_label",
]
