"""The comparison tab (only with a baseline scenario B): A, B and A - B in the selected area."""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output, no_update

from dash_app import ids
from dash_app.callbacks._runs import Runs
from dash_app.components import compare_table_component
from dash_app.data import DashboardData
from dash_app.figures import comparison_view
from dash_app.views.baseline import comparison_notes

__all__ = ["make", "register"]


def _method_note(data: DashboardData) -> str:
    """How A and B were run and compared, and the command for every area."""
    return (
        f"Both run with {data.samples:,} samples and seed {data.seed} (common random numbers: each outage "
        "of the two scenarios gets the same random repair time, so A − B comes from what differs between "
        "them). Person-hours over the horizon; below each peak the 5–95 % range of the per-sample peak "
        "(a difference of quantiles is not a quantile of the difference). Every area: "
        f"`impact compare {data.source} {data.baseline_source} --out FILE.xlsx`."
    )


def make(data: DashboardData) -> dict[str, Callable]:
    """``compare_panel``, bound to ``data``."""
    runs = Runs(data)

    def compare_panel(service, area, window, store, tab) -> tuple:
        """The comparison tab: title, table (person-hours and peaks of A, B, A - B), figure and notes.

        Computed only while the tab is open (``tab == "compare"``); otherwise nothing is sent.
        """
        if tab != "compare" or not data.has_baseline:
            return no_update, no_update, no_update, no_update
        current, baseline = runs.current(store), runs.baseline()
        ds = current.dataset
        name_a, name_b = data.names
        label_a = name_a if runs.whatif(store).is_identity else f"{name_a} with the what-if"
        place = f"{ds['name'].sel(area=area).values} ({area})" if area in ds.indexes["area"] else area
        summary = runs.summary(current, area)
        if summary is None:
            nothing = f"{place}: not in baseline B ({name_b}), nothing to compare"
            return nothing, [], {"data": [], "layout": {}}, "Choose an area both scenarios have."
        title = (
            f"{place}: A ({label_a}) against baseline B ({name_b}), central estimates; "
            "A − B above 0: more people without service in A"
        )
        view = {"service": service, "area": area, "window": window}
        figure = comparison_view(runs.parts(current), runs.parts(baseline).bare, view, (label_a, name_b), ds)
        notes = [_method_note(data)]
        notes += data.derived(current, "comparison notes", lambda: comparison_notes(ds, baseline.dataset))
        return title, compare_table_component(summary), figure, " ".join(notes)

    return {"compare_panel": compare_panel}


def register(app, cb, data: DashboardData) -> None:
    """Wire the comparison callback of ``cb`` to ``app`` (only with a baseline scenario B)."""
    if not data.has_baseline:
        return
    app.callback(
        Output(ids.COMPARE_TITLE, "children"),
        Output(ids.COMPARE_TABLE, "children"),
        Output(ids.COMPARE_GRAPH, "figure"),
        Output(ids.COMPARE_NOTE, "children"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.FILTER_WINDOW, "value"),
        Input(ids.STORE_WHATIF, "data"),
        Input(ids.TABS, "value"),
    )(cb.compare_panel)
