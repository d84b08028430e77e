"""The planning statistic control: the areas table's columns say which statistic leads.

The other panels (KPI cards and areas: :mod:`dash_app.callbacks.cursor`, timeline, needs,
downloads) take the control's value as an input of their own callbacks.
"""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output

from dash_app import ids
from dash_app.data import DashboardData
from dash_app.layout import area_columns
from dash_app.text import statistic_label
from dash_app.views import plan_of

__all__ = ["make", "register"]


def make(data: DashboardData) -> dict[str, Callable]:
    """``area_columns_for``, bound to ``data``."""

    def area_columns_for(plan) -> list[dict]:
        """The areas table's columns, the leading one named after the planning statistic ``plan``."""
        ds = data.unmodified_result().dataset
        hours = [float(h) for h in ds["beyond_hours"].values] if "beyond_hours" in ds.coords else []
        return area_columns(statistic_label(plan_of(ds, plan)), hours)

    return {"area_columns_for": area_columns_for}


def register(app, cb, data: DashboardData) -> None:
    """Wire the planning statistic's callback of ``cb`` to ``app``."""
    app.callback(
        Output(ids.TABLE_AREAS, "columnDefs"),
        Input(ids.FILTER_PLAN, "value"),
        prevent_initial_call=True,
    )(cb.area_columns_for)
