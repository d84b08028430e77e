"""The what-if panel: run a what-if, or go back to the unmodified run."""

from __future__ import annotations

import time
from collections.abc import Callable

from dash import Input, Output, State, ctx, no_update

from dash_app import ids
from dash_app.data import DashboardData
from dash_app.text import UNMODIFIED_STATUS
from impact.whatif import WhatIf

__all__ = ["make", "register"]


def _store(whatif: WhatIf) -> dict | None:
    """The page's what-if store for ``whatif`` (None: no what-if)."""
    if whatif.is_identity:
        return None
    return {
        "repair_time_factor": whatif.repair_time_factor,
        "extra_backup_hours": whatif.extra_backup_hours,
        "disabled_strikes": sorted(whatif.disabled_strikes),
    }


def make(data: DashboardData) -> dict[str, Callable]:
    """``run_whatif``, bound to ``data``."""

    def run_whatif(_run, _reset, repair, backup, active, trigger=ids.WHATIF_RUN) -> tuple:
        """Run the what-if of the controls (or reset them); the store, the status line and the controls."""
        every = list(data.scenario.strikes["strike_id"])
        if trigger == ids.WHATIF_RESET:
            return None, UNMODIFIED_STATUS, 1, 0, every
        try:
            whatif = WhatIf(
                repair_time_factor=float(repair or 1),
                extra_backup_hours=float(backup or 0),
                disabled_strikes=frozenset(set(every) - set(active or [])),
            )
        except ValueError as error:
            return no_update, f"What-if not run: {error}", no_update, no_update, no_update
        begin = time.perf_counter()
        data.result(whatif)
        seconds = time.perf_counter() - begin
        store = _store(whatif)
        if store is None:
            return store, UNMODIFIED_STATUS, no_update, no_update, no_update
        shown_as = "light blue dotted line and 'without the what-if' figures: A without it"
        status = f"Showing what-if: {whatif.describe()} ({shown_as}; run in {seconds:.2f} s)"
        return store, status, no_update, no_update, no_update

    return {"run_whatif": run_whatif}


def register(app, cb, data: DashboardData) -> None:
    """Wire the what-if callback of ``cb`` to ``app``."""
    app.callback(
        Output(ids.STORE_WHATIF, "data"),
        Output(ids.WHATIF_STATUS, "children"),
        Output(ids.WHATIF_REPAIR, "value"),
        Output(ids.WHATIF_BACKUP, "value"),
        Output(ids.WHATIF_STRIKES, "value"),
        Input(ids.WHATIF_RUN, "n_clicks"),
        Input(ids.WHATIF_RESET, "n_clicks"),
        State(ids.WHATIF_REPAIR, "value"),
        State(ids.WHATIF_BACKUP, "value"),
        State(ids.WHATIF_STRIKES, "value"),
        prevent_initial_call=True,
    )(lambda *args: cb.run_whatif(*args, trigger=ctx.triggered_id))
