"""The progress panel shown while the first runs are under way."""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output

from dash_app import ids
from dash_app.data import DashboardData
from dash_app.layout import body_for

__all__ = ["make", "register"]


def make(data: DashboardData) -> dict[str, Callable]:
    """``poll_progress``, bound to ``data``."""

    def poll_progress(_n_intervals) -> tuple:
        """While the first runs are under way: the progress panel; then the dashboard (or the error), polling off."""
        status = data.run_status()
        return body_for(data, status), status.finished

    return {"poll_progress": poll_progress}


def register(app, cb, data: DashboardData) -> None:
    """Wire the progress callback of ``cb`` to ``app``."""
    app.callback(
        Output(ids.PAGE_BODY, "children"),
        Output(ids.PROGRESS_INTERVAL, "disabled"),
        Input(ids.PROGRESS_INTERVAL, "n_intervals"),
        prevent_initial_call=True,
    )(cb.poll_progress)
