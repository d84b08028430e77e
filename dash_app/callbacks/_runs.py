"""The runs a callback reads, from the page's state, with what is derived from them computed once per run."""

from __future__ import annotations

import pandas as pd
import xarray as xr

import impact
from dash_app.data import DashboardData
from dash_app.figures import FigureParts
from dash_app.views.baseline import comparison_summary
from dash_app.views.sensitivity import area_shares
from impact.whatif import WhatIf, whatif_from_dict

__all__ = ["Runs"]


class Runs:
    """The runs of the page's scenario (A), its what-if and the baseline scenario B, bound to ``data``.

    ``store`` is the page's what-if store (None: no what-if).
    """

    def __init__(self, data: DashboardData) -> None:
        self.data = data

    @staticmethod
    def whatif(store: dict | None) -> WhatIf:
        """The what-if on screen."""
        return whatif_from_dict(store)

    def current(self, store: dict | None) -> impact.Result:
        """The run on screen: A with the what-if of ``store``."""
        return self.data.result(whatif_from_dict(store))

    def unmodified(self, store: dict | None) -> impact.Result | None:
        """A without the what-if, when a what-if is on screen; else None."""
        return None if whatif_from_dict(store).is_identity else self.data.unmodified_result()

    def baseline(self) -> impact.Result | None:
        """The run of the baseline scenario B, or None without one."""
        return self.data.baseline_result() if self.data.has_baseline else None

    def baseline_dataset(self) -> xr.Dataset | None:
        """B's result dataset, or None without B."""
        baseline = self.baseline()
        return None if baseline is None else baseline.dataset

    def parts(self, result: impact.Result) -> FigureParts:
        """What the charts of ``result`` reuse (built once per run)."""
        return self.data.derived(result, "figure parts", lambda: FigureParts.of(result))

    def summary(self, current: impact.Result, area: str) -> pd.DataFrame | None:
        """Person-hours and peaks of ``current`` (A) and B in ``area`` (computed once per run and area)."""
        return self.data.derived(
            current,
            f"comparison {area}",
            lambda: comparison_summary(current.dataset, self.data.baseline_result().dataset, area, self.data.names),
        )

    def needs(self, result: impact.Result, plan: float | None = None) -> xr.Dataset:
        """:func:`impact.needs` of ``result`` leading with the planning statistic ``plan`` (default the
        run's), computed once per run and statistic."""
        return self.data.derived(result, f"needs {plan}", lambda: impact.needs(result, quantile=plan))

    def sensitivity(self, result: impact.Result, area: str, by: str) -> xr.Dataset | str:
        """:func:`impact.sensitivity` of ``result`` in ``area`` split ``by`` (once per run, area and split), or why
        there is none (:func:`dash_app.views.sensitivity.area_shares`)."""
        return self.data.derived(result, f"sensitivity {by} {area}", lambda: area_shares(result, area, by))
