"""The downloads panel: the current view, the full run or the needs table as CSV, Excel or NetCDF.

The file itself comes from :func:`download_file`, a pure function of the run; the callback
only picks the run and the button, and reports.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import xarray as xr
from dash import Input, Output, State, ctx, dcc, html, no_update

import impact
from dash_app import ids
from dash_app.callbacks._runs import Runs
from dash_app.data import DashboardData
from dash_app.views import view_dataset
from impact.dataset import statistic_name
from impact.export import export, write_excel, write_needs_csv, write_needs_excel
from impact.whatif import WhatIf

__all__ = ["DOWNLOADS", "MOST_TABLE_ROWS", "download_file", "make", "register"]

#: Download buttons: id -> (which data, file suffix).
DOWNLOADS = {
    ids.DOWNLOAD_VIEW_CSV: ("view", ".csv"),
    ids.DOWNLOAD_VIEW_XLSX: ("view", ".xlsx"),
    ids.DOWNLOAD_VIEW_NC: ("view", ".nc"),
    ids.DOWNLOAD_FULL_CSV: ("full", ".csv"),
    ids.DOWNLOAD_FULL_XLSX: ("full", ".xlsx"),
    ids.DOWNLOAD_FULL_NC: ("full", ".nc"),
    ids.DOWNLOAD_NEEDS_CSV: ("needs", ".csv"),
    ids.DOWNLOAD_NEEDS_XLSX: ("needs", ".xlsx"),
}

#: Most rows (service x area x time step) a CSV or Excel download from the page may hold, by suffix. The
#: file travels inside one callback response (500,000 CSV rows are about 90 MB); Excel files are slow to
#: write (about 5,000 rows a second) and a spreadsheet opens at most 1,048,576 rows anyway.
MOST_TABLE_ROWS = {".csv": 500_000, ".xlsx": 100_000}

_WHAT = {"view": "current view", "full": "full run", "needs": "needs table"}


def _check_rows(ds: xr.Dataset, needs_ds: xr.Dataset | None, which: str, suffix: str, source: str) -> None:
    """Refuse (ValueError) a table download with more rows than :data:`MOST_TABLE_ROWS` allows."""
    rows = ds.sizes["service"] * ds.sizes["area"] * ds.sizes["time"]
    if which == "needs" and needs_ds is not None:
        rows = ds.sizes["area"] * int(needs_ds.sizes["day"])
    most = MOST_TABLE_ROWS.get(suffix)
    if most is not None and rows > most:
        raise ValueError(
            f"the {_WHAT[which]} as a table has {rows:,} rows (service × area × time step), more than the "
            f"{most:,} a {suffix[1:].upper()} download from the page holds. Narrow the area or the time "
            f"window, take NetCDF, or write the file with `impact run {source} --out FILE.parquet`."
        )


def download_file(
    result: impact.Result,
    which: str,
    suffix: str,
    *,
    view: tuple[str, str, list[int]] | None = None,
    whatif: WhatIf | None = None,
    needs_ds: xr.Dataset | None = None,
    source: str = "",
    plan: float | None = None,
) -> tuple[bytes, str]:
    """The bytes and file name of one download.

    Parameters
    ----------
    result : impact.Result
        The run on screen.
    which : {"view", "full", "needs"}
        The current view (``view``: service, area, time window [steps]), the full run or
        the needs table.
    suffix : {".csv", ".xlsx", ".nc"}
        File format (needs: CSV or Excel).
    whatif : WhatIf, optional
        The what-if of ``result``: named in the file name and its attributes.
    needs_ds : xarray.Dataset, optional
        :func:`impact.needs` of ``result``: the needs table, and the needs sheet of the full
        run's Excel file.
    source : str
        The scenario as given, for the message of a refusal.
    plan : float, optional
        The planning statistic chosen on the page (one of the run's quantiles): the file's
        ``plan_quantile`` and its leading ``*_plan_qNN`` columns; default the run's.

    Returns
    -------
    content : bytes
    name : str
        ``{scenario_id}_{which}[_whatif]{suffix}``.

    Raises
    ------
    ValueError
        A table longer than :data:`MOST_TABLE_ROWS` allows (the message says what to do
        instead), or a writer's refusal.
    OSError
        The temporary file could not be written.
    """
    whatif = whatif or WhatIf()
    ds = result.dataset.copy() if which != "view" else view_dataset(result.dataset, *view)
    _check_rows(ds, needs_ds, which, suffix, source)
    name = f"{ds.attrs['scenario_id']}_{which}{'' if whatif.is_identity else '_whatif'}{suffix}"
    if plan is not None:
        ds.attrs = dict(ds.attrs, plan_quantile=float(plan), plan_statistic=statistic_name(plan))
    if needs_ds is not None:
        needs_ds = needs_ds.copy()
    if not whatif.is_identity:
        ds.attrs = dict(ds.attrs, whatif=whatif.describe())
        if needs_ds is not None:
            needs_ds.attrs = dict(needs_ds.attrs, whatif=whatif.describe())
    with tempfile.TemporaryDirectory(prefix="impact-download-") as folder:
        path = Path(folder) / name
        if which == "needs":
            (write_needs_csv if suffix == ".csv" else write_needs_excel)(needs_ds, path)
        elif which == "full" and suffix == ".xlsx":  # the full run's workbook has a needs sheet too
            write_excel(ds, path, needs=needs_ds)
        else:
            export(ds, path)
        return path.read_bytes(), name


def make(data: DashboardData) -> dict[str, Callable]:
    """``download``, bound to ``data``."""
    runs = Runs(data)

    def download(*args, trigger=None, plan=None) -> tuple:
        """The file for the download button ``trigger`` and a status line, with the page's planning
        statistic ``plan``; a refusal or failure says why."""
        service, area, window, store = args[-4:]
        if trigger not in DOWNLOADS:
            return no_update, no_update
        which, suffix = DOWNLOADS[trigger]
        current = runs.current(store)
        try:
            needs_ds = runs.needs(current, plan) if which == "needs" or (which, suffix) == ("full", ".xlsx") else None
            content, name = download_file(
                current,
                which,
                suffix,
                view=(service, area, window),
                whatif=runs.whatif(store),
                needs_ds=needs_ds,
                source=data.source,
                plan=plan,
            )
        except (ValueError, OSError) as error:
            return no_update, html.Span(f"Not sent: {error}", className="text-danger")
        return dcc.send_bytes(content, filename=name), f"Sent {name} ({len(content) / 1e6:,.1f} MB)."

    return {"download": download}


def register(app, cb, data: DashboardData) -> None:
    """Wire the download callback of ``cb`` to ``app``."""
    app.callback(
        Output(ids.DOWNLOAD, "data"),
        Output(ids.DOWNLOAD_STATUS, "children"),
        *[Input(button, "n_clicks") for button in DOWNLOADS],
        State(ids.FILTER_SERVICE, "value"),
        State(ids.FILTER_AREA, "value"),
        State(ids.FILTER_WINDOW, "value"),
        State(ids.STORE_WHATIF, "data"),
        State(ids.FILTER_PLAN, "value"),
        prevent_initial_call=True,
    )(lambda *args: cb.download(*args[:-1], trigger=ctx.triggered_id, plan=args[-1]))
