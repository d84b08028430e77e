"""``impact serve``: the dashboard, served by :func:`dash_app.serve.main` (the one place in
:mod:`impact` that reaches into :mod:`dash_app`)."""

from __future__ import annotations

import typer

__all__ = ["CONTEXT_SETTINGS", "serve"]

#: How ``impact serve`` is registered (with ``add_help_option=False``): every argument,
#: ``--help`` included, goes to :func:`dash_app.serve.main`, which parses them.
CONTEXT_SETTINGS = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


def serve(ctx: typer.Context) -> None:
    """Open the dashboard (http://127.0.0.1:8050 by default; debug always off); options: impact serve --help."""
    # Imported here: the dashboard (dash, flask) loads only for this command, not for every `impact` call.
    from dash_app.serve import main

    code = main(list(ctx.args), prog_name="impact serve")
    if code:
        raise typer.Exit(code)
