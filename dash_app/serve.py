"""Serving the dashboard: shared by ``impact serve`` and ``python -m dash_app``."""

from __future__ import annotations

import sys

#: Address the dashboard listens on unless told otherwise: this machine only.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050


def serve(scenario: str | None = None, *, baseline: str | None = None, host: str = DEFAULT_HOST,
          port: int = DEFAULT_PORT, show_assets: bool = False) -> None:
    """Build the app for ``scenario`` and serve it until interrupted (debug off).

    Parameters
    ----------
    scenario : str, optional
        Bundled id or folder; default the bundled Odesa scenario.
    baseline : str, optional
        Baseline scenario B (bundled id or folder): the page shows ``scenario`` against it.
    host : str
        Interface to listen on; anything but loopback makes the dashboard reachable from
        other machines, which prints a warning.
    port : int
        TCP port.
    show_assets : bool
        Send asset positions to the browser (off by default).
    """
    from dash_app.app import build_app

    app, data, _ = build_app(scenario, baseline=baseline, show_assets=show_assets)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {host}: anyone who can reach this machine can open the dashboard",
              file=sys.stderr)
    if data.problems:
        print(f"{data.source}: {len(data.problems)} problem(s); the page lists them", file=sys.stderr)
    if data.reference_problems:
        print(f"baseline {data.reference_source}: {len(data.reference_problems)} problem(s); the page lists them",
              file=sys.stderr)
    against = f" against the baseline {data.reference_source}" if data.has_reference else ""
    print(f"dashboard for {data.source}{against} at http://{host}:{port}/ (Ctrl+C to stop)", file=sys.stderr)
    app.run(host=host, port=port, debug=False)
