"""HTTP security headers on every response of the dashboard's Flask server."""

from __future__ import annotations

import dash

from impact.figures import tile_origin

__all__ = ["MAX_REQUEST_BYTES", "STATIC_HEADERS", "add_security_headers", "content_security_policy"]

#: Largest request body the server accepts [bytes]; larger ones get 413. The page's callback
#: requests carry filter values, a what-if's settings and click data: a few kB (tens of kB
#: with hundreds of strikes). The dashboard takes no uploads.
MAX_REQUEST_BYTES = 2 * 2**20

#: Headers added to every response besides the Content-Security-Policy.
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def content_security_policy(app: dash.Dash, tiles: str | None = None) -> str:
    """The Content-Security-Policy of the dashboard.

    Parameters
    ----------
    app : dash.Dash
        The app; its inline scripts (the renderer's start-up script) are allowed by hash.
    tiles : str, optional
        The map's tile URL template (``impact serve --tiles``): images may then come from
        its scheme, host and port too, and from nowhere else outside.

    Returns
    -------
    str
        Everything from the dashboard's own origin only: no ``'unsafe-eval'``, no inline
        scripts but the renderer's own (by hash), no framing, no plugins. Inline styles are
        allowed (Plotly and the Dash components set them); images and fonts may be ``data:``
        URLs (Plotly's icons) and downloads ``blob:`` URLs.
    """
    scripts = " ".join(["'self'", *app.csp_hashes()])
    images = "'self' data: blob:" + (f" {tile_origin(tiles)}" if tiles else "")
    directives = {
        "default-src": "'self'",
        "script-src": scripts,
        "style-src": "'self' 'unsafe-inline'",
        "img-src": images,
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def add_security_headers(app: dash.Dash, tiles: str | None = None) -> None:
    """Add the security headers to every response of ``app``'s Flask server.

    Parameters
    ----------
    app : dash.Dash
        The app; call after its layout is set (the policy hashes its inline scripts).
    tiles : str, optional
        The map's tile URL template, whose host the policy lets images come from.

    Notes
    -----
    Headers a response already carries are kept (``setdefault``). Request bodies are also
    limited to :data:`MAX_REQUEST_BYTES` (Flask answers 413, with these headers).
    """
    headers = {"Content-Security-Policy": content_security_policy(app, tiles), **STATIC_HEADERS}
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    @app.server.after_request
    def _security_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
