"""Strike marks as plain plotly dicts, built once per run and added to figure dicts.

:func:`timeline` and its siblings draw a run's strikes on every call (dotted lines and a
hover marker trace). An application that redraws the same run many times (the dashboard)
draws the series from the run without its strikes and adds these marks, built once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from impact.dataset import as_dataset
from impact.figures._base import add_strikes, strike_table

__all__ = ["add_strike_marks", "strike_marks"]


def strike_marks(result: Any) -> tuple[list[dict], dict | None]:
    """The strike decorations the timelines draw, as plain dicts.

    Parameters
    ----------
    result : xarray.Dataset or result object
        A result dataset, or an object with ``.dataset``.

    Returns
    -------
    shapes : list of dict
        One dotted vertical line per distinct strike time (strikes at the same time share it),
        at local wall-clock time.
    trace : dict or None
        The ``strikes`` marker trace (hover: id, time, asset, damage state, killed, injured),
        its ``y`` [persons] to be set by :func:`add_strike_marks`; None without strikes.
    """
    figure = go.Figure()
    add_strikes(figure, strike_table(as_dataset(result)), y=1.0)
    drawn = figure.to_plotly_json()
    shapes, seen = [], set()
    for shape in drawn["layout"].get("shapes", []):
        key = pd.Timestamp(shape["x0"])
        if key not in seen:
            seen.add(key)
            shapes.append(shape)
    trace = drawn["data"][0] if drawn["data"] else None
    return shapes, trace


def add_strike_marks(figure: dict, marks: tuple[list[dict], dict | None], height: float) -> None:
    """Add strike marks to a figure dict, in place.

    Parameters
    ----------
    figure : dict
        A figure as a plain dict (``{"data": [...], "layout": {...}}``).
    marks : (list of dict, dict or None)
        What :func:`strike_marks` returned.
    height : float
        Height of the hover markers [the y axis' unit, persons on the timelines]. The lines go
        after the figure's own shapes, the markers become its last trace.
    """
    shapes, trace = marks
    layout = figure.setdefault("layout", {})
    layout["shapes"] = [*layout.get("shapes", []), *shapes]
    if trace is not None:
        figure["data"].append(dict(trace, y=np.full(len(trace["x"]), float(height))))
