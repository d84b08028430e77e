"""The dashboard's app factory."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from types import SimpleNamespace

import dash
from flask_compress import Compress

from dash_app import callbacks, layout
from dash_app.data import DashboardData
from dash_app.security import add_security_headers

__all__ = ["ASSETS", "build_app", "create_app"]

ASSETS = Path(__file__).resolve().parent / "assets"


def create_app(
    scenario=None,
    *,
    baseline=None,
    show_assets: bool = False,
    samples: int | None = None,
    seed: int | None = None,
    tiles: str | None = None,
    tiles_attribution: str = "",
) -> dash.Dash:
    """Build the dashboard for one scenario; see :func:`build_app` for the parameters."""
    return build_app(
        scenario,
        baseline=baseline,
        show_assets=show_assets,
        samples=samples,
        seed=seed,
        tiles=tiles,
        tiles_attribution=tiles_attribution,
    )[0]


def build_app(
    scenario=None,
    *,
    baseline=None,
    show_assets: bool = False,
    samples: int | None = None,
    seed: int | None = None,
    tiles: str | None = None,
    tiles_attribution: str = "",
) -> tuple[dash.Dash, DashboardData, SimpleNamespace | None]:
    """Build the dashboard for one scenario, optionally against a baseline scenario.

    Parameters
    ----------
    scenario : str, Path or Scenario, optional
        Bundled scenario id, scenario folder or loaded scenario; default the bundled
        ``odesa-2025-12``. A scenario that fails validation gives a page listing its
        problems.
    baseline : str, Path or Scenario, optional
        Baseline scenario B (bundled id, folder or loaded scenario): the page then shows
        ``scenario`` (A) against B, both run with A's samples and seed (common random
        numbers): B's central line on the timeline, A - B on the KPI cards and a tab
        comparing person-hours and peaks. A baseline that fails validation, or has no area
        or time step in common with A, gives the problems page.
    show_assets : bool
        Send asset positions to the browser and draw them on the map. Off by default:
        only area-level results leave the server.
    samples, seed : int, optional
        Monte Carlo settings; default the scenario's own.
    tiles : str, optional
        XYZ map tile URL template (``https://host/{z}/{x}/{y}.png``) drawn under the map;
        the Content-Security-Policy then lets the browser load images from that host alone.
        Default none: the page loads nothing from outside.
    tiles_attribution : str
        Credit line the tile server asks for, shown under the map.

    Returns
    -------
    app : dash.Dash
        Serves every script, style sheet and font itself (no CDN, no map tiles unless
        ``tiles`` is given); every
        response carries the security headers of :func:`dash_app.security.add_security_headers`
        (a strict Content-Security-Policy, no framing, no sniffing, no referrer).
    data : DashboardData
        The scenario and its cached runs. Its unmodified run (then B's) has started in a
        background thread (``data.result()`` and ``data.baseline_result()`` wait for them;
        ``data.run_status()`` says where they are).
    callbacks : SimpleNamespace or None
        The page's callbacks as plain functions (None when the scenario did not load).

    Notes
    -----
    The layout is a function (:func:`dash_app.layout.page`): a visit before the unmodified
    run is done gets the header and a progress panel at once, which fills in with the
    dashboard when the run ends; a later visit gets the dashboard straight away.
    """
    data = DashboardData(
        scenario,
        baseline=baseline,
        show_assets=show_assets,
        samples=samples,
        seed=seed,
        tiles=tiles,
        tiles_attribution=tiles_attribution,
    )
    data.start_runs()
    app = dash.Dash(
        __name__,
        title="Impact: people without power, water and heat",
        assets_folder=str(ASSETS),
        serve_locally=True,
        external_stylesheets=[],
        external_scripts=[],
        update_title=None,
        suppress_callback_exceptions=False,
    )
    # Gzip what the callbacks and the page send (JSON, HTML): figures and downloads travel at a
    # fraction of their size. Static files are served as they are (compressing them leaves
    # their file handles open in flask-compress).
    app.server.config["COMPRESS_MIMETYPES"] = ["application/json", "text/html"]
    Compress(app.server)
    if data.ok:
        # the layout is a function of the run's progress; Dash checks callbacks against this one
        app.validation_layout = layout.validation_layout(data)
        app.layout = partial(layout.page, data)
    else:
        app.layout = layout.page(data)
    registered = callbacks.register(app, data) if data.ok else None
    add_security_headers(app, tiles=data.tiles)
    return app, data, registered
