"""The grid's capacity balance as the page shows it: :func:`impact.figures.grid_deficit` of one zone and a note.

Shown only when the run has a grid (``grid_deficit_share_central``, some asset with ``capacity_mw``).
"""

from __future__ import annotations

from dataclasses import dataclass

import xarray as xr

from dash_app.figures import FigureParts, grid_figure
from dash_app.text import GRID_NONE, grid_note
from impact.dataset import samples_of
from impact.figures import grid_zones, zone_label

__all__ = ["GridView", "grid_view", "zone_options"]


@dataclass(frozen=True)
class GridView:
    """The tab's content.

    Attributes
    ----------
    figure : dict
        The deficit share of the zone as a plain figure dict (empty, with the reason in ``note``,
        when the run has no grid).
    note : str
        How to read it, or why there is nothing.
    """

    figure: dict
    note: str


def zone_options(ds: xr.Dataset) -> list[dict[str, str]]:
    """Options of the zone picker: every zone of the run's grid (none without a grid)."""
    return [{"label": zone_label(zone), "value": zone} for zone in grid_zones(ds)]


def grid_view(
    parts: FigureParts, ds: xr.Dataset, zone: str | None, window: tuple[int, int] | list[int], step: int
) -> GridView:
    """The deficit share of ``zone`` (the first zone when None or not in the run) in the time ``window``.

    Parameters
    ----------
    parts : FigureParts
        The run's reusable parts (strike marks, time axis).
    ds : xarray.Dataset
        The run on screen.
    zone : str or None
        The picker's zone.
    window : (int, int)
        First and last time step shown.
    step : int
        The cursor's time step.
    """
    zones = grid_zones(ds)
    if not zones:
        return GridView({"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}, GRID_NONE)
    zone = zone if zone in zones else zones[0]
    figure = grid_figure(parts, ds, zone, window, step)
    return GridView(figure, grid_note(samples_of(ds)))
