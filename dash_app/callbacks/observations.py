"""The line under the KPI cards: the run on screen (and B's) against the reported figures."""

from __future__ import annotations

from collections.abc import Callable

from dash import Input, Output

from dash_app import ids
from dash_app.callbacks._runs import Runs
from dash_app.data import DashboardData
from dash_app.scores import observation_score, reported_counts, score_line

__all__ = ["make", "register"]


def make(data: DashboardData) -> dict[str, Callable]:
    """``observation_line``, bound to ``data``."""
    runs = Runs(data)

    def observation_line(service, area, store) -> str:
        """How the run on screen (and B's) compares with the reported figures of ``service`` in ``area``."""
        current = runs.current(store)
        ds = current.dataset
        scores = runs.parts(current).scores
        score = observation_score(scores, ds, service, area)
        others = {s: n for s, n in reported_counts(scores).items() if s != service}
        baseline_score = None
        baseline = runs.baseline()
        if baseline is not None and score is not None:
            baseline_score = observation_score(runs.parts(baseline).scores, baseline.dataset, service)
        name = str(ds["name"].sel(area=area).values) if area in ds.indexes["area"] else area
        return score_line(score, others=others, area_name=name, baseline=baseline_score, baseline_name=data.names[1])

    return {"observation_line": observation_line}


def register(app, cb, data: DashboardData) -> None:
    """Wire the observation line's callback of ``cb`` to ``app``."""
    app.callback(
        Output(ids.OBSERVATION_SCORE, "children"),
        Input(ids.FILTER_SERVICE, "value"),
        Input(ids.FILTER_AREA, "value"),
        Input(ids.STORE_WHATIF, "data"),
    )(cb.observation_line)
