"""WSGI entry point for running the dashboard under any WSGI server.

``gunicorn --workers 2 --bind 127.0.0.1:8050 "dash_app.wsgi:create_server()"`` serves the
scenario named by the environment:

``IMPACT_SCENARIO``
    Bundled scenario id or folder (default the bundled ``odesa-2025-12``).
``IMPACT_BASELINE``
    Optional baseline scenario B.
``IMPACT_SHOW_ASSETS``
    ``1``/``true``/``yes`` sends asset positions to the browser (off by default).
``IMPACT_TILES``, ``IMPACT_TILES_ATTRIBUTION``
    Optional XYZ tile URL template drawn under the map, and its credit line.

``impact serve --workers N`` does the same without environment variables.
"""

from __future__ import annotations

import os

from flask import Flask

__all__ = ["TRUE", "create_server"]

TRUE = ("1", "true", "yes", "on")


def create_server(
    scenario: str | None = None,
    *,
    baseline: str | None = None,
    show_assets: bool | None = None,
    tiles: str | None = None,
    tiles_attribution: str | None = None,
) -> Flask:
    """Build the dashboard and return its Flask (WSGI) application.

    Parameters
    ----------
    scenario : str, optional
        Bundled id or folder; default ``IMPACT_SCENARIO``, else the bundled Odesa scenario.
    baseline : str, optional
        Baseline scenario B; default ``IMPACT_BASELINE`` (none when unset).
    show_assets : bool, optional
        Send asset positions to the browser; default ``IMPACT_SHOW_ASSETS`` (off when unset).
    tiles, tiles_attribution : str, optional
        Map tiles and their credit; default ``IMPACT_TILES`` and ``IMPACT_TILES_ATTRIBUTION``
        (no tiles when unset).

    Returns
    -------
    flask.Flask
        The WSGI application; debug is off (Dash's dev tools are never enabled here).
        Under a pre-forking server build it in each worker (gunicorn's default, without
        ``--preload``): the baseline run starts in a background thread, which a fork does not copy.
    """
    from dash_app.app import build_app

    scenario = scenario if scenario is not None else (os.environ.get("IMPACT_SCENARIO") or None)
    baseline = baseline if baseline is not None else (os.environ.get("IMPACT_BASELINE") or None)
    if show_assets is None:
        show_assets = os.environ.get("IMPACT_SHOW_ASSETS", "").strip().lower() in TRUE
    tiles = tiles if tiles is not None else (os.environ.get("IMPACT_TILES") or None)
    if tiles_attribution is None:
        tiles_attribution = os.environ.get("IMPACT_TILES_ATTRIBUTION", "")
    app, _, _ = build_app(
        scenario, baseline=baseline, show_assets=show_assets, tiles=tiles, tiles_attribution=tiles_attribution
    )
    return app.server
