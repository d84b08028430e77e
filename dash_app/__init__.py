"""The dashboard of the impact model: outage estimates over time, map, filters, what-ifs, exports.

>>> from dash_app import create_app
>>> app = create_app("odesa-2025-12")  # doctest: +SKIP
>>> app.run(host="127.0.0.1", port=8050)  # doctest: +SKIP
"""

from dash_app.app import build_app, create_app

__all__ = ["build_app", "create_app"]
