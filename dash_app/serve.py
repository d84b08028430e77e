"""Serving the dashboard: the ``impact serve`` command and ``python -m dash_app`` (:func:`main`)."""

from __future__ import annotations

import ipaddress
import sys
from typing import Annotated

import typer

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServeError", "command", "exposure_warning", "is_loopback", "main", "serve"]

#: Address the dashboard listens on unless told otherwise: this machine only.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050

#: Exit code for bad input (options, a missing gunicorn), as every ``impact`` command.
EXIT_BAD_INPUT = 2

#: Seconds a gunicorn worker may spend on one request (a what-if reruns the model).
WORKER_TIMEOUT = 300
#: Threads per gunicorn worker: the page polls while a callback runs.
WORKER_THREADS = 4


class ServeError(RuntimeError):
    """The dashboard cannot be served as asked (e.g. gunicorn is not installed)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost`` (reachable from this machine only).

    Parameters
    ----------
    host : str
        Host name or IP address, IPv6 with or without brackets.

    Returns
    -------
    bool
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str:
    """The warning printed when the dashboard listens on a non-loopback ``host``."""
    return (
        f"warning: listening on {host}: anyone who can reach this machine on that interface can open the "
        "dashboard and its data, which is sensitive (damage and outages of infrastructure). Keep the default "
        "127.0.0.1 and put the dashboard behind a reverse proxy with TLS and authentication "
        "(docs/dashboard.md, 'Serving to others')."
    )


def serve(
    scenario: str | None = None,
    *,
    baseline: str | None = None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    show_assets: bool = False,
    workers: int | None = None,
    tiles: str | None = None,
    tiles_attribution: str = "",
) -> None:
    """Build the app for ``scenario`` and serve it until interrupted (debug always off).

    Parameters
    ----------
    scenario : str, optional
        Bundled id or folder; default the bundled Odesa scenario.
    baseline : str, optional
        Baseline scenario B (bundled id or folder): the page shows ``scenario`` against it.
    host : str
        Interface to listen on; anything but loopback makes the dashboard reachable from
        other machines, which prints a warning on stderr.
    port : int
        TCP port.
    show_assets : bool
        Send asset positions to the browser (off by default).
    workers : int, optional
        Serve with gunicorn and this many worker processes (each builds the app and runs the
        model itself); default Flask's development server in this process.
    tiles : str, optional
        XYZ tile URL template drawn under the map (``https://host/{z}/{x}/{y}.png``); the
        browser may then load images from that host, and nothing else from outside.
    tiles_attribution : str
        Credit line of the tiles, shown under the map.

    Raises
    ------
    ServeError
        ``workers`` is given but gunicorn is not installed, or is below 1; ``tiles`` is not
        an http(s) URL template with ``{z}``, ``{x}`` and ``{y}``, or ``tiles_attribution`` is
        given without ``tiles``.
    """
    if tiles is None and tiles_attribution.strip():
        raise ServeError("--tiles-attribution credits map tiles, but no --tiles URL was given")
    if tiles is not None:
        from impact.figures import check_tile_template

        try:
            check_tile_template(tiles)
        except ValueError as error:
            raise ServeError(f"--tiles: {error}") from None
    if workers is not None:
        _check_gunicorn(workers)
    if not is_loopback(host):
        print(exposure_warning(host), file=sys.stderr)
    if workers is not None:
        _serve_gunicorn(
            scenario,
            baseline=baseline,
            host=host,
            port=port,
            show_assets=show_assets,
            workers=workers,
            tiles=tiles,
            tiles_attribution=tiles_attribution,
        )
        return
    from dash_app.app import build_app

    app, data, _ = build_app(
        scenario, baseline=baseline, show_assets=show_assets, tiles=tiles, tiles_attribution=tiles_attribution
    )
    if data.problems:
        print(f"{data.source}: {len(data.problems)} problem(s); the page lists them", file=sys.stderr)
    if data.baseline_problems:
        print(
            f"baseline {data.baseline_source}: {len(data.baseline_problems)} problem(s); the page lists them",
            file=sys.stderr,
        )
    against = f" against the baseline {data.baseline_source}" if data.has_baseline else ""
    print(f"dashboard for {data.source}{against} at http://{_url_host(host)}:{port}/ (Ctrl+C to stop)", file=sys.stderr)
    # debug=False explicitly: DASH_DEBUG cannot turn it on (nor the dev tools or the reloader with it)
    app.run(host=host, port=port, debug=False)


def command(
    scenario: Annotated[
        str | None, typer.Argument(help="Bundled scenario id or folder (default odesa-2025-12).")
    ] = None,
    host: Annotated[
        str, typer.Option(help="Interface to listen on; 127.0.0.1 keeps it on this machine.")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = DEFAULT_PORT,
    show_assets: Annotated[bool, typer.Option("--show-assets", help="Send asset positions to the browser.")] = False,
    baseline: Annotated[
        str | None,
        typer.Option(
            metavar="B",
            help="Baseline scenario (bundled id or folder): show SCENARIO against it, A - B; both run "
            "with SCENARIO's samples and seed.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            help="Serve with gunicorn and N worker processes (pip install "
            "'humanitarian-impact[serve]'); default the single-process server.",
        ),
    ] = None,
    tiles: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="XYZ map tiles under the map, e.g. https://tile.example.org/{z}/{x}/{y}.png; the browser may "
            "then load images from that host (and nothing else from outside). Default: no tiles, nothing "
            "leaves the machine.",
        ),
    ] = None,
    tiles_attribution: Annotated[
        str,
        typer.Option(metavar="TEXT", help="Credit line the tile server asks for, shown under the map."),
    ] = "",
) -> None:
    """Open the dashboard (http://127.0.0.1:8050 by default; debug always off).

    A --host other than loopback prints a warning: put the dashboard behind a reverse proxy
    with TLS and authentication instead.
    """
    try:
        serve(
            scenario,
            baseline=baseline,
            host=host,
            port=port,
            show_assets=show_assets,
            workers=workers,
            tiles=tiles,
            tiles_attribution=tiles_attribution,
        )
    except ServeError as error:
        print(f"error: {error}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def main(argv: list[str] | None = None, prog_name: str = "python -m dash_app") -> int:
    """Serve the dashboard as the command line ``argv`` asks (default: the process arguments).

    Parameters
    ----------
    argv : list of str, optional
        ``[SCENARIO] [--baseline B] [--host H] [--port P] [--show-assets] [--workers N] [--tiles URL]
        [--tiles-attribution TEXT]``.
    prog_name : str
        The program's name in usage and help.

    Returns
    -------
    int
        The exit code: 0 when the server stopped, 2 for bad input (options, no gunicorn),
        130 when interrupted.
    """
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command()(command)
    try:
        app(args=argv, prog_name=prog_name, standalone_mode=True)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        return 130
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _check_gunicorn(workers: int) -> None:
    if workers < 1:
        raise ServeError(f"--workers {workers}: give at least 1 worker process")
    if sys.platform == "win32":
        raise ServeError("--workers needs gunicorn, which does not run on Windows; leave --workers out")
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        raise ServeError(
            "--workers needs gunicorn, which is not installed: "
            "pip install 'humanitarian-impact[serve]' (or pip install gunicorn)"
        ) from None


def _serve_gunicorn(
    scenario: str | None,
    *,
    baseline: str | None,
    host: str,
    port: int,
    show_assets: bool,
    workers: int,
    tiles: str | None = None,
    tiles_attribution: str = "",
) -> None:
    """Run gunicorn in this process (as its master) with ``workers`` workers, each building the app."""
    from gunicorn.app.base import BaseApplication

    class DashboardApplication(BaseApplication):
        """gunicorn application whose workers each build the dashboard after the fork."""

        def load_config(self):
            options = {
                "bind": f"{_url_host(host)}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": WORKER_THREADS,
                "timeout": WORKER_TIMEOUT,
                "graceful_timeout": 10,
                "preload_app": False,
                "proc_name": "impact-dashboard",
                "accesslog": None,
                "errorlog": "-",
                # gunicorn >= 25: no control socket (it would listen under $HOME or $XDG_RUNTIME_DIR)
                "control_socket_disable": True,
            }
            for name, value in options.items():
                if name in self.cfg.settings:
                    self.cfg.set(name, value)

        def load(self):
            from dash_app.wsgi import create_server

            return create_server(
                scenario,
                baseline=baseline,
                show_assets=show_assets,
                tiles=tiles,
                tiles_attribution=tiles_attribution,
            )

    source = scenario or "odesa-2025-12"
    against = f" against the baseline {baseline}" if baseline else ""
    print(
        f"dashboard for {source}{against} at http://{_url_host(host)}:{port}/ with {workers} gunicorn "
        "worker(s) (Ctrl+C to stop)",
        file=sys.stderr,
    )
    DashboardApplication().run()
