"""Callbacks: read the inputs, call the library and :mod:`dash_app.views` / :mod:`dash_app.figures`, return.

One module per panel, each with ``make(data)`` (its callbacks as plain functions bound to a
:class:`~dash_app.data.DashboardData`, so tests can call them without a browser) and
``register(app, cb, data)`` (wires them to the app). Callbacks that depend on which button
fired take it as ``trigger`` (the component id); ``register`` passes ``dash.ctx.triggered_id``.
"""

from __future__ import annotations

from types import SimpleNamespace

from dash_app.callbacks import (
    assets,
    baseline,
    cursor,
    downloads,
    grid,
    maps,
    needs,
    observations,
    plan,
    progress,
    sensitivity,
    timeline,
    whatif,
)
from dash_app.callbacks.downloads import DOWNLOADS, MOST_TABLE_ROWS, download_file
from dash_app.data import DashboardData

__all__ = ["DOWNLOADS", "MOST_TABLE_ROWS", "PANELS", "download_file", "make_callbacks", "register"]

#: The panels, in the order their callbacks are registered.
PANELS = (
    timeline,
    cursor,
    maps,
    assets,
    whatif,
    downloads,
    needs,
    sensitivity,
    grid,
    observations,
    baseline,
    plan,
    progress,
)


def make_callbacks(data: DashboardData) -> SimpleNamespace:
    """Every callback of the page as a plain function bound to ``data`` (attribute: the function's name)."""
    functions: dict = {}
    for panel in PANELS:
        functions.update(panel.make(data))
    return SimpleNamespace(**functions)


def register(app, data: DashboardData) -> SimpleNamespace:
    """Wire the callbacks of :func:`make_callbacks` to ``app``; return them."""
    cb = make_callbacks(data)
    for panel in PANELS:
        panel.register(app, cb, data)
    return cb
